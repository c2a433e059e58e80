//! Throughput of the engine's hot paths, natively. Run with
//! `cargo bench -p kinesis-lab-core` (or `cargo xtask bench`); the figures
//! and the machine go in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kinesis_lab_core::bench::kcl::LeaseWorkload;
use kinesis_lab_core::bench::{GetWorkload, Keys, PutWorkload, GET_RECORDS};
use kinesis_lab_core::hash::{even_ranges, route};
use std::hint::black_box;

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
    // The workload the browser benchmark page (#/bench) runs too.
    let w = GetWorkload::new();
    let mut g = c.benchmark_group("get_records");
    g.throughput(Throughput::Elements(GET_RECORDS));
    g.bench_function("1,000 records from one shard", |b| {
        b.iter_batched(
            || w.engine(),
            |mut e| {
                black_box(w.run(&mut e));
                e
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn kcl_lease_cycle(c: &mut Criterion) {
    // The workload the browser benchmark page (#/bench) runs too.
    let w = LeaseWorkload;
    let mut g = c.benchmark_group("kcl");
    g.throughput(Throughput::Elements(w.lease_operations()));
    g.bench_function(
        "lease cycle, 16 shards, 4 workers, 10 simulated minutes",
        |b| {
            b.iter_batched(
                || w.fleet(),
                |mut f| {
                    black_box(w.run(&mut f));
                    f
                },
                BatchSize::LargeInput,
            )
        },
    );
    g.finish();
}

criterion_group!(benches, routing, put_records, get_records, kcl_lease_cycle);
criterion_main!(benches);
