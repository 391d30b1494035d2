// The 2-D playground's benchmark: how fast plane.html trains and how often it shows the run —
// epochs and training points per second, frames per second (a frame: the epoch counter and every
// map redrawn), the main thread's long tasks — for TensorFlow Playground's setups, and, when a
// build of TensorFlow Playground is given (TFP_DIST), the same setups on it in the same browser
// and the same invocation, alternated, so that the ratios compare like with like.
//
// Each run opens the page on the setup's link, waits until it is ready, presses play, and
// measures for BENCH_PLANE_SECONDS (default 10) after a one-second warm-up.
//
// Targets (issue "2-D playground"): training throughput ≥ 20× TensorFlow Playground's on the
// same network and data, ≥ 50 frames/s on the largest setup with every neuron's map live, no
// main-thread task over 50 ms; and the spiral link, under the Playground's numerics, at the
// Playground's 20-second test loss (0.021) within 2 s of pressing play.
//
// Environment: NEURITE_DIST (default dist/), TFP_DIST (a built TensorFlow Playground: its
// dist/ folder, with index.html and bundle.js), BENCH_PLANE_SECONDS, BENCH_PLANE_RUNS (default
// 2), CHROMIUM. Prints one JSON object on stdout and writes bench/results/plane-latest.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT, DIST, serve, launch } from '../tests/e2e/harness.mjs';

const SECONDS = Number(process.env.BENCH_PLANE_SECONDS ?? 10);
const RUNS = Number(process.env.BENCH_PLANE_RUNS ?? 2);
const TFP_DIST = process.env.TFP_DIST;
const RESULTS = join(ROOT, 'bench', 'results');
const TARGETS = { throughput_ratio: 20, frames_per_second: 50, longest_task_ms: 50 };

const say = (text) => process.stderr.write(`[bench] ${text}\n`);
const round = (x, digits = 1) => Number(x.toFixed(digits));

// TensorFlow Playground's links for the three setups of the issue (250 training points each).
const COMMON = 'activation=tanh&batchSize=10&regDataset=reg-plane&learningRate=0.03&regularizationRate=0&noise=0&seed=0.59876&showTestData=false&discretize=false&percTrainData=50&collectStats=false&problem=classification&initZero=false&hideText=false';
const FEATURES = (on) =>
  ['x', 'y', 'xTimesY', 'xSquared', 'ySquared', 'cosX', 'sinX', 'cosY', 'sinY']
    .map((f) => `${f}=${on.includes(f)}`)
    .join('&');
const SETUPS = {
  default: `${COMMON}&dataset=circle&networkShape=4,2&${FEATURES(['x', 'y'])}`,
  spiral: `${COMMON}&dataset=spiral&networkShape=8,8,8&${FEATURES(['x', 'y', 'sinX', 'sinY'])}`,
  largest: `${COMMON}&dataset=circle&networkShape=8,8,8,8,8,8&${FEATURES(['x', 'y', 'xTimesY', 'xSquared', 'ySquared', 'sinX', 'sinY'])}`,
};
const TRAINING_POINTS = 250;

/** Runs in the page before its scripts: counts the frames shown (changes of the epoch counter)
 * and records the main thread's long tasks. */
function probe(counterSelector) {
  window.__frames = 0;
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
  const watch = () => {
    const counter = document.querySelector(counterSelector);
    if (!counter) return requestAnimationFrame(watch);
    new MutationObserver(() => { window.__frames += 1; }).observe(counter, { childList: true, characterData: true, subtree: true });
  };
  watch();
}

const SITES = {
  neurite: {
    url: (base, link) => `${base}plane.html#${link}`,
    counter: '[data-testid=epoch]',
    ready: async (page) => {
      await page.getByTestId('losses').filter({ hasText: /\d/ }).waitFor({ timeout: 60_000 });
    },
    play: (page) => page.getByTestId('play').click(),
  },
  tfp: {
    url: (base, link) => `${base}index.html#${link}`,
    counter: '#iter-number',
    ready: (page) => page.locator('#play-pause-button').waitFor(),
    play: (page) => page.locator('#play-pause-button').click(),
  },
};

const epochOf = (page, selector) =>
  page.evaluate((s) => Number(document.querySelector(s).textContent.replace(/[^0-9]/g, '')), selector);

async function measure(browser, site, base, name) {
  const spec = SITES[site];
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.addInitScript(probe, spec.counter);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(spec.url(base, SETUPS[name]));
  await spec.ready(page);
  await spec.play(page);
  await page.waitForTimeout(1000);
  const start = await page.evaluate((s) => ({
    at: performance.now(), epoch: Number(document.querySelector(s).textContent.replace(/[^0-9]/g, '')),
    frames: window.__frames, tasks: window.__longTasks.length,
  }), spec.counter);
  await page.waitForTimeout(SECONDS * 1000);
  const end = await page.evaluate((s) => ({
    at: performance.now(), epoch: Number(document.querySelector(s).textContent.replace(/[^0-9]/g, '')),
    frames: window.__frames, tasks: window.__longTasks.slice(),
  }), spec.counter);
  const testLoss = site === 'tfp'
    ? await page.evaluate(() => Number(document.querySelector('#loss-test')?.textContent))
    : undefined;
  const seconds = (end.at - start.at) / 1000;
  const epochs = end.epoch - start.epoch;
  const tasks = end.tasks.slice(start.tasks);
  await context.close();
  return {
    site,
    setup: name,
    seconds: round(seconds, 2),
    epochs_per_second: round(epochs / seconds),
    samples_per_second: Math.round((epochs * TRAINING_POINTS) / seconds),
    frames_per_second: round((end.frames - start.frames) / seconds),
    long_tasks: tasks.length,
    longest_task_ms: round(Math.max(0, ...tasks)),
    ...(testLoss !== undefined && { test_loss_at_end: testLoss, seconds_played: round(seconds + 1, 1) }),
    errors,
  };
}

/** How long plane.html takes, from play, to bring the spiral's test loss to TensorFlow
 * Playground's after 20 s (0.021, its own ½(o − t)² loss): the stop rule `stopLoss` pauses it. */
async function timeToPlaygroundLoss(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${base}plane.html#${SETUPS.spiral}&stopLoss=0.021`);
  await SITES.neurite.ready(page);
  const started = await page.evaluate(() => performance.now());
  await SITES.neurite.play(page);
  await page.getByTestId('run-notice').waitFor({ timeout: 60_000 });
  const result = await page.evaluate((t0) => ({
    ms: performance.now() - t0,
    epoch: Number(document.querySelector('[data-testid=epoch]').textContent),
    notice: document.querySelector('[data-testid=run-notice]').textContent,
    losses: document.querySelector('[data-testid=losses]').textContent,
  }), started);
  await context.close();
  return { ...result, ms: Math.round(result.ms) };
}

async function main() {
  const neurite = await serve(DIST);
  // TensorFlow Playground uses inline styles and scripts: no CSP of Neurite's for it.
  const tfp = TFP_DIST ? await serve(TFP_DIST, { csp: "default-src * 'unsafe-inline' 'unsafe-eval' data: blob:" }) : null;
  const browser = await launch();
  const runs = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const name of Object.keys(SETUPS)) {
        for (const [site, server] of [['tfp', tfp], ['neurite', neurite]]) {
          if (!server) continue;
          const result = await measure(browser, site, server.url, name);
          say(`${site} ${name}: ${result.epochs_per_second} epochs/s, ${result.samples_per_second} samples/s, ${result.frames_per_second} frames/s, longest task ${result.longest_task_ms} ms`);
          runs.push(result);
        }
      }
    }
    for (let run = 0; run < RUNS; run++) {
      const reached = await timeToPlaygroundLoss(browser, neurite.url);
      say(`neurite spiral to a test loss of 0.021: ${reached.ms} ms, epoch ${reached.epoch} (${reached.losses})`);
      runs.push({ site: 'neurite', setup: 'spiral_to_0.021', ...reached });
    }
  } finally {
    await browser.close();
    await neurite.close();
    await tfp?.close();
  }
  const summary = {};
  for (const name of Object.keys(SETUPS)) {
    const of = (site) => runs.filter((r) => r.site === site && r.setup === name);
    const best = (rs, key) => Math.max(...rs.map((r) => r[key]));
    const mine = of('neurite');
    const theirs = of('tfp');
    summary[name] = {
      neurite_samples_per_second: best(mine, 'samples_per_second'),
      neurite_frames_per_second: best(mine, 'frames_per_second'),
      neurite_longest_task_ms: Math.max(...mine.map((r) => r.longest_task_ms)),
      ...(theirs.length > 0 && {
        tfp_samples_per_second: best(theirs, 'samples_per_second'),
        tfp_frames_per_second: best(theirs, 'frames_per_second'),
        throughput_ratio: round(best(mine, 'samples_per_second') / best(theirs, 'samples_per_second')),
      }),
    };
  }
  const reached = runs.filter((r) => r.setup === 'spiral_to_0.021');
  summary.spiral_to_playground_loss_ms = Math.max(...reached.map((r) => r.ms));
  const largest = summary.largest;
  const met = {
    frames: largest.neurite_frames_per_second >= TARGETS.frames_per_second,
    long_tasks: Object.keys(SETUPS).every((name) => summary[name].neurite_longest_task_ms <= TARGETS.longest_task_ms),
    spiral_loss_within_2_s: summary.spiral_to_playground_loss_ms <= 2000,
    ...(TFP_DIST && { throughput: Object.keys(SETUPS).every((name) => summary[name].throughput_ratio >= TARGETS.throughput_ratio) }),
  };
  const result = {
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, load: loadavg().map((l) => round(l, 2)) },
    seconds_per_run: SECONDS,
    targets: TARGETS,
    met,
    summary,
    runs,
  };
  await mkdir(RESULTS, { recursive: true });
  await writeFile(join(RESULTS, 'plane-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
