/**
 * A morning's triage without the mouse: twenty conversations tagged, assigned, snoozed, marked done
 * or answered from the keyboard alone; then a snoozed conversation comes back by itself.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const list = (page: Page) => page.getByTestId('conversation-list');
const cursorId = async (page: Page) => Number((await list(page).getAttribute('aria-activedescendant'))?.replace('conversation-row-', ''));

test('twenty conversations triaged with the keyboard only: tag, assign, snooze, done, reply', async ({ app: page, parvis }) => {
  test.setTimeout(120_000);
  const me = (await parvis.core.handlers['members.list']({})).find((m) => m.isMe)!;
  await expect(list(page)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('thread')).toBeFocused();

  const done: Record<'tag' | 'assign' | 'snooze' | 'done' | 'reply', number[]> = { tag: [], assign: [], snooze: [], done: [], reply: [] };
  const actions = ['tag', 'assign', 'snooze', 'done', 'reply'] as const;
  let previous = 0;
  for (let i = 0; i < 20; i++) {
    const action = actions[i % actions.length]!;
    // Each action ends on another conversation: wait until the screen shows the move.
    await expect.poll(() => cursorId(page), { message: `conversation ${i + 1} is under the cursor` }).not.toBe(previous);
    const id = await cursorId(page);
    expect(id).toBeGreaterThan(0);
    await expect(page.locator('[data-key-scope="conversation"].stale')).toHaveCount(0);
    previous = id;
    done[action].push(id);
    switch (action) {
      case 'tag':
        await page.keyboard.press('#');
        await expect(page.getByRole('dialog').getByRole('combobox')).toBeFocused();
        await page.keyboard.type('matin');
        await page.keyboard.press('Enter');
        await expect(page.getByRole('dialog')).toHaveCount(0);
        await expect(page.locator('[data-key-scope="conversation"] .tag-chip', { hasText: 'matin' })).toBeVisible();
        await page.keyboard.press('j');
        break;
      case 'assign':
        await page.keyboard.press('a');
        await expect(page.getByRole('dialog').getByRole('combobox')).toBeFocused();
        await page.keyboard.press('Enter');
        await expect(page.getByRole('dialog')).toHaveCount(0);
        await expect(page.locator('[data-key-scope="conversation"] .picker-button')).toContainText(me.name);
        await page.keyboard.press('j');
        break;
      case 'snooze':
        await page.keyboard.press('s');
        await expect(page.getByRole('dialog')).toBeVisible();
        await page.keyboard.press('1');
        await expect(list(page).locator(`[data-conversation-id="${id}"]`)).toHaveCount(0);
        break;
      case 'done':
        await page.keyboard.press('e');
        await expect(list(page).locator(`[data-conversation-id="${id}"]`)).toHaveCount(0);
        break;
      case 'reply':
        await page.keyboard.press('r');
        await expect(page.getByTestId('composer')).toBeFocused();
        await page.keyboard.type(`Merci, nous nous en occupons (${i + 1}).`);
        await page.keyboard.press('Control+Enter');
        await expect(page.getByTestId('composer')).toHaveValue('');
        await page.keyboard.press('Escape');
        await expect(page.getByTestId('thread')).toBeFocused();
        await page.keyboard.press('j');
        break;
    }
    // Focus never gets lost: it is always on the list or the conversation.
    const focus = await page.evaluate('document.activeElement?.closest("[data-key-scope]")?.getAttribute("data-key-scope") ?? null');
    expect(['list', 'conversation'], `focus after ${action} (${i + 1})`).toContain(focus);
  }

  const get = async (id: number) => (await parvis.core.handlers['conversation.get']({ conversationId: id, markRead: false }));
  const matin = (await parvis.core.handlers['tags.list']({})).find((t) => t.name === 'matin')!;
  for (const id of done.tag) expect((await get(id)).conversation.tagIds).toContain(matin.id);
  for (const id of done.assign) expect((await get(id)).conversation.assigneeId).toBe(me.id);
  for (const id of done.snooze) expect((await get(id)).conversation.status).toBe('snoozed');
  for (const id of done.done) expect((await get(id)).conversation.status).toBe('done');
  for (const [n, id] of done.reply.entries()) {
    const last = (await get(id)).messages.at(-1)!;
    expect(last).toMatchObject({ direction: 'out', delivery: 'queued' });
    expect(last.text).toMatch(/^Merci, nous nous en occupons \(\d+\)\.$/);
    void n;
  }
  expect(new Set(Object.values(done).flat()).size, 'twenty different conversations').toBe(20);
});

test('a snoozed conversation comes back to the inbox by itself when its time comes', async ({ app: page, parvis }) => {
  await expect(list(page)).toBeFocused();
  const id = await cursorId(page);
  await page.keyboard.press('s');
  await page.keyboard.press('1');
  const row = list(page).locator(`[data-conversation-id="${id}"]`);
  await expect(row).toHaveCount(0);
  // The picker's shortest choice is an hour away; bring the time closer rather than wait.
  await parvis.core.handlers['conversation.setStatus']({ conversationIds: [id], status: 'snoozed', snoozeUntil: Date.now() + 1500 });
  await expect(row).toHaveCount(1, { timeout: 10_000 });
  expect((await parvis.core.handlers['conversation.get']({ conversationId: id, markRead: false })).conversation).toMatchObject({ status: 'open', snoozeUntil: null, unread: true });
});
