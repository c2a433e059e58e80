//! The consumer-side partition assignors, as pure functions.
//!
//! Sources (apache/kafka, `clients/src/main/java/org/apache/kafka/clients/consumer/`):
//! `RangeAssignor.java` (class doc and `assignRanges`), `RoundRobinAssignor.java`
//! (`assign`, `allPartitionsSorted`), `internals/AbstractStickyAssignor.java`
//! (`ConstrainedAssignmentBuilder`) and `CooperativeStickyAssignor.java`
//! (`adjustAssignment`). Written from those algorithms, without racks.
//!
//! Member order: Kafka sorts members by `group.instance.id` when they have one
//! and otherwise by `member.id` with `String.compareTo`
//! (`AbstractPartitionAssignor.MemberInfo.compareTo`). The lab has no static
//! members, so members are sorted as strings: "c10" sorts before "c2". Use
//! zero-padded ids ("c01", "c02", … "c10") to get the order you expect.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// A partition of a topic; orders by topic name, then partition number
/// (Kafka's sorted-partitions order).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TopicPartition {
    pub topic: String,
    pub partition: u32,
}

impl TopicPartition {
    pub fn new(topic: &str, partition: u32) -> TopicPartition {
        TopicPartition {
            topic: topic.to_string(),
            partition,
        }
    }
}

/// Member id → its partitions (sorted by topic, then partition).
pub type Assignment = BTreeMap<String, Vec<TopicPartition>>;

fn empty_for<'a>(members: impl Iterator<Item = &'a String>) -> Assignment {
    members.map(|m| (m.clone(), Vec::new())).collect()
}

fn sort_lists(mut a: Assignment) -> Assignment {
    for list in a.values_mut() {
        list.sort();
    }
    a
}

/// RangeAssignor: per topic, partitions in order, subscribed members in
/// order; each member takes a contiguous block of `P / N` partitions, and the
/// first `P % N` members one more. Members beyond the partition count get
/// nothing for that topic.
pub fn range(
    partitions_per_topic: &BTreeMap<String, u32>,
    subscriptions: &BTreeMap<String, BTreeSet<String>>,
) -> Assignment {
    let mut out = empty_for(subscriptions.keys());
    for (topic, &count) in partitions_per_topic {
        let members: Vec<&String> = subscriptions
            .iter()
            .filter(|(_, topics)| topics.contains(topic))
            .map(|(m, _)| m)
            .collect();
        if members.is_empty() {
            continue;
        }
        let n = members.len() as u64;
        let per = u64::from(count) / n;
        let extra = u64::from(count) % n;
        for (i, member) in members.iter().enumerate() {
            let i = i as u64;
            let start = i * per + i.min(extra);
            let len = per + u64::from(i < extra);
            let list = out.entry((*member).clone()).or_default();
            for p in start..start + len {
                list.push(TopicPartition {
                    topic: topic.clone(),
                    partition: p as u32,
                });
            }
        }
    }
    sort_lists(out)
}

/// RoundRobinAssignor: all partitions of the subscribed topics (topics by
/// name, then partition number) dealt to the sorted members in a circle,
/// skipping a member not subscribed to the partition's topic.
pub fn round_robin(
    partitions_per_topic: &BTreeMap<String, u32>,
    subscriptions: &BTreeMap<String, BTreeSet<String>>,
) -> Assignment {
    let mut out = empty_for(subscriptions.keys());
    let members: Vec<(&String, &BTreeSet<String>)> = subscriptions.iter().collect();
    if members.is_empty() {
        return out;
    }
    let mut next = 0usize;
    for (topic, &count) in partitions_per_topic {
        if !members.iter().any(|(_, t)| t.contains(topic)) {
            continue;
        }
        for p in 0..count {
            for step in 0..members.len() {
                let i = (next + step) % members.len();
                if members[i].1.contains(topic) {
                    if let Some(list) = out.get_mut(members[i].0) {
                        list.push(TopicPartition {
                            topic: topic.clone(),
                            partition: p,
                        });
                    }
                    next = (i + 1) % members.len();
                    break;
                }
            }
        }
    }
    sort_lists(out)
}

/// The sticky assignment and the partitions that change owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StickyOutcome {
    /// The balanced target assignment (what the eager StickyAssignor returns).
    pub assignment: Assignment,
    /// Partitions given to a member other than the one that owned them, with
    /// their new owner (`partitionsTransferringOwnership`).
    pub transferring: BTreeMap<TopicPartition, String>,
}

impl StickyOutcome {
    /// What CooperativeStickyAssignor hands out this round: the target minus
    /// the partitions that must first be revoked by their old owner (they
    /// are assigned in the follow-up rebalance).
    pub fn cooperative_round(&self) -> Assignment {
        let mut out = self.assignment.clone();
        for (tp, owner) in &self.transferring {
            if let Some(list) = out.get_mut(owner) {
                list.retain(|x| x != tp);
            }
        }
        out
    }
}

/// The sticky assignor's constrained assignment, for members that all
/// subscribe to every topic in `partitions_per_topic` (the only case the lab
/// has). `owned` lists every member (new members with an empty list) and the
/// partitions it owned before this rebalance.
///
/// Steps (AbstractStickyAssignor `ConstrainedAssignmentBuilder`): quotas
/// `min = ⌊P/N⌋`, `max = ⌈P/N⌉`, `P % N` members may reach `max`. Each
/// member keeps its owned partitions (sorted by partition, then topic) up to
/// its quota; the rest are "maybe revoked". Unassigned partitions (topic, then
/// partition) are dealt round-robin to the members still under `min` (sorted
/// by id), then one each to members at exactly `min` until `P % N` members
/// are at `max`. A partition that lands on a member other than its previous
/// owner is "transferring".
///
/// One difference: Kafka walks the members in a `HashMap`'s order when it
/// keeps owned partitions, which decides who may keep `max` when several
/// could; the lab walks them sorted by id, so the result is reproducible.
pub fn sticky(
    partitions_per_topic: &BTreeMap<String, u32>,
    owned: &BTreeMap<String, Vec<TopicPartition>>,
) -> StickyOutcome {
    let mut assignment = empty_for(owned.keys());
    let mut transferring = BTreeMap::new();
    let n = owned.len() as u64;
    if n == 0 {
        return StickyOutcome {
            assignment,
            transferring,
        };
    }
    let total: u64 = partitions_per_topic.values().map(|&c| u64::from(c)).sum();
    let min_quota = (total / n) as usize;
    let max_quota = total.div_ceil(n) as usize;
    let expected_over = (total % n) as usize;
    let mut current_over = 0usize;

    let exists = |tp: &TopicPartition| {
        partitions_per_topic
            .get(&tp.topic)
            .is_some_and(|&c| tp.partition < c)
    };
    // Partitions claimed by more than one member are taken from all of them.
    let mut claims: BTreeMap<&TopicPartition, usize> = BTreeMap::new();
    for list in owned.values() {
        for tp in list.iter().collect::<BTreeSet<_>>() {
            *claims.entry(tp).or_default() += 1;
        }
    }
    let multiple: BTreeSet<TopicPartition> = claims
        .iter()
        .filter(|(_, &c)| c > 1)
        .map(|(tp, _)| (*tp).clone())
        .collect();

    let mut maybe_revoked: BTreeMap<TopicPartition, String> = BTreeMap::new();
    let mut under_min: Vec<String> = Vec::new();
    let mut exactly_min: Vec<String> = Vec::new();
    let mut assigned: BTreeSet<TopicPartition> = BTreeSet::new();

    for (member, list) in owned {
        let mut mine: Vec<TopicPartition> = list
            .iter()
            .filter(|tp| exists(tp) && !multiple.contains(*tp))
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        mine.sort_by(|a, b| {
            a.partition
                .cmp(&b.partition)
                .then_with(|| a.topic.cmp(&b.topic))
        });
        let target = assignment.entry(member.clone()).or_default();
        if mine.len() < min_quota {
            for tp in &mine {
                assigned.insert(tp.clone());
            }
            target.extend(mine);
            under_min.push(member.clone());
        } else if mine.len() >= max_quota && current_over < expected_over {
            current_over += 1;
            if current_over == expected_over {
                exactly_min.clear();
            }
            for (i, tp) in mine.into_iter().enumerate() {
                if i < max_quota {
                    assigned.insert(tp.clone());
                    target.push(tp);
                } else {
                    maybe_revoked.insert(tp, member.clone());
                }
            }
        } else {
            for (i, tp) in mine.into_iter().enumerate() {
                if i < min_quota {
                    assigned.insert(tp.clone());
                    target.push(tp);
                } else {
                    maybe_revoked.insert(tp, member.clone());
                }
            }
            if current_over < expected_over {
                exactly_min.push(member.clone());
            }
        }
    }

    let mut unassigned: Vec<TopicPartition> = Vec::new();
    for (topic, &count) in partitions_per_topic {
        for p in 0..count {
            let tp = TopicPartition {
                topic: topic.clone(),
                partition: p,
            };
            if !assigned.contains(&tp) {
                unassigned.push(tp);
            }
        }
    }
    under_min.sort();
    exactly_min.sort();

    // assignRoundRobin: an iterator over the under-min members that restarts
    // from the front; once they are all at min, the exactly-min members are
    // polled from the front one at a time.
    let mut idx = 0usize;
    for tp in unassigned {
        let (member, from_under) = if idx < under_min.len() {
            (under_min[idx].clone(), true)
        } else if under_min.is_empty() && exactly_min.is_empty() {
            // Kafka throws here ("No more unfilled consumers"); the counts
            // make it unreachable, and the lab leaves the partition unowned.
            break;
        } else if under_min.is_empty() {
            (exactly_min.remove(0), false)
        } else {
            idx = 0;
            (under_min[0].clone(), true)
        };
        let list = assignment.entry(member.clone()).or_default();
        list.push(tp.clone());
        let count = list.len();
        if maybe_revoked.get(&tp).is_some_and(|old| *old != member) || multiple.contains(&tp) {
            transferring.insert(tp, member.clone());
        }
        if count == min_quota {
            if from_under {
                under_min.remove(idx);
            }
            exactly_min.push(member);
        } else if from_under {
            // (Kafka also counts members reaching max here, for its logs.)
            idx += 1;
        }
    }
    StickyOutcome {
        assignment: sort_lists(assignment),
        transferring,
    }
}
