// End-to-end: the learner's own handwriting. Ten digits drawn on the pad in one's own style (a
// 7 written as a single slanted stroke, which MNIST's model reads as a 1) are added with their
// label; the collection is relabelled, deleted from, downloaded as IDX files and added back
// from them bit for bit; it survives a reload; mixed into training at a share it changes the
// trained model; fine-tuning on it alone makes the model's accuracy on it rise. Every wait is
// for a state of the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serve, launch, openPlayground, screenshot, assertNoCspReports, downloadsFrom } from './harness.mjs';

let server;
let browser;
let page;
let errors;
/** The collection's two files as first downloaded. */
let exported;

const count = async () => Number(await page.getByTestId('my-digits-count').textContent());
const waitCount = (n) => page.waitForFunction((n) =>
  document.querySelector('[data-testid=my-digits-count]').textContent === String(n), n);
const waitPhase = (wanted) => page.waitForFunction(
  (wanted) => document.querySelector('[data-testid=status]').dataset.phase === wanted, wanted, { timeout: 300_000 });
/** The model's accuracy on the collection, once the worker has evaluated all `n` digits. */
const accuracyOn = async (n) => {
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=my-digit-predicted][data-class]').length === n
    && document.querySelector('[data-testid=my-digits-accuracy]'), n);
  return Number(await page.getByTestId('my-digits-accuracy').getAttribute('data-value'));
};

/** Draws a stroke through `points` (fractions of the pad) with pen events, in the page. */
async function drawPath(points) {
  await page.getByTestId('pad').scrollIntoViewIfNeeded();
  await page.evaluate((points) => {
    const pad = document.querySelector('[data-testid=pad]');
    const r = pad.getBoundingClientRect();
    const at = ([x, y]) => ({
      clientX: r.left + x * r.width, clientY: r.top + y * r.height,
      pointerId: 1, bubbles: true, isPrimary: true, pointerType: 'pen',
    });
    pad.dispatchEvent(new PointerEvent('pointerdown', at(points[0])));
    for (const p of points.slice(1)) pad.dispatchEvent(new PointerEvent('pointermove', at(p)));
    pad.dispatchEvent(new PointerEvent('pointerup', at(points[points.length - 1])));
  }, points);
}

/** A 7 in this learner's style: one slanted stroke, its slant and length varying with `i`. */
function sevenInMyStyle(i) {
  const top = [0.42 + 0.02 * (i % 5), 0.2 + 0.01 * i];
  const bottom = [0.5 - 0.03 * (i % 4), 0.78 - 0.01 * (i % 3)];
  return [top, [(top[0] + bottom[0]) / 2, (top[1] + bottom[1]) / 2], bottom];
}

/** Draws digit `i` and adds it as `label`. */
async function addDrawn(i, label) {
  const before = await count();
  await page.getByTestId('clear').click();
  await drawPath(sevenInMyStyle(i));
  await page.waitForFunction((label) => !document.querySelector(`[data-testid=add-digit-${label}]`).disabled, label);
  await page.getByTestId(`add-digit-${label}`).click();
  await waitCount(before + 1);
}

/** Clicks the collection's download; resolves to its two files' paths and bytes, by name. */
async function download() {
  const files = {};
  for (const [name, d] of Object.entries(await downloadsFrom(page, 'my-digits-export', 2))) {
    files[name] = { path: await d.path(), bytes: await readFile(await d.path()) };
  }
  return files;
}

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

test('a trained model reads my style of 7 as something else', async () => {
  await page.getByTestId('field-epochs').fill('1');
  await page.getByTestId('play').click();
  await waitPhase('finished');
  assert.equal(await count(), 0);
  for (let i = 0; i < 10; i++) await addDrawn(i, 7);
  assert.equal(await count(), 10);
  const accuracy = await accuracyOn(10);
  console.log(`MNIST model, one epoch, on my ten 7s: ${(accuracy * 100).toFixed(0)} %`);
  assert.ok(accuracy <= 0.3, `the model already reads my 7s (${accuracy})`);
  const confusion = await page.getByTestId('my-digits-confusion').textContent();
  assert.ok(confusion.length > 0);
});

test('digits are relabelled and deleted, downloaded as IDX and added back bit for bit', async () => {
  const labels = () => page.getByTestId('my-digit-label').evaluateAll((all) => all.map((s) => s.value));
  await page.getByTestId('my-digit-label').nth(2).selectOption('1');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=my-digit-label]')[2].value === '1');
  assert.deepEqual(await labels(), ['7', '7', '1', '7', '7', '7', '7', '7', '7', '7']);
  await page.getByTestId('my-digit-label').nth(2).selectOption('7');
  await page.getByTestId('my-digit-delete').nth(9).click();
  await waitCount(9);
  await addDrawn(9, 7);

  exported = await download();
  const images = exported['my-digits-images-idx3-ubyte'].bytes;
  const labelFile = exported['my-digits-labels-idx1-ubyte'].bytes;
  assert.deepEqual([...images.subarray(0, 16)], [0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28]);
  assert.equal(images.length, 16 + 10 * 784);
  assert.deepEqual([...labelFile], [0, 0, 8, 1, 0, 0, 0, 10, ...Array(10).fill(7)]);

  // Delete them all, then add them back from the two files.
  for (let n = 10; n > 0; n--) {
    await page.getByTestId('my-digit-delete').first().click();
    await waitCount(n - 1);
  }
  await page.getByTestId('my-digits-import').setInputFiles([
    exported['my-digits-labels-idx1-ubyte'].path, exported['my-digits-images-idx3-ubyte'].path,
  ]);
  await waitCount(10);
  const again = await download();
  assert.ok(again['my-digits-images-idx3-ubyte'].bytes.equals(images), 'images bit-identical');
  assert.ok(again['my-digits-labels-idx1-ubyte'].bytes.equals(labelFile), 'labels bit-identical');
});

test('a file that is not a collection is refused with a message, the collection kept', async () => {
  await page.getByTestId('my-digits-import').setInputFiles([
    { name: 'a-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: Buffer.from([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 8, ...Array(64).fill(0)]) },
    { name: 'a-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: Buffer.from([0, 0, 8, 1, 0, 0, 0, 1, 3]) },
  ]);
  await page.getByTestId('my-digits-notice').waitFor();
  assert.equal(await page.getByTestId('my-digits-notice').textContent(),
    'these files are not a collection of digits: a-images-idx3-ubyte: images of 8×8 pixels; a collection\'s are 28×28, as MNIST\'s');
  await page.getByTestId('my-digits-import').setInputFiles([
    { name: 'only-one', mimeType: 'application/octet-stream', buffer: Buffer.from([1, 2, 3]) },
  ]);
  await page.waitForFunction(() => document.querySelector('[data-testid=my-digits-notice]').textContent.startsWith('choose the two IDX files'));
  assert.equal(await count(), 10);
});

test('the collection is still there after a reload', async () => {
  await page.reload();
  await page.getByTestId('data-status').and(page.locator('.ready')).waitFor({ timeout: 60_000 });
  await waitCount(10);
  const images = (await download())['my-digits-images-idx3-ubyte'].bytes;
  assert.ok(images.equals(exported['my-digits-images-idx3-ubyte'].bytes));
});

test('mixed into training, my digits change the trained model', async () => {
  // The same seeded run as the first test's, with my digits as 10 % of each batch.
  await page.getByTestId('field-epochs').fill('1');
  await page.getByTestId('my-digits-share').fill('10');
  await page.getByTestId('my-digits-share').dispatchEvent('change');
  await page.getByTestId('play').click();
  await waitPhase('finished');
  const accuracy = await accuracyOn(10);
  console.log(`the same run with my digits mixed in at 10 %: ${(accuracy * 100).toFixed(0)} % on them`);
  assert.ok(accuracy >= 0.9, `mixed-in training: ${accuracy} on my digits`);
  const test = Number(await page.getByTestId('test-accuracy').getAttribute('data-value'));
  assert.ok(test > 0.9, `test accuracy ${test}`);
  await page.getByTestId('my-digits-share').fill('0');
  await page.getByTestId('my-digits-share').dispatchEvent('change');
});

test('fine-tuned on my digits alone, the model\'s accuracy on them rises', async () => {
  await page.getByTestId('reset').click();
  await waitPhase('idle');
  await page.getByTestId('play').click();
  await waitPhase('finished');
  const before = await accuracyOn(10);
  assert.ok(before <= 0.3, `before fine-tuning: ${before}`);
  await page.getByTestId('fine-tune-passes').fill('20');
  await page.getByTestId('fine-tune').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=my-digits-notice]')?.textContent.startsWith('fine-tuned'));
  const notice = await page.getByTestId('my-digits-notice').textContent();
  console.log(notice);
  assert.match(notice, /^fine-tuned with 20 passes: your digits \d+\.\d % → \d+\.\d %; test set \d+\.\d %$/);
  await page.waitForFunction((before) => Number(document.querySelector('[data-testid=my-digits-accuracy]').dataset.value) > before, before);
  const after = Number(await page.getByTestId('my-digits-accuracy').getAttribute('data-value'));
  assert.ok(after >= 0.9, `after fine-tuning: ${after}`);
  await screenshot(page, 'my-digits');
});

test('no console errors', () => {
  assert.deepEqual(errors, []);
});

test('the page ran under the site\'s strict CSP: no violation was reported', () => {
  assertNoCspReports(server);
});
