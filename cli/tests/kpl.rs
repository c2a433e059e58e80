//! `kinesis-lab kpl aggregate | deaggregate`: round trips, packing limits,
//! and errors that name the line and the field.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use kinesis_lab_core::hash::{even_ranges, hash_key_of, shard_index_for};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn kpl(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kinesis-lab"))
        .arg("kpl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

fn records(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let mut r = json!({
                "PartitionKey": format!("user-{}", i % 7),
                "Data": STANDARD.encode(format!("{{\"n\":{i}}}")),
            });
            if i % 5 == 0 {
                r["ExplicitHashKey"] = json!((i as u128 * 12_345_678_901_234_567).to_string());
            }
            r
        })
        .collect()
}

fn lines(v: &[Value]) -> String {
    v.iter().map(|r| r.to_string() + "\n").collect()
}

fn round_trip(args: &[&str], input: &[Value]) -> (Vec<String>, Vec<Value>) {
    let agg = kpl(&[&["aggregate"], args].concat(), &lines(input));
    assert!(agg.status.success(), "{}", text(&agg.stderr));
    let out = text(&agg.stdout);
    let de = kpl(&["deaggregate"], &out);
    assert!(de.status.success(), "{}", text(&de.stderr));
    let back = text(&de.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out.lines().map(str::to_owned).collect(), back)
}

#[test]
fn aggregate_then_deaggregate() {
    let input = records(300);
    let (one, back) = round_trip(&[], &input);
    assert_eq!(one.len(), 1, "300 small records fit one 50 KB record");
    assert_eq!(back, input);
    let (many, back) = round_trip(&["--max-size", "1000"], &input);
    assert!(many.len() > 5);
    for line in &many {
        assert!(STANDARD.decode(line).unwrap().len() <= 1000);
    }
    assert_eq!(back, input);
    let (counted, back) = round_trip(&["--max-records", "40"], &input);
    assert_eq!(counted.len(), 300usize.div_ceil(40));
    assert_eq!(back, input);
}

#[test]
fn records_are_packed_per_shard() {
    let input = records(200);
    let (out, back) = round_trip(&["--shards", "4", "--max-size", "600"], &input);
    let ranges = even_ranges(4).unwrap();
    let shard_of = |r: &Value| {
        let h = match r.get("ExplicitHashKey") {
            Some(h) => {
                kinesis_lab_core::hash::parse_explicit_hash_key(h.as_str().unwrap()).unwrap()
            }
            None => hash_key_of(r["PartitionKey"].as_str().unwrap()).unwrap(),
        };
        shard_index_for(&ranges, h)
    };
    // Each aggregated record holds one shard's records, and within a shard
    // the order is kept.
    for line in &out {
        let de = kpl(&["deaggregate"], &(line.clone() + "\n"));
        let inner: Vec<Value> = text(&de.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let shards: std::collections::BTreeSet<usize> = inner.iter().map(shard_of).collect();
        assert_eq!(shards.len(), 1);
    }
    for s in 0..4 {
        let want: Vec<&Value> = input.iter().filter(|r| shard_of(r) == s).collect();
        let got: Vec<&Value> = back.iter().filter(|r| shard_of(r) == s).collect();
        assert_eq!(got, want);
    }
}

#[test]
fn entries_are_put_records_entries() {
    let out = kpl(&["aggregate", "--entries"], &lines(&records(3)));
    let entry: Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(entry["PartitionKey"], "a");
    // The explicit hash key is the first record's.
    assert_eq!(entry["ExplicitHashKey"], "0");
}

#[test]
fn bad_input_names_line_and_field() {
    let cases: [(&[&str], &str, &str); 9] = [
        (
            &["aggregate"],
            "{\"PartitionKey\":\"a\",\"Data\":\"eA==\"}\n\n{\"Data\":\"eA==\"}\n",
            "line 3: PartitionKey: missing",
        ),
        (
            &["aggregate"],
            "{\"PartitionKey\":\"a\",\"Data\":\"%%\"}\n",
            "line 1: Data: not valid base64",
        ),
        (
            &["aggregate"],
            "{\"PartitionKey\":\"\",\"Data\":\"eA==\"}\n",
            "line 1: PartitionKey: PartitionKey must not be empty",
        ),
        (
            &["aggregate"],
            "{\"PartitionKey\":\"a\",\"ExplicitHashKey\":\"-1\",\"Data\":\"\"}\n",
            "line 1: ExplicitHashKey:",
        ),
        (
            &["aggregate"],
            "{\"PartitionKey\":\"a\",\"Data\":\"\",\"Colour\":1}\n",
            "line 1: not a user record (unknown field `Colour`",
        ),
        (&["aggregate"], "[1,2]\n", "line 1: not a user record"),
        (
            &["aggregate", "--max-size", "10"],
            "",
            "--max-size must be between 64",
        ),
        (&["deaggregate"], "84mawgAA\n", "line 1: Data: too short"),
        (
            &["deaggregate"],
            "aGVsbG8gd29ybGQsIHRoaXMgaXMgbm90IGFnZ3JlZ2F0ZWQ=\n",
            "line 1: Data: not an aggregated record: it starts with 68 65 6C 6C",
        ),
    ];
    for (args, input, want) in cases {
        let out = kpl(args, input);
        assert_eq!(out.status.code(), Some(2), "{args:?} {input:?}");
        assert!(
            text(&out.stderr).contains(want),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty());
    }
    // A record too big for any Kinesis record.
    let big = json!({"PartitionKey": "k", "Data": STANDARD.encode(vec![0u8; 1_048_576])});
    let out = kpl(&["aggregate"], &lines(&[big]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("line 1: Data: Data is too large"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_corrupt_record_names_the_md5() {
    let out = kpl(&["aggregate"], &lines(&records(4)));
    let mut bytes = STANDARD.decode(text(&out.stdout).trim()).unwrap();
    bytes[6] ^= 1;
    let line = STANDARD.encode(&bytes);
    let good = text(&out.stdout);
    let out = kpl(&["deaggregate"], &format!("{good}{line}\n"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("line 2: Data: MD5 checksum mismatch"),
        "{}",
        text(&out.stderr)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn any_records_round_trip(keys in proptest::collection::vec("\\PC{1,12}", 1..40), max in 64usize..2000) {
        let input: Vec<Value> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| json!({"PartitionKey": k, "Data": STANDARD.encode(vec![i as u8; i * 3])}))
            .collect();
        let (_, back) = round_trip(&["--max-size", &max.to_string()], &input);
        prop_assert_eq!(back, input);
    }
}
