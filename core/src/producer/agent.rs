//! The Kinesis Agent, simulated simply: an application appends lines to a
//! log file at a steady rate; the agent tails the file, puts each new line
//! into a buffer, and sends the buffer with PutRecords when it holds
//! `maxBufferSizeRecords` lines (500), `maxBufferSizeBytes` (5 MiB), or
//! when its first line has waited `maxBufferAgeMillis` (60 s by default).
//! Lines the stream throttles are sent again after a back-off that doubles
//! from `retryInitialBackoffMillis` (100 ms) up to `retryMaxBackoffMillis`
//! (10 s). The agent remembers how far into the file every line is safely
//! in the stream (its checkpoint), so after a restart it would resume from
//! there.
//!
//! Each line is one record. Its partition key is, by the agent's
//! `partitionKeyOption`, a random number (`RANDOM`, the default) or the MD5
//! of the line (`DETERMINISTIC`). Lines come from a record template.

use super::template::{Filler, Template};
use crate::error::{check_count, Field, ValidationError};
use crate::hash::{md5_digest, to_hex};
use crate::producer::kpl::sim::check_range;
use crate::rng::{component_rng, ComponentRng};
use crate::stream::engine::{Engine, PutEntry, PutOutcome};
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

pub const DEFAULT_MAX_BUFFER_AGE_MS: u32 = 60_000;
pub const MIN_MAX_BUFFER_AGE_MS: u32 = 1_000;
pub const MAX_MAX_BUFFER_AGE_MS: u32 = 900_000;
pub const DEFAULT_MAX_BUFFER_RECORDS: u32 = 500;
pub const DEFAULT_MAX_BUFFER_BYTES: u32 = 5 * 1_048_576;
pub const RETRY_INITIAL_BACKOFF_MS: u64 = 100;
pub const RETRY_MAX_BACKOFF_MS: u64 = 10_000;
/// Lines the simulation keeps for showing the end of the file.
pub const TAIL_LINES: usize = 8;
/// Most lines per second the simulated application writes.
pub const MAX_LINES_PER_SECOND: u32 = 5_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PartitionKeyOption {
    Random,
    Deterministic,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentConfig {
    pub stream: String,
    pub lines_per_second: u32,
    /// `maxBufferAgeMillis`.
    pub max_buffer_age_ms: u32,
    /// `maxBufferSizeRecords`.
    pub max_buffer_records: u32,
    /// `maxBufferSizeBytes`.
    pub max_buffer_bytes: u32,
    pub partition_key: PartitionKeyOption,
}

impl AgentConfig {
    pub fn new(stream: &str, lines_per_second: u32) -> AgentConfig {
        AgentConfig {
            stream: stream.to_owned(),
            lines_per_second,
            max_buffer_age_ms: DEFAULT_MAX_BUFFER_AGE_MS,
            max_buffer_records: DEFAULT_MAX_BUFFER_RECORDS,
            max_buffer_bytes: DEFAULT_MAX_BUFFER_BYTES,
            partition_key: PartitionKeyOption::Random,
        }
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        check_count(
            Field::RecordRate,
            self.lines_per_second,
            MAX_LINES_PER_SECOND,
        )?;
        check_range(
            Field::MaxBufferAgeMillis,
            self.max_buffer_age_ms,
            MIN_MAX_BUFFER_AGE_MS,
            MAX_MAX_BUFFER_AGE_MS,
        )?;
        check_count(
            Field::MaxBufferSizeRecords,
            self.max_buffer_records,
            DEFAULT_MAX_BUFFER_RECORDS,
        )?;
        check_count(
            Field::AggregationMaxSize,
            self.max_buffer_bytes,
            DEFAULT_MAX_BUFFER_BYTES,
        )?;
        Ok(())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AgentStats {
    /// Lines the application wrote, and the file's size in bytes.
    pub lines_written: u64,
    pub file_bytes: u64,
    /// Lines the agent has read into a buffer.
    pub lines_read: u64,
    pub put_records_calls: u64,
    pub records_put: u64,
    pub records_throttled: u64,
    /// Records sent again after a throttle.
    pub retries: u64,
    /// Byte offset up to which every line is in the stream.
    pub checkpoint_bytes: u64,
    pub latency_sum_ms: u64,
}

#[derive(Clone, Debug)]
struct Line {
    seq: u64,
    written: u64,
    /// Byte offset just past this line.
    end: u64,
    text: String,
    attempts: u32,
}

/// The simulated agent and the log file it tails.
pub struct KinesisAgent {
    pub config: AgentConfig,
    template: Template,
    filler: Filler,
    keys: ComponentRng,
    started_ms: u64,
    /// Milliseconds since 1970 at `started_ms`, for the lines' clocks.
    epoch_ms: u64,
    last_event: Option<u64>,
    buffer: Vec<Line>,
    buffer_bytes: u64,
    buffer_since: Option<u64>,
    /// Throttled lines waiting out their back-off: (due, order) → lines.
    retry: BTreeMap<(u64, u64), Vec<Line>>,
    retry_seq: u64,
    /// Lines in the stream past the checkpoint, by number, with their end.
    done_ahead: BTreeSet<(u64, u64)>,
    next_done: u64,
    tail: VecDeque<String>,
    pub stats: AgentStats,
}

impl KinesisAgent {
    pub fn new(
        config: AgentConfig,
        template: Template,
        seed: u64,
        now_ms: u64,
        epoch_ms: u64,
    ) -> Result<KinesisAgent, ValidationError> {
        config.validate()?;
        Ok(KinesisAgent {
            config,
            template,
            filler: Filler::new(seed, "agent.lines"),
            keys: component_rng(seed, "agent.keys"),
            started_ms: now_ms,
            epoch_ms,
            last_event: None,
            buffer: Vec::new(),
            buffer_bytes: 0,
            buffer_since: None,
            retry: BTreeMap::new(),
            retry_seq: 0,
            done_ahead: BTreeSet::new(),
            next_done: 0,
            tail: VecDeque::new(),
            stats: AgentStats::default(),
        })
    }

    /// The last lines of the file, oldest first.
    pub fn tail(&self) -> impl Iterator<Item = &str> {
        self.tail.iter().map(String::as_str)
    }

    /// Lines in the agent's buffer now, and their bytes.
    pub fn buffered(&self) -> (usize, u64) {
        (self.buffer.len(), self.buffer_bytes)
    }

    /// Lines waiting out a back-off.
    pub fn retrying(&self) -> usize {
        self.retry.values().map(Vec::len).sum()
    }

    fn due_ms(&self, k: u64) -> u64 {
        self.started_ms + k * 1000 / self.config.lines_per_second as u64
    }

    pub fn next_deadline(&self) -> u64 {
        let mut t = self.due_ms(self.stats.lines_written);
        if let Some(s) = self.buffer_since {
            t = t.min(s + self.config.max_buffer_age_ms as u64);
        }
        if let Some(((d, _), _)) = self.retry.first_key_value() {
            t = t.min(*d);
        }
        t.max(self.last_event.map_or(0, |e| e + 1))
    }

    /// Runs the application, the agent and its sends up to `t`.
    pub fn run_until(&mut self, engine: &mut Engine, t: u64) {
        loop {
            let next = self.next_deadline();
            if next > t {
                break;
            }
            self.step(engine, next);
        }
    }

    fn step(&mut self, engine: &mut Engine, t: u64) {
        self.last_event = Some(t);
        // The application writes; the agent reads each new line at once.
        while self.due_ms(self.stats.lines_written) <= t {
            let seq = self.stats.lines_written;
            let at = self.due_ms(seq);
            let text =
                self.filler
                    .render(&self.template, seq, self.epoch_ms + (at - self.started_ms));
            self.stats.lines_written += 1;
            self.stats.file_bytes += text.len() as u64 + 1;
            self.tail.push_back(text.clone());
            if self.tail.len() > TAIL_LINES {
                self.tail.pop_front();
            }
            let line = Line {
                seq,
                written: at,
                end: self.stats.file_bytes,
                text,
                attempts: 0,
            };
            self.stats.lines_read += 1;
            let size = line.text.len() as u64 + 1;
            if !self.buffer.is_empty()
                && (self.buffer.len() as u32 >= self.config.max_buffer_records
                    || self.buffer_bytes + size > self.config.max_buffer_bytes as u64)
            {
                self.send_buffer(engine, t);
            }
            self.buffer_bytes += size;
            self.buffer_since.get_or_insert(t);
            self.buffer.push(line);
            if self.buffer.len() as u32 >= self.config.max_buffer_records {
                self.send_buffer(engine, t);
            }
        }
        if self
            .buffer_since
            .is_some_and(|s| s + self.config.max_buffer_age_ms as u64 <= t)
        {
            self.send_buffer(engine, t);
        }
        while let Some(entry) = self.retry.first_entry() {
            if entry.key().0 > t {
                break;
            }
            let lines = entry.remove();
            self.stats.retries += lines.len() as u64;
            self.put(engine, t, lines);
        }
    }

    fn send_buffer(&mut self, engine: &mut Engine, t: u64) {
        let lines = std::mem::take(&mut self.buffer);
        self.buffer_bytes = 0;
        self.buffer_since = None;
        if !lines.is_empty() {
            self.put(engine, t, lines);
        }
    }

    fn key(&mut self, line: &Line) -> String {
        match self.config.partition_key {
            PartitionKeyOption::Deterministic => to_hex(&md5_digest(&line.text)),
            PartitionKeyOption::Random => format!("{:.6}", self.keys.random::<f64>() * 1_000_000.0),
        }
    }

    fn put(&mut self, engine: &mut Engine, t: u64, lines: Vec<Line>) {
        let mut entries = Vec::with_capacity(lines.len());
        for l in &lines {
            let partition_key = self.key(l);
            let mut data = l.text.clone().into_bytes();
            data.push(b'\n');
            entries.push(PutEntry {
                partition_key,
                explicit_hash_key: None,
                data,
            });
        }
        self.stats.put_records_calls += 1;
        let outcomes = match engine.put_records(t, &self.config.stream, &entries) {
            Ok(o) => o,
            // The whole call failed (no stream, say): everything waits.
            Err(_) => vec![
                PutOutcome::Throttled {
                    shard: 0,
                    message: String::new()
                };
                lines.len()
            ],
        };
        let mut failed = Vec::new();
        for (mut l, o) in lines.into_iter().zip(outcomes) {
            match o {
                PutOutcome::Ok { .. } => {
                    self.stats.records_put += 1;
                    self.stats.latency_sum_ms += t - l.written;
                    self.done_ahead.insert((l.seq, l.end));
                }
                PutOutcome::Throttled { .. } => {
                    self.stats.records_throttled += 1;
                    l.attempts += 1;
                    failed.push(l);
                }
            }
        }
        while self
            .done_ahead
            .first()
            .is_some_and(|(s, _)| *s == self.next_done)
        {
            if let Some((_, end)) = self.done_ahead.pop_first() {
                self.stats.checkpoint_bytes = end;
            }
            self.next_done += 1;
        }
        if !failed.is_empty() {
            let attempt = failed.iter().map(|l| l.attempts).max().unwrap_or(1);
            let wait =
                (RETRY_INITIAL_BACKOFF_MS << (attempt - 1).min(20)).min(RETRY_MAX_BACKOFF_MS);
            self.retry_seq += 1;
            self.retry.insert((t + wait, self.retry_seq), failed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{{ip}} - - [{{now}}] "GET /products/{{number 1 500}} HTTP/1.1" {{pick "200" "200" "404"}} {{number 200 5000}}"#;

    fn agent(rate: u32, age: u32) -> (Engine, KinesisAgent) {
        let mut e = Engine::new();
        e.create_stream(0, "logs", 1).unwrap();
        let mut c = AgentConfig::new("logs", rate);
        c.max_buffer_age_ms = age;
        let a =
            KinesisAgent::new(c, Template::parse(LINE).unwrap(), 3, 0, 1_767_225_600_000).unwrap();
        (e, a)
    }

    #[test]
    fn lines_wait_for_the_buffer_then_arrive_in_full() {
        let (mut e, mut a) = agent(50, 5_000);
        a.run_until(&mut e, 4_900);
        assert_eq!(
            a.stats.records_put, 0,
            "the first buffer is not 5 s old yet"
        );
        assert_eq!(a.buffered().0 as u64, a.stats.lines_written);
        a.run_until(&mut e, 20_100);
        // A buffer goes when its first line is 5 s old: four by 20.1 s, and
        // every line not in the open buffer is in the stream.
        assert_eq!(a.stats.put_records_calls, 4);
        let stored: usize = e
            .stream("logs")
            .unwrap()
            .shards
            .iter()
            .map(|s| s.records.len())
            .sum();
        assert_eq!(stored as u64, a.stats.records_put);
        assert_eq!(
            a.stats.records_put,
            a.stats.lines_written - a.buffered().0 as u64
        );
        assert!(a.buffered().0 < 10, "{:?}", a.buffered());
        let first = &e.stream("logs").unwrap().shards[0].records[0];
        let text = std::str::from_utf8(&first.data).unwrap();
        assert!(
            text.ends_with('\n') && text.contains("\"GET /products/"),
            "{text}"
        );
        // Checkpoint: exactly the bytes of the lines stored.
        assert!(a.stats.checkpoint_bytes > 0 && a.stats.checkpoint_bytes < a.stats.file_bytes);
    }

    #[test]
    fn a_full_buffer_goes_at_once() {
        let (mut e, mut a) = agent(1_000, 60_000);
        a.run_until(&mut e, 2_000);
        // 500 lines fill a buffer every half second.
        assert_eq!(a.stats.put_records_calls, 4);
        assert_eq!(a.stats.records_put, 2_000);
    }

    #[test]
    fn throttled_lines_are_retried_with_back_off_and_all_arrive() {
        let (mut e, mut a) = agent(2_000, 1_000);
        a.run_until(&mut e, 10_000);
        assert!(
            a.stats.records_throttled > 0 && a.stats.retries > 0,
            "{:?}",
            a.stats
        );
        // 2,000 lines/s into one shard (1,000 records/s): the agent falls
        // behind, but nothing is lost or sent twice.
        // The application stops writing: its next line is hours away.
        a.config.lines_per_second = 1;
        a.run_until(&mut e, 120_000);
        let stored: usize = e
            .stream("logs")
            .unwrap()
            .shards
            .iter()
            .map(|s| s.records.len())
            .sum();
        assert_eq!(stored as u64, a.stats.records_put);
        assert_eq!(
            a.stats.records_put,
            a.stats.lines_written - a.buffered().0 as u64 - a.retrying() as u64
        );
    }

    #[test]
    fn deterministic_keys_are_the_md5_of_the_line() {
        let (mut e, mut a) = agent(10, 1_000);
        a.config.partition_key = PartitionKeyOption::Deterministic;
        a.run_until(&mut e, 3_000);
        for r in &e.stream("logs").unwrap().shards[0].records {
            let line = std::str::from_utf8(&r.data).unwrap().trim_end_matches('\n');
            assert_eq!(r.partition_key.as_str(), to_hex(&md5_digest(line)));
        }
    }
}
