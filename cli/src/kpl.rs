//! `kinesis-lab kpl aggregate | deaggregate`: between JSON lines of user
//! records and KPL aggregated records (base64, one per line).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use clap::{Args, Subcommand};
use kinesis_lab_core::hash::{even_ranges, hash_key_of, parse_explicit_hash_key, shard_index_for};
use kinesis_lab_core::producer::kpl::format::{
    inspect, Aggregator, PackError, Tag, UserRecord, DEFAULT_AGGREGATION_MAX_SIZE,
    MAX_KINESIS_RECORD_BYTES, MIN_AGGREGATION_MAX_SIZE,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::process::ExitCode;

#[derive(Args)]
pub struct KplArgs {
    #[command(subcommand)]
    command: KplCommand,
}

#[derive(Subcommand)]
enum KplCommand {
    /// Read user records, one JSON object per line ({"PartitionKey",
    /// "ExplicitHashKey"?, "Data" (base64), "Tags"?}), and print KPL
    /// aggregated records, base64, one per line. Records are packed in order,
    /// per shard, as the KPL fills one aggregated record after another.
    Aggregate(AggregateArgs),
    /// Read aggregated records, base64, one per line, check them (magic
    /// bytes, MD5, protobuf) and print the user records inside as JSON lines.
    Deaggregate,
}

#[derive(Args)]
struct AggregateArgs {
    /// Most bytes of aggregated data per record (the KPL's
    /// AggregationMaxSize; at most 1 MiB less the 1-byte partition key).
    #[arg(long, default_value_t = DEFAULT_AGGREGATION_MAX_SIZE)]
    max_size: usize,
    /// Most user records per aggregated record (AggregationMaxCount).
    #[arg(long)]
    max_records: Option<usize>,
    /// Pack records bound for different shards of an N-shard stream
    /// separately, as the KPL does (1: pack everything together).
    #[arg(long, default_value_t = 1)]
    shards: u32,
    /// Print each aggregated record as a PutRecords entry,
    /// {"PartitionKey", "ExplicitHashKey", "Data"}, instead of bare base64.
    #[arg(long)]
    entries: bool,
}

/// A user record as a JSON line (the Kinesis API's spelling).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserLine {
    #[serde(rename = "PartitionKey")]
    partition_key: Option<String>,
    #[serde(
        rename = "ExplicitHashKey",
        skip_serializing_if = "Option::is_none",
        default
    )]
    explicit_hash_key: Option<String>,
    #[serde(rename = "Data")]
    data: Option<String>,
    #[serde(rename = "Tags", skip_serializing_if = "Vec::is_empty", default)]
    tags: Vec<TagLine>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TagLine {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Value", skip_serializing_if = "Option::is_none", default)]
    value: Option<String>,
}

#[derive(Serialize)]
struct EntryLine {
    #[serde(rename = "PartitionKey")]
    partition_key: &'static str,
    #[serde(rename = "ExplicitHashKey")]
    explicit_hash_key: String,
    #[serde(rename = "Data")]
    data: String,
}

pub fn run(
    args: &KplArgs,
    input: Box<dyn BufRead>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<ExitCode> {
    let result = match &args.command {
        KplCommand::Aggregate(a) => aggregate(a, input),
        KplCommand::Deaggregate => deaggregate(input),
    };
    match result {
        Ok(lines) => {
            for l in lines {
                writeln!(out, "{l}")?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(Failure::Io(e)) => Err(e),
        Err(Failure::Input(msg)) => {
            writeln!(err, "error: {msg}")?;
            Ok(ExitCode::from(2))
        }
    }
}

enum Failure {
    Io(io::Error),
    /// Bad input or arguments, named.
    Input(String),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

fn at(line: usize, field: &str, problem: impl std::fmt::Display) -> Failure {
    Failure::Input(format!("line {line}: {field}: {problem}"))
}

/// Non-blank input lines with their 1-based numbers.
fn lines(input: Box<dyn BufRead>) -> impl Iterator<Item = (usize, io::Result<String>)> {
    input
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.as_ref().is_ok_and(|s| s.trim().is_empty()))
}

fn parse_user(n: usize, text: &str) -> Result<UserRecord, Failure> {
    let line: UserLine = serde_json::from_str(text)
        .map_err(|e| Failure::Input(format!("line {n}: not a user record ({e})")))?;
    let partition_key = line
        .partition_key
        .ok_or_else(|| at(n, "PartitionKey", "missing"))?;
    hash_key_of(&partition_key).map_err(|e| at(n, "PartitionKey", e))?;
    if let Some(h) = &line.explicit_hash_key {
        parse_explicit_hash_key(h).map_err(|e| at(n, "ExplicitHashKey", e))?;
    }
    let data = line.data.ok_or_else(|| at(n, "Data", "missing"))?;
    let data = STANDARD
        .decode(data.trim())
        .map_err(|e| at(n, "Data", format!("not valid base64 ({e})")))?;
    Ok(UserRecord {
        partition_key,
        explicit_hash_key: line.explicit_hash_key,
        data,
        tags: line
            .tags
            .into_iter()
            .map(|t| Tag {
                key: t.key,
                value: t.value,
            })
            .collect(),
    })
}

fn aggregate(args: &AggregateArgs, input: Box<dyn BufRead>) -> Result<Vec<String>, Failure> {
    let hard = MAX_KINESIS_RECORD_BYTES - 1;
    if !(MIN_AGGREGATION_MAX_SIZE..=hard).contains(&args.max_size) {
        return Err(Failure::Input(format!(
            "--max-size must be between {MIN_AGGREGATION_MAX_SIZE} and {hard}"
        )));
    }
    let max_records = args.max_records.unwrap_or(usize::MAX);
    if max_records == 0 {
        return Err(Failure::Input("--max-records must be at least 1".into()));
    }
    let ranges = even_ranges(args.shards).map_err(|e| Failure::Input(format!("--shards: {e}")))?;
    let mut open: BTreeMap<usize, Aggregator> = BTreeMap::new();
    let mut out = Vec::new();
    let emit = |agg: &mut Aggregator, out: &mut Vec<String>| {
        let hash = agg.hash_key().map(|h| h.to_string()).unwrap_or_default();
        let data = STANDARD.encode(agg.finish());
        out.push(if args.entries {
            serde_json::to_string(&EntryLine {
                partition_key: kinesis_lab_core::producer::kpl::format::AGGREGATED_PARTITION_KEY,
                explicit_hash_key: hash,
                data,
            })
            .unwrap_or_default()
        } else {
            data
        });
    };
    for (n, text) in lines(input) {
        let r = parse_user(n, &text?)?;
        // Checked by parse_user.
        let hash = r.hash_key().map_err(|e| at(n, "PartitionKey", e))?;
        let shard = shard_index_for(&ranges, hash);
        let agg = open.entry(shard).or_default();
        if agg.len() >= max_records {
            emit(agg, &mut out);
        }
        match agg.try_add(r, args.max_size) {
            Ok(()) => {}
            Err((r, PackError::Full)) => {
                emit(agg, &mut out);
                agg.try_add(r, args.max_size)
                    .map_err(|(_, e)| at(n, "Data", e))?;
            }
            Err((_, PackError::Invalid(e))) => return Err(at(n, e.field.api_name(), e)),
            Err((_, e)) => return Err(at(n, "Data", e)),
        }
    }
    for agg in open.values_mut() {
        if !agg.is_empty() {
            emit(agg, &mut out);
        }
    }
    Ok(out)
}

fn deaggregate(input: Box<dyn BufRead>) -> Result<Vec<String>, Failure> {
    let mut out = Vec::new();
    for (n, text) in lines(input) {
        let text = text?;
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|e| at(n, "Data", format!("not valid base64 ({e})")))?;
        let anatomy = inspect(&bytes).map_err(|e| at(n, "Data", e))?;
        for r in anatomy.user_records() {
            let line = UserLine {
                partition_key: Some(r.partition_key),
                explicit_hash_key: r.explicit_hash_key,
                data: Some(STANDARD.encode(&r.data)),
                tags: r
                    .tags
                    .into_iter()
                    .map(|t| TagLine {
                        key: t.key,
                        value: t.value,
                    })
                    .collect(),
            };
            out.push(serde_json::to_string(&line).unwrap_or_default());
        }
    }
    Ok(out)
}
