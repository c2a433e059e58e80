//! The engine state a lesson works on. Widgets turn what the student does
//! into [`Action`]s; applying the same actions to the same scenario always
//! gives the same state, which is how stored solutions are checked.

use super::firehose::{FhData, FhError, FhSettings, FirehoseLab};
use super::sql::{SqlFeed, SqlLab, SqlLabError};
use super::sims::{FanOutRun, KclLab, KplRun};
use super::Scenario;
use crate::api::console::{parse, Parsed};
use crate::api::handle;
use crate::api::scenario::DEFAULT_START_MS;
use crate::consumer::kcl::{KclError, KclField, KclProblem};
use crate::error::{check_count, Field, Problem, ValidationError};
use crate::hash::{even_ranges, route, HashKeyRange, Route};
use crate::producer::{Producer, ProducerConfig, MAX_RATE, MAX_RECORD_BYTES};
use crate::stream::engine::{Engine, PutOutcome, StreamMode};
use crate::workload::{KeyDistribution, KeyRun, KeyRunConfig, RunStats};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Longest single wait: a little over the 365-day maximum retention.
pub const MAX_WAIT_SECONDS: u32 = 400 * 86_400;
/// A producer run lasts at most a minute of simulated time...
pub const MAX_PRODUCE_SECONDS: u32 = 60;
/// ...and sends at most this many records and bytes, so that a lesson's
/// engine stays small enough to copy on every console line in the browser.
pub const MAX_PRODUCE_RECORDS: u64 = 5_000;
pub const MAX_PRODUCE_BYTES: u64 = 64 * 1_048_576;

/// Something the student (or a script) does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Re-create the stream with this many shards (records are cleared).
    SetShards { shards: u32 },
    /// PutRecord with this partition key.
    Put { key: String },
    /// Choose the generated workload.
    SetWorkload {
        distribution: KeyDistribution,
        records_per_second: u32,
        seconds: u32,
    },
    /// Run the chosen workload to its end.
    RunWorkload,
    /// An `aws kinesis ...` line typed in the lesson's console.
    Console { line: String },
    /// Let simulated time pass (retention trims, iterators age, the bill grows).
    Wait { seconds: u32 },
    /// Run a producer into `stream` for `seconds` simulated seconds, starting
    /// one second after the last thing the lab did.
    Produce {
        stream: String,
        records_per_second: u32,
        record_bytes: u32,
        seconds: u32,
    },
    /// Shared polling against enhanced fan-out: `consumers` applications read
    /// a stream of `shards` shards for `seconds`, once by GetRecords and once
    /// by SubscribeToShard, in the same simulated time.
    FanOut {
        consumers: u32,
        shards: u32,
        records_per_second: u32,
        record_bytes: u32,
        seconds: u32,
    },
    /// A simulated KPL writes user records into a fresh stream for `seconds`.
    KplRun {
        shards: u32,
        records_per_second: u32,
        record_bytes: u32,
        aggregation: bool,
        #[serde(default = "default_buffered_time")]
        record_max_buffered_time_ms: u32,
        seconds: u32,
    },
    /// A KCL application on a new stream of `shards` shards with `workers`
    /// workers and a producer; replaces any earlier one.
    KclStart {
        shards: u32,
        workers: u32,
        records_per_second: u32,
        checkpoint_ms: u64,
    },
    /// Start one more worker.
    KclAddWorker,
    /// Kill worker number `worker` (1 is the first started).
    KclKill { worker: u32 },
    /// Restart a killed worker with the same identifier.
    KclRestart { worker: u32 },
    /// The record processors checkpoint every `every_ms` from now on.
    KclCheckpoint { every_ms: u64 },
    /// Let `seconds` of simulated time pass for the KCL application.
    KclRun { seconds: u32 },
    /// Create a Firehose delivery stream with these settings (earlier ones
    /// stay, for comparison).
    FirehoseCreate(FhSettings),
    /// Steady Direct PUT traffic (or into the data stream in front) to the
    /// newest delivery stream: a `PutRecordBatch` a second.
    FirehoseSend {
        records_per_second: u32,
        record_bytes: u32,
        seconds: u32,
        #[serde(default)]
        data: FhData,
    },
    /// Let `seconds` of simulated time pass for every delivery stream.
    FirehoseWait { seconds: u32 },
    /// Ask Firehose and the data stream in front for the records again.
    FirehoseReplay,
    /// Run a SQL application over the lesson's stock ticker feed.
    /// (The feed's fields are those of [`SqlFeed`].)
    SqlRun {
        sql: String,
        records_per_second: u32,
        seconds: u32,
        #[serde(default)]
        spike_at_s: Option<u32>,
        #[serde(default)]
        late_every: Option<u32>,
    },
    /// A step of the SQS / Kafka / Kinesis comparison.
    Compare(crate::compare::sim::CompareAction),
    /// Answers to the decision tree (true = yes), in the order asked.
    Decide { answers: Vec<bool> },
    /// A step of the Video Streams demo.
    Video(super::video::VideoAction),
}

fn default_buffered_time() -> u32 {
    crate::producer::kpl::sim::DEFAULT_RECORD_MAX_BUFFERED_TIME_MS
}

/// A shard iterator type, as GetShardIterator spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IterType {
    TrimHorizon,
    Latest,
    AtSequenceNumber,
    AfterSequenceNumber,
    AtTimestamp,
}

impl IterType {
    pub const ALL: [IterType; 5] = [
        IterType::TrimHorizon,
        IterType::Latest,
        IterType::AtSequenceNumber,
        IterType::AfterSequenceNumber,
        IterType::AtTimestamp,
    ];

    pub fn name(self) -> &'static str {
        match self {
            IterType::TrimHorizon => "TRIM_HORIZON",
            IterType::Latest => "LATEST",
            IterType::AtSequenceNumber => "AT_SEQUENCE_NUMBER",
            IterType::AfterSequenceNumber => "AFTER_SEQUENCE_NUMBER",
            IterType::AtTimestamp => "AT_TIMESTAMP",
        }
    }

    pub fn parse(s: &str) -> Option<IterType> {
        IterType::ALL.into_iter().find(|t| t.name() == s)
    }
}

/// A record a GetRecords call returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadRecord {
    pub key: String,
    pub sequence_number: String,
    pub arrival_ms: u64,
}

/// What the service did with one console request, for goals to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// The API operation, e.g. `GetRecords`.
    pub operation: &'static str,
    /// The stream it was about, when the lab can tell.
    pub stream: Option<String>,
    /// The error's `__type` when the service refused the request.
    pub error: Option<String>,
    /// GetShardIterator and GetRecords: the type of the GetShardIterator
    /// call the iterator chain started from.
    pub iterator_type: Option<IterType>,
    /// GetRecords: the records it returned.
    pub records: Vec<ReadRecord>,
}

/// One run of [`Action::Produce`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProduceRun {
    pub stream: String,
    pub records_per_second: u32,
    pub record_bytes: u32,
    pub seconds: u32,
    /// The stream's capacity mode during the run.
    pub mode: StreamMode,
    pub started_ms: u64,
    pub sent: u64,
    pub throttled: u64,
}

/// Why an action was refused. The lab is unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabError {
    Invalid(ValidationError),
    /// The console line failed: a CLI usage error or the API's error message.
    Console(String),
    /// A KCL setting or worker was refused; names the KCL's setting.
    Kcl(KclError),
    /// A delivery stream's setting was refused; names its field.
    Firehose(FhError),
    /// A SQL run was refused: it does not compile, or the feed is out of range.
    Sql(SqlLabError),
    /// A comparison step was refused; names the field.
    Compare(crate::compare::sim::CompareError),
    /// A Video Streams step was refused; names the field.
    Video(super::video::VideoError),
}

impl From<SqlLabError> for LabError {
    fn from(e: SqlLabError) -> Self {
        LabError::Sql(e)
    }
}

impl From<FhError> for LabError {
    fn from(e: FhError) -> Self {
        LabError::Firehose(e)
    }
}

impl From<ValidationError> for LabError {
    fn from(e: ValidationError) -> Self {
        LabError::Invalid(e)
    }
}

impl From<KclError> for LabError {
    fn from(e: KclError) -> Self {
        LabError::Kcl(e)
    }
}

impl std::error::Error for LabError {}

impl std::fmt::Display for LabError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LabError::Invalid(e) => e.fmt(f),
            LabError::Console(m) => f.write_str(m),
            LabError::Kcl(e) => e.fmt(f),
            LabError::Firehose(e) => e.fmt(f),
            LabError::Sql(e) => e.fmt(f),
            LabError::Compare(e) => write!(f, "{}: {}", e.field, e.message),
            LabError::Video(e) => write!(f, "{}: {}", e.field, e.message),
        }
    }
}

/// One line of a lesson console: the command and what it printed. A request
/// the service refused is kept too (with `call.error` set), as the real CLI
/// prints the error and the session goes on.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsoleLine {
    pub command: String,
    pub output: String,
    /// Simulated time of the request.
    pub at_ms: u64,
    /// None for text such as `help`.
    pub call: Option<Call>,
}

impl ConsoleLine {
    pub fn ok(&self) -> bool {
        self.call.as_ref().is_none_or(|c| c.error.is_none())
    }
}

/// One record in a shard, in arrival order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LaneRecord {
    pub key: String,
    /// Position within its shard: 1, 2, 3… in the order the shard received it.
    pub position: u64,
    /// Position among all puts to the stream.
    pub put_number: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lab {
    pub seed: u64,
    pub shards: u32,
    pub ranges: Vec<HashKeyRange>,
    pub lanes: Vec<Vec<LaneRecord>>,
    pub puts: u64,
    pub last_route: Option<Route>,
    pub workload: KeyRunConfig,
    /// Statistics of the last workload run to its end, for the current settings.
    pub run: Option<RunStats>,
    /// A Kinesis account for console lessons; each console action runs one
    /// simulated second after the previous one.
    pub engine: Engine,
    pub console: Vec<ConsoleLine>,
    /// The lab's simulated time (ms since the epoch): the time of the last
    /// console line, wait or producer run.
    pub now_ms: u64,
    /// Every shard iterator the console handed out: its stream and the type
    /// of the GetShardIterator call its chain started from.
    pub iterators: BTreeMap<String, (String, IterType)>,
    pub produced: Vec<ProduceRun>,
    /// Fan-out comparisons run so far, in order.
    pub fanouts: Vec<FanOutRun>,
    /// KPL runs so far, in order.
    pub kpl_runs: Vec<KplRun>,
    /// The KCL application, once a `KclStart` made one.
    pub kcl: Option<KclLab>,
    /// The Firehose lessons' delivery streams.
    pub firehose: FirehoseLab,
    /// The SQL lessons' application runs.
    pub sql: SqlLab,
    /// The compare lessons' runs.
    pub compare: super::compare::CompareLab,
    /// The Video Streams lesson's camera and consumer.
    pub video: super::video::VideoLab,
}

impl Lab {
    pub fn from_scenario(s: &Scenario) -> Result<Lab, LabError> {
        let workload = KeyRunConfig {
            distribution: s.distribution,
            shards: s.shards,
            records_per_second: s.records_per_second,
            duration_seconds: s.seconds,
            seed: s.seed,
        };
        workload.validate()?;
        let ranges = even_ranges(s.shards)?;
        let mut lab = Lab {
            seed: s.seed,
            shards: s.shards,
            lanes: vec![Vec::new(); ranges.len()],
            ranges,
            puts: 0,
            last_route: None,
            workload,
            run: None,
            engine: Engine::new(),
            console: Vec::new(),
            now_ms: DEFAULT_START_MS,
            iterators: BTreeMap::new(),
            produced: Vec::new(),
            fanouts: Vec::new(),
            kpl_runs: Vec::new(),
            kcl: None,
            firehose: FirehoseLab::new(s.seed, DEFAULT_START_MS),
            sql: SqlLab::new(s.seed, DEFAULT_START_MS as i64),
            compare: Default::default(),
            video: super::video::VideoLab::new(s.seed, DEFAULT_START_MS),
        };
        for a in &s.actions {
            lab.apply(a)?;
        }
        Ok(lab)
    }

    /// Applies one action. On error the state is unchanged.
    pub fn apply(&mut self, action: &Action) -> Result<(), LabError> {
        match action {
            Action::SetShards { shards } => {
                let ranges = even_ranges(*shards)?;
                self.shards = *shards;
                self.lanes = vec![Vec::new(); ranges.len()];
                self.ranges = ranges;
                self.last_route = None;
                self.workload.shards = *shards;
                self.run = None;
            }
            Action::Put { key } => {
                let r = route(key, None, &self.ranges)?;
                self.puts += 1;
                let lane = &mut self.lanes[r.shard_index];
                lane.push(LaneRecord {
                    key: key.clone(),
                    position: lane.len() as u64 + 1,
                    put_number: self.puts,
                });
                self.last_route = Some(r);
            }
            Action::SetWorkload {
                distribution,
                records_per_second,
                seconds,
            } => {
                let next = KeyRunConfig {
                    distribution: *distribution,
                    records_per_second: *records_per_second,
                    duration_seconds: *seconds,
                    ..self.workload
                };
                next.validate()?;
                if next != self.workload {
                    self.run = None;
                }
                self.workload = next;
            }
            Action::RunWorkload => {
                let mut run = KeyRun::new(self.workload)?;
                run.finish();
                self.run = Some(run.stats());
            }
            Action::Console { line } => {
                // A line the CLI itself refuses changes nothing, not even the clock.
                let parsed = parse(line).map_err(LabError::Console)?;
                let now = self.now_ms + 1000;
                let (output, call) = match parsed {
                    Parsed::Text(t) => (t, None),
                    Parsed::Call { operation, body } => {
                        // Work on a copy so that a refused request leaves the engine as it was.
                        let mut engine = self.engine.clone();
                        match handle(&mut engine, now, operation, body.to_string().as_bytes()) {
                            Ok(v) => {
                                self.engine = engine;
                                let call = self.note_call(operation, &body, Ok(&v));
                                (
                                    serde_json::to_string_pretty(&v).unwrap_or_default(),
                                    Some(call),
                                )
                            }
                            Err(e) => {
                                self.engine.advance_to(now);
                                let call = self.note_call(operation, &body, Err(e.kind.name()));
                                (
                                    format!("An error occurred ({}) when calling the {operation} operation: {}", e.kind.name(), e.message),
                                    Some(call),
                                )
                            }
                        }
                    }
                };
                self.now_ms = now;
                self.console.push(ConsoleLine {
                    command: line.clone(),
                    output,
                    at_ms: now,
                    call,
                });
            }
            Action::Wait { seconds } => {
                let s = check_count(Field::Duration, *seconds, MAX_WAIT_SECONDS)?;
                self.now_ms += s as u64 * 1000;
                self.engine.advance_to(self.now_ms);
            }
            Action::Produce {
                stream,
                records_per_second,
                record_bytes,
                seconds,
            } => self.produce(stream, *records_per_second, *record_bytes, *seconds)?,
            Action::FanOut {
                consumers,
                shards,
                records_per_second,
                record_bytes,
                seconds,
            } => {
                let run = FanOutRun::run(
                    *consumers,
                    *shards,
                    *records_per_second,
                    *record_bytes,
                    *seconds,
                    self.seed,
                    self.now_ms,
                )?;
                self.fanouts.push(run);
            }
            Action::KplRun {
                shards,
                records_per_second,
                record_bytes,
                aggregation,
                record_max_buffered_time_ms,
                seconds,
            } => {
                let run = KplRun::run(
                    *shards,
                    *records_per_second,
                    *record_bytes,
                    *aggregation,
                    *record_max_buffered_time_ms,
                    *seconds,
                    self.seed,
                    self.now_ms,
                )?;
                self.kpl_runs.push(run);
            }
            Action::KclStart {
                shards,
                workers,
                records_per_second,
                checkpoint_ms,
            } => {
                let lab = KclLab::start(
                    *shards,
                    *workers,
                    *records_per_second,
                    *checkpoint_ms,
                    self.seed,
                    self.now_ms,
                )?;
                self.kcl = Some(lab);
            }
            Action::KclAddWorker
            | Action::KclKill { .. }
            | Action::KclRestart { .. }
            | Action::KclCheckpoint { .. }
            | Action::KclRun { .. } => {
                let Some(kcl) = &mut self.kcl else {
                    return Err(
                        KclError::new(KclField::StreamName, KclProblem::NoSuchStream).into(),
                    );
                };
                // Each of these checks its input before it changes anything
                // (tested in sims.rs), so a refused action leaves the lab as it was.
                match action {
                    Action::KclAddWorker => kcl.add_worker()?,
                    Action::KclKill { worker } => kcl.kill(*worker)?,
                    Action::KclRestart { worker } => kcl.restart(*worker)?,
                    Action::KclCheckpoint { every_ms } => kcl.set_checkpoint(*every_ms)?,
                    Action::KclRun { seconds } => kcl.run(*seconds)?,
                    _ => {}
                }
            }
            // Each checks its input before it changes anything (firehose.rs).
            Action::FirehoseCreate(settings) => self.firehose.create(settings)?,
            Action::FirehoseSend {
                records_per_second,
                record_bytes,
                seconds,
                data,
            } => self
                .firehose
                .send(*records_per_second, *record_bytes, *seconds, *data)?,
            Action::FirehoseWait { seconds } => self.firehose.wait(*seconds)?,
            Action::FirehoseReplay => self.firehose.replay()?,
            Action::Compare(a) => self.compare.apply(a).map_err(LabError::Compare)?,
            Action::Decide { answers } => self.compare.decide(answers).map_err(LabError::Compare)?,
            Action::Video(a) => self.video.apply(a).map_err(LabError::Video)?,
            Action::SqlRun {
                sql,
                records_per_second,
                seconds,
                spike_at_s,
                late_every,
            } => {
                let feed = SqlFeed {
                    records_per_second: *records_per_second,
                    seconds: *seconds,
                    spike_at_s: *spike_at_s,
                    late_every: *late_every,
                };
                self.sql.run(sql, &feed)?
            }
        }
        Ok(())
    }

    fn produce(
        &mut self,
        stream: &str,
        rate: u32,
        bytes: u32,
        seconds: u32,
    ) -> Result<(), LabError> {
        check_count(Field::RecordRate, rate, MAX_RATE)?;
        check_count(Field::RecordBytes, bytes, MAX_RECORD_BYTES)?;
        check_count(Field::Duration, seconds, MAX_PRODUCE_SECONDS)?;
        // The run's size is bounded by its length: say how long it may be at this rate and size.
        let records = rate as u64 * seconds as u64;
        let volume = records * bytes as u64;
        if records > MAX_PRODUCE_RECORDS || volume > MAX_PRODUCE_BYTES {
            let per_second = (rate as u64).max(1);
            let longest = (MAX_PRODUCE_RECORDS / per_second)
                .min(MAX_PRODUCE_BYTES / (per_second * bytes as u64).max(1));
            return Err(ValidationError::new(
                Field::Duration,
                Problem::OutOfRange {
                    min: "1".into(),
                    max: longest.to_string(),
                },
            )
            .into());
        }
        let mode = self
            .engine
            .stream(stream)
            .map_err(|e| LabError::Console(e.to_string()))?
            .mode;
        let start = self.now_ms + 1000;
        let end = start + seconds as u64 * 1000;
        let config = ProducerConfig {
            stream: stream.to_owned(),
            records_per_second: rate,
            distribution: KeyDistribution::UserIds,
            record_bytes: bytes,
        };
        let mut producer = Producer::new(self.produced.len() as u32, config, self.seed, start)?;
        let mut engine = self.engine.clone();
        let (mut sent, mut throttled) = (0, 0);
        for (t, entry) in producer.due(end - 1) {
            let out = engine
                .put_records(t, stream, std::slice::from_ref(&entry))
                .map_err(|e| LabError::Console(e.to_string()))?;
            sent += 1;
            if matches!(out.first(), Some(PutOutcome::Throttled { .. })) {
                throttled += 1;
            }
        }
        engine.advance_to(end);
        self.engine = engine;
        self.now_ms = end;
        self.produced.push(ProduceRun {
            stream: stream.to_owned(),
            records_per_second: rate,
            record_bytes: bytes,
            seconds,
            mode,
            started_ms: start,
            sent,
            throttled,
        });
        Ok(())
    }

    /// Remembers what a console request did: its stream, its error, and for
    /// reads the iterator chain it belongs to and the records it returned.
    fn note_call(
        &mut self,
        operation: &'static str,
        body: &Value,
        result: Result<&Value, &'static str>,
    ) -> Call {
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        let mut stream = text(body, "StreamName").or_else(|| {
            text(body, "StreamARN")
                .and_then(|a| a.rsplit_once("stream/").map(|(_, n)| n.to_owned()))
        });
        let mut iterator_type = None;
        let mut records = Vec::new();
        match operation {
            "GetShardIterator" => {
                iterator_type = text(body, "ShardIteratorType").and_then(|t| IterType::parse(&t));
                if let (Ok(v), Some(s), Some(t)) = (result, &stream, iterator_type) {
                    if let Some(it) = text(v, "ShardIterator") {
                        self.iterators.insert(it, (s.clone(), t));
                    }
                }
            }
            "GetRecords" => {
                let origin =
                    text(body, "ShardIterator").and_then(|it| self.iterators.get(&it).cloned());
                if let Some((s, t)) = origin {
                    stream = Some(s.clone());
                    iterator_type = Some(t);
                    if let Ok(v) = result {
                        if let Some(next) = text(v, "NextShardIterator") {
                            self.iterators.insert(next, (s, t));
                        }
                    }
                }
                if let Ok(v) = result {
                    for r in v
                        .get("Records")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        records.push(ReadRecord {
                            key: text(r, "PartitionKey").unwrap_or_default(),
                            sequence_number: text(r, "SequenceNumber").unwrap_or_default(),
                            arrival_ms: r
                                .get("ApproximateArrivalTimestamp")
                                .and_then(Value::as_f64)
                                .map(|s| (s * 1000.0).round() as u64)
                                .unwrap_or(0),
                        });
                    }
                }
            }
            _ => {}
        }
        Call {
            operation,
            stream,
            error: result.err().map(str::to_owned),
            iterator_type,
            records,
        }
    }

    /// The console requests the service answered or refused, in order.
    pub fn calls(&self) -> impl Iterator<Item = (u64, &Call)> {
        self.console
            .iter()
            .filter_map(|l| l.call.as_ref().map(|c| (l.at_ms, c)))
    }

    /// The shard a key goes to now, if the key is valid.
    pub fn shard_of(&self, key: &str) -> Option<usize> {
        route(key, None, &self.ranges).ok().map(|r| r.shard_index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab() -> Lab {
        Lab::from_scenario(&Scenario {
            shards: 4,
            seed: 1,
            distribution: KeyDistribution::DeviceType,
            records_per_second: 3000,
            seconds: 5,
            actions: vec![],
        })
        .unwrap()
    }

    #[test]
    fn puts_keep_order_within_a_shard() {
        let mut l = lab();
        for k in ["a", "b", "a", "c", "a"] {
            l.apply(&Action::Put { key: k.into() }).unwrap();
        }
        let lane = &l.lanes[l.shard_of("a").unwrap()];
        let a: Vec<_> = lane
            .iter()
            .filter(|r| r.key == "a")
            .map(|r| r.put_number)
            .collect();
        assert_eq!(a, vec![1, 3, 5]);
        assert!(lane.windows(2).all(|w| w[0].position < w[1].position));
    }

    #[test]
    fn rejected_actions_leave_state_unchanged() {
        let mut l = lab();
        l.apply(&Action::Put { key: "a".into() }).unwrap();
        let before = l.clone();
        assert!(l.apply(&Action::Put { key: String::new() }).is_err());
        assert!(l.apply(&Action::SetShards { shards: 0 }).is_err());
        assert!(l
            .apply(&Action::SetWorkload {
                distribution: KeyDistribution::Zipf,
                records_per_second: 0,
                seconds: 1
            })
            .is_err());
        assert_eq!(l, before);
    }

    #[test]
    fn same_actions_same_state() {
        let actions = [
            Action::Put { key: "x".into() },
            Action::SetWorkload {
                distribution: KeyDistribution::Zipf,
                records_per_second: 2000,
                seconds: 3,
            },
            Action::RunWorkload,
        ];
        let play = || {
            let mut l = lab();
            for a in &actions {
                l.apply(a).unwrap();
            }
            l
        };
        assert_eq!(play(), play());
    }

    #[test]
    fn actions_read_from_toml_like_data() {
        let a: Action = serde_json::from_str(r#"{"do":"put","key":"user-1"}"#).unwrap();
        assert_eq!(
            a,
            Action::Put {
                key: "user-1".into()
            }
        );
        assert!(serde_json::from_str::<Action>(r#"{"do":"put","kee":"x"}"#).is_err());
    }
}
