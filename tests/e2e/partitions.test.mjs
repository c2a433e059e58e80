// "Where does my record go?" end to end: the built site, served from a
// sub-path, driven in headless Chromium and checked against the native CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, watchedPage, cliRoute, cliJson, shot } from './harness.mjs';

// A different sub-path from the other files, so both kinds of hosting are tried.
const lab = useLab('/kinesis-lab/');

async function open(hash = '', options = {}) {
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 900 }, ...options });
  const watched = await watchedPage(context);
  await watched.page.goto(lab.server.base + hash);
  await watched.page.locator('header.top').waitFor();
  return { ...watched, context };
}

const text = (page, sel) => page.locator(sel).innerText();

async function setShards(page, n) {
  await page.fill('#shards', String(n));
}

test('home page renders and links to the visualiser', async () => {
  const { page, problems, context } = await open();
  assert.match(await page.locator('h1').innerText(), /Kinesis Lab/);
  await shot(page, 'home-en');
  await page.getByRole('link', { name: 'Where does my record go?' }).first().click();
  await page.locator('#pk').waitFor();
  assert.match(page.url(), /\/kinesis-lab\/#\/partitions/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('typed keys land on the shard the CLI computes', async () => {
  const { page, problems, context } = await open('#/partitions');
  const keys = ['user-123', 'mobile', 'web', 'tablet', 'Xin chào', 'order#42', '🦀'];
  for (const shards of [1, 3, 7, 64]) {
    await setShards(page, shards);
    const expected = cliRoute(shards, keys);
    for (const [i, key] of keys.entries()) {
      await page.fill('#pk', key);
      assert.equal(await text(page, '#shard-id'), expected[i].shard_id, `${key} with ${shards} shards`);
      assert.equal(await text(page, '#hash-key'), expected[i].hash_key, `hash of ${key}`);
      // MD5 hex is the hash key in base 16.
      assert.equal(BigInt('0x' + (await text(page, '#md5'))).toString(), expected[i].hash_key);
    }
    // The range table has one row per shard and highlights the hit.
    assert.equal(await page.locator('#range-table tbody tr').count(), shards);
  }
  // The hit shard's row, its segment and the marker agree.
  await setShards(page, 3);
  await page.fill('#pk', 'user-123');
  const [exp] = cliRoute(3, ['user-123']);
  assert.equal(await page.locator('#range-table tbody tr.hit th').innerText(), exp.shard_id);
  assert.equal(await page.locator('.keyspace-svg rect.seg').count(), 3);
  assert.equal(await page.locator('.keyspace-svg rect.seg.hit').count(), 1);
  await shot(page, 'partitions-key-en');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an explicit hash key overrides the MD5', async () => {
  const { page, problems, context } = await open('#/partitions');
  await setShards(page, 7);
  await page.fill('#pk', 'anything');
  await page.check('#use-ehk');
  for (const ehk of ['0', '200000000000000000000000000000000000000', '340282366920938463463374607431768211455']) {
    await page.fill('#ehk', ehk);
    const [exp] = cliRoute(7, ['anything'], ['--explicit-hash-key', ehk]);
    assert.equal(await text(page, '#shard-id'), exp.shard_id, ehk);
    assert.equal(await text(page, '#hash-key'), ehk);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('bad input gets a message beside the field, and the last result stays', async () => {
  const { page, problems, context } = await open('#/partitions');
  await page.fill('#pk', 'user-123');
  const good = await text(page, '#shard-id');

  await page.fill('#pk', '');
  assert.match(await text(page, '#pk-error'), /PartitionKey is empty/);
  assert.equal(await page.getAttribute('#pk', 'aria-invalid'), 'true');
  assert.equal(await text(page, '#shard-id'), good, 'last valid route still shown');

  await page.fill('#pk', 'k'.repeat(257));
  assert.match(await text(page, '#pk-error'), /PartitionKey has 257 characters; Kinesis allows at most 256/);
  await page.fill('#pk', 'k'.repeat(256));
  assert.equal(await page.locator('#pk-error').innerText(), '');

  await page.check('#use-ehk');
  await page.fill('#ehk', '12x');
  assert.match(await text(page, '#ehk-error'), /ExplicitHashKey must be a whole decimal number/);
  await page.fill('#ehk', '340282366920938463463374607431768211456');
  assert.match(await text(page, '#ehk-error'), /ExplicitHashKey must be between 0 and 340282366920938463463374607431768211455/);
  await page.fill('#ehk', '007');
  assert.match(await text(page, '#ehk-error'), /no leading zeros/);

  await page.fill('#shards', '0');
  assert.match(await text(page, '#shards-error'), /Number of shards must be between 1 and 64/);
  await page.fill('#shards', '65');
  assert.match(await text(page, '#shards-error'), /between 1 and 64/);
  await page.fill('#rate', 'lots');
  assert.match(await text(page, '#rate-error'), /Records per second must be between 1 and 100000/);
  await shot(page, 'partitions-errors-en');
  assert.deepEqual(problems, []);
  await context.close();
});

/** Non-background pixels on the canvas: a blank chart is a failure. */
async function inkedPixels(page) {
  return page.evaluate(() => {
    const c = document.querySelector('#hist-canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++;
    return n;
  });
}

async function loadTable(page) {
  return page.locator('#load-table tbody tr td:first-of-type').allInnerTexts()
    .then((cells) => cells.map((c) => Number(c.replace(/[^\d]/g, ''))));
}

test('the histogram shows the engine\'s numbers and the hot shard', async () => {
  const { page, problems, context } = await open('#/partitions');
  await setShards(page, 8);
  await page.fill('#rate', '3000');
  await page.fill('#secs', '5');
  await page.fill('#seed', '7');
  await page.locator('#seed').dispatchEvent('change');

  for (const dist of ['device_type', 'user_ids', 'zipf']) {
    await page.check(`input[name=dist][value=${dist}]`);
    await page.click('#to-end');
    const engine = cliJson(['workload', '--dist', dist, '--shards', '8', '--rate', '3000', '--secs', '5', '--seed', '7']);
    assert.equal(await text(page, '#stat-total'), engine.total_records.toLocaleString('en-US'));
    assert.equal(await text(page, '#stat-over'), String(engine.shards_over_limit), dist);
    assert.equal(await text(page, '#stat-idle'), String(engine.idle_shards), dist);
    assert.deepEqual(await loadTable(page), engine.shards.map((s) => s.records), dist);
    assert.match(await text(page, '#stat-hottest'), new RegExp(`^shardId-${String(engine.hottest).padStart(12, '0')}`));
    await page.waitForFunction(() => document.querySelector('#hist-canvas').width > 0);
    await page.waitForTimeout(100); // one animation frame draws the chart
    assert.ok(await inkedPixels(page) > 2000, `chart drawn for ${dist}`);
    if (dist === 'device_type') {
      assert.ok(engine.shards_over_limit >= 1, 'low cardinality overloads a shard');
      await shot(page, 'partitions-hot-shard-en');
    }
    if (dist === 'user_ids') assert.equal(engine.shards_over_limit, 0);
  }

  // Played in simulated time: progress moves, then the run completes.
  await page.check('input[name=dist][value=device_type]');
  await page.fill('#secs', '2');
  await page.selectOption('#speed', '10');
  await page.click('#start');
  await page.waitForFunction(() => {
    const p = document.querySelector('#run-progress');
    return p.value > 0 && p.value < p.max;
  });
  await page.waitForFunction(() => {
    const p = document.querySelector('#run-progress');
    return Number(p.value) === Number(p.max);
  });
  const engine = cliJson(['workload', '--dist', 'device_type', '--shards', '8', '--rate', '3000', '--secs', '2', '--seed', '7']);
  assert.deepEqual(await loadTable(page), engine.shards.map((s) => s.records));
  assert.equal(await text(page, '#start'), 'Start');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the address is a share link, and a bad link gets a notice', async () => {
  const { page, problems, context } = await open('#/partitions');
  await setShards(page, 5);
  await page.fill('#pk', 'share me');
  // The address bar follows the view (updated by an effect, so wait for it).
  await page.waitForURL(/key=share(\+|%20)me/);
  const link = page.url();
  assert.match(link, /shards=5/);
  const shown = await text(page, '#shard-id');

  const second = await open(link.slice(lab.server.base.length));
  assert.equal(await second.page.inputValue('#pk'), 'share me');
  assert.equal(await second.page.inputValue('#shards'), '5');
  assert.equal(await text(second.page, '#shard-id'), shown);
  assert.deepEqual(second.problems, []);
  await second.context.close();

  const bad = await open('#/partitions?shards=zzz&dist=bogus&rate=-4&key=ok');
  assert.match(await text(bad.page, '.notice'), /dist, shards, rate/);
  assert.equal(await bad.page.inputValue('#shards'), '4');
  assert.equal(await text(bad.page, '#shard-id'), cliRoute(4, ['ok'])[0].shard_id);
  await shot(bad.page, 'partitions-bad-link-en');
  assert.deepEqual(bad.problems, []);
  await bad.context.close();

  const missing = await open('#/no-such-page');
  assert.match(await missing.page.locator('h1').innerText(), /Page not found/);
  assert.deepEqual(missing.problems, []);
  await missing.context.close();
  assert.deepEqual(problems, []);
  await context.close();
});

test('Vietnamese: switch, remembered after reload', async () => {
  const { page, problems, context } = await open('#/partitions');
  await page.selectOption('header select', 'vi');
  assert.equal(await page.locator('h1').innerText(), 'Record của tôi đi đâu?');
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  await page.fill('#pk', '');
  assert.match(await text(page, '#pk-error'), /PartitionKey đang trống/);
  await page.fill('#pk', 'user-123');
  await page.click('#to-end');
  await page.waitForTimeout(100);
  await shot(page, 'partitions-vi');
  await page.reload();
  await page.locator('#pk').waitFor();
  assert.equal(await page.locator('h1').innerText(), 'Record của tôi đi đâu?');
  await page.goto(lab.server.base);
  await page.locator('.hero').waitFor();
  await shot(page, 'home-vi');
  assert.deepEqual(problems, []);
  await context.close();
});

test('reduced motion turns the marker animation off; projector size renders', async () => {
  const { page, problems, context } = await open('#/partitions', { reducedMotion: 'reduce' });
  const duration = await page.locator('.marker').evaluate((el) => getComputedStyle(el).transitionDuration);
  assert.equal(duration, '0s');
  await context.close();

  const normal = await open('#/partitions');
  const animated = await normal.page.locator('.marker').evaluate((el) => getComputedStyle(el).transitionDuration);
  assert.notEqual(animated, '0s');
  await normal.context.close();

  const big = await open('#/partitions', { viewport: { width: 1920, height: 1080 } });
  await big.page.fill('#shards', '16');
  await big.page.click('#to-end');
  await big.page.waitForTimeout(100);
  await shot(big.page, 'partitions-projector-en');
  assert.deepEqual(big.problems, []);
  await big.context.close();
  assert.deepEqual(problems, []);
});
