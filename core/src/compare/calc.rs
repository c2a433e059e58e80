//! Answers for the generated quiz items of the compare section, each
//! computed by running the engines (never by a formula written beside them).

use super::kafka::{partition_for_key, Assignor, Cluster, TopicConfig};
use super::sqs::{QueueConfig, SendMessage, SqsEvent, SqsQueue};

/// Lab start time for these small runs (any fixed value works).
const T0: u64 = 1_767_225_600_000;

/// A Kafka group of `members` members on a topic of `partitions`
/// partitions, after the group has settled: the partitions each member owns
/// (members in join order). `None` for sizes outside the quiz's range.
pub fn kafka_settled_assignment(partitions: u32, members: u32, assignor: Assignor) -> Option<Vec<Vec<u32>>> {
    if !(1..=64).contains(&partitions) || !(1..=32).contains(&members) {
        return None;
    }
    let config = TopicConfig {
        partitions,
        ..TopicConfig::default()
    };
    let mut c = Cluster::new("orders", config, 1).ok()?;
    let ids: Vec<String> = (1..=members).map(|i| format!("member-{i:02}")).collect();
    for id in &ids {
        c.join(T0, "group-1", id, assignor).ok()?;
    }
    // Let every rebalance round run out (a minute is far more than enough).
    let mut now = T0;
    while let Some(d) = c.next_deadline() {
        if d > T0 + 60_000 {
            break;
        }
        now = d.max(now);
        c.advance_to(now);
    }
    c.advance_to(T0 + 60_000);
    let view = c.members("group-1");
    Some(
        ids.iter()
            .map(|id| {
                view.iter()
                    .find(|m| &m.member_id == id)
                    .map(|m| m.partitions.clone())
                    .unwrap_or_default()
            })
            .collect(),
    )
}

/// Members of the group left with no partition once it has settled.
pub fn kafka_idle_members(partitions: u32, members: u32, assignor: Assignor) -> Option<u64> {
    let a = kafka_settled_assignment(partitions, members, assignor)?;
    Some(a.iter().filter(|p| p.is_empty()).count() as u64)
}

/// The most partitions any one member owns once the group has settled.
pub fn kafka_most_partitions(partitions: u32, members: u32, assignor: Assignor) -> Option<u64> {
    let a = kafka_settled_assignment(partitions, members, assignor)?;
    a.iter().map(|p| p.len() as u64).max()
}

/// Of the keys `user-1` … `user-<keys>`, how many the default partitioner
/// sends to another partition once a topic grows from `from` to `to`.
pub fn kafka_keys_moved(keys: u32, from: u32, to: u32) -> Option<u64> {
    if keys == 0 || keys > 10_000 || from == 0 || to <= from || to > 1_000 {
        return None;
    }
    Some(
        (1..=keys)
            .filter(|i| {
                let k = format!("user-{i}");
                partition_for_key(k.as_bytes(), from) != partition_for_key(k.as_bytes(), to)
            })
            .count() as u64,
    )
}

/// One message in a queue with a redrive policy; a consumer receives every
/// second and never deletes. The second (after sending) at which SQS moves
/// it to the dead-letter queue.
pub fn sqs_dead_letter_after_s(visibility_s: u32, max_receive_count: u32) -> Option<u64> {
    if !(1..=600).contains(&visibility_s) || !(1..=10).contains(&max_receive_count) {
        return None;
    }
    let config = QueueConfig {
        visibility_timeout_s: visibility_s,
        max_receive_count: Some(max_receive_count),
        duplicate_per_million: 0,
        ..QueueConfig::default()
    };
    let mut q = SqsQueue::new("jobs", config, 1).ok()?;
    q.send(
        T0,
        SendMessage {
            id: 1,
            key: "job-1".into(),
            bytes: 100,
            group_id: None,
            dedup_id: None,
        },
    )
    .ok()?;
    let limit = u64::from(visibility_s) * u64::from(max_receive_count + 2);
    for s in 0..=limit {
        let now = T0 + s * 1000;
        q.advance_to(now);
        // Receive until the message shows up (short polling samples servers).
        for _ in 0..8 {
            if !q.receive(now, 10, None).ok()?.is_empty() {
                break;
            }
        }
        if q.events().any(|e| matches!(e, SqsEvent::DeadLettered { .. })) {
            return Some(s);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_members_are_those_beyond_the_partitions() {
        for a in [Assignor::Range, Assignor::RoundRobin, Assignor::CooperativeSticky] {
            assert_eq!(kafka_idle_members(3, 5, a), Some(2), "{a:?}");
            assert_eq!(kafka_idle_members(6, 3, a), Some(0), "{a:?}");
            assert_eq!(kafka_most_partitions(7, 3, a), Some(3), "{a:?}");
        }
    }

    #[test]
    fn keys_moved_counts_only_changed_partitions() {
        // Growing by a multiple keeps some keys; none can move when nothing changes.
        let moved = kafka_keys_moved(100, 3, 6).unwrap();
        assert!(moved > 0 && moved < 100);
        assert_eq!(kafka_keys_moved(100, 3, 3), None);
    }

    #[test]
    fn dead_letter_after_max_receives() {
        // Received at 0, 30 and 60 s; the receive after 90 s moves it.
        assert_eq!(sqs_dead_letter_after_s(30, 3), Some(90));
        assert_eq!(sqs_dead_letter_after_s(10, 1), Some(10));
    }
}
