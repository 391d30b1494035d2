// End-to-end: the playground's exports. A model trained in the page is exported as an ONNX
// graph, which onnxruntime (the project's Python environment, scripts/lib.sh) runs on the
// drawing the page classified, giving the page's probabilities; and as a PyTorch and a Keras
// script, downloaded with the model file they read, whose NumPy path reports the page's test
// accuracy on MNIST; the model file beside a script is the page's own. Every wait is for a
// state of the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { serve, launch, openPlayground, stroke, assertNoCspReports, downloadsFrom } from './harness.mjs';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const PYTHON = join(ROOT, '.venv/bin/python');
const MNIST = process.env.NEURITE_MNIST_DIR ?? join(ROOT, 'data/mnist');

let server;
let browser;
let page;
let errors;
let dir;

/** Clicks `testid`; resolves to the paths of the `count` files it downloads (copied into
 * `dir` under their names), by name. */
async function downloads(testid, count) {
  const files = {};
  for (const [name, d] of Object.entries(await downloadsFrom(page, testid, count))) {
    files[name] = join(dir, name);
    await copyFile(await d.path(), files[name]);
  }
  return files;
}

before(async () => {
  assert.ok(existsSync(PYTHON), `${PYTHON} is missing: scripts/test.sh makes it (ensure_python_venv)`);
  dir = await mkdtemp(join(tmpdir(), 'neurite-exports-'));
  server = await serve();
  browser = await launch();
  ({ page, errors } = await openPlayground(browser, server.url));
  await page.getByTestId('field-epochs').fill('1');
  await page.getByTestId('play').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.phase === 'finished', null, { timeout: 300_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the ONNX graph gives the page\'s probabilities for a drawing, in onnxruntime', async () => {
  await stroke(page, 0.5, 0.25);
  const probabilities = await page.getByTestId('bars').locator('[data-value]')
    .evaluateAll((bars) => bars.map((b) => Number(b.dataset.value)));
  // What the model saw: the preview's 28×28 pixels (red channel; the preview is gray).
  const pixels = await page.getByTestId('preview').evaluate((canvas) =>
    [...canvas.getContext('2d').getImageData(0, 0, 28, 28).data].filter((_, i) => i % 4 === 0));
  const files = await downloads('export-onnx', 1);
  assert.deepEqual(Object.keys(files), ['neurite-mnist.onnx']);
  const input = join(dir, 'drawing.json');
  await writeFile(input, JSON.stringify(pixels));
  const { stdout } = await run(PYTHON, ['-c', `
import json, sys
import numpy as np, onnx, onnxruntime as ort
onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)
session = ort.InferenceSession(sys.argv[1])
x = np.array(json.load(open(sys.argv[2])), dtype=np.float32).reshape(1, 784) / 255
print(json.dumps(session.run(None, {session.get_inputs()[0].name: x})[0][0].tolist()))
`, files['neurite-mnist.onnx'], input]);
  const onnx = JSON.parse(stdout);
  assert.equal(onnx.length, 10);
  for (let c = 0; c < 10; c++) {
    assert.ok(Math.abs(onnx[c] - probabilities[c]) < 1e-4, `class ${c}: onnxruntime ${onnx[c]}, page ${probabilities[c]}`);
  }
});

for (const [framework, script] of [['pytorch', 'neurite_mnist_torch.py'], ['keras', 'neurite_mnist_keras.py']]) {
  test(`the ${framework} script, with the model file beside it, reports the page's test accuracy`, async () => {
    const files = await downloads(`export-${framework}`, 2);
    assert.deepEqual(Object.keys(files).sort(), ['neurite-mnist.safetensors', script].sort());
    const { stdout } = await run(PYTHON, [files[script], '--numpy', '--data', MNIST], { timeout: 300_000 });
    const page_accuracy = Number(await page.getByTestId('test-accuracy').getAttribute('data-value'));
    assert.match(stdout, /test accuracy \(numpy\): (\d\.\d{4}) on 10000 images/);
    const accuracy = Number(stdout.match(/test accuracy \(numpy\): (\d\.\d{4})/)[1]);
    assert.equal(accuracy, Number(page_accuracy.toFixed(4)), stdout);
  });
}

test('the file a script reads is the page\'s own model file', async () => {
  const saved = await downloads('save-model', 1);
  const beside = await downloads('export-keras', 2);
  const a = await readFile(saved['neurite-mnist.safetensors']);
  const b = await readFile(beside['neurite-mnist.safetensors']);
  assert.ok(a.equals(b));
});

test('no console errors', () => {
  assert.deepEqual(errors, []);
});

test('the page ran under the site\'s strict CSP: no violation was reported', () => {
  assertNoCspReports(server);
});
