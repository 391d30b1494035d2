// End-to-end: Fashion-MNIST in the playground. The dataset menu switches a fresh model to
// Fashion-MNIST and the worker loads its files; a short run trains in the worker; every view
// that names a class (the probability bars, the confusion matrix, the misclassified images, the
// "show the math" labels) names Fashion-MNIST's classes, in English and in 中文; the choice is
// part of the stored run and comes back after a reload; switching back to MNIST with a trained
// model waits for Reset, whose replacement can be undone. Every wait is for a state of the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPlayground, screenshot, assertNoCspReports } from './harness.mjs';

const FASHION_EN = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const FASHION_ZH = ['T恤/上衣', '裤子', '套头衫', '连衣裙', '外套', '凉鞋', '衬衫', '运动鞋', '包', '短靴'];

let server;
let browser;
let page;
let errors;

const text = (id) => page.getByTestId(id).textContent();
const waitPhase = (wanted) => page.waitForFunction(
  (wanted) => document.querySelector('[data-testid=status]').dataset.phase === wanted, wanted);
/** Waits until the data status says `pattern` and the data is ready. */
const waitData = (pattern) => page.waitForFunction((source) => {
  const status = document.querySelector('[data-testid=data-status]');
  return status.classList.contains('ready') && new RegExp(source).test(status.textContent);
}, pattern.source, { timeout: 60_000 });
/** The names on the ten probability bars. */
const barNames = () => page.$$eval('[data-testid=bars] .bar-label', (labels) => labels.map((l) => l.textContent));

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

test('choosing Fashion-MNIST loads it in the worker and names its classes', async () => {
  assert.match(await text('data-status'), /^MNIST loaded \(60000/);
  assert.deepEqual(await barNames(), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  // A short run: one epoch of 6 000 images.
  await page.getByTestId('field-epochs').fill('1');
  await page.getByTestId('field-train_subset').fill('6000');
  await page.getByTestId('field-dataset').selectOption('fashion-mnist');
  // Nothing trained yet: the model is rebuilt for Fashion-MNIST at once, and its data loaded.
  await waitData(/^Fashion-MNIST loaded \(60000/);
  assert.equal(await page.getByTestId('needs-reset').count(), 0);
  assert.deepEqual(await barNames(), FASHION_EN);
  assert.equal(await page.getByTestId('play').isDisabled(), false);
  assert.deepEqual(errors, []);
});

test('a short run trains on Fashion-MNIST and every view names its classes', async () => {
  await page.getByTestId('play').click();
  await waitPhase('finished');
  const accuracy = Number(await page.getByTestId('test-accuracy').getAttribute('data-value'));
  // Above what digits' weights would score on clothes, below what the seed model reaches on
  // MNIST's digits after the same run.
  assert.ok(accuracy > 0.65 && accuracy < 0.93, `test accuracy ${accuracy}`);

  // The confusion matrix: rows and columns by name.
  await page.waitForFunction(() => document.querySelector('[data-testid=confusion]')?.dataset.epoch === '1');
  for (const [k, name] of FASHION_EN.entries()) {
    assert.equal(await text(`confusion-row-${k}`), name);
  }
  const header = await page.$$eval('[data-testid=confusion] thead th', (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(header.slice(1), FASHION_EN);
  // A cell's images are titled by the names of its classes (shirts taken for T-shirts: the
  // confusion every model of Fashion-MNIST makes).
  await page.getByTestId('confusion-cell-6-0').click();
  await page.getByText('Test images in this cell: Shirt → T-shirt/top').waitFor();

  // The misclassified images are captioned with names.
  await page.getByTestId('misclassified').first().waitFor();
  const captions = await page.$$eval('[data-testid=misclassified]', (figures) => figures.map((f) => f.textContent));
  assert.ok(captions.length > 0);
  for (const caption of captions) {
    const names = FASHION_EN.filter((name) => caption.includes(name));
    assert.ok(names.length >= 1, caption);
  }

  // "Show the math" on test image 0 (an ankle boot): its caption and the labels to pick.
  await page.getByTestId('show-math').click();
  await page.getByTestId('math-label-9').waitFor();
  assert.equal(await text('math-label-9'), 'Ankle boot');
  assert.match(await text('math-digit'), /Ankle boot/);
  await page.getByTestId('math-logits').waitFor();
  await screenshot(page, 'fashion-trained');
  assert.deepEqual(errors, []);
});

test('in 中文 the classes and the data status are Chinese', async () => {
  await page.getByTestId('lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await waitData(/^Fashion-MNIST 已加载（60000/);
  assert.deepEqual(await barNames(), FASHION_ZH);
  for (const [k, name] of FASHION_ZH.entries()) {
    assert.equal(await text(`confusion-row-${k}`), name);
  }
  assert.equal(await text('math-label-9'), '短靴');
  const option = await page.locator('[data-testid=field-dataset] option[value=fashion-mnist]').textContent();
  assert.equal(option, 'Fashion-MNIST（服装、鞋和包）');
  await screenshot(page, 'fashion-zh');
  await page.getByTestId('lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
});

test('the stored run comes back on Fashion-MNIST after a reload', async () => {
  await page.reload();
  // The page starts on MNIST, then continues the stored run, which brings its dataset back.
  await page.getByTestId('continue-offer').waitFor({ timeout: 60_000 });
  assert.match(await text('continue-offer'), /Fashion-MNIST/);
  await page.getByTestId('continue-run').click();
  await waitData(/^Fashion-MNIST loaded/);
  await waitPhase('finished');
  assert.equal(await page.getByTestId('field-dataset').inputValue(), 'fashion-mnist');
  assert.deepEqual(await barNames(), FASHION_EN);
  assert.equal(await text('confusion-row-9'), 'Ankle boot');
});

test('switching back to MNIST keeps the trained model until Reset, which Undo reverses', async () => {
  const accuracy = await page.getByTestId('test-accuracy').getAttribute('data-value');
  await page.getByTestId('field-dataset').selectOption('mnist');
  await page.getByTestId('needs-reset').waitFor();
  // Nothing was replaced: the Fashion-MNIST model, its data and its names stay.
  assert.equal(await page.getByTestId('status').getAttribute('data-phase'), 'finished');
  assert.equal(await page.getByTestId('test-accuracy').getAttribute('data-value'), accuracy);
  assert.match(await text('data-status'), /^Fashion-MNIST loaded/);
  assert.deepEqual(await barNames(), FASHION_EN);

  await page.getByTestId('reset').click();
  await waitData(/^MNIST loaded \(60000/);
  await waitPhase('idle');
  assert.deepEqual(await barNames(), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.equal(await page.getByTestId('needs-reset').count(), 0);

  // The Fashion-MNIST model comes back with Undo, with its dataset.
  await page.getByTestId('undo-replace').click();
  await waitData(/^Fashion-MNIST loaded/);
  await waitPhase('finished');
  assert.equal(await page.getByTestId('field-dataset').inputValue(), 'fashion-mnist');
  assert.equal(await page.getByTestId('test-accuracy').getAttribute('data-value'), accuracy);
  assert.deepEqual(errors, []);
  await page.close();
  assertNoCspReports(server);
});
