//! The engine's public surface: the Kinesis Data Streams JSON 1.1 API
//! (`Kinesis_20131202.*`), with AWS's field names. The browser console, the
//! local endpoint (`kinesis-lab serve`) and the scenario runner all call
//! [`handle`];
//! SubscribeToShard, which answers with an event stream, goes through
//! [`subscribe`] and [`eventstream`] instead.

pub mod console;
pub mod error;
pub mod eventstream;
pub mod json;
pub mod scenario;
pub mod subscribe;

pub use json::handle;
