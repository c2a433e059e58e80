//! The compiler: SQL text → [`Plan`](super::plan::Plan).
//!
//! - [`rewrite`]: the length-preserving token rewrite for the KDA dialect
//!   (`SELECT STREAM`, `CREATE STREAM`, `CREATE PUMP`, `STEP(… BY …)`,
//!   `WINDOWED BY STAGGER`, `//` comments, Flink `TABLE t` and `WATERMARK`),
//!   with a side table of what it changed;
//! - [`parse`]: sqlparser over the rewritten text, one statement at a time;
//!   positions are the same in both texts, so errors are located in the
//!   student's text;
//! - [`compile`](compile()): names, types, the shape of each query and the
//!   rules AWS documents;
//! - [`highlight`](highlight()): token classes for the editor;
//! - [`print`]: the parsed application printed back as KDA SQL (round trips).
//!
//! A bare `SELECT STREAM …` statement writes to an implicit stream named
//! `(query)` (then `(query 2)`, …). A Flink `CREATE TABLE … WITH (…)` that no
//! INSERT writes to is fed from `SOURCE_SQL_STREAM_001` by column name.

mod compile;
pub mod dialect;
pub mod highlight;
pub mod parse;
pub mod print;
pub mod rewrite;
pub mod text;

pub use compile::{fold, implicit_stream_name, type_name};
pub use highlight::{highlight, Token, TokenClass};

use super::error::SqlError;
use super::plan::{Plan, TableDef};
use super::types::Schema;

/// Compiles a SQL application against the input stream's columns and the
/// reference tables the student provided. All syntax errors (one per
/// statement) or the semantic errors come back at once, located in `src`.
pub fn compile(src: &str, input: &Schema, tables: &[TableDef]) -> Result<Plan, Vec<SqlError>> {
    let parsed = parse::parse(src)?;
    compile::compile(&parsed, input, tables)
}
