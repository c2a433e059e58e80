//! Scripted scenarios played in simulated time, as fast as they can run:
//! API calls or `aws kinesis` console lines at given times, plus producers
//! and polling consumers. The result is the engine's event log and a summary.
//! `kinesis-lab run scenario.toml` prints it; tests snapshot it.

use super::console::{parse, Parsed};
use super::handle;
use crate::consumer::{ConsumerStats, PollingConsumer, StartAt};
use crate::producer::{Producer, ProducerConfig};
use crate::stream::cost::{bill, total};
use crate::stream::engine::{Engine, Event};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Simulated time starts here unless the scenario says otherwise (2026-01-01).
pub const DEFAULT_START_MS: u64 = 1_767_225_600_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default)]
    pub seed: u64,
    #[serde(default = "default_start")]
    pub start_ms: u64,
    /// Simulated milliseconds to run, from the start.
    pub run_ms: u64,
    #[serde(default)]
    pub steps: Vec<Step>,
    #[serde(default)]
    pub producers: Vec<ScenarioProducer>,
    #[serde(default)]
    pub consumers: Vec<ScenarioConsumer>,
    /// Include every event in the output (off: only the summary and counts).
    #[serde(default = "yes")]
    pub log: bool,
}

fn default_start() -> u64 {
    DEFAULT_START_MS
}
fn yes() -> bool {
    true
}

/// One scripted request at `at_ms` after the start: either an API call or a
/// console line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub at_ms: u64,
    #[serde(default)]
    pub call: Option<String>,
    #[serde(default)]
    pub body: Option<Value>,
    #[serde(default)]
    pub command: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioProducer {
    #[serde(flatten)]
    pub config: ProducerConfig,
    #[serde(default)]
    pub from_ms: u64,
    pub to_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioConsumer {
    pub name: String,
    pub stream: String,
    pub start: StartAt,
    #[serde(default)]
    pub from_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepResult {
    pub at_ms: u64,
    pub request: String,
    pub ok: bool,
    pub response: Value,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StreamSummary {
    pub name: String,
    pub open_shards: usize,
    pub records_per_shard: Vec<(String, usize)>,
    pub records_put: u64,
    pub puts_throttled: u64,
    pub bill_usd: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    pub steps: Vec<StepResult>,
    pub streams: Vec<StreamSummary>,
    pub consumers: Vec<(String, ConsumerStats)>,
    pub events: Vec<Event>,
    pub event_count: usize,
}

/// The problem with a scenario, naming the step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError(pub String);

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(feature = "files")]
pub fn from_toml(text: &str) -> Result<Scenario, ScenarioError> {
    toml::from_str(text).map_err(|e| ScenarioError(e.to_string()))
}

/// Plays a scenario. Producers and consumers act at every millisecond
/// something is due; steps run at their time, after the producers' records
/// due at that time.
pub fn run(s: &Scenario) -> Result<Outcome, ScenarioError> {
    for (i, step) in s.steps.iter().enumerate() {
        let n = i + 1;
        match (&step.call, &step.command) {
            (Some(_), None) | (None, Some(_)) => {}
            _ => {
                return Err(ScenarioError(format!(
                    "steps[{n}]: give either `call` (with `body`) or `command`"
                )))
            }
        }
    }
    let mut engine = Engine::new();
    let mut producers = Vec::new();
    for (i, p) in s.producers.iter().enumerate() {
        let pr = Producer::new(
            i as u32,
            p.config.clone(),
            s.seed.wrapping_add(i as u64),
            s.start_ms + p.from_ms,
        )
        .map_err(|e| ScenarioError(format!("producers[{}]: {e}", i + 1)))?;
        producers.push((pr, s.start_ms + p.to_ms));
    }
    let mut consumers: Vec<(PollingConsumer, u64)> = s
        .consumers
        .iter()
        .map(|c| {
            (
                PollingConsumer::new(&c.name, &c.stream, c.start),
                s.start_ms + c.from_ms,
            )
        })
        .collect();
    let mut steps: Vec<&Step> = s.steps.iter().collect();
    steps.sort_by_key(|st| st.at_ms);
    let end = s.start_ms + s.run_ms;
    let mut results = Vec::new();
    let mut events = Vec::new();
    let mut next_step = 0;
    let mut now = s.start_ms;
    loop {
        // Producers' records due now.
        for (p, until) in producers.iter_mut() {
            if now <= *until {
                for (at, entry) in p.due(now.min(*until)) {
                    let _ = engine.put_records(at, &p.config.stream, std::slice::from_ref(&entry));
                }
            }
        }
        engine.advance_to(now);
        while next_step < steps.len() && s.start_ms + steps[next_step].at_ms <= now {
            let st = steps[next_step];
            next_step += 1;
            let (request, result) = match (&st.call, &st.command) {
                (Some(call), _) => {
                    let body = st.body.clone().unwrap_or(Value::Object(Default::default()));
                    (
                        format!("{call} {body}"),
                        handle(&mut engine, now, call, body.to_string().as_bytes())
                            .map_err(|e| e.body()),
                    )
                }
                (None, Some(line)) => (
                    line.clone(),
                    match parse(line) {
                        Ok(Parsed::Call { operation, body }) => {
                            handle(&mut engine, now, operation, body.to_string().as_bytes())
                                .map_err(|e| e.body())
                        }
                        Ok(Parsed::Text(t)) => Ok(Value::String(t)),
                        Err(e) => Err(Value::String(e)),
                    },
                ),
                (None, None) => (String::new(), Err(Value::Null)),
            };
            let (ok, response) = match result {
                Ok(v) => (true, v),
                Err(v) => (false, v),
            };
            results.push(StepResult {
                at_ms: st.at_ms,
                request,
                ok,
                response,
            });
        }
        for (c, from) in consumers.iter_mut() {
            if now >= *from {
                let _ = c.poll(&mut engine, now);
            }
        }
        let drained = engine.take_events();
        events.extend(drained);
        if now >= end {
            break;
        }
        // Jump to the next moment anything is due.
        let mut next = end;
        if let Some(st) = steps.get(next_step) {
            next = next.min(s.start_ms + st.at_ms);
        }
        for (p, until) in &producers {
            if p.next_deadline() <= *until {
                next = next.min(p.next_deadline());
            }
        }
        for (c, from) in &consumers {
            next = next.min(c.next_deadline().unwrap_or(*from).max(*from));
        }
        if let Some(d) = engine.next_deadline() {
            next = next.min(d);
        }
        now = next.max(now + 1).min(end);
    }
    let streams = engine
        .streams()
        .map(|st| StreamSummary {
            name: st.name.clone(),
            open_shards: st.open_shards().count(),
            records_per_shard: st
                .live_shards(now)
                .map(|sh| (sh.id().to_string(), sh.records.len()))
                .collect(),
            records_put: events
                .iter()
                .filter(|e| matches!(e, Event::RecordPut { stream, .. } if *stream == st.name))
                .count() as u64,
            puts_throttled: events
                .iter()
                .filter(|e| matches!(e, Event::PutThrottled { stream, .. } if *stream == st.name))
                .count() as u64,
            bill_usd: (total(&bill(&st.meter)) * 1e6).round() / 1e6,
        })
        .collect();
    let event_count = events.len();
    Ok(Outcome {
        steps: results,
        streams,
        consumers: consumers
            .into_iter()
            .map(|(c, _)| (c.name.clone(), c.stats.clone()))
            .collect(),
        events: if s.log { events } else { Vec::new() },
        event_count,
    })
}
