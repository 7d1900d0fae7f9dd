/**
 * Every triage key acts on the conversation the user sees (trust issue 12, item 2). After `u` the
 * list has focus while the pane beside it still shows a conversation; j/k then move the list's
 * cursor, and the pane follows it, so the highlighted row and the open conversation are the same.
 * `s`, `e`, `#` and `a` then act on that conversation, never on the one shown before, and the
 * toast names it (author and excerpt). Run in French and in English, each key several times in a
 * row, as the disagreement depended on what had been opened before.
 */
import type { Page } from '@playwright/test';
import type { ConversationSummary } from '../shared/model';
import { expect, test, type ParvisFixture } from './fixtures';

const list = (page: Page) => page.getByTestId('conversation-list');
const pane = (page: Page) => page.locator('section.conversation-pane');
const cursorId = async (page: Page) => Number((await list(page).getAttribute('aria-activedescendant'))?.replace('conversation-row-', ''));
const summary = async (parvis: ParvisFixture, id: number): Promise<ConversationSummary> =>
  (await parvis.core.handlers['conversation.get']({ conversationId: id, markRead: false })).conversation;

/** Enters a conversation from the list, goes back with `u`, then moves with j (or k); returns [shown before, target]. */
async function backAndMove(page: Page, key: 'j' | 'k'): Promise<[number, number]> {
  await expect(list(page)).toBeFocused();
  if (key === 'k') await page.keyboard.press('j');
  const before = await cursorId(page);
  await page.keyboard.press('Enter');
  await expect(pane(page)).toHaveAttribute('data-conversation-id', String(before));
  await expect(page.locator('[data-testid="thread"]')).toBeVisible();
  await page.keyboard.press('u');
  await expect(list(page)).toBeFocused();
  await page.keyboard.press(key);
  const target = await cursorId(page);
  expect(target).not.toBe(before);
  // The pane shows the row under the cursor (the row is highlighted as the open one too).
  await expect(pane(page)).toHaveAttribute('data-conversation-id', String(target));
  await expect(pane(page)).not.toHaveClass(/stale/);
  await expect(list(page).locator(`#conversation-row-${target}`)).toHaveAttribute('aria-current', 'true');
  return [before, target];
}

/** The toast that names the conversation: its author, and the start of its text. */
async function expectToastNames(page: Page, parvis: ParvisFixture, id: number, prefix: string): Promise<void> {
  const row = await summary(parvis, id);
  const toast = page.getByRole('status').locator('.toast').filter({ hasText: prefix }).last();
  await expect(toast).toBeVisible();
  await expect(toast).toContainText(row.author?.name ?? '?');
  await expect(toast).toContainText(row.snippet.replace(/\s+/g, ' ').trim().slice(0, 20));
}

const WORDS = {
  fr: { done: 'Marquée comme traitée', snoozed: 'Reportée', tagged: 'Étiquetée', assigned: 'Assignée', undo: 'Annuler (z)' },
  en: { done: 'Marked done', snoozed: 'Snoozed', tagged: 'Tagged', assigned: 'Assigned', undo: 'Undo (z)' },
} as const;

for (const language of ['fr', 'en'] as const) {
  test.describe(`in ${language === 'fr' ? 'French' : 'English'}`, () => {
    const words = WORDS[language];
    test.beforeEach(async ({ app: page, parvis }) => {
      if (language === 'en') {
        await parvis.core.handlers['settings.set']({ language: 'en' });
        await page.reload();
      }
      await expect(list(page)).toBeFocused();
    });

    test('e after u and j/k marks done the conversation shown, five times', async ({ app: page, parvis }) => {
      for (let i = 0; i < 5; i++) {
        const [before, target] = await backAndMove(page, i % 2 === 0 ? 'j' : 'k');
        await page.keyboard.press('e');
        await expect.poll(async () => (await summary(parvis, target)).status).toBe('done');
        expect((await summary(parvis, before)).status).not.toBe('done');
        await expectToastNames(page, parvis, target, words.done);
      }
    });

    test('s after u and j/k snoozes the conversation shown, five times', async ({ app: page, parvis }) => {
      for (let i = 0; i < 5; i++) {
        const [before, target] = await backAndMove(page, i % 2 === 0 ? 'j' : 'k');
        await page.keyboard.press('s');
        await expect(page.getByRole('dialog')).toBeVisible();
        await page.keyboard.press('2');
        await expect.poll(async () => (await summary(parvis, target)).status).toBe('snoozed');
        expect((await summary(parvis, before)).status).not.toBe('snoozed');
        await expectToastNames(page, parvis, target, words.snoozed);
      }
    });

    test('# after u and j/k tags the conversation shown, five times', async ({ app: page, parvis }) => {
      for (let i = 0; i < 5; i++) {
        const [before, target] = await backAndMove(page, i % 2 === 0 ? 'j' : 'k');
        const name = `Cible ${language} ${i}`;
        await page.keyboard.press('#');
        await expect(page.getByRole('dialog')).toBeVisible();
        await page.keyboard.type(name);
        await page.keyboard.press('Enter');
        await expect.poll(async () => (await parvis.core.handlers['tags.list']({})).find((t) => t.name === name)?.id).toBeDefined();
        const tag = (await parvis.core.handlers['tags.list']({})).find((t) => t.name === name)!;
        await expect.poll(async () => (await summary(parvis, target)).tagIds).toContain(tag.id);
        expect((await summary(parvis, before)).tagIds).not.toContain(tag.id);
        await expectToastNames(page, parvis, target, words.tagged);
        await expect(page.getByRole('dialog')).toHaveCount(0);
      }
    });

    test('a after u and j/k assigns the conversation shown, five times', async ({ app: page, parvis }) => {
      const members = await parvis.core.handlers['members.list']({});
      for (let i = 0; i < 5; i++) {
        const [before, target] = await backAndMove(page, i % 2 === 0 ? 'j' : 'k');
        const current = (await summary(parvis, target)).assigneeId;
        const member = members.find((m) => !m.isMe && m.id !== current)!;
        const beforeAssignee = (await summary(parvis, before)).assigneeId;
        await page.keyboard.press('a');
        await expect(page.getByRole('dialog')).toBeVisible();
        await page.keyboard.type(member.name);
        await page.keyboard.press('Enter');
        await expect.poll(async () => (await summary(parvis, target)).assigneeId).toBe(member.id);
        expect((await summary(parvis, before)).assigneeId).toBe(beforeAssignee);
        await expectToastNames(page, parvis, target, words.assigned);
      }
    });
  });
}
