//! Amazon SQS, simulated (CONTRACT: owned by the SQS helper; public names
//! below are used by `sim.rs`, keep them, add freely).
//!
//! Facts and their sources: /work/notes/compare-design.md §5 (the AWS SQS
//! Developer Guide, cited there file by file).
//!
//! What the model does, and why:
//! - **Standard queues** store every message on several servers (AWS gives
//!   that as the reason for both best-effort order and the occasional
//!   duplicate). The model places each message on one of [`MODEL_SERVERS`]
//!   servers. *Short polling* (`WaitTimeSeconds` 0) asks a weighted random
//!   subset of [`MODEL_SHORT_POLL_SERVERS`] servers, so an answer can be
//!   empty or partial while messages exist; asking again finds them. *Long
//!   polling* (`WaitTimeSeconds` 1..=20) asks every server. Answers are
//!   built round-robin over the servers asked, so the order of delivery is
//!   only roughly the order of sending.
//! - **Duplicates** (standard only): on a successful DeleteMessage, with
//!   probability `duplicate_per_million / 10^6` a copy on a server that
//!   "was unavailable" survives the delete ([`SqsEvent::StaleCopyKept`]); it
//!   becomes visible when the deleted receipt's visibility timeout would
//!   have ended and is delivered again. AWS publishes no rate: the rate is a
//!   model parameter.
//! - **FIFO queues**: `MessageGroupId` (the workload key when none is
//!   given), strict order in a group, the group lock (nothing more from a
//!   group while one of its messages is in flight), a receive fills up with
//!   messages of one group first, deduplication by `MessageDeduplicationId`
//!   or by content with the 5-minute window (kept after delete), and the
//!   300 requests per second per action quota.
//! - Visibility timeout, ChangeMessageVisibility with the 12-hour cap,
//!   receipt handles (a new one per receive), ApproximateReceiveCount, the
//!   dead-letter queue after `maxReceiveCount`, retention, delay, the 1 MiB
//!   message size.
//!
//! FIFO queues keep every message on model server 0: their order rules
//! leave no room for the sampling effects, so the servers are drawn only
//! for standard queues.
//!
//! Lookup structures ([`SqsQueue::index_is_consistent`] checks them) mean
//! no request scans the whole queue (a FIFO receive looks at the head of
//! each message group). Measured natively, release build: 10,000 messages
//! drained by receive-10-and-delete in about 30 ms (standard) and 50 ms
//! (FIFO, three groups).
//!
//! Time is simulated (ms since the epoch, passed in). A `now` earlier than
//! a time the queue has already seen is taken as that time (time never runs
//! backwards). Randomness comes only from the seed. Bad input never panics:
//! it is an [`SqsError`] naming the parameter or attribute, AWS spelling,
//! and a refused request leaves the queue exactly as it was.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::rng::{component_rng, ComponentRng};

/// VisibilityTimeout upper bound: 12 hours (SQSDG:sqs-visibility-timeout.md).
pub const VISIBILITY_TIMEOUT_MAX_S: u32 = 43_200;
/// VisibilityTimeout default: 30 s.
pub const VISIBILITY_TIMEOUT_DEFAULT_S: u32 = 30;
/// MessageRetentionPeriod bounds: 60 s .. 14 days; default 4 days.
pub const RETENTION_MIN_S: u32 = 60;
pub const RETENTION_MAX_S: u32 = 1_209_600;
pub const RETENTION_DEFAULT_S: u32 = 345_600;
/// ReceiveMessageWaitTimeSeconds / WaitTimeSeconds upper bound (long polling).
pub const WAIT_TIME_MAX_S: u32 = 20;
/// DelaySeconds upper bound: 15 minutes.
pub const DELAY_MAX_S: u32 = 900;
/// MaxNumberOfMessages upper bound (and the batch size limit).
pub const MAX_MESSAGES_PER_RECEIVE: u32 = 10;
/// Entries in one SendMessageBatch request.
pub const MAX_BATCH_ENTRIES: usize = 10;
/// The largest message: 1 MiB (1,048,576 bytes). AWS raised the limit from
/// 256 KiB ([`CLASSIC_MAX_MESSAGE_BYTES`]) to 1 MiB in 2025; the SendMessage
/// API reference now states 1,048,576 bytes. Also the largest SendMessageBatch
/// request (sum of the bodies).
pub const MAX_MESSAGE_BYTES: u32 = 1_048_576;
/// The long-standing limit before 2025 (262,144 bytes), for the lesson text.
pub const CLASSIC_MAX_MESSAGE_BYTES: u32 = 262_144;
/// FIFO deduplication interval: 5 minutes.
pub const DEDUP_WINDOW_MS: u64 = 300_000;
/// FIFO quota: 300 transactions per second per API action (SendMessage,
/// ReceiveMessage, DeleteMessage, ChangeMessageVisibility), without
/// high-throughput mode. Enforced (see [`SqsQueue::set_throughput_limits`]).
pub const FIFO_TPS_PER_ACTION: u32 = 300;
/// FIFO with batching: 300 calls × 10 messages = 3,000 messages per second.
pub const FIFO_BATCHED_MESSAGES_PER_S: u32 = FIFO_TPS_PER_ACTION * MAX_MESSAGES_PER_RECEIVE;
/// RedrivePolicy maxReceiveCount bounds.
pub const MAX_RECEIVE_COUNT_MAX: u32 = 1_000;
/// Longest MessageGroupId / MessageDeduplicationId.
pub const MAX_ID_CHARS: usize = 128;
/// Longest queue name (FIFO names include the `.fifo` suffix).
pub const MAX_QUEUE_NAME_CHARS: usize = 80;
/// In-flight quota of a standard queue (about 120,000): short polling then
/// answers `OverLimit`, long polling answers nothing.
pub const IN_FLIGHT_MAX_STANDARD: u64 = 120_000;
/// In-flight quota of a FIFO queue (20,000): receives answer nothing.
pub const IN_FLIGHT_MAX_FIFO: u64 = 20_000;
/// MODEL parameter, not published by AWS: how many servers hold a standard
/// queue's messages. AWS says only that messages are stored redundantly on
/// "multiple servers"; five keeps the page drawable.
pub const MODEL_SERVERS: usize = 5;
/// MODEL parameter, not published by AWS: how many servers one short poll
/// asks. AWS says "a subset of its servers (based on a weighted random
/// distribution)". The model picks 3 of the 5 without replacement, each
/// weighted by 1 + the messages visible on it.
pub const MODEL_SHORT_POLL_SERVERS: usize = 3;
/// Events kept by [`SqsQueue::events`]; older ones are dropped (counted in
/// [`SqsQueue::events_dropped`]). `take_events` empties the log.
pub const EVENT_LOG_CAP: usize = 100_000;

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
    /// RedrivePolicy maxReceiveCount (1..=1,000); `None` = no dead-letter queue.
    pub max_receive_count: Option<u32>,
    /// FIFO: ContentBasedDeduplication.
    pub content_based_dedup: bool,
    /// Standard only, a MODEL parameter (AWS publishes no rate): per
    /// million DeleteMessage calls, how many leave a stale copy behind that
    /// is delivered again later. Ignored by FIFO queues (0..=1,000,000).
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

impl QueueConfig {
    /// A FIFO queue with AWS's defaults and content-based deduplication off.
    pub fn fifo() -> QueueConfig {
        QueueConfig {
            kind: QueueKind::Fifo,
            duplicate_per_million: 0,
            ..QueueConfig::default()
        }
    }

    /// Every attribute in its AWS range; the error names the first one that is not.
    pub fn validate(&self) -> Result<(), SqsError> {
        if self.visibility_timeout_s > VISIBILITY_TIMEOUT_MAX_S {
            return Err(SqsError::new(
                "VisibilityTimeout",
                format!(
                    "must be 0 to {VISIBILITY_TIMEOUT_MAX_S} seconds, got {}",
                    self.visibility_timeout_s
                ),
            ));
        }
        if !(RETENTION_MIN_S..=RETENTION_MAX_S).contains(&self.retention_s) {
            return Err(SqsError::new(
                "MessageRetentionPeriod",
                format!(
                    "must be {RETENTION_MIN_S} to {RETENTION_MAX_S} seconds, got {}",
                    self.retention_s
                ),
            ));
        }
        if self.receive_wait_s > WAIT_TIME_MAX_S {
            return Err(SqsError::new(
                "ReceiveMessageWaitTimeSeconds",
                format!(
                    "must be 0 to {WAIT_TIME_MAX_S} seconds, got {}",
                    self.receive_wait_s
                ),
            ));
        }
        if let Some(n) = self.max_receive_count {
            if !(1..=MAX_RECEIVE_COUNT_MAX).contains(&n) {
                return Err(SqsError::new(
                    "maxReceiveCount",
                    format!("must be 1 to {MAX_RECEIVE_COUNT_MAX}, got {n}"),
                ));
            }
        }
        if self.content_based_dedup && self.kind == QueueKind::Standard {
            return Err(SqsError::new(
                "ContentBasedDeduplication",
                "applies only to FIFO queues".to_string(),
            ));
        }
        if self.duplicate_per_million > 1_000_000 {
            return Err(SqsError::new(
                "duplicate_per_million",
                format!(
                    "is a rate per million, 0 to 1000000, got {}",
                    self.duplicate_per_million
                ),
            ));
        }
        Ok(())
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

impl SendMessage {
    /// The message body the lab stands for. The lab carries no real payload:
    /// the body is the key and the id, so a producer's retry of the same
    /// message has the same body, and two different messages do not.
    /// Content-based deduplication compares these bodies; equal bodies stand
    /// in for equal SHA-256 hashes (which is what SQS compares).
    pub fn body(&self) -> String {
        format!("{}#{}", self.key, self.id)
    }
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
    /// FIFO: the MessageGroupId; standard: None.
    #[serde(default)]
    pub group_id: Option<String>,
    /// This is a copy that survived an earlier DeleteMessage (standard).
    #[serde(default)]
    pub stale_copy: bool,
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
    /// Messages waiting out a delay (DelaySeconds).
    #[serde(default)]
    pub delayed: u64,
    /// Copies that survived a DeleteMessage (standard; hidden or visible).
    #[serde(default)]
    pub stale_copies: u64,
    /// Messages delivered in total (a message received twice counts twice).
    #[serde(default)]
    pub delivered: u64,
    /// DeleteMessage calls with an older receipt handle, accepted but
    /// deleting nothing (standard queues).
    #[serde(default)]
    pub stale_receipts: u64,
    /// Messages now in the dead-letter queue.
    #[serde(default)]
    pub dlq_len: u64,
    /// Messages the dead-letter queue dropped at the end of retention.
    #[serde(default)]
    pub dlq_expired: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqsError {
    /// The request field or attribute at fault, AWS spelling.
    pub field: String,
    pub message: String,
}

impl SqsError {
    pub fn new(field: &str, message: String) -> SqsError {
        SqsError {
            field: field.to_string(),
            message,
        }
    }
}

impl std::fmt::Display for SqsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for SqsError {}

/// Where a stored message is in its life.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum MessageState {
    /// DelaySeconds running: not receivable before `until_ms`.
    Delayed { until_ms: u64 },
    /// Receivable now.
    Visible,
    /// Received; hidden until `until_ms` unless deleted. `receipt` is the
    /// receive number the current receipt handle belongs to, `received_ms`
    /// when that ReceiveMessage happened (the 12-hour cap counts from it).
    InFlight {
        until_ms: u64,
        receipt: u32,
        received_ms: u64,
    },
    /// A copy on a server that missed a DeleteMessage; it surfaces at `until_ms`.
    Stranded { until_ms: u64 },
}

/// One message (or surviving copy) held by the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredMessage {
    /// The queue's own order of storing (unique per stored copy).
    pub seq: u64,
    pub id: u64,
    pub key: String,
    pub bytes: u32,
    /// FIFO MessageGroupId.
    pub group_id: Option<String>,
    /// The deduplication id used (FIFO): explicit, or the body.
    pub dedup_id: Option<String>,
    /// Original enqueue time (retention counts from it, also in the DLQ).
    pub sent_ms: u64,
    /// The model server that answers for it (0..MODEL_SERVERS).
    pub server: usize,
    /// ApproximateReceiveCount.
    pub receive_count: u32,
    pub state: MessageState,
    pub stale_copy: bool,
}

impl StoredMessage {
    /// When its delay, visibility timeout or hiding ends (None if visible).
    pub fn deadline(&self) -> Option<u64> {
        match self.state {
            MessageState::Delayed { until_ms }
            | MessageState::InFlight { until_ms, .. }
            | MessageState::Stranded { until_ms } => Some(until_ms),
            MessageState::Visible => None,
        }
    }
}

/// Lookup structures kept in step with `messages`, so that no request
/// scans the whole queue.
#[derive(Clone, Debug, PartialEq, Default)]
struct Index {
    /// (until_ms, seq) of every Delayed, InFlight and Stranded message.
    deadlines: BTreeSet<(u64, u64)>,
    /// (sent_ms, seq) of every message (retention).
    by_sent: BTreeSet<(u64, u64)>,
    /// Visible seqs per model server.
    visible: Vec<BTreeSet<u64>>,
    /// FIFO: seqs per MessageGroupId, and how many of them are in flight.
    groups: BTreeMap<String, BTreeSet<u64>>,
    group_in_flight: BTreeMap<String, u32>,
    /// Messages per state: visible, in flight, delayed, stranded.
    counts: [u64; 4],
}

impl Index {
    fn new() -> Index {
        Index {
            visible: vec![BTreeSet::new(); MODEL_SERVERS],
            ..Index::default()
        }
    }

    fn state_slot(state: &MessageState) -> usize {
        match state {
            MessageState::Visible => 0,
            MessageState::InFlight { .. } => 1,
            MessageState::Delayed { .. } => 2,
            MessageState::Stranded { .. } => 3,
        }
    }

    fn add_state(&mut self, m: &StoredMessage) {
        self.counts[Index::state_slot(&m.state)] += 1;
        match m.state {
            MessageState::Visible => {
                if let Some(v) = self.visible.get_mut(m.server) {
                    v.insert(m.seq);
                }
            }
            MessageState::InFlight { until_ms, .. } => {
                self.deadlines.insert((until_ms, m.seq));
                if let Some(g) = &m.group_id {
                    *self.group_in_flight.entry(g.clone()).or_default() += 1;
                }
            }
            MessageState::Delayed { until_ms } | MessageState::Stranded { until_ms } => {
                self.deadlines.insert((until_ms, m.seq));
            }
        }
    }

    fn remove_state(&mut self, m: &StoredMessage) {
        let c = &mut self.counts[Index::state_slot(&m.state)];
        *c = c.saturating_sub(1);
        match m.state {
            MessageState::Visible => {
                if let Some(v) = self.visible.get_mut(m.server) {
                    v.remove(&m.seq);
                }
            }
            MessageState::InFlight { until_ms, .. } => {
                self.deadlines.remove(&(until_ms, m.seq));
                if let Some(g) = &m.group_id {
                    if let Some(n) = self.group_in_flight.get_mut(g) {
                        *n = n.saturating_sub(1);
                        if *n == 0 {
                            self.group_in_flight.remove(g);
                        }
                    }
                }
            }
            MessageState::Delayed { until_ms } | MessageState::Stranded { until_ms } => {
                self.deadlines.remove(&(until_ms, m.seq));
            }
        }
    }

    fn add(&mut self, m: &StoredMessage) {
        self.by_sent.insert((m.sent_ms, m.seq));
        if let Some(g) = &m.group_id {
            self.groups.entry(g.clone()).or_default().insert(m.seq);
        }
        self.add_state(m);
    }

    fn remove(&mut self, m: &StoredMessage) {
        self.by_sent.remove(&(m.sent_ms, m.seq));
        if let Some(g) = &m.group_id {
            if let Some(set) = self.groups.get_mut(g) {
                set.remove(&m.seq);
                if set.is_empty() {
                    self.groups.remove(g);
                }
            }
        }
        self.remove_state(m);
    }
}

/// A message moved to the dead-letter queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// Its seq in the source queue.
    pub seq: u64,
    pub id: u64,
    pub key: String,
    pub bytes: u32,
    pub group_id: Option<String>,
    /// Original enqueue time: the DLQ's retention counts from it.
    pub sent_ms: u64,
    pub receive_count: u32,
    pub moved_ms: u64,
}

/// Everything that happened, in order, for counting and for checking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SqsEvent {
    Sent {
        at: u64,
        id: u64,
        seq: u64,
        server: usize,
        visible_at: u64,
    },
    /// A FIFO send inside the deduplication window: accepted, not stored.
    Deduplicated {
        at: u64,
        id: u64,
        dedup_id: String,
    },
    Received {
        at: u64,
        id: u64,
        seq: u64,
        receive_count: u32,
        server: usize,
        stale_copy: bool,
    },
    /// A receive that returned nothing; `servers` = how many it asked.
    EmptyReceive {
        at: u64,
        servers: usize,
    },
    Deleted {
        at: u64,
        id: u64,
        seq: u64,
    },
    /// DeleteMessage with an older receipt handle: accepted, nothing deleted.
    StaleReceiptIgnored {
        at: u64,
        id: u64,
        seq: u64,
    },
    /// A delay ended.
    DelayEnded {
        at: u64,
        id: u64,
        seq: u64,
    },
    /// Visibility timeout over (or a stranded copy surfaced).
    VisibleAgain {
        at: u64,
        id: u64,
        seq: u64,
        receive_count: u32,
    },
    VisibilityChanged {
        at: u64,
        id: u64,
        seq: u64,
        until_ms: u64,
    },
    DeadLettered {
        at: u64,
        id: u64,
        seq: u64,
        receive_count: u32,
    },
    /// Retention over; `dead_letter` = it was in the dead-letter queue.
    Expired {
        at: u64,
        id: u64,
        dead_letter: bool,
    },
    /// The delete missed a copy on an unavailable server (standard).
    StaleCopyKept {
        at: u64,
        id: u64,
        seq: u64,
        copy_seq: u64,
        server: usize,
        visible_at: u64,
    },
}

/// FIFO per-action request counting (one-second windows).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SqsAction {
    SendMessage,
    ReceiveMessage,
    DeleteMessage,
    ChangeMessageVisibility,
}

impl SqsAction {
    pub fn name(self) -> &'static str {
        match self {
            SqsAction::SendMessage => "SendMessage",
            SqsAction::ReceiveMessage => "ReceiveMessage",
            SqsAction::DeleteMessage => "DeleteMessage",
            SqsAction::ChangeMessageVisibility => "ChangeMessageVisibility",
        }
    }
    fn index(self) -> usize {
        self as usize
    }
}

/// A ReceiveMessage request with every parameter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiveRequest {
    /// MaxNumberOfMessages (1..=10).
    pub max_messages: u32,
    /// VisibilityTimeout for these messages (0..=43,200); None = the queue's.
    pub visibility_s: Option<u32>,
    /// WaitTimeSeconds (0..=20); None = the queue's ReceiveMessageWaitTimeSeconds.
    pub wait_s: Option<u32>,
}

enum ReceiptStatus {
    /// The current receipt of a present message.
    Current,
    /// An older receipt, or the message is no longer in the queue: AWS
    /// answers success and deletes nothing.
    Stale,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SqsQueue {
    pub name: String,
    pub config: QueueConfig,
    /// The queue's DelaySeconds (0..=900).
    delay_s: u32,
    /// The dead-letter queue's MessageRetentionPeriod (defaults to the source's).
    dlq_retention_s: u32,
    now: u64,
    next_seq: u64,
    messages: BTreeMap<u64, StoredMessage>,
    idx: Index,
    dlq: Vec<DeadLetter>,
    /// (sent_ms, seq) of the dead letters (retention).
    dlq_by_sent: BTreeSet<(u64, u64)>,
    /// FIFO deduplication ids → first accepted send, in sending order.
    dedup: BTreeMap<String, u64>,
    dedup_order: VecDeque<(u64, String)>,
    throughput_limits: bool,
    /// (second, requests per action) for the FIFO quota.
    window: (u64, [u32; 4]),
    counters: SqsStats,
    events: VecDeque<SqsEvent>,
    events_dropped: u64,
    rng: ComponentRng,
}

fn valid_queue_name(name: &str, kind: QueueKind) -> Result<(), SqsError> {
    let stem = match kind {
        QueueKind::Fifo => match name.strip_suffix(".fifo") {
            Some(s) => s,
            None => {
                return Err(SqsError::new(
                    "QueueName",
                    format!("a FIFO queue's name must end with .fifo, got {name:?}"),
                ))
            }
        },
        QueueKind::Standard => name,
    };
    let ok_chars = stem
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if stem.is_empty() || name.chars().count() > MAX_QUEUE_NAME_CHARS || !ok_chars {
        return Err(SqsError::new(
            "QueueName",
            format!("1 to {MAX_QUEUE_NAME_CHARS} characters: letters, digits, - and _ (FIFO: plus the .fifo suffix), got {name:?}"),
        ));
    }
    Ok(())
}

fn valid_fifo_id(field: &str, v: &str) -> Result<(), SqsError> {
    let n = v.chars().count();
    if n == 0 || n > MAX_ID_CHARS || !v.chars().all(|c| c.is_ascii_graphic()) {
        return Err(SqsError::new(
            field,
            format!("1 to {MAX_ID_CHARS} characters, letters, digits and punctuation, got {v:?}"),
        ));
    }
    Ok(())
}

fn ms(s: u32) -> u64 {
    u64::from(s) * 1_000
}

impl SqsQueue {
    pub fn new(name: &str, config: QueueConfig, seed: u64) -> Result<SqsQueue, SqsError> {
        valid_queue_name(name, config.kind)?;
        config.validate()?;
        let rng = component_rng(seed, &format!("sqs:{name}"));
        let dlq_retention_s = config.retention_s;
        Ok(SqsQueue {
            name: name.into(),
            config,
            delay_s: 0,
            dlq_retention_s,
            now: 0,
            next_seq: 0,
            messages: BTreeMap::new(),
            idx: Index::new(),
            dlq: Vec::new(),
            dlq_by_sent: BTreeSet::new(),
            dedup: BTreeMap::new(),
            dedup_order: VecDeque::new(),
            throughput_limits: true,
            window: (0, [0; 4]),
            counters: SqsStats::default(),
            events: VecDeque::new(),
            events_dropped: 0,
            rng,
        })
    }

    // ---- attributes -------------------------------------------------------

    /// SetQueueAttributes DelaySeconds (0..=900): new messages wait this long.
    pub fn set_delay_seconds(&mut self, delay_s: u32) -> Result<(), SqsError> {
        if delay_s > DELAY_MAX_S {
            return Err(SqsError::new(
                "DelaySeconds",
                format!("must be 0 to {DELAY_MAX_S} seconds, got {delay_s}"),
            ));
        }
        self.delay_s = delay_s;
        Ok(())
    }

    pub fn delay_seconds(&self) -> u32 {
        self.delay_s
    }

    /// The dead-letter queue's own MessageRetentionPeriod (60..=1,209,600 s).
    /// AWS advises making it longer than the source queue's, since the clock
    /// keeps running from the original enqueue time.
    pub fn set_dlq_retention(&mut self, retention_s: u32) -> Result<(), SqsError> {
        if !(RETENTION_MIN_S..=RETENTION_MAX_S).contains(&retention_s) {
            return Err(SqsError::new(
                "MessageRetentionPeriod",
                format!(
                    "must be {RETENTION_MIN_S} to {RETENTION_MAX_S} seconds, got {retention_s}"
                ),
            ));
        }
        self.dlq_retention_s = retention_s;
        Ok(())
    }

    /// FIFO only: refuse requests beyond [`FIFO_TPS_PER_ACTION`] per second
    /// and action (on by default). Standard queues are never throttled.
    pub fn set_throughput_limits(&mut self, on: bool) {
        self.throughput_limits = on;
    }

    pub fn is_fifo(&self) -> bool {
        self.config.kind == QueueKind::Fifo
    }

    /// The latest time the queue has seen.
    pub fn now(&self) -> u64 {
        self.now
    }

    // ---- requests ---------------------------------------------------------

    pub fn send(&mut self, now: u64, m: SendMessage) -> Result<(), SqsError> {
        self.send_delayed(now, m, None)
    }

    /// SendMessage with a per-message DelaySeconds (standard queues only;
    /// FIFO queues take only the queue's delay, as in AWS).
    pub fn send_delayed(
        &mut self,
        now: u64,
        m: SendMessage,
        delay_s: Option<u32>,
    ) -> Result<(), SqsError> {
        let now = now.max(self.now);
        let prepared = self.check_send(&m, delay_s)?;
        self.check_quota(now, SqsAction::SendMessage, 1)?;
        self.advance_to(now);
        self.count_request(now, SqsAction::SendMessage, 1);
        self.accept_send(now, m, prepared);
        Ok(())
    }

    /// SendMessageBatch: 1..=10 entries, one request for the FIFO quota,
    /// bodies together at most 1 MiB. A bad batch is refused whole; then
    /// every entry succeeds or fails on its own (one result per entry, in
    /// order), as in AWS.
    pub fn send_batch(
        &mut self,
        now: u64,
        entries: Vec<SendMessage>,
    ) -> Result<Vec<Result<(), SqsError>>, SqsError> {
        let now = now.max(self.now);
        if entries.is_empty() {
            return Err(SqsError::new(
                "Entries",
                "EmptyBatchRequest: a batch needs at least one entry".into(),
            ));
        }
        if entries.len() > MAX_BATCH_ENTRIES {
            return Err(SqsError::new(
                "Entries",
                format!(
                    "TooManyEntriesInBatchRequest: at most {MAX_BATCH_ENTRIES} entries, got {}",
                    entries.len()
                ),
            ));
        }
        let total: u64 = entries.iter().map(|e| u64::from(e.bytes)).sum();
        if total > u64::from(MAX_MESSAGE_BYTES) {
            return Err(SqsError::new(
                "Entries",
                format!("BatchRequestTooLong: the bodies add up to {total} bytes, at most {MAX_MESSAGE_BYTES}"),
            ));
        }
        self.check_quota(now, SqsAction::SendMessage, 1)?;
        self.advance_to(now);
        self.count_request(now, SqsAction::SendMessage, 1);
        let mut out = Vec::with_capacity(entries.len());
        for m in entries {
            match self.check_send(&m, None) {
                Ok(p) => {
                    self.accept_send(now, m, p);
                    out.push(Ok(()));
                }
                Err(e) => out.push(Err(e)),
            }
        }
        Ok(out)
    }

    /// ReceiveMessage (MaxNumberOfMessages 1..=10). Long polling in simulated
    /// time: an empty answer with `wait_s > 0` is the caller's cue to retry
    /// at `next_deadline()` or at `now + wait_s`, whichever comes first.
    pub fn receive(
        &mut self,
        now: u64,
        max_messages: u32,
        visibility_s: Option<u32>,
    ) -> Result<Vec<Delivery>, SqsError> {
        self.receive_with(
            now,
            &ReceiveRequest {
                max_messages,
                visibility_s,
                wait_s: None,
            },
        )
    }

    /// ReceiveMessage with WaitTimeSeconds too.
    pub fn receive_with(
        &mut self,
        now: u64,
        req: &ReceiveRequest,
    ) -> Result<Vec<Delivery>, SqsError> {
        let now = now.max(self.now);
        if !(1..=MAX_MESSAGES_PER_RECEIVE).contains(&req.max_messages) {
            return Err(SqsError::new(
                "MaxNumberOfMessages",
                format!(
                    "must be 1 to {MAX_MESSAGES_PER_RECEIVE}, got {}",
                    req.max_messages
                ),
            ));
        }
        if let Some(v) = req.visibility_s {
            if v > VISIBILITY_TIMEOUT_MAX_S {
                return Err(SqsError::new(
                    "VisibilityTimeout",
                    format!("must be 0 to {VISIBILITY_TIMEOUT_MAX_S} seconds, got {v}"),
                ));
            }
        }
        if let Some(w) = req.wait_s {
            if w > WAIT_TIME_MAX_S {
                return Err(SqsError::new(
                    "WaitTimeSeconds",
                    format!("must be 0 to {WAIT_TIME_MAX_S} seconds, got {w}"),
                ));
            }
        }
        self.check_quota(now, SqsAction::ReceiveMessage, 1)?;
        let wait = req.wait_s.unwrap_or(self.config.receive_wait_s);
        let in_flight = self.in_flight_at(now);
        let limit = if self.is_fifo() {
            IN_FLIGHT_MAX_FIFO
        } else {
            IN_FLIGHT_MAX_STANDARD
        };
        if in_flight >= limit && !self.is_fifo() && wait == 0 {
            return Err(SqsError::new(
                "ReceiveMessage",
                format!("OverLimit: {in_flight} messages in flight, the quota is about {IN_FLIGHT_MAX_STANDARD}"),
            ));
        }
        self.advance_to(now);
        self.count_request(now, SqsAction::ReceiveMessage, 1);
        self.counters.receives += 1;
        let visibility = req.visibility_s.unwrap_or(self.config.visibility_timeout_s);
        let max = req.max_messages as usize;
        let (picked, asked) = if in_flight >= limit {
            (Vec::new(), 0)
        } else if self.is_fifo() {
            (self.pick_fifo(now, max), 1)
        } else {
            self.pick_standard(now, max, wait > 0)
        };
        let mut out = Vec::with_capacity(picked.len());
        for seq in picked {
            if let Some(d) = self.deliver(now, seq, visibility) {
                out.push(d);
            }
        }
        if out.is_empty() {
            self.counters.empty_receives += 1;
            self.log(SqsEvent::EmptyReceive {
                at: now,
                servers: asked,
            });
        }
        Ok(out)
    }

    /// DeleteMessage. The current receipt handle deletes the message for
    /// good (standard queues: even after its visibility timeout ended, if
    /// nobody received it since). An older handle of a message received
    /// again, or a handle of a message already gone, is accepted and deletes
    /// nothing: AWS asks for "the most recently received receipt handle
    /// (otherwise, the message might not be deleted)". FIFO queues refuse a
    /// delete outside the visibility window (`ReceiptHandle`,
    /// ReceiptHandleIsInvalid). A handle this queue never issued is refused.
    pub fn delete(&mut self, now: u64, receipt_handle: &str) -> Result<(), SqsError> {
        let now = now.max(self.now);
        let (seq, receipt) = self.parse_receipt(receipt_handle)?;
        let status = self.receipt_status(now, seq, receipt, receipt_handle)?;
        self.check_quota(now, SqsAction::DeleteMessage, 1)?;
        self.advance_to(now);
        self.count_request(now, SqsAction::DeleteMessage, 1);
        match status {
            ReceiptStatus::Stale => {
                if let Some(m) = self.messages.get(&seq) {
                    let id = m.id;
                    self.counters.stale_receipts += 1;
                    self.log(SqsEvent::StaleReceiptIgnored { at: now, id, seq });
                }
            }
            ReceiptStatus::Current => {
                let Some(m) = self.remove_message(seq) else {
                    return Ok(());
                };
                self.counters.deleted += 1;
                self.log(SqsEvent::Deleted {
                    at: now,
                    id: m.id,
                    seq,
                });
                self.maybe_strand_copy(now, m);
            }
        }
        Ok(())
    }

    /// ChangeMessageVisibility: the message stays hidden for `timeout_s` from
    /// now (0 = visible at once). Only the current receipt of a message in
    /// flight; the total may not pass 12 hours after the ReceiveMessage of
    /// that receipt (`VisibilityTimeout`).
    pub fn change_visibility(
        &mut self,
        now: u64,
        receipt_handle: &str,
        timeout_s: u32,
    ) -> Result<(), SqsError> {
        let now = now.max(self.now);
        if timeout_s > VISIBILITY_TIMEOUT_MAX_S {
            return Err(SqsError::new(
                "VisibilityTimeout",
                format!("must be 0 to {VISIBILITY_TIMEOUT_MAX_S} seconds, got {timeout_s}"),
            ));
        }
        let (seq, receipt) = self.parse_receipt(receipt_handle)?;
        let retention = ms(self.config.retention_s);
        let received_ms = match self.messages.get(&seq) {
            Some(m) if m.sent_ms.saturating_add(retention) > now => match m.state {
                MessageState::InFlight { until_ms, receipt: r, received_ms } if until_ms > now && r == receipt => received_ms,
                _ if receipt > m.receive_count || receipt == 0 => {
                    return Err(SqsError::new("ReceiptHandle", "ReceiptHandleIsInvalid: this queue never issued that handle".into()))
                }
                MessageState::InFlight { receipt: r, .. } if r != receipt => {
                    return Err(SqsError::new("ReceiptHandle", "ReceiptHandleIsInvalid: the message was received again since; use the newest handle".into()))
                }
                _ => {
                    return Err(SqsError::new("ReceiptHandle", "MessageNotInflight: the message's visibility timeout has already ended".into()))
                }
            },
            _ => return Err(SqsError::new("ReceiptHandle", "ReceiptHandleIsInvalid: the message is no longer in the queue".into())),
        };
        let until = now.saturating_add(ms(timeout_s));
        let cap = received_ms.saturating_add(ms(VISIBILITY_TIMEOUT_MAX_S));
        if until > cap {
            return Err(SqsError::new(
                "VisibilityTimeout",
                format!(
                    "the message would stay hidden past 12 hours after it was received; at most {} s from now",
                    cap.saturating_sub(now) / 1_000
                ),
            ));
        }
        self.check_quota(now, SqsAction::ChangeMessageVisibility, 1)?;
        self.advance_to(now);
        self.count_request(now, SqsAction::ChangeMessageVisibility, 1);
        let new_state = MessageState::InFlight {
            until_ms: until,
            receipt,
            received_ms,
        };
        if self.set_state(seq, new_state).is_some() {
            let id = self.messages.get(&seq).map_or(0, |m| m.id);
            self.log(SqsEvent::VisibilityChanged {
                at: now,
                id,
                seq,
                until_ms: until,
            });
        }
        // Timeout 0: visible at once.
        self.advance_to(now);
        Ok(())
    }

    /// Let simulated time pass: delays end, visibility timeouts end, copies
    /// surface, retention drops messages (in the queue and in the DLQ), in
    /// time order (ties: by storing order).
    pub fn advance_to(&mut self, now: u64) {
        let now = now.max(self.now);
        self.now = now;
        let retention = ms(self.config.retention_s);
        let dlq_retention = ms(self.dlq_retention_s);
        // The earliest due item each time, ordered by (time, queue before
        // DLQ, seq, expiry before wake-up).
        loop {
            let wake = self
                .idx
                .deadlines
                .first()
                .map(|&(t, seq)| (t, 0u8, seq, 1u8));
            let expire = self
                .idx
                .by_sent
                .first()
                .map(|&(sent, seq)| (sent.saturating_add(retention), 0u8, seq, 0u8));
            let dlq = self
                .dlq_by_sent
                .first()
                .map(|&(sent, seq)| (sent.saturating_add(dlq_retention), 1u8, seq, 2u8));
            let Some((t, _, seq, kind)) = [wake, expire, dlq].into_iter().flatten().min() else {
                break;
            };
            if t > now {
                break;
            }
            match kind {
                0 => {
                    if let Some(m) = self.remove_message(seq) {
                        self.counters.expired += 1;
                        self.log(SqsEvent::Expired {
                            at: t,
                            id: m.id,
                            dead_letter: false,
                        });
                    }
                }
                1 => {
                    let Some(was) = self.set_state(seq, MessageState::Visible) else {
                        // Cannot happen (the index and the map agree); never loop.
                        self.idx.deadlines.remove(&(t, seq));
                        continue;
                    };
                    let (id, rc) = self
                        .messages
                        .get(&seq)
                        .map_or((0, 0), |m| (m.id, m.receive_count));
                    let ev = match was {
                        MessageState::Delayed { .. } => SqsEvent::DelayEnded { at: t, id, seq },
                        _ => SqsEvent::VisibleAgain {
                            at: t,
                            id,
                            seq,
                            receive_count: rc,
                        },
                    };
                    self.log(ev);
                }
                _ => {
                    self.dlq_by_sent.retain(|&(_, s)| s != seq);
                    let id = self.dlq.iter().find(|d| d.seq == seq).map_or(0, |d| d.id);
                    self.dlq.retain(|d| d.seq != seq);
                    self.counters.dlq_expired += 1;
                    self.log(SqsEvent::Expired {
                        at: t,
                        id,
                        dead_letter: true,
                    });
                }
            }
        }
    }

    /// The earliest time something changes by itself: a delay or visibility
    /// timeout ends, a stranded copy surfaces, or retention drops a message.
    pub fn next_deadline(&self) -> Option<u64> {
        let retention = ms(self.config.retention_s);
        let dlq_retention = ms(self.dlq_retention_s);
        let wake = self.idx.deadlines.first().map(|&(t, _)| t);
        let expire = self
            .idx
            .by_sent
            .first()
            .map(|&(sent, _)| sent.saturating_add(retention));
        let dlq = self
            .dlq_by_sent
            .first()
            .map(|&(sent, _)| sent.saturating_add(dlq_retention));
        [wake, expire, dlq].into_iter().flatten().min()
    }

    /// When a long poll (`wait_s` > 0) that found nothing at `now` should be
    /// asked again: when a hidden message surfaces, or when its wait ends,
    /// whichever is first. A message sent meanwhile also answers it (AWS
    /// returns as soon as one message is there); the caller knows when it
    /// sends.
    pub fn long_poll_retry_at(&self, now: u64, wait_s: u32) -> u64 {
        let end = now.saturating_add(ms(wait_s.min(WAIT_TIME_MAX_S)));
        self.next_visible_at().map_or(end, |t| t.clamp(now, end))
    }

    /// The earliest time a message that is not receivable now becomes
    /// receivable (delay over, visibility over, copy surfaces): when a long
    /// poll that found nothing would answer, if that is within its wait.
    pub fn next_visible_at(&self) -> Option<u64> {
        self.idx.deadlines.first().map(|&(t, _)| t)
    }

    pub fn stats(&self) -> SqsStats {
        let mut s = self.counters.clone();
        s.visible = self.idx.counts[0];
        s.in_flight = self.idx.counts[1];
        s.delayed = self.idx.counts[2];
        s.dlq_len = self.dlq.len() as u64;
        s
    }

    // ---- read views -------------------------------------------------------

    /// Every message still in the queue (any state), in storing order.
    pub fn messages(&self) -> impl Iterator<Item = &StoredMessage> {
        self.messages.values()
    }

    /// Messages still in the queue: visible, in flight, delayed, or a copy
    /// waiting to surface. What a consumer could still get; SQS has no replay
    /// for anything deleted.
    pub fn readable(&self) -> u64 {
        self.messages.len() as u64
    }

    pub fn visible_count(&self) -> u64 {
        self.idx.counts[0]
    }

    /// Messages in flight (received, not deleted, hidden).
    pub fn in_flight(&self) -> Vec<&StoredMessage> {
        self.messages
            .values()
            .filter(|m| matches!(m.state, MessageState::InFlight { .. }))
            .collect()
    }

    /// How many messages each model server holds (for drawing the servers;
    /// FIFO queues hold everything on server 0).
    pub fn per_server(&self) -> [u64; MODEL_SERVERS] {
        let mut out = [0u64; MODEL_SERVERS];
        for m in self.messages.values() {
            if let Some(c) = out.get_mut(m.server) {
                *c += 1;
            }
        }
        out
    }

    /// The messages one model server holds, in storing order.
    pub fn server_messages(&self, server: usize) -> Vec<&StoredMessage> {
        self.messages
            .values()
            .filter(|m| m.server == server)
            .collect()
    }

    /// The dead-letter queue, oldest move first.
    pub fn dlq(&self) -> &[DeadLetter] {
        &self.dlq
    }

    pub fn dlq_len(&self) -> u64 {
        self.dlq.len() as u64
    }

    /// The event log (oldest first; at most [`EVENT_LOG_CAP`] kept).
    pub fn events(&self) -> impl Iterator<Item = &SqsEvent> {
        self.events.iter()
    }

    /// Empties the event log and returns it.
    pub fn take_events(&mut self) -> Vec<SqsEvent> {
        self.events.drain(..).collect()
    }

    /// Events dropped because the log was full.
    pub fn events_dropped(&self) -> u64 {
        self.events_dropped
    }

    /// FIFO: requests of `action` accepted in the current one-second window.
    pub fn requests_this_second(&self, now: u64, action: SqsAction) -> u32 {
        if self.window.0 == now / 1_000 {
            self.window.1[action.index()]
        } else {
            0
        }
    }

    /// The lookup structures agree with the messages (a check for tests:
    /// they are kept in step by hand).
    pub fn index_is_consistent(&self) -> bool {
        let mut fresh = Index::new();
        for m in self.messages.values() {
            fresh.add(m);
        }
        let dlq: BTreeSet<(u64, u64)> = self.dlq.iter().map(|d| (d.sent_ms, d.seq)).collect();
        fresh == self.idx
            && dlq == self.dlq_by_sent
            && self.messages.iter().all(|(k, m)| *k == m.seq)
    }

    // ---- internals --------------------------------------------------------

    fn insert_message(&mut self, m: StoredMessage) {
        self.idx.add(&m);
        self.messages.insert(m.seq, m);
    }

    fn remove_message(&mut self, seq: u64) -> Option<StoredMessage> {
        let m = self.messages.remove(&seq)?;
        self.idx.remove(&m);
        Some(m)
    }

    /// Moves a message to `state`; returns the state it had.
    fn set_state(&mut self, seq: u64, state: MessageState) -> Option<MessageState> {
        let m = self.messages.get_mut(&seq)?;
        self.idx.remove_state(m);
        let was = std::mem::replace(&mut m.state, state);
        self.idx.add_state(m);
        Some(was)
    }

    /// Messages in flight whose timeout has not ended by `now`.
    fn in_flight_at(&self, now: u64) -> u64 {
        let ended = self
            .idx
            .deadlines
            .range(..(now.saturating_add(1), 0))
            .filter(|(_, seq)| {
                self.messages
                    .get(seq)
                    .is_some_and(|m| matches!(m.state, MessageState::InFlight { .. }))
            })
            .count() as u64;
        self.idx.counts[1].saturating_sub(ended)
    }

    fn log(&mut self, e: SqsEvent) {
        if self.events.len() >= EVENT_LOG_CAP {
            self.events.pop_front();
            self.events_dropped += 1;
        }
        self.events.push_back(e);
    }

    fn check_quota(&self, now: u64, action: SqsAction, n: u32) -> Result<(), SqsError> {
        if !self.is_fifo() || !self.throughput_limits {
            return Ok(());
        }
        let used = self.requests_this_second(now, action);
        if used.saturating_add(n) > FIFO_TPS_PER_ACTION {
            return Err(SqsError::new(
                action.name(),
                format!(
                    "ThrottlingException: a FIFO queue takes {FIFO_TPS_PER_ACTION} {} requests per second ({FIFO_BATCHED_MESSAGES_PER_S} messages with batches of 10); {used} already this second",
                    action.name()
                ),
            ));
        }
        Ok(())
    }

    fn count_request(&mut self, now: u64, action: SqsAction, n: u32) {
        let second = now / 1_000;
        if self.window.0 != second {
            self.window = (second, [0; 4]);
        }
        let c = &mut self.window.1[action.index()];
        *c = c.saturating_add(n);
    }

    /// Everything about a send that can be checked without changing state.
    /// Returns (group id, dedup id, delay) for FIFO / standard.
    fn check_send(
        &self,
        m: &SendMessage,
        delay_s: Option<u32>,
    ) -> Result<(Option<String>, Option<String>, u32), SqsError> {
        if m.bytes == 0 {
            return Err(SqsError::new(
                "MessageBody",
                "a message body needs at least 1 byte".into(),
            ));
        }
        if m.bytes > MAX_MESSAGE_BYTES {
            return Err(SqsError::new(
                "MessageBody",
                format!(
                    "{} bytes is over the limit of {MAX_MESSAGE_BYTES} bytes (1 MiB)",
                    m.bytes
                ),
            ));
        }
        if let Some(d) = delay_s {
            if d > DELAY_MAX_S {
                return Err(SqsError::new(
                    "DelaySeconds",
                    format!("must be 0 to {DELAY_MAX_S} seconds, got {d}"),
                ));
            }
            if self.is_fifo() {
                return Err(SqsError::new(
                    "DelaySeconds",
                    "FIFO queues take no per-message delay; set the queue's DelaySeconds instead"
                        .into(),
                ));
            }
        }
        let delay = delay_s.unwrap_or(self.delay_s);
        if !self.is_fifo() {
            return Ok((None, None, delay));
        }
        let group = match &m.group_id {
            Some(g) => g.clone(),
            None if !m.key.is_empty() => m.key.clone(),
            None => {
                return Err(SqsError::new(
                    "MessageGroupId",
                    "a FIFO queue needs a MessageGroupId on every message".into(),
                ))
            }
        };
        valid_fifo_id("MessageGroupId", &group)?;
        let dedup = match &m.dedup_id {
            Some(d) => {
                valid_fifo_id("MessageDeduplicationId", d)?;
                d.clone()
            }
            None if self.config.content_based_dedup => format!("body:{}", m.body()),
            None => {
                return Err(SqsError::new(
                    "MessageDeduplicationId",
                    "the queue has no ContentBasedDeduplication, so every message needs a MessageDeduplicationId".into(),
                ))
            }
        };
        Ok((Some(group), Some(dedup), delay))
    }

    fn accept_send(
        &mut self,
        now: u64,
        m: SendMessage,
        (group, dedup, delay): (Option<String>, Option<String>, u32),
    ) {
        if let Some(d) = &dedup {
            // Forget ids whose window is over.
            while let Some((t, _)) = self.dedup_order.front() {
                if now.saturating_sub(*t) < DEDUP_WINDOW_MS {
                    break;
                }
                if let Some((t, id)) = self.dedup_order.pop_front() {
                    if self.dedup.get(&id) == Some(&t) {
                        self.dedup.remove(&id);
                    }
                }
            }
            if let Some(&first) = self.dedup.get(d) {
                if now.saturating_sub(first) < DEDUP_WINDOW_MS {
                    self.counters.deduplicated += 1;
                    self.log(SqsEvent::Deduplicated {
                        at: now,
                        id: m.id,
                        dedup_id: d.clone(),
                    });
                    return;
                }
            }
            self.dedup.insert(d.clone(), now);
            self.dedup_order.push_back((now, d.clone()));
        }
        let server = if self.is_fifo() {
            0
        } else {
            self.rng.random_range(0..MODEL_SERVERS)
        };
        let seq = self.next_seq;
        self.next_seq += 1;
        let visible_at = now.saturating_add(ms(delay));
        let state = if delay > 0 {
            MessageState::Delayed {
                until_ms: visible_at,
            }
        } else {
            MessageState::Visible
        };
        self.insert_message(StoredMessage {
            seq,
            id: m.id,
            key: m.key,
            bytes: m.bytes,
            group_id: group,
            dedup_id: dedup,
            sent_ms: now,
            server,
            receive_count: 0,
            state,
            stale_copy: false,
        });
        self.counters.sent += 1;
        self.log(SqsEvent::Sent {
            at: now,
            id: m.id,
            seq,
            server,
            visible_at,
        });
    }

    /// Standard: the servers asked (all for long polling, a weighted sample
    /// for short polling), then round-robin over them, oldest first on each.
    /// Returns the seqs to deliver and how many servers were asked.
    fn pick_standard(&mut self, now: u64, max: usize, long_poll: bool) -> (Vec<u64>, usize) {
        let sizes: Vec<u64> = self.idx.visible.iter().map(|v| v.len() as u64).collect();
        // The order servers answer in is random; long polling asks all.
        let mut remaining: Vec<usize> = (0..sizes.len()).collect();
        let k = if long_poll {
            MODEL_SERVERS
        } else {
            MODEL_SHORT_POLL_SERVERS.min(MODEL_SERVERS)
        };
        let mut asked = Vec::with_capacity(k);
        while asked.len() < k && !remaining.is_empty() {
            let weights: Vec<u64> = remaining.iter().map(|&s| 1 + sizes[s]).collect();
            let total: u64 = weights.iter().sum();
            let mut r = self.rng.random_range(0..total);
            let mut pick = remaining.len() - 1;
            for (i, w) in weights.iter().enumerate() {
                if r < *w {
                    pick = i;
                    break;
                }
                r -= w;
            }
            asked.push(remaining.remove(pick));
        }
        let mut out = Vec::new();
        let mut dead = Vec::new();
        let mut cursors: Vec<_> = asked
            .iter()
            .filter_map(|&s| self.idx.visible.get(s).map(|v| v.iter()))
            .collect();
        'rounds: loop {
            let mut any = false;
            for cursor in cursors.iter_mut() {
                // Skip (and dead-letter) messages over maxReceiveCount.
                for &seq in cursor.by_ref() {
                    any = true;
                    if self.over_receive_count(seq) {
                        dead.push(seq);
                        continue;
                    }
                    out.push(seq);
                    if out.len() >= max {
                        break 'rounds;
                    }
                    break;
                }
            }
            if !any {
                break;
            }
        }
        for seq in dead {
            self.dead_letter(now, seq);
        }
        (out, asked.len())
    }

    /// FIFO: groups by their oldest message; a group with a message in
    /// flight is locked; from each open group take messages from the head
    /// while they are visible (never skipping one), filling up from one
    /// group before the next.
    fn pick_fifo(&mut self, now: u64, max: usize) -> Vec<u64> {
        let visible = |seq: &u64| {
            self.messages
                .get(seq)
                .is_some_and(|m| m.state == MessageState::Visible)
        };
        let mut open: Vec<(u64, &BTreeSet<u64>)> = self
            .idx
            .groups
            .iter()
            .filter(|(g, _)| !self.idx.group_in_flight.contains_key(*g))
            .filter_map(|(_, seqs)| seqs.first().filter(|s| visible(s)).map(|&h| (h, seqs)))
            .collect();
        open.sort_by_key(|(head, _)| *head);
        let mut out = Vec::new();
        let mut dead = Vec::new();
        'groups: for (_, seqs) in open {
            for seq in seqs {
                if !visible(seq) {
                    break;
                }
                if self.over_receive_count(*seq) {
                    dead.push(*seq);
                    continue;
                }
                out.push(*seq);
                if out.len() >= max {
                    break 'groups;
                }
            }
        }
        for seq in dead {
            self.dead_letter(now, seq);
        }
        out
    }

    fn over_receive_count(&self, seq: u64) -> bool {
        match (self.config.max_receive_count, self.messages.get(&seq)) {
            (Some(n), Some(m)) => m.receive_count >= n,
            _ => false,
        }
    }

    fn dead_letter(&mut self, now: u64, seq: u64) {
        let Some(m) = self.remove_message(seq) else {
            return;
        };
        self.counters.dead_lettered += 1;
        self.log(SqsEvent::DeadLettered {
            at: now,
            id: m.id,
            seq,
            receive_count: m.receive_count,
        });
        self.dlq_by_sent.insert((m.sent_ms, seq));
        self.dlq.push(DeadLetter {
            seq,
            id: m.id,
            key: m.key,
            bytes: m.bytes,
            group_id: m.group_id,
            sent_ms: m.sent_ms,
            receive_count: m.receive_count,
            moved_ms: now,
        });
    }

    fn deliver(&mut self, now: u64, seq: u64, visibility_s: u32) -> Option<Delivery> {
        let count = self.messages.get(&seq)?.receive_count.saturating_add(1);
        self.set_state(
            seq,
            MessageState::InFlight {
                until_ms: now.saturating_add(ms(visibility_s)),
                receipt: count,
                received_ms: now,
            },
        )?;
        let name = &self.name;
        let m = self.messages.get_mut(&seq)?;
        m.receive_count = count;
        let d = Delivery {
            id: m.id,
            key: m.key.clone(),
            receipt_handle: format!("{name}/{seq}/{}", m.receive_count),
            receive_count: m.receive_count,
            sent_ms: m.sent_ms,
            group_id: m.group_id.clone(),
            stale_copy: m.stale_copy,
        };
        let ev = SqsEvent::Received {
            at: now,
            id: m.id,
            seq,
            receive_count: m.receive_count,
            server: m.server,
            stale_copy: m.stale_copy,
        };
        self.counters.delivered += 1;
        self.log(ev);
        Some(d)
    }

    /// Standard: with probability duplicate_per_million / 10^6 a copy on an
    /// unavailable server misses the delete; it surfaces when the deleted
    /// receipt's visibility timeout would have ended.
    fn maybe_strand_copy(&mut self, now: u64, m: StoredMessage) {
        if self.is_fifo() || self.config.duplicate_per_million == 0 {
            return;
        }
        let roll = self.rng.random_range(0..1_000_000u32);
        if roll >= self.config.duplicate_per_million {
            return;
        }
        let until = match m.state {
            MessageState::InFlight { until_ms, .. } => until_ms.max(now),
            _ => now,
        };
        let shift = self.rng.random_range(1..MODEL_SERVERS);
        let server = (m.server + shift) % MODEL_SERVERS;
        let copy_seq = self.next_seq;
        self.next_seq += 1;
        let id = m.id;
        let old_seq = m.seq;
        self.insert_message(StoredMessage {
            seq: copy_seq,
            server,
            state: MessageState::Stranded { until_ms: until },
            stale_copy: true,
            ..m
        });
        self.counters.stale_copies += 1;
        self.log(SqsEvent::StaleCopyKept {
            at: now,
            id,
            seq: old_seq,
            copy_seq,
            server,
            visible_at: until,
        });
    }

    fn parse_receipt(&self, handle: &str) -> Result<(u64, u32), SqsError> {
        let invalid = || {
            SqsError::new(
                "ReceiptHandle",
                format!("ReceiptHandleIsInvalid: {handle:?} is not a receipt handle of this queue"),
            )
        };
        let mut parts = handle.rsplitn(3, '/');
        let receipt = parts
            .next()
            .and_then(|s| s.parse::<u32>().ok())
            .ok_or_else(invalid)?;
        let seq = parts
            .next()
            .and_then(|s| s.parse::<u64>().ok())
            .ok_or_else(invalid)?;
        let name = parts.next().ok_or_else(invalid)?;
        if name != self.name || receipt == 0 || seq >= self.next_seq {
            return Err(invalid());
        }
        Ok((seq, receipt))
    }

    fn receipt_status(
        &self,
        now: u64,
        seq: u64,
        receipt: u32,
        handle: &str,
    ) -> Result<ReceiptStatus, SqsError> {
        let retention = ms(self.config.retention_s);
        let Some(m) = self
            .messages
            .get(&seq)
            .filter(|m| m.sent_ms.saturating_add(retention) > now)
        else {
            // Deleted, expired or dead-lettered already: AWS answers success.
            return Ok(ReceiptStatus::Stale);
        };
        if receipt > m.receive_count {
            return Err(SqsError::new(
                "ReceiptHandle",
                format!("ReceiptHandleIsInvalid: {handle:?} was never handed out"),
            ));
        }
        let current =
            receipt == m.receive_count && !matches!(m.state, MessageState::Stranded { .. });
        if self.is_fifo() {
            let in_window = matches!(m.state, MessageState::InFlight { until_ms, receipt: r, .. } if until_ms > now && r == receipt);
            if !in_window {
                return Err(SqsError::new(
                    "ReceiptHandle",
                    "ReceiptHandleIsInvalid: on a FIFO queue a message must be deleted within its visibility timeout".into(),
                ));
            }
            return Ok(ReceiptStatus::Current);
        }
        Ok(if current {
            ReceiptStatus::Current
        } else {
            ReceiptStatus::Stale
        })
    }
}
