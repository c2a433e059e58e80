//! Validation errors shared by every subsystem.
//!
//! An error names the API field it is about (with Kinesis's own spelling) and
//! carries a machine-readable problem, so that the UI can word it in either
//! language and the CLI can print it in English.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The request field an error is about, spelled as in the Kinesis API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    PartitionKey,
    ExplicitHashKey,
    ShardCount,
    /// Records per second of a generated workload.
    RecordRate,
    /// Length of a simulated run, in seconds.
    Duration,
    /// Bytes of data per generated record.
    RecordBytes,
    /// How many consumer applications read a stream.
    ConsumerCount,
    /// KPL: longest time a user record waits in the buffer, in ms.
    RecordMaxBufferedTime,
    /// KPL: most bytes of data in one aggregated record.
    AggregationMaxSize,
    /// KPL: most user records in one aggregated record.
    AggregationMaxCount,
    /// KPL: per-shard rate limit, as a percentage of the shard's limits.
    RateLimit,
    /// KPL: time a user record may take to be put before it fails, in ms.
    RecordTtl,
    /// Kinesis Agent: longest a buffer waits before it is sent, in ms.
    MaxBufferAgeMillis,
    /// Kinesis Agent: most lines in one buffer.
    MaxBufferSizeRecords,
}

impl Field {
    pub fn api_name(self) -> &'static str {
        match self {
            Field::PartitionKey => "PartitionKey",
            Field::ExplicitHashKey => "ExplicitHashKey",
            Field::ShardCount => "ShardCount",
            Field::RecordRate => "RecordsPerSecond",
            Field::Duration => "DurationSeconds",
            Field::RecordBytes => "RecordBytes",
            Field::ConsumerCount => "ConsumerCount",
            Field::RecordMaxBufferedTime => "RecordMaxBufferedTime",
            Field::AggregationMaxSize => "AggregationMaxSize",
            Field::AggregationMaxCount => "AggregationMaxCount",
            Field::RateLimit => "RateLimit",
            Field::RecordTtl => "RecordTtl",
            Field::MaxBufferAgeMillis => "maxBufferAgeMillis",
            Field::MaxBufferSizeRecords => "maxBufferSizeRecords",
        }
    }
}

/// What is wrong with the field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// The value is empty but must have at least `min` characters.
    Empty,
    /// The value has `len` characters; at most `max` are allowed.
    TooLong { len: usize, max: usize },
    /// The value is not a plain decimal integer (digits only, no sign, no
    /// leading zeros).
    NotDecimal,
    /// The value is a decimal but outside `min..=max` (both as decimal strings).
    OutOfRange { min: String, max: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationError {
    pub field: Field,
    pub problem: Problem,
}

impl ValidationError {
    pub fn new(field: Field, problem: Problem) -> Self {
        ValidationError { field, problem }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.field.api_name();
        match &self.problem {
            Problem::Empty => write!(f, "{name} must not be empty"),
            Problem::TooLong { len, max } => {
                write!(f, "{name} is {len} characters long; the limit is {max}")
            }
            Problem::NotDecimal => write!(
                f,
                "{name} must be a decimal integer (digits only, no sign, no leading zeros)"
            ),
            Problem::OutOfRange { min, max } => {
                write!(f, "{name} must be between {min} and {max}")
            }
        }
    }
}

impl std::error::Error for ValidationError {}

/// `value` must be a count from 1 to `max`.
pub fn check_count(field: Field, value: u32, max: u32) -> Result<u32, ValidationError> {
    if (1..=max).contains(&value) {
        Ok(value)
    } else {
        Err(ValidationError::new(
            field,
            Problem::OutOfRange {
                min: "1".into(),
                max: max.to_string(),
            },
        ))
    }
}

/// A form field's text as a count from 1 to `max` (anything else is out of range).
pub fn parse_count(field: Field, text: &str, max: u32) -> Result<u32, ValidationError> {
    check_count(field, text.trim().parse::<u32>().unwrap_or(0), max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_name_their_field() {
        assert_eq!(parse_count(Field::RecordRate, " 7 ", 10), Ok(7));
        for bad in ["0", "11", "", "-1", "2.5", "many", "99999999999"] {
            let e = parse_count(Field::RecordRate, bad, 10).unwrap_err();
            assert_eq!(
                (e.field, e.problem),
                (
                    Field::RecordRate,
                    Problem::OutOfRange {
                        min: "1".into(),
                        max: "10".into()
                    }
                ),
                "{bad:?}"
            );
        }
    }
}
