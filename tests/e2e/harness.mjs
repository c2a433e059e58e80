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

/** Serves DIST under `prefix` (e.g. "/kinesis-lab/"); anything else is 404. */
export async function serve(prefix) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith(prefix)) {
      res.writeHead(404).end('outside the sub-path');
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(prefix.length)) || 'index.html';
    const file = path.join(DIST, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
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
 * surfaces as one) and failed request, so a test can assert there were none.
 */
export async function watchedPage(context) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return { page, problems };
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
