/** Playwright steps on a message's moderation menu, shared by the specs that moderate from it. */
import { expect, type Page } from '@playwright/test';

/**
 * Walks the open message menu down to `name` and chooses it with Enter. An item's accessible name
 * is its label followed by what it does (on the network, or why not).
 */
export async function chooseInMenu(page: Page, name: string): Promise<void> {
  const menu = page.getByTestId('moderation-menu');
  await expect(menu).toBeVisible();
  // By the start of its name: "Ban the author" is also the end of "Unban the author".
  const item = menu.getByRole('menuitem', { name: new RegExp(`^${name}`) });
  await expect(item).toBeEnabled();
  for (let i = 0; i < 14 && !(await item.evaluate((el) => el === el.ownerDocument.activeElement)); i += 1) await page.keyboard.press('ArrowDown');
  await expect(item).toBeFocused();
  await page.keyboard.press('Enter');
}
