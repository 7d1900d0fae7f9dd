/**
 * The UI follows the system language (French here) until the settings say otherwise; language
 * and theme switch at once from the settings panel and stay after a reload.
 */
import { expect, test } from './fixtures';

test('language and theme switch from the settings and survive a reload', async ({ app: page, parvis }) => {
  await expect(page.getByTestId('conversation-list')).toBeFocused();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Boîte de réception');

  await page.keyboard.press('Control+,');
  const settings = page.getByRole('dialog', { name: 'Réglages' });
  await settings.getByLabel('English').check();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Inbox');
  await page.getByRole('dialog', { name: 'Settings' }).getByLabel('Dark').check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.keyboard.press('Escape');

  await expect.poll(() => parvis.core.handlers['settings.get']({})).toMatchObject({ language: 'en', theme: 'dark' });
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Inbox');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});
