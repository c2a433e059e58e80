//! The Kafka model (core/src/compare/kafka): murmur2 against Kafka's own
//! vectors, the assignors against Kafka's documented examples, consumer
//! groups, retention, partitions added, transactions, determinism.

use kinesis_lab_core::compare::kafka::*;
use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------- murmur2

/// Kafka's published vectors: `UtilsTest.testMurmur2`
/// (clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java).
#[test]
#[allow(clippy::byte_char_slices)] // Kafka's sixth vector is written as a byte array
fn murmur2_matches_kafkas_published_vectors() {
    let cases: [(&[u8], i32); 6] = [
        (b"21", -973_932_308),
        (b"foobar", -790_332_482),
        (b"a-little-bit-long-string", -985_981_536),
        (b"a-little-bit-longer-string", -1_486_304_829),
        (
            b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8",
            -58_897_971,
        ),
        (&[b'a', b'b', b'c'], 479_470_107),
    ];
    for (input, expected) in cases {
        assert_eq!(
            murmur2(input),
            expected,
            "murmur2({:?})",
            String::from_utf8_lossy(input)
        );
    }
}

/// Derived values (computed with the same algorithm for compare-design.md
/// §1.3, not Kafka vectors): the empty key and a one-byte tail, which
/// Kafka's vectors do not cover.
#[test]
fn murmur2_derived_values_cover_the_other_tail_lengths() {
    assert_eq!(murmur2(b""), 275_646_681);
    assert_eq!(murmur2(b"a"), -1_563_381_124);
    assert_eq!(murmur2(b"ab"), 316_155_434);
    assert_eq!(murmur2(b"key"), -1_079_937_367);
}

#[test]
fn partition_is_to_positive_murmur2_mod_n_not_abs() {
    // Derived: "a-little-bit-longer-string" is p2 of 3 and p5 of 6 (design note §1.3).
    assert_eq!(partition_for_key(b"a-little-bit-longer-string", 3), 2);
    assert_eq!(partition_for_key(b"a-little-bit-longer-string", 6), 5);
    for key in ["21", "foobar", "key", "a", "user-17"] {
        let h = murmur2(key.as_bytes());
        for n in 1..12u32 {
            let expected = ((h & 0x7fff_ffff) as u32) % n;
            assert_eq!(partition_for_key(key.as_bytes(), n), expected);
        }
        // toPositive is not abs: for a negative hash they differ.
        if h < 0 && h != i32::MIN {
            assert_ne!(to_positive(h), h.abs());
        }
    }
    assert_eq!(
        partition_for_key(b"x", 0),
        0,
        "a zero partition count never divides by zero"
    );
}

// ---------------------------------------------------------------- assignors

fn tp(topic: &str, p: u32) -> TopicPartition {
    TopicPartition::new(topic, p)
}

fn subs(list: &[(&str, &[&str])]) -> BTreeMap<String, BTreeSet<String>> {
    list.iter()
        .map(|(m, ts)| (m.to_string(), ts.iter().map(|t| t.to_string()).collect()))
        .collect()
}

fn topics(list: &[(&str, u32)]) -> BTreeMap<String, u32> {
    list.iter().map(|(t, n)| (t.to_string(), *n)).collect()
}

/// RangeAssignor class doc (RangeAssignor.java) and
/// `testTwoConsumersTwoTopicsSixPartitions`: C0 gets t0p0, t0p1, t1p0, t1p1; C1 gets t0p2, t1p2.
#[test]
fn range_two_members_two_topics_three_partitions_each() {
    let a = range(
        &topics(&[("t0", 3), ("t1", 3)]),
        &subs(&[("C0", &["t0", "t1"]), ("C1", &["t0", "t1"])]),
    );
    assert_eq!(
        a["C0"],
        vec![tp("t0", 0), tp("t0", 1), tp("t1", 0), tp("t1", 1)]
    );
    assert_eq!(a["C1"], vec![tp("t0", 2), tp("t1", 2)]);
}

/// `RangeAssignorTest.testMultipleConsumersMixedTopics`.
#[test]
fn range_mixed_subscriptions() {
    let a = range(
        &topics(&[("topic1", 3), ("topic2", 2)]),
        &subs(&[
            ("consumer1", &["topic1"]),
            ("consumer2", &["topic1", "topic2"]),
            ("consumer3", &["topic1"]),
        ]),
    );
    assert_eq!(a["consumer1"], vec![tp("topic1", 0)]);
    assert_eq!(
        a["consumer2"],
        vec![tp("topic1", 1), tp("topic2", 0), tp("topic2", 1)]
    );
    assert_eq!(a["consumer3"], vec![tp("topic1", 2)]);
}

/// `RangeAssignorTest.testTwoConsumersOneTopicOnePartition`: the second member is idle.
#[test]
fn range_member_beyond_partitions_is_idle() {
    let a = range(
        &topics(&[("t1", 1)]),
        &subs(&[("consumer1", &["t1"]), ("consumer2", &["t1"])]),
    );
    assert_eq!(a["consumer1"], vec![tp("t1", 0)]);
    assert!(a["consumer2"].is_empty());
}

/// Single topic: against a naive recompute of the class doc's rule (hand out
/// partitions in order; the first P % N members take one more).
#[test]
fn range_single_topic_matches_a_naive_recompute() {
    for p in 0..20u32 {
        for n in 1..9usize {
            let members: Vec<String> = (0..n).map(|i| format!("c{i:02}")).collect();
            let s: BTreeMap<String, BTreeSet<String>> = members
                .iter()
                .map(|m| (m.clone(), ["t".to_string()].into()))
                .collect();
            let a = range(&topics(&[("t", p)]), &s);
            let mut next = 0u32;
            for (i, m) in members.iter().enumerate() {
                let take = p / n as u32 + u32::from((i as u32) < p % n as u32);
                let expected: Vec<TopicPartition> =
                    (next..next + take).map(|x| tp("t", x)).collect();
                next += take;
                assert_eq!(a[m], expected, "P={p} N={n} member {m}");
            }
        }
    }
}

/// RoundRobinAssignor class doc: C0 t0p0, t0p2, t1p1; C1 t0p1, t1p0, t1p2.
#[test]
fn round_robin_stripes_partitions() {
    let a = round_robin(
        &topics(&[("t0", 3), ("t1", 3)]),
        &subs(&[("C0", &["t0", "t1"]), ("C1", &["t0", "t1"])]),
    );
    assert_eq!(a["C0"], vec![tp("t0", 0), tp("t0", 2), tp("t1", 1)]);
    assert_eq!(a["C1"], vec![tp("t0", 1), tp("t1", 0), tp("t1", 2)]);
}

/// RoundRobinAssignor class doc, unequal subscriptions: C0 t0p0; C1 t1p0;
/// C2 t1p1, t2p0, t2p1, t2p2.
#[test]
fn round_robin_unequal_subscriptions() {
    let a = round_robin(
        &topics(&[("t0", 1), ("t1", 2), ("t2", 3)]),
        &subs(&[
            ("C0", &["t0"]),
            ("C1", &["t0", "t1"]),
            ("C2", &["t0", "t1", "t2"]),
        ]),
    );
    assert_eq!(a["C0"], vec![tp("t0", 0)]);
    assert_eq!(a["C1"], vec![tp("t1", 0)]);
    assert_eq!(
        a["C2"],
        vec![tp("t1", 1), tp("t2", 0), tp("t2", 1), tp("t2", 2)]
    );
}

/// StickyAssignor class doc, Example 1: three members, t0..t3 with two
/// partitions each. The initial assignment is the doc's exactly. When C1
/// leaves, the doc's point is that sticky keeps every previous ownership
/// and stays balanced while round robin moves most partitions; the doc's
/// exact lists for that step come from the older sticky algorithm, so this
/// checks what it claims (and round robin's exact lists).
#[test]
fn sticky_example_1_from_kafkas_docs() {
    let ppt = topics(&[("t0", 2), ("t1", 2), ("t2", 2), ("t3", 2)]);
    let empty: BTreeMap<String, Vec<TopicPartition>> = ["C0", "C1", "C2"]
        .iter()
        .map(|m| (m.to_string(), Vec::new()))
        .collect();
    let first = sticky(&ppt, &empty);
    assert_eq!(
        first.assignment["C0"],
        vec![tp("t0", 0), tp("t1", 1), tp("t3", 0)]
    );
    assert_eq!(
        first.assignment["C1"],
        vec![tp("t0", 1), tp("t2", 0), tp("t3", 1)]
    );
    assert_eq!(first.assignment["C2"], vec![tp("t1", 0), tp("t2", 1)]);
    assert!(first.transferring.is_empty());

    let mut owned = first.assignment.clone();
    owned.remove("C1");
    let after = sticky(&ppt, &owned);
    for (m, had) in &owned {
        for p in had {
            assert!(after.assignment[m].contains(p), "{m} keeps {p:?}");
        }
    }
    assert_eq!(after.assignment["C0"].len(), 4);
    assert_eq!(after.assignment["C2"].len(), 4);
    assert!(
        after.transferring.is_empty(),
        "C1's partitions had no live owner"
    );

    let all = ["t0", "t1", "t2", "t3"];
    let rr = round_robin(&ppt, &subs(&[("C0", &all), ("C2", &all)]));
    assert_eq!(
        rr["C0"],
        vec![tp("t0", 0), tp("t1", 0), tp("t2", 0), tp("t3", 0)]
    );
    assert_eq!(
        rr["C2"],
        vec![tp("t0", 1), tp("t1", 1), tp("t2", 1), tp("t3", 1)]
    );
}

/// Derived (compare-design.md §2.3, worked by hand from the algorithm, not a
/// Kafka test): 6 partitions, C1 owns 0-2, C2 owns 3-5, C3 joins. Round 1:
/// C1 and C2 each give up one partition and C3 gets nothing yet; round 2: C3
/// gets both.
#[test]
fn cooperative_sticky_c3_joins_in_two_rounds() {
    let ppt = topics(&[("t", 6)]);
    let mut owned: BTreeMap<String, Vec<TopicPartition>> = BTreeMap::new();
    owned.insert("C1".into(), (0..3).map(|p| tp("t", p)).collect());
    owned.insert("C2".into(), (3..6).map(|p| tp("t", p)).collect());
    owned.insert("C3".into(), Vec::new());
    let r1 = sticky(&ppt, &owned);
    assert_eq!(r1.transferring.len(), 2);
    assert_eq!(r1.transferring[&tp("t", 2)], "C3");
    assert_eq!(r1.transferring[&tp("t", 5)], "C3");
    let round1 = r1.cooperative_round();
    assert_eq!(round1["C1"], vec![tp("t", 0), tp("t", 1)]);
    assert_eq!(round1["C2"], vec![tp("t", 3), tp("t", 4)]);
    assert!(round1["C3"].is_empty());
    let r2 = sticky(&ppt, &round1);
    assert!(r2.transferring.is_empty());
    assert_eq!(r2.cooperative_round()["C3"], vec![tp("t", 2), tp("t", 5)]);
}

// ---------------------------------------------------------------- groups in time

fn cluster(partitions: u32) -> Cluster {
    Cluster::new(
        "events",
        TopicConfig {
            partitions,
            ..TopicConfig::default()
        },
        7,
    )
    .unwrap()
}

fn settle(c: &mut Cluster, mut now: u64) -> u64 {
    while let Some(d) = c.next_deadline() {
        if d > now + 3_600_000 {
            break;
        }
        now = now.max(d);
        c.advance_to(now);
    }
    now
}

fn owners(c: &Cluster, group: &str) -> BTreeMap<u32, Vec<String>> {
    let mut out: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for m in c.members(group) {
        for p in m.partitions {
            out.entry(p).or_default().push(m.member_id.clone());
        }
    }
    out
}

#[test]
fn a_new_group_waits_for_the_initial_rebalance_delay() {
    let mut c = cluster(3);
    let s = c.settings().clone();
    let delay = s.group_initial_rebalance_delay_ms;
    c.join(1_000, "g", "c01", Assignor::Range).unwrap();
    assert_eq!(c.next_deadline(), Some(1_000 + delay));
    // A member joins during the delay: when it ends, another delay starts
    // (InitialDelayedJoin), then the JoinGroup/SyncGroup round trips.
    c.join(2_000, "g", "c02", Assignor::Range).unwrap();
    // A leave does not count as a new member.
    c.join(2_500, "g", "c03", Assignor::Range).unwrap();
    c.leave(3_000, "g", "c03", true).unwrap();
    c.advance_to(1_000 + delay);
    assert_eq!(c.next_deadline(), Some(1_000 + 2 * delay));
    c.advance_to(1_000 + 2 * delay);
    let expected_end = 1_000 + 2 * delay + s.rebalance_sync_ms;
    assert_eq!(c.next_deadline(), Some(expected_end));
    c.advance_to(expected_end - 1);
    assert!(c
        .members("g")
        .iter()
        .all(|m| m.partitions.is_empty() && m.paused));
    c.advance_to(expected_end);
    let m = c.members("g");
    assert_eq!(m[0].partitions, vec![0, 1]);
    assert_eq!(m[1].partitions, vec![2]);
    assert!(m.iter().all(|m| !m.paused));

    // One member alone: one delay, then the sync.
    let mut c = cluster(3);
    c.join(0, "g", "c01", Assignor::Range).unwrap();
    c.advance_to(delay);
    assert_eq!(c.next_deadline(), Some(delay + s.rebalance_sync_ms));
}

#[test]
fn eager_rebalance_pauses_everyone_for_one_round() {
    let mut c = cluster(4);
    c.join(0, "g", "c01", Assignor::RoundRobin).unwrap();
    let t = settle(&mut c, 0);
    for i in 0..8 {
        c.produce(t, i, &format!("k{i}"), 10).unwrap();
    }
    let round = c.settings().rebalance_round_ms();
    c.join(t + 10, "g", "c02", Assignor::RoundRobin).unwrap();
    assert!(c
        .members("g")
        .iter()
        .all(|m| m.paused && m.partitions.is_empty()));
    assert!(
        c.poll(t + 20, "g", "c01", 100).unwrap().is_empty(),
        "eager: no records during the rebalance"
    );
    c.advance_to(t + 10 + round);
    let m = c.members("g");
    assert_eq!(m[0].partitions, vec![0, 2]);
    assert_eq!(m[1].partitions, vec![1, 3]);
}

#[test]
fn cooperative_join_keeps_members_reading_and_moves_partitions_in_two_rounds() {
    let mut c = cluster(6);
    c.join(0, "g", "c01", Assignor::CooperativeSticky).unwrap();
    c.join(0, "g", "c02", Assignor::CooperativeSticky).unwrap();
    let t = settle(&mut c, 0);
    // The first sticky assignment deals partitions round-robin.
    assert_eq!(c.members("g")[0].partitions, vec![0, 2, 4]);
    assert_eq!(c.members("g")[1].partitions, vec![1, 3, 5]);
    for i in 0..60 {
        c.produce(t, i, &format!("k{i}"), 10).unwrap();
    }
    let round = c.settings().rebalance_round_ms();
    c.join(t, "g", "c03", Assignor::CooperativeSticky).unwrap();
    // During round 1 nobody is paused and c01/c02 keep their partitions.
    assert!(c.members("g").iter().all(|m| !m.paused));
    assert_eq!(c.members("g")[0].partitions, vec![0, 2, 4]);
    // auto.offset.reset=latest: the first polls pin the positions at the log end.
    for m in ["c01", "c02"] {
        assert!(c.poll(t + 1, "g", m, 1_000).unwrap().is_empty());
    }
    c.produce(t + 2, 100, "k0", 10).unwrap();
    let p = partition_for_key(b"k0", 6);
    let owner = if [0, 2, 4].contains(&p) { "c01" } else { "c02" };
    assert_eq!(
        c.poll(t + 3, "g", owner, 1_000).unwrap().len(),
        1,
        "still reading during round 1"
    );
    c.advance_to(t + round);
    let m = c.members("g");
    assert_eq!(
        (
            m[0].partitions.clone(),
            m[1].partitions.clone(),
            m[2].partitions.clone()
        ),
        (vec![0, 2], vec![1, 3], vec![])
    );
    assert_eq!(
        c.group_view("g").unwrap().unowned,
        vec![4, 5],
        "the moving partitions pause between the rounds"
    );
    c.advance_to(t + 2 * round);
    assert_eq!(c.members("g")[2].partitions, vec![4, 5]);
    let rounds: Vec<u8> = c
        .events()
        .iter()
        .filter_map(|e| match &e.event {
            KafkaEvent::Rebalance { round, .. } if e.at_ms > t => Some(*round),
            _ => None,
        })
        .collect();
    assert_eq!(rounds, vec![1, 2]);
}

#[test]
fn a_killed_member_keeps_its_partitions_until_the_session_times_out() {
    let mut c = cluster(2);
    c.join(0, "g", "c01", Assignor::Range).unwrap();
    c.join(0, "g", "c02", Assignor::Range).unwrap();
    let t = settle(&mut c, 0);
    c.kill(t, "g", "c02").unwrap();
    let session = c.settings().session_timeout_ms;
    c.advance_to(t + session - 1);
    assert_eq!(
        c.members("g")[1].partitions,
        vec![1],
        "still assigned to the dead member"
    );
    assert!(
        c.poll(t + 1, "g", "c02", 10).is_err(),
        "a killed member cannot poll"
    );
    c.advance_to(t + session);
    assert_eq!(c.members("g").len(), 1);
    let round = c.settings().rebalance_round_ms();
    c.advance_to(t + session + round);
    assert_eq!(c.members("g")[0].partitions, vec![0, 1]);

    // A graceful leave rebalances at once.
    let mut c = cluster(2);
    c.join(0, "g", "c01", Assignor::Range).unwrap();
    c.join(0, "g", "c02", Assignor::Range).unwrap();
    let t = settle(&mut c, 0);
    c.leave(t, "g", "c02", true).unwrap();
    c.advance_to(t + round);
    assert_eq!(c.members("g")[0].partitions, vec![0, 1]);
}

#[test]
fn records_read_but_not_committed_are_read_again_by_the_next_owner() {
    let mut c = cluster(1);
    c.join(0, "g", "c01", Assignor::Range).unwrap();
    let t = settle(&mut c, 0);
    for i in 0..10 {
        c.produce(t, i, "k", 10).unwrap();
    }
    // Kafka's default auto.offset.reset is latest: the group starts at the
    // log end when it first polls, so only later records are seen.
    assert!(c.poll(t, "g", "c01", 100).unwrap().is_empty());
    for i in 10..20 {
        c.produce(t + 1, i, "k", 10).unwrap();
    }
    let got = c.poll(t + 2, "g", "c01", 4).unwrap();
    assert_eq!(
        got.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![10, 11, 12, 13]
    );
    c.commit(t + 2, "g", 0, got[1].offset + 1).unwrap();
    let more = c.poll(t + 3, "g", "c01", 2).unwrap();
    assert_eq!(more.iter().map(|r| r.id).collect::<Vec<_>>(), vec![14, 15]);
    c.join(t + 4, "g", "c02", Assignor::Range).unwrap();
    c.leave(t + 4, "g", "c01", true).unwrap();
    let t2 = settle(&mut c, t + 4);
    let again = c.poll(t2, "g", "c02", 100).unwrap();
    assert_eq!(
        again.first().map(|r| r.id),
        Some(12),
        "c02 starts at the committed offset"
    );
    assert_eq!(again.len(), 8);
}

#[test]
fn a_second_group_reads_everything_independently() {
    let mut c = cluster(3);
    for i in 0..30 {
        c.produce(i * 10, i, &format!("k{}", i % 7), 10).unwrap();
    }
    c.join_in(
        400,
        "events",
        "g1",
        "c01",
        ConsumerOptions::new(Assignor::Range).earliest(),
    )
    .unwrap();
    c.join_in(
        400,
        "events",
        "g2",
        "c01",
        ConsumerOptions::new(Assignor::Range).earliest(),
    )
    .unwrap();
    let t = settle(&mut c, 400);
    let a = c.poll(t, "g1", "c01", 1_000).unwrap();
    let b = c.poll(t, "g2", "c01", 1_000).unwrap();
    assert_eq!(a.len(), 30);
    let ids = |v: &[KRecord]| v.iter().map(|r| r.id).collect::<BTreeSet<_>>();
    assert_eq!(ids(&a), ids(&b));
    // Per partition, offsets come in order.
    for p in 0..3 {
        let offs: Vec<u64> = a
            .iter()
            .filter(|r| r.partition == p)
            .map(|r| r.offset)
            .collect();
        assert!(offs.windows(2).all(|w| w[0] < w[1]));
    }
}

#[test]
fn replay_with_offset_for_time_and_seek() {
    let mut c = cluster(1);
    for i in 0..10u64 {
        c.produce(1_000 * i, i, "k", 10).unwrap();
    }
    assert_eq!(c.offset_for_time(0, 4_500), Some(5));
    assert_eq!(c.offset_for_time(0, 0), Some(0));
    assert_eq!(c.offset_for_time(0, 9_001), None);
    c.join(10_000, "g", "c01", Assignor::Range).unwrap();
    let t = settle(&mut c, 10_000);
    assert!(c.poll(t, "g", "c01", 100).unwrap().is_empty());
    c.commit(t, "g", 0, 10).unwrap();
    let err = c.commit(t, "g", 0, 3).unwrap_err();
    assert_eq!(err.code, "LAB_COMMIT_BACKWARDS");
    c.seek("g", 0, c.offset_for_time(0, 4_500).unwrap())
        .unwrap();
    let got = c.poll(t + 1, "g", "c01", 100).unwrap();
    assert_eq!(
        got.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![5, 6, 7, 8, 9]
    );
    c.seek("g", 0, 5).unwrap();
    c.commit(t + 1, "g", 0, 5).unwrap();
    assert_eq!(c.committed("g", 0), Some(5));
}

// ---------------------------------------------------------------- retention

#[test]
fn retention_by_time_deletes_whole_segments_only() {
    let cfg = TopicConfig {
        partitions: 1,
        retention_ms: 60_000,
        retention_bytes: -1,
        segment_records: 10,
    };
    let mut c = Cluster::new("logs", cfg, 1).unwrap();
    // 35 records one second apart: segments [0,10) [10,20) [20,30) and the active [30,35).
    for i in 0..35u64 {
        c.produce(i * 1_000, i, "k", 100).unwrap();
    }
    let interval = c.settings().retention_check_interval_ms;
    // Segment [0,10) has newest timestamp 9,000: deletable after 69,000; the check runs at 300,000.
    c.advance_to(interval - 1);
    assert_eq!(c.offsets(0), (0, 35));
    c.advance_to(interval);
    // At 300,000 every record is older than 60 s: the closed segments go, the active one is rolled.
    let (start, end) = c.offsets(0);
    assert_eq!((start, end), (30, 35));
    assert_eq!(start % 10, 0, "the log start is a segment boundary");
    c.advance_to(2 * interval);
    assert_eq!(
        c.offsets(0),
        (35, 35),
        "the rolled segment goes on the next check"
    );
    let deleted: Vec<(u64, u64)> = c
        .events()
        .iter()
        .filter_map(|e| match &e.event {
            KafkaEvent::SegmentDeleted {
                base_offset,
                next_offset,
                ..
            } => Some((*base_offset, *next_offset)),
            _ => None,
        })
        .collect();
    assert_eq!(deleted, vec![(0, 10), (10, 20), (20, 30), (30, 35)]);
    assert_eq!(c.offset_for_time(0, 0), None, "nothing left to find");
}

#[test]
fn retention_minus_one_keeps_everything() {
    let cfg = TopicConfig {
        partitions: 2,
        retention_ms: -1,
        retention_bytes: -1,
        segment_records: 5,
    };
    let mut c = Cluster::new("forever", cfg, 1).unwrap();
    for i in 0..40u64 {
        c.produce(i, i, &format!("k{i}"), 1_000).unwrap();
    }
    let before: Vec<(u64, u64)> = (0..2).map(|p| c.offsets(p)).collect();
    assert_eq!(c.next_deadline(), None);
    c.advance_to(10 * 365 * 24 * 3_600_000);
    let after: Vec<(u64, u64)> = (0..2).map(|p| c.offsets(p)).collect();
    assert_eq!(before, after);
    assert!(after.iter().all(|(s, _)| *s == 0));
}

#[test]
fn retention_bytes_deletes_oldest_whole_segments() {
    let cfg = TopicConfig {
        partitions: 1,
        retention_ms: -1,
        retention_bytes: 2_500,
        segment_records: 10,
    };
    let mut c = Cluster::new("sized", cfg, 1).unwrap();
    for i in 0..45u64 {
        c.produce(i, i, "k", 100).unwrap(); // 4,500 bytes in segments of 1,000
    }
    c.advance_to(c.settings().retention_check_interval_ms);
    // Kafka's rule: delete while size − limit − segment ≥ 0: 4,500 → 3,500 → 2,500, then 1,500 − 1,000 ≥ 0? no.
    let mut size: i64 = 4_500;
    let mut start = 0u64;
    while size - 2_500 - 1_000 >= 0 {
        size -= 1_000;
        start += 10;
    }
    assert_eq!(c.offsets(0), (start, 45));
    assert_eq!(c.partition_bytes_in("sized", 0), Some(size as u64));
    assert!(
        size > 2_500 - 1_000,
        "may stay above the limit by less than a segment"
    );
}

#[test]
fn a_consumer_below_the_log_start_is_reset() {
    let cfg = TopicConfig {
        partitions: 1,
        retention_ms: 60_000,
        retention_bytes: -1,
        segment_records: 10,
    };
    let mut c = Cluster::new("logs", cfg, 1).unwrap();
    c.join_in(
        0,
        "logs",
        "early",
        "c01",
        ConsumerOptions::new(Assignor::Range).earliest(),
    )
    .unwrap();
    c.join_in(
        0,
        "logs",
        "late",
        "c01",
        ConsumerOptions::new(Assignor::Range),
    )
    .unwrap();
    let t = settle(&mut c, 0);
    for g in ["early", "late"] {
        c.commit(t, g, 0, 0).unwrap();
    }
    for i in 0..25u64 {
        c.produce(t + i * 1_000, i, "k", 10).unwrap();
    }
    // Only segment [20,25) is newer than 60 s at the check after 300,000 + … ; by then all closed segments expired.
    let check = c.settings().retention_check_interval_ms;
    let at = (t / check + 1) * check;
    c.advance_to(at);
    let (start, end) = c.offsets(0);
    assert!(start > 0);
    let early = c.poll(at, "early", "c01", 100).unwrap();
    assert_eq!(early.first().map(|r| r.offset), Some(start));
    let late = c.poll(at, "late", "c01", 100).unwrap();
    assert!(late.is_empty(), "latest: jump to the end ({end})");
}

// ---------------------------------------------------------------- limits and partitions

#[test]
fn oversized_records_and_shrinking_partitions_are_refused() {
    let mut c = cluster(3);
    let e = c
        .produce(0, 1, "k", DEFAULT_MAX_MESSAGE_BYTES + 1)
        .unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.code.as_str()),
        ("max.message.bytes", "RECORD_TOO_LARGE")
    );
    assert!(c.produce(0, 1, "k", DEFAULT_MAX_MESSAGE_BYTES).is_ok());
    for bad in [0, 2, 3] {
        let e = c.add_partitions(0, bad).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("partitions", "INVALID_PARTITIONS")
        );
    }
    assert_eq!(c.partitions(), 3);
    let e = Cluster::new(
        "t",
        TopicConfig {
            retention_ms: -2,
            ..TopicConfig::default()
        },
        1,
    )
    .unwrap_err();
    assert_eq!(e.field, "retention.ms");
    let e = Cluster::new(
        "t",
        TopicConfig {
            retention_bytes: -5,
            ..TopicConfig::default()
        },
        1,
    )
    .unwrap_err();
    assert_eq!(e.field, "retention.bytes");
    let e = Cluster::new("bad topic!", TopicConfig::default(), 1).unwrap_err();
    assert_eq!(e.field, "topic");
    let e = Cluster::new(
        "t",
        TopicConfig {
            partitions: 0,
            ..TopicConfig::default()
        },
        1,
    )
    .unwrap_err();
    assert_eq!(e.field, "partitions");
}

#[test]
fn adding_partitions_remaps_exactly_the_keys_whose_modulo_changes() {
    let mut c = cluster(3);
    let keys: Vec<String> = (0..200).map(|i| format!("user-{i}")).collect();
    for (i, k) in keys.iter().enumerate() {
        let (p, _) = c.produce(0, i as u64, k, 10).unwrap();
        assert_eq!(p, ((murmur2(k.as_bytes()) & 0x7fff_ffff) as u32) % 3);
    }
    c.add_partitions(1, 6).unwrap();
    assert_eq!(c.partitions(), 6);
    assert_eq!(c.offsets(5), (0, 0), "new partitions start empty");
    let moved = keys_that_move(&keys, 3, 6);
    let expected: Vec<&String> = keys
        .iter()
        .filter(|k| {
            let h = (murmur2(k.as_bytes()) & 0x7fff_ffff) as u32;
            h % 3 != h % 6
        })
        .collect();
    assert_eq!(moved.iter().map(|m| &m.key).collect::<Vec<_>>(), expected);
    assert!(!moved.is_empty() && moved.len() < keys.len());
    for (i, k) in keys.iter().enumerate() {
        let (p, _) = c.produce(2, 1_000 + i as u64, k, 10).unwrap();
        assert_eq!(p, partition_for_key(k.as_bytes(), 6));
        let m = moved.iter().find(|m| &m.key == k);
        assert_eq!(m.is_some(), p != partition_for_key(k.as_bytes(), 3));
    }
}

// ---------------------------------------------------------------- idempotence and transactions

#[test]
fn a_retried_batch_is_acknowledged_without_a_second_append() {
    let mut c = cluster(1);
    let mut p = c.init_producer(0, None).unwrap();
    let a = c.send(0, &mut p, "events", 1, "k", 10).unwrap();
    let b = c.send(0, &mut p, "events", 2, "k", 10).unwrap();
    assert_eq!((a.sequence, b.sequence), (0, 1));
    let end = c.offsets(0).1;
    let retry = c
        .send_with_sequence(1, &mut p, "events", 0, 0, 1, "k", 10)
        .unwrap();
    assert!(retry.duplicate);
    assert_eq!(retry.offset, a.offset);
    assert_eq!(c.offsets(0).1, end);
    c.advance_to(2);
    let before = c.clone();
    let gap = c
        .send_with_sequence(2, &mut p, "events", 0, 5, 3, "k", 10)
        .unwrap_err();
    assert_eq!(
        (gap.field.as_str(), gap.code.as_str()),
        ("sequence", "OUT_OF_ORDER_SEQUENCE_NUMBER")
    );
    assert_eq!(c, before, "a refused batch changes nothing");
}

#[test]
fn read_committed_waits_for_the_commit_and_skips_aborted_records() {
    let mut c = cluster(1);
    c.join_in(
        0,
        "events",
        "rc",
        "c01",
        ConsumerOptions::new(Assignor::Range)
            .earliest()
            .read_committed(),
    )
    .unwrap();
    c.join_in(
        0,
        "events",
        "ru",
        "c01",
        ConsumerOptions::new(Assignor::Range).earliest(),
    )
    .unwrap();
    let t = settle(&mut c, 0);
    let mut p = c.init_producer(t, Some("tx")).unwrap();
    c.begin_transaction(t, &mut p).unwrap();
    c.send(t, &mut p, "events", 1, "k", 10).unwrap();
    c.send(t, &mut p, "events", 2, "k", 10).unwrap();
    assert_eq!(c.last_stable_offset_in("events", 0), Some(0));
    assert!(
        c.poll(t, "rc", "c01", 10).unwrap().is_empty(),
        "open transaction: nothing below the LSO"
    );
    assert_eq!(c.poll(t, "ru", "c01", 10).unwrap().len(), 2);
    c.commit_transaction(t, &mut p).unwrap();
    assert_eq!(c.offsets(0).1, 3, "the COMMIT marker takes an offset");
    assert_eq!(
        c.poll(t, "rc", "c01", 10)
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        vec![1, 2]
    );
    c.begin_transaction(t, &mut p).unwrap();
    c.send(t, &mut p, "events", 3, "k", 10).unwrap();
    c.abort_transaction(t, &mut p).unwrap();
    c.begin_transaction(t, &mut p).unwrap();
    c.send(t, &mut p, "events", 4, "k", 10).unwrap();
    c.commit_transaction(t, &mut p).unwrap();
    assert_eq!(
        c.poll(t, "rc", "c01", 10)
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        vec![4]
    );
    assert_eq!(
        c.poll(t, "ru", "c01", 10)
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        vec![3, 4]
    );
}

#[test]
fn a_new_instance_fences_the_old_one_and_aborts_its_transaction() {
    let mut c = cluster(1);
    let mut old = c.init_producer(0, Some("tx")).unwrap();
    c.begin_transaction(0, &mut old).unwrap();
    c.send(0, &mut old, "events", 1, "k", 10).unwrap();
    let mut new = c.init_producer(1, Some("tx")).unwrap();
    assert_eq!(new.epoch, old.epoch + 1);
    assert_eq!(
        c.last_stable_offset_in("events", 0),
        c.offsets_in("events", 0).map(|o| o.1),
        "aborted: nothing open"
    );
    let e = c.commit_transaction(2, &mut old).unwrap_err();
    assert_eq!(e.code, "PRODUCER_FENCED");
    c.begin_transaction(3, &mut new).unwrap();
    c.send(3, &mut new, "events", 2, "k", 10).unwrap();
    c.commit_transaction(3, &mut new).unwrap();
    // An open transaction left alone is aborted after transaction.timeout.ms.
    let mut p = c.init_producer(10, Some("slow")).unwrap();
    c.begin_transaction(10, &mut p).unwrap();
    c.send(10, &mut p, "events", 3, "k", 10).unwrap();
    let timeout = c.settings().transaction_timeout_ms;
    assert_eq!(c.next_deadline(), Some(10 + timeout));
    c.advance_to(10 + timeout);
    assert_eq!(
        c.transaction("slow").unwrap().state,
        TxnState::CompleteAbort
    );
    assert_eq!(
        c.commit_transaction(10 + timeout, &mut p).unwrap_err().code,
        "PRODUCER_FENCED"
    );
}

#[test]
fn eos_demo_transactions_give_each_output_once() {
    for (messages, crash_after, seed) in [(50u32, 23u32, 1u64), (100, 10, 2), (37, 37, 3)] {
        let o = eos_demo(messages, crash_after, true, seed);
        assert!(o.crashed);
        assert_eq!(o.duplicate_outputs, 0, "{o:?}");
        assert_eq!(o.missing_outputs, 0);
        assert_eq!(o.committed_outputs, u64::from(messages));
        assert!(
            o.reprocessed > 0,
            "the crash made the new instance process some records again"
        );
        assert_eq!(
            o.aborted_outputs, o.reprocessed,
            "the re-processed records' first outputs were aborted"
        );
        assert_eq!(
            o.uncommitted_reader_outputs,
            o.committed_outputs + o.aborted_outputs
        );
        assert!(o.zombie_fenced);
    }
}

#[test]
fn eos_demo_at_least_once_duplicates_after_the_crash() {
    for (messages, crash_after, seed) in [(50u32, 23u32, 1u64), (100, 10, 2), (37, 37, 3)] {
        let o = eos_demo(messages, crash_after, false, seed);
        assert!(o.crashed);
        assert!(o.duplicate_outputs > 0, "{o:?}");
        assert_eq!(
            o.duplicate_outputs, o.reprocessed,
            "every re-processed record was written twice"
        );
        assert_eq!(o.missing_outputs, 0);
        assert_eq!(o.aborted_outputs, 0);
        // No crash, no duplicates.
        let calm = eos_demo(messages, 0, false, seed);
        assert!(!calm.crashed);
        assert_eq!(calm.duplicate_outputs, 0);
    }
}

// ---------------------------------------------------------------- determinism

fn scripted(seed: u64) -> Vec<TimedEvent> {
    let mut c = Cluster::new(
        "events",
        TopicConfig {
            partitions: 4,
            segment_records: 5,
            retention_ms: 30_000,
            ..TopicConfig::default()
        },
        seed,
    )
    .unwrap();
    c.join(0, "g", "c01", Assignor::CooperativeSticky).unwrap();
    c.join(100, "g", "c02", Assignor::CooperativeSticky)
        .unwrap();
    for i in 0..60u64 {
        c.produce(i * 500, i, &format!("k{}", i % 9), 50).unwrap();
        if i == 20 {
            c.kill(i * 500, "g", "c01").unwrap();
        }
        if i % 5 == 0 {
            let _ = c.poll(i * 500, "g", "c02", 7);
        }
    }
    c.add_partitions(40_000, 6).unwrap();
    let mut p = c.init_producer(41_000, Some("tx")).unwrap();
    c.begin_transaction(41_000, &mut p).unwrap();
    c.send(41_000, &mut p, "events", 99, "k1", 10).unwrap();
    c.advance_to(1_000_000);
    c.events()
}

#[test]
fn same_seed_and_ops_give_the_same_event_log() {
    let a = scripted(5);
    assert_eq!(a, scripted(5));
    assert!(a
        .iter()
        .any(|e| matches!(e.event, KafkaEvent::SegmentDeleted { .. })));
    assert!(a
        .iter()
        .any(|e| matches!(e.event, KafkaEvent::MemberExpired { .. })));
    assert!(a
        .iter()
        .any(|e| matches!(e.event, KafkaEvent::TransactionAborted { .. })));
    // The seed picks producer ids, so another seed differs there only.
    let b = scripted(6);
    assert_ne!(a, b);
    assert_eq!(a.len(), b.len());
}

// ---------------------------------------------------------------- properties

use proptest::collection::vec;
use proptest::prelude::*;

const GROUPS: [&str; 2] = ["g1", "g2"];
const ASSIGNORS: [Assignor; 3] = [
    Assignor::Range,
    Assignor::RoundRobin,
    Assignor::CooperativeSticky,
];

#[derive(Clone, Debug)]
enum GroupOp {
    Join(usize, usize),
    Leave(usize, usize),
    Kill(usize, usize),
    Produce(u8),
    Advance(u32),
    Grow,
}

fn group_op() -> impl Strategy<Value = GroupOp> {
    prop_oneof![
        4 => (0..2usize, 0..8usize).prop_map(|(g, m)| GroupOp::Join(g, m)),
        2 => (0..2usize, 0..8usize).prop_map(|(g, m)| GroupOp::Leave(g, m)),
        2 => (0..2usize, 0..8usize).prop_map(|(g, m)| GroupOp::Kill(g, m)),
        1 => any::<u8>().prop_map(GroupOp::Produce),
        3 => (0..60_000u32).prop_map(GroupOp::Advance),
        1 => Just(GroupOp::Grow),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// After any joins, leaves and kills, once rebalances have settled: each
    /// partition has exactly one owner per group, no member holds a partition
    /// twice, members beyond the partition count are idle, and counts are
    /// balanced (differ by at most one).
    #[test]
    fn every_partition_has_exactly_one_owner_once_settled(a in 0..3usize, partitions in 1..7u32, ops in vec(group_op(), 0..50)) {
        let assignor = ASSIGNORS[a];
        let mut c = Cluster::new("t", TopicConfig { partitions, ..TopicConfig::default() }, 3).unwrap();
        let mut now = 0u64;
        for op in ops {
            match op {
                GroupOp::Join(g, m) => { let _ = c.join(now, GROUPS[g], &format!("c{m:02}"), assignor); }
                GroupOp::Leave(g, m) => { let _ = c.leave(now, GROUPS[g], &format!("c{m:02}"), true); }
                GroupOp::Kill(g, m) => { let _ = c.kill(now, GROUPS[g], &format!("c{m:02}")); }
                GroupOp::Produce(k) => { c.produce(now, u64::from(k), &format!("k{k}"), 10).unwrap(); }
                GroupOp::Advance(ms) => { now += u64::from(ms); c.advance_to(now); }
                GroupOp::Grow => { if c.partitions() < 10 { c.add_partitions(now, c.partitions() + 1).unwrap(); } }
            }
        }
        // Long enough for every session timeout and rebalance round.
        now += 3_600_000;
        c.advance_to(now);
        let p_count = c.partitions();
        for g in GROUPS {
            let Some(view) = c.group_view(g) else { continue };
            let members = c.members(g);
            prop_assert!(view.members.iter().all(|m| !m.killed), "killed members are gone after the session timeout");
            if members.is_empty() {
                prop_assert_eq!(view.state, GroupState::Empty);
                continue;
            }
            prop_assert_eq!(&view.state, &GroupState::Stable);
            let o = owners(&c, g);
            for p in 0..p_count {
                prop_assert_eq!(o.get(&p).map(|v| v.len()), Some(1), "partition {} of {}", p, g);
            }
            for m in &members {
                let set: BTreeSet<u32> = m.partitions.iter().copied().collect();
                prop_assert_eq!(set.len(), m.partitions.len(), "no partition twice");
                prop_assert!(!m.paused);
            }
            let busy = members.iter().filter(|m| !m.partitions.is_empty()).count();
            prop_assert_eq!(busy, members.len().min(p_count as usize), "members beyond the partition count are idle");
            let counts: Vec<usize> = members.iter().map(|m| m.partitions.len()).collect();
            prop_assert!(counts.iter().max().unwrap() - counts.iter().min().unwrap() <= 1, "balanced: {:?}", counts);
        }
    }
}

#[derive(Clone, Debug)]
enum AnyOp {
    Join(usize, usize, usize),
    Leave(usize, usize, bool),
    Produce(u8, u32),
    ProduceTo(u8),
    Poll(usize, usize, u32),
    Commit(usize, u32, u64),
    Seek(usize, u32, u64),
    Advance(u32),
    AddPartitions(u32),
    CreateTopic(u8),
    TxnSend(u8),
    TxnOffsets(usize, u32, u64),
    TxnEnd(bool),
    Restart,
    Resend(u32, i32),
}

fn any_op() -> impl Strategy<Value = AnyOp> {
    prop_oneof![
        3 => (0..3usize, 0..5usize, 0..3usize).prop_map(|(g, m, a)| AnyOp::Join(g, m, a)),
        2 => (0..3usize, 0..5usize, any::<bool>()).prop_map(|(g, m, f)| AnyOp::Leave(g, m, f)),
        4 => (any::<u8>(), prop_oneof![0..2_000u32, Just(DEFAULT_MAX_MESSAGE_BYTES + 1), Just(u32::MAX)]).prop_map(|(k, b)| AnyOp::Produce(k, b)),
        1 => any::<u8>().prop_map(AnyOp::ProduceTo),
        4 => (0..3usize, 0..5usize, 0..20u32).prop_map(|(g, m, n)| AnyOp::Poll(g, m, n)),
        4 => (0..3usize, 0..6u32, 0..80u64).prop_map(|(g, p, o)| AnyOp::Commit(g, p, o)),
        2 => (0..3usize, 0..6u32, 0..80u64).prop_map(|(g, p, o)| AnyOp::Seek(g, p, o)),
        3 => (0..400_000u32).prop_map(AnyOp::Advance),
        1 => (0..8u32).prop_map(AnyOp::AddPartitions),
        1 => any::<u8>().prop_map(AnyOp::CreateTopic),
        2 => any::<u8>().prop_map(AnyOp::TxnSend),
        1 => (0..3usize, 0..6u32, 0..80u64).prop_map(|(g, p, o)| AnyOp::TxnOffsets(g, p, o)),
        1 => any::<bool>().prop_map(AnyOp::TxnEnd),
        1 => Just(AnyOp::Restart),
        1 => (0..6u32, -2..8i32).prop_map(|(p, s)| AnyOp::Resend(p, s)),
    ]
}

const ANY_GROUPS: [&str; 3] = ["g1", "g2", ""];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Random operations, invalid ones included: nothing panics, a refused
    /// request leaves the cluster exactly as it was, and a group's committed
    /// offset only goes down through a commit that follows a seek of that
    /// partition.
    #[test]
    fn random_ops_never_panic_refusals_change_nothing_commits_never_go_back(ops in vec(any_op(), 0..80)) {
        let cfg = TopicConfig { partitions: 3, retention_ms: 200_000, retention_bytes: 20_000, segment_records: 4 };
        let mut c = Cluster::new("t", cfg, 11).unwrap();
        let mut now = 0u64;
        let mut producer = c.init_producer(0, Some("tx")).unwrap();
        let mut seeked: BTreeSet<(String, u32)> = BTreeSet::new();
        let mut id = 0u64;
        for op in ops {
            c.advance_to(now);
            let before = c.clone();
            let producer_before = producer.clone();
            let committed_before: BTreeMap<(String, u32), u64> = GROUPS
                .iter()
                .flat_map(|g| (0..c.partitions()).filter_map(|p| c.committed(g, p).map(|o| ((g.to_string(), p), o))).collect::<Vec<_>>())
                .collect();
            id += 1;
            let r: Result<(), KafkaError> = match &op {
                AnyOp::Join(g, m, a) => c.join(now, ANY_GROUPS[*g], &format!("c{m:02}"), ASSIGNORS[*a]),
                AnyOp::Leave(g, m, graceful) => c.leave(now, ANY_GROUPS[*g], &format!("c{m:02}"), *graceful),
                AnyOp::Produce(k, b) => c.produce(now, id, &format!("k{k}"), *b).map(|_| ()),
                AnyOp::ProduceTo(k) => c.produce_in(now, if k % 2 == 0 { "out" } else { "nope" }, id, "k", 10).map(|_| ()),
                AnyOp::Poll(g, m, n) => c.poll(now, ANY_GROUPS[*g], &format!("c{m:02}"), *n).map(|_| ()),
                // Offsets mostly within the log (end + 1 is out of range).
                AnyOp::Commit(g, p, o) => c.commit(now, ANY_GROUPS[*g], *p, o % (c.offsets(*p).1 + 2)),
                AnyOp::Seek(g, p, o) => c.seek(ANY_GROUPS[*g], *p, o % (c.offsets(*p).1 + 2)),
                AnyOp::Advance(ms) => { now += u64::from(*ms); c.advance_to(now); Ok(()) }
                AnyOp::AddPartitions(n) => c.add_partitions(now, *n),
                AnyOp::CreateTopic(k) => c.create_topic(now, if k % 3 == 0 { "bad name" } else { "out" }, TopicConfig::default()),
                AnyOp::TxnSend(k) => {
                    if !producer.in_transaction { let _ = c.begin_transaction(now, &mut producer); }
                    c.send(now, &mut producer, "t", id, &format!("k{k}"), 10).map(|_| ())
                }
                AnyOp::TxnOffsets(g, p, o) => c.send_offsets_to_transaction(now, &producer, ANY_GROUPS[*g], &[(*p, *o)]),
                AnyOp::TxnEnd(commit) => if *commit { c.commit_transaction(now, &mut producer) } else { c.abort_transaction(now, &mut producer) },
                AnyOp::Restart => c.init_producer(now, Some("tx")).map(|p| { producer = p; }),
                AnyOp::Resend(p, s) => c.send_with_sequence(now, &mut producer, "t", *p, *s, id, "k", 10).map(|_| ()),
            };
            match &r {
                Err(e) => {
                    prop_assert!(!e.field.is_empty() && !e.code.is_empty(), "errors name the field: {:?}", e);
                    // begin_transaction inside TxnSend may have succeeded before the send was refused.
                    if !matches!(op, AnyOp::TxnSend(_)) {
                        prop_assert_eq!(&c, &before, "refused {:?} changed the cluster", op);
                        prop_assert_eq!(&producer, &producer_before);
                    }
                }
                Ok(()) => {
                    if let AnyOp::Seek(g, p, _) = &op {
                        seeked.insert((ANY_GROUPS[*g].to_string(), *p));
                    }
                }
            }
            for ((g, p), old) in committed_before {
                let new = c.committed(&g, p).unwrap_or(0);
                if new < old {
                    let via_seek = matches!(&op, AnyOp::Commit(og, op_p, _) if ANY_GROUPS[*og] == g && *op_p == p) && seeked.contains(&(g.clone(), p));
                    prop_assert!(via_seek, "{} partition {} went back from {} to {} by {:?}", g, p, old, new, op);
                }
            }
            if let (AnyOp::Commit(g, p, _), Ok(())) = (&op, &r) {
                seeked.remove(&(ANY_GROUPS[*g].to_string(), *p));
            }
            for p in 0..c.partitions() {
                let (s, e) = c.offsets(p);
                prop_assert!(s <= e);
                prop_assert!(c.last_stable_offset_in("t", p).unwrap() <= e);
            }
            if let Some(d) = c.next_deadline() {
                prop_assert!(d > c.now(), "deadlines are in the future");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Any size and crash point: transactions never duplicate or lose an
    /// output; at-least-once never loses one and duplicates exactly the
    /// records processed twice.
    #[test]
    fn eos_demo_holds_for_any_crash_point(messages in 0..60u32, crash_after in 0..70u32, seed in 0..1_000u64) {
        let crashes = crash_after >= 1 && crash_after <= messages;
        let t = eos_demo(messages, crash_after, true, seed);
        prop_assert_eq!(t.crashed, crashes);
        prop_assert_eq!(t.duplicate_outputs, 0);
        prop_assert_eq!(t.missing_outputs, 0);
        prop_assert_eq!(t.committed_outputs, u64::from(messages));
        prop_assert_eq!(t.aborted_outputs, t.reprocessed);
        let a = eos_demo(messages, crash_after, false, seed);
        prop_assert_eq!(a.crashed, crashes);
        prop_assert_eq!(a.missing_outputs, 0);
        prop_assert_eq!(a.duplicate_outputs, a.reprocessed);
        prop_assert_eq!(a.duplicate_outputs > 0, crashes);
    }
}

#[test]
fn a_rebalance_waits_for_a_member_killed_before_it_but_not_during_it() {
    let session = ClusterSettings::default().session_timeout_ms;
    let round = ClusterSettings::default().rebalance_round_ms();
    // Killed before the rebalance: the round waits for the session timeout.
    let mut c = cluster(4);
    c.join(0, "g", "c01", Assignor::Range).unwrap();
    c.join(0, "g", "c02", Assignor::Range).unwrap();
    let t = settle(&mut c, 0);
    c.kill(t, "g", "c02").unwrap();
    c.join(t + 1_000, "g", "c03", Assignor::Range).unwrap();
    c.advance_to(t + 1_000 + round);
    assert!(
        c.members("g").iter().all(|m| m.partitions.is_empty()),
        "still waiting for c02"
    );
    c.advance_to(t + session);
    let m = c.members("g");
    assert_eq!(
        m.iter().map(|m| m.member_id.as_str()).collect::<Vec<_>>(),
        ["c01", "c03"]
    );
    assert_eq!((m[0].partitions.len(), m[1].partitions.len()), (2, 2));

    // Killed during the initial delay: it had joined, so the first
    // assignment includes it; its session timeout brings a second rebalance.
    let mut c = cluster(4);
    c.join(0, "g", "c01", Assignor::Range).unwrap();
    c.join(0, "g", "c02", Assignor::Range).unwrap();
    c.kill(1_000, "g", "c02").unwrap();
    let first = settle_until_assigned(&mut c);
    assert!(first < session);
    assert_eq!(c.members("g")[1].partitions, vec![2, 3]);
    c.advance_to(1_000 + session + round);
    assert_eq!(c.members("g").len(), 1);
    assert_eq!(c.members("g")[0].partitions, vec![0, 1, 2, 3]);
}

fn settle_until_assigned(c: &mut Cluster) -> u64 {
    while let Some(d) = c.next_deadline() {
        c.advance_to(d);
        if c.members("g").iter().any(|m| !m.partitions.is_empty()) {
            return d;
        }
    }
    u64::MAX
}
