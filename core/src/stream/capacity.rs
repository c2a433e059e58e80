//! How many shards a workload needs: the sizing rule from AWS's "how do I
//! size a stream", computed from the per-shard limits.

use super::limits::*;
use serde::{Deserialize, Serialize};

/// How consumers read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadMode {
    /// GetRecords polling: all consumers share 2 MiB/s per shard.
    Shared,
    /// SubscribeToShard: each consumer has its own 2 MiB/s per shard.
    EnhancedFanOut,
}

/// A workload to size a stream for. Sizes in bytes per second.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    pub write_bytes_per_second: u64,
    pub write_records_per_second: u64,
    /// Consumers that each read the whole stream.
    pub consumers: u32,
    pub read_mode: ReadMode,
}

/// The shard count each limit alone requires, and the answer (the largest).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Sizing {
    pub for_write_bytes: u64,
    pub for_write_records: u64,
    pub for_reads: u64,
    pub shards: u64,
}

fn div_ceil(a: u64, b: u64) -> u64 {
    a.div_ceil(b)
}

pub fn shards_needed(w: &Workload) -> Sizing {
    let for_write_bytes = div_ceil(w.write_bytes_per_second, WRITE_BYTES_PER_SECOND);
    let for_write_records = div_ceil(w.write_records_per_second, WRITE_RECORDS_PER_SECOND);
    let for_reads = match w.read_mode {
        // Every consumer reads every byte; they share the shard's read limit.
        ReadMode::Shared => div_ceil(
            w.write_bytes_per_second * w.consumers as u64,
            READ_BYTES_PER_SECOND,
        ),
        // Each consumer has its own pipe: one consumer's read needs bound it.
        ReadMode::EnhancedFanOut => {
            div_ceil(w.write_bytes_per_second, EFO_BYTES_PER_SECOND_PER_CONSUMER)
        }
    };
    Sizing {
        for_write_bytes,
        for_write_records,
        for_reads,
        shards: for_write_bytes.max(for_write_records).max(for_reads).max(1),
    }
}

/// GetRecords calls `shards` shards allow in `seconds` seconds.
pub fn get_records_calls(shards: u64, seconds: u64) -> u64 {
    GET_RECORDS_PER_SECOND * shards * seconds
}

#[cfg(test)]
mod tests {
    use super::*;
    const MIB: u64 = 1_048_576;

    #[test]
    fn seed_example_six_mb_needs_six_shards() {
        let w = Workload {
            write_bytes_per_second: 6 * MIB,
            write_records_per_second: 10,
            consumers: 1,
            read_mode: ReadMode::Shared,
        };
        assert_eq!(shards_needed(&w).shards, 6);
    }

    #[test]
    fn records_can_dominate() {
        let w = Workload {
            write_bytes_per_second: MIB / 2,
            write_records_per_second: 4_500,
            consumers: 1,
            read_mode: ReadMode::Shared,
        };
        let s = shards_needed(&w);
        assert_eq!(
            (s.for_write_bytes, s.for_write_records, s.shards),
            (1, 5, 5)
        );
    }

    #[test]
    fn shared_reads_divide_and_fan_out_does_not() {
        let shared = Workload {
            write_bytes_per_second: 2 * MIB,
            write_records_per_second: 100,
            consumers: 5,
            read_mode: ReadMode::Shared,
        };
        assert_eq!(shards_needed(&shared).for_reads, 5); // 10 MiB/s of reads / 2 MiB/s
        let efo = Workload {
            read_mode: ReadMode::EnhancedFanOut,
            ..shared
        };
        assert_eq!(shards_needed(&efo).for_reads, 1);
        assert_eq!(shards_needed(&efo).shards, 2);
    }

    #[test]
    fn get_records_budget() {
        assert_eq!(get_records_calls(1, 1), 5);
        assert_eq!(get_records_calls(3, 10), 150);
    }
}
