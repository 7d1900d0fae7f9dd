/**
 * Telegram through the UI (web mode) against the local Bot API: the bot is connected in the
 * dialog with its token, a message posted in its group reaches the inbox, the answer written in
 * Parvis reaches the group as a reply to that message.
 */
import { expect } from '@playwright/test';
import { STATIC_DIR } from './fixtures';
import { networkedTest } from './networked-test';
import { FAST_OUTBOX, FAST_SYNC, localEndpoints, startNetworkedWebMode, waitFor } from './networks/fixture';
import { startTelegramServer, type TelegramServer } from './networks/telegram';

/** The networked fixtures (the page fails on any console error or dialog), with the Bot API as the local network. */
const test = networkedTest.extend<{ telegram: TelegramServer }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  telegram: async ({}, use) => {
    const server = await startTelegramServer();
    await use(server);
    await server.close();
  },
  mode: async ({ telegram }, use) => {
    // Only the Bot API is local here; the other networks are never reached in this spec.
    const networks = localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9' });
    const mode = await startNetworkedWebMode(
      { endpoints: { ...networks, endpoints: { ...networks.endpoints, telegram: { api: telegram.url } } } },
      { staticDir: STATIC_DIR, syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX, pollIntervalSeconds: 15 },
    );
    await use(mode);
    await mode.close();
  },
});

test('a Telegram bot connected with its token brings a group message, and the answer is a reply to it in the group', async ({ app: page, telegram }) => {
  const { control } = telegram;
  const group = control.addChat({ title: 'Atelier Lumen — communauté', username: 'atelierlumen' });

  await page.getByTestId('empty-connect').click();
  await page.locator('[data-network="telegram"]').click();
  const dialog = page.getByTestId('connect-dialog');
  await expect(dialog.getByRole('heading', { name: 'Connecter un bot Telegram' })).toBeVisible();
  // A wrong token is refused in Telegram's terms, not a password's.
  await page.getByLabel('Jeton du bot').fill('123456789:AAFwrongwrongwrongwrongwrongwrong');
  await page.getByRole('button', { name: 'Connecter', exact: true }).click();
  await expect(dialog).toContainText('Telegram ne connaît pas ce jeton');
  await page.getByLabel('Jeton du bot').fill(control.token);
  await page.getByRole('button', { name: 'Connecter', exact: true }).click();
  await expect(dialog.getByRole('status')).toContainText(/est connecté/);
  await dialog.getByRole('button', { name: 'Terminé' }).click();
  await expect(page.getByTestId('connect-dialog')).toHaveCount(0);

  const camille = control.user({ first_name: 'Camille', username: 'camille_roux' });
  const text = 'Bonjour, ma lampe Dune clignote depuis hier, que faire ?';
  const question = control.post({ chatId: group.id, from: camille, text });
  await page.keyboard.press('g');
  await page.keyboard.press('c');
  await page.getByTestId('account-card').first().getByRole('button', { name: 'Vérifier maintenant' }).click();
  await page.keyboard.press('Escape');
  const row = page.getByTestId('conversation-list').getByRole('option', { name: /ma lampe Dune clignote/ });
  await expect(row).toBeVisible();

  await row.click();
  await page.keyboard.press('r');
  await expect(page.getByTestId('composer')).toBeFocused();
  const answer = 'Bonjour Camille, débranchez-la dix secondes puis rebranchez-la.';
  await page.keyboard.type(answer);
  await page.keyboard.press('Control+Enter');
  await expect(page.locator('[data-key-scope="conversation"]').getByText(answer)).toBeVisible();
  const sent = await waitFor('the answer in the group', () => control.sent.find((s) => s.text === answer), 10_000);
  expect(sent).toMatchObject({ chatId: group.id, replyToMessageId: question.message_id });
});
