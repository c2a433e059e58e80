//! The engine state a lesson works on. Widgets turn what the student does
//! into [`Action`]s; applying the same actions to the same scenario always
//! gives the same state, which is how stored solutions are checked.

use super::Scenario;
use crate::api::console::{parse, Parsed};
use crate::api::handle;
use crate::api::scenario::DEFAULT_START_MS;
use crate::error::ValidationError;
use crate::hash::{even_ranges, route, HashKeyRange, Route};
use crate::stream::engine::Engine;
use crate::workload::{KeyDistribution, KeyRun, KeyRunConfig, RunStats};
use serde::{Deserialize, Serialize};

/// Something the student (or a script) does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Re-create the stream with this many shards (records are cleared).
    SetShards { shards: u32 },
    /// PutRecord with this partition key.
    Put { key: String },
    /// Choose the generated workload.
    SetWorkload {
        distribution: KeyDistribution,
        records_per_second: u32,
        seconds: u32,
    },
    /// Run the chosen workload to its end.
    RunWorkload,
    /// An `aws kinesis ...` line typed in the lesson's console.
    Console { line: String },
}

/// Why an action was refused. The lab is unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabError {
    Invalid(ValidationError),
    /// The console line failed: a CLI usage error or the API's error message.
    Console(String),
}

impl From<ValidationError> for LabError {
    fn from(e: ValidationError) -> Self {
        LabError::Invalid(e)
    }
}

impl std::error::Error for LabError {}

impl std::fmt::Display for LabError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LabError::Invalid(e) => e.fmt(f),
            LabError::Console(m) => f.write_str(m),
        }
    }
}

/// One line of a lesson console: the command and what it printed.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsoleLine {
    pub command: String,
    pub output: String,
}

/// One record in a shard, in arrival order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LaneRecord {
    pub key: String,
    /// Position within its shard: 1, 2, 3… in the order the shard received it.
    pub position: u64,
    /// Position among all puts to the stream.
    pub put_number: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lab {
    pub seed: u64,
    pub shards: u32,
    pub ranges: Vec<HashKeyRange>,
    pub lanes: Vec<Vec<LaneRecord>>,
    pub puts: u64,
    pub last_route: Option<Route>,
    pub workload: KeyRunConfig,
    /// Statistics of the last workload run to its end, for the current settings.
    pub run: Option<RunStats>,
    /// A Kinesis account for console lessons; each console action runs one
    /// simulated second after the previous one.
    pub engine: Engine,
    pub console: Vec<ConsoleLine>,
}

impl Lab {
    pub fn from_scenario(s: &Scenario) -> Result<Lab, LabError> {
        let workload = KeyRunConfig {
            distribution: s.distribution,
            shards: s.shards,
            records_per_second: s.records_per_second,
            duration_seconds: s.seconds,
            seed: s.seed,
        };
        workload.validate()?;
        let ranges = even_ranges(s.shards)?;
        let mut lab = Lab {
            seed: s.seed,
            shards: s.shards,
            lanes: vec![Vec::new(); ranges.len()],
            ranges,
            puts: 0,
            last_route: None,
            workload,
            run: None,
            engine: Engine::new(),
            console: Vec::new(),
        };
        for a in &s.actions {
            lab.apply(a)?;
        }
        Ok(lab)
    }

    /// Applies one action. On error the state is unchanged.
    pub fn apply(&mut self, action: &Action) -> Result<(), LabError> {
        match action {
            Action::SetShards { shards } => {
                let ranges = even_ranges(*shards)?;
                self.shards = *shards;
                self.lanes = vec![Vec::new(); ranges.len()];
                self.ranges = ranges;
                self.last_route = None;
                self.workload.shards = *shards;
                self.run = None;
            }
            Action::Put { key } => {
                let r = route(key, None, &self.ranges)?;
                self.puts += 1;
                let lane = &mut self.lanes[r.shard_index];
                lane.push(LaneRecord {
                    key: key.clone(),
                    position: lane.len() as u64 + 1,
                    put_number: self.puts,
                });
                self.last_route = Some(r);
            }
            Action::SetWorkload {
                distribution,
                records_per_second,
                seconds,
            } => {
                let next = KeyRunConfig {
                    distribution: *distribution,
                    records_per_second: *records_per_second,
                    duration_seconds: *seconds,
                    ..self.workload
                };
                next.validate()?;
                if next != self.workload {
                    self.run = None;
                }
                self.workload = next;
            }
            Action::RunWorkload => {
                let mut run = KeyRun::new(self.workload)?;
                run.finish();
                self.run = Some(run.stats());
            }
            Action::Console { line } => {
                let now = DEFAULT_START_MS + 1000 * (self.console.len() as u64 + 1);
                let output = match parse(line).map_err(LabError::Console)? {
                    Parsed::Text(t) => t,
                    Parsed::Call { operation, body } => {
                        // Work on a copy so that a refused call leaves even the clock as it was.
                        let mut engine = self.engine.clone();
                        let v = handle(&mut engine, now, operation, body.to_string().as_bytes()).map_err(|e| {
                            LabError::Console(format!("An error occurred ({}) when calling the {operation} operation: {}", e.kind.name(), e.message))
                        })?;
                        self.engine = engine;
                        serde_json::to_string_pretty(&v).unwrap_or_default()
                    }
                };
                self.console.push(ConsoleLine {
                    command: line.clone(),
                    output,
                });
            }
        }
        Ok(())
    }

    /// The shard a key goes to now, if the key is valid.
    pub fn shard_of(&self, key: &str) -> Option<usize> {
        route(key, None, &self.ranges).ok().map(|r| r.shard_index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab() -> Lab {
        Lab::from_scenario(&Scenario {
            shards: 4,
            seed: 1,
            distribution: KeyDistribution::DeviceType,
            records_per_second: 3000,
            seconds: 5,
            actions: vec![],
        })
        .unwrap()
    }

    #[test]
    fn puts_keep_order_within_a_shard() {
        let mut l = lab();
        for k in ["a", "b", "a", "c", "a"] {
            l.apply(&Action::Put { key: k.into() }).unwrap();
        }
        let lane = &l.lanes[l.shard_of("a").unwrap()];
        let a: Vec<_> = lane
            .iter()
            .filter(|r| r.key == "a")
            .map(|r| r.put_number)
            .collect();
        assert_eq!(a, vec![1, 3, 5]);
        assert!(lane.windows(2).all(|w| w[0].position < w[1].position));
    }

    #[test]
    fn rejected_actions_leave_state_unchanged() {
        let mut l = lab();
        l.apply(&Action::Put { key: "a".into() }).unwrap();
        let before = l.clone();
        assert!(l.apply(&Action::Put { key: String::new() }).is_err());
        assert!(l.apply(&Action::SetShards { shards: 0 }).is_err());
        assert!(l
            .apply(&Action::SetWorkload {
                distribution: KeyDistribution::Zipf,
                records_per_second: 0,
                seconds: 1
            })
            .is_err());
        assert_eq!(l, before);
    }

    #[test]
    fn same_actions_same_state() {
        let actions = [
            Action::Put { key: "x".into() },
            Action::SetWorkload {
                distribution: KeyDistribution::Zipf,
                records_per_second: 2000,
                seconds: 3,
            },
            Action::RunWorkload,
        ];
        let play = || {
            let mut l = lab();
            for a in &actions {
                l.apply(a).unwrap();
            }
            l
        };
        assert_eq!(play(), play());
    }

    #[test]
    fn actions_read_from_toml_like_data() {
        let a: Action = serde_json::from_str(r#"{"do":"put","key":"user-1"}"#).unwrap();
        assert_eq!(
            a,
            Action::Put {
                key: "user-1".into()
            }
        );
        assert!(serde_json::from_str::<Action>(r#"{"do":"put","kee":"x"}"#).is_err());
    }
}
