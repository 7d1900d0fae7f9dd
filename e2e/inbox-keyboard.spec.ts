/**
 * The core loop of the inbox, by keyboard only: move, open, tag, assign, write a draft, mark
 * done; then reload and find every change kept, in the UI and in the core.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const list = (page: Page) => page.getByTestId('conversation-list');
const rows = (page: Page) => list(page).getByRole('option');
const idOf = async (page: Page, index: number) => Number(await rows(page).nth(index).getAttribute('data-conversation-id'));

test('a conversation triaged with the keyboard keeps its tag, assignee, status and draft after a reload', async ({ app: page, parvis }) => {
  const me = (await parvis.core.handlers['members.list']({})).find((m) => m.isMe);
  expect(me).toBeDefined();

  await expect(list(page)).toBeFocused();
  const first = await idOf(page, 0);
  const second = await idOf(page, 1);
  await expect(list(page)).toHaveAttribute('aria-activedescendant', `conversation-row-${first}`);

  // j / k move the cursor; Enter opens and gives focus to the thread.
  await page.keyboard.press('j');
  await expect(list(page)).toHaveAttribute('aria-activedescendant', `conversation-row-${second}`);
  await page.keyboard.press('k');
  await expect(list(page)).toHaveAttribute('aria-activedescendant', `conversation-row-${first}`);
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('thread')).toBeFocused();
  const pane = page.locator('[data-key-scope="conversation"]');

  // # opens the tag picker: typing a new name and Enter creates the tag and applies it.
  await page.keyboard.press('#');
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.type('Presse');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(pane.locator('.tag-chip', { hasText: 'Presse' })).toBeVisible();

  // a opens the assignee picker, "me" first.
  await page.keyboard.press('a');
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(pane.locator('.picker-button')).toContainText(me!.name);

  // r focuses the composer; the draft saves itself as you type.
  await page.keyboard.press('r');
  await expect(page.getByTestId('composer')).toBeFocused();
  await page.keyboard.type('Merci pour votre message, nous regardons tout de suite.');
  await expect(pane.getByText('Brouillon enregistré')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('thread')).toBeFocused();

  // e marks it done: it leaves the inbox and the next conversation opens.
  await page.keyboard.press('e');
  await expect(list(page).locator(`[data-conversation-id="${second}"]`)).toHaveCount(0);
  await expect(page.getByTestId('thread')).toBeFocused();

  const stored = await parvis.core.handlers['conversation.get']({ conversationId: second, markRead: false });
  expect(stored.conversation).toMatchObject({ status: 'done', assigneeId: me!.id });
  const tags = await parvis.core.handlers['tags.list']({});
  const presse = tags.find((t) => t.name === 'Presse');
  expect(stored.conversation.tagIds).toContain(presse?.id);
  expect(await parvis.core.handlers['draft.get']({ conversationId: second })).toMatchObject({
    text: 'Merci pour votre message, nous regardons tout de suite.',
  });

  await page.reload();
  await expect(list(page)).toBeFocused();
  await expect(list(page).locator(`[data-conversation-id="${second}"]`)).toHaveCount(0);
  await page.keyboard.press('g');
  await page.keyboard.press('d');
  await expect(page.locator('[data-view="done"]')).toHaveAttribute('aria-current', 'page');
  const row = list(page).locator(`[data-conversation-id="${second}"]`);
  await row.click();
  await expect(pane.locator('.tag-chip', { hasText: 'Presse' })).toBeVisible();
  await expect(pane.locator('.picker-button')).toContainText(me!.name);
  await expect(pane.getByRole('button', { name: 'Traitée', pressed: true })).toBeVisible();
  await expect(page.getByTestId('composer')).toHaveValue('Merci pour votre message, nous regardons tout de suite.');
});

test('shortcuts never fire while typing, and Escape gives the keys back', async ({ app: page }) => {
  await expect(list(page)).toBeFocused();
  const first = await idOf(page, 0);
  await page.keyboard.press('/');
  await expect(page.getByTestId('search')).toBeFocused();
  await page.keyboard.type('je');
  // "j" and "e" went into the box: the cursor did not move and nothing was marked done.
  await expect(page.getByTestId('search')).toHaveValue('je');
  await page.keyboard.press('Escape');
  await expect(list(page)).toBeFocused();
  await page.getByTestId('search').fill('');
  await page.keyboard.press('Escape');
  await expect(list(page).locator(`[data-conversation-id="${first}"]`)).toHaveCount(1);
});

test('scrolling down the list reads the next keyset pages', async ({ app: page, parvis }) => {
  await expect(list(page)).toBeFocused();
  const total = (await parvis.core.handlers['inbox.count']({ filters: { inbox: { status: ['open'] } } })).inbox;
  expect(total).toBeGreaterThan(100);
  const lastPosition = async () => Number(await rows(page).last().getAttribute('aria-posinset'));
  await list(page).hover();
  await expect
    .poll(async () => {
      await page.mouse.wheel(0, 4000);
      return lastPosition();
    })
    .toBe(total);
  await expect(list(page)).toHaveAttribute('aria-busy', 'false');
});

test('a change made elsewhere shows up at once, patching rows rather than redrawing the list', async ({ app: page, parvis }) => {
  await expect(list(page)).toBeFocused();
  const first = await idOf(page, 0);
  const third = await idOf(page, 2);
  // Mark the third row's DOM node: if the list were redrawn, the mark would be gone.
  await list(page).locator(`[data-conversation-id="${third}"]`).evaluate((node) => node.setAttribute('data-e2e-kept', 'yes'));

  const tag = await parvis.core.handlers['tags.create']({ name: 'Ailleurs', color: '#1971c2' });
  await parvis.core.handlers['conversation.tag']({ conversationIds: [third], tagId: tag.id });
  await parvis.core.handlers['conversation.setStatus']({ conversationIds: [first], status: 'done' });

  await expect(list(page).locator(`[data-conversation-id="${first}"]`)).toHaveCount(0);
  const row = list(page).locator(`[data-conversation-id="${third}"]`);
  await expect(row.locator('.tag-chip:has-text("Ailleurs"), .more-tags[title*="Ailleurs"]')).toBeVisible();
  await expect(row).toHaveAttribute('data-e2e-kept', 'yes');
});
