//! Consumers. Today: a shared-throughput polling consumer, the loop every
//! GetRecords reader runs: for each shard, get an iterator, call GetRecords
//! once per poll interval, follow `NextShardIterator`, and at the end of a
//! closed shard move on to its children, only after every parent is done.
//! That last rule is what keeps each key in order across a reshard; the
//! consumer checks it on every record it receives.

use crate::api::error::{ApiError, ErrorType};
use crate::hash::ShardId;
use crate::stream::engine::{Engine, Record, Subscription};
use crate::rng::{component_rng, ComponentRng};
use crate::stream::seq::SequenceNumber;
use rand::Rng;

pub mod fanout;
pub mod kcl;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Where a consumer starts reading a shard it has never read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StartAt {
    TrimHorizon,
    Latest,
    AtTimestamp { ms: u64 },
    /// From one record on: its shard at its sequence number, the others at
    /// its arrival time.
    AtSequenceNumber { seq: SequenceNumber, arrival_ms: u64 },
}

impl StartAt {
    pub fn iterator_type(self) -> &'static str {
        match self {
            StartAt::TrimHorizon => "TRIM_HORIZON",
            StartAt::Latest => "LATEST",
            StartAt::AtTimestamp { .. } => "AT_TIMESTAMP",
            StartAt::AtSequenceNumber { .. } => "AT_SEQUENCE_NUMBER",
        }
    }
}

/// The iterator a shard's first read uses: after the last record read if
/// there was one; a child of a finished parent from its beginning; else
/// where the consumer was asked to start. Starting at a sequence number means
/// that record's shard starts at it, and every other shard at the moment it
/// arrived.
fn start_for(
    start: StartAt,
    shard: u32,
    has_parent: bool,
    after: Option<String>,
) -> (&'static str, Option<String>, Option<u64>) {
    match (after, has_parent, start) {
        (Some(a), _, _) => ("AFTER_SEQUENCE_NUMBER", Some(a), None),
        (None, true, _) => ("TRIM_HORIZON", None, None),
        (None, false, StartAt::AtTimestamp { ms }) => ("AT_TIMESTAMP", None, Some(ms)),
        (None, false, StartAt::AtSequenceNumber { seq, .. }) if seq.shard_index == shard => {
            ("AT_SEQUENCE_NUMBER", Some(seq.to_string()), None)
        }
        (None, false, StartAt::AtSequenceNumber { arrival_ms, .. }) => {
            ("AT_TIMESTAMP", None, Some(arrival_ms))
        }
        (None, false, start) => (start.iterator_type(), None, None),
    }
}

/// The usual polling loop waits 1 s between GetRecords calls to a shard.
pub const DEFAULT_POLL_MS: u64 = 1_000;
/// How often the lab collects what enhanced fan-out has pushed (the push
/// itself is timed by the engine's latency model, not by this).
pub const PUSH_CHECK_MS: u64 = 100;

#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct ConsumerStats {
    pub records: u64,
    pub bytes: u64,
    pub calls: u64,
    pub throttled: u64,
    pub expired_iterators: u64,
    /// Highest MillisBehindLatest of the latest call to each shard.
    pub millis_behind_latest: u64,
    /// Sum and count of (read time − arrival time), for the mean latency.
    pub latency_sum_ms: u64,
    /// Records of a key that arrived out of the order they were put in.
    pub order_violations: u64,
    pub distinct_keys: usize,
}

impl ConsumerStats {
    pub fn mean_latency_ms(&self) -> Option<u64> {
        (self.records > 0).then(|| self.latency_sum_ms / self.records)
    }
}

#[derive(Clone, Debug, PartialEq)]
struct ShardCursor {
    iterator: Option<String>,
    next_poll_ms: u64,
    /// Sequence index after the last record read (to renew an expired iterator).
    after_seq: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PollingConsumer {
    pub name: String,
    pub stream: String,
    pub start: StartAt,
    pub poll_ms: u64,
    /// Read parents to their end before children (what the KCL does). Off,
    /// every shard is read at once, and keys can come back out of order.
    pub parents_first: bool,
    /// GetRecords `Limit` (None: the service maximum, 10,000).
    pub limit: Option<usize>,
    /// Read by enhanced fan-out (SubscribeToShard, pushed, its own 2 MiB/s
    /// per shard) instead of polling. The consumer must be registered under
    /// this consumer's name.
    pub enhanced_fan_out: bool,
    subscriptions: BTreeMap<u32, Subscription>,
    cursors: BTreeMap<u32, ShardCursor>,
    finished: BTreeSet<u32>,
    /// Per key: (arrival ms, shard, sequence index) of the last record read.
    last_by_key: BTreeMap<String, (u64, u32, u64)>,
    pub stats: ConsumerStats,
    /// How long each record took from arrival in the stream to this reader.
    pub latency: Latencies,
    /// When set, a throttled call backs off by up to half a poll interval
    /// more, drawn from this generator (see [`PollingConsumer::with_jitter`]).
    jitter: Option<ComponentRng>,
    behind: BTreeMap<u32, u64>,
}

/// Every delivery latency seen, counted per millisecond, so percentiles are
/// exact.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Latencies {
    counts: BTreeMap<u64, u64>,
    total: u64,
}

impl Latencies {
    pub fn record(&mut self, ms: u64) {
        *self.counts.entry(ms).or_default() += 1;
        self.total += 1;
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    /// The smallest latency at or below which `percent` % of deliveries
    /// fall (nearest rank), or `None` before any delivery.
    pub fn percentile(&self, percent: u32) -> Option<u64> {
        if self.total == 0 {
            return None;
        }
        let rank = (self.total * percent.min(100) as u64).div_ceil(100).max(1);
        let mut seen = 0;
        for (ms, n) in &self.counts {
            seen += n;
            if seen >= rank {
                return Some(*ms);
            }
        }
        self.counts.keys().next_back().copied()
    }

    /// Deliveries per bucket: each bucket holds latencies below its bound
    /// and at or above the previous one; the last has no bound.
    pub fn histogram(&self, bounds: &[u64]) -> Vec<u64> {
        let mut out = vec![0; bounds.len() + 1];
        for (ms, n) in &self.counts {
            let i = bounds.partition_point(|b| b <= ms);
            out[i] += n;
        }
        out
    }
}

impl PollingConsumer {
    pub fn new(name: &str, stream: &str, start: StartAt) -> PollingConsumer {
        PollingConsumer {
            name: name.to_owned(),
            stream: stream.to_owned(),
            start,
            poll_ms: DEFAULT_POLL_MS,
            parents_first: true,
            limit: None,
            enhanced_fan_out: false,
            subscriptions: BTreeMap::new(),
            cursors: BTreeMap::new(),
            finished: BTreeSet::new(),
            last_by_key: BTreeMap::new(),
            stats: ConsumerStats::default(),
            latency: Latencies::default(),
            jitter: None,
            behind: BTreeMap::new(),
        }
    }

    /// Adds seeded jitter to the back-off after a throttled call, as real
    /// clients do; without it, readers that poll in lockstep keep colliding
    /// in the same order and the same ones starve.
    pub fn with_jitter(mut self, seed: u64) -> PollingConsumer {
        self.jitter = Some(component_rng(seed, &format!("consumer.{}", self.name)));
        self
    }

    /// Shards this consumer may read now: live, not finished, and every
    /// parent finished (or gone from the stream).
    fn ready_shards(&self, engine: &Engine, now: u64) -> Result<Vec<u32>, ApiError> {
        let s = engine.stream(&self.stream)?;
        let live: BTreeSet<u32> = s.live_shards(now).map(|sh| sh.index).collect();
        Ok(s.live_shards(now)
            .filter(|sh| !self.finished.contains(&sh.index))
            .filter(|sh| {
                !self.parents_first
                    || [sh.parent, sh.adjacent_parent]
                        .into_iter()
                        .flatten()
                        .all(|p| self.finished.contains(&p) || !live.contains(&p))
            })
            .map(|sh| sh.index)
            .collect())
    }

    /// The next time this consumer wants to call GetRecords.
    /// Shards read to their end are not counted; `None` until the first poll.
    pub fn next_deadline(&self) -> Option<u64> {
        self.cursors
            .iter()
            .filter(|(shard, _)| !self.finished.contains(shard))
            .map(|(_, c)| c.next_poll_ms)
            .min()
    }

    /// Counts one received record: latency, and order per key.
    fn receive(&mut self, shard: u32, rec: &Record, delivered_ms: u64) {
        self.stats.records += 1;
        self.stats.bytes += rec.size() as u64;
        self.stats.latency_sum_ms += delivered_ms.saturating_sub(rec.arrival_ms);
        self.latency
            .record(delivered_ms.saturating_sub(rec.arrival_ms));
        let here = (rec.arrival_ms, shard, rec.seq.seq_index);
        if let Some(prev) = self.last_by_key.get(&rec.partition_key) {
            let out_of_order = if prev.1 == shard {
                prev.2 >= here.2
            } else {
                prev.0 > here.0
            };
            if out_of_order {
                self.stats.order_violations += 1;
            }
        }
        self.last_by_key.insert(rec.partition_key.clone(), here);
    }

    fn poll_efo(&mut self, engine: &mut Engine, now: u64) -> Result<(), ApiError> {
        for shard in self.ready_shards(engine, now)? {
            let due = self
                .cursors
                .get(&shard)
                .map(|c| c.next_poll_ms)
                .unwrap_or(now);
            if due > now {
                continue;
            }
            let id = ShardId(shard).to_string();
            if !self.subscriptions.contains_key(&shard) {
                let has_parent = engine
                    .stream(&self.stream)?
                    .shards
                    .get(shard as usize)
                    .is_some_and(|sh| sh.parent.is_some() || sh.adjacent_parent.is_some());
                let after = self.cursors.get(&shard).and_then(|c| c.after_seq.clone());
                let (kind, seq, ts) = start_for(self.start, shard, has_parent, after);
                let sub = engine.subscribe_to_shard(
                    now,
                    &self.stream,
                    &self.name,
                    &id,
                    kind,
                    seq.as_deref(),
                    ts,
                )?;
                self.stats.calls += 1;
                self.subscriptions.insert(shard, sub);
            }
            let Some(mut sub) = self.subscriptions.remove(&shard) else {
                continue;
            };
            let ev = engine.push(now, &mut sub)?;
            let closed_and_done = engine
                .stream(&self.stream)?
                .shards
                .get(shard as usize)
                .is_some_and(|sh| sh.closed_ms.is_some() && sub.next_seq >= sh.next_seq);
            {
                let cursor = self.cursors.entry(shard).or_insert(ShardCursor {
                    iterator: None,
                    next_poll_ms: now,
                    after_seq: None,
                });
                if let Some(c) = ev.continuation_sequence_number {
                    cursor.after_seq = Some(c.to_string());
                }
                cursor.next_poll_ms = now + PUSH_CHECK_MS;
            }
            for (delivered, rec) in &ev.records {
                self.receive(shard, rec, *delivered);
            }
            self.behind.insert(shard, ev.millis_behind_latest);
            if closed_and_done {
                self.finished.insert(shard);
                self.behind.remove(&shard);
            } else if !ev.expired {
                self.subscriptions.insert(shard, sub);
            }
        }
        self.stats.distinct_keys = self.last_by_key.len();
        self.stats.millis_behind_latest = self.behind.values().copied().max().unwrap_or(0);
        Ok(())
    }

    /// Runs every poll due at or before `now`.
    pub fn poll(&mut self, engine: &mut Engine, now: u64) -> Result<(), ApiError> {
        if self.enhanced_fan_out {
            return self.poll_efo(engine, now);
        }
        for shard in self.ready_shards(engine, now)? {
            let id = ShardId(shard).to_string();
            let parents_done = engine
                .stream(&self.stream)?
                .shards
                .get(shard as usize)
                .is_some_and(|sh| sh.parent.is_some() || sh.adjacent_parent.is_some());
            let cursor = self.cursors.entry(shard).or_insert(ShardCursor {
                iterator: None,
                next_poll_ms: now,
                after_seq: None,
            });
            if cursor.next_poll_ms > now {
                continue;
            }
            if cursor.iterator.is_none() {
                // A child of a shard we read to its end starts at its beginning.
                let (kind, seq, ts) = start_for(self.start, shard, parents_done, cursor.after_seq.clone());
                cursor.iterator = Some(engine.get_shard_iterator(
                    now,
                    &self.stream,
                    &id,
                    kind,
                    seq.as_deref(),
                    ts,
                )?);
            }
            let it = cursor.iterator.clone().unwrap_or_default();
            cursor.next_poll_ms = now + self.poll_ms;
            self.stats.calls += 1;
            match engine.get_records(now, &it, self.limit) {
                Ok(r) => {
                    if let Some(last) = r.records.last() {
                        cursor.after_seq = Some(last.seq.to_string());
                    }
                    self.behind.insert(shard, r.millis_behind_latest);
                    cursor.iterator = r.next_iterator.clone();
                    if r.next_iterator.is_none() {
                        self.finished.insert(shard);
                        self.behind.remove(&shard);
                    }
                    for rec in &r.records {
                        self.receive(shard, rec, now);
                    }
                }
                Err(e) if e.kind == ErrorType::ProvisionedThroughputExceededException => {
                    self.stats.throttled += 1;
                    // Back off a little longer, by a seeded random amount,
                    // so readers polling in lockstep drift apart.
                    if let Some(rng) = &mut self.jitter {
                        cursor.next_poll_ms += rng.random_range(0..=self.poll_ms / 2);
                    }
                }
                Err(e) if e.kind == ErrorType::ExpiredIteratorException => {
                    self.stats.expired_iterators += 1;
                    cursor.iterator = None;
                }
                Err(e) => return Err(e),
            }
        }
        self.stats.distinct_keys = self.last_by_key.len();
        self.stats.millis_behind_latest = self.behind.values().copied().max().unwrap_or(0);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::engine::PutEntry;

    const T0: u64 = 1_700_000_000_000;

    fn put(e: &mut Engine, t: u64, key: &str) {
        e.put_records(
            t,
            "s",
            &[PutEntry {
                partition_key: key.into(),
                explicit_hash_key: None,
                data: vec![1; 10],
            }],
        )
        .unwrap();
    }

    #[test]
    fn latency_percentiles_are_nearest_rank() {
        let mut l = Latencies::default();
        assert_eq!(l.percentile(50), None);
        for ms in 1..=100 {
            l.record(ms);
        }
        assert_eq!(l.percentile(50), Some(50));
        assert_eq!(l.percentile(95), Some(95));
        assert_eq!(l.percentile(100), Some(100));
        assert_eq!(l.percentile(0), Some(1));
        // Buckets: below 10, 10..50, 50 and up.
        assert_eq!(l.histogram(&[10, 50]), vec![9, 40, 51]);
    }

    /// Starting at a record: its shard from that record, every other shard
    /// from the moment it arrived.
    #[test]
    fn at_sequence_number_replays_from_one_record() {
        let mut e = Engine::new();
        e.create_stream(T0, "s", 2).unwrap();
        for i in 0..40 {
            put(&mut e, T0 + i * 100, &format!("k{i}"));
        }
        let s = e.stream("s").unwrap();
        let pick = &s.shards[1].records[s.shards[1].records.len() / 2];
        let (seq, arrival_ms) = (pick.seq, pick.arrival_ms);
        let expected = s.shards[1]
            .records
            .iter()
            .filter(|r| r.seq.seq_index >= seq.seq_index)
            .count()
            + s.shards[0]
                .records
                .iter()
                .filter(|r| r.arrival_ms >= arrival_ms)
                .count();
        let mut c = PollingConsumer::new("c", "s", StartAt::AtSequenceNumber { seq, arrival_ms });
        c.poll(&mut e, T0 + 10_000).unwrap();
        assert_eq!(c.stats.records, expected as u64);
        assert!(expected > 0 && expected < 40);
        assert_eq!(c.start.iterator_type(), "AT_SEQUENCE_NUMBER");
    }

    #[test]
    fn trim_horizon_replays_everything_and_latest_only_new() {
        let mut e = Engine::new();
        e.create_stream(T0, "s", 2).unwrap();
        for i in 0..20 {
            put(&mut e, T0 + i, &format!("k{i}"));
        }
        let mut replay = PollingConsumer::new("replay", "s", StartAt::TrimHorizon);
        let mut live = PollingConsumer::new("live", "s", StartAt::Latest);
        replay.poll(&mut e, T0 + 100).unwrap();
        live.poll(&mut e, T0 + 100).unwrap();
        assert_eq!(replay.stats.records, 20);
        assert_eq!(live.stats.records, 0);
        put(&mut e, T0 + 200, "new");
        live.poll(&mut e, T0 + 1_100).unwrap();
        replay.poll(&mut e, T0 + 1_100).unwrap();
        assert_eq!(live.stats.records, 1);
        assert_eq!(replay.stats.records, 21);
        assert_eq!(live.stats.mean_latency_ms(), Some(900));
    }

    #[test]
    fn every_key_stays_in_order_across_split_and_merge() {
        let mut e = Engine::new();
        e.create_stream(T0, "s", 2).unwrap();
        let mut c = PollingConsumer::new("c", "s", StartAt::TrimHorizon);
        let mut t = T0;
        let keys: Vec<String> = (0..30).map(|i| format!("user-{i}")).collect();
        for round in 0..12 {
            for k in &keys {
                put(&mut e, t, k);
                t += 1;
            }
            if round == 3 {
                let mid = (u128::MAX / 4).to_string();
                e.split_shard(t, "s", "0", &mid).unwrap();
            }
            if round == 7 {
                t += 2_000;
                e.merge_shards(t, "s", "2", "3").unwrap();
            }
            t += 1_000;
            c.poll(&mut e, t).unwrap();
        }
        for _ in 0..10 {
            t += 1_000;
            c.poll(&mut e, t).unwrap();
        }
        assert_eq!(c.stats.records, 12 * 30, "every record read once");
        assert_eq!(c.stats.order_violations, 0);
        assert_eq!(c.stats.millis_behind_latest, 0);
    }

    #[test]
    fn reading_children_before_parents_breaks_key_order() {
        let mut e = Engine::new();
        e.create_stream(T0, "s", 1).unwrap();
        let mut careless = PollingConsumer::new("c", "s", StartAt::TrimHorizon);
        careless.parents_first = false;
        careless.limit = Some(2);
        // A backlog in the parent, then a split, then new records in the children.
        for i in 0..5 {
            put(&mut e, T0 + i, "user-1");
        }
        e.split_shard(T0 + 10, "s", "0", &(u128::MAX / 2).to_string())
            .unwrap();
        for i in 0..5 {
            put(&mut e, T0 + 2_000 + i, "user-1");
        }
        // Two records per call: the parent's backlog takes three polls, the
        // child's records arrive in the first.
        let mut careful = PollingConsumer::new("k", "s", StartAt::TrimHorizon);
        careful.limit = Some(2);
        for t in (0..8).map(|i| T0 + 3_000 + i * 1_000) {
            careless.poll(&mut e, t).unwrap();
            careful.poll(&mut e, t).unwrap();
        }
        assert_eq!(careful.stats.order_violations, 0);
        assert_eq!(careful.stats.records, 10);
        assert_eq!(careless.stats.records, 10);
        assert!(
            careless.stats.order_violations > 0,
            "the parent's older records arrive after the child's newer ones"
        );
    }

    #[test]
    fn enhanced_fan_out_pushes_with_low_latency_and_keeps_order_across_a_split() {
        let mut e = Engine::new();
        e.create_stream(T0, "s", 1).unwrap();
        e.register_consumer(T0, "s", "fan").unwrap();
        let mut efo = PollingConsumer::new("fan", "s", StartAt::Latest);
        efo.enhanced_fan_out = true;
        let mut poll = PollingConsumer::new("poll", "s", StartAt::Latest);
        efo.poll(&mut e, T0).unwrap();
        poll.poll(&mut e, T0).unwrap();
        let mut t = T0;
        for round in 0..8u64 {
            for k in ["a", "b", "c"] {
                t += 37;
                put(&mut e, t, k);
            }
            if round == 3 {
                e.split_shard(t, "s", "0", &(u128::MAX / 2).to_string())
                    .unwrap();
            }
            for _ in 0..3 {
                t += 100;
                efo.poll(&mut e, t).unwrap();
                poll.poll(&mut e, t).unwrap();
            }
        }
        for _ in 0..30 {
            t += 100;
            efo.poll(&mut e, t).unwrap();
            poll.poll(&mut e, t).unwrap();
        }
        assert_eq!(efo.stats.records, 24);
        assert_eq!(poll.stats.records, 24);
        assert_eq!(efo.stats.order_violations, 0);
        assert_eq!(
            efo.stats.mean_latency_ms(),
            Some(crate::stream::engine::PUSH_PROPAGATION_MS)
        );
        assert!(
            poll.stats.mean_latency_ms().unwrap() > 200,
            "polling waits for the next call"
        );
    }

    #[test]
    fn enhanced_fan_out_needs_a_registered_consumer() {
        let mut e = Engine::new();
        e.create_stream(T0, "s", 1).unwrap();
        let mut c = PollingConsumer::new("ghost", "s", StartAt::Latest);
        c.enhanced_fan_out = true;
        assert_eq!(
            c.poll(&mut e, T0).unwrap_err().kind,
            ErrorType::ResourceNotFoundException
        );
        for i in 0..20 {
            e.register_consumer(T0, "s", &format!("c{i}")).unwrap();
        }
        assert_eq!(
            e.register_consumer(T0, "s", "one-too-many")
                .unwrap_err()
                .kind,
            ErrorType::LimitExceededException
        );
        assert_eq!(
            e.register_consumer(T0, "s", "c0").unwrap_err().kind,
            ErrorType::ResourceInUseException
        );
    }

    #[test]
    fn a_missing_stream_is_an_error() {
        let mut e = Engine::new();
        let mut c = PollingConsumer::new("c", "nope", StartAt::Latest);
        assert_eq!(
            c.poll(&mut e, T0).unwrap_err().kind,
            ErrorType::ResourceNotFoundException
        );
    }
}
