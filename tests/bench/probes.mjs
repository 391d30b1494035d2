// Shared pieces of the playground's benchmarks (playground.bench.mjs, throttled.bench.mjs):
// statistics, the result file, and probes installed in the page — long tasks, epoch ends, the
// time a pause takes to be confirmed, and the time from a slider's input event to the page
// showing the new value.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT, serve, launch } from '../e2e/harness.mjs';

const RESULTS = join(ROOT, 'bench', 'results');

export const say = (text) => process.stderr.write(`[bench] ${text}\n`);
export const round = (x, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

/** The `q` quantile of `xs` (nearest rank). */
export const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};

/** Median, 95th percentile and maximum of `xs`, in milliseconds, with the sample count. */
export const summary = (xs) => ({
  median: round(quantile(xs, 0.5)),
  p95: round(quantile(xs, 0.95)),
  max: round(Math.max(...xs)),
  samples: xs.length,
});

/** The machine, for reading the figures: its cores and its load before and after the run. */
export const host = (loadBefore) => ({
  cpus: cpus().length,
  load_before: round(loadBefore),
  load_after: round(loadavg()[0]),
});

/**
 * Runs `benchmark({ server, browser, loadBefore })` with dist/ served on 127.0.0.1 and
 * Chromium started, closes both, and exits with status 1 and the error if it failed.
 */
export function run(benchmark) {
  const main = async () => {
    const loadBefore = loadavg()[0];
    const server = await serve();
    const browser = await launch();
    try {
      await benchmark({ server, browser, loadBefore });
    } finally {
      await browser.close();
      await server.close();
    }
  };
  main().catch((error) => {
    process.stderr.write(`[bench] failed: ${error.stack ?? error}\n`);
    process.exit(1);
  });
}

/** Prints `result` as JSON on stdout and writes it to bench/results/`name`. */
export async function report(name, result) {
  const text = JSON.stringify(result, null, 2);
  await mkdir(RESULTS, { recursive: true });
  await writeFile(join(RESULTS, name), `${text}\n`);
  process.stdout.write(`${text}\n`);
}

export const waitForPhase = (page, want, timeout = 30_000) => page.waitForFunction(
  (want) => document.querySelector('[data-testid=status]').dataset.phase === want, want, { timeout },
);

/**
 * Starts recording the page's long tasks (main-thread tasks over 50 ms) in `window.__longTasks`
 * and each epoch's end (the test accuracy shown, with its epoch) in `window.__epochs`. The
 * observer is shown to work first: a task of the page that blocks the main thread for
 * `probeMs` must be recorded. Returns the duration it recorded for that task.
 */
export async function watchLongTasksAndEpochs(page, probeMs = 80) {
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask' });
    // Long animation frames name the scripts that ran in them (a worker's reply, a timer, an
    // input event …), to tell what a long task was.
    window.__longFrames = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__longFrames.push({
          start: e.startTime,
          end: e.startTime + e.duration,
          scripts: e.scripts.map((s) => ({ start: s.startTime, ms: Math.round(s.duration), what: s.invoker })),
        });
      }
    }).observe({ type: 'long-animation-frame' });
    window.__epochs = [];
    const shown = document.querySelector('[data-testid=test-accuracy]');
    new MutationObserver(() => {
      const { value, epoch } = shown.dataset;
      if (value && !window.__epochs.some((e) => e.epoch === Number(epoch))) {
        window.__epochs.push({ epoch: Number(epoch), accuracy: Number(value), at: performance.now() });
      }
    }).observe(shown, { attributes: true });
  });
  // A timer's task, not DevTools' own evaluation (which the observer does not count).
  await page.evaluate((ms) => setTimeout(() => { const end = performance.now() + ms; while (performance.now() < end); }, 0), probeMs);
  await page.waitForFunction(() => window.__longTasks.length > 0);
  const [probe] = await page.evaluate(() => window.__longTasks.splice(0));
  return probe.duration;
}

/** The scripts of `task` (a long task's record) that took 5 ms or more, as
 * `what: milliseconds`, from the long animation frames recorded around it. */
export const scriptsOf = (page, task) => page.evaluate((task) => window.__longFrames
  .flatMap((f) => f.scripts)
  .filter((s) => s.ms >= 5 && s.start >= task.start - 1 && s.start < task.start + task.duration)
  .map((s) => `${s.what}: ${s.ms}`), task);

/** The page's clock now. */
export const pageNow = (page) => page.evaluate(() => performance.now());

/** Long tasks recorded since `since` (the page's clock), outside the `excluded` [from, to] spans. */
export const longTasksSince = (page, since, excluded = []) => page.evaluate(([since, excluded]) =>
  window.__longTasks.filter((t) => t.start >= since
    && !excluded.some(([from, to]) => t.start < to && t.start + t.duration > from)), [since, excluded]);

/** Waits until epoch `epoch` has ended (its test accuracy is shown); returns its record. */
export async function epochEnd(page, epoch, timeout) {
  await page.waitForFunction((n) => window.__epochs.some((e) => e.epoch >= n), epoch, { timeout, polling: 250 });
  return page.evaluate((n) => window.__epochs.find((e) => e.epoch >= n), epoch);
}

/** Clicks Pause on a running run; resolves to the milliseconds, timed in the page, until the
 * worker's confirmation shows. */
export const timedPause = (page) => page.evaluate(() => new Promise((resolve) => {
  const status = document.querySelector('[data-testid=status]');
  const started = performance.now();
  new MutationObserver((_, observer) => {
    if (status.dataset.phase === 'paused') { observer.disconnect(); resolve(performance.now() - started); }
  }).observe(status, { attributes: true });
  document.querySelector('[data-testid=pause]').click();
}));

/**
 * Records each input event of the learning-rate slider in `window.__sliderResponses`: from
 * the event's time stamp (when the browser received the input, so waiting for a busy main
 * thread counts) until the learning-rate field shows the new value (`shown`), and until the
 * frame after that has been painted (`painted`: a message posted from the next animation frame
 * runs after its paint).
 */
export async function watchSlider(page) {
  await page.evaluate(() => {
    window.__sliderResponses = [];
    const slider = document.querySelector('[data-testid=learning-rate-slider]');
    const field = document.querySelector('[data-testid=field-learning_rate]');
    const channel = new MessageChannel();
    const next = [];
    channel.port1.onmessage = () => next.shift()?.();
    const afterTasks = (f) => { next.push(f); channel.port2.postMessage(0); };
    // Capturing on the window runs before the page's own listener on the slider, which may
    // update the field at once.
    window.addEventListener('input', (event) => {
      if (event.target !== slider) return;
      const { timeStamp } = event;
      const before = field.value;
      const waitForField = () => {
        // A slider already at its end changes nothing: given up on after 10 s.
        if (field.value === before && performance.now() - timeStamp < 10_000) { afterTasks(waitForField); return; }
        const shown = performance.now() - timeStamp;
        requestAnimationFrame(() => afterTasks(() => {
          window.__sliderResponses.push({ shown, painted: performance.now() - timeStamp });
        }));
      };
      waitForField();
    }, true);
  });
}

/**
 * Moves the learning-rate slider one step with the keyboard (a trusted input event, as a
 * person's), right or left by `right`, and waits until the probe has recorded its response.
 */
export async function sliderStep(page, right) {
  const count = await page.evaluate(() => window.__sliderResponses.length);
  await page.getByTestId('learning-rate-slider').press(right ? 'ArrowRight' : 'ArrowLeft');
  await page.waitForFunction((n) => window.__sliderResponses.length > n, count);
  return page.evaluate(() => window.__sliderResponses.at(-1));
}
