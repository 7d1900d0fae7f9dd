/**
 * Playwright fixtures for specs against the three local networks: the servers (one set per
 * worker), web mode on a fresh profile connected to them, and the page, which fails the test on
 * any console error, page error or dialog.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { STATIC_DIR } from './fixtures';
import { FAST_OUTBOX, FAST_SYNC, startNetworkedWebMode, startNetworks, type LocalNetworks, type NetworkedWebMode } from './networks/fixture';

/** The shortest poll interval the settings allow: a mention must arrive within it. */
export const POLL_INTERVAL_SECONDS = 15;

export const networkedTest = base.extend<{ mode: NetworkedWebMode; app: Page }, { networks: LocalNetworks }>({
  networks: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
    async ({}, use) => {
      const networks = await startNetworks();
      await use(networks);
      await networks.stop();
    },
    { scope: 'worker' },
  ],
  mode: async ({ networks }, use) => {
    const mode = await startNetworkedWebMode(networks, {
      staticDir: STATIC_DIR,
      syncOptions: FAST_SYNC,
      outboxOptions: FAST_OUTBOX,
      pollIntervalSeconds: POLL_INTERVAL_SECONDS,
    });
    await use(mode);
    await mode.close();
  },
  /** The app on the fresh profile; any console or page error, or a dialog, fails the test. */
  app: async ({ page, mode }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
    });
    page.on('dialog', (dialog) => {
      errors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(mode.url);
    await use(page);
    expect(errors, 'no console errors, page errors or dialogs').toEqual([]);
  },
});

/** Opens the connect dialog from the empty inbox (first account) or the accounts screen. */
export async function openConnect(page: Page): Promise<void> {
  const fromEmptyInbox = page.getByTestId('empty-connect');
  if (await fromEmptyInbox.isVisible()) await fromEmptyInbox.click();
  else {
    await page.keyboard.press('g');
    await page.keyboard.press('c');
    await page.getByTestId('connect-account').click();
  }
  await expect(page.getByTestId('connect-dialog')).toBeVisible();
}
