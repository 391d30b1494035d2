// End-to-end: nothing trained is lost. A paused run is stored in IndexedDB and continues after
// a reload, with its optimizer's place, its batch and its curves; a worker that traps is
// replaced and the run continues from its last checkpoint; a trained model that Reset replaced
// comes back with Undo; stored runs are renamed, downloaded and deleted. Every wait is for a
// state of the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serve, launch, newContext, openPlayground, screenshot, assertNoCspReports } from './harness.mjs';

let server;
let browser;
let page;
let errors;

const text = (id) => page.getByTestId(id).textContent();
const phase = () => page.getByTestId('status').getAttribute('data-phase');
const waitPhase = (wanted) => page.waitForFunction(
  (wanted) => document.querySelector('[data-testid=status]').dataset.phase === wanted, wanted);
/** Batches done in the epoch and the epoch, as the status shows them ("12/1875", "1/5"). */
const where = async () => ({ batch: await text('status-batch'), epoch: await text('status-epoch') });
/** Waits until the loss chart has drawn `n` or more training points (the chart sets the
 * count when it draws, a task or more after a reply); returns how many it drew. */
const drawnTrainPoints = async (n = 1) => {
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=chart-loss]')?.dataset.trainPoints ?? 0) >= n, n);
  return page.getByTestId('chart-loss').getAttribute('data-train-points').then(Number);
};
/** Opens the list of stored runs (a closed <details> after a reload), once the page has built
 * it (right after a reload it may not be there yet). */
const openSavedRuns = async () => {
  const list = page.locator('[data-testid=saved-runs] details');
  await list.waitFor({ state: 'attached' });
  await list.evaluate((details) => { details.open = true; });
};

/** Trains until the batch counter has moved, then pauses; resolves to where it paused. */
async function trainAWhileAndPause() {
  const before = await text('status-batch');
  await page.getByTestId('play').click();
  await page.waitForFunction((b) => document.querySelector('[data-testid=status-batch]').textContent !== b, before);
  await page.getByTestId('pause').click();
  await waitPhase('paused');
  return where();
}

/** Waits until the newest stored run reports `steps` optimizer steps. */
async function waitStored(steps) {
  await page.waitForFunction((steps) => {
    const line = document.querySelector('[data-testid=saved-run] .run-line');
    return line && line.textContent.includes(` ${steps} `);
  }, steps);
}

/** Reloads the page, accepts its offer to continue, which must name the run `paused` left
 * (by its optimizer steps), and waits until the status shows its batch again. */
async function reloadAndContinue(paused) {
  await page.reload();
  await page.getByTestId('data-status').and(page.locator('.ready')).waitFor({ timeout: 60_000 });
  const offer = page.getByTestId('continue-offer');
  await offer.waitFor();
  assert.match(await offer.textContent(), new RegExp(` ${await stepsOf(paused)} `));
  await page.getByTestId('continue-run').click();
  await page.waitForFunction((b) => document.querySelector('[data-testid=status-batch]').textContent === b, paused.batch);
}

/** Optimizer steps from the status ("b/n" in epoch e): (e − 1)·n + b. */
async function stepsOf({ batch, epoch }) {
  const [b, n] = batch.split('/').map(Number);
  const [e] = epoch.split('/').map(Number);
  return (e - 1) * n + b;
}

before(async () => {
  server = await serve();
  browser = await launch();
  ({ page, errors } = await openPlayground(browser, `${server.url}?test-hooks`));
  await page.getByTestId('total-params').waitFor();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('a paused run is stored and continues after a reload, with its batch and its curves', async () => {
  const paused = await trainAWhileAndPause();
  const steps = await stepsOf(paused);
  await openSavedRuns();
  await waitStored(steps);
  const points = await drawnTrainPoints();

  await reloadAndContinue(paused);
  assert.equal(await phase(), 'paused');
  assert.deepEqual(await where(), paused);
  // The curves came back, drawn.
  await drawnTrainPoints(points);
  // Training goes on from there (a fresh run would start again at batch 0).
  const next = await trainAWhileAndPause();
  assert.ok(await stepsOf(next) > steps, `${next.batch} after ${paused.batch}`);
  assert.equal(await page.getByTestId('continue-offer').count(), 0);
});

test('a worker that traps is replaced and the run continues from its last checkpoint', async () => {
  const paused = await trainAWhileAndPause();
  const steps = await stepsOf(paused);
  await waitStored(steps);
  await page.evaluate(() => window.neuriteCrashWorker());
  await page.getByTestId('notice').filter({ hasText: 'crashed' }).waitFor();
  // The fresh worker reloads MNIST and continues the run where its checkpoint left it.
  await page.waitForFunction((b) => document.querySelector('[data-testid=status-batch]').textContent === b, paused.batch);
  await waitPhase('paused');
  assert.deepEqual(await where(), paused);
  const next = await trainAWhileAndPause();
  assert.ok(await stepsOf(next) > steps);
  await screenshot(page, 'autosave-after-crash');
});

test('a trained model replaced by Reset comes back with Undo', async () => {
  const paused = await trainAWhileAndPause();
  await waitStored(await stepsOf(paused));
  await page.getByTestId('reset').click();
  await page.getByTestId('replaced-offer').waitFor();
  await waitPhase('idle');
  await page.getByTestId('undo-replace').click();
  await page.waitForFunction((b) => document.querySelector('[data-testid=status-batch]').textContent === b, paused.batch);
  assert.deepEqual(await where(), paused);
});

test('stored runs can be renamed, downloaded as checkpoints and deleted', async () => {
  await openSavedRuns();
  const name = page.getByTestId('run-name').first();
  await name.fill('my first run');
  await name.dispatchEvent('change');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('run-download').first().click(),
  ]);
  assert.equal(download.suggestedFilename(), 'my first run.safetensors');
  const bytes = await readFile(await download.path());
  const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString());
  assert.ok(header['optimizer.dense_1.kernel.first_moment'], 'the optimizer state is in the file');
  assert.ok(JSON.parse(header.__metadata__.training).position);

  await page.reload();
  await openSavedRuns();
  await page.getByTestId('saved-run').first().waitFor();
  assert.equal(await page.getByTestId('run-name').first().inputValue(), 'my first run');
  const count = await page.getByTestId('saved-run').count();
  await page.getByTestId('run-delete').first().click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=saved-run]').length === n - 1, count);
  // The list changes at once; the database's delete commits a moment later. Reloading before
  // it has would test the reload, not the delete.
  await page.waitForFunction((n) => new Promise((resolve) => {
    const open = indexedDB.open('neurite');
    open.onsuccess = () => {
      const count = open.result.transaction('runs').objectStore('runs').count();
      count.onsuccess = () => { open.result.close(); resolve(count.result === n - 1); };
      count.onerror = () => { open.result.close(); resolve(false); };
    };
    open.onerror = () => resolve(false);
  }), count);
  await page.reload();
  await openSavedRuns();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=saved-run]').length === n - 1, count);
});

/** Trains a 1 024-unit model (Reset to it) a while and pauses: its checkpoint does not fit in
 * the small quota below, and `problem` must say so. */
async function tooBigARun(problem) {
  await page.getByTestId('layer-0-units').fill('1024');
  await page.getByTestId('needs-reset').waitFor();
  await page.getByTestId('reset').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=total-params]').textContent === '814090');
  await trainAWhileAndPause();
  await problem.waitFor();
  assert.match(await problem.textContent(), /storage is full.*previous one is intact/);
}

test('when the storage is full, the error is shown and the previous checkpoint stays whole', async () => {
  // A page of its own, whose browser quota is made small through the DevTools protocol
  // (DevTools' "simulate a custom storage quota") before the page first stores anything (the
  // storage service keeps the quota it has read for as long as the browser context lives):
  // 4 MiB, room for the seed model's checkpoint (1.2 MB) but not for one of a 1 024-unit
  // layer trained with Adam (9.8 MB), which IndexedDB refuses with a QuotaExceededError.
  const context = await newContext(browser, { viewport: { width: 1400, height: 1000 } });
  const main = page;
  page = await context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.origin, quotaSize: 4 << 20 });
  try {
    await page.goto(`${server.url}?lang=en`);
    await page.getByTestId('data-status').and(page.locator('.ready')).waitFor({ timeout: 60_000 });
    const paused = await trainAWhileAndPause();
    const steps = await stepsOf(paused);
    await openSavedRuns();
    await waitStored(steps);

    const problem = page.getByTestId('storage-problem');
    await tooBigARun(problem);

    // What is stored is the first run as it was at `steps`, whole: after a reload it is offered,
    // and continues there with its own model.
    await reloadAndContinue(paused);
    assert.deepEqual(await where(), paused);
    assert.equal(await text('total-params'), '101770');

    // Full again, then a checkpoint that fits (a new seed run's, beside the first): the error goes.
    await tooBigARun(problem);
    await page.getByTestId('layer-0-units').fill('128');
    await page.getByTestId('reset').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=total-params]').textContent === '101770');
    const fresh = await trainAWhileAndPause();
    await openSavedRuns();
    await waitStored(await stepsOf(fresh));
    await problem.waitFor({ state: 'detached' });
  } finally {
    await context.close();
    page = main;
  }
});

test('no console errors but the trap asked for', () => {
  const unexpected = errors.filter((e) => !/crash|unreachable|RuntimeError|panicked/i.test(e));
  assert.deepEqual(unexpected, []);
});

test('the page ran under the site\'s strict CSP: no violation was reported', () => {
  assertNoCspReports(server);
});
