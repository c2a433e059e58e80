//! Kinesis Data Streams. Today: the service's limits and shard sizing; the
//! full stream engine (issue 4) grows here.

pub mod capacity;
pub mod limits;
