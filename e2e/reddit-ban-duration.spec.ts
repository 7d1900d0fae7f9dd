/**
 * A ban on Reddit for a number of days, from the UI (web mode) against the local Reddit API: the
 * ban dialog asks how long and why, refuses a length Reddit would refuse (over 999 days), passes
 * axe, and the ban reaches Reddit after its undo window with `duration=7` and the reason.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect } from '@playwright/test';
import { MODERATION_UNDO_WINDOW_MS } from '../shared/model';
import { STATIC_DIR } from './fixtures';
import { chooseInMenu } from './moderation-menu';
import { networkedTest } from './networked-test';
import { FAST_OUTBOX, FAST_SYNC, LOCAL_REDDIT_CLIENT, callCore, connectAccount, localEndpoints, startNetworkedWebMode, waitFor } from './networks/fixture';
import { startRedditServer, type RedditServer } from './networks/reddit';

/**
 * The networked fixtures with a Reddit server of this test's own: the worker's is shared, and the
 * modqueue item left here (banned, not removed) must not show in another spec's review queue.
 */
const test = networkedTest.extend<{ reddit: RedditServer }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  reddit: async ({}, use) => {
    const server = await startRedditServer({ clientId: LOCAL_REDDIT_CLIENT.clientId });
    await use(server);
    await server.close();
  },
  mode: async ({ reddit }, use) => {
    const mode = await startNetworkedWebMode({ endpoints: localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9', reddit: reddit.url }) }, {
      staticDir: STATIC_DIR,
      syncOptions: FAST_SYNC,
      outboxOptions: FAST_OUTBOX,
      pollIntervalSeconds: 15,
    });
    await use(mode);
    await mode.close();
  },
});


test('a Reddit ban for 7 days chosen in the ban dialog reaches Reddit with duration 7 and its reason', async ({ app: page, mode, reddit }) => {
  const { control } = reddit;
  control.subreddit('LumenBan', { moderated: true });
  const account = await connectAccount(mode.core, { network: 'reddit', fields: { subreddits: 'r/LumenBan' } });
  const post = control.post({ subreddit: 'LumenBan', author: 'camille_rx', title: 'Ma lampe Dune clignote' });
  const rude = control.comment({ parent: post.name, author: 'troll_semaine', text: 'Marque de voleurs, fuyez tous' });
  control.report(rude.name, 'Harcèlement');
  await callCore(mode.core, 'accounts.pollNow', { accountId: account.id });
  await expect(page.locator('[data-view="held"] .count')).toHaveText(/^[1-9]/, { timeout: 20_000 });

  await page.keyboard.press('g');
  await page.keyboard.press('h');
  const thread = page.getByTestId('thread');
  await expect(thread).toContainText('Marque de voleurs, fuyez tous');
  await thread.focus();
  await page.keyboard.press('m');
  await chooseInMenu(page, 'Bannir l’auteur');

  const dialog = page.getByTestId('ban-dialog');
  await expect(dialog.getByRole('heading', { name: 'Bannir l’auteur sur Reddit' })).toBeVisible();
  // Reddit's bans are permanent unless a length is given: the dialog starts there.
  await expect(dialog.getByLabel('Définitivement')).toBeChecked();
  const ban = dialog.getByRole('button', { name: 'Bannir', exact: true });
  // Reddit takes 1 to 999 days: a longer ban cannot be sent.
  await dialog.getByLabel('Une autre durée').check();
  await dialog.getByLabel('Jours, de 1 à 999').fill('1000');
  await expect(ban).toBeDisabled();
  const scan = await new AxeBuilder({ page }).include('[data-testid="ban-dialog"]').analyze();
  expect(scan.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  await dialog.getByLabel('7 jours').check();
  await dialog.getByLabel(/^Motif/).fill('Insultes répétées');
  await ban.click();
  await expect(dialog).toHaveCount(0);

  // Held for its undo window, then it leaves with its length.
  await expect(page.locator('.toast').filter({ hasText: 'Auteur banni' })).toBeVisible();
  expect(control.bans.find((b) => b.name === 'troll_semaine')).toBeUndefined();
  const sent = await waitFor('the ban on Reddit', () => control.bans.find((b) => b.name === 'troll_semaine'), MODERATION_UNDO_WINDOW_MS + 10_000);
  expect(sent).toEqual({ subreddit: 'LumenBan', name: 'troll_semaine', reason: 'Insultes répétées', duration: 7 });
});
