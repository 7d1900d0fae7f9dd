/**
 * "Followed views" (issue 12, item 8): the settings say which saved views notify, and the notifier
 * follows them: a new message in a followed view shows a notification, one in a view that is not
 * followed does not.
 */
import type { NormalizedItem } from '../electron/core/connectors/types';
import { expect, test, type ParvisFixture } from './fixtures';

/** A comment arriving on the demo's Mastodon account, and what the sync tells the windows after it. */
function receive(parvis: ParvisFixture, remoteId: string, text: string, author: string): void {
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
  parvis.core.emit('inbox.changed', { conversationIds: result.conversationIds, reason: 'ingest' });
  for (const n of parvis.core.notifier.forNewMessages(result.newMessageIds)) parvis.core.emit('notify', n);
}

test('a saved view followed in the settings notifies of its new messages; an unfollowed one does not', async ({ app: page, parvis }) => {
  const view = parvis.core.workspace.views.create('Mastodon seul', { network: ['mastodon'], status: ['open', 'pending'] });
  await page.reload();
  await expect(page.getByTestId('conversation-list')).toBeFocused();

  // Not followed yet: nothing to tell.
  receive(parvis, 'followed-1', 'Première question sur la livraison', 'Avant');
  await expect(page.locator('[data-conversation-id]').filter({ hasText: 'Première question sur la livraison' })).toHaveCount(1);
  await expect(page.locator('.toast', { hasText: 'Première question' })).toHaveCount(0);

  await page.keyboard.press('Control+,');
  const followed = page.getByTestId('followed-views');
  await expect(followed).toHaveAccessibleName('Vues enregistrées qui notifient');
  const box = followed.getByLabel('Mastodon seul');
  await expect(box).not.toBeChecked();
  await box.check();
  await expect.poll(async () => (await parvis.core.handlers['settings.get']({})).followedViewIds).toEqual([view.id]);
  await page.keyboard.press('Escape');

  receive(parvis, 'followed-2', 'Seconde question sur la livraison', 'Après');
  await expect(page.locator('.toast', { hasText: 'Seconde question sur la livraison' })).toContainText('Après');

  // Unfollowed again: silent again.
  await page.keyboard.press('Control+,');
  await page.getByTestId('followed-views').getByLabel('Mastodon seul').uncheck();
  await expect.poll(async () => (await parvis.core.handlers['settings.get']({})).followedViewIds).toEqual([]);
  await page.keyboard.press('Escape');
  receive(parvis, 'followed-3', 'Troisième question sur la livraison', 'Encore');
  await expect(page.locator('[data-conversation-id]').filter({ hasText: 'Troisième question sur la livraison' })).toHaveCount(1);
  await expect(page.locator('.toast', { hasText: 'Troisième question' })).toHaveCount(0);
});
