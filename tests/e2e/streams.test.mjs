// The Stream Lab end to end: the aws kinesis console, producers flooding a
// stream until a shard throttles, a split, retention after 24 h, and the
// exported history replayed by the real AWS CLI against `kinesis-lab serve`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { useLab, watchedPage, cliRoute, shot, CLI, OUTPUT } from './harness.mjs';

const lab = useLab();

async function open() {
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const watched = await watchedPage(context);
  await watched.page.goto(lab.server.base + '#/streams');
  await watched.page.locator('#console-input').waitFor();
  return { ...watched, context };
}

/** Runs a console command and returns its output text. */
async function run(page, command) {
  const before = await page.locator('.console-entry').count();
  await page.fill('#console-input', command);
  await page.press('#console-input', 'Enter');
  await page.locator('.console-entry').nth(before).waitFor();
  return page.locator('.console-entry').nth(before).locator('.console-out').innerText();
}

test('the console speaks aws kinesis, with CLI-like errors, completion and history', async () => {
  const { page, problems, context } = await open();
  assert.equal(await run(page, 'aws kinesis create-stream --stream-name orders --shard-count 2'), '{}');
  const put = JSON.parse(await run(page, 'aws kinesis put-record --stream-name orders --partition-key user-123 --data aGk='));
  assert.equal(put.ShardId, cliRoute(2, ['user-123'])[0].shard_id, 'the engine routes like kinesis-lab route');
  const it = JSON.parse(await run(page, `aws kinesis get-shard-iterator --stream-name orders --shard-id ${put.ShardId} --shard-iterator-type TRIM_HORIZON`));
  const got = JSON.parse(await run(page, `aws kinesis get-records --shard-iterator ${it.ShardIterator}`));
  assert.deepEqual(got.Records.map((r) => [r.PartitionKey, r.Data, r.SequenceNumber]), [['user-123', 'aGk=', put.SequenceNumber]]);

  assert.match(await run(page, 'aws kinesis put-recrd'), /Did you mean put-record/);
  assert.match(await run(page, 'aws kinesis describe-stream --stream-name nope'), /ResourceNotFoundException/);
  assert.match(await run(page, 'aws kinesis put-record --stream-name orders --data aGk='), /--partition-key/);
  assert.match(await run(page, 'aws kinesis put-record --stream-name orders --partition-key k --data %%%'), /SerializationException/);
  assert.equal(JSON.parse(await run(page, 'aws kinesis list-streams')).StreamNames.length, 1, 'errors changed nothing');

  await page.fill('#console-input', 'aws kinesis put-rec');
  await page.press('#console-input', 'Tab');
  assert.match(await page.locator('#console-hint').innerText(), /^put-record\s+put-records$/);
  await page.fill('#console-input', 'aws kinesis list-sh');
  await page.press('#console-input', 'Tab');
  assert.equal(await page.inputValue('#console-input'), 'aws kinesis list-shards ');
  await page.fill('#console-input', '');
  await page.press('#console-input', 'ArrowUp');
  assert.equal(await page.inputValue('#console-input'), 'aws kinesis list-streams');
  await shot(page, 'streams-console-en');

  // The address replays the session's successful commands.
  await page.waitForURL(/#\/streams\?s=1\./);
  const link = page.url();
  assert.deepEqual(problems, []);
  await context.close();
  const sharedContext = await lab.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const shared = { ...(await watchedPage(sharedContext)), context: sharedContext };
  await shared.page.goto(link);
  await shared.page.locator('.console-entry').first().waitFor();
  assert.deepEqual(JSON.parse(await run(shared.page, 'aws kinesis list-streams')).StreamNames, ['orders']);
  assert.equal(await shared.page.locator('.notice').count(), 0);
  await shared.context.close();
  const badContext = await lab.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const bad = { ...(await watchedPage(badContext)), context: badContext };
  await bad.page.goto(lab.server.base + '#/streams?s=1.%40%40');
  await bad.page.locator('.notice').waitFor();
  assert.match(await bad.page.locator('.notice').innerText(), /could not be read/);
  assert.deepEqual(bad.problems, []);
  await bad.context.close();
});

/** Pixels of a canvas that are not white: a drawn chart has many. */
async function inked(page, selector) {
  return page.locator(selector).evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) n++;
    return n;
  });
}

/** The latest value per shard a chart's label reports, as numbers. */
async function chartValues(page, stream, chart) {
  const label = await page.locator(`.charts[data-stream="${stream}"] canvas[data-chart="${chart}"]`).getAttribute('aria-label');
  const out = {};
  for (const m of label.matchAll(/shard (\d+): ([\d,.]+)/g)) out[m[1]] = Number(m[2].replace(/,/g, ''));
  return out;
}

test('charts, replay from a record, retention, 1000x and fast-forward with producers', async () => {
  const { page, problems, context } = await open();
  await run(page, 'aws kinesis create-stream --stream-name clicks --shard-count 2');
  await page.fill('#producer-rate', '3000');
  await page.selectOption('#producer-dist', 'device_type');
  await page.fill('#producer-bytes', '200');
  await page.click('#add-producer');
  await page.selectOption('#consumer-start', 'TRIM_HORIZON');
  await page.click('#add-consumer');
  for (let i = 0; i < 4; i++) await page.click('#step-second');
  await page.locator('#sim-time').getByText('Day 1, 00:00:04.000').waitFor();

  // Charts: one hot shard at the write limit and throttling, the other not.
  await page.locator('.charts[data-stream="clicks"]').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => /shard 0/.test(document.querySelector('canvas[data-chart="write-records"]')?.getAttribute('aria-label') ?? ''));
  const hotId = await page.locator('.shard-lane.hot').getAttribute('data-shard');
  const hot = String(Number(hotId.replace('shardId-', '')));
  const cold = hot === '0' ? '1' : '0';
  const written = await chartValues(page, 'clicks', 'write-records');
  const throttled = await chartValues(page, 'clicks', 'write-throttled');
  assert.equal(written[hot], 1000, `the hot shard writes at its limit: ${JSON.stringify(written)}`);
  assert.ok(written[cold] > 0 && written[cold] < 1000, JSON.stringify(written));
  assert.ok(throttled[hot] > 0 && throttled[cold] === 0, JSON.stringify(throttled));
  // What was accepted plus what was throttled is what the producer sent.
  assert.equal(written[hot] + written[cold] + throttled[hot], 3000);
  const calls = await chartValues(page, 'clicks', 'read-calls');
  assert.deepEqual(calls, { 0: 1, 1: 1 }, 'the polling consumer calls each shard once a second');
  for (const c of ['write-bytes', 'write-records', 'write-throttled', 'read-calls', 'cost']) {
    assert.ok(await inked(page, `.charts canvas[data-chart="${c}"]`) > 2000, `${c} is drawn`);
  }
  await shot(page, 'streams-charts-en');

  // Replay from one record: a bad number is refused and names the field.
  await page.selectOption('#consumer-start', 'AT_SEQUENCE_NUMBER');
  await page.fill('#consumer-seq', '12x');
  await page.click('#add-consumer');
  assert.match(await page.locator('#consumer-error').innerText(), /StartingSequenceNumber/);
  assert.equal(await page.locator('#consumer-table tbody tr').count(), 1);
  const rec = page.locator(`.shard-lane[data-shard="${hotId}"] button.rec`).first();
  const index = Number((await rec.locator('.rec-pos').innerText()).replace('#', ''));
  await rec.click();
  await page.locator('#consumer-seq:focus').waitFor();
  const seq = await page.inputValue('#consumer-seq');
  const it = JSON.parse(await run(page, `aws kinesis get-shard-iterator --stream-name clicks --shard-id ${hotId} --shard-iterator-type AT_SEQUENCE_NUMBER --starting-sequence-number ${seq}`));
  const got = JSON.parse(await run(page, `aws kinesis get-records --shard-iterator ${it.ShardIterator} --limit 1`));
  assert.equal(got.Records[0].SequenceNumber, seq, 'the lane record is the one at that sequence number');
  await page.click('#add-consumer');
  const row = page.locator('#consumer-table tr[data-consumer="consumer-2"]');
  assert.match(await row.locator('td').first().innerText(), new RegExp(`AT_SEQUENCE_NUMBER ${hotId}/#${index}`));
  await page.click('#step-second');
  await page.click('#step-second');
  const readBy = async (name) => Number((await page.locator(`#consumer-table tr[data-consumer="${name}"] .c-records`).innerText()).replace(/[^\d]/g, ''));
  assert.ok(await readBy('consumer-2') > 0 && await readBy('consumer-2') < await readBy('consumer-1'));
  assert.deepEqual(await page.locator('#consumer-table .c-order').allInnerTexts(), ['0', '0']);

  // Retention, from the stream's panel, through the console.
  await page.locator('.charts[data-stream="clicks"] select.retention').selectOption('168');
  assert.match(await page.locator('.console-entry').last().locator('.console-cmd').innerText(), /increase-stream-retention-period --stream-name clicks --retention-period-hours 168/);
  await page.locator('.stream-card .help').getByText(/168 h/).waitFor();

  // 1000x: the producers' load caps each tick, and the page says so.
  await page.selectOption('#lab-speed', '1000000');
  await page.locator('#speed-limited').waitFor();
  assert.match(await page.locator('#speed-limited').innerText(), /about 133×/);

  // Fast-forward an hour with a 50 rec/s producer running: exactly 180,000 more records.
  await page.locator('#producer-list button').first().click();
  await page.fill('#producer-rate', '50');
  await page.click('#add-producer');
  const kept = async () => (await page.locator('.shard-lane .shard-head .help').allInnerTexts())
    .filter((t) => /records kept/.test(t)).map((t) => Number(t.replace(/[^\d]/g, ''))).reduce((a, b) => a + b, 0);
  const before = await kept();
  await page.check('#keep-producing');
  await page.click('#skip-hour');
  await page.locator('#ff-bar').waitFor();
  await page.locator('#ff-bar').waitFor({ state: 'detached', timeout: 60_000 });
  await page.locator('#sim-time').getByText(/^Day 1, 01:00:0/).waitFor();
  const added = (await kept()) - before;
  assert.ok(Math.abs(added - 50 * 3600) <= 2, `an hour at 50 rec/s adds ${added}`);
  const behind = (await kept()) - (await readBy('consumer-1'));
  assert.ok(behind >= 0 && behind <= 60, `the consumer kept up through the hour (${behind} behind)`);

  // The address replays the whole session on a fresh page: the same time,
  // producers, consumers and, the engine being deterministic, the same records.
  await page.waitForURL(/#\/streams\?s=1\.[^&]+&t=\d+$/);
  const link = page.url();
  const here = {
    time: await page.locator('#sim-time').innerText(),
    kept: await kept(),
    producers: await page.locator('#producer-list').innerText(),
    consumers: await page.locator('#consumer-table tbody').innerText(),
    retention: await page.locator('.stream-card .help').first().innerText(),
  };
  const other = await lab.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const replayed = await watchedPage(other);
  await replayed.page.goto(link);
  await replayed.page.locator('#sim-time').getByText(here.time).waitFor();
  const p2 = replayed.page;
  const kept2 = (await p2.locator('.shard-lane .shard-head .help').allInnerTexts())
    .filter((t) => /records kept/.test(t)).map((t) => Number(t.replace(/[^\d]/g, ''))).reduce((a, b) => a + b, 0);
  assert.equal(kept2, here.kept);
  assert.equal(await p2.locator('#producer-list').innerText(), here.producers);
  assert.equal(await p2.locator('#consumer-table tbody').innerText(), here.consumers);
  assert.equal(await p2.locator('.stream-card .help').first().innerText(), here.retention);
  assert.equal(await p2.locator('.notice').count(), 0);
  assert.deepEqual(replayed.problems, []);
  await other.close();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a flood throttles the hot shard; split it; 24 h later the records are gone', async () => {
  const { page, problems, context } = await open();
  await run(page, 'aws kinesis create-stream --stream-name clicks --shard-count 2');
  await page.fill('#producer-rate', '3000');
  await page.selectOption('#producer-dist', 'device_type');
  await page.fill('#producer-bytes', '200');
  await page.click('#add-producer');
  assert.match(await page.locator('#producer-list').innerText(), /3000 rec\/s/);
  for (let i = 0; i < 3; i++) await page.click('#step-second');
  await page.locator('#sim-time').getByText('Day 1, 00:00:03.000').waitFor();
  // Replay: one consumer from LATEST, one from TRIM_HORIZON.
  await page.selectOption('#consumer-start', 'LATEST');
  await page.click('#add-consumer');
  await page.selectOption('#consumer-start', 'TRIM_HORIZON');
  await page.click('#add-consumer');
  await page.selectOption('#consumer-kind', 'efo');
  await page.selectOption('#consumer-start', 'LATEST');
  await page.click('#add-consumer');
  assert.match(await page.locator('.console-entry').last().locator('.console-cmd').innerText(), /register-stream-consumer --stream-arn arn:aws:kinesis:us-east-1:000000000000:stream\/clicks --consumer-name consumer-3/);
  // LATEST readers start at their first call, so give them two seconds.
  await page.click('#step-second');
  await page.click('#step-second');
  await page.locator('#sim-time').getByText('Day 1, 00:00:05.000').waitFor();
  const readBy = async (name) => Number((await page.locator(`#consumer-table tr[data-consumer="${name}"] .c-records`).innerText()).replace(/[^\d]/g, ''));
  const latest = await readBy('consumer-1');
  const horizon = await readBy('consumer-2');
  assert.ok(horizon > latest, `TRIM_HORIZON replays the backlog: ${horizon} > ${latest}`);
  const latency = async (name) => Number((await page.locator(`#consumer-table tr[data-consumer="${name}"] td:nth-child(5)`).innerText()).replace(/[^\d]/g, ''));
  assert.ok(await latency('consumer-3 (EFO)') < await latency('consumer-1'), 'pushed records arrive sooner than polled ones');
  const hot = page.locator('.shard-lane.hot');
  assert.equal(await hot.count(), 1, 'one shard takes the mobile traffic and throttles');
  assert.match(await hot.locator('.meter.throttle').innerText(), /^[1-9][\d,]* throttled\/s/);
  await shot(page, 'streams-hot-shard-en');

  // What the lane says it keeps is what GetRecords returns.
  const id = await hot.getAttribute('data-shard');
  const kept = Number((await hot.locator('.shard-head .help').last().innerText()).replace(/[^\d]/g, ''));
  const it = JSON.parse(await run(page, `aws kinesis get-shard-iterator --stream-name clicks --shard-id ${id} --shard-iterator-type TRIM_HORIZON`));
  const got = JSON.parse(await run(page, `aws kinesis get-records --shard-iterator ${it.ShardIterator}`));
  assert.equal(got.Records.length, kept);

  await hot.locator('button.split').click();
  assert.match(await page.locator('.console-entry').last().locator('.console-cmd').innerText(), /split-shard --stream-name clicks --shard-to-split/);
  assert.equal(await page.locator('.console-entry').last().locator('.console-out').innerText(), '{}');
  assert.equal(await page.locator(`.shard-lane[data-shard="${id}"] .badge.closed`).count(), 1);
  assert.equal(await page.locator('.shard-lane .badge.open').count(), 3);
  assert.match(await page.locator('#activity').innerText(), /SplitShard clicks/);
  // Reading parents first, the consumers see every key in order across the split.
  for (let i = 0; i < 3; i++) await page.click('#step-second');
  await page.locator('#sim-time').getByText('Day 1, 00:00:08.000').waitFor();
  assert.deepEqual(await page.locator('#consumer-table .c-order').allInnerTexts(), ['0', '0', '0']);
  assert.ok(await readBy('consumer-2') > horizon);
  await shot(page, 'streams-split-consumers-en');

  await page.click('#skip-day');
  await page.locator('#sim-time').getByText(/^Day 2/).waitFor();
  const counts = await page.locator('.shard-lane .shard-head .help').allInnerTexts();
  assert.ok(counts.filter((c) => /records kept/.test(c)).every((c) => c.startsWith('0 ')), counts.join(' | '));
  assert.match(await page.locator('#activity').innerText(), /retention expired/);
  // A day of shards shows on the bill; the mode can be switched from the card.
  const bill = Number((await page.locator('.bill-total').innerText()).replace('$', ''));
  assert.ok(bill > 0.5, `a day of 2-3 shards costs something: ${bill}`);
  await page.locator('.switch-mode').click();
  assert.match(await page.locator('.console-entry').last().locator('.console-cmd').innerText(), /update-stream-mode --stream-name clicks --stream-mode-details StreamMode=ON_DEMAND/);
  await page.locator('.stream-card .badge.mode').getByText('ON_DEMAND').waitFor();
  await page.locator('.bill summary').click();
  await shot(page, 'streams-after-24h-en');
  assert.deepEqual(problems, []);
  await context.close();
});

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

test('the exported history runs unchanged with the real AWS CLI against kinesis-lab serve', async (t) => {
  const aws = process.env.KINESIS_LAB_AWS;
  if (!aws) return t.skip('KINESIS_LAB_AWS not set');
  const { page, problems, context } = await open();
  await run(page, 'aws kinesis create-stream --stream-name replay --shard-count 3');
  await run(page, 'aws kinesis put-record --stream-name replay --partition-key a --data aGk=');
  await run(page, 'aws kinesis increase-stream-retention-period --stream-name replay --retention-period-hours 48');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-script')]);
  const file = path.join(OUTPUT, 'session.sh');
  await download.saveAs(file);
  const script = fs.readFileSync(file, 'utf8');
  assert.match(script, /kinesis create-stream --stream-name replay --shard-count 3/);
  await context.close();

  const port = await freePort();
  const endpoint = spawn(CLI, ['serve', '--port', String(port)], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 50; i++) {
      const up = await new Promise((r) => net.connect(port, '127.0.0.1').on('connect', function () { this.end(); r(true); }).on('error', () => r(false)));
      if (up) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const env = { ...process.env, PATH: `${path.dirname(aws)}:${process.env.PATH}`, ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'lab', AWS_SECRET_ACCESS_KEY: 'lab', AWS_DEFAULT_REGION: 'us-east-1' };
    execFileSync('sh', [file], { env, stdio: 'pipe' });
    const desc = JSON.parse(execFileSync(aws, ['--endpoint-url', env.ENDPOINT_URL, 'kinesis', 'describe-stream', '--stream-name', 'replay'], { env, encoding: 'utf8' }));
    assert.equal(desc.StreamDescription.Shards.length, 3);
    assert.equal(desc.StreamDescription.RetentionPeriodHours, 48);
  } finally {
    endpoint.kill();
  }
  assert.deepEqual(problems, []);
});
