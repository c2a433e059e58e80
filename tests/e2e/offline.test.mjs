// Offline use and updates (static/sw.js, static/sw-register.js, the update
// banner): after one visit the lab loads with no network at all, home page,
// a deep route with the full app, a lesson and the SQL page's worker; a new
// deploy shows the banner in every open tab, and Reload puts it in charge.
//
// The site is a copy of dist/ in a temporary folder, served from a sub-path,
// so the second test can "deploy" a new version into it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DIST, serve, launch, watchedPage, shot } from './harness.mjs';

const PREFIX = '/kinesis-lab/';
let site;
let server;
let browser;

before(async () => {
  site = fs.mkdtempSync(path.join(os.tmpdir(), 'kinesis-lab-offline-'));
  // trunk's .stage folder is not part of the site.
  fs.cpSync(DIST, site, { recursive: true, filter: (src) => src === DIST || !path.basename(src).startsWith('.') });
  server = await serve(PREFIX, site);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

/** The version and file list `cargo xtask` wrote into sw.js. */
function workerBuild() {
  const sw = fs.readFileSync(path.join(site, 'sw.js'), 'utf8');
  const version = sw.match(/^const VERSION = '([^']*)';$/m)?.[1];
  const files = JSON.parse(sw.match(/^const PRECACHE = (\[.*\]);$/m)[1].replaceAll("'", '"'));
  return { sw, version, files };
}

/** Every file a host would serve, the worker itself aside. */
function servedFiles(dir, rel = '') {
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && !e.name.startsWith('_'))
    .flatMap((e) => (e.isDirectory() ? servedFiles(path.join(dir, e.name), `${rel}${e.name}/`) : [`${rel}${e.name}`]))
    .filter((f) => f !== 'sw.js')
    .sort();
}

async function newContext(viewport = { width: 1366, height: 900 }) {
  return browser.newContext({ viewport });
}

/** Waits until the service worker controls `page` (it claims the page once it
 * has cached the whole site). */
async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** This site's caches, by name, with how many entries each holds. */
async function cacheState(page) {
  return page.evaluate(async () => {
    const out = {};
    for (const name of await caches.keys()) out[name] = (await (await caches.open(name)).keys()).length;
    return out;
  });
}

test('dist/sw.js lists every file of the build and carries its version', () => {
  const { version, files } = workerBuild();
  assert.match(version, /^[0-9a-f]{16}$/, 'cargo xtask filled in the version');
  assert.deepEqual([...files].sort(), servedFiles(site));
  for (const needed of ['index.html', 'boot.js', 'sw-register.js', 'transform-worker.js']) {
    assert.ok(files.includes(needed), `${needed} is cached`);
  }
  assert.ok(files.some((f) => /^kinesis-lab-app-[0-9a-f]+_bg\.wasm$/.test(f)), 'the full app is cached');
  assert.ok(files.some((f) => f.endsWith('.css')), 'the style sheet is cached');
});

test('after one visit the lab loads with no network: home, the Stream Lab, a lesson, the SQL worker', async () => {
  const context = await newContext();
  const home = await watchedPage(context);
  await home.page.goto(server.base);
  await home.page.locator('.hero h1').waitFor();
  await controlled(home.page);
  const { version, files } = workerBuild();
  const caches = await cacheState(home.page);
  const mine = Object.keys(caches).filter((n) => n.startsWith('kinesis-lab '));
  assert.equal(mine.length, 1, JSON.stringify(caches));
  assert.ok(mine[0].endsWith(` ${version}`) && mine[0].includes(server.base), mine[0]);
  assert.equal(caches[mine[0]], files.length, 'every file is cached');

  await context.setOffline(true);
  await home.page.reload();
  await home.page.locator('.hero h1').waitFor();
  assert.equal(await home.page.evaluate(() => navigator.onLine), false);
  await shot(home.page, 'offline-home');

  // A cold load of a deep route: the full app, from the cache.
  const streams = await watchedPage(context);
  await streams.page.goto(server.base + '#/streams');
  await streams.page.locator('#console-input').waitFor();
  const run = async (command) => {
    const before = await streams.page.locator('.console-entry').count();
    await streams.page.fill('#console-input', command);
    await streams.page.press('#console-input', 'Enter');
    await streams.page.locator('.console-entry').nth(before).waitFor();
    return streams.page.locator('.console-entry').nth(before).locator('.console-out').innerText();
  };
  assert.equal(await run('aws kinesis create-stream --stream-name offline --shard-count 2'), '{}');
  assert.deepEqual(JSON.parse(await run('aws kinesis list-streams')).StreamNames, ['offline']);
  await shot(streams.page, 'offline-streams');

  const lesson = await watchedPage(context);
  await lesson.page.goto(server.base + '#/lessons/shards-capacity');
  await lesson.page.locator('.step-list a').first().waitFor();
  await lesson.page.locator('main h1').waitFor();
  await shot(lesson.page, 'offline-lesson');

  // The SQL page starts its compiler worker (its own wasm): cached too.
  const sql = await watchedPage(context);
  await sql.page.goto(server.base + '#/sql');
  await sql.page.locator('#sql-editor').waitFor();
  await sql.page.waitForFunction(() => document.querySelector('#sql-run') && !/…/.test(document.querySelector('#sql-compiler')?.textContent ?? '…'));

  for (const w of [home, streams, lesson, sql]) assert.deepEqual(w.problems, []);
  await context.close();
});

test('a new deploy shows the update banner in every tab; Reload puts the new version in charge', async () => {
  const context = await newContext();
  const first = await watchedPage(context);
  await first.page.goto(server.base);
  await first.page.locator('.hero h1').waitFor();
  await controlled(first.page);
  const second = await watchedPage(context);
  await second.page.goto(server.base + '#/lessons');
  await second.page.locator('main h1').waitFor();
  await controlled(second.page);
  const banner = (page) => page.locator('[role="status"] .update-banner');
  assert.equal(await banner(first.page).count(), 0, 'no banner before a deploy');

  // Deploy: a changed index.html, and the sw.js a build would write for it.
  const old = workerBuild();
  const next = `${old.version}-next`;
  const indexFile = path.join(site, 'index.html');
  const index = fs.readFileSync(indexFile, 'utf8');
  assert.ok(index.includes('</head>'));
  fs.writeFileSync(indexFile, index.replace('</head>', '<meta name="kinesis-lab-test-deploy" content="next">\n</head>'));
  fs.writeFileSync(path.join(site, 'sw.js'), old.sw.replace(`const VERSION = '${old.version}';`, `const VERSION = '${next}';`));
  assert.equal(workerBuild().version, next);

  // The browser looks for a new sw.js on each page load and every hour;
  // here the check is asked for at once.
  await first.page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  await banner(first.page).waitFor();
  await banner(second.page).waitFor();
  assert.equal(
    (await banner(first.page).innerText()).replace(/\s+/g, ' ').trim(),
    'A new version of Kinesis Lab is ready. Reload to start using it; your saved progress stays. Reload Not now',
  );
  // Still the old version until the student says so.
  assert.equal(await first.page.locator('meta[name="kinesis-lab-test-deploy"]').count(), 0);
  const box = await banner(first.page).boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 1366, `banner inside 1366 px: ${JSON.stringify(box)}`);
  await shot(first.page, 'update-banner-en');

  await first.page.selectOption('header select', 'vi');
  await banner(first.page).getByText('Đã có phiên bản mới của Kinesis Lab.').waitFor();
  assert.equal(await banner(first.page).getByRole('button', { name: 'Tải lại' }).count(), 1);
  await shot(first.page, 'update-banner-vi');
  await first.page.selectOption('header select', 'en');

  // Projector size: the banner grows with the page's type.
  await first.page.setViewportSize({ width: 1920, height: 1080 });
  await shot(first.page, 'update-banner-1920');
  await first.page.setViewportSize({ width: 1366, height: 900 });

  // Leaving the home page swaps in the full app: the banner stays.
  await first.page.getByRole('link', { name: 'Stream lab', exact: true }).click();
  await first.page.locator('#console-input').waitFor();
  await banner(first.page).waitFor();

  // "Not now" hides it in that tab only.
  await banner(second.page).getByRole('button', { name: 'Not now' }).click();
  assert.equal(await banner(second.page).count(), 0);

  // Reload, from the keyboard.
  await banner(first.page).getByRole('button', { name: 'Reload' }).focus();
  const reloaded = first.page.waitForEvent('load');
  await first.page.keyboard.press('Enter');
  await reloaded;
  await first.page.locator('#console-input').waitFor();
  assert.equal(await first.page.locator('meta[name="kinesis-lab-test-deploy"]').count(), 1, 'the new index.html');
  assert.equal(await banner(first.page).count(), 0);
  const state = await first.page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    return { waiting: reg.waiting !== null, controller: navigator.serviceWorker.controller?.scriptURL };
  });
  assert.deepEqual(state, { waiting: false, controller: server.base + 'sw.js' });
  const caches = Object.keys(await cacheState(first.page)).filter((n) => n.startsWith('kinesis-lab '));
  assert.deepEqual(caches.map((n) => n.split(' ').pop()), [next], 'the old version\'s cache is gone');
  await shot(first.page, 'update-applied');

  // The other tab still runs the old code: it is offered the reload again.
  await banner(second.page).waitFor();
  const secondReloaded = second.page.waitForEvent('load');
  await banner(second.page).getByRole('button', { name: 'Reload' }).click();
  await secondReloaded;
  await second.page.locator('main h1').waitFor();
  assert.equal(await second.page.locator('meta[name="kinesis-lab-test-deploy"]').count(), 1);

  assert.deepEqual(first.problems, []);
  assert.deepEqual(second.problems, []);
  await context.close();
});
