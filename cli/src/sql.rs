//! `kinesis-lab sql --app app.sql --input records.jsonl [--reference NAME=file.csv]...
//! [--schema schema.toml] [--seed N]`: runs a Kinesis Data Analytics SQL
//! application in simulated time and prints every row written to each
//! in-application stream as one JSON line, `{"stream", "ROWTIME", <columns>…}`
//! with the columns in the stream's order.
//!
//! Each input line is `{"arrival": "<ISO-8601>", "rowtime"?: "<ISO-8601>",
//! "data": {...} | "<text>"}` or a bare record. The arrival sets ROWTIME and
//! APPROXIMATE_ARRIVAL_TIME (`rowtime` sets ROWTIME apart, to replay a late
//! record); a line without times gets the previous ROWTIME + 1 ms, from
//! 2016-07-19T17:05:00Z. Without `--schema` the schema is discovered from the
//! input records. After the last record the clock runs on until every window
//! has closed.
//!
//! A column named like an earlier key of its line gets a number appended
//! (`PRICE0`), so every line is JSON with distinct keys.
//!
//! Errors in the SQL print as `app.sql:LINE:COL: message`; every failure
//! exits with code 2. Records that do not fit the schema are reported on
//! stderr (KDA sends them to its error stream) and skipped.

use clap::Args;
use kinesis_lab_core::analytics::engine::{SqlApp, TableRows};
use kinesis_lab_core::analytics::plan::TableDef;
use kinesis_lab_core::analytics::source::{
    self, discover, format_time_ms, load_table, parse_input, replay, RecordSchema, TableFormat,
};
use kinesis_lab_core::analytics::{Value, SOURCE_STREAM};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct SqlArgs {
    /// The application's SQL.
    #[arg(long)]
    app: PathBuf,
    /// Records, one per line: {"arrival": "<ISO-8601>", "data": {...}} or a bare record.
    #[arg(long)]
    input: PathBuf,
    /// A reference table: NAME=file (CSV with a header row, or JSON lines
    /// when the file ends in .json/.jsonl). NAME is spelled as the SQL
    /// quotes it (e.g. CompanyName for "CompanyName"). Repeatable.
    #[arg(long = "reference", value_name = "NAME=FILE")]
    references: Vec<String>,
    /// The input schema (TOML, or JSON if the name ends in .json); without
    /// it the schema is discovered from the input records.
    #[arg(long)]
    schema: Option<PathBuf>,
    /// Seed of RANDOM_CUT_FOREST.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print only these streams (default: every stream but the input).
    #[arg(long = "stream", value_name = "NAME")]
    streams: Vec<String>,
    /// Print the schema used (discovered or read) as TOML on stderr.
    #[arg(long)]
    show_schema: bool,
}

/// At most this many input records are read for discovery.
const DISCOVERY_SAMPLE: usize = 1000;

pub fn run(args: &SqlArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<ExitCode> {
    let fail = |err: &mut dyn Write, msg: String| -> io::Result<ExitCode> {
        writeln!(err, "error: {msg}")?;
        Ok(ExitCode::from(2))
    };
    let sql = match std::fs::read_to_string(&args.app) {
        Ok(t) => t,
        Err(e) => return fail(err, format!("--app {}: {e}", args.app.display())),
    };
    let input_text = match std::fs::read_to_string(&args.input) {
        Ok(t) => t,
        Err(e) => return fail(err, format!("--input {}: {e}", args.input.display())),
    };
    let records = match parse_input(&input_text) {
        Ok(r) => r,
        Err(e) => return fail(err, format!("{}: {e}", args.input.display())),
    };
    let schema = match &args.schema {
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => return fail(err, format!("--schema {}: {e}", path.display())),
            };
            let is_json = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"));
            let parsed = if is_json {
                RecordSchema::from_json(&text)
            } else {
                RecordSchema::from_toml(&text)
            };
            match parsed {
                Ok(s) => s,
                Err(e) => return fail(err, format!("{}: {e}", path.display())),
            }
        }
        None => {
            let sample: Vec<&[u8]> = records
                .iter()
                .take(DISCOVERY_SAMPLE)
                .map(|r| r.data.as_slice())
                .collect();
            match discover(&sample) {
                Ok(s) => s,
                Err(e) => {
                    return fail(
                        err,
                        format!("{}: cannot discover a schema: {e}", args.input.display()),
                    )
                }
            }
        }
    };
    if args.show_schema {
        write!(err, "{}", schema.to_toml())?;
    }

    let mut defs: Vec<TableDef> = Vec::new();
    let mut rows: Vec<TableRows> = Vec::new();
    for spec in &args.references {
        let Some((name, file)) = spec.split_once('=') else {
            return fail(err, format!("--reference {spec}: write NAME=file"));
        };
        if defs.iter().any(|d| d.name == name) {
            return fail(err, format!("--reference {spec}: {name} is given twice"));
        }
        let bytes = match std::fs::read(file) {
            Ok(b) => b,
            Err(e) => return fail(err, format!("--reference {name}={file}: {e}")),
        };
        match load_table(name, &bytes, TableFormat::from_file_name(file), None) {
            Ok((d, r)) => {
                defs.push(d);
                rows.push(r);
            }
            Err(e) => return fail(err, format!("{file}: {e}")),
        }
    }

    let plan = match kinesis_lab_core::analytics::sql::compile(&sql, &schema.schema(), &defs) {
        Ok(p) => p,
        Err(errors) => {
            let shown = args.app.display();
            for e in &errors {
                writeln!(
                    err,
                    "{shown}:{}:{}: {}",
                    e.span.start.line,
                    e.span.start.column,
                    e.kind.en()
                )?;
            }
            return Ok(ExitCode::from(2));
        }
    };
    for w in &plan.warnings {
        writeln!(
            err,
            "{}:{}:{}: warning: {}",
            args.app.display(),
            w.span.start.line,
            w.span.start.column,
            w.kind.en()
        )?;
    }
    // The engine wants the tables in the plan's order.
    let mut plan_rows = Vec::with_capacity(plan.tables.len());
    for t in &plan.tables {
        match defs.iter().position(|d| d.name == t.name) {
            Some(i) => plan_rows.push(rows[i].clone()),
            None => {
                return fail(
                    err,
                    format!(
                        "the SQL reads reference table {} but no --reference gives it",
                        t.name
                    ),
                )
            }
        }
    }
    let streams = plan.streams.clone();
    for name in &args.streams {
        if !streams.iter().any(|s| &s.name == name) {
            let known: Vec<&str> = streams.iter().map(|s| s.name.as_str()).collect();
            return fail(
                err,
                format!(
                    "--stream {name}: the application has no such stream ({})",
                    known.join(", ")
                ),
            );
        }
    }
    let mut app = match SqlApp::new(plan, plan_rows, args.seed) {
        Ok(a) => a,
        Err(e) => return fail(err, e.en()),
    };
    let done = replay(&mut app, &schema, &records, source::DEFAULT_START_MS);
    let input_name = args.input.display();
    for (line, e) in &done.rejected {
        writeln!(
            err,
            "{input_name}:{line}: record skipped (error stream): {e}"
        )?;
    }
    for row in &done.rows {
        let Some(def) = streams.get(row.stream) else {
            continue;
        };
        let wanted = if args.streams.is_empty() {
            def.name != SOURCE_STREAM
        } else {
            args.streams.contains(&def.name)
        };
        if wanted {
            writeln!(
                out,
                "{}",
                row_json(
                    &def.name,
                    row.rowtime,
                    def.columns.iter().map(|c| c.name.as_str()),
                    &row.values
                )
            )?;
        }
    }
    if let Some((line, e)) = &done.stopped {
        return fail(err, format!("{input_name}:{line}: {}", e.en()));
    }
    Ok(ExitCode::SUCCESS)
}

/// `{"stream": …, "ROWTIME": …, <column>: <value>…}` with the keys in this
/// order (serde_json's map would sort them). A column whose name is already
/// a key (AWS's tumbling example selects `ROWTIME` and two columns both
/// named `Price`) gets the first free number appended, as Calcite names
/// duplicate fields: `ROWTIME0`, `PRICE0`.
fn row_json<'a>(
    stream: &str,
    rowtime: i64,
    names: impl Iterator<Item = &'a str>,
    values: &[Value],
) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let mut s = format!(
        "{{\"stream\":{},\"ROWTIME\":{}",
        q(stream),
        q(&format_time_ms(rowtime))
    );
    let mut used: Vec<String> = vec!["stream".into(), "ROWTIME".into()];
    for (name, v) in names.zip(values) {
        let mut key = name.to_string();
        let mut k = 0;
        while used.contains(&key) {
            key = format!("{name}{k}");
            k += 1;
        }
        used.push(key.clone());
        s.push(',');
        s.push_str(&q(&key));
        s.push(':');
        s.push_str(&value_json(v));
    }
    s.push('}');
    s
}

fn value_json(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Double(x) => {
            serde_json::Number::from_f64(*x).map_or_else(|| "null".into(), |n| n.to_string())
        }
        Value::Str(s) => serde_json::to_string(&**s).unwrap_or_else(|_| "\"\"".into()),
        Value::Ts(ms) => format!("\"{}\"", format_time_ms(*ms)),
        Value::Interval(ms) => ms.to_string(),
    }
}
