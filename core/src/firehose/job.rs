//! The message that carries a format-converted object's rows to a Parquet
//! encoder running somewhere else (the browser's lazily loaded worker).
//!
//! The page ships without the Parquet writer; when a student downloads a
//! `.parquet` object, the page sends [`encode_job`]'s text to the worker,
//! which calls [`decode_job`] and `parquet::write_parquet`. The text is JSON:
//! `{"schema": "id:int, …", "rows": [[cell, …], …]}`, each cell read back
//! by its column's type, so the rows arrive exactly as they were (timestamps
//! as integer microseconds, doubles written in full precision).
//!
//! Anything else (a damaged message) is an `Err` naming the row and column.

use super::convert::{Cell, ColumnType, Row, Schema};
use serde_json::{json, Value as Json};

/// The job text for `rows` read against `schema`.
pub fn encode_job(schema: &Schema, rows: &[Row]) -> String {
    let rows: Vec<Json> = rows
        .iter()
        .map(|r| {
            Json::Array(
                r.cells
                    .iter()
                    .map(|c| match c {
                        Cell::Null => Json::Null,
                        Cell::String(s) => Json::String(s.clone()),
                        Cell::Int(v) => json!(v),
                        Cell::Bigint(v) | Cell::Timestamp(v) => json!(v),
                        Cell::Double(v) => serde_json::Number::from_f64(*v)
                            .map(Json::Number)
                            .unwrap_or(Json::Null),
                        Cell::Boolean(v) => Json::Bool(*v),
                    })
                    .collect(),
            )
        })
        .collect();
    json!({ "schema": schema.to_text(), "rows": rows }).to_string()
}

/// The schema and rows of a job made by [`encode_job`]. Rows get their
/// position as `record` (the input record index is not needed to encode).
pub fn decode_job(text: &str) -> Result<(Schema, Vec<Row>), String> {
    let v: Json = serde_json::from_str(text).map_err(|e| format!("job: not JSON ({e})"))?;
    let schema_text = v
        .get("schema")
        .and_then(Json::as_str)
        .ok_or("job.schema: missing or not text")?;
    let schema = Schema::parse(schema_text).map_err(|e| format!("job.schema: {e}"))?;
    let rows = v
        .get("rows")
        .and_then(Json::as_array)
        .ok_or("job.rows: missing or not a list")?;
    let mut out = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let cells = r
            .as_array()
            .ok_or_else(|| format!("job.rows[{i}]: not a list"))?;
        if cells.len() != schema.columns.len() {
            return Err(format!(
                "job.rows[{i}]: {} cells for {} columns",
                cells.len(),
                schema.columns.len()
            ));
        }
        let mut row = Vec::with_capacity(cells.len());
        for (col, cell) in schema.columns.iter().zip(cells) {
            let bad = || format!("job.rows[{i}].{}: expected {}", col.name, col.ty.name());
            let c = match (cell, col.ty) {
                (Json::Null, _) => Cell::Null,
                (Json::String(s), ColumnType::String) => Cell::String(s.clone()),
                (Json::Number(n), ColumnType::Int) => Cell::Int(
                    n.as_i64()
                        .and_then(|x| i32::try_from(x).ok())
                        .ok_or_else(bad)?,
                ),
                (Json::Number(n), ColumnType::Bigint) => Cell::Bigint(n.as_i64().ok_or_else(bad)?),
                (Json::Number(n), ColumnType::Timestamp) => {
                    Cell::Timestamp(n.as_i64().ok_or_else(bad)?)
                }
                (Json::Number(n), ColumnType::Double) => Cell::Double(n.as_f64().ok_or_else(bad)?),
                (Json::Bool(b), ColumnType::Boolean) => Cell::Boolean(*b),
                _ => return Err(bad()),
            };
            row.push(c);
        }
        out.push(Row {
            record: i,
            cells: row,
        });
    }
    Ok((schema, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cell_for(ty: ColumnType) -> BoxedStrategy<Cell> {
        let v = match ty {
            ColumnType::String => any::<String>().prop_map(Cell::String).boxed(),
            ColumnType::Int => any::<i32>().prop_map(Cell::Int).boxed(),
            ColumnType::Bigint => any::<i64>().prop_map(Cell::Bigint).boxed(),
            ColumnType::Double => any::<f64>()
                .prop_filter("finite", |x| x.is_finite())
                .prop_map(Cell::Double)
                .boxed(),
            ColumnType::Boolean => any::<bool>().prop_map(Cell::Boolean).boxed(),
            ColumnType::Timestamp => any::<i64>().prop_map(Cell::Timestamp).boxed(),
        };
        prop_oneof![1 => Just(Cell::Null), 4 => v].boxed()
    }

    fn schema_and_rows() -> impl Strategy<Value = (Schema, Vec<Row>)> {
        proptest::collection::vec(0..ColumnType::ALL.len(), 1..6).prop_flat_map(|tys| {
            let schema = Schema::parse(
                &tys.iter()
                    .enumerate()
                    .map(|(i, t)| format!("c{i}:{}", ColumnType::ALL[*t].name()))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
            .expect("generated schema is valid");
            let cells: Vec<_> = tys.iter().map(|t| cell_for(ColumnType::ALL[*t])).collect();
            let rows = proptest::collection::vec(cells, 0..8).prop_map(|rows| {
                rows.into_iter()
                    .enumerate()
                    .map(|(i, cells)| Row { record: i, cells })
                    .collect::<Vec<_>>()
            });
            (Just(schema), rows)
        })
    }

    proptest! {
        #[test]
        fn rows_arrive_exactly_as_sent((schema, rows) in schema_and_rows()) {
            let (s2, r2) = decode_job(&encode_job(&schema, &rows)).unwrap();
            prop_assert_eq!(s2, schema);
            prop_assert_eq!(r2, rows);
        }

        #[test]
        fn damaged_jobs_are_errors_not_panics(text in ".{0,200}") {
            let _ = decode_job(&text);
        }
    }

    #[test]
    fn a_cell_of_the_wrong_type_names_row_and_column() {
        let e =
            decode_job(r#"{"schema":"id:int, name:string","rows":[[1,"a"],[2,3]]}"#).unwrap_err();
        assert_eq!(e, "job.rows[1].name: expected string");
        let e = decode_job(r#"{"schema":"id:int","rows":[[4294967296]]}"#).unwrap_err();
        assert_eq!(e, "job.rows[0].id: expected int");
        let e = decode_job(r#"{"schema":"id:int","rows":[[1,2]]}"#).unwrap_err();
        assert!(e.contains("2 cells for 1 columns"), "{e}");
    }
}
