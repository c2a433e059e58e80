//! The compare simulator: one workload into SQS, Kafka and Kinesis. The
//! issue's "done means" as a test, determinism, tick-size independence,
//! refused toggles leaving the state alone, and no panic on random toggles.

use kinesis_lab_core::compare::kafka::partition_for_key;
use kinesis_lab_core::compare::sim::{presets, CompareAction, CompareSim, EventKind, Workload, WARM_UP_MS};
use kinesis_lab_core::compare::System;
use proptest::prelude::*;

const T0: u64 = 1_767_225_600_000;

fn run(sim: &mut CompareSim, seconds: u32) {
    sim.apply(&CompareAction::Run { seconds }).expect("run");
}

fn group_unique(sim: &CompareSim, system: System, name: &str) -> u64 {
    sim.groups(system)
        .into_iter()
        .find(|g| g.name == name)
        .map(|g| g.unique)
        .unwrap_or_else(|| panic!("no group {name} on {system:?}"))
}

#[test]
fn done_means_vanish_from_sqs_stay_in_streams_reread_by_a_new_group() {
    let w = Workload::default();
    let n = w.messages as u64;
    let mut sim = CompareSim::new(w.clone(), T0).unwrap();
    // Sending takes messages / rate seconds; give the consumers time after.
    let sending_s = (w.messages / w.records_per_second) + 1;
    run(&mut sim, sending_s + 20);
    assert_eq!(sim.unsent(), 0);
    for s in System::ALL {
        assert_eq!(sim.counters(s).sent, n, "{s:?} sent");
    }
    // SQS: every message delivered and deleted: nothing left to read.
    let sqs = sim.counters(System::Sqs);
    assert_eq!(group_unique(&sim, System::Sqs, "consumers"), n);
    // What the queue still holds can only be the stray copies a standard
    // queue keeps when a delete misses a server (the SQS model's duplicate
    // rate); they surface by the end of their visibility timeout, are
    // received again and deleted.
    assert!(
        sim.sqs().messages().all(|m| m.stale_copy),
        "only stray copies may be left, have {}",
        sqs.readable
    );
    let vis_s = sim.sqs().config.visibility_timeout_s;
    run(&mut sim, 2 * vis_s);
    assert_eq!(
        sim.counters(System::Sqs).readable,
        0,
        "SQS keeps nothing after DeleteMessage"
    );
    assert!(sim
        .column(System::Sqs)
        .lanes
        .iter()
        .all(|l| l.stored.is_empty()));
    // Kafka and Kinesis: every message processed AND still there.
    assert_eq!(group_unique(&sim, System::Kafka, "group-1"), n);
    assert_eq!(group_unique(&sim, System::Kinesis, "app-1"), n);
    assert_eq!(sim.counters(System::Kafka).readable, n);
    assert_eq!(sim.counters(System::Kinesis).readable, n);
    let stored = |s| -> u64 {
        sim.column(s)
            .lanes
            .iter()
            .map(|l| l.stored.len() as u64)
            .sum()
    };
    assert_eq!(stored(System::Kafka), n);
    assert_eq!(stored(System::Kinesis), n);
    for s in System::ALL {
        let c = sim.counters(s);
        assert!(
            c.latency_p50_ms.is_some() && c.latency_p50_ms <= c.latency_p95_ms,
            "{s:?} latency"
        );
    }

    // A second group re-reads all of it on the streams; SQS cannot.
    sim.apply(&CompareAction::SecondGroup).unwrap();
    run(&mut sim, 60);
    assert_eq!(group_unique(&sim, System::Kafka, "group-2"), n);
    assert_eq!(group_unique(&sim, System::Kinesis, "app-2"), n);
    assert_eq!(sim.groups(System::Sqs).len(), 1);
    assert_eq!(sim.refused(System::Sqs), 1);
    assert!(sim.events().iter().any(|e| e.system == System::Sqs
        && matches!(&e.kind, EventKind::NotPossible { action, .. } if action == "second_group")));
    // The first groups read nothing twice meanwhile.
    assert_eq!(group_unique(&sim, System::Kafka, "group-1"), n);
}

#[test]
fn adding_a_kafka_partition_moves_keys_and_breaks_order_of_unread_records() {
    let p = presets()
        .into_iter()
        .find(|p| p.id == "add-capacity")
        .unwrap();
    let w = p.workload.clone();
    let mut sim = CompareSim::new(w.clone(), T0).unwrap();
    run(&mut sim, (WARM_UP_MS / 1000) as u32 + 1);
    let before = sim.kafka().partitions();
    let unread_before =
        sim.counters(System::Kafka).sent - group_unique(&sim, System::Kafka, "group-1");
    sim.apply(&CompareAction::AddCapacity).unwrap();
    let after = sim.kafka().partitions();
    assert_eq!(after, before + 1);
    // Which keys move, computed with the partitioner itself.
    let moved: Vec<String> = sim
        .keys()
        .iter()
        .filter(|k| {
            partition_for_key(k.as_bytes(), before) != partition_for_key(k.as_bytes(), after)
        })
        .cloned()
        .collect();
    let logged = sim.events().iter().find_map(|e| match &e.kind {
        EventKind::KeysMoved { keys, .. } => Some(keys.clone()),
        _ => None,
    });
    assert_eq!(logged.as_ref(), Some(&moved));
    assert!(
        !moved.is_empty(),
        "with {} keys some must move from {before} to {after} partitions",
        sim.keys().len()
    );
    // The consumer is behind, so moved keys have unread records in their old
    // partition while new ones arrive in the new one.
    assert!(
        unread_before > 0,
        "the preset needs a consumer that is behind"
    );
    run(&mut sim, 60);
    let kafka = sim.counters(System::Kafka);
    assert_eq!(group_unique(&sim, System::Kafka, "group-1"), kafka.sent);
    assert!(
        kafka.out_of_order > 0,
        "moved keys must show out-of-order pairs: {kafka:?}"
    );
    // Kinesis split the hottest shard; the KCL reads parents first: in order.
    let kinesis = sim.counters(System::Kinesis);
    assert_eq!(kinesis.out_of_order, 0);
    assert!(sim.column(System::Kinesis).lanes.len() >= w.partitions as usize + 1);
    assert!(
        sim.events()
            .iter()
            .any(|e| e.system == System::Kinesis
                && matches!(&e.kind, EventKind::CapacityAdded { .. }))
    );
}

#[test]
fn killing_a_consumer_redelivers_rebalances_and_fails_over() {
    let p = presets()
        .into_iter()
        .find(|p| p.id == "kill-consumer")
        .unwrap();
    let mut sim = CompareSim::new(p.workload.clone(), T0).unwrap();
    // The preset's run before its kill.
    let CompareAction::Run { seconds } = p.actions[0] else {
        panic!("the preset starts with a run")
    };
    run(&mut sim, seconds);
    let held = sim.holding(System::Sqs, 1);
    let held_ids = sim.held_ids(System::Sqs, 1);
    assert!(
        held > 0,
        "consumer 1 should be holding received messages at the kill"
    );
    assert_eq!(held_ids.len() as u64, held);
    let kill_at = sim.now_ms;
    sim.apply(&CompareAction::KillConsumer { consumer: 1 })
        .unwrap();
    run(&mut sim, 90);
    let vis = sim.sqs().config.visibility_timeout_s as u64 * 1000;
    // SQS: what it held comes back after the visibility timeout.
    assert!(sim.redeliveries(System::Sqs) >= held);
    // Each message it held is received again, not before the timeout ends.
    for id in &held_ids {
        let again = sim
            .events()
            .iter()
            .find(|e| {
                e.system == System::Sqs
                    && matches!(&e.kind, EventKind::Redelivered { ids, .. } if ids.contains(id))
            })
            .map(|e| e.at)
            .unwrap_or_else(|| panic!("message {id} was not received again"));
        assert!(
            again >= kill_at + vis,
            "message {id}: not before the visibility timeout"
        );
    }
    // Kafka: a rebalance after the kill.
    assert!(sim.events().iter().any(|e| e.system == System::Kafka
        && e.at > kill_at
        && matches!(e.kind, EventKind::Rebalance { .. })));
    assert!(sim.rebalances(System::Kafka) >= 1);
    // Kinesis: a lease of the killed worker taken after it expired.
    let killed = sim
        .events()
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::ConsumerKilled { consumer, .. } if e.system == System::Kinesis => {
                Some(consumer.clone())
            }
            _ => None,
        })
        .unwrap();
    assert!(sim.events().iter().any(|e| matches!(&e.kind,
        EventKind::LeaseMoved { reason, from: Some(f), .. } if reason == "expired" && *f == killed)));
    // Everything still gets processed by the survivors.
    for (s, g) in [
        (System::Sqs, "consumers"),
        (System::Kafka, "group-1"),
        (System::Kinesis, "app-1"),
    ] {
        assert_eq!(group_unique(&sim, s, g), sim.counters(s).sent, "{s:?}");
    }
    // Killing the same consumer again is refused and changes nothing.
    let before = sim.clone();
    assert!(sim
        .apply(&CompareAction::KillConsumer { consumer: 1 })
        .is_err());
    assert_eq!(sim, before);
}

fn play(w: &Workload, actions: &[CompareAction], tick_ms: u64) -> CompareSim {
    let mut sim = CompareSim::new(w.clone(), T0).unwrap();
    for a in actions {
        match a {
            CompareAction::Run { seconds } => {
                let end = sim.now_ms + *seconds as u64 * 1000;
                while sim.now_ms < end {
                    sim.advance_to((sim.now_ms + tick_ms).min(end));
                }
            }
            other => sim.apply(other).unwrap(),
        }
    }
    sim
}

#[test]
fn same_seed_same_actions_same_run_and_tick_size_does_not_matter() {
    let w = Workload {
        messages: 600,
        records_per_second: 50,
        ..Workload::default()
    };
    let actions = vec![
        CompareAction::Run { seconds: 4 },
        CompareAction::KillConsumer { consumer: 2 },
        CompareAction::Run { seconds: 3 },
        CompareAction::AddCapacity,
        CompareAction::SameKey { count: 50 },
        CompareAction::Run { seconds: 5 },
        CompareAction::SecondGroup,
        CompareAction::Replay { seconds_ago: 4 },
        CompareAction::Run { seconds: 60 },
    ];
    let a = play(&w, &actions, 60_000);
    let b = play(&w, &actions, 60_000);
    assert_eq!(a.events(), b.events());
    assert_eq!(a, b);
    let c = play(&w, &actions, 50);
    for s in System::ALL {
        assert_eq!(a.counters(s), c.counters(s), "{s:?}");
        assert_eq!(a.groups(s), c.groups(s), "{s:?}");
    }
    assert_eq!(a.events(), c.events());
    assert_eq!(a, c);
    // A different seed draws other keys.
    let other = play(&Workload { seed: 2, ..w }, &actions, 60_000);
    assert_ne!(a.events(), other.events());
}

#[test]
fn bad_workloads_name_the_field() {
    let w = Workload::default();
    let cases = [
        (
            Workload {
                keys: 0,
                ..w.clone()
            },
            "keys",
        ),
        (
            Workload {
                records_per_second: 0,
                ..w.clone()
            },
            "records_per_second",
        ),
        (
            Workload {
                record_bytes: 2_000_000,
                ..w.clone()
            },
            "record_bytes",
        ),
        (
            Workload {
                messages: 0,
                ..w.clone()
            },
            "messages",
        ),
        (
            Workload {
                messages: 1_000_000,
                ..w.clone()
            },
            "messages",
        ),
        (
            Workload {
                consumers: 0,
                ..w.clone()
            },
            "consumers",
        ),
        (
            Workload {
                consumers: 100,
                ..w.clone()
            },
            "consumers",
        ),
        (
            Workload {
                partitions: 0,
                ..w.clone()
            },
            "partitions",
        ),
        (
            Workload {
                partitions: 1_000,
                ..w.clone()
            },
            "partitions",
        ),
    ];
    for (bad, field) in cases {
        let e = CompareSim::new(bad, T0).unwrap_err();
        assert_eq!(e.field, field);
    }
}

#[test]
fn refused_toggles_leave_the_sim_unchanged() {
    let w = Workload {
        partitions: 16,
        messages: 100,
        ..Workload::default()
    };
    let mut sim = CompareSim::new(w, T0).unwrap();
    run(&mut sim, 2);
    for bad in [
        CompareAction::Run { seconds: 0 },
        CompareAction::KillConsumer { consumer: 0 },
        CompareAction::KillConsumer { consumer: 4 },
        CompareAction::SameKey { count: 0 },
        CompareAction::SameKey { count: 1_000_000 },
        CompareAction::Replay { seconds_ago: 0 },
        // Already at the partition limit.
        CompareAction::AddCapacity,
        CompareAction::Start {
            workload: Workload {
                keys: 0,
                ..Workload::default()
            },
        },
    ] {
        let before = sim.clone();
        let e = sim.apply(&bad).expect_err("refused");
        assert!(!e.field.is_empty());
        assert_eq!(sim, before, "{bad:?} changed the sim");
    }
}

#[test]
fn a_reshard_in_progress_refuses_a_second_add_capacity() {
    let mut sim = CompareSim::new(
        Workload {
            messages: 100,
            ..Workload::default()
        },
        T0,
    )
    .unwrap();
    run(&mut sim, 1);
    sim.apply(&CompareAction::AddCapacity).unwrap();
    let before = sim.clone();
    assert!(sim.apply(&CompareAction::AddCapacity).is_err());
    assert_eq!(sim, before);
    run(&mut sim, 2);
    sim.apply(&CompareAction::AddCapacity).unwrap();
}

#[test]
fn every_preset_runs() {
    let ps = presets();
    let ids: Vec<&str> = ps.iter().map(|p| p.id).collect();
    for id in [
        "delete-vs-keep",
        "second-group",
        "replay",
        "kill-consumer",
        "add-capacity",
        "same-key",
        "exactly-once",
    ] {
        assert!(ids.contains(&id), "preset {id}");
    }
    for p in ps {
        assert!(
            !p.title.en.is_empty()
                && !p.title.vi.is_empty()
                && !p.summary.en.is_empty()
                && !p.summary.vi.is_empty()
        );
        let mut sim = CompareSim::new(p.workload.clone(), T0).unwrap();
        for a in &p.actions {
            sim.apply(a)
                .unwrap_or_else(|e| panic!("{}: {a:?}: {e:?}", p.id));
        }
        for s in System::ALL {
            let c = sim.counters(s);
            assert!(c.sent > 0, "{} {s:?}", p.id);
            for g in sim.groups(s) {
                assert!(
                    g.unique <= c.sent && g.delivered == g.unique + g.duplicates,
                    "{} {s:?} {}",
                    p.id,
                    g.name
                );
            }
        }
    }
}

#[test]
fn replay_rereads_what_arrived_since_on_the_streams_only() {
    let w = Workload::default();
    let mut sim = CompareSim::new(w.clone(), T0).unwrap();
    run(&mut sim, (WARM_UP_MS / 1000) as u32 + 5);
    sim.apply(&CompareAction::Replay { seconds_ago: 3 })
        .unwrap();
    let from = sim.now_ms - 3_000;
    run(&mut sim, 20);
    // The generator sends message i at T0 + (i-1)·1000/rate.
    let since = (1..=w.messages as u64)
        .filter(|i| T0 + WARM_UP_MS + (i - 1) * 1000 / w.records_per_second as u64 >= from)
        .count() as u64;
    assert!(since > 0);
    assert_eq!(group_unique(&sim, System::Kafka, "replay-1"), since);
    assert_eq!(group_unique(&sim, System::Kinesis, "replay-1"), since);
    assert_eq!(sim.refused(System::Sqs), 1);
}

#[test]
fn same_key_is_in_order_on_streams_and_fifo() {
    let w = Workload {
        messages: 50,
        fifo: true,
        ..Workload::default()
    };
    let mut sim = CompareSim::new(w, T0).unwrap();
    sim.apply(&CompareAction::SameKey { count: 300 }).unwrap();
    run(&mut sim, 30);
    for s in System::ALL {
        let c = sim.counters(s);
        assert_eq!(c.sent, 350, "{s:?}");
        assert_eq!(c.out_of_order, 0, "{s:?} keeps one key in order");
    }
}

fn action() -> impl Strategy<Value = CompareAction> {
    prop_oneof![
        (0u32..8).prop_map(|seconds| CompareAction::Run { seconds }),
        Just(CompareAction::SecondGroup),
        (0u32..30).prop_map(|seconds_ago| CompareAction::Replay { seconds_ago }),
        (0u32..5).prop_map(|consumer| CompareAction::KillConsumer { consumer }),
        Just(CompareAction::AddCapacity),
        (0u32..40).prop_map(|count| CompareAction::SameKey { count }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn random_toggles_never_panic_and_errors_change_nothing(
        keys in 1u32..6,
        consumers in 1u32..4,
        partitions in 1u32..4,
        fifo in any::<bool>(),
        seed in 0u64..1000,
        actions in proptest::collection::vec(action(), 0..10),
    ) {
        let w = Workload { keys, consumers, partitions, fifo, seed, messages: 120, records_per_second: 40, ..Workload::default() };
        let mut sim = CompareSim::new(w, T0).unwrap();
        for a in &actions {
            let before = sim.clone();
            if sim.apply(a).is_err() {
                prop_assert_eq!(&sim, &before);
            }
            for s in System::ALL {
                let c = sim.counters(s);
                let _ = sim.column(s);
                for g in sim.groups(s) {
                    prop_assert!(g.unique <= c.sent);
                    prop_assert_eq!(g.delivered, g.unique + g.duplicates);
                }
            }
        }
    }
}

#[test]
fn exactly_once_preset_shows_duplicates_everywhere_and_none_with_kafka_transactions() {
    let p = presets()
        .into_iter()
        .find(|p| p.id == "exactly-once")
        .unwrap();
    let mut sim = CompareSim::new(p.workload.clone(), T0).unwrap();
    assert!(sim.eos().is_none());
    for a in &p.actions {
        sim.apply(a).unwrap();
    }
    // What the summary claims: every system delivered some messages twice.
    for s in System::ALL {
        assert!(
            sim.counters(s).duplicates > 0,
            "{s:?}: {:?}",
            sim.counters(s)
        );
    }
    let eos = sim.eos().expect("the demo ran");
    assert!(eos.transactions.crashed && eos.at_least_once.crashed);
    assert_eq!(eos.transactions.duplicate_outputs, 0);
    assert_eq!(eos.transactions.missing_outputs, 0);
    assert_eq!(eos.transactions.distinct_outputs, eos.messages as u64);
    assert!(eos.at_least_once.duplicate_outputs > 0);
    assert_eq!(eos.sqs_redelivered, sim.redeliveries(System::Sqs));
    // A crash point past the messages is refused and changes nothing.
    let before = sim.clone();
    assert!(sim
        .apply(&CompareAction::ExactlyOnce { crash_after: 0 })
        .is_err());
    assert!(sim
        .apply(&CompareAction::ExactlyOnce {
            crash_after: p.workload.messages + 1
        })
        .is_err());
    assert_eq!(sim, before);
}

fn played(id: &str) -> CompareSim {
    let p = presets().into_iter().find(|p| p.id == id).unwrap();
    let mut sim = CompareSim::new(p.workload.clone(), T0).unwrap();
    for a in &p.actions {
        sim.apply(a).unwrap();
    }
    sim
}

#[test]
fn each_preset_shows_what_its_summary_says() {
    let sim = played("delete-vs-keep");
    let sent = sim.counters(System::Sqs).sent;
    assert_eq!(sim.counters(System::Sqs).readable, 0);
    assert_eq!(group_unique(&sim, System::Sqs, "consumers"), sent);
    assert_eq!(sim.counters(System::Kafka).readable, sent);
    assert_eq!(sim.counters(System::Kinesis).readable, sent);

    let sim = played("second-group");
    assert_eq!(group_unique(&sim, System::Kafka, "group-2"), sent);
    assert_eq!(group_unique(&sim, System::Kinesis, "app-2"), sent);
    assert_eq!(sim.refused(System::Sqs), 1);

    let sim = played("replay");
    let kafka = group_unique(&sim, System::Kafka, "replay-1");
    assert!(kafka > 0 && kafka < sent);
    assert_eq!(group_unique(&sim, System::Kinesis, "replay-1"), kafka);
    assert_eq!(sim.refused(System::Sqs), 1);

    let sim = played("kill-consumer");
    for s in System::ALL {
        assert!(sim.redeliveries(s) > 0, "{s:?}");
    }

    let sim = played("same-key");
    for s in System::ALL {
        assert_eq!(sim.counters(s).out_of_order, 0, "{s:?}");
    }
}

#[test]
fn nothing_is_delivered_twice_when_nothing_goes_wrong() {
    // The consumers warm up before the first message, so start-up lease
    // hand-overs and the first rebalance re-deliver nothing.
    let sim = played("delete-vs-keep");
    for s in [System::Kafka, System::Kinesis] {
        assert_eq!(sim.counters(s).duplicates, 0, "{s:?}");
        assert_eq!(sim.counters(s).delivered, sim.counters(s).sent, "{s:?}");
    }
    // A second group of one consumer takes every partition / lease at once.
    let sim = played("second-group");
    assert_eq!(sim.counters(System::Kinesis).duplicates, 0);
}

#[test]
fn fifo_sends_over_the_limit_are_retried_not_lost() {
    let w = Workload {
        fifo: true,
        records_per_second: 1_000,
        messages: 2_000,
        ..Workload::default()
    };
    let mut sim = CompareSim::new(w.clone(), T0).unwrap();
    run(&mut sim, 60);
    assert!(sim.sqs_throttled() > 0, "1,000 sends a second exceed 300 calls a second");
    assert_eq!(sim.counters(System::Sqs).sent, u64::from(w.messages));
}
