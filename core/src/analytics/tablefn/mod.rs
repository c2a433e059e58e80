//! Table functions (TOP_K_ITEMS_TUMBLING, COUNT_DISTINCT_ITEMS_TUMBLING,
//! RANDOM_CUT_FOREST, HOTSPOTS) and the sketches behind them.
//!
//! Contract with the engine: one [`TableFnState`] per table-function call in a
//! pump. The engine pushes every row of the function's input (the cursor
//! query's output) in ROWTIME order and calls `advance_to` as time passes;
//! the state appends output rows `(rowtime, values)` in the column layout that
//! [`TableFn`](super::plan::TableFn) documents.
//! (Skeleton: the table-function work fills the bodies in.)

use super::plan::TableFn;
use super::types::{ColumnDef, Value};

#[derive(Clone, Debug)]
pub struct TableFnState {
    func: TableFn,
}

impl TableFnState {
    /// `input` is the cursor query's output columns; `seed` the application
    /// seed and `label` a stable name for this call (e.g. the pump name), from
    /// which RANDOM_CUT_FOREST derives its generator with `rng::component_rng`.
    pub fn new(func: &TableFn, input: &[ColumnDef], seed: u64, label: &str) -> TableFnState {
        let _ = (input, seed, label);
        TableFnState { func: func.clone() }
    }

    pub fn func(&self) -> &TableFn {
        &self.func
    }

    /// One input row at `rowtime` (non-decreasing).
    pub fn push(&mut self, rowtime: i64, row: &[Value], out: &mut Vec<(i64, Vec<Value>)>) {
        let _ = (rowtime, row, out);
    }

    /// Closes the windows that end at or before `now`.
    pub fn advance_to(&mut self, now: i64, out: &mut Vec<(i64, Vec<Value>)>) {
        let _ = (now, out);
    }

    /// The end of the earliest open window, if any.
    pub fn next_deadline(&self) -> Option<i64> {
        None
    }
}
