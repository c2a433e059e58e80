//! Kinesis Data Firehose: a delivery stream in simulated time (issue 6).
//!
//! Processing order, as AWS documents it: KPL de-aggregation → transformation
//! (the Lambda contract, [`transform`]) → format conversion ([`convert`]) →
//! compression ([`compress`]) → destination ([`destination`]).

pub mod buffer;
pub mod compress;
pub mod config;
pub mod convert;
pub mod destination;
pub mod keys;
pub mod source;
pub mod transform;
