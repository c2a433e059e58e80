//! A size-and-interval buffer: it hands over its records when they reach the
//! size hint or when the oldest has waited the interval, whichever comes
//! first. Used twice: the Lambda processor's buffer and the destination's.

use serde::Serialize;

/// Why a buffer was emptied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlushReason {
    /// The size hint was reached.
    Size,
    /// The buffer interval passed since its oldest record arrived.
    Time,
    /// The run ended (`DeliveryStream::flush`), not something AWS does.
    Flush,
}

impl FlushReason {
    pub fn label(self) -> &'static str {
        match self {
            FlushReason::Size => "size",
            FlushReason::Time => "time",
            FlushReason::Flush => "end of run",
        }
    }
}

/// One record inside Firehose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FhRecord {
    /// The lab's number of the record (received order, from 0).
    pub id: u64,
    /// When Firehose received it (ms).
    pub arrival_ms: u64,
    pub data: Vec<u8>,
    /// Where it came from, when the source is a Kinesis data stream.
    pub kinesis: Option<Box<KinesisMeta>>,
}

/// A record's place in the source Kinesis data stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KinesisMeta {
    pub shard_id: String,
    pub partition_key: String,
    /// When the stream received the record (ms).
    pub approximate_arrival_ms: u64,
    pub sequence_number: String,
    /// Index inside a KPL aggregated record (0 when not aggregated).
    pub subsequence_number: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Buffer {
    pub size_bytes: u64,
    pub interval_ms: u64,
    records: Vec<FhRecord>,
    bytes: u64,
    /// When the oldest record in the buffer arrived.
    since_ms: Option<u64>,
}

/// What the UI's fill bar shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BufferView {
    pub bytes: u64,
    pub records: usize,
    /// How long the oldest record has waited (0 when empty).
    pub age_ms: u64,
    pub size_threshold_bytes: u64,
    pub interval_ms: u64,
    /// Time left until the interval fires (None when empty).
    pub time_to_interval_ms: Option<u64>,
}

impl Buffer {
    pub fn new(size_bytes: u64, interval_ms: u64) -> Buffer {
        Buffer {
            size_bytes: size_bytes.max(1),
            interval_ms,
            records: Vec::new(),
            bytes: 0,
            since_ms: None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    pub fn records(&self) -> &[FhRecord] {
        &self.records
    }

    /// Adds a record; true when the buffer has reached its size hint.
    pub fn push(&mut self, now: u64, r: FhRecord) -> bool {
        self.bytes += r.data.len() as u64;
        self.since_ms.get_or_insert(now);
        self.records.push(r);
        self.bytes >= self.size_bytes
    }

    /// When the interval fires (None when empty).
    pub fn deadline(&self) -> Option<u64> {
        self.since_ms.map(|t| t.saturating_add(self.interval_ms))
    }

    pub fn take(&mut self) -> Vec<FhRecord> {
        self.bytes = 0;
        self.since_ms = None;
        std::mem::take(&mut self.records)
    }

    pub fn view(&self, now: u64) -> BufferView {
        BufferView {
            bytes: self.bytes,
            records: self.records.len(),
            age_ms: self.since_ms.map(|t| now.saturating_sub(t)).unwrap_or(0),
            size_threshold_bytes: self.size_bytes,
            interval_ms: self.interval_ms,
            time_to_interval_ms: self.deadline().map(|d| d.saturating_sub(now)),
        }
    }

    /// New hints (a configuration update); the records stay.
    pub fn set_hints(&mut self, size_bytes: u64, interval_ms: u64) {
        self.size_bytes = size_bytes.max(1);
        self.interval_ms = interval_ms;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: u64, n: usize) -> FhRecord {
        FhRecord {
            id,
            arrival_ms: 0,
            data: vec![b'x'; n],
            kinesis: None,
        }
    }

    #[test]
    fn size_and_time_thresholds() {
        let mut b = Buffer::new(10, 60_000);
        assert_eq!(b.deadline(), None);
        assert!(!b.push(1_000, rec(0, 4)));
        assert_eq!(b.deadline(), Some(61_000));
        assert!(!b.push(2_000, rec(1, 5)));
        assert!(b.push(3_000, rec(2, 1)));
        let v = b.view(4_000);
        assert_eq!(
            (v.bytes, v.records, v.age_ms, v.time_to_interval_ms),
            (10, 3, 3_000, Some(57_000))
        );
        assert_eq!(b.take().len(), 3);
        assert_eq!(b.view(5_000).time_to_interval_ms, None);
    }
}
