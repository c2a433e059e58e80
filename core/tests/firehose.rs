//! The Firehose delivery stream engine (issue 6): deliveries, their reasons
//! and S3 key names for set scenarios (snapshots), limits, the Lambda
//! contract in the pipeline, each destination, and properties: every record
//! ends up exactly once in the destination, the error output or the dropped
//! count; copies only with a retry or a late receipt that explains them;
//! same seed and inputs, same events.

use expect_test::{expect, Expect};
use kinesis_lab_core::firehose::compress::{self, Compression};
use kinesis_lab_core::firehose::config::*;
use kinesis_lab_core::firehose::destination::{AttemptOutcome, ObjectBody, ObjectKind};
use kinesis_lab_core::firehose::transform::{self, build_output, parse_input, InvokeError, Reply};
use kinesis_lab_core::firehose::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const T0: u64 = 1_700_000_000_000; // 2023-11-14T22:13:20Z
const KIB: usize = 1024;

fn s3(size_mib: u32, interval: u32) -> DeliveryConfig {
    DeliveryConfig {
        buffering: BufferingHints {
            size_mib: Some(size_mib),
            interval_seconds: Some(interval),
        },
        ..DeliveryConfig::default()
    }
}

fn http(fail: bool, latency_ms: u64, timeout_s: u32, retry_s: u32) -> DeliveryConfig {
    DeliveryConfig {
        buffering: BufferingHints {
            size_mib: Some(1),
            interval_seconds: Some(60),
        },
        destination: Destination::HttpEndpoint {
            bucket: "lab-backup".into(),
            url: "https://collector.example.com/ingest".into(),
            response_timeout_seconds: timeout_s,
            retry_duration_seconds: retry_s,
            simulated: Simulated { fail, latency_ms },
        },
        ..DeliveryConfig::default()
    }
}

fn json_record(i: usize, pad: usize) -> Vec<u8> {
    format!(
        "{{\"id\":{i},\"level\":\"{}\",\"msg\":\"{}\"}}\n",
        ["INFO", "WARN", "ERROR"][i % 3],
        "x".repeat(pad)
    )
    .into_bytes()
}

/// The event log as lines, leaving out `Received` (one per record).
fn log(fh: &DeliveryStream) -> String {
    fh.events()
        .iter()
        .filter(|e| !matches!(e, FirehoseEvent::Received { .. }))
        .map(|e| e.line(T0) + "\n")
        .collect()
}

fn check(fh: &DeliveryStream, e: Expect) {
    e.assert_eq(&log(fh));
}

// ---------------------------------------------------------------------------
// Snapshots of set scenarios
// ---------------------------------------------------------------------------

#[test]
fn snapshot_size_then_time_with_default_keys() {
    // 1 MiB / 60 s, 1 KiB records at 50/s for 50 s: the 1,024th record fills
    // the buffer at 20.46 s, the 2,048th at 40.94 s, and the last 452 wait
    // for the interval (60 s after the first of them, at 40.96 s).
    let mut fh = DeliveryStream::new("clicks", s3(1, 60), 42, T0).unwrap();
    for i in 0..2500u64 {
        fh.put_record(T0 + i * 20, vec![b'a'; KIB]).unwrap();
    }
    fh.advance_to(T0 + 200_000);
    check(
        &fh,
        expect![[r#"
            20.460s flush batch 0 by size: 1024 records, 1048576 B
            20.460s delivered batch 0 (size) to Amazon S3 2023/11/14/22/clicks-1-2023-11-14-22-13-40-281c6a92-ab96-4d7d-8ab2-8fcdd0a3e3d8: 1024 records, 1048576 B
            40.940s flush batch 1 by size: 1024 records, 1048576 B
            40.940s delivered batch 1 (size) to Amazon S3 2023/11/14/22/clicks-1-2023-11-14-22-14-00-2ad9517f-c96c-495f-8046-fc92de26cccb: 1024 records, 1048576 B
            100.960s flush batch 2 by time: 452 records, 462848 B
            100.960s delivered batch 2 (time) to Amazon S3 2023/11/14/22/clicks-1-2023-11-14-22-15-00-69be19c4-f1c2-43d7-a1ae-dd48351ba15f: 452 records, 462848 B
        "#]],
    );
    let keys: Vec<&str> = fh.bucket().list("2023/11/14/22/");
    assert_eq!(keys.len(), 3);
    let c = fh.counts();
    assert_eq!((c.received, c.delivered, c.in_flight), (2500, 2500, 0));
}

#[test]
fn snapshot_transform_retry_drop_and_processing_failed() {
    // The function throws on its first call, then drops WARN records and
    // fails ERROR records; INFO records get a field. Retries: 3 (default).
    let mut calls = 0;
    let f = transform::from_fn(move |input: &str| {
        calls += 1;
        if calls == 1 {
            return Err(InvokeError::function_error("cold start went wrong"));
        }
        let ev = parse_input(input)?;
        let replies: Vec<(String, Reply)> = ev
            .records
            .iter()
            .map(|r| {
                let text = String::from_utf8_lossy(&r.data).into_owned();
                let reply = if text.contains("WARN") {
                    Reply::Dropped(r.data.clone())
                } else if text.contains("ERROR") {
                    Reply::Failed {
                        data: r.data.clone(),
                        reason: "errors are not accepted".into(),
                    }
                } else {
                    Reply::Ok(
                        text.replace("\"id\"", "\"env\":\"lab\",\"id\"")
                            .into_bytes(),
                    )
                };
                (r.record_id.clone(), reply)
            })
            .collect();
        let refs: Vec<(&str, Reply)> = replies
            .iter()
            .map(|(a, b)| (a.as_str(), b.clone()))
            .collect();
        Ok(build_output(&refs))
    });
    let mut fh = DeliveryStream::new("apps", s3(1, 60), 7, T0).unwrap();
    fh.set_transform(Some(Box::new(f)));
    for i in 0..9 {
        fh.put_record(T0 + i as u64 * 1000, json_record(i, 10))
            .unwrap();
    }
    fh.run_until_idle(T0 + 3_600_000);
    check(
        &fh,
        expect![[r#"
            60.000s invoke #0 attempt 1: 9 records, 390 B
            60.000s invocation #0 attempt 1 failed: Lambda.FunctionError
            60.000s retry invocation #0 (attempt 2, 9 records)
            60.000s invoke #0 attempt 2: 9 records, 390 B
            60.000s invocation #0: 3 ok, 3 dropped, 3 failed
            60.000s error output ProcessingFailed processing-failed/2023/11/14/22/apps-1-2023-11-14-22-14-20-24e3ee1a-9aa6-495a-b679-98843ed608b3: 3 records
            120.000s flush batch 0 by time: 3 records, 165 B
            120.000s delivered batch 0 (time) to Amazon S3 2023/11/14/22/apps-1-2023-11-14-22-15-20-0b4a0b9c-b3c8-419a-8bd4-532d8aa6127e: 3 records, 165 B
        "#]],
    );
    let c = fh.counts();
    assert_eq!(
        (
            c.received,
            c.delivered,
            c.dropped,
            c.failed_to_error_prefix,
            c.retried
        ),
        (9, 3, 3, 3, 1)
    );
    let failed = fh
        .bucket()
        .objects()
        .iter()
        .find(|o| o.kind == ObjectKind::ProcessingFailed)
        .unwrap();
    let body = String::from_utf8(fh.object_bytes(&failed.key).unwrap()).unwrap();
    let first: serde_json::Value = serde_json::from_str(body.lines().next().unwrap()).unwrap();
    assert_eq!(first["attemptsMade"], 2);
    assert_eq!(first["errorCode"], "Lambda.ProcessingFailedStatus");
    assert_eq!(first["arrivalTimestamp"], T0 + 2000);
    assert_eq!(
        first["lambdaArn"],
        "arn:aws:lambda:us-east-1:000000000000:function:lab-transform"
    );
    let delivered = fh
        .bucket()
        .objects()
        .iter()
        .find(|o| o.kind == ObjectKind::Delivery)
        .unwrap();
    let text = String::from_utf8(fh.object_bytes(&delivered.key).unwrap()).unwrap();
    assert_eq!(text.lines().count(), 3);
    assert!(text
        .lines()
        .all(|l| l.contains("\"env\":\"lab\"") && l.contains("INFO")));
}

#[test]
fn snapshot_failing_endpoint_retries_then_backs_up() {
    // The endpoint answers 500 at once; retry duration 60 s; the lab's
    // back-off is 1, 2, 4, 8, 16, 30 s… After the retry duration the batch
    // goes to http-endpoint-failed/ in the bucket.
    let mut fh = DeliveryStream::new("events", http(true, 0, 180, 60), 3, T0).unwrap();
    for i in 0..4 {
        fh.put_record(T0 + i * 100, json_record(i as usize, 4))
            .unwrap();
    }
    fh.run_until_idle(T0 + 3_600_000);
    check(
        &fh,
        expect![[r#"
            60.000s flush batch 0 by time: 4 records, 149 B
            60.000s send batch 0 attempt 1
            60.000s batch 0 attempt 1 failed: HttpEndpoint.DestinationException
            61.000s retry batch 0 (attempt 2, 4 records)
            61.000s send batch 0 attempt 2
            61.000s batch 0 attempt 2 failed: HttpEndpoint.DestinationException
            63.000s retry batch 0 (attempt 3, 4 records)
            63.000s send batch 0 attempt 3
            63.000s batch 0 attempt 3 failed: HttpEndpoint.DestinationException
            67.000s retry batch 0 (attempt 4, 4 records)
            67.000s send batch 0 attempt 4
            67.000s batch 0 attempt 4 failed: HttpEndpoint.DestinationException
            75.000s retry batch 0 (attempt 5, 4 records)
            75.000s send batch 0 attempt 5
            75.000s batch 0 attempt 5 failed: HttpEndpoint.DestinationException
            91.000s retry batch 0 (attempt 6, 4 records)
            91.000s send batch 0 attempt 6
            91.000s batch 0 attempt 6 failed: HttpEndpoint.DestinationException
            121.000s retry batch 0 (attempt 7, 4 records)
            121.000s send batch 0 attempt 7
            121.000s batch 0 attempt 7 failed: HttpEndpoint.DestinationException
            121.000s error output HttpEndpointFailed http-endpoint-failed/2023/11/14/22/events-1-2023-11-14-22-15-21-c909402e-da0c-49c3-ba67-6f63bff6f82d: 4 records
        "#]],
    );
    let o = &fh.bucket().objects()[0];
    let body = String::from_utf8(fh.object_bytes(&o.key).unwrap()).unwrap();
    let v: serde_json::Value = serde_json::from_str(body.lines().next().unwrap()).unwrap();
    assert_eq!(v["attemptsMade"], 7);
    assert_eq!(v["errorCode"], "HttpEndpoint.DestinationException");
    assert_eq!(v["attemptEndingTimestamp"], T0 + 121_000);
    assert_eq!(fh.endpoint().timeline.len(), 7);
    assert!(fh.endpoint().received.is_empty());
    assert_eq!(fh.counts().failed_to_error_prefix, 4);
}

#[test]
fn snapshot_slow_endpoint_times_out_and_duplicates() {
    // Answers take 200 s, the response timeout is 180 s: Firehose gives up
    // waiting at 240 s and retries; the endpoint takes the first request at
    // 260 s anyway. With the endpoint fast again, the retry is acknowledged,
    // so the endpoint holds the batch twice — the retry explains it.
    let mut fh = DeliveryStream::new("slow", http(false, 200_000, 180, 600), 5, T0).unwrap();
    fh.put_record(T0, b"{\"n\":1}\n".to_vec()).unwrap();
    fh.advance_to(T0 + 240_000);
    fh.set_simulated(Simulated {
        fail: false,
        latency_ms: 500,
    })
    .unwrap();
    fh.run_until_idle(T0 + 3_600_000);
    check(
        &fh,
        expect![[r#"
            60.000s flush batch 0 by time: 1 records, 8 B
            60.000s send batch 0 attempt 1
            240.000s batch 0 attempt 1 failed: HttpEndpoint.ResponseTimeout
            241.000s retry batch 0 (attempt 2, 1 records)
            241.000s send batch 0 attempt 2
            241.500s delivered batch 0 (time) to HTTP endpoint: 1 records, 8 B
            260.000s endpoint took batch 0 attempt 1 late (1 records)
        "#]],
    );
    let tl = &fh.endpoint().timeline;
    assert_eq!(
        tl[0].outcome,
        AttemptOutcome::TimedOut {
            at_ms: T0 + 240_000
        }
    );
    assert_eq!(tl[0].received_ms, Some(T0 + 260_000));
    assert_eq!(
        tl[1].outcome,
        AttemptOutcome::Acknowledged {
            at_ms: T0 + 241_500
        }
    );
    assert_eq!(fh.endpoint().received.len(), 2);
    assert_eq!(fh.counts().delivered, 1);
    // The request body is the HTTP endpoint delivery JSON.
    let body: serde_json::Value = serde_json::from_slice(&fh.endpoint().received[0].body).unwrap();
    assert_eq!(body["records"][0]["data"], "eyJuIjoxfQo=");
    // Each body carries the time its request was sent.
    let sent: Vec<u64> = fh
        .endpoint()
        .received
        .iter()
        .map(|r| {
            let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            v["timestamp"].as_u64().unwrap() - T0
        })
        .collect();
    assert_eq!(sent, vec![241_000, 60_000]);
}

#[test]
fn snapshot_redshift_copy_retries_then_manifest() {
    let cfg = DeliveryConfig {
        buffering: BufferingHints {
            size_mib: Some(1),
            interval_seconds: Some(60),
        },
        destination: Destination::Redshift {
            bucket: "staging".into(),
            table: "events".into(),
            columns: vec!["id".into(), "level".into()],
            retry_duration_seconds: 600,
            cluster: Simulated {
                fail: true,
                latency_ms: 2_000,
            },
        },
        ..DeliveryConfig::default()
    };
    let mut fh = DeliveryStream::new("warehouse", cfg, 9, T0).unwrap();
    for i in 0..3 {
        fh.put_record(T0 + i, json_record(i as usize, 1)).unwrap();
    }
    fh.run_until_idle(T0 + 7_200_000);
    check(
        &fh,
        expect![[r#"
            60.000s flush batch 0 by time: 3 records, 103 B
            60.000s staged batch 0 as 2023/11/14/22/warehouse-1-2023-11-14-22-14-20-b0805ea2-001b-4e35-a0c6-2f9bfafb05c2
            60.000s send batch 0 attempt 1
            62.000s batch 0 attempt 1 failed: Redshift.ConnectionFailed
            362.000s retry batch 0 (attempt 2, 3 records)
            362.000s send batch 0 attempt 2
            364.000s batch 0 attempt 2 failed: Redshift.ConnectionFailed
            664.000s retry batch 0 (attempt 3, 3 records)
            664.000s send batch 0 attempt 3
            666.000s batch 0 attempt 3 failed: Redshift.ConnectionFailed
            666.000s error output RedshiftManifest errors/2023/11/14/22/warehouse-1-2023-11-14-22-24-26-cfc52551-4226-4f8d-8892-7f6e3189923c: 3 records
        "#]],
    );
    let manifest = fh
        .bucket()
        .objects()
        .iter()
        .find(|o| o.kind == ObjectKind::RedshiftManifest)
        .unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&fh.object_bytes(&manifest.key).unwrap()).unwrap();
    let staged = &fh.bucket().objects()[0].key;
    assert_eq!(v["entries"][0]["url"], format!("s3://staging/{staged}"));
    assert!(fh.redshift().rows.is_empty());
    // The cluster's log: three COPY commands, each failed.
    let copies = &fh.redshift().copies;
    assert_eq!(copies.len(), 3);
    assert!(copies.iter().all(|c| c.result.is_err() && c.key == *staged));
    assert_eq!(
        copies.iter().map(|c| c.at_ms - T0).collect::<Vec<_>>(),
        vec![62_000, 364_000, 666_000]
    );
}

#[test]
fn snapshot_conversion_to_parquet_with_failures() {
    let cfg = DeliveryConfig {
        format_conversion: Some(FormatConversion {
            enabled: true,
            input_format: "json".into(),
            output_format: "parquet".into(),
            schema: convert_schema("id:int, level:string"),
        }),
        prefix: Some("tables/events/dt=!{timestamp:yyyy-MM-dd}/".into()),
        ..DeliveryConfig::default()
    };
    let mut fh = DeliveryStream::new("convert", cfg, 11, T0).unwrap();
    fh.put_record(T0, b"{\"id\":1,\"level\":\"INFO\"}".to_vec())
        .unwrap();
    fh.put_record(T0 + 1, b"{\"id\":\"two\",\"level\":\"INFO\"}".to_vec())
        .unwrap();
    fh.put_record(T0 + 2, b"not json".to_vec()).unwrap();
    fh.put_record(T0 + 3, b"{\"id\":4}".to_vec()).unwrap();
    fh.run_until_idle(T0 + 3_600_000);
    check(
        &fh,
        expect![[r#"
             300.000s flush batch 0 by time: 4 records, 66 B
             300.000s error output FormatConversionFailed format-conversion-failed/2023/11/14/22/convert-1-2023-11-14-22-18-20-de001493-6d8e-4e16-a5d9-47f294cbe4e5: 2 records
             300.000s delivered batch 0 (time) to Amazon S3 tables/events/dt=2023-11-14/convert-1-2023-11-14-22-18-20-49092dd5-ff12-4872-981d-3bb73774d7d0.parquet: 2 records, 31 B
        "#]],
    );
    let o = fh
        .bucket()
        .objects()
        .iter()
        .find(|o| o.kind == ObjectKind::Delivery)
        .unwrap();
    match &o.body {
        ObjectBody::Parquet { rows, .. } => assert_eq!(rows.len(), 2),
        other => panic!("{other:?}"),
    }
    // Without the core's `parquet` feature the bytes are left to the caller.
    #[cfg(not(feature = "parquet"))]
    assert!(fh.object_bytes(&o.key).is_err());
}

fn convert_schema(text: &str) -> kinesis_lab_core::firehose::convert::Schema {
    kinesis_lab_core::firehose::convert::Schema::parse(text).unwrap()
}

#[test]
fn snapshot_update_destination_bumps_the_version_in_keys() {
    let mut fh = DeliveryStream::new("ver", s3(1, 60), 1, T0).unwrap();
    fh.put_record(T0, b"a\n".to_vec()).unwrap();
    fh.advance_to(T0 + 60_000);
    let mut cfg = s3(1, 120);
    cfg.compression = Compression::Gzip;
    cfg.prefix = Some("logs/".into());
    assert_eq!(fh.update_destination(T0 + 61_000, cfg).unwrap(), 2);
    fh.put_record(T0 + 62_000, b"b\n".to_vec()).unwrap();
    fh.run_until_idle(T0 + 3_600_000);
    check(
        &fh,
        expect![[r#"
            60.000s flush batch 0 by time: 1 records, 2 B
            60.000s delivered batch 0 (time) to Amazon S3 2023/11/14/22/ver-1-2023-11-14-22-14-20-e6b73c1f-4d83-4098-a446-d29ac55251e6: 1 records, 2 B
            61.000s configuration updated: version 2
            182.000s flush batch 1 by time: 1 records, 2 B
            182.000s delivered batch 1 (time) to Amazon S3 logs/2023/11/14/22/ver-2-2023-11-14-22-16-22-dfdd3de8-6f00-4eba-95bf-4da44c2e9acb.gz: 1 records, 22 B
        "#]],
    );
}

// ---------------------------------------------------------------------------
// Limits and validation
// ---------------------------------------------------------------------------

/// Everything observable, to check that a rejected request changed nothing.
fn state(fh: &DeliveryStream) -> String {
    format!(
        "{:?}|{:?}|{:?}|{:?}|{}",
        fh.events(),
        fh.counts(),
        fh.buffer(),
        fh.bucket()
            .objects()
            .iter()
            .map(|o| o.key.clone())
            .collect::<Vec<_>>(),
        fh.now()
    )
}

#[test]
fn put_limits_name_the_field_and_change_nothing() {
    let mut fh = DeliveryStream::new("limits", s3(5, 300), 1, T0).unwrap();
    fh.put_record(T0, b"x".to_vec()).unwrap();
    let before = state(&fh);
    let cases: Vec<(Result<(), FirehoseError>, &str)> = vec![
        (
            fh.put_record(T0 + 5, vec![0; 1_024_001]).map(|_| ()),
            "Record.Data",
        ),
        (fh.put_record_batch(T0 + 5, vec![]).map(|_| ()), "Records"),
        (
            fh.put_record_batch(T0 + 5, vec![vec![1]; 501]).map(|_| ()),
            "Records",
        ),
        (
            fh.put_record_batch(T0 + 5, vec![vec![1; 1_000_000]; 5])
                .map(|_| ()),
            "Records",
        ),
        (
            fh.put_record_batch(T0 + 5, vec![vec![1], vec![2], vec![3; 1_024_001]])
                .map(|_| ()),
            "Records[2].Data",
        ),
    ];
    for (r, field) in cases {
        let e = r.unwrap_err();
        assert_eq!(e.field, field, "{e}");
        assert_eq!(e.error_type, "InvalidArgumentException");
        assert_eq!(state(&fh), before, "{e}");
    }
    // The largest allowed record and batch go through.
    fh.put_record(T0 + 6, vec![0; 1_024_000]).unwrap();
    let r = fh
        .put_record_batch(T0 + 7, vec![vec![1; 8_388]; 500])
        .unwrap();
    assert_eq!(r.failed_put_count, 0);
    let mut four_mib = vec![vec![1; 1_000_000]; 4];
    four_mib.push(vec![1; 4 * 1_048_576 - 4_000_000]);
    let r = fh.put_record_batch(T0 + 1_008, four_mib).unwrap();
    assert_eq!(r.failed_put_count, 0);
}

#[test]
fn direct_put_quota_fails_records_one_by_one() {
    let mut fh = DeliveryStream::new("quota", s3(128, 900), 1, T0).unwrap();
    // 5 MiB per second: four batches of 1 MiB + one of 2 records of 600 KiB.
    for k in 0..5 {
        let r = fh
            .put_record_batch(T0 + k, vec![vec![7; 1_048_576 / 2]; 2])
            .unwrap();
        assert_eq!(r.failed_put_count, 0);
    }
    let r = fh.put_record_batch(T0 + 10, vec![vec![7; 100]; 3]).unwrap();
    assert_eq!(r.failed_put_count, 3);
    assert!(matches!(
        &r.request_responses[0],
        BatchEntry::Failed { error_code, .. } if error_code == "ServiceUnavailableException"
    ));
    let before = state(&fh);
    let e = fh.put_record(T0 + 20, vec![1]).unwrap_err();
    assert_eq!(
        (e.error_type, e.field.as_str()),
        ("ServiceUnavailableException", "Record")
    );
    assert_eq!(state(&fh), before);
    // The next second has room again.
    fh.put_record(T0 + 1_000, vec![1]).unwrap();
    assert_eq!(fh.counts().received, 11);
}

#[test]
fn config_errors_name_the_field() {
    let base = DeliveryConfig::default;
    let cases: Vec<(DeliveryConfig, &str)> = vec![
        (s3(0, 300), "buffering.size_mib"),
        (s3(129, 300), "buffering.size_mib"),
        (s3(5, 59), "buffering.interval_seconds"),
        (s3(5, 901), "buffering.interval_seconds"),
        (
            DeliveryConfig {
                processing: ProcessingConfig {
                    buffer_size_mb: Some(0.1),
                    ..ProcessingConfig::default()
                },
                ..base()
            },
            "processing.buffer_size_mb",
        ),
        (
            DeliveryConfig {
                processing: ProcessingConfig {
                    buffer_size_mb: Some(f64::NAN),
                    ..ProcessingConfig::default()
                },
                ..base()
            },
            "processing.buffer_size_mb",
        ),
        (
            DeliveryConfig {
                processing: ProcessingConfig {
                    retries: 301,
                    ..ProcessingConfig::default()
                },
                ..base()
            },
            "processing.retries",
        ),
        (
            DeliveryConfig {
                format_conversion: Some(FormatConversion {
                    enabled: true,
                    input_format: "json".into(),
                    output_format: "parquet".into(),
                    schema: convert_schema("a:int"),
                }),
                ..s3(5, 300)
            },
            "buffering.size_mib",
        ),
        (
            DeliveryConfig {
                format_conversion: Some(FormatConversion {
                    enabled: true,
                    input_format: "json".into(),
                    output_format: "orc".into(),
                    schema: convert_schema("a:int"),
                }),
                ..base()
            },
            "format_conversion.output_format",
        ),
        (
            DeliveryConfig {
                format_conversion: Some(FormatConversion {
                    enabled: true,
                    input_format: "json".into(),
                    output_format: "parquet".into(),
                    schema: convert_schema("a:int"),
                }),
                compression: Compression::Gzip,
                ..base()
            },
            "compression",
        ),
        (
            DeliveryConfig {
                format_conversion: Some(FormatConversion {
                    enabled: true,
                    input_format: "json".into(),
                    output_format: "parquet".into(),
                    schema: convert_schema("a:int"),
                }),
                ..http(false, 0, 180, 300)
            },
            "destination.type",
        ),
        (
            DeliveryConfig {
                buffering: BufferingHints {
                    size_mib: Some(101),
                    interval_seconds: None,
                },
                destination: Destination::OpenSearch {
                    bucket: "b-ok".into(),
                    index: "logs".into(),
                    rotation: IndexRotation::NoRotation,
                    retry_duration_seconds: 300,
                    cluster: Simulated::default(),
                },
                ..base()
            },
            "buffering.size_mib",
        ),
        (
            DeliveryConfig {
                buffering: BufferingHints {
                    size_mib: Some(10),
                    interval_seconds: None,
                },
                destination: Destination::Splunk {
                    bucket: "b-ok".into(),
                    endpoint: "https://splunk.example.com".into(),
                    hec_ack_timeout_seconds: 180,
                    retry_duration_seconds: 3600,
                    simulated: Simulated::default(),
                },
                ..base()
            },
            "buffering.size_mib",
        ),
        (
            http(false, 0, 180, 7201),
            "destination.retry_duration_seconds",
        ),
        (
            http(false, 0, 0, 300),
            "destination.response_timeout_seconds",
        ),
        (
            http(false, 900_001, 180, 300),
            "destination.simulated.latency_ms",
        ),
        (
            DeliveryConfig {
                compression: Compression::Snappy,
                destination: Destination::Redshift {
                    bucket: "b-ok".into(),
                    table: "t".into(),
                    columns: vec!["a".into()],
                    retry_duration_seconds: 300,
                    cluster: Simulated::default(),
                },
                ..base()
            },
            "compression",
        ),
        (
            DeliveryConfig {
                s3_backup: Some(S3BackupMode::Disabled),
                ..http(false, 0, 180, 300)
            },
            "s3_backup",
        ),
        (
            DeliveryConfig {
                prefix: Some("a/!{nope}/".into()),
                ..base()
            },
            "prefix",
        ),
        (
            DeliveryConfig {
                destination: Destination::S3 {
                    bucket: "Not_A_Bucket".into(),
                },
                ..base()
            },
            "destination.bucket",
        ),
    ];
    for (cfg, field) in cases {
        let e = cfg.validate().unwrap_err();
        assert_eq!(e.field, field, "{e}");
        assert!(e.to_string().starts_with(field), "{e}");
        assert!(DeliveryStream::new("x", cfg, 1, T0).is_err());
    }
    // Defaults: 5 MiB / 300 s; 128 MiB with conversion; Splunk 5 MiB / 60 s.
    let e = base().validate().unwrap();
    assert_eq!((e.size_bytes, e.interval_ms), (5 * 1_048_576, 300_000));
    assert_eq!(e.processor_size_bytes, 1_048_576);
    assert_eq!(e.retries, 3);
    let conv = DeliveryConfig {
        format_conversion: Some(FormatConversion {
            enabled: true,
            input_format: "json".into(),
            output_format: "parquet".into(),
            schema: convert_schema("a:int"),
        }),
        ..base()
    };
    assert_eq!(conv.validate().unwrap().size_bytes, 128 * 1_048_576);
    let splunk: DeliveryConfig =
        DeliveryConfig::from_json(r#"{"destination":{"type":"splunk"}}"#).unwrap();
    let e = splunk.validate().unwrap();
    assert_eq!(
        (e.size_bytes, e.interval_ms, e.processor_size_bytes),
        (5 * 1_048_576, 60_000, 262_144)
    );
    assert_eq!(e.backup, S3BackupMode::FailedDataOnly);
    // Bad names.
    assert_eq!(
        DeliveryStream::new("", base(), 1, T0).unwrap_err().field,
        "DeliveryStreamName"
    );
    assert_eq!(
        DeliveryStream::new("a b", base(), 1, T0).unwrap_err().field,
        "DeliveryStreamName"
    );
}

#[test]
fn toml_config_round_trip_and_unknown_fields() {
    let text = r#"
compression = "GZIP"
prefix = "app/"
[buffering]
size_mib = 2
interval_seconds = 90
[processing]
retries = 1
[processing.transform]
type = "filter_by_field"
field = "level"
equals = "ERROR"
[destination]
type = "s3"
bucket = "my-bucket"
"#;
    let cfg = DeliveryConfig::from_toml(text).unwrap();
    assert_eq!(cfg.buffering.size_mib, Some(2));
    assert!(cfg.processing.transform.is_some());
    let fh = DeliveryStream::new("t", cfg, 1, T0).unwrap();
    assert!(fh.has_transform());
    assert_eq!(fh.bucket().name, "my-bucket");
    let e = DeliveryConfig::from_toml("[buffering]\nsize = 3\n").unwrap_err();
    assert!(e.to_string().contains("size"), "{e}");
    let e = DeliveryConfig::from_toml(
        "[processing.transform]\ntype = \"add_field\"\nfield = \"\"\nvalue = \"v\"\n",
    )
    .unwrap_err();
    assert!(e.field.starts_with("processing.transform."), "{e}");
}

// ---------------------------------------------------------------------------
// Pipeline behaviour
// ---------------------------------------------------------------------------

#[test]
fn pending_invocation_stops_and_resumes() {
    let mut fh = DeliveryStream::new("js", s3(1, 60), 1, T0).unwrap();
    fh.set_transform(Some(Box::new(transform::ExternalTransform)));
    for i in 0..3 {
        fh.put_record(T0 + i, json_record(i as usize, 2)).unwrap();
    }
    assert!(fh.pending_invocation().is_none());
    fh.advance_to(T0 + 60_000);
    let (id, input) = fh
        .pending_invocation()
        .map(|(i, s)| (i, s.to_owned()))
        .unwrap();
    let ev = parse_input(&input).unwrap();
    assert_eq!(ev.records.len(), 3);
    // While it waits, more records buffer in the processor; nothing is invoked.
    fh.put_record(T0 + 70_000, json_record(3, 2)).unwrap();
    fh.advance_to(T0 + 200_000);
    assert_eq!(fh.pending_invocation().map(|p| p.0), Some(id));
    assert_eq!(fh.processor_buffer().unwrap().records, 1);
    // A wrong id is refused and changes nothing.
    let before = state(&fh);
    let e = fh
        .complete_invocation(id + 1, T0 + 200_000, Ok(String::new()))
        .unwrap_err();
    assert_eq!(e.field, "invocation");
    assert_eq!(state(&fh), before);
    // The worker's answer: drop the first, keep the others.
    let replies: Vec<(&str, Reply)> = ev
        .records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                r.record_id.as_str(),
                if i == 0 {
                    Reply::Dropped(r.data.clone())
                } else {
                    Reply::Ok(r.data.clone())
                },
            )
        })
        .collect();
    fh.complete_invocation(id, T0 + 200_000, Ok(build_output(&replies)))
        .unwrap();
    // The queued record's invocation is pending next.
    let (id2, _) = fh.pending_invocation().unwrap();
    assert_ne!(id2, id);
    fh.complete_invocation(id2, T0 + 201_000, Err(InvokeError::function_error("boom")))
        .unwrap();
    // Retried (attempt 2) and pending again; fail it until retries run out.
    for _ in 0..3 {
        let (i, _) = fh.pending_invocation().unwrap();
        fh.complete_invocation(i, T0 + 202_000, Err(InvokeError::function_error("boom")))
            .unwrap();
    }
    assert!(fh.pending_invocation().is_none());
    fh.run_until_idle(T0 + 3_600_000);
    let c = fh.counts();
    assert_eq!(
        (
            c.received,
            c.delivered,
            c.dropped,
            c.failed_to_error_prefix,
            c.retried,
            c.in_flight
        ),
        (4, 2, 1, 1, 3, 0)
    );
}

#[test]
fn small_records_split_invocations_under_six_mb() {
    let mut cfg = s3(5, 300);
    cfg.processing.buffer_size_mb = Some(3.0);
    let mut fh = DeliveryStream::new("many", cfg, 1, T0).unwrap();
    let mut sizes = Vec::new();
    let f = transform::from_fn(move |input: &str| {
        let ev = parse_input(input)?;
        sizes.push(input.len());
        assert!(input.len() <= transform::MAX_PAYLOAD_BYTES);
        let r: Vec<(String, Reply)> = ev
            .records
            .iter()
            .map(|r| (r.record_id.clone(), Reply::Ok(r.data.clone())))
            .collect();
        let refs: Vec<(&str, Reply)> = r.iter().map(|(a, b)| (a.as_str(), b.clone())).collect();
        Ok(build_output(&refs))
    });
    fh.set_transform(Some(Box::new(f)));
    // 3 MiB of 10-byte records: one buffer, several invocations.
    let batch = vec![vec![b'z'; 10]; 500];
    let mut t = T0;
    while fh.counts().received < 320_000 {
        fh.put_record_batch(t, batch.clone()).unwrap();
        t += 1;
    }
    fh.flush(t);
    fh.run_until_idle(t + 3_600_000);
    let invocations = fh
        .events()
        .iter()
        .filter(|e| matches!(e, FirehoseEvent::Invoked { .. }))
        .count();
    assert!(invocations >= 2, "{invocations}");
    assert_eq!(fh.counts().delivered, fh.counts().received);
}

#[test]
fn kinesis_stream_source_deaggregates_kpl_records() {
    use kinesis_lab_core::producer::kpl::format::{aggregate, UserRecord};
    use kinesis_lab_core::stream::engine::{Engine, PutEntry};
    let mut ks = Engine::new();
    ks.create_stream(T0, "orders", 2).unwrap();
    let agg = aggregate(&[
        UserRecord::new("a", b"one\n".to_vec()),
        UserRecord::new("a", b"two\n".to_vec()),
        UserRecord::new("a", b"three\n".to_vec()),
    ])
    .unwrap();
    ks.put_records(
        T0 + 10,
        "orders",
        &[
            PutEntry {
                partition_key: "a".into(),
                explicit_hash_key: None,
                data: agg,
            },
            PutEntry {
                partition_key: "b".into(),
                explicit_hash_key: None,
                data: b"plain\n".to_vec(),
            },
        ],
    )
    .unwrap();
    let cfg = DeliveryConfig {
        source: SourceConfig::KinesisStream {
            stream: "orders".into(),
            start: StreamStart::TrimHorizon,
        },
        ..s3(1, 60)
    };
    let mut fh = DeliveryStream::new("from-stream", cfg, 1, T0).unwrap();
    let e = fh.put_record(T0, b"x".to_vec()).unwrap_err();
    assert_eq!(e.error_type, "InvalidArgumentException");
    let mut t = T0;
    let mut taken = 0;
    while t < T0 + 5_000 {
        taken += fh.poll_source(t, &mut ks).unwrap();
        t = fh.next_deadline().unwrap();
    }
    assert_eq!(taken, 4);
    fh.run_until_idle(T0 + 3_600_000);
    let o = &fh.bucket().objects()[0];
    let text = String::from_utf8(fh.object_bytes(&o.key).unwrap()).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort();
    assert_eq!(lines, vec!["one", "plain", "three", "two"]);
    // A missing stream is an error naming the source.
    let mut other = DeliveryStream::new(
        "nope",
        DeliveryConfig {
            source: SourceConfig::KinesisStream {
                stream: "missing".into(),
                start: StreamStart::Latest,
            },
            ..s3(1, 60)
        },
        1,
        T0,
    )
    .unwrap();
    assert_eq!(
        other.poll_source(T0, &mut ks).unwrap_err().field,
        "source.stream"
    );
}

#[test]
fn opensearch_indexes_json_and_fails_the_rest() {
    let cfg = DeliveryConfig {
        buffering: BufferingHints {
            size_mib: Some(1),
            interval_seconds: Some(60),
        },
        destination: Destination::OpenSearch {
            bucket: "os-backup".into(),
            index: "logs".into(),
            rotation: IndexRotation::OneDay,
            retry_duration_seconds: 300,
            cluster: Simulated::default(),
        },
        s3_backup: Some(S3BackupMode::AllData),
        ..DeliveryConfig::default()
    };
    let mut fh = DeliveryStream::new("search", cfg, 1, T0).unwrap();
    fh.put_record(T0, b"{\"level\":\"ERROR\",\"msg\":\"disk full\"}".to_vec())
        .unwrap();
    fh.put_record(T0, b"{\"level\":\"INFO\",\"msg\":\"ok\"}".to_vec())
        .unwrap();
    fh.put_record(T0, b"plain text".to_vec()).unwrap();
    fh.run_until_idle(T0 + 3_600_000);
    let os = fh.opensearch();
    assert_eq!(
        os.indices.keys().collect::<Vec<_>>(),
        vec!["logs-2023-11-14"]
    );
    assert_eq!(os.search("error").len(), 1);
    assert_eq!(os.search("").len(), 2);
    let failed: Vec<_> = fh.bucket().list("AmazonOpenSearchService_failed/");
    assert_eq!(failed.len(), 1);
    let v: serde_json::Value =
        serde_json::from_slice(&fh.object_bytes(failed[0]).unwrap()[..]).unwrap();
    assert_eq!(v["esIndexName"], "logs-2023-11-14");
    assert_eq!(v["rawData"], "cGxhaW4gdGV4dA==");
    // AllData backup has all three source records.
    let backup = fh.bucket().list("source-backup/");
    assert_eq!(backup.len(), 1);
    assert_eq!(fh.bucket().get(backup[0]).unwrap().records, 3);
    let c = fh.counts();
    assert_eq!(
        (c.delivered, c.failed_to_error_prefix, c.backed_up),
        (2, 1, 3)
    );
}

#[test]
fn redshift_copy_loads_rows_into_pages() {
    let cfg = DeliveryConfig {
        buffering: BufferingHints {
            size_mib: Some(1),
            interval_seconds: Some(60),
        },
        compression: Compression::Gzip,
        destination: Destination::Redshift {
            bucket: "stage".into(),
            table: "events".into(),
            columns: vec!["id".into(), "level".into(), "missing".into()],
            retry_duration_seconds: 0,
            cluster: Simulated::default(),
        },
        ..DeliveryConfig::default()
    };
    let mut fh = DeliveryStream::new("rs", cfg, 1, T0).unwrap();
    for i in 0..25 {
        fh.put_record(T0 + i, json_record(i as usize, 0)).unwrap();
    }
    fh.run_until_idle(T0 + 3_600_000);
    let t = fh.redshift();
    assert_eq!(t.rows.len(), 25);
    assert_eq!(t.pages(10), 3);
    assert_eq!(t.page(2, 10).len(), 5);
    assert_eq!(
        t.page(0, 10)[1],
        vec![Some("1".into()), Some("WARN".into()), None]
    );
    // The staged object is GZIP and holds the records.
    let staged = &fh.bucket().objects()[0];
    assert!(staged.key.ends_with(".gz"));
    let raw =
        compress::decompress(Compression::Gzip, &fh.object_bytes(&staged.key).unwrap()).unwrap();
    assert_eq!(
        raw.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count(),
        25
    );
}

#[test]
fn every_compression_is_readable_back() {
    for c in Compression::ALL {
        let mut cfg = s3(1, 60);
        cfg.compression = c;
        let mut fh = DeliveryStream::new("zip", cfg, 1, T0).unwrap();
        for i in 0..50 {
            fh.put_record(T0 + i, json_record(i as usize, 20)).unwrap();
        }
        fh.run_until_idle(T0 + 3_600_000);
        let o = &fh.bucket().objects()[0];
        assert!(o.key.ends_with(compress::extension(c)), "{c:?} {}", o.key);
        let back = compress::decompress(c, &fh.object_bytes(&o.key).unwrap()).unwrap();
        let want: Vec<u8> = (0..50).flat_map(|i| json_record(i, 20)).collect();
        assert_eq!(back, want, "{c:?}");
    }
}

#[test]
fn no_replay_delivered_records_leave_the_stream() {
    let mut fh = DeliveryStream::new("gone", s3(1, 60), 1, T0).unwrap();
    for i in 0..10 {
        fh.put_record(T0 + i, vec![b'q'; 100]).unwrap();
    }
    assert_eq!(fh.buffer().records, 10);
    fh.advance_to(T0 + 60_000);
    let v = fh.buffer();
    assert_eq!((v.records, v.bytes, v.time_to_interval_ms), (0, 0, None));
    assert_eq!(fh.counts().in_flight, 0);
    assert_eq!(fh.bucket().objects()[0].records, 10);
}

#[test]
fn buffer_view_counts_down_to_the_interval() {
    let mut fh = DeliveryStream::new("view", s3(2, 120), 1, T0).unwrap();
    fh.put_record(T0 + 1_000, vec![1; 1_000]).unwrap();
    fh.advance_to(T0 + 31_000);
    let v = fh.buffer();
    assert_eq!(
        (
            v.bytes,
            v.records,
            v.age_ms,
            v.size_threshold_bytes,
            v.interval_ms,
            v.time_to_interval_ms
        ),
        (1_000, 1, 30_000, 2 * 1_048_576, 120_000, Some(90_000))
    );
    assert_eq!(fh.next_deadline(), Some(T0 + 121_000));
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Scenario {
    dest: u8,
    fail: bool,
    latency_ms: u64,
    retry_s: u32,
    transform: Option<u8>,
    fail_until: u64,
    records: Vec<(u64, u8, usize)>,
    seed: u64,
    /// When to switch the destination to S3 (UpdateDestination), if at all.
    switch_at: Option<u64>,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        0u8..5,
        any::<bool>(),
        prop_oneof![Just(0u64), 0u64..5_000, 150_000u64..300_000],
        prop_oneof![Just(0u32), 1u32..400],
        proptest::option::of(0u8..4),
        0u64..400_000,
        proptest::collection::vec((0u64..120_000, 0u8..6, 0usize..3_000), 0..60),
        any::<u64>(),
        proptest::option::weighted(0.25, 0u64..120_000),
    )
        .prop_map(
            |(dest, fail, latency_ms, retry_s, transform, fail_until, records, seed, switch_at)| {
                Scenario {
                    dest,
                    fail,
                    latency_ms,
                    retry_s,
                    transform,
                    fail_until,
                    records,
                    seed,
                    switch_at,
                }
            },
        )
}

fn config_of(s: &Scenario) -> DeliveryConfig {
    let sim = Simulated {
        fail: s.fail,
        latency_ms: s.latency_ms,
    };
    let destination = match s.dest {
        0 => Destination::S3 {
            bucket: "prop".into(),
        },
        1 => Destination::HttpEndpoint {
            bucket: "prop".into(),
            url: "https://e.example.com".into(),
            response_timeout_seconds: 180,
            retry_duration_seconds: s.retry_s,
            simulated: sim,
        },
        2 => Destination::Splunk {
            bucket: "prop".into(),
            endpoint: "https://splunk.example.com".into(),
            hec_ack_timeout_seconds: 180,
            retry_duration_seconds: s.retry_s,
            simulated: sim,
        },
        3 => Destination::OpenSearch {
            bucket: "prop".into(),
            index: "i".into(),
            rotation: IndexRotation::OneHour,
            retry_duration_seconds: s.retry_s,
            cluster: sim,
        },
        _ => Destination::Redshift {
            bucket: "prop".into(),
            table: "t".into(),
            columns: vec!["id".into(), "kind".into()],
            retry_duration_seconds: s.retry_s,
            cluster: sim,
        },
    };
    let splunk = s.dest == 2;
    DeliveryConfig {
        buffering: BufferingHints {
            size_mib: (!splunk).then_some(1),
            interval_seconds: (!splunk).then_some(60),
        },
        processing: ProcessingConfig {
            buffer_size_mb: Some(0.2),
            retries: 1,
            ..ProcessingConfig::default()
        },
        destination,
        ..DeliveryConfig::default()
    }
}

fn record_data(i: usize, kind: u8, pad: usize) -> Vec<u8> {
    match kind {
        0..=2 => format!(
            "{{\"id\":{i},\"kind\":{kind},\"p\":\"{}\"}}\n",
            "p".repeat(pad)
        )
        .into_bytes(),
        3 => format!("plain {i} {}\n", "p".repeat(pad)).into_bytes(),
        4 => format!("{{\"id\":{i},\"kind\":\"drop\"}}").into_bytes(),
        _ => format!("{{\"id\":{i},\"kind\":\"fail\"}}").into_bytes(),
    }
}

/// A transform of the given style: 0 passes everything; 1 drops and fails
/// by content; 2 also throws on every third call; 3 answers garbage on odd calls.
fn prop_transform(style: u8) -> Box<dyn transform::Transform> {
    let mut calls = 0u32;
    Box::new(transform::from_fn(move |input: &str| {
        calls += 1;
        if style == 2 && calls % 3 == 0 {
            return Err(InvokeError::function_error("thrown"));
        }
        if style == 3 && calls % 2 == 1 {
            return Ok("{not json".into());
        }
        let ev = parse_input(input)?;
        let replies: Vec<(String, Reply)> = ev
            .records
            .iter()
            .map(|r| {
                let text = String::from_utf8_lossy(&r.data);
                let reply = if style == 0 {
                    Reply::Ok(r.data.clone())
                } else if text.contains("\"drop\"") {
                    Reply::Dropped(r.data.clone())
                } else if text.contains("\"fail\"") {
                    Reply::Failed {
                        data: r.data.clone(),
                        reason: "asked to".into(),
                    }
                } else {
                    Reply::Ok(r.data.clone())
                };
                (r.record_id.clone(), reply)
            })
            .collect();
        let refs: Vec<(&str, Reply)> = replies
            .iter()
            .map(|(a, b)| (a.as_str(), b.clone()))
            .collect();
        Ok(build_output(&refs))
    }))
}

fn run(s: &Scenario) -> DeliveryStream {
    let mut fh = DeliveryStream::new("prop", config_of(s), s.seed, T0).unwrap();
    if let Some(t) = s.transform {
        fh.set_transform(Some(prop_transform(t)));
    }
    let mut recs = s.records.clone();
    recs.sort_by_key(|r| r.0);
    let mut healed = false;
    // Only endpoint and OpenSearch streams switch (Redshift's staging objects
    // would look like S3 deliveries).
    let mut switch = s.switch_at.filter(|_| (1..=3).contains(&s.dest));
    for (i, (t, kind, pad)) in recs.iter().enumerate() {
        if !healed && *t >= s.fail_until && s.dest != 0 {
            fh.advance_to(T0 + s.fail_until);
            if fh.config().destination.kind() != DestinationKind::S3 {
                fh.set_simulated(Simulated {
                    fail: false,
                    latency_ms: s.latency_ms / 1000,
                })
                .unwrap();
            }
            healed = true;
        }
        if let Some(at) = switch.filter(|at| t >= at) {
            let version = fh.update_destination(T0 + at, s3(1, 60)).unwrap();
            assert_eq!(version, 2);
            switch = None;
        }
        fh.put_record(T0 + t, record_data(i, *kind, *pad)).unwrap();
    }
    fh.flush(T0 + 130_000);
    fh.run_until_idle(T0 + 48 * 3_600_000);
    fh
}

/// Ids of records the destinations themselves hold, with how many copies.
fn destination_copies(fh: &DeliveryStream) -> BTreeMap<u64, usize> {
    let mut copies = BTreeMap::new();
    let mut add = |id: u64| *copies.entry(id).or_insert(0) += 1;
    if fh.config().destination.kind() == DestinationKind::Redshift {
        // Rows carry no ids: the successful COPYs say which records they loaded.
        for e in fh.events() {
            if let FirehoseEvent::Delivered { record_ids, .. } = e {
                record_ids.iter().for_each(|&i| add(i));
            }
        }
        return copies;
    }
    for o in fh
        .bucket()
        .objects()
        .iter()
        .filter(|o| o.kind == ObjectKind::Delivery)
    {
        o.record_ids.iter().for_each(|&i| add(i));
    }
    for r in &fh.endpoint().received {
        r.record_ids.iter().for_each(|&i| add(i));
    }
    for d in fh.opensearch().indices.values().flatten() {
        add(d.record_id);
    }
    copies
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_record_ends_up_exactly_once(s in scenario()) {
        let fh = run(&s);
        let c = fh.counts();
        prop_assert_eq!(c.in_flight, 0);
        prop_assert_eq!(c.received, s.records.len() as u64);
        prop_assert_eq!(c.received, c.delivered + c.dropped + c.failed_to_error_prefix);
        // Firehose's own accounting: Delivered events and error output, each id once, disjoint.
        let mut delivered = BTreeSet::new();
        let mut errored = BTreeSet::new();
        let mut explained = BTreeSet::new();
        for e in fh.events() {
            match e {
                FirehoseEvent::Delivered { record_ids, .. } => {
                    for &i in record_ids { prop_assert!(delivered.insert(i), "delivered twice: {}", i); }
                }
                FirehoseEvent::ErrorOutput { record_ids, .. } => {
                    for &i in record_ids { prop_assert!(errored.insert(i), "errored twice: {}", i); }
                }
                FirehoseEvent::Retried { retry: RetryOf::Delivery { .. }, record_ids, .. }
                | FirehoseEvent::LateReceipt { record_ids, .. } => {
                    explained.extend(record_ids.iter().copied());
                }
                _ => {}
            }
        }
        prop_assert!(delivered.is_disjoint(&errored));
        prop_assert_eq!(delivered.len() as u64, c.delivered);
        prop_assert_eq!(errored.len() as u64, c.failed_to_error_prefix);
        // Error objects hold exactly the errored ids.
        let in_objects: BTreeSet<u64> = fh.bucket().objects().iter()
            .filter(|o| o.kind.is_error_output())
            .flat_map(|o| o.record_ids.iter().copied())
            .collect();
        prop_assert_eq!(&in_objects, &errored);
        // What the destination holds: every delivered id, and copies only
        // where a retry or a late receipt explains them.
        let copies = destination_copies(&fh);
        for id in &delivered {
            prop_assert!(copies.contains_key(id), "delivered {} not at the destination", id);
        }
        for (id, n) in &copies {
            let extra = *n > 1 || errored.contains(id) || !delivered.contains(id);
            if extra {
                prop_assert!(explained.contains(id), "copy of {} unexplained ({} copies)", id, n);
            }
        }
        if s.transform.is_none() {
            prop_assert_eq!(c.dropped, 0);
        }
    }

    #[test]
    fn same_seed_same_events(s in scenario()) {
        let a = run(&s);
        let b = run(&s);
        prop_assert_eq!(a.events(), b.events());
        let ka: Vec<&str> = a.bucket().objects().iter().map(|o| o.key.as_str()).collect();
        let kb: Vec<&str> = b.bucket().objects().iter().map(|o| o.key.as_str()).collect();
        prop_assert_eq!(ka, kb);
    }

    #[test]
    fn size_or_time_whichever_first(
        size_mib in 1u32..4,
        interval in 60u32..900,
        recs in proptest::collection::vec((0u64..5_000, 1usize..200_000), 1..120),
    ) {
        let mut fh = DeliveryStream::new("sz", s3(size_mib, interval), 1, T0).unwrap();
        let size = size_mib as u64 * 1_048_576;
        let mut t = T0;
        let mut arrival = BTreeMap::new();
        let mut sizes = BTreeMap::new();
        for (gap, len) in &recs {
            t += gap;
            let r = fh.put_record(t, vec![b'r'; *len]).unwrap();
            arrival.insert(r.id, t);
            sizes.insert(r.id, *len as u64);
        }
        fh.run_until_idle(t + 3_600_000);
        let mut flushed = 0;
        for e in fh.events() {
            if let FirehoseEvent::Delivered { at_ms, reason, bytes, record_ids, .. } = e {
                flushed += record_ids.len();
                let first = record_ids.iter().map(|i| arrival[i]).min().unwrap();
                let last = *record_ids.last().unwrap();
                match reason {
                    FlushReason::Size => {
                        prop_assert!(*bytes >= size);
                        prop_assert!(bytes - sizes[&last] < size, "flushed late: {} B", bytes);
                        prop_assert!(*at_ms - first <= interval as u64 * 1000);
                    }
                    FlushReason::Time => {
                        prop_assert!(*bytes < size);
                        prop_assert_eq!(*at_ms, first + interval as u64 * 1000);
                    }
                    FlushReason::Flush => prop_assert!(false, "no flush was asked for"),
                }
            }
        }
        prop_assert_eq!(flushed, recs.len());
    }

    #[test]
    fn rejected_batches_change_nothing(
        lens in proptest::collection::vec(0usize..1_100_000, 0..8),
        many in 0usize..3,
    ) {
        let mut fh = DeliveryStream::new("rej", s3(5, 300), 1, T0).unwrap();
        fh.put_record(T0, b"seed".to_vec()).unwrap();
        let before = state(&fh);
        let mut batch: Vec<Vec<u8>> = lens.iter().map(|&n| vec![0; n]).collect();
        if many == 2 { batch = vec![vec![1]; 501]; }
        let total: usize = batch.iter().map(Vec::len).sum();
        let expect_err = batch.is_empty() || batch.len() > 500
            || batch.iter().any(|b| b.len() > 1_024_000) || total > 4 * 1_048_576;
        match fh.put_record_batch(T0 + 10, batch) {
            Ok(r) => {
                prop_assert!(!expect_err);
                prop_assert_eq!(r.request_responses.len(), lens.len());
            }
            Err(e) => {
                prop_assert!(expect_err, "{}", e);
                prop_assert!(e.field.starts_with("Records"));
                prop_assert_eq!(state(&fh), before);
            }
        }
    }

    #[test]
    fn configs_from_any_text_never_panic(text in ".{0,200}") {
        let _ = DeliveryConfig::from_json(&text);
        let _ = DeliveryConfig::from_toml(&text);
    }
}

#[test]
fn record_ids_are_the_transform_contracts() {
    for seed in [0, 1, 42, u64::MAX] {
        let fh = DeliveryStream::new("ids", s3(1, 60), seed, T0).unwrap();
        for id in [0, 1, 999, 123_456_789, u64::MAX] {
            assert_eq!(fh.record_id(id), transform::record_id(seed, id));
        }
    }
}

#[derive(Clone, Debug)]
enum Op {
    Put(u64, usize),
    Batch(u64, Vec<usize>),
    Advance(u64),
    Simulate(bool, u64),
    Update(u64, u32, u32, u8),
    Complete(u64, u64, Option<String>),
    Flush(u64),
    Transform(u8),
}

fn op() -> impl Strategy<Value = Op> {
    let time = prop_oneof![
        0u64..400_000,
        Just(u64::MAX - T0),
        (u64::MAX - T0 - 1_000_000)..(u64::MAX - T0)
    ];
    prop_oneof![
        (time.clone(), 0usize..2_000).prop_map(|(t, n)| Op::Put(t, n)),
        (
            time.clone(),
            proptest::collection::vec(0usize..3_000, 0..20)
        )
            .prop_map(|(t, v)| Op::Batch(t, v)),
        time.clone().prop_map(Op::Advance),
        (any::<bool>(), 0u64..1_000_000).prop_map(|(f, l)| Op::Simulate(f, l)),
        (time.clone(), 0u32..200, 0u32..1_000, 0u8..6)
            .prop_map(|(t, s, i, d)| Op::Update(t, s, i, d)),
        (0u64..4, time.clone(), proptest::option::of(".{0,40}"))
            .prop_map(|(id, t, r)| Op::Complete(id, t, r)),
        time.prop_map(Op::Flush),
        (0u8..4).prop_map(Op::Transform),
    ]
}

fn update_config(size: u32, interval: u32, dest: u8) -> DeliveryConfig {
    let s = Scenario {
        dest: dest % 5,
        fail: dest == 5,
        latency_ms: interval as u64 * 300,
        retry_s: interval,
        transform: None,
        fail_until: 0,
        records: vec![],
        seed: 0,
        switch_at: None,
    };
    let mut c = config_of(&s);
    if dest % 5 != 2 {
        c.buffering = BufferingHints {
            size_mib: Some(size),
            interval_seconds: Some(interval),
        };
    }
    c
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Any sequence of calls, at any times (up to the end of u64), with any
    /// sizes and answers: no panic, no hang, and the counts add up.
    #[test]
    fn any_operations_never_panic(ops in proptest::collection::vec(op(), 0..40), dest in 0u8..5) {
        let mut fh = DeliveryStream::new("ops", update_config(1, 60, dest), 3, T0).unwrap();
        for o in ops {
            match o {
                Op::Put(t, n) => { let _ = fh.put_record(T0 + t, vec![b'{'; n]); }
                Op::Batch(t, v) => {
                    let _ = fh.put_record_batch(T0 + t, v.into_iter().map(|n| vec![b'a'; n]).collect());
                }
                Op::Advance(t) => fh.advance_to(T0 + t),
                Op::Simulate(f, l) => { let _ = fh.set_simulated(Simulated { fail: f, latency_ms: l }); }
                Op::Update(t, s, i, d) => { let _ = fh.update_destination(T0 + t, update_config(s, i, d)); }
                Op::Complete(id, t, r) => {
                    let id = fh.pending_invocation().map(|p| p.0 + id % 2).unwrap_or(id);
                    let res = r.ok_or_else(|| InvokeError::function_error("x"));
                    let _ = fh.complete_invocation(id, T0 + t, res);
                }
                Op::Flush(t) => fh.flush(T0 + t),
                Op::Transform(k) => fh.set_transform(match k {
                    0 => None,
                    1 => Some(Box::new(transform::ExternalTransform)),
                    n => Some(prop_transform(n)),
                }),
            }
            let _ = fh.next_deadline();
            let _ = fh.buffer();
        }
        let c = fh.counts();
        prop_assert_eq!(c.received, c.delivered + c.dropped + c.failed_to_error_prefix + c.in_flight);
    }
}

#[test]
fn snapshot_splunk_ack_timeout_without_retry() {
    // Splunk acknowledges after 200 s; the HEC acknowledgement timeout is
    // 180 s and the retry duration 0: the batch goes to splunk-failed/ at
    // once, although Splunk indexes it 20 s later (the documented caveat).
    let cfg = DeliveryConfig {
        destination: Destination::Splunk {
            bucket: "splunk-backup".into(),
            endpoint: "https://splunk.example.com:8088".into(),
            hec_ack_timeout_seconds: 180,
            retry_duration_seconds: 0,
            simulated: Simulated {
                fail: false,
                latency_ms: 200_000,
            },
        },
        s3_backup: Some(S3BackupMode::AllData),
        ..DeliveryConfig::default()
    };
    let mut fh = DeliveryStream::new("siem", cfg, 2, T0).unwrap();
    fh.put_record(T0, b"event one\n".to_vec()).unwrap();
    fh.put_record(T0 + 500, b"event two\n".to_vec()).unwrap();
    fh.run_until_idle(T0 + 3_600_000);
    check(
        &fh,
        expect![[r#"
        60.000s flush batch 0 by time: 2 records, 20 B
        60.000s send batch 0 attempt 1
        60.000s backed up 2 records to source-backup/2023/11/14/22/siem-1-2023-11-14-22-14-20-8b94d33c-d121-41a4-8bcf-3c91931614f7
        240.000s batch 0 attempt 1 failed: Splunk.AckTimeout
        240.000s error output SplunkFailed splunk-failed/2023/11/14/22/siem-1-2023-11-14-22-17-20-626bee17-54b3-44c3-954e-a433d21c2743: 2 records
        260.000s endpoint took batch 0 attempt 1 late (2 records)
    "#]],
    );
    let failed = fh.bucket().list("splunk-failed/");
    assert_eq!(failed.len(), 1);
    let body = String::from_utf8(fh.object_bytes(failed[0]).unwrap()).unwrap();
    let v: serde_json::Value = serde_json::from_str(body.lines().next().unwrap()).unwrap();
    assert_eq!(v["errorCode"], "Splunk.AckTimeout");
    assert!(v.get("EventId").is_some());
    // Splunk's raw endpoint got the bytes as sent, concatenated.
    assert_eq!(fh.endpoint().received[0].body, b"event one\nevent two\n");
    let c = fh.counts();
    assert_eq!(
        (
            c.delivered,
            c.failed_to_error_prefix,
            c.backed_up,
            c.retried
        ),
        (0, 2, 2, 0)
    );
}

#[test]
fn stream_source_transform_sees_kinesis_metadata() {
    use kinesis_lab_core::stream::engine::{Engine, PutEntry};
    let mut ks = Engine::new();
    ks.create_stream(T0, "clicks", 1).unwrap();
    ks.put_records(
        T0 + 5,
        "clicks",
        &[PutEntry {
            partition_key: "user-9".into(),
            explicit_hash_key: None,
            data: b"{\"n\":1}".to_vec(),
        }],
    )
    .unwrap();
    let cfg = DeliveryConfig {
        source: SourceConfig::KinesisStream {
            stream: "clicks".into(),
            start: StreamStart::TrimHorizon,
        },
        ..s3(1, 60)
    };
    let mut fh = DeliveryStream::new("meta", cfg, 1, T0).unwrap();
    fh.set_transform(Some(Box::new(transform::ExternalTransform)));
    fh.poll_source(T0 + 1_000, &mut ks).unwrap();
    fh.advance_to(T0 + 61_000);
    let (_, input) = fh.pending_invocation().unwrap();
    let v: serde_json::Value = serde_json::from_str(input).unwrap();
    assert_eq!(
        v["sourceKinesisStreamArn"],
        "arn:aws:kinesis:us-east-1:000000000000:stream/clicks"
    );
    let meta = &v["records"][0]["kinesisRecordMetadata"];
    assert_eq!(meta["partitionKey"], "user-9");
    assert_eq!(meta["shardId"], "shardId-000000000000");
    assert_eq!(meta["approximateArrivalTimestamp"], T0 + 5);
}

#[test]
fn removing_the_transform_passes_waiting_records_on() {
    let mut cfg = s3(1, 60);
    cfg.processing.buffer_size_mb = Some(0.2);
    let mut fh = DeliveryStream::new("rm", cfg, 1, T0).unwrap();
    fh.set_transform(Some(Box::new(transform::ExternalTransform)));
    // Three processor buffers' worth: one invocation pending, two queued, some buffered.
    let rec = vec![b'k'; 50_000];
    for i in 0..14 {
        fh.put_record(T0 + i, rec.clone()).unwrap();
    }
    let (id, input) = fh
        .pending_invocation()
        .map(|(i, s)| (i, s.to_owned()))
        .unwrap();
    fh.set_transform(None);
    assert_eq!(fh.counts().in_flight, 14);
    // The pending invocation still settles (the worker answered after all).
    let ev = parse_input(&input).unwrap();
    let replies: Vec<(&str, Reply)> = ev
        .records
        .iter()
        .map(|r| (r.record_id.as_str(), Reply::Ok(r.data.clone())))
        .collect();
    fh.complete_invocation(id, T0 + 100, Ok(build_output(&replies)))
        .unwrap();
    fh.run_until_idle(T0 + 3_600_000);
    let c = fh.counts();
    assert_eq!(
        (
            c.received,
            c.delivered,
            c.failed_to_error_prefix,
            c.in_flight
        ),
        (14, 14, 0, 0)
    );
}
