use super::*;
use crate::producer::{Producer, ProducerConfig};
use crate::stream::engine::Event;
use crate::workload::KeyDistribution;
use proptest::prelude::*;
use std::collections::BTreeSet;

const T0: u64 = 1_767_225_600_000;

fn setup(shards: u32, rate: u32) -> (Engine, Traffic) {
    let mut e = Engine::new();
    e.create_stream(T0, "s", shards).unwrap();
    let mut t = Traffic::new(T0);
    if rate > 0 {
        let cfg = ProducerConfig {
            stream: "s".into(),
            records_per_second: rate,
            distribution: KeyDistribution::UserIds,
            record_bytes: 100,
        };
        t.producers.push(Producer::new(0, cfg, 7, T0).unwrap());
    }
    (e, t)
}

fn app_with(e: &Engine, name: &str, seed: u64, checkpoint: CheckpointPolicy) -> KclApplication {
    let config = KclConfig {
        checkpoint,
        ..KclConfig::default()
    };
    KclApplication::new(name, "s", config, seed, e, T0).unwrap()
}

/// Every record the engine accepted: (shard, sequence index).
fn puts(e: &Engine) -> BTreeSet<(u32, u64)> {
    e.events()
        .iter()
        .filter_map(|ev| match ev {
            Event::RecordPut {
                shard, seq_index, ..
            } => Some((*shard, *seq_index)),
            _ => None,
        })
        .collect()
}

fn shard_of(lease: &str) -> u32 {
    crate::stream::engine::parse_shard_id(lease).unwrap()
}

/// Every record an application's processors were handed, from its log.
fn processed(events: &[KclEvent]) -> BTreeSet<(u32, u64)> {
    let mut out = BTreeSet::new();
    for ev in events {
        if let KclEvent::RecordsProcessed {
            lease, first, last, ..
        } = ev
        {
            out.extend((*first..=*last).map(|i| (shard_of(lease), i)));
        }
    }
    out
}

/// Every record put was processed: or which were missed, and which were
/// processed without being put.
fn all_processed(app: &KclApplication, e: &Engine) {
    let got = processed(app.events());
    let want = puts(e);
    let missed: Vec<_> = want.difference(&got).take(5).collect();
    let extra: Vec<_> = got.difference(&want).take(5).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "{}: missed {missed:?}…, extra {extra:?}…",
        app.name
    );
}

fn run(e: &mut Engine, tr: &mut Traffic, app: &mut KclApplication, t: u64) {
    run_until(e, tr, std::slice::from_mut(app), t);
}

#[test]
fn four_shards_and_six_workers_leave_two_idle() {
    let (mut e, mut tr) = setup(4, 20);
    let mut app = app_with(&e, "orders", 1, CheckpointPolicy::Millis(5_000));
    for _ in 0..6 {
        app.add_worker(T0).unwrap();
    }
    run(&mut e, &mut tr, &mut app, T0 + 120_000);
    let shards = app.leases().count();
    let workers = app.workers().len();
    assert_eq!(shards, 4);
    assert_eq!(app.idle_workers(), workers - shards);
    for w in app.workers() {
        assert!(
            w.leases().count() <= 1,
            "{} holds {:?}",
            w.id,
            w.leases().collect::<Vec<_>>()
        );
    }
    // Every lease has exactly one holder, the owner in the table.
    for (lease, holders) in app.holders() {
        assert_eq!(holders.len(), 1, "{lease}");
        assert_eq!(
            app.lease(&lease).unwrap().lease_owner.as_ref(),
            Some(&holders[0])
        );
    }
    assert_eq!(app.holders().len(), shards);
}

#[test]
fn two_workers_share_four_shards_two_each() {
    let (mut e, mut tr) = setup(4, 20);
    let mut app = app_with(&e, "orders", 1, CheckpointPolicy::Millis(5_000));
    app.add_worker(T0).unwrap();
    run(&mut e, &mut tr, &mut app, T0 + 30_000);
    // The first worker took every lease nobody had ever renewed; a second one
    // evens the load by stealing, one lease per scan.
    assert_eq!(app.workers()[0].leases().count(), 4);
    app.add_worker(T0 + 30_000).unwrap();
    run(&mut e, &mut tr, &mut app, T0 + 150_000);
    for w in app.workers() {
        assert_eq!(w.leases().count(), 2, "{}", w.id);
    }
    let steals: Vec<u64> = app
        .events()
        .iter()
        .filter(|ev| matches!(ev, KclEvent::LeaseStolen { .. }))
        .map(KclEvent::at)
        .collect();
    assert_eq!(steals.len(), 2, "two steals, one at a time");
    assert!(steals[1] - steals[0] >= app.config.taker_interval_millis());
}

/// The killed worker's leases, the records it processed on each after that
/// lease's last checkpoint, from the event log.
fn since_checkpoint(app: &KclApplication, worker: &str) -> BTreeSet<(u32, u64)> {
    let killed: Vec<String> = app
        .events()
        .iter()
        .rev()
        .find_map(|ev| match ev {
            KclEvent::WorkerKilled {
                worker: w, leases, ..
            } if w == worker => Some(leases.clone()),
            _ => None,
        })
        .unwrap();
    let mut out = BTreeSet::new();
    for lease in killed {
        let checkpoint = app
            .events()
            .iter()
            .filter_map(|ev| match ev {
                KclEvent::Checkpointed {
                    lease: l,
                    checkpoint,
                    ..
                } if *l == lease => checkpoint.seq_index(),
                _ => None,
            })
            .next_back();
        for ev in app.events() {
            if let KclEvent::RecordsProcessed {
                lease: l,
                worker: w,
                first,
                last,
                ..
            } = ev
            {
                if *l == lease && w == worker {
                    out.extend(
                        (*first..=*last)
                            .filter(|i| checkpoint.is_none_or(|c| *i > c))
                            .map(|i| (shard_of(&lease), i)),
                    );
                }
            }
        }
    }
    out
}

#[test]
fn duplicates_after_a_crash_are_the_records_processed_since_the_last_checkpoint() {
    let (mut e, mut tr) = setup(2, 50);
    let mut app = app_with(&e, "orders", 3, CheckpointPolicy::Millis(10_000));
    let a = app.add_worker(T0).unwrap();
    let b = app.add_worker(T0).unwrap();
    let kill_at = T0 + 67_500;
    run(&mut e, &mut tr, &mut app, kill_at);
    assert_eq!(app.worker(&a).unwrap().leases().count(), 1);
    let before = app.stats.duplicates;
    let redelivered_before = app.redelivered().clone();
    app.kill_worker(&a, kill_at).unwrap();
    let expected = since_checkpoint(&app, &a);
    assert!(!expected.is_empty());
    run(&mut e, &mut tr, &mut app, kill_at + 90_000);
    tr.producers.clear();
    run(&mut e, &mut tr, &mut app, kill_at + 95_000);
    // The lease moved to the other worker, which re-processed exactly those.
    assert_eq!(app.worker(&b).unwrap().leases().count(), 2);
    assert_eq!(app.stats.duplicates - before, expected.len() as u64);
    let new: BTreeSet<(u32, u64)> = app
        .redelivered()
        .iter()
        .filter(|(k, n)| redelivered_before.get(k) != Some(n))
        .map(|(k, _)| *k)
        .collect();
    assert_eq!(new, expected);
    // And nothing was missed.
    all_processed(&app, &e);
}

#[test]
fn a_killed_workers_leases_move_after_the_failover_time() {
    let (mut e, mut tr) = setup(2, 10);
    let mut app = app_with(&e, "orders", 5, CheckpointPolicy::Records(20));
    let a = app.add_worker(T0).unwrap();
    let b = app.add_worker(T0).unwrap();
    run(&mut e, &mut tr, &mut app, T0 + 45_000);
    let leases: Vec<String> = app
        .worker(&a)
        .unwrap()
        .leases()
        .map(str::to_owned)
        .collect();
    let kill_at = T0 + 45_000;
    app.kill_worker(&a, kill_at).unwrap();
    run(&mut e, &mut tr, &mut app, kill_at + 120_000);
    let cfg = app.config;
    for lease in leases {
        let taken = app
            .events()
            .iter()
            .find_map(|ev| match ev {
                KclEvent::LeaseTaken {
                    at,
                    lease: l,
                    worker,
                    from,
                    how: TakeReason::Expired,
                    ..
                } if *l == lease && *at > kill_at => Some((*at, worker.clone(), from.clone())),
                _ => None,
            })
            .unwrap();
        assert_eq!(taken.1, b);
        assert_eq!(taken.2.as_deref(), Some(a.as_str()));
        let waited = taken.0 - kill_at;
        // At least the failover time; at most that plus two scans' wait.
        assert!(waited > cfg.failover_time_millis, "{waited}");
        assert!(
            waited <= cfg.failover_time_millis + 2 * cfg.taker_interval_millis(),
            "{waited}"
        );
        let row = app.lease(&lease).unwrap();
        assert_eq!(row.lease_owner.as_deref(), Some(b.as_str()));
    }
}

#[test]
fn a_worker_restarted_in_time_takes_its_leases_back() {
    let (mut e, mut tr) = setup(2, 10);
    let mut app = app_with(&e, "orders", 9, CheckpointPolicy::Millis(4_000));
    let a = app.add_worker(T0).unwrap();
    // Killed between two checkpoints.
    run(&mut e, &mut tr, &mut app, T0 + 22_500);
    app.kill_worker(&a, T0 + 22_500).unwrap();
    assert_eq!(app.worker(&a).unwrap().state(), WorkerState::Stopped);
    let counters: Vec<u64> = app.leases().map(|l| l.lease_counter).collect();
    run(&mut e, &mut tr, &mut app, T0 + 25_000);
    assert_eq!(
        app.leases().map(|l| l.lease_counter).collect::<Vec<_>>(),
        counters,
        "nobody renews a dead worker's leases"
    );
    app.restart_worker(&a, T0 + 25_000).unwrap();
    let reclaimed = app
        .events()
        .iter()
        .filter(|ev| {
            matches!(
                ev,
                KclEvent::LeaseTaken {
                    how: TakeReason::Reclaimed,
                    ..
                }
            )
        })
        .count();
    assert_eq!(reclaimed, 2);
    for (l, before) in app.leases().zip(&counters) {
        assert_eq!(l.lease_owner.as_deref(), Some(a.as_str()));
        assert_eq!(l.lease_counter, before + 1);
        assert_eq!(
            l.owner_switches_since_checkpoint, 0,
            "same owner, no switch"
        );
    }
    tr.producers.clear();
    run(&mut e, &mut tr, &mut app, T0 + 60_000);
    all_processed(&app, &e);
    assert!(app.stats.duplicates > 0, "it resumed from its checkpoint");
}

#[test]
fn two_applications_each_read_every_record() {
    let (mut e, mut tr) = setup(3, 40);
    let mut apps = vec![
        app_with(&e, "order-service", 1, CheckpointPolicy::Millis(5_000)),
        app_with(&e, "analytics", 1, CheckpointPolicy::Records(100)),
    ];
    for _ in 0..3 {
        apps[0].add_worker(T0).unwrap();
    }
    apps[1].add_worker(T0).unwrap();
    run_until(&mut e, &mut tr, &mut apps, T0 + 30_000);
    let mid = (u128::MAX / 6).to_string();
    e.split_shard(T0 + 30_000, "s", "shardId-000000000000", &mid)
        .unwrap();
    run_until(&mut e, &mut tr, &mut apps, T0 + 60_000);
    tr.producers.clear();
    run_until(&mut e, &mut tr, &mut apps, T0 + 180_000);
    let all = puts(&e);
    assert!(all.len() > 2_000);
    for app in &apps {
        assert_eq!(processed(app.events()), all, "{}", app.name);
        assert_eq!(app.stats.unique(), all.len() as u64, "{}", app.name);
        // Each has its own table, with the children of the split.
        assert_eq!(app.leases().count(), 5);
    }
    assert_ne!(apps[0].leases().next(), apps[1].leases().next());
}

#[test]
fn children_wait_for_their_parents_to_reach_shard_end() {
    let (mut e, mut tr) = setup(1, 20);
    let config = KclConfig {
        shard_sync_interval_millis: 5_000,
        checkpoint: CheckpointPolicy::Millis(2_000),
        ..KclConfig::default()
    };
    let mut app = KclApplication::new("orders", "s", config, 2, &e, T0).unwrap();
    app.add_worker(T0).unwrap();
    app.add_worker(T0).unwrap();
    run(&mut e, &mut tr, &mut app, T0 + 10_000);
    // The parent's owner dies just before the split: the children get leases
    // at the next shard sync and wait until someone finishes the parent.
    let owner = app
        .lease("shardId-000000000000")
        .unwrap()
        .lease_owner
        .clone()
        .unwrap();
    app.kill_worker(&owner, T0 + 10_000).unwrap();
    e.split_shard(
        T0 + 10_000,
        "s",
        "shardId-000000000000",
        &(u128::MAX / 2).to_string(),
    )
    .unwrap();
    run(&mut e, &mut tr, &mut app, T0 + 175_000);
    tr.producers.clear();
    run(&mut e, &mut tr, &mut app, T0 + 180_000);
    let waited = app
        .events()
        .iter()
        .any(|ev| matches!(ev, KclEvent::WaitingForParents { .. }));
    assert!(waited, "a child lease was taken before its parent ended");
    let parent_end = app
        .events()
        .iter()
        .find_map(|ev| match ev {
            KclEvent::ShardEnded { at, lease, .. } if lease == "shardId-000000000000" => Some(*at),
            _ => None,
        })
        .unwrap();
    for ev in app.events() {
        if let KclEvent::ProcessorStarted { at, lease, .. }
        | KclEvent::RecordsProcessed { at, lease, .. } = ev
        {
            if lease != "shardId-000000000000" {
                assert!(*at >= parent_end, "{lease} at {at} before {parent_end}");
            }
        }
    }
    assert_eq!(
        app.lease("shardId-000000000000").unwrap().checkpoint,
        Checkpoint::ShardEnd
    );
    all_processed(&app, &e);
}

#[test]
fn checkpointing_every_n_records() {
    let (mut e, mut tr) = setup(1, 30);
    let mut app = app_with(&e, "orders", 4, CheckpointPolicy::Records(50));
    app.add_worker(T0).unwrap();
    run(&mut e, &mut tr, &mut app, T0 + 60_000);
    // Between two checkpoints at least 50 records were processed; fewer than
    // 50 remain unprocessed since the last.
    let mut since = 0;
    let mut checkpoints = 0;
    for ev in app.events() {
        match ev {
            KclEvent::RecordsProcessed { records, .. } => since += records,
            KclEvent::Checkpointed { .. } => {
                assert!(since >= 50, "{since}");
                since = 0;
                checkpoints += 1;
            }
            _ => {}
        }
    }
    assert!(since < 50 + 30);
    assert_eq!(checkpoints, app.stats.checkpoints);
    assert!(checkpoints >= 30, "{checkpoints}");
}

/// Equal logs, or a failure showing the first difference.
fn same_logs(a: &[Vec<KclEvent>], b: &[Vec<KclEvent>]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        if let Some(i) = (0..x.len().min(y.len())).find(|&i| x[i] != y[i]) {
            panic!("event {i} differs:\n{:?}\n{:?}", x[i], y[i]);
        }
        assert_eq!(x.len(), y.len());
    }
}

#[test]
fn the_same_seed_and_inputs_give_the_same_log() {
    let go = |seed: u64, tick: u64| {
        let (mut e, mut tr) = setup(3, 25);
        let mut apps = vec![
            app_with(&e, "one", seed, CheckpointPolicy::Millis(3_000)),
            app_with(&e, "two", seed, CheckpointPolicy::Records(40)),
        ];
        for _ in 0..3 {
            apps[0].add_worker(T0).unwrap();
            apps[1].add_worker(T0).unwrap();
        }
        let mut now = T0;
        while now < T0 + 90_000 {
            now += tick;
            run_until(&mut e, &mut tr, &mut apps, now);
            if now == T0 + 30_000 {
                let id = apps[0].workers()[1].id.clone();
                apps[0].kill_worker(&id, now).unwrap();
                e.split_shard(
                    now,
                    "s",
                    "shardId-000000000001",
                    &(u128::MAX / 2).to_string(),
                )
                .unwrap();
            }
        }
        let logs: Vec<Vec<KclEvent>> = apps.iter().map(|a| a.events().to_vec()).collect();
        (logs, e.events().to_vec())
    };
    let (a, ea) = go(11, 250);
    let (b, eb) = go(11, 250);
    same_logs(&a, &b);
    assert_eq!(ea, eb);
    assert!(a.iter().all(|log| log.len() > 100));
    // Cutting time into 50 ms or 10 s ticks changes nothing either.
    let (c, ec) = go(11, 10_000);
    let (d, _) = go(11, 50);
    same_logs(&a, &c);
    assert_eq!(ea, ec);
    same_logs(&a, &d);
    // Another seed gives other worker identifiers.
    let (other, _) = go(12, 10_000);
    assert_ne!(a, other);
}

#[test]
fn bad_input_names_the_field_and_changes_nothing() {
    let (e, _) = setup(1, 0);
    let err = |r: Result<KclApplication, KclError>| r.err().unwrap().field;
    assert_eq!(
        err(KclApplication::new(
            "x",
            "s",
            KclConfig::default(),
            1,
            &e,
            T0
        )),
        KclField::ApplicationName
    );
    assert_eq!(
        err(KclApplication::new(
            "app",
            "nope",
            KclConfig::default(),
            1,
            &e,
            T0
        )),
        KclField::StreamName
    );
    let bad = KclConfig {
        failover_time_millis: 0,
        ..KclConfig::default()
    };
    assert_eq!(
        err(KclApplication::new("app", "s", bad, 1, &e, T0)),
        KclField::FailoverTimeMillis
    );
    let mut app = app_with(&e, "app", 1, CheckpointPolicy::Millis(1));
    let before = app.clone();
    assert_eq!(
        app.set_checkpoint_policy(CheckpointPolicy::Records(0))
            .unwrap_err()
            .field,
        KclField::CheckpointEveryRecords
    );
    assert_eq!(
        app.kill_worker("ghost", T0).unwrap_err(),
        KclError::new(KclField::WorkerIdentifier, KclProblem::NoSuchWorker)
    );
    assert_eq!(app, before);
    let id = app.add_worker(T0).unwrap();
    assert_eq!(
        app.restart_worker(&id, T0).unwrap_err().problem,
        KclProblem::AlreadyRunning
    );
    app.kill_worker(&id, T0).unwrap();
    assert_eq!(
        app.kill_worker(&id, T0).unwrap_err().problem,
        KclProblem::AlreadyStopped
    );
    for _ in 1..MAX_WORKERS {
        app.add_worker(T0).unwrap();
    }
    assert_eq!(app.add_worker(T0).unwrap_err().field, KclField::Workers);

    for (text, problem) in [
        ("", KclProblem::NotANumber),
        ("-5", KclProblem::NotANumber),
        ("2.5", KclProblem::NotANumber),
        (
            "0",
            KclProblem::OutOfRange {
                min: 1,
                max: MAX_CHECKPOINT_INTERVAL_MILLIS,
            },
        ),
        (
            "99999999999999999999999",
            KclProblem::OutOfRange {
                min: 1,
                max: MAX_CHECKPOINT_INTERVAL_MILLIS,
            },
        ),
    ] {
        let e = parse_policy("millis", text).unwrap_err();
        assert_eq!(
            (e.field, e.problem),
            (KclField::CheckpointIntervalMillis, problem),
            "{text:?}"
        );
    }
    assert_eq!(
        parse_policy("records", " 25 "),
        Ok(CheckpointPolicy::Records(25))
    );
    assert_eq!(
        parse_policy("millis", "5000"),
        Ok(CheckpointPolicy::Millis(5_000))
    );
}

#[test]
fn starting_at_latest_skips_what_is_already_there() {
    let (mut e, mut tr) = setup(2, 20);
    tr.run_until(&mut e, T0 + 10_000);
    let before = puts(&e);
    let config = KclConfig {
        initial_position: InitialPosition::Latest,
        ..KclConfig::default()
    };
    let mut app = KclApplication::new("late", "s", config, 1, &e, T0 + 10_000).unwrap();
    assert!(app.leases().all(|l| l.checkpoint == Checkpoint::Latest));
    app.add_worker(T0 + 10_000).unwrap();
    run(&mut e, &mut tr, &mut app, T0 + 30_000);
    let got = processed(app.events());
    assert!(!got.is_empty());
    assert!(got.is_disjoint(&before));
}

#[test]
fn the_kcl_defaults() {
    let c = KclConfig::default();
    assert_eq!(c.failover_time_millis, 10_000);
    assert_eq!(c.renewer_interval_millis(), 10_000 / 3 - 25);
    assert_eq!(c.taker_interval_millis(), (10_000 + 25) * 2);
    assert_eq!(c.max_leases_to_steal_at_one_time, 1);
    assert_eq!(c.max_leases_for_worker, i32::MAX as u32);
}

// ---- Property tests over random kill, restart and split schedules ----

#[derive(Clone, Debug)]
enum Op {
    Add,
    Kill(usize),
    Restart(usize),
    Split(usize),
    Checkpoint(CheckpointPolicy),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => Just(Op::Add),
        4 => any::<usize>().prop_map(Op::Kill),
        3 => any::<usize>().prop_map(Op::Restart),
        2 => any::<usize>().prop_map(Op::Split),
        1 => (1u64..20_000).prop_map(|ms| Op::Checkpoint(CheckpointPolicy::Millis(ms))),
        1 => (1u64..200).prop_map(|n| Op::Checkpoint(CheckpointPolicy::Records(n))),
    ]
}

/// The invariants that must hold at every moment: a running worker holds a
/// lease only if it is the owner in the table, except the former owner of a
/// lease stolen less than one renewal interval ago (it learns of the steal
/// at its next renewal).
fn check_holders(app: &KclApplication, now: u64) -> Result<(), TestCaseError> {
    for (lease, holders) in app.holders() {
        let owner = app.lease(&lease).and_then(|l| l.lease_owner.clone());
        for h in &holders {
            if Some(h) == owner.as_ref() {
                continue;
            }
            let stolen_at = app.events().iter().rev().find_map(|ev| match ev {
                KclEvent::LeaseStolen {
                    at, lease: l, from, ..
                } if *l == lease && from == h => Some(*at),
                _ => None,
            });
            prop_assert!(
                stolen_at.is_some_and(|t| now - t <= app.config.renewer_interval_millis()),
                "{h} still holds {lease} at {now}, owner {owner:?}"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn kcl_invariants_hold_whatever_the_schedule(
        shards in 1u32..4,
        seed in any::<u64>(),
        ops in prop::collection::vec((0u64..25_000, op()), 0..14),
    ) {
        let (mut e, mut tr) = setup(shards, 30);
        let mut app = app_with(&e, "prop", seed, CheckpointPolicy::Millis(3_000));
        app.add_worker(T0).unwrap();
        app.add_worker(T0).unwrap();
        let mut now = T0;
        let tick = 500;
        let advance = |e: &mut Engine, tr: &mut Traffic, app: &mut KclApplication, to: u64, now: &mut u64| -> Result<(), TestCaseError> {
            while *now < to {
                *now = (*now + tick).min(to);
                run(e, tr, app, *now);
                check_holders(app, *now)?;
            }
            Ok(())
        };
        for (delay, op) in ops {
            advance(&mut e, &mut tr, &mut app, now + delay, &mut now)?;
            let n = app.workers().len();
            match op {
                Op::Add => { let _ = app.add_worker(now); }
                Op::Kill(i) => { let id = app.workers()[i % n].id.clone(); let _ = app.kill_worker(&id, now); }
                Op::Restart(i) => { let id = app.workers()[i % n].id.clone(); let _ = app.restart_worker(&id, now); }
                Op::Split(i) => {
                    let open: Vec<(u32, u128, u128)> = e.stream("s").unwrap().open_shards()
                        .map(|s| (s.index, s.range.start.0, s.range.end.0)).collect();
                    let (idx, lo, hi) = open[i % open.len()];
                    if hi - lo >= 2 {
                        let _ = e.split_shard(now, "s", &idx.to_string(), &(lo + (hi - lo) / 2 + 1).to_string());
                    }
                }
                Op::Checkpoint(p) => app.set_checkpoint_policy(p).unwrap(),
            }
        }
        // Producers stop; at least one worker runs until everything settles.
        tr.producers.clear();
        if app.workers().iter().all(|w| !w.alive) {
            app.add_worker(now).unwrap();
        }
        advance(&mut e, &mut tr, &mut app, now + 600_000, &mut now)?;

        // Every record (all within retention) was processed at least once.
        all_processed(&app, &e);
        prop_assert_eq!(app.stats.unique(), puts(&e).len() as u64);

        // Checkpoints never move backwards.
        let mut last: BTreeMap<String, Checkpoint> = BTreeMap::new();
        for ev in app.events() {
            if let KclEvent::Checkpointed { lease, checkpoint, .. } = ev {
                if let Some(prev) = last.get(lease) {
                    prop_assert!(checkpoint > prev, "{lease}: {prev} then {checkpoint}");
                }
                last.insert(lease.clone(), *checkpoint);
            }
        }
        for l in app.leases() {
            prop_assert_eq!(last.get(&l.lease_key).copied().unwrap_or(Checkpoint::TrimHorizon), l.checkpoint);
        }

        // A lease is only taken as expired from a worker that is not running.
        let mut alive: BTreeSet<String> = BTreeSet::new();
        for ev in app.events() {
            match ev {
                KclEvent::WorkerStarted { worker, .. } => { alive.insert(worker.clone()); }
                KclEvent::WorkerKilled { worker, .. } => { alive.remove(worker); }
                KclEvent::LeaseTaken { how: TakeReason::Expired, from: Some(f), lease, at, .. } => {
                    prop_assert!(!alive.contains(f), "{lease} taken from running {f} at {at}");
                }
                _ => {}
            }
        }

        // Parents before children: no child record before every parent lease
        // was checkpointed at SHARD_END.
        let mut ended: BTreeMap<String, u64> = BTreeMap::new();
        for ev in app.events() {
            match ev {
                KclEvent::ShardEnded { lease, at, .. } => { ended.insert(lease.clone(), *at); }
                KclEvent::ProcessorStarted { lease, at, .. } | KclEvent::RecordsProcessed { lease, at, .. } => {
                    for p in &app.lease(lease).unwrap().parent_shard_ids {
                        prop_assert!(ended.get(p).is_some_and(|t| t <= at), "{lease} at {at} before parent {p}");
                    }
                }
                _ => {}
            }
        }
    }
}
