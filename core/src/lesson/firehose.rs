//! The Firehose lessons' lab: delivery streams of core `firehose` that a
//! student creates with a few settings, feeds with steady Direct PUT traffic
//! (one `PutRecordBatch` a second) or through a Kinesis data stream in front,
//! and lets simulated time pass on.
//!
//! Every delivery stream the student created stays in the lab, so runs with
//! different settings sit side by side, and goals can compare them. Time
//! passes for all of them together. A delivery stream holds a transform
//! (a trait object), so the lab keeps what was done to each (its settings,
//! the traffic, the clock) and replays that on a fresh engine after every
//! action; what the student sees and goals check is the plain-data
//! [`FhView`] of that replay. The limits below keep a replay quick in the
//! browser.

use crate::error::{check_count, Field, Problem, ValidationError};
use crate::firehose::buffer::{BufferView, FlushReason};
use crate::firehose::config::DeliveryConfig;
use crate::firehose::{DeliveryStream, FirehoseError};
use crate::rng::component_rng;
use crate::stream::engine::{Engine, PutEntry};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Delivery streams a lesson may create.
pub const MAX_FH_STREAMS: usize = 8;
/// Most records per second of one send...
pub const MAX_FH_RATE: u32 = 1_000;
/// ...and its longest run, in seconds.
pub const MAX_FH_SEND_SECONDS: u32 = 600;
/// Bytes of one generated record (JSON or CSV needs room for its fields).
pub const MIN_FH_RECORD_BYTES: u32 = 100;
pub const MAX_FH_RECORD_BYTES: u32 = 100_000;
/// What one delivery stream may receive in all.
pub const MAX_FH_RECORDS: u64 = 100_000;
pub const MAX_FH_BYTES: u64 = 32 * 1_048_576;
/// Longest single wait, in seconds.
pub const MAX_FH_WAIT_SECONDS: u32 = 3_600;
/// Name of the lab's delivery streams and of the data stream in front.
pub const FH_STREAM: &str = "lab-events";
pub const FH_SOURCE_STREAM: &str = "events";
/// Shards of the data stream in front (enough for the largest send).
pub const FH_SOURCE_SHARDS: u32 = 4;
/// Redshift table and columns the lessons load.
pub const FH_TABLE: &str = "events";
pub const FH_COLUMNS: [&str; 4] = ["seq", "user", "action", "amount"];
/// The schema Parquet conversion uses (the Glue table's part).
pub const FH_SCHEMA: &str = "seq:bigint, user:string, action:string, amount:double";

/// Compression of delivered objects, as the console names them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FhCompression {
    #[default]
    Uncompressed,
    Gzip,
    Snappy,
    Zip,
}

/// A built-in transform with the lessons' settings, or none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FhTransform {
    #[default]
    None,
    /// Adds `"source": "kinesis-lab"` and `arrived_ms`.
    AddField,
    /// Keeps the records whose `action` is `buy`.
    Filter,
    /// CSV lines with the columns seq, user, action, amount, note → JSON.
    CsvToJson,
    DropMalformedJson,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FhDestination {
    #[default]
    S3,
    Redshift,
    OpenSearch,
    HttpEndpoint,
    Splunk,
}

/// What the generated records look like. "With errors": every tenth record
/// is broken (JSON cut short, a CSV line with too few fields).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FhData {
    #[default]
    Json,
    JsonWithErrors,
    Csv,
    CsvWithErrors,
}

/// The settings of a delivery stream the student creates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FhSettings {
    pub buffer_size_mib: u32,
    pub buffer_interval_s: u32,
    #[serde(default)]
    pub compression: FhCompression,
    #[serde(default)]
    pub transform: FhTransform,
    /// JSON → Parquet record format conversion.
    #[serde(default)]
    pub parquet: bool,
    /// S3 backup of every source record.
    #[serde(default)]
    pub source_backup: bool,
    #[serde(default)]
    pub destination: FhDestination,
    /// The simulated endpoint or cluster answers every request with an error.
    #[serde(default)]
    pub endpoint_fails: bool,
    /// Producers write to a data stream that Firehose reads (instead of
    /// Direct PUT).
    #[serde(default)]
    pub from_stream: bool,
}

/// A problem with a delivery stream's settings or traffic, naming the field
/// by its path in the delivery stream's configuration
/// (`buffering.interval_seconds`, …) or the traffic's field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FhError {
    pub field: String,
    /// The engine's explanation, in English.
    pub message: String,
    /// The allowed range, when the problem is a number out of it.
    pub range: Option<(String, String)>,
    /// The engine's problem, when the engine refused (so the app can word it
    /// in either language).
    pub problem: Option<crate::firehose::Problem>,
}

impl std::fmt::Display for FhError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// One steady send: `records_per_second` records each second for `seconds`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FhSend {
    pub at_ms: u64,
    pub records_per_second: u32,
    pub record_bytes: u32,
    pub seconds: u32,
    pub data: FhData,
}

impl FhSend {
    pub fn records(&self) -> u64 {
        self.records_per_second as u64 * self.seconds as u64
    }
}

/// One delivery the destination buffer made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FhDelivery {
    pub at_ms: u64,
    pub reason: FlushReason,
    pub records: u64,
    /// Bytes of the records before compression or conversion.
    pub raw_bytes: u64,
    /// Bytes of the object in S3 (None for Parquet, encoded on demand).
    pub stored_bytes: Option<u64>,
    pub key: String,
    /// How long its oldest record had waited since Firehose received it
    /// (None when the destination never took the batch).
    pub waited_ms: Option<u64>,
}

/// An object in the delivery stream's bucket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FhObject {
    pub key: String,
    /// `delivery`, `source_backup`, or the error output's folder.
    pub kind: String,
    pub records: u64,
    pub stored_bytes: Option<u64>,
    pub at_ms: u64,
}

/// What a delivery stream did, as the widget shows it and goals check it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
pub struct FhView {
    pub received: u64,
    pub received_bytes: u64,
    pub buffer: Option<BufferView>,
    /// The Lambda processor's buffer, when there is a transform.
    pub processor_buffer: Option<BufferView>,
    /// Nothing left to happen on its own (buffers empty, nothing retried).
    pub idle: bool,
    pub deliveries: Vec<FhDelivery>,
    pub objects: Vec<FhObject>,
    /// Records that reached the destination itself: S3 delivery objects,
    /// Redshift rows, OpenSearch documents, acknowledged endpoint records.
    pub delivered: u64,
    /// Records a transform answered `Dropped`.
    pub dropped: u64,
    /// Records written to an error prefix.
    pub failed: u64,
    /// Records in source-backup objects.
    pub backed_up: u64,
    pub invocations: u64,
    /// Requests to the endpoint or cluster (first tries and retries).
    pub attempts: u64,
    pub redshift_rows: u64,
    /// The first records of the newest delivery object, as text.
    pub preview: Vec<String>,
    /// Records in the data stream in front, when there is one.
    pub stream_records: Option<u64>,
}

impl FhView {
    pub fn delivery_objects(&self) -> u64 {
        self.objects.iter().filter(|o| o.kind == "delivery").count() as u64
    }

    /// Bytes S3 stores for delivery objects, when every size is known.
    pub fn stored_bytes(&self) -> Option<u64> {
        self.deliveries.iter().map(|d| d.stored_bytes).sum()
    }

    pub fn delivered_raw_bytes(&self) -> u64 {
        self.deliveries.iter().map(|d| d.raw_bytes).sum()
    }
}

/// One delivery stream the student created, and what it did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FhRun {
    /// 1 for the first delivery stream of the lesson.
    pub number: u32,
    pub settings: FhSettings,
    pub created_ms: u64,
    pub sends: Vec<FhSend>,
    pub view: FhView,
}

impl FhRun {
    pub fn received(&self) -> u64 {
        self.sends.iter().map(FhSend::records).sum()
    }

    fn received_bytes(&self) -> u64 {
        self.sends
            .iter()
            .map(|s| s.records() * s.record_bytes as u64)
            .sum()
    }
}

/// One press of "Read again": what each side gave back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FhReplay {
    pub at_ms: u64,
    pub run: u32,
    /// Records Firehose had delivered by then.
    pub delivered: u64,
    /// Records still in Firehose's buffer (it has no call to read them).
    pub buffered: u64,
    /// Records a GetRecords reader from TRIM_HORIZON got from the data
    /// stream in front (None without one).
    pub stream_returned: Option<u64>,
}

/// The delivery streams of a lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirehoseLab {
    pub seed: u64,
    pub now_ms: u64,
    pub runs: Vec<FhRun>,
    pub replays: Vec<FhReplay>,
}

fn out_of_range(field: Field, min: u64, max: u64) -> ValidationError {
    ValidationError::new(
        field,
        Problem::OutOfRange {
            min: min.to_string(),
            max: max.to_string(),
        },
    )
}

impl FirehoseLab {
    pub fn new(seed: u64, now_ms: u64) -> FirehoseLab {
        FirehoseLab {
            seed,
            now_ms,
            runs: Vec::new(),
            replays: Vec::new(),
        }
    }

    pub fn current(&self) -> Option<&FhRun> {
        self.runs.last()
    }

    /// A new delivery stream, created one second after the lab's clock.
    /// Checked by the engine's own configuration rules first.
    pub fn create(&mut self, settings: &FhSettings) -> Result<(), super::lab::LabError> {
        if self.runs.len() >= MAX_FH_STREAMS {
            return Err(FhError {
                field: "delivery_streams".into(),
                message: format!("a lesson keeps at most {MAX_FH_STREAMS} delivery streams"),
                range: None,
                problem: None,
            }
            .into());
        }
        let now = self.now_ms + 1000;
        let mut run = FhRun {
            number: self.runs.len() as u32 + 1,
            settings: settings.clone(),
            created_ms: now,
            sends: Vec::new(),
            view: FhView::default(),
        };
        // Check the settings on their own before anything changes.
        run.view = play(&run, self.seed, now)?;
        let mut runs = self.runs.clone();
        runs.push(run);
        self.replay_all(runs, now)
    }

    /// Steady traffic into the newest delivery stream; the clock moves on
    /// by `seconds`.
    pub fn send(
        &mut self,
        records_per_second: u32,
        record_bytes: u32,
        seconds: u32,
        data: FhData,
    ) -> Result<(), super::lab::LabError> {
        let rate = check_count(Field::RecordRate, records_per_second, MAX_FH_RATE)?;
        if !(MIN_FH_RECORD_BYTES..=MAX_FH_RECORD_BYTES).contains(&record_bytes) {
            return Err(out_of_range(
                Field::RecordBytes,
                MIN_FH_RECORD_BYTES as u64,
                MAX_FH_RECORD_BYTES as u64,
            )
            .into());
        }
        let secs = check_count(Field::Duration, seconds, MAX_FH_SEND_SECONDS)?;
        // A second's records go in one PutRecordBatch of at most 4 MiB...
        let mut per_second_max = crate::firehose::source::MAX_BATCH_BYTES as u64;
        if self.runs.last().is_some_and(|r| r.settings.from_stream) {
            // ...or into the data stream in front, at most 1 MiB/s (its
            // four shards take 4 MiB/s when the keys spread evenly).
            per_second_max = 1_048_576;
        }
        if rate as u64 * record_bytes as u64 > per_second_max {
            return Err(out_of_range(
                Field::RecordBytes,
                MIN_FH_RECORD_BYTES as u64,
                (per_second_max / rate as u64).max(MIN_FH_RECORD_BYTES as u64),
            )
            .into());
        }
        let Some(run) = self.runs.last() else {
            return Err(no_stream().into());
        };
        let records = run.received() + rate as u64 * secs as u64;
        let bytes = run.received_bytes() + rate as u64 * secs as u64 * record_bytes as u64;
        if records > MAX_FH_RECORDS || bytes > MAX_FH_BYTES {
            // Say how long this send may be at this rate and size.
            let left_records = MAX_FH_RECORDS.saturating_sub(run.received());
            let left_bytes = MAX_FH_BYTES.saturating_sub(run.received_bytes());
            let per_second = rate as u64;
            let longest = (left_records / per_second)
                .min(left_bytes / (per_second * record_bytes as u64).max(1));
            return Err(out_of_range(Field::Duration, 1, longest.max(1)).into());
        }
        let start = self.now_ms + 1000;
        let end = start + secs as u64 * 1000;
        let mut runs = self.runs.clone();
        if let Some(run) = runs.last_mut() {
            run.sends.push(FhSend {
                at_ms: start,
                records_per_second: rate,
                record_bytes,
                seconds: secs,
                data,
            });
        }
        self.replay_all(runs, end)
    }

    /// Lets `seconds` of simulated time pass for every delivery stream.
    pub fn wait(&mut self, seconds: u32) -> Result<(), super::lab::LabError> {
        let s = check_count(Field::Duration, seconds, MAX_FH_WAIT_SECONDS)?;
        let runs = self.runs.clone();
        self.replay_all(runs, self.now_ms + s as u64 * 1000)
    }

    /// Asks both sides of the newest delivery stream for its records again.
    pub fn replay(&mut self) -> Result<(), super::lab::LabError> {
        let Some(run) = self.runs.last() else {
            return Err(no_stream().into());
        };
        let at = self.now_ms;
        self.replays.push(FhReplay {
            at_ms: at,
            run: run.number,
            delivered: run.view.delivered,
            buffered: run.view.buffer.as_ref().map_or(0, |b| b.records as u64),
            stream_returned: run.view.stream_records,
        });
        Ok(())
    }

    fn replay_all(&mut self, mut runs: Vec<FhRun>, now: u64) -> Result<(), super::lab::LabError> {
        let last = runs.len().saturating_sub(1);
        for (i, run) in runs.iter_mut().enumerate() {
            // An earlier Direct PUT delivery stream with nothing left to do
            // looks the same later; only the newest gets traffic.
            if i < last
                && run.view.idle
                && !run.settings.from_stream
                && run.view.received == run.received()
            {
                continue;
            }
            run.view = play(run, self.seed, now)?;
        }
        self.runs = runs;
        self.now_ms = now;
        Ok(())
    }
}

fn no_stream() -> FhError {
    FhError {
        field: "DeliveryStreamName".into(),
        message: "create a delivery stream first".into(),
        range: None,
        problem: None,
    }
}

const WORDS: [&str; 24] = [
    "alpha", "bravo", "cart", "delta", "echo", "fox", "garden", "harbor", "iris", "jade", "kite",
    "lemon", "maple", "north", "ocean", "pepper", "quartz", "river", "stone", "tiger", "umber",
    "violet", "willow", "yarrow",
];
const ACTIONS: [&str; 6] = ["view", "view", "view", "click", "click", "buy"];

/// The `seq`-th record of a send: exactly `bytes` long, ending in a newline.
pub fn record(rng: &mut impl Rng, seq: u64, bytes: u32, data: FhData) -> Vec<u8> {
    let user = rng.random_range(1..=50u32);
    let action = ACTIONS[rng.random_range(0..ACTIONS.len())];
    let cents = rng.random_range(100..=50_000u32);
    let amount = format!("{}.{:02}", cents / 100, cents % 100);
    let broken = seq % 10 == 9 && matches!(data, FhData::JsonWithErrors | FhData::CsvWithErrors);
    let (head, tail) = match data {
        FhData::Json | FhData::JsonWithErrors => (
            format!(
                "{{\"seq\":{seq},\"user\":\"user-{user}\",\"action\":\"{action}\",\"amount\":{amount},\"note\":\""
            ),
            if broken { "\n" } else { "\"}\n" },
        ),
        FhData::Csv | FhData::CsvWithErrors => {
            if broken {
                (format!("{seq},user-{user},"), "\n")
            } else {
                (format!("{seq},user-{user},{action},{amount},"), "\n")
            }
        }
    };
    let room = (bytes as usize).saturating_sub(head.len() + tail.len());
    let mut note = String::with_capacity(room);
    while note.len() < room {
        if !note.is_empty() {
            note.push(' ');
        }
        note.push_str(WORDS[rng.random_range(0..WORDS.len())]);
    }
    note.truncate(room);
    // A space at the end would be trimmed by some readers; keep a letter.
    if note.ends_with(' ') {
        note.pop();
        note.push('z');
    }
    let mut out = head.into_bytes();
    out.extend_from_slice(note.as_bytes());
    out.extend_from_slice(tail.as_bytes());
    out
}

/// The records of one send, in order, with their times: a batch a second.
pub fn batches(
    seed: u64,
    run: u32,
    send_index: usize,
    send: &FhSend,
    first_seq: u64,
) -> Vec<(u64, Vec<Vec<u8>>)> {
    let mut rng = component_rng(seed, &format!("lesson.firehose.{run}.{send_index}"));
    let mut seq = first_seq;
    (0..send.seconds as u64)
        .map(|s| {
            let batch = (0..send.records_per_second)
                .map(|_| {
                    let r = record(&mut rng, seq, send.record_bytes, send.data);
                    seq += 1;
                    r
                })
                .collect();
            (send.at_ms + s * 1000, batch)
        })
        .collect()
}

/// Name of the lab's delivery streams (each has its own seed, so keys differ).
pub const FH_NAME: &str = "clicks";

impl From<FirehoseError> for FhError {
    fn from(e: FirehoseError) -> Self {
        let range = match &e.problem {
            crate::firehose::Problem::OutOfRange { min, max, .. } => {
                Some((min.clone(), max.clone()))
            }
            _ => None,
        };
        FhError {
            message: e.to_string(),
            problem: Some(e.problem.clone()),
            field: e.field,
            range,
        }
    }
}

/// The engine configuration behind the lesson's settings.
pub fn config_of(s: &FhSettings) -> DeliveryConfig {
    use crate::firehose::compress::Compression;
    use crate::firehose::config::{
        BufferingHints, Destination, FormatConversion, ProcessingConfig, S3BackupMode, Simulated,
        SourceConfig, StreamStart,
    };
    use crate::firehose::transform::BuiltinTransform;
    let sim = Simulated {
        fail: s.endpoint_fails,
        latency_ms: 100,
    };
    let bucket = "lab-bucket".to_string();
    DeliveryConfig {
        source: if s.from_stream {
            SourceConfig::KinesisStream {
                stream: FH_SOURCE_STREAM.into(),
                start: StreamStart::TrimHorizon,
            }
        } else {
            SourceConfig::DirectPut
        },
        buffering: BufferingHints {
            size_mib: Some(s.buffer_size_mib),
            interval_seconds: Some(s.buffer_interval_s),
        },
        processing: ProcessingConfig {
            transform: match s.transform {
                FhTransform::None => None,
                FhTransform::AddField => Some(BuiltinTransform::AddField {
                    field: "source".into(),
                    value: "kinesis-lab".into(),
                    arrival_timestamp_field: Some("arrived_ms".into()),
                }),
                FhTransform::Filter => Some(BuiltinTransform::FilterByField {
                    field: "action".into(),
                    equals: "buy".into(),
                }),
                FhTransform::CsvToJson => Some(BuiltinTransform::CsvToJson {
                    columns: ["seq", "user", "action", "amount", "note"]
                        .map(String::from)
                        .to_vec(),
                }),
                FhTransform::DropMalformedJson => Some(BuiltinTransform::DropMalformedJson),
            },
            ..ProcessingConfig::default()
        },
        format_conversion: s.parquet.then(|| FormatConversion {
            enabled: true,
            input_format: "json".into(),
            output_format: "parquet".into(),
            schema: crate::firehose::convert::Schema::parse(FH_SCHEMA).unwrap_or_default(),
        }),
        compression: match s.compression {
            FhCompression::Uncompressed => Compression::Uncompressed,
            FhCompression::Gzip => Compression::Gzip,
            FhCompression::Snappy => Compression::Snappy,
            FhCompression::Zip => Compression::Zip,
        },
        destination: match s.destination {
            FhDestination::S3 => Destination::S3 { bucket },
            FhDestination::Redshift => Destination::Redshift {
                bucket,
                table: FH_TABLE.into(),
                columns: FH_COLUMNS.map(String::from).to_vec(),
                retry_duration_seconds: crate::firehose::config::DEFAULT_RETRY_DURATION_SECONDS,
                cluster: sim,
            },
            FhDestination::OpenSearch => Destination::OpenSearch {
                bucket,
                index: FH_TABLE.into(),
                rotation: Default::default(),
                retry_duration_seconds: crate::firehose::config::DEFAULT_RETRY_DURATION_SECONDS,
                cluster: sim,
            },
            FhDestination::HttpEndpoint => Destination::HttpEndpoint {
                bucket,
                url: "https://collector.example.com/ingest".into(),
                response_timeout_seconds: crate::firehose::config::DEFAULT_HTTP_TIMEOUT_SECONDS,
                retry_duration_seconds: crate::firehose::config::DEFAULT_RETRY_DURATION_SECONDS,
                simulated: sim,
            },
            FhDestination::Splunk => Destination::Splunk {
                bucket,
                endpoint: "https://splunk.example.com:8088".into(),
                hec_ack_timeout_seconds: crate::firehose::config::DEFAULT_HEC_ACK_TIMEOUT_SECONDS,
                retry_duration_seconds:
                    crate::firehose::config::SPLUNK_DEFAULT_RETRY_DURATION_SECONDS,
                simulated: sim,
            },
        },
        s3_backup: s.source_backup.then_some(S3BackupMode::AllData),
        ..DeliveryConfig::default()
    }
}

/// Lets time pass for the delivery stream up to `t`, polling the data
/// stream in front as often as Firehose's reader is due.
fn step_to(fh: &mut DeliveryStream, engine: Option<&mut Engine>, t: u64) -> Result<(), FhError> {
    match engine {
        None => fh.advance_to(t),
        Some(engine) => {
            while let Some(d) = fh.next_deadline().filter(|&d| d <= t) {
                fh.poll_source(d, engine)?;
            }
            fh.poll_source(t, engine)?;
        }
    }
    Ok(())
}

/// Every record a reader gets from `TRIM_HORIZON` on each shard of `stream`
/// at `now` (on a copy of the engine, so nothing is disturbed).
fn read_all(engine: &Engine, stream: &str, now: u64) -> u64 {
    let mut engine = engine.clone();
    let Ok(s) = engine.stream(stream) else {
        return 0;
    };
    let shards: Vec<String> = s
        .shards
        .iter()
        .map(|sh| crate::hash::ShardId(sh.index).to_string())
        .collect();
    let mut total = 0;
    let mut t = now;
    for shard in shards {
        let Ok(mut it) = engine.get_shard_iterator(t, stream, &shard, "TRIM_HORIZON", None, None)
        else {
            continue;
        };
        // A call every 200 ms stays within a shard's 5 reads a second.
        for _ in 0..1_000 {
            t += 200;
            let Ok(r) = engine.get_records(t, &it, None) else {
                break;
            };
            total += r.records.len() as u64;
            match r.next_iterator {
                Some(next) if !r.records.is_empty() => it = next,
                _ => break,
            }
        }
    }
    total
}

/// Plays a delivery stream's settings and traffic on a fresh engine up to
/// `now` and returns what it did.
pub fn play(run: &FhRun, seed: u64, now: u64) -> Result<FhView, FhError> {
    let run_seed = seed.wrapping_add(run.number as u64);
    let mut fh = DeliveryStream::new(FH_NAME, config_of(&run.settings), run_seed, run.created_ms)?;
    let mut engine = if run.settings.from_stream {
        let mut e = Engine::new();
        e.create_stream(run.created_ms, FH_SOURCE_STREAM, FH_SOURCE_SHARDS)
            .map_err(|e| FhError {
                field: "source.stream".into(),
                message: e.message,
                range: None,
                problem: None,
            })?;
        Some(e)
    } else {
        None
    };
    let mut seq = 0u64;
    for (i, send) in run.sends.iter().enumerate() {
        for (at, batch) in batches(seed, run.number, i, send, seq) {
            if at > now {
                break;
            }
            step_to(&mut fh, engine.as_mut(), at)?;
            seq += batch.len() as u64;
            match engine.as_mut() {
                Some(e) => {
                    let first = seq - batch.len() as u64;
                    let entries: Vec<PutEntry> = batch
                        .into_iter()
                        .enumerate()
                        .map(|(j, data)| PutEntry {
                            partition_key: format!("record-{}", first + j as u64),
                            explicit_hash_key: None,
                            data,
                        })
                        .collect();
                    for chunk in entries.chunks(500) {
                        e.put_records(at, FH_SOURCE_STREAM, chunk)
                            .map_err(|e| FhError {
                                field: "Records".into(),
                                message: e.message,
                                range: None,
                                problem: None,
                            })?;
                    }
                }
                None => {
                    // PutRecordBatch takes at most 500 records (and 4 MiB,
                    // which `send` keeps a second's traffic under).
                    let mut batch = batch;
                    while !batch.is_empty() {
                        let rest = batch.split_off(batch.len().min(500));
                        fh.put_record_batch(at, batch)?;
                        batch = rest;
                    }
                }
            }
        }
    }
    step_to(&mut fh, engine.as_mut(), now)?;
    Ok(view_of(&fh, engine.as_ref(), run, now))
}

fn view_of(fh: &DeliveryStream, engine: Option<&Engine>, run: &FhRun, now: u64) -> FhView {
    use crate::firehose::destination::{ObjectBody, ObjectKind};
    use crate::firehose::FirehoseEvent as E;
    use std::collections::BTreeMap;
    let counts = fh.counts();
    let mut arrival: BTreeMap<u64, u64> = BTreeMap::new();
    let mut batch_ids: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    let mut batch_key: BTreeMap<u64, String> = BTreeMap::new();
    let (mut invocations, mut attempts) = (0, 0);
    for e in fh.events() {
        match e {
            E::Received { at_ms, id, .. } => {
                arrival.insert(*id, *at_ms);
            }
            E::Invoked { .. } => invocations += 1,
            E::Attempt { .. } => attempts += 1,
            E::Staged { batch, key, .. } => {
                batch_key.insert(*batch, key.clone());
            }
            E::Delivered {
                batch,
                key,
                record_ids,
                ..
            } => {
                if let Some(k) = key {
                    batch_key.entry(*batch).or_insert_with(|| k.clone());
                }
                batch_ids.entry(*batch).or_default().extend(record_ids);
            }
            _ => {}
        }
    }
    let deliveries = fh
        .events()
        .iter()
        .filter_map(|e| match e {
            E::BufferFlushed {
                at_ms,
                batch,
                reason,
                records,
                bytes,
            } => {
                let key = batch_key.get(batch).cloned().unwrap_or_default();
                let oldest = batch_ids
                    .get(batch)
                    .and_then(|ids| ids.iter().filter_map(|id| arrival.get(id)).min().copied());
                Some(FhDelivery {
                    at_ms: *at_ms,
                    reason: *reason,
                    records: *records as u64,
                    raw_bytes: *bytes,
                    stored_bytes: fh.bucket().get(&key).and_then(|o| o.size()),
                    waited_ms: oldest.map(|o| at_ms.saturating_sub(o)),
                    key,
                })
            }
            _ => None,
        })
        .collect();
    let objects: Vec<FhObject> = fh
        .bucket()
        .objects()
        .iter()
        .map(|o| FhObject {
            key: o.key.clone(),
            kind: match o.kind {
                ObjectKind::Delivery => "delivery".into(),
                ObjectKind::SourceBackup => "source_backup".into(),
                k => k.error_type().unwrap_or("error").into(),
            },
            records: o.records as u64,
            stored_bytes: o.size(),
            at_ms: o.created_ms,
        })
        .collect();
    let preview = fh
        .bucket()
        .objects()
        .iter()
        .rev()
        .find(|o| o.kind == ObjectKind::Delivery)
        .map(|o| match &o.body {
            ObjectBody::Parquet { schema, rows } => rows
                .iter()
                .take(3)
                .map(|r| r.to_json_line(schema))
                .collect(),
            ObjectBody::Bytes(b) => {
                use crate::firehose::compress::{decompress_limited, Compression};
                let text = if o.compression == Compression::Uncompressed {
                    b[..b.len().min(65_536)].to_vec()
                } else {
                    // The whole object decompresses to its records' bytes.
                    decompress_limited(o.compression, b, o.raw_bytes as usize + 1_024)
                        .unwrap_or_default()
                };
                String::from_utf8_lossy(&text)
                    .lines()
                    .take(3)
                    .map(|l| l.chars().take(400).collect())
                    .collect()
            }
        })
        .unwrap_or_default();
    FhView {
        received: counts.received,
        received_bytes: run.received_bytes(),
        buffer: Some(fh.buffer()),
        processor_buffer: fh.processor_buffer(),
        idle: fh.next_deadline().is_none() && fh.counts().in_flight == 0,
        deliveries,
        objects,
        delivered: counts.delivered,
        dropped: counts.dropped,
        failed: counts.failed_to_error_prefix,
        backed_up: counts.backed_up,
        invocations,
        attempts,
        redshift_rows: fh.redshift().rows.len() as u64,
        preview,
        stream_records: engine.map(|e| read_all(e, FH_SOURCE_STREAM, now)),
    }
}

/// The Firehose goals; None for the others.
pub fn evaluate(goal: &super::goal::Goal, lab: &super::lab::Lab) -> Option<super::goal::Outcome> {
    use super::goal::{FhReason, Goal, Outcome::*, Why};
    let runs = &lab.firehose.runs;
    Some(match goal {
        Goal::FirehoseDelivered {
            records,
            max_objects,
            destination,
            parquet,
        } => {
            let matching: Vec<&FhRun> = runs
                .iter()
                .filter(|r| destination.is_none_or(|d| r.settings.destination == d))
                .filter(|r| parquet.is_none_or(|p| r.settings.parquet == p))
                .collect();
            let ok = |r: &&FhRun| {
                r.view.delivered >= *records
                    && max_objects.is_none_or(|m| r.view.delivery_objects() <= m)
            };
            if matching.iter().any(ok) {
                Met
            } else if let Some(best) = matching.iter().max_by_key(|r| r.view.delivered) {
                NotMet(Why::FirehoseTooFew {
                    have: best.view.delivered,
                    need: *records,
                    objects: best.view.delivery_objects(),
                })
            } else {
                NotMet(Why::NoDeliveryStream)
            }
        }
        Goal::FirehoseDeliveryReason { reason } => {
            let want = match reason {
                FhReason::Size => FlushReason::Size,
                FhReason::Time => FlushReason::Time,
            };
            if runs.is_empty() {
                NotMet(Why::NoDeliveryStream)
            } else if runs
                .iter()
                .any(|r| r.view.deliveries.iter().any(|d| d.reason == want))
            {
                Met
            } else {
                NotMet(Why::FirehoseNoReason { reason: *reason })
            }
        }
        Goal::FirehoseMinLatency { interval_s } => {
            let limit = *interval_s as u64 * 1000;
            let best = runs
                .iter()
                .filter(|r| r.settings.buffer_interval_s == *interval_s)
                .flat_map(|r| &r.view.deliveries)
                .filter(|d| d.reason == FlushReason::Time)
                .filter_map(|d| d.waited_ms)
                .min();
            match best {
                Some(w) if w <= limit => Met,
                _ if !runs
                    .iter()
                    .any(|r| r.settings.buffer_interval_s == *interval_s) =>
                {
                    NotMet(Why::NoDeliveryStream)
                }
                w => NotMet(Why::FirehoseWaitedTooLong {
                    waited_ms: w,
                    interval_s: *interval_s,
                }),
            }
        }
        Goal::FirehoseErrorOutput { kind } => {
            if runs
                .iter()
                .any(|r| r.view.objects.iter().any(|o| o.kind == kind.folder()))
            {
                Met
            } else if runs.is_empty() {
                NotMet(Why::NoDeliveryStream)
            } else {
                NotMet(Why::FirehoseNoErrorOutput { kind: *kind })
            }
        }
        Goal::FirehoseDropped { records } => {
            let have = runs.iter().map(|r| r.view.dropped).max().unwrap_or(0);
            if have >= *records {
                Met
            } else if runs.is_empty() {
                NotMet(Why::NoDeliveryStream)
            } else {
                NotMet(Why::FirehoseTooFewDropped {
                    have,
                    need: *records,
                })
            }
        }
        Goal::FirehoseNoReplay { records } => {
            let ok = |p: &FhReplay| {
                p.delivered >= *records
                    && p.buffered == 0
                    && p.stream_returned.is_some_and(|s| s >= p.delivered)
            };
            if lab.firehose.replays.iter().any(ok) {
                Met
            } else {
                NotMet(Why::FirehoseNotReplayed {
                    delivered: lab
                        .firehose
                        .replays
                        .iter()
                        .filter(|p| p.stream_returned.is_some())
                        .map(|p| p.delivered)
                        .max()
                        .unwrap_or(0),
                    need: *records,
                })
            }
        }
        Goal::FirehoseFewerObjects { percent } => {
            // Pairs of streams with the same traffic, all of it delivered.
            let traffic = |r: &FhRun| -> Vec<(u32, u32, u32, FhData)> {
                r.sends
                    .iter()
                    .map(|s| (s.records_per_second, s.record_bytes, s.seconds, s.data))
                    .collect()
            };
            let done = |r: &FhRun| {
                r.received() > 0
                    && r.view.buffer.as_ref().is_none_or(|b| b.records == 0)
                    && r.view.delivery_objects() > 0
            };
            let mut best: Option<(u64, u64)> = None;
            for a in runs.iter().filter(|r| done(r)) {
                for b in runs.iter().filter(|r| done(r)) {
                    if a.settings.buffer_size_mib < b.settings.buffer_size_mib
                        && traffic(a) == traffic(b)
                    {
                        let pair = (a.view.delivery_objects(), b.view.delivery_objects());
                        // Keep the pair with the smallest ratio large/small.
                        if best.is_none_or(|(s, l)| pair.1 * s < l * pair.0) {
                            best = Some(pair);
                        }
                    }
                }
            }
            match best {
                None => NotMet(Why::FirehoseNoComparison),
                Some((small, large)) if large * 100 <= small * *percent as u64 => Met,
                Some((small, large)) => NotMet(Why::FirehoseTooManyObjects {
                    small,
                    large,
                    percent: *percent,
                }),
            }
        }
        Goal::FirehoseCompressed {
            compression,
            max_percent,
        } => {
            let shares: Vec<u64> = runs
                .iter()
                .filter(|r| r.settings.compression == *compression)
                .filter_map(|r| {
                    let raw = r.view.delivered_raw_bytes();
                    let stored = r.view.stored_bytes()?;
                    (raw > 0).then(|| (stored * 100).div_ceil(raw))
                })
                .collect();
            match shares.iter().min() {
                Some(p) if *p <= *max_percent as u64 => Met,
                best if runs.iter().any(|r| r.settings.compression == *compression) => {
                    NotMet(Why::FirehoseNotCompressed {
                        percent: best.map(|p| (*p).min(u32::MAX as u64) as u32),
                        need: *max_percent,
                    })
                }
                _ => NotMet(Why::NoDeliveryStream),
            }
        }
        Goal::FirehoseBackedUp { records } => {
            let have = runs.iter().map(|r| r.view.backed_up).max().unwrap_or(0);
            if have >= *records {
                Met
            } else if !runs.iter().any(|r| r.settings.source_backup) {
                NotMet(Why::NoDeliveryStream)
            } else {
                NotMet(Why::FirehoseTooFewBackedUp {
                    have,
                    need: *records,
                })
            }
        }
        _ => return None,
    })
}

/// A delivery of [`steady_deliveries`]: seconds after the first record, why,
/// records and bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SteadyDelivery {
    pub after_ms: u64,
    pub reason: FlushReason,
    pub records: u64,
    pub bytes: u64,
}

/// Most bytes a steady run may send (it runs when a quiz is graded, in the
/// browser too).
pub const MAX_STEADY_BYTES: u64 = 64 * 1_048_576;

/// The deliveries an S3 delivery stream with these buffering hints makes in
/// `seconds` when `records_per_second` records of `record_bytes` arrive,
/// one PutRecordBatch a second: the engine is run, nothing is worked out by
/// formula. None if the traffic or the hints are out of range.
pub fn steady_deliveries(
    records_per_second: u32,
    record_bytes: u32,
    buffer_mib: u32,
    interval_s: u32,
    seconds: u32,
) -> Option<Vec<SteadyDelivery>> {
    use crate::firehose::config::BufferingHints;
    let per_second = records_per_second as u64 * record_bytes as u64;
    if records_per_second == 0
        || records_per_second as usize > crate::firehose::source::MAX_BATCH_RECORDS
        || record_bytes == 0
        || per_second > crate::firehose::source::MAX_BATCH_BYTES as u64
        || !(1..=7_200).contains(&seconds)
        || per_second * seconds as u64 > MAX_STEADY_BYTES
    {
        return None;
    }
    let config = DeliveryConfig {
        buffering: BufferingHints {
            size_mib: Some(buffer_mib),
            interval_seconds: Some(interval_s),
        },
        ..DeliveryConfig::default()
    };
    let t0 = crate::api::scenario::DEFAULT_START_MS;
    let mut fh = DeliveryStream::new(FH_NAME, config, 1, t0).ok()?;
    let record = vec![b'x'; record_bytes as usize];
    for s in 0..seconds as u64 {
        let at = t0 + s * 1000;
        fh.put_record_batch(at, vec![record.clone(); records_per_second as usize])
            .ok()?;
    }
    fh.advance_to(t0 + seconds as u64 * 1000);
    Some(
        fh.events()
            .iter()
            .filter_map(|e| match e {
                crate::firehose::FirehoseEvent::BufferFlushed {
                    at_ms,
                    reason,
                    records,
                    bytes,
                    ..
                } => Some(SteadyDelivery {
                    after_ms: at_ms - t0,
                    reason: *reason,
                    records: *records as u64,
                    bytes: *bytes,
                }),
                _ => None,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::lab::{Action, Lab};
    use super::super::Scenario;
    use super::*;

    fn lab() -> Lab {
        Lab::from_scenario(&Scenario {
            shards: 1,
            seed: 9,
            distribution: crate::workload::KeyDistribution::UserIds,
            records_per_second: 10,
            seconds: 1,
            actions: vec![],
        })
        .unwrap()
    }

    fn settings(size: u32, interval: u32) -> FhSettings {
        FhSettings {
            buffer_size_mib: size,
            buffer_interval_s: interval,
            compression: FhCompression::Uncompressed,
            transform: FhTransform::None,
            parquet: false,
            source_backup: false,
            destination: FhDestination::S3,
            endpoint_fails: false,
            from_stream: false,
        }
    }

    #[test]
    fn records_have_the_asked_size_and_shape() {
        let mut rng = component_rng(1, "t");
        for data in [
            FhData::Json,
            FhData::JsonWithErrors,
            FhData::Csv,
            FhData::CsvWithErrors,
        ] {
            for seq in 0..20u64 {
                for bytes in [100u32, 257, 1000] {
                    let r = record(&mut rng, seq, bytes, data);
                    assert_eq!(r.len(), bytes as usize, "{data:?} {seq}");
                    let text = std::str::from_utf8(&r).unwrap().trim_end();
                    let broken = seq % 10 == 9
                        && matches!(data, FhData::JsonWithErrors | FhData::CsvWithErrors);
                    match data {
                        FhData::Json | FhData::JsonWithErrors => assert_eq!(
                            serde_json::from_str::<serde_json::Value>(text).is_ok(),
                            !broken
                        ),
                        _ => assert_eq!(text.split(',').count(), if broken { 3 } else { 5 }),
                    }
                }
            }
        }
    }

    #[test]
    fn refused_actions_leave_the_lab_unchanged() {
        let mut l = lab();
        let before = l.clone();
        // No delivery stream yet.
        assert!(l.apply(&Action::FirehoseWait { seconds: 10 }).is_ok());
        let before_send = l.clone();
        assert!(l
            .apply(&Action::FirehoseSend {
                records_per_second: 10,
                record_bytes: 200,
                seconds: 5,
                data: FhData::Json
            })
            .is_err());
        assert_eq!(l, before_send);
        assert!(l.apply(&Action::FirehoseCreate(settings(5, 30))).is_err());
        assert!(l.apply(&Action::FirehoseCreate(settings(0, 300))).is_err());
        assert!(l
            .apply(&Action::FirehoseCreate(settings(129, 300)))
            .is_err());
        assert_eq!(l, before_send);
        l.apply(&Action::FirehoseCreate(settings(5, 60))).unwrap();
        let ok = l.clone();
        for bad in [
            (0, 200, 5),
            (10, 99, 5),
            (10, 200, 0),
            (10, 200, MAX_FH_SEND_SECONDS + 1),
            // More than 4 MiB in one second's PutRecordBatch.
            (1000, 5000, 1),
        ] {
            assert!(l
                .apply(&Action::FirehoseSend {
                    records_per_second: bad.0,
                    record_bytes: bad.1,
                    seconds: bad.2,
                    data: FhData::Json
                })
                .is_err());
            assert_eq!(l, ok, "{bad:?}");
        }
        assert_ne!(before, l);
    }

    #[test]
    fn actions_read_from_lesson_data() {
        let a: Action = serde_json::from_str(
            r#"{"do":"firehose_create","buffer_size_mib":5,"buffer_interval_s":60,"transform":"csv_to_json"}"#,
        )
        .unwrap();
        let mut want = settings(5, 60);
        want.transform = FhTransform::CsvToJson;
        assert_eq!(a, Action::FirehoseCreate(want));
        assert!(serde_json::from_str::<Action>(
            r#"{"do":"firehose_create","buffer_size_mib":5,"buffer_interval_s":60,"colour":1}"#
        )
        .is_err());
    }

    #[test]
    fn time_passes_for_every_delivery_stream() {
        let mut l = lab();
        l.apply(&Action::FirehoseCreate(settings(5, 60))).unwrap();
        l.apply(&Action::FirehoseSend {
            records_per_second: 5,
            record_bytes: 100,
            seconds: 2,
            data: FhData::Json,
        })
        .unwrap();
        l.apply(&Action::FirehoseCreate(settings(5, 300))).unwrap();
        assert!(l.firehose.runs[0].view.deliveries.is_empty());
        l.apply(&Action::FirehoseWait { seconds: 60 }).unwrap();
        // The first stream delivered while the second was the current one.
        assert_eq!(l.firehose.runs[0].view.delivered, 10);
        assert_eq!(l.firehose.runs[1].view.received, 0);
    }
}
