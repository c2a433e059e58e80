//! The compiled form of a SQL application: what the compiler
//! (`analytics::sql`, behind the `sql` feature because sqlparser is big)
//! produces and what the runtime (`analytics::engine`) executes.
//!
//! A `Plan` holds no sqlparser types and is serde-serialisable, so the
//! browser compiles SQL in a lazily loaded worker and runs the plan on the
//! page. Names are resolved to indexes; types are checked; every rule AWS
//! documents has been enforced by the time a `Plan` exists.
//!
//! Row layout seen by a query's expressions (`Expr::Col(i)`):
//! - `From::Stream`: the stream's columns in declaration order, then, with a
//!   `join`, the reference table's columns appended;
//! - `From::Subquery`: the subquery's output columns (its `select`);
//! - `From::TableFn`: the function's output columns (see [`TableFn`]).
//! `ROWTIME` is never a column: it is `Expr::RowTime`.

use serde::{Deserialize, Serialize};

use super::error::{Span, SqlError};
use super::types::{ColumnDef, SqlType, Value};

pub type StreamId = usize;
pub type TableId = usize;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Index 0 is always `SOURCE_SQL_STREAM_001`, the input.
    pub streams: Vec<StreamDef>,
    /// Reference tables the SQL uses, in the order first named.
    pub tables: Vec<TableDef>,
    /// Pumps in the order they must run (producers before consumers).
    pub pumps: Vec<Pump>,
    /// Things that run but deserve a remark (e.g. a sliding window over an hour).
    pub warnings: Vec<SqlError>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StreamKind {
    /// `SOURCE_SQL_STREAM_001`, fed by the engine's records.
    Input,
    /// Declared with `CREATE [OR REPLACE] STREAM`.
    Declared,
    /// The implicit output of a bare `SELECT STREAM` statement.
    Implicit,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StreamDef {
    pub name: String,
    pub columns: Vec<ColumnDef>,
    pub kind: StreamKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TableDef {
    pub name: String,
    pub columns: Vec<ColumnDef>,
}

/// `CREATE PUMP name AS INSERT INTO target (cols) SELECT STREAM …`, or a bare
/// `SELECT STREAM …` (then `name` is empty and `target` an Implicit stream).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pump {
    pub name: String,
    pub target: StreamId,
    /// For each output column of `query`, the target column it fills; target
    /// columns not listed are NULL. Values are cast to the target's types.
    pub columns: Vec<usize>,
    pub query: Query,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Query {
    pub from: From,
    /// WHERE, over the input row (before any grouping).
    pub filter: Option<Expr>,
    pub shape: Shape,
    /// The select list, over the shape's row (see [`Shape`]).
    pub select: Vec<Expr>,
    /// The output column names (aliases, or the column name, or `EXPR$n`).
    pub names: Vec<String>,
    pub types: Vec<SqlType>,
    pub order_by: Option<OrderBy>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum From {
    Stream { stream: StreamId, join: Option<Join> },
    Subquery(Box<Query>),
    TableFn { func: TableFn, input: Box<Query> },
}

/// A join with a reference table: for each row, the table rows whose
/// `right_col` equals `left_key` (SQL equality, NULL never matches). An
/// inner join drops rows with no match; `outer` (LEFT JOIN) keeps them with
/// NULLs in the table's columns. Several matches give several rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Join {
    pub table: TableId,
    pub left_key: Expr,
    pub right_col: usize,
    pub outer: bool,
}

/// How input rows become output rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Shape {
    /// One output per input row that passes the filter; `select` reads
    /// `Col`/`RowTime`. Output ROWTIME = the input's.
    Rows,
    /// GROUP BY with a monotonic time key (STEP, FLOOR … TO unit, ROWTIME):
    /// a group is a distinct `keys` tuple; a window is the distinct value of
    /// `keys[time_key]`, and closes when ROWTIME reaches `window_end(time value)`
    /// = time value + `step_ms` (for STEP and FLOOR; the compiler computes
    /// the width). Output ROWTIME = the window end. `select`/`having` read
    /// `Key(i)` and `Agg(j)` (and `RowTime` = the window end).
    Tumbling { keys: Vec<Expr>, time_key: usize, step_ms: i64, aggs: Vec<Agg>, having: Option<Expr> },
    /// Windowed aggregates `agg OVER w`: one output per input row, with its
    /// ROWTIME. `select` reads the row's `Col`/`RowTime` and `Agg(j)`, where
    /// aggregate j runs over window `windows[aggs[j].1]`.
    Sliding { windows: Vec<Window>, aggs: Vec<(Agg, usize)> },
    /// `WINDOWED BY STAGGER (PARTITION BY keys RANGE INTERVAL …)`: per key
    /// tuple, a window opens at the first row's ROWTIME and closes `range_ms`
    /// later, emitting one row with ROWTIME = the close time. A row at or after
    /// the close opens a new window. `select` reads `Key(i)`, `Agg(j)`, `RowTime`.
    Stagger { keys: Vec<Expr>, range_ms: i64, aggs: Vec<Agg>, having: Option<Expr> },
    /// Flink window table-valued functions (`TUMBLE`/`HOP` with `GROUP BY
    /// window_start, window_end, keys…`) on **event time**: `time` is the
    /// event-time column, the watermark is max(time) − `delay_ms`. Each row
    /// falls into `size/slide` windows; a window fires when the watermark
    /// reaches its end; a row for a fired window is late and dropped
    /// (counted). `select` reads `Key(i)`, `Agg(j)`, `WindowStart`, `WindowEnd`.
    /// Output ROWTIME = the ROWTIME at which the window fired.
    EventTime { time: Expr, size_ms: i64, slide_ms: i64, delay_ms: i64, keys: Vec<Expr>, aggs: Vec<Agg> },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Window {
    pub partition: Vec<Expr>,
    pub frame: Frame,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Frame {
    /// `RANGE INTERVAL … PRECEDING`: rows with ROWTIME in (t − ms, t], peers included.
    Range(i64),
    /// `ROWS n PRECEDING`: the row itself and the n rows before it in its partition.
    Rows(u32),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Agg {
    pub func: AggFunc,
    /// None for COUNT(*).
    pub arg: Option<Expr>,
    pub distinct: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AggFunc {
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

/// `ORDER BY bucket, keys…` where `bucket` is a monotonic time expression
/// over the input row (e.g. `FLOOR(ROWTIME TO SECOND)`): the output rows of
/// one bucket are held until ROWTIME passes `bucket + width_ms`, then sorted
/// by `keys` (over the **output** row: `Col(i)` = select item i) and emitted
/// with ROWTIME = the bucket end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderBy {
    pub bucket: Expr,
    pub width_ms: i64,
    /// `(key, descending)`: `true` for `DESC`, `false` for `ASC` (the default).
    pub keys: Vec<(Expr, bool)>,
}

/// Table functions. Their input is a `CURSOR(SELECT STREAM …)` query; the
/// output columns are fixed:
/// - `TopK`: the named column, then `MOST_FREQUENT_VALUES` BIGINT; one row per
///   item of the top k, emitted when each tumbling window of `window_s` seconds
///   (aligned to the epoch) closes, ROWTIME = window end, most frequent first;
/// - `CountDistinct`: `NUMBER_OF_DISTINCT_ITEMS` BIGINT, one row per window;
/// - `RandomCutForest`: every input column, then `ANOMALY_SCORE` DOUBLE, one row per
///   input row at once; the forest reads the numeric columns `numeric` (indexes
///   into the input row) in order;
/// - `Hotspots`: every input column, then `HOTSPOTS_RESULT` VARCHAR, per row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TableFn {
    TopK { column: usize, k: u32, window_s: u32 },
    CountDistinct { column: usize, window_s: u32 },
    RandomCutForest { numeric: Vec<usize>, trees: u32, sample_size: u32, time_decay: u32, shingle: u32 },
    Hotspots { numeric: Vec<usize>, window_size: u32, scan_radius: f64, min_points: u32 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimeUnit {
    Second,
    Minute,
    Hour,
    Day,
}

impl TimeUnit {
    pub fn ms(self) -> i64 {
        match self {
            TimeUnit::Second => 1_000,
            TimeUnit::Minute => 60_000,
            TimeUnit::Hour => 3_600_000,
            TimeUnit::Day => 86_400_000,
        }
    }
}

/// An expression, resolved and type-checked. Evaluation follows SQL's NULL
/// rules (NULL in, NULL out; AND/OR three-valued). A runtime failure (a
/// cast that cannot convert, division by zero) makes the value NULL and is
/// counted in the engine's error stream, as KDA's error stream does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Expr {
    Col(usize),
    RowTime,
    Lit(Value),
    Key(usize),
    Agg(usize),
    WindowStart,
    WindowEnd,
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Case { operand: Option<Box<Expr>>, whens: Vec<(Expr, Expr)>, otherwise: Option<Box<Expr>> },
    Cast(Box<Expr>, SqlType),
    IsNull { expr: Box<Expr>, negated: bool },
    Between { expr: Box<Expr>, low: Box<Expr>, high: Box<Expr>, negated: bool },
    InList { expr: Box<Expr>, list: Vec<Expr>, negated: bool },
    /// `expr LIKE pattern` with `%` and `_`.
    Like { expr: Box<Expr>, pattern: Box<Expr>, negated: bool },
    Call(Func, Vec<Expr>),
    /// `FLOOR(t TO unit)` on a TIMESTAMP.
    FloorTo(Box<Expr>, TimeUnit),
    /// `CEIL(t TO unit)` on a TIMESTAMP.
    CeilTo(Box<Expr>, TimeUnit),
    /// `STEP(t BY INTERVAL …)`: t rounded down to a multiple of `ms` since the epoch.
    Step(Box<Expr>, i64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    And,
    Or,
    /// `||`
    Concat,
    /// `IS [NOT] DISTINCT FROM` (negated form is `NotDistinct`).
    Distinct,
    NotDistinct,
}

/// Scalar functions. Arity and argument types are checked by the compiler.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Func {
    Abs,
    Mod,
    /// FLOOR/CEIL of a number.
    Floor,
    Ceil,
    Round,
    Power,
    Sqrt,
    Ln,
    Exp,
    Upper,
    Lower,
    /// TRIM(BOTH|LEADING|TRAILING chars FROM s): args = [s, chars]; the variant says which side.
    TrimBoth,
    TrimLeading,
    TrimTrailing,
    /// SUBSTRING(s FROM start [FOR len]), 1-based.
    Substring,
    /// POSITION(needle IN haystack), 1-based, 0 when absent.
    Position,
    CharLength,
    Coalesce,
    NullIf,
    /// CURRENT_ROW_TIMESTAMP: the row's ROWTIME.
    CurrentRowTimestamp,
    /// MONOTONIC(x): x, declared monotonic for GROUP BY.
    Monotonic,
}
