// The browser benchmark: Neurite's playground and TensorFlow.js (wasm backend) train the seed
// program (the seed model, 5 epochs of MNIST) in the same headless Chromium, one after the
// other, each in a dedicated Web Worker; throughput is over all epochs' training time, and the
// first epoch's is reported beside it. Neurite runs twice: the build the page picks (relaxed SIMD where the
// engine has it) and the plain SIMD128 build (`?simd=plain`).
// Then Keras's "Simple MNIST convnet" (34 826 parameters): the playground's keras-convnet preset
// for one epoch of BENCH_CONV_SAMPLES training images (training clock only, then its test
// accuracy and the worker's forward pass of a drawn digit), and TF.js on the same model with the
// wasm, webgl (SwiftShader without a GPU) and cpu backends, each in its own worker, for
// BENCH_TFJS_CONV_SAMPLES images after a warm-up; a backend that cannot train it is reported
// with its error (wasm has no Conv2DBackpropFilter kernel). `convnet.ratio` is Neurite's
// samples/s over the fastest TF.js backend's.
// Prints one JSON object on stdout (progress on stderr) and writes it to
// bench/results/latest.json. Run it through ./scripts/bench.sh, which builds dist/ first.
//
// Environment: NEURITE_DIST (the built site, default dist/), CHROMIUM (the browser binary),
// BENCH_TIMEOUT_S (limit for each long wait, default 600), BENCH_CLASSIFY_STROKES (default 15),
// BENCH_EPOCHS (default 5, the seed program's), BENCH_CONV_SAMPLES (default 12000),
// BENCH_TFJS_CONV_SAMPLES (default 640), BENCH_TFJS_CONV_BACKENDS (default wasm,webgl; add cpu for TF.js's cpu backend, about 2–12 samples/s here).
import { mkdtemp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, DIST, serve, launch, timedStroke } from '../tests/e2e/harness.mjs';

const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 600) * 1000;
const STROKES = Number(process.env.BENCH_CLASSIFY_STROKES ?? 15);
const WARMUP_SAMPLES = 320;
const BATCH = 32;
const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 5);
const CONV_SAMPLES = Number(process.env.BENCH_CONV_SAMPLES ?? 12000);
const TFJS_CONV_SAMPLES = Number(process.env.BENCH_TFJS_CONV_SAMPLES ?? 640);
const TFJS_CONV_WARMUP = 64;
const TFJS_CONV_BACKENDS = (process.env.BENCH_TFJS_CONV_BACKENDS ?? 'wasm,webgl').split(',').map((b) => b.trim()).filter(Boolean);
const CONV_PARAMS = '34826';
const TFJS = join(ROOT, 'node_modules', '@tensorflow');
const RESULTS = join(ROOT, 'bench', 'results');

const say = (text) => process.stderr.write(`[bench] ${text}\n`);
const round = (x, digits = 4) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Rejects after `ms` with a message naming what was awaited. */
function within(ms, what, promise) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s ${what}`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/**
 * One folder to serve on 127.0.0.1: the built site at its root, the
 * TF.js side under /bench/, and the TF.js packages' dist/ folders under /tfjs/ (core, layers
 * and the wasm, webgl and cpu backends).
 */
async function stageSite() {
  const site = await mkdtemp(join(tmpdir(), 'neurite-bench-'));
  for (const entry of await readdir(DIST)) await symlink(join(DIST, entry), join(site, entry));
  await symlink(join(ROOT, 'bench', 'web'), join(site, 'bench'));
  await mkdir(join(site, 'tfjs'));
  for (const [name, pkg] of [['core', 'tfjs-core'], ['layers', 'tfjs-layers'], ['wasm', 'tfjs-backend-wasm'],
    ['webgl', 'tfjs-backend-webgl'], ['cpu', 'tfjs-backend-cpu']]) {
    const dir = join(TFJS, pkg, 'dist');
    if (!existsSync(dir)) throw new Error(`${dir} is missing: run npm ci`);
    await symlink(dir, join(site, 'tfjs', name));
  }
  return site;
}

/**
 * The .wasm files of dist/: raw bytes and gzip (level 9) bytes, as app, worker and
 * worker_relaxed; `page_and_worker_gzip` is what a visit downloads (the page and one worker).
 */
async function wasmSizes() {
  const sizes = {};
  for (const name of (await readdir(DIST)).filter((n) => n.endsWith('.wasm')).sort()) {
    const raw = await readFile(join(DIST, name));
    const key = name.startsWith('app') ? 'app'
      : name.startsWith('worker-relaxed') ? 'worker_relaxed'
        : name.startsWith('worker') ? 'worker' : name;
    sizes[key] = { raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
  }
  if (!sizes.app || !sizes.worker) throw new Error(`expected app and worker .wasm files in ${DIST}`);
  sizes.page_and_worker_gzip = sizes.app.gzip + Math.max(sizes.worker.gzip, sizes.worker_relaxed?.gzip ?? 0);
  return sizes;
}

/**
 * Runs in the playground before its own scripts: keeps the worker's progress and epoch
 * messages with their arrival time, and notes when MNIST is loaded and Play is enabled.
 */
function tapPlayground() {
  const bench = { messages: [], interactiveAt: null, playAt: null };
  window.__bench = bench;
  document.addEventListener('click', (event) => {
    if (bench.playAt === null && event.target.closest?.('[data-testid=play]')) bench.playAt = performance.now();
  }, true);
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        // Each message is JSON text, externally tagged: `{"progress":{...}}`.
        const text = event.data?.msg;
        if (typeof text !== 'string') return;
        const parsed = JSON.parse(text);
        const [type, body] = typeof parsed === 'string' ? [parsed, {}] : Object.entries(parsed)[0];
        if (!['data_loaded', 'progress', 'epoch_end', 'diverged', 'error', 'prediction'].includes(type)) return;
        const { confusion, probabilities, ...kept } = body;
        bench.messages.push({ at: performance.now(), type, ...kept });
      });
    }
  };
  const interactive = () => {
    const data = document.querySelector('[data-testid=data-status]');
    const play = document.querySelector('[data-testid=play]');
    return data?.classList.contains('ready') && play && !play.disabled;
  };
  const observer = new MutationObserver(() => {
    if (bench.interactiveAt === null && interactive()) {
      bench.interactiveAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true });
}

/**
 * The worker's training time of one epoch (from 1) in milliseconds, from its progress messages
 * (`position` in epochs, `elapsed_ms` on the worker's training clock, every 100 ms): from the
 * epoch's first message back to its start, to its last message forward to its end, each at
 * that message's rate. The test evaluation and checkpoint between epochs are left out, as
 * TF.js's `fit` leaves out its `evaluate`. The estimated parts are under a tenth of a second.
 */
function trainingMs(messages, epoch, samples) {
  const inEpoch = messages.filter((m) => m.type === 'progress' && m.position > epoch - 1 && m.position < epoch);
  if (inEpoch.length === 0) throw new Error(`Neurite sent no progress message during epoch ${epoch}`);
  const [first, last] = [inEpoch[0], inEpoch.at(-1)];
  const msPer = (m, positions) => (positions * samples / m.samples_per_second) * 1000;
  const start = first.elapsed_ms - msPer(first, first.position - (epoch - 1));
  const finish = last.elapsed_ms + msPer(last, epoch - last.position);
  return finish - start;
}

/**
 * A browser context for the playground with the worker's messages tapped (`tapPlayground`): its
 * page, the errors it logs, and `failed()`, those errors as a suffix for a message.
 */
async function tappedContext(browser) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await context.addInitScript(tapPlayground);
  const failed = () => (errors.length ? ` (page errors: ${errors.join(' | ')})` : '');
  return { context, page, errors, failed };
}

/**
 * Neurite: page load, the seed preset's epochs in its worker, test accuracy, stroke timing,
 * and the instruction set the worker reported. `query` is appended to the page's address.
 */
async function benchNeurite(browser, url, query = '') {
  const { context, page, errors, failed } = await tappedContext(browser);
  try {

    say(`neurite: opening the playground${query}`);
    await page.goto(`${url}${query}`);
    await page.waitForFunction(() => window.__bench.interactiveAt !== null, null, { timeout: TIMEOUT_MS })
      .catch((e) => { throw new Error(`the playground did not become interactive: ${e.message}${failed()}`); });
    const interactiveMs = await page.evaluate(() => window.__bench.interactiveAt);
    say(`neurite: interactive ${interactiveMs.toFixed(0)} ms after navigation start`);

    await page.waitForFunction(() => document.querySelector('[data-testid=status-kernels]')?.dataset.value);
    const kernels = await page.getByTestId('status-kernels').getAttribute('data-value');
    say(`neurite: the worker's kernels run on ${kernels}`);

    await page.getByTestId('preset-seed').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid=play]').disabled);
    const params = await page.getByTestId('total-params').textContent();
    if (params !== '101770') throw new Error(`the seed preset has ${params} parameters, expected 101770`);
    await page.getByTestId('field-epochs').fill(String(EPOCHS));
    await page.waitForFunction(() => !document.querySelector('[data-testid=play]').disabled);

    await page.getByTestId('play').click();
    const progress = setInterval(async () => {
      const p = await page.evaluate(() => window.__bench.messages.filter((m) => m.type === 'progress').at(-1)).catch(() => null);
      if (p) say(`neurite: epoch ${p.position.toFixed(2)}, ${p.samples_per_second.toFixed(0)} samples/s`);
    }, 2000);
    try {
      await page.waitForFunction(
        (epochs) => window.__bench.messages.some((m) => (m.type === 'epoch_end' && m.epoch >= epochs) || m.type === 'diverged' || m.type === 'error'),
        EPOCHS, { timeout: TIMEOUT_MS, polling: 100 },
      );
    } finally {
      clearInterval(progress);
    }
    await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.phase !== 'running');

    const { messages, playAt } = await page.evaluate(() => window.__bench);
    const ends = messages.filter((m) => m.type === 'epoch_end');
    const end = ends.at(-1);
    if (ends.length !== EPOCHS) throw new Error(`Neurite ended ${ends.length} of ${EPOCHS} epochs: ${JSON.stringify(messages.at(-1))}${failed()}`);
    const loaded = messages.find((m) => m.type === 'data_loaded');
    const samples = loaded.train_samples;
    const epochSeconds = [];
    for (let epoch = 1; epoch <= EPOCHS; epoch++) epochSeconds.push(trainingMs(messages, epoch, samples) / 1000);
    const trainingSeconds = epochSeconds.reduce((a, b) => a + b, 0);

    // Stroke to bars (the harness's timedStroke): the median of several strokes on the
    // trained model.
    const latencies = [];
    for (let i = 0; i < STROKES; i++) {
      latencies.push(await timedStroke(page, 0.3 + 0.4 * ((i * 7) % STROKES) / STROKES, 0.2 + 0.6 * (i / STROKES)));
    }
    say(`neurite: stroke to bars ${median(latencies).toFixed(2)} ms (median of ${latencies.length}; ${latencies.map((x) => x.toFixed(1)).join(' ')})`);
    // The forward pass alone, as the worker timed it for each drawing of those strokes. A
    // worker's clock ticks in 0.1 ms in Chromium (no cross-origin isolation), so one reading is
    // 0 or 0.1: their mean over many passes, started at random phases of the tick, estimates
    // the true time.
    const forward = (await page.evaluate(() => window.__bench.messages))
      .filter((m) => m.type === 'prediction')
      .slice(-2 * STROKES)
      .map((m) => m.forward_ms);
    if (forward.length === 0) throw new Error('the worker sent no prediction for the strokes');
    const forwardMs = forward.reduce((a, b) => a + b, 0) / forward.length;
    say(`neurite: forward pass ${forwardMs.toFixed(3)} ms (mean of ${forward.length})`);
    if (errors.length) throw new Error(`the playground logged errors: ${errors.join(' | ')}`);

    return {
      result: {
        samples_per_second: round((EPOCHS * samples) / trainingSeconds, 1),
        first_epoch_samples_per_second: round(samples / epochSeconds[0], 1),
        kernels,
        test_accuracy: round(end.test_accuracy),
        epochs: EPOCHS,
        epoch_seconds: epochSeconds.map((x) => round(x, 3)),
        train_loss: round(end.train_loss),
        train_accuracy: round(end.train_accuracy),
        test_loss: round(end.test_loss),
        play_to_test_result_seconds: round((end.at - playAt) / 1000, 3),
        data_seconds: round(loaded.millis / 1000, 3),
      },
      interactiveMs,
      classifyMs: median(latencies),
      forwardMs,
    };
  } finally {
    await context.close();
  }
}

/** TF.js: the bench page starts its worker; returns the worker's result and the wasm it fetched. */
async function benchTfjs(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const fetched = [];
    context.on('requestfinished', (r) => { if (r.url().endsWith('.wasm')) fetched.push(r.url().split('/').pop()); });
    page.on('console', (m) => say(m.text()));
    context.on('response', (r) => { if (r.status() >= 400) say(`HTTP ${r.status()} ${r.url()}`); });
    page.on('pageerror', (e) => say(`TF.js page error: ${e}`));
    say('tfjs: initialising the wasm backend, loading MNIST, warming up');
    await page.goto(`${url}bench/?warmup=${WARMUP_SAMPLES}&batch=${BATCH}&epochs=${EPOCHS}`);
    const result = await within(TIMEOUT_MS, 'waiting for TF.js', page.evaluate(() => window.tfjsBench));
    return { result, fetched };
  } finally {
    await context.close();
  }
}

/**
 * Neurite on Keras's convnet: a fresh playground, the keras-convnet preset, a training subset of
 * CONV_SAMPLES images and one epoch; samples/s from the worker's training clock (as for the
 * seed, without the test pass), the test accuracy, the kernels, and the mean of the worker's
 * forward-pass timings for the strokes drawn after training.
 */
async function benchNeuriteConv(browser, url) {
  const { context, page, errors, failed } = await tappedContext(browser);
  try {

    say('neurite convnet: opening the playground');
    await page.goto(url);
    await page.waitForFunction(() => window.__bench.interactiveAt !== null, null, { timeout: TIMEOUT_MS })
      .catch((e) => { throw new Error(`the playground did not become interactive: ${e.message}${failed()}`); });
    await page.waitForFunction(() => document.querySelector('[data-testid=status-kernels]')?.dataset.value);
    const kernels = await page.getByTestId('status-kernels').getAttribute('data-value');

    await page.getByTestId('preset-keras-convnet').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid=play]').disabled);
    const params = (await page.getByTestId('total-params').textContent()).replace(/[^0-9]/g, '');
    if (params !== CONV_PARAMS) throw new Error(`the keras-convnet preset has ${params} parameters, expected ${CONV_PARAMS}`);
    await page.getByTestId('field-train_subset').fill(String(CONV_SAMPLES));
    await page.getByTestId('field-epochs').fill('1');
    await page.waitForFunction(() => !document.querySelector('[data-testid=play]').disabled);

    say(`neurite convnet: training 1 epoch of ${CONV_SAMPLES} samples (kernels ${kernels})`);
    await page.getByTestId('play').click();
    const progress = setInterval(async () => {
      const p = await page.evaluate(() => window.__bench.messages.filter((m) => m.type === 'progress').at(-1)).catch(() => null);
      if (p) say(`neurite convnet: epoch ${p.position.toFixed(2)}, ${p.samples_per_second.toFixed(0)} samples/s`);
    }, 5000);
    try {
      await page.waitForFunction(
        () => window.__bench.messages.some((m) => m.type === 'epoch_end' || m.type === 'diverged' || m.type === 'error'),
        null, { timeout: TIMEOUT_MS, polling: 100 },
      );
    } finally {
      clearInterval(progress);
    }
    await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.phase !== 'running');

    const { messages } = await page.evaluate(() => window.__bench);
    const end = messages.find((m) => m.type === 'epoch_end');
    if (!end) throw new Error(`Neurite did not end the convnet's epoch: ${JSON.stringify(messages.at(-1))}${failed()}`);
    const loaded = messages.find((m) => m.type === 'data_loaded');
    const samples = Math.min(CONV_SAMPLES, loaded.train_samples);
    const seconds = trainingMs(messages, 1, samples) / 1000;

    // The forward pass of a drawn digit through the trained convnet, as the worker timed it
    // (the predictions that follow the strokes; see benchNeurite on the clock's 0.1 ms ticks).
    const mark = (await page.evaluate(() => window.__bench.messages.length));
    for (let i = 0; i < STROKES; i++) {
      await timedStroke(page, 0.3 + 0.4 * ((i * 7) % STROKES) / STROKES, 0.2 + 0.6 * (i / STROKES));
    }
    const forward = (await page.evaluate(() => window.__bench.messages)).slice(mark)
      .filter((m) => m.type === 'prediction')
      .map((m) => m.forward_ms);
    if (forward.length === 0) throw new Error('the worker sent no prediction for the strokes on the convnet');
    const forwardMs = forward.reduce((a, b) => a + b, 0) / forward.length;
    if (errors.length) throw new Error(`the playground logged errors: ${errors.join(' | ')}`);
    const result = {
      samples_per_second: round(samples / seconds, 1),
      test_accuracy: round(end.test_accuracy),
      samples,
      kernels,
      forward_ms: round(forwardMs, 3),
      epoch_seconds: round(seconds, 3),
      train_loss: round(end.train_loss),
      train_accuracy: round(end.train_accuracy),
      forward_passes: forward.length,
    };
    say(`neurite convnet: ${result.samples_per_second} samples/s (${result.epoch_seconds} s), test accuracy ${result.test_accuracy}, forward pass ${result.forward_ms} ms (mean of ${forward.length})`);
    return result;
  } finally {
    await context.close();
  }
}

/**
 * TF.js on Keras's convnet with one backend, in a fresh context and worker: the worker's result,
 * or `{ error }` with the message of the stage that failed.
 */
async function benchTfjsConv(browser, url, backend) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.on('console', (m) => say(m.text()));
    context.on('response', (r) => { if (r.status() >= 400) say(`HTTP ${r.status()} ${r.url()}`); });
    page.on('pageerror', (e) => say(`TF.js page error: ${e}`));
    say(`tfjs convnet (${backend}): ${TFJS_CONV_WARMUP} warm-up samples, then ${TFJS_CONV_SAMPLES}`);
    await page.goto(`${url}bench/?mode=conv&backend=${backend}&samples=${TFJS_CONV_SAMPLES}&warmup=${TFJS_CONV_WARMUP}&batch=${BATCH}`);
    const r = await within(TIMEOUT_MS, `waiting for TF.js's convnet on ${backend}`, page.evaluate(() => window.tfjsBench));
    const result = {
      samples_per_second: round(r.samples_per_second, 2),
      seconds: round(r.seconds, 3),
      samples: r.samples,
      warmup_samples: r.warmup_samples,
      train_loss: round(r.train_loss),
      ...(r.renderer ? { renderer: r.renderer } : {}),
      ...(r.threads ? { simd: r.simd, threads: r.threads } : {}),
    };
    say(`tfjs convnet (${backend}): ${result.samples_per_second} samples/s (${result.seconds} s)`);
    return result;
  } catch (e) {
    const error = e.message.replace(/^page\.evaluate: (Error: )?/, '').split('\n')[0];
    say(`tfjs convnet (${backend}): ${error}`);
    return { error };
  } finally {
    await context.close();
  }
}

async function main() {
  if (!existsSync(join(DIST, 'index.html')) || !existsSync(join(DIST, 'mnist', 'train-images-idx3-ubyte.gz'))) {
    throw new Error(`${DIST} has no built site with MNIST: run ./scripts/bench.sh (it builds it)`);
  }
  const site = await stageSite();
  const server = await serve(site);
  let browser;
  const cleanUp = async () => {
    await browser?.close().catch(() => {});
    await server.close();
    await rm(site, { recursive: true, force: true });
  };
  const interrupted = () => cleanUp().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const loadBefore = loadavg()[0];
    browser = await launch();
    const chromium = browser.version();
    say(`Chromium ${chromium}, serving ${server.url}`);

    const neurite = await benchNeurite(browser, server.url);
    say(`neurite: ${neurite.result.samples_per_second.toFixed(0)} samples/s over ${EPOCHS} epochs (${neurite.result.epoch_seconds.join(', ')} s), test accuracy ${neurite.result.test_accuracy}`);
    const plain = await benchNeurite(browser, server.url, '?simd=plain');
    say(`neurite (plain SIMD128): ${plain.result.samples_per_second.toFixed(0)} samples/s, test accuracy ${plain.result.test_accuracy}`);

    let tfjs;
    try {
      tfjs = await benchTfjs(browser, server.url);
    } catch (e) {
      throw new Error(`TF.js could not run: ${e.message}`);
    }
    const t = tfjs.result;
    const binary = tfjs.fetched.filter((f) => f.startsWith('tfjs-backend-wasm'));
    if (binary.length !== 1 || binary[0] !== 'tfjs-backend-wasm-simd.wasm' || !t.simd || t.threads !== 1) {
      throw new Error(`TF.js is not on one thread with SIMD: fetched ${binary.join(', ') || 'no backend binary'}, simd ${t.simd}, threads ${t.threads}`);
    }
    say(`tfjs: ${t.samples_per_second.toFixed(0)} samples/s over ${t.epochs} epochs (${t.epoch_seconds.map((x) => x.toFixed(2)).join(', ')} s), test accuracy ${t.test_accuracy.toFixed(4)}`);

    const convNeurite = await benchNeuriteConv(browser, server.url);
    const convTfjs = {};
    for (const backend of TFJS_CONV_BACKENDS) convTfjs[backend] = await benchTfjsConv(browser, server.url, backend);
    const trained = Object.entries(convTfjs).filter(([, r]) => Number.isFinite(r.samples_per_second));
    const best = trained.sort((a, b) => b[1].samples_per_second - a[1].samples_per_second)[0];
    const convnet = {
      neurite: convNeurite,
      tfjs: convTfjs,
      // Neurite's samples/s over the fastest TF.js backend that trained it (null if none did).
      ratio: best ? round(convNeurite.samples_per_second / best[1].samples_per_second, 2) : null,
      ratio_backend: best ? best[0] : null,
    };
    say(`convnet: ${convnet.ratio === null ? 'no TF.js backend trained it' : `${convnet.ratio}× TF.js ${convnet.ratio_backend}`}`);

    const out = {
      neurite: neurite.result,
      neurite_plain_simd128: plain.result,
      tfjs: {
        samples_per_second: round(t.samples_per_second, 1),
        first_epoch_samples_per_second: round(t.first_epoch_samples_per_second, 1),
        test_accuracy: round(t.test_accuracy),
        epochs: t.epochs,
        epoch_seconds: t.epoch_seconds.map((x) => round(x, 3)),
        backend: t.backend,
        simd: t.simd,
        threads: t.threads,
        version: t.version,
        wasm_binary: binary[0],
        train_loss: round(t.train_loss),
        train_accuracy: round(t.train_accuracy),
        test_loss: round(t.test_loss),
        warmup_samples: t.warmup_samples,
        data_seconds: round(t.data_seconds, 3),
      },
      ratio_samples_per_second: round(neurite.result.samples_per_second / t.samples_per_second, 3),
      ratio_plain_simd128_samples_per_second: round(plain.result.samples_per_second / t.samples_per_second, 3),
      convnet,
      digit_classify_ms: round(neurite.classifyMs, 2),
      digit_forward_ms: round(neurite.forwardMs, 3),
      page_interactive_ms: round(neurite.interactiveMs, 1),
      wasm_bytes: await wasmSizes(),
      chromium,
      // Other work on the machine moves the absolute numbers: the 1-minute load average
      // before and after the run, against the number of cores.
      host: { cpus: cpus().length, load_before: round(loadBefore, 2), load_after: round(loadavg()[0], 2) },
      measured_at: new Date().toISOString(),
    };
    const json = JSON.stringify(out, null, 2);
    await mkdir(RESULTS, { recursive: true });
    await writeFile(join(RESULTS, 'latest.json'), `${json}\n`);
    process.stdout.write(`${json}\n`);
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    await cleanUp();
  }
}

main().catch((e) => {
  process.stderr.write(`[bench] failed: ${e.message}\n`);
  process.exit(1);
});
