//! Throughput of the engine's hot paths, natively. Run with
//! `cargo bench -p kinesis-lab-core` (or `cargo xtask bench`); the figures
//! and the machine go in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kinesis_lab_core::bench::{Keys, PutWorkload};
use kinesis_lab_core::hash::{even_ranges, route};
use kinesis_lab_core::stream::engine::{Engine, PutEntry};
use std::hint::black_box;

const T0: u64 = 1_700_000_000_000;

fn keys(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("user-{i}")).collect()
}

fn routing(c: &mut Criterion) {
    let ranges = even_ranges(16).unwrap();
    let keys = keys(10_000);
    let mut g = c.benchmark_group("route");
    g.throughput(Throughput::Elements(keys.len() as u64));
    g.bench_function("md5 + shard lookup, 16 shards", |b| {
        b.iter(|| {
            for k in &keys {
                black_box(route(k, None, &ranges).unwrap().shard_index);
            }
        })
    });
    g.finish();
}

fn put_records(c: &mut Criterion) {
    // The workload the browser benchmark page (#/bench) runs too.
    let mut g = c.benchmark_group("put_records");
    for (keys, name) in [
        (
            Keys::Repeated,
            "routed + appended, 16 shards, 100-byte records",
        ),
        (
            Keys::Unique,
            "routed + appended, 16 shards, 100-byte records, every key new",
        ),
    ] {
        let w = PutWorkload::new(keys);
        g.throughput(Throughput::Elements(w.records()));
        g.bench_function(name, |b| {
            b.iter_batched(
                || w.engine(),
                |mut e| {
                    black_box(w.run(&mut e));
                    e
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

fn get_records(c: &mut Criterion) {
    let mut e = Engine::new();
    e.create_stream(T0, "s", 1).unwrap();
    let entries: Vec<PutEntry> = keys(500)
        .into_iter()
        .map(|k| PutEntry {
            partition_key: k,
            explicit_hash_key: None,
            data: vec![7; 100],
        })
        .collect();
    e.put_records(T0, "s", &entries).unwrap();
    e.put_records(T0 + 1000, "s", &entries).unwrap();
    let mut g = c.benchmark_group("get_records");
    g.throughput(Throughput::Elements(1000));
    g.bench_function("1,000 records from one shard", |b| {
        b.iter_batched(
            || e.clone(),
            |mut e| {
                let now = T0 + 10_000;
                let it = e
                    .get_shard_iterator(now, "s", "0", "TRIM_HORIZON", None, None)
                    .unwrap();
                black_box(e.get_records(now, &it, None).unwrap().records.len())
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, routing, put_records, get_records);
criterion_main!(benches);
