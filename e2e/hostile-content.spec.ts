/**
 * Hostile content never runs and never breaks the screen: 300+ hostile strings arrive through the
 * local Mastodon server (as post text, and as raw HTML from a remote server that does not sanitize),
 * and the test walks through every one of them in the UI while it listens for dialogs, console
 * errors, CSP violations and any call of the `__pwned()` canary.
 */
import { expect, test } from '@playwright/test';
import { HOSTILE_CORPUS } from './hostile/corpus';
import { STATIC_DIR } from './fixtures';
import { callCore, connectAccount, startNetworkedWebMode, startNetworks, waitFor, type LocalNetworks, type NetworkedWebMode } from './networks/fixture';

let networks: LocalNetworks;
let mode: NetworkedWebMode;

test.beforeAll(async () => {
  networks = await startNetworks();
  mode = await startNetworkedWebMode(networks, { staticDir: STATIC_DIR, pollIntervalSeconds: 15 });
  const account = await connectAccount(mode.core, { network: 'mastodon', fields: { server: networks.urls.mastodon } });
  // The first poll reads recent history only; what arrives after it is all read, page by page.
  await callCore(mode.core, 'accounts.pollNow', { accountId: account.id });
  for (const item of HOSTILE_CORPUS) {
    const text = `[${item.id}] ${item.payload}`;
    networks.mastodon.control.addMention(
      item.kind === 'text' ? { from: 'mallory', text } : { from: 'mallory', text: `[${item.id}]`, html: `<p>@parvis [${item.id}] ${item.payload}</p>` },
    );
  }
  await callCore(mode.core, 'accounts.pollNow', { accountId: account.id });
  await waitFor(
    'every hostile item ingested',
    async () => (await callCore(mode.core, 'inbox.count', { filters: { all: {} } })).all! >= HOSTILE_CORPUS.length,
    30_000,
  );
});

test.afterAll(async () => {
  await mode?.close();
  await networks?.stop();
});

test(`${HOSTILE_CORPUS.length} hostile strings are shown as harmless, readable text`, async ({ page }) => {
  test.setTimeout(240_000);
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('popup', (popup) => problems.push(`popup: ${popup.url()}`));
  // Written as page source: this file is type-checked for Node, without the DOM's types.
  await page.addInitScript({
    content: `
      window.__pwnedCount = 0;
      window.__pwned = () => { window.__pwnedCount += 1; };
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
    `,
  });
  await page.goto(mode.url);
  const list = page.getByTestId('conversation-list');
  await expect(list.getByRole('option').first()).toBeVisible();

  // Newest first: the last item posted is at the top. Open it, then walk down with j.
  await list.getByRole('option').first().click();
  await page.keyboard.press('Enter');
  const thread = page.getByTestId('thread');
  const expected = [...HOSTILE_CORPUS].reverse();
  for (const [index, item] of expected.entries()) {
    if (index > 0) await page.keyboard.press('j');
    await expect(thread, `${item.id} (${item.kind}) is shown`).toContainText(`[${item.id}]`);
    if (item.kind === 'text' && /^[\x20-\x7e]{12}/.test(item.payload)) {
      // Text must show literally, tags and all: nothing interpreted.
      await expect(thread).toContainText(item.payload.slice(0, 12));
    }
  }

  const page2 = (await page.evaluate(`({
    pwned: window.__pwnedCount,
    violations: window.__violations,
    url: location.href,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  })`)) as { pwned: number; violations: string[]; url: string; overflow: number };
  expect(page2.pwned, 'no payload ran').toBe(0);
  expect(page2.violations, 'no CSP violation').toEqual([]);
  expect(page2.url, 'the page did not navigate').toBe(mode.url);
  expect(page2.overflow, 'long words do not widen the page').toBeLessThanOrEqual(0);
  expect(problems).toEqual([]);
});
