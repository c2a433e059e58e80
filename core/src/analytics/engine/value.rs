//! Values at run time: a total order (ORDER BY, DISTINCT, join index), a
//! hash consistent with it (group lookup), casts to column types, and text.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use crate::analytics::types::{SqlType, Value};
use crate::calendar::{civil_from_days, days_from_civil};

/// The rank of a value's kind in the total order; numbers share one rank.
fn rank(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Int(_) | Value::Double(_) => 2,
        Value::Str(_) => 3,
        Value::Ts(_) => 4,
        Value::Interval(_) => 5,
    }
}

fn cmp_f64(a: f64, b: f64) -> Ordering {
    // -0.0 equals 0.0; NaN is above every number and equal to itself.
    match a.partial_cmp(&b) {
        Some(o) => o,
        None => a.is_nan().cmp(&b.is_nan()),
    }
}

/// A total order over values: NULL first, then booleans, numbers (an
/// integer and a double compare by value), strings, timestamps, intervals.
pub fn cmp_total(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Double(x), Value::Double(y)) => cmp_f64(*x, *y),
        (Value::Int(x), Value::Double(y)) => cmp_f64(*x as f64, *y),
        (Value::Double(x), Value::Int(y)) => cmp_f64(*x, *y as f64),
        (Value::Str(x), Value::Str(y)) => x.as_ref().cmp(y.as_ref()),
        (Value::Ts(x), Value::Ts(y)) | (Value::Interval(x), Value::Interval(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// SQL comparison: `None` when either side is NULL or the kinds don't compare.
pub fn cmp_sql(a: &Value, b: &Value) -> Option<Ordering> {
    if a.is_null_value() || b.is_null_value() || rank(a) != rank(b) {
        return None;
    }
    Some(cmp_total(a, b))
}

pub(crate) trait IsNull {
    fn is_null_value(&self) -> bool;
}

impl IsNull for Value {
    fn is_null_value(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// Equality for grouping and DISTINCT: NULL equals NULL.
pub fn eq_total(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Arc::ptr_eq(x, y) || x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Ts(x), Value::Ts(y)) => x == y,
        _ => cmp_total(a, b) == Ordering::Equal,
    }
}

pub fn keys_eq(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| eq_total(x, y))
}

/// A value ordered by [`cmp_total`], for `BTreeMap`/`BTreeSet` keys.
#[derive(Clone, Debug)]
pub struct OrdValue(pub Value);

impl PartialEq for OrdValue {
    fn eq(&self, other: &Self) -> bool {
        cmp_total(&self.0, &other.0) == Ordering::Equal
    }
}
impl Eq for OrdValue {}
impl PartialOrd for OrdValue {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrdValue {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_total(&self.0, &other.0)
    }
}

const K: u64 = 0x517c_c1b7_2722_0a95;

#[inline]
fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(K)
}

#[inline]
fn hash_value(mut h: u64, v: &Value) -> u64 {
    match v {
        Value::Null => mix(h, 0),
        Value::Bool(b) => mix(h, 1 + *b as u64),
        Value::Int(i) => mix(mix(h, 3), *i as u64),
        Value::Double(d) => {
            // Consistent with cmp_total: an integral double hashes as the integer.
            if d.fract() == 0.0 && d.abs() < 9.0e18 {
                mix(mix(h, 3), *d as i64 as u64)
            } else if d.is_nan() {
                mix(h, 4)
            } else {
                mix(mix(h, 5), d.to_bits())
            }
        }
        Value::Str(s) => {
            h = mix(h, 6);
            let b = s.as_bytes();
            let mut chunks = b.chunks_exact(8);
            for c in &mut chunks {
                h = mix(
                    h,
                    u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]),
                );
            }
            let mut last = [0u8; 8];
            let r = chunks.remainder();
            last[..r.len()].copy_from_slice(r);
            mix(mix(h, u64::from_le_bytes(last)), b.len() as u64)
        }
        Value::Ts(t) => mix(mix(h, 7), *t as u64),
        Value::Interval(t) => mix(mix(h, 8), *t as u64),
    }
}

/// A 64-bit hash of a key tuple, consistent with [`keys_eq`], well mixed in
/// every bit (so an identity hasher can index it).
#[inline]
pub fn hash_key(vals: &[Value]) -> u64 {
    let mut h = 0u64;
    for v in vals {
        h = hash_value(h, v);
    }
    // splitmix64 finaliser
    let mut z = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A hasher for keys that are already hashes.
#[derive(Default, Clone, Copy, Debug)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | *b as u64;
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
}

#[derive(Clone, Debug)]
enum Slot {
    One(u32),
    Many(Vec<u32>),
}

/// hash → slot indexes. Used only for lookups; nothing iterates it, so the
/// engine's order never depends on it.
#[derive(Clone, Debug, Default)]
pub struct KeyIndex {
    map: HashMap<u64, Slot, BuildHasherDefault<IdHasher>>,
}

impl KeyIndex {
    #[inline]
    pub fn find(&self, h: u64, mut eq: impl FnMut(u32) -> bool) -> Option<u32> {
        match self.map.get(&h)? {
            Slot::One(i) => eq(*i).then_some(*i),
            Slot::Many(v) => v.iter().copied().find(|i| eq(*i)),
        }
    }

    pub fn insert(&mut self, h: u64, i: u32) {
        match self.map.get_mut(&h) {
            None => {
                self.map.insert(h, Slot::One(i));
            }
            Some(Slot::One(j)) => {
                let j = *j;
                self.map.insert(h, Slot::Many(vec![j, i]));
            }
            Some(Slot::Many(v)) => v.push(i),
        }
    }

    pub fn remove(&mut self, h: u64, i: u32) {
        let drop_all = match self.map.get_mut(&h) {
            None => false,
            Some(Slot::One(j)) => *j == i,
            Some(Slot::Many(v)) => {
                v.retain(|x| *x != i);
                v.is_empty()
            }
        };
        if drop_all {
            self.map.remove(&h);
        }
    }

    pub fn clear(&mut self) {
        self.map.clear();
    }
}

// ---------------------------------------------------------------- text

/// `YYYY-MM-DD HH:MM:SS.mmm` (UTC), as SQL prints a TIMESTAMP.
pub fn ts_text(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, mi, s, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}.{milli:03}")
}

/// Parses `YYYY-MM-DD[( |T)HH:MM[:SS[.fff…]]][Z]` to ms since the epoch.
pub fn parse_ts(s: &str) -> Option<i64> {
    let s = s.trim();
    let s = s.strip_suffix('Z').unwrap_or(s);
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if t.is_empty() || !t.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        t.parse().ok()
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let mut ms = days_from_civil(y, mo, d) * 86_400_000;
    if b.len() == 10 {
        return Some(ms);
    }
    if (b[10] != b' ' && b[10] != b'T') || b.len() < 16 || b[13] != b':' {
        return None;
    }
    let (h, mi) = (num(11..13)?, num(14..16)?);
    if h > 23 || mi > 59 {
        return None;
    }
    ms += h * 3_600_000 + mi * 60_000;
    if b.len() == 16 {
        return Some(ms);
    }
    if b[16] != b':' || b.len() < 19 {
        return None;
    }
    let sec = num(17..19)?;
    if sec > 60 {
        return None;
    }
    ms += sec * 1000;
    if b.len() > 19 {
        if b[19] != b'.' || b.len() == 20 {
            return None;
        }
        let frac = &s[20..];
        if !frac.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let mut f = 0i64;
        for (i, c) in frac.bytes().take(3).enumerate() {
            f += (c - b'0') as i64 * [100, 10, 1][i];
        }
        ms += f;
    }
    Some(ms)
}

fn double_text(d: f64) -> String {
    if d.is_finite() && d.fract() == 0.0 && d.abs() < 1e15 {
        format!("{d:.1}")
    } else {
        format!("{d}")
    }
}

/// A value as SQL text (CAST to VARCHAR, `||`, keys on the timeline).
pub fn text(v: &Value) -> String {
    match v {
        Value::Null => "NULL".to_string(),
        Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Double(d) => double_text(*d),
        Value::Str(s) => s.to_string(),
        Value::Ts(t) => ts_text(*t),
        Value::Interval(ms) => format!("{ms} ms"),
    }
}

/// Key values as one line of text (NULL written out), skipping `skip`.
pub fn key_text(vals: &[Value], skip: Option<usize>) -> String {
    let mut out = String::new();
    for (i, v) in vals.iter().enumerate() {
        if Some(i) == skip {
            continue;
        }
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(&text(v));
    }
    out
}

// ---------------------------------------------------------------- casts

fn int_range(ty: SqlType) -> Option<(i64, i64)> {
    match ty {
        SqlType::TinyInt => Some((i8::MIN as i64, i8::MAX as i64)),
        SqlType::SmallInt => Some((i16::MIN as i64, i16::MAX as i64)),
        SqlType::Integer => Some((i32::MIN as i64, i32::MAX as i64)),
        SqlType::BigInt => Some((i64::MIN, i64::MAX)),
        _ => None,
    }
}

fn round_to(d: f64, scale: u8) -> f64 {
    let p = 10f64.powi(scale.min(18) as i32);
    let r = (d * p).round() / p;
    if r.is_finite() {
        r
    } else {
        d
    }
}

fn type_name(ty: SqlType) -> String {
    ty.to_string()
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "NULL",
        Value::Bool(_) => "a boolean",
        Value::Int(_) => "an integer",
        Value::Double(_) => "a double",
        Value::Str(_) => "a string",
        Value::Ts(_) => "a timestamp",
        Value::Interval(_) => "an interval",
    }
}

fn f64_to_int(d: f64, lo: i64, hi: i64) -> Option<i64> {
    if !d.is_finite() {
        return None;
    }
    let t = d.trunc();
    if t < lo as f64 || t > hi as f64 || t >= 9.223_372_036_854_776e18 {
        return None;
    }
    Some(t as i64)
}

/// Does `v` already have the representation of `ty` (no work to do)?
#[inline]
pub fn fits(v: &Value, ty: SqlType) -> bool {
    match (v, ty) {
        (Value::Null, _) => true,
        (Value::Int(_), SqlType::BigInt) => true,
        (Value::Int(i), SqlType::Integer) => i32::try_from(*i).is_ok(),
        (Value::Double(_), SqlType::Double) => true,
        (Value::Str(s), SqlType::Varchar(n) | SqlType::Char(n)) => s.len() <= n as usize,
        (Value::Ts(_), SqlType::Timestamp) => true,
        (Value::Bool(_), SqlType::Boolean) => true,
        (Value::Interval(_), SqlType::Interval) => true,
        _ => false,
    }
}

/// CAST(v AS ty). A value that cannot convert is an error (the caller uses
/// NULL and reports it); a string longer than VARCHAR(n) is cut to n
/// characters and reported too (`Ok` with a note in the second field).
pub fn cast(v: Value, ty: SqlType) -> Result<Value, String> {
    if fits(&v, ty) {
        return Ok(v);
    }
    let fail = |v: &Value| {
        Err(format!(
            "cannot cast {} ({}) to {}",
            kind_name(v),
            text(v),
            type_name(ty)
        ))
    };
    match ty {
        SqlType::Boolean => match &v {
            Value::Bool(_) => Ok(v),
            Value::Int(i) => Ok(Value::Bool(*i != 0)),
            Value::Str(s) => match s.trim().to_ascii_uppercase().as_str() {
                "TRUE" => Ok(Value::Bool(true)),
                "FALSE" => Ok(Value::Bool(false)),
                _ => fail(&v),
            },
            _ => fail(&v),
        },
        SqlType::TinyInt | SqlType::SmallInt | SqlType::Integer | SqlType::BigInt => {
            let (lo, hi) = int_range(ty).unwrap_or((i64::MIN, i64::MAX));
            let r = match &v {
                Value::Int(i) => (lo..=hi).contains(i).then_some(*i),
                Value::Double(d) => f64_to_int(*d, lo, hi),
                Value::Str(s) => {
                    let t = s.trim();
                    match t.parse::<i64>() {
                        Ok(i) => (lo..=hi).contains(&i).then_some(i),
                        Err(_) => t.parse::<f64>().ok().and_then(|d| f64_to_int(d, lo, hi)),
                    }
                }
                Value::Bool(b) => Some(*b as i64),
                _ => None,
            };
            match r {
                Some(i) => Ok(Value::Int(i)),
                None => fail(&v),
            }
        }
        SqlType::Real | SqlType::Double | SqlType::Decimal { .. } => {
            let d = match &v {
                Value::Int(i) => Some(*i as f64),
                Value::Double(d) => Some(*d),
                Value::Str(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            };
            match d {
                Some(d) => Ok(Value::Double(match ty {
                    SqlType::Real => d as f32 as f64,
                    SqlType::Decimal { scale, .. } => round_to(d, scale),
                    _ => d,
                })),
                None => fail(&v),
            }
        }
        SqlType::Char(n) | SqlType::Varchar(n) => {
            let s: Arc<str> = match v {
                Value::Str(s) => s,
                other => Arc::from(text(&other)),
            };
            if s.chars().count() > n as usize {
                let cut: String = s.chars().take(n as usize).collect();
                Err(format!(
                    "'{s}' is longer than {}: cut to '{cut}'",
                    type_name(ty)
                ))
            } else {
                Ok(Value::Str(s))
            }
        }
        SqlType::Timestamp => match &v {
            Value::Ts(_) => Ok(v),
            Value::Int(i) => Ok(Value::Ts(*i)),
            Value::Double(d) => match f64_to_int(*d, i64::MIN, i64::MAX) {
                Some(i) => Ok(Value::Ts(i)),
                None => fail(&v),
            },
            Value::Str(s) => match parse_ts(s) {
                Some(t) => Ok(Value::Ts(t)),
                None => fail(&v),
            },
            _ => fail(&v),
        },
        SqlType::Interval => match &v {
            Value::Interval(_) => Ok(v),
            Value::Int(i) => Ok(Value::Interval(*i)),
            _ => fail(&v),
        },
    }
}

/// [`cast`] for writing into a column: a string too long is cut (and the
/// note returned), anything else that fails becomes NULL with the reason.
pub fn cast_store(v: Value, ty: SqlType) -> (Value, Option<String>) {
    if fits(&v, ty) {
        return (v, None);
    }
    match cast(v.clone(), ty) {
        Ok(x) => (x, None),
        Err(msg) => match (v, ty) {
            (Value::Str(s), SqlType::Char(n) | SqlType::Varchar(n)) => (
                Value::Str(Arc::from(s.chars().take(n as usize).collect::<String>())),
                Some(msg),
            ),
            (other, SqlType::Char(n) | SqlType::Varchar(n)) if !matches!(other, Value::Str(_)) => {
                let t = text(&other);
                (
                    Value::Str(Arc::from(t.chars().take(n as usize).collect::<String>())),
                    Some(msg),
                )
            }
            _ => (Value::Null, Some(msg)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ts_round_trip() {
        for ms in [0i64, 1_468_947_960_000, -1, 86_399_999, 1_700_000_000_123] {
            assert_eq!(parse_ts(&ts_text(ms)), Some(ms), "{ms}");
        }
        assert_eq!(parse_ts("2016-07-19T17:06:00Z"), Some(1_468_947_960_000));
        assert_eq!(parse_ts("2016-13-19"), None);
        assert_eq!(parse_ts("x"), None);
    }

    #[test]
    fn hash_agrees_with_eq() {
        let a = [Value::Int(3), Value::Str("AMZN".into())];
        let b = [Value::Double(3.0), Value::Str("AMZN".into())];
        assert!(keys_eq(&a, &b));
        assert_eq!(hash_key(&a), hash_key(&b));
    }
}
