//! `kinesis-lab compare`: the JSON lines carry the same numbers as the core
//! simulator run directly, and bad input is an error naming what is wrong.

use kinesis_lab_core::api::scenario::DEFAULT_START_MS;
use kinesis_lab_core::compare::sim::{presets, CompareAction, CompareSim};
use kinesis_lab_core::compare::System;
use serde_json::Value;
use std::process::{Command, Output};

fn compare(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kinesis-lab"))
        .arg("compare")
        .args(args)
        .output()
        .unwrap()
}

fn json_lines(o: &Output) -> Vec<Value> {
    String::from_utf8(o.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn preset_json_matches_the_core_sim() {
    let id = "kill-consumer";
    let o = compare(&["--preset", id, "--seconds", "5", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 4, "a header and one line per system");
    let p = presets().into_iter().find(|p| p.id == id).unwrap();
    let mut sim = CompareSim::new(p.workload.clone(), DEFAULT_START_MS).unwrap();
    for a in p.actions.iter().chain([&CompareAction::Run { seconds: 5 }]) {
        sim.apply(a).unwrap();
    }
    assert_eq!(lines[0]["end_ms"], sim.now_ms);
    for (line, s) in lines[1..].iter().zip(System::ALL) {
        let want = serde_json::to_value(sim.counters(s)).unwrap();
        assert_eq!(line["counters"], want, "{s:?}");
        let groups = serde_json::to_value(sim.groups(s)).unwrap();
        assert_eq!(line["groups"], groups, "{s:?}");
        assert_eq!(
            line["lanes"].as_array().unwrap().len(),
            sim.column(s).lanes.len()
        );
    }
    assert_eq!(lines[1]["system"], "sqs");
    assert_eq!(lines[2]["system"], "kafka");
    assert_eq!(lines[3]["system"], "kinesis");
}

#[test]
fn own_workload_and_actions() {
    let o = compare(&[
        "--workload",
        r#"{"keys":4,"records_per_second":50,"record_bytes":10,"messages":100,"consumers":2,"partitions":2,"assignor":"range","fifo":false,"seed":9}"#,
        "--action",
        r#"{"op":"run","seconds":10}"#,
        "--action",
        r#"{"op":"second_group"}"#,
        "--seconds",
        "20",
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines = json_lines(&o);
    for line in &lines[1..] {
        assert_eq!(line["counters"]["sent"], 100);
    }
    // The streams have two groups now, SQS one.
    assert_eq!(lines[1]["groups"].as_array().unwrap().len(), 1);
    assert_eq!(lines[2]["groups"].as_array().unwrap().len(), 2);
    assert_eq!(lines[3]["groups"].as_array().unwrap().len(), 2);
    // Text output runs too.
    let t = compare(&["--preset", "same-key"]);
    assert!(t.status.success());
    let text = String::from_utf8(t.stdout).unwrap();
    assert!(
        text.contains("Amazon SQS")
            && text.contains("Apache Kafka")
            && text.contains("Kinesis Data Streams")
    );
}

#[test]
fn bad_input_names_what_is_wrong() {
    let o = compare(&["--preset", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--preset"));
    let o = compare(&[
        "--workload",
        r#"{"keys":0,"records_per_second":50,"record_bytes":10,"messages":100,"consumers":2,"partitions":2,"assignor":"range","fifo":false,"seed":9}"#,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("keys"));
    let o = compare(&[
        "--preset",
        "replay",
        "--action",
        r#"{"op":"kill_consumer","consumer":99}"#,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("consumer"));
    let o = compare(&["--list", "--json"]);
    assert!(o.status.success());
    assert_eq!(json_lines(&o).len(), presets().len());
}
