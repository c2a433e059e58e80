//! Exactly-once read-process-write, demonstrated on the cluster model.
//!
//! A processor reads `input`, writes one output record per input record to
//! `output`, and crashes once. With transactions (`exactly_once = true`) the
//! outputs and the input offsets go in one transaction: the crash leaves it
//! open, the restarted instance's `initTransactions` aborts it and fences the
//! old one, the new member re-reads from the committed offsets, and a
//! `read_committed` reader sees every output exactly once. Without (plain
//! at-least-once: send, then commit the offsets), the crash comes after the
//! sends and before the offset commit, so the restarted processor sends those
//! outputs again and the reader sees duplicates, even though the producer is
//! idempotent: idempotence removes retried batches, not reprocessing.
//! Exactly-once covers Kafka-to-Kafka only; side effects elsewhere need their
//! own coordination (Kafka design docs, "Message Delivery Semantics").

use std::collections::BTreeMap;

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::group::ConsumerOptions;
use super::{Assignor, Cluster, EntryView, TimedEvent, TopicConfig};

/// Lab limit for [`eos_demo`].
pub const EOS_MAX_MESSAGES: u32 = 10_000;
/// Records the processor takes per poll in the demo.
pub const EOS_BATCH: u32 = 10;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EosOutcome {
    pub messages: u32,
    pub exactly_once: bool,
    pub crash_after: u32,
    /// Whether the crash happened (1 ≤ crash_after ≤ messages).
    pub crashed: bool,
    /// Output records the `read_committed` reader got.
    pub committed_outputs: u64,
    /// Distinct input ids among them.
    pub distinct_outputs: u64,
    /// `committed_outputs − distinct_outputs`.
    pub duplicate_outputs: u64,
    /// Input ids with no output the reader saw.
    pub missing_outputs: u64,
    /// Output records in the log that belong to aborted transactions.
    pub aborted_outputs: u64,
    /// Output records a `read_uncommitted` reader got (aborted ones too).
    pub uncommitted_reader_outputs: u64,
    /// Extra times input records were processed (sum over ids of count − 1).
    pub reprocessed: u64,
    /// The crashed instance's commit attempt was refused with PRODUCER_FENCED.
    pub zombie_fenced: bool,
    pub finished_at_ms: u64,
    pub events: Vec<TimedEvent>,
}

/// Runs the read-process-write loop on a fresh cluster (deterministic for
/// the arguments). `messages` is capped at [`EOS_MAX_MESSAGES`]; the crash
/// happens right after the `crash_after`-th record is processed (0 or more
/// than `messages`: no crash).
pub fn eos_demo(messages: u32, crash_after: u32, exactly_once: bool, seed: u64) -> EosOutcome {
    let messages = messages.min(EOS_MAX_MESSAGES);
    let mut out = EosOutcome {
        messages,
        exactly_once,
        crash_after,
        crashed: false,
        committed_outputs: 0,
        distinct_outputs: 0,
        duplicate_outputs: 0,
        missing_outputs: 0,
        aborted_outputs: 0,
        uncommitted_reader_outputs: 0,
        reprocessed: 0,
        zombie_fenced: false,
        finished_at_ms: 0,
        events: Vec::new(),
    };
    let cfg = TopicConfig {
        partitions: 3,
        retention_ms: -1,
        retention_bytes: -1,
        segment_records: 100,
    };
    let Ok(mut c) = Cluster::new("input", cfg.clone(), seed) else {
        return out;
    };
    let mut now: u64 = 0;
    if c.create_topic(now, "output", cfg).is_err() {
        return out;
    }
    let mut rng = crate::rng::component_rng(seed, "kafka-eos-keys");
    for id in 1..=u64::from(messages) {
        let key = format!("k{}", rng.random_range(0..8u32));
        let _ = c.produce(now, id, &key, 100);
        now += 10;
    }
    let opts = ConsumerOptions::new(Assignor::Range).earliest();
    let tid = "processor-tx";
    let mut member = String::from("p01");
    if c.join_in(now, "input", "processor", &member, opts.clone())
        .is_err()
    {
        return out;
    }
    let init = |c: &mut Cluster, now: u64| {
        c.init_producer(now, if exactly_once { Some(tid) } else { None })
    };
    let Ok(mut producer) = init(&mut c, now) else {
        return out;
    };
    let mut processed: BTreeMap<u64, u64> = BTreeMap::new();
    let mut total: u32 = 0;
    // Done when every input partition's committed offset reached its end
    // (a partition that got no records needs no commit).
    let done = |c: &Cluster| {
        (0..c.partitions()).all(|p| c.committed("processor", p).unwrap_or(0) >= c.offsets(p).1)
    };

    for _ in 0..200_000u32 {
        if done(&c) {
            break;
        }
        now += 100;
        let Ok(batch) = c.poll(now, "processor", &member, EOS_BATCH) else {
            break;
        };
        if batch.is_empty() {
            if let Some(d) = c.next_deadline() {
                now = now.max(d);
            }
            continue;
        }
        if exactly_once && c.begin_transaction(now, &mut producer).is_err() {
            break;
        }
        let mut next: BTreeMap<u32, u64> = BTreeMap::new();
        let mut crash = false;
        for r in &batch {
            *processed.entry(r.id).or_insert(0) += 1;
            total += 1;
            let _ = c.send(
                now,
                &mut producer,
                "output",
                r.id,
                &format!("{}-out", r.key),
                100,
            );
            next.insert(r.partition, r.offset + 1);
            if !out.crashed && total == crash_after {
                crash = true;
                break;
            }
        }
        if crash {
            out.crashed = true;
            let zombie = producer.clone();
            let _ = c.kill(now, "processor", &member);
            member = String::from("p02");
            if c.join_in(now, "input", "processor", &member, opts.clone())
                .is_err()
            {
                break;
            }
            let Ok(p) = init(&mut c, now) else { break };
            producer = p;
            if exactly_once {
                let mut z = zombie;
                out.zombie_fenced = c
                    .commit_transaction(now, &mut z)
                    .is_err_and(|e| e.code == "PRODUCER_FENCED");
            }
            continue;
        }
        let offsets: Vec<(u32, u64)> = next.into_iter().collect();
        if exactly_once {
            if c.send_offsets_to_transaction(now, &producer, "processor", &offsets)
                .is_err()
                || c.commit_transaction(now, &mut producer).is_err()
            {
                break;
            }
        } else {
            for (p, o) in offsets {
                let _ = c.commit(now, "processor", p, o);
            }
        }
    }

    // Two readers of the output, from the earliest offset.
    let committed = read_all(
        &mut c,
        &mut now,
        "reader",
        ConsumerOptions::new(Assignor::Range)
            .earliest()
            .read_committed(),
    );
    let raw = read_all(
        &mut c,
        &mut now,
        "raw-reader",
        ConsumerOptions::new(Assignor::Range).earliest(),
    );
    let mut seen: BTreeMap<u64, u64> = BTreeMap::new();
    for id in &committed {
        *seen.entry(*id).or_insert(0) += 1;
    }
    out.committed_outputs = committed.len() as u64;
    out.distinct_outputs = seen.len() as u64;
    out.duplicate_outputs = out.committed_outputs - out.distinct_outputs;
    out.missing_outputs = (1..=u64::from(messages))
        .filter(|id| !seen.contains_key(id))
        .count() as u64;
    out.uncommitted_reader_outputs = raw.len() as u64;
    out.reprocessed = processed.values().map(|n| n.saturating_sub(1)).sum();
    for p in 0..c.partitions_in("output").unwrap_or(0) {
        let end = c.offsets_in("output", p).map_or(0, |o| o.1);
        out.aborted_outputs += c
            .entries_in("output", p, 0, end as usize)
            .iter()
            .filter(|e| matches!(e, EntryView::Record { aborted: true, .. }))
            .count() as u64;
    }
    out.finished_at_ms = c.now();
    out.events = c.events();
    out
}

/// Joins a one-member group on `output` and polls until nothing is left.
fn read_all(c: &mut Cluster, now: &mut u64, group: &str, opts: ConsumerOptions) -> Vec<u64> {
    let mut ids = Vec::new();
    if c.join_in(*now, "output", group, "r01", opts).is_err() {
        return ids;
    }
    // Wait for the group's first rebalance.
    while let Some(d) = c.next_deadline() {
        if c.members(group).iter().any(|m| !m.partitions.is_empty()) {
            break;
        }
        *now = (*now).max(d);
        c.advance_to(*now);
    }
    for _ in 0..100_000u32 {
        *now += 100;
        match c.poll(*now, group, "r01", 500) {
            Ok(batch) if !batch.is_empty() => ids.extend(batch.iter().map(|r| r.id)),
            _ => break,
        }
    }
    ids
}
