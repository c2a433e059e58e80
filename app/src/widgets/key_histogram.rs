//! Lesson widget: choose a key scheme and a rate, run it through the engine,
//! and see records per shard against the write limit.

use super::chart::ShardChart;
use super::run_stats::RunStatsView;
use super::LabHandle;
use crate::i18n::{self, T};
use crate::shell::use_ctx;
use kinesis_lab_core::error::{parse_count, Field, ValidationError};
use kinesis_lab_core::lesson::lab::Action;
use kinesis_lab_core::workload::{MAX_DURATION_SECONDS, MAX_RECORDS_PER_SECOND};
use leptos::prelude::*;

#[component]
pub fn KeyHistogram(handle: LabHandle) -> impl IntoView {
    let ctx = use_ctx();
    let lab = handle.lab;
    let init = lab.with_untracked(|l| l.workload);
    let dist = RwSignal::new(init.distribution);
    let rate_text = RwSignal::new(init.records_per_second.to_string());
    let secs_text = RwSignal::new(init.duration_seconds.to_string());
    let error = RwSignal::new(None::<ValidationError>);

    let run = move || {
        let result = parse_count(
            Field::RecordRate,
            &rate_text.get_untracked(),
            MAX_RECORDS_PER_SECOND,
        )
        .and_then(|rate| {
            Ok((
                rate,
                parse_count(
                    Field::Duration,
                    &secs_text.get_untracked(),
                    MAX_DURATION_SECONDS,
                )?,
            ))
        });
        let refused = match result {
            Ok((records_per_second, seconds)) => handle
                .apply(Action::SetWorkload {
                    distribution: dist.get_untracked(),
                    records_per_second,
                    seconds,
                })
                .and_then(|_| handle.apply(Action::RunWorkload))
                .err()
                .and_then(super::field_error),
            Err(e) => Some(e),
        };
        error.set(refused);
    };
    let stats = Memo::new(move |_| lab.with(|l| l.run.clone()));
    view! {
        <div class="widget hist-layout">
            <div class="controls">
                <super::distribution::DistributionPicker name="w-dist" selected=dist on_pick=Callback::new(move |d| dist.set(d)) />
                <div class="field">
                    <label for="w-rate">{move || ctx.t(T::RecordsPerSecond)}</label>
                    <input id="w-rate" class="num" type="text" inputmode="numeric"
                        prop:value=move || rate_text.get()
                        on:input=move |ev| rate_text.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="w-secs">{move || ctx.t(T::DurationSeconds)}</label>
                    <input id="w-secs" class="num" type="text" inputmode="numeric"
                        prop:value=move || secs_text.get()
                        on:input=move |ev| secs_text.set(event_target_value(&ev)) />
                </div>
                <p id="w-run-error" class="error" role="alert">
                    {move || error.get().map(|e| i18n::validation_error(ctx.lang.get(), &e))}
                </p>
                <div class="buttons">
                    <button id="w-run" class="button primary" on:click=move |_| run()>{move || ctx.t(T::Run)}</button>
                </div>
            </div>
            <div class="hist-view">
                <ShardChart stats=stats />
                <RunStatsView stats=stats />
            </div>
        </div>
    }
}
