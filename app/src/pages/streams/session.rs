//! What a student did in the Stream lab, each with the simulated time it
//! happened: the session a share link carries. Opening the link replays the
//! steps on a fresh account, letting time run between them, so the streams,
//! producers and consumers come back as they were (the engine is
//! deterministic, so the records do too).

use kinesis_lab_core::consumer::StartAt;
use kinesis_lab_core::producer::ProducerConfig;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
pub enum Act {
    /// An `aws kinesis` command the service accepted.
    Console { line: String },
    AddProducer { config: ProducerConfig },
    RemoveProducer { id: u32 },
    AddConsumer {
        stream: String,
        start: StartAt,
        efo: bool,
        parents_first: bool,
    },
    RemoveConsumer { label: String },
    /// A jump ahead with the producers paused.
    Skip { ms: u64 },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Simulated milliseconds since the lab's start.
    pub t: u64,
    #[serde(flatten)]
    pub act: Act,
}

/// A link's payload: steps, or (links made before steps existed) the
/// accepted console lines, which replay as console steps at time zero.
pub fn decode(encoded: &str) -> Result<Vec<Step>, crate::share::ShareError> {
    match crate::share::decode::<Step>(encoded) {
        Ok(steps) => Ok(steps),
        Err(first) => crate::share::decode::<String>(encoded)
            .map(|lines| {
                lines
                    .into_iter()
                    .map(|line| Step {
                        t: 0,
                        act: Act::Console { line },
                    })
                    .collect()
            })
            .map_err(|_| first),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kinesis_lab_core::workload::KeyDistribution;

    #[test]
    fn steps_round_trip_through_a_link() {
        let steps = vec![
            Step {
                t: 0,
                act: Act::Console {
                    line: "aws kinesis create-stream --stream-name a --shard-count 2".into(),
                },
            },
            Step {
                t: 1500,
                act: Act::AddProducer {
                    config: ProducerConfig {
                        stream: "a".into(),
                        records_per_second: 300,
                        distribution: KeyDistribution::DeviceType,
                        record_bytes: 100,
                    },
                },
            },
            Step {
                t: 4000,
                act: Act::AddConsumer {
                    stream: "a".into(),
                    start: StartAt::AtTimestamp { ms: 1234 },
                    efo: true,
                    parents_first: false,
                },
            },
            Step {
                t: 9000,
                act: Act::Skip { ms: 3_600_000 },
            },
        ];
        let link = crate::share::encode(&steps);
        assert_eq!(decode(&link).unwrap(), steps);
    }

    #[test]
    fn old_links_of_console_lines_still_open() {
        let lines = vec!["aws kinesis list-streams".to_owned()];
        let steps = decode(&crate::share::encode(&lines)).unwrap();
        assert_eq!(
            steps,
            vec![Step {
                t: 0,
                act: Act::Console {
                    line: lines[0].clone()
                }
            }]
        );
        assert!(decode("1.@@").is_err());
        assert!(decode("").is_err());
    }
}
