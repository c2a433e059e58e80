//! Rows from [`convert::parse_rows`](super::convert::parse_rows) encoded as
//! Apache Parquet, the way Firehose's Parquet SerDe delivers them: one file
//! per delivery, Snappy-compressed pages, every column optional (a missing
//! JSON key is a null).
//!
//! Column types:
//!
//! | schema      | Parquet physical | logical type                       |
//! |-------------|------------------|------------------------------------|
//! | `string`    | BYTE_ARRAY       | STRING (UTF-8)                     |
//! | `int`       | INT32            | INTEGER(32, signed)                |
//! | `bigint`    | INT64            | INTEGER(64, signed)                |
//! | `double`    | DOUBLE           | —                                  |
//! | `boolean`   | BOOLEAN          | —                                  |
//! | `timestamp` | INT64            | TIMESTAMP(MICROS, adjusted to UTC) |
//!
//! Built on the `parquet` crate's low-level writer (no arrow), behind the
//! core feature `parquet` so the app can keep it out of its first download.
//! [`read_parquet`] reads such a file back for previews.

use std::sync::Arc;

use parquet::basic::{
    Compression as PqCompression, LogicalType, Repetition, TimeUnit, Type as Physical,
};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::record::Field;
use parquet::schema::types::{Type, TypePtr};

use super::convert::{Cell, Column, ColumnType, Row, Schema};

/// Rows per row group. Firehose writes one file per delivery; a row group
/// this size keeps the writer's memory bounded on big buffers.
pub const ROW_GROUP_ROWS: usize = 64 * 1024;

/// The name of the root group (what Hive's Parquet SerDe writes).
pub const ROOT_NAME: &str = "hive_schema";

fn parquet_schema(schema: &Schema) -> Result<TypePtr, String> {
    schema.check().map_err(|e| e.to_string())?;
    if schema.columns.is_empty() {
        return Err("schema: no columns".into());
    }
    let mut fields = Vec::with_capacity(schema.columns.len());
    for c in &schema.columns {
        let (physical, logical) = match c.ty {
            ColumnType::String => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
            ColumnType::Int => (Physical::INT32, Some(LogicalType::integer(32, true))),
            ColumnType::Bigint => (Physical::INT64, Some(LogicalType::integer(64, true))),
            ColumnType::Double => (Physical::DOUBLE, None),
            ColumnType::Boolean => (Physical::BOOLEAN, None),
            ColumnType::Timestamp => (
                Physical::INT64,
                Some(LogicalType::timestamp(true, TimeUnit::MICROS)),
            ),
        };
        let t = Type::primitive_type_builder(&c.name, physical)
            .with_repetition(Repetition::OPTIONAL)
            .with_logical_type(logical)
            .build()
            .map_err(|e| format!("schema column `{}`: {e}", c.name))?;
        fields.push(Arc::new(t));
    }
    Type::group_type_builder(ROOT_NAME)
        .with_fields(fields)
        .build()
        .map(Arc::new)
        .map_err(|e| format!("schema: {e}"))
}

/// Encodes `rows` (each with one cell per column of `schema`) as a Parquet
/// file with Snappy pages. A row whose cells do not fit the schema is an
/// error naming the row and the column; nothing panics.
pub fn write_parquet(schema: &Schema, rows: &[Row]) -> Result<Vec<u8>, String> {
    let root = parquet_schema(schema)?;
    for (r, row) in rows.iter().enumerate() {
        if row.cells.len() != schema.columns.len() {
            return Err(format!(
                "row {r}: {} cells for {} columns",
                row.cells.len(),
                schema.columns.len()
            ));
        }
        for (col, cell) in schema.columns.iter().zip(&row.cells) {
            let fits = matches!(
                (col.ty, cell),
                (_, Cell::Null)
                    | (ColumnType::String, Cell::String(_))
                    | (ColumnType::Int, Cell::Int(_))
                    | (ColumnType::Bigint, Cell::Bigint(_))
                    | (ColumnType::Double, Cell::Double(_))
                    | (ColumnType::Boolean, Cell::Boolean(_))
                    | (ColumnType::Timestamp, Cell::Timestamp(_))
            );
            if !fits {
                return Err(format!(
                    "row {r} column `{}`: {cell:?} is not a {}",
                    col.name, col.ty
                ));
            }
        }
    }
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(PqCompression::SNAPPY)
            .build(),
    );
    let mut writer =
        SerializedFileWriter::new(Vec::new(), root, props).map_err(|e| e.to_string())?;
    for group in rows.chunks(ROW_GROUP_ROWS) {
        let mut rg = writer.next_row_group().map_err(|e| e.to_string())?;
        let mut i = 0;
        while let Some(mut cw) = rg.next_column().map_err(|e| e.to_string())? {
            let col = schema.columns.get(i).ok_or_else(|| {
                "the writer asked for more columns than the schema has".to_string()
            })?;
            write_column(&mut cw, col, i, group)
                .map_err(|e| format!("column `{}`: {e}", col.name))?;
            cw.close()
                .map_err(|e| format!("column `{}`: {e}", col.name))?;
            i += 1;
        }
        rg.close().map_err(|e| e.to_string())?;
    }
    writer.into_inner().map_err(|e| e.to_string())
}

fn write_column(
    cw: &mut parquet::file::writer::SerializedColumnWriter<'_>,
    col: &Column,
    i: usize,
    rows: &[Row],
) -> Result<(), parquet::errors::ParquetError> {
    let def: Vec<i16> = rows
        .iter()
        .map(|r| i16::from(!matches!(r.cells[i], Cell::Null)))
        .collect();
    macro_rules! put {
        ($ty:ty, $pat:pat => $val:expr) => {{
            let values: Vec<_> = rows
                .iter()
                .filter_map(|r| match &r.cells[i] {
                    $pat => Some($val),
                    _ => None,
                })
                .collect();
            cw.typed::<$ty>().write_batch(&values, Some(&def), None)?;
        }};
    }
    match col.ty {
        ColumnType::String => {
            put!(ByteArrayType, Cell::String(s) => ByteArray::from(s.as_bytes().to_vec()))
        }
        ColumnType::Int => put!(Int32Type, Cell::Int(v) => *v),
        ColumnType::Bigint => put!(Int64Type, Cell::Bigint(v) => *v),
        ColumnType::Double => put!(DoubleType, Cell::Double(v) => *v),
        ColumnType::Boolean => put!(BoolType, Cell::Boolean(v) => *v),
        ColumnType::Timestamp => put!(Int64Type, Cell::Timestamp(v) => *v),
    }
    Ok(())
}

/// Reads a Parquet file written by [`write_parquet`] (or any flat file of the
/// same column types) back into its schema and rows, for previews. Rows get
/// `record` = their position in the file.
pub fn read_parquet(bytes: &[u8]) -> Result<(Schema, Vec<Row>), String> {
    let reader = SerializedFileReader::new(bytes::Bytes::copy_from_slice(bytes))
        .map_err(|e| e.to_string())?;
    let descr = reader.metadata().file_metadata().schema_descr_ptr();
    let mut columns = Vec::new();
    for c in descr.columns() {
        if c.max_rep_level() > 0 || c.path().parts().len() != 1 {
            return Err(format!(
                "column `{}` is nested; only flat files are read",
                c.path()
            ));
        }
        let logical = c.logical_type_ref();
        let ty = match (c.physical_type(), logical) {
            (Physical::BYTE_ARRAY, _) => ColumnType::String,
            (Physical::INT32, _) => ColumnType::Int,
            (Physical::INT64, Some(LogicalType::Timestamp(_))) => ColumnType::Timestamp,
            (Physical::INT64, _) => ColumnType::Bigint,
            (Physical::DOUBLE, _) => ColumnType::Double,
            (Physical::BOOLEAN, _) => ColumnType::Boolean,
            (p, _) => return Err(format!("column `{}`: type {p} is not offered", c.name())),
        };
        columns.push(Column {
            name: c.name().to_string(),
            ty,
        });
    }
    let schema = Schema { columns };
    let mut rows = Vec::new();
    let iter = reader.get_row_iter(None).map_err(|e| e.to_string())?;
    for (n, row) in iter.enumerate() {
        let row = row.map_err(|e| format!("row {n}: {e}"))?;
        let mut cells = Vec::with_capacity(schema.columns.len());
        for (name, field) in row.get_column_iter() {
            let cell = match field {
                Field::Null => Cell::Null,
                Field::Str(s) => Cell::String(s.clone()),
                Field::Bytes(b) => Cell::String(String::from_utf8_lossy(b.data()).into_owned()),
                Field::Int(v) => Cell::Int(*v),
                Field::Long(v) => Cell::Bigint(*v),
                Field::Double(v) => Cell::Double(*v),
                Field::Bool(v) => Cell::Boolean(*v),
                Field::TimestampMicros(v) => Cell::Timestamp(*v),
                Field::TimestampMillis(v) => Cell::Timestamp(v.saturating_mul(1_000)),
                other => return Err(format!("row {n} column `{name}`: {other:?} is not offered")),
            };
            cells.push(cell);
        }
        rows.push(Row { record: n, cells });
    }
    Ok((schema, rows))
}
