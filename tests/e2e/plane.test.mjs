// End-to-end: the 2-D playground (plane.html) and its widget playground2d, on the built site in
// Debian's headless Chromium under the site's strict CSP. A real TensorFlow Playground link
// opens its setup and trains in the worker: the output's map and every neuron's map change,
// the loss falls. Hostile links are refused key by key. Through the embedding API the widget
// takes its state, its commands, and reports its run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, serve, launch, openPage, screenshot, assertNoCspReports } from './harness.mjs';

let site;
let browser;

before(async () => {
  site = await serve(DIST);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
  assertNoCspReports(site);
});

/** A page that records console errors. */
function open(url) {
  return openPage(browser, url, { viewport: { width: 1300, height: 1000 } });
}

/** A canvas's pixels, as a data URL. */
function pixels(page, testId) {
  return page.getByTestId(testId).evaluate((canvas) => canvas.toDataURL());
}

/** The epoch the page shows. */
async function epoch(page) {
  return Number(await page.getByTestId('epoch').textContent());
}

/** Waits until the page shows at least `n` epochs. */
function epochAtLeast(page, n) {
  return page.waitForFunction(
    (least) => Number(document.querySelector('[data-testid=epoch]')?.textContent) >= least,
    n,
  );
}

/** The losses line: `Epoch N · Test loss x · Training loss y …`, as numbers. */
async function losses(page) {
  const text = (await page.getByTestId('losses').textContent()).replaceAll('−', '-');
  const numbers = [...text.matchAll(/(-?\d+(?:\.\d+)?(?:e-?\d+)?)/g)].map((m) => Number(m[1]));
  return { epoch: numbers[0], test: numbers[1], train: numbers[2] };
}

// TensorFlow Playground's spiral, three tanh layers of eight, x₁ x₂ sin x₁ sin x₂, as its
// address bar writes it.
const SPIRAL =
  'activation=tanh&batchSize=10&dataset=spiral&regDataset=reg-plane&learningRate=0.03&regularizationRate=0&noise=0&networkShape=8,8,8&seed=0.59876&showTestData=false&discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=true&cosY=false&sinY=true&collectStats=false&problem=classification&initZero=false&hideText=false';

test('a Playground link opens its setup, trains in the worker, and the maps and the loss follow', async () => {
  const { page, context, errors } = await open(`${site.url}plane.html#${SPIRAL}`);
  await page.getByTestId('node-3-7').waitFor();
  assert.equal(await page.getByTestId('link-refusals').count(), 0);
  // The network the link asks for: 4 inputs, 8-8-8, one output — 5·8 + 9·8 + 9·8 + 9 weights.
  assert.match(await page.getByTestId('parameters').textContent(), /^193 /);
  assert.equal(await page.getByTestId('feature-sinX').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByTestId('feature-xTimesY').getAttribute('aria-pressed'), 'false');
  await page.waitForFunction(() => document.querySelector('[data-testid=losses]')?.textContent.includes('0'));
  const before = { map: await pixels(page, 'output-map'), node: await pixels(page, 'edges'), losses: await losses(page) };
  assert.equal(before.losses.epoch, 0);

  await page.getByTestId('play').click();
  await epochAtLeast(page, 300);
  await page.getByTestId('play').click(); // pause
  await page.waitForFunction(() => !document.querySelector('[data-testid=speed]')?.textContent);
  const after = { map: await pixels(page, 'output-map'), node: await pixels(page, 'edges'), losses: await losses(page) };
  assert.ok(after.losses.epoch >= 300, JSON.stringify(after.losses));
  assert.notEqual(after.map, before.map, 'the output map changed');
  assert.notEqual(after.node, before.node, 'the weights changed');
  assert.ok(after.losses.train < before.losses.train * 0.8, `${before.losses.train} → ${after.losses.train}`);
  await screenshot(page, 'plane-spiral');

  // Paused, one epoch at a time.
  const paused = await epoch(page);
  await page.getByTestId('step').click();
  await epochAtLeast(page, paused + 1);
  assert.equal(await epoch(page), paused + 1);

  // Reset: epoch 0 and the first weights again.
  await page.getByTestId('reset').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=epoch]')?.textContent === '0');
  assert.equal(await pixels(page, 'edges'), before.node, 'the same first weights');
  assert.deepEqual(errors, []);
  await context.close();
});

test('every change is written into the link, and the link reproduces the run', async () => {
  const { page, context, errors } = await open(`${site.url}plane.html#dataset=xor&networkShape=2&seed=7&x=true&y=true`);
  await page.getByTestId('node-1-1').waitFor();
  await page.getByTestId('add-layer').click();
  await page.getByTestId('feature-xTimesY').click();
  await page.getByTestId('add-neuron-0').click();
  await page.waitForFunction(() => location.hash.includes('networkShape=3,2') && location.hash.includes('xTimesY=true'));
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /dataset=xor/);
  assert.match(hash, /seed=7/);
  await page.getByTestId('node-2-1').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=losses]')?.textContent.length > 0);
  const first = { edges: await pixels(page, 'edges'), map: await pixels(page, 'output-map') };

  // The same link in a new page: the same points and first weights.
  const again = await open(`${site.url}plane.html${hash}`);
  await again.page.getByTestId('node-2-1').waitFor();
  await again.page.waitForFunction(() => document.querySelector('[data-testid=losses]')?.textContent.length > 0);
  assert.equal(await pixels(again.page, 'edges'), first.edges);
  assert.equal(await pixels(again.page, 'output-map'), first.map);
  assert.deepEqual(errors, []);
  assert.deepEqual(again.errors, []);
  await again.context.close();
  await context.close();
});

test('a hostile link is refused key by key, the rest is used, and the page trains', async () => {
  const junk = 'x'.repeat(20_000);
  const { page, context, errors } = await open(
    `${site.url}plane.html#networkShape=1000000&learningRate=NaN&${junk}=1&dataset=xor&xTimesY=true&seed=a%20b`,
  );
  const refusals = page.getByTestId('link-refusals');
  await refusals.waitFor();
  const text = await refusals.textContent();
  assert.match(text, /networkShape/);
  assert.match(text, /learningRate/);
  assert.match(text, /seed/);
  assert.equal(await page.getByTestId('dataset-xor').getAttribute('aria-pressed'), 'true');
  await page.getByTestId('node-2-0').waitFor();
  await page.getByTestId('play').click();
  await epochAtLeast(page, 20);
  await page.getByTestId('play').click();
  assert.deepEqual(errors, []);
  await context.close();
});

test('in Chinese, the labels and a refusal are in Chinese', async () => {
  const { page, context, errors } = await open(`${site.url}plane.html?lang=zh#learningRate=NaN`);
  await page.getByTestId('link-refusals').waitFor();
  assert.match(await page.getByTestId('link-refusals').textContent(), /链接/);
  assert.match(await page.getByTestId('playground2d').textContent(), /学习率/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the widget takes its state and its commands through the embedding API and reports its run', async () => {
  const { page, context, errors } = await open(`${site.url}embed-example.html`);
  await page.evaluate(() => {
    const el = document.createElement('neurite-widget');
    el.setAttribute('name', 'playground2d');
    el.dataset.testid = 'widget-plane';
    document.body.append(el);
    window.progress = [];
    el.addEventListener('neurite-change', (e) => window.progress.push(e.detail.outputs));
  });
  const result = await page.evaluate(async () => {
    const el = document.querySelector('[data-testid=widget-plane]');
    await el.ready;
    const set = await el.setState({ dataset: 'xor', networkShape: [4], xTimesY: true, learningRate: '0.1', optimizer: 'adam' });
    let refused = null;
    await el.setState({ networkShape: '1000000' }).catch((e) => { refused = e.key; });
    let unknown = null;
    await el.command('explode').catch((e) => { unknown = e.key; });
    await el.play();
    return { state: set.state, parameters: set.outputs.parameters, refused, unknown };
  });
  assert.deepEqual(result.state.networkShape, [4]);
  assert.equal(result.state.xTimesY, true);
  assert.equal(result.parameters, 4 * 4 + 5);
  assert.equal(result.refused, 'networkShape');
  assert.equal(result.unknown, 'command');
  // While it trains, neurite-change reports the run.
  await page.waitForFunction(() => window.progress.some((o) => o.playing && o.epoch >= 50));
  const outputs = await page.evaluate(async () => {
    const el = document.querySelector('[data-testid=widget-plane]');
    await el.pause();
    return el.outputs;
  });
  for (const key of ['epoch', 'train_loss', 'test_loss', 'train_accuracy', 'test_accuracy', 'samples_per_second']) {
    assert.equal(typeof outputs[key], 'number', key);
  }
  const playing = await page.evaluate(() => window.progress.filter((o) => o.playing));
  assert.ok(playing.some((o) => o.samples_per_second > 0), 'a speed while playing');
  assert.deepEqual(errors, []);
  await context.close();
});

/** A test id's bounding box. */
async function box(page, testId) {
  return page.getByTestId(testId).boundingBox();
}

test('a click on an edge or a node edits that weight or bias, and the output follows', async () => {
  const { page, context, errors } = await open(`${site.url}plane.html#dataset=xor&networkShape=2&seed=3&x=true&y=true`);
  await page.getByTestId('node-2-0').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=losses]')?.textContent.length > 0);
  const before = await pixels(page, 'output-map');

  // The output's bias: a click on its node, then a value.
  await page.getByTestId('node-2-0').click();
  await page.getByTestId('weight-edit').waitFor();
  assert.match(await page.getByTestId('weight-edit').textContent(), /Bias/);
  await page.getByTestId('weight-value').fill('0.6');
  await page.getByTestId('weight-value').press('Enter');
  await page.waitForFunction((old) => document.querySelector('[data-testid=output-map]').toDataURL() !== old, before);
  assert.equal(Number(await page.getByTestId('weight-value').inputValue()), 0.6);

  // The edge from x₁ to the first hidden neuron: between the two nodes.
  const from = await box(page, 'feature-x');
  const to = await box(page, 'node-1-0');
  const edges = await box(page, 'edges');
  const y = from.y + from.height / 2;
  await page.mouse.move((from.x + from.width + to.x) / 2, y);
  await page.waitForFunction(() => document.querySelector('[data-testid=graph-reading]').textContent.includes('x₁→h1.1'));
  await page.mouse.click((from.x + from.width + to.x) / 2, y);
  await page.getByTestId('weight-edit').getByText(/x₁→h1.1/).waitFor();
  const map = await pixels(page, 'output-map');
  await page.getByTestId('weight-value').fill('-40');
  await page.getByTestId('weight-value').press('Enter');
  await page.waitForFunction((old) => document.querySelector('[data-testid=output-map]').toDataURL() !== old, map);
  assert.ok(edges.width > 0);

  // A value out of range is refused with a message, and nothing changes.
  const kept = await pixels(page, 'edges');
  await page.getByTestId('weight-value').fill('1e9');
  await page.getByTestId('weight-value').press('Enter');
  await page.getByTestId('run-notice').getByText(/finite number from −100 to 100/).waitFor();
  assert.equal(await pixels(page, 'edges'), kept);
  assert.deepEqual(errors, []);
  await context.close();
});

/** The points the page saves as CSV: their lines, the header left out. */
async function savedPoints(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-points').click()]);
  const stream = await download.createReadStream();
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text.trim().split('\n').slice(1);
}

test('the learner draws points, drags and removes them, saves and opens them as CSV, and the network trains on them', async () => {
  const { page, context, errors } = await open(`${site.url}plane.html#dataset=circle&points=100&seed=5`);
  await page.getByTestId('node-2-0').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=losses]')?.textContent.length > 0);
  assert.equal((await savedPoints(page)).length, 100);

  await page.getByTestId('draw-points').check();
  await page.getByTestId('pen-class-1').click();
  const map = await box(page, 'output-map');
  // Three points of class 1 near the top-left corner, where the circle has none.
  for (const [dx, dy] of [[20, 20], [40, 22], [24, 44]]) {
    await page.mouse.click(map.x + dx, map.y + dy);
  }
  await page.waitForFunction(() => document.querySelector('[data-testid=epoch]')?.textContent === '0');
  let saved = await savedPoints(page);
  assert.equal(saved.length, 103);
  const corner = saved.filter((line) => {
    const [x, y, label] = line.split(',').map(Number);
    return x < -4 && y > 4 && label === 1;
  });
  assert.equal(corner.length, 3, saved.slice(-5).join(' | '));

  // A drag moves a point: the first one out of the corner.
  await page.mouse.move(map.x + 20, map.y + 20);
  await page.mouse.down();
  await page.mouse.move(map.x + 45, map.y + 45, { steps: 4 });
  await page.mouse.move(map.x + 70, map.y + 70, { steps: 4 });
  await page.mouse.up();
  saved = await savedPoints(page);
  assert.equal(saved.length, 103);
  const inCorner = (lines) => lines.filter((line) => {
    const [x, y, label] = line.split(',').map(Number);
    return x < -4 && y > 4 && label === 1;
  }).length;
  assert.equal(inCorner(saved), 2);
  assert.ok(saved.some((line) => {
    const [x, y] = line.split(',').map(Number);
    return Math.abs(x + 3.2) < 0.1 && Math.abs(y - 3.2) < 0.1;
  }), 'the dragged point where it was dropped');

  // A shift-click removes the nearest point.
  await page.keyboard.down('Shift');
  await page.mouse.click(map.x + 40, map.y + 22);
  await page.keyboard.up('Shift');
  saved = await savedPoints(page);
  assert.equal(saved.length, 102);
  assert.equal(inCorner(saved), 1);

  // A file with a bad row is refused with its line; a good one replaces the points.
  await page.getByTestId('import-points').setInputFiles({
    name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('x,y,label\n1,2,0\n3,oops,1\n'),
  });
  await page.getByTestId('points-error').getByText(/3/).waitFor();
  assert.equal((await savedPoints(page)).length, 102);
  const rows = ['x,y,label'];
  for (let i = 0; i < 40; i++) rows.push(`${(i % 8) - 4},${Math.floor(i / 8) - 2},${i % 2}`);
  await page.getByTestId('import-points').setInputFiles({
    name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')),
  });
  await page.waitForFunction(() => !document.querySelector('[data-testid=points-error]'));
  assert.equal((await savedPoints(page)).length, 40);
  await page.getByTestId('play').click();
  await epochAtLeast(page, 10);
  await page.getByTestId('play').click();
  assert.deepEqual(errors, []);
  await context.close();
});

test('each hidden layer takes its own activation, and the network saves as a model file', async () => {
  const { page, context, errors } = await open(`${site.url}plane.html#dataset=xor&networkShape=3,2&x=true&y=true&sinX=true`);
  await page.getByTestId('node-2-1').waitFor();
  await page.getByTestId('layer-activation-1').selectOption('relu');
  await page.waitForFunction(() => location.hash.includes('layerActivations=tanh,relu'));
  assert.equal(await page.getByTestId('layer-activation-0').inputValue(), 'tanh');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-model').click()]);
  assert.equal(download.suggestedFilename(), 'neurite-2d-x-y-sinX.safetensors');
  const stream = await download.createReadStream();
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString());
  // Three inputs, 3 then 2 hidden units, one output: Keras's kernel layout.
  assert.deepEqual(header['dense_1.kernel'].shape, [3, 3]);
  assert.deepEqual(header['dense_2.kernel'].shape, [3, 2]);
  assert.deepEqual(header['dense_3.kernel'].shape, [2, 1]);
  assert.match(header.__metadata__.spec ?? JSON.stringify(header.__metadata__), /relu/);
  assert.deepEqual(errors, []);
  await context.close();
});
