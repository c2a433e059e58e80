//! The Kinesis Data Streams engine, in simulated time.
//!
//! Every operation takes `now_ms` (milliseconds since the Unix epoch). Time
//! never goes backwards: an earlier `now_ms` is treated as the latest one
//! seen. Whatever happens on its own (retention trimming, the end of a
//! reshard) happens when time is passed in; [`Engine::next_deadline`] says
//! when the next such thing is due. Every state change is appended to the
//! event log. A rejected request changes nothing.

use super::bucket::Bucket;
use super::cost::{put_payload_units, Meter};
use super::limits::*;
use super::seq::SequenceNumber;
use crate::api::error::{invalid, not_found, validation, ApiError, ErrorType};
use crate::hash::{
    even_ranges, parse_explicit_hash_key, HashKey, HashKeyRange, KeyCache, ShardId, MAX_HASH_KEY,
};
use crate::shared::{Payload, SharedStr};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};

/// Largest record: data plus partition key (1 MiB).
pub const MAX_RECORD_BYTES: usize = 1_048_576;
/// Largest PutRecords request: 500 records and 5 MiB in all.
pub const MAX_PUT_RECORDS: usize = 500;
pub const MAX_PUT_RECORDS_BYTES: usize = 5 * 1_048_576;
/// GetRecords returns at most 10,000 records and 10 MiB.
pub const MAX_GET_RECORDS: usize = 10_000;
pub const MAX_GET_RECORDS_BYTES: usize = 10 * 1_048_576;
/// Shard iterators expire five minutes after they are issued.
pub const ITERATOR_TTL_MS: u64 = 5 * 60 * 1000;
/// Shards per account (the default quota in most Regions).
pub const MAX_SHARDS_PER_ACCOUNT: u32 = 500;
/// UpdateShardCount calls allowed per rolling 24 hours.
pub const UPDATE_SHARD_COUNT_PER_DAY: usize = 10;
/// How long the lab keeps a stream UPDATING after a reshard. AWS takes from
/// seconds to minutes; the lab uses a short fixed time so it stays visible
/// without slowing lessons down.
pub const RESHARD_MS: u64 = 1_000;
pub const ACCOUNT: &str = "000000000000";
pub const REGION: &str = "us-east-1";

/// A record as GetRecords and SubscribeToShard return it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Record {
    pub seq: SequenceNumber,
    pub arrival_ms: u64,
    pub partition_key: String,
    pub data: Payload,
}

impl Record {
    pub fn size(&self) -> usize {
        self.data.len() + self.partition_key.len()
    }
}

/// A record as a shard keeps it. The partition key is shared with the
/// record's `RecordPut` event, and the data with other records whose bytes
/// are the same, so a stream holding hours of records costs little more
/// than this struct per record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredRecord {
    pub seq: SequenceNumber,
    pub arrival_ms: u64,
    pub partition_key: SharedStr,
    pub data: Payload,
}

impl StoredRecord {
    pub fn size(&self) -> usize {
        self.data.len() + self.partition_key.len()
    }

    /// The record as the read APIs return it.
    pub fn to_record(&self) -> Record {
        Record {
            seq: self.seq,
            arrival_ms: self.arrival_ms,
            partition_key: self.partition_key.as_str().to_owned(),
            data: self.data.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Shard {
    pub index: u32,
    pub range: HashKeyRange,
    pub parent: Option<u32>,
    pub adjacent_parent: Option<u32>,
    pub created_ms: u64,
    pub closed_ms: Option<u64>,
    /// Sequence index of the next record.
    pub next_seq: u64,
    pub records: VecDeque<StoredRecord>,
    write_bytes: Bucket,
    write_records: Bucket,
    read_calls: Bucket,
    read_bytes: Bucket,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ShardState {
    Open,
    Closed,
    Expired,
}

impl Shard {
    fn new(
        index: u32,
        range: HashKeyRange,
        parents: (Option<u32>, Option<u32>),
        now: u64,
    ) -> Shard {
        Shard {
            index,
            range,
            parent: parents.0,
            adjacent_parent: parents.1,
            created_ms: now,
            closed_ms: None,
            next_seq: 0,
            records: VecDeque::new(),
            write_bytes: Bucket::new(WRITE_BYTES_PER_SECOND, now),
            write_records: Bucket::new(WRITE_RECORDS_PER_SECOND, now),
            read_calls: Bucket::new(GET_RECORDS_PER_SECOND, now),
            read_bytes: Bucket::new(READ_BYTES_PER_SECOND, now),
        }
    }

    pub fn id(&self) -> ShardId {
        ShardId(self.index)
    }

    pub fn seq(&self, seq_index: u64, arrival_ms: u64) -> SequenceNumber {
        SequenceNumber {
            shard_create_secs: self.created_ms / 1000,
            shard_index: self.index,
            seq_index,
            arrival_secs: arrival_ms / 1000,
        }
    }

    pub fn state(&self, now: u64, retention_ms: u64) -> ShardState {
        match self.closed_ms {
            None => ShardState::Open,
            Some(c) if now >= c.saturating_add(retention_ms) && self.records.is_empty() => {
                ShardState::Expired
            }
            Some(_) => ShardState::Closed,
        }
    }

    /// Sequence index of the oldest record still kept.
    fn first_kept(&self) -> u64 {
        self.records
            .front()
            .map(|r| r.seq.seq_index)
            .unwrap_or(self.next_seq)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stream {
    pub name: String,
    pub created_ms: u64,
    pub retention_hours: u32,
    pub shards: Vec<Shard>,
    pub updating_until_ms: u64,
    pub shard_count_updates: Vec<u64>,
    pub mode: StreamMode,
    pub mode_switches: Vec<u64>,
    /// What the bill counts (see `cost.rs`).
    pub meter: Meter,
    metered_to_ms: u64,
    on_demand: Option<OnDemandCapacity>,
    /// Enhanced fan-out consumers, by name.
    pub efo_consumers: BTreeMap<String, EfoConsumer>,
    /// `name`, shared by every event of this stream.
    shared_name: SharedStr,
}

/// A registered enhanced fan-out consumer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EfoConsumer {
    pub name: String,
    pub arn: String,
    pub created_ms: u64,
}

/// Registered enhanced fan-out consumers per stream.
pub const MAX_EFO_CONSUMERS: usize = 20;
/// A SubscribeToShard subscription lasts five minutes.
pub const SUBSCRIPTION_MS: u64 = 5 * 60 * 1000;
/// The lab's latency model: enhanced fan-out pushes a record about 70 ms
/// after it arrives. (Polling consumers see it when they next call
/// GetRecords, typically once a second: about 200 ms at best, and more.)
pub const PUSH_PROPAGATION_MS: u64 = 70;

/// An open SubscribeToShard subscription.
#[derive(Clone, Debug, PartialEq)]
pub struct Subscription {
    pub stream: String,
    pub consumer: String,
    pub shard: u32,
    /// Sequence index of the next record to push.
    pub next_seq: u64,
    pub started_ms: u64,
    bucket: Bucket,
}

/// One SubscribeToShardEvent.
#[derive(Clone, Debug, PartialEq)]
pub struct PushEvent {
    /// Records with the time each was delivered (arrival + propagation, or later if throttled).
    pub records: Vec<(u64, Record)>,
    pub continuation_sequence_number: Option<SequenceNumber>,
    pub millis_behind_latest: u64,
    /// Set when the shard is closed and fully delivered.
    pub child_shards: Vec<u32>,
    /// The subscription's five minutes are over: subscribe again.
    pub expired: bool,
}

/// Capacity mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StreamMode {
    Provisioned,
    OnDemand,
}

impl StreamMode {
    pub fn parse(s: &str) -> Option<StreamMode> {
        match s {
            "PROVISIONED" => Some(StreamMode::Provisioned),
            "ON_DEMAND" => Some(StreamMode::OnDemand),
            _ => None,
        }
    }
}

/// On-demand write capacity: at least 4 MiB/s and 4,000 records/s, and up
/// to double the peak per-second write seen more than 15 minutes ago. So
/// traffic may double within 15 minutes; more than that is throttled.
#[derive(Clone, Debug, PartialEq)]
pub struct OnDemandCapacity {
    bytes: Bucket,
    records: Bucket,
    /// (second, bytes, records) written in that second, oldest first.
    seconds: VecDeque<(u64, u64, u64)>,
    /// The peak of seconds older than 15 minutes (kept when they are dropped).
    old_peak: (u64, u64),
}

/// Starting on-demand write capacity.
pub const ON_DEMAND_BASE_BYTES: u64 = 4 * 1_048_576;
pub const ON_DEMAND_BASE_RECORDS: u64 = 4_000;
/// How long on-demand takes to scale to a new peak.
pub const ON_DEMAND_SCALE_MS: u64 = 15 * 60 * 1000;
/// Shards an on-demand stream is created with.
pub const ON_DEMAND_SHARDS: u32 = 4;
/// Capacity-mode switches allowed per rolling 24 hours.
pub const MODE_SWITCHES_PER_DAY: usize = 2;

impl OnDemandCapacity {
    fn new(now: u64) -> Self {
        OnDemandCapacity {
            bytes: Bucket::new(ON_DEMAND_BASE_BYTES, now),
            records: Bucket::new(ON_DEMAND_BASE_RECORDS, now),
            seconds: VecDeque::new(),
            old_peak: (0, 0),
        }
    }

    /// Moves seconds older than 15 minutes into the peak and sets the rate.
    fn rescale(&mut self, now: u64) {
        let cutoff = now.saturating_sub(ON_DEMAND_SCALE_MS) / 1000;
        while self
            .seconds
            .front()
            .is_some_and(|(sec, _, _)| *sec < cutoff)
        {
            if let Some((_, b, r)) = self.seconds.pop_front() {
                self.old_peak = (self.old_peak.0.max(b), self.old_peak.1.max(r));
            }
        }
        let (b, r) = self.capacity();
        self.bytes.set_rate(now, b);
        self.records.set_rate(now, r);
    }

    /// Current write capacity: (bytes/s, records/s).
    pub fn capacity(&self) -> (u64, u64) {
        (
            ON_DEMAND_BASE_BYTES.max(2 * self.old_peak.0),
            ON_DEMAND_BASE_RECORDS.max(2 * self.old_peak.1),
        )
    }

    fn record(&mut self, now: u64, bytes: u64) {
        let sec = now / 1000;
        match self.seconds.back_mut() {
            Some((s, b, r)) if *s == sec => {
                *b += bytes;
                *r += 1;
            }
            _ => self.seconds.push_back((sec, bytes, 1)),
        }
    }
}

impl Stream {
    pub fn on_demand_capacity(&self) -> Option<(u64, u64)> {
        self.on_demand.as_ref().map(|o| o.capacity())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StreamStatus {
    Active,
    Updating,
}

impl Stream {
    pub fn arn(&self) -> String {
        format!("arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{}", self.name)
    }

    pub fn retention_ms(&self) -> u64 {
        self.retention_hours as u64 * 3_600_000
    }

    pub fn status(&self, now: u64) -> StreamStatus {
        if now < self.updating_until_ms {
            StreamStatus::Updating
        } else {
            StreamStatus::Active
        }
    }

    pub fn open_shards(&self) -> impl Iterator<Item = &Shard> {
        self.shards.iter().filter(|s| s.closed_ms.is_none())
    }

    /// Shards not yet expired, in index order (what ListShards shows).
    pub fn live_shards(&self, now: u64) -> impl Iterator<Item = &Shard> {
        let r = self.retention_ms();
        self.shards
            .iter()
            .filter(move |s| s.state(now, r) != ShardState::Expired)
    }

    pub fn shard(&self, id: &str) -> Result<&Shard, ApiError> {
        parse_shard_id(id)
            .and_then(|i| self.shards.get(i as usize))
            .ok_or_else(|| {
                not_found(format!(
                    "Shard {id} in stream {} under account {ACCOUNT}",
                    self.name
                ))
            })
    }

    pub fn children_of(&self, index: u32) -> Vec<&Shard> {
        self.shards
            .iter()
            .filter(|s| s.parent == Some(index) || s.adjacent_parent == Some(index))
            .collect()
    }
}

/// `shardId-000000000007` → 7. Accepts the short form `7` as the CLI does.
pub fn parse_shard_id(id: &str) -> Option<u32> {
    let digits = id.strip_prefix("shardId-").unwrap_or(id);
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Something that happened, for the UI to animate and tests to snapshot.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    StreamCreated {
        at: u64,
        stream: SharedStr,
        shards: u32,
    },
    StreamDeleted {
        at: u64,
        stream: SharedStr,
    },
    RecordPut {
        at: u64,
        stream: SharedStr,
        shard: u32,
        seq_index: u64,
        key: SharedStr,
        bytes: usize,
    },
    PutThrottled {
        at: u64,
        stream: SharedStr,
        shard: u32,
        key: SharedStr,
        limit: WriteLimit,
    },
    RecordsRead {
        at: u64,
        stream: SharedStr,
        shard: u32,
        records: usize,
        bytes: usize,
        millis_behind: u64,
    },
    ReadThrottled {
        at: u64,
        stream: SharedStr,
        shard: u32,
    },
    ShardSplit {
        at: u64,
        stream: SharedStr,
        parent: u32,
        children: [u32; 2],
    },
    ShardsMerged {
        at: u64,
        stream: SharedStr,
        parents: [u32; 2],
        child: u32,
    },
    ShardCountUpdated {
        at: u64,
        stream: SharedStr,
        from: u32,
        to: u32,
    },
    RecordsExpired {
        at: u64,
        stream: SharedStr,
        shard: u32,
        records: usize,
    },
    RetentionChanged {
        at: u64,
        stream: SharedStr,
        hours: u32,
    },
    StreamModeChanged {
        at: u64,
        stream: SharedStr,
        mode: StreamMode,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteLimit {
    Bytes,
    Records,
}

/// One record of a put request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PutEntry {
    pub partition_key: String,
    pub explicit_hash_key: Option<String>,
    pub data: Vec<u8>,
}

/// The outcome of one record of a put.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PutOutcome {
    Ok { shard: u32, seq: SequenceNumber },
    Throttled { shard: u32, message: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum IteratorType {
    AtSequenceNumber,
    AfterSequenceNumber,
    TrimHorizon,
    Latest,
    AtTimestamp,
}

impl IteratorType {
    pub fn parse(s: &str) -> Option<IteratorType> {
        Some(match s {
            "AT_SEQUENCE_NUMBER" => IteratorType::AtSequenceNumber,
            "AFTER_SEQUENCE_NUMBER" => IteratorType::AfterSequenceNumber,
            "TRIM_HORIZON" => IteratorType::TrimHorizon,
            "LATEST" => IteratorType::Latest,
            "AT_TIMESTAMP" => IteratorType::AtTimestamp,
            _ => return None,
        })
    }
}

/// What a shard iterator points at. Encoded into an opaque token.
#[derive(Clone, Debug, PartialEq, Eq)]
struct IteratorPos {
    stream: String,
    shard: u32,
    seq_index: u64,
    issued_ms: u64,
}

impl IteratorPos {
    fn encode(&self) -> String {
        let raw = format!(
            "1/{}/{}/{}/{}",
            self.issued_ms, self.shard, self.seq_index, self.stream
        );
        // Prefixed like AWS's tokens, which start with the same bytes.
        format!("AAAAAAAAAAE{}", URL_SAFE_NO_PAD.encode(raw))
    }

    fn decode(token: &str) -> Option<IteratorPos> {
        let raw = URL_SAFE_NO_PAD
            .decode(token.strip_prefix("AAAAAAAAAAE")?)
            .ok()?;
        let raw = String::from_utf8(raw).ok()?;
        let mut parts = raw.splitn(5, '/');
        (parts.next()? == "1").then_some(())?;
        Some(IteratorPos {
            issued_ms: parts.next()?.parse().ok()?,
            shard: parts.next()?.parse().ok()?,
            seq_index: parts.next()?.parse().ok()?,
            stream: parts.next()?.to_owned(),
        })
    }
}

/// A GetRecords result.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadResult {
    pub records: Vec<Record>,
    pub next_iterator: Option<String>,
    pub millis_behind_latest: u64,
    /// Set at the end of a closed shard: the shards to read next.
    pub child_shards: Vec<(u32, Vec<u32>, HashKeyRange)>,
}

/// The simulated service: every stream of one account in one Region.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Engine {
    now_ms: u64,
    streams: BTreeMap<String, Stream>,
    events: Vec<Event>,
    scratch: Scratch,
}

/// What the engine remembers only to go faster and to store less: recently
/// seen partition keys with their hash keys, and the last few payloads
/// stored. It never changes a result, so it takes no part in equality, and
/// a clone starts empty.
#[derive(Default)]
struct Scratch {
    keys: KeyCache,
    payloads: [Option<Payload>; RECENT_PAYLOADS],
    /// Where the next new payload goes (round robin).
    next_payload: usize,
    /// The open shards of the stream last written to, sorted by hash key
    /// (range, index into `shards`), with that stream's name (its own
    /// allocation, held here so it cannot be reused) and shard count. A
    /// shard closes only when children are added, so while the name is the
    /// same allocation and the count is unchanged, the table is current.
    route: Option<(SharedStr, usize, Vec<(HashKeyRange, usize)>)>,
    /// The time of the last retention scan, while nothing since could make
    /// a record expire at that same time (records arrive at `now` and live
    /// at least 24 hours; `set_retention` clears it).
    scanned_at: Option<u64>,
}

/// Payloads remembered: enough for a few producers with different record
/// sizes, interleaved, to share one buffer each.
const RECENT_PAYLOADS: usize = 4;

impl Scratch {
    /// The data as a shared payload: the same buffer as a recent record's
    /// when the bytes are equal.
    fn payload(&mut self, data: &[u8]) -> Payload {
        for p in self.payloads.iter().flatten() {
            if p.len() == data.len() && **p == *data {
                return p.clone();
            }
        }
        let p = Payload::from(data);
        self.payloads[self.next_payload] = Some(p.clone());
        self.next_payload = (self.next_payload + 1) % RECENT_PAYLOADS;
        p
    }
}

impl Clone for Scratch {
    fn clone(&self) -> Self {
        Scratch::default()
    }
}

impl PartialEq for Scratch {
    fn eq(&self, _: &Scratch) -> bool {
        true
    }
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scratch")
    }
}

fn stream_name_ok(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

impl Engine {
    pub fn new() -> Engine {
        Engine::default()
    }

    pub fn now(&self) -> u64 {
        self.now_ms
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    pub fn streams(&self) -> impl Iterator<Item = &Stream> {
        self.streams.values()
    }

    pub fn stream(&self, name: &str) -> Result<&Stream, ApiError> {
        self.streams
            .get(name)
            .ok_or_else(|| not_found(format!("Stream {name} under account {ACCOUNT}")))
    }

    fn stream_mut(&mut self, name: &str) -> Result<&mut Stream, ApiError> {
        self.streams
            .get_mut(name)
            .ok_or_else(|| not_found(format!("Stream {name} under account {ACCOUNT}")))
    }

    /// Moves simulated time forward to `now_ms` and lets retention expire
    /// records. Earlier times are ignored.
    pub fn advance_to(&mut self, now_ms: u64) {
        self.now_ms = self.now_ms.max(now_ms);
        let now = self.now_ms;
        // Already scanned at this time: every stream is metered to `now`
        // (nothing to add) and no record can have expired since.
        if self.scratch.scanned_at == Some(now) {
            return;
        }
        self.scratch.scanned_at = Some(now);
        for stream in self.streams.values_mut() {
            let elapsed = now.saturating_sub(stream.metered_to_ms);
            stream.metered_to_ms = now;
            let open = stream
                .shards
                .iter()
                .filter(|s| s.closed_ms.is_none())
                .count() as u64;
            match stream.mode {
                StreamMode::Provisioned => {
                    stream.meter.shard_ms += open * elapsed;
                    if stream.retention_hours > RETENTION_DEFAULT_HOURS {
                        stream.meter.extended_retention_shard_ms += open * elapsed;
                    }
                }
                StreamMode::OnDemand => stream.meter.on_demand_stream_ms += elapsed,
            }
            let keep = stream.retention_ms();
            for shard in &mut stream.shards {
                let before = shard.records.len();
                while shard
                    .records
                    .front()
                    .is_some_and(|r| r.arrival_ms.saturating_add(keep) <= now)
                {
                    shard.records.pop_front();
                }
                let gone = before - shard.records.len();
                if gone > 0 {
                    self.events.push(Event::RecordsExpired {
                        at: now,
                        stream: stream.shared_name.clone(),
                        shard: shard.index,
                        records: gone,
                    });
                }
            }
        }
    }

    /// The next time something happens without a request: a record expiring
    /// or a reshard finishing.
    pub fn next_deadline(&self) -> Option<u64> {
        let mut next: Option<u64> = None;
        let mut consider = |t: u64| {
            if t > self.now_ms {
                next = Some(next.map_or(t, |n| n.min(t)));
            }
        };
        for s in self.streams.values() {
            consider(s.updating_until_ms);
            for sh in &s.shards {
                if let Some(r) = sh.records.front() {
                    consider(r.arrival_ms.saturating_add(s.retention_ms()));
                }
            }
        }
        next
    }

    fn total_open_shards(&self) -> u32 {
        self.streams
            .values()
            .map(|s| s.open_shards().count() as u32)
            .sum()
    }

    pub fn create_stream(
        &mut self,
        now: u64,
        name: &str,
        shard_count: u32,
    ) -> Result<(), ApiError> {
        self.advance_to(now);
        if !stream_name_ok(name) {
            return Err(validation("streamName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and length 1 to 128"));
        }
        if shard_count == 0 {
            return Err(validation(
                "shardCount",
                "Member must have value greater than or equal to 1",
            ));
        }
        if self.streams.contains_key(name) {
            return Err(ApiError::new(
                ErrorType::ResourceInUseException,
                format!("Stream {name} under account {ACCOUNT} already exists."),
            ));
        }
        if self.total_open_shards() as u64 + shard_count as u64 > MAX_SHARDS_PER_ACCOUNT as u64 {
            return Err(ApiError::new(
                ErrorType::LimitExceededException,
                format!("This request would exceed the shard limit for the account {ACCOUNT} in {REGION}. Current shard count for the account: {}. Limit: {MAX_SHARDS_PER_ACCOUNT}. Number of additional shards that would have resulted from this request: {shard_count}.", self.total_open_shards()),
            ));
        }
        let now = self.now_ms;
        let ranges = even_ranges(shard_count).map_err(|e| invalid(e.to_string()))?;
        let shards = ranges
            .into_iter()
            .enumerate()
            .map(|(i, r)| Shard::new(i as u32, r, (None, None), now))
            .collect();
        self.streams.insert(
            name.to_owned(),
            Stream {
                name: name.to_owned(),
                created_ms: now,
                retention_hours: RETENTION_DEFAULT_HOURS,
                shards,
                updating_until_ms: 0,
                shard_count_updates: Vec::new(),
                mode: StreamMode::Provisioned,
                mode_switches: Vec::new(),
                meter: Meter::default(),
                metered_to_ms: now,
                on_demand: None,
                efo_consumers: BTreeMap::new(),
                shared_name: name.into(),
            },
        );
        self.events.push(Event::StreamCreated {
            at: now,
            stream: name.into(),
            shards: shard_count,
        });
        Ok(())
    }

    pub fn delete_stream(&mut self, now: u64, name: &str) -> Result<(), ApiError> {
        self.advance_to(now);
        self.stream(name)?;
        self.streams.remove(name);
        self.events.push(Event::StreamDeleted {
            at: self.now_ms,
            stream: name.into(),
        });
        Ok(())
    }

    /// Validates record `i` of a request and returns its partition key,
    /// shared, and the hash key that routes it (the MD5 is computed once,
    /// or remembered from an earlier record with the same key).
    fn check_entry(
        keys: &mut KeyCache,
        e: &PutEntry,
        i: usize,
    ) -> Result<(SharedStr, HashKey), ApiError> {
        let field = |name: &str| format!("records.{}.member.{name}", i + 1);
        let (shared, md5) = keys
            .lookup(&e.partition_key)
            .map_err(|err| validation(&field("partitionKey"), err))?;
        let key = match &e.explicit_hash_key {
            Some(h) => parse_explicit_hash_key(h)
                .map_err(|err| validation(&field("explicitHashKey"), err))?,
            None => md5,
        };
        if e.data.len() + e.partition_key.len() > MAX_RECORD_BYTES {
            return Err(validation(&field("data"), format!("Member must have length less than or equal to {MAX_RECORD_BYTES} (data plus partition key)")));
        }
        Ok((shared, key))
    }

    /// PutRecords. Validates the whole request first (a bad request changes
    /// nothing), then puts each record; a record over its shard's limit fails
    /// alone with ProvisionedThroughputExceededException.
    pub fn put_records(
        &mut self,
        now: u64,
        stream: &str,
        entries: &[PutEntry],
    ) -> Result<Vec<PutOutcome>, ApiError> {
        self.advance_to(now);
        if entries.is_empty() || entries.len() > MAX_PUT_RECORDS {
            return Err(validation(
                "records",
                format!("Member must have length between 1 and {MAX_PUT_RECORDS}"),
            ));
        }
        let total: usize = entries
            .iter()
            .map(|e| e.data.len() + e.partition_key.len())
            .sum();
        if total > MAX_PUT_RECORDS_BYTES {
            return Err(invalid(format!(
                "Records size exceeds {MAX_PUT_RECORDS_BYTES} bytes (5 MiB) for the request."
            )));
        }
        let now = self.now_ms;
        let Engine {
            streams,
            events,
            scratch,
            ..
        } = self;
        let mut keys = Vec::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            keys.push(Self::check_entry(&mut scratch.keys, e, i)?);
        }
        let s = streams
            .get_mut(stream)
            .ok_or_else(|| not_found(format!("Stream {stream} under account {ACCOUNT}")))?;
        // Route every record before anything changes. Open shards never
        // overlap, so sorted by start they are sorted by end too, and the
        // one holding a key is found by binary search. The sorted table is
        // kept between requests (see `Scratch::route`).
        let current = scratch.route.as_ref().is_some_and(|(name, count, _)| {
            SharedStr::ptr_eq(name, &s.shared_name) && *count == s.shards.len()
        });
        if !current {
            let mut open: Vec<(HashKeyRange, usize)> = s
                .shards
                .iter()
                .enumerate()
                .filter(|(_, sh)| sh.closed_ms.is_none())
                .map(|(i, sh)| (sh.range, i))
                .collect();
            open.sort_unstable_by_key(|(r, _)| r.start);
            scratch.route = Some((s.shared_name.clone(), s.shards.len(), open));
        }
        let open: &[(HashKeyRange, usize)] = match &scratch.route {
            Some((_, _, open)) => open,
            None => &[],
        };
        let mut targets = Vec::with_capacity(entries.len());
        for (_, key) in &keys {
            match open.get(open.partition_point(|(r, _)| r.end < *key)) {
                Some((r, i)) if r.contains(*key) => targets.push(*i),
                _ => return Err(invalid("No open shard holds this hash key.")),
            }
        }
        // On-demand capacity is rescaled once: within one instant no second
        // can age out of the 15-minute window, so doing it again per record
        // would change nothing.
        if let Some(od) = s.on_demand.as_mut() {
            od.rescale(now);
        }
        let name = &s.shared_name;
        let mut out = Vec::with_capacity(entries.len());
        events.reserve(entries.len());
        for ((e, (key, _)), i) in entries.iter().zip(keys).zip(targets) {
            let shard = &mut s.shards[i];
            let size = (e.data.len() + e.partition_key.len()) as u64;
            // Provisioned: the shard's own limits. On-demand: the stream's capacity.
            let (bytes_ok, records_ok) = match s.on_demand.as_mut() {
                Some(od) => (od.bytes.has(now, size), od.records.has(now, 1)),
                None => (
                    shard.write_bytes.has(now, size),
                    shard.write_records.has(now, 1),
                ),
            };
            if !(bytes_ok && records_ok) {
                let limit = if records_ok {
                    WriteLimit::Bytes
                } else {
                    WriteLimit::Records
                };
                events.push(Event::PutThrottled {
                    at: now,
                    stream: name.clone(),
                    shard: shard.index,
                    key,
                    limit,
                });
                out.push(PutOutcome::Throttled {
                    shard: shard.index,
                    message: format!(
                        "Rate exceeded for shard {} in stream {name} under account {ACCOUNT}.",
                        shard.id()
                    ),
                });
                continue;
            }
            match s.on_demand.as_mut() {
                Some(od) => {
                    od.bytes.take(now, size);
                    od.records.take(now, 1);
                    od.record(now, size);
                    s.meter.on_demand_bytes_in += size;
                }
                None => {
                    shard.write_bytes.take(now, size);
                    shard.write_records.take(now, 1);
                    s.meter.put_payload_units += put_payload_units(size);
                }
            }
            let seq = shard.seq(shard.next_seq, now);
            shard.next_seq += 1;
            events.push(Event::RecordPut {
                at: now,
                stream: name.clone(),
                shard: shard.index,
                seq_index: seq.seq_index,
                key: key.clone(),
                bytes: size as usize,
            });
            shard.records.push_back(StoredRecord {
                seq,
                arrival_ms: now,
                partition_key: key,
                data: scratch.payload(&e.data),
            });
            out.push(PutOutcome::Ok {
                shard: shard.index,
                seq,
            });
        }
        Ok(out)
    }

    /// PutRecord: one record; throttling is an error for the whole call.
    pub fn put_record(
        &mut self,
        now: u64,
        stream: &str,
        entry: PutEntry,
        sequence_for_ordering: Option<&str>,
    ) -> Result<(u32, SequenceNumber), ApiError> {
        if let Some(s) = sequence_for_ordering {
            if SequenceNumber::parse(s).is_none()
                && !(s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty() && s.len() <= 128)
            {
                return Err(validation(
                    "sequenceNumberForOrdering",
                    "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})",
                ));
            }
        }
        match self
            .put_records(now, stream, std::slice::from_ref(&entry))?
            .remove(0)
        {
            PutOutcome::Ok { shard, seq } => Ok((shard, seq)),
            PutOutcome::Throttled { message, .. } => Err(ApiError::new(
                ErrorType::ProvisionedThroughputExceededException,
                message,
            )),
        }
    }

    pub fn get_shard_iterator(
        &mut self,
        now: u64,
        stream: &str,
        shard_id: &str,
        kind: &str,
        starting_seq: Option<&str>,
        timestamp_ms: Option<u64>,
    ) -> Result<String, ApiError> {
        self.advance_to(now);
        let now = self.now_ms;
        let Some(kind) = IteratorType::parse(kind) else {
            return Err(validation("shardIteratorType", "Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]"));
        };
        let s = self.stream(stream)?;
        let shard = s.shard(shard_id)?;
        if shard.state(now, s.retention_ms()) == ShardState::Expired {
            return Err(not_found(format!(
                "Shard {shard_id} in stream {stream} under account {ACCOUNT}"
            )));
        }
        let seq_in_shard = |field: &str| -> Result<u64, ApiError> {
            let raw = starting_seq.ok_or_else(|| {
                invalid(format!(
                    "Must specify a StartingSequenceNumber for {field}."
                ))
            })?;
            match SequenceNumber::parse(raw) {
                Some(seq) if seq.shard_index == shard.index && seq.shard_create_secs == shard.created_ms / 1000 => Ok(seq.seq_index),
                _ => Err(invalid(format!("StartingSequenceNumber {raw} used in GetShardIterator on shard {shard_id} in stream {stream} under account {ACCOUNT} is invalid because it did not come from this stream."))),
            }
        };
        let seq_index = match kind {
            IteratorType::TrimHorizon => shard.first_kept(),
            IteratorType::Latest => shard.next_seq,
            IteratorType::AtSequenceNumber => seq_in_shard("AT_SEQUENCE_NUMBER")?,
            IteratorType::AfterSequenceNumber => seq_in_shard("AFTER_SEQUENCE_NUMBER")? + 1,
            IteratorType::AtTimestamp => {
                let t = timestamp_ms.ok_or_else(|| invalid("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP."))?;
                shard
                    .records
                    .iter()
                    .find(|r| r.arrival_ms >= t)
                    .map(|r| r.seq.seq_index)
                    .unwrap_or(shard.next_seq)
            }
        };
        Ok(IteratorPos {
            stream: stream.to_owned(),
            shard: shard.index,
            seq_index,
            issued_ms: now,
        }
        .encode())
    }

    pub fn get_records(
        &mut self,
        now: u64,
        iterator: &str,
        limit: Option<usize>,
    ) -> Result<ReadResult, ApiError> {
        self.advance_to(now);
        let now = self.now_ms;
        let limit = limit.unwrap_or(MAX_GET_RECORDS);
        if !(1..=MAX_GET_RECORDS).contains(&limit) {
            return Err(validation(
                "limit",
                format!("Member must have value between 1 and {MAX_GET_RECORDS}"),
            ));
        }
        let pos = IteratorPos::decode(iterator).ok_or_else(|| invalid("Invalid ShardIterator."))?;
        if now > pos.issued_ms + ITERATOR_TTL_MS {
            return Err(ApiError::new(
                ErrorType::ExpiredIteratorException,
                format!("Iterator expired. The iterator was created at time {} while right now it is {} which is further in the future than the tolerated delay of {ITERATOR_TTL_MS} milliseconds.", pos.issued_ms, now),
            ));
        }
        let s = self
            .streams
            .get_mut(&pos.stream)
            .ok_or_else(|| not_found(format!("Stream {} under account {ACCOUNT}", pos.stream)))?;
        let retention = s.retention_ms();
        let name = s.shared_name.clone();
        let shard = s
            .shards
            .get_mut(pos.shard as usize)
            .ok_or_else(|| invalid("Invalid ShardIterator."))?;
        if shard.state(now, retention) == ShardState::Expired {
            return Err(not_found(format!(
                "Shard {} in stream {name} under account {ACCOUNT}",
                shard.id()
            )));
        }
        if shard.read_calls.available(now) < 1 || shard.read_bytes.available(now) < 1 {
            self.events.push(Event::ReadThrottled {
                at: now,
                stream: name.clone(),
                shard: pos.shard,
            });
            return Err(ApiError::new(
                ErrorType::ProvisionedThroughputExceededException,
                format!(
                    "Rate exceeded for shard {} in stream {name} under account {ACCOUNT}.",
                    shard.id()
                ),
            ));
        }
        shard.read_calls.take(now, 1);
        let start = pos.seq_index.max(shard.first_kept());
        let first = shard.records.partition_point(|r| r.seq.seq_index < start);
        let mut records = Vec::new();
        let mut bytes = 0usize;
        for r in shard.records.iter().skip(first) {
            if records.len() == limit || bytes + r.size() > MAX_GET_RECORDS_BYTES {
                break;
            }
            bytes += r.size();
            records.push(r.to_record());
        }
        shard.read_bytes.take(now, bytes as u64);
        if s.mode == StreamMode::OnDemand {
            s.meter.on_demand_bytes_out += bytes as u64;
        }
        let next_seq = records.last().map(|r| r.seq.seq_index + 1).unwrap_or(start);
        // Kept records are in sequence order: find the first unread one by
        // binary search (a scan from the oldest cost one step per record
        // kept on every call, most of a long soak's time).
        let millis_behind_latest = shard
            .records
            .get(shard.records.partition_point(|r| r.seq.seq_index < next_seq))
            .map(|r| now.saturating_sub(r.arrival_ms))
            .unwrap_or(0);
        let at_end = shard.closed_ms.is_some() && next_seq >= shard.next_seq;
        let shard_index = shard.index;
        let (next_iterator, child_shards) = if at_end {
            let children = s
                .children_of(shard_index)
                .into_iter()
                .map(|c| {
                    (
                        c.index,
                        [c.parent, c.adjacent_parent]
                            .into_iter()
                            .flatten()
                            .collect(),
                        c.range,
                    )
                })
                .collect();
            (None, children)
        } else {
            (
                Some(
                    IteratorPos {
                        stream: pos.stream.clone(),
                        shard: shard_index,
                        seq_index: next_seq,
                        issued_ms: now,
                    }
                    .encode(),
                ),
                Vec::new(),
            )
        };
        self.events.push(Event::RecordsRead {
            at: now,
            stream: name,
            shard: shard_index,
            records: records.len(),
            bytes,
            millis_behind: millis_behind_latest,
        });
        Ok(ReadResult {
            records,
            next_iterator,
            millis_behind_latest,
            child_shards,
        })
    }

    fn check_not_updating(s: &Stream, now: u64) -> Result<(), ApiError> {
        if s.status(now) == StreamStatus::Updating {
            return Err(ApiError::new(
                ErrorType::ResourceInUseException,
                format!(
                    "Stream {} under account {ACCOUNT} not ACTIVE, instead in state UPDATING",
                    s.name
                ),
            ));
        }
        Ok(())
    }

    pub fn split_shard(
        &mut self,
        now: u64,
        stream: &str,
        shard_id: &str,
        new_starting_hash_key: &str,
    ) -> Result<[u32; 2], ApiError> {
        self.advance_to(now);
        let now = self.now_ms;
        let key = parse_explicit_hash_key(new_starting_hash_key)
            .map_err(|e| validation("newStartingHashKey", e))?;
        let s = self.stream_mut(stream)?;
        Self::check_not_updating(s, now)?;
        let parent = s.shard(shard_id)?;
        if parent.closed_ms.is_some() {
            return Err(ApiError::new(ErrorType::ResourceInUseException, format!("Shard {shard_id} in stream {stream} under account {ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting.")));
        }
        if key.0 <= parent.range.start.0 || key.0 > parent.range.end.0 {
            return Err(invalid(format!("NewStartingHashKey {} used in SplitShard() on shard {shard_id} in stream {stream} under account {ACCOUNT} is not both greater than one plus the shard's StartingHashKey {} and less than the shard's EndingHashKey {}.", key, parent.range.start, parent.range.end)));
        }
        let (p, range) = (parent.index, parent.range);
        let a = s.shards.len() as u32;
        s.shards[p as usize].closed_ms = Some(now);
        s.shards.push(Shard::new(
            a,
            HashKeyRange {
                start: range.start,
                end: HashKey(key.0 - 1),
            },
            (Some(p), None),
            now,
        ));
        s.shards.push(Shard::new(
            a + 1,
            HashKeyRange {
                start: key,
                end: range.end,
            },
            (Some(p), None),
            now,
        ));
        s.updating_until_ms = now + RESHARD_MS;
        self.events.push(Event::ShardSplit {
            at: now,
            stream: stream.into(),
            parent: p,
            children: [a, a + 1],
        });
        Ok([a, a + 1])
    }

    pub fn merge_shards(
        &mut self,
        now: u64,
        stream: &str,
        shard_id: &str,
        adjacent_id: &str,
    ) -> Result<u32, ApiError> {
        self.advance_to(now);
        let now = self.now_ms;
        let s = self.stream_mut(stream)?;
        Self::check_not_updating(s, now)?;
        let (a, b) = (s.shard(shard_id)?, s.shard(adjacent_id)?);
        for sh in [a, b] {
            if sh.closed_ms.is_some() {
                return Err(ApiError::new(ErrorType::ResourceInUseException, format!("Shard {} in stream {stream} under account {ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting.", sh.id())));
            }
        }
        let adjacent = a.range.end.0.checked_add(1) == Some(b.range.start.0)
            || b.range.end.0.checked_add(1) == Some(a.range.start.0);
        if !adjacent {
            return Err(invalid(format!("Shards {shard_id} and {adjacent_id} in stream {stream} under account {ACCOUNT} are not an adjacent pair of shards eligible for merging")));
        }
        let range = HashKeyRange {
            start: a.range.start.min(b.range.start),
            end: a.range.end.max(b.range.end),
        };
        let (ai, bi) = (a.index, b.index);
        let c = s.shards.len() as u32;
        s.shards[ai as usize].closed_ms = Some(now);
        s.shards[bi as usize].closed_ms = Some(now);
        s.shards
            .push(Shard::new(c, range, (Some(ai), Some(bi)), now));
        s.updating_until_ms = now + RESHARD_MS;
        self.events.push(Event::ShardsMerged {
            at: now,
            stream: stream.into(),
            parents: [ai, bi],
            child: c,
        });
        Ok(c)
    }

    /// UpdateShardCount with UNIFORM_SCALING: the open shards are replaced
    /// by `target` evenly split shards whose parents are the old shards they
    /// overlap.
    pub fn update_shard_count(
        &mut self,
        now: u64,
        stream: &str,
        target: u32,
        scaling: &str,
    ) -> Result<u32, ApiError> {
        self.advance_to(now);
        let now = self.now_ms;
        if scaling != "UNIFORM_SCALING" {
            return Err(validation(
                "scalingType",
                "Member must satisfy enum value set: [UNIFORM_SCALING]",
            ));
        }
        let others: u32 = self
            .streams
            .values()
            .filter(|s| s.name != stream)
            .map(|s| s.open_shards().count() as u32)
            .sum();
        let s = self.stream_mut(stream)?;
        Self::check_not_updating(s, now)?;
        if s.mode == StreamMode::OnDemand {
            return Err(invalid(format!("UpdateShardCount is only for PROVISIONED streams; stream {stream} under account {ACCOUNT} is ON_DEMAND.")));
        }
        let open: Vec<(u32, HashKeyRange)> =
            s.open_shards().map(|sh| (sh.index, sh.range)).collect();
        let current = open.len() as u32;
        if target == 0 || target as u64 > current as u64 * 2 || (target as u64) * 2 < current as u64
        {
            return Err(invalid(format!("UpdateShardCount cannot scale up over double your current open shard count ({current}) or scale down below half your current open shard count. Target: {target}.")));
        }
        s.shard_count_updates.retain(|t| now < t + 24 * 3_600_000);
        if s.shard_count_updates.len() >= UPDATE_SHARD_COUNT_PER_DAY {
            return Err(ApiError::new(ErrorType::LimitExceededException, format!("Stream {stream} under account {ACCOUNT} has already had {UPDATE_SHARD_COUNT_PER_DAY} UpdateShardCount calls in the last 24 hours.")));
        }
        if others as u64 + target as u64 > MAX_SHARDS_PER_ACCOUNT as u64 {
            return Err(ApiError::new(ErrorType::LimitExceededException, format!("This request would exceed the shard limit for the account {ACCOUNT} in {REGION}. Limit: {MAX_SHARDS_PER_ACCOUNT}.")));
        }
        let ranges = even_ranges(target).map_err(|e| invalid(e.to_string()))?;
        let covering = |k: HashKey| open.iter().find(|(_, r)| r.contains(k)).map(|(i, _)| *i);
        for (i, _) in &open {
            s.shards[*i as usize].closed_ms = Some(now);
        }
        for r in ranges {
            let first = covering(r.start);
            let last = covering(r.end).filter(|l| Some(*l) != first);
            let idx = s.shards.len() as u32;
            s.shards.push(Shard::new(idx, r, (first, last), now));
        }
        s.shard_count_updates.push(now);
        s.updating_until_ms = now + RESHARD_MS;
        self.events.push(Event::ShardCountUpdated {
            at: now,
            stream: stream.into(),
            from: current,
            to: target,
        });
        Ok(current)
    }

    pub fn register_consumer(
        &mut self,
        now: u64,
        stream: &str,
        name: &str,
    ) -> Result<EfoConsumer, ApiError> {
        self.advance_to(now);
        let now = self.now_ms;
        if !stream_name_ok(name) {
            return Err(validation("consumerName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and length 1 to 128"));
        }
        let s = self.stream_mut(stream)?;
        if s.efo_consumers.contains_key(name) {
            return Err(ApiError::new(
                ErrorType::ResourceInUseException,
                format!(
                    "Consumer {name} under stream {stream} already exists for account {ACCOUNT}."
                ),
            ));
        }
        if s.efo_consumers.len() >= MAX_EFO_CONSUMERS {
            return Err(ApiError::new(ErrorType::LimitExceededException, format!("Stream {stream} already has {MAX_EFO_CONSUMERS} registered consumers, the most allowed.")));
        }
        let c = EfoConsumer {
            name: name.to_owned(),
            arn: format!("{}/consumer/{name}:{}", s.arn(), now / 1000),
            created_ms: now,
        };
        s.efo_consumers.insert(name.to_owned(), c.clone());
        Ok(c)
    }

    pub fn deregister_consumer(
        &mut self,
        now: u64,
        stream: &str,
        name: &str,
    ) -> Result<(), ApiError> {
        self.advance_to(now);
        let s = self.stream_mut(stream)?;
        s.efo_consumers
            .remove(name)
            .map(|_| ())
            .ok_or_else(|| not_found(format!("Consumer {name} under stream {stream}")))
    }

    /// Finds a consumer by its ARN: (stream name, consumer name).
    pub fn consumer_by_arn(&self, arn: &str) -> Result<(String, String), ApiError> {
        self.streams
            .values()
            .find_map(|s| {
                s.efo_consumers
                    .values()
                    .find(|c| c.arn == arn)
                    .map(|c| (s.name.clone(), c.name.clone()))
            })
            .ok_or_else(|| not_found(format!("Consumer {arn}")))
    }

    /// SubscribeToShard for a registered consumer.
    pub fn subscribe_to_shard(
        &mut self,
        now: u64,
        stream: &str,
        consumer: &str,
        shard_id: &str,
        kind: &str,
        seq: Option<&str>,
        ts: Option<u64>,
    ) -> Result<Subscription, ApiError> {
        self.advance_to(now);
        let s = self.stream(stream)?;
        if !s.efo_consumers.contains_key(consumer) {
            return Err(not_found(format!(
                "Consumer {consumer} under stream {stream}"
            )));
        }
        // The starting position follows GetShardIterator's rules.
        let it = self.get_shard_iterator(now, stream, shard_id, kind, seq, ts)?;
        let pos = IteratorPos::decode(&it).ok_or_else(|| invalid("Invalid starting position."))?;
        Ok(Subscription {
            stream: stream.to_owned(),
            consumer: consumer.to_owned(),
            shard: pos.shard,
            next_seq: pos.seq_index,
            started_ms: self.now_ms,
            bucket: Bucket::new(EFO_BYTES_PER_SECOND_PER_CONSUMER, self.now_ms),
        })
    }

    /// Everything the subscription has pushed by `now`: records whose
    /// arrival plus the propagation delay has passed, within the consumer's
    /// own 2 MiB/s for this shard.
    pub fn push(&mut self, now: u64, sub: &mut Subscription) -> Result<PushEvent, ApiError> {
        self.advance_to(now);
        let now = self.now_ms;
        let s = self.stream(&sub.stream)?;
        if !s.efo_consumers.contains_key(&sub.consumer) {
            return Err(not_found(format!(
                "Consumer {} under stream {}",
                sub.consumer, sub.stream
            )));
        }
        let shard = s
            .shards
            .get(sub.shard as usize)
            .ok_or_else(|| invalid("Unknown shard."))?;
        let end = (sub.started_ms + SUBSCRIPTION_MS).min(now);
        let start = sub.next_seq.max(shard.first_kept());
        let first = shard.records.partition_point(|r| r.seq.seq_index < start);
        let mut records = Vec::new();
        for r in shard.records.iter().skip(first) {
            let due = r.arrival_ms + PUSH_PROPAGATION_MS;
            if due > end || sub.bucket.available(due) < 1 {
                break;
            }
            sub.bucket.take(due, r.size() as u64);
            records.push((due, r.to_record()));
        }
        let next = records
            .last()
            .map(|(_, r)| r.seq.seq_index + 1)
            .unwrap_or(start);
        sub.next_seq = next;
        // Kept records are in sequence order: find the first unread one by
        // binary search (a scan from the oldest cost one step per record
        // kept on every call, most of a long soak's time).
        let millis_behind_latest = shard
            .records
            .get(shard.records.partition_point(|r| r.seq.seq_index < next))
            .map(|r| now.saturating_sub(r.arrival_ms))
            .unwrap_or(0);
        let done = shard.closed_ms.is_some() && next >= shard.next_seq;
        let child_shards = if done {
            s.children_of(shard.index).iter().map(|c| c.index).collect()
        } else {
            Vec::new()
        };
        let continuation = records.last().map(|(_, r)| r.seq);
        Ok(PushEvent {
            records,
            continuation_sequence_number: continuation,
            millis_behind_latest,
            child_shards,
            expired: now >= sub.started_ms + SUBSCRIPTION_MS,
        })
    }

    /// CreateStream in either capacity mode. On-demand streams start with
    /// four shards and take no shard count.
    pub fn create_stream_in_mode(
        &mut self,
        now: u64,
        name: &str,
        shards: Option<u32>,
        mode: StreamMode,
    ) -> Result<(), ApiError> {
        match (mode, shards) {
            (StreamMode::Provisioned, None) => {
                Err(invalid("ShardCount is required for a PROVISIONED stream."))
            }
            (StreamMode::OnDemand, Some(_)) => Err(invalid(
                "ShardCount must not be given for an ON_DEMAND stream.",
            )),
            (StreamMode::Provisioned, Some(n)) => self.create_stream(now, name, n),
            (StreamMode::OnDemand, None) => {
                self.create_stream(now, name, ON_DEMAND_SHARDS)?;
                let now = self.now_ms;
                if let Some(s) = self.streams.get_mut(name) {
                    s.mode = StreamMode::OnDemand;
                    s.on_demand = Some(OnDemandCapacity::new(now));
                }
                Ok(())
            }
        }
    }

    /// UpdateStreamMode: at most twice per rolling 24 hours.
    pub fn update_stream_mode(
        &mut self,
        now: u64,
        stream: &str,
        mode: StreamMode,
    ) -> Result<(), ApiError> {
        self.advance_to(now);
        let now = self.now_ms;
        let s = self.stream_mut(stream)?;
        Self::check_not_updating(s, now)?;
        s.mode_switches.retain(|t| now < t + 24 * 3_600_000);
        if s.mode_switches.len() >= MODE_SWITCHES_PER_DAY {
            return Err(ApiError::new(ErrorType::LimitExceededException, format!("Stream {stream} under account {ACCOUNT} has already switched capacity mode {MODE_SWITCHES_PER_DAY} times in the last 24 hours.")));
        }
        if s.mode == mode {
            return Err(invalid(format!(
                "Stream {stream} under account {ACCOUNT} is already in {mode:?} mode."
            )));
        }
        s.mode = mode;
        s.on_demand = (mode == StreamMode::OnDemand).then(|| OnDemandCapacity::new(now));
        s.mode_switches.push(now);
        s.updating_until_ms = now + RESHARD_MS;
        self.events.push(Event::StreamModeChanged {
            at: now,
            stream: stream.into(),
            mode,
        });
        Ok(())
    }

    pub fn set_retention(
        &mut self,
        now: u64,
        stream: &str,
        hours: u32,
        increase: bool,
    ) -> Result<(), ApiError> {
        self.advance_to(now);
        let now = self.now_ms;
        let s = self.stream_mut(stream)?;
        let current = s.retention_hours;
        if !(RETENTION_DEFAULT_HOURS..=RETENTION_MAX_HOURS).contains(&hours) {
            return Err(invalid(format!("Minimum allowed retention period is {RETENTION_DEFAULT_HOURS} hours. Maximum allowed retention period is {RETENTION_MAX_HOURS} hours. Requested retention period ({hours} hours) is out of range.")));
        }
        if increase && hours < current {
            return Err(invalid(format!("Requested retention period ({hours} hours) for stream {stream} can not be shorter than existing retention period ({current} hours). Use DecreaseRetentionPeriod API.")));
        }
        if !increase && hours > current {
            return Err(invalid(format!("Requested retention period ({hours} hours) for stream {stream} can not be longer than existing retention period ({current} hours). Use IncreaseRetentionPeriod API.")));
        }
        s.retention_hours = hours;
        // A shorter retention can expire records at this very time.
        self.scratch.scanned_at = None;
        self.events.push(Event::RetentionChanged {
            at: now,
            stream: stream.into(),
            hours,
        });
        self.advance_to(now);
        Ok(())
    }
}

/// The full hash-key space, for checks.
pub fn covers_space(ranges: &mut [HashKeyRange]) -> bool {
    ranges.sort_by_key(|r| r.start);
    ranges.first().is_some_and(|r| r.start.0 == 0)
        && ranges.last().is_some_and(|r| r.end.0 == MAX_HASH_KEY)
        && ranges
            .windows(2)
            .all(|w| w[0].end.0.checked_add(1) == Some(w[1].start.0))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod sharing_tests {
    use super::*;

    /// Records with the same key share one copy of it with their events, and
    /// records with the same bytes one payload, even when producers with
    /// different record sizes interleave.
    #[test]
    fn keys_and_payloads_are_stored_once() {
        let mut e = Engine::new();
        e.create_stream(0, "s", 1).unwrap();
        let entry = |key: &str, n: usize| PutEntry {
            partition_key: key.into(),
            explicit_hash_key: None,
            data: vec![b'x'; n],
        };
        let batch: Vec<PutEntry> = (0..40)
            .map(|i| entry(["a", "b", "c"][i % 3], [100, 200][i % 2]))
            .collect();
        e.put_records(10, "s", &batch).unwrap();
        e.put_records(20, "s", &batch).unwrap();
        let records = &e.stream("s").unwrap().shards[0].records;
        assert_eq!(records.len(), 80);
        for r in records {
            let first_same_key = records
                .iter()
                .find(|o| o.partition_key == r.partition_key)
                .unwrap();
            assert!(SharedStr::ptr_eq(
                &r.partition_key,
                &first_same_key.partition_key
            ));
            let first_same_data = records.iter().find(|o| o.data == r.data).unwrap();
            assert!(Payload::ptr_eq(&r.data, &first_same_data.data));
        }
        let mut events = e
            .events()
            .iter()
            .filter_map(|ev| match ev {
                Event::RecordPut { key, stream, .. } => Some((key, stream)),
                _ => None,
            })
            .zip(records);
        assert!(events.all(
            |((key, stream), r)| SharedStr::ptr_eq(key, &r.partition_key)
                && SharedStr::ptr_eq(stream, &e.stream("s").unwrap().shared_name)
        ));
        // What a read returns is the same data, with an owned key.
        let records = records.clone();
        let it = e
            .get_shard_iterator(30, "s", "0", "TRIM_HORIZON", None, None)
            .unwrap();
        let read = e.get_records(30, &it, None).unwrap().records;
        assert_eq!(read.len(), 80);
        for (got, kept) in read.iter().zip(records) {
            assert_eq!(got.partition_key, kept.partition_key.as_str());
            assert_eq!(got.data, kept.data);
            assert_eq!((got.seq, got.arrival_ms), (kept.seq, kept.arrival_ms));
        }
    }
}
