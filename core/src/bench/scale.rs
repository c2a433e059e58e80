//! The scale workload: a 200-shard ON_DEMAND stream taking 200 MB/s, run
//! the way the Stream Lab runs it: twenty producers of 10,000 records/s
//! (1,000-byte records, keys from a million user ids), stepped through
//! simulated time by `Traffic` in ticks, the engine's events taken after
//! each tick and counted into the per-shard metrics the lab's charts draw.
//!
//! On-demand capacity in the engine follows the service: 4 MiB/s and 4,000
//! records/s at first, then double the peak seen more than 15 minutes ago.
//! So [`ScaleWorkload::prepare`] builds the stream as a student could: 200
//! provisioned shards switched to ON_DEMAND, then six one-second peaks 15
//! minutes apart, each offering twice what the capacity allows, after which
//! the stream takes well over 200,000 records/s and 200 MB/s. That
//! preparation is not timed; the steps are.

use crate::producer::{Producer, ProducerConfig};
use crate::stream::engine::{Engine, Event, PutEntry, StreamMode};
use crate::stream::metrics::Metrics;
use crate::traffic::Traffic;
use crate::workload::KeyDistribution;

pub const T0: u64 = 1_700_000_000_000;
pub const STREAM: &str = "scale";
pub const SHARDS: u32 = 200;
pub const PRODUCERS: u32 = 20;
pub const RECORDS_PER_PRODUCER: u32 = 10_000;
pub const RECORD_BYTES: u32 = 1_000;
/// The goal: simulated time at least ten times as fast as wall time.
pub const TARGET_SIM_PER_WALL: f64 = 10.0;
const WARM_UP_PEAKS: u32 = 6;
const PEAK_GAP_MS: u64 = 15 * 60_000 + 2_000;

/// The stream, its producers and the lab's metrics, as time runs.
pub struct ScaleRun {
    pub engine: Engine,
    pub traffic: Traffic,
    pub metrics: Metrics,
    /// When the producers started.
    pub start: u64,
    pub accepted: u64,
    pub throttled: u64,
}

/// What one step did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepReport {
    pub sent: u64,
    pub accepted: u64,
    pub throttled: u64,
    pub bytes: u64,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct ScaleWorkload;

impl ScaleWorkload {
    /// Records per simulated second all producers offer.
    pub fn records_per_second(&self) -> u64 {
        PRODUCERS as u64 * RECORDS_PER_PRODUCER as u64
    }

    /// The warmed-up stream with its producers, ready to step.
    pub fn prepare(&self) -> ScaleRun {
        self.start(self.warm_engine())
    }

    /// The engine with the warmed-up stream (the slow part of `prepare`;
    /// clone it to start several runs).
    pub fn warm_engine(&self) -> Engine {
        let mut engine = Engine::new();
        // Valid arguments on a fresh engine: these cannot fail.
        let _ = engine.create_stream(T0, STREAM, SHARDS);
        let _ = engine.update_stream_mode(T0 + 2_000, STREAM, StreamMode::OnDemand);
        let data = vec![b'w'; RECORD_BYTES as usize];
        let mut n = 0u64;
        for peak in 0..WARM_UP_PEAKS {
            // One second, in twenty slices, offering twice the capacity:
            // what is over it is throttled, the rest sets the peak.
            let second = T0 + 10_000 + peak as u64 * PEAK_GAP_MS;
            let per_slice = (4_000u64 << peak) * 2 / 20;
            for slice in 0..20 {
                let at = second + slice * 50;
                let mut put = 0;
                while put < per_slice {
                    let batch: Vec<PutEntry> = (0..(per_slice - put).min(500))
                        .map(|_| {
                            n += 1;
                            PutEntry {
                                partition_key: format!("warm-{n}"),
                                explicit_hash_key: None,
                                data: data.clone(),
                            }
                        })
                        .collect();
                    put += batch.len() as u64;
                    let _ = engine.put_records(at, STREAM, &batch);
                }
            }
            engine.take_events();
        }
        let start = T0 + 10_000 + WARM_UP_PEAKS as u64 * PEAK_GAP_MS;
        engine.advance_to(start);
        engine.take_events();
        engine
    }

    /// Producers on a warmed-up engine (from [`ScaleWorkload::warm_engine`]).
    pub fn start(&self, engine: Engine) -> ScaleRun {
        let start = engine.now();
        let mut traffic = Traffic::new(start);
        for id in 0..PRODUCERS {
            let cfg = ProducerConfig {
                stream: STREAM.into(),
                records_per_second: RECORDS_PER_PRODUCER,
                distribution: KeyDistribution::UserIds,
                record_bytes: RECORD_BYTES,
            };
            if let Ok(p) = Producer::new(id, cfg, 100 + id as u64, start) {
                traffic.producers.push(p);
            }
        }
        ScaleRun {
            engine,
            traffic,
            metrics: Metrics::new(),
            start,
            accepted: 0,
            throttled: 0,
        }
    }

    /// Runs `ms` of simulated time, as one tick of the lab's clock.
    pub fn step(&self, run: &mut ScaleRun, ms: u64) -> StepReport {
        let t = run.traffic.now + ms;
        let sent = run.traffic.run_until(&mut run.engine, t);
        let mut r = StepReport {
            sent,
            ..StepReport::default()
        };
        for ev in run.engine.take_events() {
            match &ev {
                Event::RecordPut { bytes, .. } => {
                    r.accepted += 1;
                    r.bytes += *bytes as u64;
                }
                Event::PutThrottled { .. } => r.throttled += 1,
                _ => {}
            }
            run.metrics.observe(&ev);
        }
        run.metrics.sample_cost(t, &run.engine);
        run.accepted += r.accepted;
        run.throttled += r.throttled;
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warm_stream_takes_200_mb_a_second_on_200_shards() {
        let w = ScaleWorkload;
        let mut run = w.prepare();
        let s = run.engine.stream(STREAM).unwrap();
        assert_eq!(s.mode, StreamMode::OnDemand);
        assert_eq!(s.open_shards().count(), SHARDS as usize);
        let (bytes, records) = s.on_demand_capacity().unwrap();
        assert!(
            bytes >= 200_000_000 + 200_000 * 12 && records >= 200_000,
            "{bytes} {records}"
        );
        // Two seconds in 100 ms ticks: everything offered is accepted.
        let mut total = StepReport::default();
        for _ in 0..20 {
            let r = w.step(&mut run, 100);
            total.sent += r.sent;
            total.accepted += r.accepted;
            total.throttled += r.throttled;
            total.bytes += r.bytes;
        }
        assert!((400_000..=400_400).contains(&total.sent), "{total:?}");
        assert_eq!(total.throttled, 0, "{total:?}");
        assert_eq!(total.accepted, total.sent);
        assert!(total.bytes >= 400_000_000, "{total:?}: 200 MB a second");
        // Records land on (nearly) every shard.
        let s = run.engine.stream(STREAM).unwrap();
        let used = s
            .shards
            .iter()
            .filter(|sh| sh.records.len() > 128_000 / 200 + 500)
            .count();
        assert!(used > 190, "{used} shards got a share");
    }
}
