//! The Video Streams lesson's lab state, actions and goals (CONTRACT: owned
//! by the video helper; keep the public names, add freely).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct VideoLab {}

/// What the student does in the Video Streams widget.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum VideoAction {
    /// Let the camera record for `seconds`.
    Record { seconds: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoError {
    pub field: String,
    pub message: String,
}

impl VideoLab {
    pub fn new(seed: u64, start_ms: u64) -> VideoLab {
        let _ = (seed, start_ms);
        VideoLab {}
    }
    /// On error nothing changes.
    pub fn apply(&mut self, action: &VideoAction) -> Result<(), VideoError> {
        let _ = action;
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "video", rename_all = "snake_case", deny_unknown_fields)]
pub enum VideoGoal {
    /// The camera recorded at least this many fragments.
    Recorded { fragments: u32 },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "video_why", rename_all = "snake_case")]
pub enum VideoWhy {
    TooFewFragments { have: u64, need: u32 },
}

pub fn evaluate(goal: &VideoGoal, lab: &VideoLab) -> Result<(), VideoWhy> {
    let _ = lab;
    match goal {
        VideoGoal::Recorded { fragments } => Err(VideoWhy::TooFewFragments { have: 0, need: *fragments }),
    }
}
