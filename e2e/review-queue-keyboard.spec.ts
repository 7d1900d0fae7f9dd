/**
 * The review queue by keyboard: an insulting message arriving through the core is held (never in
 * the inbox), shows in "Held for review" with the rule's name and the word marked in its text; `a`
 * approves it back into the inbox and focus moves on to the next held item; `h` hides the next.
 */
import type { Page } from '@playwright/test';
import type { NormalizedItem } from '../electron/core/connectors/types';
import { expect, test, type ParvisFixture } from './fixtures';

const list = (page: Page) => page.getByTestId('conversation-list');

/** A community comment arriving on the demo's Mastodon account, as a poll would bring it. */
function receive(parvis: ParvisFixture, remoteId: string, text: string, author: string): number {
  const account = parvis.core.accounts.list().find((a) => a.network === 'mastodon')!;
  const item: NormalizedItem = {
    remoteId,
    threadRemoteId: `thread-${remoteId}`,
    kind: 'mention',
    direction: 'in',
    author: { remoteId: `author-${author}`, handle: `@${author}@exemple.social`, name: author },
    text,
    createdAt: parvis.core.now(),
  };
  const result = parvis.core.ingest(account.id, { items: [item], cursor: null });
  // What the sync scheduler tells the windows after a page is written.
  parvis.core.emit('inbox.changed', { conversationIds: result.conversationIds, reason: 'ingest' });
  return result.conversationIds[0]!;
}

test('an insult is held for review, shown with its word marked, and approved back to the inbox with "a"', async ({ app: page, parvis }) => {
  await expect(list(page)).toBeFocused();
  const first = receive(parvis, 'insult-1', 'Votre service est nul, bande de connards !', 'Rageur');
  const second = receive(parvis, 'insult-2', 'Vous êtes vraiment des abrutis finis.', 'Grincheux');

  // Held: counted in the queue, never in the inbox.
  await expect(page.locator('[data-view="held"] .count')).toHaveText('2');
  await expect(list(page).locator(`[data-conversation-id="${first}"]`)).toHaveCount(0);

  await page.keyboard.press('g');
  await page.keyboard.press('h');
  await expect(page.locator('[data-view="held"]')).toHaveAttribute('aria-current', 'page');
  await expect(list(page)).toBeFocused();
  // The newest held item is under the cursor and shown at once, like a reading pane.
  await expect(list(page)).toHaveAttribute('aria-activedescendant', `conversation-row-${second}`);
  await page.keyboard.press('j');
  await expect(list(page)).toHaveAttribute('aria-activedescendant', `conversation-row-${first}`);
  const pane = page.locator('[data-key-scope="conversation"]');
  // The shipped rule's name comes from the catalogue: French reads "Nétiquette".
  await expect(pane.getByTestId('review-bar')).toContainText('Nétiquette');
  await expect(pane.getByTestId('flag-notice')).toContainText('Nétiquette');
  await expect(pane.locator('mark.flag-hit')).toHaveText('connards');

  // "a" approves: back in the inbox, and focus moves on to the next held item.
  await page.keyboard.press('a');
  await expect(list(page).locator(`[data-conversation-id="${first}"]`)).toHaveCount(0);
  await expect(list(page)).toBeFocused();
  await expect(list(page)).toHaveAttribute('aria-activedescendant', `conversation-row-${second}`);
  await expect(pane.locator('mark.flag-hit')).toHaveText('abrutis');
  const approved = await parvis.core.handlers['conversation.get']({ conversationId: first, markRead: false });
  expect(approved.conversation.held).toBe(false);
  expect(approved.messages[0]?.moderation).toBe('visible');

  // "h" hides the next one: the queue is empty.
  await page.keyboard.press('h');
  await expect(page.getByTestId('empty-state')).toBeVisible();
  const hidden = await parvis.core.handlers['conversation.get']({ conversationId: second, markRead: false });
  expect(hidden.messages[0]?.moderation).toBe('hidden');

  await page.keyboard.press('g');
  await page.keyboard.press('i');
  await expect(list(page).locator(`[data-conversation-id="${first}"]`)).toHaveCount(1);
  await expect(list(page).locator(`[data-conversation-id="${second}"]`)).toHaveCount(1);
  const audit = await parvis.core.handlers['audit.list']({ limit: 10 });
  expect(audit.items.slice(0, 2).map((e) => [e.action, e.origin])).toEqual([
    ['hide', 'manual'],
    ['approve', 'manual'],
  ]);
});

test('the message menu takes a moderation action from the keyboard and gives focus back', async ({ app: page, parvis }) => {
  await expect(list(page)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('thread')).toBeFocused();
  const opened = Number((await list(page).getAttribute('aria-activedescendant'))?.replace('conversation-row-', ''));

  await page.keyboard.press('m');
  const menu = page.getByTestId('moderation-menu');
  await expect(menu).toBeVisible();
  await expect(menu.getByRole('menuitem').first()).toBeFocused();
  // Incoming messages cannot be deleted as one's own: not in the menu; muting is.
  await expect(menu.getByRole('menuitem', { name: 'Supprimer mon message' })).toHaveCount(0);
  // Down past hold, hide, remove, spam, closing to comments and block, to mute.
  const mute = menu.getByRole('menuitem', { name: 'Mettre l’auteur en sourdine' });
  for (let i = 0; i < 12 && !(await mute.evaluate((el) => el === el.ownerDocument.activeElement)); i += 1) await page.keyboard.press('ArrowDown');
  await expect(mute).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(menu).toHaveCount(0);
  await expect(page.getByTestId('thread')).toBeFocused();
  await expect(page.getByText('Auteur mis en sourdine')).toBeVisible();
  const detail = await parvis.core.handlers['conversation.get']({ conversationId: opened, markRead: false });
  expect(detail.authors.filter((a) => a.muted).map((a) => a.id)).toEqual([detail.conversation.author?.id]);
});
