//! The scale run, natively: a 200-shard ON_DEMAND stream taking 200 MB/s
//! (20 producers × 10,000 records/s of 1,000 bytes) for one simulated
//! second in ten 100 ms ticks, as the Stream Lab steps it
//! (`kinesis_lab_core::bench::scale`). Throughput is records; simulated
//! seconds per wall second = records/s ÷ 200,000.
//! `cargo bench -p kinesis-lab-core --bench scale`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kinesis_lab_core::bench::scale::ScaleWorkload;
use std::hint::black_box;

fn scale(c: &mut Criterion) {
    let w = ScaleWorkload;
    let warm = w.warm_engine();
    let mut g = c.benchmark_group("scale");
    g.sample_size(10);
    g.throughput(Throughput::Elements(w.records_per_second()));
    g.bench_function(
        "200 shards on demand, 200 MB/s, 1 simulated second in 100 ms ticks",
        |b| {
            b.iter_batched(
                || w.start(warm.clone()),
                |mut run| {
                    for _ in 0..10 {
                        black_box(w.step(&mut run, 100));
                    }
                    run
                },
                BatchSize::LargeInput,
            )
        },
    );
    g.finish();
}

criterion_group!(benches, scale);
criterion_main!(benches);
