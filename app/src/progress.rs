//! Saved progress: lessons done, quiz history and language, in localStorage
//! under a versioned schema. Reading is forgiving: a corrupt or partly
//! readable record keeps whatever can be kept and says so; it never panics.

use kinesis_lab_core::quiz::Topic;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub const STORAGE_KEY: &str = "kinesis-lab.progress";
pub const VERSION: u32 = 1;
/// Quiz results kept (the oldest are dropped).
pub const MAX_QUIZZES: usize = 100;

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct LessonProgress {
    pub completed: bool,
    /// Furthest step reached (0-based).
    pub furthest_step: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuizRecord {
    pub seed: u64,
    pub level: u8,
    pub correct: usize,
    pub total: usize,
    pub by_topic: BTreeMap<Topic, (usize, usize)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub version: u32,
    pub lang: Option<String>,
    pub lessons: BTreeMap<String, LessonProgress>,
    pub quizzes: Vec<QuizRecord>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            version: VERSION,
            lang: None,
            lessons: BTreeMap::new(),
            quizzes: Vec::new(),
        }
    }
}

/// What happened while reading saved progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadNotice {
    /// Not JSON, or not an object: started afresh.
    Unreadable,
    /// Written by a newer version of the lab; known parts were kept.
    NewerVersion(u64),
    /// Some entries were invalid and dropped; the rest were kept.
    PartlyRead { dropped: usize },
}

impl Progress {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a saved record. Returns what could be kept and, if anything was
    /// wrong, a notice for the student.
    pub fn from_json(raw: &str) -> (Progress, Option<LoadNotice>) {
        let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(raw) else {
            return (Progress::default(), Some(LoadNotice::Unreadable));
        };
        let mut p = Progress::default();
        let mut dropped = 0;
        let version = obj.get("version").and_then(Value::as_u64);
        match obj.get("lang") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if crate::i18n::Lang::from_code(s).is_some() => {
                p.lang = Some(s.clone())
            }
            Some(_) => dropped += 1,
        }
        match obj.get("lessons") {
            None => {}
            Some(Value::Object(m)) => {
                for (id, v) in m {
                    match serde_json::from_value::<LessonProgress>(v.clone()) {
                        Ok(lp) if id.len() <= 64 => {
                            p.lessons.insert(id.clone(), lp);
                        }
                        _ => dropped += 1,
                    }
                }
            }
            Some(_) => dropped += 1,
        }
        match obj.get("quizzes") {
            None => {}
            Some(Value::Array(a)) => {
                for v in a {
                    match serde_json::from_value::<QuizRecord>(v.clone()) {
                        Ok(q) if q.correct <= q.total => p.quizzes.push(q),
                        _ => dropped += 1,
                    }
                }
                let excess = p.quizzes.len().saturating_sub(MAX_QUIZZES);
                p.quizzes.drain(..excess);
            }
            Some(_) => dropped += 1,
        }
        let notice = match version {
            Some(v) if v > VERSION as u64 => Some(LoadNotice::NewerVersion(v)),
            Some(_) if dropped == 0 => None,
            None if dropped == 0 && obj.is_empty() => None,
            _ => Some(LoadNotice::PartlyRead {
                dropped: dropped.max(usize::from(version.is_none())),
            }),
        };
        (p, notice)
    }

    pub fn record_quiz(&mut self, q: QuizRecord) {
        self.quizzes.push(q);
        let excess = self.quizzes.len().saturating_sub(MAX_QUIZZES);
        self.quizzes.drain(..excess);
    }

    pub fn reach_step(&mut self, lesson: &str, step: usize) {
        let lp = self.lessons.entry(lesson.to_owned()).or_default();
        lp.furthest_step = lp.furthest_step.max(step);
    }

    pub fn complete(&mut self, lesson: &str) {
        self.lessons.entry(lesson.to_owned()).or_default().completed = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Progress {
        let mut p = Progress {
            lang: Some("vi".into()),
            ..Progress::default()
        };
        p.complete("hot-shards");
        p.reach_step("partition-key-ordering", 2);
        p.record_quiz(QuizRecord {
            seed: 7,
            level: 2,
            correct: 3,
            total: 5,
            by_topic: [(Topic::Shards, (3, 5))].into(),
        });
        p
    }

    #[test]
    fn round_trip() {
        let p = sample();
        assert_eq!(Progress::from_json(&p.to_json()), (p, None));
    }

    #[test]
    fn garbage_starts_fresh_with_a_notice() {
        for raw in ["", "not json", "[1,2]", "42", "\"x\""] {
            assert_eq!(
                Progress::from_json(raw),
                (Progress::default(), Some(LoadNotice::Unreadable)),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn bad_entries_are_dropped_and_the_rest_kept() {
        let raw = r#"{"version":1,"lang":"klingon","lessons":{"hot-shards":{"completed":true,"furthest_step":3},"bad":{"completed":"yes"}},
                     "quizzes":[{"seed":1,"level":1,"correct":9,"total":2,"by_topic":{}},{"seed":2,"level":1,"correct":1,"total":2,"by_topic":{}}]}"#;
        let (p, notice) = Progress::from_json(raw);
        assert_eq!(notice, Some(LoadNotice::PartlyRead { dropped: 3 }));
        assert!(p.lessons["hot-shards"].completed);
        assert!(!p.lessons.contains_key("bad"));
        assert_eq!(p.quizzes.len(), 1);
        assert_eq!(p.lang, None);
    }

    #[test]
    fn newer_versions_keep_known_parts() {
        let raw = r#"{"version":9,"lang":"vi","future":{}}"#;
        let (p, notice) = Progress::from_json(raw);
        assert_eq!(notice, Some(LoadNotice::NewerVersion(9)));
        assert_eq!(p.lang.as_deref(), Some("vi"));
    }

    proptest! {
        #[test]
        fn any_text_loads_without_panic(s in "\\PC{0,300}") {
            let _ = Progress::from_json(&s);
        }
    }
}
