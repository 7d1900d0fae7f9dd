/**
 * Account labels: the demo's three "Atelier Lumen" accounts have distinct names in the sidebar,
 * the account filter and the conversation header; renaming one shows the new name everywhere at
 * once, in a toast, and after a reload. In French and in English.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const list = (page: Page) => page.getByTestId('conversation-list');

interface Words {
  rename: (name: string) => string;
  save: string;
  renamed: string;
  accountFilter: string;
  onAccount: (name: string) => string;
}

const FR: Words = {
  rename: (name) => `Renommer ${name}`,
  save: 'Enregistrer',
  renamed: 'Compte renommé',
  accountFilter: 'Compte',
  onAccount: (name) => `sur ${name}`,
};
const EN: Words = {
  rename: (name) => `Rename ${name}`,
  save: 'Save',
  renamed: 'Account renamed',
  accountFilter: 'Account',
  onAccount: (name) => `on ${name}`,
};

function scenario(words: Words): void {
  test('accounts show their labels everywhere, and a rename reaches every place and survives a reload', async ({ app: page, parvis }) => {
    await expect(list(page)).toBeFocused();
    const accounts = await parvis.core.handlers['accounts.list']({});
    const names = accounts.map((a) => a.label || a.displayName || a.handle);
    // The demo's accounts can be told apart.
    expect(new Set(names).size).toBe(accounts.length);
    const sidebar = page.getByRole('navigation');
    for (const account of accounts) await expect(sidebar.locator(`[data-account-id="${account.id}"]`)).toContainText(account.label || account.displayName);

    // The account filter names them the same way.
    await page.keyboard.press('f');
    const filter = page.locator('label.control', { has: page.locator('span', { hasText: new RegExp(`^${words.accountFilter}$`) }) }).locator('select');
    await expect(filter).toBeVisible();
    const options = (await filter.locator('option').allTextContents()).map((o) => o.trim());
    for (const name of names) expect(options.filter((o) => o === name), name).toHaveLength(1);
    await page.keyboard.press('Escape');

    // The conversation header names the open conversation's account.
    await list(page).focus();
    await page.keyboard.press('Enter');
    const conversationId = Number((await list(page).getAttribute('aria-activedescendant'))?.replace('conversation-row-', ''));
    const detail = await parvis.core.handlers['conversation.get']({ conversationId, markRead: false });
    const account = accounts.find((a) => a.id === detail.account.id)!;
    const header = page.locator('header.header p.subtitle');
    await expect(header).toContainText(words.onAccount(account.label || account.displayName));

    // Rename it from the accounts screen.
    await sidebar.locator(`[data-account-id="${account.id}"]`).click();
    const card = page.locator(`[data-testid="account-card"][data-account-id="${account.id}"]`);
    await card.getByRole('button', { name: words.rename(account.label || account.displayName) }).click();
    const field = card.getByRole('textbox');
    await expect(field).toBeFocused();
    await field.fill('Service client FR');
    await card.getByRole('button', { name: words.save }).click();
    await expect(card.getByRole('heading', { level: 2 })).toHaveText('Service client FR');
    await expect(card).toContainText(account.displayName);
    await expect(page.locator('.toasts')).toContainText(words.renamed);
    await expect(sidebar.locator(`[data-account-id="${account.id}"]`)).toContainText('Service client FR');
    await expect.poll(async () => (await parvis.core.handlers['accounts.list']({})).find((a) => a.id === account.id)?.label).toBe('Service client FR');

    await page.keyboard.press('Escape');
    await list(page).focus();
    await list(page).locator(`[data-conversation-id="${conversationId}"]`).click();
    await expect(header).toContainText(words.onAccount('Service client FR'));

    await page.reload();
    await expect(list(page)).toBeFocused();
    await expect(page.getByRole('navigation').locator(`[data-account-id="${account.id}"]`)).toContainText('Service client FR');
  });
}

test.describe('in French', () => {
  scenario(FR);
});

test.describe('in English', () => {
  test.use({ locale: 'en-US' });
  scenario(EN);
});
