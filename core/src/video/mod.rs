//! Kinesis Video Streams, simulated small (CONTRACT: owned by the video
//! helper): a camera producing fragments on a media timeline, a consumer
//! reading from a timestamp, retention trimming old fragments.
//!
//! Facts and their sources: /work/notes/compare-design.md §6 (the KVS
//! Developer Guide, awsdocs/AWS-Kinesis-Video-Documentation@6cd5624, cited
//! `KVSDG:<file>`).
//!
//! - A *fragment* is a self-contained sequence of frames; the service gives
//!   each one a unique fragment number, increasing in ingestion order, and
//!   keeps its producer and server timestamps (KVSDG:how-it-works-kinesis-
//!   video-api-producer-sdk.md, API_reader_Fragment.md).
//! - `GetMedia` starts at the chunk named by a `StartSelector` and returns
//!   chunks in fragment-number order (API_dataplane_GetMedia.md,
//!   API_dataplane_StartSelector.md). With a timestamp selector it starts
//!   with "the chunk containing a fragment with the specified timestamp":
//!   here, the first kept fragment whose span `[ts, ts + length)` ends
//!   after the timestamp.
//! - `ListFragments` returns the archived fragments whose start timestamp
//!   lies in a range, "in no specific order" (API_reader_ListFragments.md,
//!   API_reader_FragmentSelector.md).
//! - `DataRetentionInHours` 0 means no persistence; consumers can still read
//!   what is in the service's buffer, limited to 5 minutes and 200 MB
//!   (API_CreateStream.md).
//!
//! Sans-IO and deterministic: time is passed in (ms since the epoch) and
//! the only randomness, the upload delay, comes from
//! [`crate::rng::component_rng`]. Nothing here panics on any input.

use crate::rng::{component_rng, ComponentRng};
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest fragment `PutMedia` accepts: 10 s (PutMedia error 4002,
/// KVSDG:API_dataplane_PutMedia.md).
pub const MAX_FRAGMENT_MS: u32 = 10_000;
/// Shortest fragment the lab's camera makes (a lab limit, so a lesson's
/// timeline stays readable). The service has a minimum of its own (PutMedia
/// acks `MIN_FRAGMENT_DURATION_REACHED`, KVSDG:limits.md) whose value the
/// archived page does not give; it is not modelled.
pub const MIN_FRAGMENT_MS: u32 = 500;
/// Largest retention: 87,600 h (ten years), as UpdateDataRetention states
/// for `DataRetentionChangeInHours` (KVSDG:API_UpdateDataRetention.md); the
/// archived CreateStream page gives only the minimum, 0.
pub const MAX_RETENTION_HOURS: u32 = 87_600;
/// With `DataRetentionInHours` 0, the service buffer keeps fragments for
/// 5 minutes… (KVSDG:API_CreateStream.md)
pub const BUFFER_MS: u64 = 5 * 60 * 1000;
/// …and up to 200 MB, whichever limit is reached first (same page; read here
/// as 200 × 10⁶ bytes).
pub const BUFFER_BYTES: u64 = 200_000_000;
/// `PutMedia` data rate limit per stream: 12.5 MB/s (KVSDG:limits.md).
pub const MAX_PUT_MEDIA_BYTES_PER_SECOND: u64 = 12_500_000;
/// Concurrent `GetMedia` connections per stream: 3, "only three clients can
/// concurrently receive content" (KVSDG:limits.md). The lab's reads are
/// one-shot, so this is shown, not enforced.
pub const MAX_GET_MEDIA_CONNECTIONS: u32 = 3;
/// `GetMedia` calls per second per stream: 5 (KVSDG:API_dataplane_GetMedia.md).
pub const MAX_GET_MEDIA_CALLS_PER_SECOND: u32 = 5;
/// Upload delay between a fragment's producer timestamp and its server
/// timestamp, drawn uniformly from this range. Model parameter, not
/// published by AWS. A fragment shorter than twice the upper bound (the last
/// one of a recording) waits at most half its length.
pub const UPLOAD_DELAY_MS: (u64, u64) = (40, 250);
/// Highest camera bitrate the lab accepts, in kbit/s: the `PutMedia` rate
/// limit (12.5 MB/s = 100,000 kbit/s).
pub const MAX_KBPS: u32 = (MAX_PUT_MEDIA_BYTES_PER_SECOND * 8 / 1000) as u32;
/// Highest frame rate the lab's camera takes (a lab limit).
pub const MAX_FPS: u32 = 120;
/// Longest single recording, in seconds (a lab limit).
pub const MAX_RECORD_SECONDS: u32 = 600;
/// Most fragments one lab stream holds over its life (a lab limit).
pub const MAX_FRAGMENTS: usize = 3_000;
/// Longest single wait, in seconds: 400 days (a lab limit).
pub const MAX_WAIT_SECONDS: u32 = 400 * 24 * 3600;

/// One fragment on the media timeline. Times are ms since the epoch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fragment {
    /// Unique and increasing in ingestion order. (Real fragment numbers are
    /// long digit strings; the lab counts from 1.)
    pub number: u64,
    /// When the camera captured the fragment's first frame.
    pub producer_ms: u64,
    /// When the service received it: producer time plus the upload delay.
    pub server_ms: u64,
    /// `FragmentLengthInMilliseconds`.
    pub length_ms: u32,
    pub frames: u32,
    /// `FragmentSizeInBytes` (media only, from the bitrate).
    pub bytes: u64,
    /// Stored in the stream's data store (retention above 0 when it arrived);
    /// `ListFragments` sees only archived fragments.
    pub archived: bool,
}

impl Fragment {
    /// The fragment's start on the given clock.
    pub fn ts(&self, clock: Clock) -> u64 {
        match clock {
            Clock::Producer => self.producer_ms,
            Clock::Server => self.server_ms,
        }
    }
    /// The end of its span on the given clock (exclusive).
    pub fn end(&self, clock: Clock) -> u64 {
        self.ts(clock).saturating_add(self.length_ms as u64)
    }
}

/// Which of a fragment's two timestamps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    Producer,
    Server,
}

/// `StartSelectorType` of `GetMedia` (CONTINUATION_TOKEN is left out).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StartSelectorType {
    Now,
    Earliest,
    FragmentNumber,
    ProducerTimestamp,
    ServerTimestamp,
}

impl StartSelectorType {
    pub const ALL: [StartSelectorType; 5] = [
        StartSelectorType::Earliest,
        StartSelectorType::Now,
        StartSelectorType::FragmentNumber,
        StartSelectorType::ProducerTimestamp,
        StartSelectorType::ServerTimestamp,
    ];
    /// The API's spelling.
    pub fn name(self) -> &'static str {
        match self {
            StartSelectorType::Now => "NOW",
            StartSelectorType::Earliest => "EARLIEST",
            StartSelectorType::FragmentNumber => "FRAGMENT_NUMBER",
            StartSelectorType::ProducerTimestamp => "PRODUCER_TIMESTAMP",
            StartSelectorType::ServerTimestamp => "SERVER_TIMESTAMP",
        }
    }
    /// The clock of a timestamp selector.
    pub fn clock(self) -> Option<Clock> {
        match self {
            StartSelectorType::ProducerTimestamp => Some(Clock::Producer),
            StartSelectorType::ServerTimestamp => Some(Clock::Server),
            _ => None,
        }
    }
}

/// `FragmentSelectorType` of `ListFragments`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FragmentSelectorType {
    ProducerTimestamp,
    ServerTimestamp,
}

impl FragmentSelectorType {
    pub fn name(self) -> &'static str {
        match self {
            FragmentSelectorType::ProducerTimestamp => "PRODUCER_TIMESTAMP",
            FragmentSelectorType::ServerTimestamp => "SERVER_TIMESTAMP",
        }
    }
    pub fn clock(self) -> Clock {
        match self {
            FragmentSelectorType::ProducerTimestamp => Clock::Producer,
            FragmentSelectorType::ServerTimestamp => Clock::Server,
        }
    }
}

/// Where a `GetMedia` starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartSelector {
    Now,
    Earliest,
    /// `AfterFragmentNumber`: start with this fragment.
    FragmentNumber(u64),
    ProducerTimestamp(u64),
    ServerTimestamp(u64),
}

/// What went wrong, for the widget to word in either language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum VideoProblem {
    /// The value lies outside `min..=max`.
    OutOfRange { min: u64, max: u64 },
    /// The selector needs this field.
    Required,
    /// No fragment with this number is kept on the stream
    /// (`ResourceNotFoundException` in the lab).
    NoSuchFragment { number: u64 },
    /// The range ends before it starts.
    EndBeforeStart,
    /// The lab's stream is full ([`MAX_FRAGMENTS`]).
    LabFull { max: u64 },
    /// There is no stream yet.
    NoStream,
}

/// A refused request: the field (as the API spells it) and the problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub problem: VideoProblem,
}

impl FieldError {
    pub fn new(field: &str, problem: VideoProblem) -> FieldError {
        FieldError {
            field: field.to_owned(),
            problem,
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            VideoProblem::OutOfRange { min, max } => {
                write!(f, "{} must be between {min} and {max}", self.field)
            }
            VideoProblem::Required => {
                write!(f, "{} is required for this StartSelectorType", self.field)
            }
            VideoProblem::NoSuchFragment { number } => write!(
                f,
                "{}: no fragment {number} is kept on the stream (ResourceNotFoundException)",
                self.field
            ),
            VideoProblem::EndBeforeStart => {
                write!(f, "{}: the range ends before it starts", self.field)
            }
            VideoProblem::LabFull { max } => write!(
                f,
                "{}: the lab keeps at most {max} fragments per stream; create a new stream",
                self.field
            ),
            VideoProblem::NoStream => write!(f, "{}: create the stream first", self.field),
        }
    }
}

fn range(field: &str, v: u64, min: u64, max: u64) -> Result<(), FieldError> {
    if v < min || v > max {
        Err(FieldError::new(
            field,
            VideoProblem::OutOfRange { min, max },
        ))
    } else {
        Ok(())
    }
}

/// Field names used in errors.
pub mod field {
    pub const RETENTION: &str = "DataRetentionInHours";
    pub const RETENTION_CHANGE: &str = "DataRetentionChangeInHours";
    pub const FRAGMENT_DURATION: &str = "fragment_duration";
    pub const BITRATE: &str = "bitrate_kbps";
    pub const FPS: &str = "frame_rate";
    pub const SECONDS: &str = "seconds";
    pub const START_TIMESTAMP: &str = "StartTimestamp";
    pub const AFTER_FRAGMENT_NUMBER: &str = "AfterFragmentNumber";
    pub const TIMESTAMP_RANGE: &str = "TimestampRange";
}

/// The stream's and the camera's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamConfig {
    pub retention_hours: u32,
    pub fragment_ms: u32,
    pub kbps: u32,
    pub fps: u32,
}

impl StreamConfig {
    pub fn validate(&self) -> Result<(), FieldError> {
        range(
            field::RETENTION,
            self.retention_hours as u64,
            0,
            MAX_RETENTION_HOURS as u64,
        )?;
        range(
            field::FRAGMENT_DURATION,
            self.fragment_ms as u64,
            MIN_FRAGMENT_MS as u64,
            MAX_FRAGMENT_MS as u64,
        )?;
        range(field::BITRATE, self.kbps as u64, 1, MAX_KBPS as u64)?;
        range(field::FPS, self.fps as u64, 1, MAX_FPS as u64)?;
        Ok(())
    }
}

/// One Kinesis video stream with one camera (a `PutMedia` producer).
#[derive(Clone, Debug, PartialEq)]
pub struct VideoStream {
    pub config: StreamConfig,
    pub created_ms: u64,
    pub now_ms: u64,
    /// Every fragment ever ingested, in number order; the first
    /// `first_kept` of them have been trimmed.
    fragments: Vec<Fragment>,
    first_kept: usize,
    rng: ComponentRng,
    lists: u64,
    seed: u64,
}

impl VideoStream {
    pub fn new(seed: u64, now_ms: u64, config: StreamConfig) -> Result<VideoStream, FieldError> {
        config.validate()?;
        Ok(VideoStream {
            config,
            created_ms: now_ms,
            now_ms,
            fragments: Vec::new(),
            first_kept: 0,
            rng: component_rng(seed, "video-upload"),
            lists: 0,
            seed,
        })
    }

    /// Fragments still readable, in number order.
    pub fn kept(&self) -> &[Fragment] {
        self.fragments.get(self.first_kept..).unwrap_or(&[])
    }
    /// Fragments retention has removed, in number order.
    pub fn trimmed(&self) -> &[Fragment] {
        self.fragments.get(..self.first_kept).unwrap_or(&[])
    }
    /// Every fragment ever ingested.
    pub fn all(&self) -> &[Fragment] {
        &self.fragments
    }
    pub fn retention_ms(&self) -> u64 {
        self.config.retention_hours as u64 * 3_600_000
    }
    /// How long a fragment stays readable: the retention period, or the
    /// 5-minute buffer when retention is 0.
    pub fn window_ms(&self) -> u64 {
        if self.config.retention_hours == 0 {
            BUFFER_MS
        } else {
            self.retention_ms()
        }
    }
    /// Fragments whose server timestamp is before this are trimmed by age.
    pub fn trim_point(&self) -> u64 {
        self.now_ms.saturating_sub(self.window_ms())
    }
    /// Bytes of one full fragment at the camera's bitrate.
    pub fn fragment_bytes(&self, length_ms: u32) -> u64 {
        self.config.kbps as u64 * 1000 / 8 * length_ms as u64 / 1000
    }

    /// The camera records for `seconds` from now: back-to-back fragments of
    /// the configured duration (the last one shorter if the time runs out),
    /// each ingested after a seeded upload delay. Returns the new fragments'
    /// numbers. On error nothing changes.
    pub fn record(&mut self, seconds: u32) -> Result<std::ops::RangeInclusive<u64>, FieldError> {
        range(field::SECONDS, seconds as u64, 1, MAX_RECORD_SECONDS as u64)?;
        let total = seconds as u64 * 1000;
        let frag = self.config.fragment_ms as u64;
        let count = total.div_ceil(frag) as usize;
        if self.fragments.len() + count > MAX_FRAGMENTS {
            return Err(FieldError::new(
                field::SECONDS,
                VideoProblem::LabFull {
                    max: MAX_FRAGMENTS as u64,
                },
            ));
        }
        let start = self.now_ms;
        let first_number = self.fragments.last().map_or(1, |f| f.number + 1);
        let archived = self.config.retention_hours > 0;
        let mut last_server = self.fragments.last().map_or(0, |f| f.server_ms);
        for i in 0..count as u64 {
            let producer_ms = start + i * frag;
            let length_ms = frag.min(total - i * frag) as u32;
            // A short last fragment arrives within its own span.
            let hi = UPLOAD_DELAY_MS.1.min(length_ms as u64 / 2);
            let delay = self.rng.random_range(UPLOAD_DELAY_MS.0.min(hi)..=hi);
            // Ingestion order is number order: a server timestamp never goes back.
            let server_ms = (producer_ms + delay).max(last_server + 1);
            last_server = server_ms;
            let frames = ((length_ms as u64 * self.config.fps as u64) / 1000).max(1) as u32;
            let bytes = self.fragment_bytes(length_ms);
            self.fragments.push(Fragment {
                number: first_number + i,
                producer_ms,
                server_ms,
                length_ms,
                frames,
                bytes,
                archived,
            });
        }
        self.advance_to((start + total).max(last_server));
        Ok(first_number..=first_number + count as u64 - 1)
    }

    /// Lets time pass to `now_ms` (never backwards) and trims what retention
    /// no longer keeps.
    pub fn advance_to(&mut self, now_ms: u64) {
        self.now_ms = self.now_ms.max(now_ms);
        self.trim();
    }

    /// When the oldest kept fragment will be trimmed by age, if any is kept.
    pub fn next_deadline(&self) -> Option<u64> {
        self.kept().first().map(|f| {
            f.server_ms
                .saturating_add(self.window_ms())
                .saturating_add(1)
        })
    }

    fn trim(&mut self) {
        let point = self.trim_point();
        while self.first_kept < self.fragments.len()
            && self.fragments[self.first_kept].server_ms < point
        {
            self.first_kept += 1;
        }
        if self.config.retention_hours == 0 {
            let mut bytes: u64 = self.kept().iter().map(|f| f.bytes).sum();
            while bytes > BUFFER_BYTES && self.first_kept < self.fragments.len() {
                bytes -= self.fragments[self.first_kept].bytes;
                self.first_kept += 1;
            }
        }
    }

    /// `UpdateDataRetention`: the new period (1 to 87,600 h) replaces the
    /// old one; lowering it deletes at once what the new period no longer
    /// covers (KVSDG:API_UpdateDataRetention.md). On error nothing changes.
    pub fn set_retention(&mut self, hours: u32) -> Result<(), FieldError> {
        range(
            field::RETENTION_CHANGE,
            hours as u64,
            1,
            MAX_RETENTION_HOURS as u64,
        )?;
        self.config.retention_hours = hours;
        self.trim();
        Ok(())
    }

    /// The kept fragments a `GetMedia` with this selector returns, in
    /// number order, up to the newest one (a real session would then wait
    /// for more).
    pub fn get_media(&self, selector: StartSelector) -> Result<&[Fragment], FieldError> {
        let kept = self.kept();
        let from = match selector {
            StartSelector::Earliest => 0,
            StartSelector::Now => kept.len().saturating_sub(1),
            StartSelector::FragmentNumber(n) => {
                kept.iter().position(|f| f.number == n).ok_or_else(|| {
                    FieldError::new(
                        field::AFTER_FRAGMENT_NUMBER,
                        VideoProblem::NoSuchFragment { number: n },
                    )
                })?
            }
            StartSelector::ProducerTimestamp(t) => first_ending_after(kept, Clock::Producer, t),
            StartSelector::ServerTimestamp(t) => first_ending_after(kept, Clock::Server, t),
        };
        Ok(kept.get(from..).unwrap_or(&[]))
    }

    /// `ListFragments`: the archived, kept fragments whose start on the
    /// selector's clock lies in `start..=end`, in no specific order (a
    /// seeded shuffle, as the API promises no order).
    pub fn list_fragments(
        &mut self,
        selector: FragmentSelectorType,
        start: u64,
        end: u64,
    ) -> Result<Vec<Fragment>, FieldError> {
        if end < start {
            return Err(FieldError::new(
                field::TIMESTAMP_RANGE,
                VideoProblem::EndBeforeStart,
            ));
        }
        let clock = selector.clock();
        let mut out: Vec<Fragment> = self
            .kept()
            .iter()
            .filter(|f| f.archived && (start..=end).contains(&f.ts(clock)))
            .cloned()
            .collect();
        self.lists += 1;
        let mut rng = component_rng(self.seed, &format!("video-list-{}", self.lists));
        for i in (1..out.len()).rev() {
            let j = rng.random_range(0..=i);
            out.swap(i, j);
        }
        Ok(out)
    }
}

/// Index of the first fragment whose span on `clock` ends after `t`: the
/// one containing `t`, or the first one after it.
fn first_ending_after(kept: &[Fragment], clock: Clock, t: u64) -> usize {
    kept.iter()
        .position(|f| f.end(clock) > t)
        .unwrap_or(kept.len())
}
