//! One row of a KCL application's lease table, with the attribute names the
//! KCL writes to its DynamoDB table.

use crate::hash::ShardId;
use crate::stream::seq::SequenceNumber;
use serde::Serialize;
use std::cmp::Ordering;
use std::fmt;

/// The `checkpoint` attribute: a sentinel before the first checkpoint and
/// after the last, a sequence number in between. The KCL stores the
/// sentinels as the strings `TRIM_HORIZON`, `LATEST` and `SHARD_END`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(
    tag = "kind",
    content = "sequence_number",
    rename_all = "SCREAMING_SNAKE_CASE"
)]
pub enum Checkpoint {
    TrimHorizon,
    Latest,
    At(SequenceNumber),
    ShardEnd,
}

impl Checkpoint {
    /// Where the value sits in a shard: the starting sentinels before any
    /// record, SHARD_END after every record. A checkpoint may only move up.
    fn rank(&self) -> (u8, u64) {
        match self {
            Checkpoint::TrimHorizon | Checkpoint::Latest => (0, 0),
            Checkpoint::At(s) => (1, s.seq_index),
            Checkpoint::ShardEnd => (2, 0),
        }
    }

    /// The position in the shard (sequence index within it), for the UI.
    pub fn seq_index(&self) -> Option<u64> {
        match self {
            Checkpoint::At(s) => Some(s.seq_index),
            _ => None,
        }
    }
}

impl PartialOrd for Checkpoint {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Orders checkpoints of one shard by position.
impl Ord for Checkpoint {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Checkpoint::TrimHorizon => f.write_str("TRIM_HORIZON"),
            Checkpoint::Latest => f.write_str("LATEST"),
            Checkpoint::At(s) => write!(f, "{s}"),
            Checkpoint::ShardEnd => f.write_str("SHARD_END"),
        }
    }
}

/// A lease: the right to process one shard, held by one worker at a time.
/// Field names follow the table's attributes (`leaseKey`, `checkpoint`,
/// `checkpointSubSequenceNumber`, `leaseCounter`, `leaseOwner`,
/// `ownerSwitchesSinceCheckpoint`, `parentShardId`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lease {
    /// The shard id, e.g. `shardId-000000000003`.
    pub lease_key: String,
    pub checkpoint: Checkpoint,
    /// Which user record inside an aggregated (KPL) record was checkpointed;
    /// always 0 here, where records are not aggregated.
    pub checkpoint_sub_sequence_number: u64,
    /// Raised by every renewal, take and checkpoint. Workers learn that a
    /// lease changed hands, or that its owner stopped renewing, from it.
    pub lease_counter: u64,
    /// The worker holding the lease; `None` for a lease nobody has taken.
    pub lease_owner: Option<String>,
    /// Owner changes since the last checkpoint.
    pub owner_switches_since_checkpoint: u64,
    /// The table's `parentShardId` attribute (a set of shard ids): a child
    /// is processed only after these are checkpointed at SHARD_END.
    #[serde(rename = "parentShardId")]
    pub parent_shard_ids: Vec<String>,
}

impl Lease {
    pub fn new(shard: u32, checkpoint: Checkpoint, parents: &[u32]) -> Lease {
        Lease {
            lease_key: ShardId(shard).to_string(),
            checkpoint,
            checkpoint_sub_sequence_number: 0,
            lease_counter: 0,
            lease_owner: None,
            owner_switches_since_checkpoint: 0,
            parent_shard_ids: parents.iter().map(|p| ShardId(*p).to_string()).collect(),
        }
    }

    /// Processed to the end of a closed shard.
    pub fn finished(&self) -> bool {
        self.checkpoint == Checkpoint::ShardEnd
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(i: u64) -> SequenceNumber {
        SequenceNumber {
            shard_create_secs: 1,
            shard_index: 0,
            seq_index: i,
            arrival_secs: 1,
        }
    }

    #[test]
    fn sentinels_sit_before_and_after_every_sequence_number() {
        assert!(Checkpoint::TrimHorizon < Checkpoint::At(seq(0)));
        assert!(Checkpoint::At(seq(0)) < Checkpoint::At(seq(1)));
        assert!(Checkpoint::At(seq(u64::MAX)) < Checkpoint::ShardEnd);
        assert_eq!(Checkpoint::ShardEnd.to_string(), "SHARD_END");
        assert_eq!(Checkpoint::At(seq(5)).to_string(), seq(5).to_string());
    }

    #[test]
    fn a_new_lease_names_its_parents_by_shard_id() {
        let l = Lease::new(4, Checkpoint::TrimHorizon, &[1]);
        assert_eq!(l.lease_key, "shardId-000000000004");
        assert_eq!(l.parent_shard_ids, vec!["shardId-000000000001"]);
        let json = serde_json::to_value(&l).unwrap();
        for name in [
            "leaseKey",
            "checkpoint",
            "checkpointSubSequenceNumber",
            "leaseCounter",
            "leaseOwner",
            "ownerSwitchesSinceCheckpoint",
            "parentShardId",
        ] {
            assert!(json.get(name).is_some(), "{name}");
        }
    }
}
