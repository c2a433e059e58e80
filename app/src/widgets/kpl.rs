//! Lesson widget: the simulated KPL (core `producer::kpl`). Each press is an
//! `Action::KplRun`: user records arrive at a steady rate for some simulated
//! seconds and go through aggregation, the rate limiter, collection into
//! PutRecords and retries into a fresh stream. The lab keeps every run, so
//! runs with and without aggregation sit side by side.

use super::LabHandle;
use crate::i18n::{self, T};
use crate::shell::use_ctx;
use kinesis_lab_core::error::{parse_count, Field, ValidationError};
use kinesis_lab_core::lesson::lab::Action;
use kinesis_lab_core::lesson::sims::{MAX_KPL_SECONDS, MAX_KPL_SHARDS};
use kinesis_lab_core::producer::kpl::sim::MAX_RECORD_MAX_BUFFERED_TIME_MS;
use kinesis_lab_core::producer::{MAX_RATE, MAX_RECORD_BYTES};
use leptos::prelude::*;

fn ms_text(v: Option<u64>) -> String {
    v.map(|v| format!("≤ {v} ms")).unwrap_or_else(|| "–".into())
}

#[component]
pub fn KplWidget(handle: LabHandle) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let shards = RwSignal::new("1".to_owned());
    let rate = RwSignal::new("500".to_owned());
    let bytes = RwSignal::new("100".to_owned());
    let buffered = RwSignal::new("100".to_owned());
    let seconds = RwSignal::new("10".to_owned());
    let aggregation = RwSignal::new(false);
    let error = RwSignal::new(None::<ValidationError>);

    let run = move || {
        let parsed = (|| -> Result<Action, ValidationError> {
            Ok(Action::KplRun {
                shards: parse_count(Field::ShardCount, &shards.get_untracked(), MAX_KPL_SHARDS)?,
                records_per_second: parse_count(Field::RecordRate, &rate.get_untracked(), MAX_RATE)?,
                record_bytes: parse_count(Field::RecordBytes, &bytes.get_untracked(), MAX_RECORD_BYTES)?,
                aggregation: aggregation.get_untracked(),
                record_max_buffered_time_ms: parse_count(
                    Field::RecordMaxBufferedTime,
                    &buffered.get_untracked(),
                    MAX_RECORD_MAX_BUFFERED_TIME_MS,
                )?,
                seconds: parse_count(Field::Duration, &seconds.get_untracked(), MAX_KPL_SECONDS)?,
            })
        })();
        error.set(match parsed {
            Err(e) => Some(e),
            Ok(a) => handle.apply(a).err().and_then(super::field_error),
        });
    };

    let field = move |id: &'static str, f: Field, sig: RwSignal<String>| {
        let bad = move || error.with(|e| e.as_ref().is_some_and(|e| e.field == f));
        view! {
            <label class="field">
                <span>{move || i18n::field_label(ctx.lang.get(), f)}</span>
                <input id=id class="narrow" type="text" inputmode="numeric"
                    aria-invalid=move || bad().to_string()
                    prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { run(); } />
            </label>
        }
    };

    let rows = move || {
        handle.lab.with(|l| {
            l.kpl_runs
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let d = |x: f64| i18n::decimal(lang(), x, 1);
                    view! {
                        <tr data-run=i + 1 data-aggregation=r.aggregation.to_string()>
                            <th scope="row">{i + 1}</th>
                            <td class="c-agg">{if r.aggregation { ctx.t(T::WkplOn) } else { ctx.t(T::WkplOff) }}</td>
                            <td class="c-in">{format!("{} × {} B, {} {}", i18n::int(lang(), r.records_per_second as u64), i18n::int(lang(), r.record_bytes as u64), r.shards, ctx.t(T::WkplShardsShort))}</td>
                            <td class="c-rmbt">{format!("{} ms", i18n::int(lang(), r.record_max_buffered_time_ms as u64))}</td>
                            <td class="c-user">{d(r.user_records_per_second())}</td>
                            <td class="c-kinesis">{d(r.kinesis_records_per_second())}</td>
                            <td class="c-busiest">{i18n::int(lang(), r.busiest_shard_records_per_second)}</td>
                            <td class="c-calls">{i18n::int(lang(), r.stats.put_records_calls)}</td>
                            <td class="c-throttled" class:bad={r.stats.kinesis_records_throttled > 0}>{i18n::int(lang(), r.stats.kinesis_records_throttled)}</td>
                            <td class="c-retries">{i18n::int(lang(), r.stats.retries)}</td>
                            <td class="c-waiting">{i18n::int(lang(), r.outstanding)}</td>
                            <td class="c-p50">{ms_text(r.p50_ms)}</td>
                            <td class="c-p99">{ms_text(r.p99_ms)}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };

    view! {
        <div class="widget kpl-widget">
            <p class="help">{move || ctx.t(T::WkplHelp)}</p>
            <div class="producer-form">
                {field("w-kpl-shards", Field::ShardCount, shards)}
                {field("w-kpl-rate", Field::RecordRate, rate)}
                {field("w-kpl-bytes", Field::RecordBytes, bytes)}
                {field("w-kpl-buffered", Field::RecordMaxBufferedTime, buffered)}
                {field("w-kpl-seconds", Field::Duration, seconds)}
                <label class="field check">
                    <input id="w-kpl-aggregation" type="checkbox" prop:checked=move || aggregation.get()
                        on:change=move |ev| aggregation.set(event_target_checked(&ev)) />
                    <span>"AggregationEnabled"</span>
                </label>
                <button id="w-kpl-run" class="button primary" on:click=move |_| run()>{move || ctx.t(T::WkplRun)}</button>
            </div>
            <p class="error" role="alert" id="w-kpl-error">{move || error.get().map(|e| i18n::validation_error(lang(), &e))}</p>
            <Show when=move || handle.lab.with(|l| !l.kpl_runs.is_empty()) fallback=move || view! { <p class="help" id="w-kpl-empty">{move || ctx.t(T::WkplNone)}</p> }>
                <div class="table-wrap" tabindex="0">
                    <table id="w-kpl-runs">
                        <caption>{move || ctx.t(T::WkplRuns)}</caption>
                        <thead><tr>
                            <th scope="col">"#"</th>
                            <th scope="col">{move || ctx.t(T::WkplAggregation)}</th>
                            <th scope="col">{move || ctx.t(T::WkplUserIn)}</th>
                            <th scope="col">"RecordMaxBufferedTime"</th>
                            <th scope="col">{move || ctx.t(T::WkplUserStored)}</th>
                            <th scope="col">{move || ctx.t(T::WkplKinesisStored)}</th>
                            <th scope="col">{move || ctx.t(T::WkplBusiest)}</th>
                            <th scope="col">{move || ctx.t(T::WkplCalls)}</th>
                            <th scope="col">{move || ctx.t(T::WkplThrottled)}</th>
                            <th scope="col">{move || ctx.t(T::WkplRetries)}</th>
                            <th scope="col">{move || ctx.t(T::WkplWaiting)}</th>
                            <th scope="col">"p50"</th>
                            <th scope="col">"p99"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </Show>
        </div>
    }
}
