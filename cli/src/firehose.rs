//! `kinesis-lab firehose --config delivery.toml --input records.jsonl --out DIR`:
//! runs a delivery stream in simulated time and writes every object of its
//! S3 bucket to DIR, the S3 key as the path, so other tools can open them
//! (`gzip -t`, `unzip -l`, pandas or DuckDB for Parquet).
//!
//! Each non-empty line of the input is one record (with its `\n`, the
//! separator the Firehose docs suggest adding, unless `--no-newline`). Records
//! arrive at `--rate` per second from `--start-ms`; after the last one the
//! clock runs on until the buffers have delivered by size or time, retries
//! have ended and nothing is left in flight.

use clap::Args;
use kinesis_lab_core::firehose::config::DeliveryConfig;
use kinesis_lab_core::firehose::destination::ObjectKind;
use kinesis_lab_core::firehose::source::{MAX_BATCH_BYTES, MAX_BATCH_RECORDS};
use kinesis_lab_core::firehose::{BatchEntry, DeliveryStream, FirehoseEvent};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct FirehoseArgs {
    /// The delivery stream's configuration (TOML, or JSON if the name ends in .json).
    #[arg(long)]
    config: PathBuf,
    /// Records, one per line.
    #[arg(long)]
    input: PathBuf,
    /// Directory to write the bucket's objects to (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Records per second of simulated time.
    #[arg(long, default_value_t = 100.0)]
    rate: f64,
    /// Simulated start time, ms since the Unix epoch (2023-11-14T22:13:20Z).
    #[arg(long, default_value_t = 1_700_000_000_000)]
    start_ms: u64,
    /// Seed of the random parts (key suffixes, document ids).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The delivery stream's name.
    #[arg(long, default_value = "lab-delivery-stream")]
    name: String,
    /// Send each line without its trailing newline.
    #[arg(long)]
    no_newline: bool,
    /// Stop the simulated clock this many seconds after the last record,
    /// whatever is still buffered (default: run until idle, at most 24 h).
    #[arg(long)]
    run_seconds: Option<u64>,
    /// Print the summary as one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

const DAY_MS: u64 = 24 * 3600 * 1000;

/// The path of `key` under `out`, refusing keys that would leave it.
fn key_path(out: &Path, key: &str) -> Option<PathBuf> {
    let rel = Path::new(key);
    if key.is_empty() || rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(out.join(rel))
}

pub fn run(args: &FirehoseArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<ExitCode> {
    let fail = |err: &mut dyn Write, msg: String| -> io::Result<ExitCode> {
        writeln!(err, "error: {msg}")?;
        Ok(ExitCode::from(2))
    };
    let config_text = match std::fs::read_to_string(&args.config) {
        Ok(t) => t,
        Err(e) => return fail(err, format!("--config {}: {e}", args.config.display())),
    };
    let is_json = args
        .config
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let parsed = if is_json {
        DeliveryConfig::from_json(&config_text)
    } else {
        DeliveryConfig::from_toml(&config_text)
    };
    let config = match parsed {
        Ok(c) => c,
        Err(e) => return fail(err, format!("{}: {e}", args.config.display())),
    };
    if !(args.rate.is_finite() && args.rate > 0.0 && args.rate <= 1_000_000.0) {
        return fail(
            err,
            "--rate must be more than 0 and at most 1000000 records per second".into(),
        );
    }
    let input = match std::fs::read(&args.input) {
        Ok(b) => b,
        Err(e) => return fail(err, format!("--input {}: {e}", args.input.display())),
    };
    let mut fh = match DeliveryStream::new(&args.name, config, args.seed, args.start_ms) {
        Ok(f) => f,
        Err(e) => return fail(err, format!("{}: {e}", args.config.display())),
    };
    if fh.config().source != Default::default() {
        return fail(
            err,
            format!(
                "{}: source: the command feeds records by Direct PUT; use type = \"direct_put\"",
                args.config.display()
            ),
        );
    }

    // Records, each with its arrival time.
    let mut records: Vec<(u64, Vec<u8>)> = Vec::new();
    for (i, line) in input.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let mut data = line.to_vec();
        if !args.no_newline {
            data.push(b'\n');
        }
        if data.len() > kinesis_lab_core::firehose::source::MAX_RECORD_BYTES {
            return fail(
                err,
                format!(
                    "--input line {}: the record is {} bytes; Firehose takes at most 1,000 KiB (1,024,000 bytes)",
                    i + 1,
                    data.len()
                ),
            );
        }
        let n = records.len() as f64;
        records.push((args.start_ms + (n * 1000.0 / args.rate) as u64, data));
    }

    // Send: records of the same millisecond go in one PutRecordBatch;
    // throttled ones are sent again a second later.
    let mut queue: std::collections::VecDeque<(u64, Vec<u8>)> = records.into();
    let mut throttled = 0u64;
    let mut last = args.start_ms;
    while let Some((t, _)) = queue.front() {
        let t = *t;
        let mut batch = Vec::new();
        let mut bytes = 0;
        while let Some((u, d)) = queue.front() {
            if *u != t || batch.len() == MAX_BATCH_RECORDS || bytes + d.len() > MAX_BATCH_BYTES {
                break;
            }
            bytes += d.len();
            batch.push(queue.pop_front().map(|(_, d)| d).unwrap_or_default());
        }
        last = last.max(t);
        match fh.put_record_batch(t, batch.clone()) {
            Ok(r) => {
                let mut again = Vec::new();
                for (entry, data) in r.request_responses.iter().zip(batch) {
                    if matches!(entry, BatchEntry::Failed { .. }) {
                        throttled += 1;
                        again.push((t + 1000, data));
                    }
                }
                if !again.is_empty() {
                    queue.extend(again);
                    // A re-sent record takes its place by time (stable: order kept).
                    queue.make_contiguous().sort_by_key(|(u, _)| *u);
                }
            }
            Err(e) => return fail(err, format!("PutRecordBatch at {t} ms: {e}")),
        }
    }
    let end = match args.run_seconds {
        Some(s) => {
            fh.advance_to(last + s * 1000);
            fh.now()
        }
        None => fh.run_until_idle(last + DAY_MS),
    };

    // Write the bucket.
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        return fail(err, format!("--out {}: {e}", args.out.display()));
    }
    let mut written = Vec::new();
    for o in fh.bucket().objects() {
        let Some(path) = key_path(&args.out, &o.key) else {
            return fail(
                err,
                format!("the key {:?} would leave --out; check `prefix`", o.key),
            );
        };
        let bytes = match fh.object_bytes(&o.key) {
            Ok(b) => b,
            Err(e) => return fail(err, format!("{}: {e}", o.key)),
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, &bytes)?;
        written.push((o, bytes.len()));
    }

    let counts = fh.counts();
    let t0 = args.start_ms;
    let deliveries: Vec<&FirehoseEvent> = fh
        .events()
        .iter()
        .filter(|e| {
            matches!(
                e,
                FirehoseEvent::BufferFlushed { .. }
                    | FirehoseEvent::Transformed { .. }
                    | FirehoseEvent::InvocationFailed { .. }
                    | FirehoseEvent::Delivered { .. }
                    | FirehoseEvent::ErrorOutput { .. }
                    | FirehoseEvent::Retried { .. }
                    | FirehoseEvent::BackedUp { .. }
                    | FirehoseEvent::AttemptFailed { .. }
                    | FirehoseEvent::LateReceipt { .. }
            )
        })
        .collect();
    if args.json {
        let objects: Vec<serde_json::Value> = written
            .iter()
            .map(|(o, size)| {
                serde_json::json!({
                    "key": o.key,
                    "kind": o.kind,
                    "records": o.records,
                    "bytes": size,
                    "reason": o.reason,
                    "created_ms": o.created_ms,
                })
            })
            .collect();
        let summary = serde_json::json!({
            "delivery_stream": fh.name(),
            "version": fh.version(),
            "end_ms": end,
            "counts": counts,
            "throttled": throttled,
            "objects": objects,
            "events": deliveries,
        });
        writeln!(out, "{summary}")?;
    } else {
        writeln!(
            out,
            "delivery stream {} (version {}), {} s simulated",
            fh.name(),
            fh.version(),
            (end - t0) / 1000
        )?;
        for e in &deliveries {
            writeln!(out, "  {}", e.line(t0))?;
        }
        writeln!(out, "objects written to {}:", args.out.display())?;
        for (o, size) in &written {
            let what = match o.kind {
                ObjectKind::Delivery => o.reason.map_or("delivery".to_string(), |r| {
                    format!("delivery by {}", r.label())
                }),
                k => format!("{k:?}"),
            };
            writeln!(
                out,
                "  {}  {} B, {} records, {what}",
                o.key, size, o.records
            )?;
        }
        writeln!(
            out,
            "records: {} received, {} delivered, {} dropped, {} to the error output, {} backed up, {} retries, {} still in flight{}",
            counts.received,
            counts.delivered,
            counts.dropped,
            counts.failed_to_error_prefix,
            counts.backed_up,
            counts.retried,
            counts.in_flight,
            if throttled > 0 { format!(", {throttled} throttled and re-sent") } else { String::new() }
        )?;
        if !fh.redshift().copies.is_empty() {
            writeln!(
                out,
                "redshift table {}: {} rows after {} COPY commands",
                fh.redshift().name,
                fh.redshift().rows.len(),
                fh.redshift().copies.len()
            )?;
        }
        if fh.opensearch().doc_count() > 0 {
            writeln!(out, "opensearch: {} documents", fh.opensearch().doc_count())?;
        }
        if !fh.endpoint().timeline.is_empty() {
            writeln!(
                out,
                "endpoint {}: {} requests, {} bodies received",
                fh.endpoint().url,
                fh.endpoint().timeline.len(),
                fh.endpoint().received.len()
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
