//! Producers: applications that put records at a steady rate with keys from
//! a distribution. Time enters through [`Producer::due`]; the records a
//! producer sends depend only on its settings, the seed and the time.

pub mod agent;
pub mod kpl;
pub mod sources;
pub mod template;

use crate::error::{check_count, Field, ValidationError};
use crate::stream::engine::PutEntry;
use crate::workload::{KeyDistribution, KeyGenerator};
use serde::{Deserialize, Serialize};

pub const MAX_RATE: u32 = 10_000;
pub const MAX_RECORD_BYTES: u32 = 1_048_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerConfig {
    pub stream: String,
    pub records_per_second: u32,
    pub distribution: KeyDistribution,
    /// Bytes of data per record (the partition key comes on top).
    pub record_bytes: u32,
}

impl ProducerConfig {
    pub fn validate(&self) -> Result<(), ValidationError> {
        check_count(Field::RecordRate, self.records_per_second, MAX_RATE)?;
        check_count(Field::RecordBytes, self.record_bytes, MAX_RECORD_BYTES).map(|_| ())
    }
}

pub struct Producer {
    pub id: u32,
    pub config: ProducerConfig,
    generator: KeyGenerator,
    started_ms: u64,
    sent: u64,
}

impl Producer {
    pub fn new(
        id: u32,
        config: ProducerConfig,
        seed: u64,
        now_ms: u64,
    ) -> Result<Producer, ValidationError> {
        config.validate()?;
        let generator =
            KeyGenerator::with_label(config.distribution, seed, &format!("producer.{id}"));
        Ok(Producer {
            id,
            config,
            generator,
            started_ms: now_ms,
            sent: 0,
        })
    }

    /// Records sent so far.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// When record `k` (0-based) is due: evenly spaced at the rate.
    fn due_ms(&self, k: u64) -> u64 {
        self.started_ms + k * 1000 / self.config.records_per_second as u64
    }

    /// The records due after the last call and at or before `now_ms`, in
    /// order, each with the time it is sent.
    pub fn due(&mut self, now_ms: u64) -> Vec<(u64, PutEntry)> {
        let mut out = Vec::new();
        while self.due_ms(self.sent) <= now_ms {
            out.push((
                self.due_ms(self.sent),
                PutEntry {
                    partition_key: self.generator.next_key(),
                    explicit_hash_key: None,
                    data: vec![b'x'; self.config.record_bytes as usize],
                },
            ));
            self.sent += 1;
        }
        out
    }

    /// When the next record is due.
    pub fn next_deadline(&self) -> u64 {
        self.due_ms(self.sent)
    }

    /// Skips ahead to `now_ms` without sending (for fast-forward with the
    /// producers paused): the next record is due one interval after it, and
    /// keys continue the same sequence.
    pub fn resume_at(&mut self, now_ms: u64) {
        self.started_ms = now_ms + (1000 / self.config.records_per_second as u64).max(1);
        self.sent = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ProducerConfig {
        ProducerConfig {
            stream: "s".into(),
            records_per_second: 1000,
            distribution: KeyDistribution::UserIds,
            record_bytes: 10,
        }
    }

    #[test]
    fn sends_at_its_rate_whatever_the_steps() {
        let mut a = Producer::new(0, config(), 1, 0).unwrap();
        let mut b = Producer::new(0, config(), 1, 0).unwrap();
        let one = a.due(2_500);
        let mut many = Vec::new();
        for t in (0..=2_500).step_by(37) {
            many.extend(b.due(t));
        }
        many.extend(b.due(2_500));
        // Records 0..=2500 are due by 2,500 ms at one per millisecond.
        assert_eq!(one.len(), 2_501);
        assert_eq!(
            one, many,
            "the same records at the same times however time is sliced"
        );
        assert!(one.windows(2).all(|w| w[0].0 <= w[1].0));
        assert_eq!(a.next_deadline(), 2_501);
    }

    #[test]
    fn bad_settings_name_the_field() {
        let bad = ProducerConfig {
            records_per_second: 0,
            ..config()
        };
        assert_eq!(
            Producer::new(0, bad, 1, 0).err().unwrap().field,
            Field::RecordRate
        );
        let bad = ProducerConfig {
            record_bytes: 2_000_000,
            ..config()
        };
        assert_eq!(
            Producer::new(0, bad, 1, 0).err().unwrap().field,
            Field::RecordBytes
        );
    }
}
