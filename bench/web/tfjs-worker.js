// The TensorFlow.js side of the browser benchmark, in a dedicated (classic) Web Worker, one of
// two runs per worker (the `mode` of the `run` message):
//
// - `seed`: the seed model on the wasm backend (one thread, SIMD): the seed program's epochs
//   (5 unless asked otherwise) of MNIST's 60 000 training images, batch 32, Adam 1e-3, sparse
//   categorical cross-entropy, shuffled, then the 10 000 test images. Only `model.fit` is
//   timed, each epoch from its `onEpochBegin` to its `onEpochEnd`.
// - `conv`: Keras's "Simple MNIST convnet" (34 826 parameters; same optimizer, loss and batch)
//   on one backend (`wasm`, `webgl` or `cpu`, only that backend's bundle loaded): one epoch of
//   the first `samples` training images as [28, 28, 1] in [0, 1], after an untimed warm-up fit
//   on a throwaway model. Timed from the epoch's `onEpochBegin` until `fit` has returned and a
//   weight has been read back (which waits for the GPU's queue on webgl). No test pass. A
//   backend that cannot train it (wasm has no Conv2DBackpropFilter kernel) answers `error`.
'use strict';

const post = (msg) => self.postMessage(msg);
const log = (text) => post({ type: 'log', text });

/** Fetches a gzip file and gunzips it in the browser. */
async function gunzip(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch ${url}: HTTP ${response.status}`);
  const stream = response.body.pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** An IDX file's big-endian header: magic, then one 32-bit size per dimension. */
function idx(bytes, magic, name) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint32(0) !== magic) throw new Error(`${name}: not an IDX file of magic ${magic}`);
  const dims = [];
  for (let i = 0; i < (magic & 0xff); i++) dims.push(view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * dims.length;
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== offset + count) throw new Error(`${name}: ${bytes.length} bytes for dimensions ${dims}`);
  return { dims, data: bytes.subarray(offset) };
}

/**
 * Images as an [n, 784] tensor scaled to [0, 1] (or [n, 28, 28, 1] with `image`), labels as
 * [n, 1]; with `limit`, the first `limit` samples only.
 */
async function load(base, prefix, { limit = Infinity, image = false } = {}) {
  const [images, labels] = await Promise.all([
    gunzip(`${base}${prefix}-images-idx3-ubyte.gz`),
    gunzip(`${base}${prefix}-labels-idx1-ubyte.gz`),
  ]);
  const x = idx(images, 0x803, `${prefix} images`);
  const y = idx(labels, 0x801, `${prefix} labels`);
  const [all, rows, cols] = x.dims;
  if (y.dims[0] !== all) throw new Error(`${prefix}: ${all} images but ${y.dims[0]} labels`);
  const n = Math.min(all, limit);
  const pixels = new Float32Array(n * rows * cols);
  for (let i = 0; i < pixels.length; i++) pixels[i] = x.data[i] / 255;
  return {
    n,
    x: image ? tf.tensor4d(pixels, [n, rows, cols, 1]) : tf.tensor2d(pixels, [n, rows * cols]),
    y: tf.tensor2d(Float32Array.from(y.data.subarray(0, n)), [n, 1]),
  };
}

/** The seed program's model: 784 → Dense(128, relu) → Dense(10, softmax), Adam 1e-3. */
function seedModel() {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({
    optimizer: tf.train.adam(0.001),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

/**
 * Keras's "Simple MNIST convnet" (as the playground's preset): Conv2D(32, 3×3, relu) →
 * MaxPooling2D(2) → Conv2D(64, 3×3, relu) → MaxPooling2D(2) → Flatten → Dropout(0.5) →
 * Dense(10, softmax), 34 826 parameters, Adam 1e-3.
 */
function convModel() {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  if (model.countParams() !== 34826) throw new Error(`the convnet has ${model.countParams()} parameters, expected 34826`);
  model.compile({
    optimizer: tf.train.adam(0.001),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

/**
 * Posts the batch count every two seconds and keeps each epoch's duration in `epochSeconds`;
 * it reads no tensors, so it adds no work.
 */
function progressCallback(batches, epochSeconds) {
  class Progress extends tf.Callback {
    constructor() {
      super();
      this.last = performance.now();
      this.epochStart = this.last;
    }
    async onEpochBegin() {
      this.epochStart = performance.now();
    }
    async onEpochEnd() {
      epochSeconds.push((performance.now() - this.epochStart) / 1000);
    }
    async onBatchEnd(batch) {
      const now = performance.now();
      if (now - this.last >= 2000) {
        this.last = now;
        post({ type: 'progress', batch: batch + 1, batches });
      }
    }
  }
  return new Progress();
}

/** The WebGL renderer a worker's OffscreenCanvas gets (SwiftShader without a GPU), or why none. */
function webglRenderer() {
  if (typeof OffscreenCanvas === 'undefined') return { error: 'no OffscreenCanvas in this worker' };
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return { error: "OffscreenCanvas.getContext('webgl2') returned null in this worker" };
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { renderer };
}

/** Loads TF.js core, layers and the one backend's bundle (wasm: one thread, SIMD) and selects it. */
async function initialise(base, backend = 'wasm') {
  const started = performance.now();
  const bundle = { wasm: 'wasm/tf-backend-wasm.min.js', webgl: 'webgl/tf-backend-webgl.min.js', cpu: 'cpu/tf-backend-cpu.min.js' }[backend];
  if (!bundle) throw new Error(`unknown TF.js backend ${backend}`);
  importScripts(`${base}core/tf-core.min.js`, `${base}layers/tf-layers.min.js`, `${base}${bundle}`);
  if (!self.tf?.layers) throw new Error('the TF.js bundles did not define tf and tf.layers');
  const extra = {};
  if (backend === 'wasm') {
    if (!self.tf?.wasm?.setWasmPaths) throw new Error('the TF.js bundles did not define tf.wasm');
    // One thread: the multithreaded binary is never chosen, and the backend gets one thread.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    tf.wasm.setThreadsCount(1);
    tf.wasm.setWasmPaths(`${base}wasm/`);
  }
  if (backend === 'webgl') {
    const gl = webglRenderer();
    if (gl.error) throw new Error(gl.error);
    extra.renderer = gl.renderer;
  }
  const ok = await tf.setBackend(backend);
  if (!ok) {
    throw new Error(backend === 'wasm'
      ? `tf.setBackend('wasm') failed: the backend's .wasm binaries are expected under ${base}wasm/`
      : `tf.setBackend('${backend}') failed`);
  }
  await tf.ready();
  return {
    version: tf.version_core,
    backend: tf.getBackend(),
    ...(backend === 'wasm' ? { simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), threads: tf.wasm.getThreadsCount() } : {}),
    ...extra,
    init_seconds: (performance.now() - started) / 1000,
  };
}

async function run({ tfjsBase, mnistBase, warmupSamples, batchSize, epochs }) {
  let stage = 'initialising TF.js (wasm backend)';
  try {
    const info = await initialise(tfjsBase);
    if (!info.simd) throw new Error('this browser has no wasm SIMD; the benchmark compares SIMD builds');
    log(`TF.js ${info.version}, backend ${info.backend}, SIMD ${info.simd}, threads ${info.threads}`);

    stage = 'loading MNIST';
    let t = performance.now();
    const train = await load(mnistBase, 'train');
    const test = await load(mnistBase, 't10k');
    const loadSeconds = (performance.now() - t) / 1000;
    log(`MNIST: ${train.n} training and ${test.n} test images in ${loadSeconds.toFixed(2)} s`);

    // Warm-up, untimed: a throwaway model of the same shape fits the first samples once, so
    // that the backend's kernels and operator caches exist before the timed epoch.
    stage = 'warming up';
    t = performance.now();
    const warm = seedModel();
    const wx = tf.slice(train.x, [0, 0], [warmupSamples, 784]);
    const wy = tf.slice(train.y, [0, 0], [warmupSamples, 1]);
    await warm.fit(wx, wy, { epochs: 1, batchSize, shuffle: true, verbose: 0, yieldEvery: 'never' });
    tf.dispose([wx, wy]);
    warm.dispose();
    const warmupSeconds = (performance.now() - t) / 1000;

    stage = 'training';
    const model = seedModel();
    const batches = Math.ceil(train.n / batchSize);
    log(`training ${epochs} epochs of ${batches} batches of ${batchSize}`);
    const epochSeconds = [];
    const history = await model.fit(train.x, train.y, {
      epochs,
      batchSize,
      shuffle: true,
      verbose: 0,
      yieldEvery: 'never',
      callbacks: progressCallback(batches, epochSeconds),
    });
    const trainingSeconds = epochSeconds.reduce((a, b) => a + b, 0);

    stage = 'testing';
    t = performance.now();
    const [lossT, accT] = model.evaluate(test.x, test.y, { batchSize: 1000 });
    const [testLoss, testAccuracy] = [(await lossT.data())[0], (await accT.data())[0]];
    const testSeconds = (performance.now() - t) / 1000;
    tf.dispose([lossT, accT, train.x, train.y, test.x, test.y]);
    model.dispose();

    post({
      type: 'done',
      result: {
        samples_per_second: (epochs * train.n) / trainingSeconds,
        first_epoch_samples_per_second: train.n / epochSeconds[0],
        test_accuracy: testAccuracy,
        epochs,
        epoch_seconds: epochSeconds,
        backend: info.backend,
        simd: info.simd,
        threads: info.threads,
        version: info.version,
        train_loss: history.history.loss.at(-1),
        train_accuracy: (history.history.acc ?? history.history.accuracy)?.at(-1),
        test_loss: testLoss,
        test_seconds: testSeconds,
        warmup_samples: warmupSamples,
        warmup_seconds: warmupSeconds,
        init_seconds: info.init_seconds,
        data_seconds: loadSeconds,
      },
    });
  } catch (e) {
    post({ type: 'error', stage, message: String(e?.stack ?? e) });
  }
}

/** The convnet on one backend: warm-up, then one timed epoch of `samples` images (no test). */
async function runConv({ tfjsBase, mnistBase, backend, samples, warmupSamples, batchSize }) {
  let stage = `initialising TF.js (${backend} backend)`;
  try {
    const info = await initialise(tfjsBase, backend);
    log(`TF.js ${info.version}, backend ${info.backend}${info.renderer ? `, renderer ${info.renderer}` : ''}${info.threads ? `, SIMD ${info.simd}, threads ${info.threads}` : ''}`);

    stage = 'loading MNIST';
    let t = performance.now();
    const train = await load(mnistBase, 'train', { limit: Math.max(samples, warmupSamples), image: true });
    const loadSeconds = (performance.now() - t) / 1000;

    stage = 'warming up';
    t = performance.now();
    const warm = convModel();
    const wx = tf.slice(train.x, [0, 0, 0, 0], [warmupSamples, 28, 28, 1]);
    const wy = tf.slice(train.y, [0, 0], [warmupSamples, 1]);
    await warm.fit(wx, wy, { epochs: 1, batchSize, shuffle: true, verbose: 0, yieldEvery: 'never' });
    await warm.layers[0].getWeights()[0].data();
    tf.dispose([wx, wy]);
    warm.dispose();
    const warmupSeconds = (performance.now() - t) / 1000;
    log(`warm-up of ${warmupSamples} samples in ${warmupSeconds.toFixed(2)} s`);

    stage = 'training';
    const model = convModel();
    const x = tf.slice(train.x, [0, 0, 0, 0], [samples, 28, 28, 1]);
    const y = tf.slice(train.y, [0, 0], [samples, 1]);
    const batches = Math.ceil(samples / batchSize);
    log(`training 1 epoch of ${batches} batches of ${batchSize}`);
    const epochSeconds = [];
    const callback = progressCallback(batches, epochSeconds);
    const history = await model.fit(x, y, {
      epochs: 1, batchSize, shuffle: true, verbose: 0, yieldEvery: 'never', callbacks: callback,
    });
    await model.layers[0].getWeights()[0].data();
    const seconds = (performance.now() - callback.epochStart) / 1000;
    tf.dispose([x, y, train.x, train.y]);
    model.dispose();

    post({
      type: 'done',
      result: {
        ...info,
        samples_per_second: samples / seconds,
        seconds,
        samples,
        batch_size: batchSize,
        train_loss: history.history.loss.at(-1),
        train_accuracy: (history.history.acc ?? history.history.accuracy)?.at(-1),
        warmup_samples: warmupSamples,
        warmup_seconds: warmupSeconds,
        data_seconds: loadSeconds,
      },
    });
  } catch (e) {
    post({ type: 'error', stage, message: String(e?.message ?? e) });
  }
}

self.onmessage = (event) => {
  if (event.data?.type !== 'run') return;
  if (event.data.mode === 'conv') runConv(event.data);
  else run(event.data);
};
post({ type: 'ready' });
