/**
 * Stacked toasts never cover the row the keys act on (issue 12, item 8): the list scrolls its
 * cursor row above the stack, as the stack grows, at the widths a laptop has.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

const list = (page: Page) => page.getByTestId('conversation-list');

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error('not on screen');
  return b;
}

async function expectCursorClearOfToasts(page: Page): Promise<void> {
  const id = await list(page).getAttribute('aria-activedescendant');
  expect(id).not.toBeNull();
  const row = await box(page.locator(`[id="${id}"]`));
  const listBox = await box(list(page));
  // The cursor row is inside the list's visible part...
  expect(row.y).toBeGreaterThanOrEqual(listBox.y - 1);
  expect(row.y + row.height).toBeLessThanOrEqual(listBox.y + listBox.height + 1);
  // ...and no toast lies over it.
  for (const toast of await page.locator('.toast').all()) {
    const t = await box(toast);
    const overlaps = t.x < row.x + row.width && row.x < t.x + t.width && t.y < row.y + row.height && row.y < t.y + t.height;
    expect(overlaps, 'a toast covers the cursor row').toBe(false);
  }
}

for (const width of [1280, 1024]) {
  test(`three stacked toasts leave the cursor row visible at ${width}×720`, async ({ app: page }) => {
    await page.setViewportSize({ width, height: 720 });
    await expect(list(page)).toBeFocused();
    // Down to the last row on screen, where the toasts appear.
    const rowsShown = Math.floor((await box(list(page))).height / 64);
    for (let i = 0; i < rowsShown - 1; i++) await page.keyboard.press('j');
    // Each "done" puts up a toast with Undo; the cursor moves to the next row.
    for (let i = 1; i <= 3; i++) {
      await page.keyboard.press('e');
      await expect(page.locator('.toast')).toHaveCount(i);
      await expect(page.locator('.toast').nth(i - 1)).toBeVisible();
      await expect.poll(async () => {
        try {
          await expectCursorClearOfToasts(page);
          return true;
        } catch {
          return false;
        }
      }).toBe(true);
    }
    // The stack really reaches over the list here: the check is not empty.
    const stack = await box(page.locator('.toasts'));
    const listBox = await box(list(page));
    expect(stack.x + stack.width).toBeGreaterThan(listBox.x);
    await expectCursorClearOfToasts(page);
    // j and k keep the cursor clear of the stack too.
    await page.keyboard.press('j');
    await expectCursorClearOfToasts(page);
  });
}
