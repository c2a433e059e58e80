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
    if !lab.kpl_runs.is_empty() {
        out["kpl_runs"] = lab
            .kpl_runs
            .iter()
            .map(|r| {
                json!({
                    "shards": r.shards, "records_per_second": r.records_per_second,
                    "record_bytes": r.record_bytes, "aggregation": r.aggregation,
                    "record_max_buffered_time_ms": r.record_max_buffered_time_ms,
                    "seconds": r.seconds, "stats": r.stats, "outstanding": r.outstanding,
                    "p50_ms": r.p50_ms, "p99_ms": r.p99_ms,
                    "busiest_shard_records_per_second": r.busiest_shard_records_per_second,
                })
            })
            .collect();
    }
    if let Some(k) = &lab.kcl {
        use kinesis_lab_core::consumer::kcl::KclEvent;
        // Renewals and batches without duplicates are left out: they are
        // many and say nothing the lease table and counts do not.
        let events: Vec<&KclEvent> = k
            .app
            .events()
            .iter()
            .filter(|e| match e {
                KclEvent::LeaseRenewed { .. } => false,
                KclEvent::RecordsProcessed { duplicates, .. } => *duplicates > 0,
                _ => true,
            })
            .collect();
        let history: Vec<Value> = k
            .history
            .iter()
            .map(|h| json!({"at": h.at, "shards": h.shards, "alive": h.alive, "idle": h.idle, "processed": h.processed, "duplicates": h.duplicates, "after_run": h.after_run}))
            .collect();
        out["kcl"] = json!({
            "now": k.now,
            "written": k.written(),
            "stats": k.app.stats,
            "workers": k.states().iter().map(|(id, state, leases)| json!({"id": id, "state": state, "leases": leases})).collect::<Vec<_>>(),
            "leases": k.leases().collect::<Vec<_>>(),
            "history": history,
            "events": events,
        });
    }
    // The Firehose lessons: every delivery stream, its traffic and what it did.
    if !lab.firehose.runs.is_empty() {
        let runs: Vec<Value> = lab
            .firehose
            .runs
            .iter()
            .map(|r| {
                json!({
                    "number": r.number,
                    "settings": r.settings,
                    "created_ms": r.created_ms,
                    "sends": r.sends,
                    "view": r.view,
                })
            })
            .collect();
        out["firehose"] = json!({
            "now_ms": lab.firehose.now_ms,
            "runs": runs,
            "replays": lab.firehose.replays,
        });
    }
    // The SQL lessons: every run, what went in and what came out.
    if !lab.sql.runs.is_empty() {
        let runs: Vec<Value> = lab
            .sql
            .runs
            .iter()
            .map(|r| {
                let stream = r.result_stream().map(|s| r.plan.streams[s].name.clone());
                let first: Vec<Value> = r
                    .results()
                    .take(8)
                    .map(|o| json!({"rowtime": o.rowtime, "values": o.values}))
                    .collect();
                json!({
                    "feed": r.feed,
                    "features": kinesis_lab_core::lesson::sql::features(&r.plan),
                    "input_rows": r.input.len(),
                    "spike_ms": r.spike_ms,
                    "result_stream": stream,
                    "result_rows": r.results().count(),
                    "rows_written": r.output.len(),
                    "windows_fired": r.windows_fired,
                    "late": r.late,
                    "row_errors": r.row_errors,
                    "first_results": first,
                })
            })
            .collect();
        out["sql"] = Value::from(runs);
    }
    let c = &lab.compare;
    if !c.decisions.is_empty() {
        out["decisions"] = Value::from(
            c.decisions
                .iter()
                .map(|w| json!({"asked": w.asked, "result": w.result}))
                .collect::<Vec<_>>(),
        );
    }
    if let Some(sim) = &c.sim {
        use kinesis_lab_core::compare::System;
        out["compare"] = json!({
            "workload": sim.workload,
            "actions": c.current(),
            "columns": System::ALL.iter().map(|s| {
                let col = sim.column(*s);
                json!({
                    "system": s,
                    "counters": col.counters,
                    "lanes": col.lanes.iter().map(|l| json!({"label": l.label, "stored": l.stored.len(), "readers": l.readers})).collect::<Vec<_>>(),
                    "status": col.status,
                })
            }).collect::<Vec<_>>(),
        });
    }
    // The Video Streams lesson: the stream, its fragments and every read.
    if lab.video.ops > 0 {
        out["video"] = serde_json::to_value(lab.video.summary()).unwrap();
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

    // 1.6: at 45 s, two workers hold two leases each; six workers on four
    // shards leave two idle; the killed worker's lease is taken 10-30 s
    // later from its checkpoint, re-delivering about 5 s of one shard.
    use kinesis_lab_core::consumer::kcl::KclEvent;
    use kinesis_lab_core::lesson::lab::Action;
    let kcl_lesson = lessons.iter().find(|l| l.id == "kcl").unwrap();
    let start = Lab::from_scenario(&kcl_lesson.scenario).unwrap();
    let k = start.kcl.as_ref().unwrap();
    assert!(k.states().iter().all(|(_, _, leases)| *leases == 2));
    assert!(k.app.stats.duplicates > 0, "start-up steals re-deliver");
    let drill = lab("kcl");
    let k = drill.kcl.as_ref().unwrap();
    let idle_after_run: Vec<u32> = k
        .history
        .iter()
        .filter(|h| h.after_run)
        .map(|h| h.idle)
        .collect();
    assert!(idle_after_run.contains(&2), "{idle_after_run:?}");
    let events = k.app.events();
    let (killed_at, lease) = events
        .iter()
        .find_map(|e| match e {
            KclEvent::WorkerKilled { at, leases, .. } => Some((*at, leases[0].clone())),
            _ => None,
        })
        .unwrap();
    let taken_at = events
        .iter()
        .find_map(|e| match e {
            KclEvent::LeaseTaken { at, lease: l, .. } if *l == lease && *at > killed_at => {
                Some(*at)
            }
            _ => None,
        })
        .unwrap();
    assert!(
        (10_000..=30_100).contains(&(taken_at - killed_at)),
        "{}",
        taken_at - killed_at
    );
    let redelivered_by_taker = events
        .iter()
        .find_map(|e| match e {
            KclEvent::RecordsProcessed {
                at,
                lease: l,
                duplicates,
                ..
            } if *l == lease && *at == taken_at => Some(*duplicates),
            _ => None,
        })
        .unwrap();
    // About 25 records/s on the shard × 5 s since its last checkpoint.
    assert!(
        (100..=150).contains(&redelivered_by_taker),
        "{redelivered_by_taker}"
    );

    // Step 4: checkpointing every second re-delivers far fewer after the
    // same kind of kill; the restarted worker keeps its identifier.
    let mut often = drill.clone();
    for a in [
        Action::KclCheckpoint { every_ms: 1000 },
        Action::KclRun { seconds: 30 },
    ] {
        often.apply(&a).unwrap();
    }
    let holder = often
        .kcl
        .as_ref()
        .unwrap()
        .states()
        .iter()
        .position(|(_, _, leases)| *leases > 0)
        .unwrap() as u32
        + 1;
    let before = often.kcl.as_ref().unwrap().app.stats.duplicates;
    for a in [
        Action::KclKill { worker: holder },
        Action::KclRun { seconds: 60 },
        Action::KclRestart { worker: 1 },
        Action::KclRun { seconds: 30 },
    ] {
        often.apply(&a).unwrap();
    }
    let k = often.kcl.as_ref().unwrap();
    let again = k.app.stats.duplicates - before;
    assert!(
        again < redelivered_by_taker / 2,
        "{again} with 1 s checkpoints"
    );
    assert_eq!(
        k.states()[0].1,
        kinesis_lab_core::consumer::kcl::WorkerState::Idle
    );

    // 1.4: without aggregation one shard stores about 1,000 records/s of the
    // 5,000 and the rest pile up; with it, nearly all in about a dozen
    // Kinesis records a second; a quiet producer with a 2 s buffer waits.
    let kpl = lab("producers");
    let (plain, packed, quiet) = (&kpl.kpl_runs[0], &kpl.kpl_runs[1], &kpl.kpl_runs[2]);
    assert!(plain.stats.kinesis_records_throttled > 0);
    assert!((1000.0..1200.0).contains(&plain.user_records_per_second()));
    assert!(plain.outstanding > 30_000);
    assert!(plain.p50_ms.unwrap() > 1000);
    assert_eq!(packed.stats.kinesis_records_throttled, 0);
    assert!(packed.user_records_per_second() > 4900.0);
    assert!((8.0..20.0).contains(&packed.kinesis_records_per_second()));
    assert!(quiet.p50_ms.unwrap() >= 300);
    // Step 0 and 4: 500 small records a second fit without aggregation, in
    // about ten PutRecords calls a second.
    let mut small = kpl.clone();
    small
        .apply(&Action::KplRun {
            shards: 1,
            records_per_second: 500,
            record_bytes: 100,
            aggregation: false,
            record_max_buffered_time_ms: 100,
            seconds: 10,
        })
        .unwrap();
    let r = small.kpl_runs.last().unwrap();
    assert_eq!(r.stats.kinesis_records_throttled, 0);
    assert!(
        r.stats.put_records_calls < 200,
        "{}",
        r.stats.put_records_calls
    );

    // 5.1: device-type keys overload a shard, user ids do not; 3,000 small
    // records/s fit one shard only with aggregation; four pollers at
    // 0.67 MiB/s each are throttled and one falls well behind, at 500
    // records/s they fit; the killed KCL worker's shards move.
    let practices = lessons.iter().find(|l| l.id == "stream-practices").unwrap();
    let mut before = Lab::from_scenario(&practices.scenario).unwrap();
    before.apply(&Action::RunWorkload).unwrap();
    let hottest = |l: &Lab| {
        l.run
            .as_ref()
            .unwrap()
            .shards
            .iter()
            .map(|s| s.records_per_second)
            .fold(0.0, f64::max)
    };
    assert!(hottest(&before) > 1000.0);
    let done = lab("stream-practices");
    assert!(hottest(&done) < 800.0);
    for (aggregation, lo, hi) in [(false, 900.0, 1200.0), (true, 2900.0, 3001.0)] {
        let mut l = done.clone();
        l.apply(&Action::KplRun {
            shards: 1,
            records_per_second: 3000,
            record_bytes: 100,
            aggregation,
            record_max_buffered_time_ms: 100,
            seconds: 10,
        })
        .unwrap();
        let rate = l.kpl_runs.last().unwrap().user_records_per_second();
        assert!((lo..hi).contains(&rate), "{aggregation}: {rate}");
    }
    let four = &done.fanouts[0];
    assert!(four.polling_throttled() > 0);
    assert!(four
        .polling
        .iter()
        .zip(&four.enhanced)
        .any(|(p, e)| p.records * 10 < e.records * 7));
    let mut light = done.clone();
    light
        .apply(&Action::FanOut {
            consumers: 4,
            shards: 1,
            records_per_second: 500,
            record_bytes: 1000,
            seconds: 10,
        })
        .unwrap();
    assert_eq!(light.fanouts[1].polling_throttled(), 0);
    assert!(done
        .kcl
        .as_ref()
        .unwrap()
        .failovers()
        .iter()
        .all(|(_, left)| left.is_empty()));
}

/// The Firehose lessons' claims, each checked on the engine's replay.
#[test]
fn the_firehose_logs_show_what_the_lessons_claim() {
    use kinesis_lab_core::firehose::buffer::FlushReason;
    use kinesis_lab_core::lesson::firehose::{FhData, FhSettings, FhTransform, FhView};
    use kinesis_lab_core::lesson::lab::{Action, LabError};
    let lessons = lessons();
    let lesson = |id: &str| lessons.iter().find(|l| l.id == id).unwrap().clone();
    let fresh = |id: &str| Lab::from_scenario(&lesson(id).scenario).unwrap();
    let apply = |lab: &mut Lab, actions: &[Action]| {
        for a in actions {
            lab.apply(a).unwrap_or_else(|e| panic!("{a:?}: {e}"));
        }
    };
    let view = |lab: &Lab, run: usize| -> FhView { lab.firehose.runs[run].view.clone() };
    let settings = |size: u32, interval: u32| FhSettings {
        buffer_size_mib: size,
        buffer_interval_s: interval,
        compression: Default::default(),
        transform: FhTransform::None,
        parquet: false,
        source_backup: false,
        destination: Default::default(),
        endpoint_fails: false,
        from_stream: false,
    };
    let send = |rate: u32, bytes: u32, seconds: u32, data: FhData| Action::FirehoseSend {
        records_per_second: rate,
        record_bytes: bytes,
        seconds,
        data,
    };

    // 2.1: ten seconds in, nothing is in the bucket and the buffer holds
    // all 200 records; 300 s later one object holds them, by Time, under
    // the dated key.
    let mut l = fresh("firehose-overview");
    let sol = lesson("firehose-overview").solution;
    apply(&mut l, &[sol[0].clone(), send(20, 200, 10, FhData::Json)]);
    let v = view(&l, 0);
    assert!(v.deliveries.is_empty() && v.objects.is_empty());
    assert_eq!(v.buffer.as_ref().unwrap().records, 200);
    let done = play(&lesson("firehose-overview"));
    let v = view(&done, 0);
    assert_eq!(v.deliveries.len(), 1);
    let d = &v.deliveries[0];
    assert_eq!(
        (d.reason, d.records, d.waited_ms),
        (FlushReason::Time, 2000, Some(300_000))
    );
    let key = &d.key;
    assert!(
        key.starts_with("2026/01/01/00/clicks-1-2026-01-01-00-"),
        "{key}"
    );

    // 2.4: about 98 KiB/s fills 5 MiB by Size in under a minute; the rest
    // goes by Time 300 s after its oldest record; a 30 s interval is refused
    // naming the field; at 60 s the oldest record waits 60 s.
    let b = play(&lesson("firehose-buffering"));
    let v = view(&b, 0);
    assert_eq!(v.deliveries[0].reason, FlushReason::Size);
    assert!(v.deliveries[0].at_ms - b.firehose.runs[0].created_ms < 60_000);
    assert_eq!(
        (v.deliveries[1].reason, v.deliveries[1].waited_ms),
        (FlushReason::Time, Some(300_000))
    );
    let quiet = view(&b, 1);
    assert_eq!(quiet.deliveries[0].waited_ms, Some(60_000));
    let mut l = fresh("firehose-buffering");
    match l.apply(&Action::FirehoseCreate(settings(5, 30))) {
        Err(LabError::Firehose(e)) => {
            assert_eq!(e.field, "buffering.interval_seconds");
            assert_eq!(e.range, Some(("60".into(), "900".into())));
        }
        other => panic!("{other:?}"),
    }
    // Step 2: 300 records of 1,000 bytes in 60 s leave in one object by Time.
    apply(
        &mut l,
        &[
            Action::FirehoseCreate(settings(5, 300)),
            send(5, 1000, 60, FhData::Json),
            Action::FirehoseWait { seconds: 300 },
        ],
    );
    let v = view(&l, 0);
    assert_eq!(v.deliveries.len(), 1);
    assert_eq!(
        (v.deliveries[0].reason, v.deliveries[0].records),
        (FlushReason::Time, 300)
    );

    // 2.2: COPY loads the staged object's rows; a failing endpoint is
    // retried, then its records are backed up under http-endpoint-failed/.
    let d = play(&lesson("firehose-destinations"));
    let red = view(&d, 0);
    assert_eq!(red.redshift_rows, 200);
    assert!(red
        .objects
        .iter()
        .any(|o| o.kind == "delivery" && o.records == 200));
    let http = view(&d, 1);
    assert!(http.attempts > 1);
    assert_eq!((http.delivered, http.failed), (0, 100));
    let backup = http
        .objects
        .iter()
        .find(|o| o.key.starts_with("http-endpoint-failed/"))
        .unwrap();
    // Given up once the 300 s retry duration has passed since the flush.
    let flushed = http.deliveries[0].at_ms;
    assert!(
        backup.at_ms >= flushed + 300_000,
        "{}",
        backup.at_ms - flushed
    );

    // 2.3: one CSV line in ten fails to processing-failed/, the rest arrive
    // as JSON; Parquet objects; dropped records; add_field enriches; a
    // 5 MiB buffer with Parquet is refused naming the size.
    let t = play(&lesson("firehose-transform"));
    let csv = view(&t, 0);
    assert_eq!((csv.delivered, csv.failed), (90, 10));
    assert!(csv
        .objects
        .iter()
        .any(|o| o.kind == "processing-failed" && o.records == 10));
    assert!(csv.preview[0].starts_with("{\"seq\":"), "{:?}", csv.preview);
    assert!(view(&t, 1).deliveries[0].key.ends_with(".parquet"));
    assert_eq!(view(&t, 2).dropped, 60);
    let mut l = fresh("firehose-transform");
    let mut pq = settings(5, 60);
    pq.parquet = true;
    match l.apply(&Action::FirehoseCreate(pq)) {
        Err(LabError::Firehose(e)) => assert_eq!(e.field, "buffering.size_mib"),
        other => panic!("{other:?}"),
    }
    let mut enrich = settings(5, 60);
    enrich.transform = FhTransform::AddField;
    apply(
        &mut l,
        &[
            Action::FirehoseCreate(enrich),
            send(10, 200, 10, FhData::Json),
            Action::FirehoseWait { seconds: 120 },
        ],
    );
    let v = view(&l, 0);
    assert_eq!(v.delivered, 100);
    assert!(
        v.preview[0].contains("\"source\":\"kinesis-lab\"")
            && v.preview[0].contains("\"arrived_ms\":"),
        "{:?}",
        v.preview
    );

    // 2.5: before any delivery the stream gives all 500 back and Firehose
    // holds them in its buffer; after it, Firehose holds nothing and the
    // stream still gives all 500.
    let sol = lesson("streams-vs-firehose").solution;
    let mut l = fresh("streams-vs-firehose");
    apply(
        &mut l,
        &[sol[0].clone(), sol[1].clone(), Action::FirehoseReplay],
    );
    let early = l.firehose.replays[0].clone();
    assert_eq!(
        (early.delivered, early.buffered, early.stream_returned),
        (0, 500, Some(500))
    );
    let s = play(&lesson("streams-vs-firehose"));
    let late = s.firehose.replays.last().unwrap();
    assert_eq!(
        (late.delivered, late.buffered, late.stream_returned),
        (500, 0, Some(500))
    );
    assert!(view(&s, 0).deliveries[0].waited_ms.unwrap() >= 60_000);

    // 5.3: the same 6,000 records make six objects in a 1 MiB buffer and one
    // in a 16 MiB buffer; GZIP stores under 60 %; the filter delivers only
    // the buy events while the backup keeps all 200.
    let p = play(&lesson("firehose-practices"));
    let (small, large) = (view(&p, 0), view(&p, 1));
    assert_eq!((small.delivery_objects(), large.delivery_objects()), (6, 1));
    assert!(small.deliveries[..5]
        .iter()
        .all(|d| d.reason == FlushReason::Size));
    let share = large.stored_bytes().unwrap() as f64 / large.delivered_raw_bytes() as f64;
    // "About a sixth" (the lesson's note).
    assert!((0.12..0.22).contains(&share), "{share}");
    assert!(large.deliveries[0].key.ends_with(".gz"));
    // The previews of a large object and of a GZIP object are read from them.
    assert!(
        large.preview[0].starts_with("{\"seq\":"),
        "{:?}",
        large.preview
    );
    assert!(view(&s, 0).preview[0].starts_with("{\"seq\":"));
    let filt = view(&p, 2);
    assert_eq!(filt.backed_up, 200);
    assert_eq!(filt.delivered + filt.dropped, 200);
    assert!(filt.delivered > 0 && filt.dropped > filt.delivered);
    assert!(
        filt.preview
            .iter()
            .all(|l| l.contains("\"action\":\"buy\"")),
        "{:?}",
        filt.preview
    );
}
