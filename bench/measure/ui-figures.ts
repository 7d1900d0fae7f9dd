/**
 * The renderer's figures, in Debian's Chromium driven by Playwright against web mode on the
 * generated profile: time to the first inbox page, keypress-to-screen latency for j/k and e, and
 * the JS heap after scrolling through 10,000 rows.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { MemorySecretStore } from '../../electron/core/secrets/secret-store';
import { startWebMode, type WebMode } from '../../electron/web/start';
import { summarize, type LatencySummary } from './latency';
import { ANY_LIST_SELECTOR, INBOX_LIST_SELECTOR, INBOX_ROW_SELECTOR, PAGE_PROBE_SCRIPT } from './page-probe';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** How long the first rows may take before the UI is declared unusable. */
const FIRST_ROWS_TIMEOUT_MS = 20_000;

export interface KeyFigure {
  keys: string;
  presses: number;
  /** Presses nothing in the list answered within a second. */
  unanswered: number;
  latency: LatencySummary;
}

export interface UiFigures {
  /** Navigation start → first inbox rows painted, first load. */
  firstPageMs: number;
  /** The same over several reloads. */
  firstPageReloads: LatencySummary;
  keys: KeyFigure[];
  heap: {
    /** After the first page, after a forced garbage collection, bytes. */
    initialBytes: number;
    /** After scrolling, after a forced garbage collection, bytes. */
    afterScrollBytes: number;
    rowsScrolled: number;
    /** How the rows were counted (row ids, or scroll height when rows carry no id). */
    countedBy: string;
    scrollMs: number;
  };
}

export type UiOutcome = { available: true; figures: UiFigures } | { available: false; reason: string };

export interface UiOptions {
  repoRoot: string;
  dataDir: string;
  /** Rebuild the renderer even if out/renderer exists. */
  build: boolean;
  log: (line: string) => void;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Makes sure out/renderer holds a build; answers why not, or null. */
function ensureRendererBuild(opts: UiOptions): string | null {
  const index = join(opts.repoRoot, 'out', 'renderer', 'index.html');
  if (opts.build || !existsSync(index)) {
    opts.log('  building the renderer (vite build)…');
    const result = spawnSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts'], { cwd: opts.repoRoot, encoding: 'utf8' });
    if (result.status !== 0) {
      const tail = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-5).join(' | ');
      return `the renderer build failed: ${tail || result.error?.message || 'unknown error'}`;
    }
  } else if (newestMtime(join(opts.repoRoot, 'renderer', 'src')) > statSync(index).mtimeMs) {
    opts.log('  note: out/renderer is older than renderer/src; pass --build-ui to measure the current code');
  }
  return null;
}

async function heapBytes(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const usage = await cdp.send('Runtime.getHeapUsage');
    return usage.usedSize;
  } finally {
    await cdp.detach();
  }
}

/** Loads the page and waits for the first rows; answers the time or why they never came. */
async function loadFirstRows(page: Page, url: string, reload: boolean): Promise<number | string> {
  if (reload) await page.reload();
  else await page.goto(url);
  const at = (await page.evaluate(`window.__parvisBench.waitFirstRow(${FIRST_ROWS_TIMEOUT_MS})`)) as number | null;
  return at ?? `no inbox list (${INBOX_LIST_SELECTOR}, or ${ANY_LIST_SELECTOR} outside a dialog, with ${INBOX_ROW_SELECTOR} rows) appeared within ${FIRST_ROWS_TIMEOUT_MS / 1000} s of navigation`;
}

/** Presses each key in `sequence` and collects the probe's timings. */
async function timeKeys(page: Page, label: string, sequence: readonly string[]): Promise<KeyFigure> {
  const keys = [...new Set(sequence)];
  await page.evaluate('window.__parvisBench.focusList()');
  await page.evaluate('window.__parvisBench.quiet(200)');
  await page.evaluate(`window.__parvisBench.startKeys(${JSON.stringify(keys)})`);
  for (let i = 0; i < sequence.length; i++) {
    await page.keyboard.press(sequence[i]!);
    const done = (await page.evaluate(`window.__parvisBench.waitDone(${i + 1}, 5000)`)) as number | null;
    if (done === null) throw new Error(`the page did not answer press ${i + 1} of ${label} within 5 s`);
    await page.evaluate('window.__parvisBench.quiet(80)');
  }
  const result = (await page.evaluate('({ samples: window.__parvisBench.samples.map((s) => s.ms), timeouts: window.__parvisBench.timeouts })')) as {
    samples: number[];
    timeouts: number;
  };
  return { keys: label, presses: sequence.length, unanswered: result.timeouts, latency: summarize(result.samples) };
}

async function measureInBrowser(browser: Browser, web: WebMode, log: (line: string) => void): Promise<UiOutcome> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.addInitScript({ content: PAGE_PROBE_SCRIPT });
  const first = await loadFirstRows(page, web.url, false);
  if (typeof first === 'string') {
    const why = errors.length ? `${first}; page errors: ${errors.slice(0, 3).join(' | ')}` : `${first}; the renderer does not render the inbox list yet`;
    return { available: false, reason: why };
  }
  log(`  first inbox page: ${first.toFixed(0)} ms`);
  const reloads: number[] = [];
  for (let i = 0; i < 4; i++) {
    const t = await loadFirstRows(page, web.url, true);
    if (typeof t === 'number') reloads.push(t);
  }
  await page.evaluate('window.__parvisBench.quiet(300)');
  const initialBytes = await heapBytes(page);

  // j/k: down a screenful and more (loading the next page on the way), back up, down again.
  const moves = [...Array<string>(100).fill('j'), ...Array<string>(50).fill('k'), ...Array<string>(50).fill('j')];
  const jk = await timeKeys(page, 'j/k', moves);
  log(`  j/k: p95 ${jk.latency.p95.toFixed(1)} ms (${jk.unanswered} unanswered)`);
  const done = await timeKeys(page, 'e', Array<string>(200).fill('e'));
  log(`  e: p95 ${done.latency.p95.toFixed(1)} ms (${done.unanswered} unanswered)`);

  const scroll = (await page.evaluate('window.__parvisBench.scrollRows(10000, 5000)')) as { rows: number; method: string; ms: number };
  const afterScrollBytes = await heapBytes(page);
  log(`  heap after scrolling ${scroll.rows} rows: ${(afterScrollBytes / 1e6).toFixed(1)} MB`);
  await context.close();
  return {
    available: true,
    figures: {
      firstPageMs: first,
      firstPageReloads: summarize(reloads),
      keys: [jk, done],
      heap: { initialBytes, afterScrollBytes, rowsScrolled: scroll.rows, countedBy: scroll.method, scrollMs: scroll.ms },
    },
  };
}

/** Starts web mode on the profile and measures the UI; never throws for an unusable UI. */
export async function measureUi(opts: UiOptions): Promise<UiOutcome> {
  if (!existsSync(CHROMIUM_PATH)) return { available: false, reason: `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)` };
  const buildProblem = ensureRendererBuild(opts);
  if (buildProblem) return { available: false, reason: buildProblem };
  let web: WebMode | null = null;
  let browser: Browser | null = null;
  try {
    web = await startWebMode({ dataDir: opts.dataDir, staticDir: join(opts.repoRoot, 'out', 'renderer'), secrets: new MemorySecretStore() });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    return await measureInBrowser(browser, web, opts.log);
  } catch (err) {
    return { available: false, reason: `the UI run failed: ${(err as Error).message.split('\n')[0]}` };
  } finally {
    await browser?.close();
    await web?.close();
  }
}
