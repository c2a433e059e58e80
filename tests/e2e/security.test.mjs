// Security for a static site (README.md, "Content-Security-Policy"): the
// lab runs under the strict CSP the harness serves (no inline script, no
// string evaluation on the page) on every route with no violation and no
// console error; share links and lesson addresses carrying injection
// attempts in every parameter the app reads are shown as text or refused with
// a notice, and put no script, handler, image or javascript: address in the
// page, open no dialog and navigate nowhere; and a panic shows the panic
// panel (which the harness turns into a test failure everywhere else).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { useLab, watchedPage, shot, CLI, CSP, DIST } from './harness.mjs';

const LESSONS_DIR = path.resolve(import.meta.dirname, '../../lessons');
const lessons = execFileSync(CLI, ['lessons', '--dir', LESSONS_DIR, 'list'], { encoding: 'utf8' })
  .trim().split('\n').map((l) => JSON.parse(l));

const lab = useLab('/secure/');
const VIEWPORT = { viewport: { width: 1366, height: 900 } };

/** Waits until the lab has put a page in <main>. */
async function ready(page) {
  await page.waitForFunction(() => document.querySelector('main')?.childElementCount > 0);
}

async function open(context, hash) {
  const watched = await watchedPage(context);
  await watched.page.goto(lab.server.base + hash);
  await ready(watched.page);
  return watched;
}

function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ headers: res.headers, body }));
    }).on('error', reject);
  });
}

test('the site is served with the strict CSP, has no inline script, and the CSP holds', async () => {
  const { headers, body } = await get(lab.server.base);
  assert.equal(headers['content-security-policy'], CSP);
  for (const directive of ["script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'", "base-uri 'none'"]) {
    assert.ok(CSP.includes(directive), directive);
  }
  const scriptSrc = CSP.split('; ').find((d) => d.startsWith('script-src '));
  assert.ok(!scriptSrc.includes('unsafe-inline') && !scriptSrc.includes("'unsafe-eval'"), scriptSrc);
  assert.ok(!CSP.includes("'unsafe-eval'"), 'no unsafe-eval on the page');
  // dist/index.html as built: every script is a file, no handler attribute.
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  assert.equal(body, html);
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  assert.ok(scripts.length >= 1, 'a loader script');
  for (const [, attrs, content] of scripts) {
    assert.match(attrs, /\bsrc="/, `script without src: ${attrs}`);
    assert.equal(content.trim(), '', 'no inline code');
  }
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no event-handler attribute');

  // In the browser: an inline script and a string evaluation are refused,
  // and each refusal is recorded by the harness as a problem.
  const context = await lab.browser.newContext(VIEWPORT);
  const { page, problems } = await open(context, '#/partitions');
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true;';
    document.head.append(s);
  });
  await context.route('**/csp-eval-probe.js', (route) => route.fulfill({
    contentType: 'text/javascript',
    body: "window.__evalProbe = (() => { try { return String(new Function('return 1')()); } catch (e) { return e.name; } })();",
  }));
  await page.addScriptTag({ url: 'csp-eval-probe.js' });
  assert.equal(await page.evaluate(() => window.__inlineRan ?? null), null, 'inline script did not run');
  assert.equal(await page.evaluate(() => window.__evalProbe), 'EvalError', 'string evaluation refused');
  while (problems.filter((p) => p.startsWith('CSP violation:')).length < 2) await page.waitForTimeout(20);
  const csp = problems.filter((p) => p.startsWith('CSP violation:'));
  assert.ok(csp.some((p) => /script-src\S* blocked \(inline\)|blocked inline/.test(p)), csp.join('\n'));
  assert.ok(csp.some((p) => /script-src\S* blocked eval/.test(p)), csp.join('\n'));
  await context.close();
});

test('every route runs under the strict CSP with no violation, console error or failed request', async () => {
  const routes = ['#/', '#/partitions', '#/streams', '#/producers', '#/consumers', '#/firehose', '#/sql',
    '#/compare', '#/lessons', '#/quiz?seed=3&level=2&n=5', '#/progress', '#/bench', '#/no-such-page'];
  for (const l of lessons) routes.push(`#/lessons/${l.id}/1`, `#/present/${l.id}/1`, `#/notes/${l.id}`);
  const context = await lab.browser.newContext(VIEWPORT);
  let steps = 0;
  for (const route of routes) {
    const { page, problems } = await open(context, route);
    // Workers (SQL compiler) and lazy parts finish loading.
    await page.waitForLoadState('networkidle');
    const lesson = route.match(/^#\/lessons\/([^/]+)\/1$/)?.[1];
    if (lesson) {
      // The other steps of the lesson, in the same page, as a student goes.
      const n = lessons.find((l) => l.id === lesson).steps;
      for (let s = 2; s <= n; s++) {
        await page.evaluate((h) => { location.hash = h; }, `#/lessons/${lesson}/${s}`);
        await page.locator('#step-label').getByText(new RegExp(`\\b${s} / ${n}$`)).waitFor();
        steps++;
      }
      await page.waitForLoadState('networkidle');
    }
    assert.deepEqual(problems, [], route);
    await page.close();
  }
  assert.ok(steps > 50, `walked ${steps} later steps`);
  await context.close();
});

// ---------------------------------------------------------------------------
// Share links and addresses carrying injection attempts.

const PAYLOADS = [
  '<script>window.__pwned=1</script>',
  '"><img src=x onerror="window.__pwned=1">',
  "'><svg onload=alert(1)>",
  'javascript:window.__pwned=1',
];
const b64url = (s) => Buffer.from(s).toString('base64url');
/** Deterministic noise: valid base64 of bytes that are not JSON. */
function noise(n) {
  const out = [];
  let h = Buffer.from('kinesis-lab');
  while (out.length * 32 < n) {
    h = crypto.createHash('sha256').update(h).digest();
    out.push(h);
  }
  return Buffer.concat(out).subarray(0, n).toString('base64url');
}
/** Values for a versioned share parameter (`1.<base64 JSON>`). */
const SHARE_VALUES = [
  ...PAYLOADS,
  `1.${b64url(JSON.stringify([{ '<img src=x onerror=alert(1)>': 1 }]))}`, // JSON, but not actions (named in the error)
  `1.${b64url('<script>alert(1)</script>')}`, // base64 of markup
  `1.${noise(3000)}`, // garbled
  `1.${'A'.repeat(13_000)}`, // over the share limit
  `1.@@@<script>`, // not base64
  `9.${b64url('[]')}`, // unknown version
];
const q = (v) => encodeURIComponent(v);
/** A console line whose stream name is markup: valid links carry text to show. */
const HOSTILE_LINE = 'aws kinesis create-stream --stream-name "<img src=x onerror=alert(1)>" --shard-count 1';

/** Every link case: the address, and what the page must show for it. */
function linkCases() {
  const cases = [];
  const add = (hash, expect = {}) => cases.push({ hash, ...expect });
  // Partition keys page: each parameter; text fields keep the text as text.
  for (const p of PAYLOADS) {
    add(`#/partitions?v=1&key=${q(p)}`, { field: ['#pk', p] });
    add(`#/partitions?v=1&ehk=${q(p)}`, { field: ['#ehk', p] });
    for (const name of ['shards', 'rate', 'secs', 'seed', 'dist', 'v']) {
      add(`#/partitions?v=1&${name}=${q(p)}`, { notice: '.notice[role=alert]', says: name });
    }
  }
  // Stream Lab session links.
  for (const v of SHARE_VALUES) add(`#/streams?s=${q(v)}`, { notice: '.notice[role=alert]' });
  add(`#/streams?s=${q(`1.${b64url(JSON.stringify([HOSTILE_LINE]))}`)}&t=${q(PAYLOADS[0])}`, { text: '<img src=x onerror=alert(1)>' });
  // A lesson's shared actions.
  for (const v of SHARE_VALUES) add(`#/lessons/architecture/3?s=${q(v)}`, { notice: '.notice[role=alert]' });
  add(`#/lessons/architecture/3?s=${q(`1.${b64url(JSON.stringify([{ do: 'console', line: HOSTILE_LINE }]))}`)}`, { text: '<img src=x onerror=alert(1)>' });
  add(`#/lessons/architecture/3?s=${q(`1.${b64url(JSON.stringify([{ do: '<img src=x onerror=alert(1)>' }]))}`)}`, { notice: '.notice[role=alert]', text: '<img src=x onerror=alert(1)>' });
  // Compare page: scenario, run, and the decision guide's answers.
  for (const p of PAYLOADS) {
    add(`#/compare?scenario=${q(p)}`, { notice: '#cmp-notice', text: p.slice(0, 40) });
    add(`#/compare?answers=${q(p)}`, { notice: '#dt-notice' });
  }
  for (const v of SHARE_VALUES) add(`#/compare?run=${q(v)}`, { notice: '#cmp-notice' });
  // Quiz and benchmark numbers fall back to their defaults.
  for (const p of PAYLOADS) {
    add(`#/quiz?seed=${q(p)}&level=${q(p)}&n=${q(p)}`);
    add(`#/bench?rounds=${q(p)}`);
  }
  // Lesson, presenter and notes ids, and addresses that are not routes.
  for (const p of PAYLOADS) {
    for (const page of ['lessons', 'present', 'notes']) add(`#/${page}/${q(p)}`, { notFound: true });
    add(`#/lessons/${q(p)}/1`, { notFound: true });
    add(`#${p}`, { notFound: true });
  }
  add('#/lessons/no-such-lesson/2', { notFound: true });
  add(`#/streams?s=${'A'.repeat(20_000)}`, { notFound: true }); // over the address limit
  return cases;
}

/** What in the page could run code or leave: scripts other than the lab's
 * files, event-handler attributes, javascript: addresses, images and frames. */
async function injected(page) {
  return page.evaluate(() => {
    const base = document.baseURI.replace(/[#?].*$/, '');
    const out = [];
    for (const s of document.scripts) {
      if (!s.src) out.push(`inline script: ${s.textContent.slice(0, 60)}`);
      else if (!s.src.startsWith(base)) out.push(`script from ${s.src}`);
    }
    // index.html's own empty icon.
    const icon = (e) => e.matches('head > link[rel="icon"][href="data:,"]');
    for (const e of document.querySelectorAll('*')) {
      if (icon(e)) continue;
      for (const a of e.attributes) {
        if (/^on/i.test(a.name)) out.push(`${e.tagName.toLowerCase()}[${a.name}]`);
        if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(a.name) && /^\s*(javascript|data|vbscript):/i.test(a.value)) {
          out.push(`${e.tagName.toLowerCase()}[${a.name}=${a.value.slice(0, 40)}]`);
        }
      }
    }
    for (const e of document.querySelectorAll('img, iframe, frame, object, embed, svg script, base, meta[http-equiv]')) {
      out.push(e.outerHTML.slice(0, 80));
    }
    if (window.__pwned !== undefined) out.push('window.__pwned was set');
    return out;
  });
}

test('share links and addresses with injection attempts show text or a notice and inject nothing', async () => {
  const context = await lab.browser.newContext(VIEWPORT);
  const cases = linkCases();
  assert.ok(cases.length > 80, `${cases.length} cases`);
  for (const c of cases) {
    const { page, problems } = await watchedPage(context);
    const events = [];
    page.on('dialog', (d) => { events.push(`dialog: ${d.message()}`); d.dismiss().catch(() => {}); });
    page.on('popup', (p) => events.push(`popup: ${p.url()}`));
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame() && !f.url().startsWith(lab.server.base)) events.push(`navigated to ${f.url()}`);
    });
    await page.goto(lab.server.base + c.hash);
    await ready(page);
    const label = `${c.hash.slice(0, 120)}`;
    if (c.notice) {
      const notice = page.locator(c.notice).first();
      await notice.waitFor();
      if (c.says) assert.match(await notice.innerText(), new RegExp(`\\b${c.says}\\b`), label);
    }
    if (c.field) {
      const [selector, value] = c.field;
      const field = page.locator(selector);
      if (await field.count()) assert.equal(await field.inputValue(), value, label);
    }
    if (c.text) await page.locator('main').getByText(c.text, { exact: false }).first().waitFor();
    if (c.notFound) await page.locator('main h1').first().waitFor();
    await page.waitForLoadState('networkidle');
    assert.deepEqual(await injected(page), [], label);
    assert.deepEqual(events, [], label);
    assert.deepEqual(problems, [], label);
    await page.close();
  }
  await context.close();
});

// ---------------------------------------------------------------------------
// The panic panel. No panic route ships: the test makes the real app panic
// at start-up by hiding <body> from the lab's WebAssembly glue (Leptos mounts
// on document.body and unwraps it), once per tab, so the Reload button brings
// the lab back. The loader and the tests' own scripts still see the body.

const HIDE_BODY_ONCE = () => {
  const real = Object.getOwnPropertyDescriptor(Document.prototype, 'body');
  Object.defineProperty(Document.prototype, 'body', {
    configurable: true,
    get() {
      const fromLab = /kinesis-lab-(app|landing)/.test(new Error().stack);
      if (fromLab && !sessionStorage.getItem('panicked')) {
        sessionStorage.setItem('panicked', 'yes');
        return null;
      }
      return real.get.call(this);
    },
    set(v) { real.set.call(this, v); },
  });
};

async function panicked(lang, hash) {
  const context = await lab.browser.newContext({ ...VIEWPORT, permissions: ['clipboard-read', 'clipboard-write'] });
  if (lang === 'vi') {
    await context.addInitScript(() => {
      localStorage.setItem('kinesis-lab.progress', JSON.stringify({ version: 1, lang: 'vi' }));
    });
  }
  await context.addInitScript(HIDE_BODY_ONCE);
  const { page, problems } = await watchedPage(context);
  await page.goto(lab.server.base + hash);
  const panel = page.locator('#panic-panel');
  await panel.waitFor();
  return { context, page, problems, panel };
}

test('a panic shows the panel: the error, Reload and Copy details, by keyboard, and the harness records it', async () => {
  // The full app (any route but home).
  const { context, page, problems, panel } = await panicked('en', '#/streams');
  assert.equal(await panel.getAttribute('role'), 'alert');
  assert.equal(await page.locator('#panic-title').innerText(), 'Something went wrong');
  const details = await page.locator('#panic-details').inputValue();
  assert.match(details, /Option::unwrap\(\)/, details);
  assert.match(details, /^Page: .*#\/streams$/m, details);
  // The harness saw it (this is what fails every other test).
  while (!problems.some((p) => p.startsWith('panic panel:'))) await page.waitForTimeout(20);
  assert.ok(problems.find((p) => p.startsWith('panic panel:')).includes('Option::unwrap()'));
  await shot(page, 'panic-panel-en');

  // Keyboard: Reload has the focus, Tab reaches Copy details, Enter copies.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'panic-reload');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'panic-copy');
  await page.keyboard.press('Enter');
  await page.locator('#panic-status').getByText('Copied.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), details);

  // Reload brings the lab back (the body is hidden only once per tab).
  await page.evaluate(() => { window.__beforeReload = true; });
  await page.focus('#panic-reload');
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
  await ready(page);
  assert.equal(await page.evaluate(() => window.__beforeReload ?? null), null, 'the page was reloaded');
  assert.equal(await page.locator('#panic-panel').count(), 0);
  await context.close();
});

test('the panic panel speaks the saved language', async () => {
  // The landing build (home), which installs the same hook.
  const { context, page } = await panicked('vi', '#/');
  assert.equal(await page.locator('#panic-panel').getAttribute('lang'), 'vi');
  assert.equal(await page.locator('#panic-title').innerText(), 'Đã có lỗi xảy ra');
  assert.equal(await page.locator('#panic-reload').innerText(), 'Tải lại trang');
  assert.equal(await page.locator('#panic-copy').innerText(), 'Sao chép chi tiết');
  await shot(page, 'panic-panel-vi');
  await context.close();
});
