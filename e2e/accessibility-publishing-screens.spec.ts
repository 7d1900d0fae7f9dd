/**
 * An axe-core scan of the publishing screens in both languages: the composer with a variant, a
 * text too long for Bluesky (its reason shown) and the previews, and the calendar in its month,
 * week and list views with a post on it. No serious or critical violation. A draft also moves on
 * the calendar by keyboard (the demo publishes nothing, drafts are local).
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

for (const language of ['fr', 'en'] as const) {
  test(`the composer and the calendar pass axe in ${language}`, async ({ app: page, parvis }) => {
    await parvis.core.handlers['settings.set']({ language });
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('lang', language);
    await page.locator('[data-screen="compose"]').click();
    await expect(page.getByTestId('composer')).toBeVisible();

    const bluesky = parvis.core.accounts.list().find((a) => a.network === 'bluesky')!;
    await page.getByTestId('compose-text').fill('Atelier réparation samedi à 14 h, venez avec vos lampes ! https://lumen.example/atelier');
    await page.getByTestId(`variant-toggle-${bluesky.id}`).check();
    await page.getByTestId(`variant-${bluesky.id}`).fill('🛠️'.repeat(320));
    await expect(page.getByTestId(`problems-${bluesky.id}`)).toContainText('320');
    expect(await seriousViolations(page), 'composer').toEqual([]);

    // Tomorrow at 10:00 in the page's time zone, then onto the calendar.
    const tomorrow = await page.evaluate(() => {
      const d = new Date();
      d.setDate(d.getDate() + 1);
      d.setHours(10, 0, 0, 0);
      const pad = (n: number) => String(n).padStart(2, '0');
      return { at: d.getTime(), fr: `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()} 10:00`, en: `${pad(d.getMonth() + 1)}/${pad(d.getDate())}/${d.getFullYear()} 10:00 AM` };
    });
    // Typed into the app's date field in the app's language, as a user does.
    const field = page.getByTestId('compose-time').locator('input');
    await field.click();
    await field.fill(tomorrow[language]);
    await field.press('Tab');
    await expect.poll(async () => (await parvis.core.handlers['posts.list']({}) as { targets: { scheduledAt: number | null }[] }[])[0]?.targets[0]?.scheduledAt ?? null).toBe(tomorrow.at);

    await page.getByTestId('open-calendar').click();
    await expect(page.getByTestId('calendar-screen')).toBeVisible();
    const first = page.locator('[data-calendar-target]').first();
    await expect(first).toBeVisible();
    expect(await seriousViolations(page), 'calendar month').toEqual([]);

    // Keyboard: Alt+→ moves the focused draft a day later, and focus stays on it.
    const targetId = await first.getAttribute('data-calendar-target');
    await first.focus();
    await page.keyboard.press('Alt+ArrowRight');
    await expect(page.locator(`[data-calendar-target="${targetId}"]`)).toBeFocused();
    const moved = (parvis.core.handlers['posts.get']({ postId: (parvis.core.handlers['posts.list']({}) as { id: number }[])[0]!.id }) as { targets: { id: number; scheduledAt: number }[] }).targets.find((t) => String(t.id) === targetId)!;
    const dayLater = await page.evaluate((at) => {
      const d = new Date(at);
      d.setDate(d.getDate() + 1);
      return d.getTime();
    }, tomorrow.at);
    expect(moved.scheduledAt).toBe(dayLater);

    // FullCalendar's own view tabs, named by its locale.
    const names = language === 'fr' ? { timeGridWeek: /^semaine/i, listWeek: /^planning/i } : { timeGridWeek: /^week( view)?$/i, listWeek: /^list( view)?$/i };
    for (const view of ['timeGridWeek', 'listWeek'] as const) {
      await page.getByTestId('calendar-screen').getByRole('tab', { name: names[view] }).click();
      await expect(page.locator('[data-calendar-target]').first()).toBeVisible();
      expect(await seriousViolations(page), `calendar ${view}`).toEqual([]);
    }
  });
}
