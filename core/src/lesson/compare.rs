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
        #[allow(unreachable_patterns)]
        _ => "other",
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
}

/// Why a compare goal is not met.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "compare_why", rename_all = "snake_case")]
pub enum CompareWhy {
    NotStarted,
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
    }
}
