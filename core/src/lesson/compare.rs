//! The compare lessons' lab state: one [`CompareSim`] run after another, the
//! decision-tree walks, and the goals checked on them.

use crate::compare::guide::{Recommendation, Walk};
use crate::compare::sim::{CompareAction, CompareError, CompareSim, Counters};
use crate::compare::System;
use serde::{Deserialize, Serialize};

/// The compare runs of a lesson.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CompareLab {
    pub sim: Option<CompareSim>,
    /// Every action applied so far, in order.
    pub actions: Vec<CompareAction>,
    /// Index in `actions` of the `Start` of the current comparison.
    pub started_at: usize,
    /// Every walk of the decision tree, in order.
    pub decisions: Vec<Walk>,
}

impl CompareLab {
    /// Applies one action; on error nothing changes.
    pub fn apply(&mut self, action: &CompareAction) -> Result<(), CompareError> {
        match action {
            CompareAction::Start { workload } => {
                let sim = CompareSim::new(workload.clone(), crate::api::scenario::DEFAULT_START_MS)?;
                self.sim = Some(sim);
                self.started_at = self.actions.len();
            }
            other => {
                let Some(sim) = self.sim.as_mut() else {
                    return Err(CompareError {
                        field: "op".into(),
                        message: "start a comparison first".into(),
                    });
                };
                let mut next = sim.clone();
                next.apply(other)?;
                *sim = next;
            }
        }
        self.actions.push(action.clone());
        Ok(())
    }

    /// Walks the decision tree with these answers; on error nothing changes.
    pub fn decide(&mut self, answers: &[bool]) -> Result<(), CompareError> {
        let w = crate::compare::guide::walk(answers).map_err(|message| CompareError {
            field: "answers".into(),
            message,
        })?;
        self.decisions.push(w);
        Ok(())
    }

    /// The actions of the current comparison, its `Start` first.
    pub fn current(&self) -> &[CompareAction] {
        self.actions.get(self.started_at..).unwrap_or(&[])
    }

    fn counters(&self, system: System) -> Option<Counters> {
        self.sim.as_ref().map(|s| s.column(system).counters)
    }
}

/// A counter of [`Counters`], by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CounterKind {
    Sent,
    Delivered,
    Duplicates,
    OutOfOrder,
    Readable,
}

impl CounterKind {
    pub fn of(self, c: &Counters) -> u64 {
        match self {
            CounterKind::Sent => c.sent,
            CounterKind::Delivered => c.delivered,
            CounterKind::Duplicates => c.duplicates,
            CounterKind::OutOfOrder => c.out_of_order,
            CounterKind::Readable => c.readable,
        }
    }
}

/// What a toggle is called in goals (the `op` of a [`CompareAction`]).
pub fn op_name(a: &CompareAction) -> &'static str {
    match a {
        CompareAction::Start { .. } => "start",
        CompareAction::Run { .. } => "run",
        CompareAction::SecondGroup => "second_group",
        CompareAction::Replay { .. } => "replay",
        CompareAction::KillConsumer { .. } => "kill_consumer",
        CompareAction::AddCapacity => "add_capacity",
        CompareAction::SameKey { .. } => "same_key",
        CompareAction::ExactlyOnce { .. } => "exactly_once",
    }
}

/// A goal of a compare lesson. All of them look at the current comparison
/// (since its last `Start`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "compare", rename_all = "snake_case", deny_unknown_fields)]
pub enum CompareGoal {
    /// A comparison was started.
    Started,
    /// The current comparison used a FIFO queue (`true`) or a standard one.
    Fifo { fifo: bool },
    /// The toggle `op` was used in the current comparison.
    Used { op: String },
    /// A counter of one system is within bounds now.
    Counter {
        system: System,
        counter: CounterKind,
        #[serde(default)]
        at_least: Option<u64>,
        #[serde(default)]
        at_most: Option<u64>,
    },
    /// At least `messages` were sent; SQS delivered every one and keeps none,
    /// while Kafka and Kinesis can still give every one to a new reader.
    QueueEmptiedStreamsKept { messages: u64 },
    /// The decision tree was walked to this recommendation.
    Recommended { recommendation: Recommendation },
    /// A group started after the first one (a second Kafka group, a second
    /// KCL application; not a replay) has received every message the
    /// system was sent.
    SecondGroupReadAll { system: System },
    /// At least `idle` running consumers of the system have nothing to read
    /// now (more members than partitions, more workers than shards).
    IdleConsumers { system: System, idle: u64 },
    /// The system's groups were rebalanced after their first assignment
    /// (Kafka: a rebalance; Kinesis: a lease moved after a failover or to
    /// balance the load).
    Rebalanced { system: System },
    /// The first group received every message the system was sent
    /// (duplicates allowed): nothing was lost.
    NoneLost { system: System },
    /// The exactly-once demo ran: with transactions a `read_committed`
    /// reader saw no duplicate output, without them it saw some.
    ExactlyOnceShown,
}

/// Why a compare goal is not met.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "compare_why", rename_all = "snake_case")]
pub enum CompareWhy {
    NotStarted,
    /// The demo has not run, or did not show the difference: duplicate
    /// outputs with and without transactions.
    NoExactlyOnce {
        ran: bool,
        with_transactions: u64,
        without: u64,
    },
    WrongQueue { fifo: bool },
    NotUsed { op: String },
    CounterOut {
        system: System,
        counter: CounterKind,
        have: u64,
        at_least: Option<u64>,
        at_most: Option<u64>,
    },
    /// `sent` messages; SQS delivered `sqs_delivered` and still holds
    /// `sqs_readable`; the streams still hold `kafka_readable` and
    /// `kinesis_readable`.
    NotEmptiedAndKept {
        need: u64,
        sent: u64,
        sqs_delivered: u64,
        sqs_readable: u64,
        kafka_readable: u64,
        kinesis_readable: u64,
    },
    NotRecommended {
        want: Recommendation,
        got: Option<Recommendation>,
    },
    /// `sent` messages; the later group that read most has `best` of them
    /// (`None`: no later group yet).
    SecondGroupShort {
        system: System,
        sent: u64,
        best: Option<u64>,
    },
    TooFewIdle {
        system: System,
        need: u64,
        have: u64,
    },
    NotRebalanced {
        system: System,
    },
    /// The first group received `received` of the `sent` messages.
    Lost {
        system: System,
        sent: u64,
        received: u64,
    },
}

pub fn evaluate(goal: &CompareGoal, lab: &CompareLab) -> Result<(), CompareWhy> {
    if let CompareGoal::Recommended { recommendation } = goal {
        let got = lab.decisions.last().and_then(|w| w.result);
        return if lab.decisions.iter().any(|w| w.result == Some(*recommendation)) {
            Ok(())
        } else {
            Err(CompareWhy::NotRecommended {
                want: *recommendation,
                got,
            })
        };
    }
    let Some(sim) = lab.sim.as_ref() else {
        return Err(CompareWhy::NotStarted);
    };
    match goal {
        CompareGoal::Started | CompareGoal::Recommended { .. } => Ok(()),
        CompareGoal::Fifo { fifo } => {
            if sim.workload.fifo == *fifo {
                Ok(())
            } else {
                Err(CompareWhy::WrongQueue { fifo: *fifo })
            }
        }
        CompareGoal::Used { op } => {
            if lab.current().iter().any(|a| op_name(a) == op) {
                Ok(())
            } else {
                Err(CompareWhy::NotUsed { op: op.clone() })
            }
        }
        CompareGoal::Counter {
            system,
            counter,
            at_least,
            at_most,
        } => {
            let have = lab.counters(*system).map(|c| counter.of(&c)).unwrap_or(0);
            if at_least.is_none_or(|n| have >= n) && at_most.is_none_or(|n| have <= n) {
                Ok(())
            } else {
                Err(CompareWhy::CounterOut {
                    system: *system,
                    counter: *counter,
                    have,
                    at_least: *at_least,
                    at_most: *at_most,
                })
            }
        }
        CompareGoal::QueueEmptiedStreamsKept { messages } => {
            let sqs = sim.column(System::Sqs).counters;
            let kafka = sim.column(System::Kafka).counters;
            let kinesis = sim.column(System::Kinesis).counters;
            let sent = sqs.sent;
            let ok = sent >= *messages
                && sqs.readable == 0
                && sqs.delivered >= sent
                && kafka.sent == sent
                && kinesis.sent == sent
                && kafka.readable >= sent
                && kinesis.readable >= sent;
            if ok {
                Ok(())
            } else {
                Err(CompareWhy::NotEmptiedAndKept {
                    need: *messages,
                    sent,
                    sqs_delivered: sqs.delivered,
                    sqs_readable: sqs.readable,
                    kafka_readable: kafka.readable,
                    kinesis_readable: kinesis.readable,
                })
            }
        }
        CompareGoal::SecondGroupReadAll { system } => {
            let sent = sim.counters(*system).sent;
            let best = sim
                .groups(*system)
                .iter()
                .skip(1)
                .filter(|g| !g.name.starts_with("replay-"))
                .map(|g| g.unique)
                .max();
            if sent > 0 && best.is_some_and(|b| b >= sent) {
                Ok(())
            } else {
                Err(CompareWhy::SecondGroupShort {
                    system: *system,
                    sent,
                    best,
                })
            }
        }
        CompareGoal::IdleConsumers { system, idle } => {
            let have = sim.idle_consumers(*system);
            if have >= *idle {
                Ok(())
            } else {
                Err(CompareWhy::TooFewIdle {
                    system: *system,
                    need: *idle,
                    have,
                })
            }
        }
        CompareGoal::Rebalanced { system } => {
            if sim.rebalances(*system) > 0 {
                Ok(())
            } else {
                Err(CompareWhy::NotRebalanced { system: *system })
            }
        }
        CompareGoal::ExactlyOnceShown => match sim.eos() {
            Some(e) if e.transactions.duplicate_outputs == 0 && e.at_least_once.duplicate_outputs > 0 => Ok(()),
            Some(e) => Err(CompareWhy::NoExactlyOnce {
                ran: true,
                with_transactions: e.transactions.duplicate_outputs,
                without: e.at_least_once.duplicate_outputs,
            }),
            None => Err(CompareWhy::NoExactlyOnce {
                ran: false,
                with_transactions: 0,
                without: 0,
            }),
        },
        CompareGoal::NoneLost { system } => {
            let sent = sim.counters(*system).sent;
            let received = sim.groups(*system).first().map_or(0, |g| g.unique);
            if sent > 0 && received >= sent {
                Ok(())
            } else {
                Err(CompareWhy::Lost {
                    system: *system,
                    sent,
                    received,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::sim::Workload;

    fn play(w: Workload, actions: &[CompareAction]) -> CompareLab {
        let mut lab = CompareLab::default();
        lab.apply(&CompareAction::Start { workload: w }).unwrap();
        for a in actions {
            lab.apply(a).unwrap();
        }
        lab
    }

    #[test]
    fn group_goals_follow_the_engine() {
        // Four consumers on three partitions: one Kafka member (and one KCL
        // worker) has nothing to read.
        let w = Workload {
            consumers: 4,
            partitions: 3,
            ..Workload::default()
        };
        // The first message goes out after the warm-up; 30 s is enough for
        // all 1,000 to arrive and be read.
        let mut lab = play(w, &[CompareAction::Run { seconds: 30 }]);
        let sim = lab.sim.as_ref().unwrap();
        let idle = sim.idle_consumers(System::Kafka);
        assert!(idle >= 1, "{idle}");
        let kafka = System::Kafka;
        assert_eq!(
            evaluate(
                &CompareGoal::IdleConsumers {
                    system: kafka,
                    idle
                },
                &lab
            ),
            Ok(())
        );
        assert_eq!(
            evaluate(
                &CompareGoal::IdleConsumers {
                    system: kafka,
                    idle: idle + 1
                },
                &lab
            ),
            Err(CompareWhy::TooFewIdle {
                system: kafka,
                need: idle + 1,
                have: idle
            })
        );
        // Nothing lost so far, nothing rebalanced, no second group yet.
        for s in [System::Sqs, System::Kafka, System::Kinesis] {
            assert_eq!(
                evaluate(&CompareGoal::NoneLost { system: s }, &lab),
                Ok(()),
                "{s:?}"
            );
            assert_eq!(
                evaluate(&CompareGoal::SecondGroupReadAll { system: s }, &lab),
                Err(CompareWhy::SecondGroupShort {
                    system: s,
                    sent: 1000,
                    best: None
                })
            );
        }
        assert_eq!(
            evaluate(&CompareGoal::Rebalanced { system: kafka }, &lab),
            Err(CompareWhy::NotRebalanced { system: kafka })
        );
        // A second group has read nothing the moment it starts, and
        // everything once time passes; SQS never has one.
        lab.apply(&CompareAction::SecondGroup).unwrap();
        assert!(matches!(
            evaluate(&CompareGoal::SecondGroupReadAll { system: kafka }, &lab),
            Err(CompareWhy::SecondGroupShort { best: Some(0), .. })
        ));
        lab.apply(&CompareAction::KillConsumer { consumer: 1 })
            .unwrap();
        lab.apply(&CompareAction::Run { seconds: 60 }).unwrap();
        for s in [System::Kafka, System::Kinesis] {
            assert_eq!(
                evaluate(&CompareGoal::SecondGroupReadAll { system: s }, &lab),
                Ok(()),
                "{s:?}"
            );
            assert_eq!(
                evaluate(&CompareGoal::Rebalanced { system: s }, &lab),
                Ok(()),
                "{s:?}"
            );
        }
        assert!(matches!(
            evaluate(
                &CompareGoal::SecondGroupReadAll {
                    system: System::Sqs
                },
                &lab
            ),
            Err(CompareWhy::SecondGroupShort { best: None, .. })
        ));
        // The kill lost nothing: the first groups still have every message.
        for s in [System::Sqs, System::Kafka, System::Kinesis] {
            assert_eq!(
                evaluate(&CompareGoal::NoneLost { system: s }, &lab),
                Ok(()),
                "{s:?}"
            );
        }
    }

    #[test]
    fn none_lost_fails_while_messages_are_still_coming() {
        // One second after the first message, a single slow consumer has
        // read only a few of the thousand sent.
        let w = Workload {
            consumers: 1,
            records_per_second: 1_000,
            ..Workload::default()
        };
        let warm = (crate::compare::sim::WARM_UP_MS / 1000) as u32;
        let lab = play(w, &[CompareAction::Run { seconds: warm + 1 }]);
        let sim = lab.sim.as_ref().unwrap();
        let sent = sim.counters(System::Kafka).sent;
        let received = sim.groups(System::Kafka)[0].unique;
        assert!(sent > 0 && received < sent, "{received} of {sent}");
        assert_eq!(
            evaluate(&CompareGoal::NoneLost { system: System::Kafka }, &lab),
            Err(CompareWhy::Lost {
                system: System::Kafka,
                sent,
                received
            })
        );
        // Before anything is sent, nothing counts as "none lost".
        let fresh = play(Workload::default(), &[]);
        assert!(matches!(
            evaluate(
                &CompareGoal::NoneLost {
                    system: System::Sqs
                },
                &fresh
            ),
            Err(CompareWhy::Lost { sent: 0, .. })
        ));
    }
}
