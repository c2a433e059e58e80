// Frame time of the busiest pages, headless: prints one JSON object.
//
// Scenes (each set up through the page's own controls, as a student would):
//   streams     `#/streams`: a 16-shard stream typed into the console, eight
//               producers of 125 records/s each (1,000 records/s, 100 bytes,
//               user-id keys), four polling consumers from LATEST, playing
//               at 1x with the lanes on screen.
//   compare     `#/compare?scenario=kill-consumer`: a preset playing, the
//               same workload through SQS, Kafka and Kinesis at once.
//   streams200  `#/streams` with 200 shards taking 200 MB/s (four producers
//               of 500 records/s, 100,000 bytes each) and two consumers:
//               the scale case, where the lanes must stay usable.
// For each: after a settling second, requestAnimationFrame intervals for
// `--seconds` (p50, p95, p99, max, dropped frames) and long tasks over 50 ms
// (count and total). A screenshot of each scene goes to `--shots`.
//
// A measurement, not a test: `cargo xtask bench` runs it. By hand, from the
// repository root, after `cargo xtask dist`:
//
//   node tests/bench/frames.mjs [--dist dist] [--seconds 10] [--runs 1]
//        [--scenes streams,compare,streams200] [--shots tests/output]
//        [--profile 0]   (N > 0: also a CPU profile of N seconds per scene,
//                         top functions by self time, in the JSON)
//
// Chromium is $CHROMIUM or /usr/bin/chromium, with a fresh profile.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ROOT, options, serve, requireDist, browser, consoleRun, frameTimes, mainThreadWork, machine, round2, quantile,
} from './lib.mjs';

const o = options(process.argv.slice(2), {
  dist: process.env.KINESIS_LAB_DIST || path.join(ROOT, 'dist'),
  seconds: 10,
  runs: 1,
  scenes: 'streams,compare,streams200',
  shots: process.env.KINESIS_LAB_OUTPUT || path.join(ROOT, 'tests/output'),
  profile: 0,
}, { paths: ['dist', 'shots'], zero: ['profile'], script: path.basename(fileURLToPath(import.meta.url)) });
const PROFILE_S = o.profile;

async function streamsScene(page, base, { shards, producers, rate, bytes, consumers }) {
  // A fresh page each time (a hash change alone would keep the last lab).
  await page.goto('about:blank');
  await page.goto(`${base}#/streams`);
  await page.locator('#console-input').waitFor();
  const created = await consoleRun(page, `aws kinesis create-stream --stream-name bench --shard-count ${shards}`);
  if (created.trim() !== '{}') throw new Error(`create-stream answered ${created}`);
  for (let i = 0; i < producers; i++) {
    await page.fill('#producer-rate', String(rate));
    await page.selectOption('#producer-dist', 'user_ids');
    await page.fill('#producer-bytes', String(bytes));
    await page.click('#add-producer');
  }
  for (let i = 0; i < consumers; i++) {
    await page.selectOption('#consumer-kind', 'polling');
    await page.selectOption('#consumer-start', 'LATEST');
    await page.click('#add-consumer');
  }
  const added = await page.locator('#producer-list li').count();
  const reading = await page.locator('#consumer-table tbody tr').count();
  if (added !== producers || reading !== consumers) {
    throw new Error(`the lab has ${added} producers and ${reading} consumers, not ${producers} and ${consumers}`);
  }
  await page.click('#play');
  // The lanes on screen, as a student would watch them (with many shards,
  // the page's grid of shards above the one lane it draws in full).
  await page.locator('.shard-grid-wrap, .shard-lane').first().evaluate((el) => el.scrollIntoView({ block: 'start' }));
  return {
    setup: { shards, producers, records_per_second: producers * rate, record_bytes: bytes, polling_consumers: consumers, speed: 1 },
    sim_time: () => page.locator('#sim-time').innerText(),
    after: async () => ({
      lanes: await page.locator('.shard-lane').count(),
      consumers_records: await page.locator('#consumer-table .c-records').allInnerTexts(),
    }),
    stop: () => page.click('#play'),
  };
}

async function compareScene(page, base) {
  await page.goto('about:blank');
  await page.goto(`${base}#/compare?scenario=kill-consumer`);
  await page.locator('#compare[data-script="playing"]').waitFor();
  await page.locator('#cmp-time').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  return {
    setup: { preset: 'kill-consumer', engines: ['SQS', 'Kafka', 'Kinesis'], speed: 1 },
    sim_time: () => page.locator('#cmp-time').innerText(),
    after: async () => ({ script: await page.locator('#compare').getAttribute('data-script') }),
    stop: async () => {},
  };
}

const SCENES = {
  streams: (page, base) => streamsScene(page, base, { shards: 16, producers: 8, rate: 125, bytes: 100, consumers: 4 }),
  compare: compareScene,
  streams200: (page, base) => streamsScene(page, base, { shards: 200, producers: 4, rate: 500, bytes: 100_000, consumers: 2 }),
};

/** A CPU profile of `seconds`: the functions with the most self time. */
async function cpuProfile(page, seconds) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.waitForTimeout(seconds * 1000);
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.detach();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  for (const [id, n] of counts) {
    const f = byId.get(id).callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url ? path.basename(f.url.split('?')[0]) : ''}`.trim();
    self.set(name, (self.get(name) ?? 0) + n);
  }
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)
    .map(([name, n]) => ({ name, percent: round2((n / total) * 100) }));
}

async function main() {
  requireDist(o.dist);
  const names = o.scenes.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!SCENES[n]) throw new Error(`--scenes: unknown scene ${n} (known: ${Object.keys(SCENES).join(', ')})`);
  const server = await serve(o.dist, '/lab/');
  const b = await browser();
  const report = { machine: machine(), dist: o.dist, seconds: o.seconds, runs: o.runs, scenes: {} };
  try {
    report.machine.chromium = await b.page.evaluate(() => navigator.userAgent);
    for (const name of names) {
      const runs = [];
      let extra = {};
      for (let r = 0; r < o.runs; r++) {
        const scene = await SCENES[name](b.page, server.base);
        await b.page.waitForTimeout(1000);
        const simBefore = await scene.sim_time();
        const { result: frames, main_thread_ms } = await mainThreadWork(b.page, () => frameTimes(b.page, o.seconds * 1000));
        frames.main_thread_ms = main_thread_ms;
        const simAfter = await scene.sim_time();
        if (r === 0) {
          await b.page.screenshot({ path: path.join(o.shots, `frames-${name}.png`) });
          if (PROFILE_S) extra.cpu_profile_top_self = await cpuProfile(b.page, PROFILE_S);
          extra = { ...extra, setup: scene.setup, after: await scene.after() };
        }
        await scene.stop();
        runs.push({ ...frames, sim_time: [simBefore, simAfter], load: machine().load[0] });
      }
      const med = (k) => {
        const v = runs.map((x) => x[k]).sort((a, b2) => a - b2);
        return { median: quantile(v, 0.5), min: v[0], max: v[v.length - 1] };
      };
      report.scenes[name] = {
        ...extra,
        summary: Object.fromEntries(['p50_ms', 'p95_ms', 'p99_ms', 'max_ms', 'dropped_frames', 'long_tasks', 'long_tasks_total_ms'].map((k) => [k, med(k)])),
        runs,
        screenshot: path.join(o.shots, `frames-${name}.png`),
      };
    }
    report.problems = [...b.problems];
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await b.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(`frames: ${e.stack || e}`);
  process.exit(1);
});
