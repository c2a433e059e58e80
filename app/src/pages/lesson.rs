//! The lesson player: steps, the live widget, predictions, "check my work"
//! against the lesson's goals, hints and reset. The address always holds the
//! step and the student's actions, so it is a share link.

use super::lessons::tr;
use crate::browser;
use kinesis_lab_core::lesson::lab::Action as LabAction;
use crate::catalog::catalog;
use crate::i18n::{self, T};
use crate::route::{Location, Page};
use crate::share;
use crate::shell::use_ctx;
use crate::widgets::copy_link::CopyLink;
use crate::widgets::key_histogram::KeyHistogram;
use crate::widgets::key_router::KeyRouter;
use crate::widgets::LabHandle;
use kinesis_lab_core::lesson::goal::{Goal, Outcome};
use kinesis_lab_core::lesson::lab::Lab;
use kinesis_lab_core::lesson::{Lesson, Predict, Widget};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The widget for a step, acting on the lesson's lab.
pub fn widget_view(widget: Widget, handle: LabHandle) -> AnyView {
    match widget {
        Widget::None => ().into_any(),
        Widget::KeyRouter => view! { <KeyRouter handle=handle /> }.into_any(),
        Widget::KeyHistogram => view! { <KeyHistogram handle=handle /> }.into_any(),
        Widget::StreamConsole => {
            view! { <crate::widgets::stream_console::StreamConsole handle=handle /> }.into_any()
        }
        Widget::FanOut => {
            view! { <crate::widgets::fan_out::FanOutWidget handle=handle /> }.into_any()
        }
        Widget::Kcl => view! { <crate::widgets::kcl::KclWidget handle=handle /> }.into_any(),
        Widget::Kpl => view! { <crate::widgets::kpl::KplWidget handle=handle /> }.into_any(),
        Widget::Firehose => {
            view! { <crate::widgets::firehose::FirehoseWidget handle=handle /> }.into_any()
        }
        Widget::Sql => view! { <crate::widgets::sql::SqlWidget handle=handle /> }.into_any(),
        Widget::Compare => {
            view! { <crate::widgets::compare::CompareWidget handle=handle /> }.into_any()
        }
        Widget::Decide => {
            view! { <crate::widgets::decide::DecideWidget handle=handle /> }.into_any()
        }
        Widget::Video => view! { <crate::widgets::video::VideoWidget handle=handle /> }.into_any(),
    }
}

/// Replays a share link's actions; a part that fails sets `notice`.
fn replay(handle: LabHandle, encoded: Option<&String>, notice: RwSignal<Option<(T, String)>>) {
    let Some(encoded) = encoded else { return };
    match share::decode(encoded) {
        Err(e) => notice.set(Some((T::ShareNotice, format!("{e:?}")))),
        Ok(actions) => replay_actions(handle, actions.into_iter().enumerate().collect(), notice),
    }
}

/// Applies `rest` in order. A SQL run whose SQL the page has not compiled
/// yet waits for the compiler worker, then the replay goes on from there.
fn replay_actions(
    handle: LabHandle,
    mut rest: std::collections::VecDeque<(usize, LabAction)>,
    notice: RwSignal<Option<(T, String)>>,
) {
    use crate::sql::{Answer, Compiler, Request};
    use std::cell::RefCell;
    use std::rc::Rc;
    while let Some((i, a)) = rest.pop_front() {
        if let LabAction::SqlRun { sql, .. } = &a {
            if handle.lab.with_untracked(|l| l.sql.needs_compile(sql)) {
                let text = sql.clone();
                let waiting = Rc::new(RefCell::new(Some(rest)));
                let slot: Rc<RefCell<Option<Compiler>>> = Rc::default();
                let slot2 = slot.clone();
                let text2 = text.clone();
                let compiler = Compiler::new(move |answer| {
                    if let Some(c) = slot2.borrow_mut().take() {
                        c.shutdown();
                    }
                    let Some(mut rest) = waiting.borrow_mut().take() else { return };
                    match answer {
                        Answer::Reply(r) => {
                            let compiled = match r.plan {
                                Some(p) if r.errors.is_empty() => Ok(p),
                                _ => Err(r.errors),
                            };
                            handle.lab.update(|l| l.sql.provide(&text2, compiled));
                            rest.push_front((i, a.clone()));
                            replay_actions(handle, rest, notice);
                        }
                        Answer::Failed(m) => notice.set(Some((T::ShareReplayNotice, format!("#{}: {m}", i + 1)))),
                    }
                });
                compiler.compile(&Request {
                    id: 1,
                    sql: text,
                    schema: kinesis_lab_core::lesson::sql::feed_schema(),
                    tables: Vec::new(),
                });
                *slot.borrow_mut() = Some(compiler);
                return;
            }
        }
        if let Err(e) = handle.apply(a) {
            notice.set(Some((T::ShareReplayNotice, format!("#{}: {e}", i + 1))));
            return;
        }
    }
}

#[component]
pub fn LessonPage(id: String) -> impl IntoView {
    let ctx = use_ctx();
    let Some(lesson) = catalog().lesson(&id) else {
        return view! {
            <section class="panel">
                <h1>{move || ctx.t(T::NotFoundTitle)}</h1>
                <p>{move || ctx.t(T::LessonNotFound)}</p>
                <a class="button primary" href="#/lessons">{move || ctx.t(T::NavLessons)}</a>
            </section>
        }
        .into_any();
    };
    let Ok(lab) = Lab::from_scenario(&lesson.scenario) else {
        // Validated at build time; unreachable in practice, never a panic.
        return view! { <p class="error">{lesson.id.clone()}</p> }.into_any();
    };
    let handle = LabHandle::new(lab);
    let link_notice = RwSignal::new(None);
    ctx.location
        .with_untracked(|l| replay(handle, l.query.get("s"), link_notice));
    let steps = lesson.steps.len();
    let step = Memo::new(move |_| {
        ctx.location.with(|l| match &l.page {
            Page::Lesson { step, .. } => (*step).min(steps - 1),
            _ => 0,
        })
    });
    let lang = move || ctx.lang.get();

    // The address: this step plus the actions so far.
    let id_for_link = lesson.id.clone();
    let href_for = move |s: usize| {
        let mut loc = Location::new(Page::Lesson {
            id: id_for_link.clone(),
            step: s,
        });
        let log = handle.log.get();
        if !log.is_empty() {
            loc = loc.with("s", share::encode(&log));
        }
        loc.to_hash()
    };
    let href_for2 = href_for.clone();
    Effect::new(move |_| browser::replace_hash(&href_for2(step.get())));
    let lesson_id = lesson.id.clone();
    Effect::new(move |_| {
        let s = step.get();
        ctx.progress.update(|p| p.reach_step(&lesson_id, s));
    });

    let results = RwSignal::new(None::<Vec<(Goal, Outcome)>>);
    let hints_shown = RwSignal::new(0usize);
    let predictions = RwSignal::new(BTreeMap::<usize, usize>::new());
    // Results describe the lab when checked; any change makes them stale.
    Effect::new(move |_| {
        handle.log.track();
        results.set(None);
    });
    let lesson_id = lesson.id.clone();
    let check = move || {
        let r: Vec<(Goal, Outcome)> = handle.lab.with(|l| {
            lesson
                .goals
                .iter()
                .map(|g| (g.clone(), g.evaluate(l)))
                .collect()
        });
        if r.iter().all(|(_, o)| *o == Outcome::Met) {
            ctx.progress.update(|p| p.complete(&lesson_id));
        }
        results.set(Some(r));
    };
    let reset = move || {
        if let Ok(fresh) = Lab::from_scenario(&lesson.scenario) {
            handle.lab.set(fresh);
            handle.log.set(Vec::new());
            hints_shown.set(0);
        }
    };
    let completed = {
        let id = lesson.id.clone();
        move || {
            ctx.progress
                .with(|p| p.lessons.get(&id).is_some_and(|l| l.completed))
        }
    };

    let step_list = {
        let href_for = href_for.clone();
        lesson.steps.iter().enumerate().map(move |(i, s)| {
            let href_for = href_for.clone();
            view! {
                <li class:current=move || step.get() == i class:seen=move || { step.get() > i }>
                    <a href=move || href_for(i) aria-current=move || (step.get() == i).then_some("step")>
                        <span class="num">{i + 1}</span>
                        {move || tr(lang(), &s.title)}
                    </a>
                </li>
            }
        }).collect_view()
    };

    let body = move || {
        let s = step.get();
        let st = &lesson.steps[s];
        let predict = st.predict.as_ref().map(|p| predict_view(p, s, predictions));
        let task = (s == lesson.task_step)
            .then(|| task_view(lesson, results, hints_shown, check.clone(), reset));
        view! {
            <article class="step" aria-labelledby="step-title">
                <h2 id="step-title">{move || tr(lang(), &st.title)}</h2>
                <div class="prose" inner_html=move || tr(lang(), &st.text)></div>
                {predict}
                {widget_view(st.widget, handle)}
                {task}
            </article>
        }
    };
    let prev_href = {
        let h = href_for.clone();
        move || h(step.get().saturating_sub(1))
    };
    let next_href = {
        let h = href_for.clone();
        move || h((step.get() + 1).min(steps - 1))
    };
    let present_href = {
        let id = lesson.id.clone();
        move || {
            format!(
                "#{}",
                Page::Present {
                    id: id.clone(),
                    step: step.get()
                }
                .path()
            )
        }
    };

    view! {
        <div class="lesson-head">
            <p class="tag">
                <a href="#/lessons">{move || ctx.t(T::NavLessons)}</a>
                " · " {move || ctx.t(T::Outline)} " " {catalog().outline_of(&lesson.id).unwrap_or_default().to_owned()}
            </p>
            <h1>{move || tr(lang(), &lesson.title)}</h1>
            <div class="lesson-progress">
                <span id="step-label">{move || ctx.t(T::StepOf)} " " {move || step.get() + 1} " / " {steps}</span>
                <progress max=steps value=move || step.get() + 1 aria-labelledby="step-label"></progress>
                <Show when=completed.clone()>
                    <span class="badge done" id="lesson-complete">{move || ctx.t(T::LessonComplete)}</span>
                </Show>
                <a class="button small" href=present_href>{move || ctx.t(T::Present)}</a>
                <CopyLink />
            </div>
        </div>
        <Show when=move || link_notice.with(Option::is_some)>
            <div class="notice" role="alert">
                <span>{move || link_notice.get().map(|(t, detail)| format!("{} {detail}", ctx.t(t)))}</span>
                <button class="button small" on:click=move |_| link_notice.set(None)>{move || ctx.t(T::Dismiss)}</button>
            </div>
        </Show>
        <div class="lesson-layout">
            <nav class="step-list" aria-label=move || ctx.t(T::Steps)>
                <ol>{step_list}</ol>
            </nav>
            <div class="step-main">
                {body}
                <div class="step-nav">
                    <Show when=move || { step.get() > 0 }>
                        <a id="prev-step" class="button" href=prev_href.clone()>"← " {move || ctx.t(T::Previous)}</a>
                    </Show>
                    <span class="spacer"></span>
                    <Show when=move || { step.get() + 1 < steps }>
                        <a id="next-step" class="button primary" href=next_href.clone()>{move || ctx.t(T::Next)} " →"</a>
                    </Show>
                </div>
            </div>
        </div>
    }
    .into_any()
}

fn predict_view(
    p: &'static Predict,
    step: usize,
    chosen: RwSignal<BTreeMap<usize, usize>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let pick = move || chosen.with(|c| c.get(&step).copied());
    let options = p
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            view! {
                <label class="choice">
                    <input type="radio" name=format!("predict-{step}") value=i
                        prop:checked=move || pick() == Some(i)
                        on:change=move |_| chosen.update(|c| { c.insert(step, i); }) />
                    <span inner_html=move || tr(lang(), o)></span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="predict" id="predict">
            <legend>{move || ctx.t(T::Predict)}</legend>
            <p inner_html=move || tr(lang(), &p.question)></p>
            {options}
            <p class="predict-feedback" role="status">
                {move || pick().map(|i| if i == p.answer { ctx.t(T::PredictRight) } else { ctx.t(T::PredictWrong) })}
            </p>
        </fieldset>
    }
}

fn task_view(
    lesson: &'static Lesson,
    results: RwSignal<Option<Vec<(Goal, Outcome)>>>,
    hints_shown: RwSignal<usize>,
    check: impl Fn() + Clone + Send + Sync + 'static,
    reset: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let goals = lesson
        .goals
        .iter()
        .map(|g| view! { <li>{move || i18n::goal(lang(), g)}</li> })
        .collect_view();
    let all_met = move || {
        results.with(|r| {
            r.as_ref()
                .map(|r| r.iter().all(|(_, o)| *o == Outcome::Met))
        })
    };
    view! {
        <section class="task" aria-labelledby="task-title">
            <h3 id="task-title">{move || ctx.t(T::YourTask)}</h3>
            <ul class="goals">{goals}</ul>
            <div class="buttons">
                <button id="check" class="button primary" on:click=move |_| check()>{move || ctx.t(T::CheckWork)}</button>
                <button id="hint" class="button" on:click=move |_| hints_shown.update(|n| *n = (*n + 1).min(lesson.hints.len()))>
                    {move || ctx.t(T::ShowHint)}
                </button>
                <button id="reset-lab" class="button" on:click=move |_| reset()>{move || ctx.t(T::ResetLab)}</button>
            </div>
            <div id="check-result" role="status" aria-live="polite">
                {move || all_met().map(|ok| {
                    let head = if ok { ctx.t(T::GoalsMet) } else { ctx.t(T::GoalsNotYet) };
                    let items = results.get().unwrap_or_default().into_iter().map(|(g, o)| {
                        let (cls, mark, detail) = match &o {
                            Outcome::Met => ("pass", ctx.t(T::GoalPass), String::new()),
                            Outcome::NotMet(w) => ("fail", ctx.t(T::GoalFail), i18n::why(lang(), w)),
                        };
                        view! {
                            <li class=cls>
                                <strong>{format!("{mark}: ")}</strong>{i18n::goal(lang(), &g)}
                                {(!detail.is_empty()).then(|| view! { <div class="why">{detail}</div> })}
                            </li>
                        }
                    }).collect_view();
                    view! {
                        <p class=if ok { "result-head ok" } else { "result-head fail" }>{head}</p>
                        <ul class="goal-results">{items}</ul>
                    }
                })}
            </div>
            <ol class="hints" id="hints">
                {move || lesson.hints.iter().take(hints_shown.get()).map(|h| view! {
                    <li><strong>{ctx.t(T::Hint)} ": "</strong><span inner_html=tr(lang(), h)></span></li>
                }).collect_view()}
            </ol>
            <Show when=move || { hints_shown.get() >= lesson.hints.len() && !lesson.hints.is_empty() }>
                <p class="help">{move || ctx.t(T::NoMoreHints)}</p>
            </Show>
        </section>
    }
}
