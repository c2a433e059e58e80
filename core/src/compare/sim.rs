//! One workload into SQS, Kafka and Kinesis at once (CONTRACT: owned by the
//! sim helper; the page, the lesson widget and the lessons use the public
//! names below: keep them, add freely).
//!
//! [`CompareSim`] holds an SQS queue ([`super::sqs`]), a Kafka cluster
//! ([`super::kafka`]) and a Kinesis stream (the lab's own engine, through
//! [`super::kinesis`]). One generator makes message `i` (ids from 1) with a
//! key drawn from the seed and sends the same id, key and time into all
//! three. Each system is read the way it is read in real life:
//!
//! - **SQS**: `consumers` pollers, each a loop of ReceiveMessage (long
//!   polling, up to 10 messages), processing, DeleteMessage per message.
//! - **Kafka**: group `group-1` with `consumers` members; each polls, processes
//!   and commits the next offset of every partition it got records from.
//! - **Kinesis**: KCL application `app-1` with `consumers` workers, each
//!   record processor checkpointing as the KCL's default policy says.
//!
//! Time is walked deadline by deadline ([`CompareSim::next_deadline`]), and at
//! one moment always in the same order (generator, SQS, Kafka, Kinesis), so
//! cutting time into 50 ms ticks or one 60 s jump gives the same state.
//!
//! Counters are kept per *group* (SQS has one, the queue's consumers; a
//! Kafka consumer group; a KCL application or a replay reader): a message
//! delivered again in the same group is a duplicate, and two messages of
//! one key delivered in the opposite order to sending are an out-of-order
//! pair. Latency is from send to the first delivery anywhere in the system.

use super::kafka::{
    eos_demo, partition_for_key, Assignor, Cluster, ConsumerOptions, EosOutcome, GroupState,
    KRecord, TopicConfig,
};
use super::kinesis::{Handed, KGroup, KinesisNote, KinesisSide};
use super::sqs::{MessageState, QueueConfig, QueueKind, SendMessage, SqsQueue};
use super::System;
use crate::consumer::kcl::WorkerState;
use crate::consumer::Latencies;
use crate::lesson::Text;
use crate::rng::component_rng;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The shared workload generator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// Distinct keys (partition key / Kafka key / FIFO group id).
    pub keys: u32,
    pub records_per_second: u32,
    pub record_bytes: u32,
    /// Messages in total (e.g. 1,000).
    pub messages: u32,
    /// Consumers in the first group / KCL application / SQS pollers.
    pub consumers: u32,
    /// Kafka partitions and Kinesis shards to start with.
    pub partitions: u32,
    pub assignor: Assignor,
    pub fifo: bool,
    pub seed: u64,
}

impl Default for Workload {
    fn default() -> Self {
        Workload {
            keys: 10,
            records_per_second: 100,
            record_bytes: 100,
            messages: 1_000,
            consumers: 3,
            partitions: 3,
            assignor: Assignor::Range,
            fifo: false,
            seed: 1,
        }
    }
}

/// Messages the exactly-once demo runs at most (the Kafka model's
/// `eos_demo` caps its input at 10,000 too).
pub const EOS_MAX_MESSAGES: u32 = 10_000;
/// The consumers of all three systems start this long before the first
/// message is sent: by then the Kafka group has its first assignment (two
/// 3 s `group.initial.rebalance.delay.ms` waits and a sync, about 6.5 s
/// when members join together) and the KCL workers have shared the leases.
/// Without it the start-up hand-overs themselves re-deliver records (a KCL
/// worker keeps reading a stolen lease until its next renewal), which has
/// nothing to do with what the comparison shows. A lab choice, the same for
/// the three systems.
pub const WARM_UP_MS: u64 = 10_000;

/// Bounds of a [`Workload`] (inclusive).
pub const MAX_KEYS: u32 = 1_000;
/// Kinesis takes 1,000 records/s per shard; one key can hit one shard.
pub const MAX_RECORDS_PER_SECOND: u32 = 1_000;
/// 1 MiB: the Kinesis record limit (data plus partition key), Kafka's default
/// `max.message.bytes` (1,048,588 with the batch overhead) and SQS's
/// current MessageBody limit.
pub const MAX_RECORD_BYTES: u32 = 1_048_576;
pub const MAX_MESSAGES: u32 = 20_000;
/// Messages in one comparison, SameKey bursts included.
pub const MAX_TOTAL_MESSAGES: u64 = 40_000;
/// The KCL lab's worker limit.
pub const MAX_CONSUMERS: u32 = crate::consumer::kcl::MAX_WORKERS;
pub const MAX_PARTITIONS: u32 = 16;
/// Groups after the first (second groups and replays), per comparison.
pub const MAX_EXTRA_GROUPS: usize = 6;
pub const MAX_RUN_SECONDS: u32 = 86_400;
pub const MAX_SAME_KEY: u32 = 10_000;

/// MODEL parameter: how long a consumer works on one message before it
/// deletes, commits or moves on. Ours, not a service figure; it is what
/// makes a slow group fall behind.
pub const PROCESS_MS_PER_MESSAGE: u64 = 20;
/// MODEL parameter, not published by AWS: SQS service time added to every
/// delivery. The seed's "~10 ms" (its SQS comparison table); no AWS page
/// states an SQS latency.
pub const SQS_SERVICE_MS: u64 = 10;
/// MODEL parameter, not published by Kafka: broker time added to every
/// fetch. Our own small figure (the seed gives none for Kafka).
pub const KAFKA_SERVICE_MS: u64 = 5;
/// MODEL parameter, not published by AWS: the service-side part of a
/// shared-throughput (GetRecords) read. The seed's "~200 ms" for Data
/// Streams; enhanced fan-out would be the engine's ~70 ms
/// ([`crate::stream::engine::PUSH_PROPAGATION_MS`]). The KCL's own
/// `idleTimeBetweenReadsInMillis` comes on top, from the engine's timing.
pub const KINESIS_SHARED_SERVICE_MS: u64 = 200;
/// ReceiveMessage `MaxNumberOfMessages` the pollers ask for (the maximum).
pub const SQS_MAX_MESSAGES: u32 = 10;
/// `ReceiveMessageWaitTimeSeconds`: long polling, the maximum wait.
pub const SQS_WAIT_SECONDS: u32 = 20;
/// Kafka `max.poll.records` (default 500).
pub const KAFKA_MAX_POLL_RECORDS: u32 = 500;
/// Kafka `fetch.max.wait.ms` (default 500): an empty poll waits this long.
pub const KAFKA_FETCH_MAX_WAIT_MS: u64 = 500;
/// Kafka `auto.commit.interval.ms` (default 5,000; `enable.auto.commit`
/// defaults to true): processed offsets are committed on a poll once this
/// long has passed, and before partitions are given up in a rebalance.
pub const KAFKA_AUTO_COMMIT_INTERVAL_MS: u64 = 5_000;
/// Retry delay of a poll the broker refused (e.g. during a rebalance).
pub const KAFKA_RETRY_MS: u64 = 100;
/// Events kept in the log (older ones are dropped first).
pub const MAX_EVENTS: usize = 5_000;

/// The page's toggles, and what lessons store as actions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum CompareAction {
    /// Start over with this workload (all three systems empty).
    Start { workload: Workload },
    /// Let simulated time pass.
    Run { seconds: u32 },
    /// "Start a second consumer group now": a new Kafka group, a second KCL
    /// application; SQS has only the one queue of consumers.
    SecondGroup,
    /// "Replay from N seconds ago": Kafka offsetsForTimes + seek, Kinesis
    /// AT_TIMESTAMP; SQS cannot.
    Replay { seconds_ago: u32 },
    /// "Kill a consumer" (1-based): SQS visibility timeout, Kafka rebalance,
    /// KCL lease failover.
    KillConsumer { consumer: u32 },
    /// "Add capacity": split a shard, add a partition, SQS just scales.
    AddCapacity,
    /// "Send the same key N times".
    SameKey { count: u32 },
    /// The exactly-once demo: Kafka's read-process-write loop crashes after
    /// processing `crash_after` records, once with transactions and once
    /// with plain at-least-once commits (the Kafka model's `eos_demo`, on
    /// the workload's message count); the SQS and Kinesis columns say what
    /// they offer instead (and their duplicates after a kill are counted).
    ExactlyOnce { crash_after: u32 },
}

/// One side of the exactly-once demo (Kafka's [`EosOutcome`] without its
/// event log).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EosSide {
    pub crashed: bool,
    /// Output records a `read_committed` reader got.
    pub committed_outputs: u64,
    pub distinct_outputs: u64,
    pub duplicate_outputs: u64,
    pub missing_outputs: u64,
    /// Outputs written in transactions that were aborted (invisible to
    /// `read_committed`).
    pub aborted_outputs: u64,
    /// Input records processed more than once.
    pub reprocessed: u64,
    /// The crashed instance was fenced (PRODUCER_FENCED) when it came back.
    pub zombie_fenced: bool,
}

impl From<&EosOutcome> for EosSide {
    fn from(o: &EosOutcome) -> EosSide {
        EosSide {
            crashed: o.crashed,
            committed_outputs: o.committed_outputs,
            distinct_outputs: o.distinct_outputs,
            duplicate_outputs: o.duplicate_outputs,
            missing_outputs: o.missing_outputs,
            aborted_outputs: o.aborted_outputs,
            reprocessed: o.reprocessed,
            zombie_fenced: o.zombie_fenced,
        }
    }
}

/// The exactly-once demo's outcome, for the page and the lessons' goals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EosComparison {
    pub messages: u32,
    pub crash_after: u32,
    /// Kafka with transactions and `read_committed`.
    pub transactions: EosSide,
    /// Kafka with an idempotent producer, committing offsets after sending.
    pub at_least_once: EosSide,
    /// Redeliveries the SQS and Kinesis columns had counted by then (a
    /// killed consumer's messages received again).
    pub sqs_redelivered: u64,
    pub kinesis_redelivered: u64,
}

/// Live counters of one system.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Counters {
    pub sent: u64,
    pub delivered: u64,
    pub duplicates: u64,
    /// Pairs of same-key messages delivered in the opposite order to sending.
    pub out_of_order: u64,
    /// Messages a new reader could still read now.
    pub readable: u64,
    pub latency_p50_ms: Option<u64>,
    pub latency_p95_ms: Option<u64>,
}

/// One lane of a column: a partition, a shard, or the queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lane {
    pub label: String,
    /// Message ids still stored in this lane (oldest first).
    pub stored: Vec<u64>,
    /// Which consumer (label) reads this lane now, per group; empty = none.
    pub readers: Vec<String>,
}

/// What one column shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnView {
    pub system: System,
    pub lanes: Vec<Lane>,
    pub counters: Counters,
    /// One line of what just happened, e.g. "rebalance: 2 partitions moving".
    pub status: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompareError {
    pub field: String,
    pub message: String,
}

fn err(field: &str, message: impl Into<String>) -> CompareError {
    CompareError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// One consumer of a group, for drawing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInfo {
    pub label: String,
    /// Lanes it reads now (partitions, shards, or "queue").
    pub lanes: Vec<String>,
    /// Running but with nothing to read (no partition, no lease, or an
    /// empty receive).
    pub idle: bool,
    /// Stopped by a rebalance for now (Kafka).
    pub paused: bool,
    pub alive: bool,
}

/// One group of a system: SQS's queue consumers, a Kafka consumer group, a
/// KCL application, or a replay reader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupView {
    pub name: String,
    pub members: Vec<MemberInfo>,
    /// Deliveries, duplicates included.
    pub delivered: u64,
    /// Distinct messages delivered.
    pub unique: u64,
    pub duplicates: u64,
    pub out_of_order: u64,
}

/// What happened, for the page's log and the lessons' goals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A group began reading: `from` is "earliest", "TRIM_HORIZON",
    /// "AT_TIMESTAMP" or "offsets for time".
    GroupStarted {
        group: String,
        members: u32,
        from: String,
        from_ms: Option<u64>,
    },
    /// The system has no way to do what was asked (SQS: no second group,
    /// no replay; nothing to add for capacity).
    NotPossible {
        action: String,
        reason: String,
    },
    ConsumerKilled {
        group: String,
        consumer: String,
    },
    /// Messages received again in a group after no delete/commit/checkpoint
    /// covered them (after a kill: visibility timeout, rebalance, failover).
    Redelivered {
        group: String,
        consumer: String,
        messages: u64,
        /// The message ids, in delivery order.
        ids: Vec<u64>,
    },
    /// A Kafka group's assignment changed (member → partitions).
    Rebalance {
        group: String,
        assignment: Vec<(String, Vec<u32>)>,
    },
    /// A KCL lease changed hands ("expired" = failover, "stolen", "new").
    LeaseMoved {
        group: String,
        lease: String,
        to: String,
        from: Option<String>,
        reason: String,
    },
    /// A closed (split) shard was read to its end.
    ShardEnded {
        group: String,
        lease: String,
    },
    /// Capacity added: "partitions 3 → 4", "SplitShard shardId-… → …".
    CapacityAdded {
        detail: String,
    },
    /// Keys whose partition changed when partitions were added.
    KeysMoved {
        keys: Vec<String>,
        from: u32,
        to: u32,
    },
    /// A burst of one key was queued for sending.
    SameKey {
        key: String,
        count: u32,
    },
    /// The exactly-once demo ran (Kafka): duplicate outputs a
    /// `read_committed` reader saw with and without transactions.
    ExactlyOnce {
        with_transactions: u64,
        without: u64,
        aborted: u64,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompareEvent {
    pub at: u64,
    pub system: System,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// A message of the workload (index = id − 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Msg {
    key: u32,
    /// Position among the messages of its key, in sending order.
    rank: u32,
    send_ms: u64,
}

/// Counts of order inversions of one key: a Fenwick tree over ranks.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
struct KeyOrder {
    tree: Vec<u32>,
    marked: Vec<bool>,
    total: u64,
}

impl KeyOrder {
    fn add(&mut self, rank: usize) {
        let mut i = rank + 1;
        while i <= self.tree.len() {
            self.tree[i - 1] += 1;
            i += i & i.wrapping_neg();
        }
    }

    fn prefix(&self, rank: usize) -> u64 {
        // Marked ranks <= rank.
        let mut i = (rank + 1).min(self.tree.len());
        let mut s = 0u64;
        while i > 0 {
            s += self.tree[i - 1] as u64;
            i -= i & i.wrapping_neg();
        }
        s
    }

    /// Marks `rank` delivered; returns how many later ranks were already.
    fn deliver(&mut self, rank: usize) -> u64 {
        if rank >= self.tree.len() {
            let n = (rank + 1).next_power_of_two().max(16);
            self.marked.resize(n, false);
            self.tree = vec![0; n];
            let marked: Vec<usize> = (0..n).filter(|&r| self.marked[r]).collect();
            for r in marked {
                self.add(r);
            }
        }
        let later = self.total - self.prefix(rank);
        self.marked[rank] = true;
        self.add(rank);
        self.total += 1;
        later
    }
}

/// What one group got.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
struct Track {
    name: String,
    delivered: u64,
    unique: u64,
    duplicates: u64,
    out_of_order: u64,
    seen: Vec<bool>,
    keys: BTreeMap<u32, KeyOrder>,
}

impl Track {
    fn new(name: &str) -> Track {
        Track {
            name: name.to_owned(),
            ..Track::default()
        }
    }

    /// Counts one delivery; true if it is the group's first of this id.
    fn deliver(&mut self, id: u64, m: &Msg) -> bool {
        self.delivered += 1;
        let i = (id - 1) as usize;
        if self.seen.len() <= i {
            self.seen.resize(i + 1, false);
        }
        if self.seen[i] {
            self.duplicates += 1;
            return false;
        }
        self.seen[i] = true;
        self.unique += 1;
        self.out_of_order += self.keys.entry(m.key).or_default().deliver(m.rank as usize);
        true
    }
}

/// Per system: what was sent, each group's tracks, latency, status lines.
#[derive(Clone, Debug, PartialEq, Default)]
struct Side {
    sent: u64,
    tracks: Vec<Track>,
    first_seen: Vec<bool>,
    latency: Latencies,
    status: Vec<String>,
    rebalances: u64,
    redelivered: u64,
    refused: u64,
}

impl Side {
    fn say(&mut self, line: String) {
        self.status.push(line);
        if self.status.len() > 6 {
            self.status.remove(0);
        }
    }

    fn counters(&self, readable: u64) -> Counters {
        Counters {
            sent: self.sent,
            delivered: self.tracks.iter().map(|t| t.delivered).sum(),
            duplicates: self.tracks.iter().map(|t| t.duplicates).sum(),
            out_of_order: self.tracks.iter().map(|t| t.out_of_order).sum(),
            readable,
            latency_p50_ms: self.latency.percentile(50),
            latency_p95_ms: self.latency.percentile(95),
        }
    }
}

/// An SQS poller.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Poller {
    label: String,
    alive: bool,
    next_at: u64,
    /// Received and being processed: (id, receipt handle).
    held: Vec<(u64, String)>,
    /// Its last receive came back empty (long polling is waiting).
    waiting: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Member {
    label: String,
    alive: bool,
    next_at: u64,
    held: Vec<KRecord>,
    waiting: bool,
    /// Processed, not yet committed: partition → next offset.
    done: BTreeMap<u32, u64>,
    last_commit: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct KafkaGroup {
    name: String,
    members: Vec<Member>,
    assignment: Vec<(String, Vec<u32>)>,
    rebalancing: bool,
}

/// `PartialEq` is needed: the lesson `Lab` compares states.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareSim {
    pub workload: Workload,
    pub now_ms: u64,
    pub start_ms: u64,
    keys: Vec<String>,
    msgs: Vec<Msg>,
    /// Not yet sent: (send time, id).
    pending: BTreeSet<(u64, u64)>,
    /// SQS sends a FIFO queue throttled (300 SendMessage calls a second):
    /// (retry time, id). The producer retries them at the next second.
    sqs_retry: BTreeSet<(u64, u64)>,
    /// SQS sends throttled so far.
    sqs_throttled: u64,
    /// Messages per key so far (for ranks).
    per_key: Vec<u32>,
    /// When the last SameKey message is due.
    same_key_until: u64,
    sqs: SqsQueue,
    /// `sqs.next_deadline()` as of the last step that touched the queue.
    sqs_due: Option<u64>,
    pollers: Vec<Poller>,
    kafka: Cluster,
    kgroups: Vec<KafkaGroup>,
    /// Per partition: (offset, id) in offset order.
    kafka_log: Vec<Vec<(u64, u64)>>,
    kinesis: KinesisSide,
    sides: [Side; 3],
    events: Vec<CompareEvent>,
    replays: u32,
    eos: Option<EosComparison>,
}

fn idx(s: System) -> usize {
    match s {
        System::Sqs => 0,
        System::Kafka => 1,
        System::Kinesis => 2,
    }
}

fn range(field: &str, v: u64, min: u64, max: u64) -> Result<(), CompareError> {
    if (min..=max).contains(&v) {
        Ok(())
    } else {
        Err(err(
            field,
            format!("must be between {min} and {max} (got {v})"),
        ))
    }
}

impl Workload {
    /// Checks every field; the error names the first one out of range.
    pub fn validate(&self) -> Result<(), CompareError> {
        range("keys", self.keys as u64, 1, MAX_KEYS as u64)?;
        range(
            "records_per_second",
            self.records_per_second as u64,
            1,
            MAX_RECORDS_PER_SECOND as u64,
        )?;
        // The Kinesis limit counts the partition key too.
        let key_len = format!("key-{}", self.keys.saturating_sub(1)).len() as u64;
        range(
            "record_bytes",
            self.record_bytes as u64,
            1,
            MAX_RECORD_BYTES as u64 - key_len,
        )?;
        range("messages", self.messages as u64, 1, MAX_MESSAGES as u64)?;
        range("consumers", self.consumers as u64, 1, MAX_CONSUMERS as u64)?;
        range(
            "partitions",
            self.partitions as u64,
            1,
            MAX_PARTITIONS as u64,
        )?;
        Ok(())
    }
}

impl CompareSim {
    pub fn new(workload: Workload, start_ms: u64) -> Result<CompareSim, CompareError> {
        workload.validate()?;
        let w = &workload;
        let queue_name = if w.fifo { "compare.fifo" } else { "compare" };
        let sqs = SqsQueue::new(
            queue_name,
            QueueConfig {
                kind: if w.fifo {
                    QueueKind::Fifo
                } else {
                    QueueKind::Standard
                },
                receive_wait_s: SQS_WAIT_SECONDS,
                ..QueueConfig::default()
            },
            w.seed,
        )
        .map_err(|e| err(&format!("sqs.{}", e.field), e.message))?;
        let mut kafka = Cluster::new(
            "compare",
            TopicConfig {
                partitions: w.partitions,
                ..TopicConfig::default()
            },
            w.seed,
        )
        .map_err(|e| err(&format!("kafka.{}", e.field), e.message))?;
        let kinesis = KinesisSide::new(w.partitions, w.consumers, w.seed, start_ms)
            .map_err(|e| err("kinesis", e))?;
        let mut members = Vec::new();
        for i in 1..=w.consumers {
            let label = format!("member-{i}");
            kafka
                .join_in(
                    start_ms,
                    "compare",
                    "group-1",
                    &label,
                    ConsumerOptions::new(w.assignor).earliest(),
                )
                .map_err(|e| err(&format!("kafka.{}", e.field), e.message))?;
            members.push(Member {
                label,
                alive: true,
                next_at: start_ms,
                held: Vec::new(),
                waiting: false,
                done: BTreeMap::new(),
                last_commit: start_ms,
            });
        }
        let pollers = (1..=w.consumers)
            .map(|i| Poller {
                label: format!("consumer-{i}"),
                alive: true,
                next_at: start_ms,
                held: Vec::new(),
                waiting: false,
            })
            .collect();
        let keys: Vec<String> = (0..w.keys).map(|k| format!("key-{k}")).collect();
        let mut rng = component_rng(w.seed, "compare.workload.keys");
        let mut per_key = vec![0u32; keys.len()];
        let mut msgs = Vec::with_capacity(w.messages as usize);
        let mut pending = BTreeSet::new();
        for i in 0..w.messages as u64 {
            let key = rng.random_range(0..w.keys);
            let send_ms = start_ms + WARM_UP_MS + i * 1000 / w.records_per_second as u64;
            msgs.push(Msg {
                key,
                rank: per_key[key as usize],
                send_ms,
            });
            per_key[key as usize] += 1;
            pending.insert((send_ms, i + 1));
        }
        let mut sides: [Side; 3] = Default::default();
        sides[0].tracks.push(Track::new("consumers"));
        sides[1].tracks.push(Track::new("group-1"));
        sides[2].tracks.push(Track::new("app-1"));
        let mut sim = CompareSim {
            workload: workload.clone(),
            now_ms: start_ms,
            start_ms,
            keys,
            msgs,
            pending,
            sqs_retry: BTreeSet::new(),
            sqs_throttled: 0,
            per_key,
            same_key_until: start_ms,
            sqs_due: None,
            sqs,
            pollers,
            kafka,
            kgroups: vec![KafkaGroup {
                name: "group-1".into(),
                members,
                assignment: Vec::new(),
                rebalancing: false,
            }],
            kafka_log: vec![Vec::new(); workload.partitions as usize],
            kinesis,
            sides,
            events: Vec::new(),
            replays: 0,
            eos: None,
        };
        sim.log(
            System::Sqs,
            EventKind::GroupStarted {
                group: "consumers".into(),
                members: w.consumers,
                from: "queue".into(),
                from_ms: None,
            },
        );
        sim.log(
            System::Kafka,
            EventKind::GroupStarted {
                group: "group-1".into(),
                members: w.consumers,
                from: "earliest".into(),
                from_ms: None,
            },
        );
        sim.log(
            System::Kinesis,
            EventKind::GroupStarted {
                group: "app-1".into(),
                members: w.consumers,
                from: "TRIM_HORIZON".into(),
                from_ms: None,
            },
        );
        Ok(sim)
    }

    fn log(&mut self, system: System, kind: EventKind) {
        if self.events.len() >= MAX_EVENTS {
            self.events.remove(0);
        }
        self.events.push(CompareEvent {
            at: self.now_ms,
            system,
            kind,
        });
    }

    fn log_at(&mut self, at: u64, system: System, kind: EventKind) {
        let saved = self.now_ms;
        self.now_ms = at;
        self.log(system, kind);
        self.now_ms = saved;
    }

    /// Apply a toggle at the current time; an `Err` leaves the state unchanged.
    pub fn apply(&mut self, action: &CompareAction) -> Result<(), CompareError> {
        // Every check comes before any change; where a system's own call
        // might still refuse, the work is done on a copy.
        match action {
            CompareAction::Start { workload } => {
                *self = CompareSim::new(workload.clone(), self.now_ms)?;
                Ok(())
            }
            CompareAction::Run { seconds } => {
                range("seconds", *seconds as u64, 1, MAX_RUN_SECONDS as u64)?;
                let t = self.now_ms + *seconds as u64 * 1000;
                self.advance_to(t);
                Ok(())
            }
            CompareAction::SecondGroup => {
                if self.kgroups.len() > MAX_EXTRA_GROUPS {
                    return Err(err(
                        "op",
                        format!("at most {MAX_EXTRA_GROUPS} groups can be added"),
                    ));
                }
                let mut next = self.clone();
                next.second_group()?;
                *self = next;
                Ok(())
            }
            CompareAction::Replay { seconds_ago } => {
                range("seconds_ago", *seconds_ago as u64, 1, 7 * 86_400)?;
                if self.kgroups.len() > MAX_EXTRA_GROUPS {
                    return Err(err(
                        "op",
                        format!("at most {MAX_EXTRA_GROUPS} groups can be added"),
                    ));
                }
                let mut next = self.clone();
                next.replay(*seconds_ago)?;
                *self = next;
                Ok(())
            }
            CompareAction::KillConsumer { consumer } => {
                let n = *consumer;
                range("consumer", n as u64, 1, self.workload.consumers as u64)?;
                let i = (n - 1) as usize;
                let sqs_alive = self.pollers.get(i).is_some_and(|p| p.alive);
                let kafka_alive = self.kgroups[0].members.get(i).is_some_and(|m| m.alive);
                let kcl_alive = self.kinesis.can_kill(0, n);
                if !sqs_alive && !kafka_alive && !kcl_alive {
                    return Err(err("consumer", format!("consumer {n} is already stopped")));
                }
                let mut next = self.clone();
                next.kill(n, sqs_alive, kafka_alive, kcl_alive)?;
                *self = next;
                Ok(())
            }
            CompareAction::AddCapacity => {
                if self.kafka.partitions() >= MAX_PARTITIONS {
                    return Err(err("op", format!("at most {MAX_PARTITIONS} partitions")));
                }
                if !self.kinesis.can_split(self.now_ms) {
                    return Err(err(
                        "op",
                        "the stream is still resharding (UPDATING); wait a second",
                    ));
                }
                let mut next = self.clone();
                next.add_capacity()?;
                *self = next;
                Ok(())
            }
            CompareAction::SameKey { count } => {
                range("count", *count as u64, 1, MAX_SAME_KEY as u64)?;
                if self.msgs.len() as u64 + *count as u64 > MAX_TOTAL_MESSAGES {
                    return Err(err(
                        "count",
                        format!("a comparison holds at most {MAX_TOTAL_MESSAGES} messages"),
                    ));
                }
                self.same_key(*count);
                Ok(())
            }
            CompareAction::ExactlyOnce { crash_after } => {
                let n = self.workload.messages.min(EOS_MAX_MESSAGES);
                range("crash_after", *crash_after as u64, 1, n as u64)?;
                self.exactly_once(n, *crash_after);
                Ok(())
            }
        }
    }

    fn exactly_once(&mut self, n: u32, crash_after: u32) {
        let seed = self.workload.seed;
        let on = EosSide::from(&eos_demo(n, crash_after, true, seed));
        let off = EosSide::from(&eos_demo(n, crash_after, false, seed));
        self.log(
            System::Kafka,
            EventKind::ExactlyOnce {
                with_transactions: on.duplicate_outputs,
                without: off.duplicate_outputs,
                aborted: on.aborted_outputs,
            },
        );
        self.sides[1].say(format!(
            "crash after {crash_after} records: with transactions {} duplicate outputs ({} aborted, invisible to read_committed); without, {} duplicates",
            on.duplicate_outputs, on.aborted_outputs, off.duplicate_outputs
        ));
        let eos = EosComparison {
            messages: n,
            crash_after,
            transactions: on,
            at_least_once: off,
            sqs_redelivered: self.sides[0].redelivered,
            kinesis_redelivered: self.sides[2].redelivered,
        };
        self.sides[2].say(format!(
            "no transactions: after a failover the KCL processes again what came after the last checkpoint ({} redelivered so far)",
            eos.kinesis_redelivered
        ));
        self.sides[0].say(if self.workload.fifo {
            format!("FIFO drops duplicate sends for 5 minutes, but a message not deleted in time is received again ({} so far)", eos.sqs_redelivered)
        } else {
            format!("at-least-once: a message not deleted in time is received again ({} so far)", eos.sqs_redelivered)
        });
        self.eos = Some(eos);
    }

    /// The exactly-once demo's outcome, once it ran.
    pub fn eos(&self) -> Option<&EosComparison> {
        self.eos.as_ref()
    }

    fn second_group(&mut self) -> Result<(), CompareError> {
        let n = self.kgroups.len() + 1;
        let now = self.now_ms;
        // One consumer, as in the seed's scenario 2 (the "analytics" group
        // whose single consumer reads every partition); a single KCL worker
        // also takes every lease at once, with no start-up stealing.
        let consumers = 1;
        // Kafka: a new group from the earliest offset.
        let name = format!("group-{n}");
        self.kafka_group(&name, consumers, None)?;
        self.log(
            System::Kafka,
            EventKind::GroupStarted {
                group: name.clone(),
                members: consumers,
                from: "earliest".into(),
                from_ms: None,
            },
        );
        self.sides[1].say(format!("{name} reads the topic from the earliest offset"));
        // Kinesis: a second KCL application (its own lease table).
        let app = format!("app-{}", self.kinesis.groups.len() + 1);
        self.kinesis
            .add_app(&app, consumers, now)
            .map_err(|e| err("kinesis", e))?;
        self.sides[2].tracks.push(Track::new(&app));
        self.log(
            System::Kinesis,
            EventKind::GroupStarted {
                group: app.clone(),
                members: consumers,
                from: "TRIM_HORIZON".into(),
                from_ms: None,
            },
        );
        self.sides[2].say(format!(
            "{app}: a second KCL application reads from TRIM_HORIZON"
        ));
        // SQS: there is no such thing.
        self.sides[0].refused += 1;
        self.log(
            System::Sqs,
            EventKind::NotPossible {
                action: "second_group".into(),
                reason: "a queue has one set of consumers; a deleted message is gone for everyone"
                    .into(),
            },
        );
        self.sides[0].say("no second group: deleted messages are gone".into());
        Ok(())
    }

    /// A Kafka group of `members` members; `from_ms`: positions from
    /// offsetsForTimes, else from the log start.
    fn kafka_group(
        &mut self,
        name: &str,
        members: u32,
        from_ms: Option<u64>,
    ) -> Result<(), CompareError> {
        let now = self.now_ms;
        let mut ms = Vec::new();
        for i in 1..=members {
            let label = format!("{name}-member-{i}");
            self.kafka
                .join_in(
                    now,
                    "compare",
                    name,
                    &label,
                    ConsumerOptions::new(self.workload.assignor).earliest(),
                )
                .map_err(|e| err(&format!("kafka.{}", e.field), e.message))?;
            ms.push(Member {
                label,
                alive: true,
                next_at: now,
                held: Vec::new(),
                waiting: false,
                done: BTreeMap::new(),
                last_commit: now,
            });
        }
        for p in 0..self.kafka.partitions() {
            let (start, end) = self.kafka.offsets(p);
            let to = match from_ms {
                Some(ts) => self.kafka.offset_for_time(p, ts).unwrap_or(end),
                None => start,
            };
            self.kafka
                .seek(name, p, to)
                .map_err(|e| err(&format!("kafka.{}", e.field), e.message))?;
        }
        self.kgroups.push(KafkaGroup {
            name: name.to_owned(),
            members: ms,
            assignment: Vec::new(),
            rebalancing: false,
        });
        self.sides[1].tracks.push(Track::new(name));
        Ok(())
    }

    fn replay(&mut self, seconds_ago: u32) -> Result<(), CompareError> {
        self.replays += 1;
        let now = self.now_ms;
        let from = now.saturating_sub(seconds_ago as u64 * 1000);
        let name = format!("replay-{}", self.replays);
        self.kafka_group(&name, 1, Some(from))?;
        self.log(
            System::Kafka,
            EventKind::GroupStarted {
                group: name.clone(),
                members: 1,
                from: "offsets for time".into(),
                from_ms: Some(from),
            },
        );
        self.sides[1].say(format!(
            "{name}: offsetsForTimes({seconds_ago} s ago) + seek"
        ));
        self.kinesis.add_reader(&name, from, now);
        self.sides[2].tracks.push(Track::new(&name));
        self.log(
            System::Kinesis,
            EventKind::GroupStarted {
                group: name.clone(),
                members: 1,
                from: "AT_TIMESTAMP".into(),
                from_ms: Some(from),
            },
        );
        self.sides[2].say(format!(
            "{name}: GetShardIterator AT_TIMESTAMP {seconds_ago} s ago"
        ));
        self.sides[0].refused += 1;
        self.log(
            System::Sqs,
            EventKind::NotPossible {
                action: "replay".into(),
                reason: "SQS has no replay: a deleted message cannot be read again".into(),
            },
        );
        self.sides[0].say("no replay: SQS keeps no history".into());
        Ok(())
    }

    fn kill(&mut self, n: u32, sqs: bool, kafka: bool, kcl: bool) -> Result<(), CompareError> {
        let i = (n - 1) as usize;
        let now = self.now_ms;
        if sqs {
            let p = &mut self.pollers[i];
            p.alive = false;
            let held = p.held.len();
            let label = p.label.clone();
            // What it held is neither processed nor deleted: the visibility
            // timeout runs out and the queue hands it out again.
            p.held.clear();
            self.log(
                System::Sqs,
                EventKind::ConsumerKilled {
                    group: "consumers".into(),
                    consumer: label.clone(),
                },
            );
            self.sides[0].say(format!("{label} stopped holding {held} messages: they come back after the visibility timeout ({} s)", self.sqs.config.visibility_timeout_s));
        }
        if kafka {
            let label = self.kgroups[0].members[i].label.clone();
            self.kafka
                .leave(now, "group-1", &label, false)
                .map_err(|e| err(&format!("kafka.{}", e.field), e.message))?;
            let m = &mut self.kgroups[0].members[i];
            m.alive = false;
            m.held.clear();
            m.done.clear();
            self.log(
                System::Kafka,
                EventKind::ConsumerKilled {
                    group: "group-1".into(),
                    consumer: label.clone(),
                },
            );
            self.sides[1].say(format!(
                "{label} stopped: the group rebalances after the session timeout"
            ));
        }
        if kcl {
            let id = self
                .kinesis
                .kill_worker(0, n, now)
                .map_err(|e| err("consumer", e))?;
            self.log(
                System::Kinesis,
                EventKind::ConsumerKilled {
                    group: "app-1".into(),
                    consumer: id.clone(),
                },
            );
            self.sides[2].say(format!(
                "{id} stopped: its leases expire after failoverTimeMillis and others take them"
            ));
        }
        Ok(())
    }

    fn add_capacity(&mut self) -> Result<(), CompareError> {
        let now = self.now_ms;
        let from = self.kafka.partitions();
        let to = from + 1;
        self.kafka
            .add_partitions(now, to)
            .map_err(|e| err(&format!("kafka.{}", e.field), e.message))?;
        self.kafka_log.resize(to as usize, Vec::new());
        let moved: Vec<String> = self
            .keys
            .iter()
            .filter(|k| {
                partition_for_key(k.as_bytes(), from) != partition_for_key(k.as_bytes(), to)
            })
            .cloned()
            .collect();
        self.log(
            System::Kafka,
            EventKind::CapacityAdded {
                detail: format!("partitions {from} → {to}"),
            },
        );
        self.sides[1].say(format!(
            "partitions {from} → {to}: {} of {} keys now go to another partition",
            moved.len(),
            self.keys.len()
        ));
        self.log(
            System::Kafka,
            EventKind::KeysMoved {
                keys: moved,
                from,
                to,
            },
        );
        let (parent, children) = self
            .kinesis
            .split_hottest(now)
            .map_err(|e| err("kinesis", e))?;
        let name = |i: u32| crate::hash::ShardId(i).to_string();
        self.log(
            System::Kinesis,
            EventKind::CapacityAdded {
                detail: format!(
                    "SplitShard {} → {}, {}",
                    name(parent),
                    name(children[0]),
                    name(children[1])
                ),
            },
        );
        self.sides[2].say(format!(
            "split {}: the KCL reads it to its end before its children",
            name(parent)
        ));
        self.log(
            System::Sqs,
            EventKind::NotPossible {
                action: "add_capacity".into(),
                reason: if self.workload.fifo {
                    "nothing to add: a FIFO queue has no shards or partitions; its limit is 300 calls a second per action".into()
                } else {
                    "nothing to add: a standard queue scales by itself".into()
                },
            },
        );
        self.sides[0].say(if self.workload.fifo {
            "nothing to add: a FIFO queue has no shards; its limit is 300 calls a second per action".into()
        } else {
            "nothing to add: SQS scales without shards or partitions".into()
        });
        Ok(())
    }

    fn same_key(&mut self, count: u32) {
        let key = "same-key".to_owned();
        let k = match self.keys.iter().position(|x| *x == key) {
            Some(k) => k,
            None => {
                self.keys.push(key.clone());
                self.per_key.push(0);
                self.keys.len() - 1
            }
        };
        let rps = self.workload.records_per_second as u64;
        // Like the workload, not before the consumers have warmed up.
        let start = self.now_ms.max(self.same_key_until).max(self.start_ms + WARM_UP_MS);
        let mut last = start;
        for j in 0..count as u64 {
            let send_ms = start + j * 1000 / rps;
            let id = self.msgs.len() as u64 + 1;
            self.msgs.push(Msg {
                key: k as u32,
                rank: self.per_key[k],
                send_ms,
            });
            self.per_key[k] += 1;
            self.pending.insert((send_ms, id));
            last = send_ms;
        }
        self.same_key_until = last + 1000 / rps.max(1);
        for s in System::ALL {
            self.log(
                s,
                EventKind::SameKey {
                    key: key.clone(),
                    count,
                },
            );
        }
        self.sides[0].say(if self.workload.fifo {
            format!("{count} × {key}: one message group, kept in order")
        } else {
            format!("{count} × {key}: a standard queue orders on a best-effort basis")
        });
        self.sides[1].say(format!("{count} × {key}: one partition, in order"));
        self.sides[2].say(format!("{count} × {key}: one shard, in order"));
    }

    // ----------------------------------------------------------- time

    /// The next moment anything is due in any of the three systems.
    pub fn next_deadline(&self) -> Option<u64> {
        let mut next: Option<u64> = None;
        let mut consider = |t: u64| next = Some(next.map_or(t, |n: u64| n.min(t)));
        if let Some(&(t, _)) = self.pending.first() {
            consider(t);
        }
        if let Some(&(t, _)) = self.sqs_retry.first() {
            consider(t);
        }
        if let Some(t) = self.sqs_due {
            consider(t);
        }
        for p in self.pollers.iter().filter(|p| p.alive) {
            consider(p.next_at);
        }
        if let Some(t) = self.kafka.next_deadline() {
            consider(t);
        }
        for g in &self.kgroups {
            for m in g.members.iter().filter(|m| m.alive) {
                consider(m.next_at);
            }
        }
        if let Some(t) = self.kinesis.next_deadline() {
            consider(t);
        }
        next.map(|t| t.max(self.now_ms))
    }

    /// Runs all three systems to `now_ms`, deadline by deadline.
    pub fn advance_to(&mut self, now_ms: u64) {
        let mut same = 0u32;
        let mut last = u64::MAX;
        while let Some(d) = self.next_deadline() {
            if d > now_ms {
                break;
            }
            if d == last {
                same += 1;
                // A system that keeps saying "now" must not hang the page.
                if same > 10_000 {
                    break;
                }
            } else {
                same = 0;
                last = d;
            }
            self.step(d);
        }
        self.now_ms = self.now_ms.max(now_ms);
    }

    fn step(&mut self, d: u64) {
        self.now_ms = d;
        let sent = self.send_due(d);
        let polled = self.step_sqs(d);
        if sent || polled {
            // The queue changes only in this step, so its next deadline is
            // asked once here (the queue's own scan is the costly part).
            self.sqs_due = self.sqs.next_deadline();
            // Its event log is not used here; keep it (and clones) small.
            self.sqs.take_events();
        }
        self.step_kafka(d);
        self.step_kinesis(d);
    }

    /// Sends what is due at `d`; true if anything went to the queue.
    fn send_due(&mut self, d: u64) -> bool {
        let mut due = Vec::new();
        while let Some(&(t, id)) = self.pending.first() {
            if t > d {
                break;
            }
            self.pending.pop_first();
            due.push(id);
        }
        let mut sqs_retries = Vec::new();
        while let Some(&(t, id)) = self.sqs_retry.first() {
            if t > d {
                break;
            }
            self.sqs_retry.pop_first();
            sqs_retries.push(id);
        }
        let retries = self.kinesis.due_retries(d);
        if due.is_empty() && retries.is_empty() && sqs_retries.is_empty() {
            return false;
        }
        let bytes = self.workload.record_bytes;
        for &id in sqs_retries.iter().chain(due.iter()) {
            let m = self.msgs[(id - 1) as usize];
            let key = self.keys[m.key as usize].clone();
            let send = SendMessage {
                id,
                key: key.clone(),
                bytes,
                group_id: self.workload.fifo.then(|| key.clone()),
                dedup_id: self.workload.fifo.then(|| format!("m{id}")),
            };
            match self.sqs.send(d, send) {
                Ok(()) => self.sides[0].sent += 1,
                // A FIFO queue's 300 calls a second: retry at the next second.
                Err(e) if e.field == "SendMessage" => {
                    if self.sqs_throttled == 0 {
                        self.sides[0].say(
                            "FIFO: 300 SendMessage calls a second; the producer retries the rest a second later"
                                .into(),
                        );
                    }
                    self.sqs_throttled += 1;
                    self.sqs_retry.insert((d / 1000 * 1000 + 1000, id));
                }
                Err(_) => {}
            }
        }
        for &id in &due {
            let m = self.msgs[(id - 1) as usize];
            let key = self.keys[m.key as usize].clone();
            if let Ok((p, off)) = self.kafka.produce(d, id, &key, bytes) {
                self.sides[1].sent += 1;
                if let Some(log) = self.kafka_log.get_mut(p as usize) {
                    log.push((off, id));
                }
            }
        }
        let mut puts: Vec<(u64, String)> = Vec::with_capacity(due.len() + retries.len());
        for id in retries.into_iter().chain(due.iter().copied()) {
            let m = self.msgs[(id - 1) as usize];
            puts.push((id, self.keys[m.key as usize].clone()));
        }
        let refs: Vec<(u64, &str)> = puts.iter().map(|(i, k)| (*i, k.as_str())).collect();
        let ok = self.kinesis.put(d, &refs, bytes);
        self.sides[2].sent += ok.len() as u64;
        // Long polls and fetches waiting for data answer now.
        if !due.is_empty() || !sqs_retries.is_empty() {
            for p in self.pollers.iter_mut().filter(|p| p.alive && p.waiting) {
                p.next_at = d;
            }
            for g in &mut self.kgroups {
                for m in g.members.iter_mut().filter(|m| m.alive && m.waiting) {
                    m.next_at = d;
                }
            }
        }
        !due.is_empty() || !sqs_retries.is_empty()
    }

    /// SQS sends a FIFO queue throttled so far (each retried a second later).
    pub fn sqs_throttled(&self) -> u64 {
        self.sqs_throttled
    }

    fn deliver(&mut self, system: System, group: usize, id: u64, at: u64, service_ms: u64) -> bool {
        let Some(m) = self.msgs.get((id.wrapping_sub(1)) as usize).copied() else {
            return false;
        };
        let side = &mut self.sides[idx(system)];
        while side.tracks.len() <= group {
            side.tracks.push(Track::new("?"));
        }
        let first_in_group = side.tracks[group].deliver(id, &m);
        let i = (id - 1) as usize;
        if side.first_seen.len() <= i {
            side.first_seen.resize(i + 1, false);
        }
        if !side.first_seen[i] {
            side.first_seen[i] = true;
            side.latency
                .record(at.saturating_sub(m.send_ms) + service_ms);
        }
        if !first_in_group {
            side.redelivered += 1;
        }
        first_in_group
    }

    /// Runs the SQS pollers due at `d`; false if the queue was not touched.
    fn step_sqs(&mut self, d: u64) -> bool {
        let queue_due = self.sqs_due.is_some_and(|t| t <= d);
        let any_poller = self.pollers.iter().any(|p| p.alive && p.next_at <= d);
        if !queue_due && !any_poller {
            return false;
        }
        self.sqs.advance_to(d);
        // Computed at most once per step: the earliest moment something in
        // the queue changes, to wake an empty long poll.
        let mut wake: Option<Option<u64>> = None;
        for i in 0..self.pollers.len() {
            let p = &self.pollers[i];
            if !p.alive || p.next_at > d {
                continue;
            }
            // Finished processing: delete what it held.
            let held = std::mem::take(&mut self.pollers[i].held);
            for (_, handle) in held {
                // A handle from before a visibility timeout ran out is
                // refused or ignored; the message is handed out again.
                let _ = self.sqs.delete(d, &handle);
            }
            match self.sqs.receive(d, SQS_MAX_MESSAGES, None) {
                Ok(got) if !got.is_empty() => {
                    let label = self.pollers[i].label.clone();
                    let mut again = Vec::new();
                    for dl in &got {
                        if !self.deliver(System::Sqs, 0, dl.id, d, SQS_SERVICE_MS) {
                            again.push(dl.id);
                        }
                    }
                    if !again.is_empty() {
                        self.log_at(
                            d,
                            System::Sqs,
                            EventKind::Redelivered {
                                group: "consumers".into(),
                                consumer: label,
                                messages: again.len() as u64,
                                ids: again,
                            },
                        );
                    }
                    let p = &mut self.pollers[i];
                    p.held = got
                        .iter()
                        .map(|dl| (dl.id, dl.receipt_handle.clone()))
                        .collect();
                    p.waiting = false;
                    p.next_at = d + PROCESS_MS_PER_MESSAGE * got.len() as u64;
                }
                _ => {
                    let wake =
                        *wake.get_or_insert_with(|| self.sqs.next_deadline().filter(|&t| t > d));
                    let p = &mut self.pollers[i];
                    p.waiting = true;
                    let wait = d + SQS_WAIT_SECONDS as u64 * 1000;
                    p.next_at = wake.map_or(wait, |t| t.min(wait));
                }
            }
        }
        true
    }

    fn step_kafka(&mut self, d: u64) {
        self.kafka.advance_to(d);
        // Assignment changes are rebalances.
        for g in 0..self.kgroups.len() {
            let name = self.kgroups[g].name.clone();
            // With auto-commit on, a consumer commits what it processed when
            // a rebalance starts, before it gives partitions up.
            let rebalancing = self
                .kafka
                .group_view(&name)
                .is_some_and(|v| matches!(v.state, GroupState::Rebalancing { .. }));
            if rebalancing && !self.kgroups[g].rebalancing {
                for i in 0..self.kgroups[g].members.len() {
                    if self.kgroups[g].members[i].alive {
                        self.commit_done(g, i, d);
                    }
                }
            }
            self.kgroups[g].rebalancing = rebalancing;
            let now: Vec<(String, Vec<u32>)> = self
                .kafka
                .members(&name)
                .into_iter()
                .map(|m| (m.member_id, m.partitions))
                .collect();
            if now != self.kgroups[g].assignment {
                let had = self.kgroups[g]
                    .assignment
                    .iter()
                    .any(|(_, ps)| !ps.is_empty());
                let has = now.iter().any(|(_, ps)| !ps.is_empty());
                self.kgroups[g].assignment = now.clone();
                if !had && !has {
                    continue;
                }
                if had {
                    self.sides[1].rebalances += 1;
                    self.sides[1].say(format!("{name} rebalanced"));
                }
                self.log_at(
                    d,
                    System::Kafka,
                    EventKind::Rebalance {
                        group: name.clone(),
                        assignment: now,
                    },
                );
                for m in self.kgroups[g]
                    .members
                    .iter_mut()
                    .filter(|m| m.alive && m.waiting)
                {
                    m.next_at = d;
                }
            }
        }
        for g in 0..self.kgroups.len() {
            let name = self.kgroups[g].name.clone();
            for i in 0..self.kgroups[g].members.len() {
                let m = &self.kgroups[g].members[i];
                if !m.alive || m.next_at > d {
                    continue;
                }
                let label = m.label.clone();
                // Finished processing: the next offsets are done; the
                // consumer's auto-commit sends them every
                // auto.commit.interval.ms, on a poll.
                let m = &mut self.kgroups[g].members[i];
                for r in std::mem::take(&mut m.held) {
                    let e = m.done.entry(r.partition).or_insert(0);
                    *e = (*e).max(r.offset + 1);
                }
                if d.saturating_sub(m.last_commit) >= KAFKA_AUTO_COMMIT_INTERVAL_MS {
                    self.commit_done(g, i, d);
                }
                match self.kafka.poll(d, &name, &label, KAFKA_MAX_POLL_RECORDS) {
                    Ok(got) if !got.is_empty() => {
                        let mut again = Vec::new();
                        for r in &got {
                            if !self.deliver(System::Kafka, g, r.id, d, KAFKA_SERVICE_MS) {
                                again.push(r.id);
                            }
                        }
                        if !again.is_empty() {
                            self.log_at(
                                d,
                                System::Kafka,
                                EventKind::Redelivered {
                                    group: name.clone(),
                                    consumer: label.clone(),
                                    messages: again.len() as u64,
                                    ids: again,
                                },
                            );
                        }
                        let m = &mut self.kgroups[g].members[i];
                        m.next_at = d + PROCESS_MS_PER_MESSAGE * got.len() as u64;
                        m.held = got;
                        m.waiting = false;
                    }
                    Ok(_) => {
                        let m = &mut self.kgroups[g].members[i];
                        m.waiting = true;
                        m.next_at = d + KAFKA_FETCH_MAX_WAIT_MS;
                    }
                    Err(_) => {
                        let m = &mut self.kgroups[g].members[i];
                        m.waiting = true;
                        m.next_at = d + KAFKA_RETRY_MS;
                    }
                }
            }
        }
    }

    /// Member `i` of group `g` commits every offset it has processed.
    fn commit_done(&mut self, g: usize, i: usize, d: u64) {
        let name = self.kgroups[g].name.clone();
        let m = &mut self.kgroups[g].members[i];
        m.last_commit = d;
        for (p, off) in std::mem::take(&mut m.done) {
            let _ = self.kafka.commit(d, &name, p, off);
        }
    }

    fn step_kinesis(&mut self, d: u64) {
        if self.kinesis.next_deadline().is_none_or(|t| t > d) {
            return;
        }
        let mut handed: Vec<Handed> = Vec::new();
        let mut notes = Vec::new();
        self.kinesis.step(d, &mut handed, &mut notes);
        // Duplicates per (group, worker), in delivery order.
        let mut again: Vec<(usize, String, Vec<u64>)> = Vec::new();
        for h in handed {
            let first = self.deliver(
                System::Kinesis,
                h.group,
                h.id,
                h.at,
                KINESIS_SHARED_SERVICE_MS,
            );
            if !first {
                match again
                    .iter_mut()
                    .find(|(g, c, _)| *g == h.group && *c == h.consumer)
                {
                    Some((_, _, ids)) => ids.push(h.id),
                    None => again.push((h.group, h.consumer, vec![h.id])),
                }
            }
        }
        for (g, consumer, ids) in again {
            let group = self
                .kinesis
                .groups
                .get(g)
                .map(|x| x.name().to_owned())
                .unwrap_or_default();
            self.log_at(
                d,
                System::Kinesis,
                EventKind::Redelivered {
                    group,
                    consumer,
                    messages: ids.len() as u64,
                    ids,
                },
            );
        }
        for n in notes {
            let kind = match n {
                KinesisNote::LeaseMoved {
                    group,
                    lease,
                    to,
                    from,
                    reason,
                } => {
                    if reason == "expired" || reason == "stolen" {
                        self.sides[2].rebalances += 1;
                    }
                    if reason == "expired" {
                        self.sides[2].say(format!("{group}: {to} took {lease} after failover"));
                    }
                    EventKind::LeaseMoved {
                        group,
                        lease,
                        to,
                        from,
                        reason: reason.to_owned(),
                    }
                }
                // Counted from the deliveries above, with their ids.
                KinesisNote::Redelivered { .. } => continue,
                KinesisNote::ShardEnded { group, lease } => EventKind::ShardEnded { group, lease },
            };
            self.log_at(d, System::Kinesis, kind);
        }
    }

    // ----------------------------------------------------------- views

    /// Messages a new reader could read now.
    pub fn readable(&self, system: System) -> u64 {
        match system {
            System::Sqs => self.sqs.readable(),
            System::Kafka => (0..self.kafka.partitions())
                .map(|p| {
                    let (a, b) = self.kafka.offsets(p);
                    b.saturating_sub(a)
                })
                .sum(),
            System::Kinesis => self.kinesis.readable(),
        }
    }

    /// The counters of one system (what [`CompareSim::column`] shows).
    pub fn counters(&self, system: System) -> Counters {
        self.sides[idx(system)].counters(self.readable(system))
    }

    pub fn column(&self, system: System) -> ColumnView {
        let side = &self.sides[idx(system)];
        let lanes = match system {
            System::Sqs => {
                let readers: Vec<String> = self
                    .pollers
                    .iter()
                    .filter(|p| p.alive)
                    .map(|p| p.label.clone())
                    .collect();
                // The queue's own state, in storing order: waiting to be
                // received (visible, delayed, or a stray copy still to
                // surface) and received but not deleted (in flight, also
                // when the consumer that got it has died).
                let mut waiting = Vec::new();
                let mut in_flight = Vec::new();
                for m in self.sqs.messages() {
                    match m.state {
                        MessageState::InFlight { .. } => in_flight.push(m.id),
                        _ => waiting.push(m.id),
                    }
                }
                let mut lanes = vec![
                    Lane {
                        label: "queue".into(),
                        stored: waiting,
                        readers: readers.clone(),
                    },
                    Lane {
                        label: "in flight".into(),
                        stored: in_flight,
                        readers,
                    },
                ];
                if !self.sqs.dlq().is_empty() {
                    lanes.push(Lane {
                        label: "DLQ".into(),
                        stored: self.sqs.dlq().iter().map(|d| d.id).collect(),
                        readers: Vec::new(),
                    });
                }
                lanes
            }
            System::Kafka => (0..self.kafka.partitions())
                .map(|p| {
                    let (start, _) = self.kafka.offsets(p);
                    let stored = self
                        .kafka_log
                        .get(p as usize)
                        .map(|l| {
                            l.iter()
                                .filter(|(o, _)| *o >= start)
                                .map(|(_, id)| *id)
                                .collect()
                        })
                        .unwrap_or_default();
                    let readers = self
                        .kgroups
                        .iter()
                        .filter_map(|g| {
                            g.assignment
                                .iter()
                                .find(|(_, ps)| ps.contains(&p))
                                .map(|(m, _)| m.clone())
                        })
                        .collect();
                    Lane {
                        label: format!("partition {p}"),
                        stored,
                        readers,
                    }
                })
                .collect(),
            System::Kinesis => {
                let holders: Vec<BTreeMap<String, Vec<String>>> = self
                    .kinesis
                    .groups
                    .iter()
                    .map(|g| match g {
                        KGroup::Kcl(a) => a.holders(),
                        KGroup::Reader(r) => {
                            let mut m = BTreeMap::new();
                            m.insert(String::new(), vec![r.name.clone()]);
                            m
                        }
                    })
                    .collect();
                self.kinesis
                    .lanes()
                    .into_iter()
                    .map(|(shard, open, stored)| {
                        let id = crate::hash::ShardId(shard).to_string();
                        let readers = holders
                            .iter()
                            .filter_map(|h| {
                                h.get(&id)
                                    .or_else(|| h.get(""))
                                    .and_then(|v| v.first().cloned())
                            })
                            .collect();
                        Lane {
                            label: if open { id } else { format!("{id} (closed)") },
                            stored,
                            readers,
                        }
                    })
                    .collect()
            }
        };
        ColumnView {
            system,
            lanes,
            counters: self.counters(system),
            status: side.status.clone(),
        }
    }

    /// The groups of one system, in the order they started.
    pub fn groups(&self, system: System) -> Vec<GroupView> {
        let side = &self.sides[idx(system)];
        let view = |i: usize, members: Vec<MemberInfo>| {
            let t = side.tracks.get(i).cloned().unwrap_or_default();
            GroupView {
                name: t.name.clone(),
                members,
                delivered: t.delivered,
                unique: t.unique,
                duplicates: t.duplicates,
                out_of_order: t.out_of_order,
            }
        };
        match system {
            System::Sqs => vec![view(
                0,
                self.pollers
                    .iter()
                    .map(|p| MemberInfo {
                        label: p.label.clone(),
                        lanes: vec!["queue".into()],
                        idle: p.alive && p.waiting,
                        paused: false,
                        alive: p.alive,
                    })
                    .collect(),
            )],
            System::Kafka => {
                let mut out = Vec::new();
                for (g, kg) in self.kgroups.iter().enumerate() {
                    let views = self.kafka.members(&kg.name);
                    let members = kg
                        .members
                        .iter()
                        .map(|m| {
                            let v = views.iter().find(|v| v.member_id == m.label);
                            let parts = v.map(|v| v.partitions.clone()).unwrap_or_default();
                            MemberInfo {
                                label: m.label.clone(),
                                lanes: parts.iter().map(|p| format!("partition {p}")).collect(),
                                idle: m.alive && parts.is_empty() && !v.is_some_and(|v| v.paused),
                                paused: v.is_some_and(|v| v.paused),
                                alive: m.alive,
                            }
                        })
                        .collect();
                    out.push(view(g, members));
                }
                out
            }
            System::Kinesis => self
                .kinesis
                .groups
                .iter()
                .enumerate()
                .map(|(g, kg)| {
                    let members = match kg {
                        KGroup::Kcl(app) => app
                            .workers()
                            .iter()
                            .map(|w| MemberInfo {
                                label: w.id.clone(),
                                lanes: w.leases().map(str::to_owned).collect(),
                                idle: w.state() == WorkerState::Idle,
                                paused: w.state() == WorkerState::Waiting,
                                alive: w.alive,
                            })
                            .collect(),
                        KGroup::Reader(r) => vec![MemberInfo {
                            label: r.name.clone(),
                            lanes: vec!["every shard".into()],
                            idle: false,
                            paused: false,
                            alive: true,
                        }],
                    };
                    view(g, members)
                })
                .collect(),
        }
    }

    /// The event log, oldest first (at most [`MAX_EVENTS`]).
    pub fn events(&self) -> &[CompareEvent] {
        &self.events
    }

    /// Kafka: rebalances after the first assignment of each group. Kinesis:
    /// leases taken after a failover or stolen to balance. SQS: 0.
    pub fn rebalances(&self, system: System) -> u64 {
        self.sides[idx(system)].rebalances
    }

    /// Deliveries of a message a group had already had (after a kill: the
    /// visibility timeout, a rebalance from the last commit, a failover from
    /// the last checkpoint; on SQS standard queues also the modelled stray
    /// duplicates).
    pub fn redeliveries(&self, system: System) -> u64 {
        self.sides[idx(system)].redelivered
    }

    /// Running consumers with nothing to read, over all groups.
    pub fn idle_consumers(&self, system: System) -> u64 {
        self.groups(system)
            .iter()
            .flat_map(|g| g.members.iter())
            .filter(|m| m.alive && m.idle)
            .count() as u64
    }

    /// Messages consumer `consumer` (1-based, first group) has received and
    /// not yet finished: SQS messages not yet deleted, Kafka records not yet
    /// committed. Kinesis: 0 (the KCL keeps this inside its processors).
    pub fn holding(&self, system: System, consumer: u32) -> u64 {
        let i = (consumer as usize).wrapping_sub(1);
        match system {
            System::Sqs => self.pollers.get(i).map_or(0, |p| p.held.len() as u64),
            System::Kafka => self.kgroups[0]
                .members
                .get(i)
                .map_or(0, |m| m.held.len() as u64),
            System::Kinesis => 0,
        }
    }

    /// The ids consumer `consumer` (1-based, first group) is holding (see
    /// [`CompareSim::holding`]).
    pub fn held_ids(&self, system: System, consumer: u32) -> Vec<u64> {
        let i = (consumer as usize).wrapping_sub(1);
        match system {
            System::Sqs => self
                .pollers
                .get(i)
                .map(|p| p.held.iter().map(|(id, _)| *id).collect())
                .unwrap_or_default(),
            System::Kafka => self.kgroups[0]
                .members
                .get(i)
                .map(|m| m.held.iter().map(|r| r.id).collect())
                .unwrap_or_default(),
            System::Kinesis => Vec::new(),
        }
    }

    /// Toggles the system could not do (SQS: second group, replay).
    pub fn refused(&self, system: System) -> u64 {
        self.sides[idx(system)].refused
    }

    /// Messages of the workload so far (SameKey bursts included).
    pub fn messages(&self) -> u64 {
        self.msgs.len() as u64
    }

    /// Messages still to be sent.
    pub fn unsent(&self) -> u64 {
        self.pending.len() as u64
    }

    /// The key of message `id`.
    pub fn key_of(&self, id: u64) -> Option<&str> {
        let m = self.msgs.get((id.wrapping_sub(1)) as usize)?;
        self.keys.get(m.key as usize).map(String::as_str)
    }

    /// Every key in use, in order (`key-0` …, then `same-key`).
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// The Kafka cluster (for partitions, offsets, members).
    pub fn kafka(&self) -> &Cluster {
        &self.kafka
    }

    /// The SQS queue.
    pub fn sqs(&self) -> &SqsQueue {
        &self.sqs
    }

    /// The Kinesis side (engine, KCL applications, readers).
    pub fn kinesis(&self) -> &KinesisSide {
        &self.kinesis
    }
}

/// A named scenario the page opens with `#/compare?scenario=<id>` and the
/// guide's table rows link to: a workload and the toggles played on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Preset {
    pub id: &'static str,
    pub workload: Workload,
    pub actions: Vec<CompareAction>,
    pub title: Text,
    pub summary: Text,
}

fn text(en: &str, vi: &str) -> Text {
    Text {
        en: en.to_owned(),
        vi: vi.to_owned(),
    }
}

/// Every preset, in the order the page lists them. Ids in use by the guide:
/// `delete-vs-keep`, `second-group`, `replay`, `kill-consumer`,
/// `add-capacity`, `same-key`, `exactly-once`.
pub fn presets() -> Vec<Preset> {
    let base = Workload::default();
    vec![
        Preset {
            id: "delete-vs-keep",
            workload: base.clone(),
            actions: vec![CompareAction::Run { seconds: 60 }],
            title: text("Delete or keep", "Xoá hay giữ lại"),
            summary: text(
                "1,000 messages go into all three. SQS consumers delete each one once it is processed, so the queue ends empty; Kafka and Kinesis only move an offset or a checkpoint, so all 1,000 are still there.",
                "1.000 tin nhắn được gửi vào cả ba hệ thống. Bên SQS, consumer xử lý xong là xoá nên hàng đợi trống trơn; Kafka và Kinesis chỉ dời offset hoặc checkpoint, nên cả 1.000 tin vẫn còn nguyên.",
            ),
        },
        Preset {
            id: "second-group",
            workload: base.clone(),
            actions: vec![
                CompareAction::Run { seconds: 25 },
                CompareAction::SecondGroup,
                CompareAction::Run { seconds: 30 },
            ],
            title: text("A second consumer group", "Thêm một consumer group"),
            summary: text(
                "After the messages are processed, a new group starts. On Kafka it reads the topic from the earliest offset, and a second KCL application reads the stream from TRIM_HORIZON: both get all 1,000 again. SQS has no such thing.",
                "Khi tin nhắn đã xử lý xong, ta mở thêm một group mới. Bên Kafka, group này đọc topic từ offset sớm nhất; bên Kinesis, một ứng dụng KCL thứ hai đọc stream từ TRIM_HORIZON. Cả hai đều nhận lại đủ 1.000 tin. SQS thì không có khái niệm này.",
            ),
        },
        Preset {
            id: "replay",
            workload: base.clone(),
            actions: vec![
                CompareAction::Run { seconds: 18 },
                CompareAction::Replay { seconds_ago: 5 },
                CompareAction::Run { seconds: 20 },
            ],
            title: text("Replay from a moment ago", "Đọc lại từ vài giây trước"),
            summary: text(
                "Rewind five seconds: Kafka looks up offsets for that time and seeks, and Kinesis opens an AT_TIMESTAMP iterator, so both re-read what arrived since. SQS cannot rewind.",
                "Tua lại năm giây: Kafka tra offset theo thời điểm đó rồi seek, còn Kinesis mở iterator AT_TIMESTAMP; cả hai đọc lại những gì đến từ lúc ấy. SQS thì không tua lại được.",
            ),
        },
        Preset {
            id: "kill-consumer",
            workload: Workload {
                records_per_second: 50,
                ..base.clone()
            },
            actions: vec![
                CompareAction::Run { seconds: 14 },
                CompareAction::KillConsumer { consumer: 1 },
                CompareAction::Run { seconds: 70 },
            ],
            title: text("Kill a consumer", "Tắt một consumer"),
            summary: text(
                "Consumer 1 stops in the middle of its work. SQS gives its messages out again once the visibility timeout ends; Kafka rebalances after the session timeout and replays from the last commit; the KCL waits for the lease to expire and another worker carries on from the last checkpoint.",
                "Consumer 1 dừng giữa chừng. SQS trả các tin nó đang giữ về hàng đợi khi hết visibility timeout; Kafka rebalance sau session timeout và đọc lại từ lần commit cuối; KCL đợi lease hết hạn rồi một worker khác tiếp tục từ checkpoint cuối.",
            ),
        },
        Preset {
            id: "add-capacity",
            workload: Workload {
                consumers: 1,
                records_per_second: 300,
                ..base.clone()
            },
            actions: vec![
                CompareAction::Run { seconds: 11 },
                CompareAction::AddCapacity,
                CompareAction::Run { seconds: 30 },
            ],
            title: text("Add capacity", "Tăng dung lượng"),
            summary: text(
                "With a consumer that is behind, Kafka gets a fourth partition: about a quarter of the keys now land somewhere else, and their new messages can be read before older ones still waiting in the old partition. Kinesis splits its busiest shard, and the KCL finishes the parent before the children, so order per key holds. SQS needs nothing.",
                "Khi consumer đang chậm, ta thêm partition thứ tư cho Kafka: khoảng một phần tư số key đổi sang partition khác, nên tin mới của chúng có thể được đọc trước các tin cũ còn nằm ở partition cũ. Kinesis tách shard bận nhất, và KCL đọc hết shard cha rồi mới tới shard con, nên thứ tự theo key vẫn giữ. SQS không cần làm gì.",
            ),
        },
        Preset {
            id: "same-key",
            workload: Workload {
                messages: 100,
                fifo: true,
                ..base.clone()
            },
            actions: vec![
                CompareAction::SameKey { count: 1_000 },
                CompareAction::Run { seconds: 30 },
            ],
            title: text("The same key 1,000 times", "Một key gửi 1.000 lần"),
            summary: text(
                "One key sent 1,000 times: all of it goes to one partition and one shard, read in order by one consumer. On SQS a FIFO queue keeps a message group in order; a standard queue only tries to.",
                "Gửi 1.000 lần cùng một key: tất cả vào một partition và một shard, do một consumer đọc theo đúng thứ tự. Bên SQS, hàng đợi FIFO giữ thứ tự trong một message group; hàng đợi standard chỉ cố gắng giữ mà thôi.",
            ),
        },
        Preset {
            id: "exactly-once",
            workload: Workload {
                records_per_second: 50,
                ..base
            },
            actions: vec![
                CompareAction::Run { seconds: 14 },
                CompareAction::KillConsumer { consumer: 1 },
                CompareAction::Run { seconds: 70 },
                CompareAction::ExactlyOnce { crash_after: 25 },
            ],
            title: text("Exactly once?", "Đúng một lần?"),
            summary: text(
                "A consumer dies before it deletes, commits or checkpoints, and all three deliver some messages twice: at-least-once is what you get by default. Then a Kafka read-process-write job crashes after 25 records, once with transactions and once without: only with transactions does a read_committed reader see every output exactly once.",
                "Một consumer chết trước khi kịp xoá, commit hay checkpoint, và cả ba hệ thống đều giao lại vài tin lần nữa: mặc định ở đâu cũng chỉ là at-least-once. Sau đó một job Kafka kiểu đọc–xử lý–ghi bị sập sau 25 bản ghi, một lần có transaction và một lần không: chỉ khi dùng transaction, reader ở chế độ read_committed mới thấy mỗi kết quả đúng một lần.",),
        },
    ]
}
