//! The Firehose transform contract (core/src/firehose/transform.rs): the input
//! event, AWS's rules for the function's answer (one test per rule), the
//! `processing-failed/` line, the built-in transforms, closures, and
//! property tests that no input makes anything panic.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use kinesis_lab_core::firehose::transform::{
    build_input, build_output, build_stream_input, check_output, codes, from_fn, invocation_failed,
    invocation_id, js_template, lambda_arn, parse_csv_line, parse_input, processing_failed_record,
    record_id, BuiltinError, BuiltinProblem, BuiltinTransform, ExternalTransform, InputRecord,
    Invoke, InvokeError, KinesisRecordMetadata, Outcome, Reply, StreamInputRecord, Transform,
    MAX_COLUMNS, MAX_NAME_CHARS, MAX_PAYLOAD_BYTES, REASON_KEY,
};
use proptest::prelude::*;
use serde_json::{json, Value};

const ARN: &str = "arn:aws:firehose:us-east-1:123456789012:deliverystream/lab";

/// Three records with ids from the real id function.
fn batch(datas: &[&[u8]]) -> (Vec<String>, Vec<Vec<u8>>) {
    let ids = (0..datas.len() as u64).map(|i| record_id(7, i)).collect();
    (ids, datas.iter().map(|d| d.to_vec()).collect())
}

fn input_for(ids: &[String], datas: &[Vec<u8>]) -> String {
    let recs: Vec<InputRecord> = ids
        .iter()
        .zip(datas)
        .enumerate()
        .map(|(i, (id, d))| InputRecord {
            record_id: id,
            arrival_ms: 1_700_000_000_000 + i as u64,
            data: d,
        })
        .collect();
    build_input(&invocation_id(7, 0), ARN, "us-east-1", &recs)
}

fn refs(ids: &[String]) -> Vec<&str> {
    ids.iter().map(String::as_str).collect()
}

fn b64(s: &[u8]) -> String {
    B64.encode(s)
}

/// Run `check_output` for `ids` on a response given as a JSON value.
fn check(ids: &[String], response: Value) -> Vec<Outcome> {
    check_output(&refs(ids), &response.to_string())
        .expect("a response with a records array is checked record by record")
        .into_iter()
        .map(|(_, o)| o)
        .collect()
}

fn failed_code(o: &Outcome) -> &str {
    match o {
        Outcome::Failed { code, .. } => code,
        other => panic!("expected a failed record, got {other:?}"),
    }
}

fn failed_message(o: &Outcome) -> &str {
    match o {
        Outcome::Failed { message, .. } => message,
        other => panic!("expected a failed record, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Ids and the input event
// ---------------------------------------------------------------------------

#[test]
fn record_ids_look_like_firehose_ids_are_distinct_and_sort_by_arrival() {
    let ids: Vec<String> = (0..50).map(|i| record_id(42, i * 997)).collect();
    for id in &ids {
        assert_eq!(id.len(), 56, "{id}");
        assert!(id.bytes().all(|b| b.is_ascii_digit()), "{id}");
    }
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, ids, "distinct and in arrival order");
    assert_eq!(record_id(42, 5), record_id(42, 5));
    assert_ne!(record_id(42, 5), record_id(43, 5));
    // The largest sequence number still fits the shape.
    assert_eq!(record_id(u64::MAX, u64::MAX).len(), 56);
}

#[test]
fn invocation_ids_are_version_4_uuids_derived_from_seed_and_count() {
    let mut seen = std::collections::BTreeSet::new();
    for n in 0..200 {
        let id = invocation_id(9, n);
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12],
            "{id}"
        );
        assert!(id
            .chars()
            .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert!(parts[2].starts_with('4'), "version nibble: {id}");
        assert!(
            matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'),
            "variant: {id}"
        );
        assert!(seen.insert(id));
    }
    assert_eq!(invocation_id(9, 3), invocation_id(9, 3));
    assert_ne!(invocation_id(9, 3), invocation_id(10, 3));
}

#[test]
fn lambda_arns_have_the_function_form() {
    assert_eq!(
        lambda_arn("eu-west-1", "123456789012", "lab-add-field"),
        "arn:aws:lambda:eu-west-1:123456789012:function:lab-add-field"
    );
}

#[test]
fn the_input_event_has_firehose_fields_in_order_and_base64_data() {
    let datas: Vec<Vec<u8>> = vec![b"{\"a\":1}\n".to_vec(), vec![0, 159, 146, 150], vec![]];
    let ids: Vec<String> = (0..3).map(|i| record_id(1, i)).collect();
    let text = input_for(&ids, &datas);

    // Key order as Firehose writes it.
    let pos = |k: &str| text.find(&format!("\"{k}\"")).unwrap_or(usize::MAX);
    assert!(pos("invocationId") < pos("deliveryStreamArn"));
    assert!(pos("deliveryStreamArn") < pos("region"));
    assert!(pos("region") < pos("records"));
    assert!(pos("recordId") < pos("approximateArrivalTimestamp"));
    assert!(pos("approximateArrivalTimestamp") < pos("data"));

    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["invocationId"], json!(invocation_id(7, 0)));
    assert_eq!(v["deliveryStreamArn"], json!(ARN));
    assert_eq!(v["region"], json!("us-east-1"));
    let recs = v["records"].as_array().unwrap();
    assert_eq!(recs.len(), 3);
    for (i, r) in recs.iter().enumerate() {
        assert_eq!(r["recordId"], json!(ids[i]));
        assert_eq!(
            r["approximateArrivalTimestamp"].as_u64(),
            Some(1_700_000_000_000 + i as u64)
        );
        let data = B64.decode(r["data"].as_str().unwrap()).unwrap();
        assert_eq!(data, datas[i]);
    }
}

#[test]
fn a_direct_put_event_has_no_stream_fields() {
    let (ids, datas) = batch(&[b"x"]);
    let text = input_for(&ids, &datas);
    assert!(!text.contains("sourceKinesisStreamArn"));
    assert!(!text.contains("kinesisRecordMetadata"));
}

#[test]
fn a_stream_source_event_adds_the_stream_arn_and_record_metadata() {
    let stream_arn = "arn:aws:kinesis:us-east-1:123456789012:stream/orders";
    let ids = [record_id(2, 0), record_id(2, 1)];
    let seqs = [
        "49590338271490256608559692538361571095921575989136588898",
        "49590338271490256608559692538361571095921575989136588899",
    ];
    let recs: Vec<StreamInputRecord> = (0..2)
        .map(|i| StreamInputRecord {
            record: InputRecord {
                record_id: &ids[i],
                arrival_ms: 2_000 + i as u64,
                data: b"{}",
            },
            kinesis: KinesisRecordMetadata {
                shard_id: "shardId-000000000001",
                partition_key: "user-7",
                approximate_arrival_ms: 1_000 + i as u64,
                sequence_number: seqs[i],
                subsequence_number: i as u64,
            },
        })
        .collect();
    let text = build_stream_input(&invocation_id(2, 0), stream_arn, ARN, "us-east-1", &recs);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["sourceKinesisStreamArn"], json!(stream_arn));
    assert_eq!(v["deliveryStreamArn"], json!(ARN));
    for (i, r) in v["records"].as_array().unwrap().iter().enumerate() {
        assert_eq!(r["recordId"], json!(ids[i]));
        assert_eq!(
            r["approximateArrivalTimestamp"].as_u64(),
            Some(2_000 + i as u64)
        );
        let k = &r["kinesisRecordMetadata"];
        assert_eq!(k["shardId"], json!("shardId-000000000001"));
        assert_eq!(k["partitionKey"], json!("user-7"));
        assert_eq!(
            k["approximateArrivalTimestamp"].as_u64(),
            Some(1_000 + i as u64)
        );
        assert_eq!(k["sequenceNumber"], json!(seqs[i]));
        assert_eq!(k["subsequenceNumber"].as_u64(), Some(i as u64));
    }
    // A built-in reads it like a Direct PUT event.
    let ev = parse_input(&text).unwrap();
    assert_eq!(ev.records.len(), 2);
    assert_eq!(ev.records[1].data, b"{}");
}

#[test]
fn parse_input_reads_back_what_build_input_wrote() {
    let (ids, datas) = batch(&[b"x", b"", b"\xff\x00"]);
    let ev = parse_input(&input_for(&ids, &datas)).unwrap();
    assert_eq!(ev.region, "us-east-1");
    assert_eq!(ev.delivery_stream_arn, ARN);
    let back: Vec<(String, Vec<u8>)> = ev
        .records
        .into_iter()
        .map(|r| (r.record_id, r.data))
        .collect();
    let want: Vec<(String, Vec<u8>)> = ids.into_iter().zip(datas).collect();
    assert_eq!(back, want);
    assert!(parse_input("[]").is_err());
    assert!(parse_input(r#"{"records":[{"recordId":"1","data":"%%"}]}"#).is_err());
}

// ---------------------------------------------------------------------------
// AWS's rules for the answer, one at a time
// ---------------------------------------------------------------------------

#[test]
fn ok_records_carry_the_transformed_bytes_in_sent_order() {
    let (ids, _) = batch(&[b"a", b"b", b"c"]);
    // Answered in reverse order, with new data.
    let resp = json!({"records": [
        {"recordId": ids[2], "result": "Ok", "data": b64(b"C")},
        {"recordId": ids[1], "result": "Ok", "data": b64(b"")},
        {"recordId": ids[0], "result": "Ok", "data": b64(b"A\n")},
    ]});
    let got = check_output(&refs(&ids), &resp.to_string()).unwrap();
    let got_ids: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(got_ids, refs(&ids));
    assert_eq!(
        got.into_iter().map(|(_, o)| o).collect::<Vec<_>>(),
        [
            Outcome::Ok(b"A\n".to_vec()),
            Outcome::Ok(vec![]),
            Outcome::Ok(b"C".to_vec())
        ]
    );
}

#[test]
fn dropped_records_count_as_processed_even_without_data() {
    let (ids, _) = batch(&[b"a", b"b"]);
    let got = check(
        &ids,
        json!({"records": [
            {"recordId": ids[0], "result": "Dropped"},
            {"recordId": ids[1], "result": "Dropped", "data": b64(b"b")},
        ]}),
    );
    assert_eq!(got, [Outcome::Dropped, Outcome::Dropped]);
}

#[test]
fn processing_failed_fails_the_record_with_its_status_code() {
    let (ids, _) = batch(&[b"a", b"b"]);
    let got = check(
        &ids,
        json!({"records": [
            {"recordId": ids[0], "result": "ProcessingFailed", "data": b64(b"a")},
            {"recordId": ids[1], "result": "Ok", "data": b64(b"b")},
        ]}),
    );
    assert_eq!(failed_code(&got[0]), codes::PROCESSING_FAILED_STATUS);
    assert_eq!(got[1], Outcome::Ok(b"b".to_vec()));
}

#[test]
fn a_lab_reason_on_a_failed_record_reaches_the_message() {
    let (ids, _) = batch(&[b"a"]);
    let got = check(
        &ids,
        json!({"records": [
            {"recordId": ids[0], "result": "ProcessingFailed", REASON_KEY: "price is negative"},
        ]}),
    );
    assert_eq!(failed_code(&got[0]), codes::PROCESSING_FAILED_STATUS);
    assert!(failed_message(&got[0]).contains("price is negative"));
}

#[test]
fn a_record_the_function_did_not_return_is_missing() {
    let (ids, _) = batch(&[b"a", b"b", b"c"]);
    let got = check(
        &ids,
        json!({"records": [
            {"recordId": ids[0], "result": "Ok", "data": b64(b"a")},
            {"recordId": ids[2], "result": "Ok", "data": b64(b"c")},
        ]}),
    );
    assert_eq!(got[0], Outcome::Ok(b"a".to_vec()));
    assert_eq!(failed_code(&got[1]), codes::MISSING_RECORD_ID);
    assert_eq!(got[2], Outcome::Ok(b"c".to_vec()));
}

#[test]
fn an_answer_without_record_id_leaves_its_record_missing_and_says_so() {
    let (ids, _) = batch(&[b"a", b"b"]);
    let got = check(
        &ids,
        json!({"records": [
            {"recordId": ids[0], "result": "Ok", "data": b64(b"a")},
            {"result": "Ok", "data": b64(b"b")},
        ]}),
    );
    assert_eq!(got[0], Outcome::Ok(b"a".to_vec()));
    assert_eq!(failed_code(&got[1]), codes::MISSING_RECORD_ID);
    assert!(
        failed_message(&got[1]).contains("records[1] has no recordId"),
        "{}",
        failed_message(&got[1])
    );
}

#[test]
fn an_unknown_record_id_leaves_the_real_one_missing_and_is_named() {
    let (ids, _) = batch(&[b"a", b"b"]);
    let got = check(
        &ids,
        json!({"records": [
            {"recordId": ids[0], "result": "Ok", "data": b64(b"a")},
            {"recordId": "made-up-id", "result": "Ok", "data": b64(b"b")},
        ]}),
    );
    assert_eq!(got[0], Outcome::Ok(b"a".to_vec()));
    assert_eq!(failed_code(&got[1]), codes::MISSING_RECORD_ID);
    assert!(failed_message(&got[1]).contains("\"made-up-id\""));
}

#[test]
fn a_record_id_that_is_not_a_string_does_not_match() {
    let ids = vec!["12".to_string()];
    let got = check(
        &ids,
        json!({"records": [{"recordId": 12, "result": "Ok", "data": b64(b"a")}]}),
    );
    assert_eq!(failed_code(&got[0]), codes::MISSING_RECORD_ID);
    assert!(failed_message(&got[0]).contains("not a string"));
}

#[test]
fn an_entry_that_is_not_an_object_matches_nothing() {
    let (ids, _) = batch(&[b"a"]);
    let got = check(&ids, json!({"records": ["Ok", null]}));
    assert_eq!(failed_code(&got[0]), codes::MISSING_RECORD_ID);
    assert!(failed_message(&got[0]).contains("records[0] is a string"));
}

#[test]
fn a_duplicated_record_id_fails_that_record_only() {
    let (ids, _) = batch(&[b"a", b"b"]);
    let got = check(
        &ids,
        json!({"records": [
            {"recordId": ids[0], "result": "Ok", "data": b64(b"a")},
            {"recordId": ids[1], "result": "Ok", "data": b64(b"b")},
            {"recordId": ids[0], "result": "Ok", "data": b64(b"a")},
        ]}),
    );
    assert_eq!(failed_code(&got[0]), codes::DUPLICATED_RECORD_ID);
    assert!(failed_message(&got[0]).contains("2 records"));
    assert_eq!(got[1], Outcome::Ok(b"b".to_vec()));
}

#[test]
fn a_missing_result_breaks_the_status_model() {
    let (ids, _) = batch(&[b"a"]);
    let got = check(
        &ids,
        json!({"records": [{"recordId": ids[0], "data": b64(b"a")}]}),
    );
    assert_eq!(failed_code(&got[0]), codes::JSON_PROCESSING);
    assert!(failed_message(&got[0]).contains("no \"result\""));
}

#[test]
fn a_result_outside_the_three_values_breaks_the_status_model() {
    let (ids, _) = batch(&[b"a"]);
    for bad in [
        json!("OK"),
        json!("ok"),
        json!("Success"),
        json!(""),
        json!(true),
        json!(1),
    ] {
        let got = check(
            &ids,
            json!({"records": [{"recordId": ids[0], "result": bad, "data": b64(b"a")}]}),
        );
        assert_eq!(failed_code(&got[0]), codes::JSON_PROCESSING, "{bad}");
    }
}

#[test]
fn ok_without_data_breaks_the_status_model() {
    let (ids, _) = batch(&[b"a"]);
    let got = check(
        &ids,
        json!({"records": [{"recordId": ids[0], "result": "Ok"}]}),
    );
    assert_eq!(failed_code(&got[0]), codes::JSON_PROCESSING);
    assert!(failed_message(&got[0]).contains("no \"data\""));
}

#[test]
fn data_that_is_not_base64_fails_the_record() {
    let (ids, _) = batch(&[b"a", b"b"]);
    let got = check(
        &ids,
        json!({"records": [
            {"recordId": ids[0], "result": "Ok", "data": "{\"plain\": \"text\"}"},
            {"recordId": ids[1], "result": "Ok", "data": b64(b"b")},
        ]}),
    );
    assert_eq!(failed_code(&got[0]), codes::JSON_PROCESSING);
    assert!(failed_message(&got[0]).contains("base64"));
    assert_eq!(got[1], Outcome::Ok(b"b".to_vec()));
}

#[test]
fn data_that_is_not_a_string_fails_the_record() {
    let (ids, _) = batch(&[b"a"]);
    let got = check(
        &ids,
        json!({"records": [{"recordId": ids[0], "result": "Ok", "data": {"a": 1}}]}),
    );
    assert_eq!(failed_code(&got[0]), codes::JSON_PROCESSING);
    assert!(failed_message(&got[0]).contains("an object"));
}

#[test]
fn answers_for_ids_never_sent_fail_nothing_when_every_record_is_answered() {
    let (ids, _) = batch(&[b"a"]);
    let got = check(
        &ids,
        json!({"records": [
            {"recordId": ids[0], "result": "Ok", "data": b64(b"a")},
            {"recordId": "extra", "result": "Ok", "data": b64(b"z")},
        ]}),
    );
    assert_eq!(got, [Outcome::Ok(b"a".to_vec())]);
}

#[test]
fn a_response_that_is_not_json_fails_the_whole_invocation() {
    let (ids, _) = batch(&[b"a"]);
    for garbage in ["", "undefined", "{records: []}", "{\"records\": [", "Ok"] {
        let err = check_output(&refs(&ids), garbage).unwrap_err();
        assert_eq!(err.code, codes::JSON_PROCESSING, "{garbage:?}");
        assert!(err.message.contains("not JSON"), "{}", err.message);
    }
}

#[test]
fn a_response_without_a_records_array_fails_the_whole_invocation() {
    let (ids, _) = batch(&[b"a"]);
    for (resp, says) in [
        (json!([]), "must be an object"),
        (json!("x"), "must be an object"),
        (json!({}), "no \"records\""),
        (json!({"Records": []}), "no \"records\""),
        (json!({"records": {"0": {}}}), "must be an array"),
        (json!({"records": null}), "must be an array"),
    ] {
        let err = check_output(&refs(&ids), &resp.to_string()).unwrap_err();
        assert_eq!(err.code, codes::JSON_PROCESSING, "{resp}");
        assert!(err.message.contains(says), "{resp}: {}", err.message);
    }
}

#[test]
fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    let (ids, _) = batch(&[b"a"]);
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let err = check_output(&refs(&ids), &deep).unwrap_err();
    assert_eq!(err.code, codes::JSON_PROCESSING);
    let inside = format!("{{\"records\":[{{\"recordId\":{deep}}}]}}");
    let got = check_output(&refs(&ids), &inside);
    assert!(
        got.is_err(),
        "serde_json's depth limit refuses the document"
    );
    // The built-ins meet the same text as a record: those that need the
    // document as a tree fail it with serde_json's reason; the JSON check
    // (which does not build a tree) finds it well-formed.
    let nested = vec![format!("{{\"a\":{deep}}}").into_bytes()];
    for mut t in [filter("a", "1"), add("b", "v", None)] {
        let got = run(&mut t, &ids, &nested);
        assert!(failed_message(&got[0]).contains("recursion limit"), "{t:?}");
    }
    let got = run(&mut BuiltinTransform::DropMalformedJson, &ids, &nested);
    assert_eq!(got, [Outcome::Ok(nested[0].clone())]);
}

#[test]
fn a_response_over_six_mb_fails_the_whole_invocation() {
    let (ids, _) = batch(&[b"a"]);
    let big = "x".repeat(MAX_PAYLOAD_BYTES);
    let resp = json!({"records": [{"recordId": ids[0], "result": "Ok", "data": big}]}).to_string();
    assert!(resp.len() > MAX_PAYLOAD_BYTES);
    let err = check_output(&refs(&ids), &resp).unwrap_err();
    assert_eq!(err.code, codes::FUNCTION_ERROR);
    assert!(err.message.contains(&resp.len().to_string()));
    // Exactly at the limit is checked record by record.
    let with_pad = |pad: usize| {
        json!({"records": [{"recordId": ids[0], "result": "Ok", "data": b64(b"a"), "p": "x".repeat(pad)}]})
            .to_string()
    };
    let fits = with_pad(MAX_PAYLOAD_BYTES - with_pad(0).len());
    assert_eq!(fits.len(), MAX_PAYLOAD_BYTES);
    assert_eq!(
        check_output(&refs(&ids), &fits).unwrap(),
        [(ids[0].clone(), Outcome::Ok(b"a".to_vec()))]
    );
}

#[test]
fn build_output_writes_what_check_output_accepts() {
    let (ids, _) = batch(&[b"a", b"b", b"c"]);
    let replies = vec![
        (ids[0].as_str(), Reply::Ok(b"A".to_vec())),
        (ids[1].as_str(), Reply::Dropped(b"b".to_vec())),
        (
            ids[2].as_str(),
            Reply::Failed {
                data: b"c".to_vec(),
                reason: "no \"price\"".into(),
            },
        ),
    ];
    let text = build_output(&replies);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["records"][1]["result"], json!("Dropped"));
    let got = check(&ids, v);
    assert_eq!(got[0], Outcome::Ok(b"A".to_vec()));
    assert_eq!(got[1], Outcome::Dropped);
    assert_eq!(failed_code(&got[2]), codes::PROCESSING_FAILED_STATUS);
    assert!(failed_message(&got[2]).contains("no \"price\""));
}

// ---------------------------------------------------------------------------
// processing-failed/ lines
// ---------------------------------------------------------------------------

#[test]
fn processing_failed_lines_have_the_documented_fields_in_order() {
    let raw = b"{\"id\":7}\n\xff";
    let line = processing_failed_record(
        4,
        1_700_000_000_123,
        codes::MISSING_RECORD_ID,
        "gone \"quoted\"",
        1_700_000_060_000,
        raw,
        "arn:aws:lambda:us-east-1:123456789012:function:f",
    );
    assert!(line.ends_with('\n'));
    assert_eq!(line.matches('\n').count(), 1, "one object per line");
    let keys = [
        "attemptsMade",
        "arrivalTimestamp",
        "errorCode",
        "errorMessage",
        "attemptEndingTimestamp",
        "rawData",
        "lambdaArn",
    ];
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| line.find(&format!("\"{k}\":")).expect(k))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{line}");

    let v: Value = serde_json::from_str(line.trim_end()).unwrap();
    assert_eq!(v.as_object().unwrap().len(), keys.len());
    assert_eq!(v["attemptsMade"].as_u64(), Some(4));
    assert_eq!(v["arrivalTimestamp"].as_u64(), Some(1_700_000_000_123));
    assert_eq!(
        v["attemptEndingTimestamp"].as_u64(),
        Some(1_700_000_060_000)
    );
    assert_eq!(v["errorCode"], json!(codes::MISSING_RECORD_ID));
    assert_eq!(v["errorMessage"], json!("gone \"quoted\""));
    assert_eq!(
        B64.decode(v["rawData"].as_str().unwrap()).unwrap(),
        raw.to_vec()
    );
    assert_eq!(
        v["lambdaArn"],
        json!("arn:aws:lambda:us-east-1:123456789012:function:f")
    );
}

// ---------------------------------------------------------------------------
// Transforms: closures, the external worker, errors
// ---------------------------------------------------------------------------

fn run(t: &mut dyn Transform, ids: &[String], datas: &[Vec<u8>]) -> Vec<Outcome> {
    match t.invoke(&input_for(ids, datas)) {
        Invoke::Done(Ok(text)) => check_output(&refs(ids), &text)
            .expect("the built-in answers with a records array")
            .into_iter()
            .map(|(_, o)| o)
            .collect(),
        other => panic!("expected an answer, got {other:?}"),
    }
}

#[test]
fn a_closure_can_transform_records() {
    let (ids, datas) = batch(&[b"one", b"two"]);
    let mut upper = from_fn(|input: &str| {
        let ev = parse_input(input)?;
        let replies: Vec<(&str, Reply)> = ev
            .records
            .iter()
            .map(|r| (r.record_id.as_str(), Reply::Ok(r.data.to_ascii_uppercase())))
            .collect();
        Ok(build_output(&replies))
    });
    assert_eq!(
        run(&mut upper, &ids, &datas),
        [Outcome::Ok(b"ONE".to_vec()), Outcome::Ok(b"TWO".to_vec())]
    );
}

#[test]
fn a_closure_returning_garbage_fails_the_invocation_not_the_program() {
    let (ids, datas) = batch(&[b"one"]);
    let input = input_for(&ids, &datas);
    for garbage in [
        "[object Object]",
        "null",
        "{\"records\":\"all ok\"}",
        "\u{0}\u{1}",
    ] {
        let mut t = from_fn(move |_: &str| Ok(garbage.to_string()));
        let Invoke::Done(Ok(text)) = t.invoke(&input) else {
            panic!("a closure answers at once");
        };
        let err = check_output(&refs(&ids), &text).unwrap_err();
        assert_eq!(err.code, codes::JSON_PROCESSING, "{garbage:?}");
    }
}

#[test]
fn a_closure_that_fails_reports_an_invoke_error() {
    let (ids, datas) = batch(&[b"one"]);
    let mut calls = 0;
    let got = from_fn(|_: &str| {
        calls += 1;
        Err(InvokeError::function_error("TypeError: x is undefined"))
    })
    .invoke(&input_for(&ids, &datas));
    assert_eq!(
        got,
        Invoke::Done(Err(InvokeError {
            code: codes::FUNCTION_ERROR.into(),
            message: "TypeError: x is undefined".into()
        }))
    );
    assert_eq!(calls, 1);
    let timeout = InvokeError::timeout(3000);
    assert_eq!(timeout.code, codes::FUNCTION_ERROR);
    assert!(timeout.message.contains("3000 ms"));
    assert!(timeout.to_string().starts_with("Lambda.FunctionError: "));
}

#[test]
fn worker_failures_map_to_lambda_error_codes() {
    let cases = [
        (
            "compile",
            "SyntaxError: Unexpected token",
            codes::FUNCTION_ERROR,
        ),
        ("threw", "Error: bad price", codes::FUNCTION_ERROR),
        ("shape", "undefined", codes::JSON_PROCESSING),
        ("size", "7000000", codes::FUNCTION_ERROR),
        ("something else", "odd", codes::FUNCTION_ERROR),
    ];
    for (kind, message, code) in cases {
        let e = InvokeError::from_worker(kind, message);
        assert_eq!(e.code, code, "{kind}");
        assert!(e.message.contains(message), "{kind}: {}", e.message);
    }
}

#[test]
fn the_browser_worker_answers_later() {
    let (ids, datas) = batch(&[b"one"]);
    assert_eq!(
        ExternalTransform.invoke(&input_for(&ids, &datas)),
        Invoke::Pending
    );
}

#[test]
fn transforms_name_their_function_for_the_arn() {
    let boxed: Vec<Box<dyn Transform>> = vec![
        Box::new(ExternalTransform),
        Box::new(csv(&["a"])),
        Box::new(from_fn(|_: &str| Ok(String::new()))),
    ];
    let names: Vec<&str> = boxed.iter().map(|t| t.function_name()).collect();
    assert_eq!(
        names,
        ["student-transform", "lab-csv-to-json", "lab-transform"]
    );
}

#[test]
fn a_batch_that_failed_for_good_fails_every_record_with_the_error() {
    let (ids, _) = batch(&[b"a", b"b"]);
    let err = InvokeError::timeout(1000);
    let got = invocation_failed(&refs(&ids), &err);
    assert_eq!(got.len(), 2);
    for ((id, o), sent) in got.iter().zip(&ids) {
        assert_eq!(id, sent);
        assert_eq!(
            o,
            &Outcome::Failed {
                code: err.code.clone(),
                message: err.message.clone()
            }
        );
    }
}

#[test]
fn the_js_template_returns_every_record_with_its_id() {
    let js = js_template();
    assert!(
        js.contains("function handler(event)"),
        "the worker calls handler"
    );
    for needle in ["recordId: record.recordId", "result: 'Ok'", "'base64'"] {
        assert!(js.contains(needle), "{needle}");
    }
    assert!(
        js.lines().next().unwrap().starts_with("//"),
        "starts with a comment"
    );
}

// ---------------------------------------------------------------------------
// Built-in transforms
// ---------------------------------------------------------------------------

fn filter(field: &str, equals: &str) -> BuiltinTransform {
    BuiltinTransform::FilterByField {
        field: field.into(),
        equals: equals.into(),
    }
}

#[test]
fn filter_by_field_keeps_matches_and_drops_the_rest() {
    let (ids, datas) = batch(&[
        b"{\"level\":\"ERROR\",\"n\":1}\n",
        b"{\"level\":\"INFO\"}",
        b"{\"other\":1}",
        b"{\"level\":\"error\"}",
    ]);
    let got = run(&mut filter("level", "ERROR"), &ids, &datas);
    assert_eq!(
        got,
        [
            Outcome::Ok(datas[0].clone()),
            Outcome::Dropped,
            Outcome::Dropped,
            Outcome::Dropped
        ]
    );
}

#[test]
fn filter_by_field_compares_numbers_booleans_null_and_nested_paths() {
    let (ids, datas) = batch(&[
        b"{\"n\":3,\"ok\":true,\"x\":null,\"user\":{\"country\":\"VN\"},\"tags\":[\"a\",\"b\"]}",
        b"{\"n\":3.0,\"ok\":false,\"x\":0,\"user\":{\"country\":\"US\"},\"tags\":[]}",
        b"{\"n\":\"3\",\"user.country\":\"VN\"}",
    ]);
    let kept = |t: BuiltinTransform| -> Vec<bool> {
        let mut t = t;
        run(&mut t, &ids, &datas)
            .iter()
            .map(|o| matches!(o, Outcome::Ok(_)))
            .collect()
    };
    assert_eq!(kept(filter("n", "3")), [true, true, true]);
    assert_eq!(kept(filter("n", "3.0")), [true, true, false]);
    assert_eq!(kept(filter("ok", "true")), [true, false, false]);
    assert_eq!(kept(filter("x", "null")), [true, false, false]);
    // A key with a dot wins over the path; the path reaches nested objects.
    assert_eq!(kept(filter("user.country", "VN")), [true, false, true]);
    assert_eq!(kept(filter("tags.1", "b")), [true, false, false]);
    assert_eq!(kept(filter("tags", "[\"a\",\"b\"]")), [true, false, false]);
}

#[test]
fn filter_by_field_fails_records_that_are_not_json_objects() {
    let (ids, datas) = batch(&[b"level=ERROR", b"[1,2]", b"\xff\xfe"]);
    let got = run(&mut filter("level", "ERROR"), &ids, &datas);
    assert!(failed_message(&got[0]).contains("not valid JSON"));
    assert!(failed_message(&got[1]).contains("an array, not an object"));
    assert!(failed_message(&got[2]).contains("not UTF-8"));
    for o in &got {
        assert_eq!(failed_code(o), codes::PROCESSING_FAILED_STATUS);
    }
}

fn add(field: &str, value: &str, ts: Option<&str>) -> BuiltinTransform {
    BuiltinTransform::AddField {
        field: field.into(),
        value: value.into(),
        arrival_timestamp_field: ts.map(Into::into),
    }
}

fn ok_text(o: &Outcome) -> String {
    match o {
        Outcome::Ok(b) => String::from_utf8(b.clone()).unwrap(),
        other => panic!("expected Ok, got {other:?}"),
    }
}

#[test]
fn add_field_appends_after_the_existing_keys_and_keeps_the_newline() {
    let (ids, datas) = batch(&[b"{\"z\":1,\"a\":{\"b\":[1,\"}\"]}}\n", b"{}", b"  { }  "]);
    let got = run(&mut add("source", "lab \"1\"", None), &ids, &datas);
    let first = ok_text(&got[0]);
    assert!(
        first.starts_with("{\"z\":1,\"a\":{\"b\":[1,\"}\"]}"),
        "{first}"
    );
    assert!(first.ends_with("}\n"), "{first:?}");
    let v: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(
        v,
        json!({"z": 1, "a": {"b": [1, "}"]}, "source": "lab \"1\""})
    );
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 3);
    assert!(first.find("\"z\"").unwrap() < first.find("\"source\"").unwrap());
    assert_eq!(
        serde_json::from_str::<Value>(&ok_text(&got[1])).unwrap(),
        json!({"source": "lab \"1\""})
    );
    assert_eq!(
        serde_json::from_str::<Value>(&ok_text(&got[2])).unwrap(),
        json!({"source": "lab \"1\""})
    );
}

#[test]
fn add_field_replaces_a_field_that_is_already_there() {
    let (ids, datas) = batch(&[b"{\"a\":1,\"source\":{\"old\":[1,2]},\"b\":2}"]);
    let got = run(&mut add("source", "new", None), &ids, &datas);
    let text = ok_text(&got[0]);
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap(),
        json!({"a": 1, "source": "new", "b": 2})
    );
    assert!(text.find("\"source\"").unwrap() < text.find("\"b\"").unwrap());
}

#[test]
fn add_field_can_stamp_the_arrival_time() {
    let (ids, datas) = batch(&[b"{\"a\":1}", b"{\"a\":2}"]);
    let got = run(&mut add("env", "lab", Some("arrivedAt")), &ids, &datas);
    for (i, o) in got.iter().enumerate() {
        let v: Value = serde_json::from_str(&ok_text(o)).unwrap();
        // input_for gives record i the arrival time 1_700_000_000_000 + i.
        assert_eq!(v["arrivedAt"].as_u64(), Some(1_700_000_000_000 + i as u64));
        assert_eq!(v["env"], json!("lab"));
        assert_eq!(v["a"].as_u64(), Some(i as u64 + 1));
    }
}

#[test]
fn add_field_fails_records_that_are_not_json_objects() {
    let (ids, datas) = batch(&[b"\"text\"", b"{\"a\":", b"a,b"]);
    let got = run(&mut add("k", "v", None), &ids, &datas);
    assert!(failed_message(&got[0]).contains("a string, not an object"));
    assert!(failed_message(&got[1]).contains("not valid JSON"));
    assert!(failed_message(&got[2]).contains("not valid JSON"));
}

fn csv(cols: &[&str]) -> BuiltinTransform {
    BuiltinTransform::CsvToJson {
        columns: cols.iter().map(|c| c.to_string()).collect(),
    }
}

#[test]
fn csv_to_json_turns_lines_into_objects_in_column_order() {
    let (ids, datas) = batch(&[
        b"1,Ann,90\n",
        b"2,\"Lee, Bo\",\"say \"\"hi\"\"\"\r\n",
        b"3,\"two\nlines\",",
    ]);
    let got = run(&mut csv(&["id", "name", "note"]), &ids, &datas);
    let rows: Vec<Value> = got
        .iter()
        .map(|o| {
            let t = ok_text(o);
            assert!(t.ends_with("}\n"), "{t:?}");
            assert!(t.find("\"id\"").unwrap() < t.find("\"name\"").unwrap());
            serde_json::from_str(&t).unwrap()
        })
        .collect();
    assert_eq!(
        rows,
        [
            json!({"id": "1", "name": "Ann", "note": "90"}),
            json!({"id": "2", "name": "Lee, Bo", "note": "say \"hi\""}),
            json!({"id": "3", "name": "two\nlines", "note": ""}),
        ]
    );
}

#[test]
fn csv_to_json_fails_a_line_with_the_wrong_number_of_fields_naming_both_counts() {
    let (ids, datas) = batch(&[b"1,Ann\n", b"1,Ann,90,extra", b"1,Ann,90"]);
    let got = run(&mut csv(&["id", "name", "score"]), &ids, &datas);
    assert!(
        failed_message(&got[0]).contains("2 fields but 3 columns"),
        "{}",
        failed_message(&got[0])
    );
    assert!(failed_message(&got[1]).contains("4 fields but 3 columns"));
    assert!(matches!(got[2], Outcome::Ok(_)));
}

#[test]
fn csv_to_json_fails_broken_quotes_and_non_text() {
    let (ids, datas) = batch(&[b"1,\"open", b"1,\"a\"b", b"1,a\"b", b"\xff,1"]);
    let got = run(&mut csv(&["a", "b"]), &ids, &datas);
    assert!(failed_message(&got[0]).contains("field 2 opens a double quote"));
    assert!(failed_message(&got[1]).contains("after its closing quote"));
    assert!(failed_message(&got[2]).contains("inside an unquoted value"));
    assert!(failed_message(&got[3]).contains("not UTF-8"));
}

#[test]
fn csv_lines_parse_like_rfc_4180() {
    assert_eq!(parse_csv_line("").unwrap(), [""]);
    assert_eq!(parse_csv_line(",").unwrap(), ["", ""]);
    assert_eq!(parse_csv_line("a,,\"\"").unwrap(), ["a", "", ""]);
    assert_eq!(parse_csv_line("\"\"\"\"").unwrap(), ["\""]);
    assert_eq!(parse_csv_line(" a , b ").unwrap(), [" a ", " b "]);
}

#[test]
fn drop_malformed_json_passes_json_unchanged_and_drops_the_rest() {
    let (ids, datas) = batch(&[
        b"{\"a\": 1}\n",
        b"[1, 2]",
        b"42",
        b"{\"a\": }",
        b"",
        b"{}{}",
        b"\xff",
    ]);
    let got = run(&mut BuiltinTransform::DropMalformedJson, &ids, &datas);
    assert_eq!(
        got,
        [
            Outcome::Ok(datas[0].clone()),
            Outcome::Ok(datas[1].clone()),
            Outcome::Ok(datas[2].clone()),
            Outcome::Dropped,
            Outcome::Dropped,
            Outcome::Dropped,
            Outcome::Dropped,
        ]
    );
}

#[test]
fn a_builtin_given_a_broken_event_reports_an_invoke_error() {
    let mut t = BuiltinTransform::DropMalformedJson;
    assert!(matches!(t.invoke("not an event"), Invoke::Done(Err(_))));
}

// ---------------------------------------------------------------------------
// Built-in settings
// ---------------------------------------------------------------------------

fn err_of(t: &BuiltinTransform) -> (String, BuiltinProblem) {
    let BuiltinError { field, problem } = t.validate().unwrap_err();
    (field, problem)
}

#[test]
fn validate_accepts_sensible_settings() {
    for t in [
        filter("level", "ERROR"),
        filter("note", ""),
        add("env", "", None),
        add("env", "lab", Some("arrivedAt")),
        csv(&["id", "name"]),
        BuiltinTransform::DropMalformedJson,
    ] {
        assert_eq!(t.validate(), Ok(()), "{t:?}");
    }
}

#[test]
fn validate_names_the_field_at_fault() {
    let long = "x".repeat(MAX_NAME_CHARS + 1);
    assert_eq!(
        err_of(&filter("", "x")),
        ("filter_by_field.field".into(), BuiltinProblem::Empty)
    );
    assert_eq!(
        err_of(&filter(&long, "x")),
        (
            "filter_by_field.field".into(),
            BuiltinProblem::TooLong {
                len: MAX_NAME_CHARS + 1,
                max: MAX_NAME_CHARS
            }
        )
    );
    assert_eq!(err_of(&add("", "v", None)).0, "add_field.field".to_string());
    assert_eq!(
        err_of(&add("a", "v", Some(""))),
        (
            "add_field.arrival_timestamp_field".into(),
            BuiltinProblem::Empty
        )
    );
    assert_eq!(
        err_of(&add("a", "v", Some("a"))),
        (
            "add_field.arrival_timestamp_field".into(),
            BuiltinProblem::SameAs {
                other: "add_field.field".into()
            }
        )
    );
    assert_eq!(
        err_of(&csv(&[])),
        ("csv_to_json.columns".into(), BuiltinProblem::Empty)
    );
    assert_eq!(
        err_of(&csv(&["id", "", "x"])),
        ("csv_to_json.columns[1]".into(), BuiltinProblem::Empty)
    );
    assert_eq!(
        err_of(&csv(&["id", "name", "id"])),
        (
            "csv_to_json.columns[2]".into(),
            BuiltinProblem::Repeats { first: 0 }
        )
    );
    let many: Vec<String> = (0..=MAX_COLUMNS).map(|i| format!("c{i}")).collect();
    let refs_many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(
        err_of(&csv(&refs_many)).1,
        BuiltinProblem::TooMany {
            count: MAX_COLUMNS + 1,
            max: MAX_COLUMNS
        }
    );
    let shown = csv(&["id", "name", "id"])
        .validate()
        .unwrap_err()
        .to_string();
    assert!(shown.starts_with("csv_to_json.columns[2]"), "{shown}");
}

#[test]
fn builtins_serialize_with_a_type_tag() {
    let all = [
        filter("level", "ERROR"),
        add("env", "lab", None),
        add("env", "lab", Some("t")),
        csv(&["a", "b"]),
        BuiltinTransform::DropMalformedJson,
    ];
    for t in &all {
        let v = serde_json::to_value(t).unwrap();
        assert_eq!(v["type"], json!(t.kind()));
        let back: BuiltinTransform = serde_json::from_value(v).unwrap();
        assert_eq!(&back, t);
        assert!(t.function_name().starts_with("lab-"));
    }
    let from_form: BuiltinTransform =
        serde_json::from_str(r#"{"type":"add_field","field":"f","value":"v"}"#).unwrap();
    assert_eq!(from_form, add("f", "v", None));
    let from_toml: BuiltinTransform =
        toml::from_str("type = \"csv_to_json\"\ncolumns = [\"id\", \"name\"]\n").unwrap();
    assert_eq!(from_toml, csv(&["id", "name"]));
    let unit: BuiltinTransform = toml::from_str("type = \"drop_malformed_json\"\n").unwrap();
    assert_eq!(unit, BuiltinTransform::DropMalformedJson);
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

/// Arbitrary JSON values, nested a few levels.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("Ok"),
            Just("Dropped"),
            Just("ProcessingFailed"),
            Just("eA=="),
            Just("recordId"),
            Just("id-0"),
            Just("id-1")
        ]
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("recordId".to_string()),
                    Just("result".to_string()),
                    Just("data".to_string()),
                    Just("records".to_string()),
                    Just(REASON_KEY.to_string()),
                    "[a-z]{0,4}",
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn sent_ids() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop_oneof![Just("id-0"), Just("id-1"), Just("id-2"), Just("")],
        0..5,
    )
    .prop_map(|v| v.into_iter().map(String::from).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn check_output_never_panics_on_any_string(ids in sent_ids(), text in any::<String>()) {
        if let Ok(outcomes) = check_output(&refs(&ids), &text) {
            prop_assert_eq!(outcomes.len(), ids.len());
        }
    }

    #[test]
    fn check_output_never_panics_on_any_json(ids in sent_ids(), v in any_json(), entries in prop::collection::vec(any_json(), 0..6)) {
        // Anything at all, and anything inside a records array.
        let _ = check_output(&refs(&ids), &v.to_string());
        let wrapped = json!({"records": entries}).to_string();
        let got = check_output(&refs(&ids), &wrapped).expect("has a records array");
        prop_assert_eq!(got.len(), ids.len());
        for ((id, _), sent) in got.iter().zip(&ids) {
            prop_assert_eq!(id, sent);
        }
    }

    #[test]
    fn an_identity_function_keeps_every_record(datas in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 0..12), seed in any::<u64>()) {
        let ids: Vec<String> = (0..datas.len() as u64).map(|i| record_id(seed, i)).collect();
        let mut echo = from_fn(|input: &str| {
            let ev = parse_input(input)?;
            let replies: Vec<(&str, Reply)> = ev.records.iter()
                .map(|r| (r.record_id.as_str(), Reply::Ok(r.data.clone())))
                .collect();
            Ok(build_output(&replies))
        });
        let got = run(&mut echo, &ids, &datas);
        let want: Vec<Outcome> = datas.iter().cloned().map(Outcome::Ok).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn builtins_never_panic_on_any_bytes(data in prop::collection::vec(any::<u8>(), 0..64), text in ".{0,40}", field in "[a-z.]{1,6}") {
        let ids = vec![record_id(1, 0), record_id(1, 1)];
        let datas = vec![data, text.into_bytes()];
        for mut t in [
            filter(&field, "1"),
            add(&field, "v", Some("ts")),
            csv(&["a", "b"]),
            BuiltinTransform::DropMalformedJson,
        ] {
            let got = run(&mut t, &ids, &datas);
            prop_assert_eq!(got.len(), 2);
        }
    }

    #[test]
    fn add_field_sets_the_field_and_keeps_every_other(obj in prop::collection::btree_map("[a-c]{1,2}", any_json(), 0..6), field in "[a-d]{1,2}", value in ".{0,10}", pretty in any::<bool>()) {
        let original = Value::Object(obj.into_iter().collect());
        let text = if pretty { serde_json::to_string_pretty(&original).unwrap() } else { original.to_string() };
        let reply = add(&field, &value, None).apply(0, text.as_bytes());
        let Reply::Ok(out) = reply else { return Err(TestCaseError::fail(format!("{reply:?}"))) };
        let got: Value = serde_json::from_slice(&out).unwrap();
        // Read the input with the same parser (its float reading is not exact).
        let mut want: Value = serde_json::from_str(&text).unwrap();
        want.as_object_mut().unwrap().insert(field.clone(), json!(value));
        prop_assert_eq!(got, want);
    }

    #[test]
    fn csv_fields_survive_quoting(fields in prop::collection::vec(".{0,8}", 1..6)) {
        // Quote every field that needs it, the RFC 4180 way.
        let line: Vec<String> = fields.iter().map(|f| {
            if f.contains([',', '"', '\n', '\r']) || f.is_empty() && fields.len() == 1 {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        }).collect();
        let line = line.join(",");
        prop_assert_eq!(parse_csv_line(&line).unwrap(), fields);
    }

    #[test]
    fn parse_csv_line_never_panics(line in any::<String>()) {
        let _ = parse_csv_line(&line);
    }
}
