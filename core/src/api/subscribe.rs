//! `SubscribeToShard` (enhanced fan-out) as an endpoint serves it. Unlike
//! every other operation it does not answer with one JSON document: the
//! response is an event stream (see [`super::eventstream`]) of
//! `SubscribeToShardEvent`s for up to five minutes. This module is the
//! sans-IO half of that: [`Subscriptions::subscribe`] checks the request and
//! opens a subscription, [`Subscriptions::next`] says what the subscription
//! has to send at a given time, and the caller (`kinesis-lab serve`) owns the
//! connection and the clock.
//!
//! The rules follow the SubscribeToShard API reference:
//! - a call for the same consumer ARN and shard within 5 seconds of a
//!   successful one fails with `ResourceInUseException`;
//! - a call 5 seconds or more later takes the subscription over, and the
//!   older connection ends with `ResourceInUseException`;
//! - a subscription lasts 5 minutes ([`SUBSCRIPTION_MS`]); records are
//!   pushed [`PUSH_PROPAGATION_MS`] after they arrive, within the consumer's
//!   own 2 MiB/s per shard (the engine's `push`);
//! - every event carries `ContinuationSequenceNumber` (required by the API),
//!   and the last event of a closed shard carries `ChildShards`.
//!
//! [`SUBSCRIPTION_MS`]: crate::stream::engine::SUBSCRIPTION_MS
//! [`PUSH_PROPAGATION_MS`]: crate::stream::engine::PUSH_PROPAGATION_MS

use super::error::{invalid, validation, ApiError, ErrorType};
use super::json::{child_shard_json, parse, record_json, TARGET_PREFIX};
use crate::stream::engine::{Engine, Subscription};
use crate::stream::seq::SequenceNumber;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The operation name in `X-Amz-Target`.
pub const OPERATION: &str = "SubscribeToShard";
/// A second SubscribeToShard for the same consumer and shard within this
/// long of a successful one is refused (API reference).
pub const RESUBSCRIBE_MS: u64 = 5_000;

/// Whether an `X-Amz-Target` names SubscribeToShard.
pub fn is_subscribe(target: &str) -> bool {
    target.strip_prefix(TARGET_PREFIX).unwrap_or(target) == OPERATION
}

#[derive(Clone, Debug, PartialEq)]
struct Slot {
    id: u64,
    started_ms: u64,
    open: bool,
}

/// The subscriptions of one endpoint, by consumer ARN and shard.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Subscriptions {
    slots: BTreeMap<(String, u32), Slot>,
    next_id: u64,
}

/// One open subscription: what a connection holds while it streams.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenSubscription {
    id: u64,
    consumer_arn: String,
    sub: Subscription,
    continuation: SequenceNumber,
}

impl OpenSubscription {
    pub fn consumer_arn(&self) -> &str {
        &self.consumer_arn
    }

    pub fn shard_id(&self) -> String {
        crate::hash::ShardId(self.sub.shard).to_string()
    }

    /// When the subscription started (simulated milliseconds).
    pub fn started_ms(&self) -> u64 {
        self.sub.started_ms
    }
}

/// What a subscription has to send at a given moment.
#[derive(Clone, Debug, PartialEq)]
pub enum Push {
    /// A `SubscribeToShardEvent` payload. `records` is how many records it
    /// carries; with none it only reports progress (send it as a heartbeat
    /// or skip it). `shard_end` marks the last event of a closed shard (it
    /// has `ChildShards`): close the stream after sending it.
    Event {
        payload: Value,
        records: usize,
        shard_end: bool,
    },
    /// The five minutes are over: close the stream (the client subscribes again).
    Expired,
    /// The subscription failed (taken over, consumer deregistered, stream
    /// deleted): send the error in the stream, then close it.
    Failed(ApiError),
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StartingPosition {
    #[serde(rename = "Type")]
    kind: String,
    sequence_number: Option<String>,
    timestamp: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Request {
    #[serde(rename = "ConsumerARN")]
    consumer_arn: String,
    shard_id: String,
    starting_position: StartingPosition,
}

impl Subscriptions {
    pub fn new() -> Self {
        Self::default()
    }

    /// Subscriptions whose connection is still open.
    pub fn open_count(&self) -> usize {
        self.slots.values().filter(|s| s.open).count()
    }

    /// Checks a SubscribeToShard request body and opens the subscription.
    /// An error here is an ordinary JSON error response (nothing streamed,
    /// nothing changed).
    pub fn subscribe(
        &mut self,
        engine: &mut Engine,
        now: u64,
        body: &[u8],
    ) -> Result<OpenSubscription, ApiError> {
        let r: Request = parse(body)?;
        let ts = match r.starting_position.timestamp {
            Some(t) if t.is_finite() && t >= 0.0 => Some((t * 1000.0).round() as u64),
            Some(_) => {
                return Err(validation(
                    "startingPosition.timestamp",
                    "Member must be a time in seconds since the epoch",
                ))
            }
            None => None,
        };
        let (stream, consumer) = engine.consumer_by_arn(&r.consumer_arn)?;
        let sub = engine.subscribe_to_shard(
            now,
            &stream,
            &consumer,
            &r.shard_id,
            &r.starting_position.kind,
            r.starting_position.sequence_number.as_deref(),
            ts,
        )?;
        let now = sub.started_ms;
        let key = (r.consumer_arn.clone(), sub.shard);
        if let Some(slot) = self.slots.get(&key) {
            if now < slot.started_ms + RESUBSCRIBE_MS {
                return Err(ApiError::new(
                    ErrorType::ResourceInUseException,
                    format!(
                        "Consumer {} subscribed to shard {} less than {} seconds ago. Wait, or keep reading the subscription you have.",
                        r.consumer_arn,
                        crate::hash::ShardId(sub.shard),
                        RESUBSCRIBE_MS / 1000
                    ),
                ));
            }
        }
        let continuation = position_before(engine, &sub)?;
        // Forget closed subscriptions the 5-second rule no longer needs.
        self.slots
            .retain(|_, s| s.open || now < s.started_ms + RESUBSCRIBE_MS);
        let id = self.next_id;
        self.next_id += 1;
        // Replacing an open slot is the takeover: the older connection's
        // next call to `next` fails with ResourceInUseException.
        self.slots.insert(
            key,
            Slot {
                id,
                started_ms: now,
                open: true,
            },
        );
        Ok(OpenSubscription {
            id,
            consumer_arn: r.consumer_arn,
            sub,
            continuation,
        })
    }

    /// What the subscription sends at `now`: the records pushed since the
    /// last call (possibly none), the end of its five minutes, or a failure.
    pub fn next(&mut self, engine: &mut Engine, now: u64, open: &mut OpenSubscription) -> Push {
        let key = (open.consumer_arn.clone(), open.sub.shard);
        if self.slots.get(&key).map(|s| s.id) != Some(open.id) {
            return Push::Failed(ApiError::new(
                ErrorType::ResourceInUseException,
                format!(
                    "A newer SubscribeToShard call for consumer {} and shard {} took over this subscription.",
                    open.consumer_arn,
                    open.shard_id()
                ),
            ));
        }
        let ev = match engine.push(now, &mut open.sub) {
            Ok(ev) => ev,
            Err(e) => return Push::Failed(e),
        };
        let shard_end = !ev.child_shards.is_empty();
        if ev.records.is_empty() && !shard_end && ev.expired {
            return Push::Expired;
        }
        if let Some(seq) = ev.continuation_sequence_number {
            open.continuation = seq;
        }
        let mut payload = json!({
            "Records": ev.records.iter().map(|(_, r)| record_json(r)).collect::<Vec<_>>(),
            "ContinuationSequenceNumber": open.continuation.to_string(),
            "MillisBehindLatest": ev.millis_behind_latest,
        });
        if shard_end {
            let children = engine
                .stream(&open.sub.stream)
                .map(|s| {
                    s.children_of(open.sub.shard)
                        .into_iter()
                        .map(|c| {
                            let parents: Vec<u32> = [c.parent, c.adjacent_parent]
                                .into_iter()
                                .flatten()
                                .collect();
                            child_shard_json(c.index, &parents, &c.range)
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            payload["ChildShards"] = json!(children);
        }
        Push::Event {
            payload,
            records: ev.records.len(),
            shard_end,
        }
    }

    /// The connection ended (for any reason): the subscription is no longer
    /// open. Its start time still counts for the 5-second rule.
    pub fn close(&mut self, open: &OpenSubscription) {
        let key = (open.consumer_arn.clone(), open.sub.shard);
        if let Some(slot) = self.slots.get_mut(&key) {
            if slot.id == open.id {
                slot.open = false;
            }
        }
    }
}

/// The sequence number just before where the subscription starts: the
/// record before it, or the shard's starting sequence number when it starts
/// at the shard's first record.
fn position_before(engine: &Engine, sub: &Subscription) -> Result<SequenceNumber, ApiError> {
    let shard = engine
        .stream(&sub.stream)?
        .shards
        .get(sub.shard as usize)
        .ok_or_else(|| invalid("Unknown shard."))?;
    let Some(prev) = sub.next_seq.checked_sub(1) else {
        return Ok(shard.seq(0, shard.created_ms));
    };
    let at = shard.records.partition_point(|r| r.seq.seq_index < prev);
    Ok(match shard.records.get(at) {
        Some(r) if r.seq.seq_index == prev => r.seq,
        // Trimmed already: same shard and index, arrival time unknown.
        _ => shard.seq(prev, shard.created_ms),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::handle;
    use crate::stream::engine::{PUSH_PROPAGATION_MS, SUBSCRIPTION_MS};
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;

    const T0: u64 = 1_700_000_000_000;

    fn call(e: &mut Engine, now: u64, op: &str, body: Value) -> Value {
        handle(e, now, op, body.to_string().as_bytes()).unwrap()
    }

    /// A one-shard stream with a registered consumer; returns its ARN.
    fn setup(e: &mut Engine) -> String {
        call(
            e,
            T0,
            "CreateStream",
            json!({ "StreamName": "s", "ShardCount": 1 }),
        );
        let arn = call(e, T0, "DescribeStreamSummary", json!({ "StreamName": "s" }))
            ["StreamDescriptionSummary"]["StreamARN"]
            .as_str()
            .unwrap()
            .to_owned();
        call(
            e,
            T0,
            "RegisterStreamConsumer",
            json!({ "StreamARN": arn, "ConsumerName": "c" }),
        )["Consumer"]["ConsumerARN"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn put(e: &mut Engine, now: u64, key: &str, data: &[u8]) -> String {
        call(
            e,
            now,
            "PutRecord",
            json!({ "StreamName": "s", "PartitionKey": key, "Data": STANDARD.encode(data) }),
        )["SequenceNumber"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn request(arn: &str, kind: &str) -> Vec<u8> {
        json!({ "ConsumerARN": arn, "ShardId": "shardId-000000000000", "StartingPosition": { "Type": kind } })
            .to_string()
            .into_bytes()
    }

    fn event(p: Push) -> (Value, usize, bool) {
        match p {
            Push::Event {
                payload,
                records,
                shard_end,
            } => (payload, records, shard_end),
            other => panic!("expected an event, got {other:?}"),
        }
    }

    #[test]
    fn records_arrive_after_the_propagation_delay_in_order() {
        let mut e = Engine::new();
        let arn = setup(&mut e);
        let mut subs = Subscriptions::new();
        let mut open = subs
            .subscribe(&mut e, T0 + 10, &request(&arn, "TRIM_HORIZON"))
            .unwrap();
        let seqs: Vec<String> = (0..3)
            .map(|i| put(&mut e, T0 + 100, &format!("k{i}"), &[i]))
            .collect();
        // Not yet: the records are younger than the propagation delay.
        let (early, n, _) = event(subs.next(&mut e, T0 + 100 + PUSH_PROPAGATION_MS - 1, &mut open));
        assert_eq!(n, 0);
        let (p, n, end) = event(subs.next(&mut e, T0 + 100 + PUSH_PROPAGATION_MS, &mut open));
        assert_eq!((n, end), (3, false));
        let got: Vec<&str> = p["Records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["SequenceNumber"].as_str().unwrap())
            .collect();
        assert_eq!(got, seqs);
        assert_eq!(p["Records"][1]["PartitionKey"], "k1");
        assert_eq!(p["Records"][2]["Data"], STANDARD.encode([2u8]));
        assert_eq!(p["ContinuationSequenceNumber"], seqs[2].as_str());
        assert_eq!(p["MillisBehindLatest"], 0);
        assert_ne!(
            early["ContinuationSequenceNumber"],
            p["ContinuationSequenceNumber"]
        );
        // An empty event keeps reporting where the consumer is.
        let (idle, n, _) = event(subs.next(&mut e, T0 + 1_000, &mut open));
        assert_eq!(n, 0);
        assert_eq!(idle["ContinuationSequenceNumber"], seqs[2].as_str());
    }

    #[test]
    fn continuation_resumes_after_sequence_number() {
        let mut e = Engine::new();
        let arn = setup(&mut e);
        let first = put(&mut e, T0 + 1, "a", b"1");
        let mut subs = Subscriptions::new();
        // LATEST starts after `first`: its continuation is `first`.
        let mut open = subs
            .subscribe(&mut e, T0 + 2, &request(&arn, "LATEST"))
            .unwrap();
        let (p, n, _) = event(subs.next(&mut e, T0 + 3, &mut open));
        assert_eq!(n, 0);
        assert_eq!(p["ContinuationSequenceNumber"], first.as_str());
        let second = put(&mut e, T0 + 4, "a", b"2");
        let later = T0 + 4 + RESUBSCRIBE_MS;
        let body = json!({ "ConsumerARN": arn, "ShardId": "shardId-000000000000",
            "StartingPosition": { "Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": p["ContinuationSequenceNumber"] } });
        let mut again = subs
            .subscribe(&mut e, later, body.to_string().as_bytes())
            .unwrap();
        let (p, _, _) = event(subs.next(&mut e, later, &mut again));
        let got: Vec<&str> = p["Records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["SequenceNumber"].as_str().unwrap())
            .collect();
        assert_eq!(got, [second.as_str()]);
    }

    #[test]
    fn resubscribing_within_five_seconds_is_refused() {
        let mut e = Engine::new();
        let arn = setup(&mut e);
        let mut subs = Subscriptions::new();
        let first = subs
            .subscribe(&mut e, T0, &request(&arn, "LATEST"))
            .unwrap();
        // Closing the connection does not lift the rule: it counts from the call.
        subs.close(&first);
        assert_eq!(subs.open_count(), 0);
        let err = subs
            .subscribe(&mut e, T0 + RESUBSCRIBE_MS - 1, &request(&arn, "LATEST"))
            .unwrap_err();
        assert_eq!(err.kind, ErrorType::ResourceInUseException);
        assert!(subs
            .subscribe(&mut e, T0 + RESUBSCRIBE_MS, &request(&arn, "LATEST"))
            .is_ok());
    }

    #[test]
    fn a_later_subscription_takes_over() {
        let mut e = Engine::new();
        let arn = setup(&mut e);
        let mut subs = Subscriptions::new();
        let mut first = subs
            .subscribe(&mut e, T0, &request(&arn, "LATEST"))
            .unwrap();
        let mut second = subs
            .subscribe(&mut e, T0 + RESUBSCRIBE_MS, &request(&arn, "LATEST"))
            .unwrap();
        match subs.next(&mut e, T0 + RESUBSCRIBE_MS + 1, &mut first) {
            Push::Failed(err) => assert_eq!(err.kind, ErrorType::ResourceInUseException),
            other => panic!("the old subscription went on: {other:?}"),
        }
        assert!(matches!(
            subs.next(&mut e, T0 + RESUBSCRIBE_MS + 1, &mut second),
            Push::Event { .. }
        ));
        assert_eq!(subs.open_count(), 1);
        // The loser closing its connection does not close the winner.
        subs.close(&first);
        assert_eq!(subs.open_count(), 1);
        subs.close(&second);
        assert_eq!(subs.open_count(), 0);
    }

    #[test]
    fn a_subscription_expires_after_five_minutes() {
        let mut e = Engine::new();
        let arn = setup(&mut e);
        let mut subs = Subscriptions::new();
        let mut open = subs
            .subscribe(&mut e, T0, &request(&arn, "LATEST"))
            .unwrap();
        assert!(matches!(
            subs.next(&mut e, T0 + SUBSCRIPTION_MS - 1, &mut open),
            Push::Event { .. }
        ));
        assert_eq!(
            subs.next(&mut e, T0 + SUBSCRIPTION_MS, &mut open),
            Push::Expired
        );
    }

    #[test]
    fn a_closed_shard_ends_with_its_children() {
        let mut e = Engine::new();
        let arn = setup(&mut e);
        let last = put(&mut e, T0 + 1, "a", b"x");
        let mut subs = Subscriptions::new();
        let mut open = subs
            .subscribe(&mut e, T0 + 2, &request(&arn, "TRIM_HORIZON"))
            .unwrap();
        call(
            &mut e,
            T0 + 3,
            "SplitShard",
            json!({ "StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "1000" }),
        );
        let (p, n, end) = event(subs.next(&mut e, T0 + 1_000, &mut open));
        assert_eq!((n, end), (1, true));
        assert_eq!(p["ContinuationSequenceNumber"], last.as_str());
        let children: Vec<&str> = p["ChildShards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["ShardId"].as_str().unwrap())
            .collect();
        assert_eq!(children, ["shardId-000000000001", "shardId-000000000002"]);
        assert_eq!(
            p["ChildShards"][0]["ParentShards"],
            json!(["shardId-000000000000"])
        );
    }

    #[test]
    fn bad_requests_are_errors_and_change_nothing() {
        let mut e = Engine::new();
        let arn = setup(&mut e);
        let mut subs = Subscriptions::new();
        let before = (e.clone(), subs.clone());
        let cases: Vec<(Vec<u8>, ErrorType)> = vec![
            (request("arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/x:1", "LATEST"), ErrorType::ResourceNotFoundException),
            (request(&arn, "SIDEWAYS"), ErrorType::ValidationException),
            (b"{".to_vec(), ErrorType::SerializationException),
            (json!({ "ConsumerARN": arn, "ShardId": "shardId-000000000009", "StartingPosition": { "Type": "LATEST" } }).to_string().into_bytes(), ErrorType::ResourceNotFoundException),
            (json!({ "ConsumerARN": arn, "ShardId": "shardId-000000000000", "StartingPosition": { "Type": "AT_TIMESTAMP", "Timestamp": -1.0 } }).to_string().into_bytes(), ErrorType::ValidationException),
            (json!({ "ConsumerARN": arn, "ShardId": "shardId-000000000000", "StartingPosition": { "Type": "AT_SEQUENCE_NUMBER" } }).to_string().into_bytes(), ErrorType::InvalidArgumentException),
        ];
        for (body, kind) in cases {
            let err = subs.subscribe(&mut e, T0, &body).unwrap_err();
            assert_eq!(err.kind, kind, "{}", String::from_utf8_lossy(&body));
        }
        assert_eq!((e, subs), before);
    }

    #[test]
    fn a_deregistered_consumer_fails_its_subscription() {
        let mut e = Engine::new();
        let arn = setup(&mut e);
        let mut subs = Subscriptions::new();
        let mut open = subs
            .subscribe(&mut e, T0, &request(&arn, "LATEST"))
            .unwrap();
        call(
            &mut e,
            T0 + 1,
            "DeregisterStreamConsumer",
            json!({ "ConsumerARN": arn }),
        );
        match subs.next(&mut e, T0 + 2, &mut open) {
            Push::Failed(err) => assert_eq!(err.kind, ErrorType::ResourceNotFoundException),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn handle_explains_where_subscribe_to_shard_lives() {
        let mut e = Engine::new();
        let err = handle(&mut e, T0, "Kinesis_20131202.SubscribeToShard", b"{}").unwrap_err();
        assert!(err.message.contains("event stream"));
        assert!(is_subscribe("Kinesis_20131202.SubscribeToShard"));
        assert!(!is_subscribe("Kinesis_20131202.GetRecords"));
    }
}
