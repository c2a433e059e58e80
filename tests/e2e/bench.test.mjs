// The benchmark page works: one run per workload gives a positive figure
// that a script can read. (Speed itself is measured by tests/bench/run.mjs,
// never asserted here.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { useLab, watchedPage, shot } from './harness.mjs';

const lab = useLab();

test('the benchmark page measures the engine in wasm and exposes the figures', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const { page, problems } = await watchedPage(context);
  await page.goto(lab.server.base + '#/bench?rounds=1');
  const result = page.locator('#bench-result');
  assert.equal(await result.getAttribute('data-state'), 'idle');
  await page.click('#bench-run');
  await page.waitForFunction(() => ['done', 'failed'].includes(document.querySelector('#bench-result').dataset.state));
  const data = await result.evaluate((el) => ({ ...el.dataset }));
  assert.equal(data.state, 'done', await page.locator('main').innerText());
  assert.equal(data.rounds, '1');
  assert.equal(data.records, '16000');
  for (const key of ['recordsPerSecond', 'uniqueRecordsPerSecond']) {
    assert.ok(Number(data[key]) > 0, `${key} = ${data[key]}`);
  }
  assert.equal(data.nativeTarget, '5000000');
  assert.ok(Math.abs(Number(data.ratio) - Number(data.recordsPerSecond) / Number(data.nativeTarget)) < 0.001, data.ratio);
  assert.match(await page.locator('#bench-repeated').innerText(), /^[\d,]+ records\/s$/);
  // The SQL engine's panel: one run of its tumbling workload.
  await page.click('#sql-bench-run');
  await page.waitForFunction(() => ['done', 'failed'].includes(document.querySelector('#sql-bench-result').dataset.state), null, { timeout: 120000 });
  const sql = await page.locator('#sql-bench-result').evaluate((el) => ({ ...el.dataset }));
  assert.equal(sql.state, 'done', await page.locator('main').innerText());
  assert.equal(sql.rows, '200000');
  assert.ok(Number(sql.rowsPerSecond) > 0 && Number(sql.outputRows) > 0, JSON.stringify(sql));
  assert.equal(sql.target, '1000000');
  assert.ok(Number(sql.slidingRowsPerSecond) > 0, JSON.stringify(sql));
  // GetRecords, the KCL lease cycle and Firehose GZIP: one round.
  await page.click('#workloads-bench-run');
  await page.waitForFunction(() => ['done', 'failed'].includes(document.querySelector('#workloads-bench-result').dataset.state), null, { timeout: 120000 });
  const wl = await page.locator('#workloads-bench-result').evaluate((el) => ({ ...el.dataset }));
  assert.equal(wl.state, 'done', await page.locator('main').innerText());
  for (const key of ['getRecordsPerSecond', 'kclLeaseOperationsPerSecond', 'kclSimulatedMinutesPerSecond', 'firehoseGzipRecordsPerSecond']) {
    assert.ok(Number(wl[key]) > 0, `${key} = ${wl[key]}`);
  }
  assert.equal(await page.locator('#scale-bench-result').getAttribute('data-state'), 'idle');
  await shot(page, 'bench-en');
  const serious = async () => (await new AxeBuilder({ page }).analyze()).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(await serious(), []);
  await page.selectOption('header select', 'vi');
  assert.match(await page.locator('#bench-repeated').innerText(), /^[\d.]+ record\/giây$/);
  assert.deepEqual(await serious(), []);
  assert.deepEqual(problems, []);
  await context.close();
});
