/**
 * The accounts screen tells the truth about each account (issue 11, finding 3), against a local
 * Bluesky server of its own (these tests break the account on the server):
 * - an outage: the card says the last check failed and why, never "All good" beside an error,
 *   and "Check now" says it could not check;
 * - the account deleted on the server: "Needs sign-in" with the server's reason, and "Check now"
 *   says a new sign-in is needed (not "is checked");
 * - signing in again from the card repairs the same account: one card, state ok.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { fr } from '../renderer/src/i18n/fr';
import { checker, visibleTexts, type Tree } from './catalogue-check';
import { STATIC_DIR } from './fixtures';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, startNetworkedWebMode, startNetworks, type LocalNetworks, type NetworkedWebMode } from './networks/fixture';

let networks: LocalNetworks;
let mode: NetworkedWebMode;
let errors: string[];

test.beforeEach(async ({ page }) => {
  networks = await startNetworks();
  mode = await startNetworkedWebMode(networks, { staticDir: STATIC_DIR, syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX, pollIntervalSeconds: 15 });
  errors = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
});

test.afterEach(async ({ page }) => {
  // Errors while the app runs; closing the core afterwards makes the page's bridge complain.
  const seen = [...errors];
  await page.close();
  await mode?.close();
  await networks?.stop();
  expect(seen, 'no console or page errors').toEqual([]);
});

/**
 * Every word on the card outside what is data comes from the French catalogue: the core's errors
 * travel as codes (issue 12), so no English sentence of a connector reaches it.
 */
async function expectCardInFrench(page: Page, card: Locator, data: string[]): Promise<void> {
  const id = await card.getAttribute('data-account-id');
  const networks = await callCore(mode.core, 'accounts.networks', {});
  const ok = checker(fr as unknown as Tree, ['Parvis', ...networks.flatMap((n) => [n.displayName, n.icon.glyph]), ...data]);
  const strays = (await visibleTexts(page, `[data-testid="account-card"][data-account-id="${id}"]`)).filter((text) => !ok(text));
  expect(strays).toEqual([]);
}

/** Connects the Bluesky account, checks it once, and opens the accounts screen on its card. */
async function accountsScreen(page: Page) {
  const account = await connectAccount(mode.core, { network: 'bluesky', fields: { server: networks.urls.bluesky, ...networks.blueskyLogin } });
  await callCore(mode.core, 'accounts.pollNow', { accountId: account.id });
  await page.goto(mode.url);
  await page.locator(`nav [data-account-id="${account.id}"]`).click();
  const card = page.locator(`[data-testid="account-card"][data-account-id="${account.id}"]`);
  await expect(card.getByTestId('account-state')).toHaveText('Connecté');
  await expect(card.getByTestId('account-advice')).toContainText('Tout va bien');
  await expect(card.getByTestId('account-last-error')).toHaveCount(0);
  return { account, card };
}

test('an outage: the card says the last check failed and why, never "All good" beside it, and "Check now" says so', async ({ page }) => {
  test.setTimeout(60_000);
  const { account, card } = await accountsScreen(page);

  // The server answers 503 to everything for a long while (each check tries each call three times).
  networks.bluesky.control.injectFault({ kind: 'server-error', status: 503 }, 600);
  await card.getByRole('button', { name: 'Vérifier maintenant' }).click();
  await expect(page.locator('.toast', { hasText: 'n’a pas pu être vérifié' })).toContainText('Le serveur est indisponible pour le moment', { timeout: 20_000 });
  await expect(page.locator('.toast', { hasText: 'est vérifié' })).toHaveCount(0);

  await expect(card.getByTestId('account-state')).toHaveText('Dernière vérification échouée');
  await expect(card.getByTestId('account-advice')).not.toContainText('Tout va bien');
  await expect(card.getByTestId('account-advice')).toContainText('Parvis continue de le vérifier');
  // What happened in French, from the error's code; the server's own words follow, quoted and marked as its.
  await expect(card.getByTestId('account-last-error')).toContainText('Dernière erreur : Le serveur est indisponible pour le moment (surchargé ou en maintenance).');
  const detail = card.getByTestId('account-error-detail');
  await expect(detail).toHaveText(/^Réponse du serveur\s:\s«\s.+\s»$/);
  await expect(detail.locator('.untrusted')).toHaveText('Internal server error');
  // Neither the connector's English sentence nor the request it made reaches the card.
  await expect(card).not.toContainText('HTTP');
  await expect(card).not.toContainText('listNotifications');
  await expectCardInFrench(page, card, [account.handle, account.displayName, new URL(networks.urls.bluesky).host]);
  await expect(page.locator(`nav [data-account-id="${account.id}"]`)).toHaveAttribute('aria-label', /Dernière vérification échouée/);
});

test('an account deleted on the server: "Needs sign-in" with the reason, and "Check now" says a new sign-in is needed', async ({ page }) => {
  test.setTimeout(60_000);
  const { account, card } = await accountsScreen(page);

  networks.bluesky.control.deleteAccount();
  await card.getByRole('button', { name: 'Vérifier maintenant' }).click();
  await expect(page.locator('.toast', { hasText: 'demande une nouvelle connexion' })).toContainText('Le réseau a refusé la connexion.', { timeout: 20_000 });
  await expect(page.locator('.toast', { hasText: 'est vérifié' })).toHaveCount(0);

  await expect(card.getByTestId('account-state')).toHaveText('Reconnexion requise');
  await expect(card.getByTestId('account-advice')).not.toContainText('Tout va bien');
  await expect(card.getByTestId('account-last-error')).toContainText('Dernière erreur : Le réseau a refusé la connexion.');
  // The server's reason, in its own words, quoted after the French.
  await expect(card.getByTestId('account-error-detail')).toHaveText(/^Réponse du serveur\s:\s«\sCould not find user info for account: .+\s»$/);
  await expect(card).not.toContainText('getSession');
  await expectCardInFrench(page, card, [account.handle, account.displayName, new URL(networks.urls.bluesky).host]);
  await expect(card.getByRole('button', { name: 'Se reconnecter' })).toBeVisible();
});

test('signing in again from the card repairs the same account: one card, connected again', async ({ page }) => {
  test.setTimeout(60_000);
  const { account, card } = await accountsScreen(page);

  networks.bluesky.control.revokeSessions();
  await card.getByRole('button', { name: 'Vérifier maintenant' }).click();
  await expect(card.getByTestId('account-state')).toHaveText('Reconnexion requise', { timeout: 20_000 });

  await card.getByRole('button', { name: 'Se reconnecter' }).click();
  const dialog = page.getByTestId('connect-dialog');
  await expect(dialog.getByLabel('Identifiant')).toHaveValue(networks.blueskyLogin.handle);
  await dialog.getByLabel('Mot de passe d’application').fill(networks.blueskyLogin.password);
  await dialog.getByRole('button', { name: 'Connecter', exact: true }).click();
  await expect(dialog.getByRole('status')).toContainText(/est connecté/);
  await dialog.getByRole('button', { name: 'Terminé' }).click();

  await expect(page.getByTestId('account-card')).toHaveCount(1);
  await expect(card.getByTestId('account-state')).toHaveText('Connecté');
  expect((await callCore(mode.core, 'accounts.list', {})).map((a) => a.id)).toEqual([account.id]);
});
