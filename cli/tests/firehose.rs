//! `kinesis-lab firehose`: runs a delivery stream over a file of records and
//! writes the bucket's objects to a directory; the files are checked with
//! other tools (`gzip -t`, the `parquet` crate's reader through core).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "kinesis-lab-firehose-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn firehose(d: &Path, config: &str, lines: &[String], extra: &[&str]) -> Output {
    std::fs::write(d.join("delivery.toml"), config).unwrap();
    std::fs::write(d.join("records.jsonl"), lines.join("\n")).unwrap();
    Command::new(env!("CARGO_BIN_EXE_kinesis-lab"))
        .arg("firehose")
        .arg("--config")
        .arg(d.join("delivery.toml"))
        .arg("--input")
        .arg(d.join("records.jsonl"))
        .arg("--out")
        .arg(d.join("out"))
        .args(extra)
        .output()
        .unwrap()
}

fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap() {
            let e = e.unwrap().path();
            if e.is_dir() {
                stack.push(e);
            } else {
                out.push(e);
            }
        }
    }
    out.sort();
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn records(n: usize, pad: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            format!(
                "{{\"id\":{i},\"level\":\"{}\",\"msg\":\"{}\"}}",
                ["INFO", "ERROR"][i % 2],
                "x".repeat(pad)
            )
        })
        .collect()
}

#[test]
fn gzip_objects_pass_gzip_t_and_hold_every_record() {
    let d = dir("gzip");
    // 1 MiB buffer, 60 s; 4,000 records of ~1 KiB at 100/s: two size deliveries then one by time.
    let input = records(4000, 1000);
    let o = firehose(
        &d,
        "compression = \"GZIP\"\n[buffering]\nsize_mib = 1\ninterval_seconds = 60\n",
        &input,
        &["--rate", "100"],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let summary = text(&o.stdout);
    assert!(summary.contains("by size"), "{summary}");
    assert!(summary.contains("by time"), "{summary}");
    assert!(
        summary.contains("4000 received, 4000 delivered"),
        "{summary}"
    );
    let objects = files(&d.join("out"));
    assert!(objects.len() >= 4, "{objects:?}");
    let mut lines = Vec::new();
    for f in &objects {
        let rel = f
            .strip_prefix(d.join("out"))
            .unwrap()
            .to_string_lossy()
            .into_owned();
        // YYYY/MM/dd/HH/<stream>-1-YYYY-MM-dd-HH-mm-ss-<uuid>.gz
        let parts: Vec<&str> = rel.split('/').collect();
        assert_eq!(parts.len(), 5, "{rel}");
        assert_eq!(&parts[..4], &["2023", "11", "14", "22"], "{rel}");
        assert!(
            parts[4].starts_with("lab-delivery-stream-1-2023-11-14-22-"),
            "{rel}"
        );
        assert!(rel.ends_with(".gz"), "{rel}");
        let t = Command::new("gzip").arg("-t").arg(f).status().unwrap();
        assert!(t.success(), "gzip -t {rel}");
        let z = Command::new("gzip").arg("-dc").arg(f).output().unwrap();
        lines.extend(
            text(&z.stdout)
                .lines()
                .map(str::to_owned)
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(lines, input);
}

#[test]
fn bad_config_names_the_field() {
    let d = dir("bad");
    let o = firehose(&d, "[buffering]\nsize_mib = 500\n", &records(3, 1), &[]);
    assert!(!o.status.success());
    let e = text(&o.stderr);
    assert!(
        e.contains("buffering.size_mib") && e.contains("1 and 128"),
        "{e}"
    );

    let o = firehose(&d, "[buffering]\nsize_mb = 5\n", &records(3, 1), &[]);
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("size_mb"), "{}", text(&o.stderr));

    let o = firehose(
        &d,
        "[destination]\ntype = \"http_endpoint\"\nurl = \"http://plain.example.com\"\n",
        &records(3, 1),
        &[],
    );
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("destination.url"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn transform_failures_land_in_processing_failed() {
    let d = dir("transform");
    let mut input = records(10, 5);
    input.insert(3, "not json".into());
    let cfg = "[processing.transform]\ntype = \"add_field\"\nfield = \"env\"\nvalue = \"lab\"\n";
    let o = firehose(&d, cfg, &input, &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let all = files(&d.join("out"));
    let failed: Vec<&PathBuf> = all
        .iter()
        .filter(|p| p.to_string_lossy().contains("/processing-failed/"))
        .collect();
    assert_eq!(failed.len(), 1, "{all:?}");
    let body = std::fs::read_to_string(failed[0]).unwrap();
    let v: serde_json::Value = serde_json::from_str(body.lines().next().unwrap()).unwrap();
    assert_eq!(v["rawData"], "bm90IGpzb24K"); // base64 of "not json\n"
    assert!(v["lambdaArn"]
        .as_str()
        .unwrap()
        .starts_with("arn:aws:lambda:"));
    let delivered: Vec<&PathBuf> = all.iter().filter(|p| !failed.contains(p)).collect();
    assert_eq!(delivered.len(), 1);
    let body = std::fs::read_to_string(delivered[0]).unwrap();
    assert_eq!(body.lines().count(), 10);
    assert!(
        body.lines().all(|l| l.contains("\"env\":\"lab\"")),
        "{body}"
    );
}

#[test]
fn parquet_objects_are_real_parquet() {
    let d = dir("parquet");
    let input = records(50, 3);
    let cfg = "[format_conversion]\nschema = \"id:int, level:string, msg:string\"\n";
    let o = firehose(&d, cfg, &input, &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let all = files(&d.join("out"));
    assert_eq!(all.len(), 1, "{all:?}");
    assert!(all[0].to_string_lossy().ends_with(".parquet"));
    let bytes = std::fs::read(&all[0]).unwrap();
    assert_eq!(&bytes[..4], b"PAR1");
    assert_eq!(&bytes[bytes.len() - 4..], b"PAR1");
}

#[test]
fn failing_endpoint_backs_up_and_json_summary_adds_up() {
    let d = dir("http");
    let cfg = "[buffering]\nsize_mib = 1\ninterval_seconds = 60\n\
               [destination]\ntype = \"http_endpoint\"\nurl = \"https://collector.example.com\"\n\
               retry_duration_seconds = 30\n[destination.simulated]\nfail = true\n";
    let o = firehose(&d, cfg, &records(20, 2), &["--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let c = &v["counts"];
    assert_eq!(c["received"], 20);
    assert_eq!(c["delivered"], 0);
    assert_eq!(c["failed_to_error_prefix"], 20);
    assert!(c["retried"].as_u64().unwrap() >= 1);
    let objects = v["objects"].as_array().unwrap();
    assert_eq!(objects.len(), 1);
    let key = objects[0]["key"].as_str().unwrap();
    assert!(
        key.starts_with("http-endpoint-failed/2023/11/14/22/"),
        "{key}"
    );
    let body = std::fs::read_to_string(d.join("out").join(key)).unwrap();
    assert_eq!(body.lines().count(), 20);
    for line in body.lines() {
        let r: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(r["errorCode"], "HttpEndpoint.DestinationException");
    }
}
