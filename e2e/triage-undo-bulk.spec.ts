/**
 * Keyboard triage beyond one conversation: "done" lands focus on the next row, z undoes the last
 * action (status and tags), x and Shift+J build a selection that # tags at once, s snoozes.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const list = (page: Page) => page.getByTestId('conversation-list');
const rows = (page: Page) => list(page).getByRole('option');
const idOf = async (page: Page, index: number) => Number(await rows(page).nth(index).getAttribute('data-conversation-id'));
const row = (page: Page, id: number) => list(page).locator(`[data-conversation-id="${id}"]`);
/** A tag on a row: its chip, or its name in the "+n" of tags beyond the first two. */
const tagOnRow = (page: Page, id: number, name: string) => row(page, id).locator(`.tag-chip:has-text("${name}"), .more-tags[title*="${name}"]`);

test('done lands on the next row, and z brings the conversation back', async ({ app: page, parvis }) => {
  await expect(list(page)).toBeFocused();
  const first = await idOf(page, 0);
  const second = await idOf(page, 1);
  await page.keyboard.press('e');
  await expect(row(page, first)).toHaveCount(0);
  await expect(list(page)).toBeFocused();
  await expect(list(page)).toHaveAttribute('aria-activedescendant', `conversation-row-${second}`);
  await expect(page.getByRole('status').filter({ hasText: 'Marquée comme traitée' })).toBeVisible();
  await expect.poll(async () => (await parvis.core.handlers['conversation.get']({ conversationId: first, markRead: false })).conversation.status).toBe('done');

  await page.keyboard.press('z');
  await expect(row(page, first)).toHaveCount(1);
  await expect(rows(page).first()).toHaveAttribute('data-conversation-id', String(first));
  await expect.poll(async () => (await parvis.core.handlers['conversation.get']({ conversationId: first, markRead: false })).conversation.status).toBe('open');
});

test('x and Shift+J select three rows that # tags at once; z removes the tag again', async ({ app: page, parvis }) => {
  await expect(list(page)).toBeFocused();
  const ids = [await idOf(page, 0), await idOf(page, 1), await idOf(page, 2)];
  await page.keyboard.press('x');
  await page.keyboard.press('Shift+J');
  await page.keyboard.press('Shift+J');
  await expect(list(page).locator('[role="option"][aria-selected="true"]')).toHaveCount(3);
  await expect(page.getByRole('toolbar', { name: 'Actions sur la sélection' })).toContainText('3 sélectionnées');

  await page.keyboard.press('#');
  await expect(page.getByRole('dialog', { name: 'Étiqueter 3 conversations' })).toBeVisible();
  await page.keyboard.type('Lot e2e');
  await page.keyboard.press('Enter');
  for (const id of ids) await expect(tagOnRow(page, id, 'Lot e2e')).toBeVisible();
  await expect.poll(async () => (await parvis.core.handlers['tags.list']({})).some((t) => t.name === 'Lot e2e')).toBe(true);
  const tag = (await parvis.core.handlers['tags.list']({})).find((t) => t.name === 'Lot e2e');
  for (const id of ids) {
    await expect.poll(async () => (await parvis.core.handlers['conversation.get']({ conversationId: id, markRead: false })).conversation.tagIds).toContain(tag?.id);
  }

  await page.keyboard.press('z');
  for (const id of ids) await expect(tagOnRow(page, id, 'Lot e2e')).toHaveCount(0);
  for (const id of ids) {
    await expect
      .poll(async () => (await parvis.core.handlers['conversation.get']({ conversationId: id, markRead: false })).conversation.tagIds)
      .not.toContain(tag?.id);
  }
});

test('s then 2 snoozes for three hours, and the Snoozed count follows', async ({ app: page, parvis }) => {
  await expect(list(page)).toBeFocused();
  const snoozedCount = page.locator('[data-view="snoozed"] .count');
  await expect(snoozedCount).not.toHaveText('');
  const before = Number((await snoozedCount.textContent())?.trim());
  const id = await idOf(page, 0);
  const start = Date.now();
  await page.keyboard.press('s');
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('2');
  await expect(row(page, id)).toHaveCount(0);
  await expect(snoozedCount).toHaveText(String(before + 1));
  const stored = (await parvis.core.handlers['conversation.get']({ conversationId: id, markRead: false })).conversation;
  expect(stored.status).toBe('snoozed');
  const threeHours = 3 * 60 * 60 * 1000;
  expect(stored.snoozeUntil).toBeGreaterThanOrEqual(start + threeHours);
  expect(stored.snoozeUntil).toBeLessThanOrEqual(Date.now() + threeHours);
});
