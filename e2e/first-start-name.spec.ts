/**
 * First start asks the user's name (issue 11, finding 5): the team member is not named after the
 * operating-system user ("Root"). The name given is kept, not asked again, and changes in the settings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { MemorySecretStore } from '../electron/core/secrets/secret-store';
import { startWebMode } from '../electron/web/start';
import { STATIC_DIR } from './fixtures';
import { callCore } from './networks/fixture';

test('the user gives their name at first start; it is kept, and changed in the settings', async ({ page }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parvis-first-start-'));
  const mode = await startWebMode({ dataDir, staticDir: STATIC_DIR, secrets: new MemorySecretStore() });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  try {
    await page.goto(mode.url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bienvenue dans Parvis');
    const name = page.getByLabel('Votre nom');
    await expect(name).toBeFocused();
    await expect(name).toHaveValue('');

    // Nothing is saved without a name.
    await expect(page.getByRole('button', { name: 'Continuer' })).toHaveAttribute('aria-disabled', 'true');
    await name.press('Enter');
    await expect(page.getByTestId('first-start')).toBeVisible();
    expect(await callCore(mode.core, 'members.list', {})).toEqual([expect.objectContaining({ isMe: true, unnamed: true })]);

    await name.fill('  Camille Martin ');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Boîte de réception');
    await expect(page.getByTestId('first-start')).toHaveCount(0);
    // Then the empty inbox offers to connect a first account.
    await expect(page.getByTestId('empty-connect')).toBeVisible();
    const [me] = await callCore(mode.core, 'members.list', {});
    expect(me).toMatchObject({ isMe: true, name: 'Camille Martin' });
    expect(me).not.toHaveProperty('unnamed');

    // Not asked again.
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Boîte de réception');
    await expect(page.getByTestId('first-start')).toHaveCount(0);

    // Changed in the settings, in either language.
    await page.keyboard.press('Control+,');
    const settings = page.getByRole('dialog', { name: 'Réglages' });
    const mine = settings.getByLabel('Votre nom');
    await expect(mine).toHaveValue('Camille Martin');
    await mine.fill('Camille M.');
    await mine.press('Enter');
    await expect(page.locator('.toast', { hasText: 'Votre équipe vous voit désormais comme Camille M.' })).toBeVisible();
    expect((await callCore(mode.core, 'members.list', {}))[0]).toMatchObject({ name: 'Camille M.' });
    await settings.getByLabel('English').check();
    await expect(page.getByRole('dialog', { name: 'Settings' }).getByLabel('Your name')).toHaveValue('Camille M.');
    expect(errors).toEqual([]);
  } finally {
    await page.close();
    await mode.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
