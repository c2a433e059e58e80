//! The Firehose page (`#/firehose`): a delivery stream of core's
//! `firehose::DeliveryStream` fed by a producer in simulated time.
//!
//! - `form.rs`: the settings, as typed, with each error beside its field;
//! - `run.rs`: the only file that talks to the engine: builds the
//!   `DeliveryConfig`, runs the producer and the engine up to `now`, and
//!   reads what the page shows into a `Snap`;
//! - `live.rs`: clock, buffer fill bar and countdown, counters, deliveries;
//! - `dest.rs`: bucket browser (preview, download), Redshift pager,
//!   OpenSearch search, endpoint attempts;
//! - `sandbox.rs`: the student's JavaScript transform in a Web Worker
//!   (`static/transform-worker.js`) with a time limit.
//!
//! A JavaScript transform makes the engine stop at a pending invocation. The
//! page then pauses the clock, runs the worker, hands the reply (or the
//! reason there is none) back with `complete_invocation`, and resumes.

mod dest;
mod form;
mod live;
pub mod run;
pub mod sandbox;

use crate::clock::{use_sim_clock, SimClock};
use crate::i18n::{Lang, T};
use crate::shell::use_ctx;
use form::Form;
use kinesis_lab_core::firehose::transform::{js_template, InvokeError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use run::{Run, Snap};
use sandbox::{Sandbox, SandboxError, LIMIT_MS};

/// Time-scale choices (simulated ms per real second ×1000).
pub const SPEEDS: [(u32, &str); 5] = [
    (1000, "1×"),
    (10_000, "10×"),
    (60_000, "60×"),
    (300_000, "300×"),
    (900_000, "900×"),
];

/// What the page's parts share.
#[derive(Clone, Copy)]
pub struct Fh {
    pub clock: SimClock,
    pub run: StoredValue<Option<Run>, LocalStorage>,
    pub snap: RwSignal<Option<Snap>>,
    /// A JavaScript invocation is in flight (the clock is held).
    pub busy: RwSignal<bool>,
    pub transform_on: RwSignal<bool>,
    pub invocations: RwSignal<u64>,
    pub last_error: RwSignal<Option<SandboxError>>,
    pub logs: RwSignal<Vec<String>>,
    pub notice: RwSignal<Option<String>>,
    pub flush: Callback<()>,
}

/// The sandbox's reason in the reader's language.
pub fn sandbox_error_text(lang: Lang, e: &SandboxError) -> String {
    crate::i18n::fh_sandbox_error(lang, e)
}

fn to_invoke_error(e: &SandboxError) -> InvokeError {
    match e {
        SandboxError::TimedOut { ms } => {
            let mut err = InvokeError::timeout(*ms as u64);
            err.message = e.reason();
            err
        }
        // The same codes as core's contract: a wrong shape is a JSON processing
        // problem, a response over the payload limit a function error.
        SandboxError::NotRecords(_) => InvokeError::bad_response(e.reason()),
        _ => InvokeError::function_error(e.reason()),
    }
}

#[component]
pub fn FirehosePage() -> impl IntoView {
    let ctx = use_ctx();
    let starter = js_template().to_owned();
    let form = Form::new(starter.clone());
    let clock = use_sim_clock(60_000);
    let sandbox = StoredValue::new_local(Sandbox::new());
    on_cleanup(move || sandbox.with_value(Sandbox::shutdown));
    let flush = RwSignal::new(0u32);
    let fh = Fh {
        clock,
        run: StoredValue::new_local(None),
        snap: RwSignal::new(None),
        busy: RwSignal::new(false),
        transform_on: RwSignal::new(false),
        invocations: RwSignal::new(0),
        last_error: RwSignal::new(None),
        logs: RwSignal::new(Vec::new()),
        notice: RwSignal::new(None),
        flush: Callback::new(move |_| flush.update(|n| *n += 1)),
    };
    let js_code = StoredValue::new(String::new());

    let refresh = move || {
        let s = fh.run.with_value(|r| r.as_ref().map(Run::snap));
        fh.snap.set(s);
    };

    // Runs the engine up to the clock; a pending JavaScript invocation holds
    // the clock and goes to the worker.
    let drive = move || {
        if fh.busy.get_untracked() {
            return;
        }
        let now = clock.now_ms.get_untracked();
        let pending = fh.run.try_update_value(|r| r.as_mut().and_then(|r| r.advance(now))).flatten();
        refresh();
        let Some((id, input)) = pending else { return };
        let was_running = clock.running.get_untracked();
        clock.running.set(false);
        fh.busy.set(true);
        let code = js_code.get_value();
        let sb = sandbox.with_value(Sandbox::clone);
        spawn_local(async move {
            let out = sb.run(&code, &input, LIMIT_MS).await;
            let result = out.result.as_ref().map(String::clone).map_err(to_invoke_error);
            let _ = fh.invocations.try_update(|n| *n += 1);
            let _ = fh.logs.try_set(out.logs);
            if let Err(e) = &out.result {
                let _ = fh.last_error.try_set(Some(e.clone()));
            }
            let now = clock.now_ms.try_get_untracked().unwrap_or(0);
            fh.run.try_update_value(|r| {
                if let Some(r) = r.as_mut() {
                    r.complete(id, now, result);
                }
            });
            let _ = fh.busy.try_set(false);
            if was_running {
                let _ = clock.running.try_set(true);
            }
            // Go on from where the engine stopped (another invocation may be due).
            let _ = clock.now_ms.try_update(|t| *t += 0);
        });
    };

    let apply = Callback::new(move |_| {
        let built = form;
        match Run::from_form(&built, ctx.lang.get_untracked()) {
            Ok(run) => {
                clock.reset();
                sandbox.with_value(Sandbox::shutdown);
                fh.transform_on.set(run.transform_kind().is_some());
                js_code.set_value(built.js.get_untracked());
                fh.invocations.set(0);
                fh.last_error.set(None);
                fh.logs.set(Vec::new());
                fh.busy.set(false);
                fh.notice.set(None);
                form.errors.set(Vec::new());
                fh.run.set_value(Some(run));
                refresh();
            }
            Err(errors) => form.errors.set(errors),
        }
    });

    // Every tick (and every step or resume) moves the engine to the clock.
    Effect::new(move |_| {
        clock.now_ms.track();
        drive();
    });
    Effect::new(move |prev: Option<u32>| {
        let n = flush.get();
        if prev.is_some_and(|p| p != n) && !fh.busy.get_untracked() {
            let now = clock.now_ms.get_untracked();
            fh.run.update_value(|r| {
                if let Some(r) = r.as_mut() {
                    r.stop_and_flush(now);
                }
            });
            clock.now_ms.update(|t| *t += 0);
        }
        n
    });

    view! {
        <div class="page-head">
            <h1>{move || ctx.t(T::FhTitle)}</h1>
            <crate::widgets::copy_link::CopyLink />
        </div>
        <p class="lead">{move || ctx.t(T::FhLead)}</p>
        <form::SettingsForm form=form apply=apply js_starter=starter />
        {move || fh.notice.get().map(|n| view! { <p class="notice" role="alert">{n}</p> })}
        <live::LiveView fh=fh />
        <dest::Destinations fh=fh />
    }
}
