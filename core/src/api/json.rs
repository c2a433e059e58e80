//! JSON request and response shapes of the Kinesis Data Streams API, and the
//! dispatcher from an `X-Amz-Target` operation to the engine.

use super::error::{invalid, validation, ApiError, ErrorType};
use crate::hash::HashKeyRange;
use crate::hash::ShardId;
use crate::stream::engine::{
    Engine, PutEntry, PutOutcome, ReadResult, Record, Shard, Stream, StreamMode,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

pub const TARGET_PREFIX: &str = "Kinesis_20131202.";

/// The operations the lab implements, in the order `help` lists them.
pub const OPERATIONS: &[&str] = &[
    "CreateStream",
    "DeleteStream",
    "DescribeStream",
    "DescribeStreamSummary",
    "ListStreams",
    "ListShards",
    "PutRecord",
    "PutRecords",
    "GetShardIterator",
    "GetRecords",
    "SplitShard",
    "MergeShards",
    "UpdateShardCount",
    "IncreaseStreamRetentionPeriod",
    "DecreaseStreamRetentionPeriod",
    "UpdateStreamMode",
    "RegisterStreamConsumer",
    "DescribeStreamConsumer",
    "ListStreamConsumers",
    "DeregisterStreamConsumer",
];

pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            ErrorType::SerializationException,
            format!("Could not read the request: {e}"),
        )
    })
}

/// StreamName, or the name inside StreamARN.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct StreamRef {
    stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
}

impl StreamRef {
    fn name(&self) -> Result<String, ApiError> {
        match (&self.stream_name, &self.stream_arn) {
            (Some(n), _) => Ok(n.clone()),
            (None, Some(arn)) => arn
                .rsplit_once(":stream/")
                .map(|(_, n)| n.to_owned())
                .ok_or_else(|| validation("streamARN", "Member must be a Kinesis stream ARN")),
            (None, None) => Err(invalid(
                "Either StreamName or StreamARN should be provided.",
            )),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ModeDetails {
    stream_mode: String,
}

impl ModeDetails {
    fn mode(&self) -> Result<StreamMode, ApiError> {
        StreamMode::parse(&self.stream_mode).ok_or_else(|| {
            validation(
                "streamModeDetails.streamMode",
                "Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]",
            )
        })
    }
}

pub(crate) fn secs(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

fn shard_json(sh: &Shard) -> Value {
    let mut v = json!({
        "ShardId": sh.id().to_string(),
        "HashKeyRange": { "StartingHashKey": sh.range.start.to_string(), "EndingHashKey": sh.range.end.to_string() },
        "SequenceNumberRange": { "StartingSequenceNumber": sh.seq(0, sh.created_ms).to_string() },
    });
    if let Some(p) = sh.parent {
        v["ParentShardId"] = json!(ShardId(p).to_string());
    }
    if let Some(p) = sh.adjacent_parent {
        v["AdjacentParentShardId"] = json!(ShardId(p).to_string());
    }
    if let Some(c) = sh.closed_ms {
        v["SequenceNumberRange"]["EndingSequenceNumber"] =
            json!(sh.seq(sh.next_seq.saturating_sub(1).max(0), c).to_string());
    }
    v
}

fn description(s: &Stream, now: u64) -> Value {
    json!({
        "StreamName": s.name,
        "StreamARN": s.arn(),
        "StreamStatus": s.status(now),
        "StreamModeDetails": { "StreamMode": s.mode },
        "Shards": s.live_shards(now).map(shard_json).collect::<Vec<_>>(),
        "HasMoreShards": false,
        "RetentionPeriodHours": s.retention_hours,
        "StreamCreationTimestamp": secs(s.created_ms),
        "EnhancedMonitoring": [{ "ShardLevelMetrics": [] }],
        "EncryptionType": "NONE",
    })
}

fn decode_data(field: &str, data: &str) -> Result<Vec<u8>, ApiError> {
    STANDARD.decode(data).map_err(|_| {
        ApiError::new(
            ErrorType::SerializationException,
            format!("{field} is not valid base64."),
        )
    })
}

/// A record as GetRecords and SubscribeToShard events return it.
pub(crate) fn record_json(rec: &Record) -> Value {
    json!({
        "SequenceNumber": rec.seq.to_string(),
        "ApproximateArrivalTimestamp": secs(rec.arrival_ms),
        "Data": STANDARD.encode(&rec.data),
        "PartitionKey": rec.partition_key,
    })
}

/// A `ChildShards` entry: the child, its parents and its hash-key range.
pub(crate) fn child_shard_json(id: u32, parents: &[u32], range: &HashKeyRange) -> Value {
    json!({
        "ShardId": ShardId(id).to_string(),
        "ParentShards": parents.iter().map(|p| ShardId(*p).to_string()).collect::<Vec<_>>(),
        "HashKeyRange": { "StartingHashKey": range.start.to_string(), "EndingHashKey": range.end.to_string() },
    })
}

fn read_json(r: &ReadResult) -> Value {
    let mut v = json!({
        "Records": r.records.iter().map(record_json).collect::<Vec<_>>(),
        "MillisBehindLatest": r.millis_behind_latest,
    });
    match &r.next_iterator {
        Some(it) => v["NextShardIterator"] = json!(it),
        None => {
            v["ChildShards"] = json!(r
                .child_shards
                .iter()
                .map(|(id, parents, range)| child_shard_json(*id, parents, range))
                .collect::<Vec<_>>());
        }
    }
    v
}

/// Runs one API call. `target` is the `X-Amz-Target` header
/// (`Kinesis_20131202.PutRecord`, or just `PutRecord`).
pub fn handle(engine: &mut Engine, now: u64, target: &str, body: &[u8]) -> Result<Value, ApiError> {
    let op = target.strip_prefix(TARGET_PREFIX).unwrap_or(target);
    match op {
        "CreateStream" => {
            #[derive(Deserialize)]
            #[serde(rename_all = "PascalCase")]
            struct Req {
                stream_name: String,
                shard_count: Option<u32>,
                stream_mode_details: Option<ModeDetails>,
            }
            let r: Req = parse(body)?;
            let mode = match r.stream_mode_details {
                Some(m) => m.mode()?,
                None => StreamMode::Provisioned,
            };
            engine.create_stream_in_mode(now, &r.stream_name, r.shard_count, mode)?;
            Ok(json!({}))
        }
        "UpdateStreamMode" => {
            #[derive(Deserialize)]
            #[serde(rename_all = "PascalCase")]
            struct Req {
                #[serde(flatten)]
                stream: StreamRef,
                stream_mode_details: ModeDetails,
            }
            let r: Req = parse(body)?;
            engine.update_stream_mode(now, &r.stream.name()?, r.stream_mode_details.mode()?)?;
            Ok(json!({}))
        }
        "DeleteStream" => {
            let r: StreamRef = parse(body)?;
            engine.delete_stream(now, &r.name()?)?;
            Ok(json!({}))
        }
        "DescribeStream" => {
            let r: StreamRef = parse(body)?;
            engine.advance_to(now);
            let s = engine.stream(&r.name()?)?;
            Ok(json!({ "StreamDescription": description(s, engine.now()) }))
        }
        "DescribeStreamSummary" => {
            let r: StreamRef = parse(body)?;
            engine.advance_to(now);
            let now = engine.now();
            let s = engine.stream(&r.name()?)?;
            let mut d = description(s, now);
            if let Some(o) = d.as_object_mut() {
                o.remove("Shards");
                o.remove("HasMoreShards");
                o.insert("OpenShardCount".into(), json!(s.open_shards().count()));
                o.insert("ConsumerCount".into(), json!(s.efo_consumers.len()));
            }
            Ok(json!({ "StreamDescriptionSummary": d }))
        }
        "ListStreams" => {
            engine.advance_to(now);
            let now = engine.now();
            let names: Vec<&str> = engine.streams().map(|s| s.name.as_str()).collect();
            let summaries: Vec<Value> = engine
                .streams()
                .map(|s| json!({ "StreamName": s.name, "StreamARN": s.arn(), "StreamStatus": s.status(now), "StreamModeDetails": { "StreamMode": s.mode }, "StreamCreationTimestamp": secs(s.created_ms) }))
                .collect();
            Ok(
                json!({ "StreamNames": names, "HasMoreStreams": false, "StreamSummaries": summaries }),
            )
        }
        "ListShards" => {
            let r: StreamRef = parse(body)?;
            engine.advance_to(now);
            let s = engine.stream(&r.name()?)?;
            Ok(json!({ "Shards": s.live_shards(engine.now()).map(shard_json).collect::<Vec<_>>() }))
        }
        "PutRecord" => {
            #[derive(Deserialize)]
            #[serde(rename_all = "PascalCase")]
            struct Req {
                #[serde(flatten)]
                stream: StreamRef,
                data: String,
                partition_key: String,
                explicit_hash_key: Option<String>,
                sequence_number_for_ordering: Option<String>,
            }
            let r: Req = parse(body)?;
            let entry = PutEntry {
                partition_key: r.partition_key,
                explicit_hash_key: r.explicit_hash_key,
                data: decode_data("Data", &r.data)?,
            };
            let (shard, seq) = engine.put_record(
                now,
                &r.stream.name()?,
                entry,
                r.sequence_number_for_ordering.as_deref(),
            )?;
            Ok(
                json!({ "ShardId": ShardId(shard).to_string(), "SequenceNumber": seq.to_string(), "EncryptionType": "NONE" }),
            )
        }
        "PutRecords" => {
            #[derive(Deserialize)]
            #[serde(rename_all = "PascalCase")]
            struct Entry {
                data: String,
                partition_key: String,
                explicit_hash_key: Option<String>,
            }
            #[derive(Deserialize)]
            #[serde(rename_all = "PascalCase")]
            struct Req {
                #[serde(flatten)]
                stream: StreamRef,
                records: Vec<Entry>,
            }
            let r: Req = parse(body)?;
            let mut entries = Vec::with_capacity(r.records.len());
            for (i, e) in r.records.into_iter().enumerate() {
                entries.push(PutEntry {
                    partition_key: e.partition_key,
                    explicit_hash_key: e.explicit_hash_key,
                    data: decode_data(&format!("Records.{}.Data", i + 1), &e.data)?,
                });
            }
            let out = engine.put_records(now, &r.stream.name()?, &entries)?;
            let failed = out
                .iter()
                .filter(|o| matches!(o, PutOutcome::Throttled { .. }))
                .count();
            let records: Vec<Value> = out
                .iter()
                .map(|o| match o {
                    PutOutcome::Ok { shard, seq } => json!({ "ShardId": ShardId(*shard).to_string(), "SequenceNumber": seq.to_string() }),
                    PutOutcome::Throttled { message, .. } => json!({ "ErrorCode": "ProvisionedThroughputExceededException", "ErrorMessage": message }),
                })
                .collect();
            Ok(json!({ "FailedRecordCount": failed, "Records": records, "EncryptionType": "NONE" }))
        }
        "GetShardIterator" => {
            #[derive(Deserialize)]
            #[serde(rename_all = "PascalCase")]
            struct Req {
                #[serde(flatten)]
                stream: StreamRef,
                shard_id: String,
                shard_iterator_type: String,
                starting_sequence_number: Option<String>,
                timestamp: Option<f64>,
            }
            let r: Req = parse(body)?;
            let ts = match r.timestamp {
                Some(t) if t.is_finite() && t >= 0.0 => Some((t * 1000.0).round() as u64),
                Some(_) => {
                    return Err(validation(
                        "timestamp",
                        "Member must be a time in seconds since the epoch",
                    ))
                }
                None => None,
            };
            let it = engine.get_shard_iterator(
                now,
                &r.stream.name()?,
                &r.shard_id,
                &r.shard_iterator_type,
                r.starting_sequence_number.as_deref(),
                ts,
            )?;
            Ok(json!({ "ShardIterator": it }))
        }
        "GetRecords" => {
            #[derive(Deserialize)]
            #[serde(rename_all = "PascalCase")]
            struct Req {
                shard_iterator: String,
                limit: Option<usize>,
            }
            let r: Req = parse(body)?;
            Ok(read_json(&engine.get_records(
                now,
                &r.shard_iterator,
                r.limit,
            )?))
        }
        "SplitShard" => {
            #[derive(Deserialize)]
            #[serde(rename_all = "PascalCase")]
            struct Req {
                #[serde(flatten)]
                stream: StreamRef,
                shard_to_split: String,
                new_starting_hash_key: String,
            }
            let r: Req = parse(body)?;
            engine.split_shard(
                now,
                &r.stream.name()?,
                &r.shard_to_split,
                &r.new_starting_hash_key,
            )?;
            Ok(json!({}))
        }
        "MergeShards" => {
            #[derive(Deserialize)]
            #[serde(rename_all = "PascalCase")]
            struct Req {
                #[serde(flatten)]
                stream: StreamRef,
                shard_to_merge: String,
                adjacent_shard_to_merge: String,
            }
            let r: Req = parse(body)?;
            engine.merge_shards(
                now,
                &r.stream.name()?,
                &r.shard_to_merge,
                &r.adjacent_shard_to_merge,
            )?;
            Ok(json!({}))
        }
        "UpdateShardCount" => {
            #[derive(Deserialize)]
            #[serde(rename_all = "PascalCase")]
            struct Req {
                #[serde(flatten)]
                stream: StreamRef,
                target_shard_count: u32,
                scaling_type: String,
            }
            let r: Req = parse(body)?;
            let name = r.stream.name()?;
            let current =
                engine.update_shard_count(now, &name, r.target_shard_count, &r.scaling_type)?;
            let arn = engine.stream(&name)?.arn();
            Ok(
                json!({ "StreamName": name, "StreamARN": arn, "CurrentShardCount": current, "TargetShardCount": r.target_shard_count }),
            )
        }
        "IncreaseStreamRetentionPeriod" | "DecreaseStreamRetentionPeriod" => {
            #[derive(Deserialize)]
            #[serde(rename_all = "PascalCase")]
            struct Req {
                #[serde(flatten)]
                stream: StreamRef,
                retention_period_hours: u32,
            }
            let r: Req = parse(body)?;
            engine.set_retention(
                now,
                &r.stream.name()?,
                r.retention_period_hours,
                op.starts_with("Increase"),
            )?;
            Ok(json!({}))
        }
        "RegisterStreamConsumer" | "DescribeStreamConsumer" | "DeregisterStreamConsumer" => {
            #[derive(Deserialize)]
            #[serde(rename_all = "PascalCase")]
            struct Req {
                #[serde(rename = "StreamARN")]
                stream_arn: Option<String>,
                consumer_name: Option<String>,
                #[serde(rename = "ConsumerARN")]
                consumer_arn: Option<String>,
            }
            let r: Req = parse(body)?;
            let (stream, name) = match (&r.consumer_arn, &r.stream_arn, &r.consumer_name) {
                (Some(arn), _, _) if op != "RegisterStreamConsumer" => {
                    engine.consumer_by_arn(arn)?
                }
                (_, Some(stream_arn), Some(name)) => {
                    let stream = StreamRef {
                        stream_name: None,
                        stream_arn: Some(stream_arn.clone()),
                    }
                    .name()?;
                    (stream, name.clone())
                }
                _ => return Err(invalid("Give StreamARN and ConsumerName, or ConsumerARN.")),
            };
            let consumer_json = |c: &crate::stream::engine::EfoConsumer| json!({ "ConsumerName": c.name, "ConsumerARN": c.arn, "ConsumerStatus": "ACTIVE", "ConsumerCreationTimestamp": secs(c.created_ms) });
            match op {
                "RegisterStreamConsumer" => {
                    let c = engine.register_consumer(now, &stream, &name)?;
                    Ok(json!({ "Consumer": consumer_json(&c) }))
                }
                "DeregisterStreamConsumer" => {
                    engine.deregister_consumer(now, &stream, &name)?;
                    Ok(json!({}))
                }
                _ => {
                    let s = engine.stream(&stream)?;
                    let c = s.efo_consumers.get(&name).ok_or_else(|| {
                        super::error::not_found(format!("Consumer {name} under stream {stream}"))
                    })?;
                    let mut d = consumer_json(c);
                    d["StreamARN"] = json!(s.arn());
                    Ok(json!({ "ConsumerDescription": d }))
                }
            }
        }
        "ListStreamConsumers" => {
            #[derive(Deserialize)]
            #[serde(rename_all = "PascalCase")]
            struct Req {
                #[serde(rename = "StreamARN")]
                stream_arn: String,
            }
            let r: Req = parse(body)?;
            let stream = StreamRef {
                stream_name: None,
                stream_arn: Some(r.stream_arn),
            }
            .name()?;
            let s = engine.stream(&stream)?;
            let consumers: Vec<Value> = s
                .efo_consumers
                .values()
                .map(|c| json!({ "ConsumerName": c.name, "ConsumerARN": c.arn, "ConsumerStatus": "ACTIVE", "ConsumerCreationTimestamp": secs(c.created_ms) }))
                .collect();
            Ok(json!({ "Consumers": consumers }))
        }
        super::subscribe::OPERATION => Err(ApiError::new(
            ErrorType::UnknownOperationException,
            "SubscribeToShard answers with an event stream, which a single JSON reply cannot carry. \
             The lab serves it through api::subscribe (kinesis-lab serve does).",
        )),
        other => Err(ApiError::new(
            ErrorType::UnknownOperationException,
            format!(
                "The lab does not implement {other:?}. It implements: {}.",
                OPERATIONS.join(", ")
            ),
        )),
    }
}
