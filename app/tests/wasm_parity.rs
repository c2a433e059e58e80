//! The core's routing compiled to wasm32 and run in headless Chromium must
//! agree with the native `kinesis-lab route` output that `cargo xtask test`
//! writes to the fixture named by KINESIS_LAB_PARITY_FIXTURE.
#![cfg(target_arch = "wasm32")]

use kinesis_lab_core::hash::{even_ranges, route};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const FIXTURE: &str = include_str!(env!("KINESIS_LAB_PARITY_FIXTURE"));

#[wasm_bindgen_test]
fn wasm_routing_agrees_with_native_cli() {
    let mut checked = 0;
    for line in FIXTURE.lines() {
        let (shards, json) = line.split_once('\t').expect("shards<TAB>json");
        let native: serde_json::Value = serde_json::from_str(json).expect("CLI JSON");
        let shards: u32 = shards.parse().expect("shard count");
        let key = native["partition_key"].as_str().expect("partition_key");
        let wasm = route(key, None, &even_ranges(shards).unwrap()).unwrap();
        assert_eq!(
            native["hash_key"],
            wasm.hash_key.to_string(),
            "hash of {key:?}"
        );
        assert_eq!(
            native["shard_id"],
            wasm.shard_id.to_string(),
            "shard of {key:?} with {shards}"
        );
        checked += 1;
    }
    assert!(checked >= 800, "fixture too small: {checked} lines");
}

/// The SQL table functions (RANDOM_CUT_FOREST scores, the HyperLogLog
/// estimate) give the same bits in wasm32 as natively: the native test
/// `parity_probe_matches_the_fixture_shared_with_wasm` in
/// core/tests/sql_tablefn.rs checks the same file.
#[wasm_bindgen_test]
fn wasm_table_functions_agree_with_native() {
    let native = include_str!("../../core/tests/sql_tablefn_parity.txt");
    assert_eq!(kinesis_lab_core::analytics::tablefn::parity_probe(), native);
}
