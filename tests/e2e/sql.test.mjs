// SQL page: AWS's tumbling-window example loaded and run on a lab stream
// emits one row per ticker per minute, and those rows are the rows the
// native `kinesis-lab sql` computes from the page's own input (exported with
// ROWTIME and arrival times), and the rows a naive recount of that input in
// this test gives; a syntax error is listed with its line and column and
// underlined at that place in the editor; Ctrl+Enter runs; both languages;
// axe finds nothing serious; no console errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import { useLab, watchedPage, shot, CLI, OUTPUT } from './harness.mjs';

const lab = useLab();

async function openSql(context, lang = 'en') {
  const watched = await watchedPage(context);
  const { page } = watched;
  await page.goto(lab.server.base + '#/sql');
  await page.locator('#sql-editor').waitFor();
  // The compiler worker loads and answers the starter application (before
  // any reload, so no request is cut off half way).
  const compiled = () => page.waitForFunction(() => document.querySelector('#sql-run') && !/…/.test(document.querySelector('#sql-compiler')?.textContent ?? '…'));
  await compiled();
  if (lang === 'vi') {
    await page.evaluate(() => {
      const p = JSON.parse(localStorage.getItem('kinesis-lab.progress') || '{"version":1}');
      p.lang = 'vi';
      localStorage.setItem('kinesis-lab.progress', JSON.stringify(p));
    });
    await page.reload();
    await page.locator('#sql-editor').waitFor();
  }
  await compiled();
  return watched;
}

/** Both files of the page's "Input for the CLI" button. */
async function exportInput(page, dir) {
  const files = {};
  const done = new Promise((resolve) => {
    page.on('download', async (dl) => {
      const file = path.join(dir, dl.suggestedFilename());
      await dl.saveAs(file);
      files[dl.suggestedFilename()] = file;
      if (files['input.jsonl'] && files['schema.toml']) resolve();
    });
  });
  await page.click('#sql-export');
  await done;
  return files;
}

/** Output rows as the page lists them: ROWTIME (ms) and the cells by column. */
async function outputRows(page) {
  return page.locator('#sql-output').evaluate((t) => {
    const cols = [...t.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    return [...t.querySelectorAll('tbody tr')].map((tr) => {
      const cells = [...tr.querySelectorAll('td')].map((td) => td.textContent.trim());
      const row = { rowtime: Number(tr.dataset.rowtime) };
      cols.forEach((c, i) => { if (i > 0) row[c] = cells[i]; });
      return row;
    });
  });
}

const key = (r) => `${r.rowtime}|${r.TICKER_SYMBOL}`;

test('AWS tumbling example: one row per ticker per minute, the same rows as kinesis-lab sql and as a recount of the input', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  const { page, problems } = await openSql(context);
  // The navigation still fits one line at 1366 px.
  const navTops = await page.locator('header nav a').evaluateAll((as) => as.map((a) => a.getBoundingClientRect().top));
  assert.equal(new Set(navTops.map((t) => Math.round(t))).size, 1, `nav wraps: ${navTops}`);

  await page.click('#sql-ex-tumbling');
  await page.locator('#sql-time').waitFor();
  assert.match(await page.inputValue('#sql-editor'), /STEP\("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND\)/);
  // Three and a half simulated minutes, in steps (each step pauses the clock).
  for (let i = 0; i < 3; i++) await page.click('#sql-step-minute');
  await page.click('#sql-step');
  await page.click('#sql-step');
  await page.click('#sql-step');
  await page.waitForFunction(() => document.querySelector('#sql-time')?.dataset.backlog === '0');
  await page.locator('#sql-output tbody tr').first().waitFor();
  await page.locator('#sql-timeline .win.fired').first().waitFor();
  await shot(page, 'sql-tumbling');
  const axe = await new AxeBuilder({ page }).analyze();
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);

  const engineMs = Number(await page.locator('#sql-time').getAttribute('data-engine'));
  const rows = await outputRows(page);
  assert.ok(rows.length >= 3, `${rows.length} output rows`);
  // Every output ROWTIME is a minute boundary (the window end).
  for (const r of rows) assert.equal(r.rowtime % 60_000, 0, `ROWTIME ${r.rowtime} is a window end`);
  const perMinute = new Map();
  for (const r of rows) perMinute.set(r.rowtime, (perMinute.get(r.rowtime) ?? 0) + 1);
  assert.ok(perMinute.size >= 3, `${perMinute.size} minutes closed`);

  const dir = path.join(OUTPUT, 'sql');
  fs.mkdirSync(dir, { recursive: true });
  const files = await exportInput(page, dir);
  const input = fs.readFileSync(files['input.jsonl'], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(input.length > 100, `${input.length} input records`);

  // Oracle 1: a naive recount of the page's input, window by window.
  const oracle = new Map();
  for (const rec of input) {
    const t = Date.parse(rec.rowtime);
    const end = Math.floor(t / 60_000) * 60_000 + 60_000;
    if (end > engineMs) continue;
    const k = `${end}|${rec.data.TICKER_SYMBOL}`;
    const o = oracle.get(k) ?? { min: Infinity, max: -Infinity };
    o.min = Math.min(o.min, rec.data.PRICE);
    o.max = Math.max(o.max, rec.data.PRICE);
    oracle.set(k, o);
  }
  assert.equal(rows.length, oracle.size, 'one row per ticker per closed minute');
  for (const r of rows) {
    const o = oracle.get(key(r));
    assert.ok(o, `no such window in the input: ${key(r)}`);
    assert.ok(Math.abs(Number(r.MIN_PRICE) - o.min) < 1e-9, `${key(r)} MIN ${r.MIN_PRICE} vs ${o.min}`);
    assert.ok(Math.abs(Number(r.MAX_PRICE) - o.max) < 1e-9, `${key(r)} MAX ${r.MAX_PRICE} vs ${o.max}`);
  }

  // Oracle 2: the native CLI on the same records and schema.
  const app = path.join(dir, 'app.sql');
  fs.writeFileSync(app, await page.inputValue('#sql-editor'));
  const out = execFileSync(CLI, ['sql', '--app', app, '--input', files['input.jsonl'], '--schema', files['schema.toml']], { encoding: 'utf8' });
  const cli = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .filter((r) => Date.parse(r.ROWTIME) <= engineMs);
  assert.equal(cli.length, rows.length, 'the CLI emits the same number of rows for the closed minutes');
  const byKey = new Map(cli.map((r) => [`${Date.parse(r.ROWTIME)}|${r.TICKER_SYMBOL}`, r]));
  for (const r of rows) {
    const c = byKey.get(key(r));
    assert.ok(c, `the CLI has no row ${key(r)}`);
    assert.equal(c.stream, 'DESTINATION_SQL_STREAM');
    assert.ok(Math.abs(Number(r.MIN_PRICE) - c.MIN_PRICE) < 1e-9);
    assert.ok(Math.abs(Number(r.MAX_PRICE) - c.MAX_PRICE) < 1e-9);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

/** The character at a 1-based (line, column) of `text`, and the rest of that line. */
function at(text, line, column) {
  const l = text.split('\n')[line - 1] ?? '';
  return [...l].slice(column - 1).join('');
}

for (const lang of ['en', 'vi']) {
  test(`a syntax error is listed with its line and column and underlined there; Ctrl+Enter does not run it (${lang})`, async () => {
    const context = await lab.browser.newContext({ viewport: { width: 1366, height: 768 } });
    const { page, problems } = await openSql(context, lang);
    assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
    const navTops = await page.locator('header nav a').evaluateAll((as) => as.map((a) => a.getBoundingClientRect().top));
    assert.equal(new Set(navTops.map((t) => Math.round(t))).size, 1, `nav wraps in ${lang}: ${navTops}`);
    const good = await page.inputValue('#sql-editor');
    // A stray comma before FROM: the parser stops at FROM.
    const bad = good.replace(/(MAX\(Price\) AS Max_Price)\n/, '$1,\n');
    assert.notEqual(bad, good);
    const fromLine = bad.split('\n').findIndex((l) => /^\s*FROM\b/.test(l)) + 1;
    await page.fill('#sql-editor', bad);
    const item = page.locator('#sql-error-list li').first();
    await item.waitFor();
    const line = Number(await item.getAttribute('data-line'));
    const column = Number(await item.getAttribute('data-column'));
    // The parser stops at FROM or just after it, on that line.
    assert.equal(line, fromLine, 'the error is on the FROM line');
    assert.ok(column >= bad.split('\n')[line - 1].indexOf('FROM') + 1, `column ${column}`);
    const underlined = await page.locator('.sql-highlight .sql-err').first().innerText();
    assert.ok(at(bad, line, column).startsWith(underlined.trim()) && underlined.trim().length > 0, `underlined ${JSON.stringify(underlined)}`);
    const itemText = await item.innerText();
    assert.match(itemText, lang === 'vi' ? new RegExp(`dòng ${line}, cột ${column}`) : new RegExp(`line ${line}, column ${column}`));
    // Choosing the error puts the caret on it.
    await item.locator('button').click();
    const caret = await page.evaluate(() => document.querySelector('#sql-editor').selectionStart);
    assert.equal(bad.slice(0, caret).split('\n').length, line);
    // Ctrl+Enter with an error: nothing runs.
    await page.focus('#sql-editor');
    await page.keyboard.press('Control+Enter');
    await page.waitForTimeout(300);
    assert.equal(await page.locator('#sql-time').count(), 0, 'no run with errors');
    await shot(page, `sql-error-${lang}`);
    // Fixing it and pressing Ctrl+Enter runs.
    await page.fill('#sql-editor', good);
    await page.waitForFunction(() => document.querySelectorAll('#sql-error-list li').length === 0);
    await page.focus('#sql-editor');
    await page.keyboard.press('Control+Enter');
    await page.locator('#sql-time').waitFor();
    if (lang === 'vi') {
      const h1 = await page.locator('h1').innerText();
      assert.ok(/SQL/.test(h1) && /luồng/.test(h1), h1);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('every example compiles and runs without errors; the anomaly example scores its spikes higher', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 768 } });
  const { page, problems } = await openSql(context);
  const ids = await page.locator('.sql-examples button[id^="sql-ex-"]').evaluateAll((bs) => bs.map((b) => b.id));
  assert.ok(ids.length >= 9, ids.join(' '));
  for (const id of ids) {
    await page.click(`#${id}`);
    await page.locator('#sql-time').waitFor();
    assert.equal(await page.locator('#sql-error-list li').count(), 0, `${id} compiles`);
    for (let i = 0; i < 2; i++) await page.click('#sql-step-minute');
    await page.waitForFunction(() => document.querySelector('#sql-time')?.dataset.backlog === '0');
    assert.equal(await page.locator('#sql-notice').count(), 0, `${id}: ${await page.locator('#sql-notice').allInnerTexts()}`);
    const total = Number(await page.locator('#sql-output').getAttribute('data-total').catch(() => '0'));
    assert.ok(total > 0, `${id} wrote output rows`);
    await shot(page, id);
    if (id === 'sql-ex-rcf') {
      const rows = await outputRows(page);
      const spikes = rows.filter((r) => Number(r.heartRate) > 150).map((r) => Number(r.ANOMALY_SCORE));
      const normal = rows.filter((r) => Number(r.heartRate) <= 100).map((r) => Number(r.ANOMALY_SCORE)).sort((a, b) => a - b);
      assert.ok(spikes.length > 0 && normal.length > 10, `${spikes.length} spikes, ${normal.length} normal`);
      const median = normal[Math.floor(normal.length / 2)];
      const meanSpike = spikes.reduce((a, b) => a + b, 0) / spikes.length;
      assert.ok(meanSpike > median, `spikes score ${meanSpike}, normal median ${median}`);
    }
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('bad source settings are named beside their field and nothing panics', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 768 } });
  const { page, problems } = await openSql(context);
  await page.fill('#sql-rate', 'fast');
  await page.fill('#sql-template', '{"TICKER_SYMBOL": "{{pick }}"}');
  await page.click('#sql-run');
  await page.locator('#sql-rate-error').waitFor();
  await page.locator('#sql-template-error').waitFor();
  assert.equal(await page.locator('#sql-time').count(), 0, 'nothing runs');
  // A schema that is not JSON, and a reference table whose rows do not fit its header.
  await page.click('.sql-source details summary');
  await page.fill('#sql-schema', '{"format": "json", "column": [');
  await page.locator('#sql-schema-invalid').waitFor();
  await page.fill('#sql-ref-csv', 'Ticker, Company\n"AMZN, Amazon');
  await page.locator('#sql-ref-invalid').waitFor();
  // Byte soup in the editor: errors, no panic.
  await page.fill('#sql-editor', 'SELECT STREAM (((( "\u0000 ; ;; WINDOWED BY STAGGER ( PARTITION');
  await page.locator('#sql-error-list li').first().waitFor();
  // Putting the example back runs again.
  await page.click('#sql-ex-tumbling');
  await page.locator('#sql-time').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});
