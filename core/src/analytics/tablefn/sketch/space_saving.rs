//! Space-Saving (Metwally, Agrawal, El Abbadi 2005): the frequent items of a
//! stream in `capacity` counters.
//!
//! Each counter holds an item, its count and the over-count `error` it
//! inherited. A new item takes a free counter, or else replaces the counter
//! with the smallest count (on a tie the one that entered the table first)
//! and starts at that count + 1. Guarantees, for a stream of N items:
//! - while the number of distinct items is at most `capacity`, every count is
//!   exact (no counter is ever replaced);
//! - every item with true frequency > N / capacity holds a counter, and
//!   `count - error ≤ true frequency ≤ count`.
//!
//! Counters live in a `Vec`; a `BTreeMap` from the item's canonical key finds
//! an item's counter, and a `BTreeSet` ordered by (count, entry order) finds
//! the one to replace, so every step is O(log capacity) and deterministic.

use std::collections::{BTreeMap, BTreeSet};

use super::value_key;
use crate::analytics::types::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct Counter {
    pub item: Value,
    pub count: u64,
    pub error: u64,
    /// When the item entered the table (its position among the counters
    /// created so far); earlier = smaller.
    pub entered: u64,
}

#[derive(Clone, Debug)]
pub struct SpaceSaving {
    capacity: usize,
    counters: Vec<Counter>,
    keys: Vec<Vec<u8>>,
    index: BTreeMap<Vec<u8>, usize>,
    /// (count, entered, counter index)
    order: BTreeSet<(u64, u64, usize)>,
    next_entry: u64,
    total: u64,
}

impl SpaceSaving {
    /// `capacity` counters (at least 1).
    pub fn new(capacity: usize) -> SpaceSaving {
        SpaceSaving {
            capacity: capacity.max(1),
            counters: Vec::new(),
            keys: Vec::new(),
            index: BTreeMap::new(),
            order: BTreeSet::new(),
            next_entry: 0,
            total: 0,
        }
    }

    /// The counter count TOP_K_ITEMS_TUMBLING uses for `k`: max(4k, 64).
    pub fn capacity_for_k(k: u32) -> usize {
        (k as usize).saturating_mul(4).max(64)
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Items counted so far (N).
    pub fn total(&self) -> u64 {
        self.total
    }

    pub fn insert(&mut self, item: &Value) {
        self.total += 1;
        let key = value_key(item);
        if let Some(&i) = self.index.get(&key) {
            let c = &mut self.counters[i];
            self.order.remove(&(c.count, c.entered, i));
            c.count += 1;
            self.order.insert((c.count, c.entered, i));
            return;
        }
        let entered = self.next_entry;
        self.next_entry += 1;
        if self.counters.len() < self.capacity {
            let i = self.counters.len();
            self.counters.push(Counter {
                item: item.clone(),
                count: 1,
                error: 0,
                entered,
            });
            self.keys.push(key.clone());
            self.index.insert(key, i);
            self.order.insert((1, entered, i));
            return;
        }
        // Replace the smallest counter (oldest on a tie).
        let (min, _, i) = self.order.pop_first().expect("capacity ≥ 1");
        let old_key = std::mem::replace(&mut self.keys[i], key.clone());
        self.index.remove(&old_key);
        self.index.insert(key, i);
        self.counters[i] = Counter {
            item: item.clone(),
            count: min + 1,
            error: min,
            entered,
        };
        self.order.insert((min + 1, entered, i));
    }

    /// Every counter, by count descending, then by entry order.
    pub fn counters(&self) -> Vec<&Counter> {
        let mut v: Vec<&Counter> = self.counters.iter().collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then(a.entered.cmp(&b.entered)));
        v
    }

    /// The `k` most frequent items, count descending then first entered.
    pub fn top(&self, k: usize) -> Vec<&Counter> {
        let mut v = self.counters();
        v.truncate(k);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_oldest_smallest_counter() {
        let mut s = SpaceSaving::new(2);
        for x in ["a", "b", "b", "c"] {
            s.insert(&Value::Str(x.into()));
        }
        // "a" (count 1, oldest) was replaced by "c" with count 2, error 1.
        let top = s.top(2);
        assert_eq!(top.len(), 2);
        assert_eq!(top[0].item, Value::Str("b".into()));
        assert_eq!(
            (top[1].item.clone(), top[1].count, top[1].error),
            (Value::Str("c".into()), 2, 1)
        );
        assert_eq!(s.total(), 4);
    }
}
