//! The Firehose workload: Direct PUT into an S3 delivery stream, 100
//! PutRecordBatch calls of 500 JSON records (about 70 bytes each) 10 ms of
//! simulated time apart, within the 5 MiB/s, 2,000 requests/s quota; then
//! the end-of-run flush. GZIP output buffers 1 MiB (four objects and the
//! flush); Parquet needs a 64 MiB buffer, so all goes in the flush's object. Delivered either GZIP-compressed
//! or converted to Parquet (Snappy pages). The timed part is from the first
//! put to the last object's bytes: for GZIP the engine compresses as it
//! delivers; a Parquet object holds rows until its bytes are asked for, so
//! [`FirehoseWorkload::run`] encodes every object (that needs core's
//! `parquet` feature, which the app's main wasm leaves out).

use crate::firehose::compress::Compression;
use crate::firehose::config::{BufferingHints, DeliveryConfig, FormatConversion};
use crate::firehose::convert::Schema;
use crate::firehose::DeliveryStream;

pub const T0: u64 = 1_700_000_000_000;
pub const BATCHES: usize = 100;
pub const RECORDS_PER_BATCH: usize = 500;
pub const BATCH_GAP_MS: u64 = 10;
pub const SCHEMA: &str = "ticker:string, price:double, qty:int, ts:bigint";
const TICKERS: [&str; 8] = [
    "AMZN", "MSFT", "NVDA", "AAPL", "GOOG", "META", "NFLX", "ORCL",
];

/// Where the records end up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    Gzip,
    /// Needs core's `parquet` feature to encode (else `run` counts 0 bytes).
    Parquet,
}

#[derive(Clone, Debug)]
pub struct FirehoseWorkload {
    pub output: Output,
    batches: Vec<Vec<Vec<u8>>>,
}

impl FirehoseWorkload {
    pub fn new(output: Output) -> FirehoseWorkload {
        let mut n = 0u64;
        let batches = (0..BATCHES)
            .map(|_| {
                (0..RECORDS_PER_BATCH)
                    .map(|_| {
                        n += 1;
                        let t = TICKERS[(n % 8) as usize];
                        let price = 100.0 + (n % 997) as f64 / 8.0;
                        format!(
                            "{{\"ticker\":\"{t}\",\"price\":{price},\"qty\":{},\"ts\":{}}}\n",
                            n % 50,
                            T0 + n
                        )
                        .into_bytes()
                    })
                    .collect()
            })
            .collect();
        FirehoseWorkload { output, batches }
    }

    pub fn records(&self) -> u64 {
        (BATCHES * RECORDS_PER_BATCH) as u64
    }

    /// The input records, to hand to one run (they are moved into the
    /// stream, so each run needs its own copy, made outside the timing).
    pub fn input(&self) -> Vec<Vec<Vec<u8>>> {
        self.batches.clone()
    }

    fn config(&self) -> DeliveryConfig {
        let mut c = DeliveryConfig {
            buffering: BufferingHints {
                size_mib: Some(match self.output {
                    Output::Gzip => 1,
                    Output::Parquet => 64,
                }),
                interval_seconds: Some(60),
            },
            ..DeliveryConfig::default()
        };
        match self.output {
            Output::Gzip => c.compression = Compression::Gzip,
            Output::Parquet => {
                c.format_conversion = Some(FormatConversion {
                    enabled: true,
                    input_format: "json".into(),
                    output_format: "parquet".into(),
                    schema: Schema::parse(SCHEMA).expect("the bench schema parses"),
                })
            }
        }
        c
    }

    /// A fresh delivery stream for one run.
    pub fn stream(&self) -> DeliveryStream {
        DeliveryStream::new("bench", self.config(), 5, T0)
            .expect("the bench configuration is valid")
    }

    /// Puts every batch, flushes, and reads every delivered object's bytes;
    /// returns (records accepted, bytes of the objects).
    pub fn run(&self, fh: &mut DeliveryStream, input: Vec<Vec<Vec<u8>>>) -> (u64, u64) {
        let mut accepted = 0;
        for (i, batch) in input.into_iter().enumerate() {
            let now = T0 + i as u64 * BATCH_GAP_MS;
            if let Ok(r) = fh.put_record_batch(now, batch) {
                accepted += (r.request_responses.len() - r.failed_put_count) as u64;
            }
        }
        let end = T0 + BATCHES as u64 * BATCH_GAP_MS;
        fh.flush(end);
        fh.run_until_idle(end + 3_600_000);
        let keys: Vec<String> = fh
            .bucket()
            .objects()
            .iter()
            .map(|o| o.key.clone())
            .collect();
        let bytes = keys
            .iter()
            .filter_map(|k| fh.object_bytes(k).ok())
            .map(|b| b.len() as u64)
            .sum();
        (accepted, bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_record_is_delivered_compressed() {
        let w = FirehoseWorkload::new(Output::Gzip);
        let mut fh = w.stream();
        let (accepted, bytes) = w.run(&mut fh, w.input());
        assert_eq!(accepted, w.records(), "none throttled");
        assert_eq!(fh.counts().delivered, w.records());
        let raw: usize = w.batches.iter().flatten().map(Vec::len).sum();
        assert!(bytes > 0 && (bytes as usize) < raw / 3, "{bytes} of {raw}");
        assert!(
            fh.bucket().objects().len() >= 3,
            "the 1 MiB buffer flushed more than once"
        );
    }

    #[test]
    fn parquet_rows_are_every_record() {
        let w = FirehoseWorkload::new(Output::Parquet);
        let mut fh = w.stream();
        let (accepted, bytes) = w.run(&mut fh, w.input());
        assert_eq!(accepted, w.records());
        assert_eq!(fh.counts().delivered, w.records());
        assert_eq!(bytes > 0, cfg!(feature = "parquet"));
    }
}
