//! Queues and streams side by side (seed section 4): an Amazon SQS model, an
//! Apache Kafka model, and a simulator that feeds one workload into SQS,
//! Kafka and the existing Kinesis engine at once so a student can watch the
//! three behave differently. Same rules as the rest of core: sans-IO, time
//! passed in (ms since the epoch), randomness only from
//! [`crate::rng::component_rng`], BTreeMap/Vec order, bad input is an `Err`
//! naming the field.
//!
//! - `sqs.rs`: standard and FIFO queues, visibility timeout, long/short
//!   polling, DeleteMessage, dead-letter queue, retention, deduplication.
//! - `kafka/`: topics and partitions with the real default partitioner
//!   (murmur2), offsets, retention, consumer groups with the range,
//!   round-robin and cooperative-sticky assignors and rebalances, the
//!   idempotent producer and transactions.
//! - `kinesis.rs`: the Kinesis column: the lab's engine, KCL applications
//!   and AT_TIMESTAMP readers, with records mapped back to message ids.
//! - `sim.rs`: [`sim::CompareSim`], the three systems fed by one workload,
//!   with the page's toggles as actions and live counters per system.
//! - `guide.rs`: the seed's comparison tables, the decision tree and the
//!   scenario → recommendation table as data (`lessons/compare/guide.toml`).

pub mod calc;
pub mod guide;
pub mod kafka;
pub mod kinesis;
pub mod sim;
pub mod sqs;

use serde::{Deserialize, Serialize};

/// The three systems the compare page runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum System {
    Sqs,
    Kafka,
    Kinesis,
}

impl System {
    pub const ALL: [System; 3] = [System::Sqs, System::Kafka, System::Kinesis];

    pub fn name(self) -> &'static str {
        match self {
            System::Sqs => "Amazon SQS",
            System::Kafka => "Apache Kafka",
            System::Kinesis => "Kinesis Data Streams",
        }
    }
}
