//! Table functions (TOP_K_ITEMS_TUMBLING, COUNT_DISTINCT_ITEMS_TUMBLING,
//! RANDOM_CUT_FOREST, HOTSPOTS) and the sketches behind them.
//!
//! Contract with the engine: one [`TableFnState`] per table-function call in a
//! pump. The engine pushes every row of the function's input (the cursor
//! query's output) in ROWTIME order and calls `advance_to` as time passes;
//! the state appends output rows `(rowtime, values)` in the column layout that
//! [`TableFn`] documents.
//!
//! - TOP_K_ITEMS_TUMBLING and COUNT_DISTINCT_ITEMS_TUMBLING are tumbling on
//!   ROWTIME: windows of `windowSize` seconds aligned to the epoch. A window
//!   closes when a row of a later window arrives or `advance_to` reaches its
//!   end; its rows are emitted then, with ROWTIME = the window end. A window
//!   with no rows emits nothing. NULL items are not counted (a window whose
//!   items were all NULL emits a count of 0, and no top-k rows).
//!   - Top-k: [`sketch::space_saving`] with max(4K, 64) counters; one row
//!     per item of the top K, count descending then first seen; the count is
//!     the sketch's (exact while the window has at most that many distinct
//!     items, otherwise an upper bound).
//!   - Count distinct: exact while the window holds at most 10,000 distinct
//!     items (so always exact for windows of at most 10,000 rows, as AWS
//!     documents), then the [`sketch::hll`] estimate, rounded.
//! - RANDOM_CUT_FOREST ([`rcf`]) and HOTSPOTS ([`hotspots`]) emit one row per
//!   input row at once: the input columns, then the score or the JSON text.

pub mod hotspots;
pub mod rcf;
pub mod sketch;

use std::collections::BTreeSet;

use super::plan::TableFn;
use super::types::{ColumnDef, Value};
use sketch::hll::HyperLogLog;
use sketch::space_saving::SpaceSaving;

/// COUNT_DISTINCT_ITEMS_TUMBLING counts exactly up to this many items.
pub const EXACT_DISTINCT_LIMIT: usize = 10_000;

#[derive(Clone, Debug)]
enum Kind {
    TopK {
        column: usize,
        k: u32,
        sketch: SpaceSaving,
    },
    CountDistinct {
        column: usize,
        exact: Option<BTreeSet<Vec<u8>>>,
        hll: HyperLogLog,
    },
    Rcf(Box<rcf::RandomCutForest>),
    Hotspots(Box<hotspots::Hotspots>),
}

#[derive(Clone, Debug)]
pub struct TableFnState {
    func: TableFn,
    kind: Kind,
    /// Tumbling functions: the window length in ms (0 for per-row ones).
    window_ms: i64,
    /// The start of the open window, if a row has opened one.
    open: Option<i64>,
}

impl TableFnState {
    /// `input` is the cursor query's output columns; `seed` the application
    /// seed and `label` a stable name for this call (e.g. the pump name), from
    /// which RANDOM_CUT_FOREST derives its generator with `rng::component_rng`.
    pub fn new(func: &TableFn, input: &[ColumnDef], seed: u64, label: &str) -> TableFnState {
        let _ = input;
        let window = |s: u32| s.max(1) as i64 * 1000;
        let (kind, window_ms) = match func {
            TableFn::TopK {
                column,
                k,
                window_s,
            } => (
                Kind::TopK {
                    column: *column,
                    k: (*k).max(1),
                    sketch: SpaceSaving::new(SpaceSaving::capacity_for_k(*k)),
                },
                window(*window_s),
            ),
            TableFn::CountDistinct { column, window_s } => (
                Kind::CountDistinct {
                    column: *column,
                    exact: Some(BTreeSet::new()),
                    hll: HyperLogLog::new(),
                },
                window(*window_s),
            ),
            TableFn::RandomCutForest {
                numeric,
                trees,
                sample_size,
                time_decay,
                shingle,
            } => (
                Kind::Rcf(Box::new(rcf::RandomCutForest::new(
                    numeric,
                    *trees,
                    *sample_size,
                    *time_decay,
                    *shingle,
                    seed,
                    label,
                ))),
                0,
            ),
            TableFn::Hotspots {
                numeric,
                window_size,
                scan_radius,
                min_points,
            } => (
                Kind::Hotspots(Box::new(hotspots::Hotspots::new(
                    numeric,
                    *window_size,
                    *scan_radius,
                    *min_points,
                ))),
                0,
            ),
        };
        TableFnState {
            func: func.clone(),
            kind,
            window_ms,
            open: None,
        }
    }

    pub fn func(&self) -> &TableFn {
        &self.func
    }

    /// One input row at `rowtime` (non-decreasing).
    pub fn push(&mut self, rowtime: i64, row: &[Value], out: &mut Vec<(i64, Vec<Value>)>) {
        match &mut self.kind {
            Kind::Rcf(forest) => {
                let score = forest.score_row(row).map_or(Value::Null, Value::Double);
                let mut values = row.to_vec();
                values.push(score);
                out.push((rowtime, values));
                return;
            }
            Kind::Hotspots(h) => {
                let result = h.push(row).map_or(Value::Null, |s| Value::Str(s.into()));
                let mut values = row.to_vec();
                values.push(result);
                out.push((rowtime, values));
                return;
            }
            _ => {}
        }
        let start = rowtime
            .div_euclid(self.window_ms)
            .saturating_mul(self.window_ms);
        if let Some(open) = self.open {
            if start > open {
                self.close(out);
            }
        }
        if self.open.is_none() {
            self.open = Some(start);
        }
        match &mut self.kind {
            Kind::TopK { column, sketch, .. } => match row.get(*column) {
                None | Some(Value::Null) => {}
                Some(v) => sketch.insert(v),
            },
            Kind::CountDistinct { column, exact, hll } => match row.get(*column) {
                None | Some(Value::Null) => {}
                Some(v) => {
                    let key = sketch::value_key(v);
                    hll.insert_bytes(&key);
                    if let Some(set) = exact {
                        set.insert(key);
                        if set.len() > EXACT_DISTINCT_LIMIT {
                            *exact = None;
                        }
                    }
                }
            },
            Kind::Rcf(_) | Kind::Hotspots(_) => {}
        }
    }

    /// Emits the open window's rows and resets the sketch.
    fn close(&mut self, out: &mut Vec<(i64, Vec<Value>)>) {
        let Some(start) = self.open.take() else {
            return;
        };
        let end = start.saturating_add(self.window_ms);
        match &mut self.kind {
            Kind::TopK { k, sketch, .. } => {
                for c in sketch.top(*k as usize) {
                    out.push((end, vec![c.item.clone(), Value::Int(c.count as i64)]));
                }
                *sketch = SpaceSaving::new(sketch.capacity());
            }
            Kind::CountDistinct { exact, hll, .. } => {
                let n = match exact {
                    Some(set) => set.len() as i64,
                    None => hll.estimate().round() as i64,
                };
                out.push((end, vec![Value::Int(n)]));
                *exact = Some(BTreeSet::new());
                *hll = HyperLogLog::new();
            }
            Kind::Rcf(_) | Kind::Hotspots(_) => {}
        }
    }

    /// Closes the windows that end at or before `now`.
    pub fn advance_to(&mut self, now: i64, out: &mut Vec<(i64, Vec<Value>)>) {
        if let Some(end) = self.next_deadline() {
            if end <= now {
                self.close(out);
            }
        }
    }

    /// The end of the earliest open window, if any.
    pub fn next_deadline(&self) -> Option<i64> {
        self.open.map(|s| s.saturating_add(self.window_ms))
    }
}

/// A fixed seeded workload whose bits must be the same natively and in
/// wasm32: 2,000 RANDOM_CUT_FOREST scores (100 trees, 256 samples, shingle
/// 2, three DOUBLE columns with a spike every 97th row) and the HyperLogLog
/// estimate of 100,000 seeded strings. Returns one line: an FNV-1a digest of
/// every score's bits, the last score's bits and the estimate's bits.
/// `core/tests/sql_tablefn.rs` checks it natively against
/// `core/tests/sql_tablefn_parity.txt`; `app/tests/wasm_parity.rs` checks it
/// in Chromium against the same file.
#[doc(hidden)]
pub fn parity_probe() -> String {
    use rand::Rng;
    fn fnv(h: &mut u64, bytes: &[u8]) {
        for &b in bytes {
            *h ^= b as u64;
            *h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    let cols: Vec<ColumnDef> = (0..3)
        .map(|i| ColumnDef {
            name: format!("C{i}"),
            ty: super::types::SqlType::Double,
        })
        .collect();
    let func = TableFn::RandomCutForest {
        numeric: vec![0, 1, 2],
        trees: rcf::DEFAULT_TREES,
        sample_size: rcf::DEFAULT_SAMPLE_SIZE,
        time_decay: rcf::DEFAULT_TIME_DECAY,
        shingle: 2,
    };
    let mut f = TableFnState::new(&func, &cols, 2026, "parity");
    let mut rng = crate::rng::component_rng(99, "parity-data");
    let mut out = Vec::new();
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut last = 0.0f64;
    let rows = 2_000;
    for i in 0..rows {
        let mut row: Vec<Value> = (0..3)
            .map(|_| Value::Double(rng.random::<f64>() * 10.0))
            .collect();
        if i % 97 == 0 {
            row[1] = Value::Double(1000.0 + i as f64);
        }
        out.clear();
        f.push(i as i64 * 10, &row, &mut out);
        if let Some((_, v)) = out.first() {
            if let Some(Value::Double(s)) = v.get(3) {
                fnv(&mut h, &s.to_bits().to_le_bytes());
                last = *s;
            }
        }
    }
    let mut hll = HyperLogLog::new();
    for i in 0..100_000u64 {
        hll.insert(&Value::Str(
            format!("k{}", rng.random::<u64>() % 1_000_000 + i).into(),
        ));
    }
    let est = hll.estimate();
    format!(
        "rcf {rows} scores fnv {h:016x} last {:016x} ({last:.6}); hll {:016x} ({est:.3})\n",
        last.to_bits(),
        est.to_bits()
    )
}
