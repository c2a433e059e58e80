//! Kinesis Data Streams: the per-shard limits, stream sizing, sequence
//! numbers, and the engine that runs streams in simulated time.

pub mod bucket;
pub mod capacity;
pub mod cost;
pub mod engine;
pub mod limits;
pub mod metrics;
pub mod seq;
