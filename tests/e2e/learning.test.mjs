// The learning shell end to end: every lesson played through the UI with its
// stored solution, a quiz answered and scored against the engine's answers,
// progress surviving a reload, share links, presenter mode with its notes
// window, and axe on every route.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { useLab, watchedPage, shot, CLI, OUTPUT } from './harness.mjs';

const LESSONS_DIR = path.resolve(import.meta.dirname, '../../lessons');
const cliLines = (args) => execFileSync(CLI, args, { encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l));
const lessons = cliLines(['lessons', '--dir', LESSONS_DIR, 'list']);

const lab = useLab();

async function open(hash, context) {
  const ctx = context ?? (await lab.browser.newContext({ viewport: { width: 1366, height: 900 } }));
  const watched = await watchedPage(ctx);
  await watched.page.goto(lab.server.base + hash);
  await watched.page.locator('main').waitFor();
  return { ...watched, context: ctx };
}

/** Makes sure `selector` is on the page: a lesson whose task uses the
 * widgets of earlier steps (5.1) has them on those steps, so walk the step
 * list until one shows it. The lab is the lesson's, whichever step shows it. */
async function ensure(page, selector) {
  if (await page.locator(selector).count()) return;
  const steps = page.locator('.step-list a');
  for (let i = 0; i < (await steps.count()); i++) {
    await steps.nth(i).click();
    await page.waitForURL(new RegExp(`/${i + 1}(\\?|$)`));
    if (await page.locator(selector).count()) return;
  }
  throw new Error(`no step shows ${selector}`);
}

/** Clicks a KCL time button and waits for the lab's clock to move. */
async function kclRun(page, seconds) {
  const before = await page.locator('#w-kcl-time').innerText();
  await page.click(`.kcl-run[data-seconds="${seconds}"]`);
  await page.waitForFunction((b) => document.querySelector('#w-kcl-time').innerText !== b, before);
}

/** Does one stored-solution action through the widget's controls. */
async function act(page, a) {
  switch (a.do) {
    case 'fan_out': {
      await ensure(page, '#w-fanout-run');
      const runs = await page.locator('#w-fanout-runs li').count();
      await page.fill('#w-fanout-consumers', String(a.consumers));
      await page.fill('#w-fanout-shards', String(a.shards));
      await page.fill('#w-fanout-rate', String(a.records_per_second));
      await page.fill('#w-fanout-bytes', String(a.record_bytes));
      await page.fill('#w-fanout-seconds', String(a.seconds));
      await page.click('#w-fanout-run');
      // The latest comparison shows one row per application on each side.
      await page.waitForFunction(([n, c]) => document.querySelectorAll('#w-fanout-poll tbody tr').length === c
        && (n === 0 || document.querySelectorAll('#w-fanout-runs li').length > n), [runs, a.consumers]);
      assert.equal(await page.locator('#w-fanout-error').innerText(), '');
      break;
    }
    case 'kpl_run': {
      await ensure(page, '#w-kpl-run');
      // Runs are columns, newest last, numbered from 1.
      const lastRun = () => document.querySelector('#w-kpl-runs thead th[data-run]:last-of-type')?.dataset.run ?? '0';
      const runs = await page.evaluate(lastRun);
      await page.fill('#w-kpl-shards', String(a.shards));
      await page.fill('#w-kpl-rate', String(a.records_per_second));
      await page.fill('#w-kpl-bytes', String(a.record_bytes));
      await page.fill('#w-kpl-buffered', String(a.record_max_buffered_time_ms ?? 100));
      await page.fill('#w-kpl-seconds', String(a.seconds));
      await page.setChecked('#w-kpl-aggregation', a.aggregation);
      await page.click('#w-kpl-run');
      await page.waitForFunction((n) => Number(document.querySelector('#w-kpl-runs thead th[data-run]:last-of-type')?.dataset.run ?? 0) > Number(n), runs);
      assert.equal(await page.locator('#w-kpl-runs thead th[data-run]').last().getAttribute('data-aggregation'), String(a.aggregation));
      break;
    }
    case 'kcl_add_worker': {
      await ensure(page, '#w-kcl-add');
      const n = await page.locator('#w-kcl-workers li').count();
      await page.click('#w-kcl-add');
      await page.waitForFunction((c) => document.querySelectorAll('#w-kcl-workers li').length > c, n);
      break;
    }
    case 'kcl_kill':
    case 'kcl_restart': {
      await ensure(page, '#w-kcl-workers');
      const worker = page.locator('#w-kcl-workers li').nth(a.worker - 1);
      await worker.locator(a.do === 'kcl_kill' ? '.kcl-kill' : '.kcl-restart').click();
      await page.waitForFunction(([i, state]) => {
        const li = document.querySelectorAll('#w-kcl-workers li')[i];
        return state === 'stopped' ? li.dataset.state === 'stopped' : li.dataset.state !== 'stopped';
      }, [a.worker - 1, a.do === 'kcl_kill' ? 'stopped' : 'running']);
      break;
    }
    case 'kcl_checkpoint':
      await ensure(page, '#w-kcl-cp');
      await page.fill('#w-kcl-cp', String(a.every_ms));
      await page.click('#w-kcl-cp-apply');
      await page.locator('#w-kcl-cp-now').getByText(new RegExp(a.every_ms.toLocaleString('en-US'))).waitFor();
      break;
    case 'kcl_run': {
      await ensure(page, '#w-kcl-time');
      // The widget's buttons let 1, 10, 30 or 60 s pass; make up the rest.
      let left = a.seconds;
      for (const step of [60, 30, 10, 1]) {
        while (left >= step) {
          await kclRun(page, step);
          left -= step;
        }
      }
      break;
    }
    case 'firehose_create': {
      await ensure(page, '#w-fh-create');
      const before = await page.evaluate(() => Number(document.querySelector('#w-fh-current')?.dataset.run ?? 0));
      await page.fill('#w-fh-size', String(a.buffer_size_mib));
      await page.fill('#w-fh-interval', String(a.buffer_interval_s));
      await page.selectOption('#w-fh-dest', a.destination ?? 's3');
      await page.selectOption('#w-fh-comp', a.compression ?? 'uncompressed');
      await page.selectOption('#w-fh-transform', a.transform ?? 'none');
      await page.setChecked('#w-fh-parquet', a.parquet ?? false);
      await page.setChecked('#w-fh-backup', a.source_backup ?? false);
      await page.setChecked('#w-fh-fails', a.endpoint_fails ?? false);
      await page.setChecked('#w-fh-stream', a.from_stream ?? false);
      await page.click('#w-fh-create');
      // The new delivery stream is the one shown in full.
      await page.waitForFunction((b) => Number(document.querySelector('#w-fh-current')?.dataset.run ?? 0) > b, before);
      assert.equal(await page.locator('#w-fh-error').innerText(), '');
      break;
    }
    case 'firehose_send':
    case 'firehose_wait': {
      await ensure(page, '#w-fh-send');
      const clock = () => document.querySelector('#w-fh-clock')?.dataset.ms;
      const before = await page.evaluate(clock);
      if (a.do === 'firehose_send') {
        await page.fill('#w-fh-rate', String(a.records_per_second));
        await page.fill('#w-fh-bytes', String(a.record_bytes));
        await page.fill('#w-fh-secs', String(a.seconds));
        await page.selectOption('#w-fh-data', a.data ?? 'json');
        await page.click('#w-fh-send');
      } else {
        await page.fill('#w-fh-wait-secs', String(a.seconds));
        await page.click('#w-fh-wait');
      }
      // The delivery stream's clock moves on by the seconds asked for (and a second more for a send).
      await page.waitForFunction((b) => document.querySelector('#w-fh-clock')?.dataset.ms !== b, before);
      assert.equal(await page.locator('#w-fh-error').innerText(), '');
      const moved = Number(await page.evaluate(clock)) - Number(before);
      assert.equal(moved, a.seconds * 1000 + (a.do === 'firehose_send' ? 1000 : 0));
      break;
    }
    case 'firehose_replay': {
      await ensure(page, '#w-fh-replay');
      const n = await page.locator('#w-fh-replays li').count();
      await page.click('#w-fh-replay');
      await page.waitForFunction((c) => document.querySelectorAll('#w-fh-replays li').length > c, n);
      break;
    }
    case 'put':
      await page.fill('#w-pk', a.key);
      await page.click('#w-put');
      break;
    case 'set_shards':
      await page.fill('#w-shards', String(a.shards));
      await page.click('#w-set-shards');
      break;
    case 'set_workload':
      await ensure(page, '#w-rate');
      await page.check(`input[name=w-dist][value=${a.distribution}]`);
      await page.fill('#w-rate', String(a.records_per_second));
      await page.fill('#w-secs', String(a.seconds));
      break;
    case 'run_workload':
      await ensure(page, '#w-run');
      await page.click('#w-run');
      break;
    case 'console':
      await page.fill('#w-console-input', a.line);
      await page.click('#w-console-run');
      // Accepted lines clear the input; refused ones show an error.
      await page.waitForFunction(() => document.querySelector('#w-console-input').value === '' || document.querySelector('#w-console-error'));
      assert.equal(await page.locator('#w-console-error').count(), 0, `console refused ${a.line}`);
      break;
    case 'wait': {
      const before = await page.locator('#w-clock').innerText();
      await page.fill('#w-wait-secs', String(a.seconds));
      await page.click('#w-wait');
      await page.waitForFunction((b) => document.querySelector('#w-clock').innerText !== b, before);
      break;
    }
    case 'produce': {
      const runs = await page.locator('#w-produced li').count();
      if (!(await page.locator('.lab-producer').evaluate((d) => d.open))) await page.click('.lab-producer summary');
      await page.fill('#w-prod-stream', a.stream);
      await page.fill('#w-prod-rate', String(a.records_per_second));
      await page.fill('#w-prod-bytes', String(a.record_bytes));
      await page.fill('#w-prod-secs', String(a.seconds));
      await page.click('#w-produce');
      // The newest run is listed first, with its stream's name.
      await page.waitForFunction((n) => document.querySelectorAll('#w-produced li').length > n || document.querySelectorAll('#w-produced li').length === 5, runs);
      assert.match(await page.locator('#w-produced li').first().innerText(), new RegExp(`^${a.stream} `));
      break;
    }
    case 'sql_run': {
      await ensure(page, '#sqlw');
      const runs = Number(await page.locator('#sqlw').getAttribute('data-runs'));
      await page.fill('#sqlw-sql', a.sql);
      await page.fill('#sqlw-rate', String(a.records_per_second));
      await page.fill('#sqlw-seconds', String(a.seconds));
      await page.fill('#sqlw-spike', a.spike_at_s == null ? '' : String(a.spike_at_s));
      await page.fill('#sqlw-late', a.late_every == null ? '' : String(a.late_every));
      // The SQL is compiled in the worker first (the page's module has no parser).
      await page.click('#sqlw-run');
      await page.waitForFunction((n) => Number(document.querySelector('#sqlw')?.dataset.runs) > n, runs, { timeout: 60000 });
      assert.equal(await page.locator('#sqlw-errors li').count(), 0);
      break;
    }
    case 'decide': {
      // The decision-tree widget records its answers once they reach a
      // recommendation (a stored solution's answers must end at one).
      await ensure(page, '#w-dt-tree');
      if (await page.locator('#w-dt-restart').isEnabled()) await page.click('#w-dt-restart');
      await page.waitForFunction(() => document.querySelector('#w-dt-tree').dataset.answers === '');
      const recorded = Number(await page.locator('#w-decide').getAttribute('data-recorded'));
      for (const [i, yes] of a.answers.entries()) {
        await page.click(yes ? '#w-dt-yes' : '#w-dt-no');
        await page.waitForFunction((n) => document.querySelector('#w-dt-tree').dataset.answers.length === n, i + 1);
      }
      assert.ok(await page.locator('#w-dt-tree').getAttribute('data-recommendation'), `answers ${a.answers} end at a recommendation`);
      await page.waitForFunction((n) => Number(document.querySelector('#w-decide').dataset.recorded) > n, recorded);
      assert.equal(await page.locator('#w-dt-error').innerText(), '');
      break;
    }
    case 'compare': {
      // The compare widget: every control is one CompareAction, counted on #w-cmp[data-actions].
      await ensure(page, '#w-cmp');
      const actions = () => page.evaluate(() => Number(document.querySelector('#w-cmp')?.dataset.actions ?? 0));
      const click = async (selector) => {
        const before = await actions();
        await page.click(selector);
        await page.waitForFunction((b) => Number(document.querySelector('#w-cmp')?.dataset.actions ?? 0) > b, before);
      };
      switch (a.op) {
        case 'start': {
          const w = a.workload;
          for (const f of ['keys', 'records_per_second', 'record_bytes', 'messages', 'consumers', 'partitions', 'seed']) {
            await page.fill(`#w-cmp-${f}`, String(w[f]));
          }
          await page.selectOption('#w-cmp-assignor', w.assignor);
          await page.selectOption('#w-cmp-fifo', w.fifo ? 'fifo' : 'standard');
          await click('#w-cmp-start');
          await page.locator('#w-cmp-time[data-ms="0"]').waitFor();
          break;
        }
        case 'run': {
          // The widget's buttons let 60, 10 or 1 s pass; make up the rest.
          let left = a.seconds;
          for (const step of [60, 10, 1]) {
            while (left >= step) {
              await click(`#w-cmp .cmp-run[data-seconds="${step}"]`);
              left -= step;
            }
          }
          break;
        }
        case 'second_group':
          await click('#w-cmp-second-group');
          break;
        case 'replay':
          await page.fill('#w-cmp-replay-seconds', String(a.seconds_ago));
          await click('#w-cmp-replay');
          break;
        case 'kill_consumer':
          await page.selectOption('#w-cmp-kill-which', String(a.consumer));
          await click('#w-cmp-kill');
          break;
        case 'add_capacity':
          await click('#w-cmp-capacity');
          break;
        case 'same_key':
          await page.fill('#w-cmp-same-key-count', String(a.count));
          await click('#w-cmp-same-key');
          break;
        case 'exactly_once':
          await page.fill('#w-cmp-eos-crash', String(a.crash_after));
          await click('#w-cmp-eos');
          break;
        default:
          throw new Error(`no UI for compare action ${a.op}`);
      }
      assert.equal(await page.locator('#w-cmp-toggle-error').innerText(), '', `compare ${a.op} refused`);
      break;
    }
    case 'video': {
      // The Video Streams widget: one control per op; the widget counts the
      // actions the lab accepted, so wait for that count to move.
      await ensure(page, '#w-video');
      const ops = () => Number(document.querySelector('#w-video')?.dataset.ops ?? 0);
      const before = await page.evaluate(ops);
      const seconds = (ms) => String(ms / 1000);
      switch (a.op) {
        case 'start':
          assert.ok((a.kbps ?? 2000) === 2000 && (a.fps ?? 30) === 30, 'the widget starts cameras at 2,000 kbit/s and 30 fps');
          await page.fill('#w-video-ret', String(a.retention_hours));
          await page.fill('#w-video-frag', String(a.fragment_ms));
          await page.click('#w-video-start');
          break;
        case 'record':
          await page.fill('#w-video-rec-secs', String(a.seconds));
          await page.click('#w-video-record');
          break;
        case 'wait':
          await page.fill('#w-video-wait-secs', String(a.seconds));
          await page.click('#w-video-wait');
          break;
        case 'set_retention':
          await page.fill('#w-video-ret', String(a.hours));
          await page.click('#w-video-setret');
          break;
        case 'read':
        case 'list':
          await page.selectOption('#w-video-api', a.op === 'list' ? 'list' : 'get_media');
          await page.selectOption('#w-video-sel', a.selector);
          if (a.op === 'list') {
            await page.fill('#w-video-ts', seconds(a.start_ms));
            await page.fill('#w-video-end', seconds(a.end_ms));
          } else {
            if (a.timestamp_ms != null) await page.fill('#w-video-ts', seconds(a.timestamp_ms));
            if (a.fragment != null) await page.fill('#w-video-frag-no', String(a.fragment));
          }
          await page.click('#w-video-read');
          break;
        default:
          throw new Error(`no UI for video op ${a.op}`);
      }
      await page.waitForFunction((b) => Number(document.querySelector('#w-video')?.dataset.ops ?? 0) > b, before);
      assert.equal(await page.locator('#w-video-error').innerText(), '');
      if (a.op === 'read' || a.op === 'list') await page.locator('#w-video-last').waitFor();
      break;
    }
    default:
      throw new Error(`no UI for action ${a.do}`);
  }
}

test('every lesson is solved through the UI by its stored solution', async () => {
  assert.ok(lessons.length >= 2);
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 900 } });
  for (const lesson of lessons) {
    const { page, problems } = await open(`#/lessons/${lesson.id}/${lesson.task_step + 1}`, context);
    assert.equal(await page.locator('#step-label').innerText(), `Step ${lesson.task_step + 1} / ${lesson.steps}`);
    // Before acting, the goals are not met and the player says why.
    await page.click('#check');
    assert.match(await page.locator('#check-result').innerText(), /Not yet/);
    assert.ok(await page.locator('.goal-results li.fail .why').count() >= 1, `${lesson.id}: a failed goal explains itself`);
    // A hint appears on request.
    await page.click('#hint');
    assert.equal(await page.locator('#hints li').count(), 1);
    for (const a of lesson.solution) await act(page, a);
    // Back to the task step, if the solution used widgets of other steps.
    await ensure(page, '#check');
    await page.click('#check');
    assert.match(await page.locator('#check-result').innerText(), /Every goal is met/, lesson.id);
    assert.equal(await page.locator('.goal-results li.pass').count(), lesson.goals.length);
    await page.locator('#lesson-complete').waitFor();
    await shot(page, `lesson-${lesson.id}-solved-en`);
    // Reset brings the lab back to the scenario: goals fail again.
    await page.click('#reset-lab');
    await page.click('#check');
    assert.match(await page.locator('#check-result').innerText(), /Not yet/);
    assert.deepEqual(problems, [], lesson.id);
    await page.close();
  }
  // Progress survives a reload: both lessons are marked done.
  const { page, problems } = await open('#/lessons', context);
  await page.reload();
  await page.locator('.lesson-card').first().waitFor();
  for (const lesson of lessons) {
    assert.equal(await page.locator(`.lesson-card[data-lesson=${lesson.id}] .status`).innerText(), 'Done');
  }
  await shot(page, 'lessons-en');
  assert.deepEqual(problems, []);
  await context.close();
});

test('lesson steps: navigation, prediction, Vietnamese text', async () => {
  const lesson = lessons[0];
  const { page, problems, context } = await open(`#/lessons/${lesson.id}`);
  const first = await page.locator('#step-title').innerText();
  await page.click('#next-step');
  await page.waitForURL(/\/2/);
  assert.notEqual(await page.locator('#step-title').innerText(), first);
  assert.equal(await page.locator('#step-label').innerText(), `Step 2 / ${lesson.steps}`);
  if (await page.locator('#predict').count()) {
    await page.locator('#predict input').first().check();
    assert.ok((await page.locator('.predict-feedback').innerText()).length > 10);
  }
  await page.selectOption('header select', 'vi');
  assert.match(await page.locator('#step-label').innerText(), /^Bước 2/);
  await shot(page, `lesson-${lesson.id}-step2-vi`);
  await page.click('#prev-step');
  await page.waitForURL(/\/1(\?|$)/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('lesson console: the clock, the bill and a refused request come from the engine', async () => {
  // retention-replay's stored solution lets 30 hours pass and meets an expired iterator.
  const lesson = lessons.find((l) => l.id === 'retention-replay');
  // The engine's own record of this solution (core/tests/lesson_logs.rs keeps it reviewed).
  const played = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, `../scenarios/lessons/${lesson.id}.json`), 'utf8'));
  const LAB_EPOCH_MS = 1767225600000; // core's DEFAULT_START_MS, where every lesson's clock starts
  const pad = (n) => String(n).padStart(2, '0');
  const t = played.now_ms - LAB_EPOCH_MS;
  const clock = `Day ${Math.floor(t / 86400000) + 1}, ${pad(Math.floor(t / 3600000) % 24)}:${pad(Math.floor(t / 60000) % 60)}:${pad(Math.floor(t / 1000) % 60)}`;
  const { page, problems, context } = await open(`#/lessons/${lesson.id}/${lesson.task_step + 1}`);
  assert.match(await page.locator('#w-clock').innerText(), /^Day 1, /);
  for (const a of lesson.solution) await act(page, a);
  assert.equal(await page.locator('#w-clock').innerText(), clock);
  assert.equal(await page.locator('#w-streams tr[data-stream=clicks] .w-retention').innerText(), '48 h');
  assert.match(await page.locator('#w-console-output').innerText(), /ExpiredIteratorException/);
  const refused = played.console.filter((c) => c.error).length;
  assert.equal(await page.locator('#w-console-output .console-entry.error').count(), refused);
  // The bill lists shard-hours and extended retention, both metered by the engine.
  const bill = await page.locator('.bill-table[data-stream=clicks]').innerText();
  assert.match(bill, /Shard hours/);
  assert.match(bill, /Extended retention/);
  await shot(page, 'lesson-console-bill-en');
  // A bad wait names its field and changes nothing.
  await page.fill('#w-wait-secs', '0');
  await page.click('#w-wait');
  assert.match(await page.locator('.lab-clock .error').innerText(), /Simulated seconds/);
  assert.equal(await page.locator('#w-clock').innerText(), clock);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a lesson share link restores the lab; a tampered one gets a notice', async () => {
  const lesson = lessons.find((l) => l.solution.some((a) => a.do === 'put'));
  const { page, problems, context } = await open(`#/lessons/${lesson.id}/${lesson.task_step + 1}`);
  for (const a of lesson.solution) await act(page, a);
  await page.waitForURL(/s=1\./);
  const link = page.url();
  const puts = await page.locator('#w-puts').innerText();
  await context.close();

  const shared = await open(link.slice(lab.server.base.length));
  assert.equal(await shared.page.locator('#w-puts').innerText(), puts);
  await shared.page.click('#check');
  assert.match(await shared.page.locator('#check-result').innerText(), /Every goal is met/);
  assert.deepEqual(shared.problems, []);
  await shared.context.close();

  for (const bad of ['s=1.%40%40%40', 's=9.AAAA', 's=1.W3siZG8iOiJudWtlIn1d']) {
    const tampered = await open(`#/lessons/${lesson.id}/${lesson.task_step + 1}?${bad}`);
    assert.match(await tampered.page.locator('.notice').innerText(), /could not be read/, bad);
    assert.equal(await tampered.page.locator('#w-puts').innerText(), '0');
    assert.deepEqual(tampered.problems, [], bad);
    await tampered.context.close();
  }
  // An action the engine rejects (an empty key) stops the replay there.
  const rejected = Buffer.from(JSON.stringify([{ do: 'put', key: 'a' }, { do: 'put', key: '' }])).toString('base64url');
  const partial = await open(`#/lessons/${lesson.id}/${lesson.task_step + 1}?s=1.${rejected}`);
  assert.match(await partial.page.locator('.notice').innerText(), /rejected/);
  assert.equal(await partial.page.locator('#w-puts').innerText(), '1');
  await shot(partial.page, 'lesson-bad-link-en');
  await partial.context.close();
  assert.deepEqual(problems, []);
});

async function answer(page, i, item, correct) {
  const root = page.locator(`.quiz-item[data-item="${item.id}"]`);
  switch (item.kind) {
    case 'single': {
      const n = await root.locator('input').count();
      const pick = correct ? item.answer : (item.answer + 1) % n;
      await root.locator(`input[value="${pick}"]`).check();
      break;
    }
    case 'multiple': {
      const picks = correct ? item.answer : item.answer.slice(0, Math.max(1, item.answer.length - 1)).concat(item.answer.length > 1 ? [] : [(item.answer[0] + 1) % (await root.locator('input').count())]);
      for (const j of picks) await root.locator(`input[value="${j}"]`).check();
      break;
    }
    case 'numeric':
      await page.fill(`#q${i}-num`, String(correct ? item.answer : item.answer + 1));
      break;
    case 'ordering': {
      if (!correct) break; // the shown order is never the right one
      const order = [...item.shown_order];
      for (let target = 0; target < order.length; target++) {
        let at = order.indexOf(target);
        while (at > target) {
          await root.locator(`.order-row:nth-child(${at + 1}) button`).first().click();
          [order[at - 1], order[at]] = [order[at], order[at - 1]];
          at--;
        }
      }
      break;
    }
  }
}

test('a quiz is graded by the engine, reviewed, and kept after a reload', async () => {
  const seed = 11;
  const items = cliLines(['quiz', '--dir', LESSONS_DIR, '--seed', String(seed), '--level', '3', '--n', '10']);
  const { page, problems, context } = await open(`#/quiz?seed=${seed}&level=3&n=10`);
  assert.equal(await page.locator('.quiz-item').count(), 10);
  for (const [i, item] of items.entries()) {
    assert.equal(await page.locator('.quiz-item').nth(i).getAttribute('data-item'), item.id, 'same quiz as the engine builds');
    await answer(page, i, item, i !== 0);
  }
  await shot(page, 'quiz-answered-en');
  await page.click('#submit-quiz');
  assert.equal(await page.locator('#quiz-score').innerText(), '9 / 10');
  assert.equal(await page.locator('.missed').count(), 1);
  assert.ok((await page.locator('.missed .right-answer').innerText()).length > 0);
  if (items[0].lesson) assert.equal(await page.locator('.missed a').count(), 1);
  await shot(page, 'quiz-scored-en');

  await page.goto(lab.server.base + '#/progress');
  await page.reload();
  await page.locator('#quiz-history').waitFor();
  assert.match(await page.locator('#quiz-history tbody tr').first().innerText(), new RegExp(`${seed}\\s+3\\s+9 / 10`));

  // Same seed, same quiz, in Vietnamese too.
  await page.goto(lab.server.base + `#/quiz?seed=${seed}&level=3&n=10`);
  await page.selectOption('header select', 'vi');
  assert.equal(await page.locator('.quiz-item').first().getAttribute('data-item'), items[0].id);
  await shot(page, 'quiz-vi');
  assert.deepEqual(problems, []);
  await context.close();
});

test('saved progress: corrupt storage is survived, export and import work', async () => {
  const { page, problems, context } = await open('#/progress');
  await page.evaluate(() => localStorage.setItem('kinesis-lab.progress', '{"version":1,"lessons":{"hot-shards":{"completed":true,"furthest_step":3},"x":7}'));
  await page.reload();
  await page.locator('.notice').waitFor();
  assert.match(await page.locator('.notice').innerText(), /could not be read/);
  await page.evaluate(() => localStorage.setItem('kinesis-lab.progress', '{"version":1,"lessons":{"hot-shards":{"completed":true,"furthest_step":3},"x":7}}'));
  await page.reload();
  assert.match(await page.locator('.notice').innerText(), /damaged and were dropped/);
  assert.match(await page.locator('#lessons-done').innerText(), /✓/);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const file = path.join(OUTPUT, 'exported-progress.json');
  await download.saveAs(file);
  const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(exported.version, 1);
  assert.equal(exported.lessons['hot-shards'].completed, true);

  page.once('dialog', (d) => d.accept());
  await page.click('#reset-progress');
  assert.doesNotMatch(await page.locator('#lessons-done').innerText(), /✓/);
  await page.setInputFiles('#import', file);
  await page.locator('#progress-status').getByText('Progress imported.').waitFor();
  assert.match(await page.locator('#lessons-done').innerText(), /✓/);

  const junk = path.join(OUTPUT, 'junk.json');
  fs.writeFileSync(junk, 'this is not progress');
  await page.setInputFiles('#import', junk);
  await page.locator('#progress-status').getByText('not a Kinesis Lab progress file').waitFor();
  assert.match(await page.locator('#lessons-done').innerText(), /✓/, 'a bad import changes nothing');
  await shot(page, 'progress-en');
  assert.deepEqual(problems, []);
  await context.close();
});

test('presenter mode: keys, blanking, and a notes window in sync both ways', async () => {
  const lesson = lessons[1];
  const { page, problems, context } = await open(`#/present/${lesson.id}/1`);
  const at = (n) => page.locator('#slide-count').getByText(`${n} / ${lesson.steps}`).waitFor();
  await at(1);
  await page.keyboard.press('ArrowRight');
  await at(2);
  // Quick presses, as a remote sends them, all count.
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageUp');
  await page.keyboard.press('Space');
  await at(3);
  await page.keyboard.press('ArrowLeft');
  await at(2);
  await shot(page, 'presenter-en');

  const [notes] = await Promise.all([context.waitForEvent('page'), page.click('#open-notes')]);
  const notesProblems = [];
  notes.on('pageerror', (e) => notesProblems.push(e.message));
  notes.on('console', (m) => { if (m.type() === 'error') notesProblems.push(m.text()); });
  await notes.locator('#notes-count').getByText(`2 / ${lesson.steps}`).waitFor();
  await page.keyboard.press('ArrowRight');
  await notes.locator('#notes-count').getByText(`3 / ${lesson.steps}`).waitFor();
  await notes.click('#notes-next');
  await page.locator('#slide-count').getByText(`4 / ${lesson.steps}`).waitFor();
  await notes.click('#notes-prev');
  await page.locator('#slide-count').getByText(`3 / ${lesson.steps}`).waitFor();
  await page.keyboard.press('b');
  await page.locator('.presenter.blanked').waitFor();
  await notes.locator('.notes-head .badge').waitFor();
  await notes.screenshot({ path: path.join(OUTPUT, 'notes-en.png'), fullPage: true });
  await page.keyboard.press('.');
  await page.locator('.presenter.blanked').waitFor({ state: 'detached' });
  await page.keyboard.press('Escape');
  await page.waitForURL(new RegExp(`#/lessons/${lesson.id}/3`));
  assert.deepEqual(problems, []);
  assert.deepEqual(notesProblems, []);
  await context.close();
});

test('axe finds no serious or critical problems on any route', async () => {
  const routes = ['#/', '#/partitions', '#/streams', '#/producers', '#/consumers', '#/firehose', '#/lessons', '#/quiz?seed=3&level=2&n=5', '#/progress', '#/no-such-page'];
  for (const l of lessons) {
    for (let s = 1; s <= l.steps; s++) routes.push(`#/lessons/${l.id}/${s}`);
    routes.push(`#/present/${l.id}/1`, `#/notes/${l.id}`);
  }
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 900 } });
  for (const lang of ['en', 'vi']) {
    for (const route of routes) {
      const { page, problems } = await open(route, context);
      if (lang === 'vi') {
        await page.evaluate(() => {
          const p = JSON.parse(localStorage.getItem('kinesis-lab.progress') || '{"version":1}');
          p.lang = 'vi';
          localStorage.setItem('kinesis-lab.progress', JSON.stringify(p));
        });
        await page.reload();
        await page.locator('main').waitFor();
      }
      const result = await new AxeBuilder({ page }).analyze();
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `${lang} ${route}`);
      assert.deepEqual(problems, [], route);
      await page.close();
    }
  }
  await context.close();
});
