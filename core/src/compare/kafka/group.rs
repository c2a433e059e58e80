//! Consumer groups: membership, rebalances as time, positions and commits.
//!
//! Timing (defaults in [`super::ClusterSettings`], from `ConsumerConfig` and
//! `GroupCoordinatorConfig`):
//! - the first rebalance of an empty group waits
//!   `group.initial.rebalance.delay.ms` (3 s); if a member joined during
//!   that delay, another delay of `min(3 s, what is left of the rebalance
//!   timeout)` follows (the classic coordinator's `InitialDelayedJoin`, with
//!   `max.poll.interval.ms` as the rebalance timeout), then the JoinGroup
//!   and SyncGroup round trips ([`super::REBALANCE_SYNC_MS`]). So members
//!   that start together get their first partitions after 6.5 s;
//! - any later rebalance round lasts `heartbeat.interval.ms` (3 s: members
//!   learn of it on their next heartbeat, worst case) plus the model
//!   parameter [`super::REBALANCE_SYNC_MS`];
//! - a graceful leave (LeaveGroup) starts a rebalance at once; a killed
//!   member keeps its partitions, unread, until `session.timeout.ms` (45 s)
//!   passes. A rebalance that starts after a member was killed waits for
//!   it to be removed (it never rejoins); a member killed during a round had
//!   already rejoined, so it is assigned partitions it will not read until
//!   its session times out and another rebalance follows.
//!
//! Protocols (`ConsumerPartitionAssignor.RebalanceProtocol`):
//! - eager (range, roundrobin): every member gives up every partition when a
//!   rebalance starts and polls nothing until the round ends;
//! - cooperative (cooperative-sticky): members keep polling what they keep;
//!   a partition that changes owner is revoked at the end of the first round
//!   and assigned in a follow-up round, so it alone pauses, for one round.
//!
//! Positions: the member that owns a partition keeps its fetch position
//! across rebalances; a partition that changes owner starts at the group's
//! committed offset (or `auto.offset.reset` if there is none), so records
//! read but not committed by the old owner are read again. A position
//! outside the log (e.g. below the log start after retention) is reset by
//! `auto.offset.reset`.
//!
//! Commits are per group and partition. The lab refuses a commit lower than
//! the committed offset unless the group seeked that partition first
//! (`LAB_COMMIT_BACKWARDS`): Kafka itself stores any offset, and a stale
//! member's late commit is what this guards against (Kafka fences those by
//! generation, `ILLEGAL_GENERATION`). Lab simplifications: a group reads one
//! topic; `auto.offset.reset` and `isolation.level` are the group's (set by
//! the first member of an empty group); members do not time out for not
//! polling (`max.poll.interval.ms`); a killed member that joins again before
//! it is noticed comes back with its partitions and no rebalance (as a static
//! member, `group.instance.id`, would).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::assign::{self, TopicPartition};
use super::log::IsolationLevel;
use super::{validate_name, Assignor, Cluster, KRecord, KafkaError, KafkaEvent, MemberView};

/// `auto.offset.reset` (ConsumerConfig; default `latest`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetReset {
    Earliest,
    Latest,
}

/// How a consumer joins: `partition.assignment.strategy`,
/// `auto.offset.reset`, `isolation.level`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerOptions {
    pub assignor: Assignor,
    pub auto_offset_reset: OffsetReset,
    pub isolation_level: IsolationLevel,
}

impl ConsumerOptions {
    /// Kafka's defaults for the rest: `latest`, `read_uncommitted`.
    pub fn new(assignor: Assignor) -> ConsumerOptions {
        ConsumerOptions {
            assignor,
            auto_offset_reset: OffsetReset::Latest,
            isolation_level: IsolationLevel::ReadUncommitted,
        }
    }
    pub fn earliest(mut self) -> ConsumerOptions {
        self.auto_offset_reset = OffsetReset::Earliest;
        self
    }
    pub fn read_committed(mut self) -> ConsumerOptions {
        self.isolation_level = IsolationLevel::ReadCommitted;
        self
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum GroupState {
    Empty,
    Stable,
    Rebalancing { round: u8, ends_at: u64 },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDetail {
    pub member_id: String,
    pub partitions: Vec<u32>,
    /// Paused by an eager rebalance.
    pub paused: bool,
    /// Stopped without leaving; `noticed_at` is when its session times out.
    pub killed: bool,
    pub noticed_at: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupView {
    pub group: String,
    pub topic: String,
    pub options: ConsumerOptions,
    pub generation: u32,
    pub state: GroupState,
    pub members: Vec<MemberDetail>,
    /// Partitions nobody owns right now (between cooperative rounds, during
    /// an eager rebalance, or with no members).
    pub unowned: Vec<u32>,
    pub committed: BTreeMap<u32, u64>,
    /// Log end minus committed offset (minus the log start when nothing is committed).
    pub lag: BTreeMap<u32, u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Position {
    pub holder: Option<String>,
    pub offset: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Member {
    pub owned: Vec<u32>,
    /// Set when killed: the session times out then.
    pub expires_at: Option<u64>,
    /// When it was killed.
    pub killed_at: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    Empty,
    Stable,
    Rebalancing {
        round: u8,
        ends_at: u64,
        /// When this round began: members killed before it never rejoin.
        started_at: u64,
        /// Set while the first rebalance of an empty group is being delayed.
        initial: Option<InitialDelay>,
    },
}

/// The coordinator's `InitialDelayedJoin`
/// (core/src/main/scala/kafka/coordinator/group/DelayedJoin.scala): when a
/// delay ends and a member joined during it, another delay of
/// `min(group.initial.rebalance.delay.ms, remaining)` starts, `remaining`
/// being what is left of the rebalance timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct InitialDelay {
    pub delay_ms: u64,
    pub remaining_ms: u64,
    pub new_member_added: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Group {
    pub topic: String,
    pub options: ConsumerOptions,
    pub members: BTreeMap<String, Member>,
    pub generation: u32,
    pub phase: Phase,
    pub committed: BTreeMap<u32, u64>,
    pub positions: BTreeMap<u32, Position>,
    pub seeked: BTreeSet<u32>,
    pub cursor: BTreeMap<String, usize>,
    pub revoked_at_start: BTreeMap<String, Vec<u32>>,
}

impl Group {
    pub fn deadline(&self) -> Option<u64> {
        let mut best = self.members.values().filter_map(|m| m.expires_at).min();
        if let Phase::Rebalancing { ends_at, .. } = self.phase {
            best = Some(best.map_or(ends_at, |b| b.min(ends_at)));
        }
        best
    }

    pub fn paused(&self) -> bool {
        self.options.assignor.is_eager() && matches!(self.phase, Phase::Rebalancing { .. })
    }

    pub fn owner_of(&self, p: u32) -> Option<&String> {
        self.members
            .iter()
            .find(|(_, m)| m.owned.contains(&p))
            .map(|(id, _)| id)
    }

    fn state(&self) -> GroupState {
        match self.phase {
            Phase::Empty => GroupState::Empty,
            Phase::Stable => GroupState::Stable,
            Phase::Rebalancing { round, ends_at, .. } => GroupState::Rebalancing { round, ends_at },
        }
    }
}

fn group_missing(group: &str) -> KafkaError {
    KafkaError::new(
        "group.id",
        "GROUP_ID_NOT_FOUND",
        format!("there is no consumer group {group:?}"),
    )
}

fn member_missing(group: &str, member: &str) -> KafkaError {
    KafkaError::new(
        "member.id",
        "UNKNOWN_MEMBER_ID",
        format!("{member:?} is not a member of group {group:?}"),
    )
}

impl Cluster {
    /// A member joins `group` (created on first join); triggers a rebalance.
    /// Reads the main topic with `auto.offset.reset` and `isolation.level`
    /// from [`super::ClusterSettings`] (Kafka's defaults: latest, read_uncommitted).
    pub fn join(
        &mut self,
        now: u64,
        group: &str,
        member_id: &str,
        assignor: Assignor,
    ) -> Result<(), KafkaError> {
        let opts = ConsumerOptions {
            assignor,
            auto_offset_reset: self.settings.auto_offset_reset,
            isolation_level: self.settings.isolation_level,
        };
        let topic = self.topic.clone();
        self.join_in(now, &topic, group, member_id, opts)
    }

    /// A member joins `group` reading `topic` with `options`.
    pub fn join_in(
        &mut self,
        now: u64,
        topic: &str,
        group: &str,
        member_id: &str,
        options: ConsumerOptions,
    ) -> Result<(), KafkaError> {
        self.advance_to(now);
        validate_name("group.id", "INVALID_GROUP_ID", group)?;
        validate_name("member.id", "INVALID_REQUEST", member_id)?;
        self.topic_ref(topic)?;
        if let Some(g) = self.groups.get(group) {
            if g.topic != topic {
                return Err(KafkaError::new(
                    "topic",
                    "LAB_ONE_TOPIC_PER_GROUP",
                    format!(
                        "group {group:?} reads topic {:?}; a lab group reads one topic",
                        g.topic
                    ),
                ));
            }
            if !g.members.is_empty() && g.options.assignor != options.assignor {
                return Err(KafkaError::new(
                    "partition.assignment.strategy",
                    "INCONSISTENT_GROUP_PROTOCOL",
                    format!(
                        "group {group:?} uses {}; a member asking only for {} cannot join",
                        g.options.assignor.name(),
                        options.assignor.name()
                    ),
                ));
            }
            if let Some(m) = g.members.get(member_id) {
                if m.expires_at.is_none() {
                    return Ok(());
                }
                if let Some(m) = self
                    .groups
                    .get_mut(group)
                    .and_then(|g| g.members.get_mut(member_id))
                {
                    m.expires_at = None;
                    m.killed_at = None;
                }
                self.emit(KafkaEvent::MemberJoined {
                    group: group.to_string(),
                    member: member_id.to_string(),
                });
                return Ok(());
            }
        }
        let g = self
            .groups
            .entry(group.to_string())
            .or_insert_with(|| Group {
                topic: topic.to_string(),
                options: options.clone(),
                members: BTreeMap::new(),
                generation: 0,
                phase: Phase::Empty,
                committed: BTreeMap::new(),
                positions: BTreeMap::new(),
                seeked: BTreeSet::new(),
                cursor: BTreeMap::new(),
                revoked_at_start: BTreeMap::new(),
            });
        if g.members.is_empty() {
            g.options = options;
        }
        g.members.insert(
            member_id.to_string(),
            Member {
                owned: Vec::new(),
                expires_at: None,
                killed_at: None,
            },
        );
        self.emit(KafkaEvent::MemberJoined {
            group: group.to_string(),
            member: member_id.to_string(),
        });
        self.trigger_rebalance(group, format!("{member_id} joined"), true);
        Ok(())
    }

    /// A member leaves (or is killed: `graceful = false` waits for the session timeout).
    pub fn leave(
        &mut self,
        now: u64,
        group: &str,
        member_id: &str,
        graceful: bool,
    ) -> Result<(), KafkaError> {
        self.advance_to(now);
        let session = self.settings.session_timeout_ms;
        let now = self.now;
        let g = self
            .groups
            .get_mut(group)
            .ok_or_else(|| group_missing(group))?;
        let Some(m) = g.members.get_mut(member_id) else {
            return Err(member_missing(group, member_id));
        };
        if m.expires_at.is_some() {
            return Err(KafkaError::new(
                "member.id",
                "UNKNOWN_MEMBER_ID",
                format!("{member_id:?} was already killed"),
            ));
        }
        if graceful {
            g.members.remove(member_id);
            g.cursor.remove(member_id);
            self.emit(KafkaEvent::MemberLeft {
                group: group.to_string(),
                member: member_id.to_string(),
            });
            self.trigger_rebalance(group, format!("{member_id} left"), false);
        } else {
            let at = now.saturating_add(session);
            m.expires_at = Some(at);
            m.killed_at = Some(now);
            self.emit(KafkaEvent::MemberKilled {
                group: group.to_string(),
                member: member_id.to_string(),
                noticed_at: at,
            });
        }
        Ok(())
    }

    /// Kills a member: no LeaveGroup, so the group notices after `session.timeout.ms`.
    pub fn kill(&mut self, now: u64, group: &str, member_id: &str) -> Result<(), KafkaError> {
        self.leave(now, group, member_id, false)
    }

    /// Starts a rebalance, or folds the change into the one in progress;
    /// only a join extends the initial delay (`InitialDelayedJoin`).
    pub(crate) fn trigger_rebalance(&mut self, group: &str, reason: String, joined: bool) {
        let now = self.now;
        let s = self.settings.clone();
        let Some(g) = self.groups.get_mut(group) else {
            return;
        };
        let mut events = Vec::new();
        match g.phase {
            Phase::Empty => {
                if g.members.is_empty() {
                    return;
                }
                let delay_ms = s.group_initial_rebalance_delay_ms;
                let ends_at = now.saturating_add(delay_ms);
                g.phase = Phase::Rebalancing {
                    round: 1,
                    ends_at,
                    started_at: now,
                    initial: Some(InitialDelay {
                        delay_ms,
                        remaining_ms: s.max_poll_interval_ms.saturating_sub(delay_ms),
                        new_member_added: false,
                    }),
                };
                events.push(KafkaEvent::RebalanceStarted {
                    group: group.to_string(),
                    reason,
                    ends_at,
                });
            }
            Phase::Stable => {
                if g.members.is_empty() {
                    g.phase = Phase::Empty;
                    g.generation = g.generation.saturating_add(1);
                    events.push(KafkaEvent::GroupEmpty {
                        group: group.to_string(),
                    });
                } else {
                    let ends_at = now.saturating_add(s.rebalance_round_ms());
                    g.phase = Phase::Rebalancing {
                        round: 1,
                        ends_at,
                        started_at: now,
                        initial: None,
                    };
                    events.push(KafkaEvent::RebalanceStarted {
                        group: group.to_string(),
                        reason,
                        ends_at,
                    });
                    if g.options.assignor.is_eager() {
                        g.revoked_at_start.clear();
                        for (id, m) in g.members.iter_mut() {
                            let had = std::mem::take(&mut m.owned);
                            if !had.is_empty() {
                                g.revoked_at_start.insert(id.clone(), had);
                            }
                        }
                        let paused: Vec<String> = g
                            .members
                            .iter()
                            .filter(|(_, m)| m.expires_at.is_none())
                            .map(|(id, _)| id.clone())
                            .collect();
                        events.push(KafkaEvent::Paused {
                            group: group.to_string(),
                            members: paused,
                        });
                    }
                }
            }
            Phase::Rebalancing {
                initial: Some(ref mut init),
                ..
            } if joined => {
                init.new_member_added = true;
            }
            Phase::Rebalancing { .. } => {}
        }
        for e in events {
            self.emit(e);
        }
    }

    pub(crate) fn expire_members(&mut self, t: u64) {
        let mut expired: Vec<(String, String)> = Vec::new();
        for (name, g) in &self.groups {
            for (id, m) in &g.members {
                if m.expires_at.is_some_and(|at| at <= t) {
                    expired.push((name.clone(), id.clone()));
                }
            }
        }
        for (group, member) in expired {
            if let Some(g) = self.groups.get_mut(&group) {
                g.members.remove(&member);
                g.cursor.remove(&member);
            }
            self.emit(KafkaEvent::MemberExpired {
                group: group.clone(),
                member: member.clone(),
            });
            self.trigger_rebalance(&group, format!("{member} missed session.timeout.ms"), false);
        }
    }

    pub(crate) fn finish_rounds(&mut self, t: u64) {
        let due: Vec<String> = self
            .groups
            .iter()
            .filter(|(_, g)| matches!(g.phase, Phase::Rebalancing { ends_at, .. } if ends_at <= t))
            .map(|(n, _)| n.clone())
            .collect();
        for name in due {
            self.finish_round(&name, t);
        }
    }

    fn finish_round(&mut self, name: &str, t: u64) {
        let round_ms = self.settings.rebalance_round_ms();
        let Some(g) = self.groups.get(name) else {
            return;
        };
        let Phase::Rebalancing {
            round,
            initial,
            started_at,
            ..
        } = g.phase
        else {
            return;
        };
        if let Some(init) = initial {
            let configured = self.settings.group_initial_rebalance_delay_ms;
            let sync = self.settings.rebalance_sync_ms;
            if let Some(g) = self.groups.get_mut(name) {
                g.phase = if init.new_member_added && init.remaining_ms != 0 {
                    let delay_ms = configured.min(init.remaining_ms);
                    Phase::Rebalancing {
                        round,
                        ends_at: t.saturating_add(delay_ms),
                        started_at,
                        initial: Some(InitialDelay {
                            delay_ms,
                            remaining_ms: init.remaining_ms.saturating_sub(init.delay_ms),
                            new_member_added: false,
                        }),
                    }
                } else {
                    // The join phase is over: JoinGroup/SyncGroup round trips.
                    Phase::Rebalancing {
                        round,
                        ends_at: t.saturating_add(sync),
                        started_at,
                        initial: None,
                    }
                };
            }
            return;
        }
        let partitions = self
            .topics
            .get(&g.topic)
            .map_or(0, |tp| tp.logs.len() as u32);
        let topic = g.topic.clone();
        let Some(g) = self.groups.get_mut(name) else {
            return;
        };
        // The round cannot finish while a member killed before it began is
        // still in the group: it never rejoins, so the coordinator waits for
        // its session to time out. One killed during the round had already
        // rejoined and is assigned partitions it will not read.
        if let Some(wait) = g
            .members
            .values()
            .filter(|m| m.killed_at.is_some_and(|k| k < started_at))
            .filter_map(|m| m.expires_at)
            .filter(|&at| at > t)
            .max()
        {
            g.phase = Phase::Rebalancing {
                round,
                ends_at: wait,
                started_at,
                initial: None,
            };
            return;
        }
        let mut events = Vec::new();
        if g.members.is_empty() {
            g.phase = Phase::Empty;
            g.generation = g.generation.saturating_add(1);
            g.revoked_at_start.clear();
            events.push(KafkaEvent::GroupEmpty {
                group: name.to_string(),
            });
        } else {
            let ppt: BTreeMap<String, u32> = [(topic.clone(), partitions)].into_iter().collect();
            let eager = g.options.assignor.is_eager();
            let (assignment, revoked, follow_up) = if eager {
                let subs: BTreeMap<String, BTreeSet<String>> = g
                    .members
                    .keys()
                    .map(|m| (m.clone(), [topic.clone()].into_iter().collect()))
                    .collect();
                let a = match g.options.assignor {
                    Assignor::RoundRobin => assign::round_robin(&ppt, &subs),
                    _ => assign::range(&ppt, &subs),
                };
                let a: BTreeMap<String, Vec<u32>> = a
                    .into_iter()
                    .map(|(m, l)| (m, l.into_iter().map(|tp| tp.partition).collect()))
                    .collect();
                (a, std::mem::take(&mut g.revoked_at_start), false)
            } else {
                let owned: BTreeMap<String, Vec<TopicPartition>> = g
                    .members
                    .iter()
                    .map(|(m, mm)| {
                        (
                            m.clone(),
                            mm.owned
                                .iter()
                                .map(|&p| TopicPartition {
                                    topic: topic.clone(),
                                    partition: p,
                                })
                                .collect(),
                        )
                    })
                    .collect();
                let outcome = assign::sticky(&ppt, &owned);
                let this_round = outcome.cooperative_round();
                let a: BTreeMap<String, Vec<u32>> = this_round
                    .into_iter()
                    .map(|(m, l)| (m, l.into_iter().map(|tp| tp.partition).collect()))
                    .collect();
                let mut revoked = BTreeMap::new();
                for (m, mm) in &g.members {
                    let keep = a.get(m).cloned().unwrap_or_default();
                    let gone: Vec<u32> = mm
                        .owned
                        .iter()
                        .copied()
                        .filter(|p| !keep.contains(p))
                        .collect();
                    if !gone.is_empty() {
                        revoked.insert(m.clone(), gone);
                    }
                }
                (a, revoked, !outcome.transferring.is_empty())
            };
            for (m, mm) in g.members.iter_mut() {
                let mut list = assignment.get(m).cloned().unwrap_or_default();
                list.sort_unstable();
                mm.owned = list;
            }
            // Positions: kept by the same owner, or set by a seek while unowned.
            for (m, list) in &assignment {
                for p in list {
                    let drop = match g.positions.get_mut(p) {
                        Some(pos) if pos.holder.as_deref() == Some(m.as_str()) => false,
                        Some(pos) if pos.holder.is_none() => {
                            pos.holder = Some(m.clone());
                            false
                        }
                        Some(_) => true,
                        None => false,
                    };
                    if drop {
                        g.positions.remove(p);
                    }
                }
            }
            g.generation = g.generation.saturating_add(1);
            g.phase = if follow_up {
                Phase::Rebalancing {
                    round: round.saturating_add(1),
                    ends_at: t.saturating_add(round_ms),
                    started_at: t,
                    initial: None,
                }
            } else {
                Phase::Stable
            };
            events.push(KafkaEvent::Rebalance {
                group: name.to_string(),
                generation: g.generation,
                round,
                assignment,
                revoked,
            });
            if eager {
                events.push(KafkaEvent::Resumed {
                    group: name.to_string(),
                    members: g.members.keys().cloned().collect(),
                });
            }
        }
        for e in events {
            self.emit(e);
        }
    }

    /// Poll: records from the member's partitions after the group's position.
    /// Partitions are visited in turn, starting one further each poll, so a
    /// busy partition does not starve the others.
    pub fn poll(
        &mut self,
        now: u64,
        group: &str,
        member_id: &str,
        max_records: u32,
    ) -> Result<Vec<KRecord>, KafkaError> {
        self.advance_to(now);
        if max_records == 0 {
            return Err(KafkaError::new(
                "max.poll.records",
                "INVALID_CONFIG",
                "max.poll.records must be at least 1",
            ));
        }
        let g = self.groups.get(group).ok_or_else(|| group_missing(group))?;
        let m = g
            .members
            .get(member_id)
            .ok_or_else(|| member_missing(group, member_id))?;
        if m.expires_at.is_some() {
            return Err(KafkaError::new(
                "member.id",
                "UNKNOWN_MEMBER_ID",
                format!("{member_id:?} was killed and cannot poll"),
            ));
        }
        if g.paused() || m.owned.is_empty() {
            return Ok(Vec::new());
        }
        let owned = m.owned.clone();
        let Some(topic) = self.topics.get(&g.topic) else {
            return Ok(Vec::new());
        };
        let Some(g) = self.groups.get_mut(group) else {
            return Ok(Vec::new());
        };
        let turn = g.cursor.entry(member_id.to_string()).or_insert(0);
        let start = *turn % owned.len();
        *turn = turn.wrapping_add(1);
        let mut out = Vec::new();
        let mut events = Vec::new();
        let policy = g.options.auto_offset_reset;
        let isolation = g.options.isolation_level;
        for i in 0..owned.len() {
            let remaining = (max_records as usize).saturating_sub(out.len());
            if remaining == 0 {
                break;
            }
            let p = owned[(start + i) % owned.len()];
            let Some(log) = topic.logs.get(p as usize) else {
                continue;
            };
            let (log_start, log_end) = (log.log_start(), log.log_end());
            let reset_to = match policy {
                OffsetReset::Earliest => log_start,
                OffsetReset::Latest => log_end,
            };
            let held = g
                .positions
                .get(&p)
                .filter(|pos| pos.holder.as_deref() == Some(member_id))
                .map(|pos| pos.offset);
            let mut offset = match held.or_else(|| g.committed.get(&p).copied()) {
                Some(o) => o,
                None => {
                    events.push(KafkaEvent::OffsetReset {
                        group: group.to_string(),
                        partition: p,
                        from: None,
                        to: reset_to,
                        policy,
                    });
                    reset_to
                }
            };
            if offset < log_start || offset > log_end {
                events.push(KafkaEvent::OffsetReset {
                    group: group.to_string(),
                    partition: p,
                    from: Some(offset),
                    to: reset_to,
                    policy,
                });
                offset = reset_to;
            }
            let (records, next) = log.read(p, offset, remaining, isolation);
            g.positions.insert(
                p,
                Position {
                    holder: Some(member_id.to_string()),
                    offset: next,
                },
            );
            out.extend(records);
        }
        for e in events {
            self.emit(e);
        }
        Ok(out)
    }

    /// Commit `offset` (the next offset to read) for a partition.
    pub fn commit(
        &mut self,
        now: u64,
        group: &str,
        partition: u32,
        offset: u64,
    ) -> Result<(), KafkaError> {
        self.advance_to(now);
        self.check_commit(group, partition, offset)?;
        self.apply_commit(group, partition, offset, false);
        Ok(())
    }

    /// The group, once `offset` is known to be within the partition's log
    /// (commit and seek both refuse an offset past its end).
    fn group_for_offset(&self, group: &str, partition: u32, offset: u64) -> Result<&Group, KafkaError> {
        let g = self.groups.get(group).ok_or_else(|| group_missing(group))?;
        let end = self.log_ref(&g.topic, partition)?.log_end();
        if offset > end {
            return Err(KafkaError::new(
                "offset",
                "OFFSET_OUT_OF_RANGE",
                format!("offset {offset} is past the end of partition {partition} ({end})"),
            ));
        }
        Ok(g)
    }

    pub(crate) fn check_commit(
        &self,
        group: &str,
        partition: u32,
        offset: u64,
    ) -> Result<(), KafkaError> {
        let g = self.group_for_offset(group, partition, offset)?;
        if let Some(&c) = g.committed.get(&partition) {
            if offset < c && !g.seeked.contains(&partition) {
                return Err(KafkaError::new(
                    "offset",
                    "LAB_COMMIT_BACKWARDS",
                    format!("group {group:?} has committed {c} on partition {partition}; the lab takes a lower offset ({offset}) only after a seek"),
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn apply_commit(
        &mut self,
        group: &str,
        partition: u32,
        offset: u64,
        transactional: bool,
    ) {
        if let Some(g) = self.groups.get_mut(group) {
            g.committed.insert(partition, offset);
            g.seeked.remove(&partition);
            self.emit(KafkaEvent::Committed {
                group: group.to_string(),
                partition,
                offset,
                transactional,
            });
        }
    }

    /// Move a group's position (seek), e.g. to `offset_for_time`. Offsets up
    /// to the log end are taken; one below the log start is reset by
    /// `auto.offset.reset` on the next poll. A seek lets the next commit go
    /// below the committed offset.
    pub fn seek(&mut self, group: &str, partition: u32, offset: u64) -> Result<(), KafkaError> {
        let g = self.group_for_offset(group, partition, offset)?;
        let holder = g
            .owner_of(partition)
            .filter(|id| g.members.get(*id).is_some_and(|m| m.expires_at.is_none()))
            .cloned();
        if let Some(g) = self.groups.get_mut(group) {
            g.positions.insert(partition, Position { holder, offset });
            g.seeked.insert(partition);
        }
        self.emit(KafkaEvent::Seek {
            group: group.to_string(),
            partition,
            offset,
        });
        Ok(())
    }

    pub fn members(&self, group: &str) -> Vec<MemberView> {
        let Some(g) = self.groups.get(group) else {
            return Vec::new();
        };
        let paused = g.paused();
        g.members
            .iter()
            .map(|(id, m)| MemberView {
                member_id: id.clone(),
                partitions: m.owned.clone(),
                paused: paused && m.expires_at.is_none(),
            })
            .collect()
    }

    pub fn committed(&self, group: &str, partition: u32) -> Option<u64> {
        self.groups.get(group)?.committed.get(&partition).copied()
    }

    /// Group names, sorted.
    pub fn groups(&self) -> Vec<String> {
        self.groups.keys().cloned().collect()
    }

    /// Everything about a group, for drawing.
    pub fn group_view(&self, group: &str) -> Option<GroupView> {
        let g = self.groups.get(group)?;
        let topic = self.topics.get(&g.topic)?;
        let paused = g.paused();
        let members: Vec<MemberDetail> = g
            .members
            .iter()
            .map(|(id, m)| MemberDetail {
                member_id: id.clone(),
                partitions: m.owned.clone(),
                paused: paused && m.expires_at.is_none(),
                killed: m.expires_at.is_some(),
                noticed_at: m.expires_at,
            })
            .collect();
        let owned: BTreeSet<u32> = g
            .members
            .values()
            .flat_map(|m| m.owned.iter().copied())
            .collect();
        let unowned = (0..topic.logs.len() as u32)
            .filter(|p| !owned.contains(p))
            .collect();
        let lag = topic
            .logs
            .iter()
            .enumerate()
            .map(|(p, log)| {
                let from = g
                    .committed
                    .get(&(p as u32))
                    .copied()
                    .unwrap_or(log.log_start());
                (p as u32, log.log_end().saturating_sub(from))
            })
            .collect();
        Some(GroupView {
            group: group.to_string(),
            topic: g.topic.clone(),
            options: g.options.clone(),
            generation: g.generation,
            state: g.state(),
            members,
            unowned,
            committed: g.committed.clone(),
            lag,
        })
    }
}
