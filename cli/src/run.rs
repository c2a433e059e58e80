//! `kinesis-lab run scenario.toml`: play a scripted scenario in simulated
//! time as fast as possible and print its outcome (steps with responses,
//! per-stream summary and bill, consumer statistics, event log) as JSON.

use clap::Args;
use kinesis_lab_core::api::scenario::{from_toml, run as play};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct RunArgs {
    /// The scenario file (TOML; see tests/scenarios/ for examples).
    scenario: PathBuf,
}

pub fn run(args: &RunArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<ExitCode> {
    let text = match std::fs::read_to_string(&args.scenario) {
        Ok(t) => t,
        Err(e) => {
            writeln!(err, "error: {}: {e}", args.scenario.display())?;
            return Ok(ExitCode::from(2));
        }
    };
    match from_toml(&text).and_then(|s| play(&s)) {
        Ok(outcome) => {
            serde_json::to_writer_pretty(&mut *out, &outcome)?;
            writeln!(out)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            writeln!(err, "error: {}: {e}", args.scenario.display())?;
            Ok(ExitCode::from(2))
        }
    }
}
