//! Shared polling against enhanced fan-out, side by side: the same producer
//! writes the same records into two identical streams; N applications read
//! one stream with GetRecords (sharing each shard's 5 calls/s and 2 MiB/s)
//! and the other with SubscribeToShard (each with its own 2 MiB/s per shard,
//! pushed after the engine's propagation delay). Both run in the same
//! simulated time, so their numbers can be compared one to one.

use super::{PollingConsumer, StartAt};
use crate::error::{check_count, Field, ValidationError};
use crate::producer::{Producer, ProducerConfig};
use crate::rng::component_rng;
use crate::stream::engine::Engine;
use crate::traffic::Traffic;
use crate::workload::KeyDistribution;
use rand::Rng;

pub const MAX_CONSUMERS: u32 = 20;
pub const MAX_SHARDS: u32 = 8;
const STREAM: &str = "fanout";

/// Latency buckets (ms) for the distribution the page draws.
pub const LATENCY_BOUNDS: [u64; 7] = [100, 200, 500, 1_000, 2_000, 5_000, 10_000];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FanOutConfig {
    pub consumers: u32,
    pub shards: u32,
    pub records_per_second: u32,
    pub record_bytes: u32,
    pub seed: u64,
}

impl FanOutConfig {
    pub fn validate(&self) -> Result<(), ValidationError> {
        check_count(Field::ConsumerCount, self.consumers, MAX_CONSUMERS)?;
        check_count(Field::ShardCount, self.shards, MAX_SHARDS)?;
        self.producer().validate()
    }

    fn producer(&self) -> ProducerConfig {
        ProducerConfig {
            stream: STREAM.to_owned(),
            records_per_second: self.records_per_second,
            distribution: KeyDistribution::UserIds,
            record_bytes: self.record_bytes,
        }
    }
}

/// One side: an engine with its producer and readers.
pub struct Side {
    pub engine: Engine,
    pub traffic: Traffic,
}

/// What one application got so far.
#[derive(Clone, Debug, PartialEq)]
pub struct Reader {
    pub name: String,
    pub records: u64,
    pub bytes: u64,
    pub calls: u64,
    pub throttled: u64,
    pub millis_behind_latest: u64,
    pub p50_ms: Option<u64>,
    pub p95_ms: Option<u64>,
    pub p99_ms: Option<u64>,
    /// Deliveries per [`LATENCY_BOUNDS`] bucket.
    pub histogram: Vec<u64>,
}

pub struct FanOut {
    pub config: FanOutConfig,
    pub polling: Side,
    pub enhanced: Side,
    pub started_ms: u64,
}

impl FanOut {
    /// Builds both sides at `now`. Each application starts polling at its
    /// own seeded moment within the first second, as independent
    /// applications would; the push side registers every application as an
    /// enhanced fan-out consumer.
    pub fn new(config: FanOutConfig, now: u64) -> Result<FanOut, ValidationError> {
        config.validate()?;
        let side = |efo: bool| -> Side {
            let mut engine = Engine::new();
            // Sizes are validated above, so creation cannot fail.
            let _ = engine.create_stream(now, STREAM, config.shards);
            let mut traffic = Traffic::new(now);
            if let Ok(p) = Producer::new(0, config.producer(), config.seed, now) {
                traffic.producers.push(p);
            }
            let mut rng = component_rng(config.seed, "fanout.start");
            for i in 1..=config.consumers {
                let name = format!("app-{i}");
                let mut c = PollingConsumer::new(&name, STREAM, StartAt::Latest)
                    .with_jitter(config.seed);
                if efo {
                    let _ = engine.register_consumer(now, STREAM, &name);
                    c.enhanced_fan_out = true;
                }
                let offset = rng.random_range(0..1000u64);
                traffic.add_consumer_at(c, now + offset);
            }
            Side { engine, traffic }
        };
        Ok(FanOut {
            polling: side(false),
            enhanced: side(true),
            started_ms: now,
            config,
        })
    }

    pub fn run_until(&mut self, t: u64) {
        for s in [&mut self.polling, &mut self.enhanced] {
            s.traffic.run_until(&mut s.engine, t);
        }
    }

    /// Simulated milliseconds since the start.
    pub fn elapsed_ms(&self) -> u64 {
        self.polling.traffic.now.saturating_sub(self.started_ms)
    }
}

impl Side {
    pub fn readers(&self) -> Vec<Reader> {
        self.traffic
            .consumers()
            .map(|(c, _)| Reader {
                name: c.name.clone(),
                records: c.stats.records,
                bytes: c.stats.bytes,
                calls: c.stats.calls,
                throttled: c.stats.throttled,
                millis_behind_latest: c.stats.millis_behind_latest,
                p50_ms: c.latency.percentile(50),
                p95_ms: c.latency.percentile(95),
                p99_ms: c.latency.percentile(99),
                histogram: c.latency.histogram(&LATENCY_BOUNDS),
            })
            .collect()
    }

    /// Records the producer got into the stream.
    pub fn records_written(&self) -> u64 {
        self.engine
            .stream(STREAM)
            .map(|s| s.shards.iter().map(|sh| sh.next_seq).sum())
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(consumers: u32, rate: u32, bytes: u32, secs: u64) -> FanOut {
        let cfg = FanOutConfig {
            consumers,
            shards: 1,
            records_per_second: rate,
            record_bytes: bytes,
            seed: 3,
        };
        let mut f = FanOut::new(cfg, 0).unwrap();
        f.run_until(secs * 1000);
        f
    }

    /// Up to five applications fit a shard's 5 GetRecords calls/s; more
    /// are throttled. Pushed readers are never throttled.
    #[test]
    fn more_than_five_pollers_are_throttled() {
        let five = run(5, 100, 100, 30);
        assert_eq!(
            five.polling.readers().iter().map(|r| r.throttled).sum::<u64>(),
            0
        );
        let eight = run(8, 100, 100, 30);
        let throttled: u64 = eight.polling.readers().iter().map(|r| r.throttled).sum();
        assert!(throttled > 0);
        assert!(eight.enhanced.readers().iter().all(|r| r.throttled == 0));
        // Jittered back-off: throttling is shared out, nobody starves.
        let readers = eight.polling.readers();
        assert!(readers.iter().all(|r| r.records > 0), "{readers:?}");
        assert!(readers.iter().filter(|r| r.throttled > 0).count() >= 4, "{readers:?}");
    }

    /// Pushed records arrive after the engine's propagation delay; polled
    /// ones wait for the next poll, so their median is far later.
    #[test]
    fn push_is_faster_than_polling() {
        let f = run(3, 200, 100, 20);
        let push = f.enhanced.readers();
        let poll = f.polling.readers();
        for (p, q) in push.iter().zip(&poll) {
            assert_eq!(p.p50_ms, Some(crate::stream::engine::PUSH_PROPAGATION_MS));
            assert!(q.p50_ms.unwrap() > 3 * p.p50_ms.unwrap(), "{q:?}");
        }
    }

    /// At 1 MiB/s in, two polling readers already need the shard's whole
    /// 2 MiB/s out; five fall behind, while each pushed reader keeps up.
    #[test]
    fn shared_read_bandwidth_runs_out() {
        let f = run(5, 1000, 1000, 30);
        let written = f.polling.records_written();
        let polled: u64 = f.polling.readers().iter().map(|r| r.records).sum();
        let pushed: u64 = f.enhanced.readers().iter().map(|r| r.records).sum();
        assert_eq!(f.enhanced.records_written(), written);
        assert!(pushed > polled, "{pushed} pushed, {polled} polled");
        // Shared reads stay within 2 MiB/s per shard over the run, give or
        // take the bucket's first second and one call's overshoot (a call
        // may return up to 10 MiB; the calls after it are then refused).
        use crate::stream::engine::MAX_GET_RECORDS_BYTES;
        use crate::stream::limits::READ_BYTES_PER_SECOND;
        let bytes: u64 = f.polling.readers().iter().map(|r| r.bytes).sum();
        let bound = READ_BYTES_PER_SECOND * 31 + MAX_GET_RECORDS_BYTES as u64;
        assert!(bytes <= bound, "{bytes} > {bound}");
        assert!(bytes > READ_BYTES_PER_SECOND * 25, "the readers use the shard's bandwidth: {bytes}");
        // Each pushed reader got nearly everything written.
        for r in f.enhanced.readers() {
            assert!(r.records * 10 >= written * 9, "{} of {written}", r.records);
        }
    }

    #[test]
    fn bad_settings_name_the_field() {
        let cfg = FanOutConfig {
            consumers: 21,
            shards: 1,
            records_per_second: 10,
            record_bytes: 10,
            seed: 1,
        };
        assert_eq!(FanOut::new(cfg, 0).err().unwrap().field, Field::ConsumerCount);
    }

    #[test]
    fn same_seed_same_outcome() {
        let a = run(7, 300, 500, 10);
        let b = run(7, 300, 500, 10);
        assert_eq!(a.polling.readers(), b.polling.readers());
        assert_eq!(a.polling.engine.events(), b.polling.engine.events());
        assert_eq!(a.enhanced.readers(), b.enhanced.readers());
    }
}
