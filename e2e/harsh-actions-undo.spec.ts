/**
 * Harsh moderation actions are undoable (trust issue 12, item 3), in French and in English, against
 * the local networks through the real connectors:
 * - a ban taken with `b` in the review queue waits a few seconds with "Undo" in its toast; undone
 *   then (by the toast's button, or by z), the YouTube server never sees it and the comment is
 *   back in the queue;
 * - a ban that left can be lifted where the network allows it: on Telegram the unban reaches the
 *   Bot API (`unbanChatMember`), and the author card follows. (YouTube's Data API has no way to
 *   lift a comment ban, so the menu says where to do it instead: see the last test.)
 */
import { expect, type Page } from '@playwright/test';
import { MODERATION_UNDO_WINDOW_MS } from '../shared/model';
import { STATIC_DIR } from './fixtures';
import { chooseInMenu } from './moderation-menu';
import { networkedTest } from './networked-test';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, localEndpoints, startNetworkedWebMode, waitFor } from './networks/fixture';
import { startTelegramServer, type TelegramServer } from './networks/telegram';

const list = (page: Page) => page.getByTestId('conversation-list');

const WORDS = {
  fr: { undo: 'Annuler (z)', banned: 'Auteur banni', undone: 'Annulé : rien n’a été envoyé au réseau', ban: 'Bannir l’auteur', confirmBan: 'Bannir', unban: 'Lever le bannissement', bannedFlag: 'Banni', lifted: 'Bannissement levé' },
  en: { undo: 'Undo (z)', banned: 'Author banned', undone: 'Undone: nothing was sent to the network', ban: 'Ban the author', confirmBan: 'Ban', unban: 'Unban the author', bannedFlag: 'Banned', lifted: 'Author unbanned' },
} as const;
type Language = keyof typeof WORDS;

async function useLanguage(page: Page, core: Parameters<typeof callCore>[0], language: Language): Promise<void> {
  if (language === 'fr') return;
  await callCore(core, 'settings.set', { language });
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', language);
}

for (const language of ['fr', 'en'] as const) {
  const words = WORDS[language];

  for (const how of ['button', 'z'] as const) {
    networkedTest(`${language}: a ban in the review queue undone with ${how === 'button' ? 'the toast’s button' : 'z'} never reaches YouTube`, async ({ app: page, mode, networks }) => {
      const account = await connectAccount(mode.core, { network: 'youtube' });
      await callCore(mode.core, 'accounts.pollNow', { accountId: account.id });
      const channelId = `UCundo${language}${how}`;
      const insult = networks.youtube.control.addThread({ text: `Bande de connards (${language} ${how})`, author: { name: `Rageur ${language} ${how}`, channelId } });
      await callCore(mode.core, 'accounts.pollNow', { accountId: account.id });
      await useLanguage(page, mode.core, language);
      await page.reload();
      // Other tests of this worker may have left held comments on the same server: pick ours.
      const mine = new RegExp(`connards \\(${language} ${how}\\)`);
      await expect(page.locator('[data-view="held"] .count')).toHaveText(/^[1-9]/, { timeout: 20_000 });
      await page.keyboard.press('g');
      await page.keyboard.press('h');
      await list(page).getByRole('option', { name: mine }).click();
      await expect(page.getByTestId('thread')).toContainText(`(${language} ${how})`);
      await page.getByTestId('thread').focus();
      const callsBefore = networks.youtube.control.moderationCalls.length;

      await page.keyboard.press('b');
      // The toast names the author, and offers Undo while the ban waits.
      const toast = page.locator('.toast').filter({ hasText: words.banned });
      await expect(toast).toContainText(`Rageur ${language} ${how}`);
      await expect(list(page).getByRole('option', { name: mine })).toHaveCount(0);
      if (how === 'button') await toast.getByRole('button', { name: words.undo }).click();
      else await page.keyboard.press('z');
      await expect(page.locator('.toast').filter({ hasText: words.undone })).toBeVisible();
      // Back in the review queue, as it was.
      await expect(list(page).getByRole('option', { name: mine })).toBeVisible();

      // Past the moment it would have left: YouTube never heard of it.
      await page.waitForTimeout(MODERATION_UNDO_WINDOW_MS + 2_000);
      expect(networks.youtube.control.moderationCalls.slice(callsBefore).filter((c) => c.ids.includes(insult.id))).toEqual([]);
      expect(networks.youtube.control.bannedAuthors).not.toContain(channelId);
      const detail = await callCore(mode.core, 'conversation.get', { conversationId: Number(await list(page).getByRole('option', { name: mine }).getAttribute('data-conversation-id')), markRead: false });
      expect(detail.messages[0]?.moderation).toBe('held');
      expect(detail.authors.find((a) => a.remoteId === channelId)?.banned).toBe(false);
      const audit = await callCore(mode.core, 'audit.list', { query: `Rageur ${language} ${how}`, limit: 5 });
      expect(audit.items.find((e) => e.action === 'ban-author')?.outcome).toBe('discarded');
    });
  }

  networkedTest(`${language}: YouTube cannot lift a ban through its API, and the menu says where to do it`, async ({ app: page, mode, networks }) => {
    const account = await connectAccount(mode.core, { network: 'youtube' });
    await callCore(mode.core, 'accounts.pollNow', { accountId: account.id });
    const channelId = `UCkept${language}`;
    networks.youtube.control.addThread({ text: `Arnaque totale ${language}`, author: { name: `Arnaqueur ${language}`, channelId } });
    await callCore(mode.core, 'accounts.pollNow', { accountId: account.id });
    await useLanguage(page, mode.core, language);
    const row = list(page).getByRole('option', { name: new RegExp(`Arnaque totale ${language}`) });
    await expect(row).toBeVisible({ timeout: 20_000 });
    await row.click();
    await page.getByTestId('thread').focus();
    await page.keyboard.press('m');
    await chooseInMenu(page, words.ban);
    await waitFor('the ban on YouTube', () => (networks.youtube.control.bannedAuthors.includes(channelId) ? true : null), MODERATION_UNDO_WINDOW_MS + 10_000);
    await expect(page.getByTestId('author-banned')).toHaveText(words.bannedFlag);
    await page.getByTestId('thread').focus();
    await page.keyboard.press('m');
    const unban = page.getByTestId('moderation-menu').getByRole('menuitem', { name: new RegExp(`^${words.unban}`) });
    await expect(unban).toBeDisabled();
    await expect(unban).toContainText('YouTube Studio');
    await page.keyboard.press('Escape');
  });
}

/** The networked fixtures with a local Bot API as Telegram. */
const telegramTest = networkedTest.extend<{ telegram: TelegramServer }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  telegram: async ({}, use) => {
    const server = await startTelegramServer();
    await use(server);
    await server.close();
  },
  mode: async ({ telegram }, use) => {
    const networks = localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9' });
    const mode = await startNetworkedWebMode(
      { endpoints: { ...networks, endpoints: { ...networks.endpoints, telegram: { api: telegram.url } } } },
      { staticDir: STATIC_DIR, syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX, pollIntervalSeconds: 15 },
    );
    await use(mode);
    await mode.close();
  },
});

for (const language of ['fr', 'en'] as const) {
  const words = WORDS[language];
  telegramTest(`${language}: a ban that left is lifted from the message menu, and the unban reaches Telegram`, async ({ app: page, mode, telegram }) => {
    const { control } = telegram;
    const group = control.addChat({ type: 'supergroup', title: 'Atelier Lumen — communauté' });
    const account = await connectAccount(mode.core, { network: 'telegram', fields: { token: control.token } });
    const spammer = control.user({ first_name: 'Promo', username: `promo_${language}` });
    control.post({ chatId: group.id, from: spammer, text: `Achetez des abonnés pas chers (${language})` });
    await callCore(mode.core, 'accounts.pollNow', { accountId: account.id });
    await useLanguage(page, mode.core, language);
    const row = list(page).getByRole('option', { name: /abonnés pas chers/ });
    await expect(row).toBeVisible({ timeout: 20_000 });
    await row.click();
    await page.getByTestId('thread').focus();

    await page.keyboard.press('m');
    await chooseInMenu(page, words.ban);
    // Telegram bans can last a number of days: the dialog asks, and starts at "permanently".
    const dialog = page.getByTestId('ban-dialog');
    await expect(dialog.locator('input[value="permanent"]')).toBeChecked();
    await dialog.getByRole('button', { name: words.confirmBan, exact: true }).click();
    // Held for the undo window, then it leaves.
    await expect(page.locator('.toast').filter({ hasText: words.banned }).getByRole('button', { name: words.undo })).toBeVisible();
    expect(control.chat(group.id)?.banned.has(spammer.id)).toBe(false);
    await waitFor('the ban on Telegram', () => (control.chat(group.id)?.banned.has(spammer.id) ? true : null), MODERATION_UNDO_WINDOW_MS + 10_000);
    expect(control.chat(group.id)?.bannedUntil.get(spammer.id)).toBe(0);
    await expect(page.getByTestId('author-banned')).toHaveText(words.bannedFlag);
    await expect(page.getByTestId('author-unconfirmed')).toHaveCount(0);

    await page.getByTestId('thread').focus();
    await page.keyboard.press('m');
    await chooseInMenu(page, words.unban);
    // A way back is not held: it leaves at once.
    await waitFor('the unban on Telegram', () => (control.chat(group.id)?.banned.has(spammer.id) ? null : true), 10_000);
    const unban = control.calls.filter((c) => c.method === 'unbanChatMember');
    expect(unban).toHaveLength(1);
    expect(unban[0]?.params).toMatchObject({ chat_id: group.id, user_id: spammer.id, only_if_banned: true });
    await expect(page.getByTestId('author-banned')).toHaveCount(0);
    await expect(page.locator('.toast').filter({ hasText: words.lifted })).toBeVisible();
  });
}
