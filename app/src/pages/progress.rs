//! Saved progress: what is done, quiz history, export to a file and import.

use super::lessons::tr;
use crate::browser;
use crate::catalog::catalog;
use crate::i18n::T;
use crate::progress::{LoadNotice, Progress};
use crate::shell::use_ctx;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn ProgressPage() -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let status = RwSignal::new(None::<&'static str>);
    let lessons = move || {
        catalog().lessons.iter().map(|l| {
            let done = ctx.progress.with(|p| p.lessons.get(&l.id).is_some_and(|lp| lp.completed));
            view! {
                <li class:done=done>
                    <span aria-hidden="true">{if done { "✓ " } else { "○ " }}</span>
                    {tr(lang(), &l.title)} " · " {if done { ctx.t(T::StatusDone) } else { ctx.t(T::StatusNew) }}
                </li>
            }
        }).collect_view()
    };
    let quizzes = move || {
        ctx.progress.with(|p| p.quizzes.iter().rev().map(|q| view! {
            <tr><td class="mono">{q.seed}</td><td>{q.level}</td><td>{format!("{} / {}", q.correct, q.total)}</td></tr>
        }).collect_view())
    };
    let export = move |_| {
        let json = ctx.progress.with_untracked(Progress::to_json);
        browser::download("kinesis-lab-progress.json", &json);
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(file) = browser::first_file(&ev) else {
            return;
        };
        spawn_local(async move {
            let text = browser::file_text(file).await.unwrap_or_default();
            match Progress::from_json(&text) {
                (_, Some(LoadNotice::Unreadable)) => {
                    status.set(Some(T::ImportFailed.get(ctx.lang.get_untracked())))
                }
                (p, _) => {
                    if let Some(l) = p.lang.as_deref().and_then(crate::i18n::Lang::from_code) {
                        ctx.lang.set(l);
                    }
                    ctx.progress.set(p);
                    status.set(Some(T::Imported.get(ctx.lang.get_untracked())));
                }
            }
        });
    };
    let reset = move |_| {
        if browser::confirm(ctx.t(T::ConfirmReset)) {
            ctx.progress.set(Progress {
                lang: Some(ctx.lang.get_untracked().code().into()),
                ..Progress::default()
            });
        }
    };
    view! {
        <h1>{move || ctx.t(T::ProgressTitle)}</h1>
        <p class="lead">{move || ctx.t(T::ProgressLead)}</p>
        <section class="panel">
            <h2>{move || ctx.t(T::LessonsDone)}</h2>
            <ul class="plain" id="lessons-done">{lessons}</ul>
        </section>
        <section class="panel">
            <h2>{move || ctx.t(T::QuizHistory)}</h2>
            <Show when=move || ctx.progress.with(|p| !p.quizzes.is_empty()) fallback=move || view! { <p>{move || ctx.t(T::NoQuizzes)}</p> }>
                <div class="table-wrap short" tabindex="0">
                    <table id="quiz-history">
                        <thead><tr>
                            <th scope="col">{move || ctx.t(T::SeedCol)}</th>
                            <th scope="col">{move || ctx.t(T::LevelCol)}</th>
                            <th scope="col">{move || ctx.t(T::ScoreCol)}</th>
                        </tr></thead>
                        <tbody>{quizzes}</tbody>
                    </table>
                </div>
            </Show>
        </section>
        <section class="panel buttons">
            <button id="export" class="button" on:click=export>{move || ctx.t(T::Export)}</button>
            <label class="button" for="import">{move || ctx.t(T::Import)}</label>
            <input id="import" class="sr-only" type="file" accept=".json,application/json" on:change=import />
            <button id="reset-progress" class="button" on:click=reset>{move || ctx.t(T::ResetProgress)}</button>
            <span role="status" id="progress-status">{move || status.get()}</span>
        </section>
    }
}
