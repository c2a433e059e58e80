//! Named rules checked against a [`Lab`]. A rule that fails says why as data
//! ([`Why`]); the app words it for students in either language.

use super::firehose::{FhCompression, FhDestination};
use super::sql::SqlFeature;
use super::lab::{IterType, Lab};
use crate::stream::capacity::{shards_needed, ReadMode, Workload};
use crate::stream::engine::StreamMode;
use crate::stream::limits::WRITE_RECORDS_PER_SECOND;
use crate::workload::KeyDistribution;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum Goal {
    /// At least `count` records were put with partition key `key`.
    PutAtLeast { key: String, count: u32 },
    /// At least `others` keys other than `key` were put and landed on the
    /// shard that holds `key`.
    SharesShard { key: String, others: u32 },
    /// Every record of every key sits on a single shard, in put order.
    KeysStayOrdered,
    /// The stream has exactly this many shards.
    ShardCount { shards: u32 },
    /// A workload ran to its end with the current settings.
    WorkloadRan,
    /// In the last run, no shard went above `percent` % of the 1,000
    /// records/s write limit.
    ShardsUnderWriteLimit { percent: u32 },
    /// The last run used a distribution other than these.
    AvoidDistributions { distributions: Vec<KeyDistribution> },
    /// Stream `stream` exists with exactly the shards this workload needs
    /// (the engine's sizing rule: write MiB/s, write records/s, reads).
    StreamSizedFor {
        stream: String,
        write_mib_per_second: u32,
        #[serde(default)]
        records_per_second: u64,
        #[serde(default = "one")]
        consumers: u32,
        #[serde(default = "shared")]
        read_mode: ReadMode,
    },
    /// Stream `stream` is in this capacity mode now.
    StreamMode { stream: String, mode: Mode },
    /// Stream `stream` keeps records for at least `hours` hours.
    RetentionAtLeast { stream: String, hours: u32 },
    /// One GetRecords call on `stream` returned at least `records` records
    /// that match: partition key `key` (if given), at least
    /// `older_than_hours` old when read, from an iterator chain that started
    /// with `iterator_type` (if given).
    ReadRecords {
        stream: String,
        #[serde(default = "one")]
        records: u32,
        #[serde(default)]
        key: Option<String>,
        #[serde(default)]
        iterator_type: Option<IterType>,
        #[serde(default)]
        older_than_hours: u32,
    },
    /// Every record `stream` still keeps (at least `at_least` of them) was
    /// returned by some GetRecords call.
    ReadEveryRecord { stream: String, at_least: u32 },
    /// A console request `operation` was refused with error `error`.
    SawError { operation: String, error: String },
    /// A GetRecords on `stream` failed with ExpiredIteratorException, and a
    /// later GetRecords on it returned records.
    RecoveredFromExpiredIterator { stream: String },
    /// A producer run into `stream`, in capacity mode `mode`, at least this
    /// fast and this long, had no record throttled.
    BurstAccepted {
        stream: String,
        mode: Mode,
        records_per_second: u32,
        record_bytes: u32,
        seconds: u32,
    },
    /// A fan-out comparison with at least `consumers` applications had
    /// GetRecords calls throttled on the polling side.
    PollingThrottled { consumers: u32 },
    /// A fan-out comparison with at least `consumers` applications had no
    /// throttling on the push side, and every pushed application's median
    /// latency was at most `max_p50_ms`.
    PushKeptUp { consumers: u32, max_p50_ms: u64 },
    /// A fan-out comparison with at least `consumers` applications in which
    /// some polling application received less than `percent` % of the
    /// records the same application received by push.
    PollingFellBehind { consumers: u32, percent: u32 },
    /// The KCL application had at least `idle` running workers with no
    /// lease at some point (more workers than shards).
    KclIdleWorkers { idle: u32 },
    /// A KCL worker was killed while holding leases, and other workers have
    /// taken every one of them since.
    KclFailover,
    /// After the first such kill, the application processed at least
    /// `at_least` records a second time.
    KclRedelivered { at_least: u64 },
    /// Every record that reached the KCL stream at least `lag_seconds` ago
    /// has been processed.
    KclCaughtUp { lag_seconds: u32 },
    /// A KPL run with aggregation `aggregation` had Kinesis records
    /// throttled by the stream.
    KplThrottled { aggregation: bool },
    /// A KPL run with aggregation stored at least `per_shard` user records
    /// per second per shard, more than the 1,000 records/s a shard takes,
    /// with no user record expired.
    KplBeatRecordLimit { per_shard: u32 },
    /// A KPL run with `RecordMaxBufferedTime` of at least `buffered_time_ms`
    /// had a median latency of at least `min_p50_ms`.
    KplBufferLatency {
        buffered_time_ms: u32,
        min_p50_ms: u64,
    },
    /// A delivery stream (to `destination`, with Parquet conversion on or
    /// off, if given) delivered at least `records` records to its
    /// destination, in at most `max_objects` S3 objects if given.
    FirehoseDelivered {
        records: u64,
        #[serde(default)]
        max_objects: Option<u64>,
        #[serde(default)]
        destination: Option<FhDestination>,
        #[serde(default)]
        parquet: Option<bool>,
    },
    /// A delivery was triggered by this buffering hint.
    FirehoseDeliveryReason { reason: FhReason },
    /// A delivery stream whose buffer interval is `interval_s` delivered by
    /// time, its oldest record having waited no longer than the interval.
    FirehoseMinLatency { interval_s: u32 },
    /// Some delivery stream wrote error output of this kind.
    FirehoseErrorOutput { kind: FhErrorKind },
    /// Transforms dropped at least `records` records (result `Dropped`).
    FirehoseDropped { records: u64 },
    /// After Firehose delivered at least `records` records, a read-again
    /// got nothing from Firehose and every one of them from the data stream
    /// in front.
    FirehoseNoReplay { records: u64 },
    /// Two delivery streams got the same traffic and delivered all of it;
    /// the one with the larger buffer wrote at most `percent` % as many
    /// objects.
    FirehoseFewerObjects { percent: u32 },
    /// A delivery stream with `compression` stored at most `max_percent` %
    /// of the bytes it delivered.
    FirehoseCompressed {
        compression: FhCompression,
        max_percent: u32,
    },
    /// Source-record backup objects hold at least `records` records.
    FirehoseBackedUp { records: u64 },
    /// The latest SQL run compiled and ran; with `uses`, its application
    /// uses that feature (a window type or a table function).
    SqlRan {
        #[serde(default)]
        uses: Option<SqlFeature>,
    },
    /// The latest run's result stream holds exactly one row per value of
    /// `column` per tumbling window of `seconds` (on ROWTIME) of the input.
    SqlOneRowPerKeyPerWindow { column: String, seconds: u32 },
    /// The latest run's result stream holds one row per input row.
    SqlOneRowPerInput,
    /// The latest run's feed had a price spike, and the spike's row has a
    /// `column` at least `times` the median of the other rows'.
    SqlSpikeStandsOut { column: String, times: u32 },
    /// The latest run dropped at least `rows` rows as late (event time).
    SqlLateDropped { rows: u64 },
    /// A goal of the SQS / Kafka / Kinesis comparison.
    Compare(super::compare::CompareGoal),
    /// A goal of the Video Streams demo.
    Video(super::video::VideoGoal),
}

/// A delivery reason a goal asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FhReason {
    Size,
    Time,
}

/// Error output a goal asks for, by its S3 folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FhErrorKind {
    ProcessingFailed,
    FormatConversionFailed,
    HttpEndpointFailed,
    SplunkFailed,
    OpensearchFailed,
}

impl FhErrorKind {
    /// The folder Firehose writes it under.
    pub fn folder(self) -> &'static str {
        match self {
            FhErrorKind::ProcessingFailed => "processing-failed",
            FhErrorKind::FormatConversionFailed => "format-conversion-failed",
            FhErrorKind::HttpEndpointFailed => "http-endpoint-failed",
            FhErrorKind::SplunkFailed => "splunk-failed",
            FhErrorKind::OpensearchFailed => "AmazonOpenSearchService_failed",
        }
    }
}

/// A capacity mode, as the API spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Mode {
    Provisioned,
    OnDemand,
}

impl Mode {
    pub fn of(m: StreamMode) -> Mode {
        match m {
            StreamMode::Provisioned => Mode::Provisioned,
            StreamMode::OnDemand => Mode::OnDemand,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Mode::Provisioned => "PROVISIONED",
            Mode::OnDemand => "ON_DEMAND",
        }
    }
}

fn one() -> u32 {
    1
}
fn shared() -> ReadMode {
    ReadMode::Shared
}

/// Why a rule failed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Why {
    TooFewPuts {
        key: String,
        have: u64,
        need: u32,
    },
    TooFewNeighbours {
        key: String,
        shard: usize,
        have: u64,
        need: u32,
    },
    KeySplitOrReordered {
        key: String,
    },
    WrongShardCount {
        have: u32,
        need: u32,
    },
    NoRun,
    ShardTooBusy {
        shard: usize,
        records_per_second: f64,
        allowed: f64,
        percent: u32,
    },
    DistributionNotAllowed {
        distribution: KeyDistribution,
    },
    NoStream {
        stream: String,
    },
    WrongShardsForWorkload {
        stream: String,
        have: usize,
        need: u64,
    },
    WrongMode {
        stream: String,
        have: Mode,
        need: Mode,
    },
    RetentionTooShort {
        stream: String,
        have: u32,
        need: u32,
    },
    /// No GetRecords call matched yet; `best` is the most matching records one returned.
    NotReadYet {
        stream: String,
        best: u32,
        need: u32,
    },
    /// `unread` of the `kept` records in the stream were never returned.
    RecordsUnread {
        stream: String,
        kept: u32,
        unread: u32,
        need: u32,
    },
    ErrorNotSeen {
        operation: String,
        error: String,
    },
    NoExpiredIterator {
        stream: String,
    },
    NotRecovered {
        stream: String,
    },
    NoBurst {
        stream: String,
    },
    /// The fastest matching run so far had `throttled` of `sent` records throttled.
    BurstThrottled {
        stream: String,
        sent: u64,
        throttled: u64,
    },
    /// No fan-out comparison with at least `consumers` applications has run.
    NoFanOut {
        consumers: u32,
    },
    /// The largest comparison so far (`consumers` applications) had no
    /// polling call throttled.
    PollingNotThrottled {
        consumers: u32,
    },
    /// In the best matching comparison, pushed applications had `throttled`
    /// throttled calls and a worst median latency of `p50_ms`.
    PushTooSlow {
        consumers: u32,
        throttled: u64,
        p50_ms: Option<u64>,
    },
    /// In every matching comparison, each polling application received at
    /// least `best_percent` % of what its pushed twin did.
    PollingKeptUp {
        consumers: u32,
        best_percent: u32,
    },
    /// No KCL application is running in the lab.
    NoKcl,
    /// The most idle workers seen at once.
    TooFewIdle {
        best: u32,
        need: u32,
    },
    /// No worker has been killed while it held a lease.
    NoKillWithLeases,
    /// Leases of killed worker `worker` that nobody else has taken yet.
    LeasesNotMoved {
        worker: String,
        leases: Vec<String>,
    },
    /// Records processed again since the kill.
    TooFewRedelivered {
        have: u64,
        need: u64,
    },
    /// `unprocessed` of the records older than the lag are not processed.
    KclBehind {
        unprocessed: u64,
    },
    /// No KPL run matches (with this aggregation setting, if given).
    NoKplRun {
        aggregation: Option<bool>,
    },
    /// The matching KPL runs had nothing throttled.
    KplNotThrottled {
        aggregation: bool,
    },
    /// The best matching run stored this many user records per second per
    /// shard, and had this many expire.
    KplTooSlow {
        per_shard: f64,
        need: u32,
        expired: u64,
    },
    /// The matching runs' highest median latency.
    KplLatencyTooLow {
        p50_ms: Option<u64>,
        need: u64,
    },
    /// No delivery stream matches the goal's settings yet.
    NoDeliveryStream,
    /// The best matching delivery stream delivered `have` records in
    /// `objects` objects.
    FirehoseTooFew {
        have: u64,
        need: u64,
        objects: u64,
    },
    /// No delivery was triggered by this reason.
    FirehoseNoReason {
        reason: FhReason,
    },
    /// Deliveries by time in streams with that interval: the shortest wait
    /// seen (None: no such delivery yet).
    FirehoseWaitedTooLong {
        waited_ms: Option<u64>,
        interval_s: u32,
    },
    /// No error output of this kind.
    FirehoseNoErrorOutput {
        kind: FhErrorKind,
    },
    FirehoseTooFewDropped {
        have: u64,
        need: u64,
    },
    /// No read-again after enough records were delivered; `delivered` is the
    /// most any read-again saw delivered.
    FirehoseNotReplayed {
        delivered: u64,
        need: u64,
    },
    /// No two delivery streams got the same traffic and delivered it all.
    FirehoseNoComparison,
    /// The best pair: objects written with the smaller and larger buffer.
    FirehoseTooManyObjects {
        small: u64,
        large: u64,
        percent: u32,
    },
    /// The best matching stream stored this share (None: nothing delivered).
    FirehoseNotCompressed {
        percent: Option<u32>,
        need: u32,
    },
    FirehoseTooFewBackedUp {
        have: u64,
        need: u64,
    },
    /// No SQL application has run yet.
    NoSqlRun,
    SqlMissingFeature {
        feature: SqlFeature,
    },
    SqlNoColumn {
        column: String,
    },
    /// Groups (key, window) the input has, rows the result has, groups with
    /// no row, and rows beyond one per group.
    SqlWrongGroups {
        expected: u64,
        rows: u64,
        missing: u64,
        extra: u64,
    },
    SqlNotOnePerInput {
        inputs: u64,
        outputs: u64,
    },
    SqlNoSpike,
    SqlSpikeNotOut {
        spike: Option<f64>,
        median: Option<f64>,
        times: u32,
    },
    SqlTooFewLate {
        have: u64,
        need: u64,
    },
    Compare(super::compare::CompareWhy),
    Video(super::video::VideoWhy),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Outcome {
    Met,
    NotMet(Why),
}

impl Goal {
    pub fn evaluate(&self, lab: &Lab) -> Outcome {
        use Outcome::*;
        if let Some(o) = evaluate_fanout(self, lab) {
            return o;
        }
        if let Some(o) = super::firehose::evaluate(self, lab) {
            return o;
        }
        if let Some(o) = super::sql::evaluate(self, lab) {
            return o;
        }
        match self {
            Goal::Compare(g) => match super::compare::evaluate(g, &lab.compare) {
                Ok(()) => Met,
                Err(w) => NotMet(Why::Compare(w)),
            },
            Goal::Video(g) => match super::video::evaluate(g, &lab.video) {
                Ok(()) => Met,
                Err(w) => NotMet(Why::Video(w)),
            },
            Goal::PutAtLeast { key, count } => {
                let have = lab.lanes.iter().flatten().filter(|r| &r.key == key).count() as u64;
                if have >= *count as u64 {
                    Met
                } else {
                    NotMet(Why::TooFewPuts {
                        key: key.clone(),
                        have,
                        need: *count,
                    })
                }
            }
            Goal::SharesShard { key, others } => {
                let Some(shard) = lab.shard_of(key) else {
                    return NotMet(Why::TooFewNeighbours {
                        key: key.clone(),
                        shard: 0,
                        have: 0,
                        need: *others,
                    });
                };
                let distinct: std::collections::BTreeSet<&str> = lab.lanes[shard]
                    .iter()
                    .map(|r| r.key.as_str())
                    .filter(|k| k != key)
                    .collect();
                let have = distinct.len() as u64;
                if have >= *others as u64 {
                    Met
                } else {
                    NotMet(Why::TooFewNeighbours {
                        key: key.clone(),
                        shard,
                        have,
                        need: *others,
                    })
                }
            }
            Goal::KeysStayOrdered => {
                let mut keys: std::collections::BTreeMap<&str, (Option<usize>, u64)> =
                    Default::default();
                for (shard, lane) in lab.lanes.iter().enumerate() {
                    for r in lane {
                        let entry = keys.entry(&r.key).or_insert((Some(shard), 0));
                        if entry.0 != Some(shard) || r.put_number <= entry.1 {
                            return NotMet(Why::KeySplitOrReordered { key: r.key.clone() });
                        }
                        entry.1 = r.put_number;
                    }
                }
                if lab.puts == 0 {
                    return NotMet(Why::TooFewPuts {
                        key: String::new(),
                        have: 0,
                        need: 1,
                    });
                }
                Met
            }
            Goal::ShardCount { shards } => {
                if lab.shards == *shards {
                    Met
                } else {
                    NotMet(Why::WrongShardCount {
                        have: lab.shards,
                        need: *shards,
                    })
                }
            }
            Goal::WorkloadRan => {
                if lab.run.is_some() {
                    Met
                } else {
                    NotMet(Why::NoRun)
                }
            }
            Goal::ShardsUnderWriteLimit { percent } => {
                let Some(run) = &lab.run else {
                    return NotMet(Why::NoRun);
                };
                let allowed = WRITE_RECORDS_PER_SECOND as f64 * *percent as f64 / 100.0;
                match run
                    .shards
                    .iter()
                    .enumerate()
                    .find(|(_, s)| s.records_per_second > allowed)
                {
                    Some((shard, s)) => NotMet(Why::ShardTooBusy {
                        shard,
                        records_per_second: s.records_per_second,
                        allowed,
                        percent: *percent,
                    }),
                    None => Met,
                }
            }
            Goal::AvoidDistributions { distributions } => {
                if lab.run.is_none() {
                    return NotMet(Why::NoRun);
                }
                let d = lab.workload.distribution;
                if distributions.contains(&d) {
                    NotMet(Why::DistributionNotAllowed { distribution: d })
                } else {
                    Met
                }
            }
            Goal::StreamSizedFor {
                stream,
                write_mib_per_second,
                records_per_second,
                consumers,
                read_mode,
            } => {
                let Ok(st) = lab.engine.stream(stream) else {
                    return NotMet(Why::NoStream {
                        stream: stream.clone(),
                    });
                };
                let need = shards_needed(&Workload {
                    write_bytes_per_second: *write_mib_per_second as u64 * 1_048_576,
                    write_records_per_second: *records_per_second,
                    consumers: *consumers,
                    read_mode: *read_mode,
                })
                .shards;
                let have = st.open_shards().count();
                if have as u64 == need {
                    Met
                } else {
                    NotMet(Why::WrongShardsForWorkload {
                        stream: stream.clone(),
                        have,
                        need,
                    })
                }
            }
            Goal::StreamMode { stream, mode } => match lab.engine.stream(stream) {
                Err(_) => NotMet(Why::NoStream {
                    stream: stream.clone(),
                }),
                Ok(st) if Mode::of(st.mode) == *mode => Met,
                Ok(st) => NotMet(Why::WrongMode {
                    stream: stream.clone(),
                    have: Mode::of(st.mode),
                    need: *mode,
                }),
            },
            Goal::RetentionAtLeast { stream, hours } => match lab.engine.stream(stream) {
                Err(_) => NotMet(Why::NoStream {
                    stream: stream.clone(),
                }),
                Ok(st) if st.retention_hours >= *hours => Met,
                Ok(st) => NotMet(Why::RetentionTooShort {
                    stream: stream.clone(),
                    have: st.retention_hours,
                    need: *hours,
                }),
            },
            Goal::ReadRecords {
                stream,
                records,
                key,
                iterator_type,
                older_than_hours,
            } => {
                let min_age = *older_than_hours as u64 * 3_600_000;
                let best = lab
                    .calls()
                    .filter(|(_, c)| {
                        c.operation == "GetRecords"
                            && c.error.is_none()
                            && c.stream.as_deref() == Some(stream)
                            && iterator_type.is_none_or(|t| c.iterator_type == Some(t))
                    })
                    .map(|(at, c)| {
                        c.records
                            .iter()
                            .filter(|r| key.as_ref().is_none_or(|k| &r.key == k))
                            .filter(|r| at.saturating_sub(r.arrival_ms) >= min_age)
                            .count() as u32
                    })
                    .max()
                    .unwrap_or(0);
                if best >= *records {
                    Met
                } else {
                    NotMet(Why::NotReadYet {
                        stream: stream.clone(),
                        best,
                        need: *records,
                    })
                }
            }
            Goal::ReadEveryRecord { stream, at_least } => {
                let Ok(st) = lab.engine.stream(stream) else {
                    return NotMet(Why::NoStream {
                        stream: stream.clone(),
                    });
                };
                let read: std::collections::BTreeSet<&str> = lab
                    .calls()
                    .filter(|(_, c)| {
                        c.operation == "GetRecords" && c.stream.as_deref() == Some(stream)
                    })
                    .flat_map(|(_, c)| c.records.iter().map(|r| r.sequence_number.as_str()))
                    .collect();
                let kept: Vec<String> = st
                    .shards
                    .iter()
                    .flat_map(|sh| sh.records.iter().map(|r| r.seq.to_string()))
                    .collect();
                let unread = kept.iter().filter(|s| !read.contains(s.as_str())).count() as u32;
                let kept = kept.len() as u32;
                if kept >= *at_least && unread == 0 {
                    Met
                } else {
                    NotMet(Why::RecordsUnread {
                        stream: stream.clone(),
                        kept,
                        unread,
                        need: *at_least,
                    })
                }
            }
            Goal::SawError { operation, error } => {
                if lab
                    .calls()
                    .any(|(_, c)| c.operation == operation && c.error.as_ref() == Some(error))
                {
                    Met
                } else {
                    NotMet(Why::ErrorNotSeen {
                        operation: operation.clone(),
                        error: error.clone(),
                    })
                }
            }
            Goal::RecoveredFromExpiredIterator { stream } => {
                let reads = || {
                    lab.calls().enumerate().filter(|(_, (_, c))| {
                        c.operation == "GetRecords" && c.stream.as_deref() == Some(stream)
                    })
                };
                let Some((first, _)) = reads()
                    .find(|(_, (_, c))| c.error.as_deref() == Some("ExpiredIteratorException"))
                else {
                    return NotMet(Why::NoExpiredIterator {
                        stream: stream.clone(),
                    });
                };
                if reads()
                    .any(|(i, (_, c))| i > first && c.error.is_none() && !c.records.is_empty())
                {
                    Met
                } else {
                    NotMet(Why::NotRecovered {
                        stream: stream.clone(),
                    })
                }
            }
            Goal::BurstAccepted {
                stream,
                mode,
                records_per_second,
                record_bytes,
                seconds,
            } => {
                let runs: Vec<_> = lab
                    .produced
                    .iter()
                    .filter(|r| {
                        &r.stream == stream
                            && Mode::of(r.mode) == *mode
                            && r.records_per_second >= *records_per_second
                            && r.record_bytes >= *record_bytes
                            && r.seconds >= *seconds
                    })
                    .collect();
                if runs.iter().any(|r| r.throttled == 0) {
                    Met
                } else if let Some(r) = runs.last() {
                    NotMet(Why::BurstThrottled {
                        stream: stream.clone(),
                        sent: r.sent,
                        throttled: r.throttled,
                    })
                } else {
                    NotMet(Why::NoBurst {
                        stream: stream.clone(),
                    })
                }
            }
            // Evaluated above.
            Goal::PollingThrottled { .. }
            | Goal::PushKeptUp { .. }
            | Goal::PollingFellBehind { .. }
            | Goal::KclIdleWorkers { .. }
            | Goal::KclFailover
            | Goal::KclRedelivered { .. }
            | Goal::KclCaughtUp { .. }
            | Goal::KplThrottled { .. }
            | Goal::KplBeatRecordLimit { .. }
            | Goal::KplBufferLatency { .. } => NotMet(Why::NoRun),
            // Evaluated in firehose.rs.
            Goal::FirehoseDelivered { .. }
            | Goal::FirehoseDeliveryReason { .. }
            | Goal::FirehoseMinLatency { .. }
            | Goal::FirehoseErrorOutput { .. }
            | Goal::FirehoseDropped { .. }
            | Goal::FirehoseNoReplay { .. }
            | Goal::FirehoseFewerObjects { .. }
            | Goal::FirehoseCompressed { .. }
            | Goal::FirehoseBackedUp { .. } => NotMet(Why::NoDeliveryStream),
            // Evaluated in sql.rs.
            Goal::SqlRan { .. }
            | Goal::SqlOneRowPerKeyPerWindow { .. }
            | Goal::SqlOneRowPerInput
            | Goal::SqlSpikeStandsOut { .. }
            | Goal::SqlLateDropped { .. } => NotMet(Why::NoSqlRun),
        }
    }
}

/// Fan-out goals: the comparisons with at least `consumers` applications.
fn fanouts(lab: &Lab, consumers: u32) -> Vec<&super::sims::FanOutRun> {
    lab.fanouts
        .iter()
        .filter(|r| r.consumers >= consumers)
        .collect()
}

fn evaluate_fanout(goal: &Goal, lab: &Lab) -> Option<Outcome> {
    use super::sims::FanOutRun;
    use Outcome::*;
    Some(match goal {
        Goal::PollingThrottled { consumers } => {
            let runs = fanouts(lab, *consumers);
            if runs.iter().any(|r| r.polling_throttled() > 0) {
                Met
            } else if let Some(r) = runs.iter().max_by_key(|r| r.consumers) {
                NotMet(Why::PollingNotThrottled {
                    consumers: r.consumers,
                })
            } else {
                NotMet(Why::NoFanOut {
                    consumers: *consumers,
                })
            }
        }
        Goal::PushKeptUp {
            consumers,
            max_p50_ms,
        } => {
            let runs = fanouts(lab, *consumers);
            let ok = |r: &FanOutRun| {
                r.enhanced_throttled() == 0
                    && FanOutRun::worst_p50(&r.enhanced).is_some_and(|p| p <= *max_p50_ms)
            };
            if runs.iter().any(|r| ok(r)) {
                Met
            } else if let Some(r) = runs.last() {
                NotMet(Why::PushTooSlow {
                    consumers: r.consumers,
                    throttled: r.enhanced_throttled(),
                    p50_ms: FanOutRun::worst_p50(&r.enhanced),
                })
            } else {
                NotMet(Why::NoFanOut {
                    consumers: *consumers,
                })
            }
        }
        Goal::PollingFellBehind { consumers, percent } => {
            let runs = fanouts(lab, *consumers);
            // Per run, the lowest share a polling application got of what
            // its pushed twin received.
            let lowest = |r: &FanOutRun| {
                r.polling
                    .iter()
                    .zip(&r.enhanced)
                    .map(|(p, e)| (p.records * 100).checked_div(e.records).unwrap_or(100))
                    .min()
                    .unwrap_or(100)
            };
            match runs.iter().map(|r| lowest(r)).min() {
                None => NotMet(Why::NoFanOut {
                    consumers: *consumers,
                }),
                Some(best) if best < *percent as u64 => Met,
                Some(best) => NotMet(Why::PollingKeptUp {
                    consumers: *consumers,
                    best_percent: best.min(u32::MAX as u64) as u32,
                }),
            }
        }
        Goal::KclIdleWorkers { idle } => {
            let Some(k) = &lab.kcl else {
                return Some(NotMet(Why::NoKcl));
            };
            let best = k
                .history
                .iter()
                .filter(|h| h.after_run)
                .map(|h| h.idle)
                .max()
                .unwrap_or(0);
            if best >= *idle {
                Met
            } else {
                NotMet(Why::TooFewIdle { best, need: *idle })
            }
        }
        Goal::KclFailover => {
            let Some(k) = &lab.kcl else {
                return Some(NotMet(Why::NoKcl));
            };
            let failovers = k.failovers();
            if failovers.iter().any(|(_, left)| left.is_empty()) {
                Met
            } else if let Some((worker, leases)) = failovers.into_iter().last() {
                NotMet(Why::LeasesNotMoved { worker, leases })
            } else {
                NotMet(Why::NoKillWithLeases)
            }
        }
        Goal::KclRedelivered { at_least } => {
            let Some(k) = &lab.kcl else {
                return Some(NotMet(Why::NoKcl));
            };
            let Some(at_kill) = k.duplicates_at_first_kill() else {
                return Some(NotMet(Why::NoKillWithLeases));
            };
            let have = k.app.stats.duplicates - at_kill;
            if have >= *at_least {
                Met
            } else {
                NotMet(Why::TooFewRedelivered {
                    have,
                    need: *at_least,
                })
            }
        }
        Goal::KclCaughtUp { lag_seconds } => {
            let Some(k) = &lab.kcl else {
                return Some(NotMet(Why::NoKcl));
            };
            let due = k.written_by(k.now.saturating_sub(*lag_seconds as u64 * 1000));
            let unique = k.app.stats.unique();
            if unique >= due {
                Met
            } else {
                NotMet(Why::KclBehind {
                    unprocessed: due - unique,
                })
            }
        }
        Goal::KplThrottled { aggregation } => {
            let runs: Vec<_> = lab
                .kpl_runs
                .iter()
                .filter(|r| r.aggregation == *aggregation)
                .collect();
            if runs.is_empty() {
                NotMet(Why::NoKplRun {
                    aggregation: Some(*aggregation),
                })
            } else if runs.iter().any(|r| r.stats.kinesis_records_throttled > 0) {
                Met
            } else {
                NotMet(Why::KplNotThrottled {
                    aggregation: *aggregation,
                })
            }
        }
        Goal::KplBeatRecordLimit { per_shard } => {
            let rate = |r: &super::sims::KplRun| r.user_records_per_second() / r.shards as f64;
            let best = lab
                .kpl_runs
                .iter()
                .filter(|r| r.aggregation)
                .max_by(|a, b| rate(a).total_cmp(&rate(b)));
            match best {
                None => NotMet(Why::NoKplRun {
                    aggregation: Some(true),
                }),
                Some(_)
                    if lab.kpl_runs.iter().any(|r| {
                        r.aggregation
                            && r.stats.user_records_expired == 0
                            && rate(r) >= *per_shard as f64
                    }) =>
                {
                    Met
                }
                Some(r) => NotMet(Why::KplTooSlow {
                    per_shard: rate(r),
                    need: *per_shard,
                    expired: r.stats.user_records_expired,
                }),
            }
        }
        Goal::KplBufferLatency {
            buffered_time_ms,
            min_p50_ms,
        } => {
            let runs: Vec<_> = lab
                .kpl_runs
                .iter()
                .filter(|r| r.record_max_buffered_time_ms >= *buffered_time_ms)
                .collect();
            let best = runs.iter().filter_map(|r| r.p50_ms).max();
            if runs.is_empty() {
                NotMet(Why::NoKplRun { aggregation: None })
            } else if best.is_some_and(|p| p >= *min_p50_ms) {
                Met
            } else {
                NotMet(Why::KplLatencyTooLow {
                    p50_ms: best,
                    need: *min_p50_ms,
                })
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::lab::Action;
    use super::super::Scenario;
    use super::*;

    fn lab(shards: u32) -> Lab {
        Lab::from_scenario(&Scenario {
            shards,
            seed: 3,
            distribution: KeyDistribution::DeviceType,
            records_per_second: 3000,
            seconds: 5,
            actions: vec![],
        })
        .unwrap()
    }

    #[test]
    fn put_at_least_counts_only_that_key() {
        let mut l = lab(4);
        let g = Goal::PutAtLeast {
            key: "k".into(),
            count: 2,
        };
        l.apply(&Action::Put { key: "k".into() }).unwrap();
        l.apply(&Action::Put {
            key: "other".into(),
        })
        .unwrap();
        assert_eq!(
            g.evaluate(&l),
            Outcome::NotMet(Why::TooFewPuts {
                key: "k".into(),
                have: 1,
                need: 2
            })
        );
        l.apply(&Action::Put { key: "k".into() }).unwrap();
        assert_eq!(g.evaluate(&l), Outcome::Met);
    }

    #[test]
    fn shares_shard_needs_a_real_neighbour() {
        let mut l = lab(2);
        let g = Goal::SharesShard {
            key: "user-123".into(),
            others: 1,
        };
        l.apply(&Action::Put {
            key: "user-123".into(),
        })
        .unwrap();
        assert!(matches!(g.evaluate(&l), Outcome::NotMet(_)));
        // Find, by the engine, a key on the other shard and one on the same.
        let home = l.shard_of("user-123").unwrap();
        let away = (0..)
            .map(|i| format!("k{i}"))
            .find(|k| l.shard_of(k) != Some(home))
            .unwrap();
        l.apply(&Action::Put { key: away }).unwrap();
        assert!(matches!(g.evaluate(&l), Outcome::NotMet(_)));
        let near = (0..)
            .map(|i| format!("k{i}"))
            .find(|k| l.shard_of(k) == Some(home))
            .unwrap();
        l.apply(&Action::Put { key: near }).unwrap();
        assert_eq!(g.evaluate(&l), Outcome::Met);
    }

    #[test]
    fn stream_sized_for_uses_the_sizing_rule() {
        let mut l = lab(1);
        let g = Goal::StreamSizedFor {
            stream: "ingest".into(),
            write_mib_per_second: 6,
            records_per_second: 0,
            consumers: 3,
            read_mode: ReadMode::Shared,
        };
        assert_eq!(
            g.evaluate(&l),
            Outcome::NotMet(Why::NoStream {
                stream: "ingest".into()
            })
        );
        l.apply(&Action::Console {
            line: "aws kinesis create-stream --stream-name ingest --shard-count 6".into(),
        })
        .unwrap();
        // 6 MiB/s read in full by 3 shared consumers is 18 MiB/s of reads: 9 shards.
        assert_eq!(
            g.evaluate(&l),
            Outcome::NotMet(Why::WrongShardsForWorkload {
                stream: "ingest".into(),
                have: 6,
                need: 9
            })
        );
        l.apply(&Action::Console { line: "aws kinesis update-shard-count --stream-name ingest --target-shard-count 9 --scaling-type UNIFORM_SCALING".into() }).unwrap();
        assert_eq!(g.evaluate(&l), Outcome::Met);
        assert_eq!(l.console.len(), 2);
    }

    #[test]
    fn a_cli_usage_error_changes_nothing_and_a_refused_request_is_kept() {
        let mut l = lab(1);
        let before = l.clone();
        assert!(l
            .apply(&Action::Console {
                line: "aws kinesis create-strem".into()
            })
            .is_err());
        assert_eq!(l, before);
        // The service refusing a request is part of the session, as in a real
        // terminal: the line and its error are kept, the streams are not changed.
        l.apply(&Action::Console {
            line: "aws kinesis describe-stream --stream-name nope".into(),
        })
        .unwrap();
        assert_eq!(l.engine.streams().count(), 0);
        let line = l.console.last().unwrap();
        assert!(!line.ok());
        assert!(line.output.contains("ResourceNotFoundException"));
        let g = Goal::SawError {
            operation: "DescribeStream".into(),
            error: "ResourceNotFoundException".into(),
        };
        assert_eq!(g.evaluate(&l), Outcome::Met);
    }

    fn console(l: &mut Lab, line: &str) -> serde_json::Value {
        l.apply(&Action::Console { line: line.into() }).unwrap();
        serde_json::from_str(&l.console.last().unwrap().output).unwrap_or_default()
    }

    #[test]
    fn an_iterator_left_five_minutes_expires_and_a_new_one_recovers() {
        let mut l = lab(1);
        console(
            &mut l,
            "aws kinesis create-stream --stream-name s --shard-count 1",
        );
        console(
            &mut l,
            "aws kinesis put-record --stream-name s --partition-key a --data aGk=",
        );
        let it = console(&mut l, "aws kinesis get-shard-iterator --stream-name s --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON")["ShardIterator"].as_str().unwrap().to_owned();
        let g = Goal::RecoveredFromExpiredIterator { stream: "s".into() };
        assert_eq!(
            g.evaluate(&l),
            Outcome::NotMet(Why::NoExpiredIterator { stream: "s".into() })
        );
        // 299 s of waiting plus the console's own second: exactly 5 minutes, still valid.
        l.apply(&Action::Wait { seconds: 299 }).unwrap();
        let got = console(
            &mut l,
            &format!("aws kinesis get-records --shard-iterator {it}"),
        );
        assert_eq!(got["Records"].as_array().unwrap().len(), 1);
        let read = Goal::ReadRecords {
            stream: "s".into(),
            records: 1,
            key: Some("a".into()),
            iterator_type: Some(IterType::TrimHorizon),
            older_than_hours: 0,
        };
        assert_eq!(read.evaluate(&l), Outcome::Met);
        // One second later it is too old.
        console(
            &mut l,
            &format!("aws kinesis get-records --shard-iterator {it}"),
        );
        assert!(l
            .console
            .last()
            .unwrap()
            .output
            .contains("ExpiredIteratorException"));
        assert_eq!(
            g.evaluate(&l),
            Outcome::NotMet(Why::NotRecovered { stream: "s".into() })
        );
        let fresh = console(&mut l, "aws kinesis get-shard-iterator --stream-name s --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON")["ShardIterator"].as_str().unwrap().to_owned();
        console(
            &mut l,
            &format!("aws kinesis get-records --shard-iterator {fresh}"),
        );
        assert_eq!(g.evaluate(&l), Outcome::Met);
        let every = Goal::ReadEveryRecord {
            stream: "s".into(),
            at_least: 1,
        };
        assert_eq!(every.evaluate(&l), Outcome::Met);
    }

    #[test]
    fn retention_decides_what_a_replay_finds() {
        let mut l = lab(1);
        console(
            &mut l,
            "aws kinesis create-stream --stream-name s --shard-count 1",
        );
        console(
            &mut l,
            "aws kinesis put-record --stream-name s --partition-key a --data aGk=",
        );
        let g = Goal::RetentionAtLeast {
            stream: "s".into(),
            hours: 48,
        };
        assert_eq!(
            g.evaluate(&l),
            Outcome::NotMet(Why::RetentionTooShort {
                stream: "s".into(),
                have: 24,
                need: 48
            })
        );
        let mut kept = l.clone();
        // Default retention: a day later the record is gone.
        l.apply(&Action::Wait { seconds: 86_400 }).unwrap();
        let it = console(&mut l, "aws kinesis get-shard-iterator --stream-name s --shard-id 0 --shard-iterator-type TRIM_HORIZON")["ShardIterator"].as_str().unwrap().to_owned();
        assert_eq!(
            console(
                &mut l,
                &format!("aws kinesis get-records --shard-iterator {it}")
            )["Records"]
                .as_array()
                .unwrap()
                .len(),
            0
        );
        // Two days of retention: still there after 30 hours.
        console(&mut kept, "aws kinesis increase-stream-retention-period --stream-name s --retention-period-hours 48");
        assert_eq!(g.evaluate(&kept), Outcome::Met);
        kept.apply(&Action::Wait { seconds: 30 * 3600 }).unwrap();
        let it = console(&mut kept, "aws kinesis get-shard-iterator --stream-name s --shard-id 0 --shard-iterator-type TRIM_HORIZON")["ShardIterator"].as_str().unwrap().to_owned();
        console(
            &mut kept,
            &format!("aws kinesis get-records --shard-iterator {it}"),
        );
        let old = Goal::ReadRecords {
            stream: "s".into(),
            records: 1,
            key: None,
            iterator_type: Some(IterType::TrimHorizon),
            older_than_hours: 30,
        };
        assert_eq!(old.evaluate(&kept), Outcome::Met);
        assert!(matches!(
            old.evaluate(&l),
            Outcome::NotMet(Why::NotReadYet { best: 0, .. })
        ));
    }

    #[test]
    fn bad_waits_and_runs_name_their_field_and_change_nothing() {
        use crate::error::Field;
        let mut l = lab(1);
        console(
            &mut l,
            "aws kinesis create-stream --stream-name s --shard-count 1",
        );
        let before = l.clone();
        let field = |r: Result<(), super::super::lab::LabError>| match r {
            Err(super::super::lab::LabError::Invalid(e)) => Some(e.field),
            _ => None,
        };
        assert_eq!(
            field(l.apply(&Action::Wait { seconds: 0 })),
            Some(Field::Duration)
        );
        assert_eq!(
            field(l.apply(&Action::Wait { seconds: u32::MAX })),
            Some(Field::Duration)
        );
        let run = |rate, bytes, secs| Action::Produce {
            stream: "s".into(),
            records_per_second: rate,
            record_bytes: bytes,
            seconds: secs,
        };
        assert_eq!(field(l.apply(&run(0, 10, 1))), Some(Field::RecordRate));
        assert_eq!(field(l.apply(&run(10, 0, 1))), Some(Field::RecordBytes));
        assert_eq!(field(l.apply(&run(10, 10, 0))), Some(Field::Duration));
        assert_eq!(
            field(l.apply(&run(10_000, 10, 60))),
            Some(Field::Duration),
            "too many records"
        );
        assert_eq!(
            field(l.apply(&run(100, 1_000_000, 60))),
            Some(Field::Duration),
            "too many bytes"
        );
        assert!(l
            .apply(&Action::Produce {
                stream: "nope".into(),
                records_per_second: 1,
                record_bytes: 1,
                seconds: 1
            })
            .is_err());
        assert_eq!(l, before);
    }

    #[test]
    fn on_demand_takes_double_its_old_peak_after_fifteen_minutes() {
        let mut l = lab(1);
        console(
            &mut l,
            "aws kinesis create-stream --stream-name s --stream-mode-details StreamMode=ON_DEMAND",
        );
        let burst = |l: &mut Lab| {
            l.apply(&Action::Produce {
                stream: "s".into(),
                records_per_second: 6,
                record_bytes: 1_000_000,
                seconds: 5,
            })
            .unwrap();
            l.produced.last().unwrap().throttled
        };
        let g = Goal::BurstAccepted {
            stream: "s".into(),
            mode: Mode::OnDemand,
            records_per_second: 6,
            record_bytes: 1_000_000,
            seconds: 5,
        };
        let mut cold = l.clone();
        assert!(
            burst(&mut cold) > 0,
            "6 MB/s is over the 4 MiB/s an on-demand stream starts with"
        );
        assert!(matches!(
            g.evaluate(&cold),
            Outcome::NotMet(Why::BurstThrottled { .. })
        ));
        // A warm-up at 4 MB/s, then 15 minutes: the capacity is double that peak.
        l.apply(&Action::Produce {
            stream: "s".into(),
            records_per_second: 4,
            record_bytes: 1_000_000,
            seconds: 3,
        })
        .unwrap();
        assert_eq!(l.produced.last().unwrap().throttled, 0);
        l.apply(&Action::Wait { seconds: 15 * 60 }).unwrap();
        assert_eq!(burst(&mut l), 0);
        assert_eq!(g.evaluate(&l), Outcome::Met);
        let mode = Goal::StreamMode {
            stream: "s".into(),
            mode: Mode::Provisioned,
        };
        assert!(matches!(
            mode.evaluate(&l),
            Outcome::NotMet(Why::WrongMode { .. })
        ));
    }

    #[test]
    fn write_limit_rule_reports_the_busy_shard() {
        let mut l = lab(4);
        let g = Goal::ShardsUnderWriteLimit { percent: 80 };
        assert_eq!(g.evaluate(&l), Outcome::NotMet(Why::NoRun));
        l.apply(&Action::RunWorkload).unwrap();
        match g.evaluate(&l) {
            Outcome::NotMet(Why::ShardTooBusy {
                records_per_second,
                allowed,
                ..
            }) => {
                assert!(records_per_second > allowed);
                assert_eq!(allowed, 800.0);
            }
            other => panic!("device types at 3000/s must overload a shard: {other:?}"),
        }
        l.apply(&Action::SetWorkload {
            distribution: KeyDistribution::UserIds,
            records_per_second: 3000,
            seconds: 5,
        })
        .unwrap();
        assert_eq!(
            g.evaluate(&l),
            Outcome::NotMet(Why::NoRun),
            "changing settings clears the old run"
        );
        l.apply(&Action::RunWorkload).unwrap();
        assert_eq!(g.evaluate(&l), Outcome::Met);
    }
}
