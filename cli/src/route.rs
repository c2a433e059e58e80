//! `kinesis-lab route`: partition key → hash key → shard.

use clap::Args;
use kinesis_lab_core::hash::{even_ranges, route, HashKey, ShardId};
use serde::Serialize;
use std::io::{self, BufRead, Write};
use std::process::ExitCode;

#[derive(Args)]
pub struct RouteArgs {
    /// Number of shards, split evenly over the hash-key space as
    /// CreateStream does.
    #[arg(long)]
    shards: u32,
    /// Use this ExplicitHashKey (decimal, 0..2^128-1) instead of the MD5 of
    /// the partition key.
    #[arg(long)]
    explicit_hash_key: Option<String>,
    /// Read partition keys from standard input, one per line.
    #[arg(long)]
    stdin: bool,
    /// Partition keys to route.
    keys: Vec<String>,
}

/// One output line. This shape is a contract: scripts and tests read it.
#[derive(Serialize)]
struct Line<'a> {
    partition_key: &'a str,
    hash_key: HashKey,
    shard_id: ShardId,
}

/// Routes every key; bad keys are reported on `err` (naming the key and the
/// field) and the others still print. Exit code 2 if any key was bad.
pub fn run(
    args: &RouteArgs,
    input: Box<dyn BufRead + '_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<ExitCode> {
    let ranges = match even_ranges(args.shards) {
        Ok(r) => r,
        Err(e) => {
            writeln!(err, "error: --shards: {e}")?;
            return Ok(ExitCode::from(2));
        }
    };
    if !args.stdin && args.keys.is_empty() {
        writeln!(
            err,
            "error: give partition keys as arguments, or --stdin to read them one per line"
        )?;
        return Ok(ExitCode::from(2));
    }
    let mut failed = false;
    let mut one =
        |key: &str, place: String, out: &mut dyn Write, err: &mut dyn Write| -> io::Result<()> {
            match route(key, args.explicit_hash_key.as_deref(), &ranges) {
                Ok(r) => {
                    let line = Line {
                        partition_key: key,
                        hash_key: r.hash_key,
                        shard_id: r.shard_id,
                    };
                    serde_json::to_writer(&mut *out, &line)?;
                    writeln!(out)
                }
                Err(e) => {
                    failed = true;
                    writeln!(err, "error: {place}: {e}")
                }
            }
        };
    for (i, key) in args.keys.iter().enumerate() {
        one(key, format!("argument {}", i + 1), out, err)?;
    }
    if args.stdin {
        for (i, line) in input.lines().enumerate() {
            let line = line?;
            let key = line.strip_suffix('\r').unwrap_or(&line);
            one(key, format!("stdin line {}", i + 1), out, err)?;
        }
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
