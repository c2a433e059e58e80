"""The real AWS CLI and boto3 against `kinesis-lab serve`.

Run by `cargo xtask test`: it starts the endpoint and sets
KINESIS_LAB_ENDPOINT. Every check compares what the service returned with
what the Kinesis API promises; nothing here knows the engine's internals.
"""
import base64
import json
import os
import subprocess
import sys
import time
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, EventStreamError

ENDPOINT = os.environ["KINESIS_LAB_ENDPOINT"]
AWS = os.environ.get("KINESIS_LAB_AWS", "aws")
ENV = dict(os.environ, AWS_ACCESS_KEY_ID="lab", AWS_SECRET_ACCESS_KEY="lab", AWS_DEFAULT_REGION="us-east-1")
MAX = 2**128 - 1


def client(**config):
    return boto3.client(
        "kinesis",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id="lab",
        aws_secret_access_key="lab",
        config=Config(retries={"max_attempts": 1}, **config),
    )


def aws(*args):
    """Runs `aws kinesis ...` against the endpoint; returns parsed JSON (or None)."""
    out = subprocess.run(
        [AWS, "--endpoint-url", ENDPOINT, "--output", "json", "kinesis", *args],
        env=ENV, capture_output=True, text=True,
    )
    if out.returncode != 0:
        raise AssertionError(f"aws kinesis {' '.join(args)} failed: {out.stderr}")
    return json.loads(out.stdout) if out.stdout.strip() else None


def wait_active(k, name):
    for _ in range(50):
        if k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE":
            return
        time.sleep(0.1)
    raise AssertionError(f"{name} never became ACTIVE")


class Endpoint(unittest.TestCase):
    def test_aws_cli_round_trip(self):
        aws("create-stream", "--stream-name", "cli", "--shard-count", "2")
        names = aws("list-streams")["StreamNames"]
        self.assertIn("cli", names)
        put = aws("put-record", "--stream-name", "cli", "--partition-key", "user-123", "--data", "hello")  # CLI v1 sends blob text as its bytes
        self.assertRegex(put["ShardId"], r"^shardId-\d{12}$")
        self.assertTrue(put["SequenceNumber"].isdigit())
        it = aws("get-shard-iterator", "--stream-name", "cli", "--shard-id", put["ShardId"], "--shard-iterator-type", "TRIM_HORIZON")["ShardIterator"]
        got = aws("get-records", "--shard-iterator", it)
        self.assertEqual([base64.b64decode(r["Data"]) for r in got["Records"]], [b"hello"])
        self.assertEqual(got["Records"][0]["PartitionKey"], "user-123")
        self.assertEqual(got["MillisBehindLatest"], 0)
        desc = aws("describe-stream", "--stream-name", "cli")["StreamDescription"]
        self.assertEqual(desc["RetentionPeriodHours"], 24)
        self.assertEqual(len(desc["Shards"]), 2)
        aws("delete-stream", "--stream-name", "cli")
        self.assertNotIn("cli", aws("list-streams")["StreamNames"])

    def test_boto3_everything(self):
        k = client()
        k.create_stream(StreamName="orders", ShardCount=2)
        shards = k.list_shards(StreamName="orders")["Shards"]
        self.assertEqual([s["ShardId"] for s in shards], ["shardId-000000000000", "shardId-000000000001"])
        self.assertEqual(shards[0]["HashKeyRange"]["StartingHashKey"], "0")
        self.assertEqual(shards[1]["HashKeyRange"]["EndingHashKey"], str(MAX))
        self.assertEqual(int(shards[0]["HashKeyRange"]["EndingHashKey"]) + 1, int(shards[1]["HashKeyRange"]["StartingHashKey"]))

        first = k.put_record(StreamName="orders", PartitionKey="user-1", Data=b"one", ExplicitHashKey="0")
        self.assertEqual(first["ShardId"], "shardId-000000000000")
        batch = k.put_records(StreamName="orders", Records=[{"PartitionKey": f"user-{i}", "Data": f"r{i}".encode()} for i in range(20)])
        self.assertEqual(batch["FailedRecordCount"], 0)
        self.assertEqual(len(batch["Records"]), 20)

        # All five iterator types on shard 0.
        sid = "shardId-000000000000"
        def read(**kw):
            it = k.get_shard_iterator(StreamName="orders", ShardId=sid, **kw)["ShardIterator"]
            return k.get_records(ShardIterator=it)["Records"]
        horizon = read(ShardIteratorType="TRIM_HORIZON")
        self.assertEqual(horizon[0]["Data"], b"one")
        seqs = [int(r["SequenceNumber"]) for r in horizon]
        self.assertEqual(seqs, sorted(seqs))
        self.assertEqual(len(set(seqs)), len(seqs))
        self.assertEqual(read(ShardIteratorType="LATEST"), [])
        at = read(ShardIteratorType="AT_SEQUENCE_NUMBER", StartingSequenceNumber=horizon[0]["SequenceNumber"])
        self.assertEqual(at[0]["SequenceNumber"], horizon[0]["SequenceNumber"])
        after = read(ShardIteratorType="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=horizon[0]["SequenceNumber"])
        self.assertEqual(len(after), len(horizon) - 1)
        ts = read(ShardIteratorType="AT_TIMESTAMP", Timestamp=horizon[0]["ApproximateArrivalTimestamp"])
        self.assertEqual(ts[0]["SequenceNumber"], horizon[0]["SequenceNumber"])

        # Errors carry the real __type names.
        with self.assertRaises(ClientError) as e:
            k.describe_stream(StreamName="missing")
        self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")
        with self.assertRaises(ClientError) as e:
            k.create_stream(StreamName="orders", ShardCount=1)
        self.assertEqual(e.exception.response["Error"]["Code"], "ResourceInUseException")
        with self.assertRaises(ClientError) as e:
            k.get_records(ShardIterator="not-an-iterator")
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidArgumentException")

        # Split shard 0 in half, then merge the two children back.
        half = str(int(shards[0]["HashKeyRange"]["EndingHashKey"]) // 2)
        k.split_shard(StreamName="orders", ShardToSplit=sid, NewStartingHashKey=half)
        wait_active(k, "orders")
        live = k.list_shards(StreamName="orders")["Shards"]
        children = [s for s in live if s.get("ParentShardId") == sid]
        self.assertEqual(len(children), 2)
        self.assertIn("EndingSequenceNumber", next(s for s in live if s["ShardId"] == sid)["SequenceNumberRange"])
        # The parent, read to its end, names its children.
        it = k.get_shard_iterator(StreamName="orders", ShardId=sid, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        end = k.get_records(ShardIterator=it)
        self.assertNotIn("NextShardIterator", end)
        self.assertEqual(sorted(c["ShardId"] for c in end["ChildShards"]), sorted(c["ShardId"] for c in children))
        k.merge_shards(StreamName="orders", ShardToMerge=children[0]["ShardId"], AdjacentShardToMerge=children[1]["ShardId"])
        wait_active(k, "orders")
        merged = [s for s in k.list_shards(StreamName="orders")["Shards"] if s.get("AdjacentParentShardId")]
        self.assertEqual(len(merged), 1)

        # UpdateShardCount: open shards go from 2 to 4.
        up = k.update_shard_count(StreamName="orders", TargetShardCount=4, ScalingType="UNIFORM_SCALING")
        self.assertEqual((up["CurrentShardCount"], up["TargetShardCount"]), (2, 4))
        wait_active(k, "orders")
        self.assertEqual(k.describe_stream_summary(StreamName="orders")["StreamDescriptionSummary"]["OpenShardCount"], 4)

        k.increase_stream_retention_period(StreamName="orders", RetentionPeriodHours=48)
        self.assertEqual(k.describe_stream(StreamName="orders")["StreamDescription"]["RetentionPeriodHours"], 48)
        with self.assertRaises(ClientError) as e:
            k.increase_stream_retention_period(StreamName="orders", RetentionPeriodHours=9000)
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidArgumentException")

    def test_capacity_modes(self):
        k = client()
        k.create_stream(StreamName="od", StreamModeDetails={"StreamMode": "ON_DEMAND"})
        summary = k.describe_stream_summary(StreamName="od")["StreamDescriptionSummary"]
        self.assertEqual(summary["StreamModeDetails"]["StreamMode"], "ON_DEMAND")
        self.assertEqual(summary["OpenShardCount"], 4)
        wait_active(k, "od")
        k.update_stream_mode(StreamARN=summary["StreamARN"], StreamModeDetails={"StreamMode": "PROVISIONED"})
        wait_active(k, "od")
        self.assertEqual(k.describe_stream_summary(StreamName="od")["StreamDescriptionSummary"]["StreamModeDetails"]["StreamMode"], "PROVISIONED")
        with self.assertRaises(ClientError) as e:
            k.update_stream_mode(StreamARN=summary["StreamARN"], StreamModeDetails={"StreamMode": "PROVISIONED"})
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidArgumentException")

    def test_enhanced_fan_out_consumers(self):
        k = client()
        k.create_stream(StreamName="fan", ShardCount=1)
        arn = k.describe_stream_summary(StreamName="fan")["StreamDescriptionSummary"]["StreamARN"]
        c = k.register_stream_consumer(StreamARN=arn, ConsumerName="app")["Consumer"]
        self.assertTrue(c["ConsumerARN"].startswith(arn + "/consumer/app:"))
        self.assertEqual([x["ConsumerName"] for x in k.list_stream_consumers(StreamARN=arn)["Consumers"]], ["app"])
        self.assertEqual(k.describe_stream_consumer(ConsumerARN=c["ConsumerARN"])["ConsumerDescription"]["ConsumerName"], "app")
        self.assertEqual(k.describe_stream_summary(StreamName="fan")["StreamDescriptionSummary"]["ConsumerCount"], 1)
        k.deregister_stream_consumer(StreamARN=arn, ConsumerName="app")
        self.assertEqual(k.list_stream_consumers(StreamARN=arn)["Consumers"], [])

    # SubscribeToShard. The AWS CLI v1 has no subscribe-to-shard command (it
    # removes event-stream operations from its command table), so only boto3
    # exercises it here.
    def subscribe(self, consumer, shard, **position):
        # A short read timeout: an open subscription sends an event at least
        # every second, so a silent stream is a failure, not a wait.
        k = client(read_timeout=10)
        return k.subscribe_to_shard(ConsumerARN=consumer, ShardId=shard, StartingPosition=position)["EventStream"]

    def read_until(self, stream, done, limit=20):
        """Events from an open subscription until done(events) holds, or the stream ends."""
        deadline = time.monotonic() + limit
        events = []
        for event in stream:
            self.assertEqual(list(event), ["SubscribeToShardEvent"])
            events.append(event["SubscribeToShardEvent"])
            if done(events):
                return events
            self.assertLess(time.monotonic(), deadline, f"gave up after {len(events)} events")
        return events

    def test_subscribe_to_shard(self):
        k = client()
        k.create_stream(StreamName="push", ShardCount=1)
        arn = k.describe_stream_summary(StreamName="push")["StreamDescriptionSummary"]["StreamARN"]
        reader = k.register_stream_consumer(StreamARN=arn, ConsumerName="reader")["Consumer"]["ConsumerARN"]
        sid = "shardId-000000000000"
        sent = [(f"user-{i % 3}", f"order {i}".encode()) for i in range(8)]
        seqs = [k.put_record(StreamName="push", PartitionKey=key, Data=data)["SequenceNumber"] for key, data in sent[:4]]
        batch = k.put_records(StreamName="push", Records=[{"PartitionKey": key, "Data": data} for key, data in sent[4:]])
        self.assertEqual(batch["FailedRecordCount"], 0)
        seqs += [r["SequenceNumber"] for r in batch["Records"]]

        stream = self.subscribe(reader, sid, Type="TRIM_HORIZON")
        try:
            count = lambda events: sum(len(e["Records"]) for e in events)
            events = self.read_until(stream, lambda ev: count(ev) >= len(sent))
            # A record put while subscribed is pushed without asking.
            late = k.put_record(StreamName="push", PartitionKey="late", Data=b"pushed")["SequenceNumber"]
            events += self.read_until(stream, lambda ev: any(r["SequenceNumber"] == late for e in ev for r in e["Records"]))
        finally:
            stream.close()
        records = [r for e in events for r in e["Records"]]
        self.assertEqual([(r["PartitionKey"], r["Data"]) for r in records], sent + [("late", b"pushed")])
        self.assertEqual([r["SequenceNumber"] for r in records], seqs + [late])
        # Every event says where to resume: after its last record, or where the previous one said.
        previous = None
        for e in events:
            self.assertIsInstance(e["MillisBehindLatest"], int)
            self.assertGreaterEqual(e["MillisBehindLatest"], 0)
            if e["Records"]:
                self.assertEqual(e["ContinuationSequenceNumber"], e["Records"][-1]["SequenceNumber"])
            elif previous is not None:
                self.assertEqual(e["ContinuationSequenceNumber"], previous)
            previous = e["ContinuationSequenceNumber"]
            self.assertNotIn("ChildShards", e)
        # Caught up: nothing newer than the last record delivered.
        self.assertEqual(events[-1]["MillisBehindLatest"], 0)

        # The same consumer and shard again within 5 seconds: refused (the
        # closed connection does not lift the rule).
        with self.assertRaises(ClientError) as e:
            self.subscribe(reader, sid, Type="LATEST")
        self.assertEqual(e.exception.response["Error"]["Code"], "ResourceInUseException")

        # A second consumer resumes after a given record, with its own pipe.
        replay = k.register_stream_consumer(StreamARN=arn, ConsumerName="replay")["Consumer"]["ConsumerARN"]
        stream = self.subscribe(replay, sid, Type="AFTER_SEQUENCE_NUMBER", SequenceNumber=seqs[4])
        try:
            events = self.read_until(stream, lambda ev: any(e["Records"] for e in ev))
        finally:
            stream.close()
        first = next(e for e in events if e["Records"])["Records"][0]
        self.assertEqual(first["SequenceNumber"], seqs[5])

        # Unknown consumer: an ordinary error response, before any stream.
        with self.assertRaises(ClientError) as e:
            self.subscribe(reader.replace("consumer/reader:", "consumer/nobody:"), sid, Type="LATEST")
        self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")

        # A consumer deregistered while subscribed: the error arrives inside the stream.
        doomed = k.register_stream_consumer(StreamARN=arn, ConsumerName="doomed")["Consumer"]["ConsumerARN"]
        stream = self.subscribe(doomed, sid, Type="LATEST")
        try:
            k.deregister_stream_consumer(ConsumerARN=doomed)
            with self.assertRaises(EventStreamError) as e:
                self.read_until(stream, lambda ev: False, limit=10)
            self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")
        finally:
            stream.close()

    def test_subscribe_to_a_closed_shard_ends_with_its_children(self):
        k = client()
        k.create_stream(StreamName="ends", ShardCount=1)
        arn = k.describe_stream_summary(StreamName="ends")["StreamDescriptionSummary"]["StreamARN"]
        consumer = k.register_stream_consumer(StreamARN=arn, ConsumerName="c")["Consumer"]["ConsumerARN"]
        sid = "shardId-000000000000"
        put = [k.put_record(StreamName="ends", PartitionKey=f"k{i}", Data=b"x")["SequenceNumber"] for i in range(3)]
        k.split_shard(StreamName="ends", ShardToSplit=sid, NewStartingHashKey=str(2**127))
        wait_active(k, "ends")
        children = sorted(s["ShardId"] for s in k.list_shards(StreamName="ends")["Shards"] if s.get("ParentShardId") == sid)
        self.assertEqual(len(children), 2)
        stream = self.subscribe(consumer, sid, Type="TRIM_HORIZON")
        try:
            # No stopping condition: the server ends the stream after the last event.
            events = self.read_until(stream, lambda ev: False)
        finally:
            stream.close()
        self.assertEqual([r["SequenceNumber"] for e in events for r in e["Records"]], put)
        last = events[-1]
        self.assertEqual(sorted(c["ShardId"] for c in last["ChildShards"]), children)
        self.assertTrue(all(c["ParentShards"] == [sid] for c in last["ChildShards"]))
        self.assertEqual(last["ContinuationSequenceNumber"], put[-1])
        self.assertTrue(all("ChildShards" not in e for e in events[:-1]))

    def test_throttling_is_per_record(self):
        k = client()
        k.create_stream(StreamName="hot", ShardCount=1)
        big = b"x" * 400_000
        out = k.put_records(StreamName="hot", Records=[{"PartitionKey": "k", "Data": big} for _ in range(4)])
        self.assertGreaterEqual(out["FailedRecordCount"], 1, "1.6 MB in one request is over the shard's 1 MiB/s")
        failed = [r for r in out["Records"] if "ErrorCode" in r]
        self.assertTrue(all(r["ErrorCode"] == "ProvisionedThroughputExceededException" for r in failed))
        self.assertTrue(any("SequenceNumber" in r for r in out["Records"]))


if __name__ == "__main__":
    sys.exit(unittest.main())
