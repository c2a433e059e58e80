//! Firehose records/s, natively: Direct PUT into S3, delivered GZIP or
//! converted to Parquet (`kinesis_lab_core::bench::firehose`, the workload
//! the #/bench page runs in WebAssembly for GZIP). The Parquet bench needs
//! core's `parquet` feature:
//! `cargo bench -p kinesis-lab-core --features parquet --bench firehose`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kinesis_lab_core::bench::firehose::{FirehoseWorkload, Output};
use std::hint::black_box;

fn firehose(c: &mut Criterion) {
    let mut g = c.benchmark_group("firehose");
    g.sample_size(20);
    let mut outputs = vec![(Output::Gzip, "direct put to S3, GZIP, 50,000 JSON records")];
    if cfg!(feature = "parquet") {
        outputs.push((
            Output::Parquet,
            "direct put to S3, Parquet, 50,000 JSON records",
        ));
    }
    for (output, name) in outputs {
        let w = FirehoseWorkload::new(output);
        g.throughput(Throughput::Elements(w.records()));
        g.bench_function(name, |b| {
            b.iter_batched(
                || (w.stream(), w.input()),
                |(mut fh, input)| {
                    black_box(w.run(&mut fh, input));
                    fh
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, firehose);
criterion_main!(benches);
