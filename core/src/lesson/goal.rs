//! Named rules checked against a [`Lab`]. A rule that fails says why as data
//! ([`Why`]); the app words it for students in either language.

use super::lab::Lab;
use crate::stream::capacity::{shards_needed, ReadMode, Workload};
use crate::stream::limits::WRITE_RECORDS_PER_SECOND;
use crate::workload::KeyDistribution;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum Goal {
    /// At least `count` records were put with partition key `key`.
    PutAtLeast { key: String, count: u32 },
    /// At least `others` keys other than `key` were put and landed on the
    /// shard that holds `key`.
    SharesShard { key: String, others: u32 },
    /// Every record of every key sits on a single shard, in put order.
    KeysStayOrdered,
    /// The stream has exactly this many shards.
    ShardCount { shards: u32 },
    /// A workload ran to its end with the current settings.
    WorkloadRan,
    /// In the last run, no shard went above `percent` % of the 1,000
    /// records/s write limit.
    ShardsUnderWriteLimit { percent: u32 },
    /// The last run used a distribution other than these.
    AvoidDistributions { distributions: Vec<KeyDistribution> },
    /// Stream `stream` exists with exactly the shards this workload needs
    /// (the engine's sizing rule: write MiB/s, write records/s, reads).
    StreamSizedFor {
        stream: String,
        write_mib_per_second: u32,
        #[serde(default)]
        records_per_second: u64,
        #[serde(default = "one")]
        consumers: u32,
        #[serde(default = "shared")]
        read_mode: ReadMode,
    },
}

fn one() -> u32 {
    1
}
fn shared() -> ReadMode {
    ReadMode::Shared
}

/// Why a rule failed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Why {
    TooFewPuts {
        key: String,
        have: u64,
        need: u32,
    },
    TooFewNeighbours {
        key: String,
        shard: usize,
        have: u64,
        need: u32,
    },
    KeySplitOrReordered {
        key: String,
    },
    WrongShardCount {
        have: u32,
        need: u32,
    },
    NoRun,
    ShardTooBusy {
        shard: usize,
        records_per_second: f64,
        allowed: f64,
        percent: u32,
    },
    DistributionNotAllowed {
        distribution: KeyDistribution,
    },
    NoStream {
        stream: String,
    },
    WrongShardsForWorkload {
        stream: String,
        have: usize,
        need: u64,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Outcome {
    Met,
    NotMet(Why),
}

impl Goal {
    pub fn evaluate(&self, lab: &Lab) -> Outcome {
        use Outcome::*;
        match self {
            Goal::PutAtLeast { key, count } => {
                let have = lab.lanes.iter().flatten().filter(|r| &r.key == key).count() as u64;
                if have >= *count as u64 {
                    Met
                } else {
                    NotMet(Why::TooFewPuts {
                        key: key.clone(),
                        have,
                        need: *count,
                    })
                }
            }
            Goal::SharesShard { key, others } => {
                let Some(shard) = lab.shard_of(key) else {
                    return NotMet(Why::TooFewNeighbours {
                        key: key.clone(),
                        shard: 0,
                        have: 0,
                        need: *others,
                    });
                };
                let distinct: std::collections::BTreeSet<&str> = lab.lanes[shard]
                    .iter()
                    .map(|r| r.key.as_str())
                    .filter(|k| k != key)
                    .collect();
                let have = distinct.len() as u64;
                if have >= *others as u64 {
                    Met
                } else {
                    NotMet(Why::TooFewNeighbours {
                        key: key.clone(),
                        shard,
                        have,
                        need: *others,
                    })
                }
            }
            Goal::KeysStayOrdered => {
                let mut keys: std::collections::BTreeMap<&str, (Option<usize>, u64)> =
                    Default::default();
                for (shard, lane) in lab.lanes.iter().enumerate() {
                    for r in lane {
                        let entry = keys.entry(&r.key).or_insert((Some(shard), 0));
                        if entry.0 != Some(shard) || r.put_number <= entry.1 {
                            return NotMet(Why::KeySplitOrReordered { key: r.key.clone() });
                        }
                        entry.1 = r.put_number;
                    }
                }
                if lab.puts == 0 {
                    return NotMet(Why::TooFewPuts {
                        key: String::new(),
                        have: 0,
                        need: 1,
                    });
                }
                Met
            }
            Goal::ShardCount { shards } => {
                if lab.shards == *shards {
                    Met
                } else {
                    NotMet(Why::WrongShardCount {
                        have: lab.shards,
                        need: *shards,
                    })
                }
            }
            Goal::WorkloadRan => {
                if lab.run.is_some() {
                    Met
                } else {
                    NotMet(Why::NoRun)
                }
            }
            Goal::ShardsUnderWriteLimit { percent } => {
                let Some(run) = &lab.run else {
                    return NotMet(Why::NoRun);
                };
                let allowed = WRITE_RECORDS_PER_SECOND as f64 * *percent as f64 / 100.0;
                match run
                    .shards
                    .iter()
                    .enumerate()
                    .find(|(_, s)| s.records_per_second > allowed)
                {
                    Some((shard, s)) => NotMet(Why::ShardTooBusy {
                        shard,
                        records_per_second: s.records_per_second,
                        allowed,
                        percent: *percent,
                    }),
                    None => Met,
                }
            }
            Goal::AvoidDistributions { distributions } => {
                if lab.run.is_none() {
                    return NotMet(Why::NoRun);
                }
                let d = lab.workload.distribution;
                if distributions.contains(&d) {
                    NotMet(Why::DistributionNotAllowed { distribution: d })
                } else {
                    Met
                }
            }
            Goal::StreamSizedFor {
                stream,
                write_mib_per_second,
                records_per_second,
                consumers,
                read_mode,
            } => {
                let Ok(st) = lab.engine.stream(stream) else {
                    return NotMet(Why::NoStream {
                        stream: stream.clone(),
                    });
                };
                let need = shards_needed(&Workload {
                    write_bytes_per_second: *write_mib_per_second as u64 * 1_048_576,
                    write_records_per_second: *records_per_second,
                    consumers: *consumers,
                    read_mode: *read_mode,
                })
                .shards;
                let have = st.open_shards().count();
                if have as u64 == need {
                    Met
                } else {
                    NotMet(Why::WrongShardsForWorkload {
                        stream: stream.clone(),
                        have,
                        need,
                    })
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lab::Action;
    use super::super::Scenario;
    use super::*;

    fn lab(shards: u32) -> Lab {
        Lab::from_scenario(&Scenario {
            shards,
            seed: 3,
            distribution: KeyDistribution::DeviceType,
            records_per_second: 3000,
            seconds: 5,
            actions: vec![],
        })
        .unwrap()
    }

    #[test]
    fn put_at_least_counts_only_that_key() {
        let mut l = lab(4);
        let g = Goal::PutAtLeast {
            key: "k".into(),
            count: 2,
        };
        l.apply(&Action::Put { key: "k".into() }).unwrap();
        l.apply(&Action::Put {
            key: "other".into(),
        })
        .unwrap();
        assert_eq!(
            g.evaluate(&l),
            Outcome::NotMet(Why::TooFewPuts {
                key: "k".into(),
                have: 1,
                need: 2
            })
        );
        l.apply(&Action::Put { key: "k".into() }).unwrap();
        assert_eq!(g.evaluate(&l), Outcome::Met);
    }

    #[test]
    fn shares_shard_needs_a_real_neighbour() {
        let mut l = lab(2);
        let g = Goal::SharesShard {
            key: "user-123".into(),
            others: 1,
        };
        l.apply(&Action::Put {
            key: "user-123".into(),
        })
        .unwrap();
        assert!(matches!(g.evaluate(&l), Outcome::NotMet(_)));
        // Find, by the engine, a key on the other shard and one on the same.
        let home = l.shard_of("user-123").unwrap();
        let away = (0..)
            .map(|i| format!("k{i}"))
            .find(|k| l.shard_of(k) != Some(home))
            .unwrap();
        l.apply(&Action::Put { key: away }).unwrap();
        assert!(matches!(g.evaluate(&l), Outcome::NotMet(_)));
        let near = (0..)
            .map(|i| format!("k{i}"))
            .find(|k| l.shard_of(k) == Some(home))
            .unwrap();
        l.apply(&Action::Put { key: near }).unwrap();
        assert_eq!(g.evaluate(&l), Outcome::Met);
    }

    #[test]
    fn stream_sized_for_uses_the_sizing_rule() {
        let mut l = lab(1);
        let g = Goal::StreamSizedFor {
            stream: "ingest".into(),
            write_mib_per_second: 6,
            records_per_second: 0,
            consumers: 3,
            read_mode: ReadMode::Shared,
        };
        assert_eq!(
            g.evaluate(&l),
            Outcome::NotMet(Why::NoStream {
                stream: "ingest".into()
            })
        );
        l.apply(&Action::Console {
            line: "aws kinesis create-stream --stream-name ingest --shard-count 6".into(),
        })
        .unwrap();
        // 6 MiB/s read in full by 3 shared consumers is 18 MiB/s of reads: 9 shards.
        assert_eq!(
            g.evaluate(&l),
            Outcome::NotMet(Why::WrongShardsForWorkload {
                stream: "ingest".into(),
                have: 6,
                need: 9
            })
        );
        l.apply(&Action::Console { line: "aws kinesis update-shard-count --stream-name ingest --target-shard-count 9 --scaling-type UNIFORM_SCALING".into() }).unwrap();
        assert_eq!(g.evaluate(&l), Outcome::Met);
        assert_eq!(l.console.len(), 2);
    }

    #[test]
    fn a_failing_console_line_changes_nothing() {
        let mut l = lab(1);
        let before = l.clone();
        assert!(
            matches!(l.apply(&Action::Console { line: "aws kinesis describe-stream --stream-name nope".into() }), Err(super::super::lab::LabError::Console(m)) if m.contains("ResourceNotFoundException"))
        );
        assert!(l
            .apply(&Action::Console {
                line: "aws kinesis create-strem".into()
            })
            .is_err());
        assert_eq!(l, before);
    }

    #[test]
    fn write_limit_rule_reports_the_busy_shard() {
        let mut l = lab(4);
        let g = Goal::ShardsUnderWriteLimit { percent: 80 };
        assert_eq!(g.evaluate(&l), Outcome::NotMet(Why::NoRun));
        l.apply(&Action::RunWorkload).unwrap();
        match g.evaluate(&l) {
            Outcome::NotMet(Why::ShardTooBusy {
                records_per_second,
                allowed,
                ..
            }) => {
                assert!(records_per_second > allowed);
                assert_eq!(allowed, 800.0);
            }
            other => panic!("device types at 3000/s must overload a shard: {other:?}"),
        }
        l.apply(&Action::SetWorkload {
            distribution: KeyDistribution::UserIds,
            records_per_second: 3000,
            seconds: 5,
        })
        .unwrap();
        assert_eq!(
            g.evaluate(&l),
            Outcome::NotMet(Why::NoRun),
            "changing settings clears the old run"
        );
        l.apply(&Action::RunWorkload).unwrap();
        assert_eq!(g.evaluate(&l), Outcome::Met);
    }
}
