// Consumers page, first section: the same records read by N applications
// through shared polling and through enhanced fan-out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, watchedPage, shot } from './harness.mjs';

const lab = useLab();

const num = (t) => Number(t.replace(/[^\d]/g, ''));

async function column(page, table, cls) {
  return (await page.locator(`#${table} tbody .${cls}`).allInnerTexts()).map(num);
}

test('eight pollers share 5 calls/s and get throttled; pushed readers do not, and hear sooner', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const { page, problems } = await watchedPage(context);
  await page.goto(lab.server.base + '#/consumers');
  await page.locator('#fanout-apply').waitFor();

  // A bad count is refused, named, and the running comparison stays.
  await page.fill('#fanout-consumers', '21');
  await page.click('#fanout-apply');
  assert.match(await page.locator('#fanout').innerText(), /Consumer applications/);
  assert.equal(await page.locator('#fanout-poll tbody tr').count(), 5);

  await page.fill('#fanout-consumers', '8');
  await page.fill('#fanout-rate', '100');
  await page.fill('#fanout-bytes', '100');
  await page.press('#fanout-bytes', 'Enter');
  assert.equal(await page.locator('#fanout-poll tbody tr').count(), 8);
  assert.equal(await page.locator('#fanout-push tbody tr').count(), 8);
  for (let i = 0; i < 3; i++) await page.click('#fanout-step');
  await page.locator('#fanout-time').getByText('30.0 s').waitFor();

  const pollThrottled = await column(page, 'fanout-poll', 'c-throttled');
  const pushThrottled = await column(page, 'fanout-push', 'c-throttled');
  assert.ok(pollThrottled.reduce((a, b) => a + b, 0) > 0, `8 pollers exceed 5 calls/s: ${pollThrottled}`);
  assert.deepEqual(pushThrottled, Array(8).fill(0));
  assert.match(await page.locator('#fanout-poll-summary').innerText(), /8 GetRecords calls\/s against 5/);

  // Pushed records arrive after the documented propagation delay; polled ones later.
  const pushMs = num((await page.locator('#fanout').locator('p.help').first().innerText()).match(/about (\d+) ms/)[1]);
  const p50push = await column(page, 'fanout-push', 'c-p50');
  const p50poll = await column(page, 'fanout-poll', 'c-p50');
  assert.deepEqual(p50push, Array(8).fill(pushMs));
  assert.ok(p50poll.every((p) => p > pushMs), `polled medians ${p50poll}`);
  // Everyone pushed got every record written.
  const written = num((await page.locator('#fanout-push-summary').innerText()).match(/written: ([\d,]+)/)[1]);
  const pushed = await column(page, 'fanout-push', 'c-records');
  assert.ok(pushed.every((n) => n <= written && n >= written - 100 * 2), `${pushed} of ${written}`);

  const inked = await page.locator('#fanout-latency').evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) n++;
    return n;
  });
  assert.ok(inked > 3000, 'the latency chart is drawn');
  await shot(page, 'consumers-fanout-en');
  await page.selectOption('header select', 'vi');
  await page.locator('#fanout-title').getByText('Polling dùng chung hay enhanced fan-out?').waitFor();
  await shot(page, 'consumers-fanout-vi');
  assert.deepEqual(problems, []);
  await context.close();
});
