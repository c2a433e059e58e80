//! A simulated Kinesis Producer Library, in simulated time.
//!
//! User records arrive at a steady rate with keys from a distribution and
//! flow through the KPL's stages as its documentation and configuration
//! describe them:
//!
//! 1. **Aggregation** (per predicted shard, `AggregationEnabled`): user
//!    records bound for one shard are packed into one Kinesis record until it
//!    reaches `AggregationMaxSize` (51,200 bytes by default) or the oldest
//!    record's deadline, `RecordMaxBufferedTime` (100 ms by default) after
//!    it arrived, comes. With aggregation off, each user record is its own
//!    Kinesis record.
//! 2. **Rate limit** (per shard, `RateLimit`, 150 % by default): token
//!    buckets for records and bytes, each holding one second of the shard's
//!    limit and refilling at `RateLimit` % of it, hold Kinesis records back
//!    before they are sent. A Kinesis record that waits here past
//!    `RecordTtl` is taken out and its user records fail as expired.
//! 3. **Collection**: Kinesis records, of any shard, are gathered into one
//!    `PutRecords` call of at most 500 records and 5 MiB, sent when full,
//!    when one shard has 256 KiB waiting, or at the earliest deadline among
//!    them (an aggregated record gets `min(50 ms, RecordMaxBufferedTime/5)`
//!    more once it is made).
//! 4. **Retries**: a Kinesis record the stream throttles
//!    (`ProvisionedThroughputExceededException`) or a call that fails sends
//!    its user records back. The KPL's own rule ([`RetryPolicy::Rebuffer`])
//!    puts them straight back into the buffer with half of
//!    `RecordMaxBufferedTime` as their new deadline and no back-off (its
//!    rate limiter is what keeps retries from flooding a shard). For
//!    comparison, [`RetryPolicy::Backoff`] waits first, exponentially longer
//!    at each attempt with "full jitter" (a random wait up to the cap), as a
//!    hand-written SDK producer would. A user record still unsent
//!    `RecordTtl` (30 s) after it arrived fails as expired.
//!
//! Network time is not modelled: a call is answered when it is sent.
//! Everything happens at integer milliseconds, walked one due moment after
//! another, so how a caller cuts time into ticks changes nothing.

use super::format::{
    Aggregator, DEFAULT_AGGREGATION_MAX_SIZE, MAX_KINESIS_RECORD_BYTES, MIN_AGGREGATION_MAX_SIZE,
};
use crate::error::{check_count, Field, Problem, ValidationError};
use crate::hash::{hash_key_of, HashKey, HashKeyRange};
use crate::producer::{MAX_RATE, MAX_RECORD_BYTES};
use crate::rng::{component_rng, ComponentRng};
use crate::stream::engine::{Engine, PutEntry, PutOutcome};
use crate::stream::limits::{WRITE_BYTES_PER_SECOND, WRITE_RECORDS_PER_SECOND};
use crate::workload::{KeyDistribution, KeyGenerator};
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// `RecordMaxBufferedTime`: default, and the range the KPL accepts (we cap
/// the top at a minute).
pub const DEFAULT_RECORD_MAX_BUFFERED_TIME_MS: u32 = 100;
pub const MIN_RECORD_MAX_BUFFERED_TIME_MS: u32 = 100;
pub const MAX_RECORD_MAX_BUFFERED_TIME_MS: u32 = 60_000;
/// `RateLimit`, percent of the shard's limits.
pub const DEFAULT_RATE_LIMIT_PERCENT: u32 = 150;
pub const MAX_RATE_LIMIT_PERCENT: u32 = 1_000;
/// `RecordTtl`.
pub const DEFAULT_RECORD_TTL_MS: u32 = 30_000;
pub const MIN_RECORD_TTL_MS: u32 = 100;
pub const MAX_RECORD_TTL_MS: u32 = 3_600_000;
/// `CollectionMaxCount` and `CollectionMaxSize`: the PutRecords limits.
pub const COLLECTION_MAX_COUNT: usize = 500;
pub const COLLECTION_MAX_SIZE: usize = 5 * 1_048_576;
/// A call is sent as soon as one shard has this much waiting in it.
pub const COLLECTION_SHARD_FLUSH_BYTES: usize = 256 * 1024;
/// Most an aggregated record waits in the collector (or a fifth of
/// `RecordMaxBufferedTime`, if less).
pub const COLLECTION_EXTRA_MS: u64 = 50;
/// Back-off settings for [`RetryPolicy::Backoff`].
pub const MAX_BACKOFF_MS: u32 = 60_000;
/// Latency histogram: 5 ms buckets up to 2 s, then 100 ms buckets up to
/// 60 s; slower records go in the last bucket.
const FINE_MS: u64 = 5;
const FINE_UNTIL_MS: u64 = 2_000;
const COARSE_MS: u64 = 100;
const COARSE_UNTIL_MS: u64 = 60_000;
/// Per-second bins kept for charts.
pub const KPL_BINS: usize = 60;
/// Token-bucket units per token: refills are exact integers at any
/// percentage.
const UNITS: u64 = 100_000;

/// What happens to user records whose put failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RetryPolicy {
    /// The KPL's: straight back into the buffer, deadline half of
    /// `RecordMaxBufferedTime` away, no back-off.
    Rebuffer,
    /// Exponential back-off with full jitter: before attempt `n + 1`, wait a
    /// random time in `0..=min(max_ms, base_ms × 2^(n-1))`.
    Backoff { base_ms: u32, max_ms: u32 },
}

/// A simulated KPL instance and its workload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KplConfig {
    pub stream: String,
    /// User records per second the application adds.
    pub records_per_second: u32,
    /// Bytes of data per user record.
    pub record_bytes: u32,
    pub distribution: KeyDistribution,
    /// `AggregationEnabled`.
    pub aggregation: bool,
    /// `RecordMaxBufferedTime`, ms.
    pub record_max_buffered_time_ms: u32,
    /// `AggregationMaxSize`, bytes.
    pub aggregation_max_size: u32,
    /// `RateLimit`, percent.
    pub rate_limit_percent: u32,
    /// `RecordTtl`, ms.
    pub record_ttl_ms: u32,
    pub retry: RetryPolicy,
}

impl KplConfig {
    /// The KPL's defaults for a workload.
    pub fn new(stream: &str, records_per_second: u32, record_bytes: u32) -> KplConfig {
        KplConfig {
            stream: stream.to_owned(),
            records_per_second,
            record_bytes,
            distribution: KeyDistribution::UserIds,
            aggregation: true,
            record_max_buffered_time_ms: DEFAULT_RECORD_MAX_BUFFERED_TIME_MS,
            aggregation_max_size: DEFAULT_AGGREGATION_MAX_SIZE as u32,
            rate_limit_percent: DEFAULT_RATE_LIMIT_PERCENT,
            record_ttl_ms: DEFAULT_RECORD_TTL_MS,
            retry: RetryPolicy::Rebuffer,
        }
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        check_count(Field::RecordRate, self.records_per_second, MAX_RATE)?;
        check_count(Field::RecordBytes, self.record_bytes, MAX_RECORD_BYTES)?;
        check_range(
            Field::RecordMaxBufferedTime,
            self.record_max_buffered_time_ms,
            MIN_RECORD_MAX_BUFFERED_TIME_MS,
            MAX_RECORD_MAX_BUFFERED_TIME_MS,
        )?;
        check_range(
            Field::AggregationMaxSize,
            self.aggregation_max_size,
            MIN_AGGREGATION_MAX_SIZE as u32,
            MAX_KINESIS_RECORD_BYTES as u32,
        )?;
        check_count(
            Field::RateLimit,
            self.rate_limit_percent,
            MAX_RATE_LIMIT_PERCENT,
        )?;
        check_range(
            Field::RecordTtl,
            self.record_ttl_ms,
            MIN_RECORD_TTL_MS,
            MAX_RECORD_TTL_MS,
        )?;
        if let RetryPolicy::Backoff { base_ms, max_ms } = self.retry {
            check_count(Field::Duration, base_ms, MAX_BACKOFF_MS)?;
            check_range(Field::Duration, max_ms, base_ms, MAX_BACKOFF_MS)?;
        }
        Ok(())
    }
}

/// `value` must be in `min..=max`.
pub fn check_range(field: Field, value: u32, min: u32, max: u32) -> Result<u32, ValidationError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(ValidationError::new(
            field,
            Problem::OutOfRange {
                min: min.to_string(),
                max: max.to_string(),
            },
        ))
    }
}

/// The data of user record number `id`: its number, then filler.
pub fn user_data(id: u64, len: usize) -> Vec<u8> {
    let mut d = format!("{id}:").into_bytes();
    d.resize(len, b'x');
    d
}

/// Running totals, named after the KPL's own metrics where it has one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KplStats {
    /// `UserRecordsReceived`: added by the application.
    pub user_records_received: u64,
    /// `UserRecordsPut`: stored in the stream.
    pub user_records_put: u64,
    /// `UserRecordExpired`: failed after `RecordTtl`.
    pub user_records_expired: u64,
    /// `KinesisRecordsPut`: Kinesis records the stream accepted.
    pub kinesis_records_put: u64,
    /// Kinesis records the stream refused with ProvisionedThroughputExceededException.
    pub kinesis_records_throttled: u64,
    /// `KinesisRecordsDataPut`: bytes of data plus partition keys accepted.
    pub bytes_put: u64,
    /// PutRecords calls sent.
    pub put_records_calls: u64,
    /// Attempts after the first, summed over user records (`RetriesPerRecord`).
    pub retries: u64,
    /// Sum and maximum of the latency of every user record put.
    pub latency_sum_ms: u64,
    pub latency_max_ms: u64,
    /// `ErrorsByCode`, per Kinesis record (or per call when a call fails).
    pub errors: BTreeMap<String, u64>,
}

impl KplStats {
    /// Mean time from arrival to being stored, in ms.
    pub fn mean_latency_ms(&self) -> Option<f64> {
        (self.user_records_put > 0)
            .then(|| self.latency_sum_ms as f64 / self.user_records_put as f64)
    }
}

/// What happened in one simulated second.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KplBin {
    /// Start of the second (ms since the producer started, a multiple of 1000).
    pub start_ms: u64,
    pub user_records_received: u64,
    pub user_records_put: u64,
    pub user_records_expired: u64,
    pub kinesis_records_put: u64,
    pub kinesis_records_throttled: u64,
    pub bytes_put: u64,
    pub put_records_calls: u64,
    pub retries: u64,
    pub latency_sum_ms: u64,
}

#[derive(Clone, Debug)]
struct Pending {
    id: u64,
    key: String,
    hash: HashKey,
    arrival: u64,
    deadline: u64,
    attempts: u32,
}

/// A Kinesis record on its way: its user records and, when it holds more
/// than one, its aggregated bytes.
#[derive(Clone, Debug)]
struct KRec {
    shard: Option<u32>,
    users: Vec<Pending>,
    aggregated: Option<Vec<u8>>,
    deadline: u64,
    /// The stream's measure: data plus partition key.
    size: usize,
    /// The KPL's measure: data.
    data_len: usize,
}

impl KRec {
    fn expires(&self, ttl: u64) -> u64 {
        self.users
            .iter()
            .map(|u| u.arrival + ttl)
            .min()
            .unwrap_or(0)
    }
}

#[derive(Clone, Debug, Default)]
struct Container {
    agg: Aggregator,
    users: Vec<Pending>,
    deadline: Option<u64>,
}

#[derive(Clone, Debug)]
struct TokenBucket {
    units: u64,
    cap: u64,
    per_ms: u64,
    last: u64,
}

impl TokenBucket {
    fn new(limit: u64, percent: u32, now: u64) -> TokenBucket {
        TokenBucket {
            units: limit * UNITS,
            cap: limit * UNITS,
            per_ms: limit * percent as u64,
            last: now,
        }
    }

    fn refill(&mut self, now: u64) {
        if now > self.last {
            self.units = (self.units + (now - self.last) * self.per_ms).min(self.cap);
            self.last = now;
        }
    }

    fn need(&self, n: u64) -> u64 {
        (n * UNITS).min(self.cap)
    }

    /// When `n` tokens will be there (`now` if they already are).
    fn ready_at(&mut self, now: u64, n: u64) -> u64 {
        self.refill(now);
        let need = self.need(n);
        if self.units >= need {
            now
        } else {
            now + (need - self.units).div_ceil(self.per_ms.max(1))
        }
    }

    fn take(&mut self, now: u64, n: u64) {
        self.refill(now);
        self.units -= self.need(n).min(self.units);
    }
}

#[derive(Clone, Debug)]
struct Limiter {
    records: TokenBucket,
    bytes: TokenBucket,
    queue: VecDeque<KRec>,
}

#[derive(Clone, Debug, Default)]
struct Collector {
    items: Vec<KRec>,
    size: usize,
    per_shard: BTreeMap<u32, usize>,
    deadline: Option<u64>,
}

/// The simulated KPL. Call [`KplProducer::run_until`] with the engine as
/// time passes; [`KplProducer::next_deadline`] says when something is next
/// due.
pub struct KplProducer {
    pub config: KplConfig,
    keys: KeyGenerator,
    rng: ComponentRng,
    started_ms: u64,
    /// User records created so far.
    arrived: u64,
    /// How far the producer has run.
    now: u64,
    /// The last moment something was processed.
    last_event: Option<u64>,
    shard_map: Vec<(HashKeyRange, u32)>,
    containers: BTreeMap<u32, Container>,
    limiters: BTreeMap<u32, Limiter>,
    collector: Collector,
    /// Back-off waits: (wake time, order) → user records.
    waiting: BTreeMap<(u64, u64), Vec<Pending>>,
    wait_seq: u64,
    /// User records in the KPL (`getOutstandingRecordsCount`).
    outstanding: u64,
    pub stats: KplStats,
    bins: VecDeque<KplBin>,
    latency: Vec<u64>,
}

impl KplProducer {
    pub fn new(config: KplConfig, seed: u64, now_ms: u64) -> Result<KplProducer, ValidationError> {
        config.validate()?;
        let buckets =
            (FINE_UNTIL_MS / FINE_MS + (COARSE_UNTIL_MS - FINE_UNTIL_MS) / COARSE_MS + 1) as usize;
        Ok(KplProducer {
            keys: KeyGenerator::with_label(config.distribution, seed, "kpl.keys"),
            rng: component_rng(seed, "kpl.retry"),
            config,
            started_ms: now_ms,
            arrived: 0,
            now: now_ms,
            last_event: None,
            shard_map: Vec::new(),
            containers: BTreeMap::new(),
            limiters: BTreeMap::new(),
            collector: Collector::default(),
            waiting: BTreeMap::new(),
            wait_seq: 0,
            outstanding: 0,
            stats: KplStats::default(),
            bins: VecDeque::new(),
            latency: vec![0; buckets],
        })
    }

    /// How far the producer has run.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// User records added but not yet put or failed.
    pub fn outstanding(&self) -> u64 {
        self.outstanding
    }

    /// The last [`KPL_BINS`] seconds, oldest first.
    pub fn bins(&self) -> impl Iterator<Item = &KplBin> {
        self.bins.iter()
    }

    /// The last `secs` whole seconds summed (the second under way is left
    /// out), with how many seconds that is: a rate is the sum over the count.
    pub fn recent(&self, secs: u64) -> (KplBin, u64) {
        let done = (self.now - self.started_ms) / 1000 * 1000;
        let mut sum = KplBin::default();
        let mut n = 0;
        for b in self
            .bins
            .iter()
            .rev()
            .filter(|b| b.start_ms + 1000 <= done)
            .take(secs as usize)
        {
            sum.user_records_received += b.user_records_received;
            sum.user_records_put += b.user_records_put;
            sum.user_records_expired += b.user_records_expired;
            sum.kinesis_records_put += b.kinesis_records_put;
            sum.kinesis_records_throttled += b.kinesis_records_throttled;
            sum.bytes_put += b.bytes_put;
            sum.put_records_calls += b.put_records_calls;
            sum.retries += b.retries;
            sum.latency_sum_ms += b.latency_sum_ms;
            n += 1;
        }
        // Seconds in which nothing happened have no bin; they still count.
        let n = n.max(secs.min(done / 1000));
        (sum, n)
    }

    /// The latency below which `fraction` (0..=1) of put user records fall,
    /// as the upper edge of a histogram bucket.
    pub fn latency_quantile_ms(&self, fraction: f64) -> Option<u64> {
        let total: u64 = self.latency.iter().sum();
        if total == 0 {
            return None;
        }
        let want = ((total as f64 * fraction.clamp(0.0, 1.0)).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, n) in self.latency.iter().enumerate() {
            seen += n;
            if seen >= want {
                return Some(bucket_upper(i));
            }
        }
        Some(COARSE_UNTIL_MS)
    }

    fn due_ms(&self, k: u64) -> u64 {
        self.started_ms + k * 1000 / self.config.records_per_second as u64
    }

    fn rmbt(&self) -> u64 {
        self.config.record_max_buffered_time_ms as u64
    }

    fn ttl(&self) -> u64 {
        self.config.record_ttl_ms as u64
    }

    /// When something is next due: a user record arrives, a buffer's
    /// deadline comes, the rate limiter lets a record through, a back-off
    /// ends.
    pub fn next_deadline(&mut self) -> u64 {
        let floor = self.last_event.map_or(0, |t| t + 1);
        let mut t = self.due_ms(self.arrived);
        for c in self.containers.values() {
            if let Some(d) = c.deadline {
                t = t.min(d);
            }
        }
        let ttl = self.ttl();
        let now = self.last_event.unwrap_or(self.started_ms);
        for l in self.limiters.values_mut() {
            if let Some(head) = l.queue.front() {
                let (n, bytes, exp) = (1, head.data_len as u64, head.expires(ttl));
                let ready = l.records.ready_at(now, n).max(l.bytes.ready_at(now, bytes));
                t = t.min(ready).min(exp);
            }
        }
        if let Some(d) = self.collector.deadline {
            t = t.min(d);
        }
        if let Some(((w, _), _)) = self.waiting.first_key_value() {
            t = t.min(*w);
        }
        t.max(floor)
    }

    /// Runs everything due up to and including `t`, putting records into
    /// `engine`. Returns the user records that arrived.
    pub fn run_until(&mut self, engine: &mut Engine, t: u64) -> u64 {
        let before = self.stats.user_records_received;
        loop {
            let next = self.next_deadline();
            if next > t {
                break;
            }
            self.step(engine, next);
        }
        self.now = self.now.max(t);
        self.stats.user_records_received - before
    }

    fn bin(&mut self, at: u64) -> &mut KplBin {
        let start = (at - self.started_ms.min(at)) / 1000 * 1000;
        if self.bins.back().is_none_or(|b| b.start_ms < start) {
            // Seconds with nothing in them still show, as zeros.
            let mut s = self.bins.back().map_or(start, |b| b.start_ms + 1000);
            while s <= start {
                self.bins.push_back(KplBin {
                    start_ms: s,
                    ..KplBin::default()
                });
                s += 1000;
            }
            while self.bins.len() > KPL_BINS {
                self.bins.pop_front();
            }
        }
        // Never empty here: a bin for `start` was just ensured.
        let i = self
            .bins
            .iter()
            .rposition(|b| b.start_ms <= start)
            .unwrap_or(0);
        &mut self.bins[i]
    }

    fn refresh_shard_map(&mut self, engine: &Engine) {
        self.shard_map = match engine.stream(&self.config.stream) {
            Ok(s) => {
                let mut m: Vec<(HashKeyRange, u32)> =
                    s.open_shards().map(|sh| (sh.range, sh.index)).collect();
                m.sort_by_key(|(r, _)| r.start);
                m
            }
            Err(_) => Vec::new(),
        };
    }

    fn predict(&self, hash: HashKey) -> Option<u32> {
        let i = self.shard_map.partition_point(|(r, _)| r.end < hash);
        self.shard_map
            .get(i)
            .filter(|(r, _)| r.contains(hash))
            .map(|(_, s)| *s)
    }

    fn step(&mut self, engine: &mut Engine, t: u64) {
        self.last_event = Some(t);
        self.refresh_shard_map(engine);
        // 1. Arrivals.
        while self.due_ms(self.arrived) <= t {
            let at = self.due_ms(self.arrived);
            let id = self.arrived;
            self.arrived += 1;
            let key = self.keys.next_key();
            // Generated keys are valid; a failure would only skip the record.
            let Ok(hash) = hash_key_of(&key) else {
                continue;
            };
            self.stats.user_records_received += 1;
            self.bin(at).user_records_received += 1;
            self.outstanding += 1;
            let deadline = at + self.rmbt();
            self.add_user(
                Pending {
                    id,
                    key,
                    hash,
                    arrival: at,
                    deadline,
                    attempts: 0,
                },
                t,
            );
        }
        // 2. Back-offs that ended.
        while let Some(entry) = self.waiting.first_entry() {
            if entry.key().0 > t {
                break;
            }
            for mut u in entry.remove() {
                u.deadline = t;
                self.add_user(u, t);
            }
        }
        // 3. Aggregation buffers whose deadline came.
        let due: Vec<u32> = self
            .containers
            .iter()
            .filter(|(_, c)| c.deadline.is_some_and(|d| d <= t))
            .map(|(s, _)| *s)
            .collect();
        for s in due {
            self.flush_container(s, t);
        }
        // 4 and 5: the rate limiter lets records into the collector, which
        // sends a call when it is due; records a call sends back may be due
        // again at once, so go round until nothing moves.
        for _ in 0..4 {
            self.drain_limiters(engine, t);
            if self.collector.deadline.is_none_or(|d| d > t) {
                break;
            }
            self.send(engine, t);
        }
    }

    /// A user record enters the buffer (new, or back for a retry).
    fn add_user(&mut self, u: Pending, t: u64) {
        let shard = self.predict(u.hash);
        let (Some(shard), true) = (shard, self.config.aggregation) else {
            // Alone: its own Kinesis record, straight to the limiter.
            let k = self.single(shard, u);
            self.enqueue_limited(k, t);
            return;
        };
        let max = self.config.aggregation_max_size as usize;
        let data = user_data(u.id, self.config.record_bytes as usize);
        let record = super::format::UserRecord {
            partition_key: u.key.clone(),
            explicit_hash_key: None,
            data,
            tags: Vec::new(),
        };
        let c = self.containers.entry(shard).or_default();
        if !c.users.is_empty() && c.agg.size_with(&record) > max {
            self.flush_container(shard, t);
        }
        let c = self.containers.entry(shard).or_default();
        // Keys are valid and a record fits 1 MiB (RecordBytes is capped), so
        // this only fails on an impossible record; then it goes alone.
        match c.agg.try_add(record, max) {
            Ok(()) => {
                c.deadline = Some(c.deadline.map_or(u.deadline, |d| d.min(u.deadline)));
                c.users.push(u);
                if c.agg.size() >= max {
                    self.flush_container(shard, t);
                }
            }
            Err(_) => {
                let k = self.single(Some(shard), u);
                self.enqueue_limited(k, t);
            }
        }
    }

    fn single(&self, shard: Option<u32>, u: Pending) -> KRec {
        let data_len = self.config.record_bytes as usize;
        KRec {
            shard,
            deadline: u.deadline,
            size: data_len + u.key.len(),
            data_len,
            users: vec![u],
            aggregated: None,
        }
    }

    /// An aggregation buffer becomes a Kinesis record (one user record goes
    /// as it is).
    fn flush_container(&mut self, shard: u32, t: u64) {
        let Some(mut c) = self.containers.remove(&shard) else {
            return;
        };
        if c.users.is_empty() {
            return;
        }
        let k = if c.users.len() == 1 {
            let u = c.users.pop().unwrap_or_else(|| unreachable!());
            self.single(Some(shard), u)
        } else {
            let bytes = c.agg.finish();
            let deadline = c.users.iter().map(|u| u.deadline).min().unwrap_or(t);
            KRec {
                shard: Some(shard),
                deadline,
                size: bytes.len() + super::format::AGGREGATED_PARTITION_KEY.len(),
                data_len: bytes.len(),
                users: c.users,
                aggregated: Some(bytes),
            }
        };
        self.enqueue_limited(k, t);
    }

    fn enqueue_limited(&mut self, k: KRec, t: u64) {
        match k.shard {
            Some(s) => {
                let pct = self.config.rate_limit_percent;
                self.limiters
                    .entry(s)
                    .or_insert_with(|| Limiter {
                        records: TokenBucket::new(WRITE_RECORDS_PER_SECOND, pct, t),
                        bytes: TokenBucket::new(WRITE_BYTES_PER_SECOND, pct, t),
                        queue: VecDeque::new(),
                    })
                    .queue
                    .push_back(k);
            }
            // No shard map (the stream is missing): nothing to limit by.
            None => self.collect(k, t),
        }
    }

    fn drain_limiters(&mut self, engine: &mut Engine, t: u64) {
        let ttl = self.ttl();
        let shards: Vec<u32> = self.limiters.keys().copied().collect();
        for s in shards {
            while let Some(l) = self.limiters.get_mut(&s) {
                let Some(head) = l.queue.front() else { break };
                if head.expires(ttl) <= t {
                    let k = l.queue.pop_front().unwrap_or_else(|| unreachable!());
                    self.retry(k.users, t, "Expired");
                    continue;
                }
                let bytes = head.data_len as u64;
                if l.records.ready_at(t, 1) > t || l.bytes.ready_at(t, bytes) > t {
                    break;
                }
                l.records.take(t, 1);
                l.bytes.take(t, bytes);
                let k = l.queue.pop_front().unwrap_or_else(|| unreachable!());
                self.collect(k, t);
                if self.collector_full() {
                    self.send(engine, t);
                }
            }
        }
    }

    fn collect(&mut self, mut k: KRec, t: u64) {
        if k.aggregated.is_some() {
            k.deadline = t + COLLECTION_EXTRA_MS.min(self.rmbt() / 5);
        }
        let c = &mut self.collector;
        c.size += k.size;
        if let Some(s) = k.shard {
            *c.per_shard.entry(s).or_default() += k.data_len;
        }
        c.deadline = Some(c.deadline.map_or(k.deadline, |d| d.min(k.deadline)));
        c.items.push(k);
    }

    fn collector_full(&self) -> bool {
        let c = &self.collector;
        c.items.len() >= COLLECTION_MAX_COUNT
            || c.size >= COLLECTION_MAX_SIZE
            || c.per_shard
                .values()
                .any(|b| *b >= COLLECTION_SHARD_FLUSH_BYTES)
    }

    /// Sends one PutRecords call with what the collector holds (up to the
    /// call's limits; the rest stays for the next call).
    fn send(&mut self, engine: &mut Engine, t: u64) {
        let mut items = std::mem::take(&mut self.collector.items);
        let mut take = 0;
        let mut size = 0;
        for k in &items {
            if take == COLLECTION_MAX_COUNT || (take > 0 && size + k.size > COLLECTION_MAX_SIZE) {
                break;
            }
            take += 1;
            size += k.size;
        }
        let rest = items.split_off(take);
        self.collector = Collector::default();
        for k in rest {
            self.collect(k, t);
        }
        if items.is_empty() {
            return;
        }
        let entries: Vec<PutEntry> = items.iter().map(|k| self.entry(k)).collect();
        self.stats.put_records_calls += 1;
        self.bin(t).put_records_calls += 1;
        match engine.put_records(t, &self.config.stream, &entries) {
            Ok(outcomes) => {
                for (k, outcome) in items.into_iter().zip(outcomes) {
                    match outcome {
                        PutOutcome::Ok { .. } => self.succeed(k, t),
                        PutOutcome::Throttled { .. } => {
                            self.stats.kinesis_records_throttled += 1;
                            self.bin(t).kinesis_records_throttled += 1;
                            *self
                                .stats
                                .errors
                                .entry("ProvisionedThroughputExceededException".into())
                                .or_default() += 1;
                            self.retry(k.users, t, "");
                        }
                    }
                }
            }
            Err(e) => {
                *self
                    .stats
                    .errors
                    .entry(e.kind.name().to_owned())
                    .or_default() += 1;
                for k in items {
                    self.retry(k.users, t, "");
                }
            }
        }
    }

    fn entry(&self, k: &KRec) -> PutEntry {
        match &k.aggregated {
            Some(bytes) => PutEntry {
                partition_key: super::format::AGGREGATED_PARTITION_KEY.to_owned(),
                explicit_hash_key: Some(k.users[0].hash.to_string()),
                data: bytes.clone(),
            },
            None => {
                let u = &k.users[0];
                PutEntry {
                    partition_key: u.key.clone(),
                    // The KPL always sends the hash key it predicted with.
                    explicit_hash_key: Some(u.hash.to_string()),
                    data: user_data(u.id, self.config.record_bytes as usize),
                }
            }
        }
    }

    fn succeed(&mut self, k: KRec, t: u64) {
        self.stats.kinesis_records_put += 1;
        self.stats.bytes_put += k.size as u64;
        let n = k.users.len() as u64;
        let latency: u64 = k.users.iter().map(|u| t - u.arrival).sum();
        let b = self.bin(t);
        b.kinesis_records_put += 1;
        b.bytes_put += k.size as u64;
        b.user_records_put += n;
        b.latency_sum_ms += latency;
        self.stats.user_records_put += n;
        self.stats.latency_sum_ms += latency;
        self.outstanding -= n.min(self.outstanding);
        for u in &k.users {
            let l = t - u.arrival;
            self.stats.latency_max_ms = self.stats.latency_max_ms.max(l);
            self.latency[bucket_of(l)] += 1;
        }
    }

    /// User records whose put failed (or that expired in the limiter, when
    /// `why` says so): retried, or failed once `RecordTtl` has passed.
    fn retry(&mut self, users: Vec<Pending>, t: u64, why: &str) {
        let ttl = self.ttl();
        let mut again = Vec::new();
        for mut u in users {
            if t >= u.arrival + ttl {
                self.stats.user_records_expired += 1;
                self.bin(t).user_records_expired += 1;
                self.outstanding -= 1.min(self.outstanding);
                continue;
            }
            if why.is_empty() {
                u.attempts += 1;
                self.stats.retries += 1;
                self.bin(t).retries += 1;
            }
            again.push(u);
        }
        if again.is_empty() {
            return;
        }
        match self.config.retry {
            RetryPolicy::Rebuffer => {
                let d = t + self.rmbt() / 2;
                for mut u in again {
                    u.deadline = d.min(u.arrival + ttl);
                    self.add_user(u, t);
                }
            }
            RetryPolicy::Backoff { base_ms, max_ms } => {
                let attempt = again.iter().map(|u| u.attempts).max().unwrap_or(1).max(1);
                let cap = (base_ms as u64)
                    .saturating_mul(1u64 << (attempt - 1).min(30))
                    .min(max_ms as u64);
                let wait = self.rng.random_range(0..=cap).max(1);
                self.wait_seq += 1;
                self.waiting.insert((t + wait, self.wait_seq), again);
            }
        }
    }
}

fn bucket_of(latency_ms: u64) -> usize {
    if latency_ms < FINE_UNTIL_MS {
        (latency_ms / FINE_MS) as usize
    } else {
        let coarse = (latency_ms.min(COARSE_UNTIL_MS) - FINE_UNTIL_MS) / COARSE_MS;
        (FINE_UNTIL_MS / FINE_MS + coarse) as usize
    }
}

fn bucket_upper(i: usize) -> u64 {
    let fine = (FINE_UNTIL_MS / FINE_MS) as usize;
    if i < fine {
        (i as u64 + 1) * FINE_MS
    } else {
        FINE_UNTIL_MS + (i - fine) as u64 * COARSE_MS + COARSE_MS
    }
}
