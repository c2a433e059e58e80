//! The seed's decision tree (4.7) as engine logic, and the comparison
//! tables (4.5, 4.6) and scenario → recommendation table as data
//! (CONTRACT: owned by the guide helper; keep the public names, add freely).
//!
//! The tree's *structure* is code here ([`walk`]), so a lesson goal can check
//! where a student's answers lead; every *word* (questions, reasons, table
//! cells) lives in `lessons/compare/guide.toml`, read into the catalog
//! (feature `files`) and checked by a test to cover every id below.

use crate::lesson::Text;
use serde::{Deserialize, Serialize};

/// A question of the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Question {
    Replay,
}

/// Where the tree ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Recommendation {
    KinesisDataStreams,
    Sqs,
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
    match answers {
        [] => Ok(Walk { asked: vec![], next: Some(Question::Replay), result: None }),
        [a] => Ok(Walk {
            asked: vec![(Question::Replay, *a)],
            next: None,
            result: Some(if *a { Recommendation::KinesisDataStreams } else { Recommendation::Sqs }),
        }),
        _ => Err("answers: more answers than questions on this path".into()),
    }
}

/// The words: read from `lessons/compare/guide.toml` into the catalog.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    #[serde(default)]
    pub tables: Vec<Table>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub id: String,
    pub title: Text,
}
