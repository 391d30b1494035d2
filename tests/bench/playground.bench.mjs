// The playground's responsiveness while it trains, in headless Chromium on dist/: how long
// after a stroke on the pad the probability bars show the worker's answer (on the idle page
// first, the reference measured in the same run, then during training), how long a pause takes
// to be confirmed by the worker, and the main-thread tasks over 50 ms during the first epoch
// of the seed preset. Prints one JSON object on stdout (progress on stderr) and writes it to
// bench/results/playground-latest.json. Run it through ./scripts/bench_playground.sh, which
// builds dist/ first.
//
// Targets (issue #10): stroke to bars ≤ 50 ms while training, pause confirmed ≤ 100 ms, no
// long task while training.
//
// Environment: NEURITE_DIST (the built site, default dist/), CHROMIUM, BENCH_STROKES (strokes
// per condition, default 15), BENCH_PAUSES (pause/resume cycles, default 10), BENCH_TIMEOUT_S
// (limit for the epoch, default 600).
import { openPlayground, timedStroke } from '../e2e/harness.mjs';
import {
  run, say, round, summary, host, report, waitForPhase, watchLongTasksAndEpochs, pageNow,
  longTasksSince, epochEnd, timedPause,
} from './probes.mjs';

const STROKES = Number(process.env.BENCH_STROKES ?? 15);
const PAUSES = Number(process.env.BENCH_PAUSES ?? 10);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 600) * 1000;
const TARGETS = { stroke_to_bars_training_p95_ms: 50, pause_p95_ms: 100, long_tasks_while_training: 0 };

/** `STROKES` strokes at spread-out places of the pad; the milliseconds of each. */
async function strokes(page) {
  const times = [];
  for (let i = 0; i < STROKES; i++) {
    times.push(await timedStroke(page, 0.3 + (0.4 * ((i * 7) % STROKES)) / STROKES, 0.2 + (0.6 * i) / STROKES));
  }
  return times;
}

/** Waits for the batch counter to move on from what it shows now. */
async function aBatchLater(page) {
  const shown = await page.getByTestId('status-batch').textContent();
  await page.waitForFunction((s) => document.querySelector('[data-testid=status-batch]').textContent !== s, shown);
}

run(async ({ server, browser, loadBefore }) => {
  const { page, errors } = await openPlayground(browser, server.url);
  await page.getByTestId('preset-seed').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=play]').disabled);
  const probe = await watchLongTasksAndEpochs(page);
  say(`long-task observer: saw the ${round(probe)} ms probe task`);

  // The reference: strokes on the idle page (the worker does nothing else).
  const idle = await strokes(page);
  say(`stroke to bars, idle: ${summary(idle).median} ms median`);

  const started = await pageNow(page);
  await page.getByTestId('play').click();
  await waitForPhase(page, 'running');
  await aBatchLater(page);
  const training = await strokes(page);
  say(`stroke to bars, training: ${summary(training).median} ms median`);

  const end = await epochEnd(page, 1, TIMEOUT_MS);
  const tasks = await longTasksSince(page, started);
  const epochTasks = tasks.filter((t) => t.start <= end.at);
  say(`epoch 1 in ${round((end.at - started) / 1000)} s, test accuracy ${end.accuracy}; ${epochTasks.length} long tasks`);

  const pauses = [];
  for (let i = 0; i < PAUSES; i++) {
    if (await page.getByTestId('status').getAttribute('data-phase') !== 'running') {
      await page.getByTestId('play').click();
      await waitForPhase(page, 'running');
    }
    await aBatchLater(page);
    pauses.push(await timedPause(page));
  }
  say(`pause confirmed after ${summary(pauses).median} ms median`);
  if (errors.length) throw new Error(`the playground logged errors: ${errors.join(' | ')}`);

  const strokeSummary = { idle: summary(idle), training: summary(training) };
  const figures = {
    stroke_to_bars_training_p95_ms: strokeSummary.training.p95,
    pause_p95_ms: summary(pauses).p95,
    long_tasks_while_training: epochTasks.length,
  };
  await report('playground-latest.json', {
    summary: figures,
    targets: TARGETS,
    met: Object.fromEntries(Object.entries(TARGETS).map(([k, limit]) => [k, figures[k] <= limit])),
    stroke_to_bars_ms: {
      ...strokeSummary,
      // Training's cost to a stroke, against the idle page in this same run.
      ratio_training_to_idle_median: round(strokeSummary.training.median / strokeSummary.idle.median),
    },
    pause_ms: summary(pauses),
    long_tasks: {
      count: epochTasks.length,
      longest_ms: round(Math.max(0, ...epochTasks.map((t) => t.duration))),
      observer_probe_ms: round(probe),
    },
    epoch_1: { seconds: round((end.at - started) / 1000), test_accuracy: end.accuracy },
    chromium: browser.version(),
    host: host(loadBefore),
    date: new Date().toISOString(),
  });
});
