//! Kinesis Data Streams per-shard limits (AWS "Quotas and limits").

/// Writes per shard: 1,000 records per second...
pub const WRITE_RECORDS_PER_SECOND: u64 = 1_000;
/// ...and 1 MiB per second (data plus partition keys).
pub const WRITE_BYTES_PER_SECOND: u64 = 1_048_576;
/// Shared-throughput reads per shard: 2 MiB per second across all readers.
pub const READ_BYTES_PER_SECOND: u64 = 2 * 1_048_576;
/// GetRecords calls per shard per second.
pub const GET_RECORDS_PER_SECOND: u64 = 5;
/// Enhanced fan-out: each registered consumer gets its own 2 MiB/s per shard.
pub const EFO_BYTES_PER_SECOND_PER_CONSUMER: u64 = 2 * 1_048_576;
/// Default and maximum retention, in hours.
pub const RETENTION_DEFAULT_HOURS: u32 = 24;
pub const RETENTION_MAX_HOURS: u32 = 365 * 24;
