//! Data transformation: the Lambda contract between Firehose and a transform
//! function (AWS: "Data Transformation and Status Model").
//!
//! Firehose hands a function one JSON document per buffered batch
//! ([`build_input`]): `invocationId`, `deliveryStreamArn`, `region` and
//! `records`, each record with `recordId`, `approximateArrivalTimestamp` (ms)
//! and `data` (base64). The function answers with `{"records": [...]}`, one
//! entry per input record carrying the same `recordId`, a `result` (`Ok`,
//! `Dropped` or `ProcessingFailed`) and the transformed `data` (base64).
//! [`check_output`] applies AWS's rules to that answer record by record; an
//! answer that is not JSON at all, or has no `records` array, fails the whole
//! invocation, which the engine retries and then fails batch-wide.
//!
//! Transforms are anything implementing [`Transform`]: the built-ins
//! ([`BuiltinTransform`]), Rust closures ([`ClosureTransform`], used by native
//! tests) and the browser's sandboxed JavaScript worker ([`ExternalTransform`],
//! which answers [`Invoke::Pending`]; the page hands the worker's reply back to
//! the engine later).
//!
//! Records that end up failed are written under the `processing-failed/`
//! error prefix, one [`processing_failed_record`] JSON object per line.
//!
//! Nothing here panics on any input: every malformed answer becomes an
//! [`Outcome::Failed`] or an [`InvokeError`] with a reason a student can read.

use crate::rng::component_rng;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use rand::Rng as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The `errorCode` values this module writes. They are the codes Firehose
/// puts in `processing-failed/` records and CloudWatch Logs for transform
/// errors.
pub mod codes {
    /// The function failed as a whole: it threw, timed out, or its response
    /// was too large. Every record of the batch fails after the retries.
    pub const FUNCTION_ERROR: &str = "Lambda.FunctionError";
    /// The response does not follow the status model: not JSON, no
    /// `records`, or a record with a missing/invalid `result` or `data`.
    pub const JSON_PROCESSING: &str = "Lambda.JsonProcessingException";
    /// A record sent to the function did not come back under its `recordId`.
    pub const MISSING_RECORD_ID: &str = "Lambda.MissingRecordId";
    /// The response carried the same `recordId` more than once.
    pub const DUPLICATED_RECORD_ID: &str = "Lambda.DuplicatedRecordId";
    /// The function itself marked the record `ProcessingFailed`.
    pub const PROCESSING_FAILED_STATUS: &str = "Lambda.ProcessingFailedStatus";
}

/// Lambda's synchronous invocation limit for the request and for the
/// response: 6 MB each.
pub const MAX_PAYLOAD_BYTES: usize = 6 * 1024 * 1024;

/// Something Firehose can invoke with a batch of records.
pub trait Transform {
    /// Run the function on `input_json` (the document [`build_input`] makes).
    fn invoke(&mut self, input_json: &str) -> Invoke;

    /// The function's name, for its ARN in `processing-failed/` records.
    fn function_name(&self) -> &str {
        "lab-transform"
    }
}

/// The answer to one invocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Invoke {
    /// The function finished: its response text, or why the invocation as a
    /// whole failed.
    Done(Result<String, InvokeError>),
    /// The answer comes later (the browser's sandboxed JavaScript worker); the
    /// caller hands it to the engine with `complete_invocation`.
    Pending,
}

/// A failure of a whole invocation (every record of the batch is affected;
/// Firehose retries the invocation before giving up on the batch).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvokeError {
    /// An `errorCode` from [`codes`].
    pub code: String,
    /// What went wrong, in words a student can act on.
    pub message: String,
}

impl InvokeError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        InvokeError {
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// The function threw (or its code did not compile): `message` is what it
    /// threw.
    pub fn function_error(message: impl Into<String>) -> Self {
        InvokeError::new(codes::FUNCTION_ERROR, message)
    }

    /// The function ran past its time limit and was stopped. Firehose reports
    /// a timed-out Lambda as a function error.
    pub fn timeout(limit_ms: u64) -> Self {
        InvokeError::new(
            codes::FUNCTION_ERROR,
            format!(
                "the function did not return within its time limit of {limit_ms} ms and was stopped"
            ),
        )
    }

    /// The response is not a JSON document of the expected shape.
    pub fn bad_response(message: impl Into<String>) -> Self {
        InvokeError::new(codes::JSON_PROCESSING, message)
    }

    /// The error for a failed reply of the browser's transform worker
    /// (`static/transform-worker.js`): `kind` is `compile`, `threw`, `shape`
    /// or `size`, `message` what the worker said. A time-out is
    /// [`InvokeError::timeout`].
    pub fn from_worker(kind: &str, message: &str) -> Self {
        match kind {
            "compile" => InvokeError::function_error(format!(
                "the code could not be loaded: {message}"
            )),
            "threw" => InvokeError::function_error(format!("the function threw {message}")),
            "shape" => InvokeError::bad_response(format!(
                "the function returned {message}; it must return an object like {{ records: [...] }}"
            )),
            "size" => InvokeError::function_error(format!(
                "the response is {message} characters long; Lambda allows at most {MAX_PAYLOAD_BYTES} bytes"
            )),
            _ => InvokeError::function_error(message.to_string()),
        }
    }
}

impl fmt::Display for InvokeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for InvokeError {}

// ---------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------

/// The `recordId` of the `seq`-th record a delivery stream seeded with `seed`
/// received. Firehose's record ids are long decimal strings (56 digits); this
/// keeps that shape: `49`, 20 digits drawn from the seed's generator, then
/// `seq` in 34 digits, so ids of one stream are distinct and sort in arrival
/// order.
pub fn record_id(seed: u64, seq: u64) -> String {
    let prefix: u64 = component_rng(seed, "firehose/record-id").random();
    format!("49{prefix:020}{seq:034}")
}

/// The `invocationId` of the `n`-th invocation of a stream seeded with
/// `seed`: a version-4 UUID drawn from the seed's generator (stream `n`),
/// never from a clock.
pub fn invocation_id(seed: u64, n: u64) -> String {
    let mut rng = component_rng(seed, "firehose/invocation-id");
    rng.set_stream(n);
    let hi: u64 = rng.random();
    let lo: u64 = rng.random();
    let hi = (hi & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000; // version 4
    let lo = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000; // RFC 4122 variant
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xFFFF,
        hi & 0xFFFF,
        lo >> 48,
        lo & 0xFFFF_FFFF_FFFF
    )
}

/// `arn:aws:lambda:{region}:{account}:function:{name}`.
pub fn lambda_arn(region: &str, account_id: &str, function_name: &str) -> String {
    format!("arn:aws:lambda:{region}:{account_id}:function:{function_name}")
}

// ---------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------

/// One buffered record as Firehose passes it to the function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputRecord<'a> {
    pub record_id: &'a str,
    /// When Firehose received the record, ms since the Unix epoch.
    pub arrival_ms: u64,
    pub data: &'a [u8],
}

/// What Firehose adds to each record when its source is a Kinesis data
/// stream (`kinesisRecordMetadata`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KinesisRecordMetadata<'a> {
    pub shard_id: &'a str,
    pub partition_key: &'a str,
    /// When the stream received the record, ms since the Unix epoch.
    pub approximate_arrival_ms: u64,
    pub sequence_number: &'a str,
    /// The record's index inside a KPL aggregated record (0 if it was not
    /// aggregated).
    pub subsequence_number: u64,
}

/// A record read from a Kinesis data stream, with its stream metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamInputRecord<'a> {
    pub record: InputRecord<'a>,
    pub kinesis: KinesisRecordMetadata<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InputDoc<'a> {
    invocation_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_kinesis_stream_arn: Option<&'a str>,
    delivery_stream_arn: &'a str,
    region: &'a str,
    records: Vec<InputDocRecord<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InputDocRecord<'a> {
    record_id: &'a str,
    approximate_arrival_timestamp: u64,
    data: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    kinesis_record_metadata: Option<KinesisDoc<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KinesisDoc<'a> {
    shard_id: &'a str,
    partition_key: &'a str,
    approximate_arrival_timestamp: u64,
    sequence_number: &'a str,
    subsequence_number: u64,
}

fn doc_record<'a>(
    r: &InputRecord<'a>,
    k: Option<&KinesisRecordMetadata<'a>>,
) -> InputDocRecord<'a> {
    InputDocRecord {
        record_id: r.record_id,
        approximate_arrival_timestamp: r.arrival_ms,
        data: B64.encode(r.data),
        kinesis_record_metadata: k.map(|k| KinesisDoc {
            shard_id: k.shard_id,
            partition_key: k.partition_key,
            approximate_arrival_timestamp: k.approximate_arrival_ms,
            sequence_number: k.sequence_number,
            subsequence_number: k.subsequence_number,
        }),
    }
}

/// The event document Firehose sends to the transform function (Direct PUT
/// source), with its fields in the order Firehose writes them and `data` in
/// standard base64.
pub fn build_input(
    invocation_id: &str,
    delivery_stream_arn: &str,
    region: &str,
    records: &[InputRecord<'_>],
) -> String {
    let doc = InputDoc {
        invocation_id,
        source_kinesis_stream_arn: None,
        delivery_stream_arn,
        region,
        records: records.iter().map(|r| doc_record(r, None)).collect(),
    };
    // Serialising plain strings and integers cannot fail.
    serde_json::to_string(&doc).unwrap_or_default()
}

/// The event document when the source is a Kinesis data stream: as
/// [`build_input`], plus `sourceKinesisStreamArn` and each record's
/// `kinesisRecordMetadata` (shard, partition key, the stream's arrival time,
/// sequence and subsequence numbers).
pub fn build_stream_input(
    invocation_id: &str,
    source_kinesis_stream_arn: &str,
    delivery_stream_arn: &str,
    region: &str,
    records: &[StreamInputRecord<'_>],
) -> String {
    let doc = InputDoc {
        invocation_id,
        source_kinesis_stream_arn: Some(source_kinesis_stream_arn),
        delivery_stream_arn,
        region,
        records: records
            .iter()
            .map(|r| doc_record(&r.record, Some(&r.kinesis)))
            .collect(),
    };
    serde_json::to_string(&doc).unwrap_or_default()
}

/// An input event read back (what a built-in transform sees).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputEvent {
    pub invocation_id: String,
    pub delivery_stream_arn: String,
    pub region: String,
    pub records: Vec<InputEventRecord>,
}

/// One record of an [`InputEvent`], its data decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputEventRecord {
    pub record_id: String,
    pub arrival_ms: u64,
    pub data: Vec<u8>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InputDocOwned {
    #[serde(default)]
    invocation_id: String,
    #[serde(default)]
    delivery_stream_arn: String,
    #[serde(default)]
    region: String,
    records: Vec<InputDocRecordOwned>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InputDocRecordOwned {
    record_id: String,
    #[serde(default)]
    approximate_arrival_timestamp: u64,
    data: String,
}

/// Read an event document made by [`build_input`].
pub fn parse_input(input_json: &str) -> Result<InputEvent, InvokeError> {
    let doc: InputDocOwned = serde_json::from_str(input_json).map_err(|e| {
        InvokeError::function_error(format!("the input event is not a Firehose event: {e}"))
    })?;
    let mut records = Vec::with_capacity(doc.records.len());
    for (i, r) in doc.records.into_iter().enumerate() {
        let data = B64.decode(r.data.as_bytes()).map_err(|e| {
            InvokeError::function_error(format!(
                "input record {i} ({}) has data that is not base64: {e}",
                r.record_id
            ))
        })?;
        records.push(InputEventRecord {
            record_id: r.record_id,
            arrival_ms: r.approximate_arrival_timestamp,
            data,
        });
    }
    Ok(InputEvent {
        invocation_id: doc.invocation_id,
        delivery_stream_arn: doc.delivery_stream_arn,
        region: doc.region,
        records,
    })
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

/// What became of one record sent to the function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `result: "Ok"`: the transformed bytes go on to the destination.
    Ok(Vec<u8>),
    /// `result: "Dropped"`: dropped on purpose; counts as processed.
    Dropped,
    /// The record failed (the function said `ProcessingFailed`, or its answer
    /// for this record broke the contract); it goes to `processing-failed/`.
    Failed { code: String, message: String },
}

impl Outcome {
    fn failed(code: &str, message: impl Into<String>) -> Self {
        Outcome::Failed {
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// Lab extension (not part of AWS's contract): a `ProcessingFailed` record
/// may carry a string under this key; the lab then shows it in the
/// `errorMessage` of the failed record. AWS ignores such extra keys.
pub const REASON_KEY: &str = "labReason";

/// How many problem entries a missing-record message lists at most.
const MAX_LISTED: usize = 3;

/// Why an output entry could not be matched to any sent record.
fn describe_unmatched(index: usize, problem: &str) -> String {
    format!("records[{index}] {problem}")
}

/// Check a function's response against the records `sent` to it, following
/// AWS's status model. The result has one entry per sent record, in the same
/// order:
/// - the response is larger than 6 MB → the whole invocation fails
///   ([`codes::FUNCTION_ERROR`]);
/// - the response is not JSON, not an object, or has no `records` array →
///   the whole invocation fails ([`codes::JSON_PROCESSING`]); the engine
///   retries it;
/// - a sent record with no answer under its `recordId` (the answer left it
///   out, omitted the id or changed it) → [`codes::MISSING_RECORD_ID`];
/// - a `recordId` answered more than once → [`codes::DUPLICATED_RECORD_ID`];
/// - an answer whose `result` is missing or not `Ok`/`Dropped`/`ProcessingFailed`,
///   an `Ok` without `data`, or `data` that is not a base64 string →
///   [`codes::JSON_PROCESSING`];
/// - `ProcessingFailed` → [`codes::PROCESSING_FAILED_STATUS`].
///
/// Answers for ids that were never sent fail nothing by themselves; they are
/// named in the message of the sent record they probably replaced.
pub fn check_output(sent: &[&str], output: &str) -> Result<Vec<(String, Outcome)>, InvokeError> {
    if output.len() > MAX_PAYLOAD_BYTES {
        return Err(InvokeError::function_error(format!(
            "the response is {} bytes; Lambda allows at most {MAX_PAYLOAD_BYTES} bytes",
            output.len()
        )));
    }
    let doc: Value = serde_json::from_str(output).map_err(|e| {
        InvokeError::bad_response(format!(
            "the response is not JSON ({e}); return an object like {{\"records\": [...]}}"
        ))
    })?;
    let Some(obj) = doc.as_object() else {
        return Err(InvokeError::bad_response(format!(
            "the response is JSON {} but must be an object with a \"records\" array",
            json_kind(&doc)
        )));
    };
    let entries = match obj.get("records") {
        Some(Value::Array(a)) => a,
        Some(other) => {
            return Err(InvokeError::bad_response(format!(
                "\"records\" in the response is {} but must be an array",
                json_kind(other)
            )))
        }
        None => {
            return Err(InvokeError::bad_response(
                "the response has no \"records\" array",
            ))
        }
    };

    let sent_set: BTreeMap<&str, usize> = sent.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    // recordId → indexes of the entries answering it.
    let mut answers: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut unmatched: Vec<String> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let Some(e) = entry.as_object() else {
            unmatched.push(describe_unmatched(
                i,
                &format!("is {}, not an object", json_kind(entry)),
            ));
            continue;
        };
        match e.get("recordId") {
            None => unmatched.push(describe_unmatched(i, "has no recordId")),
            Some(Value::String(id)) => {
                if sent_set.contains_key(id.as_str()) {
                    answers.entry(id.as_str()).or_default().push(i);
                } else {
                    unmatched.push(describe_unmatched(
                        i,
                        &format!("has recordId {}, which was not sent", short_quote(id)),
                    ));
                }
            }
            Some(other) => unmatched.push(describe_unmatched(
                i,
                &format!("has a recordId that is {}, not a string", json_kind(other)),
            )),
        }
    }

    let mut out = Vec::with_capacity(sent.len());
    let mut seen_sent: BTreeMap<&str, ()> = BTreeMap::new();
    for &id in sent {
        let first_time = seen_sent.insert(id, ()).is_none();
        let outcome = match answers.get(id).map(Vec::as_slice) {
            None | Some([]) => {
                let mut message =
                    "the response has no record with this recordId; return every record you received, with its recordId unchanged".to_string();
                if !unmatched.is_empty() {
                    let listed: Vec<&str> = unmatched
                        .iter()
                        .take(MAX_LISTED)
                        .map(String::as_str)
                        .collect();
                    message.push_str(" (");
                    message.push_str(&listed.join("; "));
                    if unmatched.len() > MAX_LISTED {
                        message.push_str(&format!("; {} more", unmatched.len() - MAX_LISTED));
                    }
                    message.push(')');
                }
                Outcome::failed(codes::MISSING_RECORD_ID, message)
            }
            Some([one]) if first_time => check_entry(*one, &entries[*one]),
            Some([_]) => Outcome::failed(
                codes::DUPLICATED_RECORD_ID,
                "this recordId was sent more than once in the batch",
            ),
            Some(many) => Outcome::failed(
                codes::DUPLICATED_RECORD_ID,
                format!(
                    "the response has {} records with this recordId (records[{}]); return each recordId exactly once",
                    many.len(),
                    many.iter()
                        .map(|i| i.to_string())
                        .collect::<Vec<_>>()
                        .join("], records[")
                ),
            ),
        };
        out.push((id.to_string(), outcome));
    }
    Ok(out)
}

/// The outcome of one answer whose `recordId` matched exactly one sent record.
fn check_entry(index: usize, entry: &Value) -> Outcome {
    let Some(e) = entry.as_object() else {
        // Unreachable: only objects are matched. Kept total for safety.
        return Outcome::failed(
            codes::JSON_PROCESSING,
            format!("records[{index}] is not an object"),
        );
    };
    let result = match e.get("result") {
        None => {
            return Outcome::failed(
                codes::JSON_PROCESSING,
                format!("records[{index}] has no \"result\"; use \"Ok\", \"Dropped\" or \"ProcessingFailed\""),
            )
        }
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return Outcome::failed(
                codes::JSON_PROCESSING,
                format!(
                    "records[{index}] has a \"result\" that is {}; use \"Ok\", \"Dropped\" or \"ProcessingFailed\"",
                    json_kind(other)
                ),
            )
        }
    };
    match result {
        "Ok" => match e.get("data") {
            None => Outcome::failed(
                codes::JSON_PROCESSING,
                format!("records[{index}] is \"Ok\" but has no \"data\" (the transformed bytes in base64)"),
            ),
            Some(Value::String(d)) => match B64.decode(d.as_bytes()) {
                Ok(bytes) => Outcome::Ok(bytes),
                Err(err) => Outcome::failed(
                    codes::JSON_PROCESSING,
                    format!("records[{index}] has \"data\" that is not valid base64 ({err})"),
                ),
            },
            Some(other) => Outcome::failed(
                codes::JSON_PROCESSING,
                format!(
                    "records[{index}] has \"data\" that is {}, not a base64 string",
                    json_kind(other)
                ),
            ),
        },
        "Dropped" => Outcome::Dropped,
        "ProcessingFailed" => {
            let message = match e.get(REASON_KEY) {
                Some(Value::String(reason)) if !reason.is_empty() => {
                    format!("the function marked this record ProcessingFailed: {reason}")
                }
                _ => "the function marked this record ProcessingFailed".to_string(),
            };
            Outcome::failed(codes::PROCESSING_FAILED_STATUS, message)
        }
        other => Outcome::failed(
            codes::JSON_PROCESSING,
            format!(
                "records[{index}] has result {}; the only results are \"Ok\", \"Dropped\" and \"ProcessingFailed\" (case matters)",
                short_quote(other)
            ),
        ),
    }
}

/// Every record of a batch whose invocation failed for good (after the
/// retries), each with the invocation's error.
pub fn invocation_failed(sent: &[&str], err: &InvokeError) -> Vec<(String, Outcome)> {
    sent.iter()
        .map(|id| {
            (
                id.to_string(),
                Outcome::failed(&err.code, err.message.clone()),
            )
        })
        .collect()
}

/// "a string", "a number", … for messages.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A JSON-quoted copy of `s`, cut to a readable length.
fn short_quote(s: &str) -> String {
    const MAX: usize = 60;
    let cut: String = s.chars().take(MAX).collect();
    let quoted = serde_json::to_string(&cut).unwrap_or_default();
    if s.chars().count() > MAX {
        format!("{quoted}…")
    } else {
        quoted
    }
}

/// What a function says about one record, for [`build_output`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Ok(Vec<u8>),
    /// Dropped on purpose; the original data is sent back with it.
    Dropped(Vec<u8>),
    /// ProcessingFailed: the original data, and a reason carried under
    /// [`REASON_KEY`] (a lab extension).
    Failed {
        data: Vec<u8>,
        reason: String,
    },
}

/// A response document in the Lambda contract: `{"records": [{recordId,
/// result, data}, …]}` (plus [`REASON_KEY`] on failed records).
pub fn build_output(replies: &[(&str, Reply)]) -> String {
    let mut s = String::from("{\"records\":[");
    for (i, (id, reply)) in replies.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let (result, data, reason) = match reply {
            Reply::Ok(d) => ("Ok", d, None),
            Reply::Dropped(d) => ("Dropped", d, None),
            Reply::Failed { data, reason } => ("ProcessingFailed", data, Some(reason)),
        };
        s.push_str("{\"recordId\":");
        s.push_str(&json_string(id));
        s.push_str(",\"result\":\"");
        s.push_str(result);
        s.push_str("\",\"data\":\"");
        s.push_str(&B64.encode(data));
        s.push('"');
        if let Some(reason) = reason {
            s.push_str(",\"");
            s.push_str(REASON_KEY);
            s.push_str("\":");
            s.push_str(&json_string(reason));
        }
        s.push('}');
    }
    s.push_str("]}");
    s
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

// ---------------------------------------------------------------------------
// processing-failed/ records
// ---------------------------------------------------------------------------

/// One failed record as Firehose writes it under `processing-failed/`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessingFailedRecord {
    /// How many invocations were attempted.
    pub attempts_made: u32,
    /// When Firehose received the record (ms since the Unix epoch).
    pub arrival_timestamp: u64,
    pub error_code: String,
    pub error_message: String,
    /// When Firehose stopped trying (ms since the Unix epoch).
    pub attempt_ending_timestamp: u64,
    /// The original record, base64.
    pub raw_data: String,
    pub lambda_arn: String,
}

/// The `processing-failed/` line for one record: a JSON object with
/// `attemptsMade`, `arrivalTimestamp`, `errorCode`, `errorMessage`,
/// `attemptEndingTimestamp`, `rawData` (base64) and `lambdaArn`, in that
/// order, followed by `\n`. Counts and timestamps are JSON numbers (ms since
/// the Unix epoch), as in the files Firehose writes.
pub fn processing_failed_record(
    attempts_made: u32,
    arrival_ms: u64,
    error_code: &str,
    error_message: &str,
    attempt_ending_ms: u64,
    raw_data: &[u8],
    lambda_arn: &str,
) -> String {
    let rec = ProcessingFailedRecord {
        attempts_made,
        arrival_timestamp: arrival_ms,
        error_code: error_code.to_string(),
        error_message: error_message.to_string(),
        attempt_ending_timestamp: attempt_ending_ms,
        raw_data: B64.encode(raw_data),
        lambda_arn: lambda_arn.to_string(),
    };
    let mut line = serde_json::to_string(&rec).unwrap_or_default();
    line.push('\n');
    line
}

// ---------------------------------------------------------------------------
// Transforms
// ---------------------------------------------------------------------------

/// A Rust closure as a transform (native tests): it gets the input event and
/// returns the response text or a whole-invocation error.
pub struct ClosureTransform<F>(pub F);

impl<F: FnMut(&str) -> Result<String, InvokeError>> Transform for ClosureTransform<F> {
    fn invoke(&mut self, input_json: &str) -> Invoke {
        Invoke::Done((self.0)(input_json))
    }
}

/// Wrap a closure as a [`Transform`].
pub fn from_fn<F: FnMut(&str) -> Result<String, InvokeError>>(f: F) -> ClosureTransform<F> {
    ClosureTransform(f)
}

/// A transform answered from outside the engine: the browser's sandboxed
/// JavaScript worker. Every invocation is [`Invoke::Pending`]; the page reads
/// the pending input from the engine, runs the worker and hands the reply
/// back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExternalTransform;

impl Transform for ExternalTransform {
    fn invoke(&mut self, _input_json: &str) -> Invoke {
        Invoke::Pending
    }

    /// The name the worker gives the student's function (`context.functionName`).
    fn function_name(&self) -> &str {
        "student-transform"
    }
}

/// The JavaScript a student starts from in the browser editor.
pub fn js_template() -> &'static str {
    JS_TEMPLATE
}

const JS_TEMPLATE: &str = r#"// Firehose calls handler(event) with a batch of records.
// event.records[i] has recordId, approximateArrivalTimestamp and data
// (the record's bytes in base64). Return one entry per record, with the
// same recordId, a result ("Ok", "Dropped" or "ProcessingFailed") and the
// new data in base64. This starter passes every record through unchanged.
// (Lab only: a ProcessingFailed record may also carry labReason: '...';
// the lab shows it in the error file. Real Firehose does not read it.)
function handler(event) {
  return {
    records: event.records.map((record) => {
      const text = Buffer.from(record.data, 'base64').toString('utf8');
      // Change `text` here, or return result: 'Dropped' to leave it out.
      return {
        recordId: record.recordId,
        result: 'Ok',
        data: Buffer.from(text, 'utf8').toString('base64'),
      };
    }),
  };
}
"#;

// ---------------------------------------------------------------------------
// Built-in transforms
// ---------------------------------------------------------------------------

/// Longest field or column name a built-in accepts, in characters.
pub const MAX_NAME_CHARS: usize = 256;
/// Longest value `AddField` / `FilterByField` accept, in characters.
pub const MAX_VALUE_CHARS: usize = 1024;
/// Most columns `CsvToJson` accepts.
pub const MAX_COLUMNS: usize = 100;

/// The transforms the lab ships, chosen in the UI instead of writing
/// JavaScript. Each one runs through the same JSON contract as a Lambda
/// function: it reads the input event and writes a response document.
///
/// Serialised with a `type` tag, e.g. in TOML:
/// `type = "filter_by_field"`, `field = "level"`, `equals = "ERROR"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BuiltinTransform {
    /// Keep the JSON records whose `field` equals `equals`; drop the others
    /// (`Dropped`). A record that is not a JSON object fails
    /// (`ProcessingFailed`). `field` is a key, or a dotted path into nested
    /// objects (`user.country`); a key that itself contains dots is matched
    /// first. A string field is compared as text; a number, boolean or null
    /// is compared with `equals` read as JSON (`3`, `3.0`, `true`, `null`).
    FilterByField { field: String, equals: String },
    /// Enrich each JSON object record: set the top-level key `field` to the
    /// string `value` (replacing it if present) and, if
    /// `arrival_timestamp_field` is given, set that key to the record's
    /// arrival time (ms since the Unix epoch). Key order and a trailing
    /// newline are kept. A record that is not a JSON
    /// object fails.
    AddField {
        field: String,
        value: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        arrival_timestamp_field: Option<String>,
    },
    /// Read each record as one CSV line (RFC 4180: commas, fields in double
    /// quotes may hold commas, quotes written twice, and line breaks) and
    /// write a JSON object with one string per column, then `\n`. A line with
    /// a different number of fields, or a broken quote, fails.
    CsvToJson { columns: Vec<String> },
    /// Pass records that are valid JSON unchanged; drop the others.
    DropMalformedJson,
}

/// What is wrong with a built-in transform's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BuiltinProblem {
    /// The value is empty.
    Empty,
    /// The value has `len` characters; at most `max` are allowed.
    TooLong { len: usize, max: usize },
    /// There are `count` entries; at most `max` are allowed.
    TooMany { count: usize, max: usize },
    /// This column name already appears at index `first`.
    Repeats { first: usize },
    /// The name is the same as the one in the field `other`.
    SameAs { other: String },
}

/// A built-in transform setting that is not valid, named by its path
/// (`add_field.value`, `csv_to_json.columns[2]`, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuiltinError {
    pub field: String,
    pub problem: BuiltinProblem,
}

impl fmt::Display for BuiltinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = &self.field;
        match &self.problem {
            BuiltinProblem::Empty => write!(f, "{name} must not be empty"),
            BuiltinProblem::TooLong { len, max } => {
                write!(f, "{name} is {len} characters long; the limit is {max}")
            }
            BuiltinProblem::TooMany { count, max } => {
                write!(f, "{name} has {count} entries; the limit is {max}")
            }
            BuiltinProblem::Repeats { first } => {
                write!(f, "{name} repeats the column name at index {first}")
            }
            BuiltinProblem::SameAs { other } => {
                write!(f, "{name} must differ from {other}")
            }
        }
    }
}

impl std::error::Error for BuiltinError {}

fn check_text(path: &str, value: &str, max: usize, may_be_empty: bool) -> Result<(), BuiltinError> {
    let err = |problem| {
        Err(BuiltinError {
            field: path.to_string(),
            problem,
        })
    };
    if value.is_empty() && !may_be_empty {
        return err(BuiltinProblem::Empty);
    }
    let len = value.chars().count();
    if len > max {
        return err(BuiltinProblem::TooLong { len, max });
    }
    Ok(())
}

impl BuiltinTransform {
    /// The snake_case name used as the serde tag.
    pub fn kind(&self) -> &'static str {
        match self {
            BuiltinTransform::FilterByField { .. } => "filter_by_field",
            BuiltinTransform::AddField { .. } => "add_field",
            BuiltinTransform::CsvToJson { .. } => "csv_to_json",
            BuiltinTransform::DropMalformedJson => "drop_malformed_json",
        }
    }

    /// The name the lab gives the simulated Lambda function (for its ARN).
    pub fn function_name(&self) -> &'static str {
        match self {
            BuiltinTransform::FilterByField { .. } => "lab-filter-by-field",
            BuiltinTransform::AddField { .. } => "lab-add-field",
            BuiltinTransform::CsvToJson { .. } => "lab-csv-to-json",
            BuiltinTransform::DropMalformedJson => "lab-drop-malformed-json",
        }
    }

    /// Check the settings; an error names the field (`<kind>.<field>`).
    pub fn validate(&self) -> Result<(), BuiltinError> {
        match self {
            BuiltinTransform::FilterByField { field, equals } => {
                check_text("filter_by_field.field", field, MAX_NAME_CHARS, false)?;
                // Filtering on the empty string is a real need (`"note": ""`).
                check_text("filter_by_field.equals", equals, MAX_VALUE_CHARS, true)
            }
            BuiltinTransform::AddField {
                field,
                value,
                arrival_timestamp_field,
            } => {
                check_text("add_field.field", field, MAX_NAME_CHARS, false)?;
                check_text("add_field.value", value, MAX_VALUE_CHARS, true)?;
                if let Some(ts) = arrival_timestamp_field {
                    check_text(
                        "add_field.arrival_timestamp_field",
                        ts,
                        MAX_NAME_CHARS,
                        false,
                    )?;
                    if ts == field {
                        return Err(BuiltinError {
                            field: "add_field.arrival_timestamp_field".into(),
                            problem: BuiltinProblem::SameAs {
                                other: "add_field.field".into(),
                            },
                        });
                    }
                }
                Ok(())
            }
            BuiltinTransform::CsvToJson { columns } => {
                if columns.is_empty() {
                    return Err(BuiltinError {
                        field: "csv_to_json.columns".into(),
                        problem: BuiltinProblem::Empty,
                    });
                }
                if columns.len() > MAX_COLUMNS {
                    return Err(BuiltinError {
                        field: "csv_to_json.columns".into(),
                        problem: BuiltinProblem::TooMany {
                            count: columns.len(),
                            max: MAX_COLUMNS,
                        },
                    });
                }
                let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
                for (i, c) in columns.iter().enumerate() {
                    let path = format!("csv_to_json.columns[{i}]");
                    check_text(&path, c, MAX_NAME_CHARS, false)?;
                    if let Some(first) = seen.insert(c.as_str(), i) {
                        return Err(BuiltinError {
                            field: path,
                            problem: BuiltinProblem::Repeats { first },
                        });
                    }
                }
                Ok(())
            }
            BuiltinTransform::DropMalformedJson => Ok(()),
        }
    }

    /// What this transform says about one record.
    pub fn apply(&self, arrival_ms: u64, data: &[u8]) -> Reply {
        let fail = |reason: String| Reply::Failed {
            data: data.to_vec(),
            reason,
        };
        match self {
            BuiltinTransform::FilterByField { field, equals } => match json_object(data) {
                Err(reason) => fail(reason),
                Ok(v) => match lookup(&v, field) {
                    Some(found) if value_equals(found, equals) => Reply::Ok(data.to_vec()),
                    _ => Reply::Dropped(data.to_vec()),
                },
            },
            BuiltinTransform::AddField {
                field,
                value,
                arrival_timestamp_field,
            } => {
                let text = match json_object(data) {
                    Err(reason) => return fail(reason),
                    // json_object only succeeds on UTF-8.
                    Ok(_) => String::from_utf8_lossy(data),
                };
                let mut text = set_member(&text, field, &json_string(value));
                if let Some(ts) = arrival_timestamp_field {
                    text = set_member(&text, ts, &arrival_ms.to_string());
                }
                Reply::Ok(text.into_bytes())
            }
            BuiltinTransform::CsvToJson { columns } => {
                let Ok(text) = std::str::from_utf8(data) else {
                    return fail("the record is not UTF-8 text, so it cannot be a CSV line".into());
                };
                let line = text
                    .strip_suffix("\r\n")
                    .or_else(|| text.strip_suffix('\n'))
                    .unwrap_or(text);
                match parse_csv_line(line) {
                    Err(reason) => fail(reason),
                    Ok(fields) if fields.len() != columns.len() => fail(format!(
                        "the line has {} field{} but {} column{} are configured ({})",
                        fields.len(),
                        if fields.len() == 1 { "" } else { "s" },
                        columns.len(),
                        if columns.len() == 1 { " is" } else { "s" },
                        columns.join(", ")
                    )),
                    Ok(fields) => {
                        let mut s = String::from("{");
                        for (i, (name, value)) in columns.iter().zip(&fields).enumerate() {
                            if i > 0 {
                                s.push(',');
                            }
                            s.push_str(&json_string(name));
                            s.push(':');
                            s.push_str(&json_string(value));
                        }
                        s.push_str("}\n");
                        Reply::Ok(s.into_bytes())
                    }
                }
            }
            BuiltinTransform::DropMalformedJson => {
                if serde_json::from_slice::<serde::de::IgnoredAny>(data).is_ok() {
                    Reply::Ok(data.to_vec())
                } else {
                    Reply::Dropped(data.to_vec())
                }
            }
        }
    }
}

impl Transform for BuiltinTransform {
    fn invoke(&mut self, input_json: &str) -> Invoke {
        let event = match parse_input(input_json) {
            Ok(e) => e,
            Err(e) => return Invoke::Done(Err(e)),
        };
        let replies: Vec<(&str, Reply)> = event
            .records
            .iter()
            .map(|r| (r.record_id.as_str(), self.apply(r.arrival_ms, &r.data)))
            .collect();
        Invoke::Done(Ok(build_output(&replies)))
    }

    fn function_name(&self) -> &str {
        BuiltinTransform::function_name(self)
    }
}

/// The record as a JSON object, or why it is not one.
fn json_object(data: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(data)
        .map_err(|_| "the record is not UTF-8 text, so it cannot be JSON".to_string())?;
    let v: Value =
        serde_json::from_str(text).map_err(|e| format!("the record is not valid JSON ({e})"))?;
    if v.is_object() {
        Ok(v)
    } else {
        Err(format!(
            "the record is JSON {}, not an object",
            json_kind(&v)
        ))
    }
}

/// `field` in `v`: an exact key first, else a dotted path through objects
/// (and arrays, by index).
fn lookup<'v>(v: &'v Value, field: &str) -> Option<&'v Value> {
    if let Some(found) = v.get(field) {
        return Some(found);
    }
    let mut cur = v;
    for part in field.split('.') {
        cur = match cur {
            Value::Object(m) => m.get(part)?,
            Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Whether a JSON value matches the text a student typed.
fn value_equals(v: &Value, equals: &str) -> bool {
    match v {
        Value::String(s) => s == equals,
        Value::Number(n) => {
            let typed = equals.trim();
            if n.to_string() == typed {
                return true;
            }
            match (n.as_f64(), typed.parse::<f64>()) {
                (Some(a), Ok(b)) => a == b,
                _ => false,
            }
        }
        Value::Bool(b) => equals.trim() == if *b { "true" } else { "false" },
        Value::Null => equals.trim() == "null",
        Value::Array(_) | Value::Object(_) => {
            serde_json::from_str::<Value>(equals).is_ok_and(|typed| &typed == v)
        }
    }
}

// --- editing a JSON object's text without reordering its keys ---------------

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// `b[i]` is `"`: the index just past the closing quote.
fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The index just past the JSON value starting at `i`.
fn skip_value(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(b'"') => skip_string(b, i),
        Some(b'{') | Some(b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            b.len()
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            j
        }
    }
}

/// A member of a top-level object: its key (unescaped) and value span.
struct Member {
    key: String,
    value: (usize, usize),
}

/// The members of the object `text` (which must be valid JSON for the
/// result to mean anything; on other text it stops early, never panics),
/// and the index of the closing brace.
fn members(text: &str) -> (Vec<Member>, usize) {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return (out, b.len());
    }
    i += 1;
    loop {
        i = skip_ws(b, i);
        match b.get(i) {
            Some(b'"') => {}
            Some(b'}') => return (out, i),
            _ => return (out, b.len()),
        }
        let key_end = skip_string(b, i);
        let key = text
            .get(i..key_end)
            .and_then(|k| serde_json::from_str::<String>(k).ok())
            .unwrap_or_default();
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return (out, b.len());
        }
        let start = skip_ws(b, i + 1);
        let end = skip_value(b, start);
        out.push(Member {
            key,
            value: (start, end),
        });
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i += 1,
            Some(b'}') => return (out, i),
            _ => return (out, b.len()),
        }
    }
}

/// `text` (a JSON object) with `key` set to the JSON `value_json`: every
/// existing occurrence of the key gets the new value in place; otherwise the
/// member is appended after the last one. Whitespace around the object (a
/// trailing newline) is kept.
fn set_member(text: &str, key: &str, value_json: &str) -> String {
    let (found, close) = members(text);
    let hits: Vec<&Member> = found.iter().filter(|m| m.key == key).collect();
    if !hits.is_empty() {
        let mut s = text.to_string();
        for m in hits.iter().rev() {
            if s.is_char_boundary(m.value.0)
                && s.is_char_boundary(m.value.1)
                && m.value.0 <= m.value.1
                && m.value.1 <= s.len()
            {
                s.replace_range(m.value.0..m.value.1, value_json);
            }
        }
        return s;
    }
    if close >= text.len() {
        // Not an object we could read: leave it as it was.
        return text.to_string();
    }
    let insert_at = found.last().map_or(close, |m| m.value.1);
    let mut member = String::new();
    if !found.is_empty() {
        member.push(',');
    }
    member.push_str(&json_string(key));
    member.push(':');
    member.push_str(value_json);
    let mut s = text.to_string();
    if s.is_char_boundary(insert_at) {
        s.insert_str(insert_at, &member);
    }
    s
}

// --- CSV -------------------------------------------------------------------

/// The fields of one CSV line (RFC 4180). Errors say what is wrong and in
/// which field (counted from 1).
pub fn parse_csv_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let n = fields.len() + 1;
        let mut cur = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    None => {
                        return Err(format!(
                            "field {n} opens a double quote that is never closed"
                        ))
                    }
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        cur.push('"');
                    }
                    Some('"') => break,
                    Some(c) => cur.push(c),
                }
            }
            match chars.next() {
                None => {
                    fields.push(cur);
                    return Ok(fields);
                }
                Some(',') => fields.push(cur),
                Some(c) => {
                    return Err(format!(
                        "field {n} has {} after its closing quote; a quoted field must end at a comma or the end of the line",
                        short_quote(&c.to_string())
                    ))
                }
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        fields.push(cur);
                        return Ok(fields);
                    }
                    Some(',') => {
                        fields.push(cur);
                        break;
                    }
                    Some('"') => {
                        return Err(format!(
                            "field {n} has a double quote inside an unquoted value; quote the whole field and write the quote twice (\"\")"
                        ))
                    }
                    Some(c) => cur.push(c),
                }
            }
        }
    }
}
