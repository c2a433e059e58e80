//! The SQL lessons' lab: a Kinesis Data Analytics application over a stock
//! ticker stream, run in simulated time.
//!
//! A run takes the student's SQL and a feed (records per second, seconds, an
//! optional price spike and late events) and plays the feed through the
//! engine (`analytics::engine::SqlApp`). Every run stays in the lab, so goals
//! look at the latest one and the widget can compare runs.
//!
//! Compiling SQL needs the `sql` feature (sqlparser). The browser's main
//! module does not carry it: the page compiles in a worker and hands the
//! result to [`SqlLab::provide`] before it applies the run. With the feature
//! on (the CLI, the tests), a missing plan is compiled here.

use std::collections::BTreeMap;

use crate::analytics::engine::{OutRow, SqlApp, SqlEvent};
use crate::analytics::plan::{From, Plan, Query, Shape, StreamId, TableFn};
use crate::analytics::types::{ColumnDef, Schema, SqlType, Value};
use crate::analytics::SqlError;
use crate::error::{check_count, Field};
use crate::rng::component_rng;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Most records per second of a lesson feed, and its longest run.
pub const SQL_MAX_RATE: u32 = 50;
pub const SQL_MAX_SECONDS: u32 = 900;
/// How far past the last record the lab lets time run, so every window closes.
pub const SQL_DRAIN_MS: i64 = 3_600_000;
/// A late event's time lies this far before its arrival.
pub const SQL_LATE_MS: i64 = 90_000;
/// A spike multiplies the price by this.
pub const SQL_SPIKE_FACTOR: f64 = 5.0;

/// The tickers of the feed: symbol, sector, starting price.
pub const TICKERS: [(&str, &str, f64); 6] = [
    ("AMZN", "TECHNOLOGY", 84.5),
    ("AAPL", "TECHNOLOGY", 120.0),
    ("INTC", "TECHNOLOGY", 45.2),
    ("WMT", "RETAIL", 62.1),
    ("JPM", "FINANCIAL", 98.4),
    ("XOM", "ENERGY", 77.3),
];

/// The input stream's columns, as the Kinesis Data Analytics demo stream
/// has them, plus an event time stamped by the producer.
pub fn feed_schema() -> Schema {
    let col = |name: &str, ty| ColumnDef {
        name: name.to_string(),
        ty,
    };
    Schema {
        columns: vec![
            col("TICKER_SYMBOL", SqlType::Varchar(4)),
            col("SECTOR", SqlType::Varchar(16)),
            col("CHANGE", SqlType::Real),
            col("PRICE", SqlType::Real),
            col("EVENT_TIME", SqlType::Timestamp),
        ],
    }
}

/// What the lesson feeds the application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlFeed {
    pub records_per_second: u32,
    pub seconds: u32,
    /// At this second one AMZN trade comes at five times its price.
    #[serde(default)]
    pub spike_at_s: Option<u32>,
    /// Every n-th record's EVENT_TIME lies 90 s before it arrives.
    #[serde(default)]
    pub late_every: Option<u32>,
}

impl SqlFeed {
    pub fn validate(&self) -> Result<(), crate::ValidationError> {
        check_count(Field::RecordRate, self.records_per_second, SQL_MAX_RATE)?;
        check_count(Field::Duration, self.seconds, SQL_MAX_SECONDS)?;
        Ok(())
    }

    /// The feed's rows: (ROWTIME, values in [`feed_schema`] order), and the
    /// ROWTIME of the spike if there is one. Deterministic from the seed.
    pub fn rows(&self, seed: u64, start_ms: i64) -> (Vec<(i64, Vec<Value>)>, Option<i64>) {
        let mut rng = component_rng(seed, "lesson/sql/feed");
        let mut prices: Vec<f64> = TICKERS.iter().map(|t| t.2).collect();
        let mut rows = Vec::new();
        let mut spike = None;
        let rate = self.records_per_second.max(1) as i64;
        let mut n: u64 = 0;
        for s in 0..self.seconds as i64 {
            for i in 0..rate {
                n += 1;
                let t = start_ms + s * 1000 + i * 1000 / rate;
                let k = rng.random_range(0..TICKERS.len());
                let old = prices[k];
                let step: f64 = rng.random_range(-0.005..0.005);
                let new = ((old * (1.0 + step)) * 100.0).round() / 100.0;
                prices[k] = new;
                let mut price = new;
                let mut change = ((new - old) * 100.0).round() / 100.0;
                if self.spike_at_s == Some(s as u32) && i == 0 {
                    // The spike is one trade; the ticker's price walk goes on from `new`.
                    let k0 = 0;
                    price = (prices[k0] * SQL_SPIKE_FACTOR * 100.0).round() / 100.0;
                    change = ((price - prices[k0]) * 100.0).round() / 100.0;
                    spike = Some(t);
                    rows.push((t, row(k0, change, price, t - 500)));
                    continue;
                }
                let jitter: i64 = rng.random_range(0..2_000);
                let late = self.late_every.is_some_and(|e| e > 0 && n % e as u64 == 0);
                let event = if late { t - SQL_LATE_MS } else { t - jitter };
                rows.push((t, row(k, change, price, event)));
            }
        }
        (rows, spike)
    }
}

fn row(k: usize, change: f64, price: f64, event: i64) -> Vec<Value> {
    vec![
        Value::Str(TICKERS[k].0.into()),
        Value::Str(TICKERS[k].1.into()),
        Value::Double(change),
        Value::Double(price),
        Value::Ts(event),
    ]
}

/// A feature of a compiled application a goal can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SqlFeature {
    /// A query with no window (filter, projection).
    Continuous,
    Tumbling,
    Sliding,
    Stagger,
    /// Flink-style TUMBLE/HOP on event time.
    EventTime,
    TopK,
    CountDistinct,
    RandomCutForest,
    Hotspots,
}

/// The features a plan uses, in order, each once.
pub fn features(plan: &Plan) -> Vec<SqlFeature> {
    fn walk(q: &Query, out: &mut Vec<SqlFeature>) {
        out.push(match q.shape {
            Shape::Rows => SqlFeature::Continuous,
            Shape::Tumbling { .. } => SqlFeature::Tumbling,
            Shape::Sliding { .. } => SqlFeature::Sliding,
            Shape::Stagger { .. } => SqlFeature::Stagger,
            Shape::EventTime { .. } => SqlFeature::EventTime,
        });
        match &q.from {
            From::Stream { .. } => {}
            From::Subquery(inner) => walk(inner, out),
            From::TableFn { func, input } => {
                out.push(match func {
                    TableFn::TopK { .. } => SqlFeature::TopK,
                    TableFn::CountDistinct { .. } => SqlFeature::CountDistinct,
                    TableFn::RandomCutForest { .. } => SqlFeature::RandomCutForest,
                    TableFn::Hotspots { .. } => SqlFeature::Hotspots,
                });
                walk(input, out)
            }
        }
    }
    let mut out = Vec::new();
    for p in &plan.pumps {
        walk(&p.query, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

/// One run of an application over a feed.
#[derive(Clone, Debug, PartialEq)]
pub struct SqlRun {
    pub sql: String,
    pub feed: SqlFeed,
    pub plan: Plan,
    /// The input rows with their ROWTIMEs.
    pub input: Vec<(i64, Vec<Value>)>,
    pub spike_ms: Option<i64>,
    /// Every row written to any in-application stream, in order.
    pub output: Vec<OutRow>,
    pub windows_fired: u64,
    pub late: u64,
    pub row_errors: u64,
    /// The events of the first minutes, for the widget's timeline.
    pub events: Vec<SqlEvent>,
}

/// Events kept per run for the timeline.
pub const SQL_KEPT_EVENTS: usize = 5_000;

impl SqlRun {
    /// The stream the application's last pump writes: its result.
    pub fn result_stream(&self) -> Option<StreamId> {
        self.plan.pumps.last().map(|p| p.target)
    }

    /// The rows of the result stream.
    pub fn results(&self) -> impl Iterator<Item = &OutRow> {
        let s = self.result_stream();
        self.output.iter().filter(move |r| Some(r.stream) == s)
    }

    /// Whether `row` is the price spike's: by its price when the result
    /// keeps PRICE (an ORDER BY moves rows to the end of their bucket), else
    /// by ROWTIME.
    pub fn is_spike(&self, row: &OutRow) -> bool {
        let Some(spike) = self.spike_ms else { return false };
        let price = self.input.iter().find(|(t, _)| *t == spike).and_then(|(_, v)| number(v.get(3)));
        match (self.result_column("PRICE"), price) {
            (Some(c), Some(p)) => number(row.values.get(c)).is_some_and(|x| (x - p).abs() < 0.01),
            _ => row.rowtime == spike,
        }
    }

    /// The index of a column of the result stream, by name (exact, then
    /// without regard to case).
    pub fn result_column(&self, name: &str) -> Option<usize> {
        let s = self.result_stream()?;
        let cols = &self.plan.streams.get(s)?.columns;
        cols.iter()
            .position(|c| c.name == name)
            .or_else(|| cols.iter().position(|c| c.name.eq_ignore_ascii_case(name)))
    }
}

/// Why a SQL run was refused. The lab is unchanged.
#[derive(Clone, Debug, PartialEq)]
pub enum SqlLabError {
    Invalid(crate::ValidationError),
    /// The SQL does not compile; every error with its position.
    Compile(Vec<SqlError>),
    /// The page must compile this SQL (in its worker) and `provide` it first.
    NotCompiled,
    /// The engine refused the run.
    Engine(crate::analytics::engine::EngineError),
}

// SqlError holds only text and positions.
impl Eq for SqlLabError {}

impl std::fmt::Display for SqlLabError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SqlLabError::Invalid(e) => e.fmt(f),
            SqlLabError::Compile(errors) => {
                let first = errors.first();
                match first {
                    Some(e) => write!(
                        f,
                        "line {}, column {}: {}",
                        e.span.start.line,
                        e.span.start.column,
                        e.kind.en()
                    ),
                    None => f.write_str("the SQL does not compile"),
                }
            }
            SqlLabError::NotCompiled => f.write_str("the SQL has not been compiled yet"),
            SqlLabError::Engine(e) => f.write_str(&e.en()),
        }
    }
}

/// The lessons' SQL applications.
#[derive(Clone, Debug, PartialEq)]
pub struct SqlLab {
    pub seed: u64,
    pub start_ms: i64,
    pub runs: Vec<SqlRun>,
    /// Compiled SQL by its text (from the page's worker, or compiled here).
    plans: BTreeMap<String, Result<Plan, Vec<SqlError>>>,
}

impl SqlLab {
    pub fn new(seed: u64, start_ms: i64) -> SqlLab {
        SqlLab {
            seed,
            start_ms,
            runs: Vec::new(),
            plans: BTreeMap::new(),
        }
    }

    /// Hands over what compiling `sql` against [`feed_schema`] gave.
    pub fn provide(&mut self, sql: &str, compiled: Result<Plan, Vec<SqlError>>) {
        self.plans.insert(sql.to_string(), compiled);
    }

    /// Whether `sql` needs compiling before a run can use it.
    pub fn needs_compile(&self, sql: &str) -> bool {
        !cfg!(feature = "sql") && !self.plans.contains_key(sql)
    }

    fn plan(&mut self, sql: &str) -> Result<Plan, SqlLabError> {
        if !self.plans.contains_key(sql) {
            #[cfg(feature = "sql")]
            {
                let compiled = crate::analytics::sql::compile(sql, &feed_schema(), &[]);
                self.plans.insert(sql.to_string(), compiled);
            }
        }
        match self.plans.get(sql) {
            Some(Ok(p)) => Ok(p.clone()),
            Some(Err(e)) => Err(SqlLabError::Compile(e.clone())),
            None => Err(SqlLabError::NotCompiled),
        }
    }

    /// Runs `sql` over `feed`; on success the run is appended.
    pub fn run(&mut self, sql: &str, feed: &SqlFeed) -> Result<(), SqlLabError> {
        feed.validate().map_err(SqlLabError::Invalid)?;
        let plan = self.plan(sql)?;
        let seed = self.seed ^ (self.runs.len() as u64);
        let (input, spike_ms) = feed.rows(self.seed, self.start_ms);
        let mut app = SqlApp::new(plan.clone(), Vec::new(), seed).map_err(SqlLabError::Engine)?;
        let mut output = Vec::new();
        let mut events = Vec::new();
        let (mut fired, mut late, mut errors) = (0u64, 0u64, 0u64);
        let mut take = |app: &mut SqlApp, output: &mut Vec<OutRow>| {
            output.extend(app.take_output());
            for e in app.take_events() {
                match e {
                    SqlEvent::WindowFire { .. } => fired += 1,
                    SqlEvent::Late { .. } => late += 1,
                    SqlEvent::RowError { .. } => errors += 1,
                    _ => {}
                }
                if events.len() < SQL_KEPT_EVENTS {
                    events.push(e);
                }
            }
        };
        for (t, values) in &input {
            app.advance_to(*t);
            app.insert(*t, *t, values.clone())
                .map_err(SqlLabError::Engine)?;
            take(&mut app, &mut output);
        }
        let end = input.last().map_or(self.start_ms, |r| r.0) + SQL_DRAIN_MS;
        while let Some(d) = app.next_deadline() {
            if d > end {
                break;
            }
            app.advance_to(d);
            take(&mut app, &mut output);
        }
        app.advance_to(end);
        take(&mut app, &mut output);
        self.runs.push(SqlRun {
            sql: sql.to_string(),
            feed: *feed,
            plan,
            input,
            spike_ms,
            output,
            windows_fired: fired,
            late,
            row_errors: errors,
            events,
        });
        Ok(())
    }

    pub fn last(&self) -> Option<&SqlRun> {
        self.runs.last()
    }
}

/// (key, window index) for each row of the input, for a tumbling window of
/// `seconds` on ROWTIME: what "one row per key per window" must match.
pub fn expected_groups(run: &SqlRun, key_col: usize, seconds: u32) -> BTreeMap<(String, i64), u64> {
    let w = seconds.max(1) as i64 * 1000;
    let mut out = BTreeMap::new();
    for (t, values) in &run.input {
        let key = text(values.get(key_col));
        *out.entry((key, t.div_euclid(w))).or_insert(0) += 1;
    }
    out
}

/// A value as the goals compare it.
pub fn text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "NULL".into(),
        Some(Value::Str(s)) => s.to_string(),
        Some(Value::Int(i)) => i.to_string(),
        Some(Value::Double(d)) => d.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Ts(t)) | Some(Value::Interval(t)) => t.to_string(),
    }
}

/// A numeric value, if it is one.
pub fn number(v: Option<&Value>) -> Option<f64> {
    match v {
        Some(Value::Int(i)) => Some(*i as f64),
        Some(Value::Double(d)) => Some(*d),
        _ => None,
    }
}

/// The SQL goals; None for the others. They look at the latest run.
pub fn evaluate(goal: &super::goal::Goal, lab: &super::lab::Lab) -> Option<super::goal::Outcome> {
    use super::goal::{Goal, Outcome::*, Why};
    let last = lab.sql.last();
    let need_run = || NotMet(Why::NoSqlRun);
    Some(match goal {
        Goal::SqlRan { uses } => match last {
            None => need_run(),
            Some(run) => match uses {
                Some(f) if !features(&run.plan).contains(f) => NotMet(Why::SqlMissingFeature { feature: *f }),
                _ => Met,
            },
        },
        Goal::SqlOneRowPerKeyPerWindow { column, seconds } => {
            let Some(run) = last else { return Some(need_run()) };
            let Some(out_col) = run.result_column(column) else {
                return Some(NotMet(Why::SqlNoColumn { column: column.clone() }));
            };
            let Some(in_col) = feed_schema().columns.iter().position(|c| c.name.eq_ignore_ascii_case(column)) else {
                return Some(NotMet(Why::SqlNoColumn { column: column.clone() }));
            };
            let expected = expected_groups(run, in_col, *seconds);
            let w = (*seconds).max(1) as i64 * 1000;
            let mut have: BTreeMap<(String, i64), u64> = BTreeMap::new();
            for r in run.results() {
                // The row of a window comes out at the window's end.
                let window = (r.rowtime - 1).div_euclid(w);
                *have.entry((text(r.values.get(out_col)), window)).or_insert(0) += 1;
            }
            let missing = expected.keys().filter(|k| !have.contains_key(*k)).count() as u64;
            let extra = have
                .iter()
                .map(|(k, n)| if expected.contains_key(k) { n - 1 } else { *n })
                .sum::<u64>();
            if missing == 0 && extra == 0 {
                Met
            } else {
                NotMet(Why::SqlWrongGroups {
                    expected: expected.len() as u64,
                    rows: run.results().count() as u64,
                    missing,
                    extra,
                })
            }
        }
        Goal::SqlOneRowPerInput => {
            let Some(run) = last else { return Some(need_run()) };
            let outputs = run.results().count() as u64;
            let inputs = run.input.len() as u64;
            if outputs == inputs && inputs > 0 {
                Met
            } else {
                NotMet(Why::SqlNotOnePerInput { inputs, outputs })
            }
        }
        Goal::SqlSpikeStandsOut { column, times } => {
            let Some(run) = last else { return Some(need_run()) };
            if run.spike_ms.is_none() {
                return Some(NotMet(Why::SqlNoSpike));
            }
            let Some(col) = run.result_column(column) else {
                return Some(NotMet(Why::SqlNoColumn { column: column.clone() }));
            };
            let mut spike_score = None;
            let mut others = Vec::new();
            for r in run.results() {
                if let Some(s) = number(r.values.get(col)).filter(|s| s.is_finite()) {
                    if run.is_spike(r) && spike_score.is_none() {
                        spike_score = Some(s);
                    } else {
                        others.push(s);
                    }
                }
            }
            others.sort_by(f64::total_cmp);
            let median = others.get(others.len() / 2).copied();
            match (spike_score, median) {
                (Some(s), Some(m)) if s >= m * *times as f64 && s > m => Met,
                _ => NotMet(Why::SqlSpikeNotOut {
                    spike: spike_score,
                    median,
                    times: *times,
                }),
            }
        }
        Goal::SqlLateDropped { rows } => {
            let Some(run) = last else { return Some(need_run()) };
            if run.late >= *rows {
                Met
            } else {
                NotMet(Why::SqlTooFewLate { have: run.late, need: *rows })
            }
        }
        _ => return None,
    })
}

/// Window questions for the quiz, answered by running the engine on plans
/// built here (the quiz runs in the page, which has no SQL compiler).
pub mod window_calc {
    use super::*;
    use crate::analytics::engine::EngineError;
    use crate::analytics::error::Span;
    use crate::analytics::plan::{Agg, AggFunc, Expr, Frame, Pump, StreamDef, StreamKind, Window};

    /// The start of every quiz feed: a whole hour, so windows align as stated.
    pub const T0: i64 = 1_767_261_600_000; // 2026-01-01T10:00:00Z

    fn col(name: &str, ty: SqlType) -> ColumnDef {
        ColumnDef {
            name: name.into(),
            ty,
        }
    }

    fn plan(shape: Shape, select: Vec<Expr>, out: Vec<ColumnDef>) -> Plan {
        let input = StreamDef {
            name: crate::analytics::SOURCE_STREAM.into(),
            columns: vec![
                col("KEY", SqlType::Varchar(8)),
                col(crate::analytics::ARRIVAL_COLUMN, SqlType::Timestamp),
            ],
            kind: StreamKind::Input,
            span: Span::default(),
        };
        let dest = StreamDef {
            name: "DESTINATION_SQL_STREAM".into(),
            columns: out.clone(),
            kind: StreamKind::Declared,
            span: Span::default(),
        };
        Plan {
            streams: vec![input, dest],
            tables: Vec::new(),
            pumps: vec![Pump {
                name: "STREAM_PUMP".into(),
                target: 1,
                columns: (0..out.len()).collect(),
                query: Query {
                    from: From::Stream {
                        stream: 0,
                        join: None,
                    },
                    filter: None,
                    shape,
                    select,
                    names: out.iter().map(|c| c.name.clone()).collect(),
                    types: out.iter().map(|c| c.ty).collect(),
                    order_by: None,
                    span: Span::default(),
                },
                span: Span::default(),
            }],
            warnings: Vec::new(),
        }
    }

    fn count() -> Agg {
        Agg {
            func: AggFunc::Count,
            arg: None,
            distinct: false,
        }
    }

    /// Runs `rows` (seconds after T0, key) and returns the rows written.
    fn run(plan: Plan, rows: &[(u32, String)]) -> Result<Vec<OutRow>, EngineError> {
        let mut app = SqlApp::new(plan, Vec::new(), 0)?;
        let mut out = Vec::new();
        for (s, key) in rows {
            let t = T0 + *s as i64 * 1000;
            app.advance_to(t);
            app.insert(t, t, vec![Value::Str(key.as_str().into())])?;
            out.extend(app.take_output());
        }
        let end = T0 + rows.last().map_or(0, |r| r.0 as i64 * 1000) + SQL_DRAIN_MS;
        app.advance_to(end);
        out.extend(app.take_output());
        Ok(out.into_iter().filter(|r| r.stream == 1).collect())
    }

    /// `keys` keys each send one row a second, from `start_s` for `seconds`
    /// seconds; `GROUP BY KEY, STEP(ROWTIME BY INTERVAL 'window_s' SECOND)`
    /// with COUNT(*). The rows written.
    pub fn tumbling_rows(keys: u32, start_s: u32, seconds: u32, window_s: u32) -> Result<u64, EngineError> {
        let mut rows = Vec::new();
        for s in start_s..start_s + seconds {
            for k in 0..keys {
                rows.push((s, format!("K{k}")));
            }
        }
        let shape = Shape::Tumbling {
            keys: vec![Expr::Col(0), Expr::Step(Box::new(Expr::RowTime), window_s as i64 * 1000)],
            time_key: 1,
            step_ms: window_s as i64 * 1000,
            aggs: vec![count()],
            having: None,
        };
        let out = vec![col("KEY", SqlType::Varchar(8)), col("N", SqlType::BigInt)];
        Ok(run(plan(shape, vec![Expr::Key(0), Expr::Agg(0)], out), &rows)?.len() as u64)
    }

    /// One key sends a row every `every_s` seconds from 0 to `at_s`; the
    /// value of `COUNT(*) OVER (RANGE INTERVAL 'range_s' SECOND PRECEDING)`
    /// in the row at `at_s`.
    pub fn sliding_count(every_s: u32, range_s: u32, at_s: u32) -> Result<u64, EngineError> {
        let rows: Vec<(u32, String)> = (0..=at_s).step_by(every_s.max(1) as usize).map(|s| (s, "K".into())).collect();
        let shape = Shape::Sliding {
            windows: vec![Window {
                partition: vec![Expr::Col(0)],
                frame: Frame::Range(range_s as i64 * 1000),
            }],
            aggs: vec![(count(), 0)],
        };
        let out = vec![col("KEY", SqlType::Varchar(8)), col("N", SqlType::BigInt)];
        let written = run(plan(shape, vec![Expr::Col(0), Expr::Agg(0)], out), &rows)?;
        Ok(written.last().and_then(|r| number(r.values.get(1))).unwrap_or(0.0) as u64)
    }

    /// One key sends rows at these seconds; `WINDOWED BY STAGGER (PARTITION
    /// BY KEY RANGE INTERVAL 'range_s' SECOND)` with COUNT(*). The rows written.
    pub fn stagger_rows(times_s: &[u32], range_s: u32) -> Result<u64, EngineError> {
        let rows: Vec<(u32, String)> = times_s.iter().map(|s| (*s, "K".into())).collect();
        let shape = Shape::Stagger {
            keys: vec![Expr::Col(0)],
            range_ms: range_s as i64 * 1000,
            aggs: vec![count()],
            having: None,
        };
        let out = vec![col("KEY", SqlType::Varchar(8)), col("N", SqlType::BigInt)];
        Ok(run(plan(shape, vec![Expr::Key(0), Expr::Agg(0)], out), &rows)?.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::window_calc::*;
    use super::*;

    #[test]
    fn tumbling_rows_match_the_windows_touched() {
        for (keys, start, secs, w) in [(3, 30, 150, 60), (2, 0, 60, 60), (1, 59, 2, 60), (4, 5, 100, 10)] {
            let windows: std::collections::BTreeSet<u32> = (start..start + secs).map(|s| s / w).collect();
            assert_eq!(tumbling_rows(keys, start, secs, w).unwrap(), keys as u64 * windows.len() as u64);
        }
    }

    #[test]
    fn sliding_count_excludes_the_row_exactly_range_ago() {
        for (every, range, at) in [(3, 10, 30), (1, 5, 20), (2, 60, 10), (5, 5, 25)] {
            // Rows at 0, every, … ≤ at; the window is (at − range, at].
            let expect = (0..=at).step_by(every as usize).filter(|s| s + range > at).count() as u64;
            assert_eq!(sliding_count(every, range, at).unwrap(), expect, "{every} {range} {at}");
        }
    }

    #[test]
    fn stagger_rows_open_a_window_per_burst() {
        // A window opens at a row with none open and closes `range` later.
        for (times, range) in [(vec![0, 10, 50, 61, 70, 200], 60), (vec![5, 6, 7], 1), (vec![0], 60)] {
            let mut open: Option<u32> = None;
            let mut n = 0;
            for t in &times {
                if open.is_none_or(|o| *t >= o + range) {
                    open = Some(*t);
                    n += 1;
                }
            }
            assert_eq!(stagger_rows(&times, range).unwrap(), n, "{times:?}");
        }
    }

    #[test]
    fn bad_runs_are_refused_and_change_nothing() {
        let mut lab = SqlLab::new(1, 0);
        let ok = SqlFeed { records_per_second: 5, seconds: 10, spike_at_s: None, late_every: None };
        let sql = "SELECT STREAM TICKER_SYMBOL FROM \"SOURCE_SQL_STREAM_001\";";
        lab.run(sql, &ok).unwrap();
        let before = lab.clone();
        // A feed out of range names its field.
        let fast = SqlFeed { records_per_second: SQL_MAX_RATE + 1, ..ok };
        assert!(matches!(lab.run(sql, &fast), Err(SqlLabError::Invalid(e)) if e.field == Field::RecordRate));
        // SQL that does not compile gives its errors with positions.
        match lab.run("SELECT STREAM NOPE FROM \"SOURCE_SQL_STREAM_001\";", &ok) {
            Err(SqlLabError::Compile(errors)) => assert_eq!(errors[0].span.start.line, 1),
            other => panic!("{other:?}"),
        }
        assert_eq!(lab.runs, before.runs);
    }

    #[test]
    fn the_feed_is_seeded_and_spikes_once() {
        let feed = SqlFeed { records_per_second: 10, seconds: 30, spike_at_s: Some(20), late_every: Some(7) };
        let (a, spike) = feed.rows(5, 0);
        let (b, _) = feed.rows(5, 0);
        assert_eq!(a, b);
        assert_eq!(a.len(), 300);
        let spike = spike.unwrap();
        let spiked = a.iter().find(|r| r.0 == spike).unwrap();
        let prices: Vec<f64> = a.iter().filter(|r| r.0 != spike).filter_map(|r| number(r.1.get(3))).collect();
        let top = prices.iter().cloned().fold(f64::MIN, f64::max);
        assert!(number(spiked.1.get(3)).unwrap() > 2.0 * top);
        let late = a.iter().filter(|(t, v)| matches!(v[4], Value::Ts(e) if e <= t - SQL_LATE_MS)).count();
        assert!(late >= 300 / 7 - 1, "{late}");
    }
}
