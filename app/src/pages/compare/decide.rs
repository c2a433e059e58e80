//! The interactive decision tree (seed 4.7) and the scenario →
//! recommendation table. The tree's structure is the core's
//! (`compare::guide::walk`); the words are `lessons/compare/guide.toml`.
//!
//! One question at a time with Yes/No buttons (Y, N and Backspace work while
//! the tree has focus), the path so far, and at a leaf the recommendation
//! with its reason and a link to the compare scenario that shows it. A row
//! of the scenario table fills in the answers that lead to it. The page's
//! tree reads `?answers=yny` (a share link); a link it cannot read shows a
//! notice and starts from the first question.

use super::tables::ScenarioLink;
use crate::browser;
use crate::catalog::catalog;
use crate::i18n::T;
use crate::pages::lessons::tr;
use crate::route::Page;
use crate::shell::use_ctx;
use kinesis_lab_core::compare::guide::{format_answers, parse_answers, walk, Walk};
use leptos::prelude::*;

/// The walk for `answers`; answers that run past a leaf (which the buttons
/// never produce) are cut back to the longest prefix that walks.
pub fn walk_prefix(answers: &[bool]) -> (Vec<bool>, Walk) {
    for n in (0..=answers.len()).rev() {
        if let Ok(w) = walk(&answers[..n]) {
            return (answers[..n].to_vec(), w);
        }
    }
    // walk(&[]) always succeeds; this is only a fallback.
    (
        Vec::new(),
        Walk {
            asked: Vec::new(),
            next: None,
            result: None,
        },
    )
}

/// The tree's controls and result. `answers` is the path; `on_leaf` runs
/// when the student's own answer reaches a leaf (the lesson widget records
/// it there). `prefix` keeps element ids apart (`dt` on the page, `w-dt` in
/// a lesson). `share` shows the share link of the answers.
#[component]
pub fn TreeView(
    answers: RwSignal<Vec<bool>>,
    #[prop(into)] prefix: String,
    #[prop(optional)] share: bool,
    #[prop(optional)] on_leaf: Option<Callback<Vec<bool>>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let guide = &catalog().guide;
    let walked = Memo::new(move |_| answers.with(|a| walk_prefix(a).1));
    let id = {
        let prefix = prefix.clone();
        move |s: &str| format!("{prefix}-{s}")
    };
    let result_ref = NodeRef::<leptos::html::Div>::new();
    let question_ref = NodeRef::<leptos::html::Div>::new();
    let user_moved = StoredValue::new(false);
    let answer = move |yes: bool| {
        if walked.with_untracked(|w| w.next.is_none()) {
            return;
        }
        user_moved.set_value(true);
        answers.update(|a| a.push(yes));
        let (path, w) = answers.with_untracked(|a| walk_prefix(a));
        if w.result.is_some() {
            if let Some(cb) = on_leaf {
                cb.run(path);
            }
        }
    };
    let back = move || {
        user_moved.set_value(true);
        answers.update(|a| {
            a.pop();
        });
    };
    let restart = move || {
        user_moved.set_value(true);
        answers.set(Vec::new());
    };
    // Keep the keyboard in the tree: after an answer, focus goes to the next
    // question or to the result (only after the student's own moves, so a
    // share link does not steal focus on load).
    Effect::new(move |_| {
        let done = walked.with(|w| w.result.is_some());
        if !user_moved.get_value() {
            return;
        }
        let target = if done { result_ref.get() } else { None };
        match target {
            Some(el) => {
                let _ = el.focus();
            }
            None => {
                if let Some(el) = question_ref.get() {
                    // Focus the Yes button when the question block lost focus.
                    let active = document().active_element();
                    let inside = active.as_ref().is_some_and(|a| el.contains(Some(a)));
                    if !inside {
                        if let Ok(Some(b)) = el.query_selector("button") {
                            if let Ok(b) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(b)
                            {
                                let _ = b.focus();
                            }
                        }
                    }
                }
            }
        }
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        match ev.key().as_str() {
            "y" | "Y" => {
                ev.prevent_default();
                answer(true)
            }
            "n" | "N" => {
                ev.prevent_default();
                answer(false)
            }
            "Backspace" => {
                ev.prevent_default();
                back()
            }
            _ => {}
        }
    };
    let step_no = move || walked.with(|w| w.asked.len() + 1);
    let question = move || {
        walked.with(|w| {
            w.next.and_then(|q| guide.question(q)).map(|t| {
                (
                    t.id.id(),
                    tr(lang(), &t.text),
                    tr(lang(), &t.yes),
                    tr(lang(), &t.no),
                )
            })
        })
    };
    let path = move || {
        walked.with(|w| {
            w.asked
                .iter()
                .map(|(q, a)| {
                    let text = guide
                        .question(*q)
                        .map(|t| tr(lang(), &t.text))
                        .unwrap_or_default();
                    let ans = if *a {
                        ctx.t(T::GuideYes)
                    } else {
                        ctx.t(T::GuideNo)
                    };
                    view! {
                        <li data-question=q.id() data-answer=if *a { "y" } else { "n" }>
                            <span class="dt-q">{text}</span> " "
                            <strong class=if *a { "dt-a yes" } else { "dt-a no" }>{ans}</strong>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let result = move || walked.with(|w| w.result);
    let share_hash = move || format!("#/compare?answers={}", answers.with(|a| format_answers(a)));
    let copied = RwSignal::new(false);
    let id2 = id.clone();
    let id3 = id.clone();
    let id4 = id.clone();
    let id5 = id.clone();
    let id6 = id.clone();
    view! {
        <div class="dt" id=id("tree") on:keydown=on_key data-answers=move || answers.with(|a| format_answers(a))
            data-recommendation=move || result().map(|r| r.id())>
            <p class="help dt-keys">{move || ctx.t(T::GuideKeys)}</p>
            <div class="dt-grid">
                <div class="dt-main">
                    <Show when=move || result().is_none()>
                        <div class="dt-question" node_ref=question_ref id=id2("question")
                            data-question=move || question().map(|q| q.0)>
                            <p class="dt-step muted">{move || ctx.t(T::GuideQuestionN)} " " {step_no}</p>
                            <p class="dt-text" id=id3("question-text")>{move || question().map(|q| q.1)}</p>
                            <div class="dt-choices" role="group" aria-labelledby=id3("question-text")>
                                <button type="button" class="button dt-yes" id=id3("yes") on:click=move |_| answer(true)>
                                    <span class="dt-choice">{move || ctx.t(T::GuideYes)}</span>
                                    <span class="dt-hint">{move || question().map(|q| q.2)}</span>
                                </button>
                                <button type="button" class="button dt-no" id=id3("no") on:click=move |_| answer(false)>
                                    <span class="dt-choice">{move || ctx.t(T::GuideNo)}</span>
                                    <span class="dt-hint">{move || question().map(|q| q.3)}</span>
                                </button>
                            </div>
                        </div>
                    </Show>
                    {move || result().and_then(|r| guide.recommendation(r).map(|t| (r, t))).map(|(r, t)| {
                        view! {
                            <div class="dt-result" id=id6("result") node_ref=result_ref tabindex="-1"
                                data-recommendation=r.id() aria-live="polite">
                                <p class="dt-step muted">{move || ctx.t(T::GuideResult)}</p>
                                <h3 class="dt-name">{move || tr(lang(), &t.name)}</h3>
                                {(!r.modelled()).then(|| view! { <p class="badge dt-not-modelled">{move || ctx.t(T::GuideNotModelled)}</p> })}
                                <p><strong>{move || ctx.t(T::GuideWhy)} ": "</strong>{move || tr(lang(), &t.reason)}</p>
                                {t.caveat.as_ref().map(|c| view! { <p class="dt-caveat"><strong>{move || ctx.t(T::GuideCaveat)} ": "</strong>{move || tr(lang(), c)}</p> })}
                                <p class="dt-scenario">
                                    <strong>{move || ctx.t(T::GuideScenario)} ": "</strong>{move || tr(lang(), &t.scenario)} " "
                                    <ScenarioLink id=r.scenario().to_owned() class="dt-open" />
                                </p>
                            </div>
                        }
                    })}
                    <div class="dt-nav">
                        <button type="button" class="button small" id=id4("back") disabled=move || answers.with(Vec::is_empty)
                            on:click=move |_| back()>{move || ctx.t(T::GuideBack)}</button>
                        <button type="button" class="button small" id=id4("restart") disabled=move || answers.with(Vec::is_empty)
                            on:click=move |_| restart()>{move || ctx.t(T::GuideRestart)}</button>
                        {share.then(|| view! {
                            <a class="dt-share" id=id5("share") href=share_hash>{move || ctx.t(T::GuideShare)}</a>
                            <button type="button" class="button small" on:click=move |_| {
                                let base = browser::href();
                                let base = base.split('#').next().unwrap_or("").to_owned();
                                copied.set(browser::copy_to_clipboard(&format!("{base}{}", share_hash())));
                            }>{move || ctx.t(T::GuideCopyShare)}</button>
                            <span class="status" role="status">{move || copied.get().then(|| ctx.t(T::Copied))}</span>
                        })}
                    </div>
                </div>
                <div class="dt-path-box">
                    <h3 class="dt-path-title">{move || ctx.t(T::GuidePath)}</h3>
                    <Show when=move || answers.with(Vec::is_empty)>
                        <p class="muted">{move || ctx.t(T::GuidePathEmpty)}</p>
                    </Show>
                    <ol class="dt-path" id=id5("path")>{path}</ol>
                </div>
            </div>
        </div>
    }
}

/// The seed's scenario → recommendation table; a row's button fills in its
/// answers.
#[component]
pub fn ScenarioTable(
    answers: RwSignal<Vec<bool>>,
    #[prop(into)] prefix: String,
    /// Runs with the row's answers when a row is picked.
    #[prop(optional)]
    on_fill: Option<Callback<Vec<bool>>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let guide = &catalog().guide;
    let title_id = format!("{prefix}-scenarios-title");
    let title_ref = title_id.clone();
    view! {
        <section class="dt-scenarios" aria-labelledby=title_ref>
            <h3 id=title_id>{move || guide.scenarios.title.as_ref().map(|t| tr(lang(), t))}</h3>
            <p class="help">{move || ctx.t(T::GuideScenarioHelp)}</p>
            <table class="guide-table dt-scenario-table" id=format!("{prefix}-scenarios")>
                <thead>
                    <tr>
                        <th scope="col">{move || ctx.t(T::GuideSituation)}</th>
                        <th scope="col">{move || ctx.t(T::GuideResult)}</th>
                        <th scope="col">{move || ctx.t(T::GuideAnswers)}</th>
                    </tr>
                </thead>
                <tbody>
                    {guide.scenarios.rows.iter().map(|row| {
                        let path2 = parse_answers(&row.answers).unwrap_or_default();
                        let path3 = path2.clone();
                        let path4 = path2.clone();
                        let current = move || answers.with(|a| *a == path3);
                        let rec = guide.recommendation(row.recommendation);
                        view! {
                            <tr data-row=row.id.clone() data-answers=row.answers.clone()
                                data-recommendation=row.recommendation.id()
                                aria-current=move || current().then_some("true")
                                on:click=move |_| {
                                    answers.set(path2.clone());
                                    if let Some(cb) = on_fill {
                                        cb.run(path2.clone());
                                    }
                                }>
                                <th scope="row">{move || tr(lang(), &row.situation)}</th>
                                <td>{move || rec.map(|t| tr(lang(), &t.name))}</td>
                                <td>
                                    <button type="button" class="button small dt-fill">
                                        {move || ctx.t(T::GuideFillIn)}
                                    </button>
                                    " "
                                    <span class="dt-row-answers">{move || {
                                        path4.iter()
                                            .map(|a| if *a { ctx.t(T::GuideYes) } else { ctx.t(T::GuideNo) })
                                            .collect::<Vec<_>>().join(" → ")
                                    }}</span>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// The decision tree on `#/compare`.
#[component]
pub fn DecisionTree() -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let guide = &catalog().guide;
    let answers = RwSignal::new(Vec::<bool>::new());
    let bad_link = RwSignal::new(false);
    // A share link `#/compare?answers=yny`: read it on load and whenever such
    // a link is followed. Addresses without `answers` leave the tree alone
    // (the simulator rewrites the address as it runs).
    Effect::new(move |_| {
        let q = ctx.location.with(|l| {
            (l.page == Page::Compare)
                .then(|| l.query.get("answers").cloned())
                .flatten()
        });
        let Some(q) = q else { return };
        match parse_answers(&q).and_then(|a| walk(&a).map(|_| a)) {
            Ok(a) => {
                bad_link.set(false);
                answers.set(a);
            }
            Err(_) => {
                bad_link.set(true);
                answers.set(Vec::new());
            }
        }
        if let Some(el) = document().get_element_by_id("decision-tree") {
            el.scroll_into_view();
        }
    });
    view! {
        <section class="decision-tree" id="decision-tree" aria-labelledby="dt-title">
            <h2 id="dt-title">{move || guide.tree.title.as_ref().map(|t| tr(lang(), t))}</h2>
            {guide.tree.intro.as_ref().map(|t| view! { <p class="lead">{move || tr(lang(), t)}</p> })}
            <Show when=move || bad_link.get()>
                <p class="notice" id="dt-notice" role="alert">{move || ctx.t(T::GuideBadLink)}</p>
            </Show>
            <TreeView answers=answers prefix="dt" share=true />
            <ScenarioTable answers=answers prefix="dt" />
            <ul class="dt-caveats">
                {guide.tree.caveats.iter().map(|c| view! { <li class="muted">{move || tr(lang(), c)}</li> }).collect_view()}
            </ul>
        </section>
    }
}
