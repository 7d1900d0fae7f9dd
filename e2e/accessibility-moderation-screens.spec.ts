/**
 * An axe-core scan of the screens added for moderation and accounts, in both themes: the review
 * queue with a flagged message and its moderation menu, the report dialog, the accounts screen
 * with its connect and confirm dialogs, the rules screen with a dry run and the editor, the word
 * lists and the audit log. No serious or critical violation.
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

async function go(page: Page, keys: string): Promise<void> {
  for (const key of keys.split(' ')) await page.keyboard.press(key);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`the moderation and accounts screens pass axe in the ${scheme} theme`, async ({ app: page, parvis }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(page.getByTestId('conversation-list')).toBeFocused();
    const account = parvis.core.accounts.list().find((a) => a.network === 'bluesky')!;
    const { conversationIds } = parvis.core.ingest(account.id, {
      items: [
        {
          remoteId: 'axe-insult',
          threadRemoteId: 'axe-thread',
          kind: 'comment',
          direction: 'in',
          author: { remoteId: 'axe-author', handle: 'rageur.bsky.social', name: 'Rageur' },
          text: 'Bande de connards, remboursez-moi.',
          createdAt: parvis.core.now(),
        },
      ],
      cursor: null,
    });
    parvis.core.emit('inbox.changed', { conversationIds, reason: 'ingest' });

    await go(page, 'g h');
    await expect(page.getByTestId('review-bar')).toBeVisible();
    await expect(page.locator('mark.flag-hit')).toBeVisible();
    expect(await seriousViolations(page), 'review queue').toEqual([]);

    await page.keyboard.press('m');
    await expect(page.getByTestId('moderation-menu')).toBeVisible();
    expect(await seriousViolations(page), 'moderation menu').toEqual([]);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('report-dialog')).toBeVisible();
    expect(await seriousViolations(page), 'report dialog').toEqual([]);
    await page.keyboard.press('Escape');

    await go(page, 'g c');
    await expect(page.getByTestId('account-card').first()).toBeVisible();
    expect(await seriousViolations(page), 'accounts').toEqual([]);
    await page.getByTestId('connect-account').click();
    await expect(page.getByTestId('connect-dialog')).toBeVisible();
    expect(await seriousViolations(page), 'connect dialog').toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByTestId('account-card').first().getByRole('button', { name: 'Retirer…' }).click();
    await expect(page.getByTestId('confirm')).toBeVisible();
    expect(await seriousViolations(page), 'confirm dialog').toEqual([]);
    await page.keyboard.press('Escape');

    await go(page, 'g r');
    await page.getByTestId('rule-dry-run').first().click();
    await expect(page.getByTestId('dry-run-report')).toBeVisible();
    expect(await seriousViolations(page), 'rules and dry run').toEqual([]);
    await page.getByTestId('new-rule').click();
    await expect(page.getByLabel('Nom')).toBeFocused();
    expect(await seriousViolations(page), 'rule editor').toEqual([]);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');

    await go(page, 'g w');
    await expect(page.getByRole('tab', { name: /Français/ })).toBeVisible();
    expect(await seriousViolations(page), 'word lists').toEqual([]);
    await page.getByRole('tab', { name: 'Toujours autorisés' }).click();
    expect(await seriousViolations(page), 'allow-list').toEqual([]);

    await go(page, 'g l');
    await expect(page.getByTestId('audit-row').first()).toBeVisible();
    expect(await seriousViolations(page), 'audit log').toEqual([]);
  });
}
