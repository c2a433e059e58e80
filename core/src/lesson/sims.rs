//! The producer and consumer simulations a lesson runs, kept in its
//! [`Lab`](super::lab::Lab) as what the student can see and goals can check:
//!
//! - [`FanOutRun`]: shared polling against enhanced fan-out
//!   (core `consumer::fanout`), one finished run per action, with every
//!   application's numbers on both sides;
//! - [`KplRun`]: a simulated KPL (core `producer::kpl`) writing into a fresh
//!   stream for a few seconds, then given time to drain;
//! - [`KclLab`]: one KCL application (core `consumer::kcl`) on its own
//!   stream with a steady producer, whose workers the student adds, kills and
//!   restarts while simulated time passes.
//!
//! Each is bounded (seconds, records) so a lesson stays quick in the browser,
//! and each checks its input before it changes anything.

use crate::consumer::fanout::{FanOut, FanOutConfig, Reader};
use crate::consumer::kcl::{
    self, CheckpointPolicy, KclApplication, KclConfig, KclError, KclEvent, KclField, KclProblem,
    Lease, WorkerState,
};
use crate::error::{check_count, Field, Problem, ValidationError};
use crate::producer::kpl::{KplConfig, KplProducer, KplStats};
use crate::producer::{Producer, ProducerConfig};
use crate::stream::engine::Engine;
use crate::traffic::Traffic;
use crate::workload::KeyDistribution;

/// A fan-out comparison lasts at most this long...
pub const MAX_FANOUT_SECONDS: u32 = 60;
/// ...and reads at most this many records, summed over every application
/// and both sides, so it stays quick in the browser.
pub const MAX_FANOUT_DELIVERIES: u64 = 400_000;

/// One finished comparison: the settings, and what every application got on
/// each side.
#[derive(Clone, Debug, PartialEq)]
pub struct FanOutRun {
    pub consumers: u32,
    pub shards: u32,
    pub records_per_second: u32,
    pub record_bytes: u32,
    pub seconds: u32,
    /// Records the producer got into the stream (the same on both sides).
    pub written: u64,
    pub polling: Vec<Reader>,
    pub enhanced: Vec<Reader>,
}

impl FanOutRun {
    pub fn run(
        consumers: u32,
        shards: u32,
        records_per_second: u32,
        record_bytes: u32,
        seconds: u32,
        seed: u64,
        now: u64,
    ) -> Result<FanOutRun, ValidationError> {
        let config = FanOutConfig {
            consumers,
            shards,
            records_per_second,
            record_bytes,
            seed,
        };
        config.validate()?;
        let s = check_count(Field::Duration, seconds, MAX_FANOUT_SECONDS)?;
        let deliveries = records_per_second as u64 * s as u64 * consumers as u64 * 2;
        if deliveries > MAX_FANOUT_DELIVERIES {
            let per_second = (records_per_second as u64 * consumers as u64 * 2).max(1);
            return Err(ValidationError::new(
                Field::Duration,
                Problem::OutOfRange {
                    min: "1".into(),
                    max: (MAX_FANOUT_DELIVERIES / per_second).max(1).to_string(),
                },
            ));
        }
        let mut f = FanOut::new(config, now)?;
        f.run_until(now + s as u64 * 1000);
        Ok(FanOutRun {
            consumers,
            shards,
            records_per_second,
            record_bytes,
            seconds: s,
            written: f.polling.records_written(),
            polling: f.polling.readers(),
            enhanced: f.enhanced.readers(),
        })
    }

    /// Throttled GetRecords calls, over every polling application.
    pub fn polling_throttled(&self) -> u64 {
        self.polling.iter().map(|r| r.throttled).sum()
    }

    pub fn enhanced_throttled(&self) -> u64 {
        self.enhanced.iter().map(|r| r.throttled).sum()
    }

    /// The application that received the fewest records on a side.
    pub fn least_records(side: &[Reader]) -> u64 {
        side.iter().map(|r| r.records).min().unwrap_or(0)
    }

    /// The slowest median latency on a side; None if an application got nothing.
    pub fn worst_p50(side: &[Reader]) -> Option<u64> {
        side.iter()
            .map(|r| r.p50_ms)
            .collect::<Option<Vec<u64>>>()
            .and_then(|v| v.into_iter().max())
    }
}

/// A KPL run lasts at most this long...
pub const MAX_KPL_SECONDS: u32 = 30;
/// ...and adds at most this many user records.
pub const MAX_KPL_USER_RECORDS: u64 = 100_000;
/// Shards of the stream a KPL run writes into.
pub const MAX_KPL_SHARDS: u32 = 8;
const KPL_STREAM: &str = "kpl";

/// One KPL run: a fresh stream of `shards` shards, the KPL with its
/// defaults except the settings below, user records arriving at a steady
/// rate for `seconds` simulated seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct KplRun {
    pub shards: u32,
    pub records_per_second: u32,
    pub record_bytes: u32,
    pub aggregation: bool,
    pub record_max_buffered_time_ms: u32,
    pub seconds: u32,
    pub stats: KplStats,
    /// User records still in the KPL when the run ended (buffered, limited
    /// or waiting to be retried).
    pub outstanding: u64,
    /// Median and 99th percentile of the time from a user record's arrival
    /// to its being stored, as histogram bucket edges.
    pub p50_ms: Option<u64>,
    pub p99_ms: Option<u64>,
    /// The highest rate of Kinesis records any one shard stored in one
    /// simulated second.
    pub busiest_shard_records_per_second: u64,
}

impl KplRun {
    #[allow(clippy::too_many_arguments)]
    pub fn run(
        shards: u32,
        records_per_second: u32,
        record_bytes: u32,
        aggregation: bool,
        record_max_buffered_time_ms: u32,
        seconds: u32,
        seed: u64,
        now: u64,
    ) -> Result<KplRun, ValidationError> {
        let shards = check_count(Field::ShardCount, shards, MAX_KPL_SHARDS)?;
        let mut config = KplConfig::new(KPL_STREAM, records_per_second, record_bytes);
        config.aggregation = aggregation;
        config.record_max_buffered_time_ms = record_max_buffered_time_ms;
        config.validate()?;
        let s = check_count(Field::Duration, seconds, MAX_KPL_SECONDS)?;
        if records_per_second as u64 * s as u64 > MAX_KPL_USER_RECORDS {
            return Err(ValidationError::new(
                Field::Duration,
                Problem::OutOfRange {
                    min: "1".into(),
                    max: (MAX_KPL_USER_RECORDS / records_per_second.max(1) as u64)
                        .max(1)
                        .to_string(),
                },
            ));
        }
        let mut engine = Engine::new();
        engine.create_stream(now, KPL_STREAM, shards).map_err(|_| {
            ValidationError::new(
                Field::ShardCount,
                Problem::OutOfRange {
                    min: "1".into(),
                    max: MAX_KPL_SHARDS.to_string(),
                },
            )
        })?;
        let mut kpl = KplProducer::new(config, seed, now)?;
        let end = now + s as u64 * 1000;
        kpl.run_until(&mut engine, end - 1);
        // Kinesis records each shard stored per simulated second.
        let mut per_second: std::collections::BTreeMap<(u32, u64), u64> = Default::default();
        for e in engine.events() {
            if let crate::stream::engine::Event::RecordPut { at, shard, .. } = e {
                *per_second
                    .entry((*shard, at.saturating_sub(now) / 1000))
                    .or_default() += 1;
            }
        }
        Ok(KplRun {
            shards,
            records_per_second,
            record_bytes,
            aggregation,
            record_max_buffered_time_ms,
            seconds: s,
            outstanding: kpl.outstanding(),
            p50_ms: kpl.latency_quantile_ms(0.5),
            p99_ms: kpl.latency_quantile_ms(0.99),
            busiest_shard_records_per_second: per_second.values().copied().max().unwrap_or(0),
            stats: kpl.stats,
        })
    }

    /// User records stored per second of the run.
    pub fn user_records_per_second(&self) -> f64 {
        self.stats.user_records_put as f64 / self.seconds.max(1) as f64
    }

    /// Kinesis records stored per second of the run.
    pub fn kinesis_records_per_second(&self) -> f64 {
        self.stats.kinesis_records_put as f64 / self.seconds.max(1) as f64
    }
}

/// Most a KCL lab's producer writes per second, and longest single run.
pub const MAX_KCL_RATE: u32 = 1_000;
pub const MAX_KCL_SHARDS: u32 = 8;
pub const MAX_KCL_RUN_SECONDS: u32 = 600;
const KCL_STREAM: &str = "orders";
const KCL_APP: &str = "order-service";

/// What the KCL lab looked like after one action, for goals about the past
/// (the idle workers the student saw before killing one, say).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KclSnapshot {
    pub at: u64,
    pub shards: u32,
    pub alive: u32,
    pub idle: u32,
    pub processed: u64,
    pub duplicates: u64,
    /// Taken at the end of a run, when every worker has scanned the lease
    /// table at least once (a worker just added has not, so it looks idle).
    pub after_run: bool,
}

/// One KCL application on its own stream, with a steady producer.
#[derive(Clone, Debug, PartialEq)]
pub struct KclLab {
    pub engine: Engine,
    pub app: KclApplication,
    pub records_per_second: u32,
    pub seed: u64,
    pub now: u64,
    /// Producer runs so far (each run's producer gets its own id).
    pub runs: u32,
    pub history: Vec<KclSnapshot>,
}

fn kcl_err(field: KclField, problem: KclProblem) -> KclError {
    KclError::new(field, problem)
}

impl KclLab {
    /// A stream of `shards` shards, `workers` workers of one application
    /// starting at TRIM_HORIZON, checkpointing every `checkpoint_ms`.
    pub fn start(
        shards: u32,
        workers: u32,
        records_per_second: u32,
        checkpoint_ms: u64,
        seed: u64,
        now: u64,
    ) -> Result<KclLab, super::lab::LabError> {
        let shards = check_count(Field::ShardCount, shards, MAX_KCL_SHARDS)?;
        let rate = check_count(Field::RecordRate, records_per_second, MAX_KCL_RATE)?;
        if !(1..=kcl::MAX_WORKERS).contains(&workers) {
            return Err(kcl_err(
                KclField::Workers,
                KclProblem::OutOfRange {
                    min: 1,
                    max: kcl::MAX_WORKERS as u64,
                },
            )
            .into());
        }
        let config = KclConfig {
            checkpoint: CheckpointPolicy::Millis(checkpoint_ms),
            ..KclConfig::default()
        };
        config.validate()?;
        let mut engine = Engine::new();
        engine.create_stream(now, KCL_STREAM, shards).map_err(|_| {
            ValidationError::new(
                Field::ShardCount,
                Problem::OutOfRange {
                    min: "1".into(),
                    max: MAX_KCL_SHARDS.to_string(),
                },
            )
        })?;
        let mut app = KclApplication::new(KCL_APP, KCL_STREAM, config, seed, &engine, now)?;
        for _ in 0..workers {
            app.add_worker(now)?;
        }
        let mut lab = KclLab {
            engine,
            app,
            records_per_second: rate,
            seed,
            now,
            runs: 0,
            history: Vec::new(),
        };
        lab.note();
        Ok(lab)
    }

    fn note(&mut self) {
        self.note_as(false);
    }

    fn note_as(&mut self, after_run: bool) {
        let alive = self.app.workers().iter().filter(|w| w.alive).count() as u32;
        let shards = self
            .engine
            .stream(KCL_STREAM)
            .map(|s| s.open_shards().count() as u32)
            .unwrap_or(0);
        self.history.push(KclSnapshot {
            at: self.now,
            shards,
            alive,
            idle: self.app.idle_workers() as u32,
            processed: self.app.stats.processed,
            duplicates: self.app.stats.duplicates,
            after_run,
        });
    }

    /// Worker number `n` (1 for the first one started), by its index.
    fn worker_id(&self, n: u32) -> Result<String, KclError> {
        (n as usize)
            .checked_sub(1)
            .and_then(|i| self.app.workers().get(i))
            .map(|w| w.id.clone())
            .ok_or_else(|| kcl_err(KclField::WorkerIdentifier, KclProblem::NoSuchWorker))
    }

    pub fn add_worker(&mut self) -> Result<(), KclError> {
        self.app.add_worker(self.now)?;
        self.note();
        Ok(())
    }

    pub fn kill(&mut self, n: u32) -> Result<(), KclError> {
        let id = self.worker_id(n)?;
        self.app.kill_worker(&id, self.now)?;
        self.note();
        Ok(())
    }

    pub fn restart(&mut self, n: u32) -> Result<(), KclError> {
        let id = self.worker_id(n)?;
        self.app.restart_worker(&id, self.now)?;
        self.note();
        Ok(())
    }

    pub fn set_checkpoint(&mut self, every_ms: u64) -> Result<(), KclError> {
        self.app
            .set_checkpoint_policy(CheckpointPolicy::Millis(every_ms))?;
        self.note();
        Ok(())
    }

    /// Lets `seconds` of simulated time pass with the producer writing.
    pub fn run(&mut self, seconds: u32) -> Result<(), ValidationError> {
        let s = check_count(Field::Duration, seconds, MAX_KCL_RUN_SECONDS)?;
        self.run_to(self.now + s as u64 * 1000)
    }

    /// Runs the producer and the application up to `end` (ms).
    fn run_to(&mut self, end: u64) -> Result<(), ValidationError> {
        let mut traffic = Traffic::new(self.now);
        let producer = ProducerConfig {
            stream: KCL_STREAM.to_owned(),
            records_per_second: self.records_per_second,
            distribution: KeyDistribution::UserIds,
            record_bytes: 100,
        };
        traffic
            .producers
            .push(Producer::new(self.runs, producer, self.seed, self.now)?);
        self.runs += 1;
        // The producer stops just before `end`: the next run's producer
        // starts at `end`, so no moment gets two records.
        kcl::run_until(
            &mut self.engine,
            &mut traffic,
            std::slice::from_mut(&mut self.app),
            end.saturating_sub(1).max(self.now),
        );
        self.app.run_until(&mut self.engine, end);
        self.now = end;
        self.note_as(true);
        Ok(())
    }

    /// Quiz: with `workers` workers on `shards` shards, how many are idle
    /// once they have had a minute to share the leases.
    pub fn idle_after_a_minute(shards: u32, workers: u32) -> Option<u64> {
        let mut lab = KclLab::start(shards, workers, 10, 10_000, 1, 0).ok()?;
        lab.run(60).ok()?;
        Some(lab.app.idle_workers() as u64)
    }

    /// Quiz: one shard receiving `records_per_second`, one worker whose
    /// processor checkpoints every `checkpoint_seconds` and reads once a
    /// second. It crashes `crash_after_seconds` (whole reads) after a
    /// checkpoint; a second worker takes the lease over. Returns how many
    /// records the application processed a second time.
    pub fn redelivered_after_crash(
        records_per_second: u32,
        checkpoint_seconds: u32,
        crash_after_seconds: u32,
    ) -> Option<u64> {
        if crash_after_seconds >= checkpoint_seconds {
            return None;
        }
        let mut lab = KclLab::start(
            1,
            1,
            records_per_second,
            checkpoint_seconds as u64 * 1000,
            1,
            0,
        )
        .ok()?;
        // Runs end half-way between two reads (reads come every whole
        // second), so no record arrives at the moment a run ends.
        lab.run_to((checkpoint_seconds as u64 * 2 + 1) * 1000 + 500)
            .ok()?;
        let last_checkpoint = lab.app.events().iter().rev().find_map(|e| match e {
            KclEvent::Checkpointed { at, .. } => Some(*at),
            _ => None,
        })?;
        // Half a second after the crash_after-th read since that checkpoint.
        lab.run_to(last_checkpoint + crash_after_seconds as u64 * 1000 + 500)
            .ok()?;
        let before = lab.app.stats.duplicates;
        lab.kill(1).ok()?;
        lab.add_worker().ok()?;
        lab.run(60).ok()?;
        Some(lab.app.stats.duplicates - before)
    }

    /// Records the stream holds that arrived at or before `t`.
    pub fn written_by(&self, t: u64) -> u64 {
        self.engine
            .stream(KCL_STREAM)
            .map(|s| {
                s.shards
                    .iter()
                    .flat_map(|sh| sh.records.iter())
                    .filter(|r| r.arrival_ms <= t)
                    .count() as u64
            })
            .unwrap_or(0)
    }

    pub fn written(&self) -> u64 {
        self.written_by(u64::MAX)
    }

    /// The lease table, in `leaseKey` order.
    pub fn leases(&self) -> impl Iterator<Item = &Lease> {
        self.app.leases()
    }

    pub fn states(&self) -> Vec<(String, WorkerState, usize)> {
        self.app
            .workers()
            .iter()
            .map(|w| (w.id.clone(), w.state(), w.leases().count()))
            .collect()
    }

    /// The application's duplicate count when a worker holding leases was
    /// first killed; None if that has not happened.
    pub fn duplicates_at_first_kill(&self) -> Option<u64> {
        let at = self.app.events().iter().find_map(|e| match e {
            KclEvent::WorkerKilled { at, leases, .. } if !leases.is_empty() => Some(*at),
            _ => None,
        })?;
        // A kill is noted in the history at its own moment, after the run
        // that led to it; the snapshot taken then holds the count.
        self.history
            .iter()
            .find(|h| h.at >= at)
            .map(|h| h.duplicates)
    }

    /// For every worker killed while holding leases: the worker, and those of
    /// its leases no other worker has taken since.
    pub fn failovers(&self) -> Vec<(String, Vec<String>)> {
        let events = self.app.events();
        let mut out = Vec::new();
        for (i, e) in events.iter().enumerate() {
            if let KclEvent::WorkerKilled { worker, leases, .. } = e {
                if leases.is_empty() {
                    continue;
                }
                let left: Vec<String> = leases
                    .iter()
                    .filter(|l| {
                        !events[i..].iter().any(|later| {
                            matches!(later, KclEvent::LeaseTaken { lease, worker: w, .. } if lease == *l && w != worker)
                        })
                    })
                    .cloned()
                    .collect();
                out.push((worker.clone(), left));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fan_out_bounds_name_the_field() {
        let field = |r: Result<FanOutRun, ValidationError>| r.err().map(|e| e.field);
        assert_eq!(
            field(FanOutRun::run(0, 1, 10, 10, 5, 1, 0)),
            Some(Field::ConsumerCount)
        );
        assert_eq!(
            field(FanOutRun::run(21, 1, 10, 10, 5, 1, 0)),
            Some(Field::ConsumerCount)
        );
        assert_eq!(
            field(FanOutRun::run(2, 0, 10, 10, 5, 1, 0)),
            Some(Field::ShardCount)
        );
        assert_eq!(
            field(FanOutRun::run(2, 1, 10, 10, 0, 1, 0)),
            Some(Field::Duration)
        );
        assert_eq!(
            field(FanOutRun::run(2, 1, 10, 10, 61, 1, 0)),
            Some(Field::Duration)
        );
        // 20 applications × 2 sides × 1,000 records/s: 10 s is too many deliveries.
        assert_eq!(
            field(FanOutRun::run(20, 1, 1000, 10, 60, 1, 0)),
            Some(Field::Duration)
        );
        let r = FanOutRun::run(2, 1, 10, 10, 5, 1, 0).unwrap();
        assert_eq!((r.polling.len(), r.enhanced.len()), (2, 2));
        assert!(r.written > 0);
    }

    #[test]
    fn kcl_actions_check_first_and_name_the_setting() {
        use crate::lesson::lab::{Action, Lab, LabError};
        use crate::lesson::Scenario;
        let mut lab = Lab::from_scenario(&Scenario {
            shards: 1,
            seed: 3,
            distribution: KeyDistribution::UserIds,
            records_per_second: 10,
            seconds: 1,
            actions: vec![],
        })
        .unwrap();
        let kcl_field = |r: Result<(), LabError>| match r {
            Err(LabError::Kcl(e)) => Some(e.field.name()),
            Err(LabError::Invalid(e)) => Some(e.field.api_name()),
            _ => None,
        };
        // No application yet.
        assert_eq!(
            kcl_field(lab.apply(&Action::KclAddWorker)),
            Some("streamName")
        );
        let start = |shards, workers, rate, cp| Action::KclStart {
            shards,
            workers,
            records_per_second: rate,
            checkpoint_ms: cp,
        };
        assert_eq!(
            kcl_field(lab.apply(&start(0, 1, 10, 1000))),
            Some("ShardCount")
        );
        assert_eq!(
            kcl_field(lab.apply(&start(2, 0, 10, 1000))),
            Some("workers")
        );
        assert_eq!(
            kcl_field(lab.apply(&start(2, 13, 10, 1000))),
            Some("workers")
        );
        assert_eq!(
            kcl_field(lab.apply(&start(2, 1, 0, 1000))),
            Some("RecordsPerSecond")
        );
        assert_eq!(
            kcl_field(lab.apply(&start(2, 1, 10, 0))),
            Some("checkpointIntervalMillis")
        );
        lab.apply(&start(2, 1, 10, 1000)).unwrap();
        lab.apply(&Action::KclRun { seconds: 5 }).unwrap();
        let before = lab.clone();
        for (a, field) in [
            (Action::KclKill { worker: 0 }, "workerIdentifier"),
            (Action::KclKill { worker: 2 }, "workerIdentifier"),
            (Action::KclRestart { worker: 1 }, "workerIdentifier"),
            (
                Action::KclCheckpoint { every_ms: 0 },
                "checkpointIntervalMillis",
            ),
            (Action::KclRun { seconds: 0 }, "DurationSeconds"),
            (Action::KclRun { seconds: 601 }, "DurationSeconds"),
        ] {
            assert_eq!(kcl_field(lab.apply(&a)), Some(field), "{a:?}");
            assert_eq!(lab, before, "{a:?} changed the lab");
        }
        // One worker holds both leases; a second takes one; a killed one
        // cannot be killed again.
        lab.apply(&Action::KclAddWorker).unwrap();
        lab.apply(&Action::KclRun { seconds: 25 }).unwrap();
        let k = lab.kcl.as_ref().unwrap();
        assert_eq!(
            k.states().iter().map(|s| s.2).collect::<Vec<_>>(),
            vec![1, 1]
        );
        lab.apply(&Action::KclKill { worker: 1 }).unwrap();
        assert_eq!(
            kcl_field(lab.apply(&Action::KclKill { worker: 1 })),
            Some("workerIdentifier")
        );
    }

    #[test]
    fn quiz_helpers_match_the_rules_they_teach() {
        // Idle workers: max(0, workers − shards), once the leases are shared.
        for (shards, workers) in [(4, 6), (4, 4), (4, 2), (2, 5), (1, 3)] {
            assert_eq!(
                KclLab::idle_after_a_minute(shards, workers),
                Some(workers.saturating_sub(shards) as u64),
                "{shards} shards, {workers} workers"
            );
        }
        // Re-delivery: every record read since the checkpoint comes again.
        for (rate, every, after) in [(20, 10, 7), (50, 5, 2), (8, 30, 12)] {
            assert_eq!(
                KclLab::redelivered_after_crash(rate, every, after),
                Some(rate as u64 * after as u64),
                "{rate}/s, checkpoint every {every} s, crash {after} s after"
            );
        }
        assert_eq!(KclLab::redelivered_after_crash(10, 5, 5), None);
    }

    #[test]
    fn kpl_bounds_name_the_field() {
        let field = |r: Result<KplRun, ValidationError>| r.err().map(|e| e.field);
        assert_eq!(
            field(KplRun::run(0, 10, 10, true, 100, 5, 1, 0)),
            Some(Field::ShardCount)
        );
        assert_eq!(
            field(KplRun::run(1, 0, 10, true, 100, 5, 1, 0)),
            Some(Field::RecordRate)
        );
        assert_eq!(
            field(KplRun::run(1, 10, 0, true, 100, 5, 1, 0)),
            Some(Field::RecordBytes)
        );
        assert_eq!(
            field(KplRun::run(1, 10, 10, true, 99, 5, 1, 0)),
            Some(Field::RecordMaxBufferedTime)
        );
        assert_eq!(
            field(KplRun::run(1, 10, 10, true, 100, 31, 1, 0)),
            Some(Field::Duration)
        );
        assert_eq!(
            field(KplRun::run(1, 10_000, 10, true, 100, 11, 1, 0)),
            Some(Field::Duration)
        );
        let r = KplRun::run(1, 100, 100, true, 100, 5, 1, 0).unwrap();
        assert!(r.stats.user_records_put > 0);
    }

    #[test]
    fn worst_p50_is_unknown_when_an_application_got_nothing() {
        let mut r = FanOutRun::run(2, 1, 10, 10, 5, 1, 0).unwrap();
        assert!(FanOutRun::worst_p50(&r.enhanced).is_some());
        r.enhanced[1].p50_ms = None;
        assert_eq!(FanOutRun::worst_p50(&r.enhanced), None);
    }
}
