/**
 * Every string the UI shows comes from the catalogues: the spec walks the main screens in French
 * and in English and checks each text node (and each aria-label, title and placeholder) against
 * the messages of the page's language, placeholders standing for any text. What is data (names,
 * messages, handles: marked `.untrusted`), key caps, times and numbers are left out.
 */
import { en } from '../renderer/src/i18n/en';
import { fr } from '../renderer/src/i18n/fr';
import { checker, visibleTexts, type Tree } from './catalogue-check';
import { expect, test, type ParvisFixture } from './fixtures';

/** The initials an avatar shows for a name (two letters). */
function initials(name: string): string {
  const letters = name.split(/\s+/).map((w) => w[0]?.toUpperCase() ?? '').join('').slice(0, 2);
  return letters.length === 2 ? letters : name;
}

async function dataOf(parvis: ParvisFixture): Promise<string[]> {
  const core = parvis.core.handlers;
  const accounts = await core['accounts.list']({});
  const networks = await core['accounts.networks']({});
  const members = await core['members.list']({});
  const tags = await core['tags.list']({});
  const views = await core['views.list']({});
  const replies = await core['savedReplies.list']({});
  const rules = await core['rules.list']({});
  return [
    'Parvis',
    ...accounts.flatMap((a) => [a.label ?? '', a.displayName, a.handle]),
    ...networks.flatMap((n) => [n.displayName, n.icon.glyph]),
    ...members.flatMap((m) => [m.name, initials(m.name)]),
    ...tags.map((t) => t.name),
    ...views.map((v) => v.name),
    ...replies.flatMap((r) => [r.name, r.text]),
    ...rules.map((r) => r.definition.name),
  ].filter((s) => s !== '');
}

const LOCALES = [
  { locale: 'fr-FR', catalogue: fr as unknown as Tree, name: 'French' },
  { locale: 'en-US', catalogue: en as unknown as Tree, name: 'English' },
];

for (const { locale, catalogue, name } of LOCALES) {
  test.describe(`in ${name}`, () => {
    test.use({ locale, viewport: { width: 1280, height: 720 } });

    test('every text on the main screens comes from the catalogue', async ({ app: page, parvis }) => {
      const list = page.getByTestId('conversation-list');
      await expect(list).toBeFocused();
      const ok = checker(catalogue, await dataOf(parvis));
      const strays = new Map<string, string>();
      const check = async (where: string) => {
        for (const text of await visibleTexts(page)) if (!ok(text) && !strays.has(text)) strays.set(text, where);
      };

      await check('inbox');
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('thread')).toBeFocused();
      await check('conversation');
      await page.keyboard.press('r');
      await page.keyboard.press('Control+;');
      await check('saved-reply picker');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+k');
      await check('palette');
      await page.keyboard.press('Escape');
      await page.keyboard.press('?');
      await check('shortcuts');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+,');
      await check('settings');
      await page.keyboard.press('Escape');
      for (const [keys, where] of [['g t', 'saved replies'], ['g c', 'accounts'], ['g r', 'rules'], ['g l', 'audit log'], ['g w', 'word lists']] as const) {
        for (const key of keys.split(' ')) await page.keyboard.press(key);
        await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
        await page.waitForTimeout(200);
        await check(where);
      }
      await page.keyboard.press('g');
      await page.keyboard.press('t');
      await page.getByTestId('new-saved-reply').click();
      await page.getByTestId('saved-reply-editor').getByRole('textbox').nth(1).fill('{firstName} {prenom}');
      await check('saved reply editor');
      await page.keyboard.press('Escape');
      await page.keyboard.press('g');
      await page.keyboard.press('r');
      await page.getByTestId('new-rule').click();
      await check('rule editor');

      expect([...strays].map(([text, where]) => `${where}: ${text}`)).toEqual([]);
    });
  });
}
