//! Kinesis Data Analytics for SQL, simulated: a streaming SQL engine in
//! simulated time.
//!
//! - [`types`], [`error`], [`plan`]: the shared vocabulary. A [`plan::Plan`] is
//!   the compiled application, free of parser types and serde-serialisable.
//! - [`sql`] (feature `sql`): the compiler, SQL text → `Plan`. It uses
//!   sqlparser with a custom dialect and a length-preserving rewrite, so
//!   every error position is in the student's own text. The browser loads it
//!   in a worker on first use (sqlparser is about 550 KB gzipped).
//! - [`engine`]: the runtime, `Plan` + rows + time → output rows and events.
//! - [`tablefn`]: TOP_K_ITEMS_TUMBLING, COUNT_DISTINCT_ITEMS_TUMBLING,
//!   RANDOM_CUT_FOREST, HOTSPOTS and the sketches behind them.
//! - [`source`]: records (JSON or CSV bytes) → rows of `SOURCE_SQL_STREAM_001`
//!   through a mapping schema, and reference tables from CSV/JSON objects.

pub mod engine;
pub mod error;
pub mod plan;
pub mod source;
#[cfg(feature = "sql")]
pub mod sql;
pub mod tablefn;
pub mod types;

pub use error::{Pos, Span, SqlError, SqlErrorKind};
pub use plan::Plan;
pub use types::{ColumnDef, Schema, SqlType, Value};

/// The name of the input stream every application reads.
pub const SOURCE_STREAM: &str = "SOURCE_SQL_STREAM_001";
/// The column the compiler appends to the input stream's schema; the engine
/// fills it from the record's arrival time.
pub const ARRIVAL_COLUMN: &str = "APPROXIMATE_ARRIVAL_TIME";
