//! Two AWS services as producers, each with its own shape of record.
//!
//! - **A CloudWatch Logs subscription filter** delivers a log group's events
//!   to a stream. Each Kinesis record holds a batch of events as one JSON
//!   document (`messageType` `DATA_MESSAGE`, `owner`, `logGroup`,
//!   `logStream`, `subscriptionFilters`, `logEvents` of `id`, `timestamp`,
//!   `message`), gzip-compressed; the service picks the partition key, and
//!   may also send `CONTROL_MESSAGE` records to check that the stream is
//!   reachable, which consumers skip. Here the events of each simulated
//!   second form one record, shown uncompressed; how the real service
//!   batches is its own business.
//! - **An AWS IoT rule** with a Kinesis action turns each MQTT message that
//!   matches its `SELECT … FROM 'topic/filter'` into one record: the data is
//!   the message as the rule's SELECT shapes it (`SELECT *` passes it
//!   through), and the partition key is the action's substitution template,
//!   such as `${topic()}` (every device keeps to one shard, in order) or
//!   `${newuuid()}` (records spread evenly, no order per device).

use super::template::{Filler, Template};
use crate::error::{check_count, Field, ValidationError};
use crate::hash::{even_ranges, hash_key_of, shard_index_for, MAX_SHARDS};
use crate::rng::component_rng;
use rand::Rng;
use serde::Serialize;
use serde_json::json;

/// Most events or messages a sample generates.
pub const MAX_SAMPLE_RECORDS: u32 = 20_000;
pub const ACCOUNT: &str = "000000000000";

/// A record as the source would put it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceRecord {
    pub partition_key: String,
    /// The data, as text (the CloudWatch Logs document before gzip).
    pub data: String,
    /// Source items (log events, MQTT messages) in this record.
    pub items: u32,
}

/// A source's records over a few seconds and where they land.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceSample {
    pub records: Vec<SourceRecord>,
    /// Records per shard of an evenly split stream.
    pub per_shard: Vec<u64>,
}

fn land(records: Vec<SourceRecord>, shards: u32) -> Result<SourceSample, ValidationError> {
    let ranges = even_ranges(shards)?;
    let mut per_shard = vec![0; ranges.len()];
    for r in &records {
        per_shard[shard_index_for(&ranges, hash_key_of(&r.partition_key)?)] += 1;
    }
    Ok(SourceSample { records, per_shard })
}

/// A 56-digit event id, as CloudWatch Logs writes them.
fn event_id(rng: &mut impl Rng) -> String {
    (0..56)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// `events_per_second` log events from `template` for `seconds`, delivered
/// by a subscription filter named `to-kinesis` on log group `/app/web`.
pub fn cloudwatch_logs(
    template: &Template,
    seed: u64,
    events_per_second: u32,
    seconds: u32,
    shards: u32,
    epoch_ms: u64,
) -> Result<SourceSample, ValidationError> {
    check_count(Field::RecordRate, events_per_second, MAX_SAMPLE_RECORDS)?;
    check_count(
        Field::Duration,
        seconds,
        MAX_SAMPLE_RECORDS / events_per_second,
    )?;
    check_count(Field::ShardCount, shards, MAX_SHARDS)?;
    let mut filler = Filler::new(seed, "cwl.events");
    let mut rng = component_rng(seed, "cwl.ids");
    let mut records = Vec::new();
    let mut seq = 0;
    for s in 0..seconds as u64 {
        let events: Vec<_> = (0..events_per_second as u64)
            .map(|k| {
                let at = epoch_ms + s * 1000 + k * 1000 / events_per_second as u64;
                let message = filler.render(template, seq + k, at);
                json!({"id": event_id(&mut rng), "timestamp": at, "message": message})
            })
            .collect();
        seq += events_per_second as u64;
        let doc = json!({
            "messageType": "DATA_MESSAGE",
            "owner": ACCOUNT,
            "logGroup": "/app/web",
            "logStream": "i-0a1b2c3d4e5f67890",
            "subscriptionFilters": ["to-kinesis"],
            "logEvents": events,
        });
        let key: u64 = rng.random();
        records.push(SourceRecord {
            partition_key: format!("{key:016x}"),
            data: doc.to_string(),
            items: events_per_second,
        });
    }
    land(records, shards)
}

/// How the IoT rule's Kinesis action names the partition key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum IotKey {
    /// `${topic()}`: the MQTT topic the message came on.
    Topic,
    /// `${newuuid()}`: a fresh random UUID per message.
    NewUuid,
}

/// `devices` sensors each publishing `per_device_per_second` messages from
/// `payload` on `sensors/<device>/telemetry` for `seconds`, through the rule
/// `SELECT * FROM 'sensors/+/telemetry'`.
#[allow(clippy::too_many_arguments)]
pub fn iot_rule(
    payload: &Template,
    seed: u64,
    devices: u32,
    per_device_per_second: u32,
    seconds: u32,
    shards: u32,
    key: IotKey,
    epoch_ms: u64,
) -> Result<SourceSample, ValidationError> {
    check_count(Field::ConsumerCount, devices, 1_000)?;
    check_count(Field::RecordRate, per_device_per_second, 100)?;
    let total = devices * per_device_per_second;
    check_count(
        Field::Duration,
        seconds,
        (MAX_SAMPLE_RECORDS / total.max(1)).max(1),
    )?;
    check_count(Field::ShardCount, shards, MAX_SHARDS)?;
    let mut filler = Filler::new(seed, "iot.payload");
    let uuid = Template::parse("{{uuid}}")
        .map_err(|_| ValidationError::new(Field::PartitionKey, crate::error::Problem::Empty))?;
    let mut uuids = Filler::new(seed, "iot.keys");
    let mut records = Vec::new();
    let mut seq = 0;
    for s in 0..seconds as u64 {
        for m in 0..per_device_per_second as u64 {
            for d in 1..=devices as u64 {
                let at = epoch_ms + s * 1000 + m * 1000 / per_device_per_second as u64;
                let topic = format!("sensors/sensor-{d}/telemetry");
                let partition_key = match key {
                    IotKey::Topic => topic,
                    IotKey::NewUuid => uuids.render(&uuid, seq, at),
                };
                records.push(SourceRecord {
                    partition_key,
                    data: filler.render(payload, seq, at),
                    items: 1,
                });
                seq += 1;
            }
        }
    }
    land(records, shards)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloudwatch_records_hold_a_second_of_events() {
        let t = Template::parse("GET /p/{{number 1 9}} {{pick \"200\" \"500\"}}").unwrap();
        let s = cloudwatch_logs(&t, 1, 20, 3, 2, 1_767_225_600_000).unwrap();
        assert_eq!(s.records.len(), 3);
        assert_eq!(s.per_shard.iter().sum::<u64>(), 3);
        let doc: serde_json::Value = serde_json::from_str(&s.records[1].data).unwrap();
        assert_eq!(doc["messageType"], "DATA_MESSAGE");
        let events = doc["logEvents"].as_array().unwrap();
        assert_eq!(events.len(), 20);
        assert_eq!(events[0]["timestamp"], 1_767_225_601_000u64);
        assert_eq!(events[0]["id"].as_str().unwrap().len(), 56);
        assert!(events[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("GET /p/"));
    }

    #[test]
    fn iot_topic_keys_keep_a_device_on_one_shard() {
        let t = Template::parse("{\"temp\":{{decimal 15 30 1}}}").unwrap();
        let by_topic = iot_rule(&t, 1, 3, 2, 10, 8, IotKey::Topic, 0).unwrap();
        assert_eq!(by_topic.records.len(), 60);
        // Three devices: at most three shards get anything.
        assert!(by_topic.per_shard.iter().filter(|n| **n > 0).count() <= 3);
        let spread = iot_rule(&t, 1, 3, 2, 10, 8, IotKey::NewUuid, 0).unwrap();
        assert!(
            spread.per_shard.iter().filter(|n| **n > 0).count() > 3,
            "{:?}",
            spread.per_shard
        );
        let v: serde_json::Value = serde_json::from_str(&spread.records[0].data).unwrap();
        assert!(v["temp"].as_f64().is_some());
        assert_eq!(spread.records[0].partition_key.len(), 36);
    }

    #[test]
    fn bad_sizes_name_the_field() {
        let t = Template::parse("x").unwrap();
        assert_eq!(
            cloudwatch_logs(&t, 1, 0, 3, 2, 0).unwrap_err().field,
            Field::RecordRate
        );
        assert_eq!(
            iot_rule(&t, 1, 3, 2, 10, 0, IotKey::Topic, 0)
                .unwrap_err()
                .field,
            Field::ShardCount
        );
    }
}
