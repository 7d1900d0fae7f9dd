/**
 * The accounts screen: reached from the sync indicator and from a sidebar account; an account is
 * paused and resumed (focus stays on the button), and removed after a confirmation that says its
 * conversations and its keychain entry go with it.
 */
import { expect, test } from './fixtures';

test('an account is paused, resumed, and removed after confirming', async ({ app: page, parvis }) => {
  await expect(page.getByTestId('conversation-list')).toBeFocused();
  await page.getByTestId('sync-indicator').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Comptes' })).toBeFocused();
  const accounts = parvis.core.accounts.list();
  await expect(page.getByTestId('account-card')).toHaveCount(accounts.length);

  const bluesky = accounts.find((a) => a.network === 'bluesky')!;
  const card = page.locator(`[data-testid="account-card"][data-account-id="${bluesky.id}"]`);
  const toggle = card.getByTestId('pause-resume');
  await toggle.click();
  await expect(card.getByTestId('account-state')).toHaveText('En pause');
  await expect(toggle).toHaveText('Reprendre');
  await expect(toggle).toBeFocused();
  // The card changes at once; the core follows when the call lands.
  await expect.poll(() => parvis.core.accounts.list().find((a) => a.id === bluesky.id)?.state).toBe('paused');
  await page.keyboard.press('Enter');
  await expect(card.getByTestId('account-state')).toHaveText('Connecté');
  await expect(toggle).toHaveText('Mettre en pause');
  await expect.poll(() => parvis.core.accounts.list().find((a) => a.id === bluesky.id)?.state).toBe('ok');

  // From the sidebar, straight to an account.
  const youtube = accounts.find((a) => a.network === 'youtube')!;
  const youtubeConversations = (await parvis.core.handlers['inbox.count']({ filters: { all: { accountId: [youtube.id] } } })).all;
  expect(youtubeConversations).toBeGreaterThan(0);
  await page.locator(`nav [data-account-id="${youtube.id}"]`).click();
  const youtubeCard = page.locator(`[data-testid="account-card"][data-account-id="${youtube.id}"]`);
  await expect(youtubeCard).toBeFocused();

  await youtubeCard.getByRole('button', { name: 'Retirer…' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(`Ses ${youtubeConversations} conversations`);
  await expect(dialog).toContainText('trousseau');
  // The safe answer has focus: Escape or Enter keep the account.
  await expect(dialog.getByRole('button', { name: 'Annuler' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(youtubeCard).toHaveCount(1);

  await youtubeCard.getByRole('button', { name: 'Retirer…' }).click();
  await dialog.getByTestId('confirm').click();
  await expect(youtubeCard).toHaveCount(0);
  await expect(page.getByTestId('account-card')).toHaveCount(accounts.length - 1);
  expect(parvis.core.accounts.list().map((a) => a.id)).not.toContain(youtube.id);
  expect((await parvis.core.handlers['inbox.count']({ filters: { all: { accountId: [youtube.id] } } })).all).toBe(0);
  await expect(page.locator(`nav [data-account-id="${youtube.id}"]`)).toHaveCount(0);

  // Escape goes back to the inbox, which no longer shows that account's conversations.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('conversation-list')).toBeFocused();
  await expect(page.getByTestId('conversation-list').locator('.network-glyph', { hasText: 'YT' })).toHaveCount(0);
});
