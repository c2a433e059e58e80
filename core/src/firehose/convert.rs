//! Record format conversion, the record side: JSON records read against a
//! schema into typed rows (the Parquet encoding itself is in
//! `firehose::parquet`, behind the `parquet` feature).
//!
//! The [`Schema`] plays the role of the AWS Glue table: an ordered list of
//! columns with Hive types. It is written in a compact text form,
//! `id:int, name:string, ts:timestamp`, or as `{"columns": [{"name", "type"}]}`.
//!
//! [`parse_rows`] follows the OpenX JSON SerDe as Firehose documents it:
//! - a record holds one or more JSON objects back to back (`{"a":1}{"a":2}`
//!   gives two rows); a JSON array is not valid input;
//! - keys match columns without regard to letter case; a column with no key
//!   is null; keys that are not columns are ignored;
//! - a value of the wrong type fails the whole record, with a reason naming
//!   the column; such records go to the `format-conversion-failed/` error
//!   prefix as [`conversion_failed_record`] JSON;
//! - numeric columns also take numbers written as strings, a string column
//!   takes any value (nested JSON as its text);
//! - timestamps: `yyyy-MM-dd'T'HH:mm:ss[.S]'Z'`, `yyyy-[M]M-[d]d HH:mm:ss[.S]`
//!   (fraction up to 9 digits), epoch seconds, epoch milliseconds and
//!   floating-point epoch seconds. An integer of more than 10 digits is read
//!   as milliseconds (10 digits of seconds reach the year 2286). Values are
//!   kept in microseconds since the Unix epoch (UTC), so fraction digits past
//!   the sixth are dropped; years 0001–9999 only.
//!
//! Nothing here panics on any input.

use std::fmt;

use crate::calendar::{civil_from_days, days_from_civil};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value as Json;

/// A Hive column type offered for conversion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    String,
    Int,
    Bigint,
    Double,
    Boolean,
    Timestamp,
}

impl ColumnType {
    pub const ALL: [ColumnType; 6] = [
        ColumnType::String,
        ColumnType::Int,
        ColumnType::Bigint,
        ColumnType::Double,
        ColumnType::Boolean,
        ColumnType::Timestamp,
    ];

    /// The Hive/Glue name (`string`, `int`, …).
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::String => "string",
            ColumnType::Int => "int",
            ColumnType::Bigint => "bigint",
            ColumnType::Double => "double",
            ColumnType::Boolean => "boolean",
            ColumnType::Timestamp => "timestamp",
        }
    }

    fn from_name(s: &str) -> Option<ColumnType> {
        ColumnType::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One column of the table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColumnType,
}

/// The table the records are read against (the Glue table's role).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Schema {
    pub columns: Vec<Column>,
}

/// A schema that cannot be used. `column` is 1-based (0 when the text has
/// no column at all), `position` the 1-based character where the column's
/// text starts (0 when the schema was not given as text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaError {
    pub column: usize,
    pub name: Option<String>,
    pub position: usize,
    pub message: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column == 0 {
            return write!(f, "schema: {}", self.message);
        }
        write!(f, "schema column {}", self.column)?;
        if let Some(name) = &self.name {
            write!(f, " `{name}`")?;
        }
        if self.position > 0 {
            write!(f, " (character {})", self.position)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for SchemaError {}

/// Longest column name Glue accepts.
pub const MAX_COLUMN_NAME: usize = 255;

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the column has no name".into());
    }
    if name.chars().count() > MAX_COLUMN_NAME {
        return Err(format!(
            "the name is longer than {MAX_COLUMN_NAME} characters"
        ));
    }
    let mut chars = name.chars();
    let first = chars.next().unwrap_or('_');
    if !(first.is_ascii_alphabetic() || first == '_') {
        return Err(format!(
            "the name `{name}` must start with a letter or an underscore"
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(format!(
            "the name `{name}` has {bad:?}; use letters, digits and underscores"
        ));
    }
    Ok(())
}

fn type_list() -> String {
    let names: Vec<&str> = ColumnType::ALL.iter().map(|t| t.name()).collect();
    names.join(", ")
}

impl Schema {
    /// Parses `name:type` pairs separated by commas or new lines, e.g.
    /// `id:int, name:string, ts:timestamp`. Types are case-insensitive.
    pub fn parse(text: &str) -> Result<Schema, SchemaError> {
        let mut columns = Vec::new();
        let mut starts = Vec::new();
        let mut ordinal = 0usize;
        let mut char_at = 0usize; // characters consumed before this piece
        for piece in text.split([',', '\n']) {
            let piece_chars = piece.chars().count();
            let lead = piece.chars().take_while(|c| c.is_whitespace()).count();
            let item = piece.trim();
            let position = char_at + lead + 1;
            char_at += piece_chars + 1;
            if item.is_empty() {
                continue;
            }
            ordinal += 1;
            let fail = |name: Option<&str>, message: String| SchemaError {
                column: ordinal,
                name: name.map(str::to_string),
                position,
                message,
            };
            let Some((name, ty)) = item.split_once(':') else {
                return Err(fail(
                    None,
                    format!("`{item}` has no type; write it as name:type"),
                ));
            };
            let (name, ty) = (name.trim(), ty.trim());
            check_name(name)
                .map_err(|m| fail(if name.is_empty() { None } else { Some(name) }, m))?;
            let Some(ty) = ColumnType::from_name(ty) else {
                let m = if ty.is_empty() {
                    format!("no type after the colon; use one of {}", type_list())
                } else {
                    format!("unknown type `{ty}`; use one of {}", type_list())
                };
                return Err(fail(Some(name), m));
            };
            columns.push(Column {
                name: name.to_string(),
                ty,
            });
            starts.push(position);
        }
        if columns.is_empty() {
            return Err(SchemaError {
                column: 0,
                name: None,
                position: 0,
                message: "no columns; write them as name:type, separated by commas".into(),
            });
        }
        let schema = Schema { columns };
        schema.check().map_err(|mut e| {
            e.position = starts.get(e.column.wrapping_sub(1)).copied().unwrap_or(0);
            e
        })?;
        Ok(schema)
    }

    /// Checks names and duplicates (names compared without letter case, as
    /// the deserializer matches keys). An empty schema passes here; the
    /// delivery stream's config reports it.
    pub fn check(&self) -> Result<(), SchemaError> {
        for (i, c) in self.columns.iter().enumerate() {
            let fail = |message: String| SchemaError {
                column: i + 1,
                name: Some(c.name.clone()).filter(|n| !n.is_empty()),
                position: 0,
                message,
            };
            check_name(&c.name).map_err(fail)?;
            if let Some(j) = self.columns[..i]
                .iter()
                .position(|p| p.name.eq_ignore_ascii_case(&c.name))
            {
                return Err(fail(format!(
                    "the name repeats column {} `{}` (names ignore letter case)",
                    j + 1,
                    self.columns[j].name
                )));
            }
        }
        Ok(())
    }

    /// The compact text form that [`Schema::parse`] reads.
    pub fn to_text(&self) -> String {
        let parts: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("{}:{}", c.name, c.ty))
            .collect();
        parts.join(", ")
    }

    /// Index of the column `key` fills (case-insensitive), if any.
    pub fn column_index(&self, key: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(key))
    }
}

impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl<'de> Deserialize<'de> for Schema {
    /// Either the text form (`"id:int, name:string"`) or `{columns = [...]}`.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            columns: Vec<Column>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Text(String),
            Table(Table),
        }
        match Form::deserialize(d).map_err(|_| {
            serde::de::Error::custom(
                "schema: expected text like \"id:int, name:string\" or a table with `columns` (each with `name` and `type`)",
            )
        })? {
            Form::Text(t) => Schema::parse(&t).map_err(serde::de::Error::custom),
            Form::Table(t) => {
                let s = Schema { columns: t.columns };
                s.check().map_err(serde::de::Error::custom)?;
                Ok(s)
            }
        }
    }
}

/// One typed cell.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Null,
    String(String),
    Int(i32),
    Bigint(i64),
    Double(f64),
    Boolean(bool),
    /// Microseconds since 1970-01-01T00:00:00Z.
    Timestamp(i64),
}

impl Cell {
    /// The cell as a JSON value (timestamps as `yyyy-MM-dd HH:mm:ss[.ffffff]` text).
    pub fn to_json(&self) -> Json {
        match self {
            Cell::Null => Json::Null,
            Cell::String(s) => Json::String(s.clone()),
            Cell::Int(v) => Json::from(*v),
            Cell::Bigint(v) => Json::from(*v),
            Cell::Double(v) => serde_json::Number::from_f64(*v)
                .map(Json::Number)
                .unwrap_or(Json::Null),
            Cell::Boolean(v) => Json::Bool(*v),
            Cell::Timestamp(us) => Json::String(format_timestamp(*us)),
        }
    }
}

/// One converted row: a cell per schema column, in schema order, and the
/// index of the input record it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub record: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    /// One JSON object line, keys in schema order (for previews and COPY).
    pub fn to_json_line(&self, schema: &Schema) -> String {
        let mut out = String::from("{");
        for (i, (col, cell)) in schema.columns.iter().zip(&self.cells).enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&Json::String(col.name.clone()).to_string());
            out.push(':');
            out.push_str(&cell.to_json().to_string());
        }
        out.push('}');
        out
    }
}

/// A record that could not be converted: its index in the input and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConversionFailure {
    pub index: usize,
    /// The column at fault, when there is one.
    pub column: Option<String>,
    pub reason: String,
}

/// The error code written for records that do not match the schema.
pub const MALFORMED_DATA: &str = "DataFormatConversion.MalformedData";

/// Reads each record as one or more JSON objects against `schema`. Rows come
/// out in input order; a record fails as a whole when any of its objects
/// does not fit.
pub fn parse_rows(schema: &Schema, records: &[&[u8]]) -> (Vec<Row>, Vec<ConversionFailure>) {
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for (index, record) in records.iter().enumerate() {
        match parse_record(schema, record) {
            Ok(cells) => rows.extend(cells.into_iter().map(|cells| Row {
                record: index,
                cells,
            })),
            Err((column, reason)) => failures.push(ConversionFailure {
                index,
                column,
                reason,
            }),
        }
    }
    (rows, failures)
}

type Failure = (Option<String>, String);

fn parse_record(schema: &Schema, record: &[u8]) -> Result<Vec<Vec<Cell>>, Failure> {
    let text = std::str::from_utf8(record).map_err(|e| {
        (
            None,
            format!(
                "the record is not UTF-8 text (bad byte at {})",
                e.valid_up_to()
            ),
        )
    })?;
    let mut out = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Json>();
    loop {
        let doc = match stream.next() {
            None => break,
            Some(Ok(doc)) => doc,
            Some(Err(e)) => {
                return Err((
                    None,
                    format!(
                        "not valid JSON at line {} column {}: {}",
                        e.line(),
                        e.column(),
                        short_json_error(&e)
                    ),
                ))
            }
        };
        let n = out.len() + 1;
        match doc {
            Json::Object(map) => out.push(object_row(schema, &map)?),
            Json::Array(_) => {
                return Err((
                    None,
                    format!("JSON document {n} is an array; put one object per document, back to back, not in an array"),
                ))
            }
            other => {
                return Err((
                    None,
                    format!("JSON document {n} is {}, not an object", kind(&other)),
                ))
            }
        }
    }
    if out.is_empty() {
        return Err((None, "the record holds no JSON object".into()));
    }
    Ok(out)
}

fn short_json_error(e: &serde_json::Error) -> String {
    // serde_json's message ends with " at line L column C"; the position is
    // already given.
    let m = e.to_string();
    match m.rfind(" at line ") {
        Some(i) => m[..i].to_string(),
        None => m,
    }
}

fn kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

fn object_row(schema: &Schema, map: &serde_json::Map<String, Json>) -> Result<Vec<Cell>, Failure> {
    let mut cells = Vec::with_capacity(schema.columns.len());
    for col in &schema.columns {
        // An exact key wins; otherwise the first key (in map order) that
        // matches without letter case.
        let value = map.get(&col.name).or_else(|| {
            map.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(&col.name))
                .map(|(_, v)| v)
        });
        let cell = match value {
            None | Some(Json::Null) => Cell::Null,
            Some(v) => cell(col.ty, v).map_err(|m| {
                (
                    Some(col.name.clone()),
                    format!("column `{}` ({}): {m}", col.name, col.ty),
                )
            })?,
        };
        cells.push(cell);
    }
    Ok(cells)
}

fn show(v: &Json) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        let cut: String = s.chars().take(37).collect();
        format!("{cut}...")
    } else {
        s
    }
}

fn cell(ty: ColumnType, v: &Json) -> Result<Cell, String> {
    let wrong = |what: &str| format!("expected {what}, got {} {}", kind(v), show(v));
    match ty {
        ColumnType::String => Ok(Cell::String(match v {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        })),
        ColumnType::Int => {
            let n = integer(v).ok_or_else(|| wrong("an int"))?;
            i32::try_from(n)
                .map(Cell::Int)
                .map_err(|_| format!("{n} is outside the int range (-2147483648 to 2147483647)"))
        }
        ColumnType::Bigint => integer(v).map(Cell::Bigint).ok_or_else(|| match v {
            Json::Number(n) if n.is_u64() => format!("{n} is outside the bigint range"),
            _ => wrong("a bigint"),
        }),
        ColumnType::Double => {
            let d = match v {
                Json::Number(n) => n.as_f64(),
                Json::String(s) => s.parse::<f64>().ok(),
                _ => None,
            };
            match d {
                Some(d) if d.is_finite() => Ok(Cell::Double(d)),
                _ => Err(wrong("a double")),
            }
        }
        ColumnType::Boolean => match v {
            Json::Bool(b) => Ok(Cell::Boolean(*b)),
            Json::String(s) if s.eq_ignore_ascii_case("true") => Ok(Cell::Boolean(true)),
            Json::String(s) if s.eq_ignore_ascii_case("false") => Ok(Cell::Boolean(false)),
            _ => Err(wrong("a boolean")),
        },
        ColumnType::Timestamp => {
            let us = match v {
                Json::Number(n) => match n.as_i64() {
                    Some(i) => epoch_integer(i, &n.to_string()),
                    None => n.as_f64().and_then(epoch_float),
                },
                Json::String(s) => parse_timestamp(s),
                _ => None,
            };
            us.map(Cell::Timestamp).ok_or_else(|| {
                format!(
                    "{} is not a timestamp; use yyyy-MM-ddTHH:mm:ss[.S]Z, yyyy-M-d HH:mm:ss[.S], epoch seconds or epoch milliseconds (years 1 to 9999)",
                    show(v)
                )
            })
        }
    }
}

/// An integer from a JSON number or a string of decimal digits.
fn integer(v: &Json) -> Option<i64> {
    match v {
        Json::Number(n) => n.as_i64(),
        Json::String(s) => {
            let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse::<i64>().ok()
        }
        _ => None,
    }
}

/// First and last instants kept: 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z.
pub const MIN_TIMESTAMP_US: i64 = -62_135_596_800_000_000;
pub const MAX_TIMESTAMP_US: i64 = 253_402_300_799_999_999;

fn in_range(us: i64) -> Option<i64> {
    (MIN_TIMESTAMP_US..=MAX_TIMESTAMP_US)
        .contains(&us)
        .then_some(us)
}

/// Epoch seconds, or milliseconds when written with more than 10 digits.
fn epoch_integer(i: i64, text: &str) -> Option<i64> {
    let digits = text.trim_start_matches(['-', '+']).len();
    let factor = if digits > 10 { 1_000 } else { 1_000_000 };
    i.checked_mul(factor).and_then(in_range)
}

fn epoch_float(f: f64) -> Option<i64> {
    if !f.is_finite() {
        return None;
    }
    let us = (f * 1e6).round();
    if us < MIN_TIMESTAMP_US as f64 || us > MAX_TIMESTAMP_US as f64 {
        return None;
    }
    Some(us as i64)
}

/// Parses a timestamp string in one of the documented forms, to
/// microseconds since the epoch (UTC).
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let (sign, digits) = match b.first() {
        Some(b'-') | Some(b'+') => (&s[..1], &s[1..]),
        _ => ("", s),
    };
    if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) {
        let i = format!("{sign}{digits}").parse::<i64>().ok()?;
        return epoch_integer(i, digits);
    }
    if let Some((whole, frac)) = digits.split_once('.') {
        let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
        if all_digits(whole) && all_digits(frac) {
            return s.parse::<f64>().ok().and_then(epoch_float);
        }
    }
    parse_datetime(s)
}

/// `yyyy-MM-dd'T'HH:mm:ss[.S]'Z'` (two-digit month and day) or
/// `yyyy-[M]M-[d]d HH:mm:ss[.S]`, fraction of 1 to 9 digits.
fn parse_datetime(s: &str) -> Option<i64> {
    let (date, time, iso) = if let Some((d, t)) = s.split_once('T') {
        (d, t.strip_suffix('Z')?, true)
    } else {
        let (d, t) = s.split_once(' ')?;
        (d, t, false)
    };
    let mut dp = date.split('-');
    let (y, m, d) = (dp.next()?, dp.next()?, dp.next()?);
    if dp.next().is_some() || y.len() != 4 {
        return None;
    }
    let md_ok = |t: &str| {
        if iso {
            t.len() == 2
        } else {
            (1..=2).contains(&t.len())
        }
    };
    if !md_ok(m) || !md_ok(d) {
        return None;
    }
    let (hms, frac) = match time.split_once('.') {
        Some((h, f)) => (h, Some(f)),
        None => (time, None),
    };
    let mut tp = hms.split(':');
    let (hh, mi, ss) = (tp.next()?, tp.next()?, tp.next()?);
    if tp.next().is_some() || hh.len() != 2 || mi.len() != 2 || ss.len() != 2 {
        return None;
    }
    let num = |t: &str| -> Option<i64> {
        if t.is_empty() || !t.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        t.parse::<i64>().ok()
    };
    let (y, m, d) = (num(y)?, num(m)?, num(d)?);
    let (hh, mi, ss) = (num(hh)?, num(mi)?, num(ss)?);
    if y < 1 || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    if hh > 23 || mi > 59 || ss > 59 {
        return None;
    }
    let micros = match frac {
        None => 0,
        Some(f) => {
            if f.is_empty() || f.len() > 9 || !f.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let six: String = f.chars().chain(std::iter::repeat('0')).take(6).collect();
            six.parse::<i64>().ok()?
        }
    };
    let days = days_from_civil(y, m, d);
    let secs = days * 86_400 + hh * 3_600 + mi * 60 + ss;
    in_range(secs * 1_000_000 + micros)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// `yyyy-MM-dd HH:mm:ss`, then `.ffffff` when there is a fraction.
pub fn format_timestamp(us: i64) -> String {
    let secs = us.div_euclid(1_000_000);
    let frac = us.rem_euclid(1_000_000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    let mut s = format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        sod / 3_600,
        sod % 3_600 / 60,
        sod % 60
    );
    if frac != 0 {
        s.push_str(&format!(".{frac:06}"));
    }
    s
}

/// The Glue table named in `format-conversion-failed/` records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataCatalogTable {
    pub catalog_id: String,
    pub database_name: String,
    pub table_name: String,
    pub region: String,
    pub version_id: String,
    pub catalog_arn: String,
}

impl Default for DataCatalogTable {
    fn default() -> Self {
        DataCatalogTable {
            catalog_id: "000000000000".into(),
            database_name: "lab".into(),
            table_name: "records".into(),
            region: "us-east-1".into(),
            version_id: "LATEST".into(),
            catalog_arn: "arn:aws:glue:us-east-1:000000000000:catalog".into(),
        }
    }
}

/// What a `format-conversion-failed/` record says about one input record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConversionFailedInfo<'a> {
    pub attempts_made: u64,
    pub arrival_ms: u64,
    pub error_code: &'a str,
    pub error_message: &'a str,
    pub attempt_ending_ms: u64,
    pub raw_data: &'a [u8],
    /// Present when the source is a Kinesis data stream.
    pub sequence_number: Option<&'a str>,
    pub sub_sequence_number: Option<u64>,
    pub table: &'a DataCatalogTable,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConversionFailedRecord<'a> {
    attempts_made: u64,
    arrival_timestamp: u64,
    last_error_code: &'a str,
    last_error_message: &'a str,
    attempt_ending_timestamp: u64,
    raw_data: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    sequence_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_sequence_number: Option<u64>,
    data_catalog_table: &'a DataCatalogTable,
}

/// The documented JSON document for one record in the
/// `format-conversion-failed/` error prefix, as one line ending in `\n`.
/// Fields in the documented order; `rawData` is base64. `sequenceNumber`
/// and `subSequenceNumber` are left out for Direct PUT sources.
pub fn conversion_failed_record(info: &ConversionFailedInfo<'_>) -> String {
    let rec = ConversionFailedRecord {
        attempts_made: info.attempts_made,
        arrival_timestamp: info.arrival_ms,
        last_error_code: info.error_code,
        last_error_message: info.error_message,
        attempt_ending_timestamp: info.attempt_ending_ms,
        raw_data: B64.encode(info.raw_data),
        sequence_number: info.sequence_number,
        sub_sequence_number: info.sub_sequence_number,
        data_catalog_table: info.table,
    };
    let mut line = serde_json::to_string(&rec).unwrap_or_default();
    line.push('\n');
    line
}
