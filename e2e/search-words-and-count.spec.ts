/**
 * Search: plain words find what people wrote and their names, not their handles or servers
 * (`from:` finds those); the number of conversations found is shown; a query of punctuation only
 * says there is nothing to search for instead of showing everything. In French and in English.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const list = (page: Page) => page.getByTestId('conversation-list');

interface Words {
  results: (n: number) => RegExp;
  none: string;
  unsearchable: RegExp;
}
const nbsp = '[\\s\\u202f\\u00a0]';
const FR: Words = {
  results: (n) => new RegExp(`^${n.toLocaleString('fr-FR').replace(/\s/g, nbsp)}${nbsp}résultats?$`),
  none: 'Aucun résultat',
  unsearchable: /ni lettre ni chiffre/,
};
const EN: Words = {
  results: (n) => new RegExp(`^${n.toLocaleString('en-US')} results?$`),
  none: 'No result',
  unsearchable: /no letter or digit/,
};

function scenario(words: Words): void {
  test('a plain word does not match servers, from: does, the count is the core’s, and punctuation says so', async ({ app: page, parvis }) => {
    const count = async (query: string) => (await parvis.core.handlers['inbox.count']({ filters: { q: { status: ['open'], query } } })).q!;
    const plain = await count('social');
    const from = await count('from:social');
    // The demo's authors are on mastodon.social and bsky.social: a server's name is not what they wrote.
    expect(from).toBeGreaterThan(plain);

    await expect(list(page)).toBeFocused();
    await page.keyboard.press('/');
    await page.keyboard.type('social');
    await expect(page.getByTestId('result-count')).toHaveText(plain === 0 ? words.none : words.results(plain));
    await page.getByTestId('search').fill('from:social');
    await expect(page.getByTestId('result-count')).toHaveText(words.results(from));
    await expect(list(page).getByRole('option').first()).toBeVisible();

    // Only a quote: nothing to search for, and the list says so instead of showing everything.
    await page.getByTestId('search').fill('"');
    await expect(page.getByTestId('unsearchable')).toHaveText(words.unsearchable);
    await expect(page.getByTestId('result-count')).toHaveText(words.none);
    await expect(list(page).getByRole('option')).toHaveCount(0);
    expect(await count('"')).toBe(0);
  });
}

test.describe('in French', () => {
  scenario(FR);
});

test.describe('in English', () => {
  test.use({ locale: 'en-US' });
  scenario(EN);
});
