//! The Kinesis column of the compare page: the existing engine
//! ([`crate::stream::engine::Engine`]) with one stream, read by KCL
//! applications ([`crate::consumer::kcl::KclApplication`], the Kinesis way
//! of having "consumer groups") and by AT_TIMESTAMP readers (a replay).
//! Nothing of Kinesis is re-implemented here: this file routes the
//! workload's messages into PutRecords, steps the KCL, and turns what the
//! KCL and GetRecords hand out back into the workload's message ids.
//!
//! Message ids: the engine gives every record a sequence index per shard,
//! counting up from 0 with no gaps (a throttled record gets none), so a
//! table per shard maps (shard, sequence index) → message id.

use crate::consumer::kcl::{KclApplication, KclConfig, KclEvent, TakeReason};
use crate::consumer::DEFAULT_POLL_MS;
use crate::hash::{HashKey, ShardId};
use crate::stream::engine::{Engine, PutEntry, PutOutcome, MAX_PUT_RECORDS, MAX_PUT_RECORDS_BYTES};
use std::collections::{BTreeMap, BTreeSet};

/// The stream every comparison uses.
pub const STREAM: &str = "compare";

/// A record handed to a reader: which group (index into
/// [`KinesisSide::groups`]), which worker or reader, which message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handed {
    pub group: usize,
    pub consumer: String,
    pub id: u64,
    pub at: u64,
}

/// Something the Kinesis column reports for the event log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KinesisNote {
    /// A lease changed hands: `reason` is "expired" (failover after a
    /// worker stopped renewing), "stolen" (load balancing) or "new".
    LeaseMoved {
        group: String,
        lease: String,
        to: String,
        from: Option<String>,
        reason: &'static str,
    },
    /// A batch held records this application had already processed.
    Redelivered {
        group: String,
        consumer: String,
        records: u64,
    },
    /// A parent shard was read to its end; its children are next.
    ShardEnded { group: String, lease: String },
}

/// A reader that starts every shard at AT_TIMESTAMP and polls GetRecords
/// once a second per shard, parents before children (what a replay job or
/// a KCL application started at a timestamp does).
#[derive(Clone, Debug, PartialEq)]
pub struct TimestampReader {
    pub name: String,
    pub from_ms: u64,
    cursors: BTreeMap<u32, Cursor>,
    finished: BTreeSet<u32>,
    next_at: u64,
}

#[derive(Clone, Debug, PartialEq)]
struct Cursor {
    iterator: Option<String>,
    after: Option<String>,
}

/// One "group" of the Kinesis column.
#[derive(Clone, Debug, PartialEq)]
pub enum KGroup {
    Kcl(KclApplication),
    Reader(TimestampReader),
}

impl KGroup {
    pub fn name(&self) -> &str {
        match self {
            KGroup::Kcl(a) => &a.name,
            KGroup::Reader(r) => &r.name,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct KinesisSide {
    pub engine: Engine,
    pub groups: Vec<KGroup>,
    /// Per shard index, sequence index → message id.
    ids: Vec<Vec<u64>>,
    /// Records put per shard (to find the hottest).
    puts: Vec<u64>,
    /// Throttled records to put again: (when, id).
    retry: BTreeSet<(u64, u64)>,
    pub throttled: u64,
    seed: u64,
}

/// Back-off before a throttled record is put again (the SDK retries; the
/// figure is ours: a model parameter, not an AWS number).
pub const PUT_RETRY_MS: u64 = 100;

impl KinesisSide {
    /// A stream of `shards` shards and KCL application `app-1` with
    /// `workers` workers starting at TRIM_HORIZON.
    pub fn new(shards: u32, workers: u32, seed: u64, now: u64) -> Result<KinesisSide, String> {
        let mut engine = Engine::new();
        engine
            .create_stream(now, STREAM, shards)
            .map_err(|e| e.to_string())?;
        let mut side = KinesisSide {
            engine,
            groups: Vec::new(),
            ids: vec![Vec::new(); shards as usize],
            puts: vec![0; shards as usize],
            retry: BTreeSet::new(),
            throttled: 0,
            seed,
        };
        side.add_app("app-1", workers, now)?;
        Ok(side)
    }

    /// A new KCL application (its own lease table) with `workers` workers,
    /// from TRIM_HORIZON. Returns its group index.
    pub fn add_app(&mut self, name: &str, workers: u32, now: u64) -> Result<usize, String> {
        let mut app = KclApplication::new(
            name,
            STREAM,
            KclConfig::default(),
            self.seed,
            &self.engine,
            now,
        )
        .map_err(|e| e.to_string())?;
        for _ in 0..workers {
            app.add_worker(now).map_err(|e| e.to_string())?;
        }
        // The start-up events (leases created, workers started) are not news.
        app.take_events();
        self.groups.push(KGroup::Kcl(app));
        Ok(self.groups.len() - 1)
    }

    /// A reader from AT_TIMESTAMP `from_ms`. Returns its group index.
    pub fn add_reader(&mut self, name: &str, from_ms: u64, now: u64) -> usize {
        self.groups.push(KGroup::Reader(TimestampReader {
            name: name.to_owned(),
            from_ms,
            cursors: BTreeMap::new(),
            finished: BTreeSet::new(),
            next_at: now,
        }));
        self.groups.len() - 1
    }

    /// PutRecords for these (id, key) messages, in order; throttled ones
    /// are put again after [`PUT_RETRY_MS`]. Returns the ids accepted.
    pub fn put(&mut self, now: u64, msgs: &[(u64, &str)], bytes: u32) -> Vec<u64> {
        let mut accepted = Vec::new();
        let size = bytes as usize;
        let mut start = 0;
        while start < msgs.len() {
            let mut end = start;
            let mut total = 0usize;
            while end < msgs.len()
                && end - start < MAX_PUT_RECORDS
                && (end == start || total + size + msgs[end].1.len() <= MAX_PUT_RECORDS_BYTES)
            {
                total += size + msgs[end].1.len();
                end += 1;
            }
            let entries: Vec<PutEntry> = msgs[start..end]
                .iter()
                .map(|(_, k)| PutEntry {
                    partition_key: (*k).to_owned(),
                    explicit_hash_key: None,
                    data: vec![0u8; size],
                })
                .collect();
            match self.engine.put_records(now, STREAM, &entries) {
                Ok(out) => {
                    for ((id, _), o) in msgs[start..end].iter().zip(out) {
                        match o {
                            PutOutcome::Ok { shard, seq } => {
                                let s = shard as usize;
                                if self.ids.len() <= s {
                                    self.ids.resize(s + 1, Vec::new());
                                    self.puts.resize(s + 1, 0);
                                }
                                let table = &mut self.ids[s];
                                let idx = seq.seq_index as usize;
                                if table.len() <= idx {
                                    table.resize(idx + 1, u64::MAX);
                                }
                                table[idx] = *id;
                                self.puts[s] += 1;
                                accepted.push(*id);
                            }
                            PutOutcome::Throttled { .. } => {
                                self.throttled += 1;
                                self.retry.insert((now + PUT_RETRY_MS, *id));
                            }
                        }
                    }
                }
                Err(_) => {
                    for (id, _) in &msgs[start..end] {
                        self.retry.insert((now + PUT_RETRY_MS, *id));
                    }
                }
            }
            start = end;
        }
        accepted
    }

    /// Ids whose put is due again at or before `now` (taken out).
    pub fn due_retries(&mut self, now: u64) -> Vec<u64> {
        let mut out = Vec::new();
        while let Some(&(t, id)) = self.retry.first() {
            if t > now {
                break;
            }
            self.retry.pop_first();
            out.push(id);
        }
        out
    }

    fn id_of(&self, shard: u32, seq_index: u64) -> Option<u64> {
        self.ids
            .get(shard as usize)
            .and_then(|t| t.get(seq_index as usize))
            .copied()
            .filter(|&id| id != u64::MAX)
    }

    pub fn next_deadline(&self) -> Option<u64> {
        let mut next = self.engine.next_deadline();
        let mut consider = |t: u64| next = Some(next.map_or(t, |n: u64| n.min(t)));
        if let Some(&(t, _)) = self.retry.first() {
            consider(t);
        }
        for g in &self.groups {
            match g {
                KGroup::Kcl(a) => {
                    if let Some(t) = a.next_deadline() {
                        consider(t);
                    }
                }
                KGroup::Reader(r) => {
                    if r.finished.len()
                        < self
                            .engine
                            .stream(STREAM)
                            .map(|s| s.shards.len())
                            .unwrap_or(0)
                    {
                        consider(r.next_at);
                    }
                }
            }
        }
        next
    }

    /// Runs everything due at `now`: retention, every application and
    /// reader. Records handed out go to `out`, news to `notes`.
    pub fn step(&mut self, now: u64, out: &mut Vec<Handed>, notes: &mut Vec<KinesisNote>) {
        self.engine.advance_to(now);
        for g in 0..self.groups.len() {
            let ready = match &self.groups[g] {
                KGroup::Kcl(a) => a.next_deadline().is_some_and(|t| t <= now),
                KGroup::Reader(r) => r.next_at <= now,
            };
            if !ready {
                continue;
            }
            let group = g;
            match &mut self.groups[g] {
                KGroup::Kcl(app) => {
                    app.step(&mut self.engine, now);
                    let events = app.take_events();
                    let name = app.name.clone();
                    for e in events {
                        self.note(group, &name, e, out, notes);
                    }
                }
                KGroup::Reader(_) => self.poll_reader(group, now, out),
            }
        }
        // The engine's own log is not used here; keep it from growing.
        self.engine.take_events();
    }

    fn note(
        &self,
        group: usize,
        app: &str,
        e: KclEvent,
        out: &mut Vec<Handed>,
        notes: &mut Vec<KinesisNote>,
    ) {
        match e {
            KclEvent::RecordsProcessed {
                at,
                lease,
                worker,
                first,
                last,
                duplicates,
                ..
            } => {
                let Some(shard) = crate::stream::engine::parse_shard_id(&lease) else {
                    return;
                };
                for seq in first..=last {
                    if let Some(id) = self.id_of(shard, seq) {
                        out.push(Handed {
                            group,
                            consumer: worker.clone(),
                            id,
                            at,
                        });
                    }
                }
                if duplicates > 0 {
                    notes.push(KinesisNote::Redelivered {
                        group: app.to_owned(),
                        consumer: worker,
                        records: duplicates,
                    });
                }
            }
            KclEvent::LeaseTaken {
                lease,
                worker,
                from,
                how,
                ..
            } => notes.push(KinesisNote::LeaseMoved {
                group: app.to_owned(),
                lease,
                to: worker,
                from,
                reason: match how {
                    TakeReason::Unassigned => "new",
                    TakeReason::Expired => "expired",
                    TakeReason::Reclaimed => "reclaimed",
                },
            }),
            KclEvent::LeaseStolen {
                lease,
                worker,
                from,
                ..
            } => notes.push(KinesisNote::LeaseMoved {
                group: app.to_owned(),
                lease,
                to: worker,
                from: Some(from),
                reason: "stolen",
            }),
            KclEvent::ShardEnded { lease, .. } => notes.push(KinesisNote::ShardEnded {
                group: app.to_owned(),
                lease,
            }),
            _ => {}
        }
    }

    fn poll_reader(&mut self, group: usize, now: u64, out: &mut Vec<Handed>) {
        let KGroup::Reader(r) = &mut self.groups[group] else {
            return;
        };
        r.next_at = now + DEFAULT_POLL_MS;
        let Ok(s) = self.engine.stream(STREAM) else {
            return;
        };
        let live: BTreeSet<u32> = s.live_shards(now).map(|sh| sh.index).collect();
        let ready: Vec<(u32, bool)> = s
            .live_shards(now)
            .filter(|sh| !r.finished.contains(&sh.index))
            .filter(|sh| {
                [sh.parent, sh.adjacent_parent]
                    .into_iter()
                    .flatten()
                    .all(|p| r.finished.contains(&p) || !live.contains(&p))
            })
            .map(|sh| (sh.index, sh.parent.is_some()))
            .collect();
        let name = r.name.clone();
        for (shard, is_child) in ready {
            let KGroup::Reader(r) = &mut self.groups[group] else {
                return;
            };
            let from_ms = r.from_ms;
            let cursor = r.cursors.entry(shard).or_insert(Cursor {
                iterator: None,
                after: None,
            });
            let it = match cursor.iterator.take() {
                Some(it) => it,
                None => {
                    let id = ShardId(shard).to_string();
                    let got = match (&cursor.after, is_child) {
                        (Some(a), _) => self.engine.get_shard_iterator(
                            now,
                            STREAM,
                            &id,
                            "AFTER_SEQUENCE_NUMBER",
                            Some(a),
                            None,
                        ),
                        (None, true) => self.engine.get_shard_iterator(
                            now,
                            STREAM,
                            &id,
                            "TRIM_HORIZON",
                            None,
                            None,
                        ),
                        (None, false) => self.engine.get_shard_iterator(
                            now,
                            STREAM,
                            &id,
                            "AT_TIMESTAMP",
                            None,
                            Some(from_ms),
                        ),
                    };
                    match got {
                        Ok(it) => it,
                        Err(_) => continue,
                    }
                }
            };
            let Ok(res) = self.engine.get_records(now, &it, None) else {
                continue;
            };
            let mut ids = Vec::with_capacity(res.records.len());
            for rec in &res.records {
                if let Some(id) = self.id_of(shard, rec.seq.seq_index) {
                    ids.push(id);
                }
            }
            let KGroup::Reader(r) = &mut self.groups[group] else {
                return;
            };
            let cursor = r.cursors.entry(shard).or_insert(Cursor {
                iterator: None,
                after: None,
            });
            if let Some(last) = res.records.last() {
                cursor.after = Some(last.seq.to_string());
            }
            cursor.iterator = res.next_iterator.clone();
            if res.next_iterator.is_none() {
                r.finished.insert(shard);
            }
            for id in ids {
                out.push(Handed {
                    group,
                    consumer: name.clone(),
                    id,
                    at: now,
                });
            }
        }
    }

    /// Kills worker `n` (1-based, in the order they were started) of group
    /// `group`; returns its identifier.
    pub fn kill_worker(&mut self, group: usize, n: u32, now: u64) -> Result<String, String> {
        let Some(KGroup::Kcl(app)) = self.groups.get_mut(group) else {
            return Err("no such KCL application".into());
        };
        let Some(w) = app.workers().get((n as usize).wrapping_sub(1)) else {
            return Err(format!(
                "the application has {} workers",
                app.workers().len()
            ));
        };
        let id = w.id.clone();
        app.kill_worker(&id, now).map_err(|e| e.to_string())?;
        app.take_events();
        Ok(id)
    }

    /// Whether worker `n` of `group` could be killed now.
    pub fn can_kill(&self, group: usize, n: u32) -> bool {
        matches!(self.groups.get(group), Some(KGroup::Kcl(app))
            if app.workers().get((n as usize).wrapping_sub(1)).is_some_and(|w| w.alive))
    }

    /// The open shard that took the most records.
    pub fn hottest_shard(&self) -> Option<u32> {
        let s = self.engine.stream(STREAM).ok()?;
        s.open_shards()
            .max_by_key(|sh| {
                (
                    self.puts.get(sh.index as usize).copied().unwrap_or(0),
                    std::cmp::Reverse(sh.index),
                )
            })
            .map(|sh| sh.index)
    }

    /// Whether SplitShard may run now (the stream is not mid-reshard).
    pub fn can_split(&self, now: u64) -> bool {
        self.engine
            .stream(STREAM)
            .is_ok_and(|s| s.updating_until_ms <= now && s.open_shards().count() < 64)
    }

    /// SplitShard of the hottest open shard at the middle of its hash range.
    pub fn split_hottest(&mut self, now: u64) -> Result<(u32, [u32; 2]), String> {
        let shard = self.hottest_shard().ok_or("no open shard")?;
        let s = self.engine.stream(STREAM).map_err(|e| e.to_string())?;
        let range = s.shards[shard as usize].range;
        let mid = HashKey(range.start.0 + (range.end.0 - range.start.0) / 2 + 1);
        let children = self
            .engine
            .split_shard(now, STREAM, &ShardId(shard).to_string(), &mid.to_string())
            .map_err(|e| e.to_string())?;
        self.engine.take_events();
        Ok((shard, children))
    }

    /// Records still in the stream (any shard, within retention).
    pub fn readable(&self) -> u64 {
        self.engine
            .stream(STREAM)
            .map(|s| s.shards.iter().map(|sh| sh.records.len() as u64).sum())
            .unwrap_or(0)
    }

    /// Per shard still holding records or open: (label, open, ids oldest first).
    pub fn lanes(&self) -> Vec<(u32, bool, Vec<u64>)> {
        let Ok(s) = self.engine.stream(STREAM) else {
            return Vec::new();
        };
        s.shards
            .iter()
            .filter(|sh| sh.closed_ms.is_none() || !sh.records.is_empty())
            .map(|sh| {
                let ids = sh
                    .records
                    .iter()
                    .filter_map(|r| self.id_of(sh.index, r.seq.seq_index))
                    .collect();
                (sh.index, sh.closed_ms.is_none(), ids)
            })
            .collect()
    }
}
