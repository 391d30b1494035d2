// The widgets' benchmark: what an embedded widget and the article download, how soon they are
// interactive, and how long a redraw takes during a scripted drag — in headless Chromium, on
// dist/ served from 127.0.0.1 with the site's CSP, each page from a cold cache. Prints one JSON
// object on stdout (progress on stderr) and writes it to bench/results/widgets-latest.json.
// Run it through ./scripts/bench_widgets.sh, which builds dist/ first.
//
// Targets (issue "Learn: article + embeddable widgets"): a widget downloads ≤ 200 KB gzip in
// all and is interactive ≤ 500 ms after navigation; a slider move redraws in ≤ 16 ms at the
// 95th percentile; the article with all its widgets is interactive ≤ 1.5 s.
//
// Environment: NEURITE_DIST (the built site, default dist/), CHROMIUM, BENCH_DRAG_STEPS
// (slider positions per drag, default 120).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, DIST, SITE_CSP, serve, launch } from '../tests/e2e/harness.mjs';

const STEPS = Number(process.env.BENCH_DRAG_STEPS ?? 120);
const RESULTS = join(ROOT, 'bench', 'results');
const TARGETS = { widget_gzip_bytes: 200_000, widget_interactive_ms: 500, redraw_p95_ms: 16, article_interactive_ms: 1500 };

const say = (text) => process.stderr.write(`[bench] ${text}\n`);
const round = (x, digits = 2) => Number(x.toFixed(digits));
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

/** Runs in the page before its scripts: records when the widget posts `ready` (a top-level
 * widget posts to itself) and when the article's widgets are all mounted. */
function recordMilestones() {
  window.addEventListener('message', (event) => {
    if (event.data && event.data.neurite === 1 && event.data.type === 'ready' && !window.__ready) {
      window.__ready = performance.now();
    }
  });
  new MutationObserver((_, observer) => {
    if (document.querySelector('[data-testid=glossary]') && document.querySelectorAll('[data-testid^=article-widget-]').length >= 6) {
      window.__articleReady = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
}

/** Opens `url` in a fresh context (cold cache); resolves to the page and its downloads. */
async function openCold(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const downloads = [];
  page.on('response', async (response) => {
    try {
      const body = await response.body();
      downloads.push({ url: response.url().replace(/^.*\//, ''), raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
    } catch {
      // A response without a body (a redirect) downloads nothing.
    }
  });
  const errors = [];
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  await page.addInitScript(recordMilestones);
  await page.goto(url, { waitUntil: 'load' });
  return { page, context, downloads, errors };
}

/** Moves the slider `testid` across its range `STEPS` times; the milliseconds from each input
 * event until the page has run every task it queued (the view's effects: text and canvas). */
async function dragTimings(page, testid) {
  return page.evaluate(async ([testid, steps]) => {
    const slider = document.querySelector(`[data-testid=${testid}]`);
    const [min, max] = [Number(slider.min), Number(slider.max)];
    // A message-channel round trip runs after every queued microtask and task of the input,
    // without setTimeout's 4 ms clamp on nested timers.
    const channel = new MessageChannel();
    const idle = () => new Promise((resolve) => {
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(0);
    });
    const times = [];
    for (let i = 0; i < steps; i++) {
      const t = (i % 40) / 39;
      const started = performance.now();
      slider.value = String(min + (max - min) * (i % 80 < 40 ? t : 1 - t));
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      await idle();
      times.push(performance.now() - started);
    }
    return times;
  }, [testid, STEPS]);
}

const WIDGETS = [
  ['neuron', 'widget.html?widget=neuron', 'slider-w1'],
  ['neuron_one_input', 'widget.html?widget=neuron&w=1.5&x=0.5', 'slider-w1'],
  ['activation', 'widget.html?widget=activation&activation=tanh', 'slider-x'],
  ['loss', 'widget.html?widget=loss', 'slider-y_pred1'],
  // A 1 000-step race of all five optimizers on Rosenbrock, recomputed at every move.
  ['gradient_descent_race', 'widget.html?widget=gradient_descent&surface=rosenbrock&start=-1.5,2&learning_rate=0.002&steps=1000&optimizer=adam&optimizers=sgd,momentum,nesterov,rmsprop', 'slider-learning_rate'],
  // The largest network the menu offers, with the gradient check on, dragged through its stages.
  ['backprop_stages', 'widget.html?widget=backprop&sizes=2,4,4,3&check=true', 'slider-stage'],
  // The same network, its input dragged at the update stage: every number recomputed.
  ['backprop_input', 'widget.html?widget=backprop&sizes=2,4,4,3&check=true&stage=60', 'slider-x-0'],
];

async function main() {
  const server = await serve(DIST, { headers: { 'content-security-policy': SITE_CSP } });
  const browser = await launch();
  const loadBefore = loadavg()[0];
  const widgets = {};
  try {
    for (const [name, path, slider] of WIDGETS) {
      say(`${name}: ${path}`);
      const { page, context, downloads, errors } = await openCold(browser, server.url + path);
      await page.waitForFunction(() => window.__ready !== undefined);
      const interactive = await page.evaluate(() => window.__ready);
      await page.waitForLoadState('networkidle');
      const times = await dragTimings(page, slider);
      widgets[name] = {
        interactive_ms: round(interactive),
        download_gzip_bytes: downloads.reduce((s, d) => s + d.gzip, 0),
        download_raw_bytes: downloads.reduce((s, d) => s + d.raw, 0),
        files: downloads.map((d) => d.url),
        redraw_ms: { median: round(quantile(times, 0.5), 3), p95: round(quantile(times, 0.95), 3), max: round(Math.max(...times), 3), samples: times.length },
        console_errors: errors.length,
      };
      await context.close();
    }
    say('article: learn.html');
    const { page, context, downloads, errors } = await openCold(browser, `${server.url}learn.html?lang=en`);
    await page.waitForFunction(() => window.__articleReady !== undefined);
    const article = {
      interactive_ms: round(await page.evaluate(() => window.__articleReady)),
      download_gzip_bytes: downloads.reduce((s, d) => s + d.gzip, 0),
      widgets: await page.locator('[data-testid^=article-widget-]').count(),
      console_errors: errors.length,
    };
    await context.close();

    const worst = (key, pick) => Math.max(...Object.values(widgets).map(pick));
    const embedJs = gzipSync(await readFile(join(DIST, 'embed.js')), { level: 9 }).length;
    const summary = {
      // What a course page downloads for one embedded widget: the loader and the widget page.
      widget_gzip_bytes: worst('gzip', (w) => w.download_gzip_bytes) + embedJs,
      embed_js_gzip_bytes: embedJs,
      widget_interactive_ms: worst('ready', (w) => w.interactive_ms),
      redraw_p95_ms: worst('p95', (w) => w.redraw_ms.p95),
      article_interactive_ms: article.interactive_ms,
    };
    const met = Object.fromEntries(Object.entries(TARGETS).map(([k, limit]) => [k, summary[k] <= limit]));
    const result = {
      summary,
      targets: TARGETS,
      met,
      widgets,
      article,
      chromium: browser.version(),
      host: { cpus: cpus().length, load_before: round(loadBefore), load_after: round(loadavg()[0]) },
      date: new Date().toISOString(),
    };
    await mkdir(RESULTS, { recursive: true });
    const text = JSON.stringify(result, null, 2);
    await writeFile(join(RESULTS, 'widgets-latest.json'), `${text}\n`);
    process.stdout.write(`${text}\n`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
