//! Amazon SQS, simulated (CONTRACT: owned by the SQS helper; public names
//! below are used by `sim.rs`, keep them, add freely).
//!
//! Facts and their sources: /work/notes/compare-design.md §5.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueKind {
    Standard,
    Fifo,
}

/// CreateQueue attributes (AWS names in the doc comments), validated by
/// [`SqsQueue::new`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueConfig {
    pub kind: QueueKind,
    /// VisibilityTimeout, seconds (0..=43,200; default 30).
    pub visibility_timeout_s: u32,
    /// MessageRetentionPeriod, seconds (60..=1,209,600; default 345,600).
    pub retention_s: u32,
    /// ReceiveMessageWaitTimeSeconds (0..=20; 0 = short polling).
    pub receive_wait_s: u32,
    /// RedrivePolicy maxReceiveCount; `None` = no dead-letter queue.
    pub max_receive_count: Option<u32>,
    /// FIFO: ContentBasedDeduplication.
    pub content_based_dedup: bool,
    /// Standard only, a MODEL parameter (AWS publishes no rate): per
    /// million DeleteMessage calls, how many leave a stale copy behind that
    /// is delivered again later.
    pub duplicate_per_million: u32,
}

impl Default for QueueConfig {
    fn default() -> Self {
        QueueConfig {
            kind: QueueKind::Standard,
            visibility_timeout_s: 30,
            retention_s: 345_600,
            receive_wait_s: 0,
            max_receive_count: None,
            content_based_dedup: false,
            duplicate_per_million: 1_000,
        }
    }
}

/// SendMessage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendMessage {
    /// The workload's message id (carried through to deliveries).
    pub id: u64,
    /// The workload key (FIFO: used as MessageGroupId when `group_id` is None).
    pub key: String,
    pub bytes: u32,
    pub group_id: Option<String>,
    pub dedup_id: Option<String>,
}

/// One message handed out by ReceiveMessage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: u64,
    pub key: String,
    pub receipt_handle: String,
    /// ApproximateReceiveCount after this receive.
    pub receive_count: u32,
    pub sent_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SqsStats {
    pub sent: u64,
    /// FIFO sends dropped by the 5-minute deduplication window.
    pub deduplicated: u64,
    /// Messages that can be received now.
    pub visible: u64,
    /// Received, not deleted, visibility timeout running.
    pub in_flight: u64,
    pub deleted: u64,
    pub dead_lettered: u64,
    pub expired: u64,
    pub receives: u64,
    pub empty_receives: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqsError {
    /// The request field or attribute at fault, AWS spelling.
    pub field: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SqsQueue {
    pub name: String,
    pub config: QueueConfig,
}

impl SqsQueue {
    pub fn new(name: &str, config: QueueConfig, seed: u64) -> Result<SqsQueue, SqsError> {
        let _ = seed;
        Ok(SqsQueue { name: name.into(), config })
    }
    pub fn send(&mut self, now: u64, m: SendMessage) -> Result<(), SqsError> {
        let _ = (now, m);
        Ok(())
    }
    /// ReceiveMessage (MaxNumberOfMessages 1..=10). Long polling in simulated
    /// time: an empty answer with `wait_s > 0` is the caller's cue to retry
    /// at `next_deadline()` or at `now + wait_s`, whichever comes first.
    pub fn receive(&mut self, now: u64, max_messages: u32, visibility_s: Option<u32>) -> Result<Vec<Delivery>, SqsError> {
        let _ = (now, max_messages, visibility_s);
        Ok(Vec::new())
    }
    pub fn delete(&mut self, now: u64, receipt_handle: &str) -> Result<(), SqsError> {
        let _ = (now, receipt_handle);
        Ok(())
    }
    pub fn advance_to(&mut self, now: u64) {
        let _ = now;
    }
    pub fn next_deadline(&self) -> Option<u64> {
        None
    }
    pub fn stats(&self) -> SqsStats {
        SqsStats::default()
    }
}
