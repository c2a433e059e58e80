//! Traffic: the producers and consumers attached to an engine, stepped
//! together through simulated time. A caller (the Stream Lab's clock, a
//! fast-forward, a test) asks for "run until t"; traffic walks there through
//! each consumer's own polling deadlines, so a 50-second tick at 1000× polls
//! exactly as often as fifty 1-second ticks would.

use crate::consumer::PollingConsumer;
use crate::producer::Producer;
use crate::stream::engine::{Engine, PutEntry, MAX_PUT_RECORDS, MAX_PUT_RECORDS_BYTES};

/// What a record counts toward a request's size limit.
fn entry_bytes(e: &PutEntry) -> usize {
    e.data.len() + e.partition_key.len()
}

/// Shortest step, should a consumer say it is already due: keeps the walk
/// moving.
pub const MIN_STEP_MS: u64 = 1;

#[derive(Default)]
pub struct Traffic {
    pub producers: Vec<Producer>,
    consumers: Vec<PollingConsumer>,
    /// Per consumer (same order), the error of its latest poll, if any.
    errors: Vec<Option<String>>,
    /// How far traffic has run.
    pub now: u64,
    /// Per consumer, when it next polls.
    due: Vec<u64>,
}

impl Traffic {
    pub fn new(now: u64) -> Traffic {
        Traffic {
            now,
            ..Traffic::default()
        }
    }

    /// The consumers, in the order they were added, each with the error of
    /// its latest poll.
    pub fn consumers(&self) -> impl Iterator<Item = (&PollingConsumer, Option<&str>)> {
        self.consumers
            .iter()
            .zip(self.errors.iter().map(|e| e.as_deref()))
    }

    /// Adds a consumer; it first polls at the next step.
    pub fn add_consumer(&mut self, c: PollingConsumer) {
        self.consumers.push(c);
        self.errors.push(None);
        self.due.push(self.now);
    }

    /// Adds a consumer that first polls at `t` (or the next step, if that
    /// has passed).
    pub fn add_consumer_at(&mut self, c: PollingConsumer, t: u64) {
        self.consumers.push(c);
        self.errors.push(None);
        self.due.push(t.max(self.now));
    }

    pub fn remove_consumer(&mut self, index: usize) {
        if index < self.consumers.len() {
            self.consumers.remove(index);
            self.errors.remove(index);
            self.due.remove(index);
        }
    }

    /// Records per second all producers send together.
    pub fn producer_rate(&self) -> u64 {
        self.producers
            .iter()
            .map(|p| p.config.records_per_second as u64)
            .sum()
    }

    /// Moves time to `t` without sending: producers skip the gap and resume
    /// after it (the engine still trims and meters when it is advanced).
    pub fn skip_to(&mut self, engine: &mut Engine, t: u64) {
        if t <= self.now {
            return;
        }
        for p in &mut self.producers {
            p.resume_at(t);
        }
        engine.advance_to(t);
        self.now = t;
    }

    /// Runs producers, the engine and consumers up to `t`, in time order.
    /// Each consumer polls only when it is due, so how the caller cuts time
    /// into ticks changes nothing. Returns the number of records sent.
    pub fn run_until(&mut self, engine: &mut Engine, t: u64) -> u64 {
        let mut sent = 0;
        while self.now < t {
            let step = self
                .due
                .iter()
                .copied()
                .min()
                .unwrap_or(t)
                .max(self.now + MIN_STEP_MS)
                .min(t);
            let mut due: Vec<(u64, usize, PutEntry)> = Vec::new();
            for (i, p) in self.producers.iter_mut().enumerate() {
                due.extend(p.due(step).into_iter().map(|(at, e)| (at, i, e)));
            }
            // By time, then by producer: the same order however time is cut.
            due.sort_by_key(|(at, i, _)| (*at, *i));
            sent += due.len() as u64;
            // Each record is its own PutRecords call, as a producer that
            // puts one at a time makes. Records due at the same moment for
            // the same stream go to the engine in one call, which gives
            // each the same outcome and the same events, in the same order,
            // as one call each (every record is checked against the limits
            // in turn, at the same time); a call the engine refuses as a
            // whole (the stream was deleted, say) is made again one record
            // at a time, so each fails or succeeds on its own as before.
            let (times, rest): (Vec<(u64, usize)>, Vec<PutEntry>) =
                due.into_iter().map(|(at, i, e)| ((at, i), e)).unzip();
            let mut k = 0;
            while k < rest.len() {
                let (at, i) = times[k];
                let stream = &self.producers[i].config.stream;
                let mut bytes = entry_bytes(&rest[k]);
                let mut j = k + 1;
                while j < rest.len()
                    && j - k < MAX_PUT_RECORDS
                    && times[j].0 == at
                    && self.producers[times[j].1].config.stream == *stream
                    && bytes + entry_bytes(&rest[j]) <= MAX_PUT_RECORDS_BYTES
                {
                    bytes += entry_bytes(&rest[j]);
                    j += 1;
                }
                if engine.put_records(at, stream, &rest[k..j]).is_err() {
                    for entry in &rest[k..j] {
                        // A producer whose stream was deleted just fails its puts.
                        let _ = engine.put_records(at, stream, std::slice::from_ref(entry));
                    }
                }
                k = j;
            }
            engine.advance_to(step);
            for ((c, err), due) in self
                .consumers
                .iter_mut()
                .zip(self.errors.iter_mut())
                .zip(self.due.iter_mut())
            {
                if *due <= step {
                    *err = c.poll(engine, step).err().map(|e| e.to_string());
                    // Nothing scheduled (its parents just ended, say): it
                    // looks again after its usual interval.
                    *due = c.next_deadline().unwrap_or(step + c.poll_ms).max(step + MIN_STEP_MS);
                }
            }
            self.now = step;
        }
        sent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Traffic hands the engine every record due at one moment for one
    /// stream in one call; the log must be what one call per record gives.
    #[test]
    fn one_call_per_moment_logs_what_one_call_per_record_would() {
        let configs = [
            ("s", 2_500, KeyDistribution::UserIds, 300),
            ("s", 1_700, KeyDistribution::DeviceType, 900),
            ("gone", 400, KeyDistribution::Zipf, 50),
            ("s", 3_000, KeyDistribution::Zipf, 100_000),
        ];
        let producers = || {
            configs
                .iter()
                .enumerate()
                .map(|(i, (stream, rate, dist, bytes))| {
                    let cfg = ProducerConfig {
                        stream: (*stream).into(),
                        records_per_second: *rate,
                        distribution: *dist,
                        record_bytes: *bytes,
                    };
                    crate::producer::Producer::new(i as u32, cfg, 40 + i as u64, 0).unwrap()
                })
                .collect::<Vec<_>>()
        };
        let engine = || {
            let mut e = Engine::new();
            e.create_stream(0, "s", 3).unwrap();
            e
        };
        let (mut batched, mut t) = (engine(), Traffic::new(0));
        t.producers = producers();
        let mut sent = 0;
        for tick in [7, 500, 1_000, 2_345, 4_000] {
            sent += t.run_until(&mut batched, tick);
        }
        let mut one_by_one = engine();
        let mut ps = producers();
        let mut due: Vec<(u64, usize, PutEntry)> = Vec::new();
        for (i, p) in ps.iter_mut().enumerate() {
            due.extend(p.due(4_000).into_iter().map(|(at, e)| (at, i, e)));
        }
        due.sort_by_key(|(at, i, _)| (*at, *i));
        assert_eq!(due.len() as u64, sent);
        for (at, i, e) in &due {
            let _ = one_by_one.put_records(*at, configs[*i].0, std::slice::from_ref(e));
        }
        one_by_one.advance_to(4_000);
        let throttled = batched
            .events()
            .iter()
            .filter(|e| matches!(e, Event::PutThrottled { .. }))
            .count();
        assert!(throttled > 1_000, "the limits were reached: {throttled}");
        assert_eq!(batched.events(), one_by_one.events());
        assert_eq!(
            batched.stream("s").unwrap(),
            one_by_one.stream("s").unwrap()
        );
    }
    use crate::consumer::StartAt;
    use crate::producer::ProducerConfig;
    use crate::stream::engine::Event;
    use crate::workload::KeyDistribution;

    fn traffic(consumers: bool) -> (Engine, Traffic) {
        let mut e = Engine::new();
        e.create_stream(0, "s", 2).unwrap();
        let mut t = Traffic::new(0);
        for (id, rate) in [(0, 300), (1, 1200)] {
            let cfg = ProducerConfig {
                stream: "s".into(),
                records_per_second: rate,
                distribution: KeyDistribution::UserIds,
                record_bytes: 200,
            };
            t.producers.push(Producer::new(id, cfg, 7, 0).unwrap());
        }
        if consumers {
            t.add_consumer(PollingConsumer::new("a", "s", StartAt::TrimHorizon));
            t.add_consumer(PollingConsumer::new("b", "s", StartAt::Latest));
        }
        (e, t)
    }

    fn puts(e: &Engine) -> Vec<Event> {
        e.events()
            .iter()
            .filter(|ev| matches!(ev, Event::RecordPut { .. } | Event::PutThrottled { .. }))
            .cloned()
            .collect()
    }

    /// Cutting the same 20 s into 50 ms ticks or one 20 s tick changes
    /// nothing the producers do, and the consumers read the same records.
    #[test]
    fn tick_size_does_not_change_the_outcome() {
        let (mut e1, mut t1) = traffic(true);
        let mut now = 0;
        while now < 20_000 {
            now += 50;
            t1.run_until(&mut e1, now);
        }
        let (mut e2, mut t2) = traffic(true);
        t2.run_until(&mut e2, 20_000);
        assert_eq!(puts(&e1), puts(&e2));
        assert!(!puts(&e1).is_empty());
        for (a, b) in t1.consumers.iter().zip(&t2.consumers) {
            assert_eq!(a.stats.records, b.stats.records, "{}", a.name);
            assert_eq!(a.stats.calls, b.stats.calls, "{}", a.name);
            assert_eq!(a.stats.order_violations, 0);
        }
        // The TRIM_HORIZON reader polls about once a second per shard.
        let calls = t2.consumers[0].stats.calls;
        assert!((38..=42).contains(&calls), "{calls} calls");
    }

    /// The same with a split at 5 s: children are read after their parent
    /// however time is cut, and no key comes back out of order.
    #[test]
    fn tick_size_does_not_change_reads_across_a_split() {
        let run = |tick: u64| {
            let (mut e, mut t) = traffic(true);
            let mut now = 0;
            while now < 20_000 {
                if now == 5_000 {
                    let mid = (u128::MAX / 4).to_string();
                    e.split_shard(now, "s", "shardId-000000000000", &mid).unwrap();
                }
                now = (now + tick).min(if now < 5_000 { 5_000 } else { 20_000 });
                t.run_until(&mut e, now);
            }
            (puts(&e), t)
        };
        let (p1, t1) = run(50);
        let (p2, t2) = run(20_000);
        assert_eq!(p1, p2);
        for (a, b) in t1.consumers.iter().zip(&t2.consumers) {
            assert_eq!(a.stats.records, b.stats.records, "{}", a.name);
            assert_eq!(a.stats.order_violations, 0, "{}", a.name);
            assert_eq!(b.stats.order_violations, 0, "{}", b.name);
        }
    }

    #[test]
    fn skip_sends_nothing_and_resumes_after() {
        let (mut e, mut t) = traffic(false);
        t.run_until(&mut e, 1_000);
        let before = puts(&e).len();
        t.skip_to(&mut e, 3_600_000);
        assert_eq!(puts(&e).len(), before);
        let sent = t.run_until(&mut e, 3_601_000);
        assert!(sent > 0 && sent <= 1_500, "{sent}");
    }

    #[test]
    fn consumer_errors_are_kept_per_consumer() {
        let (mut e, mut t) = traffic(false);
        t.add_consumer(PollingConsumer::new("ghost", "missing", StartAt::Latest));
        t.run_until(&mut e, 2_000);
        assert!(t.errors[0].as_deref().unwrap().contains("missing"));
        t.remove_consumer(0);
        assert!(t.errors.is_empty() && t.consumers.is_empty());
    }
}
