//! Throughput of the SQL engine: a tumbling `GROUP BY TICKER,
//! STEP(ROWTIME BY INTERVAL '60' SECOND)` with COUNT(*) and SUM(PRICE) over
//! 10^6 rows and 500 tickers (the workload in
//! `analytics::engine::bench`, which the app's #/bench page runs in WASM).
//! The second benchmark runs the same rows through a sliding RANGE window
//! (`bench::sliding_plan`), one output row per input row.
//! Run with `cargo bench -p kinesis-lab-core --bench sql`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kinesis_lab_core::analytics::engine::bench::{
    run_plan, run_tumbling, sliding_plan, tumbling_rows,
};
use std::hint::black_box;

const T0: i64 = 1_700_000_000_000;
const ROWS: usize = 1_000_000;

fn tumbling(c: &mut Criterion) {
    let mut g = c.benchmark_group("sql");
    g.sample_size(10);
    g.throughput(Throughput::Elements(ROWS as u64));
    // 2,000 rows a simulated second: 500 s of input, nine 60 s windows.
    let rows = tumbling_rows(ROWS, 500, 2_000, T0);
    g.bench_function(
        "tumbling GROUP BY ticker + STEP 60 s, COUNT/SUM, 500 keys",
        |b| {
            b.iter_batched(
                || rows.clone(),
                |rows| black_box(run_tumbling(rows)),
                BatchSize::LargeInput,
            )
        },
    );
    g.bench_function(
        "sliding RANGE 60 s PARTITION BY ticker, COUNT/AVG/MAX, 500 keys",
        |b| {
            b.iter_batched(
                || rows.clone(),
                |rows| black_box(run_plan(sliding_plan(), rows)),
                BatchSize::LargeInput,
            )
        },
    );
    g.finish();
}

criterion_group!(benches, tumbling);
criterion_main!(benches);
