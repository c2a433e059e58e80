// Compare page (#/compare): SQS, Kafka and Kinesis fed by one workload.
// Every preset link plays and ends on the counters the CLI computes for it;
// every toggle runs with no console error, and the address it leaves replays
// in the CLI (and in a reload) to the same counters; bad input and broken
// links; the layout on a projector, a laptop and a narrow screen; both
// languages. Wherever the clock runs, the assertions only look at what the
// engine did (its log), never at how fast the machine is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import { useLab, watchedPage, shot, CLI } from './harness.mjs';

const lab = useLab();
const SYSTEMS = ['sqs', 'kafka', 'kinesis'];
const COUNTERS = ['sent', 'delivered', 'duplicates', 'out_of_order', 'readable', 'latency_p50_ms', 'latency_p95_ms'];

/** `kinesis-lab compare ... --json`: the run line, then a line per system. */
function cliCompare(args) {
  const lines = execFileSync(CLI, ['compare', ...args, '--json'], { encoding: 'utf8' })
    .trim().split('\n').map((l) => JSON.parse(l));
  const [run, ...systems] = lines;
  return { run, systems: Object.fromEntries(systems.map((s) => [s.system, s])) };
}

const presets = execFileSync(CLI, ['compare', '--list', '--json'], { encoding: 'utf8' })
  .trim().split('\n').map((l) => JSON.parse(l));

async function open(hash, viewport = { width: 1366, height: 768 }) {
  const context = await lab.browser.newContext({ viewport });
  const watched = await watchedPage(context);
  await watched.page.goto(lab.server.base + hash);
  await watched.page.locator('#compare').waitFor();
  return { ...watched, context };
}

/** The counters table as the page shows it: {system: {counter: value|null}}. */
async function pageCounters(page) {
  return page.locator('#cmp-counters td[data-system]').evaluateAll((tds) => {
    const out = {};
    for (const td of tds) {
      out[td.dataset.system] ??= {};
      out[td.dataset.system][td.dataset.counter] = td.dataset.value === undefined ? null : Number(td.dataset.value);
    }
    return out;
  });
}

/** Lanes per system: [{label, stored}] as drawn. */
async function pageLanes(page) {
  const out = {};
  for (const s of SYSTEMS) {
    out[s] = await page.locator(`.cmp-col[data-system="${s}"] .cmp-lane`).evaluateAll((lis) =>
      lis.map((li) => ({ label: li.dataset.lane, stored: Number(li.dataset.stored) })));
  }
  return out;
}

/** Asserts the page shows what the CLI computed: counters, lanes, time. */
async function assertMatchesCli(page, cli, what) {
  const counters = await pageCounters(page);
  const lanes = await pageLanes(page);
  for (const s of SYSTEMS) {
    for (const c of COUNTERS) {
      const want = cli.systems[s].counters[c] ?? null;
      assert.equal(counters[s][c], want, `${what}: ${s} ${c}`);
    }
    assert.deepEqual(lanes[s], cli.systems[s].lanes.map((l) => ({ label: l.label, stored: l.stored })), `${what}: ${s} lanes`);
  }
  assert.equal(Number(await page.locator('#cmp-time').getAttribute('data-ms')), cli.run.elapsed_ms, `${what}: time`);
}

/** The actions the page's address holds (`?run=1.<base64url JSON>`). */
function addressActions(url) {
  const hash = new URL(url).hash;
  const q = new URLSearchParams(hash.slice(hash.indexOf('?') + 1));
  const run = q.get('run');
  assert.ok(run, `the address holds the run: ${hash}`);
  assert.ok(run.startsWith('1.'));
  return JSON.parse(Buffer.from(run.slice(2), 'base64url').toString('utf8'));
}

/** The CLI run of an action log that starts with Start. */
function cliOfActions(actions) {
  assert.equal(actions[0].op, 'start');
  const args = ['--workload', JSON.stringify(actions[0].workload)];
  for (const a of actions.slice(1)) args.push('--action', JSON.stringify(a));
  return cliCompare(args);
}

async function pause(page) {
  if ((await page.locator('#cmp-play').innerText()).match(/Pause|Tạm dừng/)) await page.click('#cmp-play');
}

test('every preset link plays in time and ends on the counters the CLI computes', async () => {
  assert.ok(presets.length >= 7, 'the engine lists its presets');
  const { page, problems, context } = await open('#/compare');
  // The first preset plays on the clock (fast), the others are skipped to
  // their end: both must end where the engine's own `apply` ends.
  for (const [i, p] of presets.entries()) {
    await page.goto(lab.server.base + `#/compare?scenario=${p.id}`);
    await page.locator(`#compare[data-scenario="${p.id}"]`).waitFor();
    if (i === 0) {
      await page.selectOption('#cmp-speed', '10000');
      await page.locator('#compare[data-script="done"]').waitFor({ timeout: 60_000 });
    } else {
      if (await page.locator('#cmp-skip').count()) await page.click('#cmp-skip');
      await page.locator('#compare[data-script="done"]').waitFor();
    }
    const cli = cliCompare(['--preset', p.id]);
    await assertMatchesCli(page, cli, p.id);
    assert.equal(await page.locator('.cmp-preset[aria-current="true"]').getAttribute('data-preset'), p.id);
    if (['delete-vs-keep', 'exactly-once', 'add-capacity'].includes(p.id)) await shot(page, `compare-preset-${p.id}`);
  }
  // The exactly-once preset shows Kafka's transaction outcome next to the counters.
  await page.locator('#cmp-eos-result').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('every toggle runs, the address replays to the same counters in the CLI and on reload', async () => {
  const { page, problems, context } = await open('#/compare');
  await page.fill('#cmp-messages', '400');
  await page.fill('#cmp-records_per_second', '50');
  await page.fill('#cmp-consumers', '2');
  await page.click('#cmp-start');
  await page.locator('#cmp-time[data-ms="0"]').waitFor();
  assert.equal(await page.locator('.cmp-col[data-system="kafka"] .cmp-lane').count(), 3);

  // Let the clock run (any speed): the toggles go in while it runs.
  await page.selectOption('#cmp-speed', '5000');
  await page.click('#cmp-play');
  await page.waitForFunction(() => Number(document.querySelector('#cmp-time').dataset.ms) >= 2000);

  // Where do messages go: a view emphasis, one note per column.
  await page.click('#cmp-emphasis');
  assert.equal(await page.locator('#cmp-emphasis').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator('.cmp-where').count(), 3);

  await page.click('#cmp-second-group');
  await page.locator('.cmp-col[data-system="kafka"] .cmp-group').nth(1).waitFor();
  await page.locator('.cmp-col[data-system="sqs"] .cmp-events li[data-kind="not_possible"]').first().waitFor();

  // Replay: Kafka and Kinesis each get one more reader; SQS cannot.
  const groups = (s) => page.locator(`.cmp-col[data-system="${s}"] .cmp-group`).count();
  const [kafkaGroups, kinesisGroups] = [await groups('kafka'), await groups('kinesis')];
  await page.fill('#cmp-replay-seconds', '1');
  await page.click('#cmp-replay');
  await page.waitForFunction(([k, n]) => document.querySelectorAll('.cmp-col[data-system="kafka"] .cmp-group').length > k
    && document.querySelectorAll('.cmp-col[data-system="kinesis"] .cmp-group').length > n, [kafkaGroups, kinesisGroups]);
  assert.equal(await groups('sqs'), 1);

  await page.selectOption('#cmp-kill-which', '1');
  await page.click('#cmp-kill');
  await page.locator('.cmp-col[data-system="kafka"] .cmp-member[data-state="dead"]').first().waitFor();
  await page.locator('.cmp-col[data-system="sqs"] .cmp-member[data-state="dead"]').first().waitFor();

  await page.click('#cmp-capacity');
  await page.waitForFunction(() => document.querySelectorAll('.cmp-col[data-system="kafka"] .cmp-lane').length === 4);
  await page.locator('.cmp-col[data-system="kafka"] .cmp-events li[data-kind="keys_moved"]').first().waitFor();

  await page.fill('#cmp-same-key-count', '1000');
  await page.click('#cmp-same-key');
  await page.locator('.cmp-col[data-system="kinesis"] .cmp-events li[data-kind="same_key"]').first().waitFor();

  await page.fill('#cmp-eos-crash', '25');
  await page.click('#cmp-eos');
  await page.locator('#cmp-eos-result').waitFor();
  assert.equal(await page.locator('#cmp-toggle-error').innerText(), '');

  // The toggles are buttons a keyboard reaches: Tab from the emphasis toggle.
  await page.focus('#cmp-emphasis');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'cmp-second-group');

  // Let the rest happen, then pause: the address holds every action.
  await page.waitForFunction(() => Number(document.querySelector('#cmp-time').dataset.ms) >= 12000);
  await pause(page);
  await page.waitForFunction(() => /[?&]run=/.test(location.hash) && Number(document.querySelector('#cmp-time').dataset.ms) % 1000 === 0);
  const [paused, hashBefore] = [Number(await page.locator('#cmp-time').getAttribute('data-ms')), await page.evaluate(() => location.hash)];
  await page.click('.cmp-step[data-seconds="10"]');
  await page.locator(`#cmp-time[data-ms="${paused + 10_000}"]`).waitFor();
  await page.waitForFunction((h) => location.hash !== h, hashBefore);
  const actions = addressActions(page.url());
  const ops = actions.map((a) => a.op);
  for (const op of ['start', 'run', 'second_group', 'replay', 'kill_consumer', 'add_capacity', 'same_key', 'exactly_once']) {
    assert.ok(ops.includes(op), `${op} in ${ops.join(',')}`);
  }
  await shot(page, 'compare-toggles-1366');
  const cli = cliOfActions(actions);
  await assertMatchesCli(page, cli, 'toggles');
  assert.ok(cli.systems.kafka.groups.length >= 2);

  // The same address, opened afresh, replays to the same screen.
  const url = page.url();
  const again = await open(new URL(url).hash);
  await again.page.waitForFunction(() => document.querySelector('#cmp-time')?.dataset.ms !== undefined);
  await assertMatchesCli(again.page, cli, 'reload');
  assert.equal(await again.page.locator('#cmp-notice').count(), 0);
  assert.deepEqual(again.problems, []);
  await again.context.close();
  assert.deepEqual(problems, []);
  await context.close();
});

test('bad input: errors beside the field the engine names; broken links fall back with a notice', async () => {
  const { page, problems, context } = await open('#/compare');
  await page.fill('#cmp-messages', 'lots');
  await page.click('#cmp-start');
  assert.notEqual(await page.locator('#cmp-messages-error').innerText(), '');
  assert.equal(await page.locator('#cmp-messages').getAttribute('aria-invalid'), 'true');
  await page.fill('#cmp-messages', '1000');
  await page.fill('#cmp-partitions', '0');
  await page.click('#cmp-start');
  // The engine refuses it and names the field: the error is beside it.
  await page.waitForFunction(() => document.querySelector('#cmp-partitions-error').innerText !== '');
  assert.equal(await page.locator('#cmp-messages-error').innerText(), '');
  assert.equal(await page.locator('#cmp-partitions').getAttribute('aria-invalid'), 'true');
  await page.fill('#cmp-partitions', '4');
  await page.click('#cmp-start');
  await page.waitForFunction(() => document.querySelectorAll('.cmp-col[data-system="kinesis"] .cmp-lane').length === 4);
  assert.equal(await page.locator('#cmp-partitions-error').innerText(), '');
  // A toggle's own bad number.
  await page.fill('#cmp-replay-seconds', 'x');
  await page.click('#cmp-replay');
  assert.notEqual(await page.locator('#cmp-toggle-error').innerText(), '');
  await shot(page, 'compare-bad-input');
  await context.close();

  for (const hash of ['#/compare?run=1.%40%40%40', '#/compare?run=2.AAAA', '#/compare?scenario=nope',
    `#/compare?run=1.${Buffer.from('[{"op":"run","seconds":5}]').toString('base64url')}`]) {
    const b = await open(hash);
    await b.page.locator('#cmp-notice').waitFor();
    // The page still works: defaults are loaded and time can pass.
    await b.page.click('.cmp-step[data-seconds="1"]');
    await b.page.locator('#cmp-time[data-ms="1000"]').waitFor();
    assert.deepEqual(b.problems, [], hash);
    await b.context.close();
  }
  assert.deepEqual(problems, []);
});

test('layout: projector, laptop and narrow screens, both languages, no sideways scrolling; axe', async () => {
  for (const [name, viewport] of [['1920', { width: 1920, height: 1080 }], ['1366', { width: 1366, height: 768 }], ['narrow', { width: 700, height: 900 }]]) {
    const { page, problems, context } = await open('#/compare?scenario=kill-consumer', viewport);
    await page.click('#cmp-skip');
    await page.locator('#compare[data-script="done"]').waitFor();
    const wide = await page.evaluate(() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth);
    assert.ok(wide <= 0, `${name}: the page scrolls sideways by ${wide}px`);
    // No panel is wider than its box.
    const over = await page.locator('.cmp-col, .cmp-toggle, .cmp-form, .cmp-presets').evaluateAll((els) =>
      els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.className));
    assert.deepEqual(over, [], name);
    const xs = await page.locator('.cmp-col').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
    if (name === 'narrow') assert.equal(new Set(xs).size, 1, 'stacked');
    else assert.equal(new Set(xs).size, 3, 'side by side');
    await shot(page, `compare-${name}-en`);
    if (name === '1366') {
      await page.selectOption('.lang select', 'vi');
      await page.locator('#cmp-start', { hasText: 'Bắt đầu' }).waitFor();
      await shot(page, 'compare-1366-vi');
      // The columns, form, toggles and counters (the tables and the decision
      // tree below are the guide's, checked by its own test).
      const axe = await new AxeBuilder({ page }).include('.cmp-setup').include('.cmp-time-bar').include('#cmp-counters').include('.cmp-main').analyze();
      const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
    }
    assert.deepEqual(problems, [], name);
    await context.close();
  }
});
