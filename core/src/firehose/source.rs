//! Where records come from.
//!
//! - Direct PUT: `PutRecord` and `PutRecordBatch` with their limits (a
//!   record of at most 1,000 KiB before base64; a batch of at most 500
//!   records and 4 MiB) and the per-stream throughput quota of US East
//!   (N. Virginia): 500,000 records/s, 2,000 requests/s and 5 MiB/s, counted
//!   per second of simulated time. Over the quota, PutRecord fails with
//!   `ServiceUnavailableException` and a batch fails the records that do not
//!   fit, each with its own error, as the API reports them.
//! - A Kinesis data stream of the lab's engine, read like a polling consumer
//!   (an iterator per shard, GetRecords once a second, children after their
//!   parents), with KPL aggregated records de-aggregated first.

use crate::consumer::DEFAULT_POLL_MS;
use crate::hash::ShardId;
use crate::producer::kpl::format::user_records_of;
use crate::stream::engine::Engine;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

use super::buffer::KinesisMeta;
use super::config::StreamStart;

/// Largest record before base64 encoding: 1,000 KiB.
pub const MAX_RECORD_BYTES: usize = 1_000 * 1024;
/// PutRecordBatch: at most 500 records…
pub const MAX_BATCH_RECORDS: usize = 500;
/// …and at most 4 MiB per call.
pub const MAX_BATCH_BYTES: usize = 4 * 1_048_576;
/// Direct PUT quota per delivery stream (US East (N. Virginia), US West
/// (Oregon), Europe (Ireland)).
pub const QUOTA_RECORDS_PER_SECOND: u64 = 500_000;
pub const QUOTA_REQUESTS_PER_SECOND: u64 = 2_000;
pub const QUOTA_BYTES_PER_SECOND: u64 = 5 * 1_048_576;

/// The result of PutRecord.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PutResult {
    /// `RecordId` as the API returns it.
    pub record_id: String,
    /// The lab's number of the record (see `FhRecord::id`).
    pub id: u64,
    pub encrypted: bool,
}

/// One entry of `RequestResponses`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum BatchEntry {
    Ok(PutResult),
    Failed {
        error_code: String,
        error_message: String,
    },
}

/// The result of PutRecordBatch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BatchResult {
    pub failed_put_count: usize,
    pub encrypted: bool,
    pub request_responses: Vec<BatchEntry>,
}

/// The Direct PUT quota, counted per whole second of simulated time.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Quota {
    second: u64,
    records: u64,
    requests: u64,
    bytes: u64,
}

impl Quota {
    fn roll(&mut self, now: u64) {
        let s = now / 1000;
        if s != self.second {
            *self = Quota {
                second: s,
                ..Quota::default()
            };
        }
    }

    /// Counts a request; false when the request quota is used up.
    pub fn take_request(&mut self, now: u64) -> bool {
        self.roll(now);
        if self.requests >= QUOTA_REQUESTS_PER_SECOND {
            return false;
        }
        self.requests += 1;
        true
    }

    /// Counts a record of `bytes`; false when it does not fit this second.
    pub fn take_record(&mut self, now: u64, bytes: u64) -> bool {
        self.roll(now);
        if self.records >= QUOTA_RECORDS_PER_SECOND || self.bytes + bytes > QUOTA_BYTES_PER_SECOND {
            return false;
        }
        self.records += 1;
        self.bytes += bytes;
        true
    }

    /// Whether a record of `bytes` would fit (without counting it).
    pub fn fits(&self, now: u64, bytes: u64) -> bool {
        let mut q = self.clone();
        q.roll(now);
        q.records < QUOTA_RECORDS_PER_SECOND && q.bytes + bytes <= QUOTA_BYTES_PER_SECOND
    }
}

/// A record Firehose read from a Kinesis stream (after de-aggregation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceRecord {
    pub data: Vec<u8>,
    pub meta: KinesisMeta,
}

/// What one poll of the stream gave.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PollReport {
    pub kinesis_records: usize,
    pub records: Vec<SourceRecord>,
    /// Kinesis records that looked aggregated but did not decode (delivered as they are).
    pub bad_aggregates: usize,
    pub throttled: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Cursor {
    iterator: Option<String>,
    after_seq: Option<String>,
    next_poll_ms: u64,
}

/// Firehose's reader of a Kinesis data stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KinesisSource {
    pub stream: String,
    pub start: StreamStart,
    pub poll_ms: u64,
    cursors: BTreeMap<u32, Cursor>,
    finished: BTreeSet<u32>,
    next_poll_ms: u64,
}

impl KinesisSource {
    pub fn new(stream: &str, start: StreamStart, now: u64) -> KinesisSource {
        KinesisSource {
            stream: stream.to_owned(),
            start,
            poll_ms: DEFAULT_POLL_MS,
            cursors: BTreeMap::new(),
            finished: BTreeSet::new(),
            next_poll_ms: now,
        }
    }

    /// When the next GetRecords round is due.
    pub fn next_deadline(&self) -> u64 {
        self.next_poll_ms
    }

    /// Reads every shard that is due. A stream that does not exist (or any
    /// other API error) is returned and nothing is read.
    pub fn poll(
        &mut self,
        engine: &mut Engine,
        now: u64,
    ) -> Result<PollReport, crate::api::error::ApiError> {
        let mut report = PollReport::default();
        if now < self.next_poll_ms {
            return Ok(report);
        }
        self.next_poll_ms = now.saturating_add(self.poll_ms);
        let (ready, parents) = {
            let s = engine.stream(&self.stream)?;
            let live: BTreeSet<u32> = s.live_shards(now).map(|sh| sh.index).collect();
            let ready: Vec<u32> = s
                .live_shards(now)
                .filter(|sh| !self.finished.contains(&sh.index))
                .filter(|sh| {
                    [sh.parent, sh.adjacent_parent]
                        .into_iter()
                        .flatten()
                        .all(|p| self.finished.contains(&p) || !live.contains(&p))
                })
                .map(|sh| sh.index)
                .collect();
            let parents: BTreeSet<u32> = s
                .shards
                .iter()
                .filter(|sh| sh.parent.is_some() || sh.adjacent_parent.is_some())
                .map(|sh| sh.index)
                .collect();
            (ready, parents)
        };
        for shard in ready {
            let id = ShardId(shard).to_string();
            let cursor = self.cursors.entry(shard).or_insert(Cursor {
                iterator: None,
                after_seq: None,
                next_poll_ms: now,
            });
            if cursor.next_poll_ms > now {
                continue;
            }
            cursor.next_poll_ms = now.saturating_add(self.poll_ms);
            if cursor.iterator.is_none() {
                let kind = match (&cursor.after_seq, parents.contains(&shard), self.start) {
                    (Some(_), _, _) => "AFTER_SEQUENCE_NUMBER",
                    (None, true, _) | (None, false, StreamStart::TrimHorizon) => "TRIM_HORIZON",
                    (None, false, StreamStart::Latest) => "LATEST",
                };
                cursor.iterator = Some(engine.get_shard_iterator(
                    now,
                    &self.stream,
                    &id,
                    kind,
                    cursor.after_seq.as_deref(),
                    None,
                )?);
            }
            let it = cursor.iterator.clone().unwrap_or_default();
            match engine.get_records(now, &it, None) {
                Ok(r) => {
                    if let Some(last) = r.records.last() {
                        cursor.after_seq = Some(last.seq.to_string());
                    }
                    cursor.iterator = r.next_iterator.clone();
                    if r.next_iterator.is_none() {
                        self.finished.insert(shard);
                    }
                    for rec in &r.records {
                        report.kinesis_records += 1;
                        let seq = rec.seq.to_string();
                        match user_records_of(&rec.partition_key, &rec.data) {
                            Ok(users) => {
                                for (i, u) in users.into_iter().enumerate() {
                                    report.records.push(SourceRecord {
                                        data: u.data,
                                        meta: KinesisMeta {
                                            shard_id: id.clone(),
                                            partition_key: u.partition_key,
                                            approximate_arrival_ms: rec.arrival_ms,
                                            sequence_number: seq.clone(),
                                            subsequence_number: i as u64,
                                        },
                                    });
                                }
                            }
                            Err(_) => {
                                report.bad_aggregates += 1;
                                report.records.push(SourceRecord {
                                    data: rec.data.to_vec(),
                                    meta: KinesisMeta {
                                        shard_id: id.clone(),
                                        partition_key: rec.partition_key.clone(),
                                        approximate_arrival_ms: rec.arrival_ms,
                                        sequence_number: seq,
                                        subsequence_number: 0,
                                    },
                                });
                            }
                        }
                    }
                }
                Err(e)
                    if e.kind
                        == crate::api::error::ErrorType::ProvisionedThroughputExceededException =>
                {
                    report.throttled += 1;
                }
                Err(e) if e.kind == crate::api::error::ErrorType::ExpiredIteratorException => {
                    cursor.iterator = None;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(report)
    }
}
