//! SQL types and values shared by the compiler (`analytics::sql`, feature
//! `sql`) and the runtime (`analytics::engine`).
//!
//! Time is kept in **milliseconds since the Unix epoch** (UTC) everywhere:
//! `ROWTIME`, `APPROXIMATE_ARRIVAL_TIME`, TIMESTAMP values. Intervals are
//! milliseconds too. Strings are `Arc<str>` so copying a row is cheap.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A column type as Kinesis Data Analytics SQL declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SqlType {
    Boolean,
    TinyInt,
    SmallInt,
    Integer,
    BigInt,
    Real,
    Double,
    /// DECIMAL(precision, scale): carried as a double, rounded to `scale` on insert.
    Decimal { precision: u8, scale: u8 },
    Char(u32),
    Varchar(u32),
    Timestamp,
    Interval,
}

impl std::fmt::Display for SqlType {
    /// The SQL spelling (`VARCHAR(4)`, `DOUBLE`, `DECIMAL(8,2)`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SqlType::Boolean => f.write_str("BOOLEAN"),
            SqlType::TinyInt => f.write_str("TINYINT"),
            SqlType::SmallInt => f.write_str("SMALLINT"),
            SqlType::Integer => f.write_str("INTEGER"),
            SqlType::BigInt => f.write_str("BIGINT"),
            SqlType::Real => f.write_str("REAL"),
            SqlType::Double => f.write_str("DOUBLE"),
            SqlType::Decimal { precision, scale } => write!(f, "DECIMAL({precision},{scale})"),
            SqlType::Char(n) => write!(f, "CHAR({n})"),
            SqlType::Varchar(n) => write!(f, "VARCHAR({n})"),
            SqlType::Timestamp => f.write_str("TIMESTAMP"),
            SqlType::Interval => f.write_str("INTERVAL"),
        }
    }
}

/// A value in a row. `Int` holds every integer type, `Double` REAL/DOUBLE/DECIMAL.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Double(f64),
    Str(Arc<str>),
    /// TIMESTAMP, milliseconds since the epoch.
    Ts(i64),
    /// INTERVAL, milliseconds.
    Interval(i64),
}

/// A named, typed column (of a stream, a reference table or a query result).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnDef {
    /// As the SQL must spell it: unquoted names are folded to upper case by
    /// the compiler, quoted names keep their case.
    pub name: String,
    pub ty: SqlType,
}

/// The columns of an in-application stream or table (ROWTIME is implicit).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    pub columns: Vec<ColumnDef>,
}
