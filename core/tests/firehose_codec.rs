//! Firehose codec: compression checked by independent readers (the real
//! `gzip -t`, `unzip -t` or Python's zipfile, a hand parser of the Snappy
//! framing format with a CRC-32C from another crate, a hand parser of
//! Hadoop's block format), JSON → rows against a schema with the OpenX
//! rules, the `format-conversion-failed/` record, and (feature `parquet`)
//! Parquet written and read back.
//!
//! With `--features parquet` this test also leaves
//! `target/firehose-codec/rows.parquet` and `rows.json` (the rows the input
//! was generated from) for `tests/endpoint/test_firehose_parquet.py`, which
//! reads the file with pyarrow.

use std::path::{Path, PathBuf};
use std::process::Command;

use kinesis_lab_core::firehose::compress::{self, Compression};
use kinesis_lab_core::firehose::convert::{
    self, conversion_failed_record, parse_rows, Cell, ColumnType, ConversionFailedInfo,
    DataCatalogTable, Schema,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Helpers

/// SplitMix64: a small deterministic generator for test data.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Inputs of different shapes: empty, tiny, text-like, random, and larger
/// than one Hadoop block.
fn samples() -> Vec<(String, Vec<u8>)> {
    let mut g = Gen(7);
    let mut lines = Vec::new();
    for i in 0..4_000 {
        lines.extend_from_slice(
            format!(
                "{{\"id\":{i},\"device\":\"sensor-{}\",\"temp\":{}.{}}}\n",
                g.below(40),
                g.below(50),
                g.below(10)
            )
            .as_bytes(),
        );
    }
    let random: Vec<u8> = (0..200_000).map(|_| g.next() as u8).collect();
    let mut mixed = lines.clone();
    mixed.extend_from_slice(&random);
    vec![
        ("empty".into(), Vec::new()),
        ("one byte".into(), vec![b'x']),
        (
            "short text".into(),
            "Xin chào, Firehose! 🚒\n".as_bytes().to_vec(),
        ),
        (format!("{} bytes of JSON lines", lines.len()), lines),
        ("200,000 random bytes".into(), random),
        ("JSON then random".into(), mixed),
    ]
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/firehose-codec/scratch")
        .join(format!("{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn ok_status(cmd: &mut Command) -> (bool, String) {
    match cmd.output() {
        Ok(o) => (
            o.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        ),
        Err(e) => panic!("cannot run {:?}: {e}", cmd.get_program()),
    }
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("-h").output().is_ok()
}

// ---------------------------------------------------------------------------
// Compression

#[test]
fn every_format_round_trips() {
    for (what, data) in samples() {
        for c in Compression::ALL {
            let packed = compress::compress(c, "records", &data).unwrap();
            let back =
                compress::decompress(c, &packed).unwrap_or_else(|e| panic!("{c} of {what}: {e}"));
            assert!(back == data, "{c} of {what}: round trip differs");
            if c == Compression::Uncompressed {
                assert_eq!(packed, data);
            }
        }
    }
}

#[test]
fn same_input_same_bytes() {
    let data = samples().pop().unwrap().1;
    for c in Compression::ALL {
        assert_eq!(
            compress::compress(c, "a.json", &data).unwrap(),
            compress::compress(c, "a.json", &data).unwrap(),
            "{c}"
        );
    }
}

#[test]
fn extensions() {
    let ext: Vec<_> = Compression::ALL
        .iter()
        .map(|c| (c.to_string(), compress::extension(*c)))
        .collect();
    for (name, e) in &ext {
        match name.as_str() {
            "UNCOMPRESSED" => assert_eq!(*e, ""),
            "GZIP" => assert_eq!(*e, ".gz"),
            "ZIP" => assert_eq!(*e, ".zip"),
            "Snappy" | "HADOOP_SNAPPY" => assert_eq!(*e, ".snappy"),
            other => panic!("unexpected {other}"),
        }
    }
}

#[test]
fn gzip_passes_gzip_t() {
    let dir = scratch("gzip");
    for (i, (what, data)) in samples().into_iter().enumerate() {
        let packed = compress::compress(Compression::Gzip, "", &data).unwrap();
        let path = dir.join(format!("{i}.gz"));
        std::fs::write(&path, &packed).unwrap();
        let (ok, out) = ok_status(Command::new("gzip").arg("-t").arg(&path));
        assert!(ok, "gzip -t rejects {what}: {out}");
        // And gzip -dc gives the input back.
        let o = Command::new("gzip").arg("-dc").arg(&path).output().unwrap();
        assert!(o.status.success() && o.stdout == data, "gzip -dc of {what}");
        // The check can fail: a flipped byte in the deflate data or the
        // CRC-32 trailer is caught.
        if packed.len() > 20 {
            let mut bad = packed.clone();
            let at = bad.len() - 6; // inside the CRC-32 trailer
            bad[at] ^= 0x55;
            let bad_path = dir.join(format!("{i}-bad.gz"));
            std::fs::write(&bad_path, &bad).unwrap();
            let (ok, _) = ok_status(Command::new("gzip").arg("-t").arg(&bad_path));
            assert!(!ok, "gzip -t accepted a corrupted file ({what})");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn zip_opens_with_a_real_reader() {
    let dir = scratch("zip");
    for (i, (what, data)) in samples().into_iter().enumerate() {
        let name = format!("stream-1-2026-11-26-07-00-00-{i}");
        let packed = compress::compress(Compression::Zip, &name, &data).unwrap();
        let path = dir.join(format!("{i}.zip"));
        std::fs::write(&path, &packed).unwrap();
        if have("unzip") {
            let (ok, out) = ok_status(Command::new("unzip").arg("-t").arg(&path));
            assert!(ok, "unzip -t rejects {what}: {out}");
            assert!(out.contains(&name), "unzip -t does not list {name}: {out}");
            let o = Command::new("unzip").arg("-p").arg(&path).output().unwrap();
            assert!(o.status.success() && o.stdout == data, "unzip -p of {what}");
        } else {
            let script = "import sys, zipfile\n\
                z = zipfile.ZipFile(sys.argv[1])\n\
                assert z.testzip() is None\n\
                assert z.namelist() == [sys.argv[2]], z.namelist()\n\
                sys.stdout.buffer.write(z.read(sys.argv[2]))\n";
            let o = Command::new("python3")
                .args(["-c", script])
                .arg(&path)
                .arg(&name)
                .output()
                .unwrap();
            assert!(
                o.status.success() && o.stdout == data,
                "python zipfile on {what}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn zip_entry_names_are_checked() {
    for bad in ["", "/etc/passwd", "../up", "a/../../b", "dir/", "tab\there"] {
        let e = compress::compress(Compression::Zip, bad, b"x").unwrap_err();
        assert_eq!(e.field, "entry_name", "{bad:?}: {e}");
    }
}

/// The Snappy framing format, read by hand: chunk type, 3-byte little-endian
/// length; data chunks start with the masked CRC-32C of their uncompressed
/// bytes. Compressed chunks hold a raw Snappy block.
fn read_snappy_frames(bytes: &[u8]) -> Vec<u8> {
    const CASTAGNOLI: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISCSI);
    let mask = |c: u32| c.rotate_right(15).wrapping_add(0xa282_ead8);
    // Stream identifier chunk, byte for byte from the framing format spec.
    assert_eq!(&bytes[..10], b"\xff\x06\x00\x00sNaPpY", "stream identifier");
    let mut at = 10;
    let mut out = Vec::new();
    while at < bytes.len() {
        let kind = bytes[at];
        let len = u32::from_le_bytes([bytes[at + 1], bytes[at + 2], bytes[at + 3], 0]) as usize;
        let body = &bytes[at + 4..at + 4 + len];
        at += 4 + len;
        let plain = match kind {
            0x00 => snap::raw::Decoder::new()
                .decompress_vec(&body[4..])
                .unwrap(),
            0x01 => body[4..].to_vec(),
            0xff => panic!("second stream identifier at {at}"),
            k => panic!("unexpected chunk type {k:#x}"),
        };
        assert!(plain.len() <= 65_536, "chunk over 64 KiB");
        let crc = u32::from_le_bytes([body[0], body[1], body[2], body[3]]);
        assert_eq!(crc, mask(CASTAGNOLI.checksum(&plain)), "masked CRC-32C");
        out.extend_from_slice(&plain);
    }
    out
}

#[test]
fn snappy_is_the_framing_format() {
    for (what, data) in samples() {
        let packed = compress::compress(Compression::Snappy, "", &data).unwrap();
        assert_eq!(read_snappy_frames(&packed), data, "{what}");
        // The crate's own stream reader agrees.
        let mut back = Vec::new();
        std::io::Read::read_to_end(&mut snap::read::FrameDecoder::new(&packed[..]), &mut back)
            .unwrap();
        assert_eq!(back, data, "{what}");
    }
}

/// Hadoop's block format, read by hand: [u32 BE raw length] then sub-blocks
/// [u32 BE compressed length][raw Snappy block] until the raw length is met.
fn read_hadoop_blocks(bytes: &[u8]) -> (Vec<u8>, usize) {
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    let mut at = 0;
    let mut out = Vec::new();
    let mut blocks = 0;
    while at < bytes.len() {
        let raw = be(at);
        at += 4;
        let start = out.len();
        while out.len() - start < raw {
            let n = be(at);
            at += 4;
            out.extend(
                snap::raw::Decoder::new()
                    .decompress_vec(&bytes[at..at + n])
                    .unwrap(),
            );
            at += n;
        }
        assert_eq!(out.len() - start, raw, "block {blocks} length");
        blocks += 1;
    }
    (out, blocks)
}

#[test]
fn hadoop_snappy_is_the_block_format() {
    for (what, data) in samples() {
        let packed = compress::compress(Compression::HadoopSnappy, "", &data).unwrap();
        let (back, blocks) = read_hadoop_blocks(&packed);
        assert_eq!(back, data, "{what}");
        assert_eq!(
            blocks,
            data.len().div_ceil(compress::HADOOP_BLOCK),
            "{what}: blocks"
        );
        if data.is_empty() {
            assert!(packed.is_empty());
        } else {
            assert_eq!(
                u32::from_be_bytes(packed[..4].try_into().unwrap()) as usize,
                data.len().min(compress::HADOOP_BLOCK),
                "{what}: first block's raw length"
            );
        }
    }
}

#[test]
fn decompress_refuses_damage_and_size() {
    let data = samples().pop().unwrap().1;
    for c in Compression::ALL {
        let packed = compress::compress(c, "x", &data).unwrap();
        if c != Compression::Uncompressed {
            let cut = &packed[..packed.len() / 2];
            assert!(
                compress::decompress(c, cut).is_err(),
                "{c}: truncated input accepted"
            );
        }
        let e = compress::decompress_limited(c, &packed, data.len() - 1).unwrap_err();
        assert!(e.message.contains("more than"), "{c}: {e}");
        assert!(
            compress::decompress_limited(c, &packed, data.len()).is_ok(),
            "{c}"
        );
    }
    // A Hadoop block claiming 4 GiB is refused by the limit, not allocated.
    let lie = [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 0];
    assert!(compress::decompress(Compression::HadoopSnappy, &lie).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn decompress_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        for c in Compression::ALL {
            let _ = compress::decompress_limited(c, &bytes, 1 << 20);
        }
        // Hadoop and Snappy with a valid-looking start.
        let mut h = vec![0, 0, 0, 10];
        h.extend_from_slice(&bytes);
        let _ = compress::decompress_limited(Compression::HadoopSnappy, &h, 1 << 20);
        let mut s = b"\xff\x06\x00\x00sNaPpY".to_vec();
        s.extend_from_slice(&bytes);
        let _ = compress::decompress_limited(Compression::Snappy, &s, 1 << 20);
    }

    #[test]
    fn round_trip_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        for c in Compression::ALL {
            let packed = compress::compress(c, "f", &bytes).unwrap();
            prop_assert_eq!(compress::decompress(c, &packed).unwrap(), bytes.clone());
        }
    }
}

// ---------------------------------------------------------------------------
// Schema

#[test]
fn schema_text_round_trips() {
    let s =
        Schema::parse("id:int, Name:STRING,\n ts : timestamp,big:bigint,score:double,ok:boolean")
            .unwrap();
    let names: Vec<_> = s.columns.iter().map(|c| (c.name.as_str(), c.ty)).collect();
    assert_eq!(
        names,
        [
            ("id", ColumnType::Int),
            ("Name", ColumnType::String),
            ("ts", ColumnType::Timestamp),
            ("big", ColumnType::Bigint),
            ("score", ColumnType::Double),
            ("ok", ColumnType::Boolean)
        ]
    );
    assert_eq!(Schema::parse(&s.to_text()).unwrap(), s);
    // serde: the text form and the table form.
    let from_text: Schema = serde_json::from_str(&format!("\"{}\"", s.to_text())).unwrap();
    let from_table: Schema = serde_json::from_value(serde_json::to_value(&s).unwrap()).unwrap();
    assert_eq!(from_text, s);
    assert_eq!(from_table, s);
    let t: Schema = toml::from_str::<toml::Value>("columns = [{name = \"a\", type = \"int\"}]")
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(t.columns[0].ty, ColumnType::Int);
}

#[test]
fn schema_errors_name_the_column_and_position() {
    let text = "id:int, name:strng, ts:timestamp";
    let e = Schema::parse(text).unwrap_err();
    assert_eq!((e.column, e.name.as_deref()), (2, Some("name")));
    // The position is the character where `name` starts.
    assert_eq!(text.chars().nth(e.position - 1), Some('n'));
    assert_eq!(&text[e.position - 1..e.position + 3], "name");
    let msg = e.to_string();
    assert!(msg.contains("strng") && msg.contains("timestamp"), "{msg}");

    let e = Schema::parse("a:int, b").unwrap_err();
    assert_eq!(e.column, 2);
    assert!(e.to_string().contains("name:type"));

    let e = Schema::parse("a:int, 9lives:int").unwrap_err();
    assert_eq!((e.column, e.name.as_deref()), (2, Some("9lives")));

    let e = Schema::parse("éa:int").unwrap_err();
    assert_eq!(e.column, 1);

    let text = "a:int,\n  B:string,\n  A:double";
    let e = Schema::parse(text).unwrap_err();
    assert_eq!(e.column, 3);
    assert!(e.to_string().contains("column 1 `a`"), "{e}");
    assert_eq!(text.chars().nth(e.position - 1), Some('A'));

    assert_eq!(Schema::parse("  ,\n").unwrap_err().column, 0);
    assert!(serde_json::from_str::<Schema>("\"a:nope\"").is_err());
    assert!(
        serde_json::from_str::<Schema>("{\"columns\":[{\"name\":\"a b\",\"type\":\"int\"}]}")
            .is_err()
    );
    assert!(serde_json::from_str::<Schema>("42").is_err());
}

// ---------------------------------------------------------------------------
// JSON → rows

fn schema() -> Schema {
    Schema::parse("id:int, name:string, score:double, ok:boolean, ts:timestamp, big:bigint")
        .unwrap()
}

/// A failure as (record index, column, reason).
type Fail = (usize, Option<String>, String);

fn rows_of(schema: &Schema, recs: &[&str]) -> (Vec<Vec<Cell>>, Vec<Fail>) {
    let bytes: Vec<&[u8]> = recs.iter().map(|r| r.as_bytes()).collect();
    let (rows, fails) = parse_rows(schema, &bytes);
    (
        rows.into_iter().map(|r| r.cells).collect(),
        fails
            .into_iter()
            .map(|f| (f.index, f.column, f.reason))
            .collect(),
    )
}

#[test]
fn openx_rules() {
    let s = schema();
    let (rows, fails) = rows_of(
        &s,
        &[
            // keys in any letter case, extras ignored, missing → null
            r#"{"ID": 1, "Name": "a", "extra": [1,2], "OK": true}"#,
            // numbers as strings, null, nested JSON into a string column
            r#"{"id": "2", "name": {"x": 1}, "score": "2.5", "ok": "FALSE", "big": "-9000000000", "ts": null}"#,
            // two documents back to back: two rows
            r#"{"id": 3} {"id": 4}"#,
        ],
    );
    assert!(fails.is_empty(), "{fails:?}");
    use Cell::*;
    assert_eq!(
        rows,
        vec![
            vec![Int(1), String("a".into()), Null, Boolean(true), Null, Null],
            vec![
                Int(2),
                String(r#"{"x":1}"#.into()),
                Double(2.5),
                Boolean(false),
                Null,
                Bigint(-9_000_000_000)
            ],
            vec![Int(3), Null, Null, Null, Null, Null],
            vec![Int(4), Null, Null, Null, Null, Null],
        ]
    );
}

#[test]
fn rows_keep_their_record_index() {
    let s = schema();
    let recs: Vec<&[u8]> = vec![b"{\"id\":1}{\"id\":2}", b"nope", b"{\"id\":3}"];
    let (rows, fails) = parse_rows(&s, &recs);
    let idx: Vec<_> = rows.iter().map(|r| r.record).collect();
    assert_eq!(idx, [0, 0, 2]);
    assert_eq!(fails.len(), 1);
    assert_eq!(fails[0].index, 1);
}

#[test]
fn failures_name_the_column() {
    let s = schema();
    let cases: &[(&str, Option<&str>, &str)] = &[
        (r#"{"id": "x1"}"#, Some("id"), "int"),
        (r#"{"id": 2147483648}"#, Some("id"), "int range"),
        (r#"{"id": 1.5}"#, Some("id"), "int"),
        (
            r#"{"big": 9223372036854775808}"#,
            Some("big"),
            "bigint range",
        ),
        (r#"{"score": "abc"}"#, Some("score"), "double"),
        (r#"{"ok": 1}"#, Some("ok"), "boolean"),
        (r#"{"ts": "yesterday"}"#, Some("ts"), "timestamp"),
        (r#"{"ts": "2017-02-30 10:00:00"}"#, Some("ts"), "timestamp"),
        (r#"{"ts": true}"#, Some("ts"), "timestamp"),
        (r#"[{"id": 1}, {"id": 2}]"#, None, "array"),
        (r#"{"id": 1} 7"#, None, "not an object"),
        (r#"{"id": 1"#, None, "JSON"),
        ("", None, "no JSON object"),
        ("   \n", None, "no JSON object"),
    ];
    for (rec, col, word) in cases {
        let (rows, fails) = rows_of(&s, &[rec]);
        assert!(rows.is_empty(), "{rec}: {rows:?}");
        let (i, c, reason) = &fails[0];
        assert_eq!(*i, 0);
        assert_eq!(c.as_deref(), *col, "{rec}: {reason}");
        assert!(reason.contains(word), "{rec}: {reason:?} lacks {word:?}");
        if let Some(col) = col {
            assert!(reason.contains(&format!("`{col}`")), "{reason}");
        }
    }
    // Bytes that are not UTF-8.
    let (rows, fails) = parse_rows(&s, &[&[0x7b, 0xff, 0x7d][..]]);
    assert!(rows.is_empty() && fails[0].reason.contains("UTF-8"));
}

/// Formats epoch seconds with the system's `date`, an implementation of the
/// calendar independent from ours.
fn gnu_date(secs: &[i64], format: &str) -> Vec<String> {
    let dir = scratch("date");
    let input = dir.join("in.txt");
    let lines: Vec<String> = secs.iter().map(|s| format!("@{s}")).collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let o = Command::new("date")
        .arg("-u")
        .arg("-f")
        .arg(&input)
        .arg(format!("+{format}"))
        .output()
        .expect("GNU date");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn timestamps_in_every_documented_form() {
    let mut g = Gen(42);
    // From 0001-01-01 to 9999-12-31, plus the epoch and leap days.
    let mut secs: Vec<i64> = (0..400)
        .map(|_| g.below(253_402_300_799 + 62_135_596_800) as i64 - 62_135_596_800)
        .collect();
    secs.extend([0, -1, 951_782_400, 1_486_480_381, 4_107_542_400]);
    let iso = gnu_date(&secs, "%Y-%m-%dT%H:%M:%SZ");
    let space = gnu_date(&secs, "%Y-%-m-%-d %H:%M:%S");
    let padded = gnu_date(&secs, "%Y-%m-%d %H:%M:%S");
    assert_eq!(iso.len(), secs.len());
    for (i, &s) in secs.iter().enumerate() {
        let us = s * 1_000_000;
        let frac_digits = 1 + g.below(9) as usize;
        let frac: String = (0..frac_digits)
            .map(|_| char::from(b'0' + g.below(10) as u8))
            .collect();
        let frac_us: i64 = format!("{frac:0<6}")[..6].parse().unwrap();
        let with_frac = iso[i].replace('Z', &format!(".{frac}Z"));
        for (text, want) in [
            (iso[i].clone(), us),
            (with_frac, us + frac_us),
            (space[i].clone(), us),
            (format!("{}.{frac}", space[i]), us + frac_us),
            (padded[i].clone(), us),
        ] {
            assert_eq!(convert::parse_timestamp(&text), Some(want), "{text}");
        }
        // Our own formatter agrees with date's.
        assert_eq!(convert::format_timestamp(us), padded[i]);
        if (0..=9_999_999_999).contains(&s) {
            assert_eq!(
                convert::parse_timestamp(&s.to_string()),
                Some(us),
                "epoch s {s}"
            );
        }
    }
    // Epoch forms, as JSON numbers and strings.
    let s = Schema::parse("ts:timestamp").unwrap();
    let (rows, fails) = rows_of(
        &s,
        &[
            r#"{"ts": 1518033528}"#,
            r#"{"ts": 1518033528123}"#,
            r#"{"ts": 1518033528.123}"#,
            r#"{"ts": "1518033528"}"#,
            r#"{"ts": "1518033528123"}"#,
            r#"{"ts": "1518033528.123"}"#,
        ],
    );
    assert!(fails.is_empty(), "{fails:?}");
    let base = 1_518_033_528_000_000i64;
    let want = [
        base,
        base + 123_000,
        base + 123_000,
        base,
        base + 123_000,
        base + 123_000,
    ];
    let got: Vec<_> = rows.iter().map(|r| r[0].clone()).collect();
    assert_eq!(got, want.map(Cell::Timestamp));
    // ISO needs two-digit month and day and the Z; ten fraction digits are too many.
    for bad in [
        "2017-2-07T15:13:01Z",
        "2017-02-07T15:13:01",
        "2017-02-07 15:13:01.1234567890",
        "2017-02-07 5:13:01",
        "2017-13-01 00:00:00",
        "2017-02-07 24:00:00",
        "10000-01-01 00:00:00",
        "",
    ] {
        assert_eq!(convert::parse_timestamp(bad), None, "{bad}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// Any finite double written the shortest way (as Python's repr and
    /// serde_json do) converts to the same bits.
    #[test]
    fn doubles_convert_exactly(bits in any::<u64>()) {
        let d = f64::from_bits(bits);
        prop_assume!(d.is_finite());
        let s = Schema::parse("x:double").unwrap();
        let rec = format!("{{\"x\": {}}}", serde_json::to_string(&d).unwrap());
        let (rows, fails) = rows_of(&s, &[&rec]);
        prop_assert!(fails.is_empty());
        match &rows[0][0] {
            Cell::Double(got) => prop_assert_eq!(got.to_bits(), d.to_bits(), "{}", rec),
            other => prop_assert!(false, "{:?}", other),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    #[test]
    fn parse_rows_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200), text in "\\PC{0,80}") {
        let s = schema();
        let _ = parse_rows(&s, &[&bytes[..], text.as_bytes()]);
        let _ = convert::parse_timestamp(&text);
        let _ = Schema::parse(&text);
    }

    #[test]
    fn every_record_is_a_row_set_or_a_failure(n in 0usize..40, seed in any::<u64>()) {
        let s = schema();
        let mut g = Gen(seed);
        let recs: Vec<String> = (0..n).map(|i| match g.below(4) {
            0 => format!("{{\"id\":{i}}}"),
            1 => format!("{{\"id\":{i}}}{{\"id\":{i}}}"),
            2 => format!("{{\"id\":\"bad{i}\"}}"),
            _ => "[1]".to_string(),
        }).collect();
        let bytes: Vec<&[u8]> = recs.iter().map(|r| r.as_bytes()).collect();
        let (rows, fails) = parse_rows(&s, &bytes);
        for i in 0..n {
            let has_rows = rows.iter().any(|r| r.record == i);
            let failed = fails.iter().filter(|f| f.index == i).count();
            prop_assert!(has_rows != (failed == 1), "record {}", i);
        }
    }
}

// ---------------------------------------------------------------------------
// format-conversion-failed/

#[test]
fn conversion_failed_record_has_the_documented_fields() {
    let table = DataCatalogTable::default();
    let raw = br#"{"id": "x"}"#;
    let line = conversion_failed_record(&ConversionFailedInfo {
        attempts_made: 1,
        arrival_ms: 1_700_000_000_000,
        error_code: convert::MALFORMED_DATA,
        error_message: "column `id` (int): expected an int",
        attempt_ending_ms: 1_700_000_060_000,
        raw_data: raw,
        sequence_number: Some("49590338271490256608559692538361571095921575989136588898"),
        sub_sequence_number: Some(0),
        table: &table,
    });
    assert!(line.ends_with('\n') && line.matches('\n').count() == 1);
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    // The documented order of the top-level keys.
    let order = [
        "attemptsMade",
        "arrivalTimestamp",
        "lastErrorCode",
        "lastErrorMessage",
        "attemptEndingTimestamp",
        "rawData",
        "sequenceNumber",
        "subSequenceNumber",
        "dataCatalogTable",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|k| line.find(&format!("\"{k}\"")).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "key order {at:?}");
    assert_eq!(v.as_object().unwrap().len(), order.len());
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(v["rawData"].as_str().unwrap())
        .unwrap();
    assert_eq!(decoded, raw);
    assert_eq!(v["attemptsMade"], 1);
    assert_eq!(v["lastErrorCode"], convert::MALFORMED_DATA);
    let t = v["dataCatalogTable"].as_object().unwrap();
    for k in [
        "catalogId",
        "databaseName",
        "tableName",
        "region",
        "versionId",
        "catalogArn",
    ] {
        assert!(t[k].is_string(), "{k}");
    }
    // Direct PUT: no sequence number fields.
    let line = conversion_failed_record(&ConversionFailedInfo {
        sequence_number: None,
        sub_sequence_number: None,
        attempts_made: 1,
        arrival_ms: 1,
        error_code: convert::MALFORMED_DATA,
        error_message: "m",
        attempt_ending_ms: 2,
        raw_data: b"",
        table: &table,
    });
    assert!(!line.contains("sequenceNumber"));
}

// ---------------------------------------------------------------------------
// Parquet

/// Generated rows (the truth), and JSON records that encode them in the
/// many ways the OpenX rules accept.
#[cfg(feature = "parquet")]
fn generated(n: usize, seed: u64) -> (Vec<Vec<Cell>>, Vec<String>) {
    let names = [
        "ana",
        "Bảo",
        "chị Hằng",
        "d\"q",
        "e\\s",
        "🦀 crab",
        "",
        "tab\tin",
    ];
    let mut g = Gen(seed);
    let mut truth = Vec::new();
    let mut recs = Vec::new();
    for i in 0..n {
        let id = if g.chance(5) {
            Cell::Null
        } else {
            Cell::Int(i as i32 - 100)
        };
        let name = if g.chance(10) {
            Cell::Null
        } else {
            Cell::String(format!(
                "{}-{}",
                names[g.below(names.len() as u64) as usize],
                g.below(1000)
            ))
        };
        let score = if g.chance(10) {
            Cell::Null
        } else {
            Cell::Double((g.below(2_000_000) as f64 - 1_000_000.0) / 1024.0)
        };
        let ok = if g.chance(10) {
            Cell::Null
        } else {
            Cell::Boolean(g.chance(50))
        };
        // 2000-01-01 .. 2038-01-01, whole milliseconds.
        let ts_ms = 946_684_800_000 + g.below(2_145_916_800_000 - 946_684_800_000) as i64;
        let ts = if g.chance(10) {
            Cell::Null
        } else {
            Cell::Timestamp(ts_ms * 1_000)
        };
        let big = if g.chance(10) {
            Cell::Null
        } else {
            Cell::Bigint(g.next() as i64)
        };
        // Encode: key case varies, nulls sometimes missing keys, numbers
        // sometimes as strings, timestamps as epoch millis.
        let mut fields = Vec::new();
        let key = |g: &mut Gen, k: &str| {
            if g.chance(30) {
                k.to_uppercase()
            } else {
                k.to_string()
            }
        };
        let cells = [&id, &name, &score, &ok, &ts, &big];
        for (k, c) in ["id", "name", "score", "ok", "ts", "big"].iter().zip(cells) {
            let v = match c {
                Cell::Null if g.chance(50) => continue,
                Cell::Null => "null".to_string(),
                Cell::Int(v) if g.chance(30) => format!("\"{v}\""),
                Cell::Int(v) => v.to_string(),
                Cell::String(s) => serde_json::to_string(s).unwrap(),
                Cell::Double(d) => serde_json::to_string(d).unwrap(),
                Cell::Boolean(b) => b.to_string(),
                Cell::Timestamp(_) => ts_ms.to_string(),
                Cell::Bigint(v) if g.chance(30) => format!("\"{v}\""),
                Cell::Bigint(v) => v.to_string(),
            };
            fields.push(format!("\"{}\": {v}", key(&mut g, k)));
        }
        if g.chance(20) {
            fields.push("\"unrelated\": {\"deep\": [1, 2]}".into());
        }
        recs.push(format!("{{{}}}", fields.join(", ")));
        truth.push(vec![id, name, score, ok, ts, big]);
    }
    (truth, recs)
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_round_trip_and_fixture_for_pyarrow() {
    use kinesis_lab_core::firehose::parquet::{read_parquet, write_parquet};

    let schema = schema();
    let (truth, recs) = generated(3_000, 2026);
    let bytes: Vec<&[u8]> = recs.iter().map(|r| r.as_bytes()).collect();
    let (rows, fails) = parse_rows(&schema, &bytes);
    assert!(fails.is_empty(), "{:?}", fails.first());
    let cells: Vec<Vec<Cell>> = rows.iter().map(|r| r.cells.clone()).collect();
    assert!(cells == truth, "parse_rows differs from the generated rows");

    let file = write_parquet(&schema, &rows).unwrap();
    assert_eq!(&file[..4], b"PAR1");
    assert_eq!(&file[file.len() - 4..], b"PAR1");
    assert_eq!(
        write_parquet(&schema, &rows).unwrap(),
        file,
        "deterministic"
    );
    let (back_schema, back) = read_parquet(&file).unwrap();
    assert_eq!(back_schema, schema);
    let back_cells: Vec<Vec<Cell>> = back.into_iter().map(|r| r.cells).collect();
    assert!(back_cells == truth, "read back differs");

    // Pages are Snappy-compressed.
    {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let r = SerializedFileReader::new(bytes::Bytes::from(file.clone())).unwrap();
        for rg in r.metadata().row_groups() {
            for c in rg.columns() {
                assert_eq!(c.compression(), parquet::basic::Compression::SNAPPY);
            }
        }
    }

    // The fixture for the pyarrow test: the file and the generated truth
    // (timestamps in microseconds since the epoch).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/firehose-codec");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("rows.parquet"), &file).unwrap();
    let expected = serde_json::json!({
        "columns": schema.columns.iter().map(|c| serde_json::json!({"name": c.name, "type": c.ty})).collect::<Vec<_>>(),
        "rows": truth.iter().map(|r| r.iter().map(|c| match c {
            Cell::Timestamp(us) => serde_json::json!(us),
            other => serde_json::to_value(other).unwrap(),
        }).collect::<Vec<_>>()).collect::<Vec<_>>(),
    });
    std::fs::write(
        dir.join("rows.json"),
        serde_json::to_string(&expected).unwrap(),
    )
    .unwrap();
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_edge_cases() {
    use kinesis_lab_core::firehose::convert::Row;
    use kinesis_lab_core::firehose::parquet::{read_parquet, write_parquet};

    let schema = schema();
    // No rows: still a valid file with the schema.
    let file = write_parquet(&schema, &[]).unwrap();
    let (s, rows) = read_parquet(&file).unwrap();
    assert_eq!((s, rows.len()), (schema.clone(), 0));
    // All null.
    let nulls = vec![
        Row {
            record: 0,
            cells: vec![Cell::Null; 6]
        };
        3
    ];
    let (_, rows) = read_parquet(&write_parquet(&schema, &nulls).unwrap()).unwrap();
    assert!(rows.iter().all(|r| r.cells == vec![Cell::Null; 6]));
    // Bad rows are errors naming the row and column, not panics.
    let short = Row {
        record: 0,
        cells: vec![Cell::Int(1)],
    };
    assert!(write_parquet(&schema, &[short])
        .unwrap_err()
        .contains("row 0"));
    let mut wrong = vec![Cell::Null; 6];
    wrong[2] = Cell::String("x".into());
    let e = write_parquet(
        &schema,
        &[Row {
            record: 0,
            cells: wrong,
        }],
    )
    .unwrap_err();
    assert!(e.contains("row 0") && e.contains("`score`"), "{e}");
    assert!(write_parquet(&Schema::default(), &[]).is_err());
    // Garbage is an error.
    assert!(read_parquet(b"PAR1 not really PAR1").is_err());
    assert!(read_parquet(&[]).is_err());
}
