// Consumers page, KCL section: kill a worker and watch its leases move after
// the failover time, the re-delivered records counted, idle workers when
// there are more workers than shards, a split, bad input, both languages.
// Time moves only by the section's step buttons, so nothing depends on the
// speed of the machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { useLab, watchedPage, shot } from './harness.mjs';

const lab = useLab();

const num = (t) => Number(t.replace(/[^\d]/g, ''));
const FAILOVER_MS = 10_000;

/** Steps simulated time by `seconds` with the +10 s and +1 s buttons. */
async function advance(page, seconds) {
  const start = Number(await page.locator('#kcl-time').getAttribute('data-ms'));
  for (let s = seconds; s > 0;) {
    if (s >= 10) { await page.click('#kcl-step10'); s -= 10; } else { await page.click('#kcl-step'); s -= 1; }
  }
  await page.locator(`#kcl-time[data-ms="${start + seconds * 1000}"]`).waitFor();
}

const app = (page, name) => page.locator(`.kcl-app[data-app="${name}"]`);

async function stat(page, name, key) {
  return num(await app(page, name).locator(`.kcl-stat[data-stat="${key}"] dd .n`).innerText());
}

/** Lease rows of an application: key, owner, checkpoint position. */
async function leases(page, name) {
  return app(page, name).locator('table.kcl-leases tbody tr').evaluateAll((rows) => rows.map((r) => ({
    key: r.dataset.lease,
    owner: r.querySelector('.c-owner').dataset.owner ?? null,
    checkpoint: r.querySelector('.c-checkpoint').dataset.checkpoint,
    seq: r.querySelector('.c-checkpoint').dataset.seqIndex === undefined ? null : Number(r.querySelector('.c-checkpoint').dataset.seqIndex),
    parents: r.querySelector('.c-parent').innerText.trim(),
  })));
}

/** The event log, oldest first, as the data attributes give it. */
async function log(page) {
  const items = await page.locator('#kcl-log li').evaluateAll((lis) => lis.map((li) => ({ ...li.dataset })));
  return items.reverse().map((e) => ({
    ...e,
    at: Number(e.at),
    first: e.first === undefined ? undefined : Number(e.first),
    last: e.last === undefined ? undefined : Number(e.last),
    duplicates: e.duplicates === undefined ? undefined : Number(e.duplicates),
  }));
}

test('kill a worker: its leases move after the failover time and the records since the checkpoint come back', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const { page, problems } = await watchedPage(context);
  await page.goto(lab.server.base + '#/consumers');
  await app(page, 'order-service').locator('table.kcl-leases tbody tr').first().waitFor();
  await page.check('#kcl-show-batches');

  // A minute and a bit: the two workers have evened out their four leases
  // (the first took all four, the second stole one at a time), and the
  // last checkpoints are a few seconds old.
  await advance(page, 65);
  const rows = await leases(page, 'order-service');
  assert.equal(rows.length, 4);
  const owners = [...new Set(rows.map((r) => r.owner))];
  assert.equal(owners.length, 2, JSON.stringify(rows));
  for (const o of owners) assert.equal(rows.filter((r) => r.owner === o).length, 2);
  await shot(page, 'kcl-balanced-en');

  // Kill one worker. What it processed after each lease's checkpoint, from
  // the log and the table, is what its successor will process again.
  const victim = owners[0];
  const victimLeases = rows.filter((r) => r.owner === victim);
  const before = await stat(page, 'order-service', 'duplicates');
  const history = await log(page);
  const expected = new Set();
  for (const lease of victimLeases) {
    assert.notEqual(lease.seq, null, `${lease.key} has a checkpoint`);
    const lastCheckpoint = history.filter((e) => e.kind === 'checkpointed' && e.app === 'order-service' && e.lease === lease.key).pop();
    assert.equal(Number(lastCheckpoint.seqIndex), lease.seq, 'the log and the table agree on the checkpoint');
    for (const e of history) {
      if (e.kind === 'records_processed' && e.app === 'order-service' && e.worker === victim && e.lease === lease.key) {
        for (let i = e.first; i <= e.last; i++) if (i > lease.seq) expected.add(`${lease.key}#${i}`);
      }
    }
  }
  assert.ok(expected.size > 0, 'the victim processed records after its last checkpoint');
  const victimChip = app(page, 'order-service').locator(`li.kcl-worker[data-worker="${victim}"]`);
  await victimChip.locator('button.kcl-kill').click();
  await victimChip.locator('button.kcl-restart').waitFor();
  assert.equal(await victimChip.getAttribute('data-state'), 'stopped');
  const killedAt = (await log(page)).filter((e) => e.kind === 'worker_killed' && e.worker === victim).pop().at;

  // Nothing moves within the failover time: nobody renews, nobody takes.
  await advance(page, 10);
  assert.deepEqual((await leases(page, 'order-service')).filter((r) => r.owner === victim).map((r) => r.key), victimLeases.map((r) => r.key));
  await shot(page, 'kcl-killed-en');

  // Then the survivor takes them, each after more than failoverTimeMillis.
  let moved = [];
  for (let i = 0; i < 8 && moved.length < victimLeases.length; i++) {
    await advance(page, 10);
    moved = (await leases(page, 'order-service')).filter((r) => victimLeases.some((v) => v.key === r.key) && r.owner !== victim);
  }
  assert.equal(moved.length, victimLeases.length, 'every lease of the killed worker moved');
  const survivor = owners[1];
  for (const r of moved) assert.equal(r.owner, survivor);
  const takes = (await log(page)).filter((e) => e.kind === 'lease_taken' && e.how === 'expired' && e.from === victim);
  assert.equal(takes.length, victimLeases.length);
  for (const t of takes) assert.ok(t.at - killedAt > FAILOVER_MS, `taken ${t.at - killedAt} ms after the kill`);

  // The re-delivered records: the page's count is the engine's, and equals
  // what the victim processed since its checkpoints.
  await advance(page, 5);
  const after = await stat(page, 'order-service', 'duplicates');
  assert.equal(after - before, expected.size);
  const redelivered = (await log(page))
    .filter((e) => e.kind === 'records_processed' && e.app === 'order-service' && e.at > killedAt)
    .reduce((n, e) => n + e.duplicates, 0);
  assert.equal(redelivered, expected.size);
  // Two applications, each reads everything: distinct records never exceed
  // what was written, and both keep up.
  const written = await stat(page, 'order-service', 'written');
  for (const name of ['order-service', 'analytics']) {
    const unique = await stat(page, name, 'unique');
    assert.ok(unique <= written && unique >= written - 60, `${name}: ${unique} of ${written}`);
    assert.equal(await stat(page, name, 'processed') - await stat(page, name, 'duplicates'), unique);
  }
  assert.equal(await stat(page, 'analytics', 'duplicates'), 0, 'the other application was not touched');
  await app(page, 'order-service').locator('table.kcl-leases').scrollIntoViewIfNeeded();
  await shot(page, 'kcl-failover-en');

  // Restart with the same identifier: it holds nothing now (its leases
  // moved), so it steals one from the busier worker at its first scan.
  await victimChip.locator('button.kcl-restart').click();
  await victimChip.locator('button.kcl-kill').waitFor();
  await advance(page, 2);
  assert.ok((await log(page)).some((e) => e.kind === 'lease_stolen' && e.worker === victim && e.from === survivor));
  assert.deepEqual(problems, []);
  await context.close();
});

test('more workers than shards: the extra ones sit idle; split, bad input, both languages', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const { page, problems } = await watchedPage(context);
  await page.goto(lab.server.base + '#/consumers');
  await app(page, 'analytics').locator('table.kcl-leases tbody tr').first().waitFor();
  await advance(page, 5);
  for (let i = 0; i < 5; i++) await app(page, 'analytics').locator('button.kcl-add-worker').click();
  await advance(page, 25);
  const workers = await app(page, 'analytics').locator('li.kcl-worker').count();
  const shards = (await leases(page, 'analytics')).length;
  assert.equal(workers, 6);
  assert.equal(shards, 4);
  const idle = app(page, 'analytics').locator('li.kcl-worker[data-state="idle"]');
  assert.equal(await idle.count(), workers - shards);
  assert.equal(await stat(page, 'analytics', 'idle'), workers - shards);
  const busy = (await leases(page, 'analytics')).map((r) => r.owner);
  assert.equal(new Set(busy).size, shards, 'one lease per busy worker');
  await app(page, 'analytics').scrollIntoViewIfNeeded();
  await shot(page, 'kcl-idle-en');

  // Split a shard: two children appear, waiting on their parent, which
  // ends at SHARD_END.
  await page.selectOption('#kcl-split-shard', 'shardId-000000000001');
  await page.click('#kcl-split');
  await advance(page, 25);
  for (const name of ['order-service', 'analytics']) {
    const rows = await leases(page, name);
    assert.equal(rows.length, 6, name);
    assert.equal(rows.find((r) => r.key === 'shardId-000000000001').checkpoint, 'SHARD_END');
    assert.deepEqual(rows.filter((r) => r.parents === 'shardId-000000000001').map((r) => r.key), ['shardId-000000000004', 'shardId-000000000005']);
  }
  const ended = (await log(page)).filter((e) => e.kind === 'shard_ended' && e.lease === 'shardId-000000000001');
  const childStarts = (await log(page)).filter((e) => e.kind === 'processor_started' && ['shardId-000000000004', 'shardId-000000000005'].includes(e.lease));
  for (const name of ['order-service', 'analytics']) {
    for (const child of ['shardId-000000000004', 'shardId-000000000005']) {
      assert.ok(childStarts.some((e) => e.app === name && e.lease === child), `${name} started ${child}`);
    }
  }
  for (const s of childStarts) {
    const parentEnd = ended.find((e) => e.app === s.app);
    assert.ok(parentEnd && parentEnd.at <= s.at, `${s.app} ${s.lease} starts after its parent ends`);
  }
  // Splitting again at once: the stream is still updating, and says so.
  await page.selectOption('#kcl-split-shard', 'shardId-000000000000');
  await page.click('#kcl-split');
  await page.click('#kcl-split');
  assert.match(await page.locator('#kcl-split-error').innerText(), /ResourceInUseException|merged or split/);

  // Bad input is refused and names the setting; nothing changes.
  const cp = app(page, 'order-service');
  await cp.locator('input.kcl-cp-value').fill('ten');
  await cp.locator('button.kcl-cp-apply').click();
  assert.match(await cp.locator('.kcl-cp-error').innerText(), /checkpointIntervalMillis/);
  assert.equal(await cp.locator('input.kcl-cp-value').getAttribute('aria-invalid'), 'true');
  await cp.locator('select.kcl-cp-kind').selectOption('records');
  await cp.locator('input.kcl-cp-value').fill('0');
  await cp.locator('input.kcl-cp-value').press('Enter');
  assert.match(await cp.locator('.kcl-cp-error').innerText(), /checkpointEveryRecords.*1.*1,000,000/);
  await cp.locator('input.kcl-cp-value').fill('25');
  await cp.locator('button.kcl-cp-apply').click();
  assert.equal(await cp.locator('.kcl-cp-error').innerText(), '');
  assert.match(await cp.locator('.kcl-cp-now').innerText(), /every 25 records/);
  await page.fill('#kcl-rate', '0');
  await page.click('#kcl-apply');
  assert.equal(await page.getAttribute('#kcl-rate', 'aria-invalid'), 'true');
  assert.ok((await page.locator('#kcl-rate-error').innerText()).length > 0);
  assert.equal((await leases(page, 'analytics')).length, 6, 'the running lab stayed');

  // One application, started over: its own table only.
  await page.fill('#kcl-rate', '40');
  await page.selectOption('#kcl-apps', '1');
  await page.click('#kcl-apply');
  await page.locator('.kcl-app[data-app="analytics"]').waitFor({ state: 'detached' });
  assert.equal(await page.locator('.kcl-app').count(), 1);
  assert.equal(await page.locator('#kcl-time').getAttribute('data-ms'), '0');

  // Accessibility in both languages.
  for (const lang of ['en', 'vi']) {
    if (lang === 'vi') {
      await page.evaluate(() => {
        const p = JSON.parse(localStorage.getItem('kinesis-lab.progress') || '{"version":1}');
        p.lang = 'vi';
        localStorage.setItem('kinesis-lab.progress', JSON.stringify(p));
      });
      await page.reload();
      await app(page, 'order-service').locator('table.kcl-leases tbody tr').first().waitFor();
      await page.check('#kcl-show-batches');
      await advance(page, 30);
      assert.match(await page.locator('#kcl').innerText(), /Bảng lease của order-service/);
      await page.locator('#kcl').scrollIntoViewIfNeeded();
      await shot(page, 'kcl-vi');
    }
    const result = await new AxeBuilder({ page }).include('#kcl').analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], lang);
  }
  assert.deepEqual(problems, []);
  await context.close();
});
