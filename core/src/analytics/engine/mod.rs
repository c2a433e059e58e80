//! The runtime: executes a [`Plan`] in simulated time.
//!
//! Sans-IO like the rest of core: time enters as `now` (ms since the epoch),
//! the only randomness (RANDOM_CUT_FOREST) comes from the seed, and state is
//! kept in `Vec`/`BTreeMap` so output order is stable.
//!
//! API contract (shared by the CLI, the page, the lessons and the tests):
//! - [`SqlApp::new`] checks the plan against the reference tables;
//! - [`SqlApp::insert`] puts one row into `SOURCE_SQL_STREAM_001` with
//!   ROWTIME = `rowtime` (monotonic: an earlier time is an error and changes
//!   nothing) and runs every pump on it;
//! - [`SqlApp::advance_to`] closes every window due by `now`;
//! - [`SqlApp::next_deadline`] is the earliest time something would fire;
//! - [`SqlApp::take_output`] drains the rows written to every stream since the
//!   last call, in the order written; [`SqlApp::take_events`] drains the events.
//!
//! How time runs: `insert(t)` and `advance_to(t)` first fire everything due
//! at or before `t` in deadline order (a tumbling window at its end, a
//! stagger window at its close, an ORDER BY bucket at its end, the peers of
//! a sliding RANGE window once ROWTIME moves past them), each deadline
//! through every pump in plan order, so a chain of pumps sees its rows in
//! ROWTIME order. Then the row enters `SOURCE_SQL_STREAM_001` and runs
//! through every pump that reads it, and their outputs through every pump
//! downstream, all at the same ROWTIME. A stream's ROWTIME never goes back:
//! a row due earlier than the stream's last row is written at that last
//! ROWTIME.
//!
//! State is bounded by [`Limits`]; reaching one stops the application with
//! [`EngineError::Limit`] (see [`SqlApp::stopped`]). Events are bounded too:
//! past [`SqlApp::set_event_limit`] undrained events, new ones are counted
//! and dropped.

mod agg;
pub mod bench;
mod eval;
mod query;
pub mod value;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::plan::{Expr, From, Plan, Query, Shape, StreamId};
use super::types::{SqlType, Value};
use query::{BuildCx, Cx, QueryOp};
pub use value::{cmp_total, ts_text};

/// A reference table's rows, in the column order of `plan.tables[i]`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TableRows {
    pub rows: Vec<Vec<Value>>,
}

/// A row written to an in-application stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutRow {
    pub stream: StreamId,
    pub rowtime: i64,
    pub values: Vec<Value>,
}

/// What happened, for the page's timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SqlEvent {
    /// A row entered `stream`.
    RowIn { stream: StreamId, rowtime: i64 },
    /// Pump `pump` opened a window for `key` (the key values, shown as text).
    WindowOpen {
        pump: usize,
        key: String,
        start: i64,
        end: i64,
    },
    /// That window closed with `rows` rows in it.
    WindowFire {
        pump: usize,
        key: String,
        start: i64,
        end: i64,
        rows: u64,
    },
    /// A Flink-style event-time row arrived after its window fired, and was dropped.
    Late {
        pump: usize,
        rowtime: i64,
        event_time: i64,
    },
    /// A value could not be computed (bad cast, division by zero): NULL was used.
    /// `pump` is `usize::MAX` for a value of the input row itself.
    RowError {
        pump: usize,
        rowtime: i64,
        message: String,
    },
}

/// Why the engine refused an input or stopped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EngineError {
    /// `rowtime` is before the last row's ROWTIME.
    TimeWentBack { last: i64, given: i64 },
    /// The row does not have the input stream's column count (ARRIVAL excluded).
    Arity { expected: usize, given: usize },
    /// Reference table `table` is missing or its rows don't fit its columns.
    Table { table: String, problem: String },
    /// A state limit was reached (open groups, window rows); the clause is named.
    Limit {
        pump: String,
        what: String,
        limit: u64,
    },
    /// The plan itself is inconsistent (an index out of range, a window of
    /// width 0, a pump reading a stream that a later pump writes). The
    /// compiler never produces one; a hand-made or damaged plan can.
    BadPlan { problem: String },
}

impl EngineError {
    pub fn en(&self) -> String {
        match self {
            EngineError::TimeWentBack { last, given } => {
                format!("ROWTIME must not go back: the last row was at {last} ms, this one is at {given} ms")
            }
            EngineError::Arity { expected, given } => {
                format!("the input row has {given} columns, the input stream has {expected}")
            }
            EngineError::Table { table, problem } => format!("reference table {table}: {problem}"),
            EngineError::Limit { pump, what, limit } => {
                format!("pump {pump} stopped: more than {limit} {what}")
            }
            EngineError::BadPlan { problem } => {
                format!("the compiled plan is inconsistent: {problem}")
            }
        }
    }
}

/// The `what` of an [`EngineError::Limit`], one of these fixed English
/// phrases so the page can word it in another language.
pub mod limit_what {
    pub const OPEN_GROUPS: &str = "open groups";
    pub const OPEN_PARTITIONS: &str = "open partitions";
    pub const OPEN_STAGGER_WINDOWS: &str = "open stagger windows";
    pub const DISTINCT_VALUES: &str = "distinct values kept";
    pub const SLIDING_ROWS: &str = "rows in sliding windows";
    pub const PEER_ROWS: &str = "rows with one ROWTIME";
    pub const ORDER_BY_ROWS: &str = "rows held for ORDER BY";
    /// Every phrase above.
    pub const ALL: [&str; 7] = [
        OPEN_GROUPS,
        OPEN_PARTITIONS,
        OPEN_STAGGER_WINDOWS,
        DISTINCT_VALUES,
        SLIDING_ROWS,
        PEER_ROWS,
        ORDER_BY_ROWS,
    ];
}

/// State limits; over one, the application stops with [`EngineError::Limit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Open groups of one pump (tumbling groups, stagger windows, event-time
    /// groups, sliding-window partitions).
    pub open_groups: u64,
    /// Rows kept in one pump's sliding windows (and distinct values kept).
    pub window_rows: u64,
    /// Rows one pump holds for ORDER BY or for same-ROWTIME peers.
    pub held_rows: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            open_groups: 100_000,
            window_rows: 1_000_000,
            held_rows: 1_000_000,
        }
    }
}

/// An open window, for the page's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenWindow {
    pub pump: usize,
    pub key: String,
    pub start: i64,
    pub end: i64,
    pub rows: u64,
}

/// Counters for the page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineStats {
    /// Rows written to each stream (index = `StreamId`).
    pub rows: Vec<u64>,
    /// Event-time rows dropped as late.
    pub late_rows: u64,
    /// Values that could not be computed (NULL used).
    pub row_errors: u64,
    /// Events not kept because the caller had not drained them.
    pub events_dropped: u64,
    /// Open groups, windows and partitions over all pumps.
    pub open_groups: u64,
    /// Rows kept in windows or held for ORDER BY over all pumps.
    pub held_rows: u64,
}

#[derive(Clone, Debug)]
struct PumpOp {
    query: QueryOp,
    target: StreamId,
    columns: Vec<usize>,
    identity: bool,
}

/// A running SQL application.
#[derive(Clone, Debug)]
pub struct SqlApp {
    plan: Plan,
    pumps: Vec<PumpOp>,
    /// stream → the pumps that read it, in plan order.
    readers: Vec<Vec<usize>>,
    types: Vec<Vec<SqlType>>,
    last: Vec<i64>,
    rows: Vec<u64>,
    capture: Vec<bool>,
    arrival_col: bool,
    now: i64,
    cx: Cx,
    output: Vec<OutRow>,
    stopped: Option<EngineError>,
}

fn bad(problem: impl Into<String>) -> EngineError {
    EngineError::BadPlan {
        problem: problem.into(),
    }
}

/// Calls `f` on each direct child of `e`.
fn children<'a>(e: &'a Expr, f: &mut impl FnMut(&'a Expr)) {
    match e {
        Expr::Col(_)
        | Expr::RowTime
        | Expr::Lit(_)
        | Expr::Key(_)
        | Expr::Agg(_)
        | Expr::WindowStart
        | Expr::WindowEnd => {}
        Expr::Unary(_, x)
        | Expr::Cast(x, _)
        | Expr::FloorTo(x, _)
        | Expr::CeilTo(x, _)
        | Expr::Step(x, _) => f(x),
        Expr::IsNull { expr, .. } => f(expr),
        Expr::Binary(_, a, b) => {
            f(a);
            f(b)
        }
        Expr::Like { expr, pattern, .. } => {
            f(expr);
            f(pattern)
        }
        Expr::Between {
            expr, low, high, ..
        } => {
            f(expr);
            f(low);
            f(high)
        }
        Expr::InList { expr, list, .. } => {
            f(expr);
            list.iter().for_each(f)
        }
        Expr::Case {
            operand,
            whens,
            otherwise,
        } => {
            if let Some(o) = operand {
                f(o)
            }
            for (w, r) in whens {
                f(w);
                f(r)
            }
            if let Some(o) = otherwise {
                f(o)
            }
        }
        Expr::Call(_, args) => args.iter().for_each(f),
    }
}

/// Expression depth, without recursion (evaluation recurses, so it is
/// bounded here).
fn expr_depth(e: &Expr) -> usize {
    let mut max = 0;
    let mut stack = vec![(e, 1usize)];
    while let Some((x, d)) = stack.pop() {
        max = max.max(d);
        if d > MAX_DEPTH {
            break;
        }
        children(x, &mut |c| stack.push((c, d + 1)));
    }
    max
}

const MAX_DEPTH: usize = 200;

/// Subqueries and cursors nested in one pump.
const MAX_NESTING: usize = 16;

/// Calls `f` on every expression of `q` and the queries it reads from, at
/// most [`MAX_NESTING`] deep (`query::build` refuses deeper plans).
fn query_exprs<'a>(q: &'a Query, f: &mut impl FnMut(&'a Expr), depth: usize) {
    if depth > MAX_NESTING {
        return;
    }
    match &q.from {
        From::Stream { join: Some(j), .. } => f(&j.left_key),
        From::Stream { join: None, .. } => {}
        From::Subquery(inner) => query_exprs(inner, f, depth + 1),
        From::TableFn { input, .. } => query_exprs(input, f, depth + 1),
    }
    if let Some(x) = &q.filter {
        f(x)
    }
    q.select.iter().for_each(&mut *f);
    let aggs_of = |aggs: &'a [super::plan::Agg], f: &mut dyn FnMut(&'a Expr)| {
        for a in aggs {
            if let Some(x) = &a.arg {
                f(x)
            }
        }
    };
    match &q.shape {
        Shape::Rows => {}
        Shape::Tumbling {
            keys, aggs, having, ..
        }
        | Shape::Stagger {
            keys, aggs, having, ..
        } => {
            keys.iter().for_each(&mut *f);
            aggs_of(aggs, f);
            if let Some(h) = having {
                f(h)
            }
        }
        Shape::Sliding { windows, aggs } => {
            for w in windows {
                w.partition.iter().for_each(&mut *f);
            }
            for (a, _) in aggs {
                if let Some(x) = &a.arg {
                    f(x)
                }
            }
        }
        Shape::EventTime {
            time, keys, aggs, ..
        } => {
            f(time);
            keys.iter().for_each(&mut *f);
            aggs_of(aggs, f);
        }
    }
    if let Some(o) = &q.order_by {
        f(&o.bucket);
        for (k, _) in &o.keys {
            f(k)
        }
    }
}

impl SqlApp {
    /// Checks the plan and the reference tables' rows, and builds the
    /// operators. `seed` feeds RANDOM_CUT_FOREST.
    pub fn new(plan: Plan, tables: Vec<TableRows>, seed: u64) -> Result<SqlApp, EngineError> {
        if plan.streams.is_empty() {
            return Err(bad("there is no input stream"));
        }
        if tables.len() != plan.tables.len() {
            let missing = plan
                .tables
                .get(tables.len())
                .map(|t| t.name.clone())
                .unwrap_or_else(|| "(extra)".into());
            return Err(EngineError::Table {
                table: missing,
                problem: format!(
                    "{} tables given, the application uses {}",
                    tables.len(),
                    plan.tables.len()
                ),
            });
        }
        for (def, rows) in plan.tables.iter().zip(&tables) {
            if let Some((i, r)) = rows
                .rows
                .iter()
                .enumerate()
                .find(|(_, r)| r.len() != def.columns.len())
            {
                return Err(EngineError::Table {
                    table: def.name.clone(),
                    problem: format!(
                        "row {} has {} values, the table has {} columns",
                        i + 1,
                        r.len(),
                        def.columns.len()
                    ),
                });
            }
        }
        let tables: Vec<Arc<Vec<Vec<Value>>>> =
            tables.into_iter().map(|t| Arc::new(t.rows)).collect();
        let n = plan.streams.len();
        let mut pumps = Vec::new();
        let mut readers = vec![Vec::new(); n];
        for (p, pump) in plan.pumps.iter().enumerate() {
            let mut too_deep = false;
            query_exprs(&pump.query, &mut |e| too_deep |= expr_depth(e) > MAX_DEPTH, 0);
            if too_deep {
                return Err(bad(format!(
                    "pump {p} has an expression nested more than {MAX_DEPTH} deep"
                )));
            }
            let target = pump.target;
            let Some(tdef) = plan.streams.get(target) else {
                return Err(bad(format!(
                    "pump {p} writes stream {target}, which does not exist"
                )));
            };
            if pump.columns.len() != pump.query.select.len() {
                return Err(bad(format!(
                    "pump {p} selects {} values into {} columns",
                    pump.query.select.len(),
                    pump.columns.len()
                )));
            }
            if let Some(c) = pump.columns.iter().find(|c| **c >= tdef.columns.len()) {
                return Err(bad(format!(
                    "pump {p} writes column {c} of {}, which has {}",
                    tdef.name,
                    tdef.columns.len()
                )));
            }
            let mut b = BuildCx {
                plan: &plan,
                tables: &tables,
                seed,
                label: if pump.name.is_empty() {
                    format!("pump{p}")
                } else {
                    pump.name.clone()
                },
                calls: 0,
            };
            let query = query::build(&pump.query, p, &mut b, 0)?;
            let src = query.stream();
            if let Some(q) = plan
                .pumps
                .iter()
                .enumerate()
                .skip(p)
                .find(|(_, q)| q.target == src)
            {
                return Err(bad(format!(
                    "pump {p} reads {} which pump {} (not an earlier one) writes",
                    plan.streams[src].name, q.0
                )));
            }
            readers[src].push(p);
            let identity = pump.columns.len() == tdef.columns.len()
                && pump.columns.iter().enumerate().all(|(i, c)| i == *c);
            pumps.push(PumpOp {
                query,
                target,
                columns: pump.columns.clone(),
                identity,
            });
        }
        let types: Vec<Vec<SqlType>> = plan
            .streams
            .iter()
            .map(|s| s.columns.iter().map(|c| c.ty).collect())
            .collect();
        let arrival_col = plan.streams[0]
            .columns
            .last()
            .is_some_and(|c| c.name == super::ARRIVAL_COLUMN);
        let pump_names = plan
            .pumps
            .iter()
            .map(|p| {
                if p.name.is_empty() {
                    plan.streams
                        .get(p.target)
                        .map(|s| s.name.clone())
                        .unwrap_or_default()
                } else {
                    p.name.clone()
                }
            })
            .collect();
        Ok(SqlApp {
            pumps,
            readers,
            types,
            last: vec![i64::MIN; n],
            rows: vec![0; n],
            capture: vec![true; n],
            arrival_col,
            now: i64::MIN,
            cx: Cx {
                events: Vec::new(),
                event_limit: 100_000,
                events_dropped: 0,
                row_errors: 0,
                late: 0,
                limits: Limits::default(),
                err: None,
                pump_names,
            },
            output: Vec::new(),
            stopped: None,
            plan,
        })
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Inserts one input row (the input stream's columns without
    /// APPROXIMATE_ARRIVAL_TIME, which is `arrival`).
    pub fn insert(
        &mut self,
        rowtime: i64,
        arrival: i64,
        mut row: Vec<Value>,
    ) -> Result<(), EngineError> {
        if let Some(e) = &self.stopped {
            return Err(e.clone());
        }
        let expected = self.types[0].len() - self.arrival_col as usize;
        if row.len() != expected {
            return Err(EngineError::Arity {
                expected,
                given: row.len(),
            });
        }
        if rowtime < self.now {
            return Err(EngineError::TimeWentBack {
                last: self.now,
                given: rowtime,
            });
        }
        let r = self.run_to(rowtime).and_then(|()| {
            self.now = rowtime;
            if self.arrival_col {
                row.push(Value::Ts(arrival));
            }
            for (v, ty) in row.iter_mut().zip(&self.types[0]) {
                if !value::fits(v, *ty) {
                    let (nv, e) = value::cast_store(std::mem::replace(v, Value::Null), *ty);
                    *v = nv;
                    if let Some(m) = e {
                        self.cx.note(|| m);
                    }
                }
            }
            self.cx.report(usize::MAX, rowtime);
            self.write_row(0, rowtime, row)
        });
        if let Err(e) = &r {
            self.stopped = Some(e.clone());
        }
        r
    }

    /// Fires everything due at or before `now`. Time before the last insert
    /// or advance is ignored.
    pub fn advance_to(&mut self, now: i64) {
        if self.stopped.is_some() || now < self.now {
            return;
        }
        match self.run_to(now) {
            Ok(()) => self.now = now,
            Err(e) => self.stopped = Some(e),
        }
    }

    /// The earliest time at which something would fire.
    pub fn next_deadline(&self) -> Option<i64> {
        if self.stopped.is_some() {
            return None;
        }
        self.pumps.iter().filter_map(|p| p.query.deadline()).min()
    }

    pub fn take_output(&mut self) -> Vec<OutRow> {
        std::mem::take(&mut self.output)
    }

    pub fn take_events(&mut self) -> Vec<SqlEvent> {
        std::mem::take(&mut self.cx.events)
    }

    /// Why the application stopped (a state limit), if it did.
    pub fn stopped(&self) -> Option<&EngineError> {
        self.stopped.as_ref()
    }

    /// The last time given to `insert` or `advance_to` (None before any).
    pub fn now(&self) -> Option<i64> {
        (self.now != i64::MIN).then_some(self.now)
    }

    /// Whether rows written to `stream` go to `take_output` (all do at first).
    pub fn set_capture(&mut self, stream: StreamId, on: bool) {
        if let Some(c) = self.capture.get_mut(stream) {
            *c = on;
        }
    }

    /// At most `n` undrained events are kept (100,000 at first; 0 turns
    /// events off).
    pub fn set_event_limit(&mut self, n: usize) {
        self.cx.event_limit = n;
    }

    pub fn set_limits(&mut self, limits: Limits) {
        self.cx.limits = limits;
    }

    pub fn limits(&self) -> Limits {
        self.cx.limits
    }

    /// The stream's id by its name as the SQL spells it (after folding).
    pub fn stream_id(&self, name: &str) -> Option<StreamId> {
        self.plan.streams.iter().position(|s| s.name == name)
    }

    pub fn stats(&self) -> EngineStats {
        let (g, r) = self
            .pumps
            .iter()
            .map(|p| p.query.state_size())
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        EngineStats {
            rows: self.rows.clone(),
            late_rows: self.cx.late,
            row_errors: self.cx.row_errors,
            events_dropped: self.cx.events_dropped,
            open_groups: g,
            held_rows: r,
        }
    }

    /// Every open tumbling group, stagger window and event-time group, by pump.
    pub fn open_windows(&self) -> Vec<OpenWindow> {
        let mut out = Vec::new();
        for p in &self.pumps {
            p.query.open_windows(&mut out);
        }
        out
    }

    fn run_to(&mut self, now: i64) -> Result<(), EngineError> {
        let mut last = None;
        let mut repeats = 0;
        while let Some(d) = self.next_deadline() {
            if d > now {
                break;
            }
            if last == Some(d) {
                // Something due did not fire; never spin.
                repeats += 1;
                if repeats > 2 {
                    break;
                }
            } else {
                repeats = 0;
                last = Some(d);
            }
            for p in 0..self.pumps.len() {
                let mut tmp = Vec::new();
                self.pumps[p].query.advance(d, &mut self.cx, &mut tmp)?;
                for (t, vals) in tmp {
                    self.pump_out(p, t, vals)?;
                }
            }
        }
        Ok(())
    }

    fn pump_out(&mut self, p: usize, t: i64, vals: Vec<Value>) -> Result<(), EngineError> {
        let pump = &self.pumps[p];
        let target = pump.target;
        let tys = &self.types[target];
        let mut row = if pump.identity {
            vals
        } else {
            let mut r = vec![Value::Null; tys.len()];
            for (i, v) in vals.into_iter().enumerate() {
                if let Some(&c) = pump.columns.get(i) {
                    r[c] = v;
                }
            }
            r
        };
        for (v, ty) in row.iter_mut().zip(tys) {
            if !value::fits(v, *ty) {
                let (nv, e) = value::cast_store(std::mem::replace(v, Value::Null), *ty);
                *v = nv;
                if let Some(m) = e {
                    self.cx.note(|| m);
                }
            }
        }
        self.cx.report(p, t);
        self.write_row(target, t, row)
    }

    fn write_row(&mut self, stream: StreamId, rt: i64, row: Vec<Value>) -> Result<(), EngineError> {
        let rt = rt.max(self.last[stream]);
        self.last[stream] = rt;
        self.rows[stream] += 1;
        self.cx.event(SqlEvent::RowIn {
            stream,
            rowtime: rt,
        });
        let slot = if self.capture[stream] {
            self.output.push(OutRow {
                stream,
                rowtime: rt,
                values: Vec::new(),
            });
            Some(self.output.len() - 1)
        } else {
            None
        };
        for i in 0..self.readers[stream].len() {
            let p = self.readers[stream][i];
            let mut tmp = Vec::new();
            self.pumps[p].query.push(rt, &row, &mut self.cx, &mut tmp)?;
            for (t, vals) in tmp {
                self.pump_out(p, t, vals)?;
            }
        }
        if let Some(i) = slot {
            if let Some(o) = self.output.get_mut(i) {
                o.values = row;
            }
        }
        Ok(())
    }
}
