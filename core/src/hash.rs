//! Partition key → hash key → shard, as Kinesis Data Streams does it.
//!
//! - The hash key of a record is the MD5 digest of its partition key (UTF-8),
//!   read as a 128-bit unsigned big-endian integer.
//! - An `ExplicitHashKey` (a decimal string in `0..=2^128-1`) overrides it.
//! - A stream created with N shards splits the hash-key space evenly:
//!   `step = floor(2^128 / N)`, shard `i` covers `[i*step, (i+1)*step - 1]`,
//!   and the last shard ends at `2^128 - 1`.

use crate::error::{Field, Problem, ValidationError};
use crate::shared::SharedStr;
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The largest hash key, `2^128 - 1`.
pub const MAX_HASH_KEY: u128 = u128::MAX;
/// Kinesis limit on partition key length, in Unicode characters.
pub const MAX_PARTITION_KEY_CHARS: usize = 256;
/// The most shards the lab will lay out in one call. Kinesis has no fixed
/// per-stream maximum (it is an account quota), so this bound only protects
/// memory; the CLI and UI use far fewer.
pub const MAX_SHARDS: u32 = 100_000;

/// A 128-bit hash key. Serialised as a decimal string, as Kinesis does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HashKey(pub u128);

impl fmt::Display for HashKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for HashKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HashKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_explicit_hash_key(&s).map_err(serde::de::Error::custom)
    }
}

impl HashKey {
    /// Position in the hash-key space as a fraction in `[0, 1)`; for drawing.
    pub fn fraction(self) -> f64 {
        // 2^128 as f64 is exact; the division loses only low bits.
        self.0 as f64 / 340_282_366_920_938_463_463_374_607_431_768_211_456.0_f64
    }
}

/// A shard id, printed as Kinesis prints it: `shardId-000000000000`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShardId(pub u32);

impl fmt::Display for ShardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "shardId-{:012}", self.0)
    }
}

impl Serialize for ShardId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The MD5 digest of the partition key's UTF-8 bytes.
pub fn md5_digest(partition_key: &str) -> [u8; 16] {
    Md5::digest(partition_key.as_bytes()).into()
}

/// Lower-case hex of a digest.
pub fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 0x0f) as usize] as char);
    }
    s
}

/// Checks a partition key against Kinesis's rule: 1 to 256 Unicode characters.
pub fn validate_partition_key(partition_key: &str) -> Result<(), ValidationError> {
    if partition_key.is_empty() {
        return Err(ValidationError::new(Field::PartitionKey, Problem::Empty));
    }
    // A character is at least one byte, so a short key needs no counting.
    if partition_key.len() <= MAX_PARTITION_KEY_CHARS {
        return Ok(());
    }
    let len = partition_key.chars().count();
    if len > MAX_PARTITION_KEY_CHARS {
        return Err(ValidationError::new(
            Field::PartitionKey,
            Problem::TooLong {
                len,
                max: MAX_PARTITION_KEY_CHARS,
            },
        ));
    }
    Ok(())
}

/// The hash key Kinesis derives from a (valid) partition key.
pub fn hash_key_of(partition_key: &str) -> Result<HashKey, ValidationError> {
    validate_partition_key(partition_key)?;
    Ok(HashKey(u128::from_be_bytes(md5_digest(partition_key))))
}

/// Parses an `ExplicitHashKey`: Kinesis accepts `0|([1-9]\d{0,38})` whose
/// value is at most `2^128 - 1`.
pub fn parse_explicit_hash_key(s: &str) -> Result<HashKey, ValidationError> {
    let err = |problem| Err(ValidationError::new(Field::ExplicitHashKey, problem));
    if s.is_empty() {
        return err(Problem::Empty);
    }
    let digits_only = s.bytes().all(|b| b.is_ascii_digit());
    if !digits_only || (s.len() > 1 && s.starts_with('0')) {
        return err(Problem::NotDecimal);
    }
    match s.parse::<u128>() {
        Ok(v) => Ok(HashKey(v)),
        // Only digits, so the sole failure left is overflow.
        Err(_) => err(Problem::OutOfRange {
            min: "0".into(),
            max: MAX_HASH_KEY.to_string(),
        }),
    }
}

/// An inclusive range of hash keys owned by one shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct HashKeyRange {
    #[serde(rename = "StartingHashKey")]
    pub start: HashKey,
    #[serde(rename = "EndingHashKey")]
    pub end: HashKey,
}

impl HashKeyRange {
    pub fn contains(&self, key: HashKey) -> bool {
        self.start <= key && key <= self.end
    }
}

fn validate_shard_count(n: u32) -> Result<(), ValidationError> {
    if n == 0 || n > MAX_SHARDS {
        return Err(ValidationError::new(
            Field::ShardCount,
            Problem::OutOfRange {
                min: "1".into(),
                max: MAX_SHARDS.to_string(),
            },
        ));
    }
    Ok(())
}

/// The hash-key ranges of a stream created with `n` shards, in shard order.
pub fn even_ranges(n: u32) -> Result<Vec<HashKeyRange>, ValidationError> {
    validate_shard_count(n)?;
    let n128 = n as u128;
    // floor(2^128 / n) without forming 2^128: 2^128 = n*q + r + 1 where
    // q, r are the quotient and remainder of (2^128 - 1) / n.
    let (q, r) = (MAX_HASH_KEY / n128, MAX_HASH_KEY % n128);
    // For n = 1 the step is 2^128 itself; it is never multiplied then.
    let step = if r == n128 - 1 { q.wrapping_add(1) } else { q };
    let start = |i: u128| if i == 0 { 0 } else { i * step };
    Ok((0..n128)
        .map(|i| HashKeyRange {
            start: HashKey(start(i)),
            end: HashKey(if i == n128 - 1 {
                MAX_HASH_KEY
            } else {
                start(i + 1) - 1
            }),
        })
        .collect())
}

/// Index of the range that holds `key`. The ranges must cover the whole space
/// in order (as `even_ranges` makes them); binary search keeps this fast for
/// thousands of shards.
pub fn shard_index_for(ranges: &[HashKeyRange], key: HashKey) -> usize {
    ranges
        .partition_point(|r| r.end < key)
        .min(ranges.len().saturating_sub(1))
}

/// Everything the lab shows about where one record goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Route {
    pub partition_key: String,
    /// MD5 of the partition key, hex. Present even when an explicit hash key
    /// overrides it, so students can see what was overridden.
    pub md5_hex: String,
    pub explicit_hash_key: bool,
    pub hash_key: HashKey,
    pub shard_index: usize,
    pub shard_id: ShardId,
}

/// Routes one record: validates the partition key, applies the explicit hash
/// key if given, and finds the shard among `ranges`.
pub fn route(
    partition_key: &str,
    explicit_hash_key: Option<&str>,
    ranges: &[HashKeyRange],
) -> Result<Route, ValidationError> {
    let md5_key = hash_key_of(partition_key)?;
    let (hash_key, explicit) = match explicit_hash_key {
        Some(s) => (parse_explicit_hash_key(s)?, true),
        None => (md5_key, false),
    };
    let shard_index = shard_index_for(ranges, hash_key);
    Ok(Route {
        partition_key: partition_key.to_owned(),
        md5_hex: to_hex(&md5_key.0.to_be_bytes()),
        explicit_hash_key: explicit,
        hash_key,
        shard_index,
        shard_id: ShardId(shard_index as u32),
    })
}

/// Partition keys seen recently, each with its hash key, so a key that
/// comes again is neither hashed nor copied again: its MD5 is remembered and
/// its text shared (a stream's records and events then point at one copy).
///
/// It is a fixed table of [`KeyCache::SLOTS`] entries, each holding the
/// last key whose (cheap, fixed) slot hash landed there, so it stays small
/// and its contents depend only on the keys looked up, never on an
/// address or a random seed. Keys longer than [`KeyCache::MAX_KEY_BYTES`]
/// are not kept. A lookup gives exactly what [`hash_key_of`] gives.
#[derive(Default)]
pub struct KeyCache {
    slots: Vec<Option<(SharedStr, HashKey)>>,
}

impl KeyCache {
    pub const SLOTS: usize = 4096;
    pub const MAX_KEY_BYTES: usize = 64;

    /// The key, validated and shared, and its hash key.
    pub fn lookup(&mut self, partition_key: &str) -> Result<(SharedStr, HashKey), ValidationError> {
        if partition_key.len() > Self::MAX_KEY_BYTES {
            let hash = hash_key_of(partition_key)?;
            return Ok((SharedStr::from(partition_key), hash));
        }
        if self.slots.is_empty() {
            self.slots = vec![None; Self::SLOTS];
        }
        let i = slot_of(partition_key.as_bytes()) & (Self::SLOTS - 1);
        let slot = &mut self.slots[i];
        if let Some((key, hash)) = slot {
            if key.as_str() == partition_key {
                return Ok((key.clone(), *hash));
            }
        }
        let hash = hash_key_of(partition_key)?;
        let key = SharedStr::from(partition_key);
        *slot = Some((key.clone(), hash));
        Ok((key, hash))
    }
}

/// A fast, fixed hash of a short byte string (multiply-rotate over 8-byte
/// words), for picking a slot. Not MD5 and not used for routing.
fn slot_of(bytes: &[u8]) -> usize {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let mut h = mix(0, bytes.len() as u64);
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        h = mix(h, u64::from_le_bytes(b));
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut b = [0u8; 8];
        b[..rest.len()].copy_from_slice(rest);
        h = mix(h, u64::from_le_bytes(b));
    }
    // Fold the high bits down (a product's low bits ignore its inputs' high
    // bits), as splitmix64 finishes.
    h = (h ^ (h >> 31)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (h ^ (h >> 29)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn key_cache_remembers_and_shares_a_key() {
        let mut c = KeyCache::default();
        let (a, ha) = c.lookup("user-1").unwrap();
        let (b, hb) = c.lookup("user-1").unwrap();
        assert!(
            SharedStr::ptr_eq(&a, &b),
            "the second lookup shares the first copy"
        );
        assert_eq!((ha, hb), (hash_key_of("user-1").unwrap(), ha));
        let long = "k".repeat(KeyCache::MAX_KEY_BYTES + 1);
        let (l1, h1) = c.lookup(&long).unwrap();
        let (l2, _) = c.lookup(&long).unwrap();
        assert_eq!(h1, hash_key_of(&long).unwrap());
        assert!(!SharedStr::ptr_eq(&l1, &l2), "long keys are not kept");
        assert_eq!(c.lookup("").unwrap_err(), hash_key_of("").unwrap_err());
        // Keys that differ only in their last characters land in many slots.
        let slots: std::collections::BTreeSet<usize> = (0..500)
            .map(|i| slot_of(format!("user-{i}").as_bytes()) & (KeyCache::SLOTS - 1))
            .collect();
        assert!(slots.len() > 450, "{} slots for 500 keys", slots.len());
        let too_long = "é".repeat(MAX_PARTITION_KEY_CHARS + 1);
        assert_eq!(
            c.lookup(&too_long).unwrap_err(),
            hash_key_of(&too_long).unwrap_err()
        );
    }

    proptest! {
        /// Whatever keys come, in whatever order (slots collide and are
        /// replaced), a lookup gives the key and exactly its MD5 hash key.
        #[test]
        fn key_cache_gives_what_md5_gives(keys in prop::collection::vec("[a-z0-9é-]{0,70}", 1..300), order in prop::collection::vec(any::<prop::sample::Index>(), 1..600)) {
            let mut c = KeyCache::default();
            for i in order {
                let k = &keys[i.index(keys.len())];
                match (c.lookup(k), hash_key_of(k)) {
                    (Ok((shared, h)), Ok(expected)) => {
                        prop_assert_eq!(shared.as_str(), k.as_str());
                        prop_assert_eq!(h, expected);
                    }
                    (Err(a), Err(b)) => prop_assert_eq!(a, b),
                    (a, b) => prop_assert!(false, "{:?} vs {:?}", a, b),
                }
            }
        }
    }

    const TWO_POW_128_DEC: &str = "340282366920938463463374607431768211456";

    #[test]
    fn md5_matches_rfc1321_test_suite() {
        // RFC 1321, appendix A.5.
        let vectors = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            (
                "abcdefghijklmnopqrstuvwxyz",
                "c3fcd3d76192e4007dfb496cca67e13b",
            ),
            (
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                "d174ab98d277d9f5a5611c2c9f419d9f",
            ),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ];
        for (input, hex) in vectors {
            assert_eq!(to_hex(&md5_digest(input)), hex, "MD5({input:?})");
        }
    }

    #[test]
    fn hash_key_is_md5_read_big_endian() {
        // MD5("abc") = 900150983cd24fb0d6963f7d28e17f72.
        let k = hash_key_of("abc").unwrap();
        assert_eq!(k.0, 0x900150983cd24fb0d6963f7d28e17f72);
    }

    #[test]
    fn three_shards_match_aws_published_example() {
        let r = even_ranges(3).unwrap();
        assert_eq!(r[0].start.to_string(), "0");
        assert_eq!(
            r[0].end.to_string(),
            "113427455640312821154458202477256070484"
        );
        assert_eq!(
            r[1].start.to_string(),
            "113427455640312821154458202477256070485"
        );
        assert_eq!(r[2].end.0, MAX_HASH_KEY);
    }

    /// Checks the rule in big-integer arithmetic done with decimal strings,
    /// independent of the u128 trick in `even_ranges`.
    fn step_by_long_division(n: u32) -> String {
        let mut out = String::new();
        let mut rem: u64 = 0;
        for d in TWO_POW_128_DEC.bytes() {
            rem = rem * 10 + (d - b'0') as u64;
            let q = rem / n as u64;
            rem %= n as u64;
            if !(out.is_empty() && q == 0) {
                out.push((b'0' + q as u8) as char);
            }
        }
        out
    }

    #[test]
    fn ranges_follow_the_rule_at_every_edge() {
        for n in [1u32, 2, 3, 7, 64] {
            let r = even_ranges(n).unwrap();
            assert_eq!(r.len(), n as usize);
            assert_eq!(r[0].start.0, 0, "n={n}: first shard starts at 0");
            assert_eq!(
                r[n as usize - 1].end.0,
                MAX_HASH_KEY,
                "n={n}: last shard ends at 2^128-1"
            );
            if n > 1 {
                let step: u128 = step_by_long_division(n).parse().unwrap();
                for (i, range) in r.iter().enumerate() {
                    assert_eq!(range.start.0, i as u128 * step, "n={n} shard {i} start");
                    if i + 1 < n as usize {
                        assert_eq!(
                            range.end.0,
                            (i as u128 + 1) * step - 1,
                            "n={n} shard {i} end"
                        );
                        assert_eq!(r[i + 1].start.0, range.end.0 + 1, "n={n}: no gap after {i}");
                    }
                    // The edges themselves route to this shard, the next key does not.
                    assert_eq!(shard_index_for(&r, range.start), i);
                    assert_eq!(shard_index_for(&r, range.end), i);
                    if range.end.0 < MAX_HASH_KEY {
                        assert_eq!(shard_index_for(&r, HashKey(range.end.0 + 1)), i + 1);
                    }
                }
            }
            assert_eq!(shard_index_for(&r, HashKey(0)), 0);
            assert_eq!(shard_index_for(&r, HashKey(MAX_HASH_KEY)), n as usize - 1);
        }
    }

    #[test]
    fn two_shards_split_at_half() {
        let r = even_ranges(2).unwrap();
        assert_eq!(r[0].end.0, (1u128 << 127) - 1);
        assert_eq!(r[1].start.0, 1u128 << 127);
    }

    #[test]
    fn shard_ids_are_zero_padded() {
        assert_eq!(ShardId(0).to_string(), "shardId-000000000000");
        assert_eq!(ShardId(63).to_string(), "shardId-000000000063");
    }

    #[test]
    fn partition_key_limits() {
        assert_eq!(
            hash_key_of("").unwrap_err(),
            ValidationError::new(Field::PartitionKey, Problem::Empty)
        );
        let ok = "k".repeat(256);
        assert!(hash_key_of(&ok).is_ok());
        let long = "k".repeat(257);
        assert_eq!(
            hash_key_of(&long).unwrap_err().problem,
            Problem::TooLong { len: 257, max: 256 }
        );
        // Characters, not bytes: 256 two-byte characters are fine.
        assert!(hash_key_of(&"ế".repeat(256)).is_ok());
    }

    #[test]
    fn explicit_hash_key_parsing() {
        assert_eq!(parse_explicit_hash_key("0").unwrap().0, 0);
        assert_eq!(
            parse_explicit_hash_key(&MAX_HASH_KEY.to_string())
                .unwrap()
                .0,
            MAX_HASH_KEY
        );
        for bad in ["-1", "+1", "01", "1.5", "1e3", " 1", "abc", "0x10"] {
            let e = parse_explicit_hash_key(bad).unwrap_err();
            assert_eq!(e.field, Field::ExplicitHashKey, "{bad}");
            assert_eq!(e.problem, Problem::NotDecimal, "{bad}");
        }
        let e = parse_explicit_hash_key(TWO_POW_128_DEC).unwrap_err();
        assert!(matches!(e.problem, Problem::OutOfRange { .. }));
        assert_eq!(
            parse_explicit_hash_key("").unwrap_err().problem,
            Problem::Empty
        );
    }

    #[test]
    fn explicit_hash_key_overrides_md5() {
        let r = even_ranges(4).unwrap();
        let routed = route("anything", Some("0"), &r).unwrap();
        assert_eq!(routed.shard_index, 0);
        assert!(routed.explicit_hash_key);
        let routed = route("anything", Some(&MAX_HASH_KEY.to_string()), &r).unwrap();
        assert_eq!(routed.shard_id.to_string(), "shardId-000000000003");
        // The partition key is still validated when an explicit key is given.
        assert!(route("", Some("0"), &r).is_err());
    }

    #[test]
    fn shard_count_is_validated() {
        assert_eq!(even_ranges(0).unwrap_err().field, Field::ShardCount);
        assert!(even_ranges(MAX_SHARDS + 1).is_err());
    }

    #[test]
    fn hash_key_serialises_as_decimal_string() {
        let json = serde_json::to_string(&HashKey(MAX_HASH_KEY)).unwrap();
        assert_eq!(json, format!("\"{MAX_HASH_KEY}\""));
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn every_key_lands_in_the_range_that_contains_it(key in "\\PC{1,64}", n in 1u32..200) {
                let ranges = even_ranges(n).unwrap();
                let r = route(&key, None, &ranges).unwrap();
                prop_assert!(ranges[r.shard_index].contains(r.hash_key));
            }

            #[test]
            fn explicit_parse_never_panics(s in "\\PC{0,50}") {
                let _ = parse_explicit_hash_key(&s);
            }

            #[test]
            fn explicit_parse_round_trips(v in any::<u128>()) {
                prop_assert_eq!(parse_explicit_hash_key(&v.to_string()).unwrap().0, v);
            }
        }
    }
}
