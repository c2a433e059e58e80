//! Quiz items, grading, scoring, and seeded quiz building.
//!
//! Items come from the bank (`lessons/quiz/*.toml`) and from parametric
//! generators ([`generate`]). A numeric answer is never written by hand: it
//! is a [`Calc`] the engine evaluates.

pub mod generate;

use crate::hash::{even_ranges, route};
use crate::lesson::Text;
use crate::rng::component_rng;
use crate::stream::capacity::{get_records_calls, shards_needed, ReadMode, Workload};
use crate::stream::cost;
use crate::stream::limits;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Overview,
    Shards,
    Partitioning,
    Producers,
    Consumers,
    Retention,
    Firehose,
    Analytics,
    Comparison,
}

impl Topic {
    pub const ALL: [Topic; 9] = [
        Topic::Overview,
        Topic::Shards,
        Topic::Partitioning,
        Topic::Producers,
        Topic::Consumers,
        Topic::Retention,
        Topic::Firehose,
        Topic::Analytics,
        Topic::Comparison,
    ];
}

/// Where an item is taught.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonLink {
    pub lesson: String,
    pub step: usize,
}

/// A number the engine computes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "calc", rename_all = "snake_case", deny_unknown_fields)]
pub enum Calc {
    /// Shards a stream needs for this workload.
    ShardsNeeded {
        write_mib_per_second: f64,
        #[serde(default)]
        records_per_second: u64,
        #[serde(default = "one")]
        consumers: u32,
        #[serde(default = "shared")]
        read_mode: ReadMode,
    },
    /// GetRecords calls `shards` shards allow in `seconds` seconds.
    GetRecordsCalls { shards: u64, seconds: u64 },
    /// 0-based index of the shard `key` goes to among `shards` even shards.
    ShardOfKey { key: String, shards: u32 },
    /// A documented limit.
    Limit { limit: LimitName },
    /// The engine's bill, in USD to the cent, for a provisioned stream: `shards` open
    /// for `hours`, with `records` records of `record_bytes` each written.
    ProvisionedCost {
        shards: u32,
        hours: f64,
        #[serde(default)]
        records: u64,
        #[serde(default)]
        record_bytes: u64,
    },
    /// The engine's bill, in USD to the cent, for an on-demand stream: `hours` of the
    /// stream, `gb_in` written and `gb_out` read.
    OnDemandCost { hours: f64, gb_in: f64, gb_out: f64 },
    /// PUT payload units for `records` records of `record_bytes` each.
    PutPayloadUnits { records: u64, record_bytes: u64 },
    /// KCL workers left idle with `workers` workers on `shards` shards, once
    /// the simulated KCL has shared the leases (a minute of it).
    KclIdleWorkers { shards: u32, workers: u32 },
    /// Records the simulated KCL processes a second time when a worker
    /// reading one shard of `records_per_second`, checkpointing every
    /// `checkpoint_seconds`, crashes `crash_after_seconds` after a checkpoint.
    KclRedelivered {
        records_per_second: u32,
        checkpoint_seconds: u32,
        crash_after_seconds: u32,
    },
    /// Polling applications one shard's GetRecords calls/s serve, each
    /// calling once every `poll_interval_ms`.
    PollingAppsPerShard { poll_interval_ms: u64 },
    /// Shared-throughput applications that can each read in full a shard
    /// written at `write_kib_per_second` (the shard's 2 MiB/s of reads).
    SharedReadersAtFullSpeed { write_kib_per_second: u64 },
    /// MiB/s all `consumers` enhanced fan-out consumers read together from a
    /// stream of `shards` shards, each at its dedicated limit.
    EfoReadMibPerSecond { consumers: u32, shards: u32 },
    /// User records of `record_bytes` bytes, each with its own partition key
    /// of `key_chars` characters, that fit one KPL aggregated record of the
    /// default `AggregationMaxSize` (packed by the real encoder).
    KplUserRecordsPerAggregate { record_bytes: u32, key_chars: u32 },
    /// Kinesis records per second needed to carry `user_records_per_second`
    /// such user records when every aggregated record is filled.
    KplKinesisRecordsPerSecond {
        user_records_per_second: u64,
        record_bytes: u32,
        key_chars: u32,
    },
    /// Members of a Kafka consumer group of `members` members on a topic of
    /// `partitions` partitions left without a partition, once the simulated
    /// group has settled.
    KafkaIdleMembers {
        partitions: u32,
        members: u32,
        assignor: crate::compare::kafka::Assignor,
    },
    /// The most partitions one member of such a group owns once settled.
    KafkaMostPartitions {
        partitions: u32,
        members: u32,
        assignor: crate::compare::kafka::Assignor,
    },
    /// Keys `user-1` … `user-<keys>` that Kafka's default partitioner sends
    /// to another partition when a topic grows from `from` to `to`.
    KafkaKeysMoved { keys: u32, from: u32, to: u32 },
    /// Seconds after sending at which SQS moves a never-deleted message,
    /// received again as soon as it is visible, to the dead-letter queue.
    SqsDeadLetterAfter {
        visibility_s: u32,
        max_receive_count: u32,
    },
    /// A documented Firehose limit, from core's firehose configuration.
    FirehoseLimit { limit: FirehoseLimitName },
    /// S3 objects an S3 delivery stream with these buffering hints writes in
    /// `seconds` of steady traffic (the simulated delivery stream runs it).
    FirehoseObjects {
        records_per_second: u32,
        record_bytes: u32,
        buffer_mib: u32,
        interval_s: u32,
        seconds: u32,
    },
    /// Size of the first such object, in KiB (rounded to the nearest KiB).
    FirehoseFirstObjectKib {
        records_per_second: u32,
        record_bytes: u32,
        buffer_mib: u32,
        interval_s: u32,
    },
    /// Rows a tumbling `GROUP BY KEY, STEP(ROWTIME BY window_s)` writes when
    /// `keys` keys each send a row a second for `seconds` from `start_s`
    /// seconds past a whole hour (the SQL engine runs it).
    SqlTumblingRows { keys: u32, start_s: u32, seconds: u32, window_s: u32 },
    /// `COUNT(*) OVER (RANGE INTERVAL 'range_s' SECOND PRECEDING)` in the row at
    /// `at_s` of a key sending a row every `every_s` seconds from 0.
    SqlSlidingCount { every_s: u32, range_s: u32, at_s: u32 },
    /// Rows a stagger window of `range_s` writes for rows at these seconds.
    SqlStaggerRows { times_s: Vec<u32>, range_s: u32 },
    /// Seconds from the first record to the first object.
    FirehoseFirstDeliverySeconds {
        records_per_second: u32,
        record_bytes: u32,
        buffer_mib: u32,
        interval_s: u32,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FirehoseLimitName {
    BufferIntervalMinSeconds,
    BufferIntervalMaxSeconds,
    BufferIntervalDefaultSeconds,
    BufferSizeMinMib,
    BufferSizeMaxMib,
    BufferSizeDefaultMib,
    ConversionBufferSizeMinMib,
    BatchMaxRecords,
    RecordMaxKib,
}

/// The deliveries a steady run makes within its first `seconds` (after
/// its last record, the run stops: the rest is still in the buffer).
fn firehose_first(
    records_per_second: u32,
    record_bytes: u32,
    buffer_mib: u32,
    interval_s: u32,
) -> Option<crate::lesson::firehose::SteadyDelivery> {
    // Long enough for a first delivery by time, whatever the interval.
    let seconds = interval_s.saturating_add(1);
    crate::lesson::firehose::steady_deliveries(
        records_per_second,
        record_bytes,
        buffer_mib,
        interval_s,
        seconds,
    )?
    .into_iter()
    .next()
}

/// User records of `record_bytes` with distinct keys of `key_chars`
/// characters that the KPL's encoder packs into one aggregated record of
/// the default maximum size.
fn per_aggregate(record_bytes: u32, key_chars: u32) -> Option<u64> {
    use crate::producer::kpl::format::{Aggregator, UserRecord, DEFAULT_AGGREGATION_MAX_SIZE};
    if !(1..=256).contains(&key_chars)
        || !(1..=DEFAULT_AGGREGATION_MAX_SIZE as u32).contains(&record_bytes)
    {
        return None;
    }
    let mut agg = Aggregator::new();
    for i in 0u64.. {
        let mut key = format!("k{i}");
        if key.len() > key_chars as usize {
            // Keys of this length run out; never reached for sane sizes.
            return None;
        }
        while key.len() < key_chars as usize {
            key.insert(1, '0');
        }
        let r = UserRecord::new(key, vec![b'x'; record_bytes as usize]);
        if agg.try_add(r, DEFAULT_AGGREGATION_MAX_SIZE).is_err() {
            break;
        }
    }
    Some(agg.len() as u64)
}

fn one() -> u32 {
    1
}
fn shared() -> ReadMode {
    ReadMode::Shared
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitName {
    WriteRecordsPerSecond,
    WriteMibPerSecond,
    ReadMibPerSecond,
    GetRecordsPerSecond,
    RetentionDefaultHours,
    RetentionMaxDays,
    PartitionKeyMaxChars,
    /// Minutes a shard iterator stays valid after it is issued.
    IteratorTtlMinutes,
}

/// Dollars rounded to the cent, as a bill shows them.
fn cents(usd: f64) -> f64 {
    (usd * 100.0).round() / 100.0
}

/// Hours as milliseconds, for the bill; None unless finite and in 0..=1e6.
fn hours_ms(hours: f64) -> Option<u64> {
    (hours.is_finite() && (0.0..=1e6).contains(&hours))
        .then(|| (hours * 3_600_000.0).round() as u64)
}

impl Calc {
    /// The answer, or None if the parameters are invalid (caught by validation).
    pub fn value(&self) -> Option<f64> {
        const MIB: f64 = 1_048_576.0;
        Some(match self {
            Calc::ShardsNeeded {
                write_mib_per_second,
                records_per_second,
                consumers,
                read_mode,
            } => {
                if !(write_mib_per_second.is_finite() && *write_mib_per_second >= 0.0) {
                    return None;
                }
                shards_needed(&Workload {
                    write_bytes_per_second: (write_mib_per_second * MIB).round() as u64,
                    write_records_per_second: *records_per_second,
                    consumers: *consumers,
                    read_mode: *read_mode,
                })
                .shards as f64
            }
            Calc::GetRecordsCalls { shards, seconds } => {
                get_records_calls(*shards, *seconds) as f64
            }
            Calc::ShardOfKey { key, shards } => {
                route(key, None, &even_ranges(*shards).ok()?)
                    .ok()?
                    .shard_index as f64
            }
            Calc::Limit { limit } => match limit {
                LimitName::WriteRecordsPerSecond => limits::WRITE_RECORDS_PER_SECOND as f64,
                LimitName::WriteMibPerSecond => limits::WRITE_BYTES_PER_SECOND as f64 / MIB,
                LimitName::ReadMibPerSecond => limits::READ_BYTES_PER_SECOND as f64 / MIB,
                LimitName::GetRecordsPerSecond => limits::GET_RECORDS_PER_SECOND as f64,
                LimitName::RetentionDefaultHours => limits::RETENTION_DEFAULT_HOURS as f64,
                LimitName::RetentionMaxDays => (limits::RETENTION_MAX_HOURS / 24) as f64,
                LimitName::PartitionKeyMaxChars => crate::hash::MAX_PARTITION_KEY_CHARS as f64,
                LimitName::IteratorTtlMinutes => {
                    crate::stream::engine::ITERATOR_TTL_MS as f64 / 60_000.0
                }
            },
            Calc::ProvisionedCost {
                shards,
                hours,
                records,
                record_bytes,
            } => {
                let ms = hours_ms(*hours)?;
                let units = records.checked_mul(cost::put_payload_units(*record_bytes))?;
                cents(cost::total(&cost::bill(&cost::Meter {
                    shard_ms: ms.checked_mul(*shards as u64)?,
                    put_payload_units: units,
                    ..cost::Meter::default()
                })))
            }
            Calc::OnDemandCost {
                hours,
                gb_in,
                gb_out,
            } => {
                let gb = |x: f64| {
                    (x.is_finite() && (0.0..1e9).contains(&x))
                        .then(|| (x * 1_073_741_824.0).round() as u64)
                };
                cents(cost::total(&cost::bill(&cost::Meter {
                    on_demand_stream_ms: hours_ms(*hours)?,
                    on_demand_bytes_in: gb(*gb_in)?,
                    on_demand_bytes_out: gb(*gb_out)?,
                    ..cost::Meter::default()
                })))
            }
            Calc::PutPayloadUnits {
                records,
                record_bytes,
            } => records.checked_mul(cost::put_payload_units(*record_bytes))? as f64,
            Calc::KclIdleWorkers { shards, workers } => {
                crate::lesson::sims::KclLab::idle_after_a_minute(*shards, *workers)? as f64
            }
            Calc::KclRedelivered {
                records_per_second,
                checkpoint_seconds,
                crash_after_seconds,
            } => {
                if *checkpoint_seconds > 120 || *records_per_second > 200 {
                    return None;
                }
                crate::lesson::sims::KclLab::redelivered_after_crash(
                    *records_per_second,
                    *checkpoint_seconds,
                    *crash_after_seconds,
                )? as f64
            }
            Calc::KafkaIdleMembers {
                partitions,
                members,
                assignor,
            } => crate::compare::calc::kafka_idle_members(*partitions, *members, *assignor)? as f64,
            Calc::KafkaMostPartitions {
                partitions,
                members,
                assignor,
            } => crate::compare::calc::kafka_most_partitions(*partitions, *members, *assignor)? as f64,
            Calc::KafkaKeysMoved { keys, from, to } => {
                crate::compare::calc::kafka_keys_moved(*keys, *from, *to)? as f64
            }
            Calc::SqsDeadLetterAfter {
                visibility_s,
                max_receive_count,
            } => crate::compare::calc::sqs_dead_letter_after_s(*visibility_s, *max_receive_count)? as f64,
            Calc::PollingAppsPerShard { poll_interval_ms } => {
                if !(1..=60_000).contains(poll_interval_ms) {
                    return None;
                }
                (limits::GET_RECORDS_PER_SECOND * poll_interval_ms / 1000) as f64
            }
            Calc::SharedReadersAtFullSpeed {
                write_kib_per_second,
            } => {
                if !(1..=1024).contains(write_kib_per_second) {
                    return None;
                }
                (limits::READ_BYTES_PER_SECOND / (write_kib_per_second * 1024)) as f64
            }
            Calc::EfoReadMibPerSecond { consumers, shards } => {
                if *consumers > 20 || *shards > 10_000 {
                    return None;
                }
                (limits::EFO_BYTES_PER_SECOND_PER_CONSUMER * *consumers as u64 * *shards as u64)
                    as f64
                    / MIB
            }
            Calc::KplUserRecordsPerAggregate {
                record_bytes,
                key_chars,
            } => per_aggregate(*record_bytes, *key_chars)? as f64,
            Calc::KplKinesisRecordsPerSecond {
                user_records_per_second,
                record_bytes,
                key_chars,
            } => {
                let per = per_aggregate(*record_bytes, *key_chars)?.max(1);
                user_records_per_second.div_ceil(per) as f64
            }
            Calc::FirehoseLimit { limit } => {
                use crate::firehose::config as c;
                use FirehoseLimitName::*;
                (match limit {
                    BufferIntervalMinSeconds => c::INTERVAL_RANGE.0,
                    BufferIntervalMaxSeconds => c::INTERVAL_RANGE.1,
                    BufferIntervalDefaultSeconds => c::DEFAULT_INTERVAL_SECONDS,
                    BufferSizeMinMib => c::SIZE_MIB_RANGE.0,
                    BufferSizeMaxMib => c::SIZE_MIB_RANGE.1,
                    BufferSizeDefaultMib => c::DEFAULT_SIZE_MIB,
                    ConversionBufferSizeMinMib => c::CONVERSION_MIN_SIZE_MIB,
                    BatchMaxRecords => crate::firehose::source::MAX_BATCH_RECORDS as u32,
                    RecordMaxKib => (crate::firehose::source::MAX_RECORD_BYTES / 1024) as u32,
                }) as f64
            }
            Calc::FirehoseObjects {
                records_per_second,
                record_bytes,
                buffer_mib,
                interval_s,
                seconds,
            } => crate::lesson::firehose::steady_deliveries(
                *records_per_second,
                *record_bytes,
                *buffer_mib,
                *interval_s,
                *seconds,
            )?
            .len() as f64,
            Calc::FirehoseFirstObjectKib {
                records_per_second,
                record_bytes,
                buffer_mib,
                interval_s,
            } => {
                let d =
                    firehose_first(*records_per_second, *record_bytes, *buffer_mib, *interval_s)?;
                (d.bytes as f64 / 1024.0).round()
            }
            Calc::SqlTumblingRows { keys, start_s, seconds, window_s } => {
                crate::lesson::sql::window_calc::tumbling_rows(*keys, *start_s, *seconds, *window_s)
                    .ok()? as f64
            }
            Calc::SqlSlidingCount { every_s, range_s, at_s } => {
                crate::lesson::sql::window_calc::sliding_count(*every_s, *range_s, *at_s).ok()? as f64
            }
            Calc::SqlStaggerRows { times_s, range_s } => {
                crate::lesson::sql::window_calc::stagger_rows(times_s, *range_s).ok()? as f64
            }
            Calc::FirehoseFirstDeliverySeconds {
                records_per_second,
                record_bytes,
                buffer_mib,
                interval_s,
            } => {
                let d =
                    firehose_first(*records_per_second, *record_bytes, *buffer_mib, *interval_s)?;
                d.after_ms as f64 / 1000.0
            }
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ItemKind {
    /// One right option.
    Single { options: Vec<Text>, answer: usize },
    /// All the right options and none of the others.
    Multiple {
        options: Vec<Text>,
        answers: Vec<usize>,
    },
    /// A number, right within `tolerance` (absolute).
    Numeric {
        answer: Calc,
        #[serde(default)]
        tolerance: f64,
        #[serde(default)]
        unit: Option<Text>,
    },
    /// Put these in order; they are listed here in the right order.
    Ordering { items: Vec<Text> },
}

/// A quiz item. (No `deny_unknown_fields` here: serde cannot combine it with
/// `flatten`. Unknown keys still fail, because they reach `ItemKind`, which
/// denies them.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    pub topic: Topic,
    /// 1 (recall) to 3 (apply several rules at once).
    pub difficulty: u8,
    pub prompt: Text,
    #[serde(flatten)]
    pub kind: ItemKind,
    pub explanation: Text,
    #[serde(default)]
    pub lesson: Option<LessonLink>,
    /// Where it comes from, e.g. "seed Q2".
    #[serde(default)]
    pub source: Option<String>,
}

/// A student's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Response {
    Single(usize),
    Multiple(Vec<usize>),
    Numeric(f64),
    /// Indices of `items` in the order the student put them.
    Ordering(Vec<usize>),
}

impl Item {
    pub fn grade(&self, r: &Response) -> bool {
        match (&self.kind, r) {
            (ItemKind::Single { answer, .. }, Response::Single(x)) => x == answer,
            (ItemKind::Multiple { answers, .. }, Response::Multiple(xs)) => {
                let mut a = answers.clone();
                let mut b = xs.clone();
                a.sort_unstable();
                a.dedup();
                b.sort_unstable();
                b.dedup();
                a == b
            }
            (
                ItemKind::Numeric {
                    answer, tolerance, ..
                },
                Response::Numeric(x),
            ) => {
                x.is_finite()
                    && answer
                        .value()
                        .is_some_and(|v| (x - v).abs() <= *tolerance + 1e-9)
            }
            (ItemKind::Ordering { items }, Response::Ordering(order)) => {
                order.len() == items.len() && order.iter().enumerate().all(|(i, &j)| i == j)
            }
            _ => false,
        }
    }

    /// Field-level problems (name, problem) that serde cannot see.
    pub fn validate(&self) -> Vec<(String, String)> {
        let mut e = Vec::new();
        let mut text = |name: &str, t: &Text| {
            if t.en.trim().is_empty() || t.vi.trim().is_empty() {
                e.push((name.to_owned(), "needs both en and vi".to_owned()));
            }
        };
        text("prompt", &self.prompt);
        text("explanation", &self.explanation);
        match &self.kind {
            ItemKind::Single { options, .. } | ItemKind::Multiple { options, .. } => {
                for (i, o) in options.iter().enumerate() {
                    text(&format!("options[{i}]"), o);
                }
            }
            ItemKind::Ordering { items } => {
                for (i, o) in items.iter().enumerate() {
                    text(&format!("items[{i}]"), o);
                }
            }
            ItemKind::Numeric { unit: Some(u), .. } => text("unit", u),
            ItemKind::Numeric { .. } => {}
        }
        if !(1..=3).contains(&self.difficulty) {
            e.push((
                "difficulty".into(),
                format!("{} is not 1, 2 or 3", self.difficulty),
            ));
        }
        match &self.kind {
            ItemKind::Single { options, answer } => {
                if options.len() < 2 || *answer >= options.len() {
                    e.push((
                        "answer".into(),
                        format!("{answer} is not one of the {} options", options.len()),
                    ));
                }
            }
            ItemKind::Multiple { options, answers } => {
                if answers.is_empty() || answers.iter().any(|a| *a >= options.len()) {
                    e.push((
                        "answers".into(),
                        format!(
                            "{answers:?} must be non-empty indices below {}",
                            options.len()
                        ),
                    ));
                }
            }
            ItemKind::Numeric {
                answer, tolerance, ..
            } => {
                if answer.value().is_none() {
                    e.push(("answer".into(), format!("{answer:?} cannot be computed")));
                }
                if !(tolerance.is_finite() && *tolerance >= 0.0) {
                    e.push(("tolerance".into(), "must be a number ≥ 0".into()));
                }
            }
            ItemKind::Ordering { items } => {
                if items.len() < 2 {
                    e.push(("items".into(), "needs at least two items".into()));
                }
            }
        }
        e
    }
}

/// A quiz: items and, for ordering items, the shuffled order shown first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quiz {
    pub seed: u64,
    pub level: u8,
    pub items: Vec<Item>,
    /// For each item: the order its options/items are first shown in.
    pub shown_order: Vec<Vec<usize>>,
}

pub const MAX_QUIZ_ITEMS: usize = 30;

/// Builds a reproducible quiz: `count` items at difficulty ≤ `level`, a mix of
/// bank items and generated ones, all chosen and ordered by `seed`.
pub fn build_quiz(bank: &[Item], seed: u64, level: u8, count: usize) -> Quiz {
    let level = level.clamp(1, 3);
    let count = count.clamp(1, MAX_QUIZ_ITEMS);
    let mut rng = component_rng(seed, "quiz.pick");
    let mut pool: Vec<Item> = bank
        .iter()
        .filter(|i| i.difficulty <= level)
        .cloned()
        .collect();
    pool.shuffle(&mut rng);
    // About a third generated, at least one.
    let generated = (count / 3).max(1).min(count);
    let mut items: Vec<Item> = pool.into_iter().take(count - generated).collect();
    let mut gen_rng = component_rng(seed, "quiz.generate");
    while items.len() < count {
        items.push(generate::generate(&mut gen_rng, level, items.len()));
    }
    items.shuffle(&mut rng);
    let mut order_rng = component_rng(seed, "quiz.order");
    let shown_order = items
        .iter()
        .map(|i| match &i.kind {
            ItemKind::Ordering { items } => {
                let mut o: Vec<usize> = (0..items.len()).collect();
                // A shown order that is already right would give the answer away.
                while o.iter().enumerate().all(|(a, &b)| a == b) {
                    o.shuffle(&mut order_rng);
                }
                o
            }
            ItemKind::Single { options, .. } | ItemKind::Multiple { options, .. } => {
                (0..options.len()).collect()
            }
            ItemKind::Numeric { .. } => Vec::new(),
        })
        .collect();
    Quiz {
        seed,
        level,
        items,
        shown_order,
    }
}

/// Results by topic, and which items were missed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub correct: usize,
    pub total: usize,
    pub by_topic: BTreeMap<Topic, (usize, usize)>,
    pub missed: Vec<usize>,
}

pub fn score(quiz: &Quiz, responses: &[Option<Response>]) -> Score {
    let mut s = Score {
        correct: 0,
        total: quiz.items.len(),
        by_topic: BTreeMap::new(),
        missed: Vec::new(),
    };
    for (i, item) in quiz.items.iter().enumerate() {
        let ok = responses
            .get(i)
            .and_then(|r| r.as_ref())
            .is_some_and(|r| item.grade(r));
        let t = s.by_topic.entry(item.topic).or_insert((0, 0));
        t.1 += 1;
        if ok {
            t.0 += 1;
            s.correct += 1;
        } else {
            s.missed.push(i);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_calcs_follow_the_price_file() {
        let p = cost::prices();
        let v = |c: Calc| c.value().unwrap();
        let idle = v(Calc::ProvisionedCost {
            shards: 4,
            hours: 48.0,
            records: 0,
            record_bytes: 0,
        });
        assert!((idle - 4.0 * 48.0 * p.provisioned.shard_hour).abs() <= 0.005);
        // 30 KB records take two 25 KB units each.
        assert_eq!(
            v(Calc::PutPayloadUnits {
                records: 1000,
                record_bytes: 30 * 1024
            }),
            2000.0
        );
        let with_puts = v(Calc::ProvisionedCost {
            shards: 1,
            hours: 1.0,
            records: 1_000_000,
            record_bytes: 1024,
        });
        assert!(
            (with_puts - p.provisioned.shard_hour - p.provisioned.put_payload_units_per_million)
                .abs()
                <= 0.005
        );
        let od = v(Calc::OnDemandCost {
            hours: 24.0,
            gb_in: 10.0,
            gb_out: 20.0,
        });
        let want = 24.0 * p.on_demand.stream_hour
            + 10.0 * p.on_demand.per_gb_in
            + 20.0 * p.on_demand.per_gb_out;
        assert!((od - want).abs() <= 0.005);
        assert_eq!(od, (od * 100.0).round() / 100.0, "to the cent");
        assert_eq!(
            v(Calc::Limit {
                limit: LimitName::IteratorTtlMinutes
            }),
            5.0
        );
        for bad in [f64::NAN, -1.0, f64::INFINITY, 1e12] {
            assert_eq!(
                Calc::OnDemandCost {
                    hours: bad,
                    gb_in: 1.0,
                    gb_out: 1.0
                }
                .value(),
                None
            );
            assert_eq!(
                Calc::OnDemandCost {
                    hours: 1.0,
                    gb_in: bad,
                    gb_out: 1.0
                }
                .value(),
                None
            );
            assert_eq!(
                Calc::ProvisionedCost {
                    shards: 1,
                    hours: bad,
                    records: 0,
                    record_bytes: 0
                }
                .value(),
                None
            );
        }
        assert_eq!(
            Calc::PutPayloadUnits {
                records: u64::MAX,
                record_bytes: 1 << 40
            }
            .value(),
            None
        );
    }

    fn t(s: &str) -> Text {
        Text {
            en: s.into(),
            vi: format!("{s} (vi)"),
        }
    }

    fn single() -> Item {
        Item {
            id: "q".into(),
            topic: Topic::Shards,
            difficulty: 1,
            prompt: t("p"),
            kind: ItemKind::Single {
                options: vec![t("a"), t("b")],
                answer: 1,
            },
            explanation: t("e"),
            lesson: None,
            source: None,
        }
    }

    #[test]
    fn grading_each_kind() {
        let s = single();
        assert!(s.grade(&Response::Single(1)));
        assert!(!s.grade(&Response::Single(0)));
        assert!(
            !s.grade(&Response::Numeric(1.0)),
            "wrong response kind is wrong, not a panic"
        );

        let m = Item {
            kind: ItemKind::Multiple {
                options: vec![t("a"), t("b"), t("c")],
                answers: vec![0, 2],
            },
            ..single()
        };
        assert!(m.grade(&Response::Multiple(vec![2, 0])));
        assert!(!m.grade(&Response::Multiple(vec![0])));
        assert!(!m.grade(&Response::Multiple(vec![0, 1, 2])));

        let calc = Calc::ShardsNeeded {
            write_mib_per_second: 6.0,
            records_per_second: 0,
            consumers: 1,
            read_mode: ReadMode::Shared,
        };
        let n = Item {
            kind: ItemKind::Numeric {
                answer: calc,
                tolerance: 0.0,
                unit: None,
            },
            ..single()
        };
        assert!(n.grade(&Response::Numeric(6.0)));
        assert!(!n.grade(&Response::Numeric(5.0)));
        assert!(!n.grade(&Response::Numeric(f64::NAN)));

        let o = Item {
            kind: ItemKind::Ordering {
                items: vec![t("1"), t("2"), t("3")],
            },
            ..single()
        };
        assert!(o.grade(&Response::Ordering(vec![0, 1, 2])));
        assert!(!o.grade(&Response::Ordering(vec![1, 0, 2])));
        assert!(!o.grade(&Response::Ordering(vec![0, 1])));
    }

    #[test]
    fn validation_names_fields() {
        let bad = Item {
            difficulty: 4,
            kind: ItemKind::Single {
                options: vec![t("a"), t("b")],
                answer: 2,
            },
            ..single()
        };
        let fields: Vec<String> = bad.validate().into_iter().map(|e| e.0).collect();
        assert_eq!(fields, vec!["difficulty", "answer"]);
    }

    #[test]
    fn quizzes_are_reproducible_from_the_seed() {
        let bank: Vec<Item> = (0..20)
            .map(|i| Item {
                id: format!("q{i}"),
                ..single()
            })
            .collect();
        let a = build_quiz(&bank, 99, 2, 10);
        assert_eq!(a, build_quiz(&bank, 99, 2, 10));
        assert_ne!(a, build_quiz(&bank, 100, 2, 10));
        assert_eq!(a.items.len(), 10);
        assert!(a.items.iter().any(|i| i.id.starts_with("gen-")));
    }

    #[test]
    fn scoring_by_topic() {
        let bank = vec![
            single(),
            Item {
                id: "q2".into(),
                topic: Topic::Retention,
                ..single()
            },
        ];
        let quiz = Quiz {
            seed: 0,
            level: 1,
            items: bank,
            shown_order: vec![vec![0, 1], vec![0, 1]],
        };
        let s = score(
            &quiz,
            &[Some(Response::Single(1)), Some(Response::Single(0))],
        );
        assert_eq!((s.correct, s.total), (1, 2));
        assert_eq!(s.by_topic[&Topic::Retention], (0, 1));
        assert_eq!(s.missed, vec![1]);
    }

    #[test]
    fn item_files_reject_unknown_keys() {
        let ok = r#"{"id":"a","topic":"shards","difficulty":1,"prompt":{"en":"p","vi":"p"},"kind":"single",
            "options":[{"en":"a","vi":"a"},{"en":"b","vi":"b"}],"answer":0,"explanation":{"en":"e","vi":"e"}}"#;
        assert!(serde_json::from_str::<Item>(ok).is_ok());
        let typo = ok.replace("\"answer\"", "\"answr\"");
        assert!(serde_json::from_str::<Item>(&typo).is_err());
        let extra = ok.replace("\"id\":\"a\"", "\"id\":\"a\",\"colour\":1");
        assert!(serde_json::from_str::<Item>(&extra).is_err());
    }

    #[test]
    fn kpl_packing_calcs_use_the_real_encoder() {
        use crate::producer::kpl::format::{aggregate, UserRecord, DEFAULT_AGGREGATION_MAX_SIZE};
        for (bytes, key_chars) in [(100u32, 10u32), (500, 10), (20, 36), (1000, 5)] {
            let n = Calc::KplUserRecordsPerAggregate {
                record_bytes: bytes,
                key_chars,
            }
            .value()
            .unwrap() as usize;
            let records: Vec<UserRecord> = (0..=n)
                .map(|i| {
                    let key = format!("k{i:0>width$}", width = key_chars as usize - 1);
                    UserRecord::new(key, vec![b'x'; bytes as usize])
                })
                .collect();
            let fits = aggregate(&records[..n]).unwrap().len();
            let over = aggregate(&records).unwrap().len();
            assert!(
                fits <= DEFAULT_AGGREGATION_MAX_SIZE,
                "{bytes} B: {n} records take {fits}"
            );
            assert!(
                over > DEFAULT_AGGREGATION_MAX_SIZE,
                "{bytes} B: {} records take only {over}",
                n + 1
            );
            let per_second = Calc::KplKinesisRecordsPerSecond {
                user_records_per_second: 5000,
                record_bytes: bytes,
                key_chars,
            }
            .value()
            .unwrap();
            assert_eq!(
                per_second,
                5000f64.div_euclid(n as f64) + if 5000 % n == 0 { 0.0 } else { 1.0 }
            );
        }
        assert_eq!(
            Calc::KplUserRecordsPerAggregate {
                record_bytes: 0,
                key_chars: 10
            }
            .value(),
            None
        );
        assert_eq!(
            Calc::EfoReadMibPerSecond {
                consumers: 5,
                shards: 3
            }
            .value(),
            Some(30.0)
        );
        assert_eq!(
            Calc::SharedReadersAtFullSpeed {
                write_kib_per_second: 700
            }
            .value(),
            Some(2.0)
        );
        assert_eq!(
            Calc::PollingAppsPerShard {
                poll_interval_ms: 0
            }
            .value(),
            None
        );
    }

    #[test]
    fn limits_come_from_the_engine() {
        assert_eq!(
            Calc::Limit {
                limit: LimitName::RetentionMaxDays
            }
            .value(),
            Some(365.0)
        );
        assert_eq!(
            Calc::Limit {
                limit: LimitName::WriteMibPerSecond
            }
            .value(),
            Some(1.0)
        );
    }
}
