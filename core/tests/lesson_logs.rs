//! Each lesson's stored solution, played on its scenario, snapshot-tested:
//! the engine's event log, the console session (with the error type of every
//! request the service refused), the producer runs and each stream's bill
//! must match the reviewed `tests/scenarios/lessons/<id>.json`. After a
//! deliberate change, rerun with UPDATE_EXPECT=1 and review the diff: the
//! snapshot must show what the lesson claims.

use expect_test::expect_file;
use kinesis_lab_core::lesson::files::load_catalog;
use kinesis_lab_core::lesson::lab::Lab;
use kinesis_lab_core::lesson::Lesson;
use kinesis_lab_core::stream::cost::{bill, total};
use kinesis_lab_core::stream::engine::Event;
use serde_json::{json, Value};
use std::path::Path;

fn lessons() -> Vec<Lesson> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons");
    load_catalog(|f| std::fs::read_to_string(dir.join(f)).map_err(|e| e.to_string()))
        .unwrap_or_else(|e| panic!("lesson data: {e:?}"))
        .lessons
}

fn play(lesson: &Lesson) -> Lab {
    let mut lab = Lab::from_scenario(&lesson.scenario).unwrap();
    for a in &lesson.solution {
        lab.apply(a)
            .unwrap_or_else(|e| panic!("{}: {a:?}: {e}", lesson.id));
    }
    lab
}

/// What the snapshot records of a played lesson.
fn record(lab: &Lab) -> Value {
    let console: Vec<Value> = lab
        .console
        .iter()
        .map(|l| {
            json!({
                "at_ms": l.at_ms,
                "command": l.command,
                "error": l.call.as_ref().and_then(|c| c.error.clone()),
                "records_returned": l.call.as_ref().filter(|c| c.operation == "GetRecords" && c.error.is_none()).map(|c| c.records.len()),
            })
        })
        .collect();
    let produced: Vec<Value> = lab
        .produced
        .iter()
        .map(|r| {
            json!({
                "stream": r.stream, "mode": r.mode, "records_per_second": r.records_per_second,
                "record_bytes": r.record_bytes, "seconds": r.seconds, "started_ms": r.started_ms,
                "sent": r.sent, "throttled": r.throttled,
            })
        })
        .collect();
    let bills: Vec<Value> = lab
        .engine
        .streams()
        .map(|s| {
            let lines = bill(&s.meter);
            json!({
                "stream": s.name,
                "lines": lines.iter().filter(|l| l.quantity > 0.0).map(|l| json!({
                    "item": l.item,
                    "quantity": (l.quantity * 1e6).round() / 1e6,
                    "cost_usd": (l.cost * 1e6).round() / 1e6,
                })).collect::<Vec<_>>(),
                "total_usd": (total(&lines) * 1e6).round() / 1e6,
            })
        })
        .collect();
    let readers = |side: &[kinesis_lab_core::consumer::fanout::Reader]| -> Vec<Value> {
        side.iter()
            .map(|r| {
                json!({
                    "app": r.name, "records": r.records, "bytes": r.bytes, "calls": r.calls,
                    "throttled": r.throttled, "p50_ms": r.p50_ms, "p99_ms": r.p99_ms,
                })
            })
            .collect()
    };
    let fanouts: Vec<Value> = lab
        .fanouts
        .iter()
        .map(|r| {
            json!({
                "consumers": r.consumers, "shards": r.shards, "records_per_second": r.records_per_second,
                "record_bytes": r.record_bytes, "seconds": r.seconds, "written": r.written,
                "polling": readers(&r.polling), "enhanced": readers(&r.enhanced),
            })
        })
        .collect();
    let mut out = json!({
        "now_ms": lab.now_ms,
        "console": console,
        "produced": produced,
        "bills": bills,
        "events": lab.engine.events(),
    });
    // Only lessons that use the producer and consumer simulations carry them.
    if !fanouts.is_empty() {
        out["fanouts"] = Value::from(fanouts);
    }
    out
}

#[test]
fn every_lesson_solution_matches_its_reviewed_log() {
    let lessons = lessons();
    assert!(lessons.len() >= 6, "{} lessons", lessons.len());
    for lesson in &lessons {
        let text = serde_json::to_string_pretty(&record(&play(lesson))).unwrap() + "\n";
        expect_file![format!("../../tests/scenarios/lessons/{}.json", lesson.id)].assert_eq(&text);
    }
}

#[test]
fn the_same_solution_gives_the_same_log() {
    for lesson in &lessons() {
        assert_eq!(
            record(&play(lesson)),
            record(&play(lesson)),
            "{}",
            lesson.id
        );
    }
}

#[test]
fn the_logs_show_what_the_lessons_claim() {
    let lessons = lessons();
    let lab = |id: &str| play(lessons.iter().find(|l| l.id == id).unwrap());

    // 1.1: every shard holding records was read, and reads returned them all.
    let arch = lab("architecture");
    assert!(arch.console.iter().all(|l| l.ok()));
    let put = arch
        .engine
        .events()
        .iter()
        .filter(|e| matches!(e, Event::RecordPut { .. }))
        .count();
    let read: usize = arch
        .engine
        .events()
        .iter()
        .map(|e| match e {
            Event::RecordsRead { records, .. } => *records,
            _ => 0,
        })
        .sum();
    assert_eq!((put, read), (3, 3));

    // 1.7: a burst over 4 MiB/s is throttled on a fresh on-demand stream; the
    // third mode switch in a day is refused.
    let modes = lab("capacity-modes");
    assert!(modes
        .produced
        .iter()
        .any(|r| r.throttled == 0 && r.records_per_second == 6));
    assert!(modes.console.iter().any(
        |l| l.call.as_ref().and_then(|c| c.error.as_deref()) == Some("LimitExceededException")
    ));

    // 1.8: the old iterator expired; a new one read all five records 30 h on.
    let replay = lab("retention-replay");
    let errors: Vec<_> = replay
        .console
        .iter()
        .filter_map(|l| l.call.as_ref()?.error.clone())
        .collect();
    assert_eq!(errors, vec!["ExpiredIteratorException".to_owned()]);
    let last = replay.console.last().and_then(|l| l.call.as_ref()).unwrap();
    assert_eq!(last.records.len(), 5);

    // 1.5: six pollers on one shard are throttled, six pushed readers are
    // not and get records at the push delay; with ~2.9 MiB/s of demand, a
    // polling reader gets far less than its pushed twin.
    let types = lab("consumer-types");
    let six = &types.fanouts[0];
    assert_eq!(six.consumers, 6);
    assert!(six.polling_throttled() > 0);
    assert_eq!(six.enhanced_throttled(), 0);
    assert!(six.enhanced.iter().all(|r| r.p50_ms == Some(70)));
    let heavy = &types.fanouts[1];
    assert!(heavy
        .polling
        .iter()
        .zip(&heavy.enhanced)
        .any(|(p, e)| p.records * 4 < e.records * 3));
    // Step 1's prediction: five light pollers fit the shard's 5 calls/s;
    // step 4: twenty light readers, and push does not notice.
    let mut more = types.clone();
    for consumers in [5, 20] {
        more.apply(&kinesis_lab_core::lesson::lab::Action::FanOut {
            consumers,
            shards: 1,
            records_per_second: 100,
            record_bytes: 100,
            seconds: 10,
        })
        .unwrap();
    }
    let (five, twenty) = (&more.fanouts[2], &more.fanouts[3]);
    assert_eq!(five.polling_throttled(), 0);
    assert!(twenty.polling_throttled() > 0);
    assert_eq!(twenty.enhanced_throttled(), 0);
    assert!(twenty.enhanced.iter().all(|r| r.p50_ms == Some(70)));
}
