//! Generated partition-key workloads, and where they land.
//!
//! A [`KeyRun`] emits `records_per_second` keys from a chosen distribution
//! over `duration_seconds` of simulated time, routes each one with the real
//! hash rule and counts records per shard. Time enters only through
//! [`KeyRun::advance_to`]; [`KeyRun::next_deadline`] tells the caller when the
//! next record is due so idle time can be skipped.

use crate::error::{check_count, Field, ValidationError};
use crate::hash::{even_ranges, hash_key_of, shard_index_for, HashKeyRange};
use crate::rng::{component_rng, ComponentRng};
use rand::Rng;
use rand_distr::{Distribution, Zipf};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Kinesis's per-shard write limit in records per second.
pub const SHARD_WRITE_RECORDS_PER_SECOND: u32 =
    crate::stream::limits::WRITE_RECORDS_PER_SECOND as u32;

pub const MAX_RECORDS_PER_SECOND: u32 = 100_000;
pub const MAX_DURATION_SECONDS: u32 = 60;

/// How partition keys are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyDistribution {
    /// `user-<n>` with `n` uniform in 1..=1,000,000: high cardinality.
    UserIds,
    /// `mobile` / `web` / `tablet` with an 80/15/5 % skew: low cardinality.
    DeviceType,
    /// The device type with a random suffix `-0`…`-9` ("salting"): the same
    /// skewed traffic, spread over ten times as many keys.
    DeviceTypeSalted,
    /// `product-<rank>` over 1,000 products, Zipf-distributed (exponent 1.2):
    /// a few best-sellers take much of the traffic.
    Zipf,
}

impl KeyDistribution {
    pub const ALL: [KeyDistribution; 4] = [
        KeyDistribution::UserIds,
        KeyDistribution::DeviceType,
        KeyDistribution::DeviceTypeSalted,
        KeyDistribution::Zipf,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            KeyDistribution::UserIds => "user_ids",
            KeyDistribution::DeviceType => "device_type",
            KeyDistribution::DeviceTypeSalted => "device_type_salted",
            KeyDistribution::Zipf => "zipf",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.slug() == s)
    }
}

pub const USER_ID_POOL: u32 = 1_000_000;
pub const DEVICE_TYPES: [(&str, u32); 3] = [("mobile", 80), ("web", 15), ("tablet", 5)];
pub const SALT_BUCKETS: u32 = 10;
pub const ZIPF_PRODUCTS: u32 = 1_000;
pub const ZIPF_EXPONENT: f64 = 1.2;

/// Draws partition keys from one distribution, deterministically from a seed.
pub struct KeyGenerator {
    distribution: KeyDistribution,
    rng: ComponentRng,
    zipf: Zipf<f64>,
}

impl KeyGenerator {
    pub fn new(distribution: KeyDistribution, seed: u64) -> Self {
        Self::with_label(distribution, seed, "workload.keys")
    }

    /// A generator with its own random stream, for one of several producers.
    pub fn with_label(distribution: KeyDistribution, seed: u64, label: &str) -> Self {
        KeyGenerator {
            distribution,
            rng: component_rng(seed, label),
            // Both parameters are constants within Zipf's domain.
            zipf: Zipf::new(ZIPF_PRODUCTS as f64, ZIPF_EXPONENT).expect("valid Zipf constants"),
        }
    }

    pub fn next_key(&mut self) -> String {
        match self.distribution {
            KeyDistribution::UserIds => {
                format!("user-{}", self.rng.random_range(1..=USER_ID_POOL))
            }
            KeyDistribution::DeviceType => self.device().to_owned(),
            KeyDistribution::DeviceTypeSalted => {
                let device = self.device();
                format!("{device}-{}", self.rng.random_range(0..SALT_BUCKETS))
            }
            KeyDistribution::Zipf => {
                format!("product-{}", self.zipf.sample(&mut self.rng) as u32)
            }
        }
    }
}

impl KeyGenerator {
    fn device(&mut self) -> &'static str {
        let total: u32 = DEVICE_TYPES.iter().map(|(_, w)| w).sum();
        let mut pick = self.rng.random_range(0..total);
        for (name, weight) in DEVICE_TYPES {
            if pick < weight {
                return name;
            }
            pick -= weight;
        }
        DEVICE_TYPES[0].0
    }
}

/// Settings of a generated run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRunConfig {
    pub distribution: KeyDistribution,
    pub shards: u32,
    pub records_per_second: u32,
    pub duration_seconds: u32,
    pub seed: u64,
}

impl KeyRunConfig {
    pub fn validate(&self) -> Result<(), ValidationError> {
        check_count(
            Field::RecordRate,
            self.records_per_second,
            MAX_RECORDS_PER_SECOND,
        )?;
        check_count(Field::Duration, self.duration_seconds, MAX_DURATION_SECONDS)?;
        even_ranges(self.shards).map(|_| ())
    }

    pub fn total_records(&self) -> u64 {
        self.records_per_second as u64 * self.duration_seconds as u64
    }
}

/// The load one shard received.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShardLoad {
    pub records: u64,
    /// Average records per second over the simulated time so far.
    pub records_per_second: f64,
    /// Above Kinesis's 1,000 records/s write limit: PutRecord calls to this
    /// shard would be throttled.
    pub over_limit: bool,
}

/// A summary of a run so far.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunStats {
    pub elapsed_ms: u64,
    pub total_records: u64,
    pub distinct_keys: usize,
    pub shards: Vec<ShardLoad>,
    /// Index of the busiest shard (lowest index on ties).
    pub hottest: usize,
    /// Share of all records that went to the busiest shard, 0..=1.
    pub hottest_share: f64,
    /// Busiest shard's records over the even share (total / shards).
    pub hot_ratio: f64,
    pub shards_over_limit: usize,
    /// Shards that received no record at all.
    pub idle_shards: usize,
}

/// A generated workload in simulated time.
pub struct KeyRun {
    config: KeyRunConfig,
    ranges: Vec<HashKeyRange>,
    generator: KeyGenerator,
    counts: Vec<u64>,
    distinct: BTreeSet<String>,
    emitted: u64,
    now_ms: u64,
}

impl KeyRun {
    pub fn new(config: KeyRunConfig) -> Result<Self, ValidationError> {
        config.validate()?;
        let ranges = even_ranges(config.shards)?;
        Ok(KeyRun {
            counts: vec![0; ranges.len()],
            ranges,
            generator: KeyGenerator::new(config.distribution, config.seed),
            distinct: BTreeSet::new(),
            emitted: 0,
            now_ms: 0,
            config,
        })
    }

    pub fn config(&self) -> &KeyRunConfig {
        &self.config
    }

    pub fn ranges(&self) -> &[HashKeyRange] {
        &self.ranges
    }

    pub fn duration_ms(&self) -> u64 {
        self.config.duration_seconds as u64 * 1000
    }

    /// When record `k` (0-based) is sent: evenly spaced within each second.
    fn due_ms(&self, k: u64) -> u64 {
        k * 1000 / self.config.records_per_second as u64
    }

    /// Simulated time of the next record, or `None` once the run is over.
    pub fn next_deadline(&self) -> Option<u64> {
        (self.emitted < self.config.total_records()).then(|| self.due_ms(self.emitted))
    }

    pub fn is_done(&self) -> bool {
        self.next_deadline().is_none()
    }

    /// Emits every record due at or before `now_ms` (capped at the run's end).
    /// Time never goes backwards: an earlier `now_ms` does nothing.
    pub fn advance_to(&mut self, now_ms: u64) {
        let now_ms = now_ms.min(self.duration_ms());
        while let Some(due) = self.next_deadline() {
            if due > now_ms {
                break;
            }
            let key = self.generator.next_key();
            // Generated keys are always 1..=256 characters.
            if let Ok(hk) = hash_key_of(&key) {
                self.counts[shard_index_for(&self.ranges, hk)] += 1;
            }
            self.distinct.insert(key);
            self.emitted += 1;
        }
        self.now_ms = self.now_ms.max(now_ms);
    }

    /// Runs to the end at once.
    pub fn finish(&mut self) {
        self.advance_to(self.duration_ms());
    }

    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    pub fn stats(&self) -> RunStats {
        let elapsed_s = (self.now_ms as f64 / 1000.0).max(f64::MIN_POSITIVE);
        let shards: Vec<ShardLoad> = self
            .counts
            .iter()
            .map(|&records| {
                let rate = if self.now_ms == 0 {
                    0.0
                } else {
                    records as f64 / elapsed_s
                };
                ShardLoad {
                    records,
                    records_per_second: rate,
                    over_limit: rate > SHARD_WRITE_RECORDS_PER_SECOND as f64,
                }
            })
            .collect();
        let (hottest, max) =
            self.counts.iter().enumerate().fold(
                (0, 0),
                |(bi, bm), (i, &c)| if c > bm { (i, c) } else { (bi, bm) },
            );
        let total = self.emitted;
        let even = total as f64 / self.counts.len() as f64;
        RunStats {
            elapsed_ms: self.now_ms,
            total_records: total,
            distinct_keys: self.distinct.len(),
            hottest,
            hottest_share: if total == 0 {
                0.0
            } else {
                max as f64 / total as f64
            },
            hot_ratio: if total == 0 { 0.0 } else { max as f64 / even },
            shards_over_limit: shards.iter().filter(|s| s.over_limit).count(),
            idle_shards: self.counts.iter().filter(|&&c| c == 0).count(),
            shards,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(distribution: KeyDistribution) -> KeyRunConfig {
        KeyRunConfig {
            distribution,
            shards: 8,
            records_per_second: 3000,
            duration_seconds: 5,
            seed: 42,
        }
    }

    #[test]
    fn same_seed_same_histogram_and_different_seed_differs() {
        let run = |seed| {
            let mut r = KeyRun::new(KeyRunConfig {
                seed,
                ..config(KeyDistribution::UserIds)
            })
            .unwrap();
            r.finish();
            r.counts().to_vec()
        };
        assert_eq!(run(1), run(1));
        assert_ne!(run(1), run(2));
    }

    #[test]
    fn records_are_emitted_on_their_schedule() {
        let mut r = KeyRun::new(config(KeyDistribution::UserIds)).unwrap();
        assert_eq!(r.next_deadline(), Some(0));
        // Record k is due at floor(k * 1000 / 3000) ms: three per millisecond.
        let due_by = |t: u64| (0..15_000u64).filter(|k| k * 1000 / 3000 <= t).count() as u64;
        r.advance_to(0);
        assert_eq!(r.stats().total_records, due_by(0));
        r.advance_to(999);
        assert_eq!(r.stats().total_records, due_by(999));
        assert_eq!(r.next_deadline(), Some(1000));
        r.advance_to(500); // going back in time does nothing
        assert_eq!(r.stats().total_records, due_by(999));
        r.advance_to(u64::MAX);
        assert!(r.is_done());
        assert_eq!(r.stats().total_records, 15_000);
        assert_eq!(r.counts().iter().sum::<u64>(), 15_000);
    }

    #[test]
    fn device_type_keys_make_a_hot_shard_and_user_ids_do_not() {
        let mut low = KeyRun::new(config(KeyDistribution::DeviceType)).unwrap();
        low.finish();
        let low = low.stats();
        assert_eq!(low.distinct_keys, 3);
        assert!(
            low.idle_shards >= 5,
            "3 keys can fill at most 3 of 8 shards"
        );
        assert!(
            low.hottest_share > 0.7,
            "mobile carries ~80%: {}",
            low.hottest_share
        );
        assert!(low.shards_over_limit >= 1);

        let mut high = KeyRun::new(config(KeyDistribution::UserIds)).unwrap();
        high.finish();
        let high = high.stats();
        assert_eq!(high.idle_shards, 0);
        assert!(high.hot_ratio < 1.2, "even spread: {}", high.hot_ratio);
        assert_eq!(high.shards_over_limit, 0);
    }

    #[test]
    fn salting_spreads_the_device_type_keys() {
        let mut r = KeyRun::new(config(KeyDistribution::DeviceTypeSalted)).unwrap();
        r.finish();
        let s = r.stats();
        assert_eq!(s.distinct_keys, 30);
        assert!(s.hottest_share < 0.4, "{}", s.hottest_share);
        assert_eq!(s.shards_over_limit, 0);
    }

    #[test]
    fn zipf_concentrates_on_few_products() {
        let mut r = KeyRun::new(config(KeyDistribution::Zipf)).unwrap();
        r.finish();
        let s = r.stats();
        assert!(s.distinct_keys < 1000);
        assert!(s.hot_ratio > 1.5, "zipf skew shows: {}", s.hot_ratio);
    }

    #[test]
    fn bad_settings_name_their_field() {
        let bad = |c: KeyRunConfig| KeyRun::new(c).err().map(|e| e.field);
        let base = config(KeyDistribution::UserIds);
        assert_eq!(
            bad(KeyRunConfig { shards: 0, ..base }),
            Some(Field::ShardCount)
        );
        assert_eq!(
            bad(KeyRunConfig {
                records_per_second: 0,
                ..base
            }),
            Some(Field::RecordRate)
        );
        assert_eq!(
            bad(KeyRunConfig {
                duration_seconds: 61,
                ..base
            }),
            Some(Field::Duration)
        );
    }

    #[test]
    fn slugs_round_trip_and_match_the_data_files() {
        for d in KeyDistribution::ALL {
            assert_eq!(KeyDistribution::from_slug(d.slug()), Some(d));
            // Lesson files spell distributions the way serde does.
            assert_eq!(
                serde_json::to_string(&d).unwrap(),
                format!("\"{}\"", d.slug())
            );
        }
        assert_eq!(KeyDistribution::from_slug("nope"), None);
    }
}
