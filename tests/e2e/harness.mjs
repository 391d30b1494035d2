// Shared pieces of the end-to-end tests: a static server for dist/ on 127.0.0.1 that sends the
// site's strict CSP and collects its violation reports, Debian's Chromium driven by
// playwright-core, console-error collection and screenshots.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..');
export const DIST = process.env.NEURITE_DIST ?? join(ROOT, 'dist');
export const ARTIFACTS = join(here, 'artifacts');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.gz': 'application/gzip',
};

/** The Content Security Policy the site is built to run under (docs/embedding.md). */
export const SITE_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

/** Where the browser posts the CSP violation reports of pages served by {@link serve}. */
const REPORT_PATH = '/__csp-report';

/**
 * Serves `dir` on 127.0.0.1 at a free port; resolves to { url, origin, cspReports, close }.
 * With `prefix` ('/course/neurite/') the files are served under that sub-path only, as a static
 * host would. Every file is sent with the site's CSP (`csp`, {@link SITE_CSP} unless given),
 * whose violations the browser reports back: they collect in `cspReports` (see
 * {@link assertNoCspReports}). `headers` are sent too.
 */
export async function serve(dir = DIST, { prefix = '/', headers = {}, csp = SITE_CSP } = {}) {
  const cspReports = [];
  const policy = { 'content-security-policy': `${csp}; report-uri ${REPORT_PATH}` };
  const server = createServer(async (req, res) => {
    const requested = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (req.method === 'POST' && requested === REPORT_PATH) {
      let body = '';
      req.setEncoding('utf8');
      for await (const chunk of req) body += chunk;
      try {
        cspReports.push(JSON.parse(body)['csp-report'] ?? body);
      } catch {
        cspReports.push(body);
      }
      res.writeHead(204).end();
      return;
    }
    if (!requested.startsWith(prefix)) {
      res.writeHead(404).end('not found');
      return;
    }
    const path = normalize(`/${requested.slice(prefix.length)}`);
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        ...policy,
        ...headers,
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    origin: `http://127.0.0.1:${port}`,
    cspReports,
    close: () => new Promise((r) => server.close(r)),
  };
}

/**
 * Fails if the browser reported a CSP violation to `site` (a {@link serve} result). Reports are
 * posted asynchronously: the pages that could have caused them are closed first, which makes
 * Chromium send what it still holds.
 */
export function assertNoCspReports(site) {
  if (site.cspReports.length > 0) {
    const seen = site.cspReports.map((r) =>
      typeof r === 'string' ? r : `${r['violated-directive']} blocked ${r['blocked-uri']} in ${r['document-uri']}`);
    throw new Error(`CSP violations reported:\n${seen.join('\n')}`);
  }
}

/**
 * A browser context whose pages log each CSP violation as a console error, so that tests that
 * collect console errors fail on one at once (the report to the server follows).
 */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext(options);
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
  return context;
}

/** Debian's Chromium, headless, with what this machine needs. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Opens the playground; returns the page and the console errors it logs. */
export async function openPlayground(browser, url, options = {}) {
  const opened = await openPage(browser, url, {
    viewport: { width: 1400, height: 1000 },
    acceptDownloads: true,
    ...options,
  });
  await opened.page.getByTestId('data-status').and(opened.page.locator('.ready')).waitFor({ timeout: 60_000 });
  return opened;
}

/** Opens `url` in a new context; returns the page and the console errors it logs (its frames' too). */
export async function openPage(browser, url, contextOptions = {}) {
  const context = await newContext(browser, contextOptions);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(url);
  return { page, context, errors };
}

/** Clicks the element `testid` and resolves to the `count` downloads it starts, by name. */
export async function downloadsFrom(page, testid, count) {
  const got = [];
  const all = new Promise((done) => {
    const listener = (d) => { got.push(d); if (got.length === count) { page.off('download', listener); done(); } };
    page.on('download', listener);
  });
  await page.getByTestId(testid).click();
  await all;
  return Object.fromEntries(got.map((d) => [d.suggestedFilename(), d]));
}

/** Saves a screenshot under tests/e2e/artifacts/. */
export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Runs in the page: draws a short stroke down from (`x`, `y`) (fractions of the pad's size) with
 * pen events. Returns the bars' drawing counter from before the stroke; with `timed`, waits
 * instead for the bars to show the worker's answer for the new drawing and returns the
 * milliseconds from the first pointer event to that update.
 */
async function strokeInPage([x, y, timed]) {
  const pad = document.querySelector('[data-testid=pad]');
  const bars = document.querySelector('[data-testid=bars]');
  const r = pad.getBoundingClientRect();
  const before = bars.dataset.drawing;
  const answered = () => bars.dataset.drawing !== before && bars.dataset.answered === bars.dataset.drawing;
  const updated = timed && new Promise((resolve) => {
    new MutationObserver((_, observer) => {
      if (answered()) { observer.disconnect(); resolve(performance.now()); }
    }).observe(bars, { attributes: true });
  });
  const at = (dy) => ({
    clientX: r.left + x * r.width, clientY: r.top + (y + dy) * r.height,
    pointerId: 1, bubbles: true, isPrimary: true, pointerType: 'pen',
  });
  const started = performance.now();
  pad.dispatchEvent(new PointerEvent('pointerdown', at(0)));
  pad.dispatchEvent(new PointerEvent('pointermove', at(0.15)));
  pad.dispatchEvent(new PointerEvent('pointerup', at(0.15)));
  return timed ? (await updated) - started : before;
}

/**
 * Draws a short stroke down from (`x`, `y`) (fractions of the pad's size) and waits until the
 * probability bars show the worker's answer for that drawing.
 */
export async function stroke(page, x, y) {
  const before = await page.evaluate(strokeInPage, [x, y, false]);
  await page.waitForFunction((before) => {
    const { drawing, answered } = document.querySelector('[data-testid=bars]').dataset;
    return drawing !== before && answered === drawing;
  }, before);
}

/**
 * For the benchmarks: draws a short stroke as {@link stroke} does and returns the milliseconds,
 * timed in the page, from the first pointer event to the probability bars showing the worker's
 * answer for that drawing.
 */
export async function timedStroke(page, x, y) {
  return page.evaluate(strokeInPage, [x, y, true]);
}

/** MNIST test image `index` (from the plain IDX files in data/mnist) and its label. */
export function mnistTest(index) {
  const dir = join(ROOT, 'data', 'mnist');
  const images = readFileSync(join(dir, 't10k-images-idx3-ubyte'));
  const labels = readFileSync(join(dir, 't10k-labels-idx1-ubyte'));
  return { pixels: images.subarray(16 + index * 784, 16 + (index + 1) * 784), label: labels[8 + index] };
}
