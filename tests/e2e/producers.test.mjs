// Producers page, KPL section: the same workload without and with
// aggregation, and one aggregated record taken apart, checked against the
// native `kinesis-lab kpl deaggregate`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { useLab, watchedPage, shot, CLI } from './harness.mjs';

const lab = useLab();

const num = (t) => Number(t.replace(/[^\d]/g, ''));

/** A side's row: [per second, total] as numbers. */
async function metric(page, side, key) {
  const row = page.locator(`#${side} tr[data-metric="${key}"]`);
  return [num(await row.locator('.c-rate').innerText()), num(await row.locator('.c-total').innerText())];
}

test('5,000 small records/s into one shard: aggregation gets them all in, without it the shard caps at 1,000/s', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const { page, problems } = await watchedPage(context);
  await page.goto(lab.server.base + '#/producers');
  await page.locator('#kpl-apply').waitFor();

  // Bad settings are refused and named; the defaults stay.
  await page.fill('#kpl-rmbt', '20');
  await page.fill('#kpl-shards', '9');
  await page.click('#kpl-apply');
  const text = await page.locator('#kpl').innerText();
  assert.match(text, /RecordMaxBufferedTime \(ms\) must be between 100 and 60000/);
  assert.match(text, /Number of shards must be between 1 and 4/);
  await page.fill('#kpl-rmbt', '100');
  await page.fill('#kpl-shards', '1');
  await page.press('#kpl-shards', 'Enter');
  assert.equal(await page.locator('#kpl .error:not(:empty)').count(), 0);

  // 20 simulated seconds.
  await page.click('#kpl-step');
  await page.click('#kpl-step');
  await page.locator('#kpl-time').getByText('20.0 s').waitFor();

  const [, added] = await metric(page, 'kpl-plain', 'user-in');
  assert.ok(added >= 100_000 && added <= 100_010, `${added} added`);
  assert.deepEqual((await metric(page, 'kpl-agg', 'user-in'))[1], added, 'the same workload on both sides');

  const [plainRate, plainPut] = await metric(page, 'kpl-plain', 'kinesis-put');
  assert.ok(plainRate <= 1_000, `without aggregation ${plainRate} Kinesis records/s`);
  assert.ok(plainPut <= 21_000, `${plainPut} in 20 s, one second of burst`);
  const [, plainStored] = await metric(page, 'kpl-plain', 'user-put');
  assert.ok(plainStored * 4 < added, `most never get in: ${plainStored} of ${added}`);

  const [, aggStored] = await metric(page, 'kpl-agg', 'user-put');
  assert.ok(aggStored + 1_000 >= added, `with aggregation ${aggStored} of ${added} stored`);
  assert.deepEqual(await metric(page, 'kpl-agg', 'throttled'), [0, 0]);
  const [aggKib] = await metric(page, 'kpl-agg', 'bytes');
  assert.ok(aggKib > 400 && aggKib <= 1_024, `${aggKib} KiB/s within 1 MiB/s`);
  const [aggKinesisRate] = await metric(page, 'kpl-agg', 'kinesis-put');
  assert.ok(aggKinesisRate < 100, `${aggKinesisRate} Kinesis records/s carry 5,000 user records/s`);

  // The charts are drawn.
  for (const id of ['kpl-plain-chart', 'kpl-agg-chart']) {
    const inked = await page.locator(`#${id}`).evaluate((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) n++;
      return n;
    });
    assert.ok(inked > 3000, `${id} is drawn`);
  }

  // The decoded record agrees with the native deaggregator.
  const b64 = await page.locator('#kpl-anatomy').getAttribute('data-b64');
  const users = execFileSync(CLI, ['kpl', 'deaggregate'], { input: b64 + '\n', encoding: 'utf8' })
    .trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(num(await page.locator('#kpl-record-count').innerText()), users.length);
  assert.equal(num(await page.locator('#kpl-pk-count').innerText()), new Set(users.map((u) => u.PartitionKey)).size);
  assert.equal(await page.locator('#kpl-magic').innerText(), 'F3 89 9A C2');
  const firstRows = await page.locator('#kpl-records tbody tr td:nth-child(3)').allInnerTexts();
  assert.deepEqual(firstRows, users.slice(0, firstRows.length).map((u) => u.PartitionKey));
  await shot(page, 'producers-kpl-en');

  // One flipped bit: the MD5 check refuses the record.
  await page.click('#kpl-corrupt');
  assert.match(await page.locator('#kpl-refused').innerText(), /MD5 mismatch/);
  await page.click('#kpl-corrupt');
  await page.locator('#kpl-anatomy').waitFor();

  await page.selectOption('header select', 'vi');
  await page.locator('#kpl-title').getByText('KPL: aggregation vượt qua giới hạn số record mỗi giây').waitFor();
  await shot(page, 'producers-kpl-vi');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a longer RecordMaxBufferedTime means later records', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const { page, problems } = await watchedPage(context);
  await page.goto(lab.server.base + '#/producers');
  await page.locator('#kpl-apply').waitFor();
  const meanLatency = async (rmbt) => {
    await page.fill('#kpl-rate', '200');
    await page.fill('#kpl-rmbt', String(rmbt));
    await page.click('#kpl-apply');
    await page.click('#kpl-step');
    await page.locator('#kpl-time').getByText('10.0 s').waitFor();
    const text = await page.locator('#kpl-agg tr[data-metric="latency"] .c-total').innerText();
    return num(text.split('/')[0]);
  };
  const short = await meanLatency(100);
  const long = await meanLatency(1000);
  assert.ok(long - short > 300, `mean ${short} ms → ${long} ms`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('record templates preview and name the spot of an error; the agent tails a log; IoT keys spread or not', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const { page, problems } = await watchedPage(context);
  await page.goto(lab.server.base + '#/producers');
  await page.locator('#tpl-preview').waitFor();

  const rows = page.locator('#tpl-preview tbody tr');
  assert.equal(await rows.count(), 5);
  for (let i = 0; i < 5; i++) {
    const data = JSON.parse(await rows.nth(i).locator('td').nth(1).innerText());
    assert.match(data.user, /^user-\d+$/);
    assert.ok(data.amount >= 1 && data.amount <= 500);
    assert.match(data.ts, /^2026-01-01T00:00:0\d\.\d{3}Z$/);
  }
  const [, bytes, perShard] = (await page.locator('#tpl-size').innerText()).match(/([\d.]+) bytes.*at most ([\d,]+)/);
  assert.equal(num(perShard), Math.min(1000, Math.floor(1048576 / Number(bytes))) , 'the record size decides nothing below 1 KiB');

  await page.fill('#tpl-data', '{"a":{{numbr 1 5}}}');
  const err = await page.locator('.template-error').innerText();
  assert.match(err, /line 1, column 8: there is no helper `numbr`/);
  assert.match(err, /\{"a":\{\{numbr 1 5\}\}\}\n {7}\^/);
  assert.equal(await page.locator('#tpl-preview').count(), 0);
  await page.fill('#tpl-data', 'GET /p/{{number 1 9}}');
  await page.locator('#tpl-preview').waitFor();

  // The agent: 50 lines/s, buffers sent when their first line is 5 s old.
  await page.click('#agent-step');
  await page.locator('#agent-time').getByText('10.0 s').waitFor();
  const stat = async (id) => num(await page.locator(`#${id} dd`).innerText());
  const written = await stat('agent-written');
  assert.ok(written >= 500 && written <= 501, `${written}`);
  assert.equal(await stat('agent-calls'), 1, 'one buffer went at 5 s; the next goes at 10.02 s');
  assert.equal(await stat('agent-put') + await stat('agent-buffered') + await stat('agent-retrying'), written);
  assert.equal(await stat('agent-behind'), await stat('agent-file-size') - await stat('agent-checkpoint'));
  const tail = (await page.locator('#agent-tail').innerText()).split('\n');
  assert.equal(tail.length, 8);
  for (const line of tail) assert.match(line, /^\d+\.\d+\.\d+\.\d+ - - \[2026-01-01T00:00:\d\d\.\d{3}Z\] "GET \/products\/product-\d+ HTTP\/1\.1" (200|404) \d+$/);
  await page.fill('#agent-age', '10');
  await page.click('#agent-apply');
  assert.match(await page.locator('#agent').innerText(), /maxBufferAgeMillis must be between 1000 and 900000/);

  const used = async () => (await page.locator('#iot-sample table.per-shard td').allInnerTexts()).map(num).filter((n) => n > 0).length;
  assert.ok(await used() <= 3, 'three sensors keyed by topic use at most three shards');
  await page.selectOption('#iot-key', 'uuid');
  await page.locator('#iot-sample p.mono').getByText(/PartitionKey: [0-9a-f-]{36}/).waitFor();
  assert.equal(await used(), 4);
  const cwl = JSON.parse(await page.locator('#cwl-sample pre').innerText());
  assert.equal(cwl.messageType, 'DATA_MESSAGE');
  assert.equal(cwl.logEvents.length, 3);

  await page.locator('#sources').scrollIntoViewIfNeeded();
  await shot(page, 'producers-sources-en');
  assert.deepEqual(problems, []);
  await context.close();
});
