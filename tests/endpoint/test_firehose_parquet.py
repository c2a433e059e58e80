"""Parquet from `kinesis-lab firehose` (format conversion on) read back with an
independent reader, Apache Arrow's pyarrow (pinned in requirements.txt).

The records are made here from known values, written in the many ways the
OpenX JSON rules accept (key case, numbers as strings, every documented
timestamp form, missing keys, extra keys, two documents in one record), with
some that must fail. The rows pyarrow reads must equal the values the records
were made from, and each failing record must come back, byte for byte, in a
`format-conversion-failed/` object.

The compressed objects (GZIP, ZIP, Snappy framed, HADOOP_SNAPPY) are opened
with Python's gzip and zipfile modules and with Arrow's own Snappy codec
(Google's C++ snappy) under hand parsers of the two Snappy layouts.

Also reads target/firehose-codec/rows.parquet when the core codec test
(`cargo test -p kinesis-lab-core --features parquet --test firehose_codec`)
has left it, against the rows.json written beside it.

Run with KINESIS_LAB_CLI pointing at the kinesis-lab binary.
"""

import base64
import datetime as dt
import gzip
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq

CLI = os.environ["KINESIS_LAB_CLI"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

COLUMNS = [
    ("id", "int"),
    ("name", "string"),
    ("score", "double"),
    ("ok", "boolean"),
    ("ts", "timestamp"),
    ("big", "bigint"),
]
ARROW_TYPES = {
    "int": pa.int32(),
    "bigint": pa.int64(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "string": pa.string(),
    "timestamp": pa.timestamp("us", tz="UTC"),
}
WORDS = ["ana", "Bảo", "chị Hằng", 'say "hi"', "back\\slash", "🦀 crab", "", "tab\there", "new\nline", "日本"]


def timestamp_text(rnd):
    """One timestamp in a documented form, and the instant it means."""
    form = rnd.randrange(6)
    if form in (0, 1, 2):
        # yyyy-MM-dd'T'HH:mm:ss[.S]'Z' or yyyy-[M]M-[d]d HH:mm:ss[.S], 1900-2099
        base = dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(
            seconds=rnd.randrange(200 * 365 * 86_400)
        )
        nanos = "".join(rnd.choice("0123456789") for _ in range(9))
        digits = nanos[: rnd.randrange(10)]  # 0 to 9 fraction digits
        frac = "." + digits if digits else ""
        want = base + dt.timedelta(microseconds=int((digits + "000000")[:6]))
        if form == 0:
            text = base.strftime("%Y-%m-%dT%H:%M:%S") + frac + "Z"
        else:
            month = f"{base.month:02d}" if form == 1 else str(base.month)
            day = f"{base.day:02d}" if form == 1 else str(base.day)
            text = f"{base.year:04d}-{month}-{day} {base:%H:%M:%S}{frac}"
        return json.dumps(text), want
    # Epoch forms, 2000-2037.
    ms = rnd.randrange(946_684_800_000, 2_145_916_800_000)
    if form == 3:  # epoch milliseconds, as a number or a string
        text = str(ms) if rnd.random() < 0.5 else json.dumps(str(ms))
        return text, EPOCH + dt.timedelta(milliseconds=ms)
    if form == 4:  # epoch seconds
        s = ms // 1000
        return str(s), EPOCH + dt.timedelta(seconds=s)
    # floating-point epoch seconds with a millisecond fraction
    s, frac = divmod(ms, 1000)
    return f"{s}.{frac:03d}", EPOCH + dt.timedelta(milliseconds=ms)


def key(rnd, name):
    return rnd.choice([name, name.upper(), name.capitalize()])


def good_record(rnd, i):
    """A record as JSON text and the row(s) it must become."""
    row = {}
    fields = []

    def put(name, text, value):
        row[name] = value
        if text is None:
            if rnd.random() < 0.5:
                return  # a missing key is a null too
            text = "null"
        fields.append(f"{json.dumps(key(rnd, name))}: {text}")

    if rnd.random() < 0.1:
        put("id", None, None)
    else:
        v = rnd.choice([rnd.randrange(-(2**31), 2**31), -(2**31), 2**31 - 1, i])
        put("id", json.dumps(str(v)) if rnd.random() < 0.3 else str(v), v)
    r = rnd.random()
    if r < 0.1:
        put("name", None, None)
    elif r < 0.2:
        nested = {"k": [i, "x"]}
        put("name", json.dumps(nested), json.dumps(nested, separators=(",", ":")))
    elif r < 0.25:
        put("name", str(i), str(i))  # a number into a string column
    else:
        s = f"{rnd.choice(WORDS)}-{i}"
        put("name", json.dumps(s, ensure_ascii=rnd.random() < 0.5), s)
    if rnd.random() < 0.1:
        put("score", None, None)
    else:
        d = rnd.choice([rnd.uniform(-1e6, 1e6), rnd.uniform(-1, 1), 0.1, 1e-300, 6.02e23, float(i)])
        put("score", json.dumps(repr(d)) if rnd.random() < 0.2 else repr(d), d)
    if rnd.random() < 0.1:
        put("ok", None, None)
    else:
        b = rnd.random() < 0.5
        text = json.dumps(rnd.choice(["true", "TRUE", "True"]) if b else "false") if rnd.random() < 0.2 else json.dumps(b)
        put("ok", text, b)
    if rnd.random() < 0.1:
        put("ts", None, None)
    else:
        text, want = timestamp_text(rnd)
        put("ts", text, want)
    if rnd.random() < 0.1:
        put("big", None, None)
    else:
        v = rnd.choice([rnd.randrange(-(2**63), 2**63), -(2**63), 2**63 - 1])
        put("big", json.dumps(str(v)) if rnd.random() < 0.3 else str(v), v)
    if rnd.random() < 0.2:
        fields.append('"unrelated": {"deep": [1, 2, {"x": null}]}')
    rnd.shuffle(fields)
    return "{" + ", ".join(fields) + "}", [[row[c] for c, _ in COLUMNS]]


BAD = [
    '{"id": "twelve"}',
    '{"id": 2147483648}',
    '{"big": 1.5}',
    '{"ok": "yes"}',
    '{"score": "high"}',
    '{"ts": "2017-02-30 10:00:00"}',
    '{"ts": "07/02/2017"}',
    '[{"id": 1}, {"id": 2}]',
    '{"id": 1',
    '"just a string"',
]


def make_input(n, seed):
    rnd = random.Random(seed)
    lines, rows, bad = [], [], []
    for i in range(n):
        if rnd.random() < 0.03:
            line = rnd.choice(BAD)
            bad.append(line)
        elif rnd.random() < 0.03:
            # Two documents back to back in one record: two rows.
            a, ra = good_record(rnd, i)
            b, rb = good_record(rnd, i)
            line = a + b
            rows.extend(ra + rb)
        else:
            line, r = good_record(rnd, i)
            rows.extend(r)
        lines.append(line)
    return lines, rows, bad


def check_arrow_schema(schema, where):
    names = [f.name for f in schema]
    assert names == [c for c, _ in COLUMNS], (where, names)
    for f, (_, ty) in zip(schema, COLUMNS):
        assert f.type == ARROW_TYPES[ty], (where, f.name, f.type)
        assert f.nullable, (where, f.name)


def check_snappy(path):
    meta = pq.ParquetFile(path).metadata
    for g in range(meta.num_row_groups):
        for c in range(meta.num_columns):
            assert meta.row_group(g).column(c).compression == "SNAPPY", (path, g, c)


def same_rows(got, want, where):
    assert len(got) == len(want), (where, len(got), len(want))
    for n, (g, w) in enumerate(zip(got, want)):
        assert g == w, (where, n, g, w)


def run_cli(tmp, lines, rate, config=None):
    cfg = os.path.join(tmp, "delivery.toml")
    with open(cfg, "w") as f:
        if config is None:
            schema = ", ".join(f"{c}:{t}" for c, t in COLUMNS)
            config = f'[format_conversion]\nschema = "{schema}"\n'
        f.write(config)
    records = os.path.join(tmp, "records.jsonl")
    with open(records, "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in lines))
    out = os.path.join(tmp, "out")
    result = subprocess.run(
        [CLI, "firehose", "--config", cfg, "--input", records, "--out", out, "--rate", str(rate), "--json"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return out, json.loads(result.stdout)


def test_cli_parquet_rows_equal_the_input():
    lines, want, bad = make_input(3_000, 2026)
    assert bad and len(want) > len(lines) - len(bad), "the input should hold bad and two-document records"
    with tempfile.TemporaryDirectory() as tmp:
        # 5 records/s: 600 s of records, so the 300 s interval makes several objects.
        out, summary = run_cli(tmp, lines, 5)
        delivered = [e["key"] for e in summary["events"] if e["type"] == "delivered"]
        assert len(delivered) >= 2, delivered
        assert all(k.endswith(".parquet") for k in delivered), delivered
        got = []
        for k in delivered:
            path = os.path.join(out, k)
            table = pq.read_table(path)
            check_arrow_schema(table.schema, k)
            check_snappy(path)
            got.extend([list(r.values()) for r in table.to_pylist()])
        same_rows(got, want, "cli")

        # Every bad record is in format-conversion-failed/, as sent.
        failed = [e["key"] for e in summary["events"] if e["type"] == "error_output"]
        assert failed and all(k.startswith("format-conversion-failed/") for k in failed), failed
        raw = []
        for k in failed:
            with open(os.path.join(out, k), encoding="utf-8") as f:
                for line in f:
                    doc = json.loads(line)
                    assert doc["lastErrorCode"] and doc["lastErrorMessage"], doc
                    assert isinstance(doc["dataCatalogTable"], dict), doc
                    raw.append(base64.b64decode(doc["rawData"]).decode())
        assert raw == [b + "\n" for b in bad], (raw[:3], bad[:3])


SNAPPY = pa.Codec("snappy")


def raw_snappy(block):
    """A raw Snappy block through Arrow's codec; its length is the varint
    that starts the block."""
    n, shift, at = 0, 0, 0
    while True:
        b = block[at]
        n |= (b & 0x7F) << shift
        at += 1
        shift += 7
        if b < 0x80:
            break
    return SNAPPY.decompress(block, decompressed_size=n).to_pybytes()


def snappy_frames(data):
    """The Snappy framing format: stream identifier, then chunks of type
    (1 byte) and little-endian length (3 bytes); data chunks start with a
    4-byte checksum (checked by the Rust test)."""
    assert data[:10] == b"\xff\x06\x00\x00sNaPpY", data[:10]
    out, at = bytearray(), 10
    while at < len(data):
        kind = data[at]
        length = int.from_bytes(data[at + 1 : at + 4], "little")
        body = data[at + 4 : at + 4 + length]
        assert len(body) == length, "chunk runs past the end"
        at += 4 + length
        if kind == 0x00:
            out += raw_snappy(body[4:])
        elif kind == 0x01:
            out += body[4:]
        else:
            assert 0x80 <= kind <= 0xFE, f"unexpected chunk type {kind:#x}"
    return bytes(out)


def hadoop_blocks(data):
    """Hadoop's BlockCompressorStream: per block a big-endian raw length,
    then sub-blocks of big-endian compressed length and a raw Snappy block."""
    out, at, blocks = bytearray(), 0, 0
    while at < len(data):
        raw = int.from_bytes(data[at : at + 4], "big")
        at += 4
        got = 0
        while got < raw:
            n = int.from_bytes(data[at : at + 4], "big")
            at += 4
            plain = raw_snappy(data[at : at + n])
            at += n
            got += len(plain)
            out += plain
        assert got == raw, (blocks, got, raw)
        blocks += 1
    return bytes(out), blocks


def test_cli_compressed_objects_open_with_other_decoders():
    rnd = random.Random(6)
    lines = [json.dumps({"id": i, "msg": rnd.choice(WORDS) * rnd.randrange(1, 40)}, ensure_ascii=False) for i in range(3_000)]
    sent = "".join(line + "\n" for line in lines).encode()
    assert len(sent) > 3 * 64 * 1024, "more than one Hadoop block"
    for fmt in ["GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"]:
        with tempfile.TemporaryDirectory() as tmp:
            out, summary = run_cli(tmp, lines, 1000, f'compression = "{fmt}"\n')
            keys = [e["key"] for e in summary["events"] if e["type"] == "delivered"]
            assert keys, fmt
            body = b""
            for k in keys:
                with open(os.path.join(out, k), "rb") as f:
                    data = f.read()
                if fmt == "GZIP":
                    assert k.endswith(".gz"), k
                    body += gzip.decompress(data)
                elif fmt == "ZIP":
                    assert k.endswith(".zip"), k
                    with zipfile.ZipFile(io.BytesIO(data)) as z:
                        assert z.testzip() is None
                        (name,) = z.namelist()
                        body += z.read(name)
                elif fmt == "Snappy":
                    assert k.endswith(".snappy"), k
                    body += snappy_frames(data)
                else:
                    plain, blocks = hadoop_blocks(data)
                    assert blocks == -(-len(plain) // (64 * 1024)), (blocks, len(plain))
                    body += plain
            assert body == sent, fmt


def test_core_codec_fixture():
    path = os.path.join(ROOT, "target", "firehose-codec", "rows.parquet")
    if not os.path.exists(path):
        print("note: no target/firehose-codec/rows.parquet (run the core codec test with --features parquet)")
        return
    with open(os.path.join(ROOT, "target", "firehose-codec", "rows.json"), encoding="utf-8") as f:
        expected = json.load(f)
    assert [(c["name"], c["type"]) for c in expected["columns"]] == COLUMNS
    ts = [c for c, _ in COLUMNS].index("ts")
    want = []
    for r in expected["rows"]:
        r = list(r)
        if r[ts] is not None:
            r[ts] = EPOCH + dt.timedelta(microseconds=r[ts])
        want.append(r)
    table = pq.read_table(path)
    check_arrow_schema(table.schema, path)
    check_snappy(path)
    same_rows([list(r.values()) for r in table.to_pylist()], want, "fixture")


if __name__ == "__main__":
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_")]
    for t in tests:
        t()
        print(f"ok   {t.__name__}")
    print(f"firehose parquet: {len(tests)} passed")
    sys.exit(0)
