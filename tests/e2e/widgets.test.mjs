// End-to-end: the widgets, their embedding API and the article, on the built site (dist/) in
// Debian's headless Chromium. The site is served with its strict CSP; the example host page
// (www/embed-example.html) is served from another origin and embeds every widget through
// embed.js and <neurite-widget>, as a course page would. Outputs that come back through the
// API are checked against an independent computation of the same formulas (below).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, serve, launch, openPage, screenshot, assertNoCspReports } from './harness.mjs';

let site;
let host;
let browser;

/** A page that records console errors (its frames' too) and CSP violations. */
function open(url, contextOptions = {}) {
  return openPage(browser, url, { viewport: { width: 1100, height: 900 }, ...contextOptions });
}

/** The example host page, rewritten to load embed.js from `siteUrl`, in a folder of its own. */
async function hostFolder(siteUrl) {
  const dir = await mkdtemp(join(tmpdir(), 'neurite-host-'));
  const html = await readFile(join(DIST, 'embed-example.html'), 'utf8');
  const line = '<script src="embed.js"></script>';
  assert.ok(html.includes(line), 'the example page loads embed.js with one line');
  await writeFile(join(dir, 'index.html'), html.replace(line, `<script src="${siteUrl}embed.js"></script>`));
  for (const file of ['embed-example.js', 'embed-example.css', 'favicon.svg']) {
    await copyFile(join(DIST, file), join(dir, file));
  }
  return dir;
}

before(async () => {
  site = await serve(DIST);
  const hostCsp = `default-src 'self'; script-src 'self' ${site.origin}; frame-src ${site.origin}; style-src 'self'`;
  host = await serve(await hostFolder(site.url), { csp: hostCsp });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await host?.close();
});

// --- An independent computation of what each widget reports (the formulas of docs/embedding.md).
const EPS = 1e-7;
const sigmoid = (z) => 1 / (1 + Math.exp(-z));
const ACTIVATIONS = {
  linear: [(z) => z, () => 1],
  relu: [(z) => Math.max(z, 0), (z) => (z > 0 ? 1 : 0)],
  leaky_relu: [(z) => (z > 0 ? z : 0.2 * z), (z) => (z > 0 ? 1 : 0.2)],
  sigmoid: [sigmoid, (z) => sigmoid(z) * (1 - sigmoid(z))],
  tanh: [Math.tanh, (z) => 1 - Math.tanh(z) ** 2],
};
function expectedNeuron({ w, b, x, activation }) {
  const z = w.reduce((sum, wi, i) => sum + wi * x[i], b);
  return { z, y: ACTIVATIONS[activation][0](z) };
}
function expectedActivation({ activation, x }) {
  const [f, df] = ACTIVATIONS[activation];
  return { y: f(x), dy: df(x) };
}
function expectedLoss({ loss, y_true: y, y_pred: p }) {
  const n = y.length;
  const clip = (v) => Math.min(Math.max(v, EPS), 1 - EPS);
  const inside = (v) => v > EPS && v < 1 - EPS;
  if (loss === 'mse') {
    return {
      loss: p.reduce((s, pi, i) => s + (pi - y[i]) ** 2, 0) / n,
      gradient: p.map((pi, i) => (2 * (pi - y[i])) / n),
    };
  }
  if (loss === 'binary_cross_entropy') {
    return {
      loss: -p.reduce((s, pi, i) => s + y[i] * Math.log(clip(pi)) + (1 - y[i]) * Math.log(1 - clip(pi)), 0) / n,
      gradient: p.map((pi, i) => (inside(pi) ? ((1 - y[i]) / (1 - pi) - y[i] / pi) / n : 0)),
    };
  }
  // Categorical: Keras divides by the sum S first; q = p / S.
  const sum = p.reduce((s, v) => s + v, 0);
  const q = p.map((v) => v / sum);
  const weightedInside = y.reduce((s, yi, i) => s + (inside(q[i]) ? yi : 0), 0);
  return {
    loss: -y.reduce((s, yi, i) => s + yi * Math.log(clip(q[i])), 0),
    gradient: q.map((qi, i) => (weightedInside - (inside(qi) ? y[i] / qi : 0)) / sum),
  };
}

// Gradient descent: the surfaces and Keras 3's update rules (keras/src/optimizers/sgd.py,
// rmsprop.py, adam.py), written out here once more. A path stops when a coordinate passes 1e6
// or the loss or gradient is not finite (docs/embedding.md). Each product is written in the
// order Keras (and the engine) evaluates it, `(1 - rho)` included: hundreds of RMSprop or
// momentum steps near Beale's or Rosenbrock's floor amplify a one-ulp difference past 1e-6.
const SURFACES = {
  bowl: { f: ([x, y]) => 0.5 * x * x + 5 * y * y, g: ([x, y]) => [x, 10 * y], region: [[-4, 4], [-2, 2]] },
  rosenbrock: {
    f: ([x, y]) => (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x),
    g: ([x, y]) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
    region: [[-2, 2], [-1, 3]],
  },
  saddle: { f: ([x, y]) => x * x - y * y, g: ([x, y]) => [2 * x, -2 * y], region: [[-2, 2], [-2, 2]] },
  beale: {
    f: ([x, y]) => {
      const [a, b, c] = [1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * (y * y * y)];
      return a * a + b * b + c * c;
    },
    g: ([x, y]) => {
      const [a, b, c] = [1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * (y * y * y)];
      return [2 * (a * (y - 1) + b * (y * y - 1) + c * (y * y * y - 1)), 2 * (a * x + b * 2 * x * y + c * 3 * x * y * y)];
    },
    region: [[-4.5, 4.5], [-4.5, 4.5]],
  },
  himmelblau: {
    f: ([x, y]) => (x * x + y - 11) * (x * x + y - 11) + (x + y * y - 7) * (x + y * y - 7),
    g: ([x, y]) => {
      const [u, v] = [x * x + y - 11, x + y * y - 7];
      return [4 * x * u + 2 * v, 2 * u + 4 * y * v];
    },
    region: [[-5, 5], [-5, 5]],
  },
};
function kerasStep(name, lr) {
  const slots = { t: 0, a: [0, 0], b: [0, 0] };
  return (w, g) => {
    slots.t += 1;
    for (let i = 0; i < 2; i++) {
      if (name === 'sgd') {
        w[i] -= lr * g[i];
      } else if (name === 'momentum' || name === 'nesterov') {
        slots.a[i] = 0.9 * slots.a[i] - lr * g[i];
        w[i] += name === 'nesterov' ? 0.9 * slots.a[i] - lr * g[i] : slots.a[i];
      } else if (name === 'rmsprop') {
        slots.a[i] = 0.9 * slots.a[i] + (1 - 0.9) * g[i] * g[i];
        w[i] -= (lr * g[i]) / Math.sqrt(slots.a[i] + 1e-7);
      } else {
        const alpha = (lr * Math.sqrt(1 - 0.999 ** slots.t)) / (1 - 0.9 ** slots.t);
        slots.a[i] += (g[i] - slots.a[i]) * (1 - 0.9);
        slots.b[i] += (g[i] * g[i] - slots.b[i]) * (1 - 0.999);
        w[i] -= (alpha * slots.a[i]) / (Math.sqrt(slots.b[i]) + 1e-7);
      }
    }
  };
}
function expectedPath(surface, name, lr, start, steps) {
  const { f, g } = SURFACES[surface];
  const step = kerasStep(name, lr);
  const w = [...start];
  for (let t = 0; ; t++) {
    const loss = f(w);
    const grad = g(w);
    const left = !Number.isFinite(loss) || w.some((c) => !(Math.abs(c) <= 1e6)) || !grad.every(Number.isFinite);
    if (left || t === steps) return { point: [...w], loss, steps: t, diverged: left };
    step(w, grad);
  }
}
function expectedDescent({ surface, optimizer, learning_rate: lr, start, steps, optimizers }) {
  const one = expectedPath(surface, optimizer, lr, start, steps);
  const racers = [optimizer, ...optimizers.filter((o) => o !== optimizer)];
  return { ...one, race: racers.map((o) => ({ optimizer: o, ...expectedPath(surface, o, lr, start, steps) })) };
}
function randomDescents(seed, count) {
  const r = generator(seed);
  const names = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam'];
  const states = [];
  for (let k = 0; k < count; k++) {
    const surface = Object.keys(SURFACES)[Math.floor(r() * 5)];
    const [[x0, x1], [y0, y1]] = SURFACES[surface].region;
    const optimizer = names[Math.floor(r() * 5)];
    const optimizers = names.filter(() => r() < 0.5);
    states.push({
      surface,
      optimizer,
      learning_rate: 10 ** (-4 + 3 * r()),
      start: [x0 + (x1 - x0) * r(), y0 + (y1 - y0) * r()],
      steps: Math.floor(r() * 300),
      optimizers,
    });
  }
  return states;
}
// Backpropagation: a dense network's forward pass, the loss's gradient (expectedLoss above),
// the chain rule back through each layer, and plain SGD, written out here once more.
const SOFTMAX = (z) => {
  const top = Math.max(...z);
  const e = z.map((v) => Math.exp(v - top));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / sum);
};
function expectedBackprop({ kernels, biases, x, y, activation, output_activation: out, loss, learning_rate: lr }) {
  const layers = kernels.length;
  const f = (l) => (l === layers - 1 ? out : activation);
  const zs = [];
  const as = [x];
  for (let l = 0; l < layers; l++) {
    const below = as[l];
    const z = biases[l].map((b, j) => below.reduce((s, a, i) => s + a * kernels[l][i][j], b));
    zs.push(z);
    as.push(f(l) === 'softmax' ? SOFTMAX(z) : z.map(ACTIVATIONS[f(l)][0]));
  }
  const output = as[layers];
  const { loss: value, gradient } = expectedLoss({ loss, y_true: y, y_pred: output });
  const gradKernels = [];
  const gradBiases = [];
  const deltas = [];
  let grad = gradient;
  for (let l = layers - 1; l >= 0; l--) {
    const a = as[l + 1];
    let delta;
    if (f(l) === 'softmax') {
      const dot = grad.reduce((s, g, k) => s + g * a[k], 0);
      delta = a.map((aj, j) => aj * (grad[j] - dot));
    } else {
      delta = zs[l].map((z, j) => grad[j] * ACTIVATIONS[f(l)][1](z));
    }
    deltas[l] = delta;
    gradKernels[l] = as[l].map((ai) => delta.map((dj) => ai * dj));
    gradBiases[l] = [...delta];
    grad = as[l].map((_, i) => delta.reduce((s, dj, j) => s + kernels[l][i][j] * dj, 0));
  }
  return {
    activations: as,
    z: zs,
    deltas,
    output,
    loss: value,
    grads: { kernels: gradKernels, biases: gradBiases },
    updated: {
      kernels: kernels.map((k, l) => k.map((row, i) => row.map((w, j) => w - lr * gradKernels[l][i][j]))),
      biases: biases.map((b, l) => b.map((v, j) => v - lr * gradBiases[l][j])),
    },
  };
}
function randomNetworks(seed, count) {
  const r = generator(seed);
  const uniform = (lo, hi) => lo + (hi - lo) * r();
  const pick = (list) => list[Math.floor(r() * list.length)];
  const states = [];
  for (let k = 0; k < count; k++) {
    const depth = 1 + Math.floor(r() * 4);
    const sizes = Array.from({ length: depth + 1 }, () => 1 + Math.floor(r() * 4));
    const kernels = sizes.slice(0, -1).map((n, l) =>
      Array.from({ length: n }, () => Array.from({ length: sizes[l + 1] }, () => uniform(-2, 2))));
    const biases = sizes.slice(1).map((n) => Array.from({ length: n }, () => uniform(-1, 1)));
    const outputs = sizes[depth];
    const [loss, output_activation] = pick([
      ['mse', pick(Object.keys(ACTIVATIONS))],
      ['binary_cross_entropy', 'sigmoid'],
      ['categorical_cross_entropy', 'softmax'],
    ]);
    const hot = Math.floor(r() * outputs);
    const y = loss === 'mse'
      ? Array.from({ length: outputs }, () => uniform(-2, 2))
      : Array.from({ length: outputs }, (_, i) => (loss === 'categorical_cross_entropy' ? Number(i === hot) : r()));
    states.push({
      sizes, kernels, biases,
      x: Array.from({ length: sizes[0] }, () => uniform(-3, 3)),
      y,
      activation: pick(Object.keys(ACTIVATIONS)),
      output_activation,
      loss,
      learning_rate: uniform(0.01, 2),
    });
  }
  return states;
}
function assertPathClose(actual, expected, what) {
  assert.equal(actual.diverged, expected.diverged, `${what}: diverged`);
  assert.equal(actual.steps, expected.steps, `${what}: steps`);
  for (const key of ['point', 'loss']) {
    const [a, e] = [[actual[key]].flat(), [expected[key]].flat()];
    e.forEach((v, i) => {
      const tolerance = 1e-6 * Math.abs(v) + 1e-9;
      assert.ok(Math.abs(a[i] - v) <= tolerance, `${what} ${key}[${i}]: ${a[i]} vs ${v}`);
    });
  }
}

function assertClose(actual, expected, what) {
  if (Array.isArray(expected)) {
    assert.equal(actual.length, expected.length, `${what}: length`);
    expected.forEach((e, i) => assertClose(actual[i], e, `${what}[${i}]`));
    return;
  }
  const tolerance = 1e-6 * Math.abs(expected) + 1e-12;
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
}

/** A seeded generator (mulberry32), so that a failing state can be replayed. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomStates(seed, count) {
  const r = generator(seed);
  const uniform = (lo, hi) => lo + (hi - lo) * r();
  const pick = (list) => list[Math.floor(r() * list.length)];
  const names = Object.keys(ACTIVATIONS);
  const states = [];
  for (let k = 0; k < count; k++) {
    const n = 1 + Math.floor(r() * 3);
    states.push(['neuron', {
      w: Array.from({ length: n }, () => uniform(-10, 10)),
      x: Array.from({ length: n }, () => uniform(-10, 10)),
      b: uniform(-10, 10),
      activation: pick(names),
    }, expectedNeuron]);
    states.push(['activation', { activation: pick(names), x: uniform(-20, 20) }, expectedActivation]);
    const m = 2 + Math.floor(r() * 9);
    const loss = pick(['mse', 'binary_cross_entropy', 'categorical_cross_entropy']);
    let y_true;
    let y_pred;
    if (loss === 'mse') {
      y_true = Array.from({ length: m }, () => uniform(-10, 10));
      y_pred = Array.from({ length: m }, () => uniform(-10, 10));
    } else if (loss === 'binary_cross_entropy') {
      y_true = Array.from({ length: m }, () => (r() < 0.5 ? Math.round(r()) : r()));
      y_pred = Array.from({ length: m }, () => uniform(0.001, 0.999));
    } else {
      const hot = Math.floor(r() * m);
      y_true = Array.from({ length: m }, (_, i) => (i === hot ? 1 : 0));
      const raw = Array.from({ length: m }, () => uniform(0.01, 1));
      const total = raw.reduce((s, v) => s + v, 0);
      y_pred = raw.map((v) => v / total);
    }
    states.push(['loss', { loss, y_true, y_pred }, expectedLoss]);
  }
  return states;
}

/** The example page's <neurite-widget> of a widget kind. */
const ELEMENT = { neuron: 'widget-neuron', activation: 'widget-activation', loss: 'widget-loss' };

async function setState(page, testid, state) {
  return page.evaluate(async ([testid, state]) => {
    const el = document.querySelector(`[data-testid=${testid}]`);
    try {
      return { ok: true, ...(await el.setState(state)) };
    } catch (error) {
      return { ok: false, message: error.message, key: error.key, state: el.state };
    }
  }, [testid, state]);
}

async function openHost() {
  const opened = await open(`${host.url}index.html`);
  // Every card logs its widget's `ready`; the hostile one then logs its refusal.
  for (const id of ['neuron', 'activation', 'loss', 'descent', 'backprop', 'hostile']) {
    await opened.page.getByTestId(`log-${id}`).getByText('ready').waitFor();
  }
  return opened;
}

test('a page on another origin embeds every widget with embed.js: each is ready, under a strict CSP, without console errors', async () => {
  const { page, context, errors } = await openHost();
  const hostile = page.getByTestId('log-hostile');
  await hostile.getByText(/error: w: must be a finite number/).waitFor();
  const state = await page.evaluate(() => document.querySelector('[data-testid=widget-neuron]').state);
  assert.deepEqual(state, { w: [0.8, -0.5], b: 0.1, x: [1, 0.5], activation: 'sigmoid' });
  // The iframe's height follows its content: no inner scrollbar.
  const fits = await page.evaluate(() => {
    const frame = document.querySelector('[data-testid=widget-neuron]').shadowRoot.querySelector('iframe');
    return frame.getBoundingClientRect().height;
  });
  assert.ok(fits > 200, `iframe height ${fits}`);
  await screenshot(page, 'embed-example');
  assert.deepEqual(errors, []);
  await context.close();
});

test('setState answers with the engine\'s outputs, which agree with an independent computation for random states', async () => {
  const { page, context, errors } = await openHost();
  for (const [widget, state, expected] of randomStates(20261201, 25)) {
    const answer = await setState(page, ELEMENT[widget], state);
    assert.ok(answer.ok, `${widget} ${JSON.stringify(state)} refused: ${answer.message}`);
    for (const [key, value] of Object.entries(state)) {
      assert.deepEqual(answer.state[key], value, `${widget}.${key} echoed`);
    }
    const want = expected(state);
    for (const [key, value] of Object.entries(want)) {
      assertClose(answer.outputs[key], value, `${widget} ${JSON.stringify(state)} ${key}`);
    }
  }
  // A hand-computed case, through the example page's button: from x = (2, 1), the button sets
  // w = (1.5, −0.7), b = −0.2 and tanh, so z = 1.5·2 + (−0.7)·1 − 0.2 = 2.1 and
  // y = tanh(2.1) = 0.9704519366134539 (Python: math.tanh(2.1)).
  assert.ok((await setState(page, 'widget-neuron', { w: [0, 0], x: [2, 1] })).ok);
  await page.getByTestId('good-neuron').click();
  await page.getByTestId('result-neuron').and(page.locator('[data-outcome=resolved]')).waitFor();
  const outputs = await page.evaluate(() => document.querySelector('[data-testid=widget-neuron]').outputs);
  assertClose(outputs.z, 2.1, 'z');
  assertClose(outputs.y, 0.9704519366134539, 'y');
  assert.deepEqual(errors, []);
  await context.close();
});

test('gradient_descent reports the point after N steps of Keras\'s update rules, for random races', async () => {
  const { page, context, errors } = await openHost();
  for (const state of randomDescents(20261202, 40)) {
    const answer = await setState(page, 'widget-descent', state);
    assert.ok(answer.ok, `${JSON.stringify(state)} refused: ${answer.message}`);
    assert.deepEqual(answer.state, state, 'the whole state echoed');
    const want = expectedDescent(state);
    const what = JSON.stringify(state);
    assertPathClose(answer.outputs, want, what);
    if (state.optimizers.length === 0) {
      assert.equal(answer.outputs.race, undefined, `${what}: no race`);
    } else {
      assert.equal(answer.outputs.race.length, want.race.length, `${what}: racers`);
      want.race.forEach((runner, i) => {
        assert.equal(answer.outputs.race[i].optimizer, runner.optimizer);
        assertPathClose(answer.outputs.race[i], runner, `${what} race ${runner.optimizer}`);
      });
    }
  }
  // Hand-computed: SGD on the bowl from (2, 1) with η = 0.15 multiplies x by 0.85 and y by
  // −0.5 each step; after 3 steps (1.22825, −0.125).
  const sgd = await setState(page, 'widget-descent', {
    surface: 'bowl', optimizer: 'sgd', learning_rate: 0.15, start: [2, 1], steps: 3, optimizers: [],
  });
  assertClose(sgd.outputs.point, [1.22825, -0.125], 'sgd point');
  // A too-large step diverges and says so; a 10⁹-step request is refused, the widget answers.
  const big = await setState(page, 'widget-descent', { learning_rate: 5, steps: 100 });
  assert.equal(big.outputs.diverged, true);
  assert.ok(big.outputs.steps < 100);
  const frame = page.frameLocator('[data-testid=widget-descent] iframe');
  await frame.getByTestId('diverged').waitFor();
  for (const [hostile, key] of [[{ steps: 1e9 }, 'steps'], [{ learning_rate: NaN }, 'learning_rate'],
    [{ optimizers: ['adam', 'adam'] }, 'optimizers'], [{ start: [1, 2, 3] }, 'start'], [{ surface: 'moon' }, 'surface']]) {
    const answer = await setState(page, 'widget-descent', hostile);
    assert.equal(answer.ok, false, JSON.stringify(hostile));
    assert.equal(answer.key, key, JSON.stringify(hostile));
  }
  const back = await setState(page, 'widget-descent', { learning_rate: 0.1, steps: 10 });
  assert.ok(back.ok && back.outputs.diverged === false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('backprop reports the engine\'s activations, gradients and updated weights, which agree with an independent backward pass', async () => {
  const { page, context, errors } = await openHost();
  for (const state of randomNetworks(20261203, 40)) {
    const answer = await setState(page, 'widget-backprop', state);
    const what = JSON.stringify(state);
    assert.ok(answer.ok, `${what} refused: ${answer.message}`);
    for (const [key, value] of Object.entries(state)) {
      assert.deepEqual(answer.state[key], value, `${key} echoed`);
    }
    const want = expectedBackprop(state);
    for (const key of ['activations', 'z', 'deltas', 'output', 'loss']) {
      assertClose(answer.outputs[key], want[key], `${what} ${key}`);
    }
    for (const part of ['grads', 'updated']) {
      assertClose(answer.outputs[part].kernels, want[part].kernels, `${what} ${part}.kernels`);
      assertClose(answer.outputs[part].biases, want[part].biases, `${what} ${part}.biases`);
    }
  }
  // The textbook network through the example page's button: 1–2–1, tanh then linear, x = 2,
  // y = 0.2. z = (1.0, −1.9), a = (tanh 1, tanh −1.9), ŷ = tanh 1 + 0.5·tanh(−1.9).
  // (Dispatched rather than clicked: the widget's frame above resizes as each state's table
  // changes, and a click aimed before a resize lands beside the button.)
  await page.getByTestId('good-backprop').dispatchEvent('click');
  const result = page.getByTestId('result-backprop').and(page.locator('[data-outcome]'));
  await result.waitFor();
  assert.equal(await result.getAttribute('data-outcome'), 'resolved', await result.textContent());
  const outputs = await page.evaluate(() => document.querySelector('[data-testid=widget-backprop]').outputs);
  assertClose(outputs.output, [Math.tanh(1) + 0.5 * Math.tanh(-1.9)], 'ŷ');
  // Hostile states: a 50-layer network, a NaN weight, a stage of 10⁹, kernels that do not fit.
  for (const [hostile, key] of [
    [{ sizes: new Array(50).fill(4) }, 'sizes'],
    [{ kernels: [[[NaN, 0]], [[1], [0.5]]] }, 'kernels'],
    [{ stage: 1e9 }, 'stage'],
    [{ kernels: [[[1, 2, 3]], [[1], [0.5]]] }, 'kernels'],
    [{ biases: 'none' }, 'biases'],
    [{ check: 'perhaps' }, 'check'],
  ]) {
    const answer = await setState(page, 'widget-backprop', hostile);
    assert.equal(answer.ok, false, JSON.stringify(hostile));
    assert.equal(answer.key, key, JSON.stringify(hostile));
    assert.deepEqual(answer.state.sizes, [1, 2, 1], 'the state is kept');
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('backprop steps through every stage, forward to the update, in both languages', async () => {
  const { page, context, errors } = await openHost();
  assert.ok((await setState(page, 'widget-backprop', { stage: 0, check: true })).ok);
  const frame = page.frameLocator('[data-testid=widget-backprop] iframe');
  const stages = (await page.evaluate(() => document.querySelector('[data-testid=widget-backprop]').outputs)).stages;
  assert.equal(stages, 15, 'the 2–2–1 network has 15 stages');
  const seen = new Set();
  for (let stage = 0; stage < stages; stage++) {
    const explain = frame.locator(`[data-testid=bp-explain][data-stage="${stage}"]`);
    await explain.waitFor();
    seen.add((await explain.locator('strong').textContent()).trim());
    if (stage + 1 < stages) await frame.getByTestId('bp-next').click();
  }
  assert.deepEqual([...seen], ['The example', 'Forward pass', 'The loss', 'Backward pass', 'The update']);
  assert.ok(await frame.getByTestId('bp-next').isDisabled());
  // At the update every parameter shows its gradient, the check's estimate and its new value.
  const rows = frame.getByTestId('bp-param');
  assert.equal(await rows.count(), 9);
  const outputs = await page.evaluate(() => document.querySelector('[data-testid=widget-backprop]').outputs);
  const first = rows.first();
  assert.equal((await first.getAttribute('data-name')), 'w(x₁→h₁)');
  const shown = (cell) => Number((cell).replace('−', '-'));
  const grad = outputs.grads.kernels[0][0][0];
  assert.ok(Math.abs(shown(await first.getByTestId('bp-grad').textContent()) - grad) <= 1e-3 * Math.abs(grad));
  assert.equal(await first.getByTestId('bp-numeric').textContent(), await first.getByTestId('bp-grad').textContent());
  // Taking the step starts again from the new weights, with a lower loss.
  const before = outputs.loss;
  await frame.getByTestId('bp-apply').click();
  await frame.locator('[data-testid=bp-explain][data-stage="0"]').waitFor();
  const after = await page.evaluate(() => document.querySelector('[data-testid=widget-backprop]').outputs);
  assert.ok(after.loss < before, `${after.loss} < ${before}`);
  // 中文, and back one stage from the start is disabled.
  const zh = await open(`${site.url}widget.html?widget=backprop&lang=zh&stage=4`);
  await zh.page.locator('[data-testid=bp-explain][data-stage="4"]').getByText('计算损失').waitFor();
  await zh.page.getByTestId('bp-back').click();
  await zh.page.locator('[data-testid=bp-explain][data-stage="3"]').getByText('前向传播').waitFor();
  await screenshot(zh.page, 'backprop-zh');
  assert.deepEqual(zh.errors, []);
  await zh.context.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('hostile states are refused with a message, change nothing, and the widget keeps working', async () => {
  const { page, context, errors } = await openHost();
  const before = await page.evaluate(() => document.querySelector('[data-testid=widget-neuron]').state);
  const hostile = [
    [{ w: [NaN, 1] }, 'w', /finite/],
    [{ w: [Infinity, 1] }, 'w', /finite/],
    [{ b: 1e6 }, 'b', /between/],
    [{ w: new Array(50).fill(1), x: new Array(50).fill(1) }, 'w', /1 to 3 values/],
    [{ w: [1, 2, 3] }, 'w', /same length/],
    [{ activation: 'softmax' }, 'activation', /one of/],
    [{ b: '0.5; alert(1)' }, 'b', /number/],
    [{ x: { length: 2 } }, 'x', /list of numbers/],
    [{ colour: 'red' }, 'colour', /no state key/],
    [{ b: 2, w: ['a', 'b'] }, 'w', /list of numbers/],
  ];
  for (const [state, key, message] of hostile) {
    const answer = await setState(page, 'widget-neuron', state);
    assert.equal(answer.ok, false, JSON.stringify(state));
    assert.equal(answer.key, key, JSON.stringify(state));
    assert.match(answer.message, message, JSON.stringify(state));
    assert.deepEqual(answer.state, before, `${JSON.stringify(state)} left the state alone`);
  }
  for (const bad of [null, 42, 'w=1', [1, 2]]) {
    const answer = await setState(page, 'widget-neuron', bad);
    assert.equal(answer.ok, false, `${JSON.stringify(bad)} is not a state`);
  }
  // Loss: probabilities that do not add up to one, lengths that differ.
  const loss = await setState(page, 'widget-loss', { loss: 'categorical_cross_entropy', y_true: [0, 1], y_pred: [0.5, 0.7] });
  assert.equal(loss.ok, false);
  assert.match(loss.message, /add up to 1/);
  // The widget still works, and shows the last refusal inside itself.
  const good = await setState(page, 'widget-neuron', { b: -0.25 });
  assert.ok(good.ok);
  assert.equal(good.state.b, -0.25);
  assert.deepEqual(errors, []);
  await context.close();
});

test('dragging a slider or the input point in the widget fires neurite-change with the new state', async () => {
  const { page, context, errors } = await openHost();
  const frame = page.frameLocator('[data-testid=widget-neuron] iframe');
  const changes = () => page.getByTestId('log-neuron').getByText('change').count();
  const slider = await frame.getByTestId('slider-b').boundingBox();
  await page.mouse.move(slider.x + slider.width / 2, slider.y + slider.height / 2);
  await page.mouse.down();
  await page.mouse.move(slider.x + slider.width * 0.9, slider.y + slider.height / 2, { steps: 6 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('[data-testid=widget-neuron]').state.b > 3);
  assert.ok((await changes()) >= 1);
  const b = await page.evaluate(() => document.querySelector('[data-testid=widget-neuron]').state.b);
  assert.equal(await frame.getByTestId('readout-b').textContent(), b.toFixed(3));
  // The input point on the heatmap: pressing the canvas's centre moves x to about (0, 0).
  const canvas = await frame.getByTestId('neuron-canvas').boundingBox();
  await page.mouse.click(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
  await page.waitForFunction(() => {
    const { x } = document.querySelector('[data-testid=widget-neuron]').state;
    return x.every((v) => Math.abs(v) < 0.6);
  });
  const { state, outputs } = await page.evaluate(() => {
    const el = document.querySelector('[data-testid=widget-neuron]');
    return { state: el.state, outputs: el.outputs };
  });
  assertClose(outputs.z, expectedNeuron(state).z, 'z after the drag');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the postMessage protocol works for a host that uses the iframe directly, and ignores messages that are not its own', async () => {
  const { page, context, errors } = await open(`${host.url}index.html`);
  const replies = await page.evaluate(async (src) => {
    const frame = document.createElement('iframe');
    frame.src = src;
    const seen = [];
    const next = (predicate) => new Promise((resolve) => {
      const listener = (event) => {
        if (event.source !== frame.contentWindow) return;
        seen.push(event.data.type);
        if (predicate(event.data)) {
          window.removeEventListener('message', listener);
          resolve(event.data);
        }
      };
      window.addEventListener('message', listener);
    });
    const ready = next((d) => d.type === 'ready');
    document.body.append(frame);
    const first = await ready;
    // Junk of every shape is ignored; only the set with request 7 is answered.
    for (const junk of ['set', 42, null, { type: 'set', state: { x: 9 } }, { neurite: 2, type: 'set', state: { x: 9 } }, { neurite: 1, type: 'eval', code: 'alert(1)' }]) {
      frame.contentWindow.postMessage(junk, '*');
    }
    const answered = next((d) => d.request === 7);
    frame.contentWindow.postMessage({ neurite: 1, type: 'set', state: { x: -3 }, request: 7 }, '*');
    const change = await answered;
    const refused = next((d) => d.request === 8);
    frame.contentWindow.postMessage({ neurite: 1, type: 'set', state: { x: 'far' }, request: 8 }, '*');
    const error = await refused;
    return { first, change, error, seen };
  }, `${site.url}widget.html?widget=activation&activation=tanh&x=2`);
  assert.equal(replies.first.widget, 'activation');
  assert.deepEqual(replies.first.state, { activation: 'tanh', x: 2 });
  assertClose(replies.first.outputs.y, Math.tanh(2), 'tanh(2)');
  assert.equal(replies.change.type, 'change');
  assert.equal(replies.change.state.x, -3);
  assertClose(replies.change.outputs.dy, 1 - Math.tanh(-3) ** 2, "tanh'(-3)");
  assert.equal(replies.error.type, 'error');
  assert.equal(replies.error.key, 'x');
  assert.equal(replies.error.state.x, -3, 'the last good state is kept');
  assert.ok(!replies.seen.includes('error') || replies.seen.filter((t) => t === 'error').length === 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a widget address with hostile or unknown values never breaks the widget', async () => {
  const cases = [
    ['widget.html?widget=neuron&w=1e400,2&b=abc&x=1,2&activation=sigmoid', { widget: 'neuron', refused: ['w', 'b'] }],
    ['widget.html?widget=loss&y_pred=0.5,0.9,0.1', { widget: 'loss', refused: ['y_pred'] }],
    ['widget.html?widget=activation&state=%7Bnot%20json', { widget: 'activation', refused: ['state'] }],
    ['widget.html?widget=neuron&w=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50', { widget: 'neuron', refused: ['w'] }],
  ];
  for (const [path, { widget, refused }] of cases) {
    const { page, context, errors } = await open(`${site.url}${path}`);
    await page.locator(`[data-widget=${widget}]`).waitFor();
    await page.getByTestId('widget-refusal').waitFor();
    const message = await page.getByTestId('widget-refusal').textContent();
    assert.ok(refused.some((key) => message.includes(`${key}:`)), `${path}: ${message}`);
    assert.deepEqual(errors, [], path);
    await context.close();
  }
  const { page, context, errors } = await open(`${site.url}widget.html?widget=mandelbrot&lang=zh`);
  await page.getByTestId('unknown-widget').waitFor();
  assert.match(await page.getByTestId('unknown-widget').textContent(), /neuron.*activation.*loss.*gradient_descent/s);
  assert.match(await page.getByTestId('unknown-widget').textContent(), /组件/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the article renders in English and 中文 with its formulas, glossary and live widgets', async () => {
  const { page, context, errors } = await open(`${site.url}learn.html?lang=en`);
  await page.getByTestId('glossary').waitFor();
  assert.equal(await page.locator('section[data-testid^=section-]').count(), 6);
  assert.ok((await page.locator('math').count()) >= 20, 'formulas are MathML');
  assert.ok((await page.locator('.glossary tbody tr').count()) >= 20);
  assert.ok((await page.locator('[data-testid^=article-widget-]').count()) >= 6);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  // The widgets in the article are live: the first neuron's bias slider moves its output.
  const widget = page.locator('[data-testid=article-widget-neuron]').first();
  const before = await widget.getByTestId('output-y').textContent();
  await widget.getByTestId('slider-b').fill('2.5');
  await page.waitForFunction((before) => document.querySelector('[data-testid=article-widget-neuron] [data-testid=output-y]').textContent !== before, before);
  // The gradient-descent lab steps, and a click on its plot moves the start.
  const descent = page.locator('[data-testid=article-widget-gradient_descent]').first();
  assert.equal((await descent.getByTestId('output-steps').textContent()).trim(), '0');
  await descent.getByTestId('step').click();
  await descent.getByTestId('output-steps').getByText('1', { exact: true }).waitFor();
  const point = await descent.getByTestId('output-point').textContent();
  await descent.getByTestId('descent-canvas').click({ position: { x: 220, y: 90 } });
  await descent.getByTestId('output-point').filter({ hasNotText: point }).waitFor();
  // The backpropagation section's worked example: the prose quotes the widget's numbers
  // (ŷ = 1.5, L = 0.25, ∂L/∂w = 2 as the paragraph before works out) and follows its input.
  const section = page.getByTestId('section-backpropagation');
  const quoted = (key) => section.locator(`p output[data-key="${key}"]`);
  await quoted('output.0').getByText('1.500', { exact: true }).waitFor();
  assert.equal(await quoted('loss').textContent(), '0.2500');
  assert.equal(await quoted('grads.kernels.0.0.0').textContent(), '2.000');
  const backprop = page.locator('[data-testid=article-widget-backprop]');
  await backprop.getByTestId('bp-next').click();
  await backprop.locator('[data-testid=bp-explain][data-stage="1"]').waitFor();
  // x₁ = −1: z₁ = 0.5·(−1) + 0.25·2 = 0 and ReLU′(0) = 0, so that weight learns nothing.
  await backprop.getByTestId('slider-x-0').fill('-1');
  await quoted('grads.kernels.0.0.0').getByText('0', { exact: true }).waitFor();
  assert.notEqual(await quoted('output.0').textContent(), '1.500');
  await screenshot(page, 'article-en');
  await page.getByTestId('lang-toggle').click();
  await page.locator('html[lang=zh-CN]').waitFor();
  assert.match(await page.locator('h1').textContent(), /[\u4e00-\u9fff]/);
  assert.match(await page.getByTestId('section-neuron').textContent(), /神经元/);
  // The widgets switch language with the page.
  assert.match(await widget.locator('h3').textContent(), /神经元/);
  await screenshot(page, 'article-zh');
  assert.equal(await page.getByTestId('open-playground').getAttribute('href'), 'index.html?preset=seed');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a browser set to Chinese gets 中文 on its first visit', async () => {
  const { page, context, errors } = await open(`${site.url}learn.html`, { locale: 'zh-CN' });
  await page.locator('html[lang=zh-CN]').waitFor();
  assert.match(await page.locator('h1').textContent(), /[\u4e00-\u9fff]/);
  await page.goto(`${site.url}widget.html?widget=loss`);
  await page.locator('[data-widget=loss]').waitFor();
  assert.match(await page.locator('h3').textContent(), /损失/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the site works served under a sub-path', async () => {
  const sub = await serve(DIST, { prefix: '/course/neurite/' });
  try {
    const { page, context, errors } = await open(`${sub.url}embed-example.html`);
    for (const id of ['neuron', 'activation', 'loss', 'descent', 'backprop', 'hostile']) {
      await page.getByTestId(`log-${id}`).getByText('ready').waitFor();
    }
    await page.goto(`${sub.url}learn.html`);
    await page.getByTestId('glossary').waitFor();
    // The playground too: its page, its worker and MNIST all load from under the sub-path.
    await page.goto(`${sub.url}index.html`);
    await page.getByTestId('data-status').and(page.locator('.ready')).waitFor({ timeout: 60_000 });
    assert.deepEqual(errors, []);
    await context.close();
    assertNoCspReports(sub);
  } finally {
    await sub.close();
  }
});

test('the playground links to the article, and its labels carry the glossary as tooltips', async () => {
  const { page, context, errors } = await open(`${site.url}index.html?lang=en`);
  assert.equal(await page.getByTestId('link-learn').getAttribute('href'), 'learn.html');
  const label = page.locator('label.field', { has: page.getByTestId('field-learning_rate') }).locator('span').first();
  assert.match(await label.getAttribute('title'), /学习率/);
  await page.getByTestId('lang-toggle').click();
  await page.locator('html[lang=zh-CN]').waitFor();
  assert.match(await label.getAttribute('title'), /learning rate/i);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the element words its own refusals in its language, and the widget still starts', async () => {
  const { page, context, errors } = await open(`${host.url}index.html`);
  const result = await page.evaluate(() => new Promise((resolve) => {
    const el = document.createElement('neurite-widget');
    el.setAttribute('name', 'loss');
    el.setAttribute('lang', 'zh');
    el.setAttribute('state', '{"loss": oops}');
    const seen = {};
    el.addEventListener('neurite-error', (event) => { seen.error = event.detail.message; if (seen.ready) resolve(seen); });
    el.addEventListener('neurite-ready', (event) => { seen.ready = event.detail.state; if (seen.error) resolve(seen); });
    document.body.append(el);
  }));
  assert.match(result.error, /state 属性不是合法的 JSON/);
  assert.match(result.error, /组件从默认状态开始/);
  assert.equal(result.ready.loss, 'categorical_cross_entropy', 'the defaults');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the site and the host page ran under their strict CSPs: no violation was reported', () => {
  assertNoCspReports(site);
  assertNoCspReports(host);
});
