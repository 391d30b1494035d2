// End-to-end: the convolutional presets in the built playground, in Chromium. Keras's convnet
// is chosen, shows Keras's shapes and parameter count, trains briefly in the worker on a
// slice of MNIST, draws its first layer's filters, and shows the feature maps of a drawn digit
// with the receptive field of a pointed cell. Every wait is for a state of the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPlayground, screenshot, stroke } from './harness.mjs';

let server;
let browser;
let page;
let errors;

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

const text = (id) => page.getByTestId(id).textContent();

test("Keras's convnet trains in the worker and shows its filters and a drawing's feature maps", async () => {
  await page.getByTestId('preset-keras-convnet').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=total-params]')?.textContent === '34826');
  const summary = await text('summary');
  for (const shape of ['(None, 26, 26, 32)', '(None, 13, 13, 32)', '(None, 5, 5, 64)', '(None, 1600)']) {
    assert.ok(summary.includes(shape), `${shape} in ${summary}`);
  }
  assert.equal(await page.getByTestId('conv-1-filters').inputValue(), '64');
  assert.match(await text('flatten'), /5×5×64 → 1600/);

  // A kernel larger than its image is refused at that block, in the engine's words.
  await page.getByTestId('conv-1-kernel').fill('15');
  assert.match(await text('conv-1-error'), /15×15 window does not fit a 13×13 image/);
  assert.equal(await page.getByTestId('play').isDisabled(), true);
  await page.getByTestId('conv-1-kernel').fill('3');
  await page.waitForFunction(() => !document.querySelector('[data-testid=play]').disabled);

  await page.getByTestId('field-train_subset').fill('3000');
  await page.getByTestId('field-epochs').fill('1');
  await page.waitForFunction(() => !document.querySelector('[data-testid=play]').disabled);
  await page.getByTestId('play').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=test-accuracy]')?.dataset.value, null, { timeout: 600_000 });
  const accuracy = Number(await page.getByTestId('test-accuracy').getAttribute('data-value'));
  console.log(`keras-convnet, 3 000 images, one epoch: test accuracy ${(accuracy * 100).toFixed(2)} %`);
  assert.ok(accuracy > 0.8, `test accuracy ${accuracy}`);

  // The first layer's 32 filters, 3×3 each, drawn as tiles.
  await page.waitForFunction(() => document.querySelector('[data-testid=weights]').width > 1);

  // A drawing's maps: the input, then conv2d_1 … max_pooling2d_2.
  await stroke(page, 0.5, 0.3);
  await page.getByTestId('maps-4').waitFor();
  const captions = await page.locator('[data-testid=feature-maps] figcaption').allTextContents();
  assert.deepEqual(captions, [
    'input · 28×28×1', 'conv2d_1 · 26×26×32', 'max_pooling2d_1 · 13×13×32',
    'conv2d_2 · 11×11×64', 'max_pooling2d_2 · 5×5×64',
  ]);
  // Pointing at the top-left cell of conv2d_2's first channel: it looks at input rows and
  // columns 0–7 (3×3, pooled by 2, then 3×3 again).
  await page.getByTestId('maps-3').hover({ position: { x: 2, y: 2 } });
  await page.waitForFunction(() => document.querySelector('[data-testid=receptive-field]').textContent.includes('0–7'));
  assert.match(await text('receptive-field'), /0–7 × 0–7/);
  await screenshot(page, 'convnet-maps');
  assert.deepEqual(errors, []);
});
