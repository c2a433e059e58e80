//! The idempotent producer and transactions.
//!
//! Sources (apache/kafka): `ProducerConfig` (`enable.idempotence` defaults to
//! true since 3.0; `transaction.timeout.ms` 60 s), `KafkaProducer` javadoc
//! (`initTransactions`, `beginTransaction`, `sendOffsetsToTransaction`,
//! `commitTransaction`, `abortTransaction`), the broker's producer state
//! (`storage/.../log/ProducerAppendInfo.java`, `ProducerStateEntry.java`),
//! and the design docs (https://kafka.apache.org/documentation/#semantics).
//!
//! - Each producer has an id and an epoch; each (producer, partition) batch
//!   carries a sequence number that must be the last one plus 1 (after
//!   `i32::MAX` comes 0), starting at 0 in a new epoch. A gap is refused
//!   (`OUT_OF_ORDER_SEQUENCE_NUMBER`); a batch with the sequence of one of
//!   the last 5 batches is a retry: acknowledged with its original offset and
//!   not appended again. An older epoch is refused (`INVALID_PRODUCER_EPOCH`).
//! - A transactional producer (`transactional.id`) writes to any partitions
//!   and may add a group's offsets (`sendOffsetsToTransaction`); commit or
//!   abort writes a COMMIT or ABORT control record to every partition it
//!   wrote (each takes an offset) and applies or drops the offsets. Until
//!   then the partition's last stable offset (LSO) stays at the
//!   transaction's first record, and `read_committed` consumers stop there;
//!   aborted records are skipped by them.
//! - `initTransactions` with a transactional.id already in use bumps the
//!   epoch, aborts the old instance's open transaction and fences it
//!   (`PRODUCER_FENCED`). A transaction open longer than
//!   `transaction.timeout.ms` is aborted by the coordinator (with an epoch
//!   bump). The lab bumps the epoch once in both cases.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::assign::TopicPartition;
use super::log::{EntryKind, ProducerEntry, BATCHES_TO_RETAIN};
use super::{partition_for_key, validate_name, Cluster, KafkaError, KafkaEvent};

/// A producer instance (client side): what the application holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Producer {
    pub producer_id: u64,
    pub epoch: u16,
    pub transactional_id: Option<String>,
    pub in_transaction: bool,
    pub(crate) next_seq: BTreeMap<TopicPartition, i32>,
}

impl Producer {
    /// The sequence the next batch to this partition will carry.
    pub fn next_sequence(&self, topic: &str, partition: u32) -> i32 {
        self.next_seq
            .get(&TopicPartition::new(topic, partition))
            .copied()
            .unwrap_or(0)
    }
}

/// The broker's answer to a produce request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendAck {
    pub topic: String,
    pub partition: u32,
    pub offset: u64,
    pub sequence: i32,
    /// A retried batch the broker already had: not appended again.
    pub duplicate: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TxnState {
    Empty,
    Ongoing,
    CompleteCommit,
    CompleteAbort,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TxnMeta {
    pub producer_id: u64,
    pub epoch: u16,
    pub state: TxnState,
    pub partitions: BTreeSet<TopicPartition>,
    pub offsets: BTreeMap<(String, u32), u64>,
    pub started_at: u64,
}

impl TxnMeta {
    pub fn timeout_at(&self, timeout_ms: u64) -> Option<u64> {
        (self.state == TxnState::Ongoing).then(|| self.started_at.saturating_add(timeout_ms))
    }
}

/// The coordinator's view of a transactional.id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxnView {
    pub transactional_id: String,
    pub producer_id: u64,
    pub epoch: u16,
    pub state: TxnState,
    pub partitions: Vec<TopicPartition>,
    /// (group, partition, offset) waiting for the commit.
    pub pending_offsets: Vec<(String, u32, u64)>,
}

/// Epochs are Java shorts; at the top a new producer id is allocated.
const MAX_EPOCH: u16 = (i16::MAX - 1) as u16;

fn txn_state_error(message: impl Into<String>) -> KafkaError {
    KafkaError::new("transactional.id", "INVALID_TXN_STATE", message)
}

impl Cluster {
    fn allocate_producer_id(&mut self) -> u64 {
        let id = self.next_producer_id;
        self.next_producer_id = self.next_producer_id.saturating_add(1);
        id
    }

    /// `InitProducerId`: a new idempotent producer (`None`), or the
    /// transactional producer for `transactional.id` (bumping the epoch of an
    /// earlier instance, aborting its open transaction and fencing it).
    pub fn init_producer(
        &mut self,
        now: u64,
        transactional_id: Option<&str>,
    ) -> Result<Producer, KafkaError> {
        self.advance_to(now);
        let Some(tid) = transactional_id else {
            let producer_id = self.allocate_producer_id();
            self.emit(KafkaEvent::ProducerInitialized {
                transactional_id: None,
                producer_id,
                epoch: 0,
            });
            return Ok(Producer {
                producer_id,
                epoch: 0,
                transactional_id: None,
                in_transaction: false,
                next_seq: BTreeMap::new(),
            });
        };
        validate_name("transactional.id", "INVALID_REQUEST", tid)?;
        let (producer_id, epoch) = match self
            .txns
            .get(tid)
            .map(|m| (m.state, m.producer_id, m.epoch))
        {
            Some((state, pid, epoch)) => {
                if state == TxnState::Ongoing {
                    self.end_transaction(
                        tid,
                        false,
                        true,
                        "a new instance with the same transactional.id called initTransactions",
                    );
                    let m = &self.txns[tid];
                    (m.producer_id, m.epoch)
                } else if epoch >= MAX_EPOCH {
                    (self.allocate_producer_id(), 0)
                } else {
                    (pid, epoch + 1)
                }
            }
            None => (self.allocate_producer_id(), 0),
        };
        self.txns.insert(
            tid.to_string(),
            TxnMeta {
                producer_id,
                epoch,
                state: TxnState::Empty,
                partitions: BTreeSet::new(),
                offsets: BTreeMap::new(),
                started_at: self.now,
            },
        );
        self.emit(KafkaEvent::ProducerInitialized {
            transactional_id: Some(tid.to_string()),
            producer_id,
            epoch,
        });
        Ok(Producer {
            producer_id,
            epoch,
            transactional_id: Some(tid.to_string()),
            in_transaction: false,
            next_seq: BTreeMap::new(),
        })
    }

    /// Checks that `p` is the current instance of its transactional.id.
    fn check_not_fenced(&self, p: &Producer) -> Result<&TxnMeta, KafkaError> {
        let Some(tid) = &p.transactional_id else {
            return Err(txn_state_error("this producer has no transactional.id"));
        };
        let meta = self.txns.get(tid).ok_or_else(|| {
            txn_state_error(format!("transactional.id {tid:?} was never initialised"))
        })?;
        if meta.producer_id != p.producer_id || meta.epoch != p.epoch {
            return Err(KafkaError::new(
                "producer.epoch",
                "PRODUCER_FENCED",
                format!(
                    "another producer with transactional.id {tid:?} is active (epoch {} > {}); this one is fenced",
                    meta.epoch, p.epoch
                ),
            ));
        }
        Ok(meta)
    }

    /// `beginTransaction` (client-side; the coordinator learns of it with the first send).
    pub fn begin_transaction(&mut self, now: u64, p: &mut Producer) -> Result<(), KafkaError> {
        self.advance_to(now);
        self.check_not_fenced(p)?;
        if p.in_transaction {
            return Err(txn_state_error("a transaction is already open"));
        }
        p.in_transaction = true;
        Ok(())
    }

    /// Sends one record as one batch with the default partitioner and the
    /// producer's next sequence for that partition.
    pub fn send(
        &mut self,
        now: u64,
        p: &mut Producer,
        topic: &str,
        id: u64,
        key: &str,
        bytes: u32,
    ) -> Result<SendAck, KafkaError> {
        self.advance_to(now);
        let n = self.topic_ref(topic)?.logs.len() as u32;
        let partition = partition_for_key(key.as_bytes(), n);
        let seq = p.next_sequence(topic, partition);
        self.send_with_sequence(now, p, topic, partition, seq, id, key, bytes)
    }

    /// Sends one batch with an explicit sequence: a retry (an earlier
    /// sequence the broker still remembers) is acknowledged without a new
    /// append; a gap is refused.
    #[allow(clippy::too_many_arguments)]
    pub fn send_with_sequence(
        &mut self,
        now: u64,
        p: &mut Producer,
        topic: &str,
        partition: u32,
        sequence: i32,
        id: u64,
        key: &str,
        bytes: u32,
    ) -> Result<SendAck, KafkaError> {
        self.advance_to(now);
        let transactional = p.transactional_id.is_some();
        if transactional {
            self.check_not_fenced(p)?;
            if !p.in_transaction {
                return Err(txn_state_error(
                    "send outside a transaction: call beginTransaction first",
                ));
            }
        }
        if sequence < 0 {
            return Err(KafkaError::new(
                "sequence",
                "OUT_OF_ORDER_SEQUENCE_NUMBER",
                format!("sequence {sequence} is negative"),
            ));
        }
        let t = self.topic_ref(topic)?;
        Self::check_size(t, bytes)?;
        let log = self.log_ref(topic, partition)?;
        if let Some(e) = log.producers.get(&p.producer_id) {
            if p.epoch < e.epoch {
                return Err(KafkaError::new(
                    "producer.epoch",
                    "INVALID_PRODUCER_EPOCH",
                    format!(
                        "epoch {} is older than the partition's epoch {} for producer {}",
                        p.epoch, e.epoch, p.producer_id
                    ),
                ));
            }
            if p.epoch == e.epoch {
                if let Some(&(_, offset)) = e.recent.iter().find(|(s, _)| *s == sequence) {
                    self.emit(KafkaEvent::DuplicateBatch {
                        topic: topic.to_string(),
                        partition,
                        producer_id: p.producer_id,
                        sequence,
                        offset,
                    });
                    return Ok(SendAck {
                        topic: topic.to_string(),
                        partition,
                        offset,
                        sequence,
                        duplicate: true,
                    });
                }
                let expected = if e.last_seq == i32::MAX {
                    0
                } else {
                    e.last_seq + 1
                };
                if sequence != expected {
                    return Err(KafkaError::new(
                        "sequence",
                        "OUT_OF_ORDER_SEQUENCE_NUMBER",
                        format!(
                            "expected sequence {expected} from producer {} on {topic}-{partition}, got {sequence}",
                            p.producer_id
                        ),
                    ));
                }
            } else if sequence != 0 {
                return Err(KafkaError::new(
                    "sequence",
                    "OUT_OF_ORDER_SEQUENCE_NUMBER",
                    format!("a new epoch starts at sequence 0, got {sequence}"),
                ));
            }
        } else if sequence != 0 {
            return Err(KafkaError::new(
                "sequence",
                "OUT_OF_ORDER_SEQUENCE_NUMBER",
                format!(
                    "producer {} has no batch on {topic}-{partition} yet; the first sequence is 0, got {sequence}",
                    p.producer_id
                ),
            ));
        }
        // Accepted: register the partition with the transaction, then append.
        let now = self.now;
        if let Some(tid) = &p.transactional_id {
            if let Some(meta) = self.txns.get_mut(tid) {
                if meta.state != TxnState::Ongoing {
                    meta.state = TxnState::Ongoing;
                    meta.started_at = now;
                    meta.partitions.clear();
                    meta.offsets.clear();
                }
                meta.partitions
                    .insert(TopicPartition::new(topic, partition));
            }
        }
        let offset = self.append_data(
            topic,
            partition,
            id,
            key,
            bytes,
            Some((p.producer_id, p.epoch)),
            transactional,
        );
        if let Some(log) = self
            .topics
            .get_mut(topic)
            .and_then(|t| t.logs.get_mut(partition as usize))
        {
            if transactional {
                log.ongoing.entry(p.producer_id).or_insert(offset);
            }
            let e = log.producers.entry(p.producer_id).or_insert(ProducerEntry {
                epoch: p.epoch,
                last_seq: -1,
                recent: Default::default(),
            });
            if e.epoch != p.epoch {
                e.epoch = p.epoch;
                e.recent.clear();
            }
            e.last_seq = sequence;
            e.recent.push_back((sequence, offset));
            while e.recent.len() > BATCHES_TO_RETAIN {
                e.recent.pop_front();
            }
        }
        let next = if sequence == i32::MAX {
            0
        } else {
            sequence + 1
        };
        let slot = p
            .next_seq
            .entry(TopicPartition::new(topic, partition))
            .or_insert(0);
        if *slot == sequence {
            *slot = next;
        }
        Ok(SendAck {
            topic: topic.to_string(),
            partition,
            offset,
            sequence,
            duplicate: false,
        })
    }

    /// `sendOffsetsToTransaction`: the group's offsets (partition, next
    /// offset) commit with the transaction, or not at all.
    pub fn send_offsets_to_transaction(
        &mut self,
        now: u64,
        p: &Producer,
        group: &str,
        offsets: &[(u32, u64)],
    ) -> Result<(), KafkaError> {
        self.advance_to(now);
        self.check_not_fenced(p)?;
        if !p.in_transaction {
            return Err(txn_state_error(
                "sendOffsetsToTransaction outside a transaction",
            ));
        }
        for &(partition, offset) in offsets {
            self.check_commit(group, partition, offset)?;
        }
        let now = self.now;
        if let Some(meta) = p
            .transactional_id
            .as_ref()
            .and_then(|tid| self.txns.get_mut(tid))
        {
            if meta.state != TxnState::Ongoing {
                meta.state = TxnState::Ongoing;
                meta.started_at = now;
                meta.partitions.clear();
                meta.offsets.clear();
            }
            for &(partition, offset) in offsets {
                meta.offsets.insert((group.to_string(), partition), offset);
            }
        }
        Ok(())
    }

    /// `commitTransaction`: COMMIT markers, then the offsets count.
    pub fn commit_transaction(&mut self, now: u64, p: &mut Producer) -> Result<(), KafkaError> {
        self.finish_client_transaction(now, p, true)
    }

    /// `abortTransaction`: ABORT markers; the offsets are dropped.
    pub fn abort_transaction(&mut self, now: u64, p: &mut Producer) -> Result<(), KafkaError> {
        self.finish_client_transaction(now, p, false)
    }

    fn finish_client_transaction(
        &mut self,
        now: u64,
        p: &mut Producer,
        commit: bool,
    ) -> Result<(), KafkaError> {
        self.advance_to(now);
        self.check_not_fenced(p)?;
        if !p.in_transaction {
            return Err(txn_state_error(if commit {
                "commitTransaction without an open transaction"
            } else {
                "abortTransaction without an open transaction"
            }));
        }
        let tid = p.transactional_id.clone().unwrap_or_default();
        if self
            .txns
            .get(&tid)
            .is_some_and(|m| m.state == TxnState::Ongoing)
        {
            self.end_transaction(&tid, commit, false, "abortTransaction");
        }
        p.in_transaction = false;
        Ok(())
    }

    /// Coordinator side: writes the markers, applies or drops the offsets.
    fn end_transaction(&mut self, tid: &str, commit: bool, bump_epoch: bool, reason: &str) {
        let Some(meta) = self.txns.get_mut(tid) else {
            return;
        };
        if bump_epoch {
            if meta.epoch >= MAX_EPOCH {
                meta.epoch = 0;
                meta.producer_id = self.next_producer_id;
                self.next_producer_id = self.next_producer_id.saturating_add(1);
            } else {
                meta.epoch += 1;
            }
        }
        let old_pid_partitions = std::mem::take(&mut meta.partitions);
        let offsets = std::mem::take(&mut meta.offsets);
        meta.state = if commit {
            TxnState::CompleteCommit
        } else {
            TxnState::CompleteAbort
        };
        let (pid, epoch) = (meta.producer_id, meta.epoch);
        // With a fresh producer id (epoch exhausted) the markers must close
        // the old id's transaction: find it from the partitions' open ones.
        let now = self.now;
        for tp in &old_pid_partitions {
            let Some(t) = self.topics.get_mut(&tp.topic) else {
                continue;
            };
            let seg = t.config.segment_records;
            let Some(log) = t.logs.get_mut(tp.partition as usize) else {
                continue;
            };
            let owner = if log.ongoing.contains_key(&pid) {
                pid
            } else {
                log.ongoing.keys().next().copied().unwrap_or(pid)
            };
            let first = log.ongoing.remove(&owner);
            let marker = log.push(
                now,
                0,
                EntryKind::Marker {
                    producer_id: owner,
                    commit,
                },
                seg,
            );
            if !commit {
                if let Some(first) = first {
                    log.aborted.push(super::log::AbortedTxn {
                        producer_id: owner,
                        first_offset: first,
                        last_offset: marker,
                    });
                }
            }
            let e = log.producers.entry(owner).or_insert(ProducerEntry {
                epoch,
                last_seq: -1,
                recent: Default::default(),
            });
            if epoch > e.epoch {
                e.epoch = epoch;
                e.last_seq = -1;
                e.recent.clear();
            }
        }
        let partitions: Vec<TopicPartition> = old_pid_partitions.into_iter().collect();
        if commit {
            let mut applied = 0u32;
            for ((group, partition), offset) in offsets {
                if self.check_commit(&group, partition, offset).is_ok() {
                    self.apply_commit(&group, partition, offset, true);
                    applied += 1;
                }
            }
            self.emit(KafkaEvent::TransactionCommitted {
                transactional_id: tid.to_string(),
                producer_id: pid,
                epoch,
                partitions,
                offsets: applied,
            });
        } else {
            self.emit(KafkaEvent::TransactionAborted {
                transactional_id: tid.to_string(),
                producer_id: pid,
                epoch,
                partitions,
                reason: reason.to_string(),
            });
        }
    }

    pub(crate) fn expire_transactions(&mut self, t: u64) {
        let timeout = self.settings.transaction_timeout_ms;
        let due: Vec<String> = self
            .txns
            .iter()
            .filter(|(_, m)| m.timeout_at(timeout).is_some_and(|at| at <= t))
            .map(|(k, _)| k.clone())
            .collect();
        for tid in due {
            self.end_transaction(&tid, false, true, "transaction.timeout.ms");
        }
    }

    /// The coordinator's view of a transactional.id.
    pub fn transaction(&self, transactional_id: &str) -> Option<TxnView> {
        let m = self.txns.get(transactional_id)?;
        Some(TxnView {
            transactional_id: transactional_id.to_string(),
            producer_id: m.producer_id,
            epoch: m.epoch,
            state: m.state,
            partitions: m.partitions.iter().cloned().collect(),
            pending_offsets: m
                .offsets
                .iter()
                .map(|((g, p), o)| (g.clone(), *p, *o))
                .collect(),
        })
    }
}
