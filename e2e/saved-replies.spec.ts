/**
 * Saved replies: created, edited, deleted (and restored) on their screen with a language and the
 * networks they are offered on; inserted from the composer with Ctrl+; and {firstName} filled with
 * the author's first name. In French and in English.
 */
import type { Page } from '@playwright/test';
import type { ParvisFixture } from './fixtures';
import { expect, test } from './fixtures';

const list = (page: Page) => page.getByTestId('conversation-list');

interface Words {
  screen: string;
  newReply: string;
  name: string;
  text: string;
  language: string;
  french: string;
  save: string;
  edit: (name: string) => string;
  remove: (name: string) => string;
  deleted: (name: string) => string;
  restore: string;
  picker: string;
  preview: string;
}

const FR: Words = {
  screen: 'Réponses enregistrées',
  newReply: 'Nouvelle réponse',
  name: 'Nom',
  text: 'Texte',
  language: 'Langue',
  french: 'Français',
  save: 'Enregistrer',
  edit: (name) => `Modifier la réponse ${name}`,
  remove: (name) => `Supprimer la réponse ${name}`,
  deleted: (name) => `Réponse enregistrée « ${name} » supprimée`,
  restore: 'Rétablir',
  picker: 'Réponses enregistrées',
  preview: 'Bonjour Camille, votre colis part demain.',
};

const EN: Words = {
  screen: 'Saved replies',
  newReply: 'New saved reply',
  name: 'Name',
  text: 'Text',
  language: 'Language',
  french: 'French',
  save: 'Save',
  edit: (name) => `Edit saved reply ${name}`,
  remove: (name) => `Delete saved reply ${name}`,
  deleted: (name) => `Saved reply “${name}” deleted`,
  restore: 'Restore',
  picker: 'Saved replies',
  preview: 'Bonjour Camille, votre colis part demain.',
};

/** The typographic spaces of the French catalogue are narrow no-break spaces: compare words only. */
const loose = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[\\s\\u202f\\u00a0]'));

async function savedReplies(parvis: ParvisFixture) {
  return parvis.core.handlers['savedReplies.list']({});
}

function scenario(words: Words): void {
  test('a saved reply is created with a placeholder, a language and a network, edited, deleted and restored', async ({ app: page, parvis }) => {
    await expect(list(page)).toBeFocused();
    await page.keyboard.press('g');
    await page.keyboard.press('t');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(words.screen);
    await expect(page.getByTestId('saved-reply-row')).toHaveCount((await savedReplies(parvis)).length);

    await page.getByRole('button', { name: words.newReply }).click();
    const editor = page.getByTestId('saved-reply-editor');
    await expect(editor.getByLabel(words.name)).toBeFocused();
    await page.keyboard.type('Colis demain');
    const text = editor.getByLabel(words.text);
    await text.fill('Bonjour , votre colis part demain.');
    // The placeholder goes where the caret is.
    await text.press('Home');
    for (let i = 0; i < 8; i++) await text.press('ArrowRight');
    await editor.locator('[data-variable="firstName"]').click();
    await expect(text).toHaveValue('Bonjour {firstName}, votre colis part demain.');
    await expect(editor.getByTestId('saved-reply-preview')).toHaveText(words.preview);
    await editor.getByLabel(words.language).selectOption({ label: words.french });
    await editor.getByRole('checkbox', { name: 'Mastodon' }).check();
    await page.keyboard.press('Control+Enter');
    await expect(editor).toHaveCount(0);

    const created = (await savedReplies(parvis)).find((r) => r.name === 'Colis demain');
    expect(created).toMatchObject({ text: 'Bonjour {firstName}, votre colis part demain.', language: 'fr', networks: ['mastodon'] });
    const row = page.locator(`[data-saved-reply-id="${created!.id}"]`);
    await expect(row).toContainText('Bonjour {firstName}, votre colis part demain.');
    await expect(row.getByRole('button', { name: words.edit('Colis demain') })).toBeFocused();

    // Edit: another name, every network.
    await row.getByRole('button', { name: words.edit('Colis demain') }).click();
    await row.getByLabel(words.name).fill('Colis expédié');
    await row.getByRole('checkbox', { name: 'Mastodon' }).uncheck();
    await row.getByRole('button', { name: words.save }).click();
    await expect(row.getByTestId('saved-reply-editor')).toHaveCount(0);
    await expect.poll(async () => (await savedReplies(parvis)).find((r) => r.id === created!.id)).toMatchObject({ name: 'Colis expédié', language: 'fr', networks: [] });

    // Delete at once, restore from the toast.
    await row.getByRole('button', { name: words.remove('Colis expédié') }).click();
    await expect(row).toHaveCount(0);
    await expect.poll(async () => (await savedReplies(parvis)).some((r) => r.name === 'Colis expédié')).toBe(false);
    const toast = page.getByRole('status').filter({ hasText: loose(words.deleted('Colis expédié')) });
    await toast.getByRole('button', { name: words.restore }).click();
    await expect.poll(async () => (await savedReplies(parvis)).find((r) => r.name === 'Colis expédié')).toMatchObject({ language: 'fr', networks: [] });
    await expect(page.getByTestId('saved-reply-row').filter({ hasText: 'Colis expédié' })).toHaveCount(1);
  });

  test('Ctrl+; in the composer offers this network’s saved replies and fills in the first name', async ({ app: page, parvis }) => {
    await expect(list(page)).toBeFocused();
    const replies = await savedReplies(parvis);
    const rows = list(page).getByRole('option');
    const checked = new Set<string>();
    // One Mastodon conversation and one YouTube one: the YouTube-only reply shows only in the second.
    for (const network of ['mastodon', 'youtube']) {
      let found: { id: number; firstName: string } | null = null;
      for (let i = 0; i < (await rows.count()) && found === null; i++) {
        const id = Number(await rows.nth(i).getAttribute('data-conversation-id'));
        const detail = await parvis.core.handlers['conversation.get']({ conversationId: id, markRead: false });
        const author = detail.authors.find((a) => a.id === detail.conversation.author?.id);
        if (detail.account.network === network && author && /^\p{L}+ \p{L}/u.test(author.name)) found = { id, firstName: author.name.split(' ')[0]! };
      }
      expect(found, `a ${network} conversation in the first rows`).not.toBeNull();
      await list(page).locator(`[data-conversation-id="${found!.id}"]`).click();
      await page.keyboard.press('r');
      const composer = page.getByTestId('composer');
      await expect(composer).toBeFocused();
      await page.keyboard.press('Control+;');
      const picker = page.getByRole('dialog', { name: words.picker });
      await expect(picker).toBeVisible();
      const offered = replies.filter((r) => r.networks.length === 0 || r.networks.includes(network)).map((r) => r.name);
      await expect(picker.getByRole('option')).toHaveCount(offered.length);
      for (const name of offered) await expect(picker.getByRole('option', { name: new RegExp(`^${name}`) })).toHaveCount(1);
      await page.keyboard.type('commande');
      await page.keyboard.press('Enter');
      await expect(picker).toHaveCount(0);
      await expect(composer).toBeFocused();
      await expect(composer).toHaveValue(new RegExp(`^(Bonjour|Hi) ${found!.firstName}, `));
      // What was typed is the draft, kept like any other.
      await expect.poll(async () => (await parvis.core.handlers['draft.get']({ conversationId: found!.id }))?.text ?? '').toMatch(new RegExp(`${found!.firstName}, `));
      checked.add(network);
      await page.keyboard.press('Escape');
      await page.keyboard.press('u');
      await expect(list(page)).toBeFocused();
    }
    expect([...checked]).toEqual(['mastodon', 'youtube']);
  });
}

test.describe('in French', () => {
  scenario(FR);
});

test.describe('in English', () => {
  test.use({ locale: 'en-US' });
  scenario(EN);
});
