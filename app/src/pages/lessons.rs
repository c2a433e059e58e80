//! The list of lessons by section, with each one's status.

use crate::catalog::catalog;
use crate::i18n::{Lang, T};
use crate::route::Page;
use crate::shell::use_ctx;
use kinesis_lab_core::lesson::Text;
use leptos::prelude::*;

/// The text of `t` in the current language.
pub fn tr(lang: Lang, t: &Text) -> String {
    match lang {
        Lang::En => t.en.clone(),
        Lang::Vi => t.vi.clone(),
    }
}

#[component]
pub fn LessonsPage() -> impl IntoView {
    let ctx = use_ctx();
    let c = catalog();
    let lang = move || ctx.lang.get();
    let sections = c.sections.iter().map(|section| {
        let lessons = section.lessons.iter().filter_map(|entry| {
            let lesson = c.lesson(&entry.id)?;
            let id = lesson.id.clone();
            let id2 = id.clone();
            let status = Memo::new(move |_| {
                ctx.progress.with(|p| match p.lessons.get(&id2) {
                    Some(lp) if lp.completed => (T::StatusDone, "done"),
                    Some(_) => (T::StatusStarted, "started"),
                    None => (T::StatusNew, "new"),
                })
            });
            let status = move || status.get();
            let resume = {
                let id = id.clone();
                move || ctx.progress.with(|p| p.lessons.get(&id).map(|lp| lp.furthest_step).unwrap_or(0))
            };
            let open_href = {
                let id = id.clone();
                move || format!("#{}", Page::Lesson { id: id.clone(), step: resume() }.path())
            };
            let present_href = format!("#{}", Page::Present { id: id.clone(), step: 0 }.path());
            Some(view! {
                <li class="card lesson-card" data-lesson=id.clone()>
                    <p class="tag">{move || ctx.t(T::Outline)} " " {entry.outline.clone()}</p>
                    <h3>{move || tr(lang(), &lesson.title)}</h3>
                    <div class="summary" inner_html=move || tr(lang(), &lesson.summary)></div>
                    <p class=move || format!("status {}", status().1)>{move || ctx.t(status().0)}</p>
                    <div class="buttons">
                        <a class="button primary" href=open_href>
                            {move || if status().1 == "new" { ctx.t(T::StartLesson) } else { ctx.t(T::ContinueLesson) }}
                            <span class="sr-only">": " {move || tr(lang(), &lesson.title)}</span>
                        </a>
                        <a class="button" href=present_href>
                            {move || ctx.t(T::Present)}
                            <span class="sr-only">": " {move || tr(lang(), &lesson.title)}</span>
                        </a>
                    </div>
                </li>
            })
        }).collect_view();
        view! {
            <section class="lesson-section">
                <h2>{move || tr(lang(), &section.title)}</h2>
                <ul class="cards">{lessons}</ul>
            </section>
        }
    }).collect_view();
    view! {
        <h1>{move || ctx.t(T::LessonsTitle)}</h1>
        <p class="lead">{move || ctx.t(T::LessonsLead)}</p>
        {sections}
    }
}
