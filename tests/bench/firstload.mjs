// First load of the landing page (`#/`), headless: prints one JSON object.
//
// 1. Bytes: dist/ is served from a sub-path with gzip (level 9) content
//    encoding, as a static host would; the bytes of every response the page
//    itself asked for, split into wasm, js, css, html and other. Requests a
//    service worker makes in the background (its precache of the rest of the
//    site) are listed apart: they do not delay the page.
// 2. Times, from a fresh profile on the local server, `--runs` times:
//    first contentful paint (the browser's paint timing), the app's first
//    render (its <main> has content), and time to interactive: when the
//    first control of the app, the language menu in the header, responds
//    (choosing Tiếng Việt turns <html lang> to "vi"). No network or CPU
//    throttling.
// 3. Lighthouse 12.2.3 (tests/node_modules, `npm install` in tests/) with
//    Chromium ($CHROME_PATH, default /usr/bin/chromium) and the same headless
//    flags as the e2e tests: performance, accessibility and best-practices
//    scores and FCP, LCP, TBT, CLS, Speed Index, once with Lighthouse's
//    default (mobile: simulated slow 4G and 4x CPU slowdown) and once with
//    its desktop preset, `--lh-runs` times each.
//
// A measurement, not a test: `cargo xtask bench` runs it. By hand, from the
// repository root, after `cargo xtask dist` and `npm install` in tests/:
//
//   node tests/bench/firstload.mjs [--dist dist] [--runs 3] [--lh-runs 1]
//        [--lighthouse yes|no] [--shots tests/output]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ROOT, CHROMIUM, CHROMIUM_ARGS, options, serve, requireDist, browser, machine, round2, quantile } from './lib.mjs';

const o = options(process.argv.slice(2), {
  dist: process.env.KINESIS_LAB_DIST || path.join(ROOT, 'dist'),
  runs: 3,
  'lh-runs': 1,
  lighthouse: 'yes',
  shots: process.env.KINESIS_LAB_OUTPUT || path.join(ROOT, 'tests/output'),
}, { paths: ['dist', 'shots'], script: path.basename(fileURLToPath(import.meta.url)) });
if (!['yes', 'no'].includes(o.lighthouse)) throw new Error('--lighthouse must be yes or no');

const PREFIX = '/lab/';

function kind(p) {
  const ext = path.extname(p.split('?')[0]).toLowerCase();
  if (ext === '.wasm') return 'wasm';
  if (ext === '.js' || ext === '.mjs') return 'js';
  if (ext === '.css') return 'css';
  if (ext === '.html' || p === '' || p.endsWith('/')) return 'html';
  return 'other';
}

// Runs in the page before its own scripts: paint timings, and the first
// moment the language menu answers a change.
function probe() {
  const out = { fcp: null, lcp: null, rendered: null, interactive: null, tries: 0 };
  window.__firstLoad = out;
  new PerformanceObserver((l) => l.getEntries().forEach((e) => {
    if (e.name === 'first-contentful-paint') out.fcp = e.startTime;
  })).observe({ type: 'paint', buffered: true });
  new PerformanceObserver((l) => l.getEntries().forEach((e) => { out.lcp = e.startTime; }))
    .observe({ type: 'largest-contentful-paint', buffered: true });
  const frame = () => {
    const main = document.querySelector('main#main');
    if (out.rendered === null && main && main.textContent.trim().length > 0) out.rendered = performance.now();
    const menu = document.querySelector('label.lang select');
    if (menu && out.interactive === null) {
      if (document.documentElement.lang === 'vi') {
        out.interactive = performance.now();
      } else {
        out.tries += 1;
        menu.value = 'vi';
        menu.dispatchEvent(new Event('change', { bubbles: true }));
        // The app sets <html lang> in a reactive effect: check at once too.
        queueMicrotask(() => {
          if (out.interactive === null && document.documentElement.lang === 'vi') out.interactive = performance.now();
        });
      }
    }
    if (out.interactive === null) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

async function loadOnce(base, run) {
  const log = [];
  const server = await serve(o.dist, PREFIX, { gzip: true, log });
  const url = `${server.base.replace(/\/$/, '/')}`;
  const b = await browser();
  try {
    // How many times the page itself asked for each path: the service
    // worker's precache asks for the same paths again, later.
    const asked = new Map();
    b.page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.origin !== new URL(url).origin) return;
      const p = decodeURIComponent(u.pathname.slice(PREFIX.length)) || 'index.html';
      asked.set(p, (asked.get(p) ?? 0) + 1);
    });
    await b.page.addInitScript(probe);
    const t0 = Date.now();
    await b.page.goto(`${url}#/`);
    // Interactive, or the loader gave up (static/boot.js shows #boot-status.failed).
    await b.page.waitForFunction(() => window.__firstLoad?.interactive !== null || document.querySelector('#boot-status.failed'),
      null, { timeout: 120_000, polling: 100 });
    // A failed start still shows what was transferred: reported, with the error.
    let failure = null;
    if (await b.page.evaluate(() => window.__firstLoad?.interactive === null)) {
      const shown = await b.page.evaluate(() => document.body.innerText.slice(0, 300));
      failure = `the landing page did not become interactive: ${shown.trim()}`;
    }
    // Whatever the page still fetches right after it became interactive
    // (lazy parts it starts on its own) counts too; then stop.
    await b.page.waitForTimeout(1500);
    const probeOut = await b.page.evaluate(() => window.__firstLoad);
    const nav = await b.page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      return { dom_content_loaded: n?.domContentLoadedEventEnd, load: n?.loadEventEnd };
    });
    if (run === 0) await b.page.screenshot({ path: path.join(o.shots, 'firstload.png') });
    const bytes = { wasm: 0, js: 0, css: 0, html: 0, other: 0 };
    const raw = { wasm: 0, js: 0, css: 0, html: 0, other: 0 };
    const files = [];
    const background = [];
    for (const e of log) {
      if ((asked.get(e.path) ?? 0) > 0) {
        asked.set(e.path, asked.get(e.path) - 1);
        bytes[kind(e.path)] += e.bytes;
        raw[kind(e.path)] += e.raw;
        files.push({ path: e.path, gzip: e.bytes, raw: e.raw });
      } else {
        background.push({ path: e.path, gzip: e.bytes, raw: e.raw });
      }
    }
    const total = Object.values(bytes).reduce((a, c) => a + c, 0);
    return {
      wall_ms: Date.now() - t0,
      first_contentful_paint_ms: probeOut.fcp === null ? null : round2(probeOut.fcp),
      largest_contentful_paint_ms: probeOut.lcp === null ? null : round2(probeOut.lcp),
      app_rendered_ms: probeOut.rendered === null ? null : round2(probeOut.rendered),
      interactive_ms: probeOut.interactive === null ? null : round2(probeOut.interactive),
      failure,
      language_menu_tries: probeOut.tries,
      ...nav,
      gzip_bytes: { ...bytes, total },
      raw_bytes: raw,
      files,
      background_requests: background,
      problems: [...b.problems],
    };
  } finally {
    await b.close();
    await server.close();
  }
}

function lighthouseRun(url, preset) {
  const bin = path.join(ROOT, 'tests/node_modules/.bin/lighthouse');
  if (!fs.existsSync(bin)) throw new Error(`${bin} not found: run npm install in tests/`);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kinesis-lab-lh-')), 'report.json');
  const args = [
    url, '--output=json', `--output-path=${out}`, '--quiet',
    '--only-categories=performance,accessibility,best-practices',
    `--chrome-flags=${CHROMIUM_ARGS.join(' ')}`,
    ...(preset === 'desktop' ? ['--preset=desktop'] : []),
  ];
  return new Promise((resolve, reject) => {
    execFile(bin, args, { env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH || CHROMIUM }, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 },
      (err, _stdout, stderr) => {
        if (err && !fs.existsSync(out)) return reject(new Error(`lighthouse failed: ${err.message}\n${stderr}`));
        const r = JSON.parse(fs.readFileSync(out, 'utf8'));
        fs.rmSync(path.dirname(out), { recursive: true, force: true });
        const a = (id) => r.audits[id]?.numericValue;
        const failing = (cat) => (r.categories[cat]?.auditRefs ?? [])
          .filter((ref) => ref.weight > 0 && r.audits[ref.id]?.score !== null && r.audits[ref.id]?.score < 1)
          .map((ref) => `${ref.id} (${r.audits[ref.id].score})`);
        resolve({
          preset,
          lighthouse: r.lighthouseVersion,
          runtime_error: r.runtimeError?.message ?? null,
          scores: Object.fromEntries(['performance', 'accessibility', 'best-practices']
            .map((c) => [c, r.categories[c]?.score === null || r.categories[c]?.score === undefined ? null : Math.round(r.categories[c].score * 100)])),
          fcp_ms: round2(a('first-contentful-paint')),
          lcp_ms: round2(a('largest-contentful-paint')),
          tbt_ms: round2(a('total-blocking-time')),
          cls: round2(a('cumulative-layout-shift') * 1000) / 1000,
          speed_index_ms: round2(a('speed-index')),
          interactive_ms: round2(a('interactive')),
          total_byte_weight: a('total-byte-weight'),
          below_full_marks: {
            performance: failing('performance'),
            accessibility: failing('accessibility'),
            'best-practices': failing('best-practices'),
          },
        });
      });
  });
}

function spread(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  return { median: quantile(v, 0.5), min: v[0], max: v[v.length - 1] };
}

async function main() {
  requireDist(o.dist);
  fs.mkdirSync(o.shots, { recursive: true });
  const dist = fs.readdirSync(o.dist).sort();
  const runs = [];
  for (let i = 0; i < o.runs; i++) runs.push(await loadOnce(null, i));
  const first = runs[0];
  const report = {
    machine: machine(),
    dist: o.dist,
    dist_files: dist,
    target_gzip_bytes: 600 * 1000,
    gzip_bytes: first.gzip_bytes,
    raw_bytes: first.raw_bytes,
    files: first.files,
    background_requests: first.background_requests,
    times_ms: {
      first_contentful_paint: spread(runs.map((r) => r.first_contentful_paint_ms)),
      largest_contentful_paint: spread(runs.map((r) => r.largest_contentful_paint_ms)),
      app_rendered: spread(runs.map((r) => r.app_rendered_ms)),
      interactive: spread(runs.map((r) => r.interactive_ms)),
    },
    failures: runs.filter((r) => r.failure).map((r) => `${r.failure} ${r.problems.join('; ')}`),
    runs: runs.map(({ files, background_requests, raw_bytes, ...r }) => r),
    screenshot: path.join(o.shots, 'firstload.png'),
  };
  if (o.lighthouse === 'yes') {
    const log = [];
    const server = await serve(o.dist, PREFIX, { gzip: true, log });
    try {
      const lh = [];
      for (const preset of ['mobile', 'desktop']) {
        for (let i = 0; i < o['lh-runs']; i++) lh.push(await lighthouseRun(`${server.base}#/`, preset));
      }
      report.lighthouse = lh;
      report.lighthouse_summary = Object.fromEntries(['mobile', 'desktop'].map((p) => {
        const rs = lh.filter((r) => r.preset === p);
        return [p, {
          performance: spread(rs.map((r) => r.scores.performance)),
          accessibility: spread(rs.map((r) => r.scores.accessibility)),
          'best-practices': spread(rs.map((r) => r.scores['best-practices'])),
          fcp_ms: spread(rs.map((r) => r.fcp_ms)),
          lcp_ms: spread(rs.map((r) => r.lcp_ms)),
          tbt_ms: spread(rs.map((r) => r.tbt_ms)),
          cls: spread(rs.map((r) => r.cls)),
          speed_index_ms: spread(rs.map((r) => r.speed_index_ms)),
        }];
      }));
    } finally {
      await server.close();
    }
  }
  console.log(JSON.stringify(report, null, 2));
}

main().catch((e) => {
  console.error(`firstload: ${e.stack || e}`);
  process.exit(1);
});
