//! Kafka's default partitioner for keyed records.
//!
//! Source: `Utils.murmur2` and `Utils.toPositive`
//! (apache/kafka `clients/src/main/java/org/apache/kafka/common/utils/Utils.java`),
//! `BuiltInPartitioner.partitionForKey`
//! (`clients/src/main/java/org/apache/kafka/clients/producer/internals/BuiltInPartitioner.java`):
//! `toPositive(murmur2(serializedKey)) % numPartitions`, where the partition
//! count is every partition of the topic. Written here from the algorithm
//! (MurmurHash2, 32-bit, seed `0x9747b28c`); Java's `int` arithmetic wraps,
//! so everything below is `u32` with wrapping multiplication and logical
//! shifts, and the result is reinterpreted as an `i32` like Java's.

const SEED: u32 = 0x9747_b28c;
const M: u32 = 0x5bd1_e995;
const R: u32 = 24;

/// Kafka's murmur2 of `data` (`Utils.murmur2`), as the `int` Java returns.
pub fn murmur2(data: &[u8]) -> i32 {
    let mut h: u32 = SEED ^ (data.len() as u32);
    let mut blocks = data.chunks_exact(4);
    for block in &mut blocks {
        let mut k = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    // The tail: Java's switch falls through from case 3 to case 1.
    let tail = blocks.remainder();
    if tail.len() == 3 {
        h ^= u32::from(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        h ^= u32::from(tail[1]) << 8;
    }
    if !tail.is_empty() {
        h ^= u32::from(tail[0]);
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// `Utils.toPositive`: clears the sign bit (`n & 0x7fffffff`). This is not
/// the absolute value: `toPositive(-1)` is 2147483647.
pub fn to_positive(n: i32) -> i32 {
    n & 0x7fff_ffff
}

/// The default partitioner for a keyed record: `toPositive(murmur2(key)) %
/// partitions`. A partition count of 0 is treated as 1 (never divides by 0).
pub fn partition_for_key(key: &[u8], partitions: u32) -> u32 {
    (to_positive(murmur2(key)) as u32) % partitions.max(1)
}

/// One key whose partition changes when a topic grows from `from` to `to`
/// partitions (the reason per-key order can break after `add_partitions`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyMove {
    pub key: String,
    pub from_partition: u32,
    pub to_partition: u32,
}

/// The keys among `keys` that map to a different partition with `to`
/// partitions than with `from` (each key once, in the order given).
pub fn keys_that_move(keys: &[String], from: u32, to: u32) -> Vec<KeyMove> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for key in keys {
        if !seen.insert(key.as_str()) {
            continue;
        }
        let a = partition_for_key(key.as_bytes(), from);
        let b = partition_for_key(key.as_bytes(), to);
        if a != b {
            out.push(KeyMove {
                key: key.clone(),
                from_partition: a,
                to_partition: b,
            });
        }
    }
    out
}
