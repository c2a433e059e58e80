//! One module per route.

pub mod consumers;
pub mod bench;
pub mod compare;
pub mod firehose;
pub mod sql;
pub mod home;
pub mod lesson;
pub mod lessons;
pub mod not_found;
pub mod partitions;
pub mod present;
pub mod producers;
pub mod progress;
pub mod quiz;
pub mod streams;
