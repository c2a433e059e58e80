// The browser benchmarks, run headless: prints one JSON object.
//
// 1. `#/bench`: core::bench's workloads compiled to WebAssembly, the ones
//    the native criterion benches time (PutRecords, GetRecords, the KCL
//    lease cycle, Firehose to GZIP, SQL tumbling and sliding windows, the
//    200-shard 200 MB/s scale run), each figure printed with the native one
//    of the last criterion run (target/criterion/<group>/<bench>/new:
//    elements / mean time) and the ratio of the two.
// 2. With `--stream-lab 1` only: `#/streams` frame times (16 shards, 1,000
//    records/s); tests/bench/frames.mjs is the full frame-time benchmark.
//
// Not part of `cargo xtask test` (a timed run is no test); `cargo xtask
// bench` runs it after criterion. By hand, from the repository root:
//
//   node tests/bench/run.mjs [--dist dist] [--rounds 30] [--seconds 5]
//        [--speed 1000] [--criterion target/criterion] [--shots tests/output]
//        [--stream-lab 0|1]
//
// Chromium is $CHROMIUM or /usr/bin/chromium, with a fresh profile.
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
// requestAnimationFrame intervals and long tasks, summarised as frames.mjs does.
import { frameTimes } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function options(argv) {
  const o = {
    dist: process.env.KINESIS_LAB_DIST || path.join(ROOT, 'dist'),
    rounds: 30,
    seconds: 5,
    speed: 1000,
    criterion: path.join(ROOT, 'target/criterion'),
    shots: process.env.KINESIS_LAB_OUTPUT || path.join(ROOT, 'tests/output'),
    'stream-lab': 0,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const key = flag?.replace(/^--/, '');
    if (!(key in o) || value === undefined) {
      throw new Error(`unknown or incomplete option ${flag}; see the comment at the top of ${path.basename(fileURLToPath(import.meta.url))}`);
    }
    o[key] = ['rounds', 'seconds', 'speed', 'stream-lab'].includes(key) ? Number(value) : path.resolve(value);
    if (typeof o[key] === 'number' && !(o[key] > 0) && key !== 'stream-lab') throw new Error(`${flag} must be a positive number`);
  }
  return o;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png',
};

/** Serves `dir` under `prefix`, as a static host would. */
async function serve(dir, prefix) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith(prefix)) return res.writeHead(404).end();
    const rel = decodeURIComponent(url.pathname.slice(prefix.length)) || 'index.html';
    const file = path.join(dir, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    fs.readFile(file, (err, body) => {
      if (err) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${server.address().port}${prefix}`, close: () => new Promise((r) => server.close(r)) };
}

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * The native figures of the last criterion run: for every benchmark under
 * `dir` (`<group>/<bench>/new/`), elements per second = the throughput's
 * elements / the mean time. Keyed "<group>/<function id>".
 */
function criterion(dir) {
  const out = {};
  if (!fs.existsSync(dir)) return out;
  for (const group of fs.readdirSync(dir)) {
    const gdir = path.join(dir, group);
    if (!fs.statSync(gdir).isDirectory()) continue;
    for (const name of fs.readdirSync(gdir)) {
      try {
        const bench = JSON.parse(fs.readFileSync(path.join(gdir, name, 'new/benchmark.json'), 'utf8'));
        const est = JSON.parse(fs.readFileSync(path.join(gdir, name, 'new/estimates.json'), 'utf8'));
        const elements = bench.throughput?.Elements;
        if (!elements) continue;
        const ns = est.mean.point_estimate;
        const when = fs.statSync(path.join(gdir, name, 'new/estimates.json')).mtime.toISOString();
        out[`${bench.group_id}/${bench.function_id}`] = { per_second: Math.round(elements / (ns / 1e9)), mean_ms: Math.round(ns / 1e4) / 100, measured: when };
      } catch {
        // Not a finished benchmark directory.
      }
    }
  }
  return out;
}

/** Where each browser figure's native counterpart lives in criterion's results. */
const NATIVE = {
  put_repeated_keys: 'put_records/routed + appended, 16 shards, 100-byte records',
  put_unique_keys: 'put_records/routed + appended, 16 shards, 100-byte records, every key new',
  get_records: 'get_records/1,000 records from one shard',
  kcl_lease_operations: 'kcl/lease cycle, 16 shards, 4 workers, 10 simulated minutes',
  firehose_gzip: 'firehose/direct put to S3, GZIP, 50,000 JSON records',
  sql_tumbling: 'sql/tumbling GROUP BY ticker + STEP 60 s, COUNT/SUM, 500 keys',
  sql_sliding: 'sql/sliding RANGE 60 s PARTITION BY ticker, COUNT/AVG/MAX, 500 keys',
  scale_records: 'scale/200 shards on demand, 200 MB/s, 1 simulated second in 100 ms ticks',
};

/** A browser figure beside its native one: { wasm, native, ratio }. */
function compare(wasm, native) {
  const n = native?.per_second ?? null;
  return { wasm: Math.round(wasm), native: n, ratio: n ? Math.round((wasm / n) * 1000) / 1000 : null };
}

/** Clicks `button` and waits for `result`'s data-state to be done or failed. */
async function runPanel(page, button, result) {
  await page.locator(button).click();
  await page.waitForFunction((sel) => ['done', 'failed'].includes(document.querySelector(sel)?.dataset.state),
    result, { timeout: 15 * 60_000, polling: 250 });
  const data = await page.locator(result).evaluate((el) => ({ ...el.dataset }));
  if (data.state !== 'done') throw new Error(`${button}: the benchmark failed: ${await page.locator('main').innerText()}`);
  return data;
}

async function enginePage(page, base, o, problems) {
  await page.goto(`${base}#/bench?rounds=${o.rounds}`);
  await page.locator('#bench-run').click();
  const result = page.locator('#bench-result');
  await page.waitForFunction(() => ['done', 'failed'].includes(document.querySelector('#bench-result')?.dataset.state),
    null, { timeout: 10 * 60_000, polling: 250 });
  const data = await result.evaluate((el) => ({ ...el.dataset }));
  await page.screenshot({ path: path.join(o.shots, 'bench.png'), fullPage: true });
  if (data.state !== 'done') throw new Error(`the benchmark page failed: ${await page.locator('main').innerText()}`);
  return {
    rounds: Number(data.rounds),
    records_per_run: Number(data.records),
    records_per_second: Number(data.recordsPerSecond),
    unique_keys_records_per_second: Number(data.uniqueRecordsPerSecond),
    native_target: Number(data.nativeTarget),
    ratio_to_native_target: Number(data.ratio),
    problems: [...problems],
  };
}

/** The SQL engine's panel of the same page: rows/s, tumbling and sliding. */
async function sqlPage(page) {
  const data = await runPanel(page, '#sql-bench-run', '#sql-bench-result');
  return {
    rows: Number(data.rows),
    rows_per_second: Number(data.rowsPerSecond),
    sliding_rows_per_second: Number(data.slidingRowsPerSecond),
    target: Number(data.target),
    output_rows_per_run: Number(data.outputRows),
  };
}

/** GetRecords, the KCL lease cycle and Firehose GZIP. */
async function workloadsPage(page) {
  const data = await runPanel(page, '#workloads-bench-run', '#workloads-bench-result');
  return {
    rounds: Number(data.rounds),
    get_records_per_second: Number(data.getRecordsPerSecond),
    kcl_lease_operations_per_second: Number(data.kclLeaseOperationsPerSecond),
    kcl_simulated_minutes_per_second: Number(data.kclSimulatedMinutesPerSecond),
    firehose_gzip_records_per_second: Number(data.firehoseGzipRecordsPerSecond),
  };
}

/** The 200-shard, 200 MB/s on-demand run. */
async function scalePage(page, o) {
  const data = await runPanel(page, '#scale-bench-run', '#scale-bench-result');
  await page.locator('#scale-bench-result').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(o.shots, 'bench.png'), fullPage: true });
  return {
    simulated_seconds_per_wall_second: Number(data.simPerWall),
    target: Number(data.target),
    simulated_ms: Number(data.simulatedMs),
    wall_ms: Number(data.wallMs),
    accepted: Number(data.accepted),
    throttled: Number(data.throttled),
    bytes: Number(data.bytes),
  };
}

/** Runs an `aws kinesis` line in the Stream Lab console; returns its output. */
async function consoleRun(page, line) {
  const before = await page.locator('.console-entry').count();
  await page.fill('#console-input', line);
  await page.press('#console-input', 'Enter');
  await page.locator('.console-entry').nth(before).waitFor();
  return page.locator('.console-entry').nth(before).locator('.console-out').innerText();
}

async function streamLab(page, base, o, problems) {
  await page.goto(`${base}#/streams`);
  await page.locator('#console-input').waitFor();
  const created = await consoleRun(page, 'aws kinesis create-stream --stream-name bench --shard-count 16');
  if (created.trim() !== '{}') throw new Error(`create-stream answered ${created}`);
  // The same page standing still, lanes on screen: what the machine alone
  // costs (other processes, the headless compositor).
  await page.locator('.shard-lane').first().evaluate((el) => el.scrollIntoView({ block: 'start' }));
  const idle = await frameTimes(page, o.seconds * 1000);
  // Two producers, 500 records/s each, 100-byte records, keys spread over users.
  for (let i = 0; i < 2; i++) {
    await page.fill('#producer-rate', '500');
    await page.selectOption('#producer-dist', 'user_ids');
    await page.fill('#producer-bytes', '100');
    await page.click('#add-producer');
  }
  // One polling consumer reads every shard, so records also flow out.
  await page.selectOption('#consumer-kind', 'polling');
  await page.selectOption('#consumer-start', 'LATEST');
  await page.click('#add-consumer');
  await page.selectOption('#lab-speed', String(o.speed));
  await page.click('#play');
  // The lanes on screen, as a student would watch them.
  await page.locator('.shard-lane').first().evaluate((el) => el.scrollIntoView({ block: 'start' }));
  // Settle: the first second fills the lanes.
  await page.waitForTimeout(1000);
  const simBefore = await page.locator('#sim-time').innerText();
  const playing = await frameTimes(page, o.seconds * 1000);
  const simAfter = await page.locator('#sim-time').innerText();
  const lanes = await page.locator('.shard-lane').count();
  await page.screenshot({ path: path.join(o.shots, 'bench-streams.png'), fullPage: false });
  await page.locator('#play').scrollIntoViewIfNeeded();
  await page.click('#play');
  return {
    shards: lanes,
    producers_records_per_second: 1000,
    polling_consumers: 1,
    speed: o.speed / 1000,
    sim_time: [simBefore, simAfter],
    seconds: o.seconds,
    ...playing,
    idle_page: idle,
    problems: [...problems],
  };
}

async function main() {
  const o = options(process.argv.slice(2));
  if (!fs.existsSync(path.join(o.dist, 'index.html'))) {
    throw new Error(`${o.dist}/index.html not found: build the site first (cargo xtask dist)`);
  }
  fs.mkdirSync(o.shots, { recursive: true });
  const server = await serve(o.dist, '/lab/');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kinesis-lab-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ARGS,
    viewport: { width: 1366, height: 900 },
  });
  try {
    const page = context.pages()[0] ?? await context.newPage();
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    const engine = await enginePage(page, server.base, o, problems);
    const native = criterion(o.criterion);
    const sql = await sqlPage(page);
    const workloads = await workloadsPage(page);
    const scale = await scalePage(page, o);
    const frames = o['stream-lab'] ? await streamLab(page, server.base, o, problems) : null;
    const browser = await page.evaluate(() => navigator.userAgent);
    const nat = (k) => native[NATIVE[k]];
    const scaleNative = nat('scale_records');
    const report = {
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, load: os.loadavg().map((x) => Math.round(x * 100) / 100), chromium: browser ?? null },
      // Each figure per second in wasm (headless Chromium), the last native
      // criterion figure of the same workload, and wasm / native.
      figures: {
        put_records_repeated_keys: compare(engine.records_per_second, nat('put_repeated_keys')),
        put_records_unique_keys: compare(engine.unique_keys_records_per_second, nat('put_unique_keys')),
        get_records: compare(workloads.get_records_per_second, nat('get_records')),
        kcl_lease_operations: compare(workloads.kcl_lease_operations_per_second, nat('kcl_lease_operations')),
        firehose_gzip_records: compare(workloads.firehose_gzip_records_per_second, nat('firehose_gzip')),
        firehose_parquet_records: { wasm: null, native: native['firehose/direct put to S3, Parquet, 50,000 JSON records']?.per_second ?? null, ratio: null, note: 'Parquet is encoded in a separate worker; the page does not run it' },
        sql_tumbling_rows: compare(sql.rows_per_second, nat('sql_tumbling')),
        sql_sliding_rows: compare(sql.sliding_rows_per_second, nat('sql_sliding')),
        scale_simulated_seconds_per_wall_second: {
          wasm: scale.simulated_seconds_per_wall_second,
          native: scaleNative ? Math.round((scaleNative.per_second / 200_000) * 100) / 100 : null,
          ratio: scaleNative ? Math.round((scale.simulated_seconds_per_wall_second / (scaleNative.per_second / 200_000)) * 1000) / 1000 : null,
          target: scale.target,
        },
      },
      targets: {
        put_records_native: 5_000_000,
        put_records_wasm_ratio: 0.6,
        sql_rows_wasm: 1_000_000,
        scale_simulated_seconds_per_wall_second: scale.target,
      },
      wasm_put_records: engine,
      wasm_sql: sql,
      wasm_workloads: workloads,
      wasm_scale: scale,
      native_last_criterion_run: native,
      ...(frames ? { stream_lab_frames: frames } : {}),
      problems: [...problems],
      screenshots: [path.join(o.shots, 'bench.png'), ...(frames ? [path.join(o.shots, 'bench-streams.png')] : [])],
    };
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await context.close();
    await server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench: ${e.stack || e}`);
  process.exit(1);
});
