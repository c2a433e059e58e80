//! Shard-level metrics, named as CloudWatch names them, binned per simulated
//! second from the engine's event log, plus a running cost per stream from
//! the engine's cost meter. The Stream Lab's charts draw these series and
//! nothing else: every point on a chart is computed here from what the
//! engine did.

use super::cost::{bill, total};
use super::engine::{Engine, Event};
use super::limits::{GET_RECORDS_PER_SECOND, WRITE_BYTES_PER_SECOND, WRITE_RECORDS_PER_SECOND};
use std::collections::BTreeMap;

/// Width of one bin, in simulated milliseconds.
pub const BIN_MS: u64 = 1_000;
/// Bins kept per shard (and shown on a chart).
pub const WINDOW_BINS: u64 = 60;
/// Cost samples kept per stream; older ones are thinned out, not dropped.
pub const COST_POINTS: usize = 240;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Metric {
    IncomingBytes,
    IncomingRecords,
    WriteProvisionedThroughputExceeded,
    GetRecordsCalls,
    ReadProvisionedThroughputExceeded,
    /// Highest MillisBehindLatest a GetRecords call returned in the bin.
    MillisBehindLatest,
}

impl Metric {
    pub const ALL: [Metric; 6] = [
        Metric::IncomingBytes,
        Metric::IncomingRecords,
        Metric::WriteProvisionedThroughputExceeded,
        Metric::GetRecordsCalls,
        Metric::ReadProvisionedThroughputExceeded,
        Metric::MillisBehindLatest,
    ];

    /// The CloudWatch metric this corresponds to.
    pub fn cloudwatch_name(self) -> &'static str {
        match self {
            Metric::IncomingBytes => "IncomingBytes",
            Metric::IncomingRecords => "IncomingRecords",
            Metric::WriteProvisionedThroughputExceeded => "WriteProvisionedThroughputExceeded",
            Metric::GetRecordsCalls => "GetRecords.Success",
            Metric::ReadProvisionedThroughputExceeded => "ReadProvisionedThroughputExceeded",
            Metric::MillisBehindLatest => "GetRecords.IteratorAgeMilliseconds",
        }
    }

    /// A provisioned shard's limit for this metric, per second.
    pub fn shard_limit(self) -> Option<u64> {
        match self {
            Metric::IncomingBytes => Some(WRITE_BYTES_PER_SECOND),
            Metric::IncomingRecords => Some(WRITE_RECORDS_PER_SECOND),
            Metric::GetRecordsCalls => Some(GET_RECORDS_PER_SECOND),
            _ => None,
        }
    }
}

/// One shard's numbers over one bin.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bin {
    pub incoming_bytes: u64,
    pub incoming_records: u64,
    pub write_throttled: u64,
    pub get_records_calls: u64,
    pub read_throttled: u64,
    pub millis_behind_latest: Option<u64>,
}

impl Bin {
    /// The metric's value in this bin. Counts are zero when nothing
    /// happened; MillisBehindLatest is `None` when nothing was read.
    pub fn value(&self, m: Metric) -> Option<u64> {
        match m {
            Metric::IncomingBytes => Some(self.incoming_bytes),
            Metric::IncomingRecords => Some(self.incoming_records),
            Metric::WriteProvisionedThroughputExceeded => Some(self.write_throttled),
            Metric::GetRecordsCalls => Some(self.get_records_calls),
            Metric::ReadProvisionedThroughputExceeded => Some(self.read_throttled),
            Metric::MillisBehindLatest => self.millis_behind_latest,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
struct StreamMetrics {
    /// Per shard, per bin start (ms).
    shards: BTreeMap<u32, BTreeMap<u64, Bin>>,
    /// (time, dollars so far).
    cost: Vec<(u64, f64)>,
}

/// A per-shard time series: (bin start in ms, value).
pub type Series = Vec<(u64, Option<u64>)>;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    streams: BTreeMap<String, StreamMetrics>,
    latest_ms: u64,
}

fn bin_in<'a>(
    streams: &'a mut BTreeMap<String, StreamMetrics>,
    at: u64,
    stream: &str,
    shard: u32,
) -> &'a mut Bin {
    // The name is copied only the first time a stream is seen.
    if !streams.contains_key(stream) {
        streams.insert(stream.to_owned(), StreamMetrics::default());
    }
    let s = match streams.get_mut(stream) {
        Some(s) => s,
        None => unreachable!("inserted above"),
    };
    s.shards
        .entry(shard)
        .or_default()
        .entry(bin_of(at))
        .or_default()
}

fn bin_of(at: u64) -> u64 {
    at - at % BIN_MS
}

impl Metrics {
    pub fn new() -> Metrics {
        Metrics::default()
    }

    /// Counts one engine event.
    pub fn observe(&mut self, ev: &Event) {
        let window_before = bin_of(self.latest_ms);
        if let Event::RecordPut { at, .. }
        | Event::PutThrottled { at, .. }
        | Event::RecordsRead { at, .. }
        | Event::ReadThrottled { at, .. } = ev
        {
            self.latest_ms = self.latest_ms.max(*at);
        }
        let streams = &mut self.streams;
        match ev {
            Event::RecordPut {
                at,
                stream,
                shard,
                bytes,
                ..
            } => {
                let b = bin_in(streams, *at, stream, *shard);
                b.incoming_records += 1;
                b.incoming_bytes += *bytes as u64;
            }
            Event::PutThrottled {
                at, stream, shard, ..
            } => bin_in(streams, *at, stream, *shard).write_throttled += 1,
            Event::RecordsRead {
                at,
                stream,
                shard,
                millis_behind,
                ..
            } => {
                let b = bin_in(streams, *at, stream, *shard);
                b.get_records_calls += 1;
                b.millis_behind_latest = Some(b.millis_behind_latest.unwrap_or(0).max(*millis_behind));
            }
            Event::ReadThrottled { at, stream, shard } => {
                bin_in(streams, *at, stream, *shard).read_throttled += 1
            }
            Event::StreamCreated { stream, .. } | Event::StreamDeleted { stream, .. } => {
                streams.remove(stream.as_str());
            }
            _ => {}
        }
        if bin_of(self.latest_ms) != window_before {
            self.trim();
        } else if let Event::RecordPut {
            at, stream, shard, ..
        }
        | Event::PutThrottled {
            at, stream, shard, ..
        }
        | Event::RecordsRead {
            at, stream, shard, ..
        }
        | Event::ReadThrottled { at, stream, shard } = ev
        {
            // The window has not moved, so every other bin is still in it
            // (each call trims): only the one just counted can be too old.
            let oldest = bin_of(self.latest_ms).saturating_sub((WINDOW_BINS - 1) * BIN_MS);
            if bin_of(*at) < oldest {
                if let Some(bins) = self
                    .streams
                    .get_mut(stream.as_str())
                    .and_then(|s| s.shards.get_mut(shard))
                {
                    bins.remove(&bin_of(*at));
                }
            }
        }
    }

    /// Drops bins that fell out of the window.
    fn trim(&mut self) {
        let oldest = bin_of(self.latest_ms).saturating_sub((WINDOW_BINS - 1) * BIN_MS);
        for s in self.streams.values_mut() {
            for bins in s.shards.values_mut() {
                while bins.first_key_value().is_some_and(|(t, _)| *t < oldest) {
                    bins.pop_first();
                }
            }
        }
    }

    /// Records each stream's bill so far at `now` (call it as time passes).
    pub fn sample_cost(&mut self, now: u64, engine: &Engine) {
        self.latest_ms = self.latest_ms.max(now);
        self.trim();
        for s in engine.streams() {
            let dollars = total(&bill(&s.meter));
            let series = &mut self.streams.entry(s.name.clone()).or_default().cost;
            match series.last_mut() {
                Some(last) if last.0 == now => last.1 = dollars,
                Some(last) if last.0 > now => {}
                _ => series.push((now, dollars)),
            }
            if series.len() > COST_POINTS {
                // Keep the first and the last, and every other one between.
                let last = series.pop();
                let mut i = 0;
                series.retain(|_| {
                    i += 1;
                    i % 2 == 1
                });
                series.extend(last);
            }
        }
    }

    /// The window's bins for `metric` on each shard that has any, oldest
    /// first, ending with the bin that holds `now`. Missing count bins are
    /// zero; the shard list is in shard order.
    pub fn series(&self, stream: &str, metric: Metric, now: u64) -> Vec<(u32, Series)> {
        let Some(s) = self.streams.get(stream) else {
            return Vec::new();
        };
        let last = bin_of(now);
        let first = last.saturating_sub((WINDOW_BINS - 1) * BIN_MS);
        s.shards
            .iter()
            .map(|(shard, bins)| {
                let points = (0..WINDOW_BINS)
                    .map(|i| first + i * BIN_MS)
                    .filter(|t| *t <= last)
                    .map(|t| {
                        let v = match bins.get(&t) {
                            Some(b) => b.value(metric),
                            None if metric == Metric::MillisBehindLatest => None,
                            None => Some(0),
                        };
                        (t, v)
                    })
                    .collect();
                (*shard, points)
            })
            .collect()
    }

    /// The stream's cost so far, sampled over time: (ms, dollars).
    pub fn cost(&self, stream: &str) -> &[(u64, f64)] {
        self.streams
            .get(stream)
            .map(|s| s.cost.as_slice())
            .unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::engine::{PutEntry, PutOutcome};

    fn entry(key: &str, bytes: usize) -> PutEntry {
        PutEntry {
            partition_key: key.to_owned(),
            explicit_hash_key: None,
            data: vec![0; bytes],
        }
    }

    /// Puts 2,000 records into one shard within half a second: the bins must add
    /// up to what the engine accepted and what it throttled.
    #[test]
    fn bins_count_what_the_engine_did() {
        let mut e = Engine::new();
        e.create_stream(0, "s", 1).unwrap();
        let batch: Vec<PutEntry> = (0..500).map(|i| entry(&format!("k{i}"), 100)).collect();
        let mut accepted = 0;
        let mut throttled = 0;
        for t in [100, 200, 300, 400] {
            let out = e.put_records(t, "s", &batch).unwrap();
            throttled += out
                .iter()
                .filter(|o| matches!(o, PutOutcome::Throttled { .. }))
                .count() as u64;
            accepted += out
                .iter()
                .filter(|o| matches!(o, PutOutcome::Ok { .. }))
                .count() as u64;
        }
        let mut m = Metrics::new();
        for ev in e.events() {
            m.observe(ev);
        }
        let recs = m.series("s", Metric::IncomingRecords, 900);
        assert_eq!(recs.len(), 1);
        let (shard, points) = &recs[0];
        assert_eq!(*shard, 0);
        assert_eq!(points.last().unwrap(), &(0, Some(accepted)));
        let thr = m.series("s", Metric::WriteProvisionedThroughputExceeded, 900);
        assert_eq!(thr[0].1.last().unwrap().1, Some(throttled));
        assert!(throttled > 0 && accepted > 0);
        let bytes = m.series("s", Metric::IncomingBytes, 900);
        // Each record counts data plus partition key.
        let expected: u64 = e.stream("s").unwrap().shards[0]
            .records
            .iter()
            .map(|r| r.size() as u64)
            .sum();
        assert_eq!(bytes[0].1.last().unwrap().1, Some(expected));
        // Nobody read: the age series has no values.
        let age = m.series("s", Metric::MillisBehindLatest, 900);
        assert!(age[0].1.iter().all(|(_, v)| v.is_none()));
    }

    #[test]
    fn window_slides_and_fills_gaps_with_zero() {
        let mut e = Engine::new();
        e.create_stream(0, "s", 1).unwrap();
        e.put_records(500, "s", &[entry("a", 10)]).unwrap();
        e.put_records(90_500, "s", &[entry("a", 10)]).unwrap();
        let mut m = Metrics::new();
        for ev in e.events() {
            m.observe(ev);
        }
        let s = m.series("s", Metric::IncomingRecords, 90_500);
        let points = &s[0].1;
        assert_eq!(points.len() as u64, WINDOW_BINS);
        assert_eq!(points.last().unwrap(), &(90_000, Some(1)));
        // The put at 0.5 s fell out of the 60 s window.
        assert_eq!(points.iter().filter_map(|(_, v)| *v).sum::<u64>(), 1);
    }

    #[test]
    fn reads_give_calls_and_age() {
        let mut e = Engine::new();
        e.create_stream(0, "s", 1).unwrap();
        e.put_records(0, "s", &[entry("a", 10), entry("b", 10)]).unwrap();
        let it = e
            .get_shard_iterator(5_000, "s", "shardId-000000000000", "TRIM_HORIZON", None, None)
            .unwrap();
        let r = e.get_records(5_000, &it, Some(1)).unwrap();
        assert!(r.millis_behind_latest > 0);
        let mut m = Metrics::new();
        for ev in e.events() {
            m.observe(ev);
        }
        let calls = m.series("s", Metric::GetRecordsCalls, 5_000);
        assert_eq!(calls[0].1.last().unwrap().1, Some(1));
        let age = m.series("s", Metric::MillisBehindLatest, 5_000);
        assert_eq!(age[0].1.last().unwrap().1, Some(r.millis_behind_latest));
    }

    #[test]
    fn cost_follows_the_bill_and_stays_bounded() {
        let mut e = Engine::new();
        e.create_stream(0, "s", 2).unwrap();
        let mut m = Metrics::new();
        for h in 0..1000u64 {
            e.advance_to(h * 3_600_000);
            m.sample_cost(h * 3_600_000, &e);
        }
        let c = m.cost("s");
        assert!(c.len() <= COST_POINTS + 1);
        assert_eq!(c.first().unwrap().0, 0);
        let (t, dollars) = *c.last().unwrap();
        assert_eq!(t, 999 * 3_600_000);
        let bill_now = total(&bill(&e.stream("s").unwrap().meter));
        assert!((dollars - bill_now).abs() < 1e-12);
        assert!(c.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1));
    }

    #[test]
    fn a_recreated_stream_starts_afresh() {
        let mut e = Engine::new();
        e.create_stream(0, "s", 1).unwrap();
        e.put_records(10, "s", &[entry("a", 10)]).unwrap();
        e.delete_stream(20, "s").unwrap();
        let mut m = Metrics::new();
        for ev in e.events() {
            m.observe(ev);
        }
        assert!(m.series("s", Metric::IncomingRecords, 30).is_empty());
    }
}
