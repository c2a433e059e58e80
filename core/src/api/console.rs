//! The AWS CLI's `aws kinesis ...` commands, parsed with clap into API
//! requests, for the browser console. What the console accepts is what
//! `aws kinesis` accepts for the implemented operations, so its history runs
//! unchanged against real AWS or `kinesis-lab serve` (`--endpoint-url`).

use clap::{Arg, ArgAction, Command};
use serde_json::{json, Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    /// Epoch seconds (the CLI also takes ISO 8601; the lab takes seconds).
    Number,
    /// A blob: base64 text, as AWS CLI v2 expects by default.
    Blob,
    /// JSON, e.g. `--records '[{"PartitionKey":"a","Data":"aGk="}]'`.
    Json,
    /// JSON or the CLI's shorthand `Key=Value,Key2=Value2`.
    Shorthand,
}

/// (CLI option, API field, kind, required)
pub type Opt = (&'static str, &'static str, Kind, bool);

const STREAM: Opt = ("stream-name", "StreamName", Kind::Text, false);
const ARN: Opt = ("stream-arn", "StreamARN", Kind::Text, false);

/// Every operation the console knows: CLI name, API name, options.
pub const OPERATIONS: &[(&str, &str, &[Opt])] = &[
    (
        "create-stream",
        "CreateStream",
        &[
            ("stream-name", "StreamName", Kind::Text, true),
            ("shard-count", "ShardCount", Kind::Int, false),
            (
                "stream-mode-details",
                "StreamModeDetails",
                Kind::Shorthand,
                false,
            ),
        ],
    ),
    (
        "update-stream-mode",
        "UpdateStreamMode",
        &[
            ARN,
            STREAM,
            (
                "stream-mode-details",
                "StreamModeDetails",
                Kind::Shorthand,
                true,
            ),
        ],
    ),
    (
        "register-stream-consumer",
        "RegisterStreamConsumer",
        &[
            ("stream-arn", "StreamARN", Kind::Text, true),
            ("consumer-name", "ConsumerName", Kind::Text, true),
        ],
    ),
    (
        "describe-stream-consumer",
        "DescribeStreamConsumer",
        &[
            ("stream-arn", "StreamARN", Kind::Text, false),
            ("consumer-name", "ConsumerName", Kind::Text, false),
            ("consumer-arn", "ConsumerARN", Kind::Text, false),
        ],
    ),
    (
        "list-stream-consumers",
        "ListStreamConsumers",
        &[("stream-arn", "StreamARN", Kind::Text, true)],
    ),
    (
        "deregister-stream-consumer",
        "DeregisterStreamConsumer",
        &[
            ("stream-arn", "StreamARN", Kind::Text, false),
            ("consumer-name", "ConsumerName", Kind::Text, false),
            ("consumer-arn", "ConsumerARN", Kind::Text, false),
        ],
    ),
    ("delete-stream", "DeleteStream", &[STREAM, ARN]),
    ("describe-stream", "DescribeStream", &[STREAM, ARN]),
    (
        "describe-stream-summary",
        "DescribeStreamSummary",
        &[STREAM, ARN],
    ),
    ("list-streams", "ListStreams", &[]),
    ("list-shards", "ListShards", &[STREAM, ARN]),
    (
        "put-record",
        "PutRecord",
        &[
            STREAM,
            ARN,
            ("partition-key", "PartitionKey", Kind::Text, true),
            ("data", "Data", Kind::Blob, true),
            ("explicit-hash-key", "ExplicitHashKey", Kind::Text, false),
            (
                "sequence-number-for-ordering",
                "SequenceNumberForOrdering",
                Kind::Text,
                false,
            ),
        ],
    ),
    (
        "put-records",
        "PutRecords",
        &[STREAM, ARN, ("records", "Records", Kind::Json, true)],
    ),
    (
        "get-shard-iterator",
        "GetShardIterator",
        &[
            STREAM,
            ARN,
            ("shard-id", "ShardId", Kind::Text, true),
            ("shard-iterator-type", "ShardIteratorType", Kind::Text, true),
            (
                "starting-sequence-number",
                "StartingSequenceNumber",
                Kind::Text,
                false,
            ),
            ("timestamp", "Timestamp", Kind::Number, false),
        ],
    ),
    (
        "get-records",
        "GetRecords",
        &[
            ("shard-iterator", "ShardIterator", Kind::Text, true),
            ("limit", "Limit", Kind::Int, false),
        ],
    ),
    (
        "split-shard",
        "SplitShard",
        &[
            STREAM,
            ARN,
            ("shard-to-split", "ShardToSplit", Kind::Text, true),
            (
                "new-starting-hash-key",
                "NewStartingHashKey",
                Kind::Text,
                true,
            ),
        ],
    ),
    (
        "merge-shards",
        "MergeShards",
        &[
            STREAM,
            ARN,
            ("shard-to-merge", "ShardToMerge", Kind::Text, true),
            (
                "adjacent-shard-to-merge",
                "AdjacentShardToMerge",
                Kind::Text,
                true,
            ),
        ],
    ),
    (
        "update-shard-count",
        "UpdateShardCount",
        &[
            STREAM,
            ARN,
            ("target-shard-count", "TargetShardCount", Kind::Int, true),
            ("scaling-type", "ScalingType", Kind::Text, true),
        ],
    ),
    (
        "increase-stream-retention-period",
        "IncreaseStreamRetentionPeriod",
        &[
            STREAM,
            ARN,
            (
                "retention-period-hours",
                "RetentionPeriodHours",
                Kind::Int,
                true,
            ),
        ],
    ),
    (
        "decrease-stream-retention-period",
        "DecreaseStreamRetentionPeriod",
        &[
            STREAM,
            ARN,
            (
                "retention-period-hours",
                "RetentionPeriodHours",
                Kind::Int,
                true,
            ),
        ],
    ),
];

/// A parsed console command.
#[derive(Clone, Debug, PartialEq)]
pub enum Parsed {
    /// Call this API operation with this request body.
    Call {
        operation: &'static str,
        body: Value,
    },
    /// Text to show (help, usage).
    Text(String),
}

fn command(cli: &'static str, opts: &[Opt]) -> Command {
    let mut c = Command::new(cli)
        .no_binary_name(true)
        .disable_help_flag(true)
        .disable_version_flag(true);
    for (flag, _, kind, required) in opts {
        let (value, help) = match kind {
            Kind::Blob => ("BASE64", "base64 text"),
            Kind::Json => ("JSON", "JSON"),
            Kind::Shorthand => ("KEY=VALUE", "JSON or Key=Value,..."),
            Kind::Int => ("INTEGER", "integer"),
            Kind::Number => ("SECONDS", "seconds since the epoch"),
            Kind::Text => ("TEXT", "text"),
        };
        c = c.arg(
            Arg::new(*flag)
                .long(*flag)
                .required(*required)
                .action(ArgAction::Set)
                .value_name(value)
                .help(help),
        );
    }
    c
}

/// `StreamMode=ON_DEMAND,Other=x` (or JSON) as a JSON object.
fn shorthand(v: &str) -> Option<Value> {
    if v.trim_start().starts_with('{') {
        return serde_json::from_str(v).ok();
    }
    let mut m = Map::new();
    for pair in v.split(',') {
        let (k, val) = pair.split_once('=')?;
        if k.trim().is_empty() {
            return None;
        }
        m.insert(k.trim().to_owned(), Value::String(val.trim().to_owned()));
    }
    Some(Value::Object(m))
}

/// Names of operations and, after one, of its options: for tab completion.
pub fn completions(line: &str) -> Vec<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let last = if line.ends_with(' ') {
        ""
    } else {
        words.last().copied().unwrap_or("")
    };
    let op = words
        .iter()
        .skip_while(|w| **w != "kinesis")
        .nth(1)
        .copied();
    let mut out: Vec<String> =
        match op.and_then(|o| OPERATIONS.iter().find(|(cli, _, _)| *cli == o)) {
            Some((_, _, opts)) if op != Some(last) => opts
                .iter()
                .map(|(f, ..)| format!("--{f}"))
                .filter(|f| f.starts_with(last) && !words.contains(&f.as_str()))
                .collect(),
            _ => OPERATIONS
                .iter()
                .map(|(cli, ..)| cli.to_string())
                .filter(|c| c.starts_with(last))
                .collect(),
        };
    out.sort();
    out
}

pub fn help() -> String {
    let mut s = String::from("usage: aws kinesis <operation> [options]\n\nOperations:\n");
    for (cli, api, _) in OPERATIONS {
        s.push_str(&format!("  {cli:<34} {api}\n"));
    }
    s.push_str("\nType `aws kinesis <operation> help` for its options.");
    s
}

/// Parses one console line (`aws kinesis put-record --stream-name s ...`).
/// Errors are the messages the CLI would print.
pub fn parse(line: &str) -> Result<Parsed, String> {
    let words = shlex::split(line)
        .ok_or_else(|| "aws: error: unbalanced quotes in the command".to_owned())?;
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] => Ok(Parsed::Text(String::new())),
        ["help"] | ["aws", "help"] | ["aws", "kinesis"] | ["aws", "kinesis", "help"] => {
            Ok(Parsed::Text(help()))
        }
        ["aws", "kinesis", op, rest @ ..] => {
            let Some((cli, api, opts)) = OPERATIONS.iter().find(|(cli, ..)| cli == op) else {
                let close: Vec<&str> = OPERATIONS
                    .iter()
                    .map(|(c, ..)| *c)
                    .filter(|c| {
                        strsim::levenshtein(c, op) <= 2 || (op.len() >= 4 && c.starts_with(op))
                    })
                    .collect();
                return Err(format!(
                    "aws: error: argument operation: Invalid choice, valid choices are:\n\n{}{}",
                    OPERATIONS
                        .iter()
                        .map(|(c, ..)| *c)
                        .collect::<Vec<_>>()
                        .join(" | "),
                    if close.is_empty() {
                        String::new()
                    } else {
                        format!("\n\nDid you mean {}?", close.join(" or "))
                    }
                ));
            };
            if rest == ["help"] {
                return Ok(Parsed::Text(
                    command(cli, opts).render_long_help().to_string(),
                ));
            }
            // Options the real CLI takes everywhere; they change nothing here.
            let mut args = Vec::new();
            let mut skip = false;
            for w in rest {
                if skip {
                    skip = false;
                    continue;
                }
                if matches!(*w, "--endpoint-url" | "--region" | "--profile" | "--output") {
                    skip = true;
                    continue;
                }
                args.push(*w);
            }
            let m = command(cli, opts).try_get_matches_from(args).map_err(|e| {
                format!(
                    "aws: error: {}",
                    e.render().to_string().trim_start_matches("error: ").trim()
                )
            })?;
            let mut body = Map::new();
            for (flag, field, kind, _) in *opts {
                let Some(v) = m.get_one::<String>(flag) else {
                    continue;
                };
                let value = match kind {
                    Kind::Text | Kind::Blob => Value::String(v.clone()),
                    Kind::Int => json!(v.parse::<i64>().map_err(|_| format!("aws: error: argument --{flag}: invalid integer value: {v:?}"))?),
                    Kind::Number => json!(v.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| format!("aws: error: argument --{flag}: expected seconds since the epoch, got {v:?}"))?),
                    Kind::Json => serde_json::from_str::<Value>(v).map_err(|e| format!("aws: error: argument --{flag}: Invalid JSON: {e}"))?,
                    Kind::Shorthand => shorthand(v).ok_or_else(|| format!("aws: error: argument --{flag}: expected JSON or Key=Value pairs, got {v:?}"))?,
                };
                body.insert(field.to_string(), value);
            }
            Ok(Parsed::Call {
                operation: api,
                body: Value::Object(body),
            })
        }
        ["aws", other, ..] => Err(format!(
            "aws: error: this console speaks `aws kinesis`; `{other}` is not simulated here"
        )),
        _ => Err("aws: error: commands start with `aws kinesis`; type `help`".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::handle;
    use crate::stream::engine::Engine;
    use proptest::prelude::*;

    fn call(e: &mut Engine, line: &str) -> Result<Value, String> {
        match parse(line)? {
            Parsed::Call { operation, body } => {
                handle(e, 1_700_000_000_000, operation, body.to_string().as_bytes())
                    .map_err(|e| e.to_string())
            }
            Parsed::Text(t) => Ok(Value::String(t)),
        }
    }

    #[test]
    fn a_session_of_cli_commands() {
        let mut e = Engine::new();
        call(
            &mut e,
            "aws kinesis create-stream --stream-name orders --shard-count 2",
        )
        .unwrap();
        let put = call(
            &mut e,
            "aws kinesis put-record --stream-name orders --partition-key user-123 --data aGk=",
        )
        .unwrap();
        let shard = put["ShardId"].as_str().unwrap().to_owned();
        let it = call(&mut e, &format!("aws kinesis get-shard-iterator --stream-name orders --shard-id {shard} --shard-iterator-type TRIM_HORIZON")).unwrap();
        let got = call(
            &mut e,
            &format!(
                "aws kinesis get-records --shard-iterator {}",
                it["ShardIterator"].as_str().unwrap()
            ),
        )
        .unwrap();
        assert_eq!(got["Records"][0]["Data"], "aGk=");
        let batch = call(&mut e, r#"aws kinesis put-records --stream-name orders --records '[{"PartitionKey":"a","Data":"eA=="},{"PartitionKey":"b","Data":"eQ=="}]'"#).unwrap();
        assert_eq!(batch["FailedRecordCount"], 0);
        assert!(
            call(
                &mut e,
                "aws kinesis list-streams --endpoint-url http://127.0.0.1:4567"
            )
            .unwrap()["StreamNames"][0]
                == "orders"
        );
        call(
            &mut e,
            "aws kinesis create-stream --stream-name od --stream-mode-details StreamMode=ON_DEMAND",
        )
        .unwrap();
        let d = call(
            &mut e,
            "aws kinesis describe-stream-summary --stream-name od",
        )
        .unwrap();
        assert_eq!(
            d["StreamDescriptionSummary"]["StreamModeDetails"]["StreamMode"],
            "ON_DEMAND"
        );
        assert_eq!(d["StreamDescriptionSummary"]["OpenShardCount"], 4);
        call(&mut e, r#"aws kinesis update-stream-mode --stream-arn arn:aws:kinesis:us-east-1:000000000000:stream/orders --stream-mode-details '{"StreamMode":"ON_DEMAND"}'"#).unwrap();
        assert!(call(&mut e, "aws kinesis update-stream-mode --stream-name od --stream-mode-details StreamMode=SOMETIMES").unwrap_err().contains("ValidationException"));
        let arn = "arn:aws:kinesis:us-east-1:000000000000:stream/od";
        let reg = call(
            &mut e,
            &format!("aws kinesis register-stream-consumer --stream-arn {arn} --consumer-name app"),
        )
        .unwrap();
        assert_eq!(reg["Consumer"]["ConsumerStatus"], "ACTIVE");
        let listed = call(
            &mut e,
            &format!("aws kinesis list-stream-consumers --stream-arn {arn}"),
        )
        .unwrap();
        assert_eq!(listed["Consumers"][0]["ConsumerName"], "app");
        let consumer_arn = reg["Consumer"]["ConsumerARN"].as_str().unwrap().to_owned();
        let by_arn = call(
            &mut e,
            &format!("aws kinesis describe-stream-consumer --consumer-arn {consumer_arn}"),
        )
        .unwrap();
        assert_eq!(by_arn["ConsumerDescription"]["StreamARN"], arn);
        call(
            &mut e,
            &format!(
                "aws kinesis deregister-stream-consumer --stream-arn {arn} --consumer-name app"
            ),
        )
        .unwrap();
        assert!(call(
            &mut e,
            &format!("aws kinesis describe-stream-consumer --stream-arn {arn} --consumer-name app")
        )
        .unwrap_err()
        .contains("ResourceNotFound"));
    }

    #[test]
    fn errors_read_like_the_cli() {
        let err = parse("aws kinesis put-record --stream-name s --data aGk=").unwrap_err();
        assert!(err.contains("--partition-key"), "{err}");
        assert!(parse("aws kinesis put-recrd")
            .unwrap_err()
            .contains("Did you mean put-record"));
        assert!(
            parse("aws kinesis create-stream --stream-name s --shard-count two")
                .unwrap_err()
                .contains("--shard-count")
        );
        assert!(
            parse("aws kinesis put-records --stream-name s --records '[oops'")
                .unwrap_err()
                .contains("Invalid JSON")
        );
        assert!(parse("aws kinesis list-streams --bogus 1").is_err());
        assert!(parse("aws s3 ls").unwrap_err().contains("not simulated"));
        assert!(parse("aws kinesis put-record --data 'unterminated")
            .unwrap_err()
            .contains("quotes"));
        assert!(matches!(parse("help"), Ok(Parsed::Text(t)) if t.contains("put-record")));
        assert!(
            matches!(parse("aws kinesis put-record help"), Ok(Parsed::Text(t)) if t.contains("--partition-key"))
        );
    }

    #[test]
    fn completion_of_operations_and_options() {
        assert_eq!(
            completions("aws kinesis put-rec"),
            vec!["put-record", "put-records"]
        );
        let c = completions("aws kinesis put-record --stream-name s --pa");
        assert_eq!(c, vec!["--partition-key"]);
        assert!(!completions("aws kinesis put-record --stream-name s ")
            .contains(&"--stream-name".to_owned()));
    }

    proptest! {
        #[test]
        fn parser_never_panics(line in "\\PC{0,120}") {
            let _ = parse(&line);
            let _ = completions(&line);
        }

        #[test]
        fn parser_never_panics_on_kinesis_lines(op in "[a-z-]{0,30}", rest in "\\PC{0,80}") {
            let _ = parse(&format!("aws kinesis {op} {rest}"));
        }
    }
}
