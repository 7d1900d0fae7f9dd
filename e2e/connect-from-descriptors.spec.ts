/**
 * The connect dialog is drawn from the networks' descriptors: every network of the build is
 * offered with its way of signing in, a network that needs the user's own registered app (YouTube:
 * a Google OAuth client) asks for it first with a guide, keeps it in the keychain, and signs in
 * with it; the reply counter uses the descriptor's limit.
 */
import { expect } from '@playwright/test';
import { STATIC_DIR } from './fixtures';
import { networkedTest } from './networked-test';
import { FAST_OUTBOX, FAST_SYNC, LOCAL_GOOGLE_CLIENT, startNetworkedWebMode, waitFor } from './networks/fixture';

/** Web mode as a user without any Google client in the build or the environment starts it. */
const test = networkedTest.extend({
  mode: async ({ networks }, use) => {
    const { developerApps: _none, ...withoutDeveloperApps } = networks.endpoints;
    const mode = await startNetworkedWebMode({ endpoints: withoutDeveloperApps }, { staticDir: STATIC_DIR, syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX });
    await use(mode);
    await mode.close();
  },
});

test('YouTube asks for the user\'s own Google client first, keeps it in the keychain, and signs in with it', async ({ app: page, context, mode, networks }) => {
  await page.getByTestId('empty-connect').click();
  const dialog = page.getByTestId('connect-dialog');
  // Every network of the build, each with its way of signing in, from its descriptor.
  const described = (await mode.core.handlers['accounts.networks']({})).filter((n) => n.connectable);
  await expect(dialog.locator('[data-network]')).toHaveCount(described.length);
  expect(await dialog.locator('[data-network]').evaluateAll((items) => items.map((i) => i.getAttribute('data-network')))).toEqual(described.map((n) => n.id));
  await expect(dialog.locator('[data-network="bluesky"]')).toContainText('Votre identifiant et un mot de passe d’application');
  await expect(dialog.locator('[data-network="mastodon"]')).toContainText('dans votre navigateur');

  await dialog.locator('[data-network="youtube"]').click();
  const app = page.getByTestId('developer-app');
  await expect(app.getByRole('heading')).toContainText('YouTube demande votre propre application');
  await expect(app.getByRole('listitem')).toHaveCount(4);
  await expect(app.getByRole('link', { name: /console développeur/ })).toHaveAttribute('href', 'https://console.cloud.google.com/apis/credentials');
  await app.getByLabel('ID client').fill(LOCAL_GOOGLE_CLIENT.clientId);
  await app.getByLabel('Code secret du client').fill(LOCAL_GOOGLE_CLIENT.clientSecret);
  await app.getByRole('button', { name: 'Enregistrer et continuer' }).click();

  await expect(dialog.getByTestId('developer-app-in-use')).toContainText(LOCAL_GOOGLE_CLIENT.clientId);
  await expect(dialog.getByTestId('developer-app-in-use')).toContainText('Vous l’avez ajoutée.');
  // The secret went to the keychain, and never comes back to the page.
  expect(JSON.parse((await mode.core.secrets.get('developer-app:youtube'))!)).toEqual(LOCAL_GOOGLE_CLIENT);
  await expect(page.locator('body')).not.toContainText(LOCAL_GOOGLE_CLIENT.clientSecret);

  const [consent] = await Promise.all([context.waitForEvent('page'), dialog.getByRole('button', { name: 'Continuer dans le navigateur' }).click()]);
  await consent.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback/);
  await consent.close();
  await expect(dialog.getByRole('status')).toContainText(/est connecté/);
  await dialog.getByRole('button', { name: 'Terminé' }).click();

  // A comment arrives; the composer counts against YouTube's limit, from its descriptor.
  networks.youtube.control.addThread({ text: 'La lampe Halo existe-t-elle en noir ?' });
  const [account] = await mode.core.handlers['accounts.list']({});
  await mode.core.handlers['accounts.pollNow']({ accountId: account!.id });
  await waitFor('the comment in the store', () => mode.core.db.prepare("SELECT 1 FROM messages WHERE text LIKE '%en noir%'").get());
  await page.keyboard.press('Escape');
  await page.getByTestId('conversation-list').getByRole('option', { name: /existe-t-elle en noir/ }).click();
  await page.keyboard.press('r');
  await page.keyboard.type('Oui !');
  await expect(page.locator('#reply-counter')).toContainText(/^5\s*\/\s*10\s?000$/);
});
