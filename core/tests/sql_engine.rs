//! The SQL runtime (`analytics::engine`): plans built by hand (and, further
//! down, compiled from SQL), checked against the rows the AWS pages document
//! and against naive oracles that recompute every window from all the rows.

use std::collections::BTreeMap;
use std::sync::Arc;

use kinesis_lab_core::analytics::engine::{
    EngineError, Limits, OutRow, SqlApp, SqlEvent, TableRows,
};
use kinesis_lab_core::analytics::error::Span;
use kinesis_lab_core::analytics::plan::*;
use kinesis_lab_core::analytics::types::{ColumnDef, SqlType, Value};
use kinesis_lab_core::analytics::{ARRIVAL_COLUMN, SOURCE_STREAM};
use proptest::prelude::*;

// ------------------------------------------------------------ plan builders

fn c(name: &str, ty: SqlType) -> ColumnDef {
    ColumnDef {
        name: name.to_string(),
        ty,
    }
}

fn input(mut cols: Vec<ColumnDef>) -> StreamDef {
    cols.push(c(ARRIVAL_COLUMN, SqlType::Timestamp));
    StreamDef {
        name: SOURCE_STREAM.into(),
        columns: cols,
        kind: StreamKind::Input,
        span: Span::default(),
    }
}

fn stream(name: &str, cols: Vec<ColumnDef>) -> StreamDef {
    StreamDef {
        name: name.into(),
        columns: cols,
        kind: StreamKind::Declared,
        span: Span::default(),
    }
}

fn query(from: From, shape: Shape, select: Vec<Expr>) -> Query {
    let n = select.len();
    Query {
        from,
        filter: None,
        shape,
        select,
        names: (0..n).map(|i| format!("EXPR${i}")).collect(),
        types: vec![SqlType::Double; n],
        order_by: None,
        span: Span::default(),
    }
}

fn from(stream: usize) -> From {
    From::Stream { stream, join: None }
}

fn pump(target: usize, q: Query) -> Pump {
    let n = q.select.len();
    Pump {
        name: format!("P{target}"),
        target,
        columns: (0..n).collect(),
        query: q,
        span: Span::default(),
    }
}

fn plan(streams: Vec<StreamDef>, pumps: Vec<Pump>) -> Plan {
    Plan {
        streams,
        tables: vec![],
        pumps,
        warnings: vec![],
    }
}

fn agg(func: AggFunc, arg: Option<Expr>) -> Agg {
    Agg {
        func,
        arg,
        distinct: false,
    }
}

fn b(op: BinaryOp, x: Expr, y: Expr) -> Expr {
    Expr::Binary(op, Box::new(x), Box::new(y))
}

fn lit(v: Value) -> Expr {
    Expr::Lit(v)
}

fn s(x: &str) -> Value {
    Value::Str(Arc::from(x))
}

fn ts(text: &str) -> i64 {
    kinesis_lab_core::analytics::engine::value::parse_ts(text).expect(text)
}

/// The ticker input: TICKER VARCHAR(4), PRICE DOUBLE, EVENT_TIME TIMESTAMP (+ arrival).
fn ticker_input() -> StreamDef {
    input(vec![
        c("TICKER", SqlType::Varchar(4)),
        c("PRICE", SqlType::Double),
        c("EVENT_TIME", SqlType::Timestamp),
    ])
}

#[derive(Clone, Debug)]
struct Tick {
    rt: i64,
    ticker: &'static str,
    price: f64,
    event: i64,
}

const TICKERS: [&str; 5] = ["AMZN", "INTC", "MSFT", "AAPL", "ORCL"];
const T0: i64 = 1_533_121_200_000; // 2018-08-01 11:00:00

/// Deterministic pseudo-random ticks, several per ROWTIME now and then.
fn ticks(n: usize, seed: u64, gap_ms: i64) -> Vec<Tick> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut t = T0;
    (0..n)
        .map(|_| {
            let r = next();
            if r % 4 != 0 {
                t += (r >> 8) as i64 % gap_ms;
            }
            let ticker = TICKERS[(r >> 20) as usize % TICKERS.len()];
            let price = ((r >> 30) % 10_000) as f64 / 100.0;
            let event = t - ((r >> 45) % 90_000) as i64;
            Tick {
                rt: t,
                ticker,
                price,
                event,
            }
        })
        .collect()
}

fn row_of(t: &Tick) -> Vec<Value> {
    vec![s(t.ticker), Value::Double(t.price), Value::Ts(t.event)]
}

/// Inserts every tick; with `tick_ms`, advances the clock in steps of that
/// size between rows as the page does; at the end advances far enough to
/// fire everything.
fn run(app: &mut SqlApp, rows: &[Tick], tick_ms: Option<i64>) -> Vec<OutRow> {
    let mut out = Vec::new();
    let mut clock = rows.first().map_or(T0, |r| r.rt);
    for r in rows {
        if let Some(step) = tick_ms {
            while clock + step <= r.rt {
                clock += step;
                app.advance_to(clock);
                out.extend(app.take_output());
            }
        }
        app.insert(r.rt, r.rt, row_of(r)).unwrap();
        out.extend(app.take_output());
    }
    let end = rows.last().map_or(T0, |r| r.rt) + 3_600_000;
    app.advance_to(end);
    out.extend(app.take_output());
    out
}

fn of_stream(rows: &[OutRow], stream: usize) -> Vec<(i64, Vec<Value>)> {
    rows.iter()
        .filter(|r| r.stream == stream)
        .map(|r| (r.rowtime, r.values.clone()))
        .collect()
}

fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Double(x), Value::Double(y)) => {
            (x - y).abs() <= 1e-9 * (1.0 + x.abs().max(y.abs()))
        }
        _ => a == b,
    }
}

fn assert_rows_close(got: &[(i64, Vec<Value>)], want: &[(i64, Vec<Value>)]) {
    assert_eq!(
        got.len(),
        want.len(),
        "row count\n got {got:?}\nwant {want:?}"
    );
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g.0, w.0, "ROWTIME of row {i}: got {g:?} want {w:?}");
        assert_eq!(g.1.len(), w.1.len(), "row {i}");
        for (x, y) in g.1.iter().zip(&w.1) {
            assert!(close(x, y), "row {i}: got {g:?} want {w:?}");
        }
    }
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        other => panic!("not an integer: {other:?}"),
    }
}

fn app(p: Plan) -> SqlApp {
    SqlApp::new(p, vec![], 7).unwrap()
}

// ------------------------------------------------------------ documented cases

/// stagger-window-concepts.md, "Partial results…": a tumbling window on
/// ROWTIME grouped by the event-time minute splits the first minute's rows.
#[test]
fn tumbling_partial_results_as_documented() {
    let out = stream(
        "DESTINATION_SQL_STREAM",
        vec![
            c("TICKER_SYMBOL", SqlType::Varchar(4)),
            c("EVENT_TIME", SqlType::Timestamp),
            c("TICKER_COUNT", SqlType::Double),
        ],
    );
    let q = query(
        from(0),
        Shape::Tumbling {
            keys: vec![
                Expr::Col(0),
                Expr::FloorTo(Box::new(Expr::Col(2)), TimeUnit::Minute),
                Expr::Step(Box::new(Expr::RowTime), 60_000),
            ],
            time_key: 2,
            step_ms: 60_000,
            aggs: vec![agg(AggFunc::Count, Some(Expr::Col(0)))],
            having: None,
        },
        vec![Expr::Key(0), Expr::Key(1), Expr::Agg(0)],
    );
    let mut a = app(plan(vec![ticker_input(), out], vec![pump(1, q)]));
    let day = "2018-08-01 ";
    for (rt, ev) in [
        ("11:00:20", "11:00:10"),
        ("11:00:30", "11:00:20"),
        ("11:01:05", "11:00:55"),
        ("11:01:15", "11:01:05"),
    ] {
        let rt = ts(&format!("{day}{rt}"));
        a.insert(
            rt,
            rt,
            vec![
                s("AMZN"),
                Value::Double(1.0),
                Value::Ts(ts(&format!("{day}{ev}"))),
            ],
        )
        .unwrap();
    }
    a.advance_to(ts("2018-08-01 11:05:00"));
    let got = of_stream(&a.take_output(), 1);
    let want = vec![
        (
            ts("2018-08-01 11:01:00"),
            vec![
                s("AMZN"),
                Value::Ts(ts("2018-08-01 11:00:00")),
                Value::Double(2.0),
            ],
        ),
        (
            ts("2018-08-01 11:02:00"),
            vec![
                s("AMZN"),
                Value::Ts(ts("2018-08-01 11:00:00")),
                Value::Double(1.0),
            ],
        ),
        (
            ts("2018-08-01 11:02:00"),
            vec![
                s("AMZN"),
                Value::Ts(ts("2018-08-01 11:01:00")),
                Value::Double(1.0),
            ],
        ),
    ];
    assert_eq!(got, want);
}

fn stagger_concepts_plan() -> Plan {
    let out = stream(
        "DESTINATION_SQL_STREAM",
        vec![
            c("ticker_symbol", SqlType::Varchar(4)),
            c("event_time", SqlType::Timestamp),
            c("ticker_count", SqlType::Double),
        ],
    );
    let q = query(
        from(0),
        Shape::Stagger {
            keys: vec![
                Expr::FloorTo(Box::new(Expr::Col(2)), TimeUnit::Minute),
                Expr::Col(0),
            ],
            range_ms: 60_000,
            aggs: vec![agg(AggFunc::Count, Some(Expr::Col(0)))],
            having: None,
        },
        vec![Expr::Key(1), Expr::Key(0), Expr::Agg(0)],
    );
    plan(vec![ticker_input(), out], vec![pump(1, q)])
}

/// stagger-window-concepts.md, "Complete results…": exact input and output.
#[test]
fn stagger_concepts_as_documented() {
    let mut a = app(stagger_concepts_plan());
    let day = "2018-08-01 ";
    for (rt, ev) in [
        ("11:00:20", "11:00:10"),
        ("11:00:30", "11:00:20"),
        ("11:01:05", "11:00:55"),
        ("11:01:15", "11:01:05"),
    ] {
        let rt = ts(&format!("{day}{rt}"));
        a.insert(
            rt,
            rt,
            vec![
                s("AMZN"),
                Value::Double(1.0),
                Value::Ts(ts(&format!("{day}{ev}"))),
            ],
        )
        .unwrap();
    }
    assert_eq!(a.next_deadline(), Some(ts("2018-08-01 11:01:20")));
    a.advance_to(ts("2018-08-01 11:05:00"));
    let got = of_stream(&a.take_output(), 1);
    let want = vec![
        (
            ts("2018-08-01 11:01:20"),
            vec![
                s("AMZN"),
                Value::Ts(ts("2018-08-01 11:00:00")),
                Value::Double(3.0),
            ],
        ),
        (
            ts("2018-08-01 11:02:15"),
            vec![
                s("AMZN"),
                Value::Ts(ts("2018-08-01 11:01:00")),
                Value::Double(1.0),
            ],
        ),
    ];
    assert_eq!(got, want);
    let ev = a.take_events();
    let opens = ev
        .iter()
        .filter(|e| matches!(e, SqlEvent::WindowOpen { .. }))
        .count();
    let fires: Vec<u64> = ev
        .iter()
        .filter_map(|e| {
            if let SqlEvent::WindowFire { rows, .. } = e {
                Some(*rows)
            } else {
                None
            }
        })
        .collect();
    assert_eq!((opens, fires), (2, vec![3, 1]));
}

/// examples-window-stagger.md: six AMZN rows from 20:17:30 and six INTC rows
/// from 20:18:31, partitioned by ticker and event time; one row of count 6 each
/// at open + 1 minute.
#[test]
fn stagger_example_counts_six_and_six() {
    let mut p = stagger_concepts_plan();
    if let Shape::Stagger { keys, .. } = &mut p.pumps[0].query.shape {
        *keys = vec![Expr::Col(0), Expr::Col(2)];
    }
    p.pumps[0].query.select = vec![Expr::Key(0), Expr::Key(1), Expr::Agg(0)];
    let mut a = app(p);
    let ev = ts("2018-08-01 20:17:00");
    for (ticker, start) in [
        ("AMZN", "2018-08-01 20:17:30"),
        ("INTC", "2018-08-01 20:18:31"),
    ] {
        for i in 0..6 {
            let rt = ts(start) + i * 10_000;
            a.insert(rt, rt, vec![s(ticker), Value::Double(1.0), Value::Ts(ev)])
                .unwrap();
        }
    }
    a.advance_to(ts("2018-08-01 21:00:00"));
    let got = of_stream(&a.take_output(), 1);
    let counts: Vec<(i64, &Value, &Value)> = got.iter().map(|(t, v)| (*t, &v[0], &v[2])).collect();
    assert_eq!(
        counts,
        vec![
            (ts("2018-08-01 20:18:30"), &s("AMZN"), &Value::Double(6.0)),
            (ts("2018-08-01 20:19:31"), &s("INTC"), &Value::Double(6.0))
        ]
    );
}

fn count_over(frame: Frame, partition: Vec<Expr>) -> Plan {
    let out = stream(
        "OUT",
        vec![c("TICKER", SqlType::Varchar(4)), c("N", SqlType::BigInt)],
    );
    let q = query(
        from(0),
        Shape::Sliding {
            windows: vec![Window { partition, frame }],
            aggs: vec![(agg(AggFunc::Count, None), 0)],
        },
        vec![Expr::Col(0), Expr::Agg(0)],
    );
    plan(vec![ticker_input(), out], vec![pump(1, q)])
}

/// sliding-window-concepts.md walk-through with a 5-second window: rows at
/// 1, 2, 6, 7, 8, 8, 8 s count 1, 2, 2, 2, 5, 5, 5 (the lower bound is
/// exclusive and the three rows at 8 s are peers).
#[test]
fn sliding_walkthrough_counts() {
    let mut a = app(count_over(Frame::Range(5_000), vec![]));
    for sec in [1, 2, 6, 7, 8, 8, 8] {
        let rt = T0 + sec * 1000;
        a.insert(rt, rt, vec![s("AMZN"), Value::Double(1.0), Value::Ts(rt)])
            .unwrap();
    }
    a.advance_to(T0 + 20_000);
    let got: Vec<Value> = of_stream(&a.take_output(), 1)
        .into_iter()
        .map(|(_, v)| v[1].clone())
        .collect();
    let want: Vec<Value> = [1, 2, 2, 2, 5, 5, 5].into_iter().map(Value::Int).collect();
    assert_eq!(got, want);
}

// ------------------------------------------------------------ oracles

fn tumbling_plan_all_aggs(step: i64) -> Plan {
    let out = stream(
        "OUT",
        vec![
            c("TICKER", SqlType::Varchar(4)),
            c("N", SqlType::BigInt),
            c("TOTAL", SqlType::Double),
            c("LO", SqlType::Double),
            c("HI", SqlType::Double),
            c("MEAN", SqlType::Double),
            c("WSTART", SqlType::Timestamp),
        ],
    );
    let q = query(
        from(0),
        Shape::Tumbling {
            keys: vec![Expr::Col(0), Expr::Step(Box::new(Expr::RowTime), step)],
            time_key: 1,
            step_ms: step,
            aggs: vec![
                agg(AggFunc::Count, None),
                agg(AggFunc::Sum, Some(Expr::Col(1))),
                agg(AggFunc::Min, Some(Expr::Col(1))),
                agg(AggFunc::Max, Some(Expr::Col(1))),
                agg(AggFunc::Avg, Some(Expr::Col(1))),
            ],
            having: None,
        },
        vec![
            Expr::Key(0),
            Expr::Agg(0),
            Expr::Agg(1),
            Expr::Agg(2),
            Expr::Agg(3),
            Expr::Agg(4),
            Expr::Key(1),
        ],
    );
    plan(vec![ticker_input(), out], vec![pump(1, q)])
}

/// Naive tumbling: group every row by (window, ticker) from scratch; windows
/// in time order, groups in first-seen order, ROWTIME = window end.
fn tumbling_oracle(rows: &[Tick], step: i64) -> Vec<(i64, Vec<Value>)> {
    let mut windows: BTreeMap<i64, Vec<(&str, Vec<f64>)>> = BTreeMap::new();
    for r in rows {
        let w = r.rt.div_euclid(step) * step;
        let groups = windows.entry(w).or_default();
        match groups.iter_mut().find(|g| g.0 == r.ticker) {
            Some(g) => g.1.push(r.price),
            None => groups.push((r.ticker, vec![r.price])),
        }
    }
    let mut out = Vec::new();
    for (w, groups) in windows {
        for (t, prices) in groups {
            let sum: f64 = prices.iter().fold(0.0, |a, p| a + p);
            let lo = prices.iter().cloned().fold(f64::INFINITY, f64::min);
            let hi = prices.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            out.push((
                w + step,
                vec![
                    s(t),
                    Value::Int(prices.len() as i64),
                    Value::Double(sum),
                    Value::Double(lo),
                    Value::Double(hi),
                    Value::Double(sum / prices.len() as f64),
                    Value::Ts(w),
                ],
            ));
        }
    }
    out
}

#[test]
fn tumbling_matches_naive_recompute() {
    for (seed, step) in [(1, 60_000), (2, 10_000), (3, 1_000)] {
        let rows = ticks(3_000, seed, 700);
        let mut a = app(tumbling_plan_all_aggs(step));
        let got = of_stream(&run(&mut a, &rows, None), 1);
        assert_rows_close(&got, &tumbling_oracle(&rows, step));
    }
}

#[test]
fn tumbling_having_filters_groups() {
    let mut p = tumbling_plan_all_aggs(60_000);
    if let Shape::Tumbling { having, .. } = &mut p.pumps[0].query.shape {
        *having = Some(b(BinaryOp::Gt, Expr::Agg(0), lit(Value::Int(20))));
    }
    let rows = ticks(2_000, 9, 500);
    let got = of_stream(&run(&mut app(p), &rows, None), 1);
    let want: Vec<_> = tumbling_oracle(&rows, 60_000)
        .into_iter()
        .filter(|(_, v)| int(&v[1]) > 20)
        .collect();
    assert!(!want.is_empty() && want.len() < tumbling_oracle(&rows, 60_000).len());
    assert_rows_close(&got, &want);
}

/// Naive sliding: for each row, scan every row of its partition.
fn sliding_oracle(rows: &[Tick], frame: Frame, by_ticker: bool) -> Vec<(i64, Vec<Value>)> {
    let mut out = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let same = |o: &Tick| !by_ticker || o.ticker == r.ticker;
        let members: Vec<&Tick> = match frame {
            Frame::Range(ms) => rows
                .iter()
                .filter(|o| same(o) && o.rt > r.rt - ms && o.rt <= r.rt)
                .collect(),
            Frame::Rows(n) => {
                let mut before: Vec<&Tick> = rows[..=i].iter().filter(|o| same(o)).collect();
                let keep = before.len().saturating_sub(n as usize + 1);
                before.drain(..keep);
                before
            }
        };
        let prices: Vec<f64> = members.iter().map(|m| m.price).collect();
        let sum: f64 = prices.iter().sum();
        out.push((
            r.rt,
            vec![
                s(r.ticker),
                Value::Int(prices.len() as i64),
                Value::Double(sum),
                Value::Double(prices.iter().cloned().fold(f64::INFINITY, f64::min)),
                Value::Double(prices.iter().cloned().fold(f64::NEG_INFINITY, f64::max)),
                Value::Double(sum / prices.len() as f64),
            ],
        ));
    }
    out
}

fn sliding_plan(frame: Frame, by_ticker: bool) -> Plan {
    let out = stream(
        "OUT",
        vec![
            c("TICKER", SqlType::Varchar(4)),
            c("N", SqlType::BigInt),
            c("TOTAL", SqlType::Double),
            c("LO", SqlType::Double),
            c("HI", SqlType::Double),
            c("MEAN", SqlType::Double),
        ],
    );
    let w = Window {
        partition: if by_ticker {
            vec![Expr::Col(0)]
        } else {
            vec![]
        },
        frame,
    };
    let q = query(
        from(0),
        Shape::Sliding {
            windows: vec![w],
            aggs: vec![
                (agg(AggFunc::Count, None), 0),
                (agg(AggFunc::Sum, Some(Expr::Col(1))), 0),
                (agg(AggFunc::Min, Some(Expr::Col(1))), 0),
                (agg(AggFunc::Max, Some(Expr::Col(1))), 0),
                (agg(AggFunc::Avg, Some(Expr::Col(1))), 0),
            ],
        },
        vec![
            Expr::Col(0),
            Expr::Agg(0),
            Expr::Agg(1),
            Expr::Agg(2),
            Expr::Agg(3),
            Expr::Agg(4),
        ],
    );
    plan(vec![ticker_input(), out], vec![pump(1, q)])
}

#[test]
fn sliding_matches_naive_recompute() {
    for (seed, frame, by) in [
        (1, Frame::Range(60_000), true),
        (2, Frame::Range(5_000), false),
        (3, Frame::Rows(2), true),
        (4, Frame::Rows(10), false),
        (5, Frame::Range(1), true),
        (6, Frame::Rows(0), true),
    ] {
        let rows = ticks(2_000, seed, 900);
        let got = of_stream(&run(&mut app(sliding_plan(frame, by)), &rows, None), 1);
        assert_rows_close(&got, &sliding_oracle(&rows, frame, by));
    }
}

/// Two windows in one query (fixture 25: ROWS 2 and ROWS 10), plus a RANGE.
#[test]
fn sliding_several_windows() {
    let out = stream(
        "OUT",
        vec![
            c("A", SqlType::BigInt),
            c("B", SqlType::Double),
            c("C", SqlType::Double),
        ],
    );
    let q = query(
        from(0),
        Shape::Sliding {
            windows: vec![
                Window {
                    partition: vec![Expr::Col(0)],
                    frame: Frame::Rows(2),
                },
                Window {
                    partition: vec![Expr::Col(0)],
                    frame: Frame::Rows(10),
                },
                Window {
                    partition: vec![],
                    frame: Frame::Range(30_000),
                },
            ],
            aggs: vec![
                (agg(AggFunc::Count, None), 0),
                (agg(AggFunc::Max, Some(Expr::Col(1))), 1),
                (agg(AggFunc::Sum, Some(Expr::Col(1))), 2),
            ],
        },
        vec![Expr::Agg(0), Expr::Agg(1), Expr::Agg(2)],
    );
    let rows = ticks(1_500, 11, 2_000);
    let got = of_stream(
        &run(
            &mut app(plan(vec![ticker_input(), out], vec![pump(1, q)])),
            &rows,
            None,
        ),
        1,
    );
    let r2 = sliding_oracle(&rows, Frame::Rows(2), true);
    let r10 = sliding_oracle(&rows, Frame::Rows(10), true);
    let g30 = sliding_oracle(&rows, Frame::Range(30_000), false);
    let want: Vec<_> = (0..rows.len())
        .map(|i| {
            (
                rows[i].rt,
                vec![r2[i].1[1].clone(), r10[i].1[4].clone(), g30[i].1[2].clone()],
            )
        })
        .collect();
    assert_rows_close(&got, &want);
}

/// Naive stagger: per key, windows opened by the first row at or after the
/// previous window's close.
fn stagger_oracle(rows: &[Tick], range: i64) -> Vec<(i64, Vec<Value>)> {
    let mut open: BTreeMap<&str, (i64, i64, u32)> = BTreeMap::new(); // key → (open, seq, count)
    let mut done: Vec<(i64, i64, &str, u32)> = Vec::new(); // (close, seq, key, count)
    let mut seq = 0;
    for r in rows {
        if let Some(&(o, sq, n)) = open.get(r.ticker) {
            if r.rt >= o + range {
                done.push((o + range, sq, r.ticker, n));
                open.remove(r.ticker);
            }
        }
        let e = open.entry(r.ticker).or_insert_with(|| {
            seq += 1;
            (r.rt, seq, 0)
        });
        e.2 += 1;
    }
    for (k, (o, sq, n)) in open {
        done.push((o + range, sq, k, n));
    }
    done.sort_by_key(|d| (d.0, d.1));
    done.into_iter()
        .map(|(cl, _, k, n)| (cl, vec![s(k), Value::Int(n as i64)]))
        .collect()
}

#[test]
fn stagger_matches_naive_recompute() {
    let out = stream(
        "OUT",
        vec![c("TICKER", SqlType::Varchar(4)), c("N", SqlType::BigInt)],
    );
    for (seed, range) in [(1, 60_000), (2, 7_000), (3, 1)] {
        let q = query(
            from(0),
            Shape::Stagger {
                keys: vec![Expr::Col(0)],
                range_ms: range,
                aggs: vec![agg(AggFunc::Count, None)],
                having: None,
            },
            vec![Expr::Key(0), Expr::Agg(0)],
        );
        let rows = ticks(2_000, seed, 3_000);
        let got = of_stream(
            &run(
                &mut app(plan(vec![ticker_input(), out.clone()], vec![pump(1, q)])),
                &rows,
                Some(50),
            ),
            1,
        );
        assert_eq!(got, stagger_oracle(&rows, range), "seed {seed}");
    }
}

/// Naive event-time windows: replay the watermark row by row; a row joins the
/// windows holding its event time that have not fired; a window fires (once)
/// at the first row after which the watermark reaches its end.
fn event_oracle(rows: &[Tick], size: i64, slide: i64, delay: i64) -> (Vec<(i64, Vec<Value>)>, u64) {
    let mut wm = i64::MIN;
    let mut accepted: Vec<(i64, &str, usize)> = Vec::new(); // (window start, key, row index)
    let mut fired: Vec<i64> = Vec::new();
    let mut out = Vec::new();
    let mut late = 0;
    for (i, r) in rows.iter().enumerate() {
        let mut any = false;
        let first = (r.event - size).div_euclid(slide) * slide;
        let mut st = first;
        while st <= r.event {
            if st + size > r.event && st <= r.event && st + size > wm {
                accepted.push((st, r.ticker, i));
                any = true;
            }
            st += slide;
        }
        if !any {
            late += 1;
            continue;
        }
        wm = wm.max(r.event - delay);
        let mut starts: Vec<i64> = accepted
            .iter()
            .map(|a| a.0)
            .filter(|st| st + size <= wm && !fired.contains(st))
            .collect();
        starts.sort();
        starts.dedup();
        for st in starts {
            fired.push(st);
            let mut keys: Vec<&str> = Vec::new();
            for a in accepted.iter().filter(|a| a.0 == st) {
                if !keys.contains(&a.1) {
                    keys.push(a.1);
                }
            }
            for k in keys {
                let n = accepted.iter().filter(|a| a.0 == st && a.1 == k).count();
                out.push((
                    r.rt,
                    vec![
                        Value::Ts(st),
                        Value::Ts(st + size),
                        s(k),
                        Value::Int(n as i64),
                    ],
                ));
            }
        }
    }
    (out, late)
}

#[test]
fn event_time_windows_match_naive_replay() {
    let out = stream(
        "OUT",
        vec![
            c("WS", SqlType::Timestamp),
            c("WE", SqlType::Timestamp),
            c("TICKER", SqlType::Varchar(4)),
            c("N", SqlType::BigInt),
        ],
    );
    for (seed, size, slide, delay) in [
        (1, 60_000, 60_000, 0),
        (2, 60_000, 20_000, 5_000),
        (3, 10_000, 10_000, 30_000),
    ] {
        let q = query(
            from(0),
            Shape::EventTime {
                time: Expr::Col(2),
                size_ms: size,
                slide_ms: slide,
                delay_ms: delay,
                keys: vec![Expr::Col(0)],
                aggs: vec![agg(AggFunc::Count, None)],
            },
            vec![
                Expr::WindowStart,
                Expr::WindowEnd,
                Expr::Key(0),
                Expr::Agg(0),
            ],
        );
        let rows = ticks(1_500, seed, 2_000);
        let mut a = app(plan(vec![ticker_input(), out.clone()], vec![pump(1, q)]));
        let got = of_stream(&run(&mut a, &rows, None), 1);
        let (want, late) = event_oracle(&rows, size, slide, delay);
        assert!(late > 0, "the generated rows include late ones");
        assert_eq!(got, want, "seed {seed}");
        assert_eq!(a.stats().late_rows, late);
    }
}

#[test]
fn order_by_sorts_each_bucket() {
    let out = stream(
        "OUT",
        vec![
            c("TICKER", SqlType::Varchar(4)),
            c("PRICE", SqlType::Double),
        ],
    );
    let mut q = query(from(0), Shape::Rows, vec![Expr::Col(0), Expr::Col(1)]);
    q.order_by = Some(OrderBy {
        bucket: Expr::FloorTo(Box::new(Expr::RowTime), TimeUnit::Second),
        width_ms: 1_000,
        keys: vec![(Expr::Col(1), true), (Expr::Col(0), false)],
    });
    let rows = ticks(1_000, 5, 600);
    let got = of_stream(
        &run(
            &mut app(plan(vec![ticker_input(), out], vec![pump(1, q)])),
            &rows,
            Some(50),
        ),
        1,
    );
    let mut buckets: BTreeMap<i64, Vec<(f64, &str)>> = BTreeMap::new();
    for r in &rows {
        buckets
            .entry(r.rt.div_euclid(1000) * 1000 + 1000)
            .or_default()
            .push((r.price, r.ticker));
    }
    let mut want = Vec::new();
    for (end, mut v) in buckets {
        v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        want.extend(
            v.into_iter()
                .map(|(p, t)| (end, vec![s(t), Value::Double(p)])),
        );
    }
    assert_eq!(got, want);
}

#[test]
fn reference_join_left_and_inner() {
    let company = TableDef {
        name: "CompanyName".into(),
        columns: vec![
            c("Ticker", SqlType::Varchar(4)),
            c("Company", SqlType::Varchar(20)),
        ],
    };
    let table = TableRows {
        rows: vec![
            vec![s("AMZN"), s("Amazon")],
            vec![s("MSFT"), s("Microsoft")],
            vec![s("MSFT"), s("Microsoft (again)")],
        ],
    };
    for outer in [true, false] {
        let out = stream(
            "OUT",
            vec![
                c("TICKER", SqlType::Varchar(4)),
                c("COMPANY", SqlType::Varchar(20)),
            ],
        );
        let q = query(
            From::Stream {
                stream: 0,
                join: Some(Join {
                    table: 0,
                    left_key: Expr::Col(0),
                    right_col: 0,
                    outer,
                }),
            },
            Shape::Rows,
            vec![Expr::Col(0), Expr::Col(5)],
        );
        let mut p = plan(vec![ticker_input(), out], vec![pump(1, q)]);
        p.tables = vec![company.clone()];
        let mut a = SqlApp::new(p, vec![table.clone()], 1).unwrap();
        let rows = ticks(200, 3, 1000);
        let got = of_stream(&run(&mut a, &rows, None), 1);
        let mut want = Vec::new();
        for r in &rows {
            let hits: Vec<&Vec<Value>> =
                table.rows.iter().filter(|t| t[0] == s(r.ticker)).collect();
            if hits.is_empty() && outer {
                want.push((r.rt, vec![s(r.ticker), Value::Null]));
            }
            for h in hits {
                want.push((r.rt, vec![s(r.ticker), h[1].clone()]));
            }
        }
        assert_eq!(got, want);
    }
}

#[test]
fn reference_table_rows_are_checked() {
    let mut p = plan(vec![ticker_input()], vec![]);
    p.tables = vec![TableDef {
        name: "T".into(),
        columns: vec![c("A", SqlType::Integer)],
    }];
    assert!(matches!(
        SqlApp::new(p.clone(), vec![], 1),
        Err(EngineError::Table { .. })
    ));
    let bad = TableRows {
        rows: vec![vec![Value::Int(1), Value::Int(2)]],
    };
    assert!(matches!(
        SqlApp::new(p, vec![bad], 1),
        Err(EngineError::Table { .. })
    ));
}

/// Fixture 26's shape: COUNT(*) OVER a window in a subquery, then WHERE on it.
#[test]
fn subquery_then_filter() {
    let out = stream(
        "OUT",
        vec![c("TICKER", SqlType::Varchar(4)), c("N", SqlType::BigInt)],
    );
    let inner = query(
        from(0),
        Shape::Sliding {
            windows: vec![Window {
                partition: vec![Expr::Col(0)],
                frame: Frame::Range(10_000),
            }],
            aggs: vec![(agg(AggFunc::Count, None), 0)],
        },
        vec![Expr::Col(0), Expr::Agg(0)],
    );
    let mut outer = query(
        From::Subquery(Box::new(inner)),
        Shape::Rows,
        vec![Expr::Col(0), Expr::Col(1)],
    );
    outer.filter = Some(b(BinaryOp::GtEq, Expr::Col(1), lit(Value::Int(3))));
    let rows = ticks(1_000, 8, 3_000);
    let got = of_stream(
        &run(
            &mut app(plan(vec![ticker_input(), out], vec![pump(1, outer)])),
            &rows,
            None,
        ),
        1,
    );
    let want: Vec<_> = sliding_oracle(&rows, Frame::Range(10_000), true)
        .into_iter()
        .filter(|(_, v)| int(&v[1]) >= 3)
        .map(|(t, v)| (t, vec![v[0].clone(), v[1].clone()]))
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
}

/// Fixture 27's shape: a tumbling pump feeds a second stream; a pump on it
/// filters; every row of every stream is in the output with its ROWTIME.
#[test]
fn chained_pumps_copy_rowtime() {
    let mid = stream(
        "MID",
        vec![c("TICKER", SqlType::Varchar(4)), c("N", SqlType::BigInt)],
    );
    let last = stream(
        "LAST",
        vec![
            c("TICKER", SqlType::Varchar(4)),
            c("N", SqlType::BigInt),
            c("EXTRA", SqlType::Varchar(4)),
        ],
    );
    let q1 = query(
        from(0),
        Shape::Tumbling {
            keys: vec![Expr::Col(0), Expr::Step(Box::new(Expr::RowTime), 10_000)],
            time_key: 1,
            step_ms: 10_000,
            aggs: vec![agg(AggFunc::Count, None)],
            having: None,
        },
        vec![Expr::Key(0), Expr::Agg(0)],
    );
    let mut q2 = query(from(1), Shape::Rows, vec![Expr::Col(1), Expr::Col(0)]);
    q2.filter = Some(b(BinaryOp::Gt, Expr::Col(1), lit(Value::Int(2))));
    let mut p2 = pump(2, q2);
    p2.columns = vec![1, 0]; // INSERT INTO LAST (N, TICKER): EXTRA stays NULL
    let rows = ticks(1_000, 4, 900);
    let mut a = app(plan(vec![ticker_input(), mid, last], vec![pump(1, q1), p2]));
    let all = run(&mut a, &rows, Some(1_000));
    assert_eq!(of_stream(&all, 0).len(), rows.len());
    let mids = of_stream(&all, 1);
    let want_mid: Vec<_> = tumbling_oracle(&rows, 10_000)
        .into_iter()
        .map(|(t, v)| (t, vec![v[0].clone(), v[1].clone()]))
        .collect();
    assert_eq!(mids, want_mid);
    let want_last: Vec<_> = want_mid
        .iter()
        .filter(|(_, v)| int(&v[1]) > 2)
        .map(|(t, v)| (*t, vec![v[0].clone(), v[1].clone(), Value::Null]))
        .collect();
    assert_eq!(of_stream(&all, 2), want_last);
    // ROWTIME never goes back within a stream.
    for st in 0..3 {
        let times: Vec<i64> = of_stream(&all, st).iter().map(|r| r.0).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "stream {st}");
    }
    assert_eq!(a.stats().rows[0], rows.len() as u64);
}

#[test]
fn count_distinct() {
    let out = stream(
        "OUT",
        vec![c("N", SqlType::BigInt), c("S", SqlType::Double)],
    );
    let mut dn = agg(AggFunc::Count, Some(Expr::Col(0)));
    dn.distinct = true;
    let mut ds = agg(AggFunc::Sum, Some(Expr::Col(1)));
    ds.distinct = true;
    let q = query(
        from(0),
        Shape::Tumbling {
            keys: vec![Expr::Step(Box::new(Expr::RowTime), 60_000)],
            time_key: 0,
            step_ms: 60_000,
            aggs: vec![dn.clone(), ds.clone()],
            having: None,
        },
        vec![Expr::Agg(0), Expr::Agg(1)],
    );
    let rows = ticks(2_000, 6, 500);
    let got = of_stream(
        &run(
            &mut app(plan(vec![ticker_input(), out.clone()], vec![pump(1, q)])),
            &rows,
            None,
        ),
        1,
    );
    let mut w: BTreeMap<i64, (Vec<&str>, Vec<f64>)> = BTreeMap::new();
    for r in &rows {
        let e = w
            .entry(r.rt.div_euclid(60_000) * 60_000 + 60_000)
            .or_default();
        if !e.0.contains(&r.ticker) {
            e.0.push(r.ticker);
        }
        if !e.1.contains(&r.price) {
            e.1.push(r.price);
        }
    }
    let want: Vec<_> = w
        .into_iter()
        .map(|(t, (k, p))| {
            (
                t,
                vec![Value::Int(k.len() as i64), Value::Double(p.iter().sum())],
            )
        })
        .collect();
    assert_rows_close(&got, &want);
    // The same over a sliding window (distinct values leave as the window moves).
    let q = query(
        from(0),
        Shape::Sliding {
            windows: vec![Window {
                partition: vec![],
                frame: Frame::Range(20_000),
            }],
            aggs: vec![(dn, 0), (ds, 0)],
        },
        vec![Expr::Agg(0), Expr::Agg(1)],
    );
    let got = of_stream(
        &run(
            &mut app(plan(vec![ticker_input(), out], vec![pump(1, q)])),
            &rows,
            None,
        ),
        1,
    );
    let want: Vec<_> = rows
        .iter()
        .map(|r| {
            let mut k: Vec<&str> = Vec::new();
            let mut p: Vec<f64> = Vec::new();
            for o in rows.iter().filter(|o| o.rt > r.rt - 20_000 && o.rt <= r.rt) {
                if !k.contains(&o.ticker) {
                    k.push(o.ticker);
                }
                if !p.contains(&o.price) {
                    p.push(o.price);
                }
            }
            (
                r.rt,
                vec![Value::Int(k.len() as i64), Value::Double(p.iter().sum())],
            )
        })
        .collect();
    assert_rows_close(&got, &want);
}

// ------------------------------------------------------------ time and determinism

fn every_shape_plan() -> Plan {
    let mut streams = vec![ticker_input()];
    let mut pumps = Vec::new();
    let mut add = |q: Query, n: usize| {
        let id = streams.len();
        streams.push(stream(
            &format!("S{id}"),
            (0..n)
                .map(|i| c(&format!("C{i}"), SqlType::Varchar(40)))
                .collect(),
        ));
        pumps.push(pump(id, q));
    };
    add(tumbling_plan_all_aggs(60_000).pumps[0].query.clone(), 7);
    add(
        sliding_plan(Frame::Range(60_000), true).pumps[0]
            .query
            .clone(),
        6,
    );
    add(
        sliding_plan(Frame::Rows(3), false).pumps[0].query.clone(),
        6,
    );
    add(stagger_concepts_plan().pumps[0].query.clone(), 3);
    add(
        query(
            from(0),
            Shape::EventTime {
                time: Expr::Col(2),
                size_ms: 60_000,
                slide_ms: 30_000,
                delay_ms: 10_000,
                keys: vec![Expr::Col(0)],
                aggs: vec![agg(AggFunc::Sum, Some(Expr::Col(1)))],
            },
            vec![Expr::WindowEnd, Expr::Key(0), Expr::Agg(0)],
        ),
        3,
    );
    let mut ordered = query(from(0), Shape::Rows, vec![Expr::Col(1)]);
    ordered.order_by = Some(OrderBy {
        bucket: Expr::FloorTo(Box::new(Expr::RowTime), TimeUnit::Minute),
        width_ms: 60_000,
        keys: vec![(Expr::Col(0), true)],
    });
    add(ordered, 1);
    plan(streams, pumps)
}

fn key_of(rows: &[OutRow]) -> Vec<(usize, i64, String)> {
    rows.iter()
        .map(|r| (r.stream, r.rowtime, format!("{:?}", r.values)))
        .collect()
}

/// The same input cut into 50 ms ticks, 20 s ticks or none gives the same
/// rows per stream, in the same order.
#[test]
fn tick_size_does_not_change_output() {
    let rows = ticks(3_000, 21, 1_500);
    let by_stream = |v: Vec<OutRow>| {
        let mut m: BTreeMap<usize, Vec<(i64, String)>> = BTreeMap::new();
        for r in v {
            m.entry(r.stream)
                .or_default()
                .push((r.rowtime, format!("{:?}", r.values)));
        }
        m
    };
    let base = run(&mut app(every_shape_plan()), &rows, None);
    let fine = run(&mut app(every_shape_plan()), &rows, Some(50));
    let coarse = run(&mut app(every_shape_plan()), &rows, Some(20_000));
    assert!(base.iter().any(|r| r.stream == 6));
    let b = by_stream(base.clone());
    assert_eq!(b, by_stream(fine));
    assert_eq!(b, by_stream(coarse));
    // And the whole log, across streams, is reproducible.
    assert_eq!(
        key_of(&base),
        key_of(&run(&mut app(every_shape_plan()), &rows, None))
    );
}

#[test]
fn time_going_back_is_refused_and_changes_nothing() {
    let mut a = app(tumbling_plan_all_aggs(60_000));
    a.insert(
        T0 + 5_000,
        T0,
        vec![s("AMZN"), Value::Double(1.0), Value::Ts(T0)],
    )
    .unwrap();
    let before = format!("{:?}", a.stats());
    let err = a
        .insert(
            T0 + 4_999,
            T0,
            vec![s("AMZN"), Value::Double(1.0), Value::Ts(T0)],
        )
        .unwrap_err();
    assert_eq!(
        err,
        EngineError::TimeWentBack {
            last: T0 + 5_000,
            given: T0 + 4_999
        }
    );
    assert_eq!(before, format!("{:?}", a.stats()));
    assert!(a.stopped().is_none());
    let err = a.insert(T0 + 6_000, T0, vec![s("AMZN")]).unwrap_err();
    assert_eq!(
        err,
        EngineError::Arity {
            expected: 3,
            given: 1
        }
    );
    // Same ROWTIME is fine.
    a.insert(
        T0 + 5_000,
        T0,
        vec![s("AMZN"), Value::Double(1.0), Value::Ts(T0)],
    )
    .unwrap();
}

#[test]
fn next_deadline_is_the_earliest_window_end() {
    let mut a = app(tumbling_plan_all_aggs(60_000));
    assert_eq!(a.next_deadline(), None);
    a.insert(
        T0 + 5_000,
        T0,
        vec![s("AMZN"), Value::Double(1.0), Value::Ts(T0)],
    )
    .unwrap();
    assert_eq!(a.next_deadline(), Some(T0 + 60_000));
    a.advance_to(T0 + 59_999);
    assert!(of_stream(&a.take_output(), 1).is_empty());
    a.advance_to(T0 + 60_000);
    assert_eq!(of_stream(&a.take_output(), 1).len(), 1);
    assert_eq!(a.next_deadline(), None);
    let opens = a
        .take_events()
        .iter()
        .filter(|e| matches!(e, SqlEvent::WindowOpen { .. }))
        .count();
    assert_eq!(opens, 1);
}

#[test]
fn open_windows_list_groups_for_the_timeline() {
    let mut a = app(tumbling_plan_all_aggs(60_000));
    for (i, t) in ["AMZN", "INTC", "AMZN"].into_iter().enumerate() {
        a.insert(
            T0 + i as i64,
            T0,
            vec![s(t), Value::Double(1.0), Value::Ts(T0)],
        )
        .unwrap();
    }
    let w = a.open_windows();
    assert_eq!(
        w.iter()
            .map(|w| (w.key.as_str(), w.rows, w.end - w.start))
            .collect::<Vec<_>>(),
        vec![("AMZN", 2, 60_000), ("INTC", 1, 60_000)]
    );
    assert_eq!(a.stats().open_groups, 2);
}

// ------------------------------------------------------------ limits and errors

#[test]
fn limits_stop_the_app_with_an_error() {
    let rows = ticks(500, 2, 100);
    for (p, lim) in [
        (
            tumbling_plan_all_aggs(60_000),
            Limits {
                open_groups: 3,
                ..Limits::default()
            },
        ),
        (
            sliding_plan(Frame::Range(600_000), false),
            Limits {
                window_rows: 100,
                ..Limits::default()
            },
        ),
        (
            sliding_plan(Frame::Range(60_000), true),
            Limits {
                open_groups: 2,
                ..Limits::default()
            },
        ),
        (
            stagger_concepts_plan(),
            Limits {
                open_groups: 1,
                ..Limits::default()
            },
        ),
    ] {
        let mut a = app(p);
        a.set_limits(lim);
        let mut err = None;
        for r in &rows {
            if let Err(e) = a.insert(r.rt, r.rt, row_of(r)) {
                err = Some(e);
                break;
            }
        }
        let Some(EngineError::Limit { pump, .. }) = &err else {
            panic!("no limit error: {err:?}")
        };
        assert_eq!(pump, "P1");
        assert_eq!(a.stopped(), err.as_ref());
        assert_eq!(a.insert(i64::MAX, 0, row_of(&rows[0])).err(), err);
    }
}

#[test]
fn events_are_bounded() {
    let mut a = app(tumbling_plan_all_aggs(60_000));
    a.set_event_limit(10);
    let rows = ticks(100, 1, 100);
    for r in &rows {
        a.insert(r.rt, r.rt, row_of(r)).unwrap();
    }
    assert_eq!(a.take_events().len(), 10);
    assert!(a.stats().events_dropped > 0);
}

#[test]
fn bad_plans_are_refused() {
    let mut p = tumbling_plan_all_aggs(60_000);
    if let Shape::Tumbling { step_ms, .. } = &mut p.pumps[0].query.shape {
        *step_ms = 0;
    }
    assert!(matches!(
        SqlApp::new(p, vec![], 1),
        Err(EngineError::BadPlan { .. })
    ));
    let mut p = tumbling_plan_all_aggs(60_000);
    p.pumps[0].target = 9;
    assert!(matches!(
        SqlApp::new(p, vec![], 1),
        Err(EngineError::BadPlan { .. })
    ));
    // A pump reading its own output would loop.
    let mut p = tumbling_plan_all_aggs(60_000);
    p.pumps[0].query.from = from(1);
    assert!(matches!(
        SqlApp::new(p, vec![], 1),
        Err(EngineError::BadPlan { .. })
    ));
    // An expression too deep to evaluate safely.
    let mut deep = Expr::Col(1);
    for _ in 0..10_000 {
        deep = Expr::Unary(UnaryOp::Neg, Box::new(deep));
    }
    let mut p = tumbling_plan_all_aggs(60_000);
    p.pumps[0].query.filter = Some(deep);
    assert!(matches!(
        SqlApp::new(p, vec![], 1),
        Err(EngineError::BadPlan { .. })
    ));
    // Subqueries nested deeper than any SQL would.
    let mut q = query(from(0), Shape::Rows, vec![Expr::Col(0)]);
    for _ in 0..5_000 {
        q = query(From::Subquery(Box::new(q)), Shape::Rows, vec![Expr::Col(0)]);
    }
    let out = stream("OUT", vec![c("X", SqlType::Varchar(4))]);
    let p = plan(vec![ticker_input(), out], vec![pump(1, q)]);
    assert!(matches!(
        SqlApp::new(p, vec![], 1),
        Err(EngineError::BadPlan { .. })
    ));
}

// ------------------------------------------------------------ expressions

/// Evaluates `e` over one row (A INTEGER, B DOUBLE, C VARCHAR, D TIMESTAMP),
/// returning the value and whether a RowError was reported.
fn eval1(e: Expr, row: Vec<Value>) -> (Value, bool) {
    let inp = input(vec![
        c("A", SqlType::BigInt),
        c("B", SqlType::Double),
        c("C", SqlType::Varchar(20)),
        c("D", SqlType::Timestamp),
    ]);
    let out = stream("OUT", vec![c("X", SqlType::Varchar(1000))]);
    // Carry the value out as text so one output type fits every expression.
    let q = query(from(0), Shape::Rows, vec![e]);
    let mut a = app(plan(vec![inp, out], vec![pump(1, q)]));
    a.insert(T0, T0, row).unwrap();
    let o = of_stream(&a.take_output(), 1);
    let errs = a
        .take_events()
        .iter()
        .any(|e| matches!(e, SqlEvent::RowError { .. }));
    (o[0].1[0].clone(), errs)
}

fn row1() -> Vec<Value> {
    vec![
        Value::Int(7),
        Value::Double(2.5),
        s("Amazon"),
        Value::Ts(ts("2018-08-01 11:02:03.456")),
    ]
}

fn t(x: &str) -> Value {
    s(x)
}

#[test]
fn expression_null_rules_and_logic() {
    let null = || lit(Value::Null);
    let tr = || lit(Value::Bool(true));
    let fa = || lit(Value::Bool(false));
    let cases: Vec<(Expr, Value)> = vec![
        (b(BinaryOp::Add, Expr::Col(0), null()), Value::Null),
        (b(BinaryOp::And, null(), fa()), t("FALSE")),
        (b(BinaryOp::And, null(), tr()), Value::Null),
        (b(BinaryOp::Or, null(), tr()), t("TRUE")),
        (b(BinaryOp::Or, null(), fa()), Value::Null),
        (Expr::Unary(UnaryOp::Not, Box::new(null())), Value::Null),
        (b(BinaryOp::Eq, null(), null()), Value::Null),
        (b(BinaryOp::NotDistinct, null(), null()), t("TRUE")),
        (b(BinaryOp::Distinct, Expr::Col(0), null()), t("TRUE")),
        (
            Expr::IsNull {
                expr: Box::new(null()),
                negated: false,
            },
            t("TRUE"),
        ),
        (
            Expr::InList {
                expr: Box::new(Expr::Col(0)),
                list: vec![lit(Value::Int(1)), null()],
                negated: false,
            },
            Value::Null,
        ),
        (
            Expr::InList {
                expr: Box::new(Expr::Col(0)),
                list: vec![lit(Value::Int(7)), null()],
                negated: false,
            },
            t("TRUE"),
        ),
        (
            Expr::Between {
                expr: Box::new(Expr::Col(1)),
                low: Box::new(lit(Value::Int(2))),
                high: Box::new(lit(Value::Int(3))),
                negated: false,
            },
            t("TRUE"),
        ),
        (
            Expr::Between {
                expr: Box::new(Expr::Col(1)),
                low: Box::new(lit(Value::Int(3))),
                high: Box::new(null()),
                negated: true,
            },
            t("TRUE"),
        ),
        (
            Expr::Call(Func::Coalesce, vec![null(), Expr::Col(0)]),
            t("7"),
        ),
        (
            Expr::Call(Func::NullIf, vec![Expr::Col(0), lit(Value::Int(7))]),
            Value::Null,
        ),
    ];
    for (e, want) in cases {
        let (got, err) = eval1(e.clone(), row1());
        assert_eq!(got, want, "{e:?}");
        assert!(!err, "{e:?}");
    }
}

#[test]
fn expression_functions_and_casts() {
    let d = || Expr::Col(3);
    let cases: Vec<(Expr, &str)> = vec![
        (b(BinaryOp::Add, Expr::Col(0), Expr::Col(1)), "9.5"),
        (b(BinaryOp::Div, Expr::Col(0), lit(Value::Int(2))), "3"),
        (b(BinaryOp::Mod, Expr::Col(0), lit(Value::Int(4))), "3"),
        (b(BinaryOp::Concat, Expr::Col(2), lit(s("!"))), "Amazon!"),
        (Expr::Call(Func::Upper, vec![Expr::Col(2)]), "AMAZON"),
        (
            Expr::Call(
                Func::Substring,
                vec![Expr::Col(2), lit(Value::Int(2)), lit(Value::Int(3))],
            ),
            "maz",
        ),
        (
            Expr::Call(
                Func::Substring,
                vec![Expr::Col(2), lit(Value::Int(-1)), lit(Value::Int(3))],
            ),
            "A",
        ),
        (
            Expr::Call(Func::Position, vec![lit(s("zon")), Expr::Col(2)]),
            "4",
        ),
        (
            Expr::Call(Func::Position, vec![lit(s("x")), Expr::Col(2)]),
            "0",
        ),
        (Expr::Call(Func::CharLength, vec![Expr::Col(2)]), "6"),
        (
            Expr::Call(Func::TrimBoth, vec![lit(s("xxaxx")), lit(s("x"))]),
            "a",
        ),
        (Expr::Call(Func::TrimLeading, vec![lit(s("  a "))]), "a "),
        (Expr::Call(Func::Abs, vec![lit(Value::Int(-3))]), "3"),
        (
            Expr::Call(
                Func::Round,
                vec![lit(Value::Double(2.346)), lit(Value::Int(2))],
            ),
            "2.35",
        ),
        (
            Expr::Call(Func::Floor, vec![lit(Value::Double(-2.5))]),
            "-3.0",
        ),
        (
            Expr::Call(Func::Power, vec![lit(Value::Int(2)), lit(Value::Int(10))]),
            "1024.0",
        ),
        (
            Expr::Like {
                expr: Box::new(Expr::Col(2)),
                pattern: Box::new(lit(s("A%z_n"))),
                negated: false,
            },
            "TRUE",
        ),
        (
            Expr::FloorTo(Box::new(d()), TimeUnit::Minute),
            "2018-08-01 11:02:00.000",
        ),
        (
            Expr::CeilTo(Box::new(d()), TimeUnit::Hour),
            "2018-08-01 12:00:00.000",
        ),
        (Expr::Step(Box::new(d()), 10_000), "2018-08-01 11:02:00.000"),
        (
            b(BinaryOp::Add, d(), lit(Value::Interval(60_000))),
            "2018-08-01 11:03:03.456",
        ),
        (
            b(
                BinaryOp::Sub,
                d(),
                lit(Value::Ts(ts("2018-08-01 11:00:00"))),
            ),
            "123456 ms",
        ),
        (Expr::Cast(Box::new(lit(s(" 42 "))), SqlType::Integer), "42"),
        (
            Expr::Cast(Box::new(lit(Value::Double(3.99))), SqlType::Integer),
            "3",
        ),
        (
            Expr::Cast(Box::new(lit(s("2018-08-01 11:02:03"))), SqlType::Timestamp),
            "2018-08-01 11:02:03.000",
        ),
        (
            Expr::Cast(
                Box::new(lit(Value::Double(1.23456))),
                SqlType::Decimal {
                    precision: 5,
                    scale: 2,
                },
            ),
            "1.23",
        ),
        (
            Expr::Case {
                operand: Some(Box::new(Expr::Col(0))),
                whens: vec![
                    (lit(Value::Int(1)), lit(s("one"))),
                    (lit(Value::Int(7)), lit(s("seven"))),
                ],
                otherwise: None,
            },
            "seven",
        ),
        (
            Expr::Case {
                operand: None,
                whens: vec![(
                    b(BinaryOp::Lt, Expr::Col(1), lit(Value::Int(0))),
                    lit(s("neg")),
                )],
                otherwise: Some(Box::new(lit(s("pos")))),
            },
            "pos",
        ),
        (
            Expr::Call(Func::CurrentRowTimestamp, vec![]),
            "2018-08-01 11:00:00.000",
        ),
    ];
    for (e, want) in cases {
        let (got, err) = eval1(e.clone(), row1());
        assert_eq!(got, s(want), "{e:?}");
        assert!(!err, "{e:?}");
    }
}

#[test]
fn failed_values_are_null_with_a_row_error() {
    for e in [
        b(BinaryOp::Div, Expr::Col(0), lit(Value::Int(0))),
        b(BinaryOp::Div, Expr::Col(1), lit(Value::Double(0.0))),
        Expr::Cast(Box::new(lit(s("abc"))), SqlType::Integer),
        Expr::Cast(Box::new(lit(Value::Int(100_000))), SqlType::SmallInt),
        Expr::Call(Func::Sqrt, vec![lit(Value::Int(-1))]),
        Expr::Call(Func::Ln, vec![lit(Value::Int(0))]),
        b(BinaryOp::Mul, lit(Value::Int(i64::MAX)), lit(Value::Int(2))),
        b(BinaryOp::Add, Expr::Col(2), Expr::Col(0)),
        Expr::Col(99),
    ] {
        let (got, err) = eval1(e.clone(), row1());
        assert_eq!(got, Value::Null, "{e:?}");
        assert!(err, "{e:?}");
    }
}

#[test]
fn output_is_cast_to_the_target_types() {
    let out = stream(
        "OUT",
        vec![
            c("A", SqlType::Integer),
            c("B", SqlType::Varchar(3)),
            c("C", SqlType::Double),
            c(
                "D",
                SqlType::Decimal {
                    precision: 6,
                    scale: 1,
                },
            ),
        ],
    );
    let q = query(
        from(0),
        Shape::Rows,
        vec![Expr::Col(1), Expr::Col(0), Expr::Col(1), Expr::Col(1)],
    );
    let mut a = app(plan(vec![ticker_input(), out], vec![pump(1, q)]));
    a.insert(
        T0,
        T0,
        vec![s("AMZNX"), Value::Double(12.76), Value::Ts(T0)],
    )
    .unwrap();
    let got = of_stream(&a.take_output(), 1);
    assert_eq!(
        got[0].1,
        vec![
            Value::Int(12),
            s("AMZ"),
            Value::Double(12.76),
            Value::Double(12.8)
        ]
    );
    // The input column is VARCHAR(4) too: both the input and the output cut it, with errors.
    let errs = a
        .take_events()
        .iter()
        .filter(|e| matches!(e, SqlEvent::RowError { .. }))
        .count();
    assert_eq!(errs, 2, "the input row's cut and the output's cut");
}

// ------------------------------------------------------------ table functions

#[test]
fn table_function_runs_through_the_engine() {
    let out = stream("OUT", vec![c("N", SqlType::BigInt)]);
    let cursor = query(from(0), Shape::Rows, vec![Expr::Col(0), Expr::Col(1)]);
    let mut cursor = cursor;
    cursor.names = vec!["TICKER".into(), "PRICE".into()];
    cursor.types = vec![SqlType::Varchar(4), SqlType::Double];
    let q = query(
        From::TableFn {
            func: TableFn::CountDistinct {
                column: 0,
                window_s: 60,
            },
            input: Box::new(cursor),
        },
        Shape::Rows,
        vec![Expr::Col(0)],
    );
    let rows = ticks(2_000, 3, 500);
    let mut a = app(plan(vec![ticker_input(), out], vec![pump(1, q)]));
    let got = of_stream(&run(&mut a, &rows, Some(1_000)), 1);
    // One row per minute with data, each with the exact distinct count (≤ 10,000 items).
    let mut w: BTreeMap<i64, Vec<&str>> = BTreeMap::new();
    for r in &rows {
        let e = w
            .entry(r.rt.div_euclid(60_000) * 60_000 + 60_000)
            .or_default();
        if !e.contains(&r.ticker) {
            e.push(r.ticker);
        }
    }
    let want: Vec<_> = w
        .into_iter()
        .map(|(t, k)| (t, vec![Value::Int(k.len() as i64)]))
        .collect();
    assert_eq!(got, want);
}

// ------------------------------------------------------------ no panics

fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        prop_oneof![any::<f64>(), Just(f64::NAN), Just(-0.0), -1e3..1e3f64].prop_map(Value::Double),
        "[A-Z]{0,6}".prop_map(|x| Value::Str(Arc::from(x))),
        any::<i64>().prop_map(Value::Ts),
        (T0 - 100_000..T0 + 100_000).prop_map(Value::Ts),
        any::<i64>().prop_map(Value::Interval),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Random rows (any kind of value in any column), random times (some
    /// going back), random advances: never a panic, and ROWTIME never goes
    /// back in any stream.
    #[test]
    fn random_input_never_panics(
        steps in prop::collection::vec((0i64..5_000, prop::collection::vec(any_value(), 3), any::<bool>(), any::<bool>()), 1..150),
        limit in 1u64..50,
    ) {
        let mut a = app(every_shape_plan());
        if limit < 10 {
            a.set_limits(Limits { open_groups: limit, window_rows: limit * 3, held_rows: limit * 5 });
        }
        let mut t = T0;
        let mut out = Vec::new();
        for (dt, row, back, adv) in steps {
            if back {
                let _ = a.insert(t - dt - 1, t, row.clone());
            }
            t += dt;
            let _ = a.insert(t, t - dt, row);
            if adv {
                a.advance_to(t + dt * 7);
                t += dt * 7;
            }
            let _ = a.next_deadline();
            let _ = a.open_windows();
            out.extend(a.take_output());
            let _ = a.take_events();
        }
        a.advance_to(i64::MAX);
        out.extend(a.take_output());
        let mut last: BTreeMap<usize, i64> = BTreeMap::new();
        for r in &out {
            let l = last.entry(r.stream).or_insert(i64::MIN);
            prop_assert!(*l <= r.rowtime);
            *l = r.rowtime;
        }
    }
}

// ------------------------------------------------------------ through the compiler

mod through_sql {
    use super::*;
    use kinesis_lab_core::analytics::sql::compile;
    use kinesis_lab_core::analytics::types::Schema;

    fn compiled(src: &str, input: &[(&str, SqlType)]) -> SqlApp {
        let schema = Schema {
            columns: input.iter().map(|(n, t)| c(n, *t)).collect(),
        };
        let p = compile(src, &schema, &[]).unwrap_or_else(|e| {
            panic!(
                "{src}\n{:?}",
                e.iter().map(|e| (e.span, e.kind.en())).collect::<Vec<_>>()
            )
        });
        SqlApp::new(p, vec![], 3).unwrap()
    }

    const TICKER_COLS: [(&str, SqlType); 3] = [
        ("TICKER", SqlType::Varchar(4)),
        ("PRICE", SqlType::Double),
        ("EVENT_TIME", SqlType::Timestamp),
    ];

    #[test]
    fn tumbling_group_by_step_matches_the_oracle() {
        let src = r#"
            CREATE OR REPLACE STREAM "OUT" (ticker VARCHAR(4), n BIGINT, total DOUBLE, lo DOUBLE, hi DOUBLE, mean DOUBLE);
            CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
              SELECT STREAM ticker, COUNT(*), SUM(price), MIN(price), MAX(price), AVG(price)
              FROM "SOURCE_SQL_STREAM_001"
              GROUP BY ticker, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND);"#;
        let mut a = compiled(src, &TICKER_COLS);
        let out = a.stream_id("OUT").unwrap();
        let rows = ticks(3_000, 31, 700);
        let got = of_stream(&run(&mut a, &rows, Some(1_000)), out);
        let want: Vec<_> = tumbling_oracle(&rows, 60_000)
            .into_iter()
            .map(|(t, mut v)| {
                (t, {
                    v.truncate(6);
                    v
                })
            })
            .collect();
        assert_rows_close(&got, &want);
    }

    #[test]
    fn floor_to_minute_groups_like_step() {
        let src = r#"
            CREATE OR REPLACE STREAM "OUT" (ticker VARCHAR(4), n BIGINT);
            CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
              SELECT STREAM ticker, COUNT(*) FROM "SOURCE_SQL_STREAM_001"
              GROUP BY ticker, FLOOR("SOURCE_SQL_STREAM_001".ROWTIME TO MINUTE);"#;
        let mut a = compiled(src, &TICKER_COLS);
        let out = a.stream_id("OUT").unwrap();
        let rows = ticks(2_000, 32, 700);
        let got = of_stream(&run(&mut a, &rows, None), out);
        let want: Vec<_> = tumbling_oracle(&rows, 60_000)
            .into_iter()
            .map(|(t, v)| (t, vec![v[0].clone(), v[1].clone()]))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn sliding_window_clause_matches_the_oracle() {
        let src = r#"
            CREATE OR REPLACE STREAM "OUT" (ticker VARCHAR(4), n BIGINT, total DOUBLE, lo DOUBLE, hi DOUBLE, mean DOUBLE);
            CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
              SELECT STREAM ticker, COUNT(*) OVER W1, SUM(price) OVER W1, MIN(price) OVER W1,
                     MAX(price) OVER W1, AVG(price) OVER W1
              FROM "SOURCE_SQL_STREAM_001"
              WINDOW W1 AS (PARTITION BY ticker RANGE INTERVAL '1' MINUTE PRECEDING);"#;
        let mut a = compiled(src, &TICKER_COLS);
        let out = a.stream_id("OUT").unwrap();
        let rows = ticks(2_000, 33, 900);
        let got = of_stream(&run(&mut a, &rows, Some(50)), out);
        assert_rows_close(&got, &sliding_oracle(&rows, Frame::Range(60_000), true));
    }

    #[test]
    fn stateless_where_case_and_functions() {
        let src = r#"
            CREATE OR REPLACE STREAM "OUT" (ticker VARCHAR(4), band VARCHAR(8), cents BIGINT);
            CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
              SELECT STREAM LOWER(ticker),
                     CASE WHEN price > 50 THEN 'high' ELSE 'low' END,
                     CAST(price * 100 AS BIGINT)
              FROM "SOURCE_SQL_STREAM_001"
              WHERE ticker LIKE 'A%' AND ABS(price - 50) > 10;"#;
        let mut a = compiled(src, &TICKER_COLS);
        let out = a.stream_id("OUT").unwrap();
        let rows = ticks(1_000, 34, 900);
        let got = of_stream(&run(&mut a, &rows, None), out);
        let want: Vec<_> = rows
            .iter()
            .filter(|r| r.ticker.starts_with('A') && (r.price - 50.0).abs() > 10.0)
            .map(|r| {
                let band = if r.price > 50.0 { "high" } else { "low" };
                (
                    r.rt,
                    vec![
                        s(&r.ticker.to_lowercase()),
                        s(band),
                        Value::Int((r.price * 100.0).trunc() as i64),
                    ],
                )
            })
            .collect();
        assert!(!want.is_empty());
        assert_eq!(got, want);
    }

    #[test]
    fn flink_hop_runs_on_event_time_with_the_watermark() {
        let src = "CREATE TABLE Bid (item STRING, price DOUBLE, bidtime TIMESTAMP(3),
                WATERMARK FOR bidtime AS bidtime - INTERVAL '5' SECOND) WITH ('connector' = 'kinesis', 'stream' = 'bids');
            CREATE TABLE counts (window_start TIMESTAMP(3), window_end TIMESTAMP(3), item STRING, n BIGINT)
                WITH ('connector' = 'kinesis', 'stream' = 'counts');
            INSERT INTO counts
            SELECT window_start, window_end, item, COUNT(*) AS n
            FROM TABLE(HOP(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '20' SECONDS, INTERVAL '1' MINUTES))
            GROUP BY window_start, window_end, item;";
        let mut a = compiled(
            src,
            &[
                ("ITEM", SqlType::Varchar(4)),
                ("PRICE", SqlType::Double),
                ("BIDTIME", SqlType::Timestamp),
            ],
        );
        let out = a.stream_id("COUNTS").unwrap();
        let rows = ticks(1_500, 35, 2_000);
        let got = of_stream(&run(&mut a, &rows, Some(20_000)), out);
        let (want, late) = event_oracle(&rows, 60_000, 20_000, 5_000);
        assert!(late > 0);
        assert_eq!(got, want);
        assert_eq!(a.stats().late_rows, late);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// Random streams, random frame sizes and tick sizes: the incremental
    /// sliding, tumbling and stagger operators agree with the naive recomputes.
    #[test]
    fn operators_agree_with_the_oracles(
        seed in any::<u64>(),
        n in 1usize..250,
        gap in 1i64..20_000,
        width in 1i64..120_000,
        rows_n in 0u32..6,
        tick in prop::option::of(1i64..30_000),
    ) {
        let rows = ticks(n, seed, gap);
        for (frame, by) in [(Frame::Range(width), true), (Frame::Rows(rows_n), false)] {
            let got = of_stream(&run(&mut app(sliding_plan(frame, by)), &rows, tick), 1);
            assert_rows_close(&got, &sliding_oracle(&rows, frame, by));
        }
        let got = of_stream(&run(&mut app(tumbling_plan_all_aggs(width)), &rows, tick), 1);
        assert_rows_close(&got, &tumbling_oracle(&rows, width));
        let out = stream("OUT", vec![c("TICKER", SqlType::Varchar(4)), c("N", SqlType::BigInt)]);
        let q = query(
            from(0),
            Shape::Stagger { keys: vec![Expr::Col(0)], range_ms: width, aggs: vec![agg(AggFunc::Count, None)], having: None },
            vec![Expr::Key(0), Expr::Agg(0)],
        );
        let got = of_stream(&run(&mut app(plan(vec![ticker_input(), out], vec![pump(1, q)])), &rows, tick), 1);
        prop_assert_eq!(got, stagger_oracle(&rows, width));
    }
}

fn any_expr() -> impl Strategy<Value = Expr> {
    let unit = prop_oneof![
        Just(TimeUnit::Second),
        Just(TimeUnit::Minute),
        Just(TimeUnit::Hour),
        Just(TimeUnit::Day)
    ];
    let ty = prop_oneof![
        Just(SqlType::Boolean),
        Just(SqlType::TinyInt),
        Just(SqlType::SmallInt),
        Just(SqlType::Integer),
        Just(SqlType::BigInt),
        Just(SqlType::Real),
        Just(SqlType::Double),
        (0u8..20, 0u8..20).prop_map(|(p, s)| SqlType::Decimal {
            precision: p,
            scale: s
        }),
        (0u32..10).prop_map(SqlType::Varchar),
        (0u32..10).prop_map(SqlType::Char),
        Just(SqlType::Timestamp),
        Just(SqlType::Interval),
    ];
    let leaf = prop_oneof![
        (0usize..5).prop_map(Expr::Col),
        Just(Expr::RowTime),
        any_value().prop_map(Expr::Lit),
        (0usize..3).prop_map(Expr::Key),
        Just(Expr::WindowStart),
    ];
    leaf.prop_recursive(4, 40, 3, move |inner| {
        let binop = prop_oneof![
            Just(BinaryOp::Add),
            Just(BinaryOp::Sub),
            Just(BinaryOp::Mul),
            Just(BinaryOp::Div),
            Just(BinaryOp::Mod),
            Just(BinaryOp::Eq),
            Just(BinaryOp::Lt),
            Just(BinaryOp::GtEq),
            Just(BinaryOp::And),
            Just(BinaryOp::Or),
            Just(BinaryOp::Concat),
            Just(BinaryOp::Distinct),
        ];
        let func = prop_oneof![
            Just(Func::Abs),
            Just(Func::Mod),
            Just(Func::Floor),
            Just(Func::Ceil),
            Just(Func::Round),
            Just(Func::Power),
            Just(Func::Sqrt),
            Just(Func::Ln),
            Just(Func::Exp),
            Just(Func::Upper),
            Just(Func::Lower),
            Just(Func::TrimBoth),
            Just(Func::TrimTrailing),
            Just(Func::Substring),
            Just(Func::Position),
            Just(Func::CharLength),
            Just(Func::Coalesce),
            Just(Func::NullIf),
            Just(Func::CurrentRowTimestamp),
            Just(Func::Monotonic),
        ];
        prop_oneof![
            (binop, inner.clone(), inner.clone()).prop_map(|(o, a, b)| Expr::Binary(
                o,
                Box::new(a),
                Box::new(b)
            )),
            inner
                .clone()
                .prop_map(|a| Expr::Unary(UnaryOp::Neg, Box::new(a))),
            inner
                .clone()
                .prop_map(|a| Expr::Unary(UnaryOp::Not, Box::new(a))),
            (inner.clone(), ty.clone()).prop_map(|(a, t)| Expr::Cast(Box::new(a), t)),
            (func, prop::collection::vec(inner.clone(), 0..4))
                .prop_map(|(f, args)| Expr::Call(f, args)),
            (inner.clone(), unit.clone()).prop_map(|(a, u)| Expr::FloorTo(Box::new(a), u)),
            (inner.clone(), unit.clone()).prop_map(|(a, u)| Expr::CeilTo(Box::new(a), u)),
            (inner.clone(), -5i64..100_000).prop_map(|(a, ms)| Expr::Step(Box::new(a), ms)),
            (inner.clone(), inner.clone(), any::<bool>()).prop_map(|(a, p, n)| Expr::Like {
                expr: Box::new(a),
                pattern: Box::new(p),
                negated: n
            }),
            (inner.clone(), inner.clone(), inner.clone(), any::<bool>()).prop_map(
                |(a, l, h, n)| Expr::Between {
                    expr: Box::new(a),
                    low: Box::new(l),
                    high: Box::new(h),
                    negated: n
                }
            ),
            (
                inner.clone(),
                prop::collection::vec(inner.clone(), 0..3),
                any::<bool>()
            )
                .prop_map(|(a, l, n)| Expr::InList {
                    expr: Box::new(a),
                    list: l,
                    negated: n
                }),
            (
                prop::option::of(inner.clone()),
                prop::collection::vec((inner.clone(), inner.clone()), 0..3),
                prop::option::of(inner)
            )
                .prop_map(|(o, w, e)| Expr::Case {
                    operand: o.map(Box::new),
                    whens: w,
                    otherwise: e.map(Box::new)
                }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// Any expression over any values, as a projection, a filter, a group
    /// key and an aggregate argument, into columns of any type: no panic.
    #[test]
    fn random_expressions_never_panic(
        e in any_expr(),
        f in any_expr(),
        rows in prop::collection::vec(prop::collection::vec(any_value(), 3), 1..6),
        out_ty in prop_oneof![Just(SqlType::Varchar(3)), Just(SqlType::SmallInt), Just(SqlType::Double), Just(SqlType::Timestamp), Just(SqlType::Boolean)],
    ) {
        let out = stream("OUT", vec![c("X", out_ty), c("Y", SqlType::Varchar(50))]);
        let mut rows_q = query(from(0), Shape::Rows, vec![e.clone(), f.clone()]);
        rows_q.filter = Some(f.clone());
        let grouped = query(
            from(0),
            Shape::Tumbling {
                keys: vec![e.clone(), Expr::Step(Box::new(Expr::RowTime), 1_000)],
                time_key: 1,
                step_ms: 1_000,
                aggs: vec![agg(AggFunc::Sum, Some(f.clone())), agg(AggFunc::Max, Some(e.clone()))],
                having: Some(f.clone()),
            },
            vec![Expr::Key(0), Expr::Agg(0)],
        );
        let sliding = query(
            from(0),
            Shape::Sliding {
                windows: vec![Window { partition: vec![e.clone()], frame: Frame::Range(2_000) }],
                aggs: vec![(Agg { func: AggFunc::Avg, arg: Some(f.clone()), distinct: true }, 0), (agg(AggFunc::Min, Some(e)), 0)],
            },
            vec![Expr::Agg(0), Expr::Agg(1)],
        );
        let p = plan(vec![ticker_input(), out.clone(), out.clone(), out], vec![pump(1, rows_q), pump(2, grouped), pump(3, sliding)]);
        let mut a = app(p);
        for (i, r) in rows.into_iter().enumerate() {
            let _ = a.insert(T0 + i as i64 * 700, T0, r);
        }
        a.advance_to(T0 + 1_000_000);
        let _ = a.take_output();
        let _ = a.take_events();
    }
}

#[test]
fn benchmark_workloads_run() {
    use kinesis_lab_core::analytics::engine::bench;
    // 3,000 rows at 100 a second: 30 s, one window of 50 groups.
    assert_eq!(
        bench::run_tumbling(bench::tumbling_rows(3_000, 50, 100, T0)),
        50
    );
    // One output per row, with the RANGE peers flushed at the end.
    assert_eq!(
        bench::run_plan(
            bench::sliding_plan(),
            bench::tumbling_rows(3_000, 50, 100, T0)
        ),
        3_000
    );
}
