//! Apache Kafka, simulated (CONTRACT: owned by the Kafka helper; public
//! names below are used by `sim.rs`, keep them, add freely).
//!
//! Facts and their sources: /work/notes/compare-design.md §1–§4.

use serde::{Deserialize, Serialize};

/// Kafka's murmur2 (`Utils.murmur2`), as an i32 like Java's.
pub fn murmur2(data: &[u8]) -> i32 {
    let _ = data;
    0
}

/// The default partitioner for a keyed record.
pub fn partition_for_key(key: &[u8], partitions: u32) -> u32 {
    ((murmur2(key) & 0x7fff_ffff) as u32) % partitions.max(1)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Assignor {
    Range,
    #[serde(rename = "roundrobin")]
    RoundRobin,
    CooperativeSticky,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicConfig {
    pub partitions: u32,
    /// retention.ms; -1 = no time limit.
    pub retention_ms: i64,
    /// retention.bytes per partition; -1 = no size limit.
    pub retention_bytes: i64,
    /// A lab-sized segment (records per segment); retention deletes whole segments.
    pub segment_records: u32,
}

impl Default for TopicConfig {
    fn default() -> Self {
        TopicConfig { partitions: 3, retention_ms: 604_800_000, retention_bytes: -1, segment_records: 100 }
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
    /// Kafka's error name where there is one (e.g. `INVALID_PARTITIONS`).
    pub code: String,
    pub message: String,
}

/// One group member's state, for drawing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub member_id: String,
    pub partitions: Vec<u32>,
    /// True while this member is paused by a rebalance.
    pub paused: bool,
}

/// A single-topic cluster with its consumer groups.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    pub topic: String,
    pub config: TopicConfig,
}

impl Cluster {
    pub fn new(topic: &str, config: TopicConfig, seed: u64) -> Result<Cluster, KafkaError> {
        let _ = seed;
        Ok(Cluster { topic: topic.into(), config })
    }
    /// Produce a keyed record (default partitioner); returns (partition, offset).
    pub fn produce(&mut self, now: u64, id: u64, key: &str, bytes: u32) -> Result<(u32, u64), KafkaError> {
        let _ = (now, id, key, bytes);
        Ok((0, 0))
    }
    /// Partitions can only grow (INVALID_PARTITIONS otherwise).
    pub fn add_partitions(&mut self, now: u64, total: u32) -> Result<(), KafkaError> {
        let _ = (now, total);
        Ok(())
    }
    pub fn partitions(&self) -> u32 {
        self.config.partitions
    }
    /// Log start and end offsets of a partition.
    pub fn offsets(&self, partition: u32) -> (u64, u64) {
        let _ = partition;
        (0, 0)
    }
    /// Consumer `offsetsForTimes`: first offset with timestamp >= ts.
    pub fn offset_for_time(&self, partition: u32, ts_ms: u64) -> Option<u64> {
        let _ = (partition, ts_ms);
        None
    }
    /// A member joins `group` (created on first join); triggers a rebalance.
    pub fn join(&mut self, now: u64, group: &str, member_id: &str, assignor: Assignor) -> Result<(), KafkaError> {
        let _ = (now, group, member_id, assignor);
        Ok(())
    }
    /// A member leaves (or is killed: `graceful = false` waits for the session timeout).
    pub fn leave(&mut self, now: u64, group: &str, member_id: &str, graceful: bool) -> Result<(), KafkaError> {
        let _ = (now, group, member_id, graceful);
        Ok(())
    }
    /// Poll: records from the member's partitions after the group's position.
    pub fn poll(&mut self, now: u64, group: &str, member_id: &str, max_records: u32) -> Result<Vec<KRecord>, KafkaError> {
        let _ = (now, group, member_id, max_records);
        Ok(Vec::new())
    }
    /// Commit `offset` (the next offset to read) for a partition.
    pub fn commit(&mut self, now: u64, group: &str, partition: u32, offset: u64) -> Result<(), KafkaError> {
        let _ = (now, group, partition, offset);
        Ok(())
    }
    /// Move a group's position (seek), e.g. to `offset_for_time`.
    pub fn seek(&mut self, group: &str, partition: u32, offset: u64) -> Result<(), KafkaError> {
        let _ = (group, partition, offset);
        Ok(())
    }
    pub fn members(&self, group: &str) -> Vec<MemberView> {
        let _ = group;
        Vec::new()
    }
    pub fn committed(&self, group: &str, partition: u32) -> Option<u64> {
        let _ = (group, partition);
        None
    }
    pub fn advance_to(&mut self, now: u64) {
        let _ = now;
    }
    pub fn next_deadline(&self) -> Option<u64> {
        None
    }
}
