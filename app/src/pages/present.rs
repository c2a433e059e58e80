//! Presenter mode: a lesson's steps as full-screen slides with the live
//! widget, driven by the keys presentation remotes send, and a speaker-notes
//! window kept in sync both ways through a BroadcastChannel.

use super::lesson::widget_view;
use super::lessons::tr;
use crate::catalog::catalog;
use crate::i18n::T;
use crate::route::Page;
use crate::shell::use_ctx;
use crate::widgets::LabHandle;
use gloo_timers::callback::Interval;
use kinesis_lab_core::lesson::lab::Lab;
use kinesis_lab_core::lesson::Lesson;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

pub const CHANNEL: &str = "kinesis-lab-presenter";

/// What the two windows say to each other.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "msg", rename_all = "snake_case")]
pub enum Message {
    /// Presenter → notes: where the talk is.
    State {
        lesson: String,
        step: usize,
        blank: bool,
    },
    /// Notes → presenter: please go to this step.
    Goto { lesson: String, step: usize },
    /// Notes → presenter: please send your state.
    Hello,
}

/// A BroadcastChannel that lives as long as the page that opened it.
#[derive(Clone, Copy)]
struct Channel {
    port: StoredValue<Option<web_sys::BroadcastChannel>, LocalStorage>,
}

impl Channel {
    fn open(on_message: impl Fn(Message) + 'static) -> Channel {
        let port = web_sys::BroadcastChannel::new(CHANNEL).ok();
        let handler =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                // Anything that is not one of our messages is ignored.
                if let Some(m) = ev
                    .data()
                    .as_string()
                    .and_then(|s| serde_json::from_str::<Message>(&s).ok())
                {
                    on_message(m);
                }
            });
        if let Some(p) = &port {
            p.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        }
        let port = StoredValue::new_local(port);
        let keep = StoredValue::new_local(Some(handler));
        on_cleanup(move || {
            if let Some(Some(p)) = port.try_get_value() {
                p.set_onmessage(None);
                p.close();
            }
            let _ = keep.try_set_value(None);
        });
        Channel { port }
    }

    fn send(&self, m: &Message) {
        if let (Some(Some(p)), Ok(json)) = (self.port.try_get_value(), serde_json::to_string(m)) {
            let _ = p.post_message(&wasm_bindgen::JsValue::from_str(&json));
        }
    }
}

fn go_to(id: &str, step: usize) {
    let hash = format!(
        "#{}",
        Page::Present {
            id: id.to_owned(),
            step
        }
        .path()
    );
    let _ = window().location().set_hash(&hash);
}

fn typing_in_field(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

fn missing() -> AnyView {
    let ctx = use_ctx();
    view! {
        <section class="panel">
            <h1>{move || ctx.t(T::NotFoundTitle)}</h1>
            <p>{move || ctx.t(T::LessonNotFound)}</p>
            <a class="button primary" href="#/lessons">{move || ctx.t(T::NavLessons)}</a>
        </section>
    }
    .into_any()
}

#[component]
pub fn PresentPage(id: String) -> impl IntoView {
    let ctx = use_ctx();
    let Some(lesson) = catalog().lesson(&id) else {
        return missing();
    };
    let Ok(lab) = Lab::from_scenario(&lesson.scenario) else {
        return missing();
    };
    let handle = LabHandle::new(lab);
    let steps = lesson.steps.len();
    let step = Memo::new(move |_| {
        ctx.location.with(|l| match &l.page {
            Page::Present { step, .. } => (*step).min(steps - 1),
            _ => 0,
        })
    });
    let blank = RwSignal::new(false);
    let lesson_id = lesson.id.clone();

    let channel = {
        let id = lesson_id.clone();
        Channel::open(move |m| match m {
            Message::Goto { lesson, step: s } if lesson == id => go_to(&id, s.min(steps - 1)),
            Message::Hello => blank.update(|_| {}), // re-sends the state below
            _ => {}
        })
    };
    {
        let id = lesson_id.clone();
        Effect::new(move |_| {
            channel.send(&Message::State {
                lesson: id.clone(),
                step: step.get(),
                blank: blank.get(),
            });
        });
    }

    // The step keys aim at: updated at once on a key press, so presses that
    // come faster than the address bar's hashchange still count.
    let target = StoredValue::new(step.get_untracked());
    Effect::new(move |_| target.set_value(step.get()));
    let keys = {
        let id = lesson_id.clone();
        window_event_listener(leptos::ev::keydown, move |ev| {
            if typing_in_field(&ev) || ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
                return;
            }
            let s = target.get_value();
            let go = |n: usize| {
                target.set_value(n);
                go_to(&id, n);
            };
            match ev.key().as_str() {
                "ArrowRight" | "PageDown" | " " | "ArrowDown" => go((s + 1).min(steps - 1)),
                "ArrowLeft" | "PageUp" | "ArrowUp" => go(s.saturating_sub(1)),
                "b" | "B" | "." => blank.update(|b| *b = !*b),
                "Escape" => {
                    if blank.get_untracked() {
                        blank.set(false);
                        return;
                    }
                    let _ = window().location().set_hash(&format!(
                        "#{}",
                        Page::Lesson {
                            id: id.clone(),
                            step: s
                        }
                        .path()
                    ));
                }
                _ => return,
            }
            ev.prevent_default();
        })
    };
    on_cleanup(move || keys.remove());

    let lang = move || ctx.lang.get();
    let open_notes = {
        let id = lesson_id.clone();
        move |_| {
            let url = format!("#{}", Page::Notes { id: id.clone() }.path());
            let _ = window().open_with_url_and_target_and_features(
                &url,
                "kinesis-lab-notes",
                "width=960,height=720",
            );
        }
    };
    let exit_href = {
        let id = lesson_id.clone();
        move || {
            format!(
                "#{}",
                Page::Lesson {
                    id: id.clone(),
                    step: step.get()
                }
                .path()
            )
        }
    };
    let slide = move || {
        let st = &lesson.steps[step.get()];
        view! {
            <h1 class="slide-title">{move || tr(lang(), &st.title)}</h1>
            <div class="slide-body">
                <div class="prose" inner_html=move || tr(lang(), &st.text)></div>
                {widget_view(st.widget, handle)}
            </div>
        }
    };
    view! {
        <div class="presenter" class:blanked=move || blank.get() id="presenter">
            <div class="slide" aria-live="polite">{slide}</div>
            <footer class="slide-foot">
                <span id="slide-count">{move || step.get() + 1} " / " {steps}</span>
                <span class="help">{move || ctx.t(T::PresenterHelp)}</span>
                <button id="open-notes" class="button small" on:click=open_notes>{move || ctx.t(T::OpenNotes)}</button>
                <button id="full-screen" class="button small" on:click=move |_| {
                    if let Some(el) = document().document_element() {
                        let _ = el.request_fullscreen();
                    }
                }>{move || ctx.t(T::FullScreen)}</button>
                <a class="button small" href=exit_href>{move || ctx.t(T::ExitPresenter)}</a>
            </footer>
            <div class="blank-screen" aria-hidden=move || (!blank.get()).then_some("true")>
                <span class="sr-only">{move || ctx.t(T::Blanked)}</span>
            </div>
        </div>
    }
    .into_any()
}

fn notes_of(lesson: &Lesson, step: usize, lang: crate::i18n::Lang) -> Option<String> {
    lesson
        .steps
        .get(step)
        .and_then(|s| s.notes.as_ref())
        .map(|n| tr(lang, n))
}

#[component]
pub fn NotesPage(id: String) -> impl IntoView {
    let ctx = use_ctx();
    let Some(lesson) = catalog().lesson(&id) else {
        return missing();
    };
    let steps = lesson.steps.len();
    let state = RwSignal::new(None::<(usize, bool)>);
    let channel = {
        let id = lesson.id.clone();
        Channel::open(move |m| {
            if let Message::State {
                lesson,
                step,
                blank,
            } = m
            {
                if lesson == id {
                    state.set(Some((step.min(steps - 1), blank)));
                }
            }
        })
    };
    channel.send(&Message::Hello);

    // The talk's clock: real seconds since this window opened.
    let seconds = RwSignal::new(0u64);
    let timer = StoredValue::new_local(Some(Interval::new(1000, move || {
        seconds.update(|s| *s += 1)
    })));
    on_cleanup(move || {
        let _ = timer.try_set_value(None);
    });

    let lang = move || ctx.lang.get();
    let goto = {
        let id = lesson.id.clone();
        move |delta: i64| {
            if let Some((s, _)) = state.get_untracked() {
                let target = (s as i64 + delta).clamp(0, steps as i64 - 1) as usize;
                channel.send(&Message::Goto {
                    lesson: id.clone(),
                    step: target,
                });
            }
        }
    };
    let goto2 = goto.clone();
    let panel = move |offset: usize, label: T| {
        view! {
            <section class="notes-panel">
                <h2>{move || ctx.t(label)}</h2>
                {move || match state.get() {
                    None => view! { <p>{ctx.t(T::WaitingForPresenter)}</p> }.into_any(),
                    Some((s, _)) if s + offset >= steps => view! { <p>{ctx.t(T::EndOfLesson)}</p> }.into_any(),
                    Some((s, _)) => {
                        let st = &lesson.steps[s + offset];
                        let notes = notes_of(lesson, s + offset, lang());
                        view! {
                            <h3 class="notes-step">{format!("{} {} · ", ctx.t(T::StepOf), s + offset + 1)}{tr(lang(), &st.title)}</h3>
                            {match notes {
                                Some(n) => view! { <div class="prose" inner_html=n></div> }.into_any(),
                                None => view! { <p class="help">{ctx.t(T::NoNotes)}</p> }.into_any(),
                            }}
                        }.into_any()
                    }
                }}
            </section>
        }
    };
    view! {
        <div class="notes-window" id="notes">
            <header class="notes-head">
                <h1>{move || ctx.t(T::NotesTitle)} " · " {move || tr(lang(), &lesson.title)}</h1>
                <span class="timer" aria-label=move || ctx.t(T::Timer)>
                    {move || format!("{:02}:{:02}", seconds.get() / 60, seconds.get() % 60)}
                </span>
                <span id="notes-count">{move || state.get().map(|(s, _)| format!("{} / {steps}", s + 1))}</span>
                <Show when=move || state.get().is_some_and(|(_, b)| b)>
                    <span class="badge">{move || ctx.t(T::Blanked)}</span>
                </Show>
            </header>
            <div class="buttons">
                <button id="notes-prev" class="button" on:click=move |_| goto(-1)>"← " {move || ctx.t(T::Previous)}</button>
                <button id="notes-next" class="button primary" on:click=move |_| goto2(1)>{move || ctx.t(T::Next)} " →"</button>
            </div>
            <div class="notes-grid">
                {panel(0, T::CurrentStep)}
                {panel(1, T::NextStep)}
            </div>
        </div>
    }
    .into_any()
}
