// End-to-end: the playground's "show the math" panel on the built site (dist/) in headless
// Chromium. The model is saved from the page as a model file, read here, and the example's
// forward and backward pass computed again by an independent transcription in f64 (below): the
// logits, probabilities, loss, ∂L/∂logits, the first layer's δ and gradients, the units'
// order, and Adam's first update of the followed weight must agree with what the panel shows.
// Then the panel follows the model as it trains, a drawing is taken apart, and the panel reads
// in 中文.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mnistTest, serve, launch, openPlayground, screenshot, assertNoCspReports } from './harness.mjs';

let server;
let browser;
let page;
let errors;


/** The f32 tensors of a safetensors file, by name: `{ shape, data: Float64Array }`. */
function readModelFile(bytes) {
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
  const tensors = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    assert.equal(info.dtype, 'F32');
    const [start, end] = info.data_offsets;
    const raw = bytes.subarray(8 + headerLength + start, 8 + headerLength + end);
    const data = new Float64Array(raw.length / 4);
    for (let i = 0; i < data.length; i++) data[i] = raw.readFloatLE(i * 4);
    tensors[name] = { shape: info.shape, data };
  }
  return tensors;
}

/** The seed model's example, forward and back, in f64: x = pixel · f32(1/255), as the engine
 * scales pixels; z₁ = xW₁ + b₁, a₁ = relu(z₁), z₂ = a₁W₂ + b₂, p = softmax(z₂),
 * L = −ln p_y, ∂L/∂z₂ = p − onehot(y), δ₁ = (W₂ ∂L/∂z₂) ⊙ [z₁ > 0], ∂L/∂W₁ᵢⱼ = xᵢ δ₁ⱼ. */
function exampleMath(model, pixels, label) {
  const W1 = model['dense_1.kernel'];
  const b1 = model['dense_1.bias'].data;
  const W2 = model['dense_2.kernel'];
  const b2 = model['dense_2.bias'].data;
  const [inputs, hidden] = W1.shape;
  const classes = W2.shape[1];
  const x = Array.from(pixels, (p) => p * Math.fround(1 / 255));
  const z1 = Array.from(b1);
  for (let i = 0; i < inputs; i++) {
    if (x[i] === 0) continue;
    for (let j = 0; j < hidden; j++) z1[j] += x[i] * W1.data[i * hidden + j];
  }
  const a1 = z1.map((z) => Math.max(z, 0));
  const z2 = Array.from(b2);
  for (let j = 0; j < hidden; j++) {
    for (let k = 0; k < classes; k++) z2[k] += a1[j] * W2.data[j * classes + k];
  }
  const m = Math.max(...z2);
  const e = z2.map((z) => Math.exp(z - m));
  const sum = e.reduce((s, v) => s + v, 0);
  const p = e.map((v) => v / sum);
  const dz2 = p.map((v, k) => v - (k === label ? 1 : 0));
  const delta = z1.map((z, j) => {
    if (z <= 0) return 0;
    let s = 0;
    for (let k = 0; k < classes; k++) s += W2.data[j * classes + k] * dz2[k];
    return s;
  });
  const norms = delta.map((d) => Math.abs(d) * Math.sqrt(x.reduce((s, v) => s + v * v, 0)));
  return { x, logits: z2, p, loss: -Math.log(p[label]), dz2, delta, norms, hidden, W1 };
}

const close = (actual, expected, rel = 1e-9) =>
  Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected));

function assertClose(actual, expected, what, rel) {
  assert.ok(close(actual, expected, rel), `${what}: shown ${actual}, expected ${expected}`);
}

const attr = (id, name) => page.getByTestId(id).getAttribute(name);
const value = async (id) => Number(await attr(id, 'data-value'));

/** Waits until the panel shows the worker's answer to its latest query. */
async function answered() {
  await page.waitForFunction(() => {
    const math = document.querySelector('[data-testid=math]');
    return math && math.dataset.answered === math.dataset.query && document.querySelector('[data-testid=math-loss]');
  });
}

/** Saves the current model from the page and reads it. */
async function savedModel() {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-model').click()]);
  return readModelFile(readFileSync(await download.path()));
}

/** Checks what the panel shows for `pixels` under `label` against the transcription. */
async function assertPanelAgrees(model, pixels, label) {
  const want = exampleMath(model, pixels, label);
  for (let k = 0; k < 10; k++) {
    assertClose(await value(`math-logit-${k}`), want.logits[k], `logit ${k}`);
    assertClose(await value(`math-prob-${k}`), want.p[k], `probability ${k}`);
    assertClose(await value(`math-grad-${k}`), want.dz2[k], `∂L/∂z ${k}`);
  }
  assertClose(await value('math-loss'), want.loss, 'loss');
  // The units shown are those with the largest gradients, largest first, with their δ.
  const order = [...want.norms.keys()].sort((a, b) => want.norms[b] - want.norms[a]);
  const shown = await page.getByTestId('math-units').locator('figure').count();
  assert.equal(shown, 8);
  for (let i = 0; i < shown; i++) {
    const unit = Number(await attr(`math-unit-${i}`, 'data-unit'));
    assertClose(want.norms[unit], want.norms[order[i]], `unit ${i}'s gradient norm`, 1e-9);
    assertClose(Number(await attr(`math-unit-${i}`, 'data-delta')), want.delta[unit], `δ of unit ${unit}`);
  }
  return want;
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

test('a test digit is taken apart: the numbers shown are the model file\'s, computed independently', async () => {
  const model = await savedModel();
  await page.getByTestId('show-math').click();
  await answered();
  const { pixels, label } = mnistTest(0);
  // A test image is measured against its true label.
  assert.equal(await page.getByTestId(`math-label-${label}`).getAttribute('class'), 'label-pick primary');
  const want = await assertPanelAgrees(model, pixels, label);

  // The followed weight is the top unit's largest gradient; before any training Adam's first
  // update is m = 0.1·g, v = 0.001·g², α = η·√(1 − 0.999)/(1 − 0.9), w − α·m/(√v + 1e-7).
  const weight = page.getByTestId('math-weight');
  const unit = Number(await weight.getAttribute('data-unit'));
  const input = Number(await weight.getAttribute('data-input'));
  assert.equal(unit, Number(await attr('math-unit-0', 'data-unit')));
  const column = want.x.map((x) => Math.abs(x * want.delta[unit]));
  assert.equal(column[input], Math.max(...column));
  const g = want.x[input] * want.delta[unit];
  const w = want.W1.data[input * want.hidden + unit];
  assertClose(Number(await weight.getAttribute('data-grad')), g, 'the weight\'s gradient');
  assertClose(Number(await weight.getAttribute('data-value')), w, 'the weight');
  assert.equal(await weight.getAttribute('data-t'), '1');
  const after = JSON.parse(await weight.getAttribute('data-after'));
  assertClose(after[0], 0.1 * g, 'm', 1e-12);
  assertClose(after[1], 0.001 * g * g, 'v', 1e-12);
  const alpha = (0.001 * Math.sqrt(1 - 0.999)) / (1 - 0.9);
  assertClose(Number(await weight.getAttribute('data-step-size')), alpha, 'α');
  const updated = w - (alpha * after[0]) / (Math.sqrt(after[1]) + 1e-7);
  assertClose(Number(await weight.getAttribute('data-updated')), updated, 'the updated weight');
  // The working writes the engine's result on the last line: the new weight.
  assert.match(await page.getByTestId('math-line-4').textContent(), /^w ← w − α·m \/ \(√v \+ ε\)/);

  // Another label: the loss and its gradient are measured against it.
  const other = (label + 3) % 10;
  await page.getByTestId(`math-label-${other}`).click();
  await answered();
  await assertPanelAgrees(model, pixels, other);

  // Another test image, by its number.
  await page.getByTestId('math-index').fill('17');
  await page.getByTestId('math-index').press('Enter');
  await answered();
  const seventeen = mnistTest(17);
  await assertPanelAgrees(model, seventeen.pixels, seventeen.label);
  await screenshot(page, 'math-01-test-digit');
  assert.deepEqual(errors, []);
});

test('a click on a gradient image follows that pixel\'s weight', async () => {
  const figure = page.getByTestId('math-unit-2');
  const unit = Number(await figure.getAttribute('data-unit'));
  const canvas = figure.locator('canvas');
  const box = await canvas.boundingBox();
  // Pixel (row 9, column 15).
  await canvas.click({ position: { x: (15.5 / 28) * box.width, y: (9.5 / 28) * box.height } });
  await page.waitForFunction((u) => document.querySelector('[data-testid=math-weight]')?.dataset.unit === String(u), unit);
  await answered();
  assert.equal(await attr('math-weight', 'data-input'), String(9 * 28 + 15));
  // ∂L/∂w = x·δ is written with the engine's numbers.
  assert.match(await page.getByTestId('math-line-0').textContent(), /^∂L\/∂w = x·δ = /);
});

test('the panel follows the model while it trains, and takes the drawing apart', async () => {
  const stepsBefore = Number(await attr('math', 'data-steps'));
  await page.getByTestId('step').click();
  await page.waitForFunction((s) => Number(document.querySelector('[data-testid=math]').dataset.steps) > s, stepsBefore);
  await answered();
  const model = await savedModel();
  const index = Number(await page.getByTestId('math-index').inputValue());
  const { pixels } = mnistTest(index);
  const label = Number((await page.locator('.label-pick.primary').textContent()).trim());
  await assertPanelAgrees(model, pixels, label);

  // The drawing: draw a stroke, take it apart, and compare with the image the pad shows the
  // model (its 28×28 preview) under the same weights.
  await page.getByTestId('pad').scrollIntoViewIfNeeded();
  const pad = await page.getByTestId('pad').boundingBox();
  await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(pad.x + pad.width * 0.52, pad.y + pad.height * 0.8, { steps: 6 });
  await page.mouse.up();
  await page.waitForFunction(() => {
    const { drawing, answered } = document.querySelector('[data-testid=bars]').dataset;
    return drawing === answered;
  });
  await page.getByTestId('math-source-drawing').check();
  await answered();
  const drawn = await page.evaluate(() => {
    const canvas = document.querySelector('[data-testid=preview]');
    const rgba = canvas.getContext('2d').getImageData(0, 0, 28, 28).data;
    return Array.from({ length: 784 }, (_, i) => rgba[i * 4]);
  });
  assert.ok(drawn.some((v) => v > 0), 'the stroke reached the model');
  await assertPanelAgrees(model, drawn, Number((await page.locator('.label-pick.primary').textContent()).trim()));
  assert.deepEqual(errors, []);
});

test('the panel reads in 中文', async () => {
  await page.getByTestId('lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  assert.match(await page.locator('.math-panel h2').textContent(), /展示计算过程/);
  assert.match(await page.locator('.math-panel').textContent(), /这个样本在第一层产生的梯度/);
  await screenshot(page, 'math-02-zh');
  await page.getByTestId('lang-toggle').click();
  assert.deepEqual(errors, []);
});

test('the page ran under the site\'s strict CSP: no violation was reported', () => {
  assertNoCspReports(server);
});
