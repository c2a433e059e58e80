//! The compare lessons 4.1–4.4 (lessons/queue-vs-stream.toml,
//! kinesis-vs-kafka.toml, consumer-groups.toml, emulating-groups.toml) quote
//! what the engines show when the student follows their steps. This plays
//! those steps and checks every quoted number and behaviour, so an engine
//! change that makes a text untrue fails here, naming the lesson and step.

use kinesis_lab_core::compare::kafka::Assignor;
use kinesis_lab_core::compare::sim::{CompareAction, CompareSim, EventKind, Workload};
use kinesis_lab_core::compare::System;
use kinesis_lab_core::lesson::lab::{Action, Lab};
use kinesis_lab_core::lesson::Scenario;

const START: u64 = kinesis_lab_core::api::scenario::DEFAULT_START_MS;

fn workload(seed: u64, rate: u32, consumers: u32, assignor: Assignor, fifo: bool) -> Workload {
    Workload {
        keys: 10,
        records_per_second: rate,
        record_bytes: 100,
        messages: 1000,
        consumers,
        partitions: 3,
        assignor,
        fifo,
        seed,
    }
}

fn play(w: Workload, actions: &[CompareAction]) -> CompareSim {
    let mut sim = CompareSim::new(w, START).unwrap();
    for a in actions {
        sim.apply(a).unwrap();
    }
    sim
}

fn run(seconds: u32) -> CompareAction {
    CompareAction::Run { seconds }
}

fn stored(sim: &CompareSim, system: System) -> Vec<usize> {
    sim.column(system)
        .lanes
        .iter()
        .map(|l| l.stored.len())
        .collect()
}

/// Kafka assignments logged for `group`, with the time since the start.
fn rebalances(sim: &CompareSim, group: &str) -> Vec<(u64, Vec<(String, Vec<u32>)>)> {
    sim.events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Rebalance {
                group: g,
                assignment,
            } if g == group => Some((e.at - START, assignment.clone())),
            _ => None,
        })
        .collect()
}

fn assignment(list: &[(&str, &[u32])]) -> Vec<(String, Vec<u32>)> {
    list.iter()
        .map(|(m, p)| (m.to_string(), p.to_vec()))
        .collect()
}

/// Every live worker of a Kinesis group holds exactly one lease.
fn one_lease_each(sim: &CompareSim, group: usize) -> bool {
    sim.groups(System::Kinesis)[group]
        .members
        .iter()
        .all(|m| m.lanes.len() == 1)
}

#[test]
fn queue_vs_stream() {
    let w = workload(41, 100, 3, Assignor::Range, false);
    // Step 2: a minute in.
    let mut sim = play(w, &[run(60)]);
    for s in System::ALL {
        assert_eq!(sim.counters(s).sent, 1000, "{s:?}");
    }
    assert_eq!(sim.counters(System::Sqs).readable, 0);
    assert_eq!(sim.counters(System::Kafka).readable, 1000);
    assert_eq!(sim.counters(System::Kinesis).readable, 1000);
    assert_eq!(
        stored(&sim, System::Sqs),
        vec![0, 0],
        "the queue lane is empty"
    );
    assert_eq!(stored(&sim, System::Kafka).iter().sum::<usize>(), 1000);
    assert_eq!(stored(&sim, System::Kinesis).iter().sum::<usize>(), 1000);
    let k = sim.counters(System::Kinesis);
    assert_eq!((k.delivered, k.duplicates), (1000, 0));
    let q = sim.counters(System::Sqs);
    assert_eq!(
        (q.delivered, q.duplicates),
        (1001, 1),
        "one stale copy came back"
    );
    assert_eq!(sim.counters(System::Kafka).delivered, 1000);
    // The KCL start-up: one worker took every lease, two were taken back.
    let moved: Vec<(String, String)> = sim
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::LeaseMoved {
                group, to, reason, ..
            } if group == "app-1" => Some((to.clone(), reason.clone())),
            _ => None,
        })
        .collect();
    let first = &moved[0].0;
    assert!(
        moved[..3].iter().all(|(to, r)| to == first && r == "new"),
        "{moved:?}"
    );
    assert_eq!(
        moved[3..].iter().filter(|(_, r)| r == "stolen").count(),
        2,
        "{moved:?}"
    );
    // Step 3: a second group, a minute later.
    let kafka_first = sim.groups(System::Kafka)[0].delivered;
    let kinesis_first = sim.groups(System::Kinesis)[0].delivered;
    sim.apply(&CompareAction::SecondGroup).unwrap();
    sim.apply(&run(60)).unwrap();
    assert_eq!(sim.counters(System::Kafka).delivered, 2000);
    let g2 = &sim.groups(System::Kafka)[1];
    assert_eq!(
        (g2.name.as_str(), g2.unique, g2.duplicates),
        ("group-2", 1000, 0)
    );
    assert!(
        g2.members.len() == 1 && g2.members[0].lanes.len() == 3,
        "one consumer reads all three partitions"
    );
    let a2 = &sim.groups(System::Kinesis)[1];
    assert_eq!((a2.name.as_str(), a2.unique, a2.duplicates), ("app-2", 1000, 0));
    assert_eq!(a2.members.len(), 1);
    assert!(sim.events().iter().any(|e| e.system == System::Sqs
        && matches!(&e.kind, EventKind::NotPossible { action, .. } if action == "second_group")));
    assert_eq!(
        sim.groups(System::Kafka)[0].delivered,
        kafka_first,
        "group-1 undisturbed"
    );
    assert_eq!(
        sim.groups(System::Kinesis)[0].delivered,
        kinesis_first,
        "app-1 undisturbed"
    );
}

#[test]
fn kinesis_vs_kafka() {
    // Step 0: 100 a second, twenty seconds.
    let sim = play(workload(42, 100, 3, Assignor::Range, false), &[run(20)]);
    assert_eq!(stored(&sim, System::Kafka), vec![283, 300, 417]);
    assert_eq!(stored(&sim, System::Kinesis), vec![182, 500, 318]);
    for s in System::ALL {
        assert_eq!(sim.counters(s).out_of_order, 0, "{s:?}");
        for l in &sim.column(s).lanes {
            if s != System::Sqs {
                assert_eq!(l.readers.len(), 1, "{s:?} {}", l.label);
            }
        }
    }
    // Step 1 → 2: 200 a second and the same key at once.
    let same = CompareAction::SameKey { count: 1000 };
    let sim = play(
        workload(42, 200, 3, Assignor::Range, false),
        &[same.clone(), run(30)],
    );
    assert_eq!(sim.counters(System::Sqs).out_of_order, 9293);
    assert_eq!(sim.counters(System::Kafka).out_of_order, 0);
    assert_eq!(sim.counters(System::Kinesis).out_of_order, 0);
    assert_eq!(stored(&sim, System::Kafka), vec![1283, 300, 417]);
    assert_eq!(stored(&sim, System::Kinesis), vec![182, 1500, 318]);
    // Step 2: FIFO, the burst after the workload: in order, but slow.
    let fifo = workload(42, 200, 3, Assignor::Range, true);
    let mut sim = play(fifo.clone(), &[run(20), same, run(30)]);
    let q = sim.counters(System::Sqs);
    assert_eq!((q.sent, q.out_of_order), (2000, 0));
    assert!(q.readable >= 100, "hundreds still waiting: {}", q.readable);
    sim.apply(&run(30)).unwrap();
    assert_eq!(sim.counters(System::Sqs).readable, 0);
    assert_eq!(sim.counters(System::Sqs).out_of_order, 0);
    // Step 3: capacity added two seconds in.
    let mut sim = play(fifo, &[run(12)]);
    let p95_before = sim.counters(System::Kinesis).latency_p95_ms.unwrap();
    sim.apply(&CompareAction::AddCapacity).unwrap();
    sim.apply(&run(40)).unwrap();
    let moved = sim
        .events()
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::KeysMoved {
                keys,
                from: 3,
                to: 4,
            } => Some(keys.len()),
            _ => None,
        })
        .unwrap();
    assert_eq!(moved, 7, "7 of the 10 keys move");
    assert_eq!(sim.counters(System::Kafka).out_of_order, 1593);
    assert_eq!(sim.counters(System::Kinesis).out_of_order, 0);
    assert_eq!(sim.counters(System::Sqs).out_of_order, 0);
    assert!(sim.events().iter().any(|e| matches!(&e.kind,
        EventKind::ShardEnded { lease, .. } if lease == "shardId-000000000001")));
    let p95_after = sim.counters(System::Kinesis).latency_p95_ms.unwrap();
    assert!(
        (900..=1500).contains(&p95_before),
        "about 1 s: {p95_before}"
    );
    assert!(
        (7_000..=9_000).contains(&p95_after),
        "about 8 s: {p95_after}"
    );
}

#[test]
fn consumer_groups() {
    // Step 0 → 1: three members, range.
    let sim = play(workload(43, 100, 3, Assignor::Range, false), &[]);
    assert!(sim.groups(System::Kafka)[0]
        .members
        .iter()
        .all(|m| m.paused));
    let sim = play(workload(43, 100, 3, Assignor::Range, false), &[run(20)]);
    assert_eq!(
        rebalances(&sim, "group-1"),
        vec![(
            6500,
            assignment(&[("member-1", &[0]), ("member-2", &[1]), ("member-3", &[2])])
        )]
    );
    assert!(one_lease_each(&sim, 0));
    // Step 1 → 2: five members.
    let sim = play(workload(43, 100, 5, Assignor::Range, false), &[run(20)]);
    assert_eq!(
        rebalances(&sim, "group-1")[0].1,
        assignment(&[
            ("member-1", &[0]),
            ("member-2", &[1]),
            ("member-3", &[2]),
            ("member-4", &[]),
            ("member-5", &[])
        ])
    );
    assert_eq!(sim.idle_consumers(System::Kafka), 2);
    assert_eq!(sim.idle_consumers(System::Kinesis), 2);
    // Step 2 → 3: a second group.
    let mut sim = play(workload(43, 100, 3, Assignor::Range, false), &[run(20)]);
    let first = sim.groups(System::Kafka)[0].delivered;
    sim.apply(&CompareAction::SecondGroup).unwrap();
    sim.apply(&run(20)).unwrap();
    let g = sim.groups(System::Kafka);
    assert_eq!((g[1].unique, g[0].delivered), (1000, first));
    assert!(g[1].members.len() == 1 && g[1].members[0].lanes.len() == 3);
    assert_eq!(sim.counters(System::Kafka).delivered, 2000);
    // Step 3 → 4: 3000 messages, a member dies twenty seconds in (ten after the first message).
    for (assignor, survivors) in [
        (
            Assignor::Range,
            assignment(&[("member-2", &[]), ("member-3", &[])]),
        ),
        (
            Assignor::CooperativeSticky,
            assignment(&[("member-2", &[1]), ("member-3", &[2])]),
        ),
    ] {
        let w = Workload {
            messages: 3000,
            ..workload(43, 100, 3, assignor, false)
        };
        let sim = play(
            w,
            &[
                run(20),
                CompareAction::KillConsumer { consumer: 1 },
                run(60),
            ],
        );
        let r = rebalances(&sim, "group-1");
        assert_eq!(
            r[1],
            (65_000, survivors),
            "{assignor:?}: 45 s after the kill"
        );
        assert_eq!(
            r[2],
            (
                68_500,
                assignment(&[("member-2", &[0, 1]), ("member-3", &[2])])
            ),
            "{assignor:?}"
        );
        let again: Vec<(System, String, u64, u64)> = sim
            .events()
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Redelivered {
                    consumer, messages, ..
                } if e.at - START >= 20_000 => {
                    Some((e.system, consumer.clone(), *messages, e.at - START))
                }
                _ => None,
            })
            .collect();
        assert!(
            again.contains(&(System::Kafka, "member-2".into(), 155, 68_500)),
            "{again:?}"
        );
        // SQS: the dead poller's message is handed out when its 30 s run out.
        assert!(
            again
                .iter()
                .any(|(s, _, _, at)| *s == System::Sqs && *at == 50_000),
            "{again:?}"
        );
        assert!(sim.events().iter().any(|e| matches!(&e.kind,
            EventKind::LeaseMoved { reason, .. } if reason == "expired")));
        for s in System::ALL {
            assert_eq!(sim.groups(s)[0].unique, 3000, "{s:?}: nothing lost");
        }
    }
}

#[test]
fn emulating_groups() {
    let w = workload(7, 100, 3, Assignor::Range, false);
    // Step 0 → 1.
    let mut sim = play(w, &[run(20)]);
    assert!(one_lease_each(&sim, 0));
    // Step 1 → 2: app-2 from TRIM_HORIZON.
    let app1 = sim.groups(System::Kinesis)[0].delivered;
    sim.apply(&CompareAction::SecondGroup).unwrap();
    sim.apply(&run(30)).unwrap();
    let a2 = &sim.groups(System::Kinesis)[1];
    assert_eq!((a2.delivered, a2.duplicates, a2.unique), (1000, 0, 1000));
    assert_eq!(sim.groups(System::Kinesis)[0].delivered, app1);
    let leases: Vec<(String, Option<String>, String)> = sim
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::LeaseMoved {
                group,
                to,
                from,
                reason,
                ..
            } if group == "app-2" => Some((to.clone(), from.clone(), reason.clone())),
            _ => None,
        })
        .collect();
    let first = leases[0].0.clone();
    assert!(
        leases[..3]
            .iter()
            .all(|(to, _, r)| *to == first && r == "new"),
        "{leases:?}"
    );
    // One worker: it keeps all three, nothing is stolen.
    assert_eq!(leases.len(), 3);
    // Step 2 → 3: the fan-out widget, on the lesson's scenario (seed 7).
    let scenario = Scenario {
        shards: 3,
        seed: 7,
        distribution: kinesis_lab_core::workload::KeyDistribution::UserIds,
        records_per_second: 1000,
        seconds: 10,
        actions: Vec::new(),
    };
    let mut lab = Lab::from_scenario(&scenario).unwrap();
    lab.apply(&Action::FanOut {
        consumers: 3,
        shards: 1,
        records_per_second: 1000,
        record_bytes: 1000,
        seconds: 10,
    })
    .unwrap();
    let r = &lab.fanouts[0];
    assert_eq!((r.polling[0].records, r.enhanced[0].records), (5034, 9330));
    assert!(r.polling.iter().all(|a| a.throttled > 0));
    assert!(r
        .enhanced
        .iter()
        .all(|a| a.throttled == 0 && a.p50_ms == Some(70)));
}
