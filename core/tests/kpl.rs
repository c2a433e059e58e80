//! The KPL: the aggregated-record format (round trip, corruption, an
//! independent encoding of the same message) and the simulated producer's
//! claims students see (aggregation beats the records/s limit; buffering
//! adds latency).

use kinesis_lab_core::hash::hash_key_of;
use kinesis_lab_core::producer::kpl::format::{
    aggregate, deaggregate, inspect, pack, user_records_of, Aggregator, DeaggregationError,
    PackError, Tag, UserRecord, FIXED_OVERHEAD, MAGIC, MAX_KINESIS_RECORD_BYTES,
};
use kinesis_lab_core::producer::kpl::sim::{user_data, KplConfig, KplProducer, RetryPolicy};
use kinesis_lab_core::stream::engine::Engine;
use kinesis_lab_core::stream::limits::{WRITE_BYTES_PER_SECOND, WRITE_RECORDS_PER_SECOND};
use md5::{Digest, Md5};
use proptest::prelude::*;
use std::collections::BTreeSet;

fn user_record() -> impl Strategy<Value = UserRecord> {
    (
        // Few distinct keys, so the key tables share entries.
        prop_oneof!["[a-c]{1,2}", "\\PC{1,20}"],
        proptest::option::of(prop_oneof![Just("0".to_string()), "[1-9][0-9]{0,37}"]),
        proptest::collection::vec(any::<u8>(), 0..64),
        proptest::collection::vec(("\\PC{0,8}", proptest::option::of("\\PC{0,8}")), 0..3),
    )
        .prop_map(
            |(partition_key, explicit_hash_key, data, tags)| UserRecord {
                partition_key,
                explicit_hash_key,
                data,
                tags: tags
                    .into_iter()
                    .map(|(key, value)| Tag { key, value })
                    .collect(),
            },
        )
}

proptest! {
    #[test]
    fn aggregate_then_deaggregate_gives_back_the_records(records in proptest::collection::vec(user_record(), 1..40)) {
        let bytes = aggregate(&records).unwrap();
        prop_assert_eq!(&bytes[..4], &MAGIC[..]);
        prop_assert_eq!(deaggregate(&bytes).unwrap(), records.clone());
        // The running size the aggregator keeps is the size of the bytes.
        let mut agg = Aggregator::new();
        for r in &records {
            agg.try_add(r.clone(), MAX_KINESIS_RECORD_BYTES).unwrap();
        }
        prop_assert_eq!(agg.size(), bytes.len());
        prop_assert_eq!(agg.finish(), bytes);
    }

    #[test]
    fn packing_keeps_order_and_limits(records in proptest::collection::vec(user_record(), 1..60), max in 64usize..600, max_records in 1usize..10) {
        let packed = pack(records.clone(), max, max_records).unwrap();
        let mut back = Vec::new();
        for p in &packed {
            let inner = deaggregate(&p.data).unwrap();
            prop_assert_eq!(inner.len(), p.user_records);
            prop_assert!(p.user_records <= max_records);
            // Over the limit only when a record alone is bigger than it.
            prop_assert!(p.data.len() <= max || p.user_records == 1);
            prop_assert_eq!(p.explicit_hash_key, inner[0].hash_key().unwrap());
            back.extend(inner);
        }
        prop_assert_eq!(back, records);
    }

    /// Whatever the bytes, deaggregation answers without panicking.
    #[test]
    fn any_bytes_are_safe(mut bytes in proptest::collection::vec(any::<u8>(), 0..200), magic in any::<bool>()) {
        if magic {
            bytes.splice(0..0, MAGIC);
        }
        let _ = deaggregate(&bytes);
    }
}

fn sample() -> Vec<UserRecord> {
    vec![
        UserRecord::new("user-1", b"{\"n\":1}".to_vec()),
        UserRecord {
            explicit_hash_key: Some("170141183460469231731687303715884105728".into()),
            ..UserRecord::new("user-2", b"{\"n\":2}".to_vec())
        },
        UserRecord::new("user-1", b"{\"n\":3}".to_vec()),
    ]
}

#[test]
fn key_tables_hold_each_key_once() {
    let a = inspect(&aggregate(&sample()).unwrap()).unwrap();
    assert_eq!(a.partition_key_table, ["user-1", "user-2"]);
    assert_eq!(a.explicit_hash_key_table.len(), 1);
    let idx: Vec<_> = a
        .records
        .iter()
        .map(|r| (r.partition_key_index, r.explicit_hash_key_index))
        .collect();
    assert_eq!(idx, [(0, None), (1, Some(0)), (0, None)]);
    assert_eq!(
        a.md5[..],
        Md5::digest(&aggregate(&sample()).unwrap()[4..4 + a.message_len])[..]
    );
}

#[test]
fn corruption_is_named() {
    let good = aggregate(&sample()).unwrap();
    // A flipped bit in the message: the MD5 no longer matches.
    let mut bad = good.clone();
    bad[10] ^= 1;
    assert!(matches!(
        deaggregate(&bad),
        Err(DeaggregationError::Md5Mismatch { .. })
    ));
    // A flipped bit in the MD5 itself.
    let mut bad = good.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x80;
    let err = deaggregate(&bad).unwrap_err();
    assert!(err.to_string().contains("MD5"), "{err}");
    // Wrong magic.
    let mut bad = good.clone();
    bad[0] = 0;
    let err = deaggregate(&bad).unwrap_err();
    assert_eq!(
        err,
        DeaggregationError::BadMagic {
            found: vec![0, 0x89, 0x9a, 0xc2]
        }
    );
    assert!(err.to_string().contains("F3 89 9A C2"), "{err}");
    // Truncated: the last 16 bytes are no longer the digest.
    for cut in [1, 8, good.len() - FIXED_OVERHEAD] {
        let err = deaggregate(&good[..good.len() - cut]).unwrap_err();
        assert!(
            matches!(err, DeaggregationError::Md5Mismatch { .. }),
            "cut {cut}: {err}"
        );
    }
    for len in [0, 2, 4, 19] {
        assert_eq!(
            deaggregate(&good[..len]),
            Err(DeaggregationError::TooShort { len })
        );
    }
}

/// Hand-assembled protobuf, written from the field numbers of the published
/// format (not with prost): both encoders must agree byte for byte, and
/// messages our encoder never writes (a key index past its table, a missing
/// required field) are refused with their field named.
mod independent {
    use super::*;

    fn varint(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }

    fn field_bytes(tag: u8, body: &[u8], out: &mut Vec<u8>) {
        out.push(tag << 3 | 2);
        varint(body.len() as u64, out);
        out.extend_from_slice(body);
    }

    fn field_varint(tag: u8, v: u64, out: &mut Vec<u8>) {
        out.push(tag << 3);
        varint(v, out);
    }

    fn wrap(proto: &[u8]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(proto);
        out.extend_from_slice(&Md5::digest(proto));
        out
    }

    #[test]
    fn hand_assembled_bytes_match() {
        let mut proto = Vec::new();
        field_bytes(1, b"user-1", &mut proto);
        field_bytes(1, b"user-2", &mut proto);
        field_bytes(2, b"170141183460469231731687303715884105728", &mut proto);
        for (pk, ehk, data) in [
            (0, None, &b"{\"n\":1}"[..]),
            (1, Some(0), b"{\"n\":2}"),
            (0, None, b"{\"n\":3}"),
        ] {
            let mut rec = Vec::new();
            field_varint(1, pk, &mut rec);
            if let Some(e) = ehk {
                field_varint(2, e, &mut rec);
            }
            field_bytes(3, data, &mut rec);
            field_bytes(3, &rec, &mut proto);
        }
        let theirs = wrap(&proto);
        assert_eq!(aggregate(&sample()).unwrap(), theirs);
        assert_eq!(deaggregate(&theirs).unwrap(), sample());
    }

    #[test]
    fn foreign_messages_are_checked() {
        let record = |fields: &dyn Fn(&mut Vec<u8>)| {
            let mut proto = Vec::new();
            field_bytes(1, b"k", &mut proto);
            let mut rec = Vec::new();
            fields(&mut rec);
            field_bytes(3, &rec, &mut proto);
            wrap(&proto)
        };
        let past_table = record(&|r| {
            field_varint(1, 3, r);
            field_bytes(3, b"d", r);
        });
        let err = deaggregate(&past_table).unwrap_err();
        assert!(
            err.to_string().contains("partition_key_index is 3"),
            "{err}"
        );
        let no_data = record(&|r| field_varint(1, 0, r));
        let err = deaggregate(&no_data).unwrap_err();
        assert_eq!(err.to_string(), "records[0] lacks its required field data");
        let no_ehk_table = record(&|r| {
            field_varint(1, 0, r);
            field_varint(2, 0, r);
            field_bytes(3, b"d", r);
        });
        assert!(matches!(
            deaggregate(&no_ehk_table),
            Err(DeaggregationError::IndexOutOfRange {
                field: "explicit_hash_key_index",
                ..
            })
        ));
        // Not protobuf at all (a length running past the end).
        let err = deaggregate(&wrap(&[0x0a, 0x7f, 1])).unwrap_err();
        assert!(matches!(err, DeaggregationError::Protobuf { .. }), "{err}");
    }
}

#[test]
fn a_plain_record_is_one_user_record() {
    let users = user_records_of("pk", b"hello").unwrap();
    assert_eq!(users, [UserRecord::new("pk", b"hello".to_vec())]);
}

#[test]
fn a_record_too_big_for_kinesis_is_refused() {
    let big = UserRecord::new("k", vec![0; MAX_KINESIS_RECORD_BYTES]);
    let err = pack(vec![UserRecord::new("k", vec![1]), big], 1000, 10).unwrap_err();
    assert_eq!(err.0, 1);
    assert!(matches!(err.1, PackError::TooLarge { .. }));
    let bad_key = UserRecord::new("", vec![1]);
    assert!(matches!(
        pack(vec![bad_key], 1000, 10),
        Err((0, PackError::Invalid(_)))
    ));
}

// ---------------------------------------------------------------------------
// The simulated producer.

fn run(config: KplConfig, shards: u32, secs: u64, tick: u64) -> (Engine, KplProducer) {
    let mut e = Engine::new();
    e.create_stream(0, &config.stream, shards).unwrap();
    let mut p = KplProducer::new(config, 7, 0).unwrap();
    let mut t = 0;
    while t < secs * 1000 {
        t = (t + tick).min(secs * 1000);
        p.run_until(&mut e, t);
    }
    (e, p)
}

/// Every user record stored in the stream, deaggregated, by number.
fn stored_ids(e: &Engine, stream: &str) -> Vec<u64> {
    let mut ids = Vec::new();
    for sh in &e.stream(stream).unwrap().shards {
        for r in &sh.records {
            for u in user_records_of(r.partition_key.as_str(), r.data.as_slice()).unwrap() {
                let text = String::from_utf8_lossy(&u.data).into_owned();
                let id: u64 = text.split(':').next().unwrap().parse().unwrap();
                assert_eq!(u.data, user_data(id, u.data.len()));
                ids.push(id);
            }
        }
    }
    ids
}

/// Most Kinesis records a shard accepted in any one-second window, and most
/// bytes.
fn peak_per_second(e: &Engine, stream: &str, from_ms: u64) -> (u64, u64) {
    let mut peak = (0, 0);
    for sh in &e.stream(stream).unwrap().shards {
        let recs: Vec<(u64, u64)> = sh
            .records
            .iter()
            .filter(|r| r.arrival_ms >= from_ms)
            .map(|r| (r.arrival_ms, r.size() as u64))
            .collect();
        for (i, (start, _)) in recs.iter().enumerate() {
            let window = recs[i..].iter().take_while(|(t, _)| *t < start + 1000);
            let (n, b) = window.fold((0, 0), |(n, b), (_, s)| (n + 1, b + s));
            peak = (peak.0.max(n), peak.1.max(b));
        }
    }
    peak
}

/// The page's headline: 100-byte records at 5,000/s into one shard. Without
/// aggregation the shard's 1,000 records/s caps what gets in and most user
/// records never make it; with aggregation every one arrives, within the
/// shard's 1 MiB/s.
#[test]
fn aggregation_beats_the_records_per_second_limit() {
    let secs = 20;
    let mut plain = KplConfig::new("s", 5_000, 100);
    plain.aggregation = false;
    let (e, p) = run(plain, 1, secs, 100);
    let received = p.stats.user_records_received;
    // One every 0.2 ms, from 0 up to and including the last millisecond.
    assert_eq!(received, 5_000 * secs + 5);
    // The shard starts with one second of burst, then 1,000 records/s.
    let cap = WRITE_RECORDS_PER_SECOND * (secs + 1);
    assert!(
        p.stats.kinesis_records_put <= cap,
        "{}",
        p.stats.kinesis_records_put
    );
    assert_eq!(p.stats.user_records_put, p.stats.kinesis_records_put);
    assert!(
        p.stats.user_records_put * 4 < received,
        "most do not get in: {:?}",
        p.stats
    );
    assert!(
        p.stats.kinesis_records_throttled > 0,
        "the stream throttled some: {:?}",
        p.stats
    );
    let (records_peak, _) = peak_per_second(&e, "s", 1_000);
    assert!(records_peak <= WRITE_RECORDS_PER_SECOND, "{records_peak}");
    assert_eq!(stored_ids(&e, "s").len() as u64, p.stats.user_records_put);

    let (e, p) = run(KplConfig::new("s", 5_000, 100), 1, secs, 100);
    // Everything that arrived before the last buffering deadline is in.
    let mut ids = stored_ids(&e, "s");
    ids.sort_unstable();
    let unique: BTreeSet<u64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "no user record twice");
    assert_eq!(ids.len() as u64, p.stats.user_records_put);
    assert!(
        p.stats.user_records_put + 1_000 >= received,
        "{:?}",
        p.stats
    );
    assert_eq!(p.stats.user_records_expired, 0);
    assert_eq!(p.stats.kinesis_records_throttled, 0);
    assert!(
        p.stats.kinesis_records_put * 100 < p.stats.user_records_put,
        "{:?}",
        p.stats
    );
    let (records_peak, bytes_peak) = peak_per_second(&e, "s", 1_000);
    assert!(bytes_peak <= WRITE_BYTES_PER_SECOND, "{bytes_peak}");
    assert!(records_peak < 100, "{records_peak}");
}

/// Buffering adds latency: raising RecordMaxBufferedTime from 100 to 1,000
/// ms makes the slowest record about 900 ms later and the mean about half
/// that (a buffer goes out when its oldest record is due, taking the
/// younger ones with it). A lightly loaded producer, so nothing else holds
/// records back.
#[test]
fn buffering_adds_latency() {
    let latency = |rmbt: u32, aggregation: bool| {
        let mut c = KplConfig::new("s", 200, 100);
        c.record_max_buffered_time_ms = rmbt;
        c.aggregation = aggregation;
        let (_, p) = run(c, 2, 30, 250);
        assert_eq!(p.stats.kinesis_records_throttled, 0);
        (
            p.stats.mean_latency_ms().unwrap(),
            p.stats.latency_max_ms as f64,
        )
    };
    for aggregation in [false, true] {
        let ((mean_short, max_short), (mean_long, max_long)) =
            (latency(100, aggregation), latency(1_000, aggregation));
        let what = format!("aggregation {aggregation}: mean {mean_short} → {mean_long}, max {max_short} → {max_long}");
        assert!((850.0..=950.0).contains(&(max_long - max_short)), "{what}");
        assert!(
            (350.0..=550.0).contains(&(mean_long - mean_short)),
            "{what}"
        );
        // No record waits longer than its buffering time plus the
        // collector's extra 50 ms at most.
        assert!(max_short <= 150.0 && max_long <= 1_050.0, "{what}");
    }
}

#[test]
fn tick_size_does_not_change_the_outcome() {
    for aggregation in [true, false] {
        let mut c = KplConfig::new("s", 3_000, 300);
        c.aggregation = aggregation;
        c.retry = RetryPolicy::Backoff {
            base_ms: 100,
            max_ms: 2_000,
        };
        let (e1, p1) = run(c.clone(), 2, 8, 17);
        let (e2, p2) = run(c, 2, 8, 8_000);
        assert_eq!(p1.stats, p2.stats);
        assert_eq!(e1.events(), e2.events());
        assert!(p1.stats.user_records_put > 0);
    }
}

/// Throttled records are retried until they get in or expire; each user
/// record is stored at most once.
#[test]
fn retries_deliver_or_expire() {
    for retry in [
        RetryPolicy::Rebuffer,
        RetryPolicy::Backoff {
            base_ms: 100,
            max_ms: 5_000,
        },
    ] {
        let mut c = KplConfig::new("s", 1_500, 50);
        c.aggregation = false;
        c.rate_limit_percent = 400;
        c.record_ttl_ms = 5_000;
        c.retry = retry;
        let (e, p) = run(c, 1, 30, 1_000);
        let s = &p.stats;
        assert!(s.retries > 0 && s.kinesis_records_throttled > 0, "{s:?}");
        assert!(s.user_records_expired > 0, "{s:?}");
        assert_eq!(
            s.user_records_received,
            s.user_records_put + s.user_records_expired + p.outstanding()
        );
        let ids = stored_ids(&e, "s");
        let unique: BTreeSet<u64> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len());
    }
}

/// The KPL's rate limiter keeps a lone producer near the shard's limit: at
/// the default 150 % the stream throttles far fewer records than at 1,000 %.
#[test]
fn the_rate_limiter_holds_records_back() {
    let throttled = |pct| {
        let mut c = KplConfig::new("s", 5_000, 100);
        c.aggregation = false;
        c.rate_limit_percent = pct;
        run(c, 1, 10, 500).1.stats.kinesis_records_throttled
    };
    let (default, loose) = (throttled(150), throttled(1_000));
    assert!(default * 3 < loose, "{default} vs {loose}");
}

#[test]
fn each_aggregated_record_stays_on_one_shard() {
    let (e, _) = run(KplConfig::new("s", 4_000, 200), 4, 5, 1_000);
    for sh in &e.stream("s").unwrap().shards {
        for r in &sh.records {
            for u in user_records_of(r.partition_key.as_str(), r.data.as_slice()).unwrap() {
                let h = hash_key_of(&u.partition_key).unwrap();
                assert!(sh.range.contains(h), "{} on {}", u.partition_key, sh.index);
            }
        }
    }
}

#[test]
fn bad_settings_name_their_field() {
    use kinesis_lab_core::error::Field;
    type Change = fn(&mut KplConfig);
    let cases: [(Change, Field); 4] = [
        (
            |c| c.record_max_buffered_time_ms = 5,
            Field::RecordMaxBufferedTime,
        ),
        (
            |c| c.aggregation_max_size = 2_000_000,
            Field::AggregationMaxSize,
        ),
        (|c| c.rate_limit_percent = 0, Field::RateLimit),
        (|c| c.record_ttl_ms = 0, Field::RecordTtl),
    ];
    for (change, field) in cases {
        let mut c = KplConfig::new("s", 100, 100);
        change(&mut c);
        assert_eq!(KplProducer::new(c, 1, 0).err().unwrap().field, field);
    }
}
