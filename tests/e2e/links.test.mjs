// End-to-end: the MNIST playground's setup in its address (docs/links.md). The address follows
// the controls without adding history entries; opened in a fresh browser context (a new
// profile: no stored run, empty IndexedDB) it sets every control the same, and the same seed
// trains the same first epoch, to the same test accuracy exactly. A hostile link is refused key
// by key, in the page's language, and the page works with the rest; Copy link puts the address
// on the clipboard, or shows it selected where the browser refuses. Every wait is for a state
// of the page, never for a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, newContext, openPlayground, screenshot, assertNoCspReports } from './harness.mjs';

let server;
let browser;

/** The address the controls below write: only what differs from the seed program. */
const CHANGED = '#dataset=fashion-mnist'
  + '&layers=conv2d(4,5,relu,padding=same),avgpool2d,flatten,dense(64,tanh),dense(64,relu,init=he_uniform),dropout(0.1),dense(10,softmax)'
  + '&opt=sgd&momentum=0.8&nesterov=1&lr=0.02&batch=50&epochs=1&l2=0.0001&subset=3000&seed=7';

before(async () => {
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const waitPhase = (page, wanted) => page.waitForFunction(
  (wanted) => document.querySelector('[data-testid=status]').dataset.phase === wanted, wanted);

/** Waits until the data is loaded and its status names `dataset` ("Fashion-MNIST"). */
const waitData = (page, dataset) => page.waitForFunction((dataset) => {
  const status = document.querySelector('[data-testid=data-status]');
  return status.classList.contains('ready') && status.textContent.startsWith(`${dataset} loaded`);
}, dataset, { timeout: 60_000 });

/** Every control of the model and the run, by its test id: a field's text, a menu's choice, a
 * box's tick. */
const controls = (page) => page.evaluate(() => Object.fromEntries(
  [...document.querySelectorAll('.controls-panel input[data-testid], .controls-panel select[data-testid]')]
    .filter((c) => c.type !== 'file' && c.dataset.testid !== 'run-name')
    .map((c) => [c.dataset.testid, c.type === 'checkbox' ? c.checked : c.value])));

/** Trains the controls' setup to its end (one epoch) and returns its test accuracy as shown. */
async function trainedAccuracy(page) {
  await page.waitForFunction(() => !document.querySelector('[data-testid=play]').disabled);
  await page.getByTestId('play').click();
  await waitPhase(page, 'finished');
  const shown = page.getByTestId('test-accuracy');
  await page.waitForFunction(() => document.querySelector('[data-testid=test-accuracy]').dataset.epoch === '1');
  return shown.getAttribute('data-value');
}

test('the address follows the controls, and opened in a fresh browser it sets them all and trains the same run', async () => {
  const first = await openPlayground(browser, server.url);
  const page = first.page;
  assert.equal(new URL(page.url()).hash, '', 'the seed program has no hash');
  const history = await page.evaluate(() => history.length);

  await page.getByTestId('field-dataset').selectOption('fashion-mnist');
  await page.locator('[data-testid=conv-section] summary').click();
  await page.getByTestId('add-conv').click();
  await page.getByTestId('conv-0-filters').fill('4');
  await page.getByTestId('conv-0-kernel').fill('5');
  await page.getByTestId('conv-0-padding').selectOption('same');
  await page.getByTestId('conv-0-pool').selectOption('average');
  await page.getByTestId('layer-0-units').fill('64');
  await page.getByTestId('layer-0-activation').selectOption('tanh');
  await page.getByTestId('add-layer').click();
  await page.getByTestId('layer-1-init').selectOption('he_uniform');
  await page.getByTestId('layer-1-dropout').fill('0.1');
  await page.getByTestId('field-optimizer').selectOption('momentum');
  await page.getByTestId('field-optimizer.momentum').fill('0.8');
  await page.getByTestId('field-nesterov').check();
  await page.getByTestId('field-learning_rate').fill('0.02');
  await page.getByTestId('field-batch_size').fill('50');
  await page.getByTestId('field-epochs').fill('1');
  await page.getByTestId('field-l2').fill('0.0001');
  await page.getByTestId('field-train_subset').fill('3000');
  await page.getByTestId('field-seed').fill('7');
  // A value being typed that does not check leaves the last setup in the address.
  await page.getByTestId('field-epochs').fill('x');
  await page.getByTestId('field-epochs').fill('1');
  await page.waitForFunction((hash) => location.hash === hash, CHANGED);
  assert.equal(await page.evaluate(() => history.length), history, 'the address was replaced, not pushed');
  await waitData(page, 'Fashion-MNIST');
  const shown = await controls(page);
  assert.equal(shown['field-dataset'], 'fashion-mnist');
  assert.equal(shown['field-optimizer'], 'momentum');
  assert.equal(shown['field-nesterov'], true);
  assert.equal(shown['conv-0-kernel'], '5');

  // A new profile opens the address: the same controls, every one of them.
  const second = await openPlayground(browser, page.url());
  const again = second.page;
  await waitData(again, 'Fashion-MNIST');
  assert.deepEqual(await controls(again), shown);
  assert.equal(new URL(again.url()).hash, CHANGED, 'the address opened is the one written');
  assert.equal(await again.getByTestId('link-refusals').count(), 0);
  await screenshot(again, 'links-01-opened');

  // The same seed, the same run: one epoch on 3 000 images, the same test accuracy exactly.
  const accuracy = await trainedAccuracy(page);
  const accuracyAgain = await trainedAccuracy(again);
  console.log(`test accuracy after one epoch in both browsers: ${accuracy}`);
  assert.ok(Number(accuracy) > 0.5, `accuracy ${accuracy}`);
  assert.equal(accuracyAgain, accuracy);
  assert.deepEqual(first.errors, []);
  assert.deepEqual(second.errors, []);
  await first.context.close();
  await second.context.close();
});

test('a hostile link lists its refusals in the page\'s language and the page works with the rest', async () => {
  // The last of repeated keys counts: `lr=abc` is read, not `lr=0.5`.
  const hostile = `${server.url}#lr=0.5&colour=red&layers=flatten,dense(100000,relu),dense(10,softmax)`
    + '&batch=16&epochs=2&seed=5&momentum=0.5&%E4%B8%AD=%FF&lr=abc';
  const { page, context, errors } = await openPlayground(browser, hostile);
  const listed = page.getByTestId('link-refusal');
  await page.getByTestId('link-refusals').waitFor();
  const messages = await listed.allTextContents();
  assert.equal(messages.length, 5, messages.join('\n'));
  assert.match(messages[0], /^a link has no key "colour"/);
  assert.match(messages[1], /^a link has no key "中"/);
  assert.equal(messages[2], 'layers: layers[1].units: a dense layer needs 1 to 4096 units, got 100000');
  assert.equal(messages[3], 'momentum: the link\'s optimizer, adam, has no such constant');
  assert.equal(messages[4], 'lr: must be a number, got "abc"');
  // The valid keys applied; the refused ones kept the seed program's.
  const shown = await controls(page);
  assert.equal(shown['field-batch_size'], '16');
  assert.equal(shown['field-epochs'], '2');
  assert.equal(shown['field-seed'], '5');
  assert.equal(shown['field-learning_rate'], '0.001');
  assert.equal(shown['layer-0-units'], '128');
  assert.equal(await page.getByTestId('total-params').textContent(), '101770');
  // The address now holds what was applied.
  await page.waitForFunction(() => location.hash === '#batch=16&epochs=2&seed=5');
  // The page trains.
  await page.getByTestId('step').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=status-batch]').textContent.startsWith('10/'));
  // The notice is worded in 中文 too, and goes when dismissed.
  await page.getByTestId('lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  assert.match(await page.getByTestId('link-refusals').textContent(), /链接中有些内容无法使用/);
  assert.equal((await listed.allTextContents())[4], 'lr（学习率）：应为一个数，收到的是 “abc”');
  await screenshot(page, 'links-02-refused');
  await page.getByTestId('link-refusals-dismiss').click();
  assert.equal(await page.getByTestId('link-refusals').count(), 0);
  await page.getByTestId('lang-toggle').click();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a link pasted into the address bar of an open playground sets its controls', async () => {
  const { page, context, errors } = await openPlayground(browser, server.url);
  await page.evaluate(() => { location.hash = 'lr=0.05&layers=flatten,dense(32,sigmoid),dense(10,softmax)&nope=1'; });
  await page.waitForFunction(() => document.querySelector('[data-testid=field-learning_rate]').value === '0.05');
  assert.equal(await page.getByTestId('layer-0-units').inputValue(), '32');
  assert.equal(await page.getByTestId('layer-0-activation').inputValue(), 'sigmoid');
  assert.match(await page.getByTestId('link-refusal').textContent(), /"nope"/);
  await page.waitForFunction(() => location.hash === '#layers=flatten,dense(32,sigmoid),dense(10,softmax)&lr=0.05');
  assert.deepEqual(errors, []);
  await context.close();
});

test('Copy link puts the address on the clipboard', async () => {
  const { page, context, errors } = await openPlayground(browser, `${server.url}#seed=3&epochs=2`, {
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  await page.getByTestId('copy-link').click();
  await page.getByTestId('link-copied').waitFor();
  assert.equal(await page.getByTestId('link-copied').textContent(), 'Link copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, page.url());
  assert.equal(new URL(copied).hash, '#epochs=2&seed=3');
  // A change of the controls: what was said of the old link goes.
  await page.getByTestId('field-seed').fill('4');
  await page.getByTestId('link-copied').waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('where the browser refuses to copy, the link is shown selected in a field', async () => {
  const context = await newContext(browser, { viewport: { width: 1400, height: 1000 } });
  await context.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'clipboard', {
      get: () => ({ writeText: () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')) }),
    });
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}?lang=zh#batch=64`);
  await page.getByTestId('data-status').and(page.locator('.ready')).waitFor({ timeout: 60_000 });
  await page.getByTestId('copy-link').click();
  const field = page.getByTestId('link-field');
  await field.waitFor();
  assert.equal(await field.inputValue(), page.url());
  assert.equal(await field.getAttribute('readonly'), '');
  assert.ok(await field.evaluate((f) => document.activeElement === f
    && f.selectionStart === 0 && f.selectionEnd === f.value.length), 'the link is selected');
  assert.match(await page.locator('.copy-by-hand').textContent(), /浏览器不允许本页复制/);
  assert.equal(await page.getByTestId('link-copied').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the pages ran under the site\'s strict CSP: no violation was reported', () => {
  assertNoCspReports(server);
});
