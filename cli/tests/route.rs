//! `kinesis-lab route` against an independent computation: another MD5
//! implementation and big-integer range arithmetic.

use num_bigint::BigUint;
use proptest::prelude::*;
use std::io::Write;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kinesis-lab"))
}

/// Expected (hash_key, shard_index) for `key` among `n` even shards.
fn independent(key: &str, n: u32) -> (String, u32) {
    let digest = md5_independent::compute(key.as_bytes());
    let h = BigUint::from_bytes_be(&digest.0);
    let space = BigUint::from(1u8) << 128;
    let step = &space / n;
    let q: BigUint = &h / &step;
    let idx = q.min(BigUint::from(n - 1));
    (h.to_string(), idx.try_into().unwrap())
}

fn parse_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn check(keys: &[String], n: u32) {
    let out = bin()
        .args(["route", "--shards", &n.to_string(), "--"])
        .args(keys)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = parse_lines(&out.stdout);
    assert_eq!(lines.len(), keys.len());
    for (line, key) in lines.iter().zip(keys) {
        let (hash, idx) = independent(key, n);
        assert_eq!(line["partition_key"], *key);
        assert_eq!(line["hash_key"], hash, "key {key:?}");
        assert_eq!(
            line["shard_id"],
            format!("shardId-{idx:012}"),
            "key {key:?} n={n}"
        );
        assert_eq!(
            line.as_object().unwrap().len(),
            3,
            "exactly the contract's fields"
        );
    }
}

#[test]
fn fixed_keys_agree_with_independent_md5() {
    let keys: Vec<String> = ["user-123", "mobile", "web", "tablet", "a", "Xin chào", "🦀"]
        .map(String::from)
        .to_vec();
    for n in [1, 2, 3, 7, 64] {
        check(&keys, n);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn random_keys_agree_with_independent_md5(
        keys in proptest::collection::vec("[^\r\n\\x00]{1,40}", 1..20),
        n in 1u32..=200,
    ) {
        check(&keys, n);
    }
}

#[test]
fn stdin_reads_one_key_per_line() {
    let mut child = bin()
        .args(["route", "--shards", "4", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"alpha\r\nbeta\ngamma\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines = parse_lines(&out.stdout);
    let keys: Vec<_> = lines
        .iter()
        .map(|l| l["partition_key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["alpha", "beta", "gamma"]);
    for l in &lines {
        let (_, idx) = independent(l["partition_key"].as_str().unwrap(), 4);
        assert_eq!(l["shard_id"], format!("shardId-{idx:012}"));
    }
}

#[test]
fn explicit_hash_key_overrides() {
    let out = bin()
        .args([
            "route",
            "--shards",
            "3",
            "--explicit-hash-key",
            "113427455640312821154458202477256070485",
            "k",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines = parse_lines(&out.stdout);
    assert_eq!(lines[0]["shard_id"], "shardId-000000000001");
    assert_eq!(
        lines[0]["hash_key"],
        "113427455640312821154458202477256070485"
    );
}

#[test]
fn bad_input_names_the_field_and_keeps_going() {
    let long = "x".repeat(257);
    let out = bin()
        .args(["route", "--shards", "2", "--", "ok", "", &long])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        parse_lines(&out.stdout).len(),
        1,
        "the good key still prints"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("argument 2: PartitionKey must not be empty"),
        "{err}"
    );
    assert!(
        err.contains("argument 3: PartitionKey is 257 characters long"),
        "{err}"
    );

    for (args, needle) in [
        (vec!["--shards", "0", "k"], "ShardCount"),
        (
            vec!["--shards", "2", "--explicit-hash-key", "12x", "k"],
            "ExplicitHashKey must be a decimal",
        ),
        (
            vec![
                "--shards",
                "2",
                "--explicit-hash-key",
                "340282366920938463463374607431768211456",
                "k",
            ],
            "ExplicitHashKey must be between",
        ),
        (vec!["--shards", "2"], "--stdin"),
    ] {
        let out = bin().arg("route").args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(needle),
            "{args:?}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn workload_prints_engine_stats() {
    let out = bin()
        .args([
            "workload",
            "--dist",
            "device_type",
            "--shards",
            "8",
            "--rate",
            "2000",
            "--secs",
            "3",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total_records"], 6000);
    assert_eq!(v["distinct_keys"], 3);
    let per_shard: u64 = v["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["records"].as_u64().unwrap())
        .sum();
    assert_eq!(per_shard, 6000);

    let out = bin()
        .args([
            "workload", "--dist", "nope", "--shards", "8", "--rate", "1", "--secs", "1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--dist"));
    let out = bin()
        .args([
            "workload", "--dist", "zipf", "--shards", "8", "--rate", "0", "--secs", "1",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("RecordsPerSecond"));
}

#[test]
fn run_plays_a_scenario_file() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/scenarios/hot-shard.toml"
    );
    let out = bin().args(["run", path]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["streams"][0]["puts_throttled"].as_u64().unwrap() > 0);
    let bad = bin().args(["run", "/nonexistent.toml"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
