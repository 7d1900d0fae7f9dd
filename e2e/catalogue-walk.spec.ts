/**
 * Every string the UI shows comes from the catalogues: the spec walks the main screens in French
 * and in English and checks each text node (and each aria-label, title and placeholder) against
 * the messages of the page's language, placeholders standing for any text. What is data (names,
 * messages, handles: marked `.untrusted`), key caps, times and numbers are left out.
 */
import type { Page } from '@playwright/test';
import { en } from '../renderer/src/i18n/en';
import { fr } from '../renderer/src/i18n/fr';
import { expect, test, type ParvisFixture } from './fixtures';

type Tree = { [key: string]: string | Tree };

function messages(tree: Tree): string[] {
  return Object.values(tree).flatMap((value) => (typeof value === 'string' ? value.split(' | ') : messages(value)));
}

/** A message as a pattern: its placeholders match any text, its literals (`{'@'}`) themselves. */
function pattern(message: string): string {
  const parts = message.split(/(\{'[^']*'\}|\{\w+\})/);
  return parts
    .map((part) => {
      if (/^\{'[^']*'\}$/.test(part)) return part.slice(2, -2).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (/^\{\w+\}$/.test(part)) return '.+?';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('')
    .replace(/\s+/g, '\\s+');
}

function checker(catalogue: Tree, data: string[]): (text: string) => boolean {
  const sorted = [...new Set(messages(catalogue))].filter((m) => /\p{L}/u.test(m)).sort((a, b) => b.length - a.length);
  const whole = sorted.map((m) => new RegExp(`^${pattern(m)}$`, 'su'));
  const known = [...new Set(data)].sort((a, b) => b.length - a.length);
  const ok = (text: string): boolean => {
    let rest = text.replace(/\s+/g, ' ').trim();
    if (!/\p{L}/u.test(rest)) return true;
    if (whole.some((re) => re.test(rest))) return true;
    // Data in the text (a name, an account's label) stands for itself.
    // (Replaced by a character that is no letter, which a placeholder of a message accepts.)
    for (const value of known) {
      if (rest.includes(value)) rest = rest.replace(new RegExp(`(?<![\\p{L}\\p{N}])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'gu'), '\uE000');
    }
    // A key hint after a label ("Reporter (s)"), and an ellipsis or a separator at the end.
    rest = rest.replace(/\s*\((?:[^()\s]{1,8}|Esc)\)$/u, '').replace(/[\s·,:;…]+$/u, '').replace(/^[\s·,:;]+/u, '').trim();
    if (!/\p{L}/u.test(rest)) return true;
    if (whole.some((re) => re.test(rest))) return true;
    // Several messages in one text node, joined by separators.
    const pieces = rest.split(/\s*[·,—]\s+|\s+[·—|/]\s*/u).filter((p) => p.trim() !== '');
    return pieces.length > 1 && pieces.every(ok);
  };
  return ok;
}

/** The texts a person can read or hear, outside what is data. */
async function visibleTexts(page: Page): Promise<string[]> {
  // A string: the e2e project has no DOM types; this runs in the page.
  return page.evaluate(`(() => {
    const skip = '.untrusted, kbd, time, code, script, style, [data-i18n-skip], .glyph, [aria-hidden="true"]';
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest(skip)) continue;
      const text = (node.textContent ?? '').trim();
      if (text !== '') out.push(text);
    }
    for (const element of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
      // A time's title is its exact date, written by Intl in the page's language.
      if (element.closest('.untrusted, [data-i18n-skip], time')) continue;
      for (const attribute of ['aria-label', 'title', 'placeholder']) {
        const value = element.getAttribute(attribute);
        if (value) out.push(value);
      }
    }
    return out;
  })()`) as Promise<string[]>;
}

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
