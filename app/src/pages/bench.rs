//! `#/bench`: times core's PutRecords benchmark workload (`core::bench`) in
//! WebAssembly, the same records the native criterion bench times, and
//! shows records/s beside issue 4's targets.
//!
//! Core has no clock: the page times runs with `performance.now()`, around
//! `PutWorkload::run` only (building and dropping the engines are not
//! timed). Browsers coarsen that clock (Chromium to 0.1 ms without
//! cross-origin isolation), so runs are timed [`WINDOW`] at a time, each
//! window tens of milliseconds long. Windows of the two workloads
//! alternate, and the page yields to the browser after each pair, so
//! progress shows and the tab stays responsive.
//!
//! Scripts read `#bench-result`: `data-state` (`idle`, `running`, `done`,
//! `failed`) and, once done, `data-records-per-second` (500 repeated keys),
//! `data-unique-records-per-second`, `data-native-target`, `data-ratio`,
//! `data-rounds` and `data-records` (records timed per workload).
//! `?rounds=N` (1 to 1,000) sets the runs per workload.

use crate::i18n::{self, T};
use crate::shell::use_ctx;
use kinesis_lab_core::bench::{
    Keys, PutWorkload, NATIVE_TARGET_RECORDS_PER_SECOND, WASM_TARGET_RATIO,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

pub const DEFAULT_ROUNDS: u32 = 30;
pub const MAX_ROUNDS: u32 = 1000;
const CHOICES: [u32; 4] = [1, 10, 30, 100];
/// Runs timed together: engines for all of them are built first.
pub const WINDOW: u32 = 8;

/// Runs per workload from the link: a number in range, else the default.
pub fn rounds_from(query: Option<&String>) -> u32 {
    query
        .and_then(|s| s.trim().parse::<u32>().ok())
        .map(|n| n.clamp(1, MAX_ROUNDS))
        .unwrap_or(DEFAULT_ROUNDS)
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Figures {
    rounds: u32,
    /// Records timed per workload.
    records: u64,
    repeated_per_s: f64,
    unique_per_s: f64,
}

impl Figures {
    fn ratio(&self) -> f64 {
        self.repeated_per_s / NATIVE_TARGET_RECORDS_PER_SECOND
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    Idle,
    Running { done: u32, total: u32 },
    Done(Figures),
    NoClock,
    Broken,
}

impl State {
    fn code(&self) -> &'static str {
        match self {
            State::Idle => "idle",
            State::Running { .. } => "running",
            State::Done(_) => "done",
            State::NoClock | State::Broken => "failed",
        }
    }
}

fn now_ms() -> Option<f64> {
    window().performance().map(|p| p.now())
}

/// Lets the browser paint and handle input before the next run.
async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
    });
    let _: Result<JsValue, JsValue> = JsFuture::from(promise).await;
}

/// Times `runs` runs of `w`: None without a clock, else the milliseconds,
/// or `Broken` if a record was refused (the figure would mean nothing).
fn timed_runs(w: &PutWorkload, runs: u32) -> Option<Result<f64, State>> {
    let mut engines: Vec<_> = (0..runs).map(|_| w.engine()).collect();
    let start = now_ms()?;
    let accepted: u64 = engines.iter_mut().map(|e| w.run(e)).sum();
    let end = now_ms()?;
    drop(engines);
    Some(if accepted == w.records() * runs as u64 {
        Ok(end - start)
    } else {
        Err(State::Broken)
    })
}

async fn measure(rounds: u32, state: RwSignal<State>) {
    let workloads = [
        PutWorkload::new(Keys::Repeated),
        PutWorkload::new(Keys::Unique),
    ];
    let total = rounds * 2;
    let mut spent = [0.0_f64; 2];
    // One untimed run of each first: allocator and caches warm up.
    for w in &workloads {
        let mut e = w.engine();
        w.run(&mut e);
    }
    let mut done = 0;
    while done < total {
        let runs = WINDOW.min(rounds - done / 2);
        for (i, w) in workloads.iter().enumerate() {
            match timed_runs(w, runs) {
                None => {
                    let _ = state.try_set(State::NoClock);
                    return;
                }
                Some(Err(s)) => {
                    let _ = state.try_set(s);
                    return;
                }
                Some(Ok(ms)) => spent[i] += ms,
            }
        }
        done += runs * 2;
        // The page is gone (signal disposed): stop.
        if state.try_set(State::Running { done, total }).is_some() {
            return;
        }
        yield_to_browser().await;
    }
    let records = workloads[0].records() * rounds as u64;
    // A clock coarser than the whole run would give 0 ms: count it as 1 µs.
    let per_s = |ms: f64| records as f64 / (ms.max(0.001) / 1000.0);
    let _ = state.try_set(State::Done(Figures {
        rounds,
        records,
        repeated_per_s: per_s(spent[0]),
        unique_per_s: per_s(spent[1]),
    }));
}

#[component]
pub fn BenchPage() -> impl IntoView {
    let ctx = use_ctx();
    let rounds = RwSignal::new(
        ctx.location
            .with_untracked(|l| rounds_from(l.query.get("rounds"))),
    );
    let state = RwSignal::new(State::Idle);
    let running = move || matches!(state.get(), State::Running { .. });
    let run = move |_| {
        if matches!(state.get_untracked(), State::Running { .. }) {
            return;
        }
        let n = rounds.get_untracked();
        state.set(State::Running {
            done: 0,
            total: n * 2,
        });
        spawn_local(measure(n, state));
    };
    let choices = move || {
        let mut c = CHOICES.to_vec();
        let r = rounds.get_untracked();
        if !c.contains(&r) {
            c.push(r);
            c.sort_unstable();
        }
        c
    };
    let lang = move || ctx.lang.get();
    let rate = move |x: f64| {
        format!(
            "{} {}",
            i18n::int(lang(), x.round() as u64),
            ctx.t(T::BenchPerSecond)
        )
    };
    let figures = move || match state.get() {
        State::Done(f) => Some(f),
        _ => None,
    };
    let attr = move |f: fn(&Figures) -> String| move || figures().map(|x| f(&x));
    let wasm_goal = (NATIVE_TARGET_RECORDS_PER_SECOND * WASM_TARGET_RATIO).round() as u64;

    view! {
        <h1>{move || ctx.t(T::BenchTitle)}</h1>
        <p class="lead">{move || ctx.t(T::BenchLead)}</p>
        <section class="panel">
            <div class="fields">
                <label class="field">
                    <span>{move || ctx.t(T::BenchRounds)}</span>
                    <select
                        id="bench-rounds"
                        disabled=running
                        on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<u32>() {
                                rounds.set(n.clamp(1, MAX_ROUNDS));
                            }
                        }
                    >
                        {choices()
                            .into_iter()
                            .map(|n| view! { <option value=n selected=move || rounds.get() == n>{n}</option> })
                            .collect_view()}
                    </select>
                    <span class="help">{move || ctx.t(T::BenchRoundsHelp)}</span>
                </label>
            </div>
            <button id="bench-run" class="button primary" on:click=run disabled=running>
                {move || if running() { ctx.t(T::BenchRunning) } else { ctx.t(T::BenchRun) }}
            </button>
            <div aria-live="polite">
                {move || match state.get() {
                    State::Idle => view! { <p class="help">{ctx.t(T::BenchIdle)}</p> }.into_any(),
                    State::Running { done, total } => view! {
                        <progress id="bench-progress" max=total value=done></progress>
                        <p class="help">{i18n::bench_progress(lang(), done, total)}</p>
                    }.into_any(),
                    State::NoClock => view! { <p class="notice" role="alert">{ctx.t(T::BenchNoClock)}</p> }.into_any(),
                    State::Broken => view! { <p class="notice" role="alert">{ctx.t(T::BenchBroken)}</p> }.into_any(),
                    State::Done(_) => ().into_any(),
                }}
            </div>
            <output
                id="bench-result"
                data-state=move || state.get().code()
                data-rounds=attr(|f| f.rounds.to_string())
                data-records=attr(|f| f.records.to_string())
                data-records-per-second=attr(|f| format!("{:.0}", f.repeated_per_s))
                data-unique-records-per-second=attr(|f| format!("{:.0}", f.unique_per_s))
                data-native-target=format!("{NATIVE_TARGET_RECORDS_PER_SECOND:.0}")
                data-ratio=attr(|f| format!("{:.3}", f.ratio()))
            >
                {move || figures().map(|f| view! {
                    <dl class="stats">
                        <div><dt>{ctx.t(T::BenchRepeated)}</dt><dd id="bench-repeated">{rate(f.repeated_per_s)}</dd></div>
                        <div><dt>{ctx.t(T::BenchUnique)}</dt><dd id="bench-unique">{rate(f.unique_per_s)}</dd></div>
                        <div><dt>{ctx.t(T::BenchNativeTarget)}</dt><dd>{rate(NATIVE_TARGET_RECORDS_PER_SECOND)}</dd></div>
                        <div><dt>{ctx.t(T::BenchRatio)}</dt>
                            <dd id="bench-ratio">{i18n::decimal(lang(), f.ratio(), 2)}
                                <small>{if f.ratio() >= WASM_TARGET_RATIO { ctx.t(T::BenchGoalMet) } else { ctx.t(T::BenchGoalMissed) }}</small>
                            </dd>
                        </div>
                    </dl>
                })}
            </output>
            <p class="help">{move || i18n::bench_goal(lang(), WASM_TARGET_RATIO, wasm_goal)}</p>
            <p class="help">{move || ctx.t(T::BenchWhy)}</p>
        </section>
        <SqlBench rounds=rounds />
    }
}

/// Rows per timed SQL run, and the goal for the SQL engine in WASM (issue 7).
pub const SQL_ROWS: usize = 200_000;
pub const SQL_KEYS: usize = 500;
/// Rows per simulated second, as in `core/benches/sql.rs`.
pub const SQL_ROWS_PER_SECOND: u32 = 2_000;
pub const SQL_TARGET_ROWS_PER_SECOND: f64 = 1_000_000.0;

type Pair = (&'static str, &'static str);
fn tr(lang: i18n::Lang, p: Pair) -> &'static str {
    match lang {
        i18n::Lang::En => p.0,
        i18n::Lang::Vi => p.1,
    }
}
const SQL_TITLE: Pair = ("SQL engine: a tumbling window", "Engine SQL: một cửa sổ tumbling");
const SQL_LEAD: Pair = (
    "Times the Kinesis Data Analytics engine on the query and rows of the native criterion bench: GROUP BY TICKER, STEP(ROWTIME BY INTERVAL '60' SECOND) with COUNT(*) and SUM(PRICE), 500 tickers, 2,000 rows a simulated second; 200,000 rows a run here (10⁶ natively). Building the rows is not timed.",
    "Đo engine Kinesis Data Analytics với đúng câu truy vấn và dữ liệu mà criterion dùng ở bản native: GROUP BY TICKER, STEP(ROWTIME BY INTERVAL '60' SECOND) với COUNT(*) và SUM(PRICE), 500 mã, 2.000 dòng mỗi giây mô phỏng; ở đây mỗi lượt 200.000 dòng (bản native là 10⁶). Thời gian tạo dữ liệu không được tính.",
);
const SQL_RUN: Pair = ("Run the SQL benchmark", "Chạy benchmark SQL");
const SQL_RUNNING: Pair = ("Running…", "Đang chạy…");
const SQL_RATE: Pair = ("Rows per second", "Số dòng mỗi giây");
const SQL_GOAL: Pair = ("Goal: 1,000,000 rows/s in WebAssembly", "Mục tiêu: 1.000.000 dòng/giây trong WebAssembly");
const SQL_UNIT: Pair = ("rows/s", "dòng/giây");

#[derive(Clone, Copy, Debug, PartialEq)]
enum SqlState {
    Idle,
    Running { done: u32, total: u32 },
    Done { rounds: u32, rows_per_s: f64, out: usize },
    Failed,
}

async fn measure_sql(rounds: u32, state: RwSignal<SqlState>) {
    use kinesis_lab_core::analytics::engine::bench::{run_tumbling, tumbling_rows};
    // One untimed run first, to warm the allocator.
    run_tumbling(tumbling_rows(SQL_ROWS / 10, SQL_KEYS, SQL_ROWS_PER_SECOND, 0));
    let mut spent = 0.0;
    let mut out = 0;
    for done in 0..rounds {
        let rows = tumbling_rows(SQL_ROWS, SQL_KEYS, SQL_ROWS_PER_SECOND, 0);
        let (Some(start), n, Some(end)) = (now_ms(), run_tumbling(rows), now_ms()) else {
            let _ = state.try_set(SqlState::Failed);
            return;
        };
        if n == 0 {
            let _ = state.try_set(SqlState::Failed);
            return;
        }
        out = n;
        spent += end - start;
        if state.try_set(SqlState::Running { done: done + 1, total: rounds }).is_some() {
            return;
        }
        yield_to_browser().await;
    }
    let rows_per_s = (SQL_ROWS as f64 * rounds as f64) / (spent.max(0.001) / 1000.0);
    let _ = state.try_set(SqlState::Done { rounds, rows_per_s, out });
}

/// The SQL engine's panel. Scripts read `#sql-bench-result`: `data-state`,
/// and once done `data-rows-per-second`, `data-rows` (timed in all),
/// `data-output-rows` (per run) and `data-target`.
#[component]
fn SqlBench(rounds: RwSignal<u32>) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let state = RwSignal::new(SqlState::Idle);
    let running = move || matches!(state.get(), SqlState::Running { .. });
    let run = move |_| {
        if running() {
            return;
        }
        let n = rounds.get_untracked().min(100);
        state.set(SqlState::Running { done: 0, total: n });
        spawn_local(measure_sql(n, state));
    };
    let code = move || match state.get() {
        SqlState::Idle => "idle",
        SqlState::Running { .. } => "running",
        SqlState::Done { .. } => "done",
        SqlState::Failed => "failed",
    };
    let done = move || match state.get() {
        SqlState::Done { rounds, rows_per_s, out } => Some((rounds, rows_per_s, out)),
        _ => None,
    };
    view! {
        <section class="panel">
            <h2>{move || tr(lang(), SQL_TITLE)}</h2>
            <p class="help">{move || tr(lang(), SQL_LEAD)}</p>
            <button id="sql-bench-run" class="button primary" on:click=run disabled=running>
                {move || if running() { tr(lang(), SQL_RUNNING) } else { tr(lang(), SQL_RUN) }}
            </button>
            <div aria-live="polite">
                {move || match state.get() {
                    SqlState::Running { done, total } => Some(view! { <progress id="sql-bench-progress" max=total value=done></progress> }.into_any()),
                    SqlState::Failed => Some(view! { <p class="notice" role="alert">{ctx.t(T::BenchBroken)}</p> }.into_any()),
                    _ => None,
                }}
            </div>
            <output
                id="sql-bench-result"
                data-state=code
                data-rows-per-second=move || done().map(|d| format!("{:.0}", d.1))
                data-rows=move || done().map(|d| (d.0 as usize * SQL_ROWS).to_string())
                data-output-rows=move || done().map(|d| d.2.to_string())
                data-target=format!("{SQL_TARGET_ROWS_PER_SECOND:.0}")
            >
                {move || done().map(|(_, r, _)| view! {
                    <dl class="stats">
                        <div><dt>{tr(lang(), SQL_RATE)}</dt><dd id="sql-bench-rate">{format!("{} {}", i18n::int(lang(), r.round() as u64), tr(lang(), SQL_UNIT))}</dd></div>
                        <div><dt>{tr(lang(), SQL_GOAL)}</dt><dd>{i18n::decimal(lang(), r / SQL_TARGET_ROWS_PER_SECOND, 2)}"×"</dd></div>
                    </dl>
                })}
            </output>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_come_from_the_link_within_range() {
        let q = |s: &str| rounds_from(Some(&s.to_owned()));
        assert_eq!(rounds_from(None), DEFAULT_ROUNDS);
        assert_eq!(q("5"), 5);
        assert_eq!(q("0"), 1);
        assert_eq!(q("99999"), MAX_ROUNDS);
        assert_eq!(q("abc"), DEFAULT_ROUNDS);
        assert_eq!(q("-3"), DEFAULT_ROUNDS);
    }
}
