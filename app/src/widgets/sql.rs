//! The SQL lessons' widget: the student's application over the lesson's
//! stock ticker feed (core `lesson::sql`), its result rows and its windows.

use super::LabHandle;
use crate::i18n::{self, Lang};
use crate::shell::use_ctx;
use crate::sql::{Answer, Compiler, Request};
use kinesis_lab_core::analytics::engine::SqlEvent;
use kinesis_lab_core::analytics::SqlError;
use kinesis_lab_core::error::{parse_count, Field};
use kinesis_lab_core::lesson::goal::{Goal, Why};
use kinesis_lab_core::lesson::lab::{Action, LabError};
use kinesis_lab_core::lesson::sql::{feed_schema, SqlFeature, SqlLabError, SqlRun, SQL_MAX_RATE, SQL_MAX_SECONDS};
use leptos::prelude::*;

fn feature_name(lang: Lang, f: SqlFeature) -> &'static str {
    match (f, lang) {
        (SqlFeature::Continuous, Lang::En) => "a continuous query (no window)",
        (SqlFeature::Continuous, Lang::Vi) => "một truy vấn liên tục (không có cửa sổ)",
        (SqlFeature::Tumbling, Lang::En) => "a tumbling window",
        (SqlFeature::Tumbling, Lang::Vi) => "một cửa sổ tumbling",
        (SqlFeature::Sliding, Lang::En) => "a sliding window",
        (SqlFeature::Sliding, Lang::Vi) => "một cửa sổ trượt (sliding)",
        (SqlFeature::Stagger, Lang::En) => "a stagger window",
        (SqlFeature::Stagger, Lang::Vi) => "một cửa sổ stagger",
        (SqlFeature::EventTime, Lang::En) => "a Flink-style TUMBLE or HOP on event time",
        (SqlFeature::EventTime, Lang::Vi) => "một TUMBLE hoặc HOP kiểu Flink theo event time",
        (SqlFeature::TopK, Lang::En) => "TOP_K_ITEMS_TUMBLING",
        (SqlFeature::TopK, Lang::Vi) => "TOP_K_ITEMS_TUMBLING",
        (SqlFeature::CountDistinct, Lang::En) => "COUNT_DISTINCT_ITEMS_TUMBLING",
        (SqlFeature::CountDistinct, Lang::Vi) => "COUNT_DISTINCT_ITEMS_TUMBLING",
        (SqlFeature::RandomCutForest, Lang::En) => "RANDOM_CUT_FOREST",
        (SqlFeature::RandomCutForest, Lang::Vi) => "RANDOM_CUT_FOREST",
        (SqlFeature::Hotspots, Lang::En) => "HOTSPOTS",
        (SqlFeature::Hotspots, Lang::Vi) => "HOTSPOTS",
    }
}

/// A SQL goal in words.
pub fn goal_text(lang: Lang, g: &Goal) -> String {
    match (g, lang) {
        (Goal::SqlRan { uses: None }, Lang::En) => "Run an application that compiles.".into(),
        (Goal::SqlRan { uses: None }, Lang::Vi) => "Chạy một ứng dụng biên dịch được.".into(),
        (Goal::SqlRan { uses: Some(f) }, Lang::En) => format!("Run an application that uses {}.", feature_name(lang, *f)),
        (Goal::SqlRan { uses: Some(f) }, Lang::Vi) => format!("Chạy một ứng dụng có dùng {}.", feature_name(lang, *f)),
        (Goal::SqlOneRowPerKeyPerWindow { column, seconds }, Lang::En) => format!("Your result has exactly one row per {column} per {seconds}-second window of the input."),
        (Goal::SqlOneRowPerKeyPerWindow { column, seconds }, Lang::Vi) => format!("Kết quả có đúng một dòng cho mỗi {column} trong mỗi cửa sổ {seconds} giây của dữ liệu vào."),
        (Goal::SqlOneRowPerInput, Lang::En) => "Your result has one row for every input row.".into(),
        (Goal::SqlOneRowPerInput, Lang::Vi) => "Kết quả có đúng một dòng cho mỗi dòng dữ liệu vào.".into(),
        (Goal::SqlSpikeStandsOut { column, times }, Lang::En) => format!("Feed a price spike; its row's {column} is at least {times}× the median of the other rows."),
        (Goal::SqlSpikeStandsOut { column, times }, Lang::Vi) => format!("Đưa vào một cú tăng giá đột biến; {column} của dòng đó phải gấp ít nhất {times} lần trung vị của các dòng còn lại."),
        (Goal::SqlLateDropped { rows }, Lang::En) => format!("Run on event time and see at least {rows} late row(s) dropped."),
        (Goal::SqlLateDropped { rows }, Lang::Vi) => format!("Chạy theo event time và thấy ít nhất {rows} dòng đến muộn bị bỏ."),
        _ => String::new(),
    }
}

/// Why a SQL goal is not met, in words.
pub fn why_text(lang: Lang, w: &Why) -> String {
    let num = |x: &Option<f64>| x.map_or("—".to_string(), |v| format!("{v:.2}"));
    match (w, lang) {
        (Why::NoSqlRun, Lang::En) => "No application has run yet: write the SQL and press Run.".into(),
        (Why::NoSqlRun, Lang::Vi) => "Chưa có ứng dụng nào chạy: hãy viết SQL rồi bấm Chạy.".into(),
        (Why::SqlMissingFeature { feature }, Lang::En) => format!("The last application does not use {}.", feature_name(lang, *feature)),
        (Why::SqlMissingFeature { feature }, Lang::Vi) => format!("Ứng dụng vừa chạy không dùng {}.", feature_name(lang, *feature)),
        (Why::SqlNoColumn { column }, Lang::En) => format!("The result stream has no column {column}."),
        (Why::SqlNoColumn { column }, Lang::Vi) => format!("Stream kết quả không có cột {column}."),
        (Why::SqlWrongGroups { expected, rows, missing, extra }, Lang::En) => format!("The input has {expected} (key, window) groups; your result has {rows} rows, {missing} group(s) without a row and {extra} row(s) too many."),
        (Why::SqlWrongGroups { expected, rows, missing, extra }, Lang::Vi) => format!("Dữ liệu vào có {expected} nhóm (key, cửa sổ); kết quả của bạn có {rows} dòng, {missing} nhóm không có dòng nào và thừa {extra} dòng."),
        (Why::SqlNotOnePerInput { inputs, outputs }, Lang::En) => format!("{inputs} rows went in and {outputs} came out."),
        (Why::SqlNotOnePerInput { inputs, outputs }, Lang::Vi) => format!("Có {inputs} dòng vào nhưng {outputs} dòng ra."),
        (Why::SqlNoSpike, Lang::En) => "The last run had no price spike: choose a second for it.".into(),
        (Why::SqlNoSpike, Lang::Vi) => "Lần chạy vừa rồi không có cú tăng giá: hãy chọn giây xảy ra nó.".into(),
        (Why::SqlSpikeNotOut { spike, median, times }, Lang::En) => format!("The spike scored {}; the median of the other rows is {} and the goal needs {times}× that.", num(spike), num(median)),
        (Why::SqlSpikeNotOut { spike, median, times }, Lang::Vi) => format!("Cú tăng giá được {} điểm; trung vị của các dòng khác là {}, mục tiêu cần gấp {times} lần.", num(spike), num(median)),
        (Why::SqlTooFewLate { have, need }, Lang::En) => format!("{have} late row(s) dropped; the goal needs {need}."),
        (Why::SqlTooFewLate { have, need }, Lang::Vi) => format!("Mới có {have} dòng đến muộn bị bỏ; mục tiêu cần {need}."),
        _ => String::new(),
    }
}

type Pair = (&'static str, &'static str);

fn t(lang: Lang, p: Pair) -> &'static str {
    match lang {
        Lang::En => p.0,
        Lang::Vi => p.1,
    }
}

/// The example applications (lessons/sql/*.sql), by button.
const EXAMPLES: [(&str, Pair, &str); 6] = [
    ("filter", ("Filter", "Lọc"), include_str!("../../../lessons/sql/filter.sql")),
    ("tumbling", ("Tumbling", "Tumbling"), include_str!("../../../lessons/sql/tumbling.sql")),
    ("sliding", ("Sliding", "Sliding"), include_str!("../../../lessons/sql/sliding.sql")),
    ("stagger", ("Stagger", "Stagger"), include_str!("../../../lessons/sql/stagger.sql")),
    ("anomaly", ("Anomaly", "Anomaly"), include_str!("../../../lessons/sql/anomaly.sql")),
    ("flink-tumble", ("Flink TUMBLE", "Flink TUMBLE"), include_str!("../../../lessons/sql/flink-tumble.sql")),
];

const HELP: Pair = (
    "Your application reads SOURCE_SQL_STREAM_001: trades of six tickers with TICKER_SYMBOL, SECTOR, CHANGE, PRICE and EVENT_TIME. Load an example or write your own, choose the feed, and run. Every number below comes from the simulated Kinesis Data Analytics engine.",
    "Ứng dụng của bạn đọc SOURCE_SQL_STREAM_001: các giao dịch của sáu mã cổ phiếu với TICKER_SYMBOL, SECTOR, CHANGE, PRICE và EVENT_TIME. Hãy nạp một ví dụ hoặc tự viết, chọn nguồn dữ liệu, rồi chạy. Mọi con số bên dưới đều do engine Kinesis Data Analytics mô phỏng tính ra.",
);
const EXAMPLES_LABEL: Pair = ("Examples", "Ví dụ");
const SQL_LABEL: Pair = ("SQL application", "Ứng dụng SQL");
const RATE: Pair = ("Records per second", "Số record mỗi giây");
const SECONDS: Pair = ("Seconds", "Số giây");
const SPIKE: Pair = ("Price spike at second (empty: none)", "Giây có cú tăng giá (để trống: không có)");
const LATE: Pair = ("Late event every n records (empty: none)", "Cứ n record có một sự kiện đến muộn (để trống: không có)");
const RUN: Pair = ("Run", "Chạy");
const COMPILING: Pair = ("Compiling…", "Đang biên dịch…");
const RUN_HINT: Pair = ("Ctrl+Enter runs.", "Ctrl+Enter để chạy.");
const ROWS_IN: Pair = ("Rows in", "Dòng vào");
const ROWS_OUT: Pair = ("Result rows", "Dòng kết quả");
const FIRED: Pair = ("Windows closed", "Cửa sổ đã đóng");
const LATE_DROPPED: Pair = ("Late rows dropped", "Dòng đến muộn bị bỏ");
const ROW_ERRORS: Pair = ("Values that failed", "Giá trị tính lỗi");
const RESULT: Pair = ("Result stream", "Stream kết quả");
const SHOWN: Pair = ("first rows shown", "dòng đầu được hiển thị");
const AROUND_SPIKE: Pair = ("rows around the spike shown", "dòng quanh cú tăng giá được hiển thị");
const SPIKE_ROW: Pair = ("the spike", "cú tăng giá");
const CHART: Pair = ("Chart of", "Biểu đồ của");
const TIMELINE: Pair = ("Windows by key (first minutes)", "Cửa sổ theo từng key (những phút đầu)");
const NO_RUN: Pair = ("Nothing has run yet.", "Chưa chạy lần nào.");
const LINE_COL: Pair = ("line {l}, column {c}", "dòng {l}, cột {c}");
const MAX_SHOWN: usize = 60;

fn located(lang: Lang, e: &SqlError) -> String {
    let at = t(lang, LINE_COL).replace("{l}", &e.span.start.line.to_string()).replace("{c}", &e.span.start.column.to_string());
    format!("{at}: {}", i18n::sql_error(lang, &e.kind))
}

use crate::pages::sql::run::{cell, clock_time as clock};

/// Lines of one numeric column over the run, one per key (SVG, scaled to
/// fit), with the spike's point marked.
fn sparkline(series: &[(String, Vec<(i64, f64)>)], mark: Option<(i64, f64)>) -> impl IntoView {
    let (w, h) = (600.0, 120.0);
    let all = || series.iter().flat_map(|s| s.1.iter());
    let (t0, t1) = all().fold((i64::MAX, i64::MIN), |a, p| (a.0.min(p.0), a.1.max(p.0)));
    let (v0, v1) = all().fold((f64::INFINITY, f64::NEG_INFINITY), |a, p| (a.0.min(p.1), a.1.max(p.1)));
    let span_t = (t1 - t0).max(1) as f64;
    let span_v = if v1 > v0 { v1 - v0 } else { 1.0 };
    let x = move |t: i64| 4.0 + (t - t0) as f64 / span_t * (w - 8.0);
    let y = move |v: f64| h - 4.0 - (v - v0) / span_v * (h - 8.0);
    let lines = series
        .iter()
        .enumerate()
        .map(|(i, (key, pts))| {
            let line: String = pts.iter().map(|p| format!("{:.1},{:.1}", x(p.0), y(p.1))).collect::<Vec<_>>().join(" ");
            view! { <polyline points=line fill="none" class=format!("sqlw-line sqlw-c{}", i % 6)><title>{key.clone()}</title></polyline> }
        })
        .collect_view();
    let marker = mark.map(|(t, v)| view! { <circle class="sqlw-mark" cx=format!("{:.1}", x(t)) cy=format!("{:.1}", y(v)) r="5" /> });
    let legend = series
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.0.is_empty())
        .map(|(i, (key, _))| view! { <span class=format!("sqlw-legend sqlw-c{}", i % 6)>{key.clone()}</span> })
        .collect_view();
    view! {
        <svg class="sqlw-chart" viewBox=format!("0 0 {w} {h}") role="img" preserveAspectRatio="none">
            {lines}
            {marker}
        </svg>
        <div class="sqlw-axis"><span>{format!("{v0:.3}")}</span><span class="sqlw-legends">{legend}</span><span>{format!("{v1:.3}")}</span></div>
    }
}

/// Window boxes per key from the run's events, over its first minutes.
fn timeline(run: &SqlRun) -> Option<impl IntoView> {
    let mut boxes: Vec<(String, i64, i64)> = Vec::new();
    for e in &run.events {
        if let SqlEvent::WindowOpen { key, start, end, .. } = e {
            boxes.push((key.clone(), *start, *end));
        }
    }
    if boxes.is_empty() {
        return None;
    }
    let t0 = run.input.first().map(|r| r.0).unwrap_or(0);
    let horizon = t0 + 4 * 60_000;
    boxes.retain(|b| b.1 < horizon);
    let mut keys: Vec<String> = boxes.iter().map(|b| b.0.clone()).collect();
    keys.sort();
    keys.dedup();
    keys.truncate(8);
    let (w, lane) = (600.0, 18.0);
    let h = lane * keys.len() as f64 + 16.0;
    let x = move |t: i64| 70.0 + ((t - t0) as f64 / (horizon - t0) as f64).clamp(0.0, 1.0) * (w - 74.0);
    let rects = boxes
        .into_iter()
        .filter_map(|(k, s, e)| {
            let i = keys.iter().position(|x| *x == k)?;
            Some(view! {
                <rect class="sqlw-win" x=format!("{:.1}", x(s)) y=format!("{:.1}", i as f64 * lane + 2.0)
                    width=format!("{:.1}", (x(e) - x(s)).max(1.5)) height=format!("{:.1}", lane - 4.0)>
                    <title>{format!("{k}: {} – {}", clock(s), clock(e))}</title>
                </rect>
            })
        })
        .collect_view();
    let labels = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let short: String = k.chars().take(10).collect();
            view! { <text class="sqlw-key" x="2" y=format!("{:.1}", i as f64 * lane + lane - 5.0)>{short}</text> }
        })
        .collect_view();
    let ticks = (0..=4)
        .map(|m| {
            let t = t0 - t0.rem_euclid(60_000) + m * 60_000;
            view! {
                <line class="sqlw-tick" x1=format!("{:.1}", x(t)) x2=format!("{:.1}", x(t)) y1="0" y2=format!("{:.1}", h - 14.0) />
                <text class="sqlw-key" x=format!("{:.1}", x(t) - 18.0) y=format!("{:.1}", h - 2.0)>{clock(t)[..5].to_string()}</text>
            }
        })
        .collect_view();
    Some(view! {
        <svg class="sqlw-timeline" viewBox=format!("0 0 {w} {h}") role="img">
            {ticks}{labels}{rects}
        </svg>
    })
}

/// The widget: examples, the editor, the feed, and the latest run.
#[component]
pub fn SqlWidget(handle: LabHandle) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let initial = handle.lab.with_untracked(|l| l.sql.last().map(|r| r.sql.clone())).unwrap_or_else(|| EXAMPLES[0].2.to_string());
    let sql = RwSignal::new(initial);
    let rate = RwSignal::new("5".to_string());
    let seconds = RwSignal::new("60".to_string());
    let spike = RwSignal::new(String::new());
    let late = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<SqlError>::new());
    let message = RwSignal::new(None::<String>);
    let chart_col = RwSignal::new(None::<String>);
    // The SQL and the action waiting for the compiler's answer.
    let pending = StoredValue::new(None::<(String, Action)>);

    let apply = move |action: Action| {
        let lang = ctx.lang.get_untracked();
        match handle.apply(action) {
            Ok(()) => {
                errors.set(Vec::new());
                message.set(None);
            }
            Err(LabError::Sql(SqlLabError::Compile(list))) => errors.set(list),
            Err(LabError::Invalid(v)) => message.set(Some(i18n::validation_error(lang, &v))),
            Err(e) => message.set(Some(e.to_string())),
        }
    };
    let compiler = Compiler::new(move |answer| {
        busy.set(false);
        let Some((text, action)) = pending.get_value() else { return };
        pending.set_value(None);
        match answer {
            Answer::Reply(r) => {
                let compiled = match r.plan {
                    Some(p) if r.errors.is_empty() => Ok(p),
                    _ => Err(r.errors),
                };
                handle.lab.update(|l| l.sql.provide(&text, compiled));
                apply(action);
            }
            Answer::Failed(m) => message.set(Some(m)),
        }
    });
    let compiler = StoredValue::new_local(compiler);
    on_cleanup(move || compiler.with_value(|c| c.shutdown()));

    let optional = move |s: RwSignal<String>, field: Field, max: u32| -> Result<Option<u32>, String> {
        let text = s.get_untracked();
        if text.trim().is_empty() {
            return Ok(None);
        }
        parse_count(field, text.trim(), max).map(Some).map_err(|e| i18n::validation_error(ctx.lang.get_untracked(), &e))
    };
    let run = move || {
        if busy.get_untracked() {
            return;
        }
        let lang = ctx.lang.get_untracked();
        let parsed = (|| {
            let r = parse_count(Field::RecordRate, rate.get_untracked().trim(), SQL_MAX_RATE).map_err(|e| i18n::validation_error(lang, &e))?;
            let s = parse_count(Field::Duration, seconds.get_untracked().trim(), SQL_MAX_SECONDS).map_err(|e| i18n::validation_error(lang, &e))?;
            let sp = optional(spike, Field::Duration, SQL_MAX_SECONDS)?;
            let lt = optional(late, Field::RecordRate, 1_000)?;
            Ok::<_, String>((r, s, sp, lt))
        })();
        let (r, s, sp, lt) = match parsed {
            Ok(v) => v,
            Err(m) => {
                message.set(Some(m));
                return;
            }
        };
        let text = sql.get_untracked();
        let action = Action::SqlRun { sql: text.clone(), records_per_second: r, seconds: s, spike_at_s: sp, late_every: lt };
        if handle.lab.with_untracked(|l| l.sql.needs_compile(&text)) {
            busy.set(true);
            pending.set_value(Some((text.clone(), action)));
            compiler.with_value(|c| c.compile(&Request { id: 1, sql: text, schema: feed_schema(), tables: Vec::new() }));
        } else {
            apply(action);
        }
    };

    let examples = move || {
        EXAMPLES
            .iter()
            .map(|(id, name, text)| {
                let text = text.to_string();
                view! {
                    <button type="button" class="button sqlw-example" id=format!("sqlw-ex-{id}")
                        on:click=move |_| { sql.set(text.clone()); errors.set(Vec::new()); }>
                        {move || t(lang(), *name)}
                    </button>
                }
            })
            .collect_view()
    };
    let number_field = move |id: &'static str, label: Pair, sig: RwSignal<String>| {
        view! {
            <label class="sqlw-field" for=id>
                <span>{move || t(lang(), label)}</span>
                <input id=id type="text" inputmode="numeric" prop:value=move || sig.get()
                    on:input=move |e| sig.set(event_target_value(&e))
                    on:keydown=move |e| if e.key() == "Enter" { run() } />
            </label>
        }
    };

    let latest = move || handle.lab.with(|l| l.sql.last().cloned());
    let stats = move || {
        let lang = lang();
        latest().map(|r| {
            let items = [
                (ROWS_IN, r.input.len() as u64, "sqlw-in"),
                (ROWS_OUT, r.results().count() as u64, "sqlw-out"),
                (FIRED, r.windows_fired, "sqlw-fired"),
                (LATE_DROPPED, r.late, "sqlw-late"),
                (ROW_ERRORS, r.row_errors, "sqlw-errors"),
            ];
            view! {
                <dl class="sqlw-stats">
                    {items.into_iter().map(|(label, n, id)| view! {
                        <div><dt>{t(lang, label)}</dt><dd id=id>{i18n::int(lang, n)}</dd></div>
                    }).collect_view()}
                </dl>
            }
        })
    };
    let table = move || {
        let lang = lang();
        let Some(r) = latest() else { return view! { <p class="muted">{t(lang, NO_RUN)}</p> }.into_any() };
        let Some(sid) = r.result_stream() else { return ().into_any() };
        let stream = &r.plan.streams[sid];
        let cols: Vec<String> = stream.columns.iter().map(|c| c.name.clone()).collect();
        let total = r.results().count();
        // With a spike, the rows around it; else the first rows.
        let from = r.results().position(|o| r.is_spike(o)).map_or(0, |i| i.saturating_sub(MAX_SHOWN / 4));
        let shown = total.saturating_sub(from).min(MAX_SHOWN);
        let rows = r
            .results()
            .skip(from)
            .take(MAX_SHOWN)
            .map(|o| {
                let is_spike = r.is_spike(o);
                view! {
                    <tr class:sqlw-spike=is_spike>
                        <td>{clock(o.rowtime)}</td>
                        {o.values.iter().map(|v| view! { <td>{cell(v)}</td> }).collect_view()}
                        <td>{if is_spike { t(lang, SPIKE_ROW) } else { "" }}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h4>{if from == 0 {
                format!("{}: {} ({} {}, {})", t(lang, RESULT), stream.name, i18n::int(lang, shown as u64), t(lang, SHOWN), i18n::int(lang, total as u64))
            } else {
                format!("{}: {} ({} {}, {})", t(lang, RESULT), stream.name, i18n::int(lang, shown as u64), t(lang, AROUND_SPIKE), i18n::int(lang, total as u64))
            }}</h4>
            <div class="sqlw-table-wrap" tabindex="0">
                <table class="sqlw-table" id="sqlw-result">
                    <thead><tr><th>"ROWTIME"</th>{cols.into_iter().map(|c| view! { <th>{c}</th> }).collect_view()}<th></th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let chart = move || {
        let lang = lang();
        let r = latest()?;
        let sid = r.result_stream()?;
        let numeric: Vec<(usize, String)> = r.plan.streams[sid]
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                use kinesis_lab_core::analytics::SqlType::*;
                matches!(c.ty, TinyInt | SmallInt | Integer | BigInt | Real | Double | Decimal { .. })
            })
            .map(|(i, c)| (i, c.name.clone()))
            .collect();
        if numeric.is_empty() {
            return None;
        }
        let chosen = chart_col.get().and_then(|n| numeric.iter().find(|c| c.1 == n).cloned()).unwrap_or_else(|| numeric.last().cloned().unwrap_or_default());
        // One line per value of the first text column (the ticker), at most six.
        let key_col = r.plan.streams[sid].columns.iter().position(|c| matches!(c.ty, kinesis_lab_core::analytics::SqlType::Varchar(_) | kinesis_lab_core::analytics::SqlType::Char(_)));
        let mut series: Vec<(String, Vec<(i64, f64)>)> = Vec::new();
        let mut mark = None;
        for o in r.results() {
            let Some(v) = kinesis_lab_core::lesson::sql::number(o.values.get(chosen.0)) else { continue };
            let key = key_col.map(|k| cell(&o.values[k])).unwrap_or_default();
            if mark.is_none() && r.is_spike(o) {
                mark = Some((o.rowtime, v));
            }
            if let Some(i) = series.iter().position(|s| s.0 == key) {
                series[i].1.push((o.rowtime, v));
            } else if series.len() < 6 {
                series.push((key, vec![(o.rowtime, v)]));
            }
        }
        let options = numeric
            .iter()
            .map(|(_, n)| {
                let sel = *n == chosen.1;
                view! { <option value=n.clone() selected=sel>{n.clone()}</option> }
            })
            .collect_view();
        Some(view! {
            <div class="sqlw-chart-box">
                <label for="sqlw-chart-col">{t(lang, CHART)}" "</label>
                <select id="sqlw-chart-col" on:change=move |e| chart_col.set(Some(event_target_value(&e)))>{options}</select>
                {sparkline(&series, mark)}
            </div>
        })
    };
    let windows = move || {
        let lang = lang();
        latest().and_then(|r| timeline(&r).map(|v| view! { <h4>{t(lang, TIMELINE)}</h4>{v} }))
    };

    view! {
        <div class="sqlw" id="sqlw" data-runs=move || handle.lab.with(|l| l.sql.runs.len()) data-busy=move || busy.get().to_string()>
            <p class="muted">{move || t(lang(), HELP)}</p>
            <div class="sqlw-examples" role="group" aria-label=move || t(lang(), EXAMPLES_LABEL)>
                <span>{move || t(lang(), EXAMPLES_LABEL)}": "</span>{examples}
            </div>
            <label class="sqlw-sql-label" for="sqlw-sql">{move || t(lang(), SQL_LABEL)}</label>
            <textarea id="sqlw-sql" class="sqlw-sql" rows="8" spellcheck="false" prop:value=move || sql.get()
                on:input=move |e| sql.set(event_target_value(&e))
                on:keydown=move |e| if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) { e.prevent_default(); run() }>
            </textarea>
            <ul class="sqlw-errors" id="sqlw-errors" role="alert">
                {move || errors.get().iter().map(|e| view! { <li>{located(lang(), e)}</li> }).collect_view()}
            </ul>
            <div class="sqlw-feed">
                {number_field("sqlw-rate", RATE, rate)}
                {number_field("sqlw-seconds", SECONDS, seconds)}
                {number_field("sqlw-spike", SPIKE, spike)}
                {number_field("sqlw-late", LATE, late)}
            </div>
            <div class="sqlw-actions">
                <button type="button" id="sqlw-run" class="button primary" disabled=move || busy.get() on:click=move |_| run()>
                    {move || if busy.get() { t(lang(), COMPILING) } else { t(lang(), RUN) }}
                </button>
                <span class="muted">{move || t(lang(), RUN_HINT)}</span>
                <span class="field-error" id="sqlw-message" role="status">{move || message.get()}</span>
            </div>
            {stats}
            {chart}
            {windows}
            {table}
        </div>
    }
}
