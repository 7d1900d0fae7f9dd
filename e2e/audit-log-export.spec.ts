/**
 * The audit log: a moderation action taken by hand shows with who did it, what, on which message
 * and the network's answer; the search finds it; "Export CSV" downloads a file with its line.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';

test('a manual action shows in the audit log, is found by the search and is in the CSV export', async ({ app: page, parvis }) => {
  const me = (await parvis.core.handlers['members.list']({})).find((m) => m.isMe)!;
  const list = page.getByTestId('conversation-list');
  await expect(list).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('thread')).toBeFocused();
  const conversationId = Number((await list.getAttribute('aria-activedescendant'))?.replace('conversation-row-', ''));
  const author = (await parvis.core.handlers['conversation.get']({ conversationId, markRead: false })).conversation.author!;

  await page.keyboard.press('m');
  const menu = page.getByTestId('moderation-menu');
  await expect(menu).toBeVisible();
  // Down past hold, hide, remove, spam (and closing to comments, where the network has it) to block.
  const block = menu.getByRole('menuitem', { name: 'Bloquer l’auteur' });
  for (let i = 0; i < 12 && !(await block.evaluate((el) => el === el.ownerDocument.activeElement)); i += 1) await page.keyboard.press('ArrowDown');
  await expect(block).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByText('Auteur bloqué')).toBeVisible();

  await page.keyboard.press('g');
  await page.keyboard.press('l');
  await expect(page.getByRole('heading', { level: 1, name: 'Journal de modération' })).toBeFocused();
  const row = page.getByTestId('audit-row').first();
  await expect(row).toContainText(me.name);
  await expect(row).toContainText('à la main');
  await expect(row).toContainText('Bloquer l’auteur');
  await expect(row).toContainText(author.name);
  await expect(row).toContainText('Dans Parvis seulement');

  const search = page.getByTestId('audit-search');
  await search.fill(author.name);
  await expect(page.getByTestId('audit-row')).toHaveCount(1);
  await search.fill('personne-de-ce-nom');
  await expect(page.getByTestId('audit-row')).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 2, name: /Rien ne correspond/ })).toContainText('personne-de-ce-nom');
  await search.fill('');
  await expect(page.getByTestId('audit-row')).toHaveCount(1);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/^parvis-moderation-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  const lines = csv.replace(/^\uFEFF/, '').trim().split(/\r\n/);
  // In the app's language, like the screen: headers, the action, the origin and the answer.
  expect(lines[0]).toBe('Heure (UTC),Qui,Action,Origine,Réseau,Message,Réponse du réseau');
  const line = lines.find((l) => l.includes('Bloquer l’auteur'));
  expect(line).toBeDefined();
  expect(line).toContain(`,${me.name},Bloquer l’auteur,à la main,`);
  expect(line).toContain(author.name);
  expect(line).toMatch(/,Dans Parvis seulement$/);
  expect(csv).not.toMatch(/block-author|manual|network answer/);
});
