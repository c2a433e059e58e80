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

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
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

/// SplitMix64: a fixed, well-mixed function of its input (no state).
fn mix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The `recordId` of the `seq`-th record a delivery stream seeded with `seed`
/// received. Firehose's record ids are long decimal strings (56 digits); this
/// keeps that shape: `49`, 20 digits derived from the seed, then `seq` in 34
/// digits, so ids of one stream are distinct and sort in arrival order.
pub fn record_id(seed: u64, seq: u64) -> String {
    format!("49{:020}{:034}", mix64(seed), seq)
}

/// The `invocationId` of the `n`-th invocation of a stream seeded with
/// `seed`: a version-4-shaped UUID derived from both, never from a clock.
pub fn invocation_id(seed: u64, n: u64) -> String {
    let hi = mix64(seed ^ mix64(n));
    let lo = mix64(hi ^ n.rotate_left(32) ^ 0x5DEE_CE66_D1CE_4E5B);
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InputDoc<'a> {
    invocation_id: &'a str,
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
}

/// The event document Firehose sends to the transform function, with its
/// fields in the order Firehose writes them and `data` in standard base64.
pub fn build_input(
    invocation_id: &str,
    delivery_stream_arn: &str,
    region: &str,
    records: &[InputRecord<'_>],
) -> String {
    let doc = InputDoc {
        invocation_id,
        delivery_stream_arn,
        region,
        records: records
            .iter()
            .map(|r| InputDocRecord {
                record_id: r.record_id,
                approximate_arrival_timestamp: r.arrival_ms,
                data: B64.encode(r.data),
            })
            .collect(),
    };
    // Serialising plain strings and integers cannot fail.
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
        return Outcome::failed(codes::JSON_PROCESSING, format!("records[{index}] is not an object"));
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
    Failed { data: Vec<u8>, reason: String },
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
