/**
 * Offline is normal: when the network stops answering, Parvis says so, reading and replying keep
 * working, the reply waits as queued, and it goes out by itself when the network is back.
 */
import { expect, test } from '@playwright/test';
import { STATIC_DIR } from './fixtures';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, startNetworkedWebMode, startNetworks, startRelay, waitFor } from './networks/fixture';

test('the app says it is offline, keeps the reply queued, and sends it once the network is back', async ({ page }) => {
  test.setTimeout(90_000);
  const networks = await startNetworks();
  const relay = await startRelay(networks.urls.mastodon);
  const mode = await startNetworkedWebMode(networks, { staticDir: STATIC_DIR, syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX, pollIntervalSeconds: 15 });
  try {
    // The account talks to the Mastodon server through a relay that can go down like a network.
    const account = await connectAccount(mode.core, { network: 'mastodon', fields: { server: relay.url } });
    await callCore(mode.core, 'accounts.pollNow', { accountId: account.id });
    const mention = networks.mastodon.control.addMention({ from: 'camille', text: 'Ma lampe ne s’allume plus' });
    await callCore(mode.core, 'accounts.pollNow', { accountId: account.id });

    await page.goto(mode.url);
    const indicator = page.getByTestId('sync-indicator');
    await expect(indicator).toContainText('En ligne');

    await relay.stop();
    // Polls get no answer: after a few in a row, the core declares the machine offline.
    for (let i = 0; i < 3; i++) await callCore(mode.core, 'accounts.pollNow', { accountId: account.id }).catch(() => undefined);
    await expect(indicator).toContainText('Hors ligne', { timeout: 20_000 });

    // Reading and replying still work: the reply is queued.
    const list = page.getByTestId('conversation-list');
    await list.getByRole('option', { name: /ne s’allume plus/ }).click();
    await page.keyboard.press('r');
    await page.keyboard.type('Nous vous envoyons une ampoule neuve.');
    await page.keyboard.press('Control+Enter');
    await expect(page.getByTestId('thread')).toContainText('Nous vous envoyons une ampoule neuve.');
    expect(networks.mastodon.control.state().posted.filter((s) => s.inReplyToId === mention.statusId)).toHaveLength(0);

    await relay.start();
    await expect(indicator).toContainText('En ligne', { timeout: 30_000 });
    const posted = await waitFor('the queued reply on the server', () => {
      const replies = networks.mastodon.control.state().posted.filter((s) => s.inReplyToId === mention.statusId);
      return replies.length > 0 ? replies : null;
    }, 30_000);
    expect(posted).toHaveLength(1);
  } finally {
    await mode.close();
    await relay.close();
    await networks.stop();
  }
});
