//! Lessons as data: the schema of `lessons/*.toml`, their validation, the
//! lab state a lesson's widgets act on, and the goals checked against it.
//!
//! The files themselves are read by the caller (the app's build script, the
//! tests); this module only sees their text, so it stays sans-IO.

pub mod firehose;
pub mod goal;
pub mod lab;
pub mod sims;
pub mod sql;
pub mod compare;
pub mod video;

#[cfg(feature = "files")]
pub mod files;

use crate::quiz::Item;
use crate::workload::KeyDistribution;
use goal::Goal;
use lab::Action;
use serde::{Deserialize, Serialize};

/// Text in both languages. For lesson prose it is Markdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    pub vi: String,
}

/// `lessons/index.toml`: sections in order, each listing its lessons.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    pub sections: Vec<Section>,
    /// Quiz bank files under `lessons/`, in order.
    #[serde(default)]
    pub quiz: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: Text,
    pub lessons: Vec<IndexEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexEntry {
    /// The lesson's id; its file is `lessons/<id>.toml`.
    pub id: String,
    /// The section of the seed outline it covers, e.g. "1.3 Partition Key & Ordering".
    pub outline: String,
}

/// What a step shows beside its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Widget {
    /// Text only.
    None,
    /// Partition key → shard, with PutRecord into shard lanes.
    KeyRouter,
    /// A generated workload and its records per shard.
    KeyHistogram,
    /// An `aws kinesis` console on the lesson's own Kinesis account.
    StreamConsole,
    /// Shared polling against enhanced fan-out, N applications side by side.
    FanOut,
    /// The simulated KPL: aggregation, buffering, collection and retries.
    Kpl,
    /// A KCL application: workers, the lease table, checkpoints, failover.
    Kcl,
    /// Firehose delivery streams: settings, traffic, the buffer, deliveries
    /// and the bucket.
    Firehose,
    /// A Kinesis Data Analytics SQL application over a stock ticker feed:
    /// the editor, the input and output rows, and the windows as they fire.
    Sql,
    /// The same workload through SQS, Kafka and Kinesis, in three columns.
    Compare,
    /// The seed's decision tree: questions, recommendation and reason.
    Decide,
    /// Kinesis Video Streams: a camera's fragments on a media timeline.
    Video,
}

/// A prediction asked before the student runs something.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Predict {
    pub question: Text,
    pub options: Vec<Text>,
    /// Index of the option the engine will prove right.
    pub answer: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub title: Text,
    /// Markdown; raw HTML is not allowed.
    pub text: Text,
    pub widget: Widget,
    #[serde(default)]
    pub predict: Option<Predict>,
    /// For the presenter's notes window.
    #[serde(default)]
    pub notes: Option<Text>,
}

/// Engine settings a lesson starts from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub shards: u32,
    pub seed: u64,
    #[serde(default = "default_distribution")]
    pub distribution: KeyDistribution,
    #[serde(default = "default_rate")]
    pub records_per_second: u32,
    #[serde(default = "default_seconds")]
    pub seconds: u32,
    /// Actions played on load, before the student does anything.
    #[serde(default)]
    pub actions: Vec<Action>,
}

fn default_distribution() -> KeyDistribution {
    KeyDistribution::UserIds
}
fn default_rate() -> u32 {
    1000
}
fn default_seconds() -> u32 {
    10
}

/// A lesson file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub id: String,
    pub title: Text,
    pub summary: Text,
    pub scenario: Scenario,
    pub steps: Vec<Step>,
    pub goals: Vec<Goal>,
    pub hints: Vec<Text>,
    /// Actions that meet every goal when played after the scenario.
    pub solution: Vec<Action>,
    /// Index of the step where the student works towards the goals.
    pub task_step: usize,
}

/// A quiz bank file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizBank {
    pub items: Vec<Item>,
}

/// Everything the app ships: sections, lessons (in index order) and the
/// quiz bank.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub sections: Vec<Section>,
    pub lessons: Vec<Lesson>,
    pub quiz: Vec<Item>,
    /// The compare page's tables, decision-tree words and scenario table
    /// (`lessons/compare/guide.toml`).
    #[serde(default)]
    pub guide: crate::compare::guide::Guide,
}

impl Catalog {
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }

    pub fn outline_of(&self, id: &str) -> Option<&str> {
        self.sections
            .iter()
            .flat_map(|s| &s.lessons)
            .find(|e| e.id == id)
            .map(|e| e.outline.as_str())
    }
}

/// A problem in the lesson data: where, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataError {
    pub file: String,
    pub field: String,
    pub problem: String,
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.field, self.problem)
    }
}

fn check_text(errors: &mut Vec<DataError>, file: &str, field: &str, t: &Text) {
    for (lang, s) in [("en", &t.en), ("vi", &t.vi)] {
        if s.trim().is_empty() {
            errors.push(DataError {
                file: file.into(),
                field: format!("{field}.{lang}"),
                problem: "is empty; both languages are required".into(),
            });
        }
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Lesson {
    /// Checks what serde cannot: both languages present, references in
    /// range, and that the stored solution meets every goal.
    pub fn validate(&self, file: &str) -> Vec<DataError> {
        let mut errors = Vec::new();
        let err = |errors: &mut Vec<DataError>, field: String, problem: String| {
            errors.push(DataError {
                file: file.into(),
                field,
                problem,
            })
        };
        if !is_slug(&self.id) {
            err(
                &mut errors,
                "id".into(),
                format!("{:?} must be lower-case letters, digits and '-'", self.id),
            );
        }
        check_text(&mut errors, file, "title", &self.title);
        check_text(&mut errors, file, "summary", &self.summary);
        if self.steps.is_empty() {
            err(
                &mut errors,
                "steps".into(),
                "a lesson needs at least one step".into(),
            );
        }
        for (i, s) in self.steps.iter().enumerate() {
            check_text(&mut errors, file, &format!("steps[{i}].title"), &s.title);
            check_text(&mut errors, file, &format!("steps[{i}].text"), &s.text);
            if let Some(n) = &s.notes {
                check_text(&mut errors, file, &format!("steps[{i}].notes"), n);
            }
            if let Some(p) = &s.predict {
                check_text(
                    &mut errors,
                    file,
                    &format!("steps[{i}].predict.question"),
                    &p.question,
                );
                for (j, o) in p.options.iter().enumerate() {
                    check_text(
                        &mut errors,
                        file,
                        &format!("steps[{i}].predict.options[{j}]"),
                        o,
                    );
                }
                if p.options.len() < 2 || p.answer >= p.options.len() {
                    err(
                        &mut errors,
                        format!("steps[{i}].predict.answer"),
                        format!("{} is not one of the {} options", p.answer, p.options.len()),
                    );
                }
            }
        }
        if self.task_step >= self.steps.len() {
            err(
                &mut errors,
                "task_step".into(),
                format!(
                    "{} is past the last step ({})",
                    self.task_step,
                    self.steps.len().saturating_sub(1)
                ),
            );
        } else if self.steps[self.task_step].widget == Widget::None {
            err(
                &mut errors,
                "task_step".into(),
                "the task step must show a widget".into(),
            );
        }
        for (i, h) in self.hints.iter().enumerate() {
            check_text(&mut errors, file, &format!("hints[{i}]"), h);
        }
        if self.goals.is_empty() {
            err(
                &mut errors,
                "goals".into(),
                "a lesson needs at least one goal".into(),
            );
        }
        // The scenario must load, and the solution must solve it.
        match lab::Lab::from_scenario(&self.scenario) {
            Err(e) => err(&mut errors, "scenario".into(), e.to_string()),
            Ok(mut lab) => {
                for (i, a) in self.solution.iter().enumerate() {
                    if let Err(e) = lab.apply(a) {
                        err(&mut errors, format!("solution[{i}]"), e.to_string());
                    }
                }
                for (i, g) in self.goals.iter().enumerate() {
                    if let goal::Outcome::NotMet(why) = g.evaluate(&lab) {
                        err(
                            &mut errors,
                            format!("goals[{i}]"),
                            format!("the stored solution does not meet it: {why:?}"),
                        );
                    }
                }
                // And the goals must not already hold before the student acts.
                if let Ok(fresh) = lab::Lab::from_scenario(&self.scenario) {
                    if self
                        .goals
                        .iter()
                        .all(|g| g.evaluate(&fresh) == goal::Outcome::Met)
                    {
                        err(
                            &mut errors,
                            "goals".into(),
                            "already met before the student does anything".into(),
                        );
                    }
                }
            }
        }
        errors
    }
}

impl Catalog {
    /// Cross-file checks: unique ids, and quiz links to existing lesson steps.
    pub fn validate_links(&self) -> Vec<DataError> {
        let mut errors = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for l in &self.lessons {
            if !seen.insert(l.id.as_str()) {
                errors.push(DataError {
                    file: "index.toml".into(),
                    field: "lessons".into(),
                    problem: format!("lesson id {:?} appears twice", l.id),
                });
            }
        }
        let mut item_ids = std::collections::BTreeSet::new();
        for item in &self.quiz {
            let file = format!("quiz item {:?}", item.id);
            if !item_ids.insert(item.id.as_str()) {
                errors.push(DataError {
                    file: file.clone(),
                    field: "id".into(),
                    problem: "appears twice".into(),
                });
            }
            if let Some(link) = &item.lesson {
                match self.lesson(&link.lesson) {
                    None => errors.push(DataError {
                        file: file.clone(),
                        field: "lesson.lesson".into(),
                        problem: format!("no lesson {:?}", link.lesson),
                    }),
                    Some(l) if link.step >= l.steps.len() => errors.push(DataError {
                        file: file.clone(),
                        field: "lesson.step".into(),
                        problem: format!("lesson {:?} has {} steps", link.lesson, l.steps.len()),
                    }),
                    Some(_) => {}
                }
            }
            for e in item.validate() {
                errors.push(DataError {
                    file: file.clone(),
                    field: e.0,
                    problem: e.1,
                });
            }
        }
        errors
    }
}
