/**
 * The sidebar counts what is unread (its tooltip gives the total too), and the tab's title follows
 * the inbox's unread count at once after a change, without waiting for a notification (issue 12,
 * item 8). Both counts come from the core.
 */
import { expect, test } from './fixtures';

test('opening an unread conversation lowers the sidebar count and the title at once', async ({ app: page, parvis }) => {
  const list = page.getByTestId('conversation-list');
  await expect(list).toBeFocused();
  // The demo keeps receiving messages: compare with what the core counts at the moment.
  const counts = () => parvis.core.handlers['inbox.viewCounts']({ filters: { inbox: { status: ['open'], held: false } } });
  const screen = async () => ({ title: await page.title(), inbox: (await page.locator('[data-view="inbox"] .count').textContent())?.trim() });
  const expected = async () => {
    const c = await counts();
    return { title: c.unreadConversations > 0 ? `(${c.unreadConversations}) Parvis` : 'Parvis', inbox: String(c.views.inbox!.unread) };
  };
  await expect.poll(async () => JSON.stringify(await screen()) === JSON.stringify(await expected())).toBe(true);
  const before = await counts();
  expect(before.unreadConversations).toBeGreaterThan(1);

  // The tooltip gives both numbers; the count shows the unread ones, fewer than the total here.
  const inboxCount = page.locator('[data-view="inbox"] .count');
  await expect(inboxCount).toHaveAttribute('title', /^Non lues\s:\s\d+ sur \d+$/);
  const [, unread, total] = /(\d+) sur (\d+)$/.exec((await inboxCount.getAttribute('title'))!)!.map(Number) as [number, number, number];
  expect(unread).toBeLessThan(total);

  // Open an unread row: it is read now, and both counts follow with no notification.
  const firstUnread = (await parvis.core.handlers['inbox.list']({ filter: { status: ['open'], unread: true, held: false }, limit: 1 })).items[0]!;
  await list.locator(`[data-conversation-id="${firstUnread.id}"]`).click();
  await expect(page.getByTestId('thread')).toBeVisible();
  await expect.poll(async () => (await parvis.core.handlers['inbox.summaries']({ conversationIds: [firstUnread.id] }))[0]?.unread).toBe(false);
  await expect.poll(async () => JSON.stringify(await screen()) === JSON.stringify(await expected())).toBe(true);
});
