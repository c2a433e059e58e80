//! Scenario runs snapshot-tested: the event log and summary of each scenario
//! in tests/scenarios/ must match its reviewed `.json` snapshot. After a
//! deliberate change, rerun with UPDATE_EXPECT=1 and review the diff.

use expect_test::expect_file;
use kinesis_lab_core::api::scenario::{from_toml, run};

fn play(name: &str) -> kinesis_lab_core::api::scenario::Outcome {
    let path = format!(
        "{}/../tests/scenarios/{name}.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    run(&from_toml(&text).unwrap()).unwrap()
}

#[test]
fn split_keeps_order_snapshot() {
    let out = play("split-keeps-order");
    assert!(out.steps.iter().all(|s| s.ok), "{:#?}", out.steps);
    let reader = &out.consumers[0].1;
    assert_eq!(reader.records, 6);
    assert_eq!(reader.order_violations, 0);
    expect_file!["../../tests/scenarios/split-keeps-order.json"]
        .assert_eq(&serde_json::to_string_pretty(&out).unwrap());
}

#[test]
fn hot_shard_snapshot() {
    let out = play("hot-shard");
    let clicks = &out.streams[0];
    assert!(clicks.puts_throttled > 0);
    assert_eq!(clicks.records_put + clicks.puts_throttled, 9_000);
    expect_file!["../../tests/scenarios/hot-shard.json"]
        .assert_eq(&serde_json::to_string_pretty(&out).unwrap());
}

#[test]
fn the_same_scenario_gives_the_same_log() {
    assert_eq!(play("split-keeps-order"), play("split-keeps-order"));
}

#[test]
fn a_bad_scenario_names_the_problem() {
    let e = from_toml("run_ms = 10\n[[steps]]\nat_ms = 0\n")
        .and_then(|s| run(&s))
        .unwrap_err();
    assert!(e.0.contains("steps[1]"), "{e}");
    assert!(from_toml("run_ms = 10\nbogus = 1\n")
        .unwrap_err()
        .0
        .contains("bogus"));
}
