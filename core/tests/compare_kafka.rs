//! The Kafka model (core/src/compare/kafka): murmur2 against Kafka's own
//! vectors, the assignors against Kafka's documented examples, consumer
//! groups, retention, partitions added, transactions, determinism.

use kinesis_lab_core::compare::kafka::*;
use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------- murmur2

/// Kafka's published vectors: `UtilsTest.testMurmur2`
/// (clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java).
#[test]
fn murmur2_matches_kafkas_published_vectors() {
    let cases: [(&[u8], i32); 6] = [
        (b"21", -973_932_308),
        (b"foobar", -790_332_482),
        (b"a-little-bit-long-string", -985_981_536),
        (b"a-little-bit-longer-string", -1_486_304_829),
        (
            b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8",
            -58_897_971,
        ),
        (&[b'a', b'b', b'c'], 479_470_107),
    ];
    for (input, expected) in cases {
        assert_eq!(
            murmur2(input),
            expected,
            "murmur2({:?})",
            String::from_utf8_lossy(input)
        );
    }
}

/// Derived values (computed with the same algorithm for compare-design.md
/// §1.3, not Kafka vectors): the empty key and a one-byte tail, which
/// Kafka's vectors do not cover.
#[test]
fn murmur2_derived_values_cover_the_other_tail_lengths() {
    assert_eq!(murmur2(b""), 275_646_681);
    assert_eq!(murmur2(b"a"), -1_563_381_124);
    assert_eq!(murmur2(b"ab"), 316_155_434);
    assert_eq!(murmur2(b"key"), -1_079_937_367);
}

#[test]
fn partition_is_to_positive_murmur2_mod_n_not_abs() {
    // Derived: "a-little-bit-longer-string" is p2 of 3 and p5 of 6 (design note §1.3).
    assert_eq!(partition_for_key(b"a-little-bit-longer-string", 3), 2);
    assert_eq!(partition_for_key(b"a-little-bit-longer-string", 6), 5);
    for key in ["21", "foobar", "key", "a", "user-17"] {
        let h = murmur2(key.as_bytes());
        for n in 1..12u32 {
            let expected = ((h & 0x7fff_ffff) as u32) % n;
            assert_eq!(partition_for_key(key.as_bytes(), n), expected);
        }
        // toPositive is not abs: for a negative hash they differ.
        if h < 0 && h != i32::MIN {
            assert_ne!(to_positive(h), h.abs());
        }
    }
    assert_eq!(
        partition_for_key(b"x", 0),
        0,
        "a zero partition count never divides by zero"
    );
}
