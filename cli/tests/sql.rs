//! `kinesis-lab sql`: the corpus fixtures through the command line, the
//! JSON-lines output, discovery without --schema, and errors at line:col
//! with exit code 2.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn corpus(fixture: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/sql_corpus")
        .join(fixture)
}

fn sql(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kinesis-lab"))
        .arg("sql")
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

fn lines(o: &Output) -> Vec<Value> {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        text(&o.stderr)
    );
    text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

fn path(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

/// A scratch directory of this test binary (no temp-dir crate in the workspace).
fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("sql-cli")
        .join(name);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn stagger_example_prints_the_documented_rows_in_column_order() {
    let dir = corpus("32-stagger-example");
    let out = sql(&[
        "--app",
        &path(&dir.join("app.sql")),
        "--input",
        &path(&dir.join("input.jsonl")),
        "--schema",
        &path(&dir.join("schema.toml")),
    ]);
    let rows = lines(&out);
    let expected: Vec<Value> = std::fs::read_to_string(dir.join("expected.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows, expected);
    // Keys in the stream's column order, after stream and ROWTIME.
    let first = text(&out.stdout).lines().next().unwrap().to_string();
    let at = |k: &str| first.find(&format!("\"{k}\"")).unwrap();
    assert!(at("stream") < at("ROWTIME") && at("ROWTIME") < at("EVENT_TIME"));
    assert!(
        at("EVENT_TIME") < at("TICKER_SYMBOL") && at("TICKER_SYMBOL") < at("TICKER_COUNT"),
        "{first}"
    );
}

#[test]
fn reference_join_with_a_discovered_schema() {
    let dir = corpus("41-reference-data-left-join");
    let out = sql(&[
        "--app",
        &path(&dir.join("app.sql")),
        "--input",
        &path(&dir.join("input.jsonl")),
        "--reference",
        &format!("CompanyName={}", path(&dir.join("ref/CompanyName.csv"))),
    ]);
    let rows = lines(&out);
    let inputs: Vec<Value> = std::fs::read_to_string(dir.join("input.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), inputs.len());
    let names = [
        ("AMZN", "Amazon"),
        ("ASD", "SomeCompanyA"),
        ("MMB", "SomeCompanyB"),
        ("WAS", "SomeCompanyC"),
    ];
    for (row, input) in rows.iter().zip(&inputs) {
        assert_eq!(row["ROWTIME"], input["arrival"]);
        assert_eq!(row["TICKER_SYMBOL"], input["data"]["TICKER_SYMBOL"]);
        assert_eq!(row["PRICE"], input["data"]["PRICE"]);
        let want = names
            .iter()
            .find(|(t, _)| row["TICKER_SYMBOL"] == *t)
            .map(|(_, c)| *c);
        match want {
            Some(c) => assert_eq!(row["Company"], c, "{row}"),
            None => assert!(row["Company"].is_null(), "{row}"),
        }
    }
    // The reference table is required.
    let out = sql(&[
        "--app",
        &path(&dir.join("app.sql")),
        "--input",
        &path(&dir.join("input.jsonl")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("CompanyName"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn bad_sql_is_reported_at_line_and_column_with_exit_code_2() {
    let d = scratch("bad");
    let app = d.join("bad.sql");
    std::fs::write(
        &app,
        "CREATE OR REPLACE STREAM \"OUT\" (ticker VARCHAR(4));\nCREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"OUT\"\n  SELECT STREAM nosuch FROM \"SOURCE_SQL_STREAM_001\";\n",
    )
    .unwrap();
    let input = d.join("in.jsonl");
    std::fs::write(&input, "{\"TICKER\":\"AMZN\"}\n").unwrap();
    let out = sql(&["--app", &path(&app), "--input", &path(&input)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    // NOSUCH starts at line 3, column 17.
    assert!(err.starts_with(&format!("{}:3:17: ", path(&app))), "{err}");
    assert!(err.contains("NOSUCH"), "{err}");

    // A syntax error: the position of the offending token.
    std::fs::write(
        &app,
        "SELECT STREAM TICKER\nFROM \"SOURCE_SQL_STREAM_001\" WHERE WHERE;\n",
    )
    .unwrap();
    let out = sql(&["--app", &path(&app), "--input", &path(&input)]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.starts_with(&format!("{}:2:", path(&app))), "{err}");
}

#[test]
fn records_without_arrival_follow_each_other_by_a_millisecond_and_bad_ones_are_skipped() {
    let d = scratch("bare");
    let app = d.join("app.sql");
    std::fs::write(
        &app,
        "SELECT STREAM ROWTIME, N, NAME FROM SOURCE_SQL_STREAM_001;\n",
    )
    .unwrap();
    let input = d.join("in.jsonl");
    std::fs::write(
        &input,
        "{\"n\": 1, \"name\": \"a\"}\n{\"n\": \"many\", \"name\": \"b\"}\n\n{\"data\": {\"n\": 3, \"name\": \"c\"}}\n",
    )
    .unwrap();
    let schema = d.join("schema.toml");
    std::fs::write(
        &schema,
        "format = \"json\"\n[[column]]\nname = \"N\"\ntype = \"INTEGER\"\nmapping = \"$.n\"\n\
         [[column]]\nname = \"NAME\"\ntype = \"VARCHAR(8)\"\nmapping = \"$.name\"\n",
    )
    .unwrap();
    let out = sql(&[
        "--app",
        &path(&app),
        "--input",
        &path(&input),
        "--schema",
        &path(&schema),
    ]);
    let rows = lines(&out);
    let err = text(&out.stderr);
    // Line 2's N is not a number: skipped and named (KDA's error stream).
    assert!(err.contains(":2:") && err.contains("column N"), "{err}");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["ROWTIME"], "2016-07-19T17:05:00.000Z");
    assert_eq!(rows[0]["ROWTIME0"], "2016-07-19T17:05:00.000Z");
    assert_eq!(
        (rows[0]["N"].as_i64(), rows[0]["NAME"].as_str()),
        (Some(1), Some("a"))
    );
    // The skipped record still took its millisecond.
    assert_eq!(rows[1]["ROWTIME"], "2016-07-19T17:05:00.002Z");
    assert_eq!(rows[1]["N"], 3);

    // A schema error names its field.
    std::fs::write(
        &schema,
        "format = \"json\"\n[[column]]\nname = \"N\"\ntype = \"NUMBER\"\nmapping = \"$.n\"\n",
    )
    .unwrap();
    let out = sql(&[
        "--app",
        &path(&app),
        "--input",
        &path(&input),
        "--schema",
        &path(&schema),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("column[1].type"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn tumbling_fixture_emits_one_row_per_ticker_per_minute() {
    let dir = corpus("12-tumbling-concepts-app");
    let rows = lines(&sql(&[
        "--app",
        &path(&dir.join("app.sql")),
        "--input",
        &path(&dir.join("input.jsonl")),
        "--schema",
        &path(&dir.join("schema.toml")),
    ]));
    // Distinct (minute, ticker) pairs of the input, counted here.
    let mut pairs = std::collections::BTreeSet::new();
    for l in std::fs::read_to_string(dir.join("input.jsonl"))
        .unwrap()
        .lines()
    {
        let v: Value = serde_json::from_str(l).unwrap();
        let minute = v["arrival"].as_str().unwrap()[..16].to_string();
        pairs.insert((
            minute,
            v["data"]["TICKER_SYMBOL"].as_str().unwrap().to_string(),
        ));
    }
    assert_eq!(rows.len(), pairs.len());
    for r in &rows {
        assert_eq!(r["stream"], "DESTINATION_SQL_STREAM");
        assert!(r["ROWTIME"].as_str().unwrap().ends_with(":00.000Z"), "{r}");
        assert!(r["MIN_PRICE"].as_f64().unwrap() <= r["MAX_PRICE"].as_f64().unwrap());
    }
}

#[test]
fn csv_records_in_envelopes_with_a_written_and_a_discovered_schema() {
    let d = scratch("csv");
    let app = d.join("app.sql");
    std::fs::write(
        &app,
        "CREATE OR REPLACE STREAM \"OUT\" (ticker VARCHAR(4), n INTEGER);\n\
         CREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"OUT\"\n\
         SELECT STREAM COL1, COUNT(*) FROM \"SOURCE_SQL_STREAM_001\"\n\
         GROUP BY COL1, STEP(\"SOURCE_SQL_STREAM_001\".ROWTIME BY INTERVAL '10' SECOND);\n",
    )
    .unwrap();
    let input = d.join("in.jsonl");
    let mut text = String::new();
    for (i, t) in ["AMZN", "MSFT", "AMZN", "AMZN"].iter().enumerate() {
        text.push_str(&format!(
            "{{\"arrival\":\"2020-01-01T00:00:0{i}.250Z\",\"data\":\"{t}, {}.5\"}}\n",
            10 + i
        ));
    }
    text.push_str("{\"arrival\":\"2020-01-01T00:00:12Z\",\"data\":\"AMZN, 1\"}\n");
    std::fs::write(&input, text).unwrap();
    let discovered = lines(&sql(&["--app", &path(&app), "--input", &path(&input)]));
    let schema = d.join("schema.toml");
    std::fs::write(
        &schema,
        "format = \"csv\"\n[[column]]\nname = \"COL1\"\ntype = \"VARCHAR(4)\"\nmapping = 1\n\
         [[column]]\nname = \"PRICE\"\ntype = \"DOUBLE\"\nmapping = 2\n",
    )
    .unwrap();
    let written = lines(&sql(&[
        "--app",
        &path(&app),
        "--input",
        &path(&input),
        "--schema",
        &path(&schema),
    ]));
    assert_eq!(discovered, written);
    let got: Vec<(String, String, i64)> = written
        .iter()
        .map(|r| {
            (
                r["ROWTIME"].as_str().unwrap().to_string(),
                r["TICKER"].as_str().unwrap().to_string(),
                r["N"].as_i64().unwrap(),
            )
        })
        .collect();
    let first = "2020-01-01T00:00:10.000Z".to_string();
    let second = "2020-01-01T00:00:20.000Z".to_string();
    assert_eq!(
        got,
        vec![
            (first.clone(), "AMZN".into(), 3),
            (first, "MSFT".into(), 1),
            (second, "AMZN".into(), 1),
        ]
    );
}

#[test]
fn arrivals_out_of_order_keep_rowtime_monotonic() {
    let d = scratch("order");
    let app = d.join("app.sql");
    std::fs::write(
        &app,
        "SELECT STREAM ROWTIME AS RT, APPROXIMATE_ARRIVAL_TIME AS AT, K FROM \"SOURCE_SQL_STREAM_001\";\n",
    )
    .unwrap();
    let input = d.join("in.jsonl");
    std::fs::write(
        &input,
        "{\"arrival\":\"2020-01-01T00:00:05Z\",\"data\":{\"k\":1}}\n\
         {\"arrival\":\"2020-01-01T00:00:03Z\",\"data\":{\"k\":2}}\n\
         {\"arrival\":\"2020-01-01T00:00:06Z\",\"data\":{\"k\":3}}\n",
    )
    .unwrap();
    let rows = lines(&sql(&["--app", &path(&app), "--input", &path(&input)]));
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["RT"].as_str().unwrap(), r["AT"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("2020-01-01T00:00:05.000Z", "2020-01-01T00:00:05.000Z"),
            // Arrived earlier than the row before it, inserted after it.
            ("2020-01-01T00:00:05.000Z", "2020-01-01T00:00:03.000Z"),
            ("2020-01-01T00:00:06.000Z", "2020-01-01T00:00:06.000Z"),
        ]
    );
    // An explicit rowtime that goes back stops the run, naming the line.
    std::fs::write(
        &input,
        "{\"arrival\":\"2020-01-01T00:00:05Z\",\"data\":{\"k\":1}}\n\
         {\"rowtime\":\"2020-01-01T00:00:01Z\",\"data\":{\"k\":2}}\n",
    )
    .unwrap();
    let out = sql(&["--app", &path(&app), "--input", &path(&input)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("in.jsonl:2:"),
        "{}",
        text(&out.stderr)
    );
}
