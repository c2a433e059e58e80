//! One workload into SQS, Kafka and Kinesis at once (CONTRACT: owned by the
//! sim helper; the page, the lesson widget and the lessons use the public
//! names below: keep them, add freely).

use super::kafka::Assignor;
use super::System;
use serde::{Deserialize, Serialize};

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

/// `PartialEq` is needed: the lesson `Lab` compares states.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareSim {
    pub workload: Workload,
    pub now_ms: u64,
}

impl CompareSim {
    pub fn new(workload: Workload, start_ms: u64) -> Result<CompareSim, CompareError> {
        Ok(CompareSim { workload, now_ms: start_ms })
    }
    /// Apply a toggle at the current time; an `Err` leaves the state unchanged.
    pub fn apply(&mut self, action: &CompareAction) -> Result<(), CompareError> {
        let _ = action;
        Ok(())
    }
    pub fn advance_to(&mut self, now_ms: u64) {
        self.now_ms = self.now_ms.max(now_ms);
    }
    pub fn next_deadline(&self) -> Option<u64> {
        None
    }
    pub fn column(&self, system: System) -> ColumnView {
        ColumnView { system, lanes: Vec::new(), counters: Counters::default(), status: Vec::new() }
    }
}

/// A named scenario the page opens with `#/compare?scenario=<id>` and the
/// guide's table rows link to: a workload and the toggles played on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Preset {
    pub id: &'static str,
    pub workload: Workload,
    pub actions: Vec<CompareAction>,
}

/// Every preset, in the order the page lists them. Ids in use by the guide:
/// `delete-vs-keep`, `second-group`, `replay`, `kill-consumer`,
/// `add-capacity`, `same-key`, `exactly-once`.
pub fn presets() -> Vec<Preset> {
    Vec::new()
}
