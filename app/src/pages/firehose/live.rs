//! The live view: the clock, the buffer filling against its thresholds, the
//! counters, the deliveries with their reasons, and the transform's last
//! invocation.

use super::run::{reason_code, Reason, Snap};
use super::{Fh, SPEEDS};
use crate::i18n::{self, T};
use crate::shell::use_ctx;
use leptos::prelude::*;

fn secs(lang: i18n::Lang, ms: u64) -> String {
    format!("{} s", i18n::decimal(lang, ms as f64 / 1000.0, 1))
}

/// Bytes as KiB/MiB with one decimal.
pub fn bytes(lang: i18n::Lang, n: u64) -> String {
    if n >= 1_048_576 {
        format!("{} MiB", i18n::decimal(lang, n as f64 / 1_048_576.0, 2))
    } else if n >= 1024 {
        format!("{} KiB", i18n::decimal(lang, n as f64 / 1024.0, 1))
    } else {
        format!("{} B", i18n::int(lang, n))
    }
}

pub fn reason_text(lang: i18n::Lang, r: Reason) -> &'static str {
    match r {
        Reason::Size => T::FhReasonSize.get(lang),
        Reason::Time => T::FhReasonTime.get(lang),
        Reason::Flush => T::FhReasonFlush.get(lang),
    }
}

#[component]
pub fn LiveView(fh: Fh) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let clock = fh.clock;
    let snap = fh.snap;
    let with_snap = move |f: fn(&Snap, i18n::Lang) -> String| move || snap.with(|s| s.as_ref().map(|s| f(s, lang())));
    let stat = move |id: &'static str, t: T, f: fn(&Snap, i18n::Lang) -> String| {
        view! {
            <div id=id>
                <dt>{move || ctx.t(t)}</dt>
                <dd class="n">{with_snap(f)}</dd>
            </div>
        }
    };
    view! {
        <section class="panel fh-live" id="fh-live" aria-labelledby="fh-live-title">
            <h2 id="fh-live-title">{move || ctx.t(T::FhLiveTitle)}</h2>
            <Show when=move || snap.with(Option::is_some) fallback=move || view! { <p class="help" id="fh-not-created">{move || ctx.t(T::FhNotCreated)}</p> }>
            <div class="time-bar">
                <span class="sim-time"><span class="label">{move || ctx.t(T::FhSimTime)} ": "</span>
                    <strong id="fh-time" class="mono">{move || secs(lang(), clock.now_ms.get())}</strong></span>
                <button id="fh-play" class="button primary" disabled=move || fh.busy.get()
                    on:click=move |_| clock.running.update(|r| *r = !*r)>
                    {move || if clock.running.get() { ctx.t(T::Pause) } else { ctx.t(T::Start) }}
                </button>
                <label class="inline">
                    <span>{move || ctx.t(T::FhSpeed)}</span>
                    <select id="fh-speed" class="narrow" on:change=move |ev| if let Ok(v) = event_target_value(&ev).parse() { clock.speed_milli.set(v) }>
                        {SPEEDS.map(|(v, label)| view! { <option value=v selected=move || clock.speed_milli.get() == v>{label}</option> }).to_vec()}
                    </select>
                </label>
                <button id="fh-step" class="button" disabled=move || fh.busy.get()
                    on:click=move |_| { clock.running.set(false); clock.now_ms.update(|t| *t += 60_000); }>
                    {move || ctx.t(T::FhStep)}
                </button>
                <button id="fh-flush" class="button" disabled=move || fh.busy.get() on:click=move |_| fh.flush.run(())>
                    {move || ctx.t(T::FhFlush)}
                </button>
                <span class="help" role="status" id="fh-busy">{move || fh.busy.get().then(|| ctx.t(T::FhTransformRunning))}</span>
            </div>
            {move || snap.with(|s| s.as_ref().map(|s| {
                let lang = lang();
                let fill = if s.size_limit == 0 { 0.0 } else { (s.buffer_bytes as f64 / s.size_limit as f64).min(1.0) };
                let left = s.time_left_ms;
                view! {
                    <div class="fh-buffer" id="fh-buffer" data-bytes=s.buffer_bytes data-records=s.buffer_records>
                        <div class="fh-buffer-head">
                            <strong>{T::FhBuffer.get(lang)}</strong>
                            <span>{format!("{} / {}", bytes(lang, s.buffer_bytes), bytes(lang, s.size_limit))}</span>
                            <span>{format!("{} {}", i18n::int(lang, s.buffer_records), T::FhBufferRecords.get(lang))}</span>
                            <span id="fh-countdown">{match left {
                                Some(ms) => format!("{} {}", T::FhNextByTime.get(lang), secs(lang, ms)),
                                None => format!("{}: {}", T::FhBufferInterval.get(lang), secs(lang, s.interval_ms)),
                            }}</span>
                        </div>
                        <div class="meter-bar fh-fill" role="meter" aria-label=T::FhBuffer.get(lang)
                            aria-valuemin="0" aria-valuemax=s.size_limit aria-valuenow=s.buffer_bytes.min(s.size_limit)>
                            <span style:width=format!("{:.1}%", fill * 100.0)></span>
                        </div>
                        <div class="meter-bar fh-clockbar" aria-hidden="true">
                            <span style:width=format!("{:.1}%", match left {
                                Some(ms) if s.interval_ms > 0 => (1.0 - ms as f64 / s.interval_ms as f64).clamp(0.0, 1.0) * 100.0,
                                _ => 0.0,
                            })></span>
                        </div>
                    </div>
                }
            }))}
            <dl class="stats fh-counts">
                {stat("fh-received", T::FhCountReceived, |s, l| i18n::int(l, s.counts.received))}
                {stat("fh-delivered", T::FhCountDelivered, |s, l| i18n::int(l, s.counts.delivered))}
                {stat("fh-dropped", T::FhCountDropped, |s, l| i18n::int(l, s.counts.dropped))}
                {stat("fh-failed", T::FhCountFailed, |s, l| i18n::int(l, s.counts.failed_to_error_prefix))}
                {stat("fh-backed-up", T::FhCountBackedUp, |s, l| i18n::int(l, s.counts.backed_up))}
                {stat("fh-retries", T::FhCountRetries, |s, l| i18n::int(l, s.counts.retried))}
                {stat("fh-in-flight", T::FhCountInFlight, |s, l| i18n::int(l, s.counts.in_flight))}
            </dl>
            <TransformPanel fh=fh />
            <h3 id="fh-deliveries-title">{move || ctx.t(T::FhDeliveries)}</h3>
            {move || snap.with(|s| s.as_ref().map(|s| {
                let lang = lang();
                if s.deliveries.is_empty() {
                    return view! { <p class="help" id="fh-no-deliveries">{T::FhNoDeliveries.get(lang)}</p> }.into_any();
                }
                view! {
                    <div class="table-wrap short" tabindex="0" role="region" aria-labelledby="fh-deliveries-title">
                        <table id="fh-deliveries">
                            <thead><tr>
                                <th scope="col">{T::FhColTime.get(lang)}</th>
                                <th scope="col">{T::FhColReason.get(lang)}</th>
                                <th scope="col">{T::FhColRecords.get(lang)}</th>
                                <th scope="col">{T::FhColBytes.get(lang)}</th>
                                <th scope="col">{T::FhColWhere.get(lang)}</th>
                            </tr></thead>
                            <tbody>
                                {s.deliveries.iter().rev().take(200).map(|d| view! {
                                    <tr data-reason=reason_code(d.reason)>
                                        <td class="mono">{secs(lang, d.at_ms)}</td>
                                        <td>{reason_text(lang, d.reason)}</td>
                                        <td>{i18n::int(lang, d.records)}</td>
                                        <td>{bytes(lang, d.bytes)}</td>
                                        <td class="mono wrap">{d.target.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }))}
            </Show>
        </section>
    }
}

#[component]
fn TransformPanel(fh: Fh) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <Show when=move || fh.transform_on.get()>
            <div class="fh-transform-log" id="fh-transform-log">
                <h3>{move || ctx.t(T::FhTransformLog)}</h3>
                <p>
                    {move || ctx.t(T::FhInvocations)}": "
                    <strong id="fh-invocations">{move || i18n::int(ctx.lang.get(), fh.invocations.get())}</strong>
                </p>
                {move || fh.last_error.get().map(|e| view! {
                    <p class="error" id="fh-last-error">{ctx.t(T::FhLastError)}": "{super::sandbox_error_text(ctx.lang.get(), &e)}</p>
                })}
                {move || {
                    let logs = fh.logs.get();
                    (!logs.is_empty()).then(|| view! {
                        <details>
                            <summary>{ctx.t(T::FhConsole)}</summary>
                            <pre class="mono fh-logs" id="fh-logs" tabindex="0">{logs.join("\n")}</pre>
                        </details>
                    })
                }}
            </div>
        </Show>
    }
}
