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
        <WorkloadsBench rounds=rounds />
        <ScaleBench />
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
const SQL_TITLE: Pair = (
    "SQL engine: tumbling and sliding windows",
    "Engine SQL: cửa sổ tumbling và sliding",
);
const SQL_SLIDING_RATE: Pair = (
    "Sliding window: rows per second",
    "Cửa sổ sliding: số dòng mỗi giây",
);
const SQL_LEAD: Pair = (
    "Times the Kinesis Data Analytics engine on the query and rows of the native criterion bench: GROUP BY TICKER, STEP(ROWTIME BY INTERVAL '60' SECOND) with COUNT(*) and SUM(PRICE), 500 tickers, 2,000 rows a simulated second; 200,000 rows a run here (10⁶ natively). Then the same rows through a sliding window, COUNT(*), AVG(PRICE) and MAX(PRICE) OVER (PARTITION BY TICKER RANGE INTERVAL '60' SECOND PRECEDING), one output row per input row. Building the rows is not timed.",
    "Đo engine Kinesis Data Analytics với đúng câu truy vấn và dữ liệu mà criterion dùng ở bản native: GROUP BY TICKER, STEP(ROWTIME BY INTERVAL '60' SECOND) với COUNT(*) và SUM(PRICE), 500 mã, 2.000 dòng mỗi giây mô phỏng; ở đây mỗi lượt 200.000 dòng (bản native là 10⁶). Sau đó chính những dòng ấy đi qua một cửa sổ sliding: COUNT(*), AVG(PRICE) và MAX(PRICE) OVER (PARTITION BY TICKER RANGE INTERVAL '60' SECOND PRECEDING), mỗi dòng vào cho ra một dòng. Thời gian tạo dữ liệu không được tính.",
);
const SQL_RUN: Pair = ("Run the SQL benchmark", "Chạy benchmark SQL");
const SQL_RUNNING: Pair = ("Running…", "Đang chạy…");
const SQL_RATE: Pair = ("Rows per second", "Số dòng mỗi giây");
const SQL_GOAL: Pair = (
    "Goal: 1,000,000 rows/s in WebAssembly",
    "Mục tiêu: 1.000.000 dòng/giây trong WebAssembly",
);
const SQL_UNIT: Pair = ("rows/s", "dòng/giây");

#[derive(Clone, Copy, Debug, PartialEq)]
enum SqlState {
    Idle,
    Running {
        done: u32,
        total: u32,
    },
    Done {
        rounds: u32,
        rows_per_s: f64,
        out: usize,
        sliding_per_s: f64,
    },
    Failed,
}

async fn measure_sql(rounds: u32, state: RwSignal<SqlState>) {
    use kinesis_lab_core::analytics::engine::bench::{
        run_plan, run_tumbling, sliding_plan, tumbling_rows,
    };
    // One untimed run first, to warm the allocator.
    run_tumbling(tumbling_rows(
        SQL_ROWS / 10,
        SQL_KEYS,
        SQL_ROWS_PER_SECOND,
        0,
    ));
    let mut spent = 0.0;
    let mut sliding = 0.0;
    let mut out = 0;
    for done in 0..rounds {
        // The sliding window over the same rows (one output row per input row).
        let rows = tumbling_rows(SQL_ROWS, SQL_KEYS, SQL_ROWS_PER_SECOND, 0);
        let plan = sliding_plan();
        let (Some(start), n, Some(end)) = (now_ms(), run_plan(plan, rows), now_ms()) else {
            let _ = state.try_set(SqlState::Failed);
            return;
        };
        if n == 0 {
            let _ = state.try_set(SqlState::Failed);
            return;
        }
        sliding += end - start;
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
        if state
            .try_set(SqlState::Running {
                done: done + 1,
                total: rounds,
            })
            .is_some()
        {
            return;
        }
        yield_to_browser().await;
    }
    let rows_per_s = (SQL_ROWS as f64 * rounds as f64) / (spent.max(0.001) / 1000.0);
    let sliding_per_s = (SQL_ROWS as f64 * rounds as f64) / (sliding.max(0.001) / 1000.0);
    let _ = state.try_set(SqlState::Done {
        rounds,
        rows_per_s,
        out,
        sliding_per_s,
    });
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
        SqlState::Done {
            rounds,
            rows_per_s,
            out,
            sliding_per_s,
        } => Some((rounds, rows_per_s, out, sliding_per_s)),
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
                data-sliding-rows-per-second=move || done().map(|d| format!("{:.0}", d.3))
                data-target=format!("{SQL_TARGET_ROWS_PER_SECOND:.0}")
            >
                {move || done().map(|(_, r, _, sl)| view! {
                    <dl class="stats">
                        <div><dt>{tr(lang(), SQL_RATE)}</dt><dd id="sql-bench-rate">{format!("{} {}", i18n::int(lang(), r.round() as u64), tr(lang(), SQL_UNIT))}</dd></div>
                        <div><dt>{tr(lang(), SQL_SLIDING_RATE)}</dt><dd id="sql-bench-sliding-rate">{format!("{} {}", i18n::int(lang(), sl.round() as u64), tr(lang(), SQL_UNIT))}</dd></div>
                        <div><dt>{tr(lang(), SQL_GOAL)}</dt><dd>{i18n::decimal(lang(), r / SQL_TARGET_ROWS_PER_SECOND, 2)}"×"</dd></div>
                    </dl>
                })}
            </output>
        </section>
    }
}

// ---------------------------------------------------------------------------
// GetRecords, the KCL lease cycle and Firehose to GZIP: the workloads of
// core::bench that core/benches/engine.rs and firehose.rs time natively.
// ---------------------------------------------------------------------------

const WL_TITLE: Pair = (
    "Reads, KCL leases and Firehose",
    "Đọc, lease của KCL và Firehose",
);
const WL_LEAD: Pair = (
    "The same workloads the native criterion benches time: one GetRecords of 1,000 records from a shard; a KCL fleet of 4 workers keeping the leases of 16 shards for 10 simulated minutes (balancing, a worker dying and coming back), counted in lease renewals, takes and steals; 50,000 JSON records put to a Firehose delivery stream and delivered to S3 GZIP-compressed. Parquet is left out here: its encoder lives in a separate worker the page does not load, so only the native bench measures it.",
    "Đúng các tải mà criterion đo ở bản native: một lần GetRecords lấy 1.000 bản ghi từ một shard; một nhóm 4 worker KCL giữ lease của 16 shard trong 10 phút mô phỏng (chia lại lease, một worker chết rồi chạy lại), tính bằng số lần gia hạn, nhận và giành lease; 50.000 bản ghi JSON gửi vào một delivery stream Firehose và giao tới S3 dạng nén GZIP. Parquet không đo ở đây: bộ mã hoá của nó nằm trong một worker riêng mà trang này không tải, nên chỉ bản native đo nó.",
);
const WL_RUN: Pair = ("Run these benchmarks", "Chạy các benchmark này");
const WL_GET: Pair = (
    "GetRecords: records read per second",
    "GetRecords: số bản ghi đọc mỗi giây",
);
const WL_KCL: Pair = (
    "KCL: lease operations per second",
    "KCL: số thao tác lease mỗi giây",
);
const WL_KCL_SIM: Pair = (
    "KCL: simulated fleet minutes per second",
    "KCL: số phút mô phỏng của cả nhóm worker mỗi giây",
);
const WL_FH: Pair = (
    "Firehose to S3, GZIP: records per second",
    "Firehose tới S3, GZIP: số bản ghi mỗi giây",
);
const PER_S: Pair = ("/s", "/giây");

#[derive(Clone, Copy, Debug, PartialEq)]
struct WlFigures {
    get_per_s: f64,
    kcl_ops_per_s: f64,
    kcl_sim_min_per_s: f64,
    firehose_per_s: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum WlState {
    Idle,
    Running { done: u32, total: u32 },
    Done(WlFigures),
    Failed,
}

/// Milliseconds for `f`, or None without a clock.
fn time_ms<R>(f: impl FnOnce() -> R) -> Option<(f64, R)> {
    let start = now_ms()?;
    let r = f();
    let end = now_ms()?;
    Some((end - start, r))
}

async fn measure_workloads(rounds: u32, state: RwSignal<WlState>) {
    use kinesis_lab_core::bench::firehose::{FirehoseWorkload, Output};
    use kinesis_lab_core::bench::kcl::LeaseWorkload;
    use kinesis_lab_core::bench::{GetWorkload, GET_RECORDS};
    let get = GetWorkload::new();
    let kcl = LeaseWorkload;
    let kcl_ops = kcl.lease_operations();
    let fh = FirehoseWorkload::new(Output::Gzip);
    let total = rounds * 3;
    let (mut get_ms, mut kcl_ms, mut fh_ms) = (0.0, 0.0, 0.0);
    let fail = || {
        let _ = state.try_set(WlState::Failed);
    };
    for round in 0..rounds {
        // 64 reads timed together: one takes well under the clock's 0.1 ms.
        let mut engines: Vec<_> = (0..64).map(|_| get.engine()).collect();
        let Some((ms, read)) = time_ms(|| engines.iter_mut().map(|e| get.run(e)).sum::<u64>())
        else {
            return fail();
        };
        drop(engines);
        if read != 64 * GET_RECORDS {
            return fail();
        }
        get_ms += ms;
        let mut fleet = kcl.fleet();
        let Some((ms, ops)) = time_ms(|| kcl.run(&mut fleet)) else {
            return fail();
        };
        drop(fleet);
        if ops != kcl_ops {
            return fail();
        }
        kcl_ms += ms;
        let (mut stream, input) = (fh.stream(), fh.input());
        let Some((ms, (accepted, bytes))) = time_ms(|| fh.run(&mut stream, input)) else {
            return fail();
        };
        drop(stream);
        if accepted != fh.records() || bytes == 0 {
            return fail();
        }
        fh_ms += ms;
        if state
            .try_set(WlState::Running {
                done: (round + 1) * 3,
                total,
            })
            .is_some()
        {
            return;
        }
        yield_to_browser().await;
    }
    let per_s = |n: f64, ms: f64| n * rounds as f64 / (ms.max(0.001) / 1000.0);
    let _ = state.try_set(WlState::Done(WlFigures {
        get_per_s: per_s(64.0 * GET_RECORDS as f64, get_ms),
        kcl_ops_per_s: per_s(kcl_ops as f64, kcl_ms),
        kcl_sim_min_per_s: per_s(kcl.simulated_ms() as f64 / 60_000.0, kcl_ms),
        firehose_per_s: per_s(fh.records() as f64, fh_ms),
    }));
}

/// Scripts read `#workloads-bench-result`: `data-state`, and once done
/// `data-get-records-per-second`, `data-kcl-lease-operations-per-second`,
/// `data-kcl-simulated-minutes-per-second`,
/// `data-firehose-gzip-records-per-second` and `data-rounds`.
#[component]
fn WorkloadsBench(rounds: RwSignal<u32>) -> impl IntoView {
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let state = RwSignal::new(WlState::Idle);
    let running = move || matches!(state.get(), WlState::Running { .. });
    let ran = RwSignal::new(0u32);
    let run = move |_| {
        if running() {
            return;
        }
        let n = rounds.get_untracked().clamp(1, 30);
        ran.set(n);
        state.set(WlState::Running {
            done: 0,
            total: n * 3,
        });
        spawn_local(measure_workloads(n, state));
    };
    let code = move || match state.get() {
        WlState::Idle => "idle",
        WlState::Running { .. } => "running",
        WlState::Done(_) => "done",
        WlState::Failed => "failed",
    };
    let done = move || match state.get() {
        WlState::Done(f) => Some(f),
        _ => None,
    };
    let fig = move |f: fn(&WlFigures) -> f64| move || done().map(|d| format!("{:.0}", f(&d)));
    let rate = move |x: f64| {
        format!(
            "{}{}",
            i18n::int(lang(), x.round() as u64),
            tr(lang(), PER_S)
        )
    };
    view! {
        <section class="panel">
            <h2>{move || tr(lang(), WL_TITLE)}</h2>
            <p class="help">{move || tr(lang(), WL_LEAD)}</p>
            <button id="workloads-bench-run" class="button primary" on:click=run disabled=running>
                {move || if running() { tr(lang(), SQL_RUNNING) } else { tr(lang(), WL_RUN) }}
            </button>
            <div aria-live="polite">
                {move || match state.get() {
                    WlState::Running { done, total } => Some(view! { <progress id="workloads-bench-progress" max=total value=done></progress> }.into_any()),
                    WlState::Failed => Some(view! { <p class="notice" role="alert">{ctx.t(T::BenchBroken)}</p> }.into_any()),
                    _ => None,
                }}
            </div>
            <output
                id="workloads-bench-result"
                data-state=code
                data-rounds=move || done().map(|_| ran.get().to_string())
                data-get-records-per-second=fig(|f| f.get_per_s)
                data-kcl-lease-operations-per-second=fig(|f| f.kcl_ops_per_s)
                data-kcl-simulated-minutes-per-second=fig(|f| f.kcl_sim_min_per_s)
                data-firehose-gzip-records-per-second=fig(|f| f.firehose_per_s)
            >
                {move || done().map(|f| view! {
                    <dl class="stats">
                        <div><dt>{tr(lang(), WL_GET)}</dt><dd>{rate(f.get_per_s)}</dd></div>
                        <div><dt>{tr(lang(), WL_KCL)}</dt><dd>{rate(f.kcl_ops_per_s)}</dd></div>
                        <div><dt>{tr(lang(), WL_KCL_SIM)}</dt><dd>{i18n::int(lang(), f.kcl_sim_min_per_s.round() as u64)}</dd></div>
                        <div><dt>{tr(lang(), WL_FH)}</dt><dd>{rate(f.firehose_per_s)}</dd></div>
                    </dl>
                })}
            </output>
        </section>
    }
}

// ---------------------------------------------------------------------------
// Scale: a 200-shard on-demand stream taking 200 MB/s (core::bench::scale).
// ---------------------------------------------------------------------------

/// Simulated seconds the scale run covers, in ticks of `SCALE_TICK_MS`.
pub const SCALE_SECONDS: u64 = 10;
pub const SCALE_TICK_MS: u64 = 100;

const SC_TITLE: Pair = (
    "Scale: 200 shards, 200 MB/s",
    "Quy mô: 200 shard, 200 MB/giây",
);
const SC_LEAD: Pair = (
    "An ON_DEMAND stream with 200 shards, fed by 20 producers of 10,000 records a second each (1,000-byte records, keys from a million user ids): 200 MB a simulated second. The engine runs it as the Stream Lab does, in 100 ms ticks, every record routed, checked against the stream's capacity and stored, every event counted into the per-shard charts' metrics; nothing is drawn. Before the clock starts the stream is warmed up (on-demand capacity doubles from its recent peak, so it is given six earlier peaks 15 minutes apart); that is not timed. Goal: at least 10 simulated seconds per second of wall time.",
    "Một stream ON_DEMAND có 200 shard, nhận dữ liệu từ 20 producer, mỗi producer 10.000 bản ghi mỗi giây (bản ghi 1.000 byte, khoá lấy từ một triệu user id): 200 MB mỗi giây mô phỏng. Engine chạy y như Stream Lab, theo từng nhịp 100 ms: mọi bản ghi đều được định tuyến, kiểm tra với dung lượng của stream rồi lưu lại, mọi sự kiện đều được cộng vào số liệu của biểu đồ từng shard; chỉ là không vẽ gì. Trước khi bấm giờ, stream được “làm nóng” (dung lượng on-demand tăng gấp đôi đỉnh gần đây, nên nó được cho sáu đỉnh cách nhau 15 phút); phần này không tính giờ. Mục tiêu: ít nhất 10 giây mô phỏng cho mỗi giây thực.",
);
const SC_RUN: Pair = ("Run the scale test", "Chạy thử quy mô");
const SC_PREPARING: Pair = ("Warming up the stream…", "Đang làm nóng stream…");
const SC_RATIO: Pair = (
    "Simulated seconds per wall second",
    "Giây mô phỏng mỗi giây thực",
);
const SC_RECORDS: Pair = (
    "Records accepted / throttled",
    "Bản ghi được nhận / bị giới hạn",
);
const SC_WALL: Pair = (
    "Wall time for the simulated seconds",
    "Thời gian thực cho số giây mô phỏng",
);
const SC_MET: Pair = ("goal met", "đạt mục tiêu");
const SC_MISSED: Pair = ("under the goal", "chưa đạt mục tiêu");

#[derive(Clone, Copy, Debug, PartialEq)]
enum ScState {
    Idle,
    Preparing,
    Running {
        done: u64,
        total: u64,
    },
    Done {
        sim_ms: u64,
        wall_ms: f64,
        accepted: u64,
        throttled: u64,
        bytes: u64,
    },
    Failed,
}

async fn measure_scale(state: RwSignal<ScState>) {
    use kinesis_lab_core::bench::scale::ScaleWorkload;
    let w = ScaleWorkload;
    // Let "warming up" show before the slow preparation.
    yield_to_browser().await;
    let mut run = w.prepare();
    let total = SCALE_SECONDS * 1000 / SCALE_TICK_MS;
    let (mut wall, mut accepted, mut throttled, mut bytes) = (0.0, 0, 0, 0);
    for tick in 0..total {
        let Some((ms, r)) = time_ms(|| w.step(&mut run, SCALE_TICK_MS)) else {
            let _ = state.try_set(ScState::Failed);
            return;
        };
        wall += ms;
        accepted += r.accepted;
        throttled += r.throttled;
        bytes += r.bytes;
        if r.sent == 0 {
            let _ = state.try_set(ScState::Failed);
            return;
        }
        if state
            .try_set(ScState::Running {
                done: tick + 1,
                total,
            })
            .is_some()
        {
            return;
        }
        yield_to_browser().await;
    }
    drop(run);
    let _ = state.try_set(ScState::Done {
        sim_ms: total * SCALE_TICK_MS,
        wall_ms: wall,
        accepted,
        throttled,
        bytes,
    });
}

/// Scripts read `#scale-bench-result`: `data-state`, and once done
/// `data-sim-per-wall` (simulated seconds per wall second, ticks only),
/// `data-simulated-ms`, `data-wall-ms`, `data-accepted`, `data-throttled`,
/// `data-bytes` and `data-target`.
#[component]
fn ScaleBench() -> impl IntoView {
    use kinesis_lab_core::bench::scale::TARGET_SIM_PER_WALL;
    let ctx = use_ctx();
    let lang = move || ctx.lang.get();
    let state = RwSignal::new(ScState::Idle);
    let busy = move || matches!(state.get(), ScState::Running { .. } | ScState::Preparing);
    let run = move |_| {
        if busy() {
            return;
        }
        state.set(ScState::Preparing);
        spawn_local(measure_scale(state));
    };
    let code = move || match state.get() {
        ScState::Idle => "idle",
        ScState::Preparing | ScState::Running { .. } => "running",
        ScState::Done { .. } => "done",
        ScState::Failed => "failed",
    };
    let done = move || match state.get() {
        ScState::Done {
            sim_ms,
            wall_ms,
            accepted,
            throttled,
            bytes,
        } => Some((sim_ms, wall_ms, accepted, throttled, bytes)),
        _ => None,
    };
    let ratio = move || done().map(|(s, w, ..)| s as f64 / w.max(0.001));
    view! {
        <section class="panel">
            <h2>{move || tr(lang(), SC_TITLE)}</h2>
            <p class="help">{move || tr(lang(), SC_LEAD)}</p>
            <button id="scale-bench-run" class="button primary" on:click=run disabled=busy>
                {move || if busy() { tr(lang(), SQL_RUNNING) } else { tr(lang(), SC_RUN) }}
            </button>
            <div aria-live="polite">
                {move || match state.get() {
                    ScState::Preparing => Some(view! { <p class="help">{tr(lang(), SC_PREPARING)}</p> }.into_any()),
                    ScState::Running { done, total } => Some(view! { <progress id="scale-bench-progress" max=total value=done></progress> }.into_any()),
                    ScState::Failed => Some(view! { <p class="notice" role="alert">{ctx.t(T::BenchBroken)}</p> }.into_any()),
                    _ => None,
                }}
            </div>
            <output
                id="scale-bench-result"
                data-state=code
                data-sim-per-wall=move || ratio().map(|r| format!("{r:.2}"))
                data-simulated-ms=move || done().map(|d| d.0.to_string())
                data-wall-ms=move || done().map(|d| format!("{:.1}", d.1))
                data-accepted=move || done().map(|d| d.2.to_string())
                data-throttled=move || done().map(|d| d.3.to_string())
                data-bytes=move || done().map(|d| d.4.to_string())
                data-target=format!("{TARGET_SIM_PER_WALL:.0}")
            >
                {move || done().map(|(sim, wall, accepted, throttled, _)| {
                    let r = sim as f64 / wall.max(0.001);
                    view! {
                        <dl class="stats">
                            <div><dt>{tr(lang(), SC_RATIO)}</dt><dd id="scale-bench-ratio">{i18n::decimal(lang(), r, 1)}"×"
                                <small>{if r >= TARGET_SIM_PER_WALL { tr(lang(), SC_MET) } else { tr(lang(), SC_MISSED) }}</small></dd></div>
                            <div><dt>{tr(lang(), SC_WALL)}</dt><dd>{format!("{} ms / {} s", i18n::int(lang(), wall.round() as u64), sim / 1000)}</dd></div>
                            <div><dt>{tr(lang(), SC_RECORDS)}</dt><dd>{format!("{} / {}", i18n::int(lang(), accepted), i18n::int(lang(), throttled))}</dd></div>
                        </dl>
                    }
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
