// Soak: the Stream Lab kept busy at an hour of simulated time per second of
// wall time, memory sampled as it runs; prints one JSON object.
//
// The scenario, set up through the page's controls: a stream of `--shards`
// shards (retention 24 h, the default), `--producers` producers of `--rate`
// records/s each (100 bytes, user-id keys), `--consumers` polling consumers
// from TRIM_HORIZON, the clock at 3600x (`--speed` in simulated ms per real
// second). Every `--every` seconds: the JavaScript heap after a garbage
// collection (DevTools `Runtime.getHeapUsage`), the WebAssembly memory
// (every `WebAssembly.Memory` on the page, found with `Runtime.queryObjects`,
// so the app needs no hook), DOM nodes and listeners (`Memory.getDOMCounters`),
// the records the engine keeps (the lanes' "records kept") and the simulated
// time. Once 24 simulated hours have passed, retention expires as much as
// arrives, so memory should stop growing: the report compares the second
// half of the run with the first.
//
// A measurement, not a test: `cargo xtask soak` runs it. By hand, from the
// repository root, after `cargo xtask dist`:
//
//   node tests/bench/soak.mjs [--minutes 10] [--every 10] [--dist dist]
//        [--shards 4] [--producers 4] [--rate 4] [--consumers 2]
//        [--speed 3600000] [--shots tests/output]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, options, serve, requireDist, browser, consoleRun, machine, round2 } from './lib.mjs';

const o = options(process.argv.slice(2), {
  dist: process.env.KINESIS_LAB_DIST || path.join(ROOT, 'dist'),
  minutes: 10,
  every: 10,
  shards: 4,
  producers: 4,
  rate: 4,
  consumers: 2,
  speed: 3_600_000,
  shots: process.env.KINESIS_LAB_OUTPUT || path.join(ROOT, 'tests/output'),
}, { paths: ['dist', 'shots'], script: path.basename(fileURLToPath(import.meta.url)) });

const MB = 1024 * 1024;

/** Simulated ms since the lab's start, from "Day 2, 01:02:03.004". */
function simMs(text) {
  const m = /(\d+)\D+(\d+):(\d+):(\d+)\.(\d+)/.exec(text);
  if (!m) return NaN;
  const [, d, h, mi, s, ms] = m.map(Number);
  return ((((d - 1) * 24 + h) * 60 + mi) * 60 + s) * 1000 + ms;
}

async function wasmMemoryBytes(cdp) {
  const proto = await cdp.send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
  const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId });
  const { result } = await cdp.send('Runtime.callFunctionOn', {
    objectId: objects.objectId,
    functionDeclaration: 'function () { return this.map((m) => m.buffer.byteLength); }',
    returnByValue: true,
  });
  await cdp.send('Runtime.releaseObject', { objectId: objects.objectId });
  await cdp.send('Runtime.releaseObject', { objectId: proto.result.objectId });
  return result.value;
}

async function sample(page, cdp, t0) {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const dom = await cdp.send('Memory.getDOMCounters');
  const wasm = await wasmMemoryBytes(cdp);
  const page_ = await page.evaluate(() => ({
    sim: document.querySelector('#sim-time')?.textContent ?? '',
    kept: [...document.querySelectorAll('.shard-lane .shard-head .help')]
      .map((el) => Number((/^([\d,.]+)/.exec(el.textContent.replace(/[.,](?=\d{3})/g, '')) ?? [])[1]))
      .filter((n) => Number.isFinite(n)),
    full: !!document.querySelector('#memory-full'),
    playing: document.querySelector('#play')?.textContent ?? '',
  }));
  return {
    wall_s: round2((Date.now() - t0) / 1000),
    sim_hours: round2(simMs(page_.sim) / 3_600_000),
    js_heap_used_mb: round2(heap.usedSize / MB),
    js_heap_total_mb: round2(heap.totalSize / MB),
    wasm_memory_mb: wasm.map((b) => round2(b / MB)),
    dom_nodes: dom.nodes,
    js_event_listeners: dom.jsEventListeners,
    records_kept: page_.kept.reduce((a, b) => a + b, 0),
    memory_full_notice: page_.full,
  };
}

async function main() {
  requireDist(o.dist);
  const server = await serve(o.dist, '/lab/');
  const b = await browser();
  const { page } = b;
  try {
    await page.goto(`${server.base}#/streams`);
    await page.locator('#console-input').waitFor();
    const created = await consoleRun(page, `aws kinesis create-stream --stream-name soak --shard-count ${o.shards}`);
    if (created.trim() !== '{}') throw new Error(`create-stream answered ${created}`);
    for (let i = 0; i < o.producers; i++) {
      await page.fill('#producer-rate', String(o.rate));
      await page.selectOption('#producer-dist', 'user_ids');
      await page.fill('#producer-bytes', '100');
      await page.click('#add-producer');
    }
    for (let i = 0; i < o.consumers; i++) {
      await page.selectOption('#consumer-kind', 'polling');
      await page.selectOption('#consumer-start', 'TRIM_HORIZON');
      await page.click('#add-consumer');
    }
    const speeds = await page.locator('#lab-speed option').evaluateAll((os) => os.map((x) => x.value));
    if (!speeds.includes(String(o.speed))) {
      throw new Error(`the Stream Lab offers no speed ${o.speed} (it offers ${speeds.join(', ')}): rebuild dist/`);
    }
    await page.selectOption('#lab-speed', String(o.speed));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Runtime.enable');
    await cdp.send('HeapProfiler.enable');
    const t0 = Date.now();
    const samples = [await sample(page, cdp, t0)];
    await page.click('#play');
    const end = t0 + o.minutes * 60_000;
    while (Date.now() < end) {
      await page.waitForTimeout(Math.min(o.every * 1000, Math.max(0, end - Date.now())));
      const s = await sample(page, cdp, t0);
      samples.push(s);
      console.error(`soak: ${s.wall_s} s, ${s.sim_hours} simulated h, heap ${s.js_heap_used_mb} MB, wasm ${s.wasm_memory_mb.join('+')} MB, ${s.records_kept} records kept, ${s.dom_nodes} DOM nodes`);
    }
    await page.screenshot({ path: path.join(o.shots, 'soak.png') });
    await page.click('#play');

    const wasmTotal = (s) => s.wasm_memory_mb.reduce((a, b2) => a + b2, 0);
    const stats = (f) => {
      const v = samples.map(f);
      const half = samples.findIndex((s) => s.wall_s >= (samples[samples.length - 1].wall_s / 2));
      const first = v.slice(0, Math.max(1, half));
      const second = v.slice(Math.max(1, half));
      return {
        start: v[0],
        end: v[v.length - 1],
        max: Math.max(...v),
        first_half_max: Math.max(...first),
        second_half_max: second.length ? Math.max(...second) : null,
        // Growth of the second half's peak over the first half's.
        second_half_growth_percent: second.length ? round2(((Math.max(...second) - Math.max(...first)) / Math.max(...first)) * 100) : null,
      };
    };
    const last = samples[samples.length - 1];
    const report = {
      machine: machine(),
      scenario: {
        page: '#/streams', shards: o.shards, producers: o.producers, records_per_second: o.producers * o.rate,
        record_bytes: 100, polling_consumers_from_trim_horizon: o.consumers, speed: o.speed / 1000, retention_hours: 24,
      },
      wall_minutes: round2(last.wall_s / 60),
      simulated_hours: last.sim_hours,
      simulated_hours_per_wall_second: round2(last.sim_hours / last.wall_s),
      js_heap_used_mb: stats((s) => s.js_heap_used_mb),
      wasm_memory_mb: stats(wasmTotal),
      dom_nodes: stats((s) => s.dom_nodes),
      records_kept: stats((s) => s.records_kept),
      memory_full_notice: samples.some((s) => s.memory_full_notice),
      problems: [...b.problems],
      samples,
      screenshot: path.join(o.shots, 'soak.png'),
    };
    // Flat: after the first half (which covers the 24 h retention fill),
    // neither the wasm memory nor the collected JS heap grows by more than 10 %.
    report.flat = report.wasm_memory_mb.second_half_growth_percent <= 10
      && report.js_heap_used_mb.second_half_growth_percent <= 10
      && report.dom_nodes.second_half_growth_percent <= 10;
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await b.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(`soak: ${e.stack || e}`);
  process.exit(1);
});
