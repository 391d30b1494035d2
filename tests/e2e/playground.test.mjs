// End-to-end: the built site (dist/) in Debian's headless Chromium. Trains the seed preset on
// all 60 000 images, checks test accuracy, pause/resume, drawing, a bad model upload and the
// language switch. Every wait is for an event or a state of the page, never for a time; how
// fast the page answers (stroke to bars, pause, main-thread tasks while training) is measured
// by the benchmarks in tests/bench/, not asserted here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mnistTest, newContext, serve, launch, openPlayground, screenshot, stroke, assertNoCspReports } from './harness.mjs';

let server;
let browser;
let page;
let errors;
/** The gallery's height before the first epoch. */
let galleryHeightBefore;


/** Strokes traced over an image: one per horizontal run of ink, in 28×28 pixel units. */
function traceStrokes(pixels) {
  const strokes = [];
  for (let y = 0; y < 28; y++) {
    let start = -1;
    for (let x = 0; x <= 28; x++) {
      const ink = x < 28 && pixels[y * 28 + x] > 110;
      if (ink && start < 0) start = x;
      if (!ink && start >= 0) {
        strokes.push([[start + 0.5, y + 0.5], [x - 0.5, y + 0.5]]);
        start = -1;
      }
    }
  }
  return strokes;
}

/** Replays strokes on the pad with the mouse (Pointer Events reach the page as for a user). */
async function draw(strokes) {
  await page.getByTestId('pad').scrollIntoViewIfNeeded();
  const box = await page.getByTestId('pad').boundingBox();
  const at = ([x, y]) => [box.x + (x / 28) * box.width, box.y + (y / 28) * box.height];
  for (const [from, to] of strokes) {
    await page.mouse.move(...at(from));
    await page.mouse.down();
    await page.mouse.move(...at(to), { steps: 3 });
    await page.mouse.up();
  }
  // The worker classifies each drawing and answers; wait for the answer to the last one.
  await page.waitForFunction(() => {
    const { drawing, answered } = document.querySelector('[data-testid=bars]').dataset;
    return drawing === answered;
  });
}

const text = (id) => page.getByTestId(id).textContent();
const attr = (id, name) => page.getByTestId(id).getAttribute(name);
const prediction = async () => Number(await text('prediction'));

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

test('the page loads with MNIST and no console errors', async () => {
  assert.match(await text('data-status'), /60000/);
  assert.equal(await text('total-params'), '101770');
  // Chromium runs relaxed SIMD, so the page starts the trainer built with it.
  assert.equal(await attr('status-kernels', 'data-value'), 'relaxed_simd');
  await screenshot(page, '01-loaded');
  assert.deepEqual(errors, []);
});

test('invalid values are refused at their control with the engine message', async () => {
  const lr = page.getByTestId('field-learning_rate');
  await lr.fill('abc');
  assert.match(await text('field-learning_rate-error'), /learning_rate: 'abc' is not a number/);
  assert.equal(await page.getByTestId('play').isDisabled(), true);
  await lr.fill('0');
  assert.match(await text('field-learning_rate-error'), /learning_rate: must be a number above 0/);
  await lr.fill('0.001');
  assert.equal(await page.getByTestId('field-learning_rate-error').count(), 0);
  const width = page.getByTestId('layer-0-units');
  await width.fill('0');
  assert.match(await text('layer-0-error'), /units.*got 0/);
  await screenshot(page, '02-invalid');
  await width.fill('128');
  assert.equal(await page.getByTestId('layer-0-error').count(), 0);
});

test('the seed preset trains an epoch of 60 000 images to ≥ 95 % test accuracy, and a drawn digit is classified while it trains', async () => {
  await page.getByTestId('preset-seed').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=play]').disabled);
  await page.evaluate(() => {
    // Every epoch's test accuracy, as the page shows it.
    window.epochs = [];
    const shown = document.querySelector('[data-testid=test-accuracy]');
    new MutationObserver(() => {
      const { value, epoch } = shown.dataset;
      if (value && !window.epochs.some((e) => e.epoch === Number(epoch))) {
        window.epochs.push({ epoch: Number(epoch), accuracy: Number(value) });
      }
    }).observe(shown, { attributes: true });
  });
  // The gallery keeps room for the digits it will show (once it knows its columns).
  await page.waitForFunction(() => parseFloat(getComputedStyle(document.querySelector('[data-testid=gallery]')).minHeight) > 0);
  galleryHeightBefore = await page.getByTestId('gallery').evaluate((g) => g.getBoundingClientRect().height);
  await page.getByTestId('play').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.phase === 'running');

  // While it trains: draw a real test digit, traced from MNIST, and read the bars.
  const digit = mnistTest(0);
  await draw(traceStrokes(digit.pixels));
  const firstBars = await attr('bar-' + digit.label, 'data-value');
  // One more short stroke: the worker answers it too, while it trains.
  await stroke(page, 0.5, 0.2);
  assert.equal(await attr('status', 'data-phase'), 'running', 'the stroke was answered during training');

  await page.waitForFunction(() => window.epochs.length > 0, null, { timeout: 600_000 });
  const [{ epoch, accuracy }] = await page.evaluate(() => window.epochs);
  assert.equal(epoch, 1);
  console.log(`test accuracy after epoch 1: ${(accuracy * 100).toFixed(2)} %`);
  assert.ok(accuracy >= 0.95, `test accuracy ${accuracy}`);

  // The digit drawn during training is classified as what it is, and its bars moved.
  await page.waitForFunction((before) => document.querySelector('[data-testid=bars]').dataset.classified !== before, await attr('bars', 'data-classified'));
  await page.getByTestId('clear').click();
  await draw(traceStrokes(digit.pixels));
  assert.equal(await prediction(), digit.label, `drew a ${digit.label}`);
  assert.notEqual(await attr('bar-' + digit.label, 'data-value'), firstBars);
  await screenshot(page, '03-trained');
});

test('the confusion matrix opens a cell and the gallery shows misclassified digits', async () => {
  // The matrix follows an epoch a task after its reply: wait until it shows the epoch the
  // page reports; the grids fill a few digits per task: wait for all the matrix says they hold.
  await page.waitForFunction(() => document.querySelector('[data-testid=confusion]')?.dataset.epoch
    === document.querySelector('[data-testid=test-accuracy]').dataset.epoch);
  const cells = await page.evaluate(() => [...Array(10).keys()].map((t) => [...Array(10).keys()].map((p) =>
    Number(document.querySelector(`[data-testid=confusion-cell-${t}-${p}]`).textContent))));
  const sevens = cells[7][7];
  const errorsInAll = cells.flat().reduce((a, b) => a + b, 0) - cells.reduce((a, row, i) => a + row[i], 0);
  assert.ok(sevens > 0 && errorsInAll > 0);
  await page.getByTestId('confusion-cell-7-7').click();
  // A grid is filled when it holds as many figures as it should and none shows an old digit.
  const filled = (grid, id, n) => page.waitForFunction(([grid, id, n]) =>
    document.querySelectorAll(`[data-testid=${id}]`).length === n
    && document.querySelector(`[data-testid=${grid}]`).getAttribute('aria-busy') === 'false', [grid, id, n]);
  await filled('cell-images', 'cell-image', Math.min(60, sevens));
  await filled('gallery', 'misclassified', Math.min(40, errorsInAll));
  if (errorsInAll >= 40) {
    const after = await page.getByTestId('gallery').evaluate((g) => g.getBoundingClientRect().height);
    assert.equal(after, galleryHeightBefore, 'the gallery kept the room of its 40 digits: nothing below it moved when they came');
  }
  const captions = await page.getByTestId('cell-image').locator('figcaption').allTextContents();
  assert.ok(captions.every((c) => /^#\d+$/.test(c)), 'each 7 → 7 image is named by its index');
  assert.equal(new Set(captions).size, captions.length, 'no image twice');
  // A grid's images are on its one canvas: under each figure's box, the test image of the
  // figure's index, each of its pixels a block (48 × 48 from 28 × 28, nearest neighbour).
  for (const [grid, id] of [['cell-images', 'cell-image'], ['gallery', 'misclassified']]) {
    const shown = await page.evaluate(([grid, id]) => {
      const canvas = document.querySelector(`[data-testid=${grid}] canvas`);
      const origin = canvas.getBoundingClientRect();
      const context = canvas.getContext('2d');
      return [...document.querySelectorAll(`[data-testid=${id}]`)].map((figure) => {
        const box = figure.querySelector('.digit-image').getBoundingClientRect();
        const { data } = context.getImageData(box.left - origin.left, box.top - origin.top, 48, 48);
        return { index: Number(figure.dataset.index), gray: Array.from({ length: 48 * 48 }, (_, i) => data[4 * i]) };
      });
    }, [grid, id]);
    assert.ok(shown.length > 0);
    for (const { index, gray } of shown) {
      const { pixels } = mnistTest(index);
      const block = (i) => pixels[Math.floor((Math.floor(i / 48) * 28) / 48) * 28 + Math.floor(((i % 48) * 28) / 48)];
      assert.deepEqual(gray, Array.from({ length: 48 * 48 }, (_, i) => block(i)), `${id} ${index} shows its image`);
    }
  }
});

test('pause holds a run and play resumes it', async () => {
  await page.getByTestId('reset').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.phase === 'idle');
  await page.getByTestId('play').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.phase === 'running');
  const startedAt = await text('status-batch');
  await page.waitForFunction((s) => document.querySelector('[data-testid=status-batch]').textContent !== s, startedAt);
  // The worker confirms the pause (how soon: ./scripts/bench_playground.sh).
  await page.getByTestId('pause').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.phase === 'paused');
  const held = await text('status-batch');
  // The worker answers requests in order: once it has answered a later one (the model's
  // export), it has had every chance to train on, and must not have.
  const workerAnswered = async () => {
    await Promise.all([page.waitForEvent('download'), page.getByTestId('save-model').click()]);
  };
  await workerAnswered();
  assert.equal(await text('status-batch'), held);
  // A new learning rate applies to the paused run; it does not start a new one.
  await page.getByTestId('field-learning_rate').fill('0.0005');
  await workerAnswered();
  assert.equal(await attr('status', 'data-phase'), 'paused');
  assert.equal(await text('status-batch'), held);
  assert.equal(await page.getByTestId('needs-reset').count(), 0);
  await page.getByTestId('play').click();
  await page.waitForFunction((held) => document.querySelector('[data-testid=status-batch]').textContent !== held, held);
  await page.getByTestId('pause').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.phase === 'paused');
});

/** Opens the playground in a fresh context prepared by `prepare`, checks that the plain
 * SIMD128 trainer runs and trains ten batches, and closes it. */
async function plainTrainerRuns(prepare) {
  const context = await newContext(browser);
  try {
    await prepare(context);
    const plain = await context.newPage();
    const pageErrors = [];
    plain.on('pageerror', (e) => pageErrors.push(String(e)));
    plain.on('console', (m) => { if (/CSP violation/.test(m.text())) pageErrors.push(m.text()); });
    await plain.goto(server.url);
    await plain.getByTestId('data-status').and(plain.locator('.ready')).waitFor({ timeout: 60_000 });
    assert.equal(await plain.getByTestId('status-kernels').getAttribute('data-value'), 'simd128');
    await plain.getByTestId('preset-seed').click();
    await plain.getByTestId('step').click();
    await plain.waitForFunction(() => document.querySelector('[data-testid=status-batch]').textContent.startsWith('10/'));
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
}

test('where relaxed SIMD does not validate, the plain SIMD128 trainer starts and trains', async () => {
  // An engine without relaxed SIMD: every module with its instructions fails validation.
  await plainTrainerRuns((context) => context.addInitScript(() => { WebAssembly.validate = () => false; }));
});

test('if the relaxed-SIMD trainer fails to start, the plain one takes over', async () => {
  await plainTrainerRuns((context) => context.route('**/worker-relaxed*', (route) => route.abort()));
});

test('a corrupted model file is refused with a message and the model stays', async () => {
  const params = await text('total-params');
  const bars = await attr('bar-7', 'data-value');
  await page.getByTestId('model-upload').setInputFiles({
    name: 'broken.safetensors',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('\x20\x00\x00\x00\x00\x00\x00\x00{"not":"a model"}'),
  });
  const error = page.getByTestId('model-file-error');
  await error.waitFor();
  assert.equal(
    (await error.textContent()).trim(),
    'broken.safetensors: model file: header claims 32 bytes but the file holds only 17 after the length',
  );
  // The worker sends the refusal as data, so the page words it in either language, and again
  // when the language changes.
  await page.getByTestId('lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  assert.equal(
    (await error.textContent()).trim(),
    'broken.safetensors：模型文件：文件头声称有 32 字节，但长度字段之后只有 17 字节',
  );
  await page.getByTestId('lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal(await text('total-params'), params);
  assert.equal(await attr('bar-7', 'data-value'), bars);
  await screenshot(page, '04-bad-model');
});

/** The ten class probabilities the bars show for the drawing on the pad. */
const bars = () => page.evaluate(() => Array.from({ length: 10 }, (_, k) =>
  document.querySelector(`[data-testid=bar-${k}]`).dataset.value));

/** Waits until the bars show `expected`. */
const barsShow = (expected) => page.waitForFunction((want) => want.every((v, k) =>
  document.querySelector(`[data-testid=bar-${k}]`).dataset.value === v), expected);

test('a saved model downloads as a model file and loads back, replacing the model', async () => {
  // A drawing on the pad, classified by the trained model.
  await page.getByTestId('clear').click();
  await draw(traceStrokes(mnistTest(1).pixels));
  const trained = await bars();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-model').click()]);
  const path = await download.path();
  const bytes = readFileSync(path);
  assert.ok(bytes.length > 400_000, `${bytes.length} bytes`);
  // Reset to fresh weights: the drawing reads differently.
  await page.getByTestId('reset').click();
  await page.waitForFunction((before) => Array.from({ length: 10 }, (_, k) =>
    document.querySelector(`[data-testid=bar-${k}]`).dataset.value).some((v, k) => v !== before[k]), trained);
  // Loading the file brings the trained model back: the drawing reads as it did.
  await page.getByTestId('model-upload').setInputFiles(path);
  await barsShow(trained);
  assert.equal(await page.getByTestId('model-file-error').count(), 0);
  assert.equal(await text('total-params'), '101770');
});

/** A model file: the seed format's metadata with `spec`, and the given zero-filled tensors. */
function modelFile(spec, tensors = {}) {
  let offset = 0;
  const header = { __metadata__: { format: 'neurite', format_version: '1', model_spec: JSON.stringify(spec) } };
  for (const [name, shape] of Object.entries(tensors)) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, Buffer.alloc(offset)]);
}

test('hostile model files are refused with a message and the trained model stays', async () => {
  const before = await bars();
  const flatten = { type: 'flatten' };
  const dense = (units) => ({ type: 'dense', units, activation: 'relu' });
  const files = [
    // A few hundred bytes asking for a billion weights.
    ['bomb.safetensors', modelFile({ input_shape: [28, 28], layers: [flatten, ...Array(60).fill(dense(4096))] }),
      /bomb\.safetensors: model file: .*at most 33554432 parameters/],
    // Within the bounds, but holding none of its 20 million weights.
    ['empty.safetensors', modelFile({ input_shape: [28, 28], layers: [flatten, dense(4096), dense(4096), dense(10)] }),
      /empty\.safetensors: model file: .*dense_1\.kernel/],
    // As many numbers as the seed's first kernel, in another shape.
    ['transposed.safetensors', modelFile({ input_shape: [28, 28], layers: [flatten, dense(128), { type: 'dense', units: 10, activation: 'softmax' }] },
      { 'dense_1.kernel': [128, 784], 'dense_1.bias': [128], 'dense_2.kernel': [128, 10], 'dense_2.bias': [10] }),
      /transposed\.safetensors: model file: .*dense_1\.kernel.*\[128, 784\].*\[784, 128\]/],
  ];
  for (const [name, buffer, says] of files) {
    await page.getByTestId('model-upload').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
    await page.waitForFunction((n) => document.querySelector('[data-testid=model-file-error]')?.textContent.includes(n), name);
    assert.match((await text('model-file-error')).trim(), says);
  }
  // The model that was there still answers, as it did.
  assert.deepEqual(await bars(), before);
  await page.getByTestId('clear').click();
  await draw(traceStrokes(mnistTest(1).pixels));
  assert.deepEqual(await bars(), before);
  assert.equal(await text('total-params'), '101770');
  assert.deepEqual(errors, []);
});

test('the page switches to 中文 and remembers it', async () => {
  await page.getByTestId('lang-toggle').click();
  assert.equal(await page.locator('h1').textContent(), 'Neurite 神经网络实验场');
  await page.reload();
  await page.getByTestId('total-params').waitFor();
  assert.equal(await page.locator('h1').textContent(), 'Neurite 神经网络实验场');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  await screenshot(page, '05-zh');
  await page.getByTestId('lang-toggle').click();
  assert.deepEqual(errors, []);
});

test('the page ran under the site\'s strict CSP: no violation was reported', () => {
  assertNoCspReports(server);
});
