//! The run controls and counters, and the rows: the newest input rows of
//! SOURCE_SQL_STREAM_001 and the newest rows of the chosen output stream.

use super::run::{cell, clock_time, EPOCH_MS};
use super::{Sq, SPEEDS};
use crate::i18n::{self, T};
use crate::shell::use_ctx;
use leptos::prelude::*;

fn secs(lang: i18n::Lang, ms: u64) -> String {
    format!("{} s", i18n::decimal(lang, ms as f64 / 1000.0, 1))
}

#[component]
pub fn RunPanel(sq: Sq) -> impl IntoView {
    let ctx = use_ctx();
    let clock = sq.clock;
    let snap = sq.snap;
    let lang = move || ctx.lang.get();
    let stat = move |id: &'static str, t: T, f: fn(&super::run::Snap) -> u64| {
        view! {
            <div id=id>
                <dt>{move || ctx.t(t)}</dt>
                <dd class="n">{move || snap.with(|s| s.as_ref().map(|s| i18n::int(lang(), f(s))))}</dd>
            </div>
        }
    };
    let export = move |_| {
        if let Some((input, schema)) = sq
            .run
            .with_value(|r| r.as_ref().map(|r| (r.export_input(), r.export_schema())))
        {
            crate::browser::download_as("input.jsonl", "application/x-ndjson", &input);
            crate::browser::download_as("schema.toml", "application/toml", &schema);
        }
    };
    view! {
        <section class="panel sql-run" aria-labelledby="sql-run-title">
            <h2 id="sql-run-title" class="sr-only">{move || ctx.t(T::SqlRunTitle)}</h2>
            <Show when=move || snap.with(Option::is_some)
                fallback=move || view! { <p class="help" id="sql-not-running">{move || ctx.t(T::SqlNotRunning)}</p> }>
                <div class="time-bar">
                    <span class="sim-time"><span class="label">{move || ctx.t(T::FhSimTime)} ": "</span>
                        <strong id="sql-time" class="mono" data-ms=move || clock.now_ms.get() data-engine=move || snap.with(|s| s.as_ref().map(|s| s.engine_ms)) data-backlog=move || snap.with(|s| s.as_ref().map(|s| s.backlog))>{move || secs(lang(), clock.now_ms.get())}</strong></span>
                    <button type="button" id="sql-play" class="button primary"
                        on:click=move |_| clock.running.update(|r| *r = !*r)>
                        {move || if clock.running.get() { ctx.t(T::Pause) } else { ctx.t(T::Start) }}
                    </button>
                    <label class="inline">
                        <span>{move || ctx.t(T::FhSpeed)}</span>
                        <select id="sql-speed" class="narrow" on:change=move |ev| if let Ok(v) = event_target_value(&ev).parse() { clock.speed_milli.set(v) }>
                            {SPEEDS.map(|(v, label)| view! { <option value=v selected=move || clock.speed_milli.get() == v>{label}</option> }).to_vec()}
                        </select>
                    </label>
                    <button type="button" id="sql-step" class="button"
                        on:click=move |_| { clock.running.set(false); clock.now_ms.update(|t| *t += 10_000); }>
                        {move || ctx.t(T::SqlStep)}
                    </button>
                    <button type="button" id="sql-step-minute" class="button"
                        on:click=move |_| { clock.running.set(false); clock.now_ms.update(|t| *t += 60_000); }>
                        {move || ctx.t(T::SqlStepMinute)}
                    </button>
                    <button type="button" id="sql-export" class="button small" on:click=export>{move || ctx.t(T::SqlExport)}</button>
                </div>
                <dl class="stats sql-counts">
                    {stat("sql-read", T::SqlRecordsRead, |s| s.records_read)}
                    {stat("sql-rows-in", T::SqlRowsIn, |s| s.rows_in)}
                    {stat("sql-rows-out", T::SqlRowsOut, |s| s.rows_out)}
                    {stat("sql-row-errors", T::SqlRowErrors, |s| s.row_errors)}
                    {stat("sql-backlog", T::SqlBacklog, |s| s.backlog)}
                </dl>
                {move || snap.with(|s| s.as_ref().and_then(|s| (s.backlog > super::run::ROW_BUDGET as u64).then(|| i18n::sql_behind(lang(), s.backlog))))
                    .map(|m| view! { <p class="help" id="sql-behind">{m}</p> })}
                {move || snap.with(|s| s.as_ref().and_then(|s| s.last_row_error.clone()))
                    .map(|m| view! { <p class="help" id="sql-last-row-error">{i18n::sql_mapping_error(lang(), &m)}</p> })}
            </Show>
        </section>
    }
}

#[component]
pub fn Rows(sq: Sq) -> impl IntoView {
    let ctx = use_ctx();
    let snap = sq.snap;
    let lang = move || ctx.lang.get();
    view! {
        <Show when=move || snap.with(Option::is_some)>
        <div class="sql-rows">
            <section class="panel" aria-labelledby="sql-input-title">
                <h2 id="sql-input-title">{move || ctx.t(T::SqlInputRows)}</h2>
                {move || snap.with(|s| s.as_ref().map(|s| {
                    if s.inputs.is_empty() {
                        return view! { <p class="help">{T::SqlNoRows.get(lang())}</p> }.into_any();
                    }
                    let cols = s.input_columns.clone();
                    let rows = s.inputs.clone();
                    view! {
                        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="sql-input-title">
                            <table id="sql-input" class="compact">
                                <thead><tr>
                                    <th scope="col">"ROWTIME"</th>
                                    {cols.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().rev().map(|(t, vals)| view! {
                                        <tr data-rowtime=t>
                                            <td class="mono">{clock_time(t)}</td>
                                            {vals.iter().map(|v| view! { <td class="mono">{cell(v)}</td> }).collect_view()}
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }))}
            </section>
            <section class="panel" aria-labelledby="sql-output-title">
                <h2 id="sql-output-title">{move || ctx.t(T::SqlOutputRows)}</h2>
                {move || snap.with(|s| s.as_ref().map(|s| {
                    let lang = lang();
                    let chosen = sq.out_stream.get().or(s.outputs.last().map(|o| o.id));
                    let select = view! {
                        <label class="inline">
                            <span>{T::SqlOutputStream.get(lang)}</span>
                            <select id="sql-out-stream" on:change=move |ev| {
                                sq.out_stream.set(event_target_value(&ev).parse().ok());
                                sq.chart_col.set(None);
                            }>
                                {s.outputs.iter().map(|o| view! {
                                    <option value=o.id selected=chosen == Some(o.id)>{format!("{} ({})", o.name, i18n::int(lang, o.total))}</option>
                                }).collect_view()}
                            </select>
                        </label>
                    };
                    let Some(out) = s.outputs.iter().find(|o| Some(o.id) == chosen) else {
                        return view! { {select} <p class="help">{T::SqlNoRows.get(lang)}</p> }.into_any();
                    };
                    if out.rows.is_empty() {
                        return view! { {select} <p class="help" id="sql-no-output">{T::SqlNoRows.get(lang)}</p> }.into_any();
                    }
                    let cols = out.columns.clone();
                    let rows = out.rows.clone();
                    view! {
                        {select}
                        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="sql-output-title">
                            <table id="sql-output" class="compact" data-stream=out.name.clone() data-total=out.total>
                                <thead><tr>
                                    <th scope="col">"ROWTIME"</th>
                                    {cols.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().rev().map(|r| view! {
                                        <tr data-rowtime=r.rowtime data-rel=r.rowtime - EPOCH_MS as i64>
                                            <td class="mono">{clock_time(r.rowtime)}</td>
                                            {r.values.iter().map(|v| view! { <td class="mono">{cell(v)}</td> }).collect_view()}
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }))}
            </section>
        </div>
        </Show>
    }
}
