//! Apache Kafka, simulated (CONTRACT: owned by the Kafka helper; public
//! names below are used by `sim.rs`, keep them, add freely).
//!
//! Facts and their sources: /work/notes/compare-design.md §1–§4. Source
//! paths below are in apache/kafka.
//!
//! A deterministic, sans-IO model of one Kafka cluster: topics with
//! partitions and the real default partitioner ([`murmur2`]), segment logs
//! with retention (`log.rs`), consumer groups with the range, round-robin
//! and cooperative-sticky assignors and rebalances that take time
//! (`group.rs`, `assign.rs`), the idempotent producer and transactions
//! (`txn.rs`), and an exactly-once read-process-write demo (`eos.rs`).
//! Time is ms passed in (`now`); a call with an earlier `now` than one
//! already seen acts at the latest time seen. Every change is appended to an
//! event log ([`KafkaEvent`]).
//!
//! The contract's single-topic methods (`produce`, `offsets`, `join`, …) act
//! on the main topic ([`Cluster::topic`]); the `*_in` variants take a topic.

mod assign;
mod eos;
mod group;
mod log;
mod murmur2;
mod txn;

pub use assign::{range, round_robin, sticky, Assignment, StickyOutcome, TopicPartition};
pub use eos::{eos_demo, EosOutcome};
pub use group::{ConsumerOptions, GroupState, GroupView, MemberDetail, OffsetReset};
pub use log::{IsolationLevel, BATCHES_TO_RETAIN};
pub use murmur2::{keys_that_move, murmur2, partition_for_key, to_positive, KeyMove};
pub use txn::{Producer, SendAck, TxnState, TxnView};

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use group::Group;
use log::{EntryKind, PartitionLog};
use txn::TxnMeta;

/// `retention.ms` default: 7 days (`LogConfig.DEFAULT_RETENTION_MS`,
/// `storage/src/main/java/org/apache/kafka/storage/internals/log/LogConfig.java`;
/// `TopicConfig.RETENTION_MS_DOC`: -1 means no time limit).
pub const DEFAULT_RETENTION_MS: i64 = 604_800_000;
/// `retention.bytes` default: -1, no size limit (`ServerLogConfigs.LOG_RETENTION_BYTES_DEFAULT`;
/// per partition, `TopicConfig.RETENTION_BYTES_DOC`).
pub const DEFAULT_RETENTION_BYTES: i64 = -1;
/// `max.message.bytes` default: 1,048,576 + 12 (`LogConfig`: `1024 * 1024 + Records.LOG_OVERHEAD`).
pub const DEFAULT_MAX_MESSAGE_BYTES: u32 = 1_048_588;
/// `log.retention.check.interval.ms` default: 5 minutes (`ServerLogConfigs.LOG_CLEANUP_INTERVAL_MS_DEFAULT`).
pub const DEFAULT_RETENTION_CHECK_INTERVAL_MS: u64 = 300_000;
/// `session.timeout.ms` default: 45 s since Kafka 3.0 (`ConsumerConfig`).
pub const DEFAULT_SESSION_TIMEOUT_MS: u64 = 45_000;
/// `heartbeat.interval.ms` default: 3 s (`ConsumerConfig`).
pub const DEFAULT_HEARTBEAT_INTERVAL_MS: u64 = 3_000;
/// `max.poll.interval.ms` default: 5 min (`ConsumerConfig`); also the
/// rebalance timeout that caps the initial rebalance delay.
pub const DEFAULT_MAX_POLL_INTERVAL_MS: u64 = 300_000;
/// `group.initial.rebalance.delay.ms` default: 3 s
/// (`GroupCoordinatorConfig.GROUP_INITIAL_REBALANCE_DELAY_MS_DEFAULT`).
pub const DEFAULT_GROUP_INITIAL_REBALANCE_DELAY_MS: u64 = 3_000;
/// `group.min.session.timeout.ms` / `group.max.session.timeout.ms` broker
/// defaults: 6 s and 30 min (`GroupCoordinatorConfig`).
pub const GROUP_MIN_SESSION_TIMEOUT_MS: u64 = 6_000;
pub const GROUP_MAX_SESSION_TIMEOUT_MS: u64 = 1_800_000;
/// `transaction.timeout.ms` default: 60 s (`ProducerConfig`); the
/// coordinator aborts a transaction left open longer.
pub const DEFAULT_TRANSACTION_TIMEOUT_MS: u64 = 60_000;
/// Model parameter, not published by Kafka: the time for the JoinGroup and
/// SyncGroup round trips once every member knows about a rebalance. One
/// rebalance round in the lab lasts `heartbeat.interval.ms` (members learn of
/// a rebalance on their next heartbeat; the lab takes the worst case) plus
/// this.
pub const REBALANCE_SYNC_MS: u64 = 500;
/// Lab limit (Kafka has none this small): partitions per topic.
pub const MAX_PARTITIONS: u32 = 1_024;
/// Lab limit: events kept in the log (older ones are dropped, counted).
pub const DEFAULT_EVENT_LOG_LIMIT: usize = 200_000;

/// `partition.assignment.strategy`: how a group shares out partitions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Assignor {
    Range,
    #[serde(rename = "roundrobin")]
    RoundRobin,
    CooperativeSticky,
}

impl Assignor {
    /// The name in `partition.assignment.strategy` (`RangeAssignor.RANGE_ASSIGNOR_NAME`, …).
    pub fn name(self) -> &'static str {
        match self {
            Assignor::Range => "range",
            Assignor::RoundRobin => "roundrobin",
            Assignor::CooperativeSticky => "cooperative-sticky",
        }
    }
    /// Eager assignors make every member give up every partition for a
    /// rebalance (`RebalanceProtocol.EAGER`); cooperative-sticky lets members
    /// keep what they do not lose (`RebalanceProtocol.COOPERATIVE`).
    pub fn is_eager(self) -> bool {
        !matches!(self, Assignor::CooperativeSticky)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicConfig {
    pub partitions: u32,
    /// retention.ms; -1 = no time limit. Default 7 days (`LogConfig`, `TopicConfig.RETENTION_MS_CONFIG`).
    pub retention_ms: i64,
    /// retention.bytes per partition; -1 = no size limit (the default, `TopicConfig.RETENTION_BYTES_CONFIG`).
    pub retention_bytes: i64,
    /// A lab-sized segment (records per segment); retention deletes whole segments.
    pub segment_records: u32,
}

impl Default for TopicConfig {
    fn default() -> Self {
        TopicConfig {
            partitions: 3,
            retention_ms: DEFAULT_RETENTION_MS,
            retention_bytes: DEFAULT_RETENTION_BYTES,
            segment_records: 100,
        }
    }
}

impl TopicConfig {
    /// Checks the settings; errors name the Kafka config.
    pub fn validate(&self) -> Result<(), KafkaError> {
        if self.partitions == 0 || self.partitions > MAX_PARTITIONS {
            return Err(KafkaError::new(
                "partitions",
                "INVALID_PARTITIONS",
                format!(
                    "partitions must be between 1 and {MAX_PARTITIONS} in the lab; got {}",
                    self.partitions
                ),
            ));
        }
        if self.retention_ms < -1 {
            return Err(KafkaError::new(
                "retention.ms",
                "INVALID_CONFIG",
                format!(
                    "retention.ms must be -1 (no limit) or more; got {}",
                    self.retention_ms
                ),
            ));
        }
        if self.retention_bytes < -1 {
            return Err(KafkaError::new(
                "retention.bytes",
                "INVALID_CONFIG",
                format!(
                    "retention.bytes must be -1 (no limit) or more; got {}",
                    self.retention_bytes
                ),
            ));
        }
        if self.segment_records == 0 {
            return Err(KafkaError::new(
                "segment_records",
                "INVALID_CONFIG",
                "segment_records (the lab's segment size in records) must be at least 1",
            ));
        }
        Ok(())
    }
}

/// A record as a consumer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KRecord {
    pub partition: u32,
    pub offset: u64,
    /// The workload's message id.
    pub id: u64,
    pub key: String,
    pub timestamp_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KafkaError {
    /// The request field or config at fault, Kafka spelling.
    pub field: String,
    /// Kafka's error name where there is one (e.g. `INVALID_PARTITIONS`);
    /// lab-only refusals start with `LAB_`.
    pub code: String,
    pub message: String,
}

impl KafkaError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> KafkaError {
        KafkaError {
            field: field.to_string(),
            code: code.to_string(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for KafkaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.field, self.code, self.message)
    }
}

/// One group member's state, for drawing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub member_id: String,
    pub partitions: Vec<u32>,
    /// True while this member is paused by a rebalance.
    pub paused: bool,
}

/// Cluster-wide settings: Kafka's defaults, changeable for a lab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterSettings {
    /// `session.timeout.ms` (45 s): how long a killed member (no LeaveGroup)
    /// keeps its partitions before the coordinator removes it.
    pub session_timeout_ms: u64,
    /// `heartbeat.interval.ms` (3 s).
    pub heartbeat_interval_ms: u64,
    /// `group.initial.rebalance.delay.ms` (3 s): the first rebalance of an
    /// empty group waits this long for more members.
    pub group_initial_rebalance_delay_ms: u64,
    /// `max.poll.interval.ms` (5 min), used as the rebalance timeout.
    pub max_poll_interval_ms: u64,
    /// Model parameter ([`REBALANCE_SYNC_MS`]).
    pub rebalance_sync_ms: u64,
    /// `log.retention.check.interval.ms` (5 min): retention runs at multiples of it.
    pub retention_check_interval_ms: u64,
    /// `transaction.timeout.ms` (60 s).
    pub transaction_timeout_ms: u64,
    /// `auto.offset.reset` for groups joined with [`Cluster::join`] (Kafka's default: latest).
    pub auto_offset_reset: OffsetReset,
    /// `isolation.level` for groups joined with [`Cluster::join`] (Kafka's default: read_uncommitted).
    pub isolation_level: IsolationLevel,
    /// `max.message.bytes` for new topics (1,048,588).
    pub max_message_bytes: u32,
    /// Lab limit: events kept.
    pub event_log_limit: usize,
}

impl Default for ClusterSettings {
    fn default() -> Self {
        ClusterSettings {
            session_timeout_ms: DEFAULT_SESSION_TIMEOUT_MS,
            heartbeat_interval_ms: DEFAULT_HEARTBEAT_INTERVAL_MS,
            group_initial_rebalance_delay_ms: DEFAULT_GROUP_INITIAL_REBALANCE_DELAY_MS,
            max_poll_interval_ms: DEFAULT_MAX_POLL_INTERVAL_MS,
            rebalance_sync_ms: REBALANCE_SYNC_MS,
            retention_check_interval_ms: DEFAULT_RETENTION_CHECK_INTERVAL_MS,
            transaction_timeout_ms: DEFAULT_TRANSACTION_TIMEOUT_MS,
            auto_offset_reset: OffsetReset::Latest,
            isolation_level: IsolationLevel::ReadUncommitted,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            event_log_limit: DEFAULT_EVENT_LOG_LIMIT,
        }
    }
}

impl ClusterSettings {
    pub fn validate(&self) -> Result<(), KafkaError> {
        if self.session_timeout_ms < GROUP_MIN_SESSION_TIMEOUT_MS
            || self.session_timeout_ms > GROUP_MAX_SESSION_TIMEOUT_MS
        {
            return Err(KafkaError::new(
                "session.timeout.ms",
                "INVALID_SESSION_TIMEOUT",
                format!(
                    "session.timeout.ms must be between group.min.session.timeout.ms ({GROUP_MIN_SESSION_TIMEOUT_MS}) and group.max.session.timeout.ms ({GROUP_MAX_SESSION_TIMEOUT_MS}); got {}",
                    self.session_timeout_ms
                ),
            ));
        }
        if self.heartbeat_interval_ms == 0 || self.heartbeat_interval_ms >= self.session_timeout_ms
        {
            return Err(KafkaError::new(
                "heartbeat.interval.ms",
                "INVALID_CONFIG",
                "heartbeat.interval.ms must be at least 1 and lower than session.timeout.ms",
            ));
        }
        if self.max_poll_interval_ms == 0 {
            return Err(KafkaError::new(
                "max.poll.interval.ms",
                "INVALID_CONFIG",
                "max.poll.interval.ms must be at least 1",
            ));
        }
        if self.group_initial_rebalance_delay_ms > self.max_poll_interval_ms {
            return Err(KafkaError::new(
                "group.initial.rebalance.delay.ms",
                "INVALID_CONFIG",
                "group.initial.rebalance.delay.ms must not exceed max.poll.interval.ms (the rebalance timeout)",
            ));
        }
        if self.rebalance_sync_ms > 600_000 {
            return Err(KafkaError::new(
                "rebalance_sync_ms",
                "INVALID_CONFIG",
                "rebalance_sync_ms (a lab model parameter) must be at most 600000",
            ));
        }
        if self.retention_check_interval_ms == 0 {
            return Err(KafkaError::new(
                "log.retention.check.interval.ms",
                "INVALID_CONFIG",
                "log.retention.check.interval.ms must be at least 1",
            ));
        }
        if self.transaction_timeout_ms == 0 || self.transaction_timeout_ms > 900_000 {
            return Err(KafkaError::new(
                "transaction.timeout.ms",
                "INVALID_TRANSACTION_TIMEOUT",
                "transaction.timeout.ms must be between 1 and transaction.max.timeout.ms (900000)",
            ));
        }
        if self.max_message_bytes == 0 {
            return Err(KafkaError::new(
                "max.message.bytes",
                "INVALID_CONFIG",
                "max.message.bytes must be at least 1",
            ));
        }
        Ok(())
    }

    /// One rebalance round in the lab: `heartbeat.interval.ms` + [`REBALANCE_SYNC_MS`].
    pub fn rebalance_round_ms(&self) -> u64 {
        self.heartbeat_interval_ms
            .saturating_add(self.rebalance_sync_ms)
    }
}

/// Something that happened in the cluster, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum KafkaEvent {
    TopicCreated {
        topic: String,
        partitions: u32,
    },
    Produced {
        topic: String,
        partition: u32,
        offset: u64,
        id: u64,
        key: String,
        transactional: bool,
    },
    /// A retried batch (same producer id, epoch and sequence) acknowledged
    /// with its original offset and not appended again.
    DuplicateBatch {
        topic: String,
        partition: u32,
        producer_id: u64,
        sequence: i32,
        offset: u64,
    },
    PartitionsAdded {
        topic: String,
        from: u32,
        to: u32,
    },
    SegmentRolled {
        topic: String,
        partition: u32,
        base_offset: u64,
    },
    SegmentDeleted {
        topic: String,
        partition: u32,
        base_offset: u64,
        next_offset: u64,
        reason: String,
        log_start: u64,
    },
    MemberJoined {
        group: String,
        member: String,
    },
    MemberLeft {
        group: String,
        member: String,
    },
    /// The member stopped without a LeaveGroup; the coordinator notices at `noticed_at`.
    MemberKilled {
        group: String,
        member: String,
        noticed_at: u64,
    },
    /// `session.timeout.ms` passed without a heartbeat.
    MemberExpired {
        group: String,
        member: String,
    },
    RebalanceStarted {
        group: String,
        reason: String,
        ends_at: u64,
    },
    Paused {
        group: String,
        members: Vec<String>,
    },
    /// A rebalance round finished: the new generation's assignment and what
    /// each member gave up (eager: everything it had).
    Rebalance {
        group: String,
        generation: u32,
        round: u8,
        assignment: BTreeMap<String, Vec<u32>>,
        revoked: BTreeMap<String, Vec<u32>>,
    },
    Resumed {
        group: String,
        members: Vec<String>,
    },
    GroupEmpty {
        group: String,
    },
    Committed {
        group: String,
        partition: u32,
        offset: u64,
        transactional: bool,
    },
    Seek {
        group: String,
        partition: u32,
        offset: u64,
    },
    OffsetReset {
        group: String,
        partition: u32,
        from: Option<u64>,
        to: u64,
        policy: OffsetReset,
    },
    ProducerInitialized {
        transactional_id: Option<String>,
        producer_id: u64,
        epoch: u16,
    },
    TransactionCommitted {
        transactional_id: String,
        producer_id: u64,
        epoch: u16,
        partitions: Vec<TopicPartition>,
        offsets: u32,
    },
    TransactionAborted {
        transactional_id: String,
        producer_id: u64,
        epoch: u16,
        partitions: Vec<TopicPartition>,
        reason: String,
    },
    ProducerFenced {
        transactional_id: String,
        producer_id: u64,
        epoch: u16,
    },
}

/// An event with its sequence number and time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimedEvent {
    pub seq: u64,
    pub at_ms: u64,
    pub event: KafkaEvent,
}

/// One segment of a partition, for drawing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentView {
    pub base_offset: u64,
    /// One past the last offset in the segment.
    pub next_offset: u64,
    pub bytes: u64,
    pub newest_timestamp_ms: u64,
    pub active: bool,
}

/// One log entry, for drawing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryView {
    Record {
        offset: u64,
        id: u64,
        key: String,
        timestamp_ms: u64,
        transactional: bool,
        aborted: bool,
        open: bool,
    },
    Marker {
        offset: u64,
        commit: bool,
        producer_id: u64,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Topic {
    pub config: TopicConfig,
    pub max_message_bytes: u32,
    pub logs: Vec<PartitionLog>,
}

/// A Kafka cluster: a main topic (the contract's single-topic methods),
/// more topics on demand, consumer groups, producers and transactions.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    pub topic: String,
    /// The main topic's configuration (kept in step with `add_partitions`).
    pub config: TopicConfig,
    pub(crate) settings: ClusterSettings,
    pub(crate) topics: BTreeMap<String, Topic>,
    pub(crate) groups: BTreeMap<String, Group>,
    pub(crate) txns: BTreeMap<String, TxnMeta>,
    pub(crate) next_producer_id: u64,
    pub(crate) now: u64,
    pub(crate) events: VecDeque<TimedEvent>,
    pub(crate) next_event_seq: u64,
    pub(crate) seed: u64,
}

fn validate_name(field: &str, code: &str, name: &str) -> Result<(), KafkaError> {
    if name.is_empty() || name.len() > 249 {
        return Err(KafkaError::new(
            field,
            code,
            format!("{field} must be 1 to 249 characters"),
        ));
    }
    Ok(())
}

fn validate_topic_name(name: &str) -> Result<(), KafkaError> {
    // `Topic.validate`: 1..249 of [a-zA-Z0-9._-], not "." or "..".
    validate_name("topic", "INVALID_TOPIC_EXCEPTION", name)?;
    if name == "."
        || name == ".."
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
    {
        return Err(KafkaError::new(
            "topic",
            "INVALID_TOPIC_EXCEPTION",
            format!("topic name {name:?} is not legal: use ASCII letters, digits, '.', '_' and '-', not \".\" or \"..\""),
        ));
    }
    Ok(())
}

impl Cluster {
    pub fn new(topic: &str, config: TopicConfig, seed: u64) -> Result<Cluster, KafkaError> {
        Cluster::with_settings(topic, config, seed, ClusterSettings::default())
    }

    /// A cluster with non-default settings (validated; errors name the config).
    pub fn with_settings(
        topic: &str,
        config: TopicConfig,
        seed: u64,
        settings: ClusterSettings,
    ) -> Result<Cluster, KafkaError> {
        validate_topic_name(topic)?;
        config.validate()?;
        settings.validate()?;
        use rand::Rng;
        let first_pid =
            crate::rng::component_rng(seed, "kafka-producer-ids").random_range(1_000..100_000u64);
        let mut c = Cluster {
            topic: topic.to_string(),
            config: config.clone(),
            settings,
            topics: BTreeMap::new(),
            groups: BTreeMap::new(),
            txns: BTreeMap::new(),
            next_producer_id: first_pid,
            now: 0,
            events: VecDeque::new(),
            next_event_seq: 0,
            seed,
        };
        c.insert_topic(topic, config);
        Ok(c)
    }

    fn insert_topic(&mut self, name: &str, config: TopicConfig) {
        let logs = (0..config.partitions)
            .map(|_| PartitionLog::new())
            .collect();
        let partitions = config.partitions;
        self.topics.insert(
            name.to_string(),
            Topic {
                config,
                max_message_bytes: self.settings.max_message_bytes,
                logs,
            },
        );
        self.emit(KafkaEvent::TopicCreated {
            topic: name.to_string(),
            partitions,
        });
    }

    pub fn settings(&self) -> &ClusterSettings {
        &self.settings
    }

    /// Replaces the settings (validated first; groups and topics keep theirs).
    pub fn set_settings(&mut self, settings: ClusterSettings) -> Result<(), KafkaError> {
        settings.validate()?;
        self.settings = settings;
        Ok(())
    }

    /// The seed this cluster was made with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The latest time the cluster has seen.
    pub fn now(&self) -> u64 {
        self.now
    }

    pub(crate) fn emit(&mut self, event: KafkaEvent) {
        let seq = self.next_event_seq;
        self.next_event_seq += 1;
        self.events.push_back(TimedEvent {
            seq,
            at_ms: self.now,
            event,
        });
        while self.events.len() > self.settings.event_log_limit.max(1) {
            self.events.pop_front();
        }
    }

    /// Every event kept, oldest first.
    pub fn events(&self) -> Vec<TimedEvent> {
        self.events.iter().cloned().collect()
    }

    /// Events with `seq >= from` (pass the last seen `seq + 1`).
    pub fn events_since(&self, from: u64) -> Vec<TimedEvent> {
        self.events
            .iter()
            .filter(|e| e.seq >= from)
            .cloned()
            .collect()
    }

    /// Creates another topic (e.g. a transaction's output topic).
    pub fn create_topic(
        &mut self,
        now: u64,
        name: &str,
        config: TopicConfig,
    ) -> Result<(), KafkaError> {
        self.advance_to(now);
        validate_topic_name(name)?;
        config.validate()?;
        if self.topics.contains_key(name) {
            return Err(KafkaError::new(
                "topic",
                "TOPIC_ALREADY_EXISTS",
                format!("topic {name} already exists"),
            ));
        }
        self.insert_topic(name, config);
        Ok(())
    }

    /// Topic names, sorted.
    pub fn topics(&self) -> Vec<String> {
        self.topics.keys().cloned().collect()
    }

    pub(crate) fn topic_ref(&self, topic: &str) -> Result<&Topic, KafkaError> {
        self.topics.get(topic).ok_or_else(|| {
            KafkaError::new(
                "topic",
                "UNKNOWN_TOPIC_OR_PARTITION",
                format!("topic {topic} does not exist"),
            )
        })
    }

    pub(crate) fn log_ref(&self, topic: &str, partition: u32) -> Result<&PartitionLog, KafkaError> {
        let t = self.topic_ref(topic)?;
        t.logs.get(partition as usize).ok_or_else(|| {
            KafkaError::new(
                "partition",
                "UNKNOWN_TOPIC_OR_PARTITION",
                format!(
                    "topic {topic} has partitions 0 to {}; there is no partition {partition}",
                    t.logs.len().saturating_sub(1)
                ),
            )
        })
    }

    /// A topic's configuration.
    pub fn topic_config(&self, topic: &str) -> Option<&TopicConfig> {
        self.topics.get(topic).map(|t| &t.config)
    }

    /// Sets `max.message.bytes` of a topic.
    pub fn set_max_message_bytes(&mut self, topic: &str, bytes: u32) -> Result<(), KafkaError> {
        if bytes == 0 {
            return Err(KafkaError::new(
                "max.message.bytes",
                "INVALID_CONFIG",
                "max.message.bytes must be at least 1",
            ));
        }
        self.topic_ref(topic)?;
        if let Some(t) = self.topics.get_mut(topic) {
            t.max_message_bytes = bytes;
        }
        Ok(())
    }

    /// Produce a keyed record (default partitioner); returns (partition, offset).
    pub fn produce(
        &mut self,
        now: u64,
        id: u64,
        key: &str,
        bytes: u32,
    ) -> Result<(u32, u64), KafkaError> {
        let topic = self.topic.clone();
        self.produce_in(now, &topic, id, key, bytes)
    }

    /// Produce a keyed record to `topic`. The lab's plain producer never
    /// retries, so it carries no producer id (see [`Cluster::init_producer`]
    /// for the idempotent one). `bytes` is the record's size as the lab counts
    /// it (for `max.message.bytes` and `retention.bytes`).
    pub fn produce_in(
        &mut self,
        now: u64,
        topic: &str,
        id: u64,
        key: &str,
        bytes: u32,
    ) -> Result<(u32, u64), KafkaError> {
        self.advance_to(now);
        let t = self.topic_ref(topic)?;
        Self::check_size(t, bytes)?;
        let partition = partition_for_key(key.as_bytes(), t.logs.len() as u32);
        let offset = self.append_data(topic, partition, id, key, bytes, None, false);
        Ok((partition, offset))
    }

    pub(crate) fn check_size(t: &Topic, bytes: u32) -> Result<(), KafkaError> {
        if bytes > t.max_message_bytes {
            return Err(KafkaError::new(
                "max.message.bytes",
                "RECORD_TOO_LARGE",
                format!(
                    "a {bytes}-byte record is larger than max.message.bytes ({})",
                    t.max_message_bytes
                ),
            ));
        }
        Ok(())
    }

    /// Appends a data record (the caller has validated everything).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn append_data(
        &mut self,
        topic: &str,
        partition: u32,
        id: u64,
        key: &str,
        bytes: u32,
        producer: Option<(u64, u16)>,
        transactional: bool,
    ) -> u64 {
        let now = self.now;
        let Some(t) = self.topics.get_mut(topic) else {
            return 0;
        };
        let seg_records = t.config.segment_records;
        let Some(log) = t.logs.get_mut(partition as usize) else {
            return 0;
        };
        let before = log.segments.len();
        let kind = EntryKind::Data {
            id,
            key: key.to_string(),
            producer,
            transactional,
        };
        let offset = log.push(now, u64::from(bytes), kind, seg_records);
        let rolled = log.segments.len() > before;
        if rolled {
            self.emit(KafkaEvent::SegmentRolled {
                topic: topic.to_string(),
                partition,
                base_offset: offset,
            });
        }
        self.emit(KafkaEvent::Produced {
            topic: topic.to_string(),
            partition,
            offset,
            id,
            key: key.to_string(),
            transactional,
        });
        offset
    }

    /// Partitions can only grow (INVALID_PARTITIONS otherwise).
    pub fn add_partitions(&mut self, now: u64, total: u32) -> Result<(), KafkaError> {
        let topic = self.topic.clone();
        self.add_partitions_in(now, &topic, total)
    }

    /// `CreatePartitions` for `topic`: new partitions start empty, keys map by
    /// `% total` from now on, and groups reading the topic rebalance. (The
    /// lab's groups notice at once; a real consumer leader notices on its next
    /// metadata refresh, `metadata.max.age.ms`, 5 min by default.)
    pub fn add_partitions_in(
        &mut self,
        now: u64,
        topic: &str,
        total: u32,
    ) -> Result<(), KafkaError> {
        self.advance_to(now);
        let current = self.topic_ref(topic)?.logs.len() as u32;
        if total <= current {
            return Err(KafkaError::new(
                "partitions",
                "INVALID_PARTITIONS",
                format!("topic {topic} has {current} partitions; partitions can only be increased, and {total} is not more"),
            ));
        }
        if total > MAX_PARTITIONS {
            return Err(KafkaError::new(
                "partitions",
                "INVALID_PARTITIONS",
                format!(
                    "the lab allows at most {MAX_PARTITIONS} partitions per topic; got {total}"
                ),
            ));
        }
        if let Some(t) = self.topics.get_mut(topic) {
            t.logs.resize_with(total as usize, PartitionLog::new);
            t.config.partitions = total;
        }
        if topic == self.topic {
            self.config.partitions = total;
        }
        self.emit(KafkaEvent::PartitionsAdded {
            topic: topic.to_string(),
            from: current,
            to: total,
        });
        let groups: Vec<String> = self
            .groups
            .iter()
            .filter(|(_, g)| g.topic == topic)
            .map(|(n, _)| n.clone())
            .collect();
        for g in groups {
            self.trigger_rebalance(
                &g,
                format!("{topic} grew from {current} to {total} partitions"),
                false,
            );
        }
        Ok(())
    }

    pub fn partitions(&self) -> u32 {
        self.config.partitions
    }

    /// Partition count of `topic`.
    pub fn partitions_in(&self, topic: &str) -> Option<u32> {
        self.topics.get(topic).map(|t| t.logs.len() as u32)
    }

    /// Log start and end offsets of a partition.
    pub fn offsets(&self, partition: u32) -> (u64, u64) {
        self.offsets_in(&self.topic, partition).unwrap_or((0, 0))
    }

    /// Log start and end offsets of a partition of `topic`.
    pub fn offsets_in(&self, topic: &str, partition: u32) -> Option<(u64, u64)> {
        let log = self.log_ref(topic, partition).ok()?;
        Some((log.log_start(), log.log_end()))
    }

    /// The last stable offset (read_committed consumers stop before it).
    pub fn last_stable_offset_in(&self, topic: &str, partition: u32) -> Option<u64> {
        Some(self.log_ref(topic, partition).ok()?.last_stable_offset())
    }

    /// Consumer `offsetsForTimes`: first offset with timestamp >= ts.
    pub fn offset_for_time(&self, partition: u32, ts_ms: u64) -> Option<u64> {
        self.offset_for_time_in(&self.topic, partition, ts_ms)
    }

    pub fn offset_for_time_in(&self, topic: &str, partition: u32, ts_ms: u64) -> Option<u64> {
        self.log_ref(topic, partition).ok()?.offset_for_time(ts_ms)
    }

    /// The segments of a partition, oldest first.
    pub fn segments_in(&self, topic: &str, partition: u32) -> Vec<SegmentView> {
        let Ok(log) = self.log_ref(topic, partition) else {
            return Vec::new();
        };
        let last = log.segments.len().saturating_sub(1);
        log.segments
            .iter()
            .enumerate()
            .map(|(i, s)| SegmentView {
                base_offset: s.base_offset,
                next_offset: s.next_offset(),
                bytes: s.bytes,
                newest_timestamp_ms: s.max_timestamp,
                active: i == last,
            })
            .collect()
    }

    /// Bytes held by a partition (what `retention.bytes` limits).
    pub fn partition_bytes_in(&self, topic: &str, partition: u32) -> Option<u64> {
        Some(self.log_ref(topic, partition).ok()?.size_bytes())
    }

    /// The entries of a partition from `from` (at most `max`), for drawing.
    pub fn entries_in(&self, topic: &str, partition: u32, from: u64, max: usize) -> Vec<EntryView> {
        let Ok(log) = self.log_ref(topic, partition) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut pos = from.max(log.log_start());
        while out.len() < max {
            let Some(e) = log.entry(pos) else { break };
            out.push(match &e.kind {
                EntryKind::Data {
                    id,
                    key,
                    producer,
                    transactional,
                } => {
                    let pid = producer.map(|p| p.0);
                    EntryView::Record {
                        offset: e.offset,
                        id: *id,
                        key: key.clone(),
                        timestamp_ms: e.timestamp,
                        transactional: *transactional,
                        aborted: *transactional
                            && pid.is_some_and(|p| {
                                log.aborted.iter().any(|a| {
                                    a.producer_id == p
                                        && a.first_offset <= e.offset
                                        && e.offset <= a.last_offset
                                })
                            }),
                        open: *transactional
                            && pid.is_some_and(|p| {
                                log.ongoing.get(&p).is_some_and(|&first| first <= e.offset)
                            }),
                    }
                }
                EntryKind::Marker {
                    producer_id,
                    commit,
                } => EntryView::Marker {
                    offset: e.offset,
                    commit: *commit,
                    producer_id: *producer_id,
                },
            });
            pos += 1;
        }
        out
    }

    /// Processes everything due up to `now` (session timeouts, rebalance
    /// rounds, transaction timeouts, retention checks), in time order.
    pub fn advance_to(&mut self, now: u64) {
        // Each step removes what it processed, so this ends; the cap is a
        // safety net for a program that never panics.
        for _ in 0..10_000_000u32 {
            match self.next_deadline() {
                Some(d) if d <= now => {
                    self.now = self.now.max(d);
                    self.process_due(d);
                }
                _ => break,
            }
        }
        self.now = self.now.max(now);
    }

    /// The next time something happens on its own, if anything is pending.
    pub fn next_deadline(&self) -> Option<u64> {
        let mut best: Option<u64> = None;
        let mut consider = |t: u64| best = Some(best.map_or(t, |b| b.min(t)));
        for g in self.groups.values() {
            if let Some(t) = g.deadline() {
                consider(t);
            }
        }
        for meta in self.txns.values() {
            if let Some(t) = meta.timeout_at(self.settings.transaction_timeout_ms) {
                consider(t);
            }
        }
        if let Some(t) = self.retention_deadline() {
            consider(t);
        }
        best
    }

    fn retention_deadline(&self) -> Option<u64> {
        let interval = self.settings.retention_check_interval_ms.max(1);
        let tick_at_or_after = |t: u64| t.div_ceil(interval).saturating_mul(interval);
        let after_now = tick_at_or_after(self.now.saturating_add(1));
        let mut best: Option<u64> = None;
        for t in self.topics.values() {
            for log in &t.logs {
                let mut due: Option<u64> = None;
                if log.retention_due(self.now, t.config.retention_ms, t.config.retention_bytes) {
                    due = Some(after_now);
                } else if let Some(e) = log.time_retention_at(t.config.retention_ms) {
                    due = Some(tick_at_or_after(e.max(self.now.saturating_add(1))));
                }
                if let Some(d) = due {
                    best = Some(best.map_or(d, |b: u64| b.min(d)));
                }
            }
        }
        best
    }

    fn process_due(&mut self, t: u64) {
        // 1. session timeouts, 2. transaction timeouts, 3. rebalance rounds, 4. retention.
        self.expire_members(t);
        self.expire_transactions(t);
        self.finish_rounds(t);
        let interval = self.settings.retention_check_interval_ms.max(1);
        if t % interval == 0 {
            self.run_retention(t);
        }
    }

    fn run_retention(&mut self, t: u64) {
        let mut events = Vec::new();
        for (name, topic) in self.topics.iter_mut() {
            let (ms, bytes) = (topic.config.retention_ms, topic.config.retention_bytes);
            for (p, log) in topic.logs.iter_mut().enumerate() {
                let last_base = log.segments.last().map(|s| s.base_offset);
                let deleted = log.apply_retention(t, ms, bytes);
                let start = log.log_start();
                for d in deleted {
                    events.push(KafkaEvent::SegmentDeleted {
                        topic: name.clone(),
                        partition: p as u32,
                        base_offset: d.base_offset,
                        next_offset: d.next_offset,
                        reason: d.reason.to_string(),
                        log_start: start,
                    });
                }
                let new_last = log.segments.last().map(|s| s.base_offset);
                if new_last != last_base {
                    if let Some(b) = new_last {
                        events.push(KafkaEvent::SegmentRolled {
                            topic: name.clone(),
                            partition: p as u32,
                            base_offset: b,
                        });
                    }
                }
            }
        }
        for e in events {
            self.emit(e);
        }
    }
}
