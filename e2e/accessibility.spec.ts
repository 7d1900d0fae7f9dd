/**
 * An axe-core scan of each main screen (list, conversation, pickers, palette, help, settings,
 * filters, dark theme): no serious or critical violation.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

async function seriousViolations(page: Page): Promise<{ id: string; targets: string[] }[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

const list = (page: Page) => page.getByTestId('conversation-list');

for (const scheme of ['light', 'dark'] as const) {
  test(`the main screens pass axe in the ${scheme} theme`, async ({ app: page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(list(page)).toBeFocused();
    expect(await seriousViolations(page), 'inbox list').toEqual([]);

    await page.keyboard.press('Enter');
    await expect(page.getByTestId('thread')).toBeFocused();
    expect(await seriousViolations(page), 'conversation').toEqual([]);

    await page.keyboard.press('#');
    await expect(page.getByRole('dialog')).toBeVisible();
    expect(await seriousViolations(page), 'tag picker').toEqual([]);
    await page.keyboard.press('Escape');

    await page.keyboard.press('s');
    await expect(page.getByRole('dialog')).toBeVisible();
    expect(await seriousViolations(page), 'snooze picker').toEqual([]);
    await page.keyboard.press('Escape');

    await page.keyboard.press('Control+k');
    await expect(page.getByRole('dialog')).toBeVisible();
    expect(await seriousViolations(page), 'command palette').toEqual([]);
    await page.keyboard.press('Escape');

    await page.keyboard.press('?');
    await expect(page.getByRole('dialog')).toBeVisible();
    expect(await seriousViolations(page), 'shortcuts help').toEqual([]);
    await page.keyboard.press('Escape');

    await page.keyboard.press('Control+,');
    await expect(page.getByRole('dialog')).toBeVisible();
    expect(await seriousViolations(page), 'settings').toEqual([]);
    await page.keyboard.press('Escape');

    await page.keyboard.press('u');
    await page.keyboard.press('f');
    await page.keyboard.press('x');
    await page.keyboard.press('Shift+J');
    await expect(page.getByRole('toolbar', { name: 'Actions sur la sélection' })).toBeVisible();
    expect(await seriousViolations(page), 'filters and selection').toEqual([]);

    await page.keyboard.press('g');
    await page.keyboard.press('h');
    await expect(page.getByTestId('empty-state')).toBeVisible();
    expect(await seriousViolations(page), 'empty view').toEqual([]);
  });
}
