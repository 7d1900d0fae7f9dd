/**
 * The rules screen: a new rule written in the editor is tried with a dry run whose count is the
 * number of recent incoming messages its pattern matches (counted here independently), is saved,
 * then moved above the shipped rule with the keyboard.
 */
import { expect, test } from './fixtures';

test('a dry run counts what a new rule would catch, and the saved rule moves up with Alt+↑', async ({ app: page, parvis }) => {
  await expect(page.getByTestId('conversation-list')).toBeFocused();
  await page.keyboard.press('g');
  await page.keyboard.press('r');
  await expect(page.getByRole('heading', { level: 1, name: 'Règles de nétiquette' })).toBeFocused();
  await expect(page.getByTestId('rule-row')).toHaveCount(1);

  await page.getByTestId('new-rule').click();
  await expect(page.getByLabel('Nom')).toBeFocused();
  await page.keyboard.type('Colis');
  const condition = page.locator('fieldset.condition').first();
  await condition.getByLabel('Condition', { exact: true }).selectOption('regex');
  const pattern = condition.getByLabel('Expression régulière');
  await pattern.fill('colis');
  await pattern.press('Tab');

  // The same question asked of the database directly: incoming messages, newest 1000, matching /colis/iu.
  const recent = parvis.core.db
    .prepare<[], { text: string }>(`SELECT text FROM messages WHERE direction = 'in' ORDER BY id DESC LIMIT 1000`)
    .all();
  const expected = recent.filter((m) => /colis/iu.test(m.text)).length;
  expect(expected).toBeGreaterThan(0);

  await page.getByTestId('dry-run').click();
  const report = page.getByTestId('dry-run-report');
  await expect(report.getByTestId('dry-run-count')).toHaveText(String(expected));
  await expect(report).toContainText(`${recent.length}`);
  await expect(report.locator('mark.flag-hit').first()).toHaveText(/colis/i);
  // A dry run changes nothing.
  expect((await parvis.core.handlers['rules.list']({})).map((r) => r.definition.name)).toEqual(['Netiquette']);

  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('rule-row')).toHaveCount(2);
  const saved = page.getByTestId('rule-row').nth(1);
  await expect(saved).toContainText('Colis');
  // Back on the list, focus is on the rule just saved: Alt+↑ moves it first.
  await expect(saved.getByRole('button', { name: 'Modifier' })).toBeFocused();
  await page.keyboard.press('Alt+ArrowUp');
  await expect(page.getByTestId('rule-row').first()).toContainText('Colis');
  await expect(page.getByTestId('rule-row').first().getByRole('button', { name: 'Modifier' })).toBeFocused();
  await expect
    .poll(async () => (await parvis.core.handlers['rules.list']({})).sort((a, b) => a.position - b.position).map((r) => r.definition.name))
    .toEqual(['Colis', 'Netiquette']);

  // The shipped rule's switch: hide on the network at once.
  await page.getByTestId('auto-hide').check();
  await expect
    .poll(async () => (await parvis.core.handlers['rules.list']({})).find((r) => r.definition.id === 'netiquette')?.definition.actions.map((a) => a.type))
    .toContain('hide-on-network');
});
