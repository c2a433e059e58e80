// Pieces shared by the browser measurement scripts (frames.mjs, soak.mjs,
// firstload.mjs): a static server for dist/ under a sub-path (optionally
// gzipping, as a real host would), a headless Chromium with a fresh profile,
// the Stream Lab console, and the summary of requestAnimationFrame intervals.
//
// These are measurements run on demand (`cargo xtask bench` / `soak`), not
// tests: nothing here asserts a time.
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The same flags the e2e harness (tests/e2e/harness.mjs) gives Chromium. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png',
  '.webmanifest': 'application/manifest+json', '.ico': 'image/x-icon', '.txt': 'text/plain',
};

/**
 * Parses `--name value` flags into a copy of `defaults`; numbers stay numbers
 * (positive, or non-negative for keys in `zero`), strings in `paths` are
 * resolved. Unknown flags throw.
 */
export function options(argv, defaults, { paths = [], zero = [], script = 'this script' } = {}) {
  const o = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const key = flag?.replace(/^--/, '');
    if (!flag?.startsWith('--') || !(key in o) || value === undefined) {
      throw new Error(`unknown or incomplete option ${flag}; see the comment at the top of ${script}`);
    }
    if (typeof defaults[key] === 'number') {
      o[key] = Number(value);
      const ok = zero.includes(key) ? o[key] >= 0 : o[key] > 0;
      if (!ok) throw new Error(`${flag} must be a ${zero.includes(key) ? 'non-negative' : 'positive'} number, not ${JSON.stringify(value)}`);
    } else {
      o[key] = paths.includes(key) ? path.resolve(value) : value;
    }
  }
  return o;
}

/**
 * Serves `dir` under `prefix` (e.g. "/lab/"), as a static host would; any
 * other path is 404. With `gzip`, text and wasm go out gzip-compressed (level
 * 9) when the request accepts it. `log` (if given) gets one entry per
 * response: { path, type, bytes (sent), raw }.
 */
export async function serve(dir, prefix, { gzip = false, log = null } = {}) {
  const cache = new Map();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith(prefix)) return res.writeHead(404).end('outside the sub-path');
    const rel = decodeURIComponent(url.pathname.slice(prefix.length)) || 'index.html';
    const file = path.join(dir, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    fs.readFile(file, (err, body) => {
      if (err) return res.writeHead(404).end('not found');
      const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
      const headers = { 'content-type': type, 'cache-control': 'no-cache' };
      let out = body;
      if (gzip && /gzip/.test(req.headers['accept-encoding'] ?? '') && !type.startsWith('image/png')) {
        const key = `${file}:${body.length}`;
        if (!cache.has(key)) cache.set(key, zlib.gzipSync(body, { level: 9 }));
        out = cache.get(key);
        headers['content-encoding'] = 'gzip';
        headers.vary = 'accept-encoding';
      }
      headers['content-length'] = out.length;
      log?.push({ path: rel, type, bytes: out.length, raw: body.length });
      res.writeHead(200, headers).end(out);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}${prefix}`,
    port: server.address().port,
    close: () => new Promise((r) => server.close(r)),
  };
}

/** Throws unless `dist` holds a built site. */
export function requireDist(dist) {
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`${dist}/index.html not found: build the site first (cargo xtask dist)`);
  }
}

/**
 * Headless Chromium with a fresh profile (removed on close). Returns
 * { context, page, problems, close }; `problems` collects console errors and
 * uncaught exceptions (a Rust panic surfaces as one).
 */
export async function browser({ width = 1366, height = 900, args = [] } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kinesis-lab-measure-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, ...args],
    viewport: { width, height },
  });
  const page = context.pages()[0] ?? await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return {
    context,
    page,
    problems,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Runs an `aws kinesis` line in the Stream Lab console; returns its output. */
export async function consoleRun(page, line) {
  const before = await page.locator('.console-entry').count();
  await page.fill('#console-input', line);
  await page.press('#console-input', 'Enter');
  await page.locator('.console-entry').nth(before).waitFor();
  return page.locator('.console-entry').nth(before).locator('.console-out').innerText();
}

/** The machine, for the report (the figures depend on its load). */
export function machine() {
  return {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    load: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export const round2 = (x) => Math.round(x * 100) / 100;

/** The value at quantile `q` of an ascending array (nearest rank). */
export function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * requestAnimationFrame intervals and long tasks (over 50 ms, the browser's
 * `longtask` entries) for `ms` milliseconds of the page as it is, summarised.
 */
export async function frameTimes(page, ms) {
  const { frames, long } = await page.evaluate((ms) => new Promise((resolve) => {
    const times = [];
    const long = [];
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => long.push(e.duration)));
    observer.observe({ type: 'longtask' });
    const start = performance.now();
    const frame = (t) => {
      times.push(t);
      if (t - start < ms) {
        requestAnimationFrame(frame);
      } else {
        // Entries still queued in the observer are delivered by takeRecords.
        observer.takeRecords().forEach((e) => long.push(e.duration));
        observer.disconnect();
        resolve({ frames: times, long });
      }
    };
    requestAnimationFrame(frame);
  }), ms);
  return summarise(frames, long);
}

/**
 * Main-thread work while `run()` runs, from the DevTools `Performance`
 * domain: seconds of tasks, script, style recalculation and layout. Less
 * sensitive than frame times to other processes taking the CPU.
 */
export async function mainThreadWork(page, run) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const read = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const before = await read();
  const result = await run();
  const after = await read();
  await cdp.detach();
  const d = (k) => round2((after[k] - before[k]) * 1000);
  return {
    result,
    main_thread_ms: {
      tasks: d('TaskDuration'),
      script: d('ScriptDuration'),
      style: d('RecalcStyleDuration'),
      layout: d('LayoutDuration'),
      style_recalcs: after.RecalcStyleCount - before.RecalcStyleCount,
      layouts: after.LayoutCount - before.LayoutCount,
    },
  };
}

/** The summary of rAF timestamps and long-task durations (exported for checks). */
export function summarise(frames, long) {
  const gaps = frames.slice(1).map((t, i) => t - frames[i]);
  if (gaps.length < 2) throw new Error('no animation frames');
  const sorted = [...gaps].sort((a, b) => a - b);
  // The display's frame time: a typical short gap (60 Hz gives 16.7 ms).
  const refresh = quantile(sorted, 0.1);
  return {
    frames: gaps.length,
    seconds: round2((frames[frames.length - 1] - frames[0]) / 1000),
    refresh_ms: round2(refresh),
    p50_ms: round2(quantile(sorted, 0.5)),
    p95_ms: round2(quantile(sorted, 0.95)),
    p99_ms: round2(quantile(sorted, 0.99)),
    max_ms: round2(sorted[sorted.length - 1]),
    mean_ms: round2(gaps.reduce((a, b) => a + b, 0) / gaps.length),
    // A gap longer than 1.5 frames lost round(gap / frame) - 1 frames.
    dropped_frames: gaps.reduce((n, g) => n + (g > 1.5 * refresh ? Math.round(g / refresh) - 1 : 0), 0),
    long_tasks: long.length,
    long_tasks_total_ms: round2(long.reduce((a, b) => a + b, 0)),
    longest_task_ms: round2(Math.max(0, ...long)),
  };
}
