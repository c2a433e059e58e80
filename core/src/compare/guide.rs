//! The seed's decision tree (4.7) as engine logic, and the comparison
//! tables (4.5, 4.6) and scenario → recommendation table as data
//! (owned by the guide helper).
//!
//! The tree's *structure* is code here ([`branch`], [`walk`]), so a lesson
//! goal can check where a student's answers lead; every *word* (questions,
//! reasons, table cells) lives in `lessons/compare/guide.toml`, read into the
//! catalog (feature `files`) and checked by [`Guide::validate`] to cover
//! every id below.
//!
//! The tree, as the seed draws it, plus what the issue and the seed's own
//! scenario table ask for:
//!
//! ```text
//! replay? ── yes ─▶ existing-kafka? ── yes ─▶ amazon-msk
//!   │                  └ no ─▶ kafka-connect? ── yes ─▶ amazon-msk
//!   │                            └ no ─▶ exactly-once? ── yes ─▶ kafka-transactions
//!   │                                      └ no ─▶ kinesis-aws-native
//!   └ no ─▶ real-time? ── yes ─▶ kinesis-data-streams
//!             └ no ─▶ fan-out? ── yes ─▶ sns-sqs (not modelled by the lab)
//!                       └ no ─▶ sqs
//! ```
//!
//! The seed asks "already running Kafka? / need the Kafka ecosystem?" as one
//! question; the issue lists them apart, so they are two questions that lead
//! to the same leaf. Exactly-once is only in the seed's scenario table; it is
//! asked last on the streaming side. Fan-out (SNS + SQS) is also only in the
//! scenario table; it is asked where the seed's tree would say SQS, so the
//! seed's two questions still give the seed's answers.

use crate::lesson::{DataError, Text};
use serde::{Deserialize, Serialize};

/// A question of the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Question {
    /// Do consumers need to read messages again (replay)?
    Replay,
    /// Must records be processed as they arrive (real-time)?
    RealTime,
    /// Is a Kafka deployment already running (e.g. on premises)?
    ExistingKafka,
    /// Does the design need the Kafka ecosystem (Kafka Connect connectors)?
    KafkaConnect,
    /// Is exactly-once processing required?
    ExactlyOnce,
    /// Must several independent services each get every message (no replay)?
    FanOut,
}

impl Question {
    pub const ALL: [Question; 6] = [
        Question::Replay,
        Question::RealTime,
        Question::ExistingKafka,
        Question::KafkaConnect,
        Question::ExactlyOnce,
        Question::FanOut,
    ];

    /// The kebab-case id used in `guide.toml`.
    pub fn id(self) -> &'static str {
        match self {
            Question::Replay => "replay",
            Question::RealTime => "real-time",
            Question::ExistingKafka => "existing-kafka",
            Question::KafkaConnect => "kafka-connect",
            Question::ExactlyOnce => "exactly-once",
            Question::FanOut => "fan-out",
        }
    }
}

/// Where the tree ends. The seed names two Kinesis leaves ("Kinesis Streams"
/// for real-time without replay, "Kinesis (AWS native, simpler)" on the
/// streaming side) and two Kafka leaves ("Amazon MSK", "Kafka/MSK" for
/// exactly-once); they stay apart because their reasons differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Recommendation {
    /// No replay, real-time processing.
    KinesisDataStreams,
    /// No replay, no real-time need, one consumer per message.
    Sqs,
    /// No replay, several independent services each need every message.
    SnsSqs,
    /// Replay, and Kafka is already there or its ecosystem is needed.
    AmazonMsk,
    /// Replay, exactly-once read-process-write within Kafka.
    KafkaTransactions,
    /// Replay, AWS-native, nothing Kafka-specific needed.
    KinesisAwsNative,
}

impl Recommendation {
    pub const ALL: [Recommendation; 6] = [
        Recommendation::KinesisDataStreams,
        Recommendation::Sqs,
        Recommendation::SnsSqs,
        Recommendation::AmazonMsk,
        Recommendation::KafkaTransactions,
        Recommendation::KinesisAwsNative,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Recommendation::KinesisDataStreams => "kinesis-data-streams",
            Recommendation::Sqs => "sqs",
            Recommendation::SnsSqs => "sns-sqs",
            Recommendation::AmazonMsk => "amazon-msk",
            Recommendation::KafkaTransactions => "kafka-transactions",
            Recommendation::KinesisAwsNative => "kinesis-aws-native",
        }
    }

    /// The compare scenario (a preset id of `sim::presets()`) that shows the
    /// behaviour the reason rests on; the page opens it as
    /// `#/compare?scenario=<id>`.
    pub fn scenario(self) -> &'static str {
        match self {
            // Records stay readable and keep per-key order for every reader.
            Recommendation::KinesisDataStreams => "same-key",
            // A processed message is deleted: the queue is a to-do list.
            Recommendation::Sqs => "delete-vs-keep",
            // Why one queue is not enough: a second reader on the same SQS
            // queue takes messages away from the first (SNS is not modelled).
            Recommendation::SnsSqs => "second-group",
            // Native consumer groups, the model Kafka applications rely on.
            Recommendation::AmazonMsk => "second-group",
            Recommendation::KafkaTransactions => "exactly-once",
            Recommendation::KinesisAwsNative => "replay",
        }
    }

    /// Whether the lab's engines model this system. SNS is not modelled: the
    /// page says so next to the recommendation.
    pub fn modelled(self) -> bool {
        !matches!(self, Recommendation::SnsSqs)
    }
}

/// The preset ids the guide may link to (documented in `sim::presets()`).
/// The validation checks links against this list; a test also checks them
/// against `presets()` once it is filled in.
pub const SCENARIO_IDS: [&str; 7] = [
    "delete-vs-keep",
    "second-group",
    "replay",
    "kill-consumer",
    "add-capacity",
    "same-key",
    "exactly-once",
];

/// What an answer leads to: another question, or a leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Ask(Question),
    Leaf(Recommendation),
}

/// The first question.
pub const ROOT: Question = Question::Replay;

/// The tree itself: where answering `q` with `yes` leads.
pub fn branch(q: Question, yes: bool) -> Step {
    use Question::*;
    use Recommendation::*;
    match (q, yes) {
        (Replay, true) => Step::Ask(ExistingKafka),
        (Replay, false) => Step::Ask(RealTime),
        (ExistingKafka, true) => Step::Leaf(AmazonMsk),
        (ExistingKafka, false) => Step::Ask(KafkaConnect),
        (KafkaConnect, true) => Step::Leaf(AmazonMsk),
        (KafkaConnect, false) => Step::Ask(ExactlyOnce),
        (ExactlyOnce, true) => Step::Leaf(KafkaTransactions),
        (ExactlyOnce, false) => Step::Leaf(KinesisAwsNative),
        (RealTime, true) => Step::Leaf(KinesisDataStreams),
        (RealTime, false) => Step::Ask(FanOut),
        (FanOut, true) => Step::Leaf(SnsSqs),
        (FanOut, false) => Step::Leaf(Sqs),
    }
}

/// The questions asked for these answers (true = yes), and the result once
/// the answers reach a leaf.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Walk {
    pub asked: Vec<(Question, bool)>,
    /// The next question, while the walk has not reached a leaf.
    pub next: Option<Question>,
    pub result: Option<Recommendation>,
}

/// Walks the tree. Answers beyond a leaf are an error naming `answers`.
pub fn walk(answers: &[bool]) -> Result<Walk, String> {
    let mut asked = Vec::with_capacity(answers.len());
    let mut at = Step::Ask(ROOT);
    for (i, &a) in answers.iter().enumerate() {
        match at {
            Step::Ask(q) => {
                asked.push((q, a));
                at = branch(q, a);
            }
            Step::Leaf(r) => {
                return Err(format!(
                    "answers: {} answers given, but the path ends at {} after {i}",
                    answers.len(),
                    r.id()
                ))
            }
        }
    }
    Ok(match at {
        Step::Ask(q) => Walk {
            asked,
            next: Some(q),
            result: None,
        },
        Step::Leaf(r) => Walk {
            asked,
            next: None,
            result: Some(r),
        },
    })
}

/// Every root-to-leaf path, depth first with "yes" before "no".
pub fn leaves() -> Vec<(Vec<bool>, Recommendation)> {
    fn go(q: Question, path: &mut Vec<bool>, out: &mut Vec<(Vec<bool>, Recommendation)>) {
        for a in [true, false] {
            path.push(a);
            match branch(q, a) {
                Step::Ask(next) => go(next, path, out),
                Step::Leaf(r) => out.push((path.clone(), r)),
            }
            path.pop();
        }
    }
    let mut out = Vec::new();
    go(ROOT, &mut Vec::new(), &mut out);
    out
}

/// Longest answer string [`parse_answers`] reads (the deepest path is 4).
pub const MAX_ANSWERS: usize = 16;

/// Reads answers written as `y`/`n` letters (`"yny"`), as in share links and
/// `guide.toml`. Errors name `answers`.
pub fn parse_answers(s: &str) -> Result<Vec<bool>, String> {
    if s.chars().count() > MAX_ANSWERS {
        return Err(format!("answers: more than {MAX_ANSWERS} letters"));
    }
    s.chars()
        .enumerate()
        .map(|(i, c)| match c {
            'y' | 'Y' => Ok(true),
            'n' | 'N' => Ok(false),
            other => Err(format!(
                "answers: letter {} is {other:?}; only y and n are answers",
                i + 1
            )),
        })
        .collect()
}

/// The answers as `y`/`n` letters.
pub fn format_answers(answers: &[bool]) -> String {
    answers.iter().map(|&a| if a { 'y' } else { 'n' }).collect()
}

/// The words: read from `lessons/compare/guide.toml` into the catalog.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    #[serde(default)]
    pub tables: Vec<Table>,
    #[serde(default)]
    pub tree: TreeText,
    #[serde(default)]
    pub questions: Vec<QuestionText>,
    #[serde(default)]
    pub recommendations: Vec<RecommendationText>,
    #[serde(default)]
    pub scenarios: ScenarioTable,
    /// A readable name for each compare scenario the guide links to.
    #[serde(default)]
    pub scenario_names: Vec<ScenarioName>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioName {
    pub id: String,
    pub name: Text,
}

/// Headings around the tree.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TreeText {
    #[serde(default)]
    pub title: Option<Text>,
    #[serde(default)]
    pub intro: Option<Text>,
    /// Caveats shown under the tree (where the seed's heuristic is rough).
    #[serde(default)]
    pub caveats: Vec<Text>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionText {
    pub id: Question,
    pub text: Text,
    /// What "yes" means here.
    pub yes: Text,
    /// What "no" means here.
    pub no: Text,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecommendationText {
    pub id: Recommendation,
    pub name: Text,
    /// Why, in terms the engines demonstrate.
    pub reason: Text,
    /// What the scenario link shows.
    pub scenario: Text,
    /// Where the recommendation stops being true.
    #[serde(default)]
    pub caveat: Option<Text>,
}

/// A comparison table: a feature per row, a cell per system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub id: String,
    pub title: Text,
    #[serde(default)]
    pub intro: Option<Text>,
    /// The first column is the feature; one more per system.
    pub columns: Vec<Text>,
    pub rows: Vec<Row>,
    /// Shown under the table (e.g. what was left out and why).
    #[serde(default)]
    pub notes: Vec<Text>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    pub id: String,
    pub feature: Text,
    /// One per system column.
    pub cells: Vec<Text>,
    /// A compare preset that demonstrates the row.
    #[serde(default)]
    pub scenario: Option<String>,
    /// Where the claim is documented: a file under
    /// `/work/shared/reference/aws-docs/`, a Kafka config or doc name, or an
    /// AWS documentation address.
    #[serde(default)]
    pub source: Option<String>,
    /// Where the seed said something else, or a limit of the claim.
    #[serde(default)]
    pub note: Option<Text>,
}

/// The seed's scenario → recommendation table.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioTable {
    #[serde(default)]
    pub title: Option<Text>,
    #[serde(default)]
    pub rows: Vec<ScenarioRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioRow {
    pub id: String,
    pub situation: Text,
    pub recommendation: Recommendation,
    /// The answers (`y`/`n` letters) that lead there.
    pub answers: String,
}

fn blank(t: &Text) -> bool {
    t.en.trim().is_empty() || t.vi.trim().is_empty()
}

impl Guide {
    pub fn question(&self, q: Question) -> Option<&QuestionText> {
        self.questions.iter().find(|t| t.id == q)
    }

    pub fn recommendation(&self, r: Recommendation) -> Option<&RecommendationText> {
        self.recommendations.iter().find(|t| t.id == r)
    }

    /// The readable name of a compare scenario, if the guide has one.
    pub fn scenario_name(&self, id: &str) -> Option<&Text> {
        self.scenario_names
            .iter()
            .find(|s| s.id == id)
            .map(|s| &s.name)
    }

    /// Every question and recommendation has words in both languages, table
    /// rows have a cell per system and a scenario or a source, links name
    /// known scenarios, and every scenario row's answers walk to its
    /// recommendation.
    pub fn validate(&self, file: &str) -> Vec<DataError> {
        let mut errors = Vec::new();
        let mut err = |field: String, problem: String| {
            errors.push(DataError {
                file: file.to_owned(),
                field,
                problem,
            })
        };
        for q in Question::ALL {
            match self.questions.iter().filter(|t| t.id == q).count() {
                1 => {}
                n => err(
                    format!("questions.{}", q.id()),
                    format!("{n} entries; expected 1"),
                ),
            }
        }
        for t in &self.questions {
            if blank(&t.text) || blank(&t.yes) || blank(&t.no) {
                err(
                    format!("questions.{}", t.id.id()),
                    "a text is empty in en or vi".into(),
                );
            }
        }
        for r in Recommendation::ALL {
            match self.recommendations.iter().filter(|t| t.id == r).count() {
                1 => {}
                n => err(
                    format!("recommendations.{}", r.id()),
                    format!("{n} entries; expected 1"),
                ),
            }
        }
        for t in &self.recommendations {
            if blank(&t.name) || blank(&t.reason) || blank(&t.scenario) {
                err(
                    format!("recommendations.{}", t.id.id()),
                    "a text is empty in en or vi".into(),
                );
            }
        }
        let mut table_ids = std::collections::BTreeSet::new();
        for t in &self.tables {
            if !table_ids.insert(t.id.as_str()) {
                err(format!("tables.{}", t.id), "appears twice".into());
            }
            if t.columns.len() < 2 || blank(&t.title) || t.columns.iter().any(blank) {
                err(
                    format!("tables.{}", t.id),
                    "needs a title and at least two named columns".into(),
                );
            }
            let mut row_ids = std::collections::BTreeSet::new();
            for r in &t.rows {
                let field = format!("tables.{}.rows.{}", t.id, r.id);
                if !row_ids.insert(r.id.as_str()) {
                    err(field.clone(), "appears twice".into());
                }
                if r.cells.len() + 1 != t.columns.len() {
                    err(
                        format!("{field}.cells"),
                        format!(
                            "{} cells for {} system columns",
                            r.cells.len(),
                            t.columns.len() - 1
                        ),
                    );
                }
                if blank(&r.feature)
                    || r.cells.iter().any(blank)
                    || r.note.as_ref().is_some_and(blank)
                {
                    err(field.clone(), "a text is empty in en or vi".into());
                }
                match (&r.scenario, &r.source) {
                    (None, None) => err(field.clone(), "neither a scenario nor a source".into()),
                    (Some(s), _) if !SCENARIO_IDS.contains(&s.as_str()) => err(
                        format!("{field}.scenario"),
                        format!("{s:?} is not a compare scenario"),
                    ),
                    (_, Some(s)) if s.trim().is_empty() => {
                        err(format!("{field}.source"), "empty".into())
                    }
                    _ => {}
                }
            }
        }
        if self.scenarios.title.as_ref().is_none_or(blank) {
            err("scenarios.title".into(), "missing or empty".into());
        }
        for row in &self.scenarios.rows {
            let field = format!("scenarios.rows.{}", row.id);
            if blank(&row.situation) {
                err(field.clone(), "situation is empty in en or vi".into());
            }
            match parse_answers(&row.answers).and_then(|a| walk(&a)) {
                Ok(w) if w.result == Some(row.recommendation) => {}
                Ok(w) => err(
                    format!("{field}.answers"),
                    format!(
                        "{:?} leads to {}, not {}",
                        row.answers,
                        w.result.map(|r| r.id()).unwrap_or("an unanswered question"),
                        row.recommendation.id()
                    ),
                ),
                Err(e) => err(format!("{field}.answers"), e),
            }
        }
        for id in SCENARIO_IDS {
            match self.scenario_names.iter().filter(|s| s.id == id).count() {
                1 => {}
                n => err(
                    format!("scenario_names.{id}"),
                    format!("{n} entries; expected 1"),
                ),
            }
        }
        for s in &self.scenario_names {
            if !SCENARIO_IDS.contains(&s.id.as_str()) {
                err(
                    format!("scenario_names.{}", s.id),
                    "not a compare scenario".into(),
                );
            } else if blank(&s.name) {
                err(
                    format!("scenario_names.{}", s.id),
                    "empty in en or vi".into(),
                );
            }
        }
        for t in self
            .tree
            .title
            .iter()
            .chain(&self.tree.intro)
            .chain(&self.tree.caveats)
        {
            if blank(t) {
                err("tree".into(), "a text is empty in en or vi".into());
            }
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_two_questions_give_the_seeds_leaves() {
        // SEED 4.7: replay → streaming side; no replay + real-time → Kinesis
        // Data Streams; no replay, not real-time → a queue.
        assert_eq!(
            walk(&[false, true]).unwrap().result,
            Some(Recommendation::KinesisDataStreams)
        );
        assert_eq!(walk(&[true]).unwrap().next, Some(Question::ExistingKafka));
        assert_eq!(
            walk(&[false, false, false]).unwrap().result,
            Some(Recommendation::Sqs)
        );
    }

    #[test]
    fn every_leaf_is_reached_and_answers_past_it_are_refused() {
        let leaves = leaves();
        for r in Recommendation::ALL {
            assert!(leaves.iter().any(|(_, l)| *l == r), "{r:?} unreachable");
        }
        for (path, r) in leaves {
            assert_eq!(walk(&path).unwrap().result, Some(r));
            let mut more = path.clone();
            more.push(true);
            assert!(walk(&more).unwrap_err().starts_with("answers"));
        }
    }

    #[test]
    fn answers_round_trip() {
        assert_eq!(parse_answers("yNy").unwrap(), vec![true, false, true]);
        assert_eq!(format_answers(&[true, false]), "yn");
        assert!(parse_answers("yx").unwrap_err().contains("letter 2"));
    }
}
