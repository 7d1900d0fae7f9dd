/**
 * Dates and times in every picker follow the APP's language, not the browser's (issue 12, item 5):
 * the app in French in an English browser, and in English in a French browser. A native
 * `<input type="date">` would show and read the browser's format here.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

interface Words {
  language: 'fr' | 'en';
  browser: string;
  /** What the user types for 31 December 2030 at 14:30, in the app's language. */
  typedDateTime: string;
  typedDate: string;
  snoozeTitle: RegExp;
  filters: string;
  /** The calendar's name, and its cell for 31 December 2030. */
  calendar: string;
  noResult: string;
  dayCell: string;
  firstWeekday: RegExp;
  openingHour: string;
}

const FR: Words = {
  language: 'fr',
  browser: 'en-US',
  typedDateTime: '31/12/2030 14:30',
  typedDate: '31/12/2030',
  snoozeTitle: /^Reporter cette conversation/,
  filters: 'Filtres',
  calendar: 'Calendrier',
  noResult: 'Aucun résultat',
  dayCell: 'mardi 31 décembre 2030',
  firstWeekday: /^lu/i,
  openingHour: '09:00',
};
const EN: Words = {
  language: 'en',
  browser: 'fr-FR',
  typedDateTime: '12/31/2030 2:30 PM',
  typedDate: '12/31/2030',
  snoozeTitle: /^Snooze this conversation/,
  filters: 'Filters',
  calendar: 'Calendar',
  noResult: 'No result',
  dayCell: 'Tuesday, December 31, 2030',
  firstWeekday: /^Su/,
  openingHour: '9:00 AM',
};

async function openIn(page: Page, words: Words, reload: () => Promise<unknown>): Promise<void> {
  await reload();
  await expect(page.locator('html')).toHaveAttribute('lang', words.language);
  await expect(page.getByTestId('conversation-list')).toBeFocused();
}

function scenario(words: Words): void {
  test.use({ locale: words.browser });

  test(`a custom snooze is typed and shown in the app's language (${words.language}, browser ${words.browser})`, async ({ app: page, parvis }) => {
    await parvis.core.handlers['settings.set']({ language: words.language });
    await openIn(page, words, () => page.reload());
    expect(await page.evaluate('navigator.language')).toBe(words.browser);

    await page.keyboard.press('s');
    const dialog = page.getByRole('dialog', { name: words.snoozeTitle });
    await expect(dialog).toBeVisible();
    const field = dialog.locator('#snooze-custom');
    await field.click();
    await field.fill(words.typedDateTime);
    await field.press('Tab');
    await expect(field).toHaveValue(words.typedDateTime);
    // The calendar opens on the typed day and names it in the app's language.
    await field.click();
    const calendar = page.getByRole('dialog', { name: words.calendar });
    await expect(calendar.getByRole('gridcell', { name: words.dayCell })).toBeVisible();
    await field.press('Escape');
    await expect(field).toHaveValue(words.typedDateTime);
    await expect(dialog).toBeVisible();

    const snoozedBefore = (parvis.core.db.prepare("SELECT count(*) AS n FROM conversations WHERE status = 'snoozed'").get() as { n: number }).n;
    // Enter in the field snoozes until the typed moment.
    await field.press('Enter');
    await expect(dialog).toBeHidden();
    const expected = await page.evaluate(() => new Date(2030, 11, 31, 14, 30).getTime());
    await expect
      .poll(() => parvis.core.db.prepare("SELECT count(*) AS n FROM conversations WHERE status = 'snoozed' AND snooze_until = ?").get(expected) as { n: number })
      .toEqual({ n: 1 });
    expect((parvis.core.db.prepare("SELECT count(*) AS n FROM conversations WHERE status = 'snoozed'").get() as { n: number }).n).toBe(snoozedBefore + 1);
  });

  test(`the inbox filter, the reports' hours and the contest period read and show the app's language (${words.language}, browser ${words.browser})`, async ({ app: page, parvis }) => {
    await parvis.core.handlers['settings.set']({ language: words.language });
    await openIn(page, words, () => page.reload());

    // Inbox filter: a typed day in the app's format filters the list from that day.
    await page.getByRole('button', { name: words.filters, exact: true }).click();
    const since = page.getByTestId('filter-since').getByRole('combobox');
    await since.fill(words.typedDate);
    await since.press('Enter');
    await expect(since).toHaveValue(words.typedDate);
    // Nothing in the demo is dated 2030 or later: the filter took the typed day.
    await expect(page.getByTestId('result-count')).toHaveText(words.noResult);
    await since.click();
    const calendar = page.getByRole('dialog', { name: words.calendar });
    await expect(calendar.getByRole('gridcell', { name: words.dayCell })).toBeVisible();
    // Week days in the app's language (and the week starts on Monday in French).
    await expect(calendar.getByRole('row').first().getByRole('gridcell').first()).toHaveText(words.firstWeekday);
    await since.press('Escape');

    // Reports: the business hours are shown in the app's clock.
    await page.locator('[data-screen="reports"]').click();
    await expect(page.getByTestId('report-opens').getByRole('combobox')).toHaveValue(words.openingHour);

    // Contests: the period's first day is typed in the app's format.
    await page.locator('[data-screen="contests"]').click();
    const contestSince = page.getByTestId('contest-since').getByRole('combobox');
    await contestSince.fill(words.typedDate);
    await contestSince.press('Enter');
    await expect(contestSince).toHaveValue(words.typedDate);
  });
}

test.describe('app in French, browser in English', () => {
  scenario(FR);
});

test.describe('app in English, browser in French', () => {
  scenario(EN);
});
