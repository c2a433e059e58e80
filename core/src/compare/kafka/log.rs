//! One partition's log: offsets, segments, retention, and the broker-side
//! producer state (idempotence and transactions).
//!
//! Retention follows `UnifiedLog.deleteOldSegments` (apache/kafka
//! `core/src/main/scala/kafka/log/UnifiedLog.scala`): only whole segments
//! from the front of the log are deleted, never the active (last) one.
//! - by time (`retention.ms`, skipped when -1): a segment goes when
//!   `now − newest timestamp in it > retention.ms`; when every segment has
//!   expired, the active one is rolled so the next check can delete it;
//! - by size (`retention.bytes` per partition, skipped when -1): oldest
//!   segments go while `size − retention.bytes − segment size ≥ 0`, so the
//!   log can stay above the limit by less than one segment.
//!
//! Segments here hold `segment_records` entries (a lab-sized stand-in for
//! `segment.bytes`, 1 GiB by default in Kafka). Every entry takes one
//! offset, transaction markers included.

use std::collections::{BTreeMap, VecDeque};

use super::KRecord;

/// How many recent batches the broker remembers per producer to answer a
/// retried batch with its original offset (`ProducerStateEntry.NUM_BATCHES_TO_RETAIN`).
pub const BATCHES_TO_RETAIN: usize = 5;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EntryKind {
    Data {
        id: u64,
        key: String,
        producer: Option<(u64, u16)>,
        transactional: bool,
    },
    /// A COMMIT or ABORT control record; occupies an offset, never returned by poll.
    Marker { producer_id: u64, commit: bool },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub offset: u64,
    pub timestamp: u64,
    pub bytes: u64,
    pub kind: EntryKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Segment {
    pub base_offset: u64,
    pub entries: Vec<Entry>,
    pub bytes: u64,
    pub max_timestamp: u64,
}

impl Segment {
    fn new(base_offset: u64) -> Segment {
        Segment {
            base_offset,
            entries: Vec::new(),
            bytes: 0,
            max_timestamp: 0,
        }
    }
    pub fn next_offset(&self) -> u64 {
        self.base_offset + self.entries.len() as u64
    }
}

/// Broker-side state of one producer id on one partition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ProducerEntry {
    pub epoch: u16,
    /// Last sequence appended in this epoch; -1 = none yet.
    pub last_seq: i32,
    /// (sequence, offset) of the last few batches, oldest first.
    pub recent: VecDeque<(i32, u64)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AbortedTxn {
    pub producer_id: u64,
    pub first_offset: u64,
    pub last_offset: u64,
}

/// What a retention pass did to one partition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Deleted {
    pub base_offset: u64,
    pub next_offset: u64,
    pub reason: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PartitionLog {
    pub segments: Vec<Segment>,
    pub producers: BTreeMap<u64, ProducerEntry>,
    /// Open transactions: producer id → first offset (the LSO is the smallest).
    pub ongoing: BTreeMap<u64, u64>,
    pub aborted: Vec<AbortedTxn>,
}

/// Which records a fetch may see (`isolation.level`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum IsolationLevel {
    /// Kafka's default: everything up to the high watermark, aborted and open
    /// transactional records included.
    ReadUncommitted,
    /// Only committed transactional records, and nothing at or after the last
    /// stable offset (the first offset of the oldest open transaction).
    ReadCommitted,
}

impl PartitionLog {
    pub fn new() -> PartitionLog {
        PartitionLog {
            segments: vec![Segment::new(0)],
            producers: BTreeMap::new(),
            ongoing: BTreeMap::new(),
            aborted: Vec::new(),
        }
    }

    pub fn log_start(&self) -> u64 {
        self.segments.first().map_or(0, |s| s.base_offset)
    }

    pub fn log_end(&self) -> u64 {
        self.segments.last().map_or(0, |s| s.next_offset())
    }

    /// Last stable offset: the first offset of the oldest open transaction,
    /// or the log end when none is open.
    pub fn last_stable_offset(&self) -> u64 {
        self.ongoing
            .values()
            .copied()
            .min()
            .unwrap_or_else(|| self.log_end())
            .min(self.log_end())
    }

    pub fn size_bytes(&self) -> u64 {
        self.segments.iter().map(|s| s.bytes).sum()
    }

    pub fn entry(&self, offset: u64) -> Option<&Entry> {
        let i = self.segments.partition_point(|s| s.base_offset <= offset);
        let seg = self.segments.get(i.checked_sub(1)?)?;
        seg.entries
            .get(usize::try_from(offset - seg.base_offset).ok()?)
    }

    /// Appends one entry and returns its offset.
    pub fn push(
        &mut self,
        timestamp: u64,
        bytes: u64,
        kind: EntryKind,
        segment_records: u32,
    ) -> u64 {
        let offset = self.log_end();
        let roll = self
            .segments
            .last()
            .is_none_or(|s| s.entries.len() as u64 >= u64::from(segment_records.max(1)));
        if roll {
            self.segments.push(Segment::new(offset));
        }
        if let Some(seg) = self.segments.last_mut() {
            seg.entries.push(Entry {
                offset,
                timestamp,
                bytes,
                kind,
            });
            seg.bytes += bytes;
            seg.max_timestamp = seg.max_timestamp.max(timestamp);
        }
        offset
    }

    /// `offsetsForTimes`: the first offset at or after the log start whose
    /// timestamp is at least `ts`.
    pub fn offset_for_time(&self, ts: u64) -> Option<u64> {
        self.segments
            .iter()
            .filter(|s| s.max_timestamp >= ts)
            .find_map(|s| {
                s.entries
                    .iter()
                    .find(|e| e.timestamp >= ts)
                    .map(|e| e.offset)
            })
    }

    fn is_aborted(&self, producer_id: u64, offset: u64) -> bool {
        self.aborted.iter().any(|a| {
            a.producer_id == producer_id && a.first_offset <= offset && offset <= a.last_offset
        })
    }

    /// Reads data records from `from` (which must be within the log) for a
    /// consumer at `isolation`; returns the records and the next position.
    /// Markers and (for read_committed) aborted records are stepped over.
    pub fn read(
        &self,
        partition: u32,
        from: u64,
        max: usize,
        isolation: IsolationLevel,
    ) -> (Vec<KRecord>, u64) {
        let limit = match isolation {
            IsolationLevel::ReadUncommitted => self.log_end(),
            IsolationLevel::ReadCommitted => self.last_stable_offset(),
        };
        let mut out = Vec::new();
        let mut pos = from.max(self.log_start());
        while pos < limit && out.len() < max {
            let Some(entry) = self.entry(pos) else { break };
            if let EntryKind::Data {
                id,
                key,
                producer,
                transactional,
            } = &entry.kind
            {
                let hidden = isolation == IsolationLevel::ReadCommitted
                    && *transactional
                    && producer.is_some_and(|(pid, _)| self.is_aborted(pid, entry.offset));
                if !hidden {
                    out.push(KRecord {
                        partition,
                        offset: entry.offset,
                        id: *id,
                        key: key.clone(),
                        timestamp_ms: entry.timestamp,
                    });
                }
            }
            pos += 1;
        }
        (out, pos)
    }

    /// Whether a retention pass at `now` would delete or roll anything.
    pub fn retention_due(&self, now: u64, retention_ms: i64, retention_bytes: i64) -> bool {
        if retention_ms >= 0 {
            let expired = |s: &Segment| now.saturating_sub(s.max_timestamp) > retention_ms as u64;
            if let Some(first) = self.segments.first() {
                if self.segments.len() > 1 && expired(first) {
                    return true;
                }
                if self.segments.len() == 1 && !first.entries.is_empty() && expired(first) {
                    return true;
                }
            }
        }
        if retention_bytes >= 0 && self.segments.len() > 1 {
            let diff = self.size_bytes() as i128 - i128::from(retention_bytes);
            if diff - i128::from(self.segments[0].bytes) >= 0 {
                return true;
            }
        }
        false
    }

    /// The earliest time at which a time-based pass would act, if any.
    pub fn time_retention_at(&self, retention_ms: i64) -> Option<u64> {
        if retention_ms < 0 {
            return None;
        }
        let first = self.segments.first()?;
        if self.segments.len() == 1 && first.entries.is_empty() {
            return None;
        }
        Some(
            first
                .max_timestamp
                .saturating_add(retention_ms as u64)
                .saturating_add(1),
        )
    }

    /// One retention pass (`deleteOldSegments`). Returns the deleted segments.
    pub fn apply_retention(
        &mut self,
        now: u64,
        retention_ms: i64,
        retention_bytes: i64,
    ) -> Vec<Deleted> {
        let mut deleted = Vec::new();
        if retention_ms >= 0 {
            let expired = |s: &Segment| now.saturating_sub(s.max_timestamp) > retention_ms as u64;
            while self.segments.len() > 1 && expired(&self.segments[0]) {
                let seg = self.segments.remove(0);
                deleted.push(Deleted {
                    base_offset: seg.base_offset,
                    next_offset: seg.next_offset(),
                    reason: "retention.ms",
                });
            }
            // Every segment has expired: roll the active one (deleted on the next pass).
            if self.segments.len() == 1
                && !self.segments[0].entries.is_empty()
                && expired(&self.segments[0])
            {
                let end = self.log_end();
                self.segments.push(Segment::new(end));
            }
        }
        if retention_bytes >= 0 {
            let mut diff = self.size_bytes() as i128 - i128::from(retention_bytes);
            while self.segments.len() > 1 && diff - i128::from(self.segments[0].bytes) >= 0 {
                let seg = self.segments.remove(0);
                diff -= i128::from(seg.bytes);
                deleted.push(Deleted {
                    base_offset: seg.base_offset,
                    next_offset: seg.next_offset(),
                    reason: "retention.bytes",
                });
            }
        }
        if !deleted.is_empty() {
            let start = self.log_start();
            self.aborted.retain(|a| a.last_offset >= start);
        }
        deleted
    }
}
