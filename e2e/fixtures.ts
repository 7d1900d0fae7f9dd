/**
 * Playwright fixture: a fresh core on a temporary profile with the demo workspace, served in web
 * mode exactly as `npm run demo` does, and the page opened on it. The page fails the test on any
 * uncaught error, console error or CSP violation.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebMode, type WebMode } from '../electron/web/start';
import type { Core } from '../electron/core/app';
import { seedDemoWorkspace } from './demo/seeded-workspace';

/** The instant demo's sample workspace, as `npm run demo -- --demo=seeded` fills it. */
const seed = (core: Core) => seedDemoWorkspace(core, { now: core.now() });

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const STATIC_DIR = join(repo, 'out', 'renderer');

export interface ParvisFixture extends WebMode {
  dataDir: string;
  /** Stops the server and starts it again on the same profile (a restart of the app). */
  restart(): Promise<void>;
}

export interface PageProblems {
  errors: string[];
}

export const test = base.extend<{ parvis: ParvisFixture; problems: PageProblems; app: Page }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  parvis: async ({}, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parvis-e2e-'));
    let mode = await startWebMode({ dataDir, staticDir: STATIC_DIR, demo: true, seed });
    const fixture: ParvisFixture = Object.assign(Object.create(null) as object, {
      get url() { return mode.url; },
      get port() { return mode.port; },
      get token() { return mode.token; },
      get core() { return mode.core; },
      dataDir,
      close: () => mode.close(),
      async restart() {
        const { port, token } = mode;
        await mode.close();
        mode = await startWebMode({ dataDir, staticDir: STATIC_DIR, demo: true, seed, port, token });
      },
    }) as ParvisFixture;
    await use(fixture);
    await mode.close();
    rmSync(dataDir, { recursive: true, force: true });
  },
  problems: async ({ page }, use) => {
    const problems: PageProblems = { errors: [] };
    page.on('pageerror', (err) => problems.errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.errors.push(`console: ${msg.text()}`);
    });
    page.on('dialog', (dialog) => {
      problems.errors.push(`dialog: ${dialog.type()} ${dialog.message()}`);
      void dialog.dismiss();
    });
    await use(problems);
  },
  /** The page, opened on the demo inbox. */
  app: async ({ page, parvis, problems }, use) => {
    // CSP violations caught by a library's own try/catch never reach the console: listen for them.
    await page.addInitScript({
      content: `window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
    });
    await page.goto(parvis.url);
    await use(page);
    const violations = page.isClosed() ? [] : ((await page.evaluate('window.__cspViolations ?? []').catch(() => [])) as string[]);
    expect([...problems.errors, ...violations.map((v) => `csp: ${v}`)], 'no console errors, page errors, dialogs or CSP violations').toEqual([]);
  },
});

export { expect };
