//! The table functions of the SQL engine: the sketches' guarantees, the
//! tumbling windows of TOP_K_ITEMS_TUMBLING and COUNT_DISTINCT_ITEMS_TUMBLING,
//! RANDOM_CUT_FOREST's anomaly scores and determinism, HOTSPOTS.

use std::collections::{BTreeMap, BTreeSet};

use kinesis_lab_core::analytics::plan::TableFn;
use kinesis_lab_core::analytics::tablefn::sketch::hll::HyperLogLog;
use kinesis_lab_core::analytics::tablefn::sketch::space_saving::SpaceSaving;
use kinesis_lab_core::analytics::tablefn::TableFnState;
use kinesis_lab_core::analytics::types::{ColumnDef, SqlType, Value};
use kinesis_lab_core::rng::component_rng;
use rand::Rng;

type Out = Vec<(i64, Vec<Value>)>;

fn cols(types: &[SqlType]) -> Vec<ColumnDef> {
    types
        .iter()
        .enumerate()
        .map(|(i, ty)| ColumnDef {
            name: format!("C{i}"),
            ty: *ty,
        })
        .collect()
}

fn s(x: &str) -> Value {
    Value::Str(x.into())
}

// ---------------------------------------------------------------- HyperLogLog

#[test]
fn hll_error_is_under_three_percent_on_seeded_sets_of_100k() {
    for seed in 0..5u64 {
        let mut rng = component_rng(seed, "hll-test");
        let mut hll = HyperLogLog::new();
        let mut truth = BTreeSet::new();
        while truth.len() < 100_000 {
            let v: u64 = rng.random();
            // Half strings, half integers, with repeats of earlier items.
            let item = if v % 2 == 0 {
                Value::Int(v as i64)
            } else {
                s(&format!("item-{}", v % 10_000_000))
            };
            hll.insert(&item);
            truth.insert(format!("{item:?}"));
            if v % 7 == 0 {
                hll.insert(&item); // a repeat changes nothing
            }
        }
        let est = hll.estimate();
        let err = (est - truth.len() as f64).abs() / truth.len() as f64;
        println!(
            "seed {seed}: estimate {est:.0} of {} (error {:.3} %)",
            truth.len(),
            err * 100.0
        );
        assert!(
            err < 0.03,
            "seed {seed}: estimate {est} for {}",
            truth.len()
        );
    }
}

#[test]
fn hll_error_stays_small_across_sizes() {
    let mut rng = component_rng(11, "hll-sizes");
    for n in [100usize, 1_000, 20_000, 50_000, 200_000] {
        let mut hll = HyperLogLog::new();
        for _ in 0..n {
            hll.insert(&Value::Int(rng.random()));
        }
        let err = (hll.estimate() - n as f64).abs() / n as f64;
        println!(
            "n {n}: estimate {:.0} (error {:.3} %)",
            hll.estimate(),
            err * 100.0
        );
        assert!(err < 0.03, "n {n}: estimate {}", hll.estimate());
    }
}

fn count_distinct(window_s: u32) -> TableFnState {
    TableFnState::new(
        &TableFn::CountDistinct {
            column: 1,
            window_s,
        },
        &cols(&[SqlType::Integer, SqlType::Varchar(16)]),
        1,
        "cd",
    )
}

#[test]
fn count_distinct_is_exact_up_to_10000_items_and_close_beyond() {
    let mut rng = component_rng(5, "cd-exact");
    for (window, distinct) in [(0i64, 10_000usize), (1, 1), (2, 9_999), (3, 100_000)] {
        let mut f = count_distinct(60);
        let mut out = Out::new();
        let pool: Vec<String> = (0..distinct)
            .map(|i| format!("k{i}-{}", rng.random::<u32>()))
            .collect();
        let mut seen = BTreeSet::new();
        let base = window * 60_000;
        let rows = distinct * 2;
        for i in 0..rows {
            // Every item at least once, then random repeats.
            let item = if i < distinct {
                &pool[i]
            } else {
                &pool[rng.random_range(0..distinct as u64) as usize]
            };
            seen.insert(item.clone());
            f.push(
                base + (i as i64 * 59_000 / rows as i64),
                &[Value::Int(i as i64), s(item)],
                &mut out,
            );
        }
        assert!(out.is_empty(), "nothing before the window closes");
        assert_eq!(f.next_deadline(), Some(base + 60_000));
        f.advance_to(base + 59_999, &mut out);
        assert!(out.is_empty());
        f.advance_to(base + 60_000, &mut out);
        assert_eq!(out.len(), 1);
        let (rowtime, values) = &out[0];
        assert_eq!(*rowtime, base + 60_000, "ROWTIME is the window end");
        let Value::Int(n) = values[0] else {
            panic!("{values:?}")
        };
        if seen.len() <= 10_000 {
            assert_eq!(n as usize, seen.len());
        } else {
            let err = (n as f64 - seen.len() as f64).abs() / seen.len() as f64;
            println!("{} distinct: {n} (error {:.3} %)", seen.len(), err * 100.0);
            assert!(err < 0.03);
        }
        assert_eq!(f.next_deadline(), None);
    }
}

#[test]
fn count_distinct_windows_are_aligned_and_skip_nulls() {
    let mut f = count_distinct(10);
    let mut out = Out::new();
    // Window [0, 10 s): a, b, a, NULL; window [20 s, 30 s): NULL only.
    for (t, v) in [
        (1_000, s("a")),
        (2_000, s("b")),
        (9_999, s("a")),
        (9_999, Value::Null),
    ] {
        f.push(t, &[Value::Int(0), v], &mut out);
    }
    f.push(25_000, &[Value::Int(0), Value::Null], &mut out);
    assert_eq!(
        out,
        vec![(10_000, vec![Value::Int(2)])],
        "closed by the later row"
    );
    f.advance_to(100_000, &mut out);
    assert_eq!(out[1], (30_000, vec![Value::Int(0)]));
}

// ---------------------------------------------------------------- Space-Saving

#[test]
fn space_saving_is_exact_while_distinct_items_fit() {
    let mut rng = component_rng(3, "ss-exact");
    let ss_cap = SpaceSaving::capacity_for_k(20);
    assert_eq!(ss_cap, 80);
    assert_eq!(SpaceSaving::capacity_for_k(3), 64);
    let mut ss = SpaceSaving::new(ss_cap);
    let mut truth: BTreeMap<i64, u64> = BTreeMap::new();
    for _ in 0..20_000 {
        let x = rng.random_range(0..ss_cap as u64) as i64;
        ss.insert(&Value::Int(x));
        *truth.entry(x).or_default() += 1;
    }
    let got: BTreeMap<i64, u64> = ss
        .counters()
        .iter()
        .map(|c| {
            assert_eq!(c.error, 0);
            let Value::Int(x) = c.item else { panic!() };
            (x, c.count)
        })
        .collect();
    assert_eq!(got, truth);
}

#[test]
fn space_saving_reports_every_item_above_n_over_m() {
    for seed in 0..4u64 {
        let mut rng = component_rng(seed, "ss-heavy");
        let m = 64;
        let mut ss = SpaceSaving::new(m);
        let mut truth: BTreeMap<u64, u64> = BTreeMap::new();
        let n = 50_000u64;
        for _ in 0..n {
            // A skewed stream: a few heavy items over a long tail of 5,000.
            let r = rng.random::<f64>();
            let x = if r < 0.5 {
                rng.random_range(0..8u64)
            } else {
                100 + rng.random_range(0..5_000u64)
            };
            ss.insert(&Value::Int(x as i64));
            *truth.entry(x).or_default() += 1;
        }
        assert_eq!(ss.total(), n);
        let counters: BTreeMap<u64, (u64, u64)> = ss
            .counters()
            .iter()
            .map(|c| {
                let Value::Int(x) = c.item else { panic!() };
                (x as u64, (c.count, c.error))
            })
            .collect();
        let mut heavy = 0;
        for (x, f) in &truth {
            if *f > n / m as u64 {
                heavy += 1;
                let (count, error) = counters
                    .get(x)
                    .copied()
                    .unwrap_or_else(|| panic!("seed {seed}: item {x} ({f}×) lost"));
                assert!(
                    count >= *f && count - error <= *f,
                    "item {x}: {count} - {error} vs {f}"
                );
            }
        }
        assert!(heavy >= 8, "the test stream has heavy items ({heavy})");
        for (x, (count, error)) in &counters {
            let f = truth[x];
            assert!(*count >= f && count - error <= f);
        }
    }
}

#[test]
fn top_k_emits_the_k_most_frequent_at_the_window_end() {
    let mut f = TableFnState::new(
        &TableFn::TopK {
            column: 0,
            k: 2,
            window_s: 60,
        },
        &cols(&[SqlType::Varchar(4), SqlType::Double]),
        1,
        "topk",
    );
    let mut out = Out::new();
    // Window [60 s, 120 s): AMZN 3, TBV 3 (seen first), ABC 1; then a row in
    // the next window closes it.
    let seq = ["TBV", "AMZN", "ABC", "AMZN", "TBV", "AMZN", "TBV"];
    for (i, t) in seq.iter().enumerate() {
        f.push(
            60_000 + i as i64 * 1_000,
            &[s(t), Value::Double(1.0)],
            &mut out,
        );
    }
    assert!(out.is_empty());
    f.push(130_000, &[s("XYZ"), Value::Double(1.0)], &mut out);
    assert_eq!(
        out,
        vec![
            (120_000, vec![s("TBV"), Value::Int(3)]),
            (120_000, vec![s("AMZN"), Value::Int(3)])
        ]
    );
    f.advance_to(180_000, &mut out);
    assert_eq!(out[2], (180_000, vec![s("XYZ"), Value::Int(1)]));
    assert_eq!(out.len(), 3);
}

// ---------------------------------------------------------- RANDOM_CUT_FOREST

fn rcf(seed: u64, trees: u32, shingle: u32) -> TableFnState {
    TableFnState::new(
        &TableFn::RandomCutForest {
            numeric: vec![1, 2],
            trees,
            sample_size: 256,
            time_decay: 100_000,
            shingle,
        },
        &cols(&[SqlType::Varchar(8), SqlType::Double, SqlType::Integer]),
        seed,
        "pump-rcf",
    )
}

/// Seeded 2-D data: a noisy sine in column 1 and a noisy level in column 2,
/// with spikes at every 250th row from row 1,000 on.
fn rcf_rows(n: usize) -> (Vec<Vec<Value>>, BTreeSet<usize>) {
    let mut rng = component_rng(42, "rcf-data");
    let mut spikes = BTreeSet::new();
    let rows = (0..n)
        .map(|i| {
            let phase = (i % 50) as f64 / 50.0;
            let wave = 10.0 * (4.0 * phase * (1.0 - phase)); // a smooth bump, 0…10
            let mut x = wave + rng.random::<f64>();
            let mut y = 100 + rng.random_range(0..10u32) as i64;
            if i >= 1_000 && i % 250 == 0 {
                spikes.insert(i);
                x += 40.0;
                y += 60;
            }
            vec![s("T"), Value::Double(x), Value::Int(y)]
        })
        .collect();
    (rows, spikes)
}

fn scores(f: &mut TableFnState, rows: &[Vec<Value>]) -> Vec<Option<f64>> {
    let mut out = Out::new();
    for (i, r) in rows.iter().enumerate() {
        f.push(i as i64 * 100, r, &mut out);
    }
    assert_eq!(out.len(), rows.len(), "one row per input row, at once");
    out.iter()
        .zip(rows)
        .map(|((_, v), r)| {
            // (Debug form, so a NaN input compares equal to itself.)
            assert_eq!(
                format!("{:?}", &v[..r.len()]),
                format!("{r:?}"),
                "input columns first"
            );
            assert_eq!(v.len(), r.len() + 1);
            match v[r.len()] {
                Value::Double(x) => Some(x),
                Value::Null => None,
                ref other => panic!("ANOMALY_SCORE {other:?}"),
            }
        })
        .collect()
}

#[test]
fn rcf_spikes_score_clearly_higher_than_normal_points() {
    let (rows, spikes) = rcf_rows(3_000);
    let got: Vec<f64> = scores(&mut rcf(7, 50, 1), &rows)
        .into_iter()
        .map(|x| x.unwrap())
        .collect();
    // Warm-up: the first subSampleSize / 4 rows score 0.
    assert!(got[..64].iter().all(|&x| x == 0.0));
    assert!(got[64..].iter().all(|&x| x > 0.0 && x.is_finite()));
    // Normal points after the forest has filled, excluding the row right
    // after each spike (it may still sit near the spike).
    let mut normal: Vec<f64> = (500..rows.len())
        .filter(|i| !spikes.contains(i) && !spikes.contains(&(i - 1)))
        .map(|i| got[i])
        .collect();
    normal.sort_by(f64::total_cmp);
    let mean = normal.iter().sum::<f64>() / normal.len() as f64;
    let p99 = normal[normal.len() * 99 / 100];
    let max_normal = *normal.last().unwrap();
    let spike: Vec<f64> = spikes.iter().map(|&i| got[i]).collect();
    let min_spike = spike.iter().copied().fold(f64::INFINITY, f64::min);
    println!("normal: mean {mean:.3}, p99 {p99:.3}, max {max_normal:.3}; spikes: {spike:.3?}");
    assert!(
        min_spike > max_normal,
        "every spike outscores every normal point"
    );
    assert!(
        min_spike > 2.0 * mean,
        "a spike scores at least twice the normal mean"
    );
    assert!(min_spike > 1.5 * p99);
}

#[test]
fn rcf_is_deterministic_per_seed() {
    let (rows, _) = rcf_rows(1_200);
    let bits = |seed| -> Vec<u64> {
        scores(&mut rcf(seed, 20, 2), &rows)
            .into_iter()
            .map(|x| x.unwrap().to_bits())
            .collect()
    };
    let a = bits(1);
    assert_eq!(a, bits(1), "same seed, same bits");
    assert_ne!(a, bits(2), "another seed, other scores");
    // Shingle 2: the first row has no shingle yet.
    assert_eq!(f64::from_bits(a[0]), 0.0);
}

#[test]
fn rcf_skips_null_nan_and_infinite_rows() {
    let (mut rows, _) = rcf_rows(600);
    let bad = [
        Value::Null,
        Value::Double(f64::NAN),
        Value::Double(f64::INFINITY),
        Value::Double(f64::NEG_INFINITY),
        s("text"),
    ];
    for (j, b) in bad.iter().enumerate() {
        rows[300 + j][1] = b.clone();
        rows[400 + j][2] = b.clone();
    }
    rows[500][1] = Value::Double(1e300); // huge but finite: clamped, scored
    rows[501][1] = Value::Double(-f64::MAX);
    let got = scores(&mut rcf(3, 10, 1), &rows);
    for j in 0..bad.len() {
        assert_eq!(got[300 + j], None, "row {}", 300 + j);
        assert_eq!(got[400 + j], None);
    }
    let valid = got.iter().filter(|x| x.is_some()).count();
    assert_eq!(valid, rows.len() - 2 * bad.len());
    assert!(got[500].unwrap() > 1.0 && got[501].unwrap().is_finite());
    assert!(got.iter().flatten().all(|x| x.is_finite()));
    // No numeric columns at all: every score is NULL, nothing panics.
    let mut none = TableFnState::new(
        &TableFn::RandomCutForest {
            numeric: vec![],
            trees: 0,
            sample_size: 0,
            time_decay: 0,
            shingle: 0,
        },
        &cols(&[SqlType::Varchar(8)]),
        1,
        "x",
    );
    let mut out = Out::new();
    none.push(0, &[s("a")], &mut out);
    assert_eq!(out, vec![(0, vec![s("a"), Value::Null])]);
}

#[test]
fn rcf_constant_stream_scores_low_and_a_change_scores_high() {
    let mut f = rcf(9, 30, 1);
    let mut out = Out::new();
    for i in 0..400 {
        f.push(i, &[s("T"), Value::Double(5.0), Value::Int(1)], &mut out);
    }
    f.push(400, &[s("T"), Value::Double(6.0), Value::Int(1)], &mut out);
    let score = |k: usize| match out[k].1[3] {
        Value::Double(x) => x,
        _ => panic!(),
    };
    assert!(
        score(399) < 1.0,
        "a repeated point is expected: {}",
        score(399)
    );
    assert!(
        score(400) > 2.0 * score(399),
        "{} vs {}",
        score(400),
        score(399)
    );
}

// ------------------------------------------------------------------- HOTSPOTS

#[test]
fn hotspots_finds_a_dense_cluster_and_not_the_background() {
    let mut rng = component_rng(4, "hotspots");
    let mut f = TableFnState::new(
        &TableFn::Hotspots {
            numeric: vec![0, 1],
            window_size: 1_000,
            scan_radius: 0.2,
            min_points: 17,
        },
        &cols(&[SqlType::Double, SqlType::Double]),
        1,
        "hs",
    );
    let mut out = Out::new();
    for i in 0..1_000 {
        // Background uniform over [0, 10)²; one row in five in a cluster
        // around (3, 7) of radius 0.25.
        let (x, y) = if i % 5 == 0 {
            (
                3.0 + rng.random::<f64>() * 0.5 - 0.25,
                7.0 + rng.random::<f64>() * 0.5 - 0.25,
            )
        } else {
            (rng.random::<f64>() * 10.0, rng.random::<f64>() * 10.0)
        };
        f.push(i, &[Value::Double(x), Value::Double(y)], &mut out);
    }
    f.push(1_000, &[Value::Null, Value::Double(1.0)], &mut out);
    assert_eq!(out.last().unwrap().1[2], Value::Null);
    let Value::Str(json) = &out[999].1[2] else {
        panic!()
    };
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let spots = v["hotspots"].as_array().unwrap();
    println!("{json}");
    assert_eq!(spots.len(), 1, "{json}");
    let (lo, hi) = (&spots[0]["minValues"], &spots[0]["maxValues"]);
    assert!(lo[0].as_f64().unwrap() <= 2.8 && hi[0].as_f64().unwrap() >= 3.2);
    assert!(lo[1].as_f64().unwrap() <= 6.8 && hi[1].as_f64().unwrap() >= 7.2);
    assert!(
        hi[0].as_f64().unwrap() - lo[0].as_f64().unwrap() < 1.5,
        "the box stays around the cluster"
    );
    let density = spots[0]["density"].as_f64().unwrap();
    assert!((0.2..0.3).contains(&density), "{density}");
    // Early on (20 rows) nothing is dense.
    let Value::Str(early) = &out[19].1[2] else {
        panic!()
    };
    assert_eq!(early.as_ref(), r#"{"hotspots":[]}"#);
}

// ------------------------------------------------------- native/wasm parity

/// The probe's bits natively; `app/tests/wasm_parity.rs` checks the same
/// file in wasm32 (Chromium). After a deliberate change to the algorithms,
/// regenerate with `UPDATE_EXPECT=1`.
#[test]
fn parity_probe_matches_the_fixture_shared_with_wasm() {
    let probe = kinesis_lab_core::analytics::tablefn::parity_probe();
    expect_test::expect_file!["sql_tablefn_parity.txt"].assert_eq(&probe);
}

#[test]
fn hotspots_depend_only_on_the_last_window_size_rows() {
    // The incremental state after many rows equals a fresh one fed only the
    // last windowSize rows, and a cluster that left the window is gone.
    let mut rng = component_rng(8, "hotspots-window");
    let func = TableFn::Hotspots {
        numeric: vec![0, 1, 2],
        window_size: 150,
        scan_radius: 0.5,
        min_points: 6,
    };
    let input = cols(&[SqlType::Double, SqlType::Integer, SqlType::Double]);
    let rows: Vec<Vec<Value>> = (0..600)
        .map(|i| {
            let clustered = (i / 100) % 2 == 0 && i < 400 && i % 2 == 0;
            let (x, z) = if clustered {
                (
                    1.0 + rng.random::<f64>() * 0.4,
                    -2.0 + rng.random::<f64>() * 0.4,
                )
            } else {
                (rng.random::<f64>() * 20.0, rng.random::<f64>() * 20.0)
            };
            vec![
                Value::Double(x),
                Value::Int(rng.random_range(0..3u32) as i64),
                Value::Double(z),
            ]
        })
        .collect();
    let mut long = TableFnState::new(&func, &input, 1, "a");
    let mut out = Out::new();
    let mut found = 0;
    for (i, r) in rows.iter().enumerate() {
        out.clear();
        long.push(i as i64, r, &mut out);
        if i >= 150 && i % 37 == 0 {
            let mut fresh = TableFnState::new(&func, &input, 1, "b");
            let mut fresh_out = Out::new();
            for (j, r) in rows[i + 1 - 150..=i].iter().enumerate() {
                fresh_out.clear();
                fresh.push(j as i64, r, &mut fresh_out);
            }
            assert_eq!(out[0].1[3], fresh_out[0].1[3], "row {i}");
            let Value::Str(json) = &out[0].1[3] else {
                panic!()
            };
            let v: serde_json::Value = serde_json::from_str(json).unwrap();
            found += v["hotspots"].as_array().unwrap().len();
        }
    }
    assert!(found > 0, "the clusters were seen at least once");
    // Rows 300…599 have no cluster: the last result is empty.
    let Value::Str(last) = &out[0].1[3] else {
        panic!()
    };
    assert_eq!(last.as_ref(), r#"{"hotspots":[]}"#);
}

// ------------------------------------------- through the compiler and engine

mod end_to_end {
    use super::*;
    use kinesis_lab_core::analytics::engine::SqlApp;
    use kinesis_lab_core::analytics::sql::compile;
    use kinesis_lab_core::analytics::types::Schema;

    fn app(sql: &str, input: &[(&str, SqlType)]) -> SqlApp {
        let schema = Schema {
            columns: input
                .iter()
                .map(|(n, t)| ColumnDef {
                    name: n.to_string(),
                    ty: *t,
                })
                .collect(),
        };
        let plan = compile(sql, &schema, &[]).unwrap_or_else(|e| panic!("{e:?}"));
        SqlApp::new(plan, vec![], 17).expect("engine")
    }

    /// The rows of `stream`, as (ROWTIME, values).
    fn rows_of(app: &mut SqlApp, stream: &str) -> Out {
        let id = app.stream_id(stream).expect("stream");
        app.take_output()
            .into_iter()
            .filter(|r| r.stream == id)
            .map(|r| (r.rowtime, r.values))
            .collect()
    }

    #[test]
    fn heart_rate_spikes_get_the_highest_anomaly_scores() {
        let sql = r#"
            CREATE OR REPLACE STREAM "SCORED" ("heartRate" INTEGER, "rateType" VARCHAR(20), "ANOMALY_SCORE" DOUBLE);
            CREATE OR REPLACE PUMP "SCORE_PUMP" AS INSERT INTO "SCORED"
                SELECT STREAM "heartRate", "rateType", ANOMALY_SCORE
                FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 40, 128));
        "#;
        let mut a = app(
            sql,
            &[
                ("heartRate", SqlType::Integer),
                ("rateType", SqlType::Varchar(20)),
            ],
        );
        let mut rng = component_rng(6, "heart");
        for i in 0..800i64 {
            let high = i >= 300 && i % 100 == 0;
            let rate = if high {
                170 + rng.random_range(0..20u32) as i64
            } else {
                60 + rng.random_range(0..40u32) as i64
            };
            let t = 1_700_000_000_000 + i * 100;
            a.insert(
                t,
                t,
                vec![Value::Int(rate), s(if high { "HIGH" } else { "NORMAL" })],
            )
            .unwrap();
        }
        a.advance_to(1_800_000_000_000);
        let out = rows_of(&mut a, "SCORED");
        assert_eq!(out.len(), 800, "one row per input row");
        let score = |r: &(i64, Vec<Value>)| match r.1[2] {
            Value::Double(x) => x,
            ref v => panic!("{v:?}"),
        };
        let normal: Vec<f64> = out[100..]
            .iter()
            .filter(|r| r.1[1] == s("NORMAL"))
            .map(score)
            .collect();
        let high: Vec<f64> = out
            .iter()
            .filter(|r| r.1[1] == s("HIGH"))
            .map(score)
            .collect();
        assert_eq!(high.len(), 5);
        let max_normal = normal.iter().copied().fold(0.0, f64::max);
        let mean_normal = normal.iter().sum::<f64>() / normal.len() as f64;
        println!("normal mean {mean_normal:.3} max {max_normal:.3}; high {high:.3?}");
        assert!(high
            .iter()
            .all(|&h| h > max_normal && h > 2.0 * mean_normal));
    }

    #[test]
    fn top_k_and_count_distinct_match_exact_counts_per_minute() {
        let sql = r#"
            CREATE OR REPLACE STREAM "TOP" ("TICKER" VARCHAR(4), "MOST_FREQUENT_VALUES" BIGINT);
            CREATE OR REPLACE STREAM "DISTINCT" ("NUMBER_OF_DISTINCT_ITEMS" BIGINT);
            CREATE OR REPLACE PUMP "P1" AS INSERT INTO "TOP"
                SELECT STREAM * FROM TABLE(TOP_K_ITEMS_TUMBLING(
                    CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'TICKER', 3, 60));
            CREATE OR REPLACE PUMP "P2" AS INSERT INTO "DISTINCT"
                SELECT STREAM * FROM TABLE(COUNT_DISTINCT_ITEMS_TUMBLING(
                    CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'TICKER', 60));
        "#;
        let tickers = ["AAPL", "AMZN", "MSFT", "INTC", "TBV", "ABC"];
        let mut a = app(
            sql,
            &[("TICKER", SqlType::Varchar(4)), ("PRICE", SqlType::Double)],
        );
        let mut rng = component_rng(2, "tickers");
        let start = 1_700_000_020_000i64; // 40 s into a minute
        let mut per_minute: BTreeMap<i64, BTreeMap<&str, (i64, usize)>> = BTreeMap::new();
        for i in 0..900i64 {
            let t = start + i * 250;
            // Skewed: the first tickers are more frequent.
            let k = (rng.random::<f64>().powi(2) * tickers.len() as f64) as usize;
            let m = per_minute
                .entry(t.div_euclid(60_000) * 60_000 + 60_000)
                .or_default();
            let first = m.len();
            m.entry(tickers[k]).or_insert((0, first)).0 += 1;
            a.insert(t, t, vec![s(tickers[k]), Value::Double(1.0)])
                .unwrap();
        }
        a.advance_to(start + 10 * 60_000);
        let (top_id, distinct_id) = (
            a.stream_id("TOP").unwrap(),
            a.stream_id("DISTINCT").unwrap(),
        );
        let all = a.take_output();
        let pick = |id| -> Out {
            all.iter()
                .filter(|r| r.stream == id)
                .map(|r| (r.rowtime, r.values.clone()))
                .collect()
        };
        let (top, distinct) = (pick(top_id), pick(distinct_id));
        // Expected: per window end, the 3 most frequent (count desc, first seen).
        let mut expected_top = Out::new();
        for (end, m) in &per_minute {
            let mut v: Vec<(&&str, &(i64, usize))> = m.iter().collect();
            v.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.1 .1.cmp(&b.1 .1)));
            for (t, (n, _)) in v.into_iter().take(3) {
                expected_top.push((*end, vec![s(t), Value::Int(*n)]));
            }
        }
        assert_eq!(top, expected_top);
        let expected_distinct: Out = per_minute
            .iter()
            .map(|(end, m)| (*end, vec![Value::Int(m.len() as i64)]))
            .collect();
        assert_eq!(distinct, expected_distinct);
        assert_eq!(
            distinct.len(),
            5,
            "225 s of rows from 40 s into a minute: 5 windows"
        );
    }
}
