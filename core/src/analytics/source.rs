//! Records → rows of `SOURCE_SQL_STREAM_001`, and reference tables.
//!
//! - [`RecordSchema`] is the input schema of a Kinesis Data Analytics
//!   application, as AWS's `InputSchema` describes it: a record format (JSON,
//!   or CSV with a delimiter) and columns, each with a name, a SQL type and a
//!   mapping (a JSONPath such as `$.ticker` or `$.a.b` for JSON, a 1-based
//!   ordinal for CSV). [`RecordSchema::row`] turns one record's bytes into a
//!   row; a record that does not fit names the column and the reason (KDA
//!   sends such records to its error stream).
//! - It has a TOML and a JSON form (`format`, `delimiter`, `[[column]]` with
//!   `name`, `type`, `mapping`), whose errors name the field.
//! - [`discover`] infers a schema from sample records, as the console's
//!   "Discover schema" button does: upper-case names, types from the values,
//!   VARCHAR(n) sized to the longest sample value.
//! - [`load_table`] reads a reference table (the "S3 object") from CSV with a
//!   header row, or JSON lines.
//! - [`parse_input`] and [`replay`] run an application over a JSON-lines
//!   file of records with arrival times in simulated time (the CLI's
//!   `kinesis-lab sql` and the corpus tests share them).
//!
//! Timestamps are read by the Firehose converter's parser
//! ([`crate::firehose::convert::parse_timestamp`], microseconds), kept here in
//! milliseconds.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::engine::{EngineError, OutRow, SqlApp, TableRows};
use super::plan::TableDef;
use super::types::{ColumnDef, Schema, SqlType, Value};
use crate::firehose::convert::parse_timestamp;

/// How a record's bytes are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordFormat {
    Json,
    /// Delimited text: one record per line, fields split by `delimiter`,
    /// double quotes around a field that holds the delimiter.
    Csv {
        delimiter: char,
    },
}

/// Where a column's value comes from in a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mapping {
    /// `$.a.b`: the keys from the top-level object down (JSON records).
    Path(Vec<String>),
    /// The 1-based field number (CSV records).
    Ordinal(u32),
}

impl fmt::Display for Mapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mapping::Path(keys) => {
                write!(f, "$")?;
                for k in keys {
                    if k.chars().all(|c| c.is_alphanumeric() || c == '_') && !k.is_empty() {
                        write!(f, ".{k}")?;
                    } else {
                        write!(f, "['{}']", k.replace('\'', "\\'"))?;
                    }
                }
                Ok(())
            }
            Mapping::Ordinal(n) => write!(f, "{n}"),
        }
    }
}

/// One column of the input stream and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappedColumn {
    /// As the SQL must spell it (unquoted SQL names are upper case).
    pub name: String,
    pub ty: SqlType,
    pub mapping: Mapping,
}

/// The input schema of an application (AWS's RecordFormat + RecordColumns).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawSchema", into = "RawSchema")]
pub struct RecordSchema {
    pub format: RecordFormat,
    pub columns: Vec<MappedColumn>,
}

/// Why one record could not become a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The column whose value failed; None when the whole record is unreadable.
    pub column: Option<String>,
    pub reason: String,
}

impl RowError {
    fn record(reason: impl Into<String>) -> RowError {
        RowError {
            column: None,
            reason: reason.into(),
        }
    }
    pub fn en(&self) -> String {
        match &self.column {
            Some(c) => format!("column {c}: {}", self.reason),
            None => self.reason.clone(),
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

/// A schema file or a reference table that cannot be used; `field` names
/// where (e.g. `column[2].type`, `line 3`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceError {
    pub field: String,
    pub problem: String,
}

impl SourceError {
    fn new(field: impl Into<String>, problem: impl Into<String>) -> SourceError {
        SourceError {
            field: field.into(),
            problem: problem.into(),
        }
    }
    pub fn en(&self) -> String {
        if self.field.is_empty() {
            self.problem.clone()
        } else {
            format!("{}: {}", self.field, self.problem)
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

impl std::error::Error for SourceError {}

// --- types as text ----------------------------------------------------------

/// The SQL spelling of a type (`VARCHAR(4)`, `DOUBLE`, `DECIMAL(8,2)`).
pub fn type_text(ty: SqlType) -> String {
    ty.to_string()
}

/// Reads a type as SQL writes it, any case: `varchar(4)`, `INT`, `DOUBLE
/// PRECISION`, `DECIMAL(8, 2)`.
pub fn parse_type(text: &str) -> Result<SqlType, String> {
    let t = text.trim().to_ascii_uppercase();
    let (base, args) = match t.split_once('(') {
        Some((b, rest)) => {
            let inner = rest
                .strip_suffix(')')
                .ok_or_else(|| format!("{text:?} opens a parenthesis that is not closed"))?;
            let args = inner
                .split(',')
                .map(|a| {
                    a.trim()
                        .parse::<u32>()
                        .map_err(|_| format!("{:?} is not a size in {text:?}", a.trim()))
                })
                .collect::<Result<Vec<u32>, String>>()?;
            (b.trim().to_string(), args)
        }
        None => (
            t.split_whitespace().collect::<Vec<_>>().join(" "),
            Vec::new(),
        ),
    };
    let no_args = |ty: SqlType| {
        if args.is_empty() {
            Ok(ty)
        } else {
            Err(format!("{base} takes no size"))
        }
    };
    let size = |ty: fn(u32) -> SqlType| match args.as_slice() {
        [n] if *n >= 1 && *n <= 65_535 => Ok(ty(*n)),
        [] => Err(format!("{base} needs a length, e.g. {base}(16)")),
        _ => Err(format!("{base} takes one length from 1 to 65535")),
    };
    match base.as_str() {
        "BOOLEAN" => no_args(SqlType::Boolean),
        "TINYINT" => no_args(SqlType::TinyInt),
        "SMALLINT" => no_args(SqlType::SmallInt),
        "INT" | "INTEGER" => no_args(SqlType::Integer),
        "BIGINT" => no_args(SqlType::BigInt),
        "REAL" => no_args(SqlType::Real),
        "FLOAT" | "DOUBLE" | "DOUBLE PRECISION" => no_args(SqlType::Double),
        "TIMESTAMP" => no_args(SqlType::Timestamp),
        "INTERVAL" => no_args(SqlType::Interval),
        "CHAR" | "CHARACTER" => {
            if args.is_empty() {
                Ok(SqlType::Char(1))
            } else {
                size(SqlType::Char)
            }
        }
        "VARCHAR" | "CHARACTER VARYING" | "CHAR VARYING" => size(SqlType::Varchar),
        "DECIMAL" | "NUMERIC" | "DEC" => match args.as_slice() {
            [] => Ok(SqlType::Decimal { precision: 18, scale: 0 }),
            [p] if (1..=38).contains(p) => Ok(SqlType::Decimal { precision: *p as u8, scale: 0 }),
            [p, s] if (1..=38).contains(p) && s <= p => {
                Ok(SqlType::Decimal { precision: *p as u8, scale: *s as u8 })
            }
            _ => Err(format!("{base} takes a precision from 1 to 38 and a scale not above it")),
        },
        "" => Err("the type is empty".into()),
        _ => Err(format!(
            "{text:?} is not a type; use BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, REAL, DOUBLE, DECIMAL(p,s), CHAR(n), VARCHAR(n) or TIMESTAMP"
        )),
    }
}

/// Reads a JSONPath of the simple form KDA mappings use: `$`, then `.key` or
/// `['key']` steps (`$.a.b`, `$['odd key']`).
pub fn parse_path(text: &str) -> Result<Vec<String>, String> {
    let t = text.trim();
    let mut rest = t
        .strip_prefix('$')
        .ok_or_else(|| format!("{text:?} is not a JSONPath; write it as $.key or $.outer.inner"))?;
    let mut keys = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let key = &r[..end];
            if key.is_empty() {
                return Err(format!("{text:?} has an empty key after a dot"));
            }
            keys.push(key.to_string());
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix("['") {
            let end = r
                .find("']")
                .ok_or_else(|| format!("{text:?} opens ['…' without closing it with ']"))?;
            keys.push(r[..end].to_string());
            rest = &r[end + 2..];
        } else if let Some(r) = rest.strip_prefix("[\"") {
            let end = r
                .find("\"]")
                .ok_or_else(|| format!("{text:?} opens [\"…\" without closing it with \"]"))?;
            keys.push(r[..end].to_string());
            rest = &r[end + 2..];
        } else {
            return Err(format!(
                "{text:?}: only .key and ['key'] steps are supported (no arrays or wildcards)"
            ));
        }
    }
    if keys.is_empty() {
        return Err(format!("{text:?} names no key; write $.key"));
    }
    Ok(keys)
}

// --- the TOML / JSON form -----------------------------------------------------

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchema {
    /// "json" or "csv".
    format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delimiter: Option<String>,
    #[serde(rename = "column", default)]
    columns: Vec<RawColumn>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    /// A JSONPath string, or a CSV ordinal (integer or digits).
    mapping: RawMapping,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum RawMapping {
    Ordinal(u32),
    Text(String),
}

impl TryFrom<RawSchema> for RecordSchema {
    type Error = SourceError;
    fn try_from(raw: RawSchema) -> Result<RecordSchema, SourceError> {
        let format = match raw.format.to_ascii_lowercase().as_str() {
            "json" => {
                if raw.delimiter.is_some() {
                    return Err(SourceError::new(
                        "delimiter",
                        "only CSV records have a delimiter",
                    ));
                }
                RecordFormat::Json
            }
            "csv" => {
                let delimiter = match raw.delimiter.as_deref() {
                    None => ',',
                    Some("\\t") => '\t',
                    Some(d) => {
                        let mut cs = d.chars();
                        match (cs.next(), cs.next()) {
                            (Some(c), None) if c != '"' && c != '\n' && c != '\r' => c,
                            _ => {
                                return Err(SourceError::new(
                                    "delimiter",
                                    format!("{d:?} must be one character other than a quote or a line break"),
                                ))
                            }
                        }
                    }
                };
                RecordFormat::Csv { delimiter }
            }
            other => {
                return Err(SourceError::new(
                    "format",
                    format!("{other:?} is not \"json\" or \"csv\""),
                ))
            }
        };
        if raw.columns.is_empty() {
            return Err(SourceError::new(
                "column",
                "the schema needs at least one [[column]]",
            ));
        }
        let mut columns: Vec<MappedColumn> = Vec::new();
        for (i, c) in raw.columns.into_iter().enumerate() {
            let at = |f: &str| format!("column[{}].{f}", i + 1);
            if c.name.trim().is_empty() {
                return Err(SourceError::new(at("name"), "is empty"));
            }
            if columns.iter().any(|o| o.name == c.name) {
                return Err(SourceError::new(
                    at("name"),
                    format!("{:?} names two columns", c.name),
                ));
            }
            if c.name.eq_ignore_ascii_case("ROWTIME")
                || c.name.eq_ignore_ascii_case(super::ARRIVAL_COLUMN)
            {
                return Err(SourceError::new(
                    at("name"),
                    format!("{} is a column every input stream has already", c.name),
                ));
            }
            let ty = parse_type(&c.ty).map_err(|e| SourceError::new(at("type"), e))?;
            let mapping = match (format, c.mapping) {
                (RecordFormat::Json, RawMapping::Text(t)) => {
                    Mapping::Path(parse_path(&t).map_err(|e| SourceError::new(at("mapping"), e))?)
                }
                (RecordFormat::Json, RawMapping::Ordinal(n)) => {
                    return Err(SourceError::new(
                        at("mapping"),
                        format!(
                        "{n} is a CSV field number; a JSON record's mapping is a path like $.key"
                    ),
                    ))
                }
                (RecordFormat::Csv { .. }, m) => {
                    let n = match m {
                        RawMapping::Ordinal(n) => Some(n),
                        RawMapping::Text(t) => t.trim().trim_start_matches('$').parse::<u32>().ok(),
                    };
                    match n {
                        Some(n) if n >= 1 => Mapping::Ordinal(n),
                        _ => {
                            return Err(SourceError::new(
                                at("mapping"),
                                "a CSV column's mapping is its field number, counted from 1",
                            ))
                        }
                    }
                }
            };
            columns.push(MappedColumn {
                name: c.name,
                ty,
                mapping,
            });
        }
        Ok(RecordSchema { format, columns })
    }
}

impl From<RecordSchema> for RawSchema {
    fn from(s: RecordSchema) -> RawSchema {
        let (format, delimiter) = match s.format {
            RecordFormat::Json => ("json", None),
            RecordFormat::Csv { delimiter } => (
                "csv",
                if delimiter == ',' {
                    None
                } else {
                    Some(delimiter.to_string())
                },
            ),
        };
        RawSchema {
            format: format.into(),
            delimiter,
            columns: s
                .columns
                .into_iter()
                .map(|c| RawColumn {
                    name: c.name,
                    ty: type_text(c.ty),
                    mapping: match c.mapping {
                        Mapping::Ordinal(n) => RawMapping::Ordinal(n),
                        m @ Mapping::Path(_) => RawMapping::Text(m.to_string()),
                    },
                })
                .collect(),
        }
    }
}

impl RecordSchema {
    /// The columns of `SOURCE_SQL_STREAM_001` (without
    /// APPROXIMATE_ARRIVAL_TIME, which the compiler appends).
    pub fn schema(&self) -> Schema {
        Schema {
            columns: self
                .columns
                .iter()
                .map(|c| ColumnDef {
                    name: c.name.clone(),
                    ty: c.ty,
                })
                .collect(),
        }
    }

    /// Reads the TOML form (`format = "json"`, `[[column]]` name/type/mapping).
    pub fn from_toml(text: &str) -> Result<RecordSchema, SourceError> {
        toml_de(text)
    }

    pub fn to_toml(&self) -> String {
        let raw = RawSchema::from(self.clone());
        let mut s = format!("format = {}\n", json_str(&raw.format));
        if let Some(d) = &raw.delimiter {
            s.push_str(&format!("delimiter = {}\n", json_str(d)));
        }
        for c in &raw.columns {
            s.push_str("\n[[column]]\n");
            s.push_str(&format!("name = {}\n", json_str(&c.name)));
            s.push_str(&format!("type = {}\n", json_str(&c.ty)));
            match &c.mapping {
                RawMapping::Ordinal(n) => s.push_str(&format!("mapping = {n}\n")),
                RawMapping::Text(t) => s.push_str(&format!("mapping = {}\n", json_str(t))),
            }
        }
        s
    }

    /// Reads the JSON form (the same fields as the TOML form; `column` is an array).
    pub fn from_json(text: &str) -> Result<RecordSchema, SourceError> {
        let raw: RawSchema = serde_json::from_str(text)
            .map_err(|e| SourceError::new("schema", format!("not a record schema: {e}")))?;
        RecordSchema::try_from(raw)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&RawSchema::from(self.clone())).unwrap_or_default()
    }

    /// One record's bytes → the row of `SOURCE_SQL_STREAM_001`, in column
    /// order (APPROXIMATE_ARRIVAL_TIME excluded). A field that is absent is
    /// NULL; a value that does not fit its column's type is an error naming
    /// the column.
    pub fn row(&self, record: &[u8]) -> Result<Vec<Value>, RowError> {
        match self.format {
            RecordFormat::Json => {
                let v: serde_json::Value = serde_json::from_slice(record)
                    .map_err(|e| RowError::record(format!("the record is not JSON ({e})")))?;
                if !v.is_object() {
                    return Err(RowError::record("the record is JSON but not an object"));
                }
                self.columns
                    .iter()
                    .map(|c| {
                        let Mapping::Path(keys) = &c.mapping else {
                            return Err(RowError {
                                column: Some(c.name.clone()),
                                reason: "a JSON record's column needs a path mapping".into(),
                            });
                        };
                        let mut cur = Some(&v);
                        for k in keys {
                            cur = cur.and_then(|x| x.get(k.as_str()));
                        }
                        json_to_value(cur, c.ty).map_err(|reason| RowError {
                            column: Some(c.name.clone()),
                            reason,
                        })
                    })
                    .collect()
            }
            RecordFormat::Csv { delimiter } => {
                let text = std::str::from_utf8(record)
                    .map_err(|_| RowError::record("the record is not UTF-8 text"))?;
                let text = text.strip_suffix('\n').unwrap_or(text);
                let text = text.strip_suffix('\r').unwrap_or(text);
                let fields = split_delimited(text, delimiter).map_err(RowError::record)?;
                self.columns
                    .iter()
                    .map(|c| {
                        let Mapping::Ordinal(n) = c.mapping else {
                            return Err(RowError {
                                column: Some(c.name.clone()),
                                reason: "a CSV record's column needs a field number".into(),
                            });
                        };
                        let field = fields.get(n as usize - 1);
                        text_field_to_value(field, c.ty).map_err(|reason| RowError {
                            column: Some(c.name.clone()),
                            reason,
                        })
                    })
                    .collect()
            }
        }
    }
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

#[cfg(feature = "files")]
fn toml_de(text: &str) -> Result<RecordSchema, SourceError> {
    let raw: RawSchema = toml::from_str(text)
        .map_err(|e| SourceError::new("schema", e.to_string().trim_end().to_string()))?;
    RecordSchema::try_from(raw)
}

#[cfg(not(feature = "files"))]
fn toml_de(_text: &str) -> Result<RecordSchema, SourceError> {
    Err(SourceError::new(
        "schema",
        "TOML needs the `files` feature of kinesis-lab-core; use JSON",
    ))
}

// --- values -------------------------------------------------------------------

/// A timestamp string → ms since the epoch. Accepts what the Firehose
/// converter does, plus ISO-8601 without a zone (`2018-08-01T20:17:20.797945`,
/// as Python's `isoformat()` writes it; read as UTC) or with `+00:00`.
pub fn parse_time_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    let us = parse_timestamp(s).or_else(|| {
        let base = s.strip_suffix("+00:00").unwrap_or(s);
        let (d, t) = base.split_once('T')?;
        if t.ends_with('Z') {
            parse_timestamp(&format!("{d}T{t}"))
        } else {
            parse_timestamp(&format!("{d}T{t}Z"))
        }
    })?;
    Some(us.div_euclid(1000))
}

/// ms since the epoch → `2016-07-19T17:06:00.000Z`.
pub fn format_time_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let frac = ms.rem_euclid(1000);
    let (y, m, d) = crate::calendar::civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{frac:03}Z",
        sod / 3600,
        (sod / 60) % 60,
        sod % 60
    )
}

fn int_range(ty: SqlType) -> (i64, i64) {
    match ty {
        SqlType::TinyInt => (i8::MIN as i64, i8::MAX as i64),
        SqlType::SmallInt => (i16::MIN as i64, i16::MAX as i64),
        SqlType::Integer => (i32::MIN as i64, i32::MAX as i64),
        _ => (i64::MIN, i64::MAX),
    }
}

fn check_int(i: i64, ty: SqlType) -> Result<Value, String> {
    let (lo, hi) = int_range(ty);
    if i < lo || i > hi {
        Err(format!("{i} does not fit {} ({lo} to {hi})", type_text(ty)))
    } else {
        Ok(Value::Int(i))
    }
}

fn round_to(x: f64, scale: u8) -> f64 {
    let f = 10f64.powi(scale as i32);
    let r = (x * f).round() / f;
    if r.is_finite() {
        r
    } else {
        x
    }
}

fn number_to_value(x: f64, int: Option<i64>, ty: SqlType) -> Result<Value, String> {
    match ty {
        SqlType::TinyInt | SqlType::SmallInt | SqlType::Integer | SqlType::BigInt => match int {
            Some(i) => check_int(i, ty),
            None if x.fract() == 0.0 && x.abs() < 9.0e15 => check_int(x as i64, ty),
            None => Err(format!(
                "{x} is not a whole number, and the column is {}",
                type_text(ty)
            )),
        },
        SqlType::Real => Ok(Value::Double(x as f32 as f64)),
        SqlType::Double => Ok(Value::Double(x)),
        SqlType::Decimal { precision, scale } => {
            let r = round_to(x, scale);
            let digits_before = precision.saturating_sub(scale) as i32;
            if r.abs() >= 10f64.powi(digits_before) {
                Err(format!(
                    "{x} has more than {digits_before} digits before the point for {}",
                    type_text(ty)
                ))
            } else {
                Ok(Value::Double(r))
            }
        }
        SqlType::Timestamp => {
            // Epoch seconds, or milliseconds when written with more than 10 digits.
            let text = match int {
                Some(i) => i.to_string(),
                None => x.to_string(),
            };
            parse_time_ms(&text)
                .map(Value::Ts)
                .ok_or_else(|| format!("{text} is not a time"))
        }
        SqlType::Boolean => Err(format!("{x} is a number, and the column is BOOLEAN")),
        SqlType::Char(_) | SqlType::Varchar(_) => {
            let text = match int {
                Some(i) => i.to_string(),
                None => x.to_string(),
            };
            string_value(&text, ty)
        }
        SqlType::Interval => match int {
            Some(i) => Ok(Value::Interval(i)),
            None => Err(format!("{x} is not a whole number of milliseconds")),
        },
    }
}

fn string_value(s: &str, ty: SqlType) -> Result<Value, String> {
    let n = match ty {
        SqlType::Char(n) | SqlType::Varchar(n) => n,
        _ => u32::MAX,
    };
    let len = s.chars().count();
    if len > n as usize {
        return Err(format!(
            "the value has {len} characters, more than {} allows",
            type_text(ty)
        ));
    }
    Ok(Value::Str(Arc::from(s)))
}

/// A string value (a JSON string or a CSV field) converted to `ty`.
fn text_to_value(s: &str, ty: SqlType) -> Result<Value, String> {
    let shown = || {
        let short: String = s.chars().take(40).collect();
        if short.len() < s.len() {
            format!("{short:?}…")
        } else {
            format!("{short:?}")
        }
    };
    match ty {
        SqlType::Char(_) | SqlType::Varchar(_) => string_value(s, ty),
        SqlType::Boolean => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "t" | "1" => Ok(Value::Bool(true)),
            "false" | "f" | "0" => Ok(Value::Bool(false)),
            _ => Err(format!("{} is not true or false", shown())),
        },
        SqlType::Timestamp => parse_time_ms(s).map(Value::Ts).ok_or_else(|| {
            format!("{} is not a time (write 2018-08-01T20:17:20.797Z, 2018-08-01 20:17:20 or epoch seconds)", shown())
        }),
        SqlType::TinyInt | SqlType::SmallInt | SqlType::Integer | SqlType::BigInt => {
            let t = s.trim();
            match t.parse::<i64>() {
                Ok(i) => check_int(i, ty),
                Err(_) => match t.parse::<f64>() {
                    Ok(x) if x.is_finite() => number_to_value(x, None, ty),
                    _ => Err(format!("{} is not a number", shown())),
                },
            }
        }
        SqlType::Real | SqlType::Double | SqlType::Decimal { .. } => match s.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => number_to_value(x, None, ty),
            _ => Err(format!("{} is not a number", shown())),
        },
        SqlType::Interval => match s.trim().parse::<i64>() {
            Ok(i) => Ok(Value::Interval(i)),
            Err(_) => Err(format!("{} is not a whole number of milliseconds", shown())),
        },
    }
}

fn json_to_value(v: Option<&serde_json::Value>, ty: SqlType) -> Result<Value, String> {
    use serde_json::Value as J;
    match v {
        None | Some(J::Null) => Ok(Value::Null),
        Some(J::Bool(b)) => match ty {
            SqlType::Boolean => Ok(Value::Bool(*b)),
            SqlType::Char(_) | SqlType::Varchar(_) => {
                string_value(if *b { "true" } else { "false" }, ty)
            }
            _ => Err(format!(
                "{b} is a boolean, and the column is {}",
                type_text(ty)
            )),
        },
        Some(J::Number(n)) => {
            let int = n.as_i64();
            let x = n.as_f64().unwrap_or(f64::NAN);
            if !x.is_finite() {
                return Err(format!("{n} is out of range"));
            }
            if matches!(ty, SqlType::Char(_) | SqlType::Varchar(_)) {
                return string_value(&n.to_string(), ty);
            }
            if int.is_none() && n.is_u64() {
                return Err(format!("{n} does not fit {}", type_text(ty)));
            }
            number_to_value(x, int, ty)
        }
        Some(J::String(s)) => text_to_value(s, ty),
        Some(other @ (J::Array(_) | J::Object(_))) => match ty {
            SqlType::Char(_) | SqlType::Varchar(_) => string_value(&other.to_string(), ty),
            _ => Err(format!(
                "the value is a JSON {}, and the column is {}",
                if other.is_array() { "array" } else { "object" },
                type_text(ty)
            )),
        },
    }
}

/// A CSV field (None: the record has fewer fields) converted to `ty`. An
/// empty unquoted field is NULL.
fn text_field_to_value(field: Option<&Field>, ty: SqlType) -> Result<Value, String> {
    match field {
        None => Ok(Value::Null),
        Some(f) if f.text.is_empty() && !f.quoted => Ok(Value::Null),
        Some(f) => text_to_value(&f.text, ty),
    }
}

// --- delimited text -------------------------------------------------------------

/// One field of a delimited line; `quoted` fields keep their spaces.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Field {
    text: String,
    quoted: bool,
}

/// Splits one line into fields (RFC 4180 quoting with `""` for a quote).
/// Unlike the Firehose transform's strict `parse_csv_line`, this one takes
/// any delimiter, trims spaces around unquoted fields (AWS's sample
/// reference CSV writes `ASD, SomeCompanyA`) and allows spaces around a
/// quoted field; so it is written here, not reused.
fn split_delimited(line: &str, delim: char) -> Result<Vec<Field>, String> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let n = fields.len() + 1;
        while chars
            .peek()
            .is_some_and(|&c| c == ' ' || (c == '\t' && delim != '\t'))
        {
            chars.next();
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut cur = String::new();
            loop {
                match chars.next() {
                    None => {
                        return Err(format!(
                            "field {n} opens a double quote that is never closed"
                        ))
                    }
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        cur.push('"');
                    }
                    Some('"') => break,
                    Some(c) => cur.push(c),
                }
            }
            while chars
                .peek()
                .is_some_and(|&c| c == ' ' || (c == '\t' && delim != '\t'))
            {
                chars.next();
            }
            fields.push(Field {
                text: cur,
                quoted: true,
            });
            match chars.next() {
                None => return Ok(fields),
                Some(c) if c == delim => continue,
                Some(c) => {
                    return Err(format!(
                        "field {n} has {c:?} after its closing quote; a quoted field ends at the delimiter"
                    ))
                }
            }
        } else {
            let mut cur = String::new();
            loop {
                match chars.next() {
                    None => {
                        fields.push(Field {
                            text: cur.trim().to_string(),
                            quoted: false,
                        });
                        return Ok(fields);
                    }
                    Some(c) if c == delim => {
                        fields.push(Field {
                            text: cur.trim().to_string(),
                            quoted: false,
                        });
                        break;
                    }
                    Some(c) => cur.push(c),
                }
            }
        }
    }
}

// --- discovery -------------------------------------------------------------------

/// What the values of one column have looked like so far.
#[derive(Clone, Debug, Default)]
struct Seen {
    ints: bool,
    int_max: i64,
    int_min: i64,
    floats: bool,
    bools: bool,
    times: bool,
    strings: bool,
    max_len: usize,
}

impl Seen {
    fn text(&mut self, s: &str, may_be_number: bool) {
        let t = s.trim();
        self.max_len = self.max_len.max(s.chars().count());
        if may_be_number {
            if let Ok(i) = t.parse::<i64>() {
                self.int(i);
                return;
            }
            if let Ok(x) = t.parse::<f64>() {
                if x.is_finite() && t.chars().any(|c| c.is_ascii_digit()) {
                    self.floats = true;
                    return;
                }
            }
        }
        // A time looks like one: a date with dashes, and a parse that succeeds.
        if t.len() >= 10 && t.as_bytes()[4] == b'-' && parse_time_ms(t).is_some() {
            self.times = true;
        } else {
            self.strings = true;
        }
    }
    fn int(&mut self, i: i64) {
        if !self.ints {
            self.int_min = i;
            self.int_max = i;
        }
        self.ints = true;
        self.int_min = self.int_min.min(i);
        self.int_max = self.int_max.max(i);
        self.max_len = self.max_len.max(i.to_string().len());
    }
    fn ty(&self) -> SqlType {
        let kinds = [
            self.ints || self.floats,
            self.bools,
            self.times,
            self.strings,
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if kinds == 0 || self.strings || kinds > 1 {
            SqlType::Varchar(self.max_len.clamp(1, 65_535) as u32)
        } else if self.bools {
            SqlType::Boolean
        } else if self.times {
            SqlType::Timestamp
        } else if self.floats {
            SqlType::Double
        } else if self.int_min >= i32::MIN as i64 && self.int_max <= i32::MAX as i64 {
            SqlType::Integer
        } else {
            SqlType::BigInt
        }
    }
}

/// A column name as discovery writes it: upper case, letters, digits and `_`.
fn discovered_name(parts: &[String]) -> String {
    let joined = parts.join("_");
    let mut s: String = joined
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_uppercase().next().unwrap_or(c)
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, "COL_");
    }
    s
}

/// Infers a schema from sample records, as the console's "Discover schema"
/// does. If every sample is a JSON object the format is JSON: one column per
/// key path seen (nested objects are flattened, `$.a.b` → `A_B`), in the
/// order first seen. Otherwise CSV with commas: `COL1`, `COL2`, ….
/// Types: whole numbers → INTEGER (BIGINT when larger), other numbers →
/// DOUBLE, true/false → BOOLEAN, date-time strings → TIMESTAMP (the console
/// leaves these VARCHAR and the student changes them; we save that step),
/// anything else or a mix → VARCHAR(n) with n the longest value seen.
pub fn discover(sample: &[&[u8]]) -> Result<RecordSchema, SourceError> {
    let records: Vec<&[u8]> = sample
        .iter()
        .copied()
        .filter(|r| !r.iter().all(|b| b.is_ascii_whitespace()))
        .collect();
    if records.is_empty() {
        return Err(SourceError::new(
            "sample",
            "there are no records to discover a schema from",
        ));
    }
    let json: Option<Vec<Ordered>> = records
        .iter()
        .map(|r| {
            serde_json::from_slice::<Ordered>(r)
                .ok()
                .filter(|v| matches!(v, Ordered::Object(_)))
        })
        .collect();
    if let Some(values) = json {
        let mut paths: Vec<(Vec<String>, Seen)> = Vec::new();
        for v in &values {
            let mut found = Vec::new();
            collect_paths(v, &mut Vec::new(), &mut found, 0);
            for (path, leaf) in found {
                let idx = match paths.iter().position(|(p, _)| *p == path) {
                    Some(i) => i,
                    None => {
                        paths.push((path, Seen::default()));
                        paths.len() - 1
                    }
                };
                let seen = &mut paths[idx].1;
                match leaf {
                    serde_json::Value::Null => {}
                    serde_json::Value::Bool(_) => {
                        seen.bools = true;
                        seen.max_len = seen.max_len.max(5);
                    }
                    serde_json::Value::Number(n) => match n.as_i64() {
                        Some(i) => seen.int(i),
                        None => {
                            seen.floats = true;
                            seen.max_len = seen.max_len.max(n.to_string().len());
                        }
                    },
                    serde_json::Value::String(s) => seen.text(s, false),
                    other => {
                        seen.strings = true;
                        seen.max_len = seen.max_len.max(other.to_string().chars().count());
                    }
                }
            }
        }
        if paths.is_empty() {
            return Err(SourceError::new(
                "sample",
                "the JSON records have no fields",
            ));
        }
        let mut columns: Vec<MappedColumn> = Vec::new();
        for (path, seen) in paths {
            let mut name = discovered_name(&path);
            let base = name.clone();
            let mut k = 2;
            while columns.iter().any(|c| c.name == name)
                || name == "ROWTIME"
                || name == super::ARRIVAL_COLUMN
            {
                name = format!("{base}_{k}");
                k += 1;
            }
            columns.push(MappedColumn {
                name,
                ty: seen.ty(),
                mapping: Mapping::Path(path),
            });
        }
        return Ok(RecordSchema {
            format: RecordFormat::Json,
            columns,
        });
    }
    let mut cols: Vec<Seen> = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let text = std::str::from_utf8(r).map_err(|_| {
            SourceError::new(
                format!("sample record {}", i + 1),
                "is neither JSON nor UTF-8 text",
            )
        })?;
        let text = text.trim_end_matches(['\r', '\n']);
        let fields = split_delimited(text, ',')
            .map_err(|e| SourceError::new(format!("sample record {}", i + 1), e))?;
        for (j, f) in fields.iter().enumerate() {
            if cols.len() <= j {
                cols.push(Seen::default());
            }
            if f.text.is_empty() && !f.quoted {
                continue;
            }
            let lower = f.text.to_ascii_lowercase();
            if !f.quoted && (lower == "true" || lower == "false") {
                cols[j].bools = true;
                cols[j].max_len = cols[j].max_len.max(5);
            } else {
                cols[j].text(&f.text, !f.quoted);
            }
        }
    }
    Ok(RecordSchema {
        format: RecordFormat::Csv { delimiter: ',' },
        columns: cols
            .into_iter()
            .enumerate()
            .map(|(j, seen)| MappedColumn {
                name: format!("COL{}", j + 1),
                ty: seen.ty(),
                mapping: Mapping::Ordinal(j as u32 + 1),
            })
            .collect(),
    })
}

fn collect_paths<'a>(
    v: &'a Ordered,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, &'a serde_json::Value)>,
    depth: usize,
) {
    match v {
        Ordered::Object(entries) if depth < 8 && (!entries.is_empty() || prefix.is_empty()) => {
            for (k, x) in entries {
                prefix.push(k.clone());
                collect_paths(x, prefix, out, depth + 1);
                prefix.pop();
            }
        }
        Ordered::Object(_) => {
            static EMPTY: serde_json::Value = serde_json::Value::Null;
            out.push((prefix.clone(), &EMPTY));
        }
        Ordered::Leaf(x) => out.push((prefix.clone(), x)),
    }
}

/// JSON with object keys in the order written (serde_json's own map sorts
/// them, and discovery lists columns in the record's order).
enum Ordered {
    Leaf(serde_json::Value),
    Object(Vec<(String, Ordered)>),
}

impl Ordered {
    /// Compact JSON text, object keys in their order.
    fn write_json(&self, out: &mut String) {
        match self {
            Ordered::Leaf(v) => out.push_str(&v.to_string()),
            Ordered::Object(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&json_str(k));
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Ordered, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, b: bool) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(b.into()))
            }
            fn visit_i64<E>(self, i: i64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(i.into()))
            }
            fn visit_u64<E>(self, u: u64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(u.into()))
            }
            fn visit_f64<E>(self, x: f64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(x.into()))
            }
            fn visit_str<E>(self, s: &str) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(s.into()))
            }
            fn visit_string<E>(self, s: String) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(s.into()))
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(serde_json::Value::Null))
            }
            fn visit_none<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Leaf(serde_json::Value::Null))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(x) = seq.next_element::<serde_json::Value>()? {
                    items.push(x);
                }
                Ok(Ordered::Leaf(serde_json::Value::Array(items)))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Ordered, A::Error> {
                let mut entries: Vec<(String, Ordered)> = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Ordered>()? {
                    match entries.iter().position(|(e, _)| *e == k) {
                        // A repeated key: the last value wins, as in serde_json.
                        Some(i) => entries[i].1 = v,
                        None => entries.push((k, v)),
                    }
                }
                Ok(Ordered::Object(entries))
            }
        }
        d.deserialize_any(V)
    }
}

// --- reference tables -----------------------------------------------------------

/// The layout of a reference table's object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TableFormat {
    /// A header row names the columns; fields are comma-separated, unquoted
    /// fields are trimmed.
    Csv,
    /// One JSON object per line; the keys name the columns.
    JsonLines,
}

impl TableFormat {
    /// `.json`, `.jsonl`, `.ndjson` → JSON lines; anything else CSV.
    pub fn from_file_name(name: &str) -> TableFormat {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".json") || lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
            TableFormat::JsonLines
        } else {
            TableFormat::Csv
        }
    }
}

/// At most this many rows in one reference table (the lab keeps them in memory).
pub const MAX_TABLE_ROWS: usize = 1_000_000;

/// Loads a reference table named `name` (as the SQL must spell it, quoted
/// names keep their case) from an object's bytes. Without a `schema` the
/// columns are named by the CSV header (trimmed, case kept: AWS's sample
/// `Ticker, Company` is queried as `"c"."Ticker"`) or the JSON keys, and
/// typed from the values as [`discover`] types them. With a schema, its
/// columns and mappings are used (a CSV header row, if the first row equals
/// the column names, is skipped). Errors name the line and the column.
pub fn load_table(
    name: &str,
    bytes: &[u8],
    format: TableFormat,
    schema: Option<&RecordSchema>,
) -> Result<(TableDef, TableRows), SourceError> {
    if name.trim().is_empty() {
        return Err(SourceError::new("name", "the reference table needs a name"));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        SourceError::new(
            format!("byte {}", e.valid_up_to() + 1),
            "the object is not UTF-8 text",
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    if lines.len() > MAX_TABLE_ROWS + 1 {
        return Err(SourceError::new(
            "",
            format!("more than {MAX_TABLE_ROWS} rows"),
        ));
    }
    let line_at = |n: usize| format!("line {n}");
    let schema = match (schema, format) {
        (Some(s), _) => s.clone(),
        (None, TableFormat::Csv) => {
            let Some(&(hn, header)) = lines.first() else {
                return Err(SourceError::new(
                    "",
                    "the CSV object is empty; its first line must name the columns",
                ));
            };
            let names =
                split_delimited(header, ',').map_err(|e| SourceError::new(line_at(hn), e))?;
            let mut seen: Vec<Seen> = vec![Seen::default(); names.len()];
            for &(n, l) in &lines[1..] {
                let fields =
                    split_delimited(l, ',').map_err(|e| SourceError::new(line_at(n), e))?;
                if fields.len() > names.len() {
                    return Err(SourceError::new(
                        line_at(n),
                        format!(
                            "{} fields, but the header names {}",
                            fields.len(),
                            names.len()
                        ),
                    ));
                }
                for (j, f) in fields.iter().enumerate() {
                    if !f.text.is_empty() || f.quoted {
                        seen[j].text(&f.text, !f.quoted);
                    }
                }
            }
            let mut columns: Vec<MappedColumn> = Vec::new();
            for (j, (f, s)) in names.iter().zip(seen).enumerate() {
                if f.text.is_empty() {
                    return Err(SourceError::new(
                        line_at(hn),
                        format!("header field {} is empty", j + 1),
                    ));
                }
                if columns.iter().any(|c| c.name == f.text) {
                    return Err(SourceError::new(
                        line_at(hn),
                        format!("{:?} names two columns", f.text),
                    ));
                }
                columns.push(MappedColumn {
                    name: f.text.clone(),
                    ty: s.ty(),
                    mapping: Mapping::Ordinal(j as u32 + 1),
                });
            }
            RecordSchema {
                format: RecordFormat::Csv { delimiter: ',' },
                columns,
            }
        }
        (None, TableFormat::JsonLines) => {
            let mut cols: Vec<(String, Seen)> = Vec::new();
            for &(n, l) in &lines {
                let v: Ordered = serde_json::from_str(l)
                    .map_err(|e| SourceError::new(line_at(n), format!("not JSON ({e})")))?;
                let Ordered::Object(obj) = v else {
                    return Err(SourceError::new(line_at(n), "not a JSON object"));
                };
                for (k, x) in &obj {
                    let null = serde_json::Value::Null;
                    let x = match x {
                        Ordered::Leaf(x) => x,
                        // A nested object: typed as text (VARCHAR) like an array.
                        Ordered::Object(_) => &null,
                    };
                    let idx = match cols.iter().position(|(c, _)| c == k) {
                        Some(i) => i,
                        None => {
                            cols.push((k.clone(), Seen::default()));
                            cols.len() - 1
                        }
                    };
                    let s = &mut cols[idx].1;
                    match x {
                        serde_json::Value::Null => {}
                        serde_json::Value::Bool(_) => s.bools = true,
                        serde_json::Value::Number(num) => match num.as_i64() {
                            Some(i) => s.int(i),
                            None => s.floats = true,
                        },
                        serde_json::Value::String(t) => s.text(t, false),
                        other => {
                            s.strings = true;
                            s.max_len = s.max_len.max(other.to_string().chars().count());
                        }
                    }
                }
            }
            if cols.is_empty() {
                return Err(SourceError::new("", "the JSON lines hold no columns"));
            }
            RecordSchema {
                format: RecordFormat::Json,
                columns: cols
                    .into_iter()
                    .map(|(k, s)| MappedColumn {
                        name: k.clone(),
                        ty: s.ty(),
                        mapping: Mapping::Path(vec![k]),
                    })
                    .collect(),
            }
        }
    };
    let mut data_lines: &[(usize, &str)] = &lines;
    if let (TableFormat::Csv, Some(&(_, first))) = (format, lines.first()) {
        let is_header = split_delimited(first, ',').ok().is_some_and(|fs| {
            fs.len() == schema.columns.len()
                && fs
                    .iter()
                    .zip(&schema.columns)
                    .all(|(f, c)| f.text.eq_ignore_ascii_case(&c.name))
        });
        if is_header {
            data_lines = &lines[1..];
        }
    }
    let mut rows = Vec::with_capacity(data_lines.len());
    for &(n, l) in data_lines {
        let row = schema
            .row(l.as_bytes())
            .map_err(|e| SourceError::new(line_at(n), e.en()))?;
        rows.push(row);
    }
    let def = TableDef {
        name: name.to_string(),
        columns: schema.schema().columns,
    };
    Ok((def, TableRows { rows }))
}

// --- replay: records with arrival times, in simulated time ---------------------

/// The ROWTIME of the first record that has no arrival time: 2016-07-19T17:05:00Z
/// (the date of AWS's ROWTIME example).
pub const DEFAULT_START_MS: i64 = 1_468_947_900_000;

/// One line of an input file: a record and, when given, its times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputRecord {
    /// 1-based line number in the file.
    pub line: usize,
    /// When the record reached the source stream (APPROXIMATE_ARRIVAL_TIME).
    pub arrival: Option<i64>,
    /// When the application inserted it (ROWTIME); defaults to `arrival`.
    pub rowtime: Option<i64>,
    pub data: Vec<u8>,
}

/// Reads an input file: each non-blank line is `{"arrival": "<ISO-8601>",
/// "rowtime"?: "<ISO-8601>", "data": {...} | "<text>"}` or a bare record
/// (any other line, sent as its bytes). An object is an envelope when it
/// has `data` and no keys other than `arrival`, `rowtime`, `data`. Errors
/// name the line.
pub fn parse_input(text: &str) -> Result<Vec<InputRecord>, SourceError> {
    let mut out = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        let n = i + 1;
        let at = |f: &str| SourceError::new(format!("line {n}: {f}"), "");
        let parsed = serde_json::from_str::<serde_json::Value>(line).ok();
        let envelope = parsed.as_ref().and_then(|v| v.as_object()).filter(|o| {
            o.contains_key("data")
                && o.keys()
                    .all(|k| k == "data" || k == "arrival" || k == "rowtime")
        });
        let Some(obj) = envelope else {
            out.push(InputRecord {
                line: n,
                arrival: None,
                rowtime: None,
                data: line.as_bytes().to_vec(),
            });
            continue;
        };
        let time = |key: &str| -> Result<Option<i64>, SourceError> {
            match obj.get(key) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) => {
                    parse_time_ms(s).map(Some).ok_or_else(|| SourceError {
                        problem: format!(
                            "{s:?} is not an ISO-8601 time such as 2016-07-19T17:05:00.000Z"
                        ),
                        ..at(key)
                    })
                }
                Some(serde_json::Value::Number(num)) => {
                    num.as_i64().map(Some).ok_or_else(|| SourceError {
                        problem: "a number here is ms since the epoch, a whole number".into(),
                        ..at(key)
                    })
                }
                Some(_) => Err(SourceError {
                    problem: "must be an ISO-8601 time string".into(),
                    ..at(key)
                }),
            }
        };
        let arrival = time("arrival")?;
        let rowtime = time("rowtime")?;
        let data = match &obj["data"] {
            serde_json::Value::String(s) => s.as_bytes().to_vec(),
            // Re-written with its keys in the order given (serde_json's map
            // would sort them, and discovery lists columns in record order).
            v => match serde_json::from_str::<Ordered>(line) {
                Ok(Ordered::Object(entries)) => match entries.iter().find(|(k, _)| k == "data") {
                    Some((_, d)) => {
                        let mut text = String::new();
                        d.write_json(&mut text);
                        text.into_bytes()
                    }
                    None => v.to_string().into_bytes(),
                },
                _ => v.to_string().into_bytes(),
            },
        };
        out.push(InputRecord {
            line: n,
            arrival,
            rowtime,
            data,
        });
    }
    Ok(out)
}

/// What [`replay`] produced.
#[derive(Clone, Debug, Default)]
pub struct Replayed {
    /// Every row written to every stream, in the order written.
    pub rows: Vec<OutRow>,
    /// Records that did not fit the schema (KDA's error stream): line, why.
    pub rejected: Vec<(usize, RowError)>,
    /// The engine refused a record (its line) and the replay stopped there.
    pub stopped: Option<(usize, EngineError)>,
}

/// Upper bound on the deadlines run after the last record (every window
/// and ORDER BY bucket closes long before this many firings).
const MAX_FINAL_STEPS: usize = 1_000_000;

/// Runs `records` through `app` in simulated time. Record k gets ROWTIME =
/// its `rowtime`, else its `arrival` (or the previous ROWTIME if that is
/// later), else the previous ROWTIME + 1 ms (`start_ms` for the first);
/// APPROXIMATE_ARRIVAL_TIME = its `arrival`,
/// else its ROWTIME. Before each insert the clock advances through every
/// deadline up to the ROWTIME; after the last record it advances until
/// nothing is pending, so every window closes.
pub fn replay(
    app: &mut SqlApp,
    schema: &RecordSchema,
    records: &[InputRecord],
    start_ms: i64,
) -> Replayed {
    let mut done = Replayed::default();
    let mut last_rowtime: Option<i64> = None;
    for r in records {
        // ROWTIME is the insertion time, so it never goes back: a record
        // whose arrival is before the last ROWTIME (arrivals interleave
        // across shards) is inserted at the last ROWTIME. Only an explicit
        // `rowtime` that goes back is an error (the engine's).
        let rowtime = match (r.rowtime, r.arrival) {
            (Some(t), _) => t,
            (None, Some(a)) => last_rowtime.map_or(a, |l| l.max(a)),
            (None, None) => last_rowtime.map_or(start_ms, |t| t.saturating_add(1)),
        };
        let arrival = r.arrival.unwrap_or(rowtime);
        // A record that fails the schema still takes its place in time.
        last_rowtime = Some(last_rowtime.map_or(rowtime, |t| t.max(rowtime)));
        advance(app, rowtime, &mut done.rows);
        let row = match schema.row(&r.data) {
            Ok(row) => row,
            Err(e) => {
                done.rejected.push((r.line, e));
                continue;
            }
        };
        if let Err(e) = app.insert(rowtime, arrival, row) {
            done.stopped = Some((r.line, e));
            done.rows.extend(app.take_output());
            return done;
        }
        done.rows.extend(app.take_output());
    }
    // Run on until nothing is pending.
    let mut steps = 0;
    while let Some(d) = app.next_deadline() {
        if steps >= MAX_FINAL_STEPS {
            break;
        }
        app.advance_to(d);
        done.rows.extend(app.take_output());
        steps += 1;
        if app.next_deadline() == Some(d) {
            // The deadline did not move on; nothing more will fire.
            break;
        }
    }
    done.rows.extend(app.take_output());
    done
}

/// Advances through every deadline ≤ `to`, one at a time, then to `to`.
fn advance(app: &mut SqlApp, to: i64, out: &mut Vec<OutRow>) {
    let mut steps = 0;
    while let Some(d) = app.next_deadline() {
        if d > to || steps >= MAX_FINAL_STEPS {
            break;
        }
        app.advance_to(d);
        out.extend(app.take_output());
        steps += 1;
        if app.next_deadline() == Some(d) {
            break;
        }
    }
    app.advance_to(to);
    out.extend(app.take_output());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::Str(Arc::from(v))
    }

    const TICKER_TOML: &str = r#"
format = "json"

[[column]]
name = "TICKER_SYMBOL"
type = "VARCHAR(4)"
mapping = "$.TICKER_SYMBOL"

[[column]]
name = "PRICE"
type = "double"
mapping = "$.PRICE"

[[column]]
name = "EVENT_TIME"
type = "TIMESTAMP"
mapping = "$.meta.time"
"#;

    #[test]
    fn json_rows_follow_the_mapping() {
        let schema = RecordSchema::from_toml(TICKER_TOML).unwrap();
        let row = schema
            .row(br#"{"TICKER_SYMBOL":"AMZN","PRICE":12,"meta":{"time":"2018-08-01T20:17:20.797945"}}"#)
            .unwrap();
        assert_eq!(row[0], s("AMZN"));
        assert_eq!(row[1], Value::Double(12.0));
        // 20:17:20.797945 → ms, truncated.
        assert_eq!(
            row[2],
            Value::Ts(parse_time_ms("2018-08-01T20:17:20.797Z").unwrap())
        );
        let missing = schema.row(br#"{"PRICE":"3.5"}"#).unwrap();
        assert_eq!(missing, vec![Value::Null, Value::Double(3.5), Value::Null]);
        let too_long = schema.row(br#"{"TICKER_SYMBOL":"AMAZON"}"#).unwrap_err();
        assert_eq!(too_long.column.as_deref(), Some("TICKER_SYMBOL"));
        assert!(
            too_long.reason.contains("VARCHAR(4)"),
            "{}",
            too_long.reason
        );
        let bad = schema.row(br#"{"PRICE":"cheap"}"#).unwrap_err();
        assert_eq!(bad.column.as_deref(), Some("PRICE"));
        let not_json = schema.row(b"AMZN,12").unwrap_err();
        assert_eq!(not_json.column, None);
    }

    #[test]
    fn csv_rows_by_ordinal() {
        let schema = RecordSchema::from_toml(
            "format = \"csv\"\ndelimiter = \"|\"\n[[column]]\nname = \"B\"\ntype = \"INTEGER\"\nmapping = 2\n\
             [[column]]\nname = \"A\"\ntype = \"VARCHAR(8)\"\nmapping = \"1\"\n[[column]]\nname = \"C\"\ntype = \"BIGINT\"\nmapping = 3\n",
        )
        .unwrap();
        assert_eq!(schema.format, RecordFormat::Csv { delimiter: '|' });
        assert_eq!(
            schema.row(b"x y| 42 \n").unwrap(),
            vec![Value::Int(42), s("x y"), Value::Null]
        );
        assert_eq!(
            schema.row(b"\"a|b\"|7|").unwrap(),
            vec![Value::Int(7), s("a|b"), Value::Null]
        );
        let e = schema.row(b"a|99999999999").unwrap_err();
        assert_eq!(e.column.as_deref(), Some("B"));
    }

    #[test]
    fn schema_errors_name_the_field() {
        let e = RecordSchema::from_toml(
            "format = \"xml\"\n[[column]]\nname=\"A\"\ntype=\"INT\"\nmapping=\"$.a\"\n",
        )
        .unwrap_err();
        assert_eq!(e.field, "format");
        let e = RecordSchema::from_toml(
            "format = \"json\"\n[[column]]\nname=\"A\"\ntype=\"TEXT\"\nmapping=\"$.a\"\n",
        )
        .unwrap_err();
        assert_eq!(e.field, "column[1].type");
        let e = RecordSchema::from_toml(
            "format = \"json\"\n[[column]]\nname=\"A\"\ntype=\"INT\"\nmapping=\"$.a\"\n[[column]]\nname=\"B\"\ntype=\"INT\"\nmapping=\"a\"\n",
        )
        .unwrap_err();
        assert_eq!(e.field, "column[2].mapping");
        let e =
            RecordSchema::from_toml("format = \"json\"\n[[column]]\nname=\"A\"\ntype=\"INT\"\n")
                .unwrap_err();
        assert!(e.problem.contains("mapping"), "{e}");
        let e = RecordSchema::from_json(
            r#"{"format":"csv","column":[{"name":"A","type":"INT","mapping":0}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.field, "column[1].mapping");
        let e = RecordSchema::from_json(
            r#"{"format":"json","column":[{"name":"ROWTIME","type":"INT","mapping":"$.a"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.field, "column[1].name");
    }

    #[test]
    fn toml_and_json_forms_round_trip() {
        let schema = RecordSchema::from_toml(TICKER_TOML).unwrap();
        assert_eq!(RecordSchema::from_toml(&schema.to_toml()).unwrap(), schema);
        assert_eq!(RecordSchema::from_json(&schema.to_json()).unwrap(), schema);
        let csv = RecordSchema {
            format: RecordFormat::Csv { delimiter: '\t' },
            columns: vec![MappedColumn {
                name: "Odd name".into(),
                ty: SqlType::Decimal {
                    precision: 8,
                    scale: 2,
                },
                mapping: Mapping::Ordinal(3),
            }],
        };
        assert_eq!(RecordSchema::from_toml(&csv.to_toml()).unwrap(), csv);
        assert_eq!(RecordSchema::from_json(&csv.to_json()).unwrap(), csv);
        assert_eq!(
            parse_path("$['a b'].c").unwrap(),
            vec!["a b".to_string(), "c".into()]
        );
        assert_eq!(
            Mapping::Path(vec!["a b".into(), "c".into()]).to_string(),
            "$['a b'].c"
        );
    }

    #[test]
    fn discovery_names_and_types_like_the_console() {
        let recs: Vec<&[u8]> = vec![
            br#"{"TICKER_SYMBOL":"QXZ","SECTOR":"HEALTHCARE","CHANGE":-0.05,"PRICE":84.51,"n":3,"ok":true}"#,
            br#"{"TICKER_SYMBOL":"AMZN","SECTOR":"RETAIL","CHANGE":1,"PRICE":300,"n":5000000000,"event_time":"2018-08-01T20:17:20.797945","Inner":{"x-y":1}}"#,
        ];
        let d = discover(&recs).unwrap();
        let got: Vec<(String, SqlType, String)> = d
            .columns
            .iter()
            .map(|c| (c.name.clone(), c.ty, c.mapping.to_string()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "TICKER_SYMBOL".into(),
                    SqlType::Varchar(4),
                    "$.TICKER_SYMBOL".into()
                ),
                ("SECTOR".into(), SqlType::Varchar(10), "$.SECTOR".into()),
                ("CHANGE".into(), SqlType::Double, "$.CHANGE".into()),
                ("PRICE".into(), SqlType::Double, "$.PRICE".into()),
                ("N".into(), SqlType::BigInt, "$.n".into()),
                ("OK".into(), SqlType::Boolean, "$.ok".into()),
                (
                    "EVENT_TIME".into(),
                    SqlType::Timestamp,
                    "$.event_time".into()
                ),
                (
                    "INNER_X_Y".into(),
                    SqlType::Integer,
                    "$.Inner['x-y']".into()
                ),
            ]
        );
        // Every sample fits the discovered schema.
        for r in &recs {
            d.row(r).unwrap();
        }
        let csv = discover(&[b"AMZN, 12.5, 3".as_slice(), b"\"A,B\",7,4"]).unwrap();
        assert_eq!(csv.format, RecordFormat::Csv { delimiter: ',' });
        let tys: Vec<SqlType> = csv.columns.iter().map(|c| c.ty).collect();
        assert_eq!(
            tys,
            vec![SqlType::Varchar(4), SqlType::Double, SqlType::Integer]
        );
        assert_eq!(csv.columns[0].name, "COL1");
        assert!(discover(&[]).is_err());
    }

    #[test]
    fn aws_sample_reference_csv_trims_unquoted_fields() {
        let csv = b"Ticker, Company\nAMZN,Amazon\nASD, SomeCompanyA\nMMB, SomeCompanyB\nWAS,  SomeCompanyC\n";
        let (def, rows) = load_table("CompanyName", csv, TableFormat::Csv, None).unwrap();
        assert_eq!(def.name, "CompanyName");
        let names: Vec<&str> = def.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, vec!["Ticker", "Company"]);
        assert_eq!(def.columns[1].ty, SqlType::Varchar(12));
        assert_eq!(rows.rows.len(), 4);
        assert_eq!(rows.rows[3], vec![s("WAS"), s("SomeCompanyC")]);
        let bad = load_table("T", b"a,b\n1,2,3\n", TableFormat::Csv, None).unwrap_err();
        assert_eq!(bad.field, "line 2");
        let (def, rows) = load_table(
            "T",
            b"{\"k\":\"a\",\"v\":1}\n\n{\"k\":\"b\",\"v\":2.5}\n",
            TableFormat::JsonLines,
            None,
        )
        .unwrap();
        assert_eq!(def.columns[1].ty, SqlType::Double);
        assert_eq!(rows.rows[1], vec![s("b"), Value::Double(2.5)]);
        let bad = load_table("T", b"{\"k\":1}\n[1]\n", TableFormat::JsonLines, None).unwrap_err();
        assert_eq!(bad.field, "line 2");
    }

    #[test]
    fn times_print_and_parse() {
        let t = parse_time_ms("2016-07-19T17:06:00Z").unwrap();
        assert_eq!(format_time_ms(t), "2016-07-19T17:06:00.000Z");
        assert_eq!(
            parse_time_ms("2016-07-19T17:06:00.123+00:00"),
            Some(t + 123)
        );
        assert_eq!(parse_time_ms("2016-07-19 17:06:00"), Some(t));
        assert_eq!(format_time_ms(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(format_time_ms(DEFAULT_START_MS), "2016-07-19T17:05:00.000Z");
    }

    #[test]
    fn input_lines_envelopes_and_bare_records() {
        let text = "{\"arrival\":\"2016-07-19T17:05:01Z\",\"data\":{\"a\":1}}\n\n{\"a\":2}\n{\"data\":\"x,1\",\"rowtime\":\"2016-07-19T17:05:03Z\"}\nplain,csv\n";
        let recs = parse_input(text).unwrap();
        assert_eq!(recs.len(), 4);
        assert_eq!(recs[0].arrival, parse_time_ms("2016-07-19T17:05:01Z"));
        assert_eq!(recs[0].data, br#"{"a":1}"#);
        // The record's keys keep their order.
        let kept = parse_input(r#"{"data":{"z":1,"a":{"y":[2,{"c":3,"b":4}],"x":null}},"arrival":"2016-07-19T17:05:01Z"}"#).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&kept[0].data),
            r#"{"z":1,"a":{"y":[2,{"b":4,"c":3}],"x":null}}"#
        );
        assert_eq!(
            (recs[1].line, recs[1].arrival, recs[1].data.as_slice()),
            (3, None, br#"{"a":2}"#.as_slice())
        );
        assert_eq!(recs[2].data, b"x,1");
        assert_eq!(recs[2].rowtime, parse_time_ms("2016-07-19T17:05:03Z"));
        assert_eq!(recs[3].data, b"plain,csv");
        let e = parse_input("{\"arrival\":\"yesterday\",\"data\":{}}").unwrap_err();
        assert_eq!(e.field, "line 1: arrival");
    }

    mod no_panics {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200),
                         text in "[ -~\\n\",{}:$.\\[\\]']{0,120}") {
                let json = RecordSchema::from_toml(TICKER_TOML).unwrap();
                let _ = json.row(&bytes);
                let _ = json.row(text.as_bytes());
                let csv = RecordSchema {
                    format: RecordFormat::Csv { delimiter: ';' },
                    columns: vec![
                        MappedColumn { name: "A".into(), ty: SqlType::TinyInt, mapping: Mapping::Ordinal(1) },
                        MappedColumn { name: "B".into(), ty: SqlType::Timestamp, mapping: Mapping::Ordinal(2) },
                        MappedColumn { name: "C".into(), ty: SqlType::Decimal { precision: 4, scale: 2 }, mapping: Mapping::Ordinal(9) },
                    ],
                };
                let _ = csv.row(&bytes);
                let _ = csv.row(text.as_bytes());
                let _ = discover(&[&bytes, text.as_bytes()]);
                let _ = load_table("T", &bytes, TableFormat::Csv, None);
                let _ = load_table("T", text.as_bytes(), TableFormat::Csv, None);
                let _ = load_table("T", text.as_bytes(), TableFormat::JsonLines, None);
                let _ = RecordSchema::from_toml(&text);
                let _ = RecordSchema::from_json(&text);
                let _ = parse_input(&text);
                let _ = parse_type(&text);
                let _ = parse_path(&text);
                let _ = parse_time_ms(&text);
            }

            #[test]
            fn discovered_schema_reads_its_own_sample(
                recs in proptest::collection::vec(
                    proptest::collection::btree_map("[a-zA-Z_]{1,6}", prop_oneof![
                        any::<i64>().prop_map(serde_json::Value::from),
                        (-1e9f64..1e9).prop_map(serde_json::Value::from),
                        "[ -~]{0,12}".prop_map(serde_json::Value::from),
                        any::<bool>().prop_map(serde_json::Value::from),
                    ], 1..5),
                    1..6)
            ) {
                let bytes: Vec<Vec<u8>> = recs.iter().map(|m| serde_json::to_vec(m).unwrap()).collect();
                let refs: Vec<&[u8]> = bytes.iter().map(|b| b.as_slice()).collect();
                let schema = discover(&refs).unwrap();
                for b in &refs {
                    prop_assert!(schema.row(b).is_ok(), "{:?} on {}", schema.row(b), String::from_utf8_lossy(b));
                }
            }
        }
    }
}
