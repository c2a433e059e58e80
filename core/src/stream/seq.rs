//! Sequence numbers in the layout Kinesis uses, as kinesalite
//! reverse-engineered it (its "version 2"): a 47-hex-digit number printed in
//! decimal. From the most significant digit:
//!
//! | hex digits | field |
//! |---|---|
//! | 1 | `2` |
//! | 9 | shard creation time, seconds since the epoch |
//! | 1 | last hex digit of the shard index |
//! | 16 | sequence index within the shard |
//! | 2 | `00` (meaning unknown) |
//! | 9 | time the record arrived, seconds since the epoch |
//! | 8 | shard index |
//! | 1 | `2` (the layout version) |
//!
//! The sequence index sits above the arrival time, so numbers strictly
//! increase with it within a shard.

use num_bigint::BigUint;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SequenceNumber {
    pub shard_create_secs: u64,
    pub shard_index: u32,
    pub seq_index: u64,
    pub arrival_secs: u64,
}

/// Largest value that fits the 9-hex-digit time fields.
const MAX_SECS: u64 = 0xF_FFFF_FFFF;

impl SequenceNumber {
    pub fn hex(&self) -> String {
        format!(
            "2{:09x}{:x}{:016x}00{:09x}{:08x}2",
            self.shard_create_secs.min(MAX_SECS),
            self.shard_index & 0xF,
            self.seq_index,
            self.arrival_secs.min(MAX_SECS),
            self.shard_index,
        )
    }

    /// Parses a decimal sequence number in this layout.
    pub fn parse(decimal: &str) -> Option<SequenceNumber> {
        if decimal.is_empty() || decimal.len() > 128 || !decimal.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let hex = BigUint::parse_bytes(decimal.as_bytes(), 10)?.to_str_radix(16);
        if hex.len() != 47 || !hex.starts_with('2') || !hex.ends_with('2') || &hex[27..29] != "00" {
            return None;
        }
        let field = |a: usize, b: usize| u64::from_str_radix(&hex[a..b], 16).ok();
        let shard_index = u32::try_from(field(38, 46)?).ok()?;
        let s = SequenceNumber {
            shard_create_secs: field(1, 10)?,
            shard_index,
            seq_index: field(11, 27)?,
            arrival_secs: field(29, 38)?,
        };
        // The short shard-index digit must agree with the long one.
        (field(10, 11)? == (shard_index & 0xF) as u64).then_some(s)
    }
}

/// Serialised as the decimal string the API uses.
impl serde::Serialize for SequenceNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Read from the same decimal string; anything else is an error.
impl<'de> serde::Deserialize<'de> for SequenceNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        SequenceNumber::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a sequence number: {text:?}")))
    }
}

impl fmt::Display for SequenceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The hex string is always valid, so parsing it cannot fail.
        let n = BigUint::parse_bytes(self.hex().as_bytes(), 16).unwrap_or_default();
        write!(f, "{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s(seq_index: u64, arrival_secs: u64) -> SequenceNumber {
        SequenceNumber {
            shard_create_secs: 1_700_000_000,
            shard_index: 3,
            seq_index,
            arrival_secs,
        }
    }

    #[test]
    fn layout_is_47_hex_digits_starting_and_ending_with_2() {
        let h = s(1, 1_700_000_005).hex();
        assert_eq!(h.len(), 47);
        assert!(h.starts_with("2") && h.ends_with("2"));
        assert_eq!(&h[1..10], &format!("{:09x}", 1_700_000_000u64));
        assert_eq!(&h[38..46], "00000003");
    }

    #[test]
    fn decimal_round_trips() {
        let a = s(42, 1_700_000_100);
        let d = a.to_string();
        assert!(d.len() >= 56, "{d}");
        assert_eq!(SequenceNumber::parse(&d), Some(a));
    }

    #[test]
    fn garbage_is_rejected() {
        for bad in ["", "abc", "-1", "12345", &"9".repeat(200)] {
            assert_eq!(SequenceNumber::parse(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn numbers_increase_with_the_index_whatever_the_time(i in 0u64..1 << 40, t1 in 0u64..1 << 35, t2 in 0u64..1 << 35) {
            let a: BigUint = s(i, t1).to_string().parse().unwrap();
            let b: BigUint = s(i + 1, t2).to_string().parse().unwrap();
            prop_assert!(a < b);
        }

        #[test]
        fn parse_never_panics(d in "[0-9]{0,80}") {
            let _ = SequenceNumber::parse(&d);
        }
    }
}
