//! `kinesis-lab`: the lab's engine from a terminal.

use clap::{Parser, Subcommand};
use std::io::{self, BufRead, Write};
use std::process::ExitCode;

mod compare;
mod firehose;
mod guide;
mod kpl;
mod lessons;
mod quiz;
mod route;
mod run;
mod serve;
mod sql;
mod workload;

#[derive(Parser)]
#[command(
    name = "kinesis-lab",
    version,
    about = "Kinesis Lab's engine, from a terminal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the shard each partition key goes to, one JSON object per line:
    /// {"partition_key", "hash_key" (decimal string), "shard_id"}.
    Route(route::RouteArgs),
    /// Send a generated key workload through N shards and print the records
    /// per shard, as one JSON object.
    Workload(workload::WorkloadArgs),
    /// Check the lesson data, or list lessons and their stored solutions.
    Lessons(lessons::LessonsArgs),
    /// Print the quiz a seed gives, with the right answers, as JSON lines.
    Quiz(quiz::QuizArgs),
    /// Serve a local Kinesis Data Streams endpoint for the AWS CLI and SDKs.
    Serve(serve::ServeArgs),
    /// Play a scenario file in simulated time and print the outcome as JSON.
    Run(run::RunArgs),
    /// Convert between JSON lines of user records and KPL aggregated
    /// records (base64, one per line).
    Kpl(kpl::KplArgs),
    /// Run a Firehose delivery stream in simulated time over records (one
    /// per line) and write its S3 objects to a directory, keys as paths.
    Firehose(firehose::FirehoseArgs),
    /// Run a Kinesis Data Analytics SQL application in simulated time over
    /// records (JSON lines with arrival times) and print every row written
    /// to each in-application stream as JSON lines.
    Sql(sql::SqlArgs),
    /// Run one workload through SQS, Kafka and Kinesis side by side (a
    /// preset or your own toggles) and print each system's counters, lanes
    /// and groups (JSON lines with --json).
    Compare(compare::CompareArgs),
    /// Walk the compare page's decision tree: where answers (y/n letters)
    /// lead, or every path to a recommendation, as JSON lines.
    Guide(guide::GuideArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let stderr = io::stderr();
    let mut err = stderr.lock();
    let result = match cli.command {
        Command::Route(args) => {
            let stdin = io::stdin();
            let input: Box<dyn BufRead> = Box::new(stdin.lock());
            route::run(&args, input, &mut out, &mut err)
        }
        Command::Workload(args) => workload::run(&args, &mut out, &mut err),
        Command::Lessons(args) => lessons::run(&args, &mut out, &mut err),
        Command::Quiz(args) => quiz::run(&args, &mut out, &mut err),
        Command::Serve(args) => serve::run(&args, &mut err),
        Command::Run(args) => run::run(&args, &mut out, &mut err),
        Command::Firehose(args) => firehose::run(&args, &mut out, &mut err),
        Command::Sql(args) => sql::run(&args, &mut out, &mut err),
        Command::Compare(args) => compare::run(&args, &mut out, &mut err),
        Command::Guide(args) => guide::run(&args, &mut out, &mut err),
        Command::Kpl(args) => {
            let stdin = io::stdin();
            kpl::run(&args, Box::new(stdin.lock()), &mut out, &mut err)
        }
    };
    let flushed = out.flush();
    match (result, flushed) {
        (Ok(code), Ok(())) => code,
        (Err(e), _) | (_, Err(e)) => {
            let _ = writeln!(err, "error: {e}");
            ExitCode::from(1)
        }
    }
}
