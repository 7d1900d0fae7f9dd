import { expect, type Page } from '@playwright/test';

/**
 * Types a moment into one of the app's date fields (`DateField.vue`) as a user does: in the app's
 * language (French here: 31/12/2026 14:30), in the page's time zone, then Tab to leave the field.
 */
export async function typeDateTime(page: Page, testId: string, at: number): Promise<void> {
  const typed = await page.evaluate((ms) => {
    const d = new Date(ms);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }, at);
  const field = page.getByTestId(testId).locator('input');
  await field.click();
  await field.fill(typed);
  await field.press('Tab');
  await expect(field).toHaveValue(typed);
}
