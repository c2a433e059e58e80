// Firehose page: a delivery stream with a JavaScript transform run in the
// sandboxed worker under a strict Content-Security-Policy (no 'unsafe-eval'
// on the page), records that fail landing under processing-failed/ in the
// numbers the engine counts, an object previewed and downloaded as real
// gzip, an endless loop stopped by the time limit, a bad buffer size named
// beside its field, axe and Vietnamese labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import { useLab, watchedPage, shot, OUTPUT, CSP, WORKER_CSP } from './harness.mjs';

const lab = useLab();

const num = (t) => Number(String(t).replace(/[^\d]/g, ''));

/** Opens the page with the harness's strict CSP on the document, even when
 * KINESIS_LAB_CSP=off (the worker script gets its own policy, which allows
 * evaluation: it is the one place that evaluates). */
async function openFirehose(context, lang = 'en') {
  await context.route((url) => url.pathname === '/lab/' || url.pathname === '/lab/index.html', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': CSP } });
  });
  await context.route((url) => url.pathname === '/lab/transform-worker.js', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': WORKER_CSP } });
  });
  // A same-origin script that tries to evaluate a string, as page code would
  // (code run through the DevTools protocol is exempt from the CSP).
  await context.route((url) => url.pathname === '/lab/csp-probe.js', (route) => route.fulfill({
    contentType: 'text/javascript',
    body: "window.__evalProbe = (() => { try { return String(new Function('return 1')()); } catch (e) { return e.name; } })();",
  }));
  const watched = await watchedPage(context);
  const { page } = watched;
  await page.goto(lab.server.base + '#/firehose');
  // Loaded before a reload, so no request is cut off half way.
  await page.locator('#fh-apply').waitFor();
  if (lang === 'vi') {
    await page.evaluate(() => {
      const p = JSON.parse(localStorage.getItem('kinesis-lab.progress') || '{"version":1}');
      p.lang = 'vi';
      localStorage.setItem('kinesis-lab.progress', JSON.stringify(p));
    });
    await page.reload();
  }
  await page.locator('#fh-apply').waitFor();
  return watched;
}

async function count(page, id) {
  return num(await page.locator(`#${id} dd`).innerText());
}

/** Waits until no invocation is in flight and the engine's counts stop moving. */
async function settle(page) {
  await page.waitForFunction(() => !document.querySelector('#fh-busy')?.textContent.trim());
}

/** Objects in the bucket: key, kind and records, as the browser lists them. */
async function objects(page) {
  return page.locator('#fh-objects button[data-key]').evaluateAll((bs) =>
    bs.map((b) => ({ key: b.dataset.key, kind: b.dataset.kind, records: Number(b.dataset.records) })));
}

async function download(page) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#fh-download')]);
  const file = path.join(OUTPUT, `firehose-${dl.suggestedFilename()}`);
  await dl.saveAs(file);
  return { name: dl.suggestedFilename(), bytes: fs.readFileSync(file), file };
}

/** The rows of a Parquet file as pyarrow reads them, as JSON objects with
 * timestamps written the way the page writes them (UTC, `yyyy-MM-dd HH:mm:ss[.ffffff]`). */
function readParquet(file) {
  const venv = process.env.KINESIS_LAB_AWS
    ? path.dirname(process.env.KINESIS_LAB_AWS)
    : path.resolve(import.meta.dirname, '../../target/endpoint-venv/bin');
  const script = [
    'import sys, json, datetime, pyarrow.parquet as pq',
    'def cell(v):',
    '    if isinstance(v, datetime.datetime):',
    '        s = v.strftime("%Y-%m-%d %H:%M:%S")',
    '        return s + (".%06d" % v.microsecond if v.microsecond else "")',
    '    return v',
    'for row in pq.read_table(sys.argv[1]).to_pylist():',
    '    print(json.dumps({k: cell(v) for k, v in row.items()}))',
  ].join('\n');
  const out = execFileSync(path.join(venv, 'python'), ['-c', script, file], { encoding: 'utf8' });
  return out.trim().split('\n').map((l) => JSON.parse(l));
}

// Fails the records whose amount is over 400 (a thrown error caught per
// record), marks the others; the page sends amounts 1–500.
const PER_RECORD = `function check(rec) {
  if (rec.amount > 400) throw new Error('amount too large: ' + rec.amount);
  rec.checked = true;
  return rec;
}
function handler(event) {
  return {
    records: event.records.map((r) => {
      const rec = JSON.parse(Buffer.from(r.data, 'base64').toString('utf8'));
      try {
        const out = JSON.stringify(check(rec)) + '\\n';
        return { recordId: r.recordId, result: 'Ok', data: Buffer.from(out, 'utf8').toString('base64') };
      } catch (e) {
        console.log('failed', r.recordId, e.message);
        return { recordId: r.recordId, result: 'ProcessingFailed', data: r.data };
      }
    }),
  };
}
`;

test('a JS transform fails some records: they land under processing-failed/ in the numbers the engine counts; objects preview and download as real gzip', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  const { page, problems } = await openFirehose(context);

  // The page itself may not evaluate strings (the CSP holds) …
  await page.addScriptTag({ url: 'csp-probe.js' });
  assert.equal(await page.evaluate(() => window.__evalProbe), 'EvalError', 'no unsafe-eval on the page');
  // (the refusal is reported on the console and as a CSP violation, which
  // the harness records; it is the test's own probe)
  const refused = (p) => /unsafe-eval|Refused to evaluate|CSP violation: script-src\S* blocked eval/.test(p);
  while (!problems.some((p) => /CSP violation: script-src\S* blocked eval/.test(p))) await page.waitForTimeout(20);
  problems.splice(0, problems.length, ...problems.filter((p) => !refused(p)));

  await page.fill('#fh-rate', '200');
  await page.fill('#fh-size', '1');
  await page.fill('#fh-interval', '60');
  await page.selectOption('#fh-compression', 'GZIP');
  await page.selectOption('#fh-transform', 'js');
  await page.locator('#fh-js').waitFor();
  assert.match(await page.inputValue('#fh-js'), /function handler\(event\)/, 'seeded with the starter');
  await page.fill('#fh-js', PER_RECORD);
  await page.fill('#fh-retries', '2');
  await page.click('#fh-apply');
  assert.equal(await page.locator('#fh-config .error[role="alert"]:not(:empty)').count(), 0);
  await page.locator('#fh-buffer').waitFor();

  // Three simulated minutes, one step at a time (each step waits for the
  // worker): the processor's first interval ends just after 60 s, so the
  // first invocation is at 120 s and its records are delivered at 180 s.
  for (let i = 0; i < 3; i++) {
    await page.click('#fh-step');
    await settle(page);
  }
  await page.locator('#fh-deliveries tbody tr').first().waitFor();
  const reasons = await page.locator('#fh-deliveries tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.reason));
  assert.ok(reasons.every((r) => r === 'time'), `1 MiB is not reached at 200 records/s: ${reasons}`);
  assert.ok(num(await page.locator('#fh-invocations').innerText()) >= 1, 'the worker was invoked');

  // Stop the producer, flush, and let the last invocation and delivery finish.
  await page.click('#fh-flush');
  await settle(page);
  await page.click('#fh-step');
  await settle(page);
  await page.waitForFunction(() => Number(document.querySelector('#fh-in-flight dd')?.textContent.replace(/\D/g, '')) === 0);

  const received = await count(page, 'fh-received');
  const delivered = await count(page, 'fh-delivered');
  const failed = await count(page, 'fh-failed');
  assert.ok(received >= 36_000, `${received} received in three minutes`);
  assert.equal(delivered + failed + (await count(page, 'fh-dropped')), received, 'every record is somewhere');
  // Amounts are uniform over 1–500: about a fifth fail.
  assert.ok(failed > received * 0.15 && failed < received * 0.25, `${failed} of ${received} failed`);

  const objs = await objects(page);
  const errorObjs = objs.filter((o) => o.key.startsWith('processing-failed/'));
  const dataObjs = objs.filter((o) => o.kind === 'data');
  assert.ok(errorObjs.length >= 1, 'objects under processing-failed/');
  assert.ok(errorObjs.every((o) => o.kind === 'error'));
  assert.equal(errorObjs.reduce((n, o) => n + o.records, 0), failed, 'error prefix records = the engine\'s count');
  assert.equal(dataObjs.reduce((n, o) => n + o.records, 0), delivered, 'delivered records = objects\' records');
  for (const o of dataObjs) assert.match(o.key, /^\d{4}\/\d{2}\/\d{2}\/\d{2}\/lab-delivery-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}\.gz$/, o.key);

  // Preview and download a delivered object: the download is gzip whose
  // content is the preview, every line a checked record with amount ≤ 400.
  const first = dataObjs[0];
  await page.click(`#fh-objects button[data-key="${first.key}"]`);
  const preview = await page.locator('#fh-preview-text').innerText();
  const got = await download(page);
  assert.equal(got.name, first.key.split('/').pop());
  assert.deepEqual([...got.bytes.subarray(0, 2)], [0x1f, 0x8b], 'gzip magic');
  const text = zlib.gunzipSync(got.bytes).toString('utf8');
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, first.records);
  if (text.length <= 64 * 1024) assert.equal(preview.trimEnd(), text.trimEnd());
  else assert.ok(text.startsWith(preview.slice(0, 1000)));
  for (const l of lines) {
    const rec = JSON.parse(l);
    assert.equal(rec.checked, true);
    assert.ok(rec.amount >= 1 && rec.amount <= 400, l);
  }

  // A processing-failed object: the documented JSON lines, the raw record inside.
  const errObj = errorObjs[0];
  await page.click(`#fh-objects button[data-key="${errObj.key}"]`);
  const errDl = await download(page);
  const errText = errDl.bytes[0] === 0x1f ? zlib.gunzipSync(errDl.bytes).toString('utf8') : errDl.bytes.toString('utf8');
  const errLines = errText.trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(errLines.length, errObj.records);
  for (const e of errLines) {
    for (const k of ['attemptsMade', 'arrivalTimestamp', 'errorCode', 'errorMessage', 'attemptEndingTimestamp', 'rawData', 'lambdaArn']) {
      assert.ok(k in e, `${k} in ${JSON.stringify(e)}`);
    }
    const raw = JSON.parse(Buffer.from(e.rawData, 'base64').toString('utf8'));
    assert.ok(raw.amount > 400, `failed record has amount ${raw.amount}`);
  }
  await page.locator('#fh-transform-log details summary').click();
  assert.match(await page.locator('#fh-logs').innerText(), /log: failed \d+ amount too large/);

  const axe = await new AxeBuilder({ page }).analyze();
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
  await shot(page, 'firehose-en');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a transform that throws is retried, then its batch fails with the reason; an endless loop is stopped after 2 s and the page goes on', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 768 } });
  const { page, problems } = await openFirehose(context);
  await page.fill('#fh-rate', '50');
  await page.fill('#fh-interval', '60');
  await page.selectOption('#fh-transform', 'js');
  await page.fill('#fh-js', "function handler(event) { throw new Error('boom'); }");
  await page.fill('#fh-retries', '1');
  await page.click('#fh-apply');
  await page.click('#fh-step');
  await page.click('#fh-step');
  await settle(page);
  await page.locator('#fh-last-error').getByText('threw: Error: boom').waitFor();
  assert.equal(num(await page.locator('#fh-invocations').innerText()), 2, 'one invocation and one retry');
  assert.ok((await count(page, 'fh-retries')) >= 1);
  await page.click('#fh-flush');
  await settle(page);
  await page.click('#fh-step');
  await settle(page);
  const failed = await count(page, 'fh-failed');
  assert.equal(failed, await count(page, 'fh-received'), 'every record failed');
  const errs = (await objects(page)).filter((o) => o.key.startsWith('processing-failed/'));
  assert.equal(errs.reduce((n, o) => n + o.records, 0), failed);
  await page.click(`#fh-objects button[data-key="${errs[0].key}"]`);
  const line = JSON.parse((await page.locator('#fh-preview-text').innerText()).split('\n')[0]);
  assert.equal(line.attemptsMade, 2);
  assert.match(line.errorMessage, /threw: Error: boom/);

  // An endless loop: the worker is terminated after 2 s, no retry left.
  await page.fill('#fh-js', 'function handler(event) { for (;;) {} }');
  await page.fill('#fh-retries', '0');
  await page.click('#fh-apply');
  await page.click('#fh-step');
  const t0 = Date.now();
  await page.click('#fh-step');
  await page.locator('#fh-last-error').getByText(/timed out after 2 s/).waitFor({ timeout: 15_000 });
  assert.ok(Date.now() - t0 >= 2_000, 'the limit is 2 s of wall time');
  await settle(page);
  // The page still answers: its clock runs and a fresh worker takes the next call.
  await page.click('#fh-js-reset');
  assert.match(await page.inputValue('#fh-js'), /passes every record through unchanged/);
  await page.click('#fh-apply');
  for (let i = 0; i < 3; i++) {
    await page.click('#fh-step');
    await settle(page);
  }
  await page.locator('#fh-deliveries tbody tr').first().waitFor();
  assert.equal(await page.locator('#fh-last-error').count(), 0);
  assert.ok((await count(page, 'fh-delivered')) > 0, 'a fresh worker transformed the next batch');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a bad buffer size is named beside its field; the page reads in Vietnamese', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 768 } });
  const { page, problems } = await openFirehose(context);
  await page.fill('#fh-size', '200');
  await page.click('#fh-apply');
  assert.match(await page.locator('#fh-size-error').innerText(), /Buffer size \(MiB\).*between 1 and 128 MiB/);
  assert.equal(await page.getAttribute('#fh-size', 'aria-invalid'), 'true');
  assert.equal(await page.locator('#fh-buffer').count(), 0, 'nothing was created');
  await page.fill('#fh-size', 'lots');
  await page.press('#fh-size', 'Enter');
  assert.match(await page.locator('#fh-size-error').innerText(), /whole number/);
  await page.fill('#fh-size', '5');
  await page.selectOption('#fh-conversion', 'parquet');
  await page.click('#fh-apply');
  assert.match(await page.locator('#fh-size-error').innerText(), /64/, 'conversion needs at least 64 MiB');
  assert.match(await page.locator('#fh-orc-note').innerText(), /ORC/);
  await page.fill('#fh-size', '64');
  await page.click('#fh-apply');
  assert.equal(await page.locator('#fh-config .error[role="alert"]:not(:empty)').count(), 0);
  assert.equal(await page.inputValue('#fh-compression'), 'UNCOMPRESSED', 'Parquet is compressed inside');
  // A converted object downloads as Parquet, encoded by the lazily loaded worker.
  await page.click('#fh-step');
  await page.click('#fh-step');
  const parquet = (await objects(page)).find((o) => o.kind === 'data');
  assert.ok(parquet, 'a converted object');
  await page.click(`#fh-objects button[data-key="${parquet.key}"]`);
  const pq = await download(page);
  assert.equal(pq.bytes.subarray(0, 4).toString('latin1'), 'PAR1');
  assert.equal(pq.bytes.subarray(pq.bytes.length - 4).toString('latin1'), 'PAR1');
  // pyarrow (an independent reader, pinned in tests/endpoint/requirements.txt)
  // reads the downloaded file: the same rows the page previews, row for row.
  const preview = (await page.locator('#fh-preview-text').innerText()).trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(preview.length > 0, 'the Parquet object previews its rows');
  const fromPyarrow = readParquet(pq.file);
  assert.equal(fromPyarrow.length, parquet.records, 'pyarrow reads as many rows as the bucket lists');
  assert.deepEqual(fromPyarrow.slice(0, preview.length), preview);
  assert.deepEqual(problems, []);
  await context.close();

  const vi = await lab.browser.newContext({ viewport: { width: 1366, height: 768 } });
  const w = await openFirehose(vi, 'vi');
  const body = await w.page.locator('main').innerText();
  for (const label of ['Kích thước bộ đệm (MiB)', 'Thời gian đệm (giây)', 'Biến đổi dữ liệu (Lambda)', 'Nén', 'Đích', 'Tạo delivery stream']) {
    assert.ok(body.includes(label), `${label} on the page`);
  }
  await w.page.fill('#fh-size', '0');
  await w.page.click('#fh-apply');
  assert.match(await w.page.locator('#fh-size-error').innerText(), /phải nằm trong khoảng 1 đến 128 MiB/);
  await w.page.fill('#fh-size', '1');
  await w.page.click('#fh-apply');
  await w.page.click('#fh-step');
  await settle(w.page);
  const axe = await new AxeBuilder({ page: w.page }).analyze();
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
  await shot(w.page, 'firehose-vi');
  assert.deepEqual(w.problems, []);
  await vi.close();
});

test('destinations: a failing HTTP endpoint is retried, then its batches land under http-endpoint-failed/; Redshift rows page; OpenSearch finds the documents', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 768 } });
  const { page, problems } = await openFirehose(context);
  await page.fill('#fh-rate', '20');

  await page.selectOption('#fh-destination', 'http');
  await page.check('#fh-endpoint-fail');
  await page.fill('#fh-retry', '60');
  await page.fill('#fh-latency', '500');
  await page.click('#fh-apply');
  for (let i = 0; i < 4; i++) await page.click('#fh-step');
  await page.locator('#fh-attempts tbody tr').first().waitFor();
  const outcomes = await page.locator('#fh-attempts tbody tr').evaluateAll((rs) => rs.map((r) => r.className));
  assert.ok(outcomes.length >= 2 && outcomes.every((c) => c === 'fail'), `${outcomes}`);
  const failedOut = (await objects(page)).filter((o) => o.key.startsWith('http-endpoint-failed/'));
  assert.ok(failedOut.length >= 1);
  assert.equal(failedOut.reduce((n, o) => n + o.records, 0), await count(page, 'fh-failed'));
  assert.equal(await count(page, 'fh-delivered'), 0);
  const targets = await page.locator('#fh-deliveries tbody tr td:last-child').allInnerTexts();
  assert.ok(targets.some((t) => t.startsWith('http-endpoint-failed/')), `${targets}`);

  await page.selectOption('#fh-destination', 'redshift');
  await page.click('#fh-apply');
  for (let i = 0; i < 2; i++) await page.click('#fh-step');
  await page.locator('#fh-redshift-table tbody tr').first().waitFor();
  const pageText = await page.locator('#fh-rs-page').innerText();
  const rows = num(pageText.match(/\(([\d,]+) rows\)/)[1]);
  assert.equal(rows, await count(page, 'fh-delivered'), 'every delivered record is a row');
  assert.match(pageText, /^Page 1 of \d+/);
  const firstCell = await page.locator('#fh-redshift-table tbody tr td').first().innerText();
  await page.click('#fh-rs-next');
  await page.locator('#fh-rs-page').getByText(/^Page 2 of/).waitFor();
  assert.notEqual(await page.locator('#fh-redshift-table tbody tr').first().innerText(), firstCell);
  assert.equal(await page.locator('#fh-redshift-table tbody tr').count(), 10);

  await page.selectOption('#fh-destination', 'opensearch');
  await page.click('#fh-apply');
  for (let i = 0; i < 2; i++) await page.click('#fh-step');
  await page.click('#fh-os-search');
  const all = Number(await page.locator('#fh-os-hits').getAttribute('data-hits'));
  assert.ok(all > 0);
  assert.equal(all, await count(page, 'fh-delivered'), 'a blank search lists every document');
  const doc = JSON.parse(await page.locator('.fh-docs li code').first().innerText());
  await page.fill('#fh-os-query', doc.user);
  await page.press('#fh-os-query', 'Enter');
  await page.waitForFunction((n) => Number(document.querySelector('#fh-os-hits').dataset.hits) < n, all);
  const hits = await page.locator('.fh-docs li code').allInnerTexts();
  assert.ok(hits.length >= 1 && hits.every((h) => JSON.parse(h).user === doc.user), `${hits}`);
  await shot(page, 'firehose-opensearch');
  assert.deepEqual(problems, []);
  await context.close();
});
