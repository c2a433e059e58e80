//! Cheaply cloned, immutable text and bytes for the engine's hot path.
//!
//! A stream stores every record it accepts and logs an event for it. With
//! owned `String`s and `Vec<u8>`s each record cost four heap allocations (the
//! stored key and data, the event's stream name and key) and as many copies
//! of the same bytes. [`SharedStr`] and [`Payload`] are reference-counted, so
//! the record and its event point at one key, every event of a stream at one
//! name, and records with identical payloads at one buffer (what a producer
//! that sends the same bytes again and again puts). Cloning one is a counter
//! increment.
//!
//! Both read like the types they replace: they dereference to `str` / `[u8]`,
//! compare equal to `str`, `String`, `[u8]` and `Vec<u8>`, print and
//! serialise as the plain value.

use serde::{Serialize, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// An immutable, shared string (a stream name, a partition key).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether two values share one allocation (for tests of the sharing).
    pub fn ptr_eq(a: &SharedStr, b: &SharedStr) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl From<SharedStr> for String {
    fn from(s: SharedStr) -> Self {
        s.0.as_ref().to_owned()
    }
}

impl Default for SharedStr {
    fn default() -> Self {
        SharedStr::from("")
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        &*self.0 == other.as_str()
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        self == &*other.0
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == &*other.0
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for SharedStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// An immutable, shared byte buffer (a record's data).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Payload(Arc<[u8]>);

impl Payload {
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// Whether two values share one allocation (for tests of the sharing).
    pub fn ptr_eq(a: &Payload, b: &Payload) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// A copy of the bytes as a `Vec<u8>`.
    pub fn to_vec(&self) -> Vec<u8> {
        self.0.to_vec()
    }
}

impl Deref for Payload {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Payload {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Borrow<[u8]> for Payload {
    fn borrow(&self) -> &[u8] {
        &self.0
    }
}

impl From<&[u8]> for Payload {
    fn from(b: &[u8]) -> Self {
        Payload(Arc::from(b))
    }
}

impl From<Vec<u8>> for Payload {
    fn from(b: Vec<u8>) -> Self {
        Payload(Arc::from(b))
    }
}

impl From<Payload> for Vec<u8> {
    fn from(p: Payload) -> Self {
        p.0.to_vec()
    }
}

impl Default for Payload {
    fn default() -> Self {
        Payload::from(&[][..])
    }
}

impl PartialEq<[u8]> for Payload {
    fn eq(&self, other: &[u8]) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&[u8]> for Payload {
    fn eq(&self, other: &&[u8]) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<Vec<u8>> for Payload {
    fn eq(&self, other: &Vec<u8>) -> bool {
        &*self.0 == other.as_slice()
    }
}

impl PartialEq<Payload> for Vec<u8> {
    fn eq(&self, other: &Payload) -> bool {
        self.as_slice() == &*other.0
    }
}

impl PartialEq<Payload> for [u8] {
    fn eq(&self, other: &Payload) -> bool {
        self == &*other.0
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

/// Serialised as `Vec<u8>` is: a sequence of numbers.
impl Serialize for Payload {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_str_reads_like_a_string() {
        let a = SharedStr::from("orders");
        let b = a.clone();
        assert!(SharedStr::ptr_eq(&a, &b), "a clone shares the text");
        assert_eq!(a, "orders");
        assert_eq!(a, String::from("orders"));
        assert_eq!(String::from("orders"), a);
        assert_eq!(format!("{a}/{a:?}"), "orders/\"orders\"");
        assert_eq!(a.len(), 6);
        assert_eq!(String::from(a.clone()), "orders");
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string("orders").unwrap()
        );
    }

    #[test]
    fn payload_reads_like_a_vec() {
        let v = vec![1u8, 2, 3];
        let p = Payload::from(v.clone());
        assert_eq!(p, v);
        assert_eq!(v, p);
        assert_eq!(p[0], 1);
        assert_eq!(p.to_vec(), v);
        assert_eq!(format!("{p:?}"), format!("{v:?}"));
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            serde_json::to_string(&v).unwrap()
        );
        assert!(Payload::ptr_eq(&p, &p.clone()));
        assert!(!Payload::ptr_eq(&p, &Payload::from(v)));
    }
}
