//! The Kinesis Client Library (KCL), simulated: an application's workers
//! share the shards of one stream through a lease table, renew their leases,
//! take leases nobody renews, steal from busier workers to even out the load,
//! and checkpoint how far their record processors got.
//!
//! What is modelled, after the KCL 2.x lease coordinator:
//!
//! - **Leases.** One row per shard in the application's own table
//!   ([`Lease`], with the table's attribute names). Every renewal, take and
//!   checkpoint raises `leaseCounter`; writes are conditional on the counter
//!   the writer last saw, as the KCL's DynamoDB updates are.
//! - **Renewer.** Every `failoverTimeMillis / 3 − epsilonMillis` a worker
//!   renews each lease it holds. A renewal that finds another owner or
//!   another counter means the lease was taken: the worker drops it.
//! - **Taker.** Every `(failoverTimeMillis + epsilonMillis) × 2` a worker
//!   scans the table. It notes when it last saw each lease's counter change;
//!   a lease whose counter has not moved for `failoverTimeMillis` is
//!   expired. Counting the leases each live worker holds, it aims for
//!   `ceil(leases / workers)` (1 when there are at least as many workers as
//!   leases), takes unowned or expired leases up to that, and otherwise
//!   steals from the most loaded worker, at most
//!   `maxLeasesToStealAtOneTime` (1) at a time. Leases unrenewed for three
//!   failover times, and leases nobody ever took, are taken first whatever
//!   the target, as the KCL does.
//! - **Record processors.** One per held lease. A child shard's processor
//!   waits (re-checking every `parentShardPollIntervalMillis`) until every
//!   parent lease is checkpointed at SHARD_END. Then it calls GetRecords on
//!   the engine every `idleTimeBetweenReadsInMillis`, starting after the
//!   lease's checkpoint, and checkpoints by the application's policy (every
//!   N ms or every N records). At the end of a closed shard it checkpoints
//!   SHARD_END and creates leases for the child shards.
//! - **Failures.** A killed worker stops renewing and processing, without
//!   checkpointing; its leases expire and other workers take them, resuming
//!   after the last checkpoint, so what it processed since then is processed
//!   again. A restarted worker keeps its identifier and, as the KCL's renewer
//!   does at start-up, takes back the leases still in its name. Duplicates
//!   are counted per application and per record.
//!
//! Simplifications, said plainly: processing takes no time, a finished
//! (SHARD_END) lease stays in the table and is no longer taken or counted
//! (the KCL deletes it later), DynamoDB never throttles, and sub-sequence
//! numbers stay 0 (no aggregated records here).
//!
//! Sans-IO and deterministic like the rest of core: time is passed in,
//! state is in `Vec`s and `BTreeMap`s, and the taker's shuffles come from
//! the application's seeded generator.

mod lease;
#[cfg(test)]
mod tests;

pub use lease::{Checkpoint, Lease};

use crate::api::error::ErrorType;
use crate::hash::ShardId;
use crate::rng::{component_rng, ComponentRng};
use crate::stream::engine::{Engine, Record};
use crate::traffic::Traffic;
use rand::seq::SliceRandom;
use rand::Rng;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// `failoverTimeMillis`: a lease not renewed for this long may be taken.
pub const FAILOVER_TIME_MILLIS: u64 = 10_000;
/// `epsilonMillis`: slack in the renewal and taking intervals.
pub const EPSILON_MILLIS: u64 = 25;
/// `maxLeasesForWorker`: Java's `Integer.MAX_VALUE`, i.e. no limit.
pub const MAX_LEASES_FOR_WORKER: u32 = i32::MAX as u32;
/// `maxLeasesToStealAtOneTime`.
pub const MAX_LEASES_TO_STEAL_AT_ONE_TIME: u32 = 1;
/// `idleTimeBetweenReadsInMillis`: one GetRecords per shard per second.
pub const IDLE_TIME_BETWEEN_READS_MILLIS: u64 = 1_000;
/// `maxRecords` per GetRecords call.
pub const MAX_RECORDS: usize = 10_000;
/// `parentShardPollIntervalMillis`: how often a waiting child looks again.
pub const PARENT_SHARD_POLL_INTERVAL_MILLIS: u64 = 10_000;
/// `shardSyncIntervalMillis`: how often new shards get leases.
pub const SHARD_SYNC_INTERVAL_MILLIS: u64 = 60_000;
/// A lease unrenewed for this many failover times is taken first.
pub const VERY_OLD_LEASE_MULTIPLIER: u64 = 3;
/// Workers one application may have in the lab.
pub const MAX_WORKERS: u32 = 12;
/// Bounds of the checkpoint policy.
pub const MAX_CHECKPOINT_INTERVAL_MILLIS: u64 = 3_600_000;
pub const MAX_CHECKPOINT_EVERY_RECORDS: u64 = 1_000_000;

/// Where a new application starts in shards that have no parent
/// (`initialPositionInStream`). Child shards always start at TRIM_HORIZON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InitialPosition {
    TrimHorizon,
    Latest,
}

/// When the record processor checkpoints (the application's choice; the
/// KCL only offers the call).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "every", content = "n", rename_all = "snake_case")]
pub enum CheckpointPolicy {
    /// After a batch, once this many simulated ms have passed since the last.
    Millis(u64),
    /// After a batch, once this many records were processed since the last.
    Records(u64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct KclConfig {
    pub failover_time_millis: u64,
    pub epsilon_millis: u64,
    pub max_leases_for_worker: u32,
    pub max_leases_to_steal_at_one_time: u32,
    pub idle_time_between_reads_millis: u64,
    pub max_records: usize,
    pub parent_shard_poll_interval_millis: u64,
    pub shard_sync_interval_millis: u64,
    pub initial_position: InitialPosition,
    pub checkpoint: CheckpointPolicy,
}

impl Default for KclConfig {
    fn default() -> Self {
        KclConfig {
            failover_time_millis: FAILOVER_TIME_MILLIS,
            epsilon_millis: EPSILON_MILLIS,
            max_leases_for_worker: MAX_LEASES_FOR_WORKER,
            max_leases_to_steal_at_one_time: MAX_LEASES_TO_STEAL_AT_ONE_TIME,
            idle_time_between_reads_millis: IDLE_TIME_BETWEEN_READS_MILLIS,
            max_records: MAX_RECORDS,
            parent_shard_poll_interval_millis: PARENT_SHARD_POLL_INTERVAL_MILLIS,
            shard_sync_interval_millis: SHARD_SYNC_INTERVAL_MILLIS,
            initial_position: InitialPosition::TrimHorizon,
            checkpoint: CheckpointPolicy::Millis(5_000),
        }
    }
}

impl KclConfig {
    /// How often a worker renews its leases: a third of the failover time,
    /// less epsilon (3,308 ms by default).
    pub fn renewer_interval_millis(&self) -> u64 {
        (self.failover_time_millis / 3)
            .saturating_sub(self.epsilon_millis)
            .max(1)
    }

    /// How often a worker looks for leases to take: twice the failover time
    /// plus epsilon (20,050 ms by default).
    pub fn taker_interval_millis(&self) -> u64 {
        (self.failover_time_millis + self.epsilon_millis) * 2
    }

    pub fn validate(&self) -> Result<(), KclError> {
        let range = |field, v: u64, min: u64, max: u64| {
            if (min..=max).contains(&v) {
                Ok(())
            } else {
                Err(KclError::new(field, KclProblem::OutOfRange { min, max }))
            }
        };
        range(
            KclField::FailoverTimeMillis,
            self.failover_time_millis,
            1_000,
            600_000,
        )?;
        range(KclField::EpsilonMillis, self.epsilon_millis, 0, 300)?;
        range(
            KclField::MaxLeasesForWorker,
            self.max_leases_for_worker as u64,
            1,
            MAX_LEASES_FOR_WORKER as u64,
        )?;
        range(
            KclField::MaxLeasesToStealAtOneTime,
            self.max_leases_to_steal_at_one_time as u64,
            1,
            100,
        )?;
        range(
            KclField::IdleTimeBetweenReadsInMillis,
            self.idle_time_between_reads_millis,
            1,
            60_000,
        )?;
        range(KclField::MaxRecords, self.max_records as u64, 1, 10_000)?;
        range(
            KclField::ParentShardPollIntervalMillis,
            self.parent_shard_poll_interval_millis,
            1,
            600_000,
        )?;
        range(
            KclField::ShardSyncIntervalMillis,
            self.shard_sync_interval_millis,
            1_000,
            3_600_000,
        )?;
        validate_policy(self.checkpoint)
    }
}

fn validate_policy(p: CheckpointPolicy) -> Result<(), KclError> {
    let (field, v, max) = match p {
        CheckpointPolicy::Millis(ms) => (
            KclField::CheckpointIntervalMillis,
            ms,
            MAX_CHECKPOINT_INTERVAL_MILLIS,
        ),
        CheckpointPolicy::Records(n) => (
            KclField::CheckpointEveryRecords,
            n,
            MAX_CHECKPOINT_EVERY_RECORDS,
        ),
    };
    if (1..=max).contains(&v) {
        Ok(())
    } else {
        Err(KclError::new(field, KclProblem::OutOfRange { min: 1, max }))
    }
}

/// The setting or name an error is about, spelled as the KCL spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum KclField {
    ApplicationName,
    StreamName,
    WorkerIdentifier,
    Workers,
    FailoverTimeMillis,
    EpsilonMillis,
    MaxLeasesForWorker,
    MaxLeasesToStealAtOneTime,
    IdleTimeBetweenReadsInMillis,
    MaxRecords,
    ParentShardPollIntervalMillis,
    ShardSyncIntervalMillis,
    /// The record processor's checkpoint interval in ms (application setting).
    CheckpointIntervalMillis,
    /// The record processor's checkpoint interval in records.
    CheckpointEveryRecords,
}

impl KclField {
    pub fn name(self) -> &'static str {
        match self {
            KclField::ApplicationName => "applicationName",
            KclField::StreamName => "streamName",
            KclField::WorkerIdentifier => "workerIdentifier",
            KclField::Workers => "workers",
            KclField::FailoverTimeMillis => "failoverTimeMillis",
            KclField::EpsilonMillis => "epsilonMillis",
            KclField::MaxLeasesForWorker => "maxLeasesForWorker",
            KclField::MaxLeasesToStealAtOneTime => "maxLeasesToStealAtOneTime",
            KclField::IdleTimeBetweenReadsInMillis => "idleTimeBetweenReadsInMillis",
            KclField::MaxRecords => "maxRecords",
            KclField::ParentShardPollIntervalMillis => "parentShardPollIntervalMillis",
            KclField::ShardSyncIntervalMillis => "shardSyncIntervalMillis",
            KclField::CheckpointIntervalMillis => "checkpointIntervalMillis",
            KclField::CheckpointEveryRecords => "checkpointEveryRecords",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KclProblem {
    OutOfRange {
        min: u64,
        max: u64,
    },
    /// Not a whole decimal number.
    NotANumber,
    /// Not 3 to 255 letters, digits, `_`, `-` or `.` (a DynamoDB table name).
    BadName,
    NoSuchStream,
    NoSuchWorker,
    AlreadyRunning,
    AlreadyStopped,
}

/// A rejected input, naming the field; nothing changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KclError {
    pub field: KclField,
    pub problem: KclProblem,
}

impl KclError {
    pub fn new(field: KclField, problem: KclProblem) -> KclError {
        KclError { field, problem }
    }
}

impl fmt::Display for KclError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.field.name();
        match &self.problem {
            KclProblem::OutOfRange { min, max } => {
                write!(f, "{name} must be a whole number from {min} to {max}")
            }
            KclProblem::NotANumber => write!(f, "{name} must be a whole number"),
            KclProblem::BadName => write!(
                f,
                "{name} must be 3 to 255 letters, digits, '_', '-' or '.'"
            ),
            KclProblem::NoSuchStream => write!(f, "{name}: no such stream"),
            KclProblem::NoSuchWorker => write!(f, "{name}: no such worker"),
            KclProblem::AlreadyRunning => write!(f, "{name}: the worker is already running"),
            KclProblem::AlreadyStopped => write!(f, "{name}: the worker is already stopped"),
        }
    }
}

impl std::error::Error for KclError {}

/// A form field's text as a whole number in `min..=max`; errors name the field.
pub fn parse_setting(field: KclField, text: &str, min: u64, max: u64) -> Result<u64, KclError> {
    let t = text.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(KclError::new(field, KclProblem::NotANumber));
    }
    match t.parse::<u64>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(KclError::new(field, KclProblem::OutOfRange { min, max })),
    }
}

/// A checkpoint policy from the form: `kind` "millis" or "records" and the
/// number's text.
pub fn parse_policy(kind: &str, text: &str) -> Result<CheckpointPolicy, KclError> {
    if kind == "records" {
        parse_setting(
            KclField::CheckpointEveryRecords,
            text,
            1,
            MAX_CHECKPOINT_EVERY_RECORDS,
        )
        .map(CheckpointPolicy::Records)
    } else {
        parse_setting(
            KclField::CheckpointIntervalMillis,
            text,
            1,
            MAX_CHECKPOINT_INTERVAL_MILLIS,
        )
        .map(CheckpointPolicy::Millis)
    }
}

/// How a lease came to a worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TakeReason {
    /// Nobody had taken it yet.
    Unassigned,
    /// Its owner had not renewed it within the failover time.
    Expired,
    /// A restarted worker found it still in its name.
    Reclaimed,
}

/// Why a worker stopped holding a lease.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LossReason {
    /// A renewal found another owner or counter: someone took it.
    Taken,
    /// A checkpoint was refused for the same reason.
    CheckpointRejected,
}

/// What happened, in order, for the UI and the tests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum KclEvent {
    LeaseCreated {
        at: u64,
        app: String,
        lease: String,
        parents: Vec<String>,
    },
    WorkerStarted {
        at: u64,
        app: String,
        worker: String,
        restarted: bool,
    },
    WorkerKilled {
        at: u64,
        app: String,
        worker: String,
        leases: Vec<String>,
    },
    LeaseTaken {
        at: u64,
        app: String,
        lease: String,
        worker: String,
        from: Option<String>,
        how: TakeReason,
    },
    LeaseStolen {
        at: u64,
        app: String,
        lease: String,
        worker: String,
        from: String,
    },
    LeaseRenewed {
        at: u64,
        app: String,
        lease: String,
        worker: String,
        counter: u64,
    },
    LeaseLost {
        at: u64,
        app: String,
        lease: String,
        worker: String,
        reason: LossReason,
    },
    WaitingForParents {
        at: u64,
        app: String,
        lease: String,
        worker: String,
        parents: Vec<String>,
    },
    ProcessorStarted {
        at: u64,
        app: String,
        lease: String,
        worker: String,
        from: Checkpoint,
    },
    /// One batch handed to the record processor: sequence indexes `first`
    /// to `last` of the shard (a batch is contiguous), `duplicates` of them
    /// already processed before by this application.
    RecordsProcessed {
        at: u64,
        app: String,
        lease: String,
        worker: String,
        first: u64,
        last: u64,
        records: u64,
        duplicates: u64,
    },
    Checkpointed {
        at: u64,
        app: String,
        lease: String,
        worker: String,
        checkpoint: Checkpoint,
    },
    ShardEnded {
        at: u64,
        app: String,
        lease: String,
        worker: String,
        children: Vec<String>,
    },
    ReadFailed {
        at: u64,
        app: String,
        lease: String,
        worker: String,
        error: String,
    },
}

impl KclEvent {
    pub fn at(&self) -> u64 {
        match self {
            KclEvent::LeaseCreated { at, .. }
            | KclEvent::WorkerStarted { at, .. }
            | KclEvent::WorkerKilled { at, .. }
            | KclEvent::LeaseTaken { at, .. }
            | KclEvent::LeaseStolen { at, .. }
            | KclEvent::LeaseRenewed { at, .. }
            | KclEvent::LeaseLost { at, .. }
            | KclEvent::WaitingForParents { at, .. }
            | KclEvent::ProcessorStarted { at, .. }
            | KclEvent::RecordsProcessed { at, .. }
            | KclEvent::Checkpointed { at, .. }
            | KclEvent::ShardEnded { at, .. }
            | KclEvent::ReadFailed { at, .. } => *at,
        }
    }
}

/// Per application.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KclStats {
    /// Records handed to record processors, duplicates included.
    pub processed: u64,
    /// Of those, records this application had already processed.
    pub duplicates: u64,
    /// Checkpoints written (SHARD_END included).
    pub checkpoints: u64,
    pub leases_taken: u64,
    pub leases_stolen: u64,
    pub throttled_reads: u64,
}

impl KclStats {
    /// Distinct records processed.
    pub fn unique(&self) -> u64 {
        self.processed - self.duplicates
    }
}

/// What a taker last saw of a lease: its counter, and when it saw that
/// counter first (`None`: never renewed, a new lease nobody owns).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Seen {
    counter: u64,
    since: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Waiting for the parents to reach SHARD_END.
    Blocked,
    Reading,
}

/// A record processor and the loop that feeds it, for one held lease.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Processor {
    stage: Stage,
    /// Where reading resumes: the checkpoint it started from, then after the
    /// last record read.
    resume: Checkpoint,
    iterator: Option<String>,
    next_at: u64,
    last_checkpoint_at: u64,
    since_checkpoint: u64,
    waiting_logged: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkerState {
    /// Killed: not renewing, not processing.
    Stopped,
    /// Running and holding no lease: nothing to do.
    Idle,
    /// Holding only child leases whose parents are not finished.
    Waiting,
    Processing,
}

/// One KCL worker (one process of the application).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Worker {
    /// `workerIdentifier`.
    pub id: String,
    pub alive: bool,
    pub started_at: u64,
    /// Records its processors handled, over all its lives.
    pub processed: u64,
    next_renew: u64,
    next_take: u64,
    seen: BTreeMap<String, Seen>,
    /// Leases it believes it holds, with the counter it last wrote.
    held: BTreeMap<String, u64>,
    processors: BTreeMap<u32, Processor>,
}

impl Worker {
    /// The leases this worker holds, as it believes.
    pub fn leases(&self) -> impl Iterator<Item = &str> {
        self.held.keys().map(String::as_str)
    }

    pub fn state(&self) -> WorkerState {
        if !self.alive {
            WorkerState::Stopped
        } else if self.processors.is_empty() {
            WorkerState::Idle
        } else if self.processors.values().all(|p| p.stage == Stage::Blocked) {
            WorkerState::Waiting
        } else {
            WorkerState::Processing
        }
    }
}

/// What runs next, in order when due at the same moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Job {
    Sync,
    Renew(usize),
    Take(usize),
    Shard(usize, u32),
}

/// Jobs one `step` may run before it gives up, so a bug can never hang the
/// page: far above what any step needs.
const MAX_JOBS_PER_STEP: usize = 5_000_000;

/// One KCL application reading one stream: its lease table and workers.
#[derive(Clone, Debug, PartialEq)]
pub struct KclApplication {
    /// `applicationName`, also the lease table's name.
    pub name: String,
    pub stream: String,
    pub config: KclConfig,
    leases: BTreeMap<String, Lease>,
    workers: Vec<Worker>,
    rng: ComponentRng,
    next_sync: u64,
    now: u64,
    pub stats: KclStats,
    /// Per shard, the highest sequence index processed.
    high_water: BTreeMap<u32, u64>,
    /// Records processed more than once: (shard, sequence index) → extra deliveries.
    redelivered: BTreeMap<(u32, u64), u64>,
    events: Vec<KclEvent>,
    workers_started: u32,
}

fn name_ok(name: &str) -> bool {
    (3..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

impl KclApplication {
    /// A new application on `stream`, with no workers yet. Its lease table
    /// gets a lease for every shard (as the KCL's first shard sync does).
    pub fn new(
        name: &str,
        stream: &str,
        config: KclConfig,
        seed: u64,
        engine: &Engine,
        now: u64,
    ) -> Result<KclApplication, KclError> {
        if !name_ok(name) {
            return Err(KclError::new(
                KclField::ApplicationName,
                KclProblem::BadName,
            ));
        }
        config.validate()?;
        if engine.stream(stream).is_err() {
            return Err(KclError::new(
                KclField::StreamName,
                KclProblem::NoSuchStream,
            ));
        }
        let mut app = KclApplication {
            name: name.to_owned(),
            stream: stream.to_owned(),
            config,
            leases: BTreeMap::new(),
            workers: Vec::new(),
            rng: component_rng(seed, &format!("kcl.{name}")),
            next_sync: now,
            now,
            stats: KclStats::default(),
            high_water: BTreeMap::new(),
            redelivered: BTreeMap::new(),
            events: Vec::new(),
            workers_started: 0,
        };
        app.sync_shards(engine, now);
        Ok(app)
    }

    /// The lease table, in `leaseKey` order.
    pub fn leases(&self) -> impl Iterator<Item = &Lease> {
        self.leases.values()
    }

    pub fn lease(&self, key: &str) -> Option<&Lease> {
        self.leases.get(key)
    }

    pub fn workers(&self) -> &[Worker] {
        &self.workers
    }

    pub fn worker(&self, id: &str) -> Option<&Worker> {
        self.workers.iter().find(|w| w.id == id)
    }

    /// Running workers that hold no lease.
    pub fn idle_workers(&self) -> usize {
        self.workers
            .iter()
            .filter(|w| w.state() == WorkerState::Idle)
            .count()
    }

    /// For each lease, the running workers that believe they hold it.
    pub fn holders(&self) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for w in self.workers.iter().filter(|w| w.alive) {
            for key in w.held.keys() {
                out.entry(key.clone()).or_default().push(w.id.clone());
            }
        }
        out
    }

    /// Records processed more than once: (shard index, sequence index) →
    /// how many extra times.
    pub fn redelivered(&self) -> &BTreeMap<(u32, u64), u64> {
        &self.redelivered
    }

    pub fn events(&self) -> &[KclEvent] {
        &self.events
    }

    pub fn take_events(&mut self) -> Vec<KclEvent> {
        std::mem::take(&mut self.events)
    }

    /// How far this application has run.
    pub fn now(&self) -> u64 {
        self.now
    }

    pub fn set_checkpoint_policy(&mut self, policy: CheckpointPolicy) -> Result<(), KclError> {
        validate_policy(policy)?;
        self.config.checkpoint = policy;
        Ok(())
    }

    /// Starts a new worker with a new identifier; returns it.
    pub fn add_worker(&mut self, now: u64) -> Result<String, KclError> {
        if self.workers.len() as u32 >= MAX_WORKERS {
            return Err(KclError::new(
                KclField::Workers,
                KclProblem::OutOfRange {
                    min: 1,
                    max: MAX_WORKERS as u64,
                },
            ));
        }
        self.workers_started += 1;
        let suffix: u16 = self.rng.random();
        let id = format!("worker-{}-{suffix:04x}", self.workers_started);
        self.workers.push(Worker {
            id: id.clone(),
            alive: false,
            started_at: now,
            processed: 0,
            next_renew: now,
            next_take: now,
            seen: BTreeMap::new(),
            held: BTreeMap::new(),
            processors: BTreeMap::new(),
        });
        self.start(self.workers.len() - 1, now, false);
        Ok(id)
    }

    fn index_of(&self, id: &str) -> Result<usize, KclError> {
        self.workers
            .iter()
            .position(|w| w.id == id)
            .ok_or_else(|| KclError::new(KclField::WorkerIdentifier, KclProblem::NoSuchWorker))
    }

    /// Stops a worker at once: no more renewals, reads or checkpoints. Its
    /// leases stay in its name until they expire and someone takes them.
    pub fn kill_worker(&mut self, id: &str, now: u64) -> Result<(), KclError> {
        let i = self.index_of(id)?;
        let w = &mut self.workers[i];
        if !w.alive {
            return Err(KclError::new(
                KclField::WorkerIdentifier,
                KclProblem::AlreadyStopped,
            ));
        }
        let leases: Vec<String> = w.held.keys().cloned().collect();
        w.alive = false;
        w.held.clear();
        w.processors.clear();
        w.seen.clear();
        self.events.push(KclEvent::WorkerKilled {
            at: now,
            app: self.name.clone(),
            worker: id.to_owned(),
            leases,
        });
        Ok(())
    }

    /// Starts a stopped worker again with the same identifier.
    pub fn restart_worker(&mut self, id: &str, now: u64) -> Result<(), KclError> {
        let i = self.index_of(id)?;
        if self.workers[i].alive {
            return Err(KclError::new(
                KclField::WorkerIdentifier,
                KclProblem::AlreadyRunning,
            ));
        }
        self.start(i, now, true);
        Ok(())
    }

    /// A worker starts: its renewer first takes back every unfinished lease
    /// still in its name (renewing it even if expired), then the taker runs
    /// at once and the renewer on its interval.
    fn start(&mut self, i: usize, now: u64, restarted: bool) {
        let renew = self.config.renewer_interval_millis();
        let id = self.workers[i].id.clone();
        {
            let w = &mut self.workers[i];
            w.alive = true;
            w.started_at = now;
            w.next_take = now;
            w.next_renew = now + renew;
        }
        self.events.push(KclEvent::WorkerStarted {
            at: now,
            app: self.name.clone(),
            worker: id.clone(),
            restarted,
        });
        let mine: Vec<String> = self
            .leases
            .values()
            .filter(|l| l.lease_owner.as_deref() == Some(id.as_str()) && !l.finished())
            .map(|l| l.lease_key.clone())
            .collect();
        for key in mine {
            self.grant(i, &key, now, None);
        }
    }

    /// Gives lease `key` to worker `i` (the conditional update succeeded):
    /// new owner, counter + 1, a processor from the checkpoint. `stolen_from`
    /// marks a steal.
    fn grant(&mut self, i: usize, key: &str, now: u64, stolen_from: Option<String>) {
        let id = self.workers[i].id.clone();
        let Some(lease) = self.leases.get_mut(key) else {
            return;
        };
        let from = lease.lease_owner.clone();
        if from.as_ref().is_some_and(|f| *f != id) {
            lease.owner_switches_since_checkpoint += 1;
        }
        lease.lease_owner = Some(id.clone());
        lease.lease_counter += 1;
        let counter = lease.lease_counter;
        let checkpoint = lease.checkpoint;
        let Some(shard) = crate::stream::engine::parse_shard_id(key) else {
            return;
        };
        let w = &mut self.workers[i];
        w.held.insert(key.to_owned(), counter);
        w.seen.insert(
            key.to_owned(),
            Seen {
                counter,
                since: Some(now),
            },
        );
        w.processors.insert(
            shard,
            Processor {
                stage: Stage::Blocked,
                resume: checkpoint,
                iterator: None,
                next_at: now,
                last_checkpoint_at: now,
                since_checkpoint: 0,
                waiting_logged: false,
            },
        );
        let app = self.name.clone();
        let lease = key.to_owned();
        self.events.push(match stolen_from {
            Some(from) => {
                self.stats.leases_stolen += 1;
                KclEvent::LeaseStolen {
                    at: now,
                    app,
                    lease,
                    worker: id,
                    from,
                }
            }
            None => {
                self.stats.leases_taken += 1;
                let how = match &from {
                    None => TakeReason::Unassigned,
                    Some(f) if *f == id => TakeReason::Reclaimed,
                    Some(_) => TakeReason::Expired,
                };
                KclEvent::LeaseTaken {
                    at: now,
                    app,
                    lease,
                    worker: id,
                    from,
                    how,
                }
            }
        });
    }

    /// Worker `i` stops holding `key`.
    fn lose(&mut self, i: usize, key: &str, now: u64, reason: LossReason) {
        let w = &mut self.workers[i];
        w.held.remove(key);
        if let Some(shard) = crate::stream::engine::parse_shard_id(key) {
            w.processors.remove(&shard);
        }
        self.events.push(KclEvent::LeaseLost {
            at: now,
            app: self.name.clone(),
            lease: key.to_owned(),
            worker: w.id.clone(),
            reason,
        });
    }

    /// Leases for shards that have none: every live shard at first (or only
    /// the open ones when starting at LATEST), new children later.
    fn sync_shards(&mut self, engine: &Engine, now: u64) {
        self.next_sync = now + self.config.shard_sync_interval_millis;
        let Ok(s) = engine.stream(&self.stream) else {
            return;
        };
        let first = self.leases.is_empty();
        let mut created = Vec::new();
        for sh in s.live_shards(now) {
            let key = sh.id().to_string();
            if self.leases.contains_key(&key) {
                continue;
            }
            let parents: Vec<u32> = [sh.parent, sh.adjacent_parent]
                .into_iter()
                .flatten()
                .collect();
            let checkpoint = if first && self.config.initial_position == InitialPosition::Latest {
                if sh.closed_ms.is_some() {
                    continue;
                }
                Checkpoint::Latest
            } else {
                Checkpoint::TrimHorizon
            };
            created.push(Lease::new(sh.index, checkpoint, &parents));
        }
        for l in created {
            self.events.push(KclEvent::LeaseCreated {
                at: now,
                app: self.name.clone(),
                lease: l.lease_key.clone(),
                parents: l.parent_shard_ids.clone(),
            });
            self.leases.insert(l.lease_key.clone(), l);
        }
    }

    fn next_job(&self) -> Option<(u64, Job)> {
        let mut best: Option<(u64, Job)> = None;
        let mut consider = |t: u64, j: Job| {
            if best.is_none_or(|b| (t, j) < b) {
                best = Some((t, j));
            }
        };
        if self.workers.iter().any(|w| w.alive) {
            consider(self.next_sync, Job::Sync);
        }
        for (i, w) in self.workers.iter().enumerate().filter(|(_, w)| w.alive) {
            consider(w.next_renew, Job::Renew(i));
            consider(w.next_take, Job::Take(i));
            for (shard, p) in &w.processors {
                consider(p.next_at, Job::Shard(i, *shard));
            }
        }
        best
    }

    /// The next moment something is due: a renewal, a lease scan, a read,
    /// a parent check or a shard sync. `None` with no running worker.
    pub fn next_deadline(&self) -> Option<u64> {
        self.next_job().map(|(t, _)| t)
    }

    /// Runs everything due at or before `now`, in time order.
    pub fn step(&mut self, engine: &mut Engine, now: u64) {
        let mut jobs = 0;
        while let Some((t, job)) = self.next_job() {
            if t > now || jobs >= MAX_JOBS_PER_STEP {
                break;
            }
            jobs += 1;
            let t = t.max(self.now);
            self.now = t;
            match job {
                Job::Sync => self.sync_shards(engine, t),
                Job::Renew(i) => self.run_renewer(i, t),
                Job::Take(i) => self.run_taker(i, t),
                Job::Shard(i, shard) => self.run_shard(engine, i, shard, t),
            }
        }
        self.now = self.now.max(now);
    }

    /// Runs this application alone (no producers) up to `t`.
    pub fn run_until(&mut self, engine: &mut Engine, t: u64) {
        self.step(engine, t);
    }

    fn run_renewer(&mut self, i: usize, now: u64) {
        let interval = self.config.renewer_interval_millis();
        let id = self.workers[i].id.clone();
        let held: Vec<(String, u64)> = self.workers[i]
            .held
            .iter()
            .map(|(k, c)| (k.clone(), *c))
            .collect();
        for (key, counter) in held {
            match self.leases.get_mut(&key) {
                Some(l)
                    if l.lease_owner.as_deref() == Some(id.as_str())
                        && l.lease_counter == counter =>
                {
                    l.lease_counter += 1;
                    let c = l.lease_counter;
                    self.workers[i].held.insert(key.clone(), c);
                    self.events.push(KclEvent::LeaseRenewed {
                        at: now,
                        app: self.name.clone(),
                        lease: key,
                        worker: id.clone(),
                        counter: c,
                    });
                }
                _ => self.lose(i, &key, now, LossReason::Taken),
            }
        }
        let w = &mut self.workers[i];
        while w.next_renew <= now {
            w.next_renew += interval;
        }
    }

    /// The KCL's lease taker, for worker `i`.
    fn run_taker(&mut self, i: usize, now: u64) {
        let failover = self.config.failover_time_millis;
        self.workers[i].next_take = now + self.config.taker_interval_millis();
        let me = self.workers[i].id.clone();
        // Scan the table; note when each counter was first seen.
        let active: Vec<(String, u64, Option<String>)> = self
            .leases
            .values()
            .filter(|l| !l.finished())
            .map(|l| (l.lease_key.clone(), l.lease_counter, l.lease_owner.clone()))
            .collect();
        let mut seen = BTreeMap::new();
        for (key, counter, owner) in &active {
            let since = match self.workers[i].seen.get(key) {
                Some(old) if old.counter == *counter => old.since,
                Some(_) => Some(now),
                None if owner.is_none() => None,
                None => Some(now),
            };
            seen.insert(
                key.clone(),
                Seen {
                    counter: *counter,
                    since,
                },
            );
        }
        let age = |s: &Seen| s.since.map(|t| now.saturating_sub(t));
        let expired = |s: &Seen| age(s).is_none_or(|a| a > failover);
        let mut available: Vec<String> = Vec::new();
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for (key, _, owner) in &active {
            match owner {
                Some(o) if !expired(&seen[key]) => *counts.entry(o.clone()).or_default() += 1,
                _ => available.push(key.clone()),
            }
        }
        let mut very_old: Vec<String> = active
            .iter()
            .filter(|(k, _, _)| {
                age(&seen[k]).is_none_or(|a| a > VERY_OLD_LEASE_MULTIPLIER * failover)
            })
            .map(|(k, _, _)| k.clone())
            .collect();
        self.workers[i].seen = seen;
        counts.entry(me.clone()).or_default();
        let num_leases = active.len() as u64;
        if num_leases == 0 {
            return;
        }
        let num_workers = counts.len() as u64;
        let max_for_worker = self.config.max_leases_for_worker as u64;
        let target = if num_workers >= num_leases {
            1
        } else {
            num_leases.div_ceil(num_workers)
        }
        .min(max_for_worker);
        let mine = counts[&me];
        if !very_old.is_empty() {
            very_old.shuffle(&mut self.rng);
            let n = max_for_worker
                .saturating_sub(mine)
                .min(very_old.len() as u64) as usize;
            for key in very_old.into_iter().take(n) {
                self.grant(i, &key, now, None);
            }
            return;
        }
        let needed = target.saturating_sub(mine);
        if needed == 0 {
            return;
        }
        if !available.is_empty() {
            available.shuffle(&mut self.rng);
            for key in available.into_iter().take(needed as usize) {
                self.grant(i, &key, now, None);
            }
            return;
        }
        // Steal from the most loaded worker (the first of equals).
        let mut most: Option<(&String, u64)> = None;
        for (w, n) in &counts {
            if most.is_none_or(|(_, m)| *n > m) {
                most = Some((w, *n));
            }
        }
        let Some((victim, load)) = most.map(|(w, n)| (w.clone(), n)) else {
            return;
        };
        if load < target || victim == me {
            return;
        }
        let mut n = needed.min(load - target);
        if needed > 1 && n == 0 {
            n = 1;
        }
        n = n.min(self.config.max_leases_to_steal_at_one_time as u64);
        let mut candidates: Vec<String> = active
            .iter()
            .filter(|(_, _, o)| o.as_deref() == Some(victim.as_str()))
            .map(|(k, _, _)| k.clone())
            .collect();
        candidates.shuffle(&mut self.rng);
        for key in candidates.into_iter().take(n as usize) {
            self.grant(i, &key, now, Some(victim.clone()));
        }
    }

    fn run_shard(&mut self, engine: &mut Engine, i: usize, shard: u32, now: u64) {
        let key = ShardId(shard).to_string();
        let Some(stage) = self.workers[i].processors.get(&shard).map(|p| p.stage) else {
            return;
        };
        match stage {
            Stage::Blocked => {
                let parents = self
                    .leases
                    .get(&key)
                    .map(|l| l.parent_shard_ids.clone())
                    .unwrap_or_default();
                let waiting: Vec<String> = parents
                    .into_iter()
                    .filter(|p| self.leases.get(p).is_some_and(|l| !l.finished()))
                    .collect();
                let poll = self.config.parent_shard_poll_interval_millis;
                let worker = self.workers[i].id.clone();
                let Some(p) = self.workers[i].processors.get_mut(&shard) else {
                    return;
                };
                if waiting.is_empty() {
                    p.stage = Stage::Reading;
                    p.next_at = now;
                    p.last_checkpoint_at = now;
                    let from = p.resume;
                    self.events.push(KclEvent::ProcessorStarted {
                        at: now,
                        app: self.name.clone(),
                        lease: key,
                        worker,
                        from,
                    });
                } else {
                    p.next_at = now + poll;
                    if !p.waiting_logged {
                        p.waiting_logged = true;
                        self.events.push(KclEvent::WaitingForParents {
                            at: now,
                            app: self.name.clone(),
                            lease: key,
                            worker,
                            parents: waiting,
                        });
                    }
                }
            }
            Stage::Reading => self.read(engine, i, shard, now),
        }
    }

    fn read_failed(&mut self, i: usize, key: &str, now: u64, error: String) {
        self.events.push(KclEvent::ReadFailed {
            at: now,
            app: self.name.clone(),
            lease: key.to_owned(),
            worker: self.workers[i].id.clone(),
            error,
        });
    }

    fn read(&mut self, engine: &mut Engine, i: usize, shard: u32, now: u64) {
        let key = ShardId(shard).to_string();
        let idle = self.config.idle_time_between_reads_millis;
        let (resume, iterator) = match self.workers[i].processors.get_mut(&shard) {
            Some(p) => {
                p.next_at = now + idle;
                (p.resume, p.iterator.take())
            }
            None => return,
        };
        let it = match iterator {
            Some(it) => it,
            None => {
                let (kind, seq) = match resume {
                    Checkpoint::TrimHorizon => ("TRIM_HORIZON", None),
                    Checkpoint::Latest => ("LATEST", None),
                    Checkpoint::At(s) => ("AFTER_SEQUENCE_NUMBER", Some(s.to_string())),
                    Checkpoint::ShardEnd => {
                        self.end_shard(engine, i, shard, now, None);
                        return;
                    }
                };
                match engine.get_shard_iterator(now, &self.stream, &key, kind, seq.as_deref(), None)
                {
                    Ok(it) => it,
                    Err(e)
                        if e.kind == ErrorType::ResourceNotFoundException
                            && engine.stream(&self.stream).is_ok() =>
                    {
                        // The shard is closed and past retention: nothing left.
                        self.end_shard(engine, i, shard, now, None);
                        return;
                    }
                    Err(e) => {
                        self.read_failed(i, &key, now, e.to_string());
                        return;
                    }
                }
            }
        };
        match engine.get_records(now, &it, Some(self.config.max_records)) {
            Ok(r) => {
                if let Some(p) = self.workers[i].processors.get_mut(&shard) {
                    p.iterator = r.next_iterator.clone();
                }
                if !r.records.is_empty() && !self.process(i, shard, &r.records, now) {
                    return;
                }
                if r.next_iterator.is_none() {
                    let children = r
                        .child_shards
                        .iter()
                        .map(|(c, parents, _)| (*c, parents.clone()))
                        .collect();
                    self.end_shard(engine, i, shard, now, Some(children));
                }
            }
            Err(e) if e.kind == ErrorType::ProvisionedThroughputExceededException => {
                self.stats.throttled_reads += 1;
                if let Some(p) = self.workers[i].processors.get_mut(&shard) {
                    p.iterator = Some(it);
                }
            }
            // An expired iterator: the next read gets a new one after the
            // last record read (the iterator stays taken).
            Err(e) if e.kind == ErrorType::ExpiredIteratorException => {}
            Err(e) => {
                if let Some(p) = self.workers[i].processors.get_mut(&shard) {
                    p.iterator = Some(it);
                }
                self.read_failed(i, &key, now, e.to_string());
            }
        }
    }

    /// Hands a batch to the record processor, then checkpoints if the
    /// policy says so. False if the lease was lost on the way.
    fn process(&mut self, i: usize, shard: u32, records: &[Record], now: u64) -> bool {
        let key = ShardId(shard).to_string();
        let mut duplicates = 0;
        for rec in records {
            let idx = rec.seq.seq_index;
            match self.high_water.get(&shard) {
                Some(&high) if idx <= high => {
                    duplicates += 1;
                    *self.redelivered.entry((shard, idx)).or_default() += 1;
                }
                _ => {
                    self.high_water.insert(shard, idx);
                }
            }
        }
        let n = records.len() as u64;
        self.stats.processed += n;
        self.stats.duplicates += duplicates;
        let (Some(first), Some(last)) = (records.first(), records.last()) else {
            return true;
        };
        let w = &mut self.workers[i];
        w.processed += n;
        let worker = w.id.clone();
        let Some(p) = w.processors.get_mut(&shard) else {
            return false;
        };
        p.resume = Checkpoint::At(last.seq);
        p.since_checkpoint += n;
        let due = match self.config.checkpoint {
            CheckpointPolicy::Millis(ms) => now.saturating_sub(p.last_checkpoint_at) >= ms,
            CheckpointPolicy::Records(every) => p.since_checkpoint >= every,
        };
        self.events.push(KclEvent::RecordsProcessed {
            at: now,
            app: self.name.clone(),
            lease: key,
            worker,
            first: first.seq.seq_index,
            last: last.seq.seq_index,
            records: n,
            duplicates,
        });
        if due {
            return self.checkpoint(i, shard, Checkpoint::At(last.seq), now);
        }
        true
    }

    /// The record processor's checkpoint: a conditional write that fails if
    /// the lease has changed hands (then the worker drops the lease). A value
    /// not past the stored one is not written (the KCL refuses it too).
    fn checkpoint(&mut self, i: usize, shard: u32, to: Checkpoint, now: u64) -> bool {
        let key = ShardId(shard).to_string();
        let w = &self.workers[i];
        let Some(&counter) = w.held.get(&key) else {
            return false;
        };
        let id = w.id.clone();
        let ok = match self.leases.get_mut(&key) {
            Some(l)
                if l.lease_owner.as_deref() == Some(id.as_str()) && l.lease_counter == counter =>
            {
                if to > l.checkpoint {
                    l.checkpoint = to;
                    l.checkpoint_sub_sequence_number = 0;
                    l.owner_switches_since_checkpoint = 0;
                    l.lease_counter += 1;
                    let c = l.lease_counter;
                    self.workers[i].held.insert(key.clone(), c);
                    self.stats.checkpoints += 1;
                    self.events.push(KclEvent::Checkpointed {
                        at: now,
                        app: self.name.clone(),
                        lease: key.clone(),
                        worker: id,
                        checkpoint: to,
                    });
                }
                true
            }
            _ => false,
        };
        if !ok {
            self.lose(i, &key, now, LossReason::CheckpointRejected);
            return false;
        }
        if let Some(p) = self.workers[i].processors.get_mut(&shard) {
            p.since_checkpoint = 0;
            p.last_checkpoint_at = now;
        }
        true
    }

    /// The end of a closed shard: checkpoint SHARD_END, create the children's
    /// leases, and let the lease go. `children` as GetRecords listed them, or
    /// `None` to look them up (a shard gone past retention).
    fn end_shard(
        &mut self,
        engine: &Engine,
        i: usize,
        shard: u32,
        now: u64,
        children: Option<Vec<(u32, Vec<u32>)>>,
    ) {
        if !self.checkpoint(i, shard, Checkpoint::ShardEnd, now) {
            return;
        }
        let children = children.unwrap_or_else(|| {
            engine
                .stream(&self.stream)
                .map(|s| {
                    s.children_of(shard)
                        .into_iter()
                        .map(|c| {
                            (
                                c.index,
                                [c.parent, c.adjacent_parent]
                                    .into_iter()
                                    .flatten()
                                    .collect(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        });
        let mut names = Vec::new();
        for (child, parents) in children {
            let lease = Lease::new(child, Checkpoint::TrimHorizon, &parents);
            names.push(lease.lease_key.clone());
            if !self.leases.contains_key(&lease.lease_key) {
                self.events.push(KclEvent::LeaseCreated {
                    at: now,
                    app: self.name.clone(),
                    lease: lease.lease_key.clone(),
                    parents: lease.parent_shard_ids.clone(),
                });
                self.leases.insert(lease.lease_key.clone(), lease);
            }
        }
        let key = ShardId(shard).to_string();
        let w = &mut self.workers[i];
        w.held.remove(&key);
        w.processors.remove(&shard);
        let worker = w.id.clone();
        self.events.push(KclEvent::ShardEnded {
            at: now,
            app: self.name.clone(),
            lease: key,
            worker,
            children: names,
        });
    }
}

/// Runs the producers of `traffic`, the engine and every application up to
/// `t`, in time order: before each moment an application acts, the records
/// due by then are put. How the caller cuts time into ticks changes nothing.
/// Returns the records sent.
pub fn run_until(
    engine: &mut Engine,
    traffic: &mut Traffic,
    apps: &mut [KclApplication],
    t: u64,
) -> u64 {
    let mut sent = 0;
    loop {
        let next = apps
            .iter()
            .filter_map(KclApplication::next_deadline)
            .min()
            .map_or(t, |d| d.min(t))
            .max(traffic.now);
        sent += traffic.run_until(engine, next);
        for app in apps.iter_mut() {
            app.step(engine, next);
        }
        if next >= t {
            break;
        }
    }
    sent
}
