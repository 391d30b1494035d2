// End-to-end: runs side by side. Two runs that differ in their learning rate are stored; picked
// to compare, their curves are drawn on the loss and accuracy charts beside the run in the
// worker, with a legend naming what differs ("lr 0.001 → 0.01") in English and 中文; a run's
// curves download as CSV and its record as JSON; the runs are still there after a reload. Every
// wait is for a state of the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serve, launch, openPlayground, screenshot, assertNoCspReports } from './harness.mjs';

let server;
let browser;
let page;
let errors;

const waitPhase = (wanted) => page.waitForFunction(
  (wanted) => document.querySelector('[data-testid=status]').dataset.phase === wanted, wanted, { timeout: 300_000 });
const runs = () => page.getByTestId('saved-run');
/** Opens the list of stored runs once the page has built it. */
const openSavedRuns = async () => {
  const list = page.locator('[data-testid=saved-runs] details');
  await list.waitFor({ state: 'attached' });
  await list.evaluate((details) => { details.open = true; });
};
/** Waits until both charts have drawn `n` compared runs; returns the loss chart's count of
 * their points. */
const comparedDrawn = async (n) => {
  await page.waitForFunction((n) => ['chart-loss', 'chart-accuracy'].every((id) =>
    Number(document.querySelector(`[data-testid=${id}]`).dataset.comparedRuns) === n), n);
  return Number(await page.getByTestId('chart-loss').getAttribute('data-compared-points'));
};
const legend = () => page.getByTestId('compared-run').allTextContents();
/** Waits until `n` stored runs have each a test accuracy (their line shows "· 9x.xx %"). */
const storedWithAccuracy = (n) => page.waitForFunction((n) =>
  [...document.querySelectorAll('[data-testid=saved-run] .run-line')].filter((l) => / %$/.test(l.textContent)).length >= n, n);

before(async () => {
  server = await serve();
  browser = await launch();
  ({ page, errors } = await openPlayground(browser, server.url));
  await page.getByTestId('total-params').waitFor();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('two runs are drawn side by side with a legend naming their difference', async () => {
  // One epoch of the 60 000 images: long enough for progress reports (each a point of the
  // train curve) to come before it ends.
  await page.getByTestId('field-epochs').fill('1');
  await page.getByTestId('play').click();
  await waitPhase('finished');

  // A second run, at ten times the learning rate.
  await page.getByTestId('field-learning_rate').fill('0.01');
  await page.getByTestId('reset').click();
  await waitPhase('idle');
  await page.getByTestId('play').click();
  await waitPhase('finished');

  await openSavedRuns();
  await storedWithAccuracy(2);
  assert.equal(await runs().count(), 2);
  // Nothing picked: nothing drawn beside the run, no legend.
  assert.equal(await comparedDrawn(0), 0);
  assert.equal(await page.getByTestId('compared-legend').count(), 0);

  // The newest run is listed first: pick the older (lr 0.001) first, as the reference.
  const [newer, older] = [runs().nth(0), runs().nth(1)];
  const names = [await older.getByTestId('run-name').inputValue(), await newer.getByTestId('run-name').inputValue()];
  await older.getByTestId('run-compare').check();
  await newer.getByTestId('run-compare').check();
  const points = await comparedDrawn(2);
  // Each stored run has its train curve (a point per progress report) and one test point.
  assert.ok(points > 4, `${points} compared points drawn`);
  assert.deepEqual(await legend(), [
    `${names[0]} — reference for the differences`,
    `${names[1]} — lr 0.001 → 0.01`,
    'This run — lr 0.001 → 0.01',
  ]);
  await screenshot(page, 'compare-runs');

  await page.getByTestId('lang-toggle').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=compared-legend]').textContent.includes('学习率'));
  assert.deepEqual(await legend(), [
    `${names[0]} — 作为比较的基准`,
    `${names[1]} — 学习率 0.001 → 0.01`,
    '当前训练 — 学习率 0.001 → 0.01',
  ]);
  await page.getByTestId('lang-toggle').click();

  // Unpicking the reference makes the other run the reference.
  await older.getByTestId('run-compare').uncheck();
  await comparedDrawn(1);
  assert.deepEqual(await legend(), [`${names[1]} — reference for the differences`, 'This run — same setup']);
});

test('a run\'s curves download as CSV and its record as JSON', async () => {
  const run = runs().nth(0);
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), run.getByTestId('run-csv').click()]);
  const name = await run.getByTestId('run-name').inputValue();
  assert.equal(csvDownload.suggestedFilename(), `${name}.csv`);
  const rows = (await readFile(await csvDownload.path(), 'utf8')).trim().split('\n');
  assert.equal(rows[0], 'curve,epoch,loss,accuracy');
  const train = rows.filter((r) => r.startsWith('train,'));
  const test = rows.filter((r) => r.startsWith('test,'));
  assert.ok(train.length >= 1, rows.join('\n'));
  assert.equal(test.length, 1, 'one epoch, one test point');
  const [, epoch, loss, accuracy] = test[0].split(',').map(Number);
  assert.equal(epoch, 1);
  assert.ok(loss > 0 && accuracy > 0.5 && accuracy <= 1, test[0]);

  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), run.getByTestId('run-json').click()]);
  assert.equal(jsonDownload.suggestedFilename(), `${name}.json`);
  const record = JSON.parse(await readFile(await jsonDownload.path(), 'utf8'));
  assert.equal(record.name, name);
  assert.equal(record.config.training.learning_rate, 0.01);
  assert.equal(record.config.training.epochs, 1);
  assert.equal(record.curves.test.length, 1);
  assert.equal(record.curves.test[0].accuracy, accuracy);
});

test('stored runs are still there after a reload and compare again', async () => {
  await page.reload();
  await page.getByTestId('data-status').and(page.locator('.ready')).waitFor({ timeout: 60_000 });
  await openSavedRuns();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=saved-run]').length === 2);
  await runs().nth(1).getByTestId('run-compare').check();
  await runs().nth(0).getByTestId('run-compare').check();
  await comparedDrawn(2);
  const lines = await legend();
  assert.match(lines[0], /reference for the differences$/);
  assert.match(lines[1], /lr 0\.001 → 0\.01$/);
  // The run in the worker is the controls' new model, not trained yet: named last.
  assert.equal(lines.length, 3);
  assert.match(lines[2], /^This run — /);
});

test('no console errors', () => {
  assert.deepEqual(errors, []);
});

test('the page ran under the site\'s strict CSP: no violation was reported', () => {
  assertNoCspReports(server);
});
