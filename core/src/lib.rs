//! `kinesis-lab-core`: the deterministic, sans-IO engine behind Kinesis Lab.
//!
//! Architecture invariants (see ARCHITECTURE.md):
//! - no browser crates, no clock, no OS randomness: time and seeds are arguments;
//! - iteration order is stable (`Vec`/`BTreeMap`), so the same seed and inputs
//!   always give the same results;
//! - bad input is an `Err` naming the field, never a panic.

pub mod api;
pub mod analytics;
pub mod bench;
pub mod calendar;
pub mod compare;
pub mod consumer;
pub mod error;
pub mod firehose;
pub mod hash;
pub mod lesson;
pub mod producer;
pub mod quiz;
pub mod rng;
pub mod shared;
pub mod stream;
pub mod traffic;
pub mod video;
pub mod workload;

pub use error::{Field, ValidationError};
