"""`kinesis-lab kpl aggregate | deaggregate` against an independent KPL-format
implementation: AWS's aws_kinesis_agg package (pinned in requirements.txt),
which builds and reads the same magic + protobuf + MD5 records with Google's
protobuf library.

Run with KINESIS_LAB_CLI pointing at the kinesis-lab binary.
"""

import base64
import json
import os
import random
import subprocess
import sys

from aws_kinesis_agg.aggregator import RecordAggregator
from aws_kinesis_agg.deaggregator import iter_deaggregate_records

CLI = os.environ["KINESIS_LAB_CLI"]


def kpl(args, lines):
    return subprocess.run(
        [CLI, "kpl", *args],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
    )


def user_records(n, seed):
    rnd = random.Random(seed)
    keys = ["user-1", "user-2", "mobile", "Xin chào", "🦀", "k" * 256]
    out = []
    for i in range(n):
        rec = {
            "PartitionKey": rnd.choice(keys),
            "Data": base64.b64encode(bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 300)))).decode(),
        }
        if rnd.random() < 0.3:
            rec["ExplicitHashKey"] = str(rnd.randrange(2**128))
        out.append(rec)
    return out


def theirs_aggregate(records, max_size):
    """aws_kinesis_agg's aggregated records (bytes), in order."""
    agg = RecordAggregator(max_size)
    done = []
    for r in records:
        full = agg.add_user_record(r["PartitionKey"], base64.b64decode(r["Data"]), r.get("ExplicitHashKey"))
        if full is not None:
            done.append(full.get_contents()[2])
    last = agg.clear_and_get()
    if last is not None:
        done.append(last.get_contents()[2])
    return done


def theirs_deaggregate(data):
    """aws_kinesis_agg's reading of one record: (user records, aggregated?)."""
    event = {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "sequenceNumber": "1",
            "approximateArrivalTimestamp": 0,
            "partitionKey": "a",
            "data": base64.b64encode(data),
        }
    }
    out = []
    aggregated = True
    for u in iter_deaggregate_records(event):
        k = u["kinesis"]
        aggregated = aggregated and bool(k.get("aggregated"))
        rec = {"PartitionKey": k["partitionKey"], "Data": base64.b64decode(k["data"])}
        if k.get("explicitHashKey"):
            rec["ExplicitHashKey"] = k["explicitHashKey"]
        out.append(rec)
    return out, aggregated


def normal(records):
    """Records with Data as bytes, for comparing."""
    return [dict(r, Data=base64.b64decode(r["Data"]) if isinstance(r["Data"], str) else r["Data"]) for r in records]


def test_we_read_theirs():
    records = user_records(200, 1)
    blobs = theirs_aggregate(records, 4000)
    assert len(blobs) > 1
    result = kpl(["deaggregate"], [base64.b64encode(b).decode() for b in blobs])
    assert result.returncode == 0, result.stderr
    ours = [json.loads(line) for line in result.stdout.splitlines()]
    assert normal(ours) == normal(records)


def test_they_read_ours():
    records = user_records(200, 2)
    result = kpl(["aggregate", "--max-size", "4000"], [json.dumps(r) for r in records])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) > 1
    back = []
    for line in lines:
        data = base64.b64decode(line)
        assert len(data) <= 4000
        users, aggregated = theirs_deaggregate(data)
        assert aggregated, "their MD5 and protobuf checks passed"
        back.extend(users)
    want = normal(records)
    assert len(back) == len(want)
    for got, rec in zip(back, want):
        assert (got["PartitionKey"], got["Data"]) == (rec["PartitionKey"], rec["Data"])
        # Their reader gives a record without an explicit hash key the first
        # one in the table (it does not check whether the field is present),
        # so only records that had one can be compared on it.
        if "ExplicitHashKey" in rec:
            assert got["ExplicitHashKey"] == rec["ExplicitHashKey"]


def test_same_bytes():
    """Both fill the key tables in order of first use: one record each way is
    the same bytes."""
    records = user_records(50, 3)
    theirs = theirs_aggregate(records, 1024 * 1024)
    result = kpl(["aggregate", "--max-size", str(1024 * 1024 - 1)], [json.dumps(r) for r in records])
    assert result.returncode == 0, result.stderr
    assert [base64.b64decode(line) for line in result.stdout.splitlines()] == theirs


def test_corrupt_md5():
    """We refuse a record whose MD5 does not match, naming the line; their
    library passes it on as an ordinary record instead."""
    blob = bytearray(theirs_aggregate(user_records(5, 4), 100_000)[0])
    blob[-1] ^= 0xFF
    ok = base64.b64encode(theirs_aggregate(user_records(3, 5), 100_000)[0]).decode()
    result = kpl(["deaggregate"], [ok, base64.b64encode(bytes(blob)).decode()])
    assert result.returncode == 2
    assert "line 2: Data: MD5 checksum mismatch" in result.stderr, result.stderr
    assert result.stdout == ""
    users, aggregated = theirs_deaggregate(bytes(blob))
    assert not aggregated and len(users) == 1


if __name__ == "__main__":
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_")]
    for t in tests:
        t()
        print(f"ok   {t.__name__}")
    print(f"kpl interop: {len(tests)} passed")
    sys.exit(0)
