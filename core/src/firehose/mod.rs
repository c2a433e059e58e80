//! Kinesis Data Firehose: a delivery stream in simulated time (issue 6).
//!
//! Processing order, as AWS documents it: KPL de-aggregation → transformation
//! (the Lambda contract, [`transform`]) → format conversion ([`convert`]) →
//! compression ([`compress`]) → destination ([`destination`]).
//!
//! [`DeliveryStream`] is sans-IO like the Data Streams engine: every call
//! takes `now` (ms since the Unix epoch), time never goes backwards, whatever
//! happens on its own (a buffer interval, an endpoint's reply, a retry)
//! happens when time is passed in, and [`DeliveryStream::next_deadline`] says
//! when the next such thing is due. Every change is appended to the event
//! log. A rejected request changes nothing. Randomness (key suffixes,
//! document ids) comes from generators derived from the seed.
//!
//! There is no replay: a delivered record leaves the delivery stream, and
//! nothing can be read back from it; only the destination has it.

pub mod buffer;
pub mod compress;
pub mod config;
pub mod convert;
pub mod destination;
pub mod job;
pub mod keys;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod source;
pub mod transform;

use crate::rng::{component_rng, ComponentRng};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use buffer::{Buffer, FhRecord, KinesisMeta};
use config::{DeliveryConfig, Destination, DestinationKind, Effective, S3BackupMode, SourceConfig};
use destination::{
    AttemptOutcome, BulkAttempt, CopyAttempt, Document, Endpoint, EndpointAttempt, ObjectBody,
    ObjectKind, OpenSearchIndex, Received, RedshiftTable, S3Bucket, S3Object,
};
use serde::Serialize;
use source::{KinesisSource, Quota};
use std::collections::VecDeque;
use std::fmt;
use transform::{Invoke, InvokeError, Outcome, Transform};

pub use buffer::{BufferView, FlushReason};
pub use config::Simulated;
pub use source::{BatchEntry, BatchResult, PutResult};

pub const ACCOUNT: &str = "000000000000";
pub const REGION: &str = "us-east-1";
/// Redshift COPY and OpenSearch index requests are retried every 5 minutes
/// within the retry duration (the developer guide's wording).
pub const CLUSTER_RETRY_MS: u64 = 5 * 60 * 1000;
/// HTTP endpoint and Splunk retries: the guide gives no interval; the lab
/// waits 1 s after the first failure and doubles the wait up to 30 s.
pub const ENDPOINT_BACKOFF_FIRST_MS: u64 = 1_000;
pub const ENDPOINT_BACKOFF_MAX_MS: u64 = 30_000;
/// Safety bound on the steps one `advance_to` takes.
const MAX_STEPS: usize = 2_000_000;

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// Why a setting or request is refused in this configuration (a code, so
/// the app can word it in either language; [`Conflict::en`] is the English).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Conflict {
    SplunkFixedSize,
    SplunkFixedInterval,
    ConversionReadsJson,
    OrcNotOffered,
    OutputFormatParquet,
    ConversionS3Only,
    ConversionUncompressed,
    RedshiftCompression,
    BackupDisabledOrAll,
    BackupFailedOrAll,
    S3HasNoEndpoint,
    SourceIsFixed,
    KinesisSourceNoPut,
    SourceIsDirectPut,
    ParquetFeatureOff,
}

impl Conflict {
    pub const ALL: [Conflict; 15] = [
        Conflict::SplunkFixedSize,
        Conflict::SplunkFixedInterval,
        Conflict::ConversionReadsJson,
        Conflict::OrcNotOffered,
        Conflict::OutputFormatParquet,
        Conflict::ConversionS3Only,
        Conflict::ConversionUncompressed,
        Conflict::RedshiftCompression,
        Conflict::BackupDisabledOrAll,
        Conflict::BackupFailedOrAll,
        Conflict::S3HasNoEndpoint,
        Conflict::SourceIsFixed,
        Conflict::KinesisSourceNoPut,
        Conflict::SourceIsDirectPut,
        Conflict::ParquetFeatureOff,
    ];

    /// The reason in English.
    pub fn en(self) -> String {
        match self {
            Conflict::SplunkFixedSize => format!("Splunk's buffer size is fixed at {} MiB", config::SPLUNK_SIZE_MIB),
            Conflict::SplunkFixedInterval => {
                format!(
                "Splunk's buffer interval is fixed at {} s",
                config::SPLUNK_INTERVAL_SECONDS
            )
            }
            Conflict::ConversionReadsJson => "record format conversion reads JSON input only".into(),
            Conflict::OrcNotOffered => "ORC output is not offered in the lab (there is no maintained pure-Rust ORC writer); use parquet".into(),
            Conflict::OutputFormatParquet => "the output format must be parquet".into(),
            Conflict::ConversionS3Only => "with record format conversion on, Amazon S3 is the only destination".into(),
            Conflict::ConversionUncompressed => "must be UNCOMPRESSED with record format conversion (Parquet output is Snappy-compressed inside)".into(),
            Conflict::RedshiftCompression => "Amazon Redshift takes GZIP or UNCOMPRESSED staging objects".into(),
            Conflict::BackupDisabledOrAll => "for S3 and Redshift the source record backup is disabled or all_data".into(),
            Conflict::BackupFailedOrAll => "OpenSearch, Splunk and HTTP endpoints always back up failed data: failed_data_only or all_data".into(),
            Conflict::S3HasNoEndpoint => "the S3 destination has no simulated endpoint".into(),
            Conflict::SourceIsFixed => "a delivery stream's source cannot be changed".into(),
            Conflict::KinesisSourceNoPut => "this operation is not permitted on a delivery stream whose source is a Kinesis data stream".into(),
            Conflict::SourceIsDirectPut => "the delivery stream's source is Direct PUT".into(),
            Conflict::ParquetFeatureOff => "Parquet encoding needs the `parquet` feature of kinesis-lab-core (the app encodes it in its lazily loaded module)".into(),
        }
    }
}

/// What is wrong (machine-readable, so the app can word it in either language).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// Outside `min..=max` (in `unit`).
    OutOfRange {
        min: String,
        max: String,
        unit: String,
    },
    /// `size` bytes; at most `max`.
    TooLarge {
        size: u64,
        max: u64,
    },
    /// `count` items; at most `max` (or at least `min` when `count` is below it).
    Count {
        count: u64,
        min: u64,
        max: u64,
    },
    TooLong {
        len: usize,
        max: usize,
    },
    Required,
    /// Not allowed in this configuration; `why` says what conflicts.
    NotAllowed {
        why: Conflict,
    },
    /// Not understood; `detail` says how.
    Malformed {
        detail: String,
    },
    /// No such thing (an invocation id, an object key).
    Unknown {
        value: String,
    },
    /// Over the Direct PUT throughput quota.
    Throttled,
}

/// An error of the Firehose API or of a configuration, naming the field
/// (`buffering.size_mib`, `Records`, `Records[3].Data`, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FirehoseError {
    /// The API's exception name (`InvalidArgumentException`, …).
    pub error_type: &'static str,
    pub field: String,
    pub problem: Problem,
}

impl FirehoseError {
    fn new(error_type: &'static str, field: &str, problem: Problem) -> Self {
        FirehoseError {
            error_type,
            field: field.to_owned(),
            problem,
        }
    }
    pub fn out_of_range(field: &str, min: String, max: String, unit: &str) -> Self {
        Self::new(
            "InvalidArgumentException",
            field,
            Problem::OutOfRange {
                min,
                max,
                unit: unit.to_owned(),
            },
        )
    }
    pub fn required(field: &str) -> Self {
        Self::new("InvalidArgumentException", field, Problem::Required)
    }
    pub fn not_allowed(field: &str, why: Conflict) -> Self {
        Self::new(
            "InvalidArgumentException",
            field,
            Problem::NotAllowed { why },
        )
    }
    pub fn malformed(field: &str, detail: impl Into<String>) -> Self {
        Self::new(
            "InvalidArgumentException",
            field,
            Problem::Malformed {
                detail: detail.into(),
            },
        )
    }
    pub fn too_long(field: &str, len: usize, max: usize) -> Self {
        Self::new(
            "InvalidArgumentException",
            field,
            Problem::TooLong { len, max },
        )
    }
    pub fn unknown(field: &str, value: impl Into<String>) -> Self {
        Self::new(
            "ResourceNotFoundException",
            field,
            Problem::Unknown {
                value: value.into(),
            },
        )
    }
}

impl fmt::Display for FirehoseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = &self.field;
        match &self.problem {
            Problem::OutOfRange { min, max, unit } => {
                let unit = if unit.is_empty() {
                    String::new()
                } else {
                    format!(" {unit}")
                };
                write!(f, "{n} must be between {min} and {max}{unit}")
            }
            Problem::TooLarge { size, max } => {
                write!(f, "{n} is {size} bytes; the limit is {max} bytes")
            }
            Problem::Count { count, min, max } => {
                write!(f, "{n} has {count} items; it must have {min} to {max}")
            }
            Problem::TooLong { len, max } => {
                write!(f, "{n} is {len} characters long; the limit is {max}")
            }
            Problem::Required => write!(f, "{n} is required"),
            Problem::NotAllowed { why } => write!(f, "{n}: {}", why.en()),
            Problem::Malformed { detail } => write!(f, "{n}: {detail}"),
            Problem::Unknown { value } => write!(f, "{n}: no such {value}"),
            Problem::Throttled => write!(
                f,
                "{n}: Slow down. (over the delivery stream's Direct PUT quota this second)"
            ),
        }
    }
}

impl std::error::Error for FirehoseError {}

// ---------------------------------------------------------------------------
// Events and counts
// ---------------------------------------------------------------------------

/// What a retry repeats.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "of", rename_all = "snake_case")]
pub enum RetryOf {
    /// A Lambda invocation (its number).
    Invocation { invocation: u64 },
    /// A delivery to the destination (its batch number).
    Delivery { batch: u64 },
}

/// Everything that happens in a delivery stream, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FirehoseEvent {
    /// A record was accepted (PutRecord, PutRecordBatch or read from the stream).
    Received { at_ms: u64, id: u64, bytes: u64 },
    /// One poll of the source stream: Kinesis records read and the user
    /// records they held after KPL de-aggregation.
    SourceRead {
        at_ms: u64,
        kinesis_records: usize,
        records: usize,
    },
    /// The Lambda processor's buffer handed a batch to the function.
    Invoked {
        at_ms: u64,
        invocation: u64,
        attempt: u32,
        records: usize,
        bytes: u64,
    },
    /// The function's answer is awaited from outside (the browser's worker).
    InvocationPending { at_ms: u64, invocation: u64 },
    /// The invocation as a whole failed.
    InvocationFailed {
        at_ms: u64,
        invocation: u64,
        attempt: u32,
        code: String,
        message: String,
    },
    /// The function's answer, record by record.
    Transformed {
        at_ms: u64,
        invocation: u64,
        ok: usize,
        dropped: usize,
        failed: usize,
    },
    /// The destination buffer was emptied into a delivery.
    BufferFlushed {
        at_ms: u64,
        batch: u64,
        reason: FlushReason,
        records: usize,
        bytes: u64,
    },
    /// A staging object for Redshift was written to S3.
    Staged { at_ms: u64, batch: u64, key: String },
    /// A request to the destination was sent.
    Attempt {
        at_ms: u64,
        batch: u64,
        attempt: u32,
    },
    /// A request failed (error or timeout).
    AttemptFailed {
        at_ms: u64,
        batch: u64,
        attempt: u32,
        code: String,
        message: String,
    },
    /// Something is tried again; its records may reach the destination twice.
    Retried {
        at_ms: u64,
        retry: RetryOf,
        attempt: u32,
        record_ids: Vec<u64>,
    },
    /// Records reached the destination (S3 object, COPY, bulk index, endpoint ack).
    Delivered {
        at_ms: u64,
        batch: u64,
        destination: DestinationKind,
        key: Option<String>,
        reason: FlushReason,
        records: usize,
        bytes: u64,
        record_ids: Vec<u64>,
    },
    /// An endpoint took a request Firehose had already given up waiting for.
    LateReceipt {
        at_ms: u64,
        batch: u64,
        attempt: u32,
        record_ids: Vec<u64>,
    },
    /// Error output was written to S3.
    ErrorOutput {
        at_ms: u64,
        kind: ObjectKind,
        key: String,
        records: usize,
        record_ids: Vec<u64>,
    },
    /// Source records were copied to the S3 backup.
    BackedUp {
        at_ms: u64,
        key: String,
        records: usize,
    },
    /// UpdateDestination: the configuration changed and the version went up.
    ConfigUpdated { at_ms: u64, version: u32 },
}

impl FirehoseEvent {
    pub fn at_ms(&self) -> u64 {
        use FirehoseEvent::*;
        match self {
            Received { at_ms, .. }
            | SourceRead { at_ms, .. }
            | Invoked { at_ms, .. }
            | InvocationPending { at_ms, .. }
            | InvocationFailed { at_ms, .. }
            | Transformed { at_ms, .. }
            | BufferFlushed { at_ms, .. }
            | Staged { at_ms, .. }
            | Attempt { at_ms, .. }
            | AttemptFailed { at_ms, .. }
            | Retried { at_ms, .. }
            | Delivered { at_ms, .. }
            | LateReceipt { at_ms, .. }
            | ErrorOutput { at_ms, .. }
            | BackedUp { at_ms, .. }
            | ConfigUpdated { at_ms, .. } => *at_ms,
        }
    }

    /// One line for logs and snapshots (times in seconds from `t0`; record
    /// ids left out).
    pub fn line(&self, t0: u64) -> String {
        use FirehoseEvent::*;
        let t = |at: &u64| {
            let d = at.saturating_sub(t0);
            format!("{}.{:03}s", d / 1000, d % 1000)
        };
        match self {
            Received { at_ms, id, bytes } => format!("{} received #{id} ({bytes} B)", t(at_ms)),
            SourceRead {
                at_ms,
                kinesis_records,
                records,
            } => format!(
                "{} read {kinesis_records} Kinesis records = {records} records",
                t(at_ms)
            ),
            Invoked {
                at_ms,
                invocation,
                attempt,
                records,
                bytes,
            } => format!(
                "{} invoke #{invocation} attempt {attempt}: {records} records, {bytes} B",
                t(at_ms)
            ),
            InvocationPending { at_ms, invocation } => {
                format!("{} invocation #{invocation} pending", t(at_ms))
            }
            InvocationFailed {
                at_ms,
                invocation,
                attempt,
                code,
                ..
            } => format!(
                "{} invocation #{invocation} attempt {attempt} failed: {code}",
                t(at_ms)
            ),
            Transformed {
                at_ms,
                invocation,
                ok,
                dropped,
                failed,
            } => format!(
                "{} invocation #{invocation}: {ok} ok, {dropped} dropped, {failed} failed",
                t(at_ms)
            ),
            BufferFlushed {
                at_ms,
                batch,
                reason,
                records,
                bytes,
            } => format!(
                "{} flush batch {batch} by {}: {records} records, {bytes} B",
                t(at_ms),
                reason.label()
            ),
            Staged { at_ms, batch, key } => format!("{} staged batch {batch} as {key}", t(at_ms)),
            Attempt {
                at_ms,
                batch,
                attempt,
            } => format!("{} send batch {batch} attempt {attempt}", t(at_ms)),
            AttemptFailed {
                at_ms,
                batch,
                attempt,
                code,
                ..
            } => format!(
                "{} batch {batch} attempt {attempt} failed: {code}",
                t(at_ms)
            ),
            Retried {
                at_ms,
                retry,
                attempt,
                record_ids,
            } => {
                let what = match retry {
                    RetryOf::Invocation { invocation } => format!("invocation #{invocation}"),
                    RetryOf::Delivery { batch } => format!("batch {batch}"),
                };
                format!(
                    "{} retry {what} (attempt {attempt}, {} records)",
                    t(at_ms),
                    record_ids.len()
                )
            }
            Delivered {
                at_ms,
                batch,
                destination,
                key,
                reason,
                records,
                bytes,
                ..
            } => format!(
                "{} delivered batch {batch} ({}) to {}{}: {records} records, {bytes} B",
                t(at_ms),
                reason.label(),
                destination.label(),
                key.as_ref().map(|k| format!(" {k}")).unwrap_or_default()
            ),
            LateReceipt {
                at_ms,
                batch,
                attempt,
                record_ids,
            } => format!(
                "{} endpoint took batch {batch} attempt {attempt} late ({} records)",
                t(at_ms),
                record_ids.len()
            ),
            ErrorOutput {
                at_ms,
                kind,
                key,
                records,
                ..
            } => format!(
                "{} error output {kind:?} {key}: {records} records",
                t(at_ms)
            ),
            BackedUp {
                at_ms,
                key,
                records,
            } => format!("{} backed up {records} records to {key}", t(at_ms)),
            ConfigUpdated { at_ms, version } => {
                format!("{} configuration updated: version {version}", t(at_ms))
            }
        }
    }
}

/// Where the records went, counted per source record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Records accepted.
    pub received: u64,
    /// Records the destination acknowledged (each once; for format conversion, records with rows).
    pub delivered: u64,
    /// Records the transform dropped on purpose (`result: Dropped`).
    pub dropped: u64,
    /// Records written to the error output (processing-failed/, format-conversion-failed/,
    /// http-endpoint-failed/, splunk-failed/, AmazonOpenSearchService_failed/, errors/ manifests).
    pub failed_to_error_prefix: u64,
    /// Copies of source records written to the S3 backup (AllData).
    pub backed_up: u64,
    /// Retries: invocations and delivery attempts tried again.
    pub retried: u64,
    /// Records still inside Firehose (buffers, a pending invocation, deliveries being retried).
    pub in_flight: u64,
}

// ---------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------

/// A Lambda invocation (also the pending one).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Invocation {
    number: u64,
    attempt: u32,
    records: Vec<FhRecord>,
    record_ids: Vec<String>,
    input: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Next {
    /// Send (or re-send) at this time.
    Send { at_ms: u64 },
    /// The reply (or the timeout) arrives at `at_ms`.
    Reply {
        at_ms: u64,
        sent_ms: u64,
        ok: bool,
        timed_out: bool,
    },
}

/// A delivery to a destination other than S3, until it is acknowledged or
/// given up.
#[derive(Clone, Debug, PartialEq)]
struct InFlight {
    batch: u64,
    /// The destination as configured when the batch was flushed (a later
    /// configuration update does not move batches already on their way).
    dest: Destination,
    reason: FlushReason,
    records: Vec<FhRecord>,
    bytes: u64,
    /// Redshift: the staged object.
    staged_key: Option<String>,
    attempt: u32,
    first_failure_ms: Option<u64>,
    last_error: (String, String),
    next: Next,
    /// Timeline entry of the attempt awaiting its reply (HTTP / Splunk).
    timeline_index: Option<usize>,
}

impl InFlight {
    fn due(&self) -> u64 {
        match self.next {
            Next::Send { at_ms } | Next::Reply { at_ms, .. } => at_ms,
        }
    }
}

/// A request the endpoint will take after Firehose stopped waiting for it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Late {
    at_ms: u64,
    batch: u64,
    attempt: u32,
    timeline_index: usize,
    record_ids: Vec<u64>,
    body: Vec<u8>,
}

/// A Kinesis Data Firehose delivery stream.
pub struct DeliveryStream {
    name: String,
    seed: u64,
    /// `transform::record_id(seed, n)` without its 34-digit sequence part
    /// (computed once: deriving it costs a hash per record).
    record_id_prefix: String,
    config: DeliveryConfig,
    eff: Effective,
    version: u32,
    created_ms: u64,
    now: u64,
    keys_rng: ComponentRng,
    docs_rng: ComponentRng,
    next_record: u64,
    next_invocation: u64,
    next_batch: u64,
    quota: Quota,
    source: Option<KinesisSource>,
    transform: Option<Box<dyn Transform>>,
    processor: Buffer,
    queued: VecDeque<Invocation>,
    pending: Option<Invocation>,
    buffer: Buffer,
    backup: Buffer,
    in_flight: Vec<InFlight>,
    late: Vec<Late>,
    bucket: S3Bucket,
    redshift: RedshiftTable,
    opensearch: OpenSearchIndex,
    endpoint: Endpoint,
    events: Vec<FirehoseEvent>,
    counts: Counts,
}

impl fmt::Debug for DeliveryStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeliveryStream")
            .field("name", &self.name)
            .field("version", &self.version)
            .field("now", &self.now)
            .field("counts", &self.counts())
            .finish_non_exhaustive()
    }
}

/// Delivery stream names: 1–64 of letters, digits, `_`, `.`, `-`.
pub fn check_name(name: &str) -> Result<(), FirehoseError> {
    if name.is_empty() {
        return Err(FirehoseError::required("DeliveryStreamName"));
    }
    if name.chars().count() > 64 {
        return Err(FirehoseError::too_long(
            "DeliveryStreamName",
            name.chars().count(),
            64,
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
    {
        return Err(FirehoseError::malformed(
            "DeliveryStreamName",
            "use letters, digits, underscores, dots and hyphens",
        ));
    }
    Ok(())
}

impl DeliveryStream {
    /// Creates a delivery stream (CreateDeliveryStream): checks the name and
    /// the configuration, naming the field of the first problem.
    pub fn new(
        name: &str,
        config: DeliveryConfig,
        seed: u64,
        now: u64,
    ) -> Result<DeliveryStream, FirehoseError> {
        check_name(name)?;
        let eff = config.validate()?;
        let source = match &config.source {
            SourceConfig::DirectPut => None,
            SourceConfig::KinesisStream { stream, start } => {
                Some(KinesisSource::new(stream, *start, now))
            }
        };
        let mut s = DeliveryStream {
            name: name.to_owned(),
            seed,
            record_id_prefix: {
                let first = transform::record_id(seed, 0);
                first[..first.len().saturating_sub(34)].to_owned()
            },
            version: 1,
            created_ms: now,
            now,
            keys_rng: component_rng(seed, &format!("firehose.{name}.keys")),
            docs_rng: component_rng(seed, &format!("firehose.{name}.docs")),
            next_record: 0,
            next_invocation: 0,
            next_batch: 0,
            quota: Quota::default(),
            source,
            transform: None,
            processor: Buffer::new(eff.processor_size_bytes, eff.processor_interval_ms),
            queued: VecDeque::new(),
            pending: None,
            buffer: Buffer::new(eff.size_bytes, eff.interval_ms),
            backup: Buffer::new(eff.size_bytes, eff.interval_ms),
            in_flight: Vec::new(),
            late: Vec::new(),
            bucket: S3Bucket::new(config.destination.bucket()),
            redshift: RedshiftTable::default(),
            opensearch: OpenSearchIndex::default(),
            endpoint: Endpoint::default(),
            events: Vec::new(),
            counts: Counts::default(),
            config,
            eff,
        };
        s.sync_destination();
        s.install_config_transform();
        Ok(s)
    }

    fn sync_destination(&mut self) {
        match &self.config.destination {
            Destination::Redshift { table, columns, .. }
                if self.redshift.name != *table || self.redshift.columns != *columns =>
            {
                self.redshift.name = table.clone();
                self.redshift.columns = columns.clone();
                self.redshift.rows.clear();
            }
            Destination::Splunk { endpoint, .. } => self.endpoint.url = endpoint.clone(),
            Destination::HttpEndpoint { url, .. } => self.endpoint.url = url.clone(),
            _ => {}
        }
        self.bucket.name = self.config.destination.bucket().to_owned();
    }

    // ----- reading the state -----

    /// The `RecordId` of record `id` (what PutRecord returns and the Lambda
    /// input's `recordId`).
    pub fn record_id(&self, id: u64) -> String {
        format!("{}{id:034}", self.record_id_prefix)
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{}",
            self.name
        )
    }
    pub fn config(&self) -> &DeliveryConfig {
        &self.config
    }
    pub fn effective(&self) -> &Effective {
        &self.eff
    }
    /// `DeliveryStreamVersion`: 1 at creation, +1 on every configuration update.
    pub fn version(&self) -> u32 {
        self.version
    }
    pub fn created_ms(&self) -> u64 {
        self.created_ms
    }
    pub fn now(&self) -> u64 {
        self.now
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn events(&self) -> &[FirehoseEvent] {
        &self.events
    }
    pub fn take_events(&mut self) -> Vec<FirehoseEvent> {
        std::mem::take(&mut self.events)
    }
    /// The destination buffer, for the fill bar.
    pub fn buffer(&self) -> BufferView {
        self.buffer.view(self.now)
    }
    /// The Lambda processor's buffer (None without a transform).
    pub fn processor_buffer(&self) -> Option<BufferView> {
        self.transform
            .as_ref()
            .map(|_| self.processor.view(self.now))
    }
    pub fn bucket(&self) -> &S3Bucket {
        &self.bucket
    }
    pub fn redshift(&self) -> &RedshiftTable {
        &self.redshift
    }
    pub fn opensearch(&self) -> &OpenSearchIndex {
        &self.opensearch
    }
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }
    pub fn has_transform(&self) -> bool {
        self.transform.is_some()
    }

    pub fn counts(&self) -> Counts {
        let mut c = self.counts;
        c.in_flight = (self.processor.len()
            + self.buffer.len()
            + self.queued.iter().map(|i| i.records.len()).sum::<usize>()
            + self.pending.as_ref().map_or(0, |i| i.records.len())
            + self
                .in_flight
                .iter()
                .map(|d| d.records.len())
                .sum::<usize>()) as u64;
        c
    }

    /// The bytes of an object: stored bytes, or Parquet encoded now (needs
    /// the `parquet` feature; without it the app encodes the rows itself).
    pub fn object_bytes(&self, key: &str) -> Result<Vec<u8>, FirehoseError> {
        let o = self
            .bucket
            .get(key)
            .ok_or_else(|| FirehoseError::unknown("key", key))?;
        match &o.body {
            ObjectBody::Bytes(b) => Ok(b.clone()),
            ObjectBody::Parquet { schema, rows } => encode_parquet(schema, rows),
        }
    }

    /// The invocation waiting for its answer: its number and input JSON.
    pub fn pending_invocation(&self) -> Option<(u64, &str)> {
        self.pending.as_ref().map(|i| (i.number, i.input.as_str()))
    }

    /// When something next happens on its own (a buffer interval, a reply,
    /// a retry, a poll of the source stream). None when idle.
    pub fn next_deadline(&self) -> Option<u64> {
        let mut d = self.internal_deadline();
        if let Some(s) = &self.source {
            d = Some(d.map_or(s.next_deadline(), |x| x.min(s.next_deadline())));
        }
        d
    }

    fn internal_deadline(&self) -> Option<u64> {
        let proc = if self.pending.is_none() && self.transform.is_some() {
            self.processor.deadline()
        } else {
            None
        };
        [
            proc,
            self.buffer.deadline(),
            self.backup.deadline(),
            self.in_flight.iter().map(InFlight::due).min(),
            self.late.iter().map(|l| l.at_ms).min(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    // ----- configuration -----

    /// Installs the configuration's built-in transform, if it names one.
    fn install_config_transform(&mut self) {
        if let Some(b) = self.config.processing.transform.clone() {
            self.transform = Some(Box::new(b));
        }
    }

    /// Sets the transform (the Lambda function), or removes it; records in
    /// the processor's buffer (and invocations queued behind a pending one)
    /// then go straight on.
    pub fn set_transform(&mut self, t: Option<Box<dyn Transform>>) {
        self.transform = t;
        if self.transform.is_none() {
            // Records not yet handed to the function go straight on, oldest
            // first; a pending invocation still waits for its answer.
            let now = self.now;
            let queued: Vec<Invocation> = self.queued.drain(..).collect();
            for r in queued.into_iter().flat_map(|i| i.records) {
                self.buffer_for_delivery(now, r);
            }
            for r in self.processor.take() {
                self.buffer_for_delivery(now, r);
            }
        }
    }

    /// Changes the simulated cluster or endpoint (fail / latency). Not a
    /// configuration change of the delivery stream.
    pub fn set_simulated(&mut self, sim: Simulated) -> Result<(), FirehoseError> {
        if sim.latency_ms > config::MAX_LATENCY_MS {
            return Err(FirehoseError::out_of_range(
                "latency_ms",
                "0".into(),
                config::MAX_LATENCY_MS.to_string(),
                "ms",
            ));
        }
        match self.config.destination.simulated_mut() {
            Some(s) => {
                *s = sim;
                Ok(())
            }
            None => Err(FirehoseError::not_allowed(
                "destination.type",
                Conflict::S3HasNoEndpoint,
            )),
        }
    }

    /// UpdateDestination: a new configuration (same source). The version
    /// goes up by one; buffered records stay and follow the new settings.
    pub fn update_destination(
        &mut self,
        now: u64,
        config: DeliveryConfig,
    ) -> Result<u32, FirehoseError> {
        let eff = config.validate()?;
        if config.source != self.config.source {
            return Err(FirehoseError::not_allowed(
                "source",
                Conflict::SourceIsFixed,
            ));
        }
        self.advance_to(now);
        let now = self.now;
        self.config = config;
        self.eff = eff;
        self.processor.set_hints(
            self.eff.processor_size_bytes,
            self.eff.processor_interval_ms,
        );
        self.buffer
            .set_hints(self.eff.size_bytes, self.eff.interval_ms);
        self.backup
            .set_hints(self.eff.size_bytes, self.eff.interval_ms);
        self.version += 1;
        self.sync_destination();
        self.install_config_transform();
        self.events.push(FirehoseEvent::ConfigUpdated {
            at_ms: now,
            version: self.version,
        });
        Ok(self.version)
    }

    // ----- sources -----

    fn direct_put_only(&self) -> Result<(), FirehoseError> {
        if self.source.is_some() {
            return Err(FirehoseError::not_allowed(
                "DeliveryStreamName",
                Conflict::KinesisSourceNoPut,
            ));
        }
        Ok(())
    }

    fn check_record(field: &str, data: &[u8]) -> Result<(), FirehoseError> {
        if data.len() > source::MAX_RECORD_BYTES {
            return Err(FirehoseError::new(
                "InvalidArgumentException",
                field,
                Problem::TooLarge {
                    size: data.len() as u64,
                    max: source::MAX_RECORD_BYTES as u64,
                },
            ));
        }
        Ok(())
    }

    fn throttled(field: &str) -> FirehoseError {
        FirehoseError::new("ServiceUnavailableException", field, Problem::Throttled)
    }

    /// PutRecord.
    pub fn put_record(&mut self, now: u64, data: Vec<u8>) -> Result<PutResult, FirehoseError> {
        self.direct_put_only()?;
        Self::check_record("Record.Data", &data)?;
        let t = now.max(self.now);
        let mut q = self.quota.clone();
        if !q.take_request(t) || !q.take_record(t, data.len() as u64) {
            return Err(Self::throttled("Record"));
        }
        self.advance_to(now);
        self.quota = q;
        let id = self.ingest(self.now, data, None);
        Ok(PutResult {
            record_id: self.record_id(id),
            id,
            encrypted: false,
        })
    }

    /// PutRecordBatch: 1–500 records, at most 4 MiB in all, each at most
    /// 1,000 KiB. Records over the throughput quota fail one by one.
    pub fn put_record_batch(
        &mut self,
        now: u64,
        records: Vec<Vec<u8>>,
    ) -> Result<BatchResult, FirehoseError> {
        self.direct_put_only()?;
        if records.is_empty() || records.len() > source::MAX_BATCH_RECORDS {
            return Err(FirehoseError::new(
                "InvalidArgumentException",
                "Records",
                Problem::Count {
                    count: records.len() as u64,
                    min: 1,
                    max: source::MAX_BATCH_RECORDS as u64,
                },
            ));
        }
        for (i, r) in records.iter().enumerate() {
            Self::check_record(&format!("Records[{i}].Data"), r)?;
        }
        let total: u64 = records.iter().map(|r| r.len() as u64).sum();
        if total > source::MAX_BATCH_BYTES as u64 {
            return Err(FirehoseError::new(
                "InvalidArgumentException",
                "Records",
                Problem::TooLarge {
                    size: total,
                    max: source::MAX_BATCH_BYTES as u64,
                },
            ));
        }
        let t = now.max(self.now);
        let mut q = self.quota.clone();
        if !q.take_request(t) {
            return Err(Self::throttled("Records"));
        }
        self.advance_to(now);
        self.quota = q;
        let now = self.now;
        let mut responses = Vec::with_capacity(records.len());
        let mut failed = 0;
        for data in records {
            if self.quota.take_record(now, data.len() as u64) {
                let id = self.ingest(now, data, None);
                responses.push(BatchEntry::Ok(PutResult {
                    record_id: self.record_id(id),
                    id,
                    encrypted: false,
                }));
            } else {
                failed += 1;
                responses.push(BatchEntry::Failed {
                    error_code: "ServiceUnavailableException".into(),
                    error_message: "Slow down.".into(),
                });
            }
        }
        Ok(BatchResult {
            failed_put_count: failed,
            encrypted: false,
            request_responses: responses,
        })
    }

    /// Reads the source stream (a delivery stream with a Kinesis data stream
    /// source) as far as its polls are due at `now`; returns the records taken.
    pub fn poll_source(
        &mut self,
        now: u64,
        engine: &mut crate::stream::engine::Engine,
    ) -> Result<usize, FirehoseError> {
        if self.source.is_none() {
            return Err(FirehoseError::not_allowed(
                "source",
                Conflict::SourceIsDirectPut,
            ));
        }
        self.advance_to(now);
        let now = self.now;
        let Some(src) = self.source.as_mut() else {
            return Ok(0);
        };
        let report = src
            .poll(engine, now)
            .map_err(|e| FirehoseError::malformed("source.stream", e.message))?;
        if report.kinesis_records > 0 {
            self.events.push(FirehoseEvent::SourceRead {
                at_ms: now,
                kinesis_records: report.kinesis_records,
                records: report.records.len(),
            });
        }
        let n = report.records.len();
        for r in report.records {
            self.ingest(now, r.data, Some(Box::new(r.meta)));
        }
        Ok(n)
    }

    // ----- time -----

    /// Runs everything due at or before `now`, in time order.
    pub fn advance_to(&mut self, now: u64) {
        let now = now.max(self.now);
        let mut steps = 0;
        while let Some(t) = self.internal_deadline().filter(|&t| t <= now) {
            self.now = self.now.max(t);
            self.fire(t);
            steps += 1;
            if steps >= MAX_STEPS {
                break;
            }
        }
        self.now = now;
    }

    /// Ends a run: what the buffers hold is invoked and delivered now
    /// (reason `Flush`), then whatever that starts runs as time passes.
    pub fn flush(&mut self, now: u64) {
        self.advance_to(now);
        let now = self.now;
        if self.transform.is_some() {
            self.flush_processor(now);
        }
        self.flush_buffer(now, FlushReason::Flush);
        self.flush_backup(now);
    }

    /// Advances until nothing is left to happen on its own (or `limit_ms`
    /// passes); returns the time reached. A pending invocation stops it.
    pub fn run_until_idle(&mut self, limit_ms: u64) -> u64 {
        while let Some(t) = self.internal_deadline() {
            if t > limit_ms {
                break;
            }
            self.advance_to(t);
            if self.internal_deadline().is_some_and(|d| d <= t) {
                // Only the step bound of advance_to leaves a due deadline.
                break;
            }
        }
        self.now
    }

    fn fire(&mut self, t: u64) {
        if self.pending.is_none() && self.transform.is_some() {
            if let Some(d) = self.processor.deadline() {
                if d <= t {
                    self.flush_processor(t);
                }
            }
        }
        if self.buffer.deadline().is_some_and(|d| d <= t) {
            self.flush_buffer(t, FlushReason::Time);
        }
        if self.backup.deadline().is_some_and(|d| d <= t) {
            self.flush_backup(t);
        }
        let mut i = 0;
        while i < self.in_flight.len() {
            if self.in_flight[i].due() <= t {
                let d = self.in_flight.remove(i);
                if let Some(d) = self.step_delivery(d) {
                    self.in_flight.insert(i, d);
                    i += 1;
                }
            } else {
                i += 1;
            }
        }
        let (due, rest): (Vec<Late>, Vec<Late>) = std::mem::take(&mut self.late)
            .into_iter()
            .partition(|l| l.at_ms <= t);
        self.late = rest;
        for l in due {
            if let Some(a) = self.endpoint.timeline.get_mut(l.timeline_index) {
                a.received_ms = Some(l.at_ms);
            }
            self.endpoint.received.push(Received {
                batch: l.batch,
                attempt: l.attempt,
                at_ms: l.at_ms,
                record_ids: l.record_ids.clone(),
                body: l.body,
            });
            self.events.push(FirehoseEvent::LateReceipt {
                at_ms: l.at_ms,
                batch: l.batch,
                attempt: l.attempt,
                record_ids: l.record_ids,
            });
        }
    }

    // ----- the pipeline -----

    fn ingest(&mut self, now: u64, data: Vec<u8>, kinesis: Option<Box<KinesisMeta>>) -> u64 {
        let id = self.next_record;
        self.next_record += 1;
        self.counts.received += 1;
        self.events.push(FirehoseEvent::Received {
            at_ms: now,
            id,
            bytes: data.len() as u64,
        });
        let rec = FhRecord {
            id,
            arrival_ms: now,
            data,
            kinesis,
        };
        if self.eff.backup == S3BackupMode::AllData && self.backup.push(now, rec.clone()) {
            self.flush_backup(now);
        }
        if self.transform.is_some() {
            if self.processor.push(now, rec) {
                self.flush_processor(now);
            }
        } else {
            self.buffer_for_delivery(now, rec);
        }
        id
    }

    fn buffer_for_delivery(&mut self, now: u64, rec: FhRecord) {
        if self.buffer.push(now, rec) {
            self.flush_buffer(now, FlushReason::Size);
        }
    }

    fn flush_processor(&mut self, now: u64) {
        let records = self.processor.take();
        // Lambda takes at most 6 MB per request: many small records can
        // need more than one invocation for one buffer.
        let mut batch = Vec::new();
        let mut size = 0;
        for r in records {
            let cost = input_cost(&r);
            if !batch.is_empty() && size + cost > transform::MAX_PAYLOAD_BYTES {
                self.queue_invocation(std::mem::take(&mut batch));
                size = 0;
            }
            size += cost;
            batch.push(r);
        }
        if !batch.is_empty() {
            self.queue_invocation(batch);
        }
        self.run_queue(now);
    }

    fn queue_invocation(&mut self, records: Vec<FhRecord>) {
        let number = self.next_invocation;
        self.next_invocation += 1;
        let record_ids: Vec<String> = records.iter().map(|r| self.record_id(r.id)).collect();
        let inputs: Vec<transform::InputRecord<'_>> = records
            .iter()
            .zip(&record_ids)
            .map(|(r, id)| transform::InputRecord {
                record_id: id,
                arrival_ms: r.arrival_ms,
                data: &r.data,
            })
            .collect();
        let invocation_id = transform::invocation_id(self.seed, number);
        let input = match &self.config.source {
            SourceConfig::KinesisStream { stream, .. } => {
                let stream_arn = format!("arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{stream}");
                let with_meta: Vec<transform::StreamInputRecord<'_>> = inputs
                    .iter()
                    .zip(&records)
                    .map(|(i, r)| {
                        let k = r.kinesis.as_deref();
                        transform::StreamInputRecord {
                            record: *i,
                            kinesis: transform::KinesisRecordMetadata {
                                shard_id: k.map_or("", |k| k.shard_id.as_str()),
                                partition_key: k.map_or("", |k| k.partition_key.as_str()),
                                approximate_arrival_ms: k
                                    .map_or(r.arrival_ms, |k| k.approximate_arrival_ms),
                                sequence_number: k.map_or("", |k| k.sequence_number.as_str()),
                                subsequence_number: k.map_or(0, |k| k.subsequence_number),
                            },
                        }
                    })
                    .collect();
                transform::build_stream_input(
                    &invocation_id,
                    &stream_arn,
                    &self.arn(),
                    REGION,
                    &with_meta,
                )
            }
            SourceConfig::DirectPut => {
                transform::build_input(&invocation_id, &self.arn(), REGION, &inputs)
            }
        };
        drop(inputs);
        self.queued.push_back(Invocation {
            number,
            attempt: 1,
            records,
            record_ids,
            input,
        });
    }

    fn run_queue(&mut self, now: u64) {
        while self.pending.is_none() {
            let Some(inv) = self.queued.pop_front() else {
                return;
            };
            self.invoke(now, inv);
        }
    }

    /// Invokes (and re-invokes on whole-invocation failure) until the
    /// invocation is settled or pending.
    fn invoke(&mut self, now: u64, mut inv: Invocation) {
        loop {
            self.events.push(FirehoseEvent::Invoked {
                at_ms: now,
                invocation: inv.number,
                attempt: inv.attempt,
                records: inv.records.len(),
                bytes: inv.records.iter().map(|r| r.data.len() as u64).sum(),
            });
            let answer = match self.transform.as_mut() {
                Some(t) => t.invoke(&inv.input),
                None => Invoke::Done(Err(InvokeError::function_error(
                    "the transform was removed",
                ))),
            };
            match answer {
                Invoke::Pending => {
                    self.events.push(FirehoseEvent::InvocationPending {
                        at_ms: now,
                        invocation: inv.number,
                    });
                    self.pending = Some(inv);
                    return;
                }
                Invoke::Done(result) => match self.settle(now, inv, result) {
                    None => return,
                    Some(again) => inv = again,
                },
            }
        }
    }

    /// Applies an invocation's answer. Returns the invocation to try again
    /// when it failed as a whole and retries are left.
    fn settle(
        &mut self,
        now: u64,
        mut inv: Invocation,
        result: Result<String, InvokeError>,
    ) -> Option<Invocation> {
        let sent: Vec<&str> = inv.record_ids.iter().map(String::as_str).collect();
        match result.and_then(|text| transform::check_output(&sent, &text)) {
            Ok(outcomes) => {
                let (mut ok, mut dropped) = (0, 0);
                let mut failed: Vec<(FhRecord, String, String)> = Vec::new();
                for (rec, (_, outcome)) in inv.records.into_iter().zip(outcomes) {
                    match outcome {
                        Outcome::Ok(data) => {
                            ok += 1;
                            self.buffer_for_delivery(
                                now,
                                FhRecord {
                                    id: rec.id,
                                    arrival_ms: rec.arrival_ms,
                                    data,
                                    kinesis: rec.kinesis,
                                },
                            );
                        }
                        Outcome::Dropped => {
                            dropped += 1;
                            self.counts.dropped += 1;
                        }
                        Outcome::Failed { code, message } => failed.push((rec, code, message)),
                    }
                }
                self.events.push(FirehoseEvent::Transformed {
                    at_ms: now,
                    invocation: inv.number,
                    ok,
                    dropped,
                    failed: failed.len(),
                });
                self.processing_failed(now, inv.attempt, failed);
                None
            }
            Err(e) => {
                self.events.push(FirehoseEvent::InvocationFailed {
                    at_ms: now,
                    invocation: inv.number,
                    attempt: inv.attempt,
                    code: e.code.clone(),
                    message: e.message.clone(),
                });
                if inv.attempt <= self.eff.retries {
                    inv.attempt += 1;
                    self.counts.retried += 1;
                    self.events.push(FirehoseEvent::Retried {
                        at_ms: now,
                        retry: RetryOf::Invocation {
                            invocation: inv.number,
                        },
                        attempt: inv.attempt,
                        record_ids: inv.records.iter().map(|r| r.id).collect(),
                    });
                    return Some(inv);
                }
                let failed = inv
                    .records
                    .into_iter()
                    .map(|r| (r, e.code.clone(), e.message.clone()))
                    .collect();
                self.events.push(FirehoseEvent::Transformed {
                    at_ms: now,
                    invocation: inv.number,
                    ok: 0,
                    dropped: 0,
                    failed: sent.len(),
                });
                self.processing_failed(now, inv.attempt, failed);
                None
            }
        }
    }

    /// Hands the answer of the pending invocation `id` to the engine (the
    /// browser's worker finished, threw or timed out).
    pub fn complete_invocation(
        &mut self,
        id: u64,
        now: u64,
        result: Result<String, InvokeError>,
    ) -> Result<(), FirehoseError> {
        match &self.pending {
            Some(p) if p.number == id => {}
            _ => {
                return Err(FirehoseError::unknown(
                    "invocation",
                    format!("pending invocation #{id}"),
                ))
            }
        }
        self.advance_to(now);
        let now = self.now;
        let Some(inv) = self.pending.take() else {
            return Ok(());
        };
        if let Some(again) = self.settle(now, inv, result) {
            self.invoke(now, again);
        }
        self.run_queue(now);
        // A processor interval that passed while the invocation waited fires now.
        self.advance_to(now);
        Ok(())
    }

    fn processing_failed(
        &mut self,
        now: u64,
        attempts: u32,
        failed: Vec<(FhRecord, String, String)>,
    ) {
        if failed.is_empty() {
            return;
        }
        let function = self
            .transform
            .as_ref()
            .map_or("lab-transform".to_string(), |t| {
                t.function_name().to_string()
            });
        let arn = transform::lambda_arn(REGION, ACCOUNT, &function);
        let mut body = String::new();
        for (r, code, message) in &failed {
            body.push_str(&transform::processing_failed_record(
                attempts,
                r.arrival_ms,
                code,
                message,
                now,
                &r.data,
                &arn,
            ));
        }
        let recs: Vec<FhRecord> = failed.into_iter().map(|(r, _, _)| r).collect();
        self.write_error(
            now,
            ObjectKind::ProcessingFailed,
            body.into_bytes(),
            &recs,
            recs.len(),
        );
    }

    /// Writes error output as one object under its error type's prefix.
    fn write_error(
        &mut self,
        now: u64,
        kind: ObjectKind,
        body: Vec<u8>,
        recs: &[FhRecord],
        documents: usize,
    ) {
        let prefix = keys::error_prefix(
            self.config.error_output_prefix.as_deref(),
            kind.error_type().unwrap_or("errors"),
            now,
            &mut self.keys_rng,
        );
        let key =
            prefix + &keys::object_name(&self.name, self.version, now, "", &mut self.keys_rng);
        let record_ids: Vec<u64> = recs.iter().map(|r| r.id).collect();
        let raw_bytes = recs.iter().map(|r| r.data.len() as u64).sum();
        self.counts.failed_to_error_prefix += recs.len() as u64;
        self.events.push(FirehoseEvent::ErrorOutput {
            at_ms: now,
            kind,
            key: key.clone(),
            records: recs.len(),
            record_ids: record_ids.clone(),
        });
        self.bucket.put(S3Object {
            key,
            kind,
            body: ObjectBody::Bytes(body),
            compression: compress::Compression::Uncompressed,
            records: documents,
            record_ids,
            raw_bytes,
            reason: None,
            created_ms: now,
        });
    }

    fn flush_backup(&mut self, now: u64) {
        let recs = self.backup.take();
        if recs.is_empty() {
            return;
        }
        let prefix = self
            .config
            .backup_prefix
            .as_deref()
            .unwrap_or("source-backup/")
            .to_owned();
        let object =
            self.compressed_object(now, Some(&prefix), &recs, ObjectKind::SourceBackup, None);
        self.counts.backed_up += recs.len() as u64;
        self.events.push(FirehoseEvent::BackedUp {
            at_ms: now,
            key: object.key.clone(),
            records: recs.len(),
        });
        self.bucket.put(object);
    }

    /// An object of `records`' bytes, compressed as the S3 settings say,
    /// under `prefix` (None: the default `YYYY/MM/dd/HH/` layout). The
    /// archive's entry (ZIP) is named like the object without its extension.
    fn compressed_object(
        &mut self,
        now: u64,
        prefix: Option<&str>,
        records: &[FhRecord],
        kind: ObjectKind,
        reason: Option<FlushReason>,
    ) -> S3Object {
        let c = self.s3_compression();
        let raw: Vec<u8> = records
            .iter()
            .flat_map(|r| r.data.iter().copied())
            .collect();
        let prefix = keys::delivery_prefix(prefix, now, &mut self.keys_rng);
        let ext = compress::extension(c);
        let name = keys::object_name(&self.name, self.version, now, ext, &mut self.keys_rng);
        let inner = name.trim_end_matches(ext);
        let body = compress::compress(c, inner, &raw).unwrap_or_else(|_| raw.clone());
        S3Object {
            key: prefix + &name,
            kind,
            body: ObjectBody::Bytes(body),
            compression: c,
            records: records.len(),
            record_ids: records.iter().map(|r| r.id).collect(),
            raw_bytes: raw.len() as u64,
            reason,
            created_ms: now,
        }
    }

    /// The compression of S3 objects (never with format conversion).
    fn s3_compression(&self) -> compress::Compression {
        if self.eff.conversion {
            compress::Compression::Uncompressed
        } else {
            self.config.compression
        }
    }

    fn flush_buffer(&mut self, now: u64, reason: FlushReason) {
        let records = self.buffer.take();
        if records.is_empty() {
            return;
        }
        let batch = self.next_batch;
        self.next_batch += 1;
        let bytes: u64 = records.iter().map(|r| r.data.len() as u64).sum();
        self.events.push(FirehoseEvent::BufferFlushed {
            at_ms: now,
            batch,
            reason,
            records: records.len(),
            bytes,
        });
        match self.config.destination.kind() {
            DestinationKind::S3 => {
                if self.eff.conversion {
                    self.deliver_converted(now, batch, reason, records);
                } else {
                    self.deliver_s3(now, batch, reason, records);
                }
            }
            DestinationKind::Redshift => {
                let key = self.put_delivery_object(now, reason, &records);
                self.events.push(FirehoseEvent::Staged {
                    at_ms: now,
                    batch,
                    key: key.clone(),
                });
                self.start_delivery(now, batch, reason, records, Some(key));
            }
            _ => self.start_delivery(now, batch, reason, records, None),
        }
    }

    /// Writes records as a delivery object (compressed); returns its key.
    fn put_delivery_object(
        &mut self,
        now: u64,
        reason: FlushReason,
        records: &[FhRecord],
    ) -> String {
        let prefix = self.config.prefix.clone();
        let object = self.compressed_object(
            now,
            prefix.as_deref(),
            records,
            ObjectKind::Delivery,
            Some(reason),
        );
        let key = object.key.clone();
        self.bucket.put(object);
        key
    }

    fn deliver_s3(&mut self, now: u64, batch: u64, reason: FlushReason, records: Vec<FhRecord>) {
        let key = self.put_delivery_object(now, reason, &records);
        let size = self.bucket.get(&key).and_then(S3Object::size).unwrap_or(0);
        self.counts.delivered += records.len() as u64;
        self.events.push(FirehoseEvent::Delivered {
            at_ms: now,
            batch,
            destination: DestinationKind::S3,
            key: Some(key),
            reason,
            records: records.len(),
            bytes: size,
            record_ids: records.iter().map(|r| r.id).collect(),
        });
    }

    fn deliver_converted(
        &mut self,
        now: u64,
        batch: u64,
        reason: FlushReason,
        records: Vec<FhRecord>,
    ) {
        let Some(fc) = self.config.format_conversion.clone() else {
            return self.deliver_s3(now, batch, reason, records);
        };
        let slices: Vec<&[u8]> = records.iter().map(|r| r.data.as_slice()).collect();
        let (rows, failures) = convert::parse_rows(&fc.schema, &slices);
        let mut failed_idx: Vec<bool> = vec![false; records.len()];
        if !failures.is_empty() {
            let table = convert::DataCatalogTable::default();
            let mut body = String::new();
            let mut recs = Vec::new();
            for f in &failures {
                let Some(r) = records.get(f.index) else {
                    continue;
                };
                if std::mem::replace(&mut failed_idx[f.index], true) {
                    continue;
                }
                let message = match &f.column {
                    Some(c) => format!("column `{c}`: {}", f.reason),
                    None => f.reason.clone(),
                };
                body.push_str(&convert::conversion_failed_record(
                    &convert::ConversionFailedInfo {
                        attempts_made: 1,
                        arrival_ms: r.arrival_ms,
                        error_code: convert::MALFORMED_DATA,
                        error_message: &message,
                        attempt_ending_ms: now,
                        raw_data: &r.data,
                        sequence_number: r.kinesis.as_ref().map(|k| k.sequence_number.as_str()),
                        sub_sequence_number: r.kinesis.as_ref().map(|k| k.subsequence_number),
                        table: &table,
                    },
                ));
                recs.push(r.clone());
            }
            self.write_error(
                now,
                ObjectKind::FormatConversionFailed,
                body.into_bytes(),
                &recs,
                recs.len(),
            );
        }
        let good: Vec<&FhRecord> = records
            .iter()
            .zip(&failed_idx)
            .filter(|(_, f)| !**f)
            .map(|(r, _)| r)
            .collect();
        if good.is_empty() {
            return;
        }
        let rows: Vec<convert::Row> = rows
            .into_iter()
            .filter(|r| !failed_idx.get(r.record).copied().unwrap_or(true))
            .collect();
        let prefix = keys::delivery_prefix(self.config.prefix.as_deref(), now, &mut self.keys_rng);
        let name = keys::object_name(
            &self.name,
            self.version,
            now,
            ".parquet",
            &mut self.keys_rng,
        );
        let key = prefix + &name;
        let raw_bytes = good.iter().map(|r| r.data.len() as u64).sum();
        let record_ids: Vec<u64> = good.iter().map(|r| r.id).collect();
        self.counts.delivered += good.len() as u64;
        self.events.push(FirehoseEvent::Delivered {
            at_ms: now,
            batch,
            destination: DestinationKind::S3,
            key: Some(key.clone()),
            reason,
            records: good.len(),
            bytes: raw_bytes,
            record_ids: record_ids.clone(),
        });
        self.bucket.put(S3Object {
            key,
            kind: ObjectKind::Delivery,
            body: ObjectBody::Parquet {
                schema: fc.schema,
                rows,
            },
            compression: compress::Compression::Uncompressed,
            records: good.len(),
            record_ids,
            raw_bytes,
            reason: Some(reason),
            created_ms: now,
        });
    }

    fn start_delivery(
        &mut self,
        now: u64,
        batch: u64,
        reason: FlushReason,
        records: Vec<FhRecord>,
        staged_key: Option<String>,
    ) {
        let bytes = records.iter().map(|r| r.data.len() as u64).sum();
        let d = InFlight {
            batch,
            dest: self.config.destination.clone(),
            reason,
            records,
            bytes,
            staged_key,
            attempt: 0,
            first_failure_ms: None,
            last_error: (String::new(), String::new()),
            next: Next::Send { at_ms: now },
            timeline_index: None,
        };
        if let Some(d) = self.step_delivery(d) {
            self.in_flight.push(d);
        }
    }

    /// The body an endpoint receives: the HTTP endpoint request JSON, or
    /// Splunk's raw concatenated bytes.
    fn endpoint_body(&self, d: &InFlight, at: u64) -> Vec<u8> {
        match d.dest.kind() {
            DestinationKind::Splunk => d
                .records
                .iter()
                .flat_map(|r| r.data.iter().copied())
                .collect(),
            _ => {
                let records: Vec<serde_json::Value> = d
                    .records
                    .iter()
                    .map(|r| serde_json::json!({ "data": B64.encode(&r.data) }))
                    .collect();
                serde_json::json!({
                    "requestId": transform::invocation_id(self.seed ^ 0x4854_5450, d.batch * 1000 + d.attempt as u64),
                    "timestamp": at,
                    "records": records,
                })
                .to_string()
                .into_bytes()
            }
        }
    }

    /// Moves a delivery one step; returns it while it is not settled.
    fn step_delivery(&mut self, mut d: InFlight) -> Option<InFlight> {
        let kind = d.dest.kind();
        // The simulated far side as it is now (the lab may break or mend it
        // while a batch is retried), unless the destination itself changed.
        let sim = if self.config.destination.kind() == kind {
            self.config.destination.simulated()
        } else {
            d.dest.simulated()
        }
        .unwrap_or_default();
        match d.next.clone() {
            Next::Send { at_ms } => {
                d.attempt += 1;
                if d.attempt > 1 {
                    self.counts.retried += 1;
                    self.events.push(FirehoseEvent::Retried {
                        at_ms,
                        retry: RetryOf::Delivery { batch: d.batch },
                        attempt: d.attempt,
                        record_ids: d.records.iter().map(|r| r.id).collect(),
                    });
                }
                self.events.push(FirehoseEvent::Attempt {
                    at_ms,
                    batch: d.batch,
                    attempt: d.attempt,
                });
                let timeout_ms = match &d.dest {
                    Destination::Splunk {
                        hec_ack_timeout_seconds,
                        ..
                    } => Some(*hec_ack_timeout_seconds as u64 * 1000),
                    Destination::HttpEndpoint {
                        response_timeout_seconds,
                        ..
                    } => Some(*response_timeout_seconds as u64 * 1000),
                    _ => None,
                };
                let timed_out = timeout_ms.is_some_and(|t| sim.latency_ms > t);
                let reply_at = at_ms
                    .saturating_add(timeout_ms.filter(|_| timed_out).unwrap_or(sim.latency_ms));
                d.next = Next::Reply {
                    at_ms: reply_at,
                    sent_ms: at_ms,
                    ok: !sim.fail && !timed_out,
                    timed_out,
                };
                if matches!(
                    kind,
                    DestinationKind::HttpEndpoint | DestinationKind::Splunk
                ) {
                    self.endpoint.timeline.push(EndpointAttempt {
                        batch: d.batch,
                        attempt: d.attempt,
                        sent_ms: at_ms,
                        records: d.records.len(),
                        bytes: d.bytes,
                        outcome: AttemptOutcome::InFlight,
                        received_ms: None,
                    });
                    let index = self.endpoint.timeline.len() - 1;
                    d.timeline_index = Some(index);
                    if timed_out && !sim.fail {
                        // The endpoint still takes the data, after Firehose stopped waiting.
                        self.late.push(Late {
                            at_ms: at_ms.saturating_add(sim.latency_ms),
                            batch: d.batch,
                            attempt: d.attempt,
                            timeline_index: index,
                            record_ids: d.records.iter().map(|r| r.id).collect(),
                            body: self.endpoint_body(&d, at_ms),
                        });
                    }
                }
                if reply_at <= at_ms {
                    return self.step_delivery(d);
                }
                Some(d)
            }
            Next::Reply {
                at_ms,
                sent_ms,
                ok,
                timed_out,
            } => {
                let result = if ok {
                    self.apply_delivery(at_ms, sent_ms, &d)
                } else if timed_out {
                    Err(match kind {
                        DestinationKind::Splunk => (
                            "Splunk.AckTimeout".to_string(),
                            "Did not receive an acknowledgement from HEC before the HEC acknowledgement timeout expired.".to_string(),
                        ),
                        _ => (
                            "HttpEndpoint.ResponseTimeout".to_string(),
                            "The endpoint did not answer within the response timeout.".to_string(),
                        ),
                    })
                } else {
                    Err(match kind {
                        DestinationKind::Splunk => (
                            "Splunk.ServerError".to_string(),
                            "The Splunk endpoint answered with an error (simulated failure)."
                                .to_string(),
                        ),
                        DestinationKind::HttpEndpoint => (
                            "HttpEndpoint.DestinationException".to_string(),
                            "The endpoint answered 500 Internal Server Error (simulated failure)."
                                .to_string(),
                        ),
                        DestinationKind::Redshift => (
                            "Redshift.ConnectionFailed".to_string(),
                            "The Redshift cluster is unavailable (simulated failure).".to_string(),
                        ),
                        _ => (
                            "OS.ClusterUnavailable".to_string(),
                            "The OpenSearch cluster is unavailable (simulated failure)."
                                .to_string(),
                        ),
                    })
                };
                if let Some(i) = d.timeline_index.take() {
                    if let Some(a) = self.endpoint.timeline.get_mut(i) {
                        a.outcome = match (&result, timed_out) {
                            (Ok(()), _) => AttemptOutcome::Acknowledged { at_ms },
                            (Err(_), true) => AttemptOutcome::TimedOut { at_ms },
                            (Err((code, _)), false) => AttemptOutcome::Error {
                                at_ms,
                                code: code.clone(),
                            },
                        };
                        if result.is_ok() {
                            a.received_ms = Some(at_ms);
                        }
                    }
                }
                if !ok {
                    // The cluster's own log of the failed request.
                    let error = result
                        .as_ref()
                        .err()
                        .map(|e| e.1.clone())
                        .unwrap_or_default();
                    match kind {
                        DestinationKind::Redshift => self.redshift.copies.push(CopyAttempt {
                            at_ms,
                            key: d.staged_key.clone().unwrap_or_default(),
                            attempt: d.attempt,
                            result: Err(error),
                        }),
                        DestinationKind::OpenSearch => self.opensearch.requests.push(BulkAttempt {
                            at_ms,
                            attempt: d.attempt,
                            documents: d.records.len(),
                            result: Err(error),
                        }),
                        _ => {}
                    }
                }
                match result {
                    Ok(()) => None,
                    Err((code, message)) => {
                        self.events.push(FirehoseEvent::AttemptFailed {
                            at_ms,
                            batch: d.batch,
                            attempt: d.attempt,
                            code: code.clone(),
                            message: message.clone(),
                        });
                        d.last_error = (code, message);
                        let first = *d.first_failure_ms.get_or_insert(at_ms);
                        let wait = match kind {
                            DestinationKind::Redshift | DestinationKind::OpenSearch => {
                                CLUSTER_RETRY_MS
                            }
                            _ => (ENDPOINT_BACKOFF_FIRST_MS
                                << (d.attempt.saturating_sub(1)).min(10))
                            .min(ENDPOINT_BACKOFF_MAX_MS),
                        };
                        let retry_ms = d.dest.retry_duration_seconds() as u64 * 1000;
                        // "If there is time left, it retries again": the time
                        // left is checked when the failure is known; the retry
                        // itself follows after the wait.
                        let next = at_ms.saturating_add(wait);
                        if at_ms - first < retry_ms && next > at_ms {
                            d.next = Next::Send { at_ms: next };
                            Some(d)
                        } else {
                            self.give_up(at_ms, d);
                            None
                        }
                    }
                }
            }
        }
    }

    /// The destination takes a delivery. Err: the request failed (code, message).
    fn apply_delivery(
        &mut self,
        at: u64,
        sent_ms: u64,
        d: &InFlight,
    ) -> Result<(), (String, String)> {
        let ids: Vec<u64> = d.records.iter().map(|r| r.id).collect();
        let kind = d.dest.kind();
        match &d.dest {
            Destination::Redshift { .. } => {
                let raw: Vec<u8> = d
                    .records
                    .iter()
                    .flat_map(|r| r.data.iter().copied())
                    .collect();
                let key = d.staged_key.clone().unwrap_or_default();
                match destination::copy_rows(&self.redshift.columns, &raw) {
                    Ok(rows) => {
                        let n = rows.len();
                        self.redshift.rows.extend(rows);
                        self.redshift.copies.push(CopyAttempt {
                            at_ms: at,
                            key: key.clone(),
                            attempt: d.attempt,
                            result: Ok(n),
                        });
                        self.counts.delivered += d.records.len() as u64;
                        self.events.push(FirehoseEvent::Delivered {
                            at_ms: at,
                            batch: d.batch,
                            destination: kind,
                            key: Some(key),
                            reason: d.reason,
                            records: d.records.len(),
                            bytes: d.bytes,
                            record_ids: ids,
                        });
                        Ok(())
                    }
                    Err(e) => {
                        self.redshift.copies.push(CopyAttempt {
                            at_ms: at,
                            key,
                            attempt: d.attempt,
                            result: Err(e.clone()),
                        });
                        Err(("Redshift.CopyFailed".into(), e))
                    }
                }
            }
            Destination::OpenSearch {
                index, rotation, ..
            } => {
                let (index, rotation) = (index.clone(), *rotation);
                let mut indexed = Vec::new();
                let mut failed = Vec::new();
                for r in &d.records {
                    let doc_index = destination::rotated_index(&index, rotation, r.arrival_ms);
                    let is_object = serde_json::from_slice::<serde_json::Value>(&r.data)
                        .map(|v| v.is_object())
                        .unwrap_or(false);
                    let id = keys::random_string(&mut self.docs_rng)
                        + &keys::random_string(&mut self.docs_rng)[..9];
                    if is_object {
                        indexed.push(Document {
                            id,
                            index: doc_index,
                            source: String::from_utf8_lossy(&r.data).into_owned(),
                            record_id: r.id,
                            indexed_ms: at,
                        });
                    } else {
                        failed.push((r.clone(), id, doc_index));
                    }
                }
                self.opensearch.requests.push(BulkAttempt {
                    at_ms: at,
                    attempt: d.attempt,
                    documents: d.records.len(),
                    result: Ok(indexed.len()),
                });
                let n = indexed.len();
                let ok_ids: Vec<u64> = indexed.iter().map(|x| x.record_id).collect();
                for doc in indexed {
                    self.opensearch
                        .indices
                        .entry(doc.index.clone())
                        .or_default()
                        .push(doc);
                }
                if n > 0 {
                    self.counts.delivered += n as u64;
                    self.events.push(FirehoseEvent::Delivered {
                        at_ms: at,
                        batch: d.batch,
                        destination: kind,
                        key: None,
                        reason: d.reason,
                        records: n,
                        bytes: d.bytes,
                        record_ids: ok_ids,
                    });
                }
                if !failed.is_empty() {
                    let mut body = String::new();
                    for (r, id, idx) in &failed {
                        body.push_str(&opensearch_failed_line(
                            d.attempt,
                            r,
                            "400",
                            "mapper_parsing_exception: failed to parse, the document is not a JSON object",
                            at,
                            id,
                            idx,
                        ));
                    }
                    let recs: Vec<FhRecord> = failed.into_iter().map(|(r, _, _)| r).collect();
                    self.write_error(
                        at,
                        ObjectKind::OpenSearchFailed,
                        body.into_bytes(),
                        &recs,
                        recs.len(),
                    );
                }
                Ok(())
            }
            Destination::Splunk { .. } | Destination::HttpEndpoint { .. } => {
                let body = self.endpoint_body(d, sent_ms);
                self.endpoint.received.push(Received {
                    batch: d.batch,
                    attempt: d.attempt,
                    at_ms: at,
                    record_ids: ids.clone(),
                    body,
                });
                self.counts.delivered += d.records.len() as u64;
                self.events.push(FirehoseEvent::Delivered {
                    at_ms: at,
                    batch: d.batch,
                    destination: kind,
                    key: None,
                    reason: d.reason,
                    records: d.records.len(),
                    bytes: d.bytes,
                    record_ids: ids,
                });
                Ok(())
            }
            Destination::S3 { .. } => Ok(()),
        }
    }

    /// The retry duration is over: the batch goes to the error output.
    fn give_up(&mut self, at: u64, d: InFlight) {
        let (code, message) = d.last_error.clone();
        match d.dest.kind() {
            DestinationKind::Redshift => {
                let url = format!(
                    "s3://{}/{}",
                    self.bucket.name,
                    d.staged_key.clone().unwrap_or_default()
                );
                let manifest = serde_json::json!({
                    "entries": [ { "url": url, "mandatory": true } ]
                })
                .to_string();
                self.write_error(
                    at,
                    ObjectKind::RedshiftManifest,
                    manifest.into_bytes(),
                    &d.records,
                    1,
                );
            }
            DestinationKind::OpenSearch => {
                let index = match &d.dest {
                    Destination::OpenSearch {
                        index, rotation, ..
                    } => (index.clone(), *rotation),
                    _ => (String::new(), config::IndexRotation::NoRotation),
                };
                let mut body = String::new();
                for r in &d.records {
                    let id = keys::random_string(&mut self.docs_rng);
                    let idx = destination::rotated_index(&index.0, index.1, r.arrival_ms);
                    body.push_str(&opensearch_failed_line(
                        d.attempt, r, "503", &message, at, &id, &idx,
                    ));
                }
                self.write_error(
                    at,
                    ObjectKind::OpenSearchFailed,
                    body.into_bytes(),
                    &d.records,
                    d.records.len(),
                );
            }
            kind => {
                let splunk = kind == DestinationKind::Splunk;
                let mut body = String::new();
                for (i, r) in d.records.iter().enumerate() {
                    let data_id = format!("{}.{i}", self.record_id(r.id));
                    let mut v = serde_json::json!({
                        "attemptsMade": d.attempt,
                        "arrivalTimestamp": r.arrival_ms,
                        "errorCode": code,
                        "errorMessage": message,
                        "attemptEndingTimestamp": at,
                        "rawData": B64.encode(&r.data),
                    });
                    if let Some(m) = v.as_object_mut() {
                        if splunk {
                            m.insert("EventId".into(), serde_json::Value::String(data_id));
                        } else {
                            m.insert("subsequenceNumber".into(), serde_json::json!(0));
                            m.insert("dataId".into(), serde_json::Value::String(data_id));
                        }
                    }
                    body.push_str(&v.to_string());
                    body.push('\n');
                }
                let kind = if splunk {
                    ObjectKind::SplunkFailed
                } else {
                    ObjectKind::HttpEndpointFailed
                };
                self.write_error(at, kind, body.into_bytes(), &d.records, d.records.len());
            }
        }
    }
}

/// Bytes a record adds to the Lambda input: its data in base64 plus a
/// generous allowance for the record id, timestamp and Kinesis metadata.
fn input_cost(r: &FhRecord) -> usize {
    r.data.len().div_ceil(3) * 4 + 512
}

/// One `AmazonOpenSearchService_failed/` document, as documented.
fn opensearch_failed_line(
    attempts: u32,
    r: &FhRecord,
    code: &str,
    message: &str,
    at: u64,
    doc_id: &str,
    index: &str,
) -> String {
    let mut s = serde_json::json!({
        "attemptsMade": attempts,
        "arrivalTimestamp": r.arrival_ms,
        "errorCode": code,
        "errorMessage": message,
        "attemptEndingTimestamp": at,
        "esDocumentId": doc_id,
        "esIndexName": index,
        "esTypeName": "",
        "rawData": B64.encode(&r.data),
    })
    .to_string();
    s.push('\n');
    s
}

#[cfg(feature = "parquet")]
fn encode_parquet(
    schema: &convert::Schema,
    rows: &[convert::Row],
) -> Result<Vec<u8>, FirehoseError> {
    parquet::write_parquet(schema, rows).map_err(|e| FirehoseError::malformed("parquet", e))
}

#[cfg(not(feature = "parquet"))]
fn encode_parquet(
    _schema: &convert::Schema,
    _rows: &[convert::Row],
) -> Result<Vec<u8>, FirehoseError> {
    Err(FirehoseError::not_allowed(
        "parquet",
        Conflict::ParquetFeatureOff,
    ))
}
