//! Many keys: a generated workload run by the engine in simulated time, drawn
//! as records per second per shard against the 1,000 records/s write limit.

use super::ViewState;
use crate::browser;
use crate::clock::use_sim_clock;
use crate::i18n::{self, T};
use crate::shell::use_ctx;
use crate::widgets::chart::ShardChart;
use crate::widgets::distribution::DistributionPicker;
use crate::widgets::run_stats::RunStatsView;
use kinesis_lab_core::error::{parse_count, Field, ValidationError};
use kinesis_lab_core::workload::{
    KeyRun, KeyRunConfig, MAX_DURATION_SECONDS, MAX_RECORDS_PER_SECOND,
};
use leptos::prelude::*;

const SPEEDS: [u32; 4] = [1, 2, 5, 10];

#[component]
pub fn ManyKeys(state: RwSignal<ViewState>) -> impl IntoView {
    let ctx = use_ctx();
    let init = state.get_untracked();
    let rate_text = RwSignal::new(init.rate.to_string());
    let secs_text = RwSignal::new(init.seconds.to_string());
    let rate_error = Memo::new(move |_| {
        parse_count(Field::RecordRate, &rate_text.get(), MAX_RECORDS_PER_SECOND).err()
    });
    let secs_error = Memo::new(move |_| {
        parse_count(Field::Duration, &secs_text.get(), MAX_DURATION_SECONDS).err()
    });
    Effect::new(move |_| {
        let rate = parse_count(Field::RecordRate, &rate_text.get(), MAX_RECORDS_PER_SECOND);
        let secs = parse_count(Field::Duration, &secs_text.get(), MAX_DURATION_SECONDS);
        state.update(|s| {
            if let Ok(r) = rate {
                s.rate = r;
            }
            if let Ok(d) = secs {
                s.seconds = d;
            }
        });
    });

    let config = Memo::new(move |_| {
        state.with(|s| KeyRunConfig {
            distribution: s.distribution,
            shards: s.shards,
            records_per_second: s.rate,
            duration_seconds: s.seconds,
            seed: s.seed,
        })
    });

    let clock = use_sim_clock(SPEEDS[0] * 1000);
    let run: RwSignal<Option<KeyRun>> = RwSignal::new(None);
    // A new configuration starts from nothing.
    Effect::new(move |_| {
        config.track();
        clock.reset();
        run.set(None);
    });
    // Feed simulated time to the engine.
    Effect::new(move |_| {
        let now = clock.now_ms.get();
        let mut done = false;
        run.update(|r| {
            if let Some(r) = r {
                r.advance_to(now);
                done = r.is_done();
            }
        });
        if done {
            clock.running.set(false);
        }
    });

    let stats = Memo::new(move |_| run.with(|r| r.as_ref().map(KeyRun::stats)));
    let done = move || run.with(|r| r.as_ref().is_some_and(KeyRun::is_done));
    let started = move || run.with(Option::is_some);
    let start_or_pause = move |_| {
        if clock.running.get_untracked() {
            clock.running.set(false);
            return;
        }
        if run.with_untracked(|r| r.as_ref().is_none_or(KeyRun::is_done)) {
            clock.reset();
            // The config was validated field by field; a failure leaves no run.
            run.set(KeyRun::new(config.get_untracked()).ok());
        }
        clock.running.set(true);
    };
    let run_to_end = move |_| {
        if run.with_untracked(Option::is_none) {
            run.set(KeyRun::new(config.get_untracked()).ok());
        }
        clock.running.set(false);
        let end = config.get_untracked().duration_seconds as u64 * 1000;
        clock.now_ms.set(end);
    };
    let reset = move |_| {
        clock.reset();
        run.set(None);
    };
    let start_label = move || {
        if clock.running.get() {
            ctx.t(T::Pause)
        } else if started() && !done() {
            ctx.t(T::Resume)
        } else {
            ctx.t(T::Start)
        }
    };

    let err = move |e: Memo<Option<ValidationError>>| {
        move || e.get().map(|e| i18n::validation_error(ctx.lang.get(), &e))
    };
    let lang = move || ctx.lang.get();

    view! {
        <section class="panel" aria-labelledby="many-keys">
            <h2 id="many-keys">{move || ctx.t(T::HistTitle)}</h2>
            <p>{move || ctx.t(T::HistLead)}</p>
            <div class="hist-layout">
                <div class="controls">
                    <DistributionPicker
                        name="dist"
                        selected=Signal::derive(move || state.with(|s| s.distribution))
                        on_pick=Callback::new(move |d| state.update(|s| s.distribution = d))
                    />
                    <div class="field">
                        <label for="rate">{move || ctx.t(T::RecordsPerSecond)}</label>
                        <input id="rate" class="num" type="text" inputmode="numeric"
                            prop:value=move || rate_text.get()
                            on:input=move |ev| rate_text.set(event_target_value(&ev))
                            aria-invalid=move || rate_error.with(Option::is_some).then_some("true")
                            aria-describedby="rate-error" />
                        <p id="rate-error" class="error" role="alert">{err(rate_error)}</p>
                    </div>
                    <div class="field">
                        <label for="secs">{move || ctx.t(T::DurationSeconds)}</label>
                        <input id="secs" class="num" type="text" inputmode="numeric"
                            prop:value=move || secs_text.get()
                            on:input=move |ev| secs_text.set(event_target_value(&ev))
                            aria-invalid=move || secs_error.with(Option::is_some).then_some("true")
                            aria-describedby="secs-error" />
                        <p id="secs-error" class="error" role="alert">{err(secs_error)}</p>
                    </div>
                    <div class="field">
                        <label for="seed">{move || ctx.t(T::Seed)}</label>
                        <div class="inline">
                            <input id="seed" class="num" type="text" inputmode="numeric"
                                prop:value=move || state.with(|s| s.seed.to_string())
                                on:change=move |ev| {
                                    if let Ok(v) = event_target_value(&ev).trim().parse::<u64>() {
                                        state.update(|s| s.seed = v);
                                    }
                                } />
                            <button class="button small" on:click=move |_| state.update(|s| s.seed = browser::random_seed())>
                                {move || ctx.t(T::NewSeed)}
                            </button>
                        </div>
                    </div>
                    <div class="field">
                        <label for="speed">{move || ctx.t(T::Speed)}</label>
                        <select id="speed" class="narrow" on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<u32>() {
                                clock.speed_milli.set(v * 1000);
                            }
                        }>
                            {SPEEDS.map(|s| view! { <option value=s selected=s == SPEEDS[0]>{format!("{s}×")}</option> }).to_vec()}
                        </select>
                    </div>
                    <div class="buttons">
                        <button id="start" class="button primary" on:click=start_or_pause>{start_label}</button>
                        <button id="to-end" class="button" on:click=run_to_end>{move || ctx.t(T::RunToEnd)}</button>
                        <button id="reset" class="button" on:click=reset>{move || ctx.t(T::Reset)}</button>
                    </div>
                </div>
                <div class="hist-view">
                    <label class="progress-label" for="run-progress">
                        {move || ctx.t(T::RunProgress)} ": "
                        <span id="elapsed">{move || i18n::elapsed(lang(), clock.now_ms.get().min(config.get().duration_seconds as u64 * 1000), config.get().duration_seconds as u64 * 1000)}</span>
                    </label>
                    <progress id="run-progress"
                        max=move || config.get().duration_seconds * 1000
                        value=move || clock.now_ms.get().min(config.get().duration_seconds as u64 * 1000) />
                    <ShardChart stats=stats />
                    <RunStatsView stats=stats />
                </div>
            </div>
        </section>
    }
}
