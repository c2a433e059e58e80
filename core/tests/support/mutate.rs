//! Shared by the fuzz targets (core/tests/fuzz.rs, app/tests/fuzz.rs):
//! case counts and structure-aware mutation of valid inputs.
//!
//! A smoke run keeps `cargo test` fast; `FUZZ_CASES=N` asks for N cases per
//! target (`cargo xtask fuzz` sets it and builds in release).

#![allow(dead_code)]

use proptest::prelude::*;
use std::fmt::Debug;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Cases per target: `FUZZ_CASES` if set, else the smoke count.
pub fn cases(smoke: u32) -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(smoke)
}

/// A proptest config for a fuzz target: `smoke` cases unless `FUZZ_CASES`
/// says otherwise; failures are kept in the file's regressions list.
pub fn config(smoke: u32) -> ProptestConfig {
    ProptestConfig {
        cases: cases(smoke),
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    }
}

/// Runs `f` on `input`; a panic fails the case with the input that caused
/// it written out (proptest only shows the generated mutation steps).
pub fn guard<I: Debug + ?Sized, T>(target: &str, input: &I, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(e) => {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("{target}: panicked ({msg}) on input:\n{input:?}")
        }
    }
}

/// One edit of a byte string. Positions and lengths are taken modulo the
/// input's length, so every edit applies to every input.
#[derive(Clone, Debug)]
pub enum Edit {
    FlipBit(usize, u8),
    SetByte(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
    /// Copy a range to another place.
    Duplicate(usize, usize, usize),
    /// Insert a word from the target's dictionary.
    Word(usize, usize),
    /// Replace a range with a word from the dictionary.
    ReplaceWithWord(usize, usize, usize),
    /// Swap two space-separated tokens.
    SwapTokens(usize, usize),
    DeleteToken(usize),
    DuplicateToken(usize),
    /// Replace a space-separated token with a dictionary word.
    ReplaceToken(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let n = any::<usize>();
    prop_oneof![
        1 => (n.clone(), 0u8..8).prop_map(|(p, b)| Edit::FlipBit(p, b)),
        1 => (n.clone(), any::<u8>()).prop_map(|(p, b)| Edit::SetByte(p, b)),
        1 => (n.clone(), proptest::collection::vec(any::<u8>(), 1..6))
            .prop_map(|(p, b)| Edit::Insert(p, b)),
        1 => (n.clone(), 1usize..16).prop_map(|(p, l)| Edit::Delete(p, l)),
        1 => n.clone().prop_map(Edit::Truncate),
        1 => (n.clone(), 1usize..32, n.clone()).prop_map(|(a, l, b)| Edit::Duplicate(a, l, b)),
        3 => (n.clone(), n.clone()).prop_map(|(p, w)| Edit::Word(p, w)),
        2 => (n.clone(), 1usize..8, n.clone()).prop_map(|(p, l, w)| Edit::ReplaceWithWord(p, l, w)),
        1 => (n.clone(), n.clone()).prop_map(|(a, b)| Edit::SwapTokens(a, b)),
        1 => n.clone().prop_map(Edit::DeleteToken),
        1 => n.clone().prop_map(Edit::DuplicateToken),
        2 => (n.clone(), n).prop_map(|(t, w)| Edit::ReplaceToken(t, w)),
    ]
}

/// One to `max` edits.
pub fn edits(max: usize) -> impl Strategy<Value = Vec<Edit>> {
    proptest::collection::vec(edit(), 1..=max.max(1))
}

fn at(p: usize, len: usize) -> usize {
    if len == 0 {
        0
    } else {
        p % (len + 1)
    }
}

fn word<'a>(dict: &[&'a str], w: usize) -> &'a [u8] {
    if dict.is_empty() {
        b" "
    } else {
        dict[w % dict.len()].as_bytes()
    }
}

/// Space-separated tokens as (start, end) byte ranges.
fn tokens(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in b.iter().enumerate() {
        let space = c.is_ascii_whitespace();
        match (start, space) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, b.len()));
    }
    out
}

/// `input` with `edits` applied in order.
pub fn apply(input: &[u8], edits: &[Edit], dict: &[&str]) -> Vec<u8> {
    let mut b = input.to_vec();
    for e in edits {
        let len = b.len();
        match e {
            Edit::FlipBit(p, bit) if len > 0 => b[p % len] ^= 1 << bit,
            Edit::SetByte(p, v) if len > 0 => b[p % len] = *v,
            Edit::Insert(p, bytes) => {
                let p = at(*p, len);
                b.splice(p..p, bytes.iter().copied());
            }
            Edit::Delete(p, l) if len > 0 => {
                let p = p % len;
                b.drain(p..(p + l).min(len));
            }
            Edit::Truncate(p) => b.truncate(at(*p, len)),
            Edit::Duplicate(a, l, to) if len > 0 => {
                let a = a % len;
                let piece: Vec<u8> = b[a..(a + l).min(len)].to_vec();
                let to = at(*to, len);
                b.splice(to..to, piece);
            }
            Edit::Word(p, w) => {
                let p = at(*p, len);
                b.splice(p..p, word(dict, *w).iter().copied());
            }
            Edit::ReplaceWithWord(p, l, w) => {
                let p = at(*p, len);
                let end = (p + l).min(len);
                b.splice(p..end, word(dict, *w).iter().copied());
            }
            Edit::SwapTokens(x, y) => {
                let t = tokens(&b);
                if t.len() >= 2 {
                    let (mut i, mut j) = (x % t.len(), y % t.len());
                    if i > j {
                        std::mem::swap(&mut i, &mut j);
                    }
                    if i != j {
                        let (a, c) = (t[i], t[j]);
                        let mut out = b[..a.0].to_vec();
                        out.extend_from_slice(&b[c.0..c.1]);
                        out.extend_from_slice(&b[a.1..c.0]);
                        out.extend_from_slice(&b[a.0..a.1]);
                        out.extend_from_slice(&b[c.1..]);
                        b = out;
                    }
                }
            }
            Edit::DeleteToken(x) => {
                let t = tokens(&b);
                if !t.is_empty() {
                    let (s, e) = t[x % t.len()];
                    b.drain(s..e);
                }
            }
            Edit::DuplicateToken(x) => {
                let t = tokens(&b);
                if !t.is_empty() {
                    let (s, e) = t[x % t.len()];
                    let mut piece = b[s..e].to_vec();
                    piece.push(b' ');
                    b.splice(s..s, piece);
                }
            }
            Edit::ReplaceToken(x, w) => {
                let t = tokens(&b);
                if !t.is_empty() {
                    let (s, e) = t[x % t.len()];
                    b.splice(s..e, word(dict, *w).iter().copied());
                }
            }
            _ => {}
        }
    }
    b
}

/// Text with `edits` applied (bytes that stop being UTF-8 become U+FFFD).
pub fn apply_text(input: &str, edits: &[Edit], dict: &[&str]) -> String {
    String::from_utf8_lossy(&apply(input.as_bytes(), edits, dict)).into_owned()
}

/// A seed input (by index, modulo the count) with edits applied.
pub fn mutated(seeds: &[String], pick: usize, edits: &[Edit], dict: &[&str]) -> String {
    apply_text(&seeds[pick % seeds.len()], edits, dict)
}
