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

/// Runs shown side by side, newest last.
const RUNS_SHOWN: usize = 4;

fn ms_text(v: Option<u64>) -> String {
    v.map(|v| format!("≤ {v} ms")).unwrap_or_else(|| "–".into())
}

#[component]
pub fn KplWidget(handle: LabHandle) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    // The form starts from the last run, so coming back to the step shows
    // the settings behind the table.
    let last = handle.lab.with_untracked(|l| l.kpl_runs.last().cloned());
    let from_last = |f: fn(&kinesis_lab_core::lesson::sims::KplRun) -> u32, default: u32| {
        RwSignal::new(last.as_ref().map_or(default, f).to_string())
    };
    let shards = from_last(|r| r.shards, 1);
    let rate = from_last(|r| r.records_per_second, 500);
    let bytes = from_last(|r| r.record_bytes, 100);
    let buffered = from_last(|r| r.record_max_buffered_time_ms, 100);
    let seconds = from_last(|r| r.seconds, 10);
    let aggregation = RwSignal::new(last.as_ref().is_some_and(|r| r.aggregation));
    let error = RwSignal::new(None::<ValidationError>);

    let run = move || {
        let parsed = (|| -> Result<Action, ValidationError> {
            Ok(Action::KplRun {
                shards: parse_count(Field::ShardCount, &shards.get_untracked(), MAX_KPL_SHARDS)?,
                records_per_second: parse_count(
                    Field::RecordRate,
                    &rate.get_untracked(),
                    MAX_RATE,
                )?,
                record_bytes: parse_count(
                    Field::RecordBytes,
                    &bytes.get_untracked(),
                    MAX_RECORD_BYTES,
                )?,
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

    // One column per run (the last few), one row per measure, so the
    // numbers that matter stay on screen however narrow it is.
    let table = move || {
        handle.lab.with(|l| {
            let first = l.kpl_runs.len().saturating_sub(RUNS_SHOWN);
            let runs: Vec<(usize, kinesis_lab_core::lesson::sims::KplRun)> =
                l.kpl_runs.iter().cloned().enumerate().skip(first).collect();
            let lang = lang();
            let d = move |x: f64| i18n::decimal(lang, x, 1);
            type Cell = Box<dyn Fn(&kinesis_lab_core::lesson::sims::KplRun) -> String>;
            let measures: Vec<(&'static str, String, Cell)> = vec![
                ("agg", ctx.t(T::WkplAggregation).to_owned(), Box::new(move |r| if r.aggregation { T::WkplOn.get(lang) } else { T::WkplOff.get(lang) }.to_owned())),
                ("in", ctx.t(T::WkplUserIn).to_owned(), Box::new(move |r| format!("{} × {} B", i18n::int(lang, r.records_per_second as u64), i18n::int(lang, r.record_bytes as u64)))),
                ("shards", i18n::field_label(lang, Field::ShardCount).to_owned(), Box::new(|r| r.shards.to_string())),
                ("rmbt", "RecordMaxBufferedTime".to_owned(), Box::new(move |r| format!("{} ms", i18n::int(lang, r.record_max_buffered_time_ms as u64)))),
                ("user", ctx.t(T::WkplUserStored).to_owned(), Box::new(move |r| d(r.user_records_per_second()))),
                ("kinesis", ctx.t(T::WkplKinesisStored).to_owned(), Box::new(move |r| d(r.kinesis_records_per_second()))),
                ("busiest", ctx.t(T::WkplBusiest).to_owned(), Box::new(move |r| i18n::int(lang, r.busiest_shard_records_per_second))),
                ("calls", ctx.t(T::WkplCalls).to_owned(), Box::new(move |r| i18n::int(lang, r.stats.put_records_calls))),
                ("throttled", ctx.t(T::WkplThrottled).to_owned(), Box::new(move |r| i18n::int(lang, r.stats.kinesis_records_throttled))),
                ("retries", ctx.t(T::WkplRetries).to_owned(), Box::new(move |r| i18n::int(lang, r.stats.retries))),
                ("waiting", ctx.t(T::WkplWaiting).to_owned(), Box::new(move |r| i18n::int(lang, r.outstanding))),
                ("p50", "p50".to_owned(), Box::new(|r| ms_text(r.p50_ms))),
                ("p99", "p99".to_owned(), Box::new(|r| ms_text(r.p99_ms))),
            ];
            let head = runs
                .iter()
                .map(|(i, r)| view! { <th scope="col" data-run=i + 1 data-aggregation=r.aggregation.to_string()>{format!("#{}", i + 1)}</th> })
                .collect_view();
            let body = measures
                .into_iter()
                .map(|(key, name, cell)| {
                    let cells = runs
                        .iter()
                        .map(|(_, r)| {
                            let bad = key == "throttled" && r.stats.kinesis_records_throttled > 0;
                            view! { <td class=format!("c-{key}") class:bad=bad>{cell(r)}</td> }
                        })
                        .collect_view();
                    view! { <tr data-measure=key><th scope="row">{name}</th>{cells}</tr> }
                })
                .collect_view();
            view! {
                <table id="w-kpl-runs">
                    <caption>{ctx.t(T::WkplRuns)}</caption>
                    <thead><tr><th scope="col">{ctx.t(T::WkplRunCol)}</th>{head}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            }
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
                <div class="table-wrap" tabindex="0">{table}
                </div>
            </Show>
        </div>
    }
}
