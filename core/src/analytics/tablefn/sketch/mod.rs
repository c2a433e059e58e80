//! The approximate sketches behind the table functions, written here so they
//! give the same bits natively and in wasm32:
//! - [`hll`]: HyperLogLog (COUNT_DISTINCT_ITEMS_TUMBLING);
//! - [`space_saving`]: Metwally's Space-Saving top-k (TOP_K_ITEMS_TUMBLING).
//!
//! Both key a value by [`value_key`], a canonical byte encoding, and hash it
//! with [`hash64`], one fixed 64-bit function. Nothing platform-sized (usize,
//! slice lengths) is ever hashed: usize is 4 bytes on wasm32 and 8 natively.

pub mod hll;
pub mod space_saving;

use super::super::types::Value;

/// The canonical bytes of a value: a tag byte, then a fixed-width or UTF-8
/// payload. `-0.0` encodes as `0.0` and every NaN as one NaN, so values SQL
/// calls equal share a key. `Null` has a key too; callers skip it.
pub fn value_key(v: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(9);
    match v {
        Value::Null => out.push(b'N'),
        Value::Bool(b) => {
            out.push(b'B');
            out.push(*b as u8);
        }
        Value::Int(i) => {
            out.push(b'I');
            out.extend_from_slice(&i.to_le_bytes());
        }
        Value::Double(d) => {
            out.push(b'D');
            let bits = if *d == 0.0 {
                0u64
            } else if d.is_nan() {
                0x7ff8_0000_0000_0000
            } else {
                d.to_bits()
            };
            out.extend_from_slice(&bits.to_le_bytes());
        }
        Value::Str(s) => {
            out.push(b'S');
            out.extend_from_slice(s.as_bytes());
        }
        Value::Ts(t) => {
            out.push(b'T');
            out.extend_from_slice(&t.to_le_bytes());
        }
        Value::Interval(t) => {
            out.push(b'V');
            out.extend_from_slice(&t.to_le_bytes());
        }
    }
    out
}

/// FNV-1a 64 over the bytes, then MurmurHash3's 64-bit finaliser so every
/// output bit depends on every input bit (HyperLogLog reads the top bits for
/// the register and the rest for the rank, so plain FNV is not mixed enough).
pub fn hash64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_sql_values_share_a_key_and_types_do_not() {
        assert_eq!(
            value_key(&Value::Double(0.0)),
            value_key(&Value::Double(-0.0))
        );
        assert_eq!(
            value_key(&Value::Double(f64::NAN)),
            value_key(&Value::Double(-f64::NAN))
        );
        assert_ne!(value_key(&Value::Int(1)), value_key(&Value::Ts(1)));
        assert_ne!(
            value_key(&Value::Str("a".into())),
            value_key(&Value::Str("b".into()))
        );
    }

    #[test]
    fn hash_is_the_fixed_function() {
        // FNV-1a of the empty input is its offset basis; the finaliser is a
        // bijection, so distinct basis → distinct output. Check a few
        // properties rather than constants.
        assert_ne!(hash64(b""), hash64(b"\0"));
        assert_ne!(hash64(b"ab"), hash64(b"ba"));
        let ones: u32 = (0..1000u32)
            .map(|i| hash64(&i.to_le_bytes()).count_ones())
            .sum();
        let mean = ones as f64 / 1000.0;
        assert!((mean - 32.0).abs() < 1.0, "mean popcount {mean}");
    }
}
