/**
 * X through the UI (web mode) against the local X API: the account is connected in the browser
 * (OAuth 2 with PKCE, the consent page redirecting to Parvis's loopback) with a monthly read cap;
 * a mention and a direct message arrive within one poll; the reply is threaded under the mention
 * on X, the DM answer goes to its conversation; a reply under the account's own post is hidden on
 * X from the message menu; the account shows this month's reads against the cap.
 */
import { expect, type BrowserContext, type Page } from '@playwright/test';
import { networkedTest, openConnect } from './networked-test';
import { waitFor } from './networks/fixture';

const test = networkedTest;
const list = (page: Page) => page.getByTestId('conversation-list');

async function approveInNewTab(context: BrowserContext, click: () => Promise<void>): Promise<void> {
  const [consent] = await Promise.all([context.waitForEvent('page'), click()]);
  await consent.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback/);
  await consent.close();
}

async function openAndReply(page: Page, row: RegExp, answer: string): Promise<void> {
  await list(page).getByRole('option', { name: row }).click();
  await page.keyboard.press('r');
  await expect(page.getByTestId('composer')).toBeFocused();
  await page.keyboard.type(answer);
  await page.keyboard.press('Control+Enter');
  await expect(page.locator('[data-key-scope="conversation"]').getByText(answer)).toBeVisible();
}

test('an X account connected in the browser gets a mention and a DM within one poll; replies reach X in place; a reply is hidden; reads are shown', async ({ app: page, context, networks }) => {
  const { control } = networks.x;
  await openConnect(page);
  await page.locator('[data-network="x"]').click();
  const dialog = page.getByTestId('connect-dialog');
  await expect(dialog.getByRole('heading', { name: 'Connecter un compte X' })).toBeVisible();
  await page.getByLabel('Plafond de lectures par mois').fill('2000');
  await approveInNewTab(context, () => page.getByRole('button', { name: 'Continuer dans le navigateur' }).click());
  await expect(dialog.getByRole('status')).toContainText(/est connecté/);
  await dialog.getByRole('button', { name: 'Terminé' }).click();
  await expect(dialog).toHaveCount(0);

  const camille = control.user({ username: 'camille_rx', name: 'Camille Roux' });
  const troll = control.user({ username: 'troll_du_jour', name: 'Troll du jour' });
  const launch = control.post({ author: control.account, text: 'La lampe Dune arrive en boutique jeudi.' });
  const mention = control.post({ author: camille, text: '@atelierlumen ma commande 48213 n’est toujours pas arrivée' });
  const rude = control.post({ author: troll, text: 'Lampe hors de prix, arnaque', inReplyTo: launch.id });
  const dm = control.dm({ from: camille, text: 'Je vous écris en privé : mon adresse a changé.' });

  // One poll: "Check now" on the account card.
  await page.keyboard.press('g');
  await page.keyboard.press('c');
  const card = page.getByTestId('account-card').filter({ hasText: '@atelierlumen' });
  await card.getByRole('button', { name: 'Vérifier maintenant' }).click();
  // This month's reads, against the cap chosen at sign-in.
  await expect(card).toContainText('Lectures ce mois-ci');
  await expect(card).toContainText(/lectures sur 2\s?000/);
  await page.keyboard.press('Escape');
  await expect(list(page).getByRole('option', { name: /commande 48213/ })).toBeVisible();
  await expect(list(page).getByRole('option', { name: /mon adresse a changé/ })).toBeVisible();

  await openAndReply(page, /commande 48213/, 'Bonjour Camille, elle part demain matin.');
  const reply = await waitFor('the reply on X', () => control.created.find((p) => p.text.endsWith('elle part demain matin.')), 10_000);
  expect(reply.referenced_tweets).toEqual([{ type: 'replied_to', id: mention.id }]);

  await page.keyboard.press('Escape');
  await openAndReply(page, /mon adresse a changé/, 'Merci, nous mettons votre adresse à jour.');
  const answer = await waitFor('the DM answer on X', () => control.dmsSent.find((e) => e.text === 'Merci, nous mettons votre adresse à jour.'), 10_000);
  expect(answer.dm_conversation_id).toBe(dm.dm_conversation_id);

  await page.keyboard.press('Escape');
  await list(page).getByRole('option', { name: /arnaque/ }).click();
  await page.getByTestId('thread').focus();
  await page.keyboard.press('m');
  const menu = page.getByTestId('moderation-menu');
  await expect(menu).toBeVisible();
  // Blocking is not in X's API: the menu says so rather than offering it.
  await expect(menu.getByRole('menuitem', { name: 'Bloquer l’auteur' })).toBeDisabled();
  const hide = menu.getByRole('menuitem', { name: /^Masquer Fait dans Parvis et sur X/ });
  for (let i = 0; i < 12 && !(await hide.evaluate((el) => el === el.ownerDocument.activeElement)); i += 1) await page.keyboard.press('ArrowDown');
  await expect(hide).toBeFocused();
  await page.keyboard.press('Enter');
  await waitFor('the reply hidden on X', () => control.getPost(rude.id)?.hidden === true, 10_000);
});
