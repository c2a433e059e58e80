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
//! (Skeleton: the engine work fills the bodies in.)

use serde::{Deserialize, Serialize};

use super::plan::{Plan, StreamId};
use super::types::Value;

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
    WindowOpen { pump: usize, key: String, start: i64, end: i64 },
    /// That window closed with `rows` rows in it.
    WindowFire { pump: usize, key: String, start: i64, end: i64, rows: u64 },
    /// A Flink-style event-time row arrived after its window fired, and was dropped.
    Late { pump: usize, rowtime: i64, event_time: i64 },
    /// A value could not be computed (bad cast, division by zero): NULL was used.
    RowError { pump: usize, rowtime: i64, message: String },
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
    Limit { pump: String, what: String, limit: u64 },
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
            EngineError::BadPlan { problem } => format!("the compiled plan is inconsistent: {problem}"),
        }
    }
}

/// A running SQL application.
#[derive(Clone, Debug)]
pub struct SqlApp {
    plan: Plan,
}

impl SqlApp {
    pub fn new(plan: Plan, tables: Vec<TableRows>, seed: u64) -> Result<SqlApp, EngineError> {
        let _ = (tables, seed);
        Ok(SqlApp { plan })
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Inserts one input row (the input stream's columns without
    /// APPROXIMATE_ARRIVAL_TIME, which is `arrival`).
    pub fn insert(&mut self, rowtime: i64, arrival: i64, row: Vec<Value>) -> Result<(), EngineError> {
        let _ = (rowtime, arrival, row);
        Ok(())
    }

    pub fn advance_to(&mut self, now: i64) {
        let _ = now;
    }

    pub fn next_deadline(&self) -> Option<i64> {
        None
    }

    pub fn take_output(&mut self) -> Vec<OutRow> {
        Vec::new()
    }

    pub fn take_events(&mut self) -> Vec<SqlEvent> {
        Vec::new()
    }
}
