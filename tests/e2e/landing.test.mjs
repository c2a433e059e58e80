// The first load: static/boot.js serves the home page from the small landing
// build and swaps in the full app when a student leaves it (ARCHITECTURE.md,
// `app/`). These tests watch which files the browser asks for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, watchedPage, shot } from './harness.mjs';

const lab = useLab('/landing/');

const isApp = (url) => /kinesis-lab-app-[0-9a-f]+(_bg\.wasm|\.js)$/.test(url);
const isLanding = (url) => /kinesis-lab-landing(_bg\.wasm|\.js)$/.test(url);

async function open(hash, options = {}) {
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 900 }, ...options });
  if (options.init) await context.addInitScript(options.init);
  const watched = await watchedPage(context);
  const requested = [];
  watched.page.on('request', (r) => requested.push(r.url()));
  await watched.page.goto(lab.server.base + hash);
  return { ...watched, context, requested };
}

test('the home page loads only the landing build; leaving it brings in the full app without a reload', async () => {
  const { page, problems, context, requested } = await open('');
  await page.locator('.hero h1').waitFor();
  await page.waitForLoadState('networkidle');
  assert.ok(requested.some(isLanding), 'landing build requested');
  assert.ok(!requested.some(isApp), `full app not requested on the home page: ${requested.filter(isApp)}`);
  // The header and cards are the real shell: the language switch works.
  await page.selectOption('header select', 'vi');
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  await page.selectOption('header select', 'en');
  await shot(page, 'landing-home');

  // A marker on window survives only if the page is not reloaded.
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.locator('.card a.button[href="#/streams"]').click();
  await page.locator('textarea, input').first().waitFor();
  assert.match(page.url(), /#\/streams/);
  assert.ok(requested.some(isApp), 'full app requested after leaving home');
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
  // One shell on the page: the landing view was unmounted.
  assert.equal(await page.locator('header.top').count(), 1);
  assert.equal(await page.locator('#boot-status').count(), 0);
  // Back home, now in the full app.
  await page.getByRole('link', { name: 'Home', exact: true }).click();
  await page.locator('.hero h1').waitFor();
  assert.equal(await page.locator('main').count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a deep link loads the full app directly, and the saved language applies to the landing build', async () => {
  const deep = await open('#/lessons');
  await deep.page.locator('header.top').waitFor();
  await deep.page.locator('main h1').waitFor();
  assert.ok(!deep.requested.some(isLanding), 'landing build not requested on a deep link');
  assert.ok(deep.requested.some(isApp));
  assert.deepEqual(deep.problems, []);
  await deep.context.close();

  const vi = await open('', {
    init: () => localStorage.setItem('kinesis-lab.progress', JSON.stringify({ version: 1, lang: 'vi' })),
  });
  await vi.page.locator('.hero h1').waitFor();
  assert.equal(await vi.page.getAttribute('html', 'lang'), 'vi');
  assert.ok(!vi.requested.some(isApp));
  await shot(vi.page, 'landing-home-vi');
  await vi.context.close();
});

test('when the full app cannot load, the student sees why and a reload button', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 1366, height: 900 } });
  await context.route(/kinesis-lab-app-[0-9a-f]+_bg\.wasm$/, (route) => route.abort());
  const page = await context.newPage();
  await page.goto(lab.server.base + '#/streams');
  const status = page.locator('#boot-status[role="alert"]');
  await status.waitFor();
  assert.match(await status.innerText(), /could not load/);
  assert.equal(await status.getByRole('button', { name: 'Reload' }).count(), 1);
  await shot(page, 'landing-failed');
  await context.close();
});
