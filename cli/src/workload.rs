//! `kinesis-lab workload`: run a generated key workload to the end and print
//! its per-shard statistics as one JSON object (the numbers the browser's
//! histogram shows).

use clap::Args;
use kinesis_lab_core::workload::{KeyDistribution, KeyRun, KeyRunConfig};
use std::io::{self, Write};
use std::process::ExitCode;

#[derive(Args)]
pub struct WorkloadArgs {
    /// Key distribution: user_ids, device_type or zipf.
    #[arg(long)]
    dist: String,
    #[arg(long)]
    shards: u32,
    /// Records per second for the whole stream.
    #[arg(long)]
    rate: u32,
    /// Simulated seconds.
    #[arg(long)]
    secs: u32,
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

pub fn run(args: &WorkloadArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<ExitCode> {
    let Some(distribution) = KeyDistribution::from_slug(&args.dist) else {
        let names: Vec<_> = KeyDistribution::ALL.iter().map(|d| d.slug()).collect();
        writeln!(
            err,
            "error: --dist: unknown distribution {:?}; use one of {}",
            args.dist,
            names.join(", ")
        )?;
        return Ok(ExitCode::from(2));
    };
    let config = KeyRunConfig {
        distribution,
        shards: args.shards,
        records_per_second: args.rate,
        duration_seconds: args.secs,
        seed: args.seed,
    };
    match KeyRun::new(config) {
        Ok(mut run) => {
            run.finish();
            serde_json::to_writer(&mut *out, &run.stats())?;
            writeln!(out)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            writeln!(err, "error: {e}")?;
            Ok(ExitCode::from(2))
        }
    }
}
