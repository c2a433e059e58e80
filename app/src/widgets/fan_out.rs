//! Lesson widget: shared polling against enhanced fan-out. Each press is an
//! `Action::FanOut`: the engine runs N applications on both sides for the
//! chosen simulated seconds (core `consumer::fanout`), and the lab keeps the
//! finished comparison, which this widget lays out and the goals check.

use super::LabHandle;
use crate::i18n::{self, T};
use crate::shell::use_ctx;
use kinesis_lab_core::consumer::fanout::{Reader, MAX_CONSUMERS, MAX_SHARDS};
use kinesis_lab_core::error::{parse_count, Field, ValidationError};
use kinesis_lab_core::lesson::lab::Action;
use kinesis_lab_core::lesson::sims::MAX_FANOUT_SECONDS;
use kinesis_lab_core::producer::{MAX_RATE, MAX_RECORD_BYTES};
use kinesis_lab_core::stream::limits::{
    EFO_BYTES_PER_SECOND_PER_CONSUMER, GET_RECORDS_PER_SECOND, READ_BYTES_PER_SECOND,
};
use leptos::prelude::*;

fn mib_per_s(bytes: u64, seconds: u32) -> f64 {
    bytes as f64 / 1_048_576.0 / seconds.max(1) as f64
}

fn ms_text(v: Option<u64>) -> String {
    v.map(|v| format!("{v} ms")).unwrap_or_else(|| "–".into())
}

#[component]
pub fn FanOutWidget(handle: LabHandle) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    // The form starts from the last comparison, so coming back to the step
    // shows the settings behind the tables.
    let last = handle.lab.with_untracked(|l| l.fanouts.last().cloned());
    let from_last = |f: fn(&kinesis_lab_core::lesson::sims::FanOutRun) -> u32, default: u32| {
        RwSignal::new(last.as_ref().map_or(default, f).to_string())
    };
    let consumers = from_last(|r| r.consumers, 1);
    let shards = from_last(|r| r.shards, 1);
    let rate = from_last(|r| r.records_per_second, 100);
    let bytes = from_last(|r| r.record_bytes, 100);
    let seconds = from_last(|r| r.seconds, 10);
    let error = RwSignal::new(None::<ValidationError>);

    let run = move || {
        let parsed = (|| -> Result<Action, ValidationError> {
            Ok(Action::FanOut {
                consumers: parse_count(
                    Field::ConsumerCount,
                    &consumers.get_untracked(),
                    MAX_CONSUMERS,
                )?,
                shards: parse_count(Field::ShardCount, &shards.get_untracked(), MAX_SHARDS)?,
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
                seconds: parse_count(
                    Field::Duration,
                    &seconds.get_untracked(),
                    MAX_FANOUT_SECONDS,
                )?,
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

    let latest = Memo::new(move |_| handle.lab.with(|l| l.fanouts.last().cloned()));

    let table = move |efo: bool| {
        move || {
            latest.get().map(|r| {
                let side: Vec<Reader> = if efo { r.enhanced.clone() } else { r.polling.clone() };
                let rows = side
                    .into_iter()
                    .map(|x| {
                        view! {
                            <tr data-reader=x.name.clone()>
                                <th scope="row" class="mono">{x.name.clone()}</th>
                                <td class="c-records">{i18n::int(lang(), x.records)}</td>
                                <td class="c-mibs">{i18n::decimal(lang(), mib_per_s(x.bytes, r.seconds), 2)}</td>
                                <td class="c-throttled" class:bad={x.throttled > 0}>{i18n::int(lang(), x.throttled)}</td>
                                <td class="c-p50">{ms_text(x.p50_ms)}</td>
                                <td class="c-p99">{ms_text(x.p99_ms)}</td>
                                <td class="c-behind">{i18n::int(lang(), x.millis_behind_latest)}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                let id = if efo { "w-fanout-push" } else { "w-fanout-poll" };
                view! {
                    <div class="table-wrap short" tabindex="0">
                        <table id=id>
                            <thead><tr>
                                <th scope="col">{ctx.t(T::FanOutApp)}</th>
                                <th scope="col">{ctx.t(T::RecordsCol)}</th>
                                <th scope="col">"MiB/s"</th>
                                <th scope="col">{ctx.t(T::ThrottledReads)}</th>
                                <th scope="col">"p50"</th>
                                <th scope="col">"p99"</th>
                                <th scope="col">{ctx.t(T::WfoBehind)}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            })
        }
    };

    let summary = move |efo: bool| {
        move || {
            latest.get().map(|r| {
                let side = if efo { &r.enhanced } else { &r.polling };
                let total: u64 = side.iter().map(|x| x.bytes).sum();
                let per_shard = if efo {
                    EFO_BYTES_PER_SECOND_PER_CONSUMER * r.consumers as u64
                } else {
                    READ_BYTES_PER_SECOND
                };
                let limit = per_shard * r.shards as u64;
                let t = if efo {
                    T::FanOutPushSummary
                } else {
                    T::FanOutPollSummary
                };
                ctx.t(t)
                    .replace(
                        "{read}",
                        &i18n::decimal(lang(), mib_per_s(total, r.seconds), 2),
                    )
                    .replace("{limit}", &format!("{:.0}", limit as f64 / 1_048_576.0))
                    .replace("{calls}", &i18n::int(lang(), r.consumers as u64))
                    .replace("{max_calls}", &GET_RECORDS_PER_SECOND.to_string())
                    .replace("{written}", &i18n::int(lang(), r.written))
            })
        }
    };

    view! {
        <div class="widget fan-out-widget">
            <p class="help">{move || ctx.t(T::WfoHelp)}</p>
            <div class="producer-form">
                {field("w-fanout-consumers", Field::ConsumerCount, consumers)}
                {field("w-fanout-shards", Field::ShardCount, shards)}
                {field("w-fanout-rate", Field::RecordRate, rate)}
                {field("w-fanout-bytes", Field::RecordBytes, bytes)}
                {field("w-fanout-seconds", Field::Duration, seconds)}
                <button id="w-fanout-run" class="button primary" on:click=move |_| run()>{move || ctx.t(T::WfoRun)}</button>
            </div>
            <p class="error" role="alert" id="w-fanout-error">{move || error.get().map(|e| i18n::validation_error(lang(), &e))}</p>
            <Show when=move || latest.with(Option::is_some) fallback=move || view! { <p class="help" id="w-fanout-empty">{move || ctx.t(T::WfoNone)}</p> }>
                <h4>{move || ctx.t(T::WfoLatest)} ": " <span id="w-fanout-settings">{move || latest.get().map(|r| i18n::fanout_settings(lang(), &r))}</span></h4>
                <div class="fanout-sides">
                    <div class="fanout-side poll">
                        <h5>{move || ctx.t(T::FanOutPolling)}</h5>
                        <p class="help" id="w-fanout-poll-summary">{summary(false)}</p>
                        {table(false)}
                    </div>
                    <div class="fanout-side push">
                        <h5>{move || ctx.t(T::FanOutPush)}</h5>
                        <p class="help" id="w-fanout-push-summary">{summary(true)}</p>
                        {table(true)}
                    </div>
                </div>
            </Show>
            <Show when=move || handle.lab.with(|l| l.fanouts.len() > 1)>
                <h4>{move || ctx.t(T::WfoRuns)}</h4>
                <ol class="produced" id="w-fanout-runs">
                    {move || handle.lab.with(|l| l.fanouts.iter().map(|r| view! { <li>{i18n::fanout_run(lang(), r)}</li> }).collect_view())}
                </ol>
            </Show>
        </div>
    }
}
