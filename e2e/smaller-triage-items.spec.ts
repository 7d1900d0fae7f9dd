/**
 * Issue 12's smaller items: the composer keeps Send and the counter inside at 1280×720; "Save as
 * view" selects the search text it proposes; the palette switches theme and language and opens
 * the saved replies. In French and in English.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const list = (page: Page) => page.getByTestId('conversation-list');

interface Words {
  saveView: string;
  saveViewDialog: string;
  dark: string;
  otherLanguage: string;
  otherLang: 'fr' | 'en';
  savedReplies: string;
  savedRepliesTitle: string;
  send: string;
}
const FR: Words = {
  saveView: 'enregistrer comme vue',
  saveViewDialog: 'Enregistrer comme vue',
  dark: 'thème : sombre',
  otherLanguage: 'langue : anglais',
  otherLang: 'en',
  savedReplies: 'aller aux réponses enregistrées',
  savedRepliesTitle: 'Réponses enregistrées',
  send: 'Envoyer',
};
const EN: Words = {
  saveView: 'save as view',
  saveViewDialog: 'Save as view',
  dark: 'theme: dark',
  otherLanguage: 'language: french',
  otherLang: 'fr',
  savedReplies: 'go to the saved replies',
  savedRepliesTitle: 'Saved replies',
  send: 'Send',
};

async function palette(page: Page, words: string): Promise<void> {
  await page.keyboard.press('Control+k');
  await page.keyboard.type(words.replace(/ : /g, ' '));
  await page.keyboard.press('Enter');
}

function scenario(words: Words): void {
  test('Send stays inside the composer at 1280×720, even with a long draft', async ({ app: page }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await expect(list(page)).toBeFocused();
    await page.keyboard.press('r');
    await page.keyboard.type('Bonjour, nous regardons cela tout de suite et revenons vers vous.');
    const composer = await page.locator('form.composer').boundingBox();
    const send = await page.locator('form.composer').getByRole('button', { name: new RegExp(`^${words.send}`) }).boundingBox();
    const counter = await page.locator('#reply-counter').boundingBox();
    for (const box of [send!, counter!]) {
      expect(box.x).toBeGreaterThanOrEqual(composer!.x);
      expect(box.x + box.width).toBeLessThanOrEqual(composer!.x + composer!.width);
      expect(box.y + box.height).toBeLessThanOrEqual(composer!.y + composer!.height);
    }
    // The counter does not wrap: one line.
    expect(counter!.height).toBeLessThan(24);
  });

  test('Save as view selects the proposed name; the palette switches theme and language and opens the saved replies', async ({ app: page }) => {
    await expect(list(page)).toBeFocused();
    await page.keyboard.press('/');
    await page.keyboard.type('colis');
    await page.keyboard.press('Enter');
    await palette(page, words.saveView);
    const name = page.getByRole('dialog', { name: words.saveViewDialog }).getByRole('textbox');
    await expect(name).toBeFocused();
    await expect(name).toHaveValue('colis');
    // Typing replaces the proposed name.
    await page.keyboard.type('Livraisons');
    await expect(name).toHaveValue('Livraisons');
    await page.keyboard.press('Escape');

    await palette(page, words.dark);
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await palette(page, words.savedReplies);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(words.savedRepliesTitle);
    await palette(page, words.otherLanguage);
    await expect(page.locator('html')).toHaveAttribute('lang', words.otherLang);
  });
}

test.describe('in French', () => {
  scenario(FR);
});

test.describe('in English', () => {
  test.use({ locale: 'en-US' });
  scenario(EN);
});
