//! The Kinesis Producer Library, simulated: its aggregated-record format
//! (`format.rs`, real bytes that other KPL-format tools read) and its
//! buffering, aggregation, rate limiting, collection into PutRecords calls
//! and retries in simulated time (`sim.rs`).

pub mod format;
pub mod sim;

pub use format::{
    aggregate, deaggregate, inspect, pack, Aggregator, Anatomy, DeaggregationError, Tag, UserRecord,
};
pub use sim::{KplConfig, KplProducer, KplStats, RetryPolicy};
