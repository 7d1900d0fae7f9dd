/**
 * Search from the keyboard with the matched words highlighted, an empty result that teaches, and
 * a saved view whose sidebar count matches the core and survives a reload.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const list = (page: Page) => page.getByTestId('conversation-list');

test('/ searches and highlights the words in the list and in the conversation', async ({ app: page }) => {
  await expect(list(page)).toBeFocused();
  await page.keyboard.press('/');
  await expect(page.getByTestId('search')).toBeFocused();
  await page.keyboard.type('colis');
  const hits = list(page).locator('mark.search-hit');
  await expect(hits.first()).toBeVisible();
  for (const text of await hits.allTextContents()) expect(text.toLowerCase()).toBe('colis');

  await page.keyboard.press('Enter');
  await expect(list(page)).toBeFocused();
  await list(page).getByRole('option').filter({ has: page.locator('mark.search-hit') }).first().click();
  const threadHits = page.getByTestId('thread').locator('mark.search-hit');
  await expect(threadHits.first()).toBeVisible();
  for (const text of await threadHits.allTextContents()) expect(text.toLowerCase()).toBe('colis');
});

test('a search without results says so and offers to clear it', async ({ app: page }) => {
  await expect(list(page)).toBeFocused();
  await page.keyboard.press('/');
  await page.keyboard.type('zyxwvutsrq');
  const empty = page.getByTestId('empty-state');
  await expect(empty).toContainText('« zyxwvutsrq »');
  await empty.getByRole('button', { name: 'Effacer la recherche et les filtres' }).click();
  await expect(list(page).getByRole('option').first()).toBeVisible();
  await expect(page.getByTestId('search')).toHaveValue('');
});

test('a search saved as a view shows the core’s count in the sidebar and survives a reload', async ({ app: page, parvis }) => {
  await expect(list(page)).toBeFocused();
  await page.keyboard.press('/');
  await page.keyboard.type('colis');
  await page.keyboard.press('Enter');
  await expect(list(page).locator('mark.search-hit').first()).toBeVisible();

  // Through the command palette, by keyboard.
  await page.keyboard.press('Control+k');
  await page.keyboard.type('enregistrer comme vue');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Enregistrer comme vue' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Nom').fill('Colis');
  await page.keyboard.press('Enter');

  // The sidebar shows what is unread, as a mail client does, and the total in the count's tooltip.
  const expected = (await parvis.core.handlers['inbox.viewCounts']({ filters: { v: { status: ['open'], query: 'colis' } } })).views.v!;
  expect(expected.unread).toBeGreaterThan(0);
  const view = page.getByRole('navigation').getByRole('button', { name: /^Colis/ });
  await expect(view).toHaveAttribute('aria-current', 'page');
  await expect(view).toContainText(String(expected.unread));
  await expect(view.locator('.count')).toHaveAttribute('title', new RegExp(`^Non lues\\s*:\\s*${expected.unread} sur ${expected.total}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Colis');

  await page.reload();
  await expect(list(page)).toBeFocused();
  const again = page.getByRole('navigation').getByRole('button', { name: /^Colis/ });
  await expect(again).toContainText(String(expected.unread));
  await again.click();
  await expect(list(page).locator('mark.search-hit').first()).toBeVisible();
});
