//! The Video Streams lesson's lab state, actions and goals (CONTRACT: owned
//! by the video helper; keep the public names, add freely).
//!
//! The lab holds one [`VideoStream`] (the newest `Start`) and every read a
//! consumer made. Timestamps in actions are milliseconds on the lab's media
//! timeline, counted from the moment the lab started (`t = 0`).

use crate::video::{
    field, FieldError, Fragment, FragmentSelectorType, StartSelector, StartSelectorType,
    StreamConfig, VideoProblem, VideoStream, MAX_WAIT_SECONDS,
};
use serde::{Deserialize, Serialize};

/// Default camera bitrate: 2,000 kbit/s (a modest H.264 camera; a lab choice).
pub const DEFAULT_KBPS: u32 = 2_000;
/// Default camera frame rate.
pub const DEFAULT_FPS: u32 = 30;

fn default_kbps() -> u32 {
    DEFAULT_KBPS
}
fn default_fps() -> u32 {
    DEFAULT_FPS
}

/// Which API a read used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReadApi {
    GetMedia,
    ListFragments,
}

/// One consumer read, as it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReadRecord {
    pub api: ReadApi,
    /// The selector type's API spelling.
    pub selector: String,
    /// Lab time of the read (ms since the epoch).
    pub at_ms: u64,
    /// `StartTimestamp` (ms since the epoch), for timestamp selectors.
    pub timestamp_ms: Option<u64>,
    /// `EndTimestamp`, for ListFragments.
    pub end_ms: Option<u64>,
    /// `AfterFragmentNumber`, for FRAGMENT_NUMBER.
    pub fragment: Option<u64>,
    /// Fragment numbers returned, in the order returned.
    pub returned: Vec<u64>,
    /// Kept fragments older than the first one returned (GetMedia).
    pub skipped: u64,
    /// The oldest kept fragment's number at the time.
    pub oldest_kept: Option<u64>,
    /// Fragments trimmed by then.
    pub trimmed: u64,
    /// The timestamp fell before the end of the newest trimmed fragment on
    /// the selector's clock: the read asked for video retention had removed.
    pub asked_for_trimmed: bool,
}

/// The Video Streams demo.
#[derive(Clone, Debug, PartialEq)]
pub struct VideoLab {
    pub seed: u64,
    /// `t = 0` of the media timeline.
    pub start_ms: u64,
    pub now_ms: u64,
    pub stream: Option<VideoStream>,
    pub reads: Vec<ReadRecord>,
    /// Actions applied successfully (the widget waits on it).
    pub ops: u64,
}

impl Default for VideoLab {
    fn default() -> Self {
        VideoLab::new(0, crate::api::scenario::DEFAULT_START_MS)
    }
}

/// What the student does in the Video Streams widget.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum VideoAction {
    /// `CreateStream` with this retention, and a camera making fragments of
    /// `fragment_ms` at `kbps` and `fps`. Replaces any earlier stream.
    Start {
        retention_hours: u32,
        fragment_ms: u32,
        #[serde(default = "default_kbps")]
        kbps: u32,
        #[serde(default = "default_fps")]
        fps: u32,
    },
    /// Let the camera record for `seconds`.
    Record { seconds: u32 },
    /// Let `seconds` pass with the camera off.
    Wait { seconds: u32 },
    /// `UpdateDataRetention` to `hours`.
    SetRetention { hours: u32 },
    /// `GetMedia` with a `StartSelector`; `timestamp_ms` is on the lab's
    /// media timeline (ms from `t = 0`).
    Read {
        selector: StartSelectorType,
        #[serde(default)]
        timestamp_ms: Option<u64>,
        #[serde(default)]
        fragment: Option<u64>,
    },
    /// `ListFragments` over `start_ms..=end_ms` of the media timeline.
    List {
        selector: FragmentSelectorType,
        start_ms: u64,
        end_ms: u64,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoError {
    pub field: String,
    pub message: String,
    /// The same, for the widget to word in either language.
    pub problem: VideoProblem,
}

impl From<FieldError> for VideoError {
    fn from(e: FieldError) -> Self {
        VideoError {
            message: e.to_string(),
            field: e.field,
            problem: e.problem,
        }
    }
}

impl VideoLab {
    pub fn new(seed: u64, start_ms: u64) -> VideoLab {
        VideoLab {
            seed,
            start_ms,
            now_ms: start_ms,
            stream: None,
            reads: Vec::new(),
            ops: 0,
        }
    }

    /// A timestamp on the media timeline (ms from `t = 0`) as lab time.
    pub fn at(&self, timeline_ms: u64) -> u64 {
        self.start_ms.saturating_add(timeline_ms)
    }

    /// On error nothing changes.
    pub fn apply(&mut self, action: &VideoAction) -> Result<(), VideoError> {
        let mut next = self.clone();
        next.step(action)?;
        next.ops += 1;
        *self = next;
        Ok(())
    }

    fn stream_mut(&mut self) -> Result<&mut VideoStream, FieldError> {
        self.stream
            .as_mut()
            .ok_or_else(|| FieldError::new("StreamName", VideoProblem::NoStream))
    }

    fn step(&mut self, action: &VideoAction) -> Result<(), FieldError> {
        match action {
            VideoAction::Start {
                retention_hours,
                fragment_ms,
                kbps,
                fps,
            } => {
                let config = StreamConfig {
                    retention_hours: *retention_hours,
                    fragment_ms: *fragment_ms,
                    kbps: *kbps,
                    fps: *fps,
                };
                self.stream = Some(VideoStream::new(self.seed, self.now_ms, config)?);
            }
            VideoAction::Record { seconds } => {
                let s = self.stream_mut()?;
                s.record(*seconds)?;
                self.now_ms = s.now_ms;
            }
            VideoAction::Wait { seconds } => {
                if *seconds == 0 || *seconds > MAX_WAIT_SECONDS {
                    return Err(FieldError::new(
                        field::SECONDS,
                        VideoProblem::OutOfRange {
                            min: 1,
                            max: MAX_WAIT_SECONDS as u64,
                        },
                    ));
                }
                self.now_ms = self.now_ms.saturating_add(*seconds as u64 * 1000);
                let now = self.now_ms;
                if let Some(s) = &mut self.stream {
                    s.advance_to(now);
                }
            }
            VideoAction::SetRetention { hours } => self.stream_mut()?.set_retention(*hours)?,
            VideoAction::Read {
                selector,
                timestamp_ms,
                fragment,
            } => {
                let start = match selector {
                    StartSelectorType::Now => StartSelector::Now,
                    StartSelectorType::Earliest => StartSelector::Earliest,
                    StartSelectorType::FragmentNumber => {
                        StartSelector::FragmentNumber(fragment.ok_or_else(|| {
                            FieldError::new(field::AFTER_FRAGMENT_NUMBER, VideoProblem::Required)
                        })?)
                    }
                    StartSelectorType::ProducerTimestamp | StartSelectorType::ServerTimestamp => {
                        let t = self.at(timestamp_ms.ok_or_else(|| {
                            FieldError::new(field::START_TIMESTAMP, VideoProblem::Required)
                        })?);
                        if *selector == StartSelectorType::ServerTimestamp {
                            StartSelector::ServerTimestamp(t)
                        } else {
                            StartSelector::ProducerTimestamp(t)
                        }
                    }
                };
                let at_ms = self.now_ms;
                let s = self.stream_mut()?;
                let got = s.get_media(start)?;
                let returned: Vec<u64> = got.iter().map(|f| f.number).collect();
                let kept = s.kept();
                let skipped = (kept.len() - got.len()) as u64;
                let ts = match start {
                    StartSelector::ProducerTimestamp(t) | StartSelector::ServerTimestamp(t) => {
                        Some(t)
                    }
                    _ => None,
                };
                let asked_for_trimmed = match (ts, selector.clock(), s.trimmed().last()) {
                    (Some(t), Some(clock), Some(last)) => t < last.end(clock),
                    _ => false,
                };
                let record = ReadRecord {
                    api: ReadApi::GetMedia,
                    selector: selector.name().to_owned(),
                    at_ms,
                    timestamp_ms: ts,
                    end_ms: None,
                    fragment: match start {
                        StartSelector::FragmentNumber(n) => Some(n),
                        _ => None,
                    },
                    returned,
                    skipped,
                    oldest_kept: kept.first().map(|f| f.number),
                    trimmed: s.trimmed().len() as u64,
                    asked_for_trimmed,
                };
                self.reads.push(record);
            }
            VideoAction::List {
                selector,
                start_ms,
                end_ms,
            } => {
                let (start, end) = (self.at(*start_ms), self.at(*end_ms));
                let at_ms = self.now_ms;
                let s = self.stream_mut()?;
                let got = s.list_fragments(*selector, start, end)?;
                let record = ReadRecord {
                    api: ReadApi::ListFragments,
                    selector: selector.name().to_owned(),
                    at_ms,
                    timestamp_ms: Some(start),
                    end_ms: Some(end),
                    fragment: None,
                    returned: got.iter().map(|f| f.number).collect(),
                    skipped: 0,
                    oldest_kept: s.kept().first().map(|f| f.number),
                    trimmed: s.trimmed().len() as u64,
                    asked_for_trimmed: false,
                };
                self.reads.push(record);
            }
        }
        Ok(())
    }

    /// Fragments recorded on the current stream.
    pub fn recorded(&self) -> u64 {
        self.stream.as_ref().map_or(0, |s| s.all().len() as u64)
    }
    /// Fragments retention has removed from the current stream.
    pub fn trimmed(&self) -> u64 {
        self.stream.as_ref().map_or(0, |s| s.trimmed().len() as u64)
    }
    /// A fragment of the current stream by number.
    pub fn fragment(&self, number: u64) -> Option<&Fragment> {
        let s = self.stream.as_ref()?;
        let first = s.all().first()?.number;
        s.all().get(number.checked_sub(first)? as usize)
    }
    /// What the lesson logs record of the lab.
    pub fn summary(&self) -> VideoSummary {
        let s = self.stream.as_ref();
        VideoSummary {
            now_ms: self.now_ms,
            config: s.map(|s| s.config),
            recorded: self.recorded(),
            trimmed: self.trimmed(),
            kept: s
                .map(|s| s.kept().iter().map(|f| f.number).collect())
                .unwrap_or_default(),
            first: s.and_then(|s| s.all().first().cloned()),
            last: s.and_then(|s| s.all().last().cloned()),
            reads: self.reads.clone(),
        }
    }
}

/// A played lab, for the reviewed lesson logs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VideoSummary {
    pub now_ms: u64,
    pub config: Option<StreamConfig>,
    pub recorded: u64,
    pub trimmed: u64,
    pub kept: Vec<u64>,
    pub first: Option<Fragment>,
    pub last: Option<Fragment>,
    pub reads: Vec<ReadRecord>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "video", rename_all = "snake_case", deny_unknown_fields)]
pub enum VideoGoal {
    /// The camera recorded at least this many fragments.
    Recorded { fragments: u32 },
    /// A GetMedia read with a timestamp selector started in the middle of
    /// the kept fragments (at the one containing its timestamp) and got at
    /// least `fragments`.
    ReadFromTime { fragments: u32 },
    /// Retention removed at least this many fragments.
    Trimmed { fragments: u32 },
    /// After retention removed fragments, a GetMedia read asked for a time
    /// before the trim point and started at the oldest fragment kept.
    ReadAfterTrim,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "video_why", rename_all = "snake_case")]
pub enum VideoWhy {
    TooFewFragments {
        have: u64,
        need: u32,
    },
    /// No GetMedia read used PRODUCER_TIMESTAMP or SERVER_TIMESTAMP.
    NoTimestampRead,
    /// The timestamp reads started at the oldest kept fragment (or got
    /// nothing): pick a time in the middle.
    StartedAtOldest,
    /// The best timestamp read got `have` fragments.
    TooFewReturned {
        have: u64,
        need: u32,
    },
    TooFewTrimmed {
        have: u64,
        need: u32,
    },
    /// No read was made after a fragment had been trimmed.
    NoReadAfterTrim,
    /// Reads after trimming asked for times the stream still keeps.
    NotBeforeTrimPoint,
}

fn is_time_read(r: &ReadRecord) -> bool {
    r.api == ReadApi::GetMedia && r.timestamp_ms.is_some()
}

pub fn evaluate(goal: &VideoGoal, lab: &VideoLab) -> Result<(), VideoWhy> {
    match goal {
        VideoGoal::Recorded { fragments } => {
            let have = lab.recorded();
            if have >= *fragments as u64 {
                Ok(())
            } else {
                Err(VideoWhy::TooFewFragments {
                    have,
                    need: *fragments,
                })
            }
        }
        VideoGoal::ReadFromTime { fragments } => {
            let reads: Vec<&ReadRecord> = lab.reads.iter().filter(|r| is_time_read(r)).collect();
            if reads.is_empty() {
                return Err(VideoWhy::NoTimestampRead);
            }
            let mid: Vec<&&ReadRecord> = reads
                .iter()
                .filter(|r| r.skipped > 0 && !r.returned.is_empty())
                .collect();
            let best = mid.iter().map(|r| r.returned.len() as u64).max();
            match best {
                None => Err(VideoWhy::StartedAtOldest),
                Some(have) if have >= *fragments as u64 => Ok(()),
                Some(have) => Err(VideoWhy::TooFewReturned {
                    have,
                    need: *fragments,
                }),
            }
        }
        VideoGoal::Trimmed { fragments } => {
            let have = lab.trimmed();
            if have >= *fragments as u64 {
                Ok(())
            } else {
                Err(VideoWhy::TooFewTrimmed {
                    have,
                    need: *fragments,
                })
            }
        }
        VideoGoal::ReadAfterTrim => {
            let after: Vec<&ReadRecord> = lab
                .reads
                .iter()
                .filter(|r| is_time_read(r) && r.trimmed > 0)
                .collect();
            if after.is_empty() {
                return Err(VideoWhy::NoReadAfterTrim);
            }
            if after.iter().any(|r| {
                r.asked_for_trimmed
                    && r.returned.first().is_some()
                    && r.returned.first() == r.oldest_kept.as_ref()
            }) {
                Ok(())
            } else {
                Err(VideoWhy::NotBeforeTrimPoint)
            }
        }
    }
}
