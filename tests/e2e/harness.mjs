// Shared pieces of the end-to-end tests: a static server that serves dist/
// from a sub-path (as a real host would), the browser, and the native CLI.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';

export const DIST = process.env.KINESIS_LAB_DIST;
export const CLI = process.env.KINESIS_LAB_CLI;
export const OUTPUT = process.env.KINESIS_LAB_OUTPUT;
for (const [name, value] of Object.entries({ KINESIS_LAB_DIST: DIST, KINESIS_LAB_CLI: CLI, KINESIS_LAB_OUTPUT: OUTPUT })) {
  if (!value) throw new Error(`${name} is not set: run the tests with \`cargo xtask test\``);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json',
};

/**
 * The Content-Security-Policy the server sends with every HTML page: the one
 * README.md ("Content-Security-Policy") tells hosts to send. No inline script
 * and no string evaluation: scripts come only from the site, and
 * 'wasm-unsafe-eval' lets them compile WebAssembly. Styles come only from the
 * site's style sheet, except `style` attributes (Leptos sets bar widths and
 * colours with them; they cannot run code). Set KINESIS_LAB_CSP=off to serve
 * without it.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The transform worker's own policy (its response's header governs the
 * worker, not the page's): the student's code may evaluate strings, and may
 * load or fetch nothing at all.
 */
export const WORKER_CSP = "default-src 'none'; script-src 'unsafe-eval'";

const CSP_ON = process.env.KINESIS_LAB_CSP !== 'off';

/** The security headers a response of `file` gets. */
function securityHeaders(file) {
  if (!CSP_ON) return {};
  if (path.extname(file) === '.html') return { 'content-security-policy': CSP };
  if (path.basename(file) === 'transform-worker.js') return { 'content-security-policy': WORKER_CSP };
  return {};
}

/**
 * Serves DIST (or `dir`, e.g. a copy a test changes) under `prefix` (e.g.
 * "/kinesis-lab/"); anything else is 404.
 */
export async function serve(prefix, dir = DIST) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith(prefix)) {
      res.writeHead(404).end('outside the sub-path');
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(prefix.length)) || 'index.html';
    const file = path.join(dir, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        ...securityHeaders(file),
      }).end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}${prefix}`;
  return { base, close: () => new Promise((r) => server.close(r)) };
}

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * The site served from `prefix` and one Chromium, started before a test file's
 * tests and closed after them: `lab.server.base` is the site's URL and
 * `lab.browser` the browser.
 */
export function useLab(prefix = '/lab/') {
  const lab = { server: null, browser: null };
  before(async () => {
    lab.server = await serve(prefix);
    lab.browser = await launch();
  });
  after(async () => {
    await lab.browser?.close();
    await lab.server?.close();
  });
  return lab;
}

/**
 * A page that records every console error, uncaught exception (a Rust panic
 * surfaces as one), failed request, Content-Security-Policy violation and
 * appearance of the panic panel (`#panic-panel`, app/src/panic.rs), so a
 * test can assert there were none.
 */
export async function watchedPage(context) {
  const page = await context.newPage();
  const problems = [];
  await watch(page, problems);
  return { page, problems };
}

/** Records `page`'s problems (as `watchedPage` does) into `problems`. */
export async function watch(page, problems = []) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  await page.exposeBinding('__kinesisLabProblem', (_source, text) => { problems.push(String(text)); });
  await page.addInitScript(() => {
    const report = (text) => { try { window.__kinesisLabProblem(text); } catch { /* page closing */ } };
    document.addEventListener('securitypolicyviolation', (e) => {
      report(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile || '?'}:${e.lineNumber}`);
    }, true);
    let seen = false;
    const look = () => {
      const panel = !seen && document.getElementById('panic-panel');
      if (panel) {
        seen = true;
        const details = document.getElementById('panic-details')?.value ?? panel.textContent;
        report(`panic panel: ${details}`);
      }
    };
    // The panel is put first in <body> (or <html> if there is no body):
    // watch those two child lists only, not every change the lab makes.
    const watched = new WeakSet();
    const observer = new MutationObserver(() => { follow(); look(); });
    const follow = () => {
      for (const node of [document, document.documentElement, document.body]) {
        if (node && !watched.has(node)) {
          watched.add(node);
          observer.observe(node, { childList: true });
        }
      }
    };
    follow();
  });
  return problems;
}

/** Runs the native CLI and returns its JSON lines. */
export function cliRoute(shards, keys, extra = []) {
  const out = execFileSync(CLI, ['route', '--shards', String(shards), ...extra, '--', ...keys], { encoding: 'utf8' });
  return out.trim().split('\n').map((l) => JSON.parse(l));
}

export function cliJson(args) {
  return JSON.parse(execFileSync(CLI, args, { encoding: 'utf8' }));
}

export function shot(page, name) {
  return page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });
}
