//! The SQL engine's benchmark workload, shared by `core/benches/sql.rs`
//! (native) and the app's `#/bench` page (WASM): a tumbling
//! `GROUP BY TICKER, STEP(ROWTIME BY INTERVAL '60' SECOND)` with `COUNT(*)`
//! and `SUM(PRICE)`, the plan built by hand so it needs no compiler.
//!
//! ```sql
//! CREATE STREAM "DESTINATION_SQL_STREAM" (TICKER VARCHAR(8), TRADES BIGINT, VOLUME DOUBLE);
//! CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
//!   SELECT STREAM TICKER, COUNT(*), SUM(PRICE) FROM "SOURCE_SQL_STREAM_001"
//!   GROUP BY TICKER, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND);
//! ```

use std::sync::Arc;

use super::{SqlApp, TableRows};
use crate::analytics::error::Span;
use crate::analytics::plan::{
    Agg, AggFunc, Expr, Frame, From, Plan, Pump, Query, Shape, StreamDef, StreamKind, Window,
};
use crate::analytics::types::{ColumnDef, SqlType, Value};
use crate::analytics::{ARRIVAL_COLUMN, SOURCE_STREAM};

/// The plan of the workload.
pub fn tumbling_plan() -> Plan {
    let col = |name: &str, ty| ColumnDef {
        name: name.to_string(),
        ty,
    };
    let input = StreamDef {
        name: SOURCE_STREAM.to_string(),
        columns: vec![
            col("TICKER", SqlType::Varchar(8)),
            col("PRICE", SqlType::Double),
            col(ARRIVAL_COLUMN, SqlType::Timestamp),
        ],
        kind: StreamKind::Input,
        span: Span::default(),
    };
    let out = StreamDef {
        name: "DESTINATION_SQL_STREAM".to_string(),
        columns: vec![
            col("TICKER", SqlType::Varchar(8)),
            col("TRADES", SqlType::BigInt),
            col("VOLUME", SqlType::Double),
        ],
        kind: StreamKind::Declared,
        span: Span::default(),
    };
    let query = Query {
        from: From::Stream {
            stream: 0,
            join: None,
        },
        filter: None,
        shape: Shape::Tumbling {
            keys: vec![Expr::Col(0), Expr::Step(Box::new(Expr::RowTime), 60_000)],
            time_key: 1,
            step_ms: 60_000,
            aggs: vec![
                Agg {
                    func: AggFunc::Count,
                    arg: None,
                    distinct: false,
                },
                Agg {
                    func: AggFunc::Sum,
                    arg: Some(Expr::Col(1)),
                    distinct: false,
                },
            ],
            having: None,
        },
        select: vec![Expr::Key(0), Expr::Agg(0), Expr::Agg(1)],
        names: vec!["TICKER".into(), "TRADES".into(), "VOLUME".into()],
        types: vec![SqlType::Varchar(8), SqlType::BigInt, SqlType::Double],
        order_by: None,
        span: Span::default(),
    };
    Plan {
        streams: vec![input, out],
        tables: vec![],
        pumps: vec![Pump {
            name: "P".into(),
            target: 1,
            columns: vec![0, 1, 2],
            query,
            span: Span::default(),
        }],
        warnings: vec![],
    }
}

/// A second workload for the sliding window, the costliest shape:
/// `SELECT STREAM TICKER, COUNT(*) OVER W, AVG(PRICE) OVER W, MAX(PRICE) OVER W
/// … WINDOW W AS (PARTITION BY TICKER RANGE INTERVAL '60' SECOND PRECEDING)`,
/// one output row per input row.
pub fn sliding_plan() -> Plan {
    let mut p = tumbling_plan();
    p.streams[1].columns.push(ColumnDef {
        name: "TOP".into(),
        ty: SqlType::Double,
    });
    let q = &mut p.pumps[0].query;
    q.shape = Shape::Sliding {
        windows: vec![Window {
            partition: vec![Expr::Col(0)],
            frame: Frame::Range(60_000),
        }],
        aggs: vec![
            (
                Agg {
                    func: AggFunc::Count,
                    arg: None,
                    distinct: false,
                },
                0,
            ),
            (
                Agg {
                    func: AggFunc::Avg,
                    arg: Some(Expr::Col(1)),
                    distinct: false,
                },
                0,
            ),
            (
                Agg {
                    func: AggFunc::Max,
                    arg: Some(Expr::Col(1)),
                    distinct: false,
                },
                0,
            ),
        ],
    };
    q.select = vec![Expr::Col(0), Expr::Agg(0), Expr::Agg(1), Expr::Agg(2)];
    q.names.push("TOP".into());
    q.types.push(SqlType::Double);
    p.pumps[0].columns = vec![0, 1, 2, 3];
    p
}

/// One input row: ROWTIME, arrival, the columns without the arrival.
pub type BenchRow = (i64, i64, Vec<Value>);

/// `n` rows over `keys` tickers (strings shared, one `Arc` per ticker),
/// `rate` rows per simulated second from `t0`, prices from a fixed
/// generator. Each row has room for the arrival column, so inserting it
/// does not reallocate.
pub fn tumbling_rows(n: usize, keys: usize, rate: u32, t0: i64) -> Vec<BenchRow> {
    let names: Vec<Arc<str>> = (0..keys.max(1))
        .map(|i| Arc::from(format!("T{i:04}")))
        .collect();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let rate = rate.max(1) as i64;
    (0..n)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let t = t0 + i as i64 * 1000 / rate;
            let mut row = Vec::with_capacity(3);
            row.push(Value::Str(names[(x % names.len() as u64) as usize].clone()));
            row.push(Value::Double(((x >> 20) % 100_000) as f64 / 100.0));
            (t, t, row)
        })
        .collect()
}

/// Runs the workload: inserts every row, fires the last window, and returns
/// the number of output rows. Events are off and the input stream is not
/// captured, as the page does for a long run.
pub fn run_tumbling(rows: Vec<BenchRow>) -> usize {
    run_plan(tumbling_plan(), rows)
}

/// Runs `rows` through `plan` as [`run_tumbling`] does (output drained
/// every 65,536 rows and counted).
pub fn run_plan(plan: Plan, rows: Vec<BenchRow>) -> usize {
    let Ok(mut app) = SqlApp::new(plan, Vec::<TableRows>::new(), 1) else {
        return 0;
    };
    app.set_event_limit(0);
    app.set_capture(0, false);
    let mut out = 0;
    let mut last = 0;
    for (i, (t, a, row)) in rows.into_iter().enumerate() {
        if app.insert(t, a, row).is_err() {
            break;
        }
        last = t;
        if i % 65_536 == 0 {
            out += app.take_output().len();
        }
    }
    app.advance_to(last + 60_000);
    out + app.take_output().len()
}
