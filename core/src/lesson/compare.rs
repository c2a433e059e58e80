//! The compare lessons' lab state: one [`CompareSim`] run after another, and
//! the goals checked on them (owned by the coordinator).

use crate::compare::sim::{CompareAction, CompareError, CompareSim};
use serde::{Deserialize, Serialize};

/// The compare runs of a lesson.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CompareLab {
    pub sim: Option<CompareSim>,
    /// Every action applied so far, in order.
    pub actions: Vec<CompareAction>,
    /// Every walk of the decision tree, in order.
    pub decisions: Vec<crate::compare::guide::Walk>,
}

impl CompareLab {
    /// Walks the decision tree with these answers; on error nothing changes.
    pub fn decide(&mut self, answers: &[bool]) -> Result<(), CompareError> {
        let w = crate::compare::guide::walk(answers).map_err(|message| CompareError {
            field: "answers".into(),
            message,
        })?;
        self.decisions.push(w);
        Ok(())
    }

    /// Applies one action; on error nothing changes.
    pub fn apply(&mut self, action: &CompareAction) -> Result<(), CompareError> {
        match action {
            CompareAction::Start { workload } => {
                let sim = CompareSim::new(workload.clone(), crate::api::scenario::DEFAULT_START_MS)?;
                self.sim = Some(sim);
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
}

/// A goal of a compare lesson.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "compare", rename_all = "snake_case", deny_unknown_fields)]
pub enum CompareGoal {
    /// A comparison was started.
    Started,
}

/// Why a compare goal is not met.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "compare_why", rename_all = "snake_case")]
pub enum CompareWhy {
    NotStarted,
}

pub fn evaluate(goal: &CompareGoal, lab: &CompareLab) -> Result<(), CompareWhy> {
    match goal {
        CompareGoal::Started => lab.sim.as_ref().map(|_| ()).ok_or(CompareWhy::NotStarted),
    }
}
