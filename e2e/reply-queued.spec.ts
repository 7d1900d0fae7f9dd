/**
 * Replying: Ctrl+Enter queues the reply in the outbox, shows it in the thread with its delivery
 * state, clears the composer and the saved draft, and the reply is still there after a reload.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const list = (page: Page) => page.getByTestId('conversation-list');

test('Ctrl+Enter queues the reply, shows its delivery state and clears the draft', async ({ app: page, parvis }) => {
  await expect(list(page)).toBeFocused();
  const id = Number(await list(page).getByRole('option').first().getAttribute('data-conversation-id'));
  await page.keyboard.press('r');
  const composer = page.getByTestId('composer');
  await expect(composer).toBeFocused();
  const text = 'Merci, un conseiller vous répond dans la journée.';
  await page.keyboard.type(text);
  await expect(page.getByText('Brouillon enregistré')).toBeVisible();
  await page.keyboard.press('Control+Enter');

  const sent = page.getByTestId('thread').getByRole('article').filter({ hasText: text });
  await expect(sent).toBeVisible();
  await expect(sent.locator('.delivery')).toHaveText(/En file d’attente|Envoi…|Envoyée/);
  await expect(composer).toHaveValue('');
  await expect(composer).toBeFocused();

  const stored = await parvis.core.handlers['conversation.get']({ conversationId: id, markRead: false });
  expect(stored.messages.filter((m) => m.direction === 'out' && m.text === text)).toHaveLength(1);
  await expect.poll(() => parvis.core.handlers['draft.get']({ conversationId: id })).toBeNull();

  await page.reload();
  await expect(list(page)).toBeFocused();
  await list(page).locator(`[data-conversation-id="${id}"]`).click();
  await expect(page.getByTestId('thread').getByRole('article').filter({ hasText: text })).toHaveCount(1);
  await expect(page.getByTestId('composer')).toHaveValue('');
});

test('the counter follows the network limit and blocks a reply that is too long', async ({ app: page }) => {
  await expect(list(page)).toBeFocused();
  await page.keyboard.press('r');
  const composer = page.getByTestId('composer');
  await expect(composer).toBeFocused();
  const network = await page.locator('.conversation-pane .header .network-glyph').getAttribute('aria-label');
  const limit = network === 'Bluesky' ? 300 : network === 'Mastodon' ? 500 : network === 'YouTube' ? 10_000 : 1000;
  await composer.fill('x'.repeat(limit + 1));
  await expect(page.locator('#reply-counter')).toHaveClass(/over/);
  await expect(page.getByRole('button', { name: /Envoyer/ })).toBeDisabled();
  await composer.fill('x'.repeat(limit));
  await expect(page.locator('#reply-counter')).not.toHaveClass(/over/);
  await expect(page.getByRole('button', { name: /Envoyer/ })).toBeEnabled();
});
