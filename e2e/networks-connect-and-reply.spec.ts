/**
 * Against the three local networks (e2e/networks/fixture.ts): an account of each is connected
 * through the UI (Mastodon and YouTube by approving in a new browser tab that lands on Parvis's
 * loopback redirect, Bluesky with a handle and an app password); a message posted on the server
 * reaches the inbox (for Mastodon within one poll interval, for the others with "Check now"), and
 * a reply written in Parvis reaches the server threaded under it.
 */
import { expect, type BrowserContext, type Page } from '@playwright/test';
import { networkedTest, openConnect, POLL_INTERVAL_SECONDS } from './networked-test';
import { waitFor } from './networks/fixture';

const test = networkedTest;

/** Approves Parvis in the browser: the consent page opens in a new tab and redirects to the loopback. */
async function approveInNewTab(context: BrowserContext, click: () => Promise<void>): Promise<void> {
  const [consent] = await Promise.all([context.waitForEvent('page'), click()]);
  await consent.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback/);
  await consent.close();
}

async function finishConnect(page: Page): Promise<void> {
  const dialog = page.getByTestId('connect-dialog');
  await expect(dialog.getByRole('status')).toContainText(/est connecté/);
  await dialog.getByRole('button', { name: 'Terminé' }).click();
  await expect(page.getByTestId('connect-dialog')).toHaveCount(0);
  await expect(page.getByTestId('account-card')).not.toHaveCount(0);
}

/** Opens the conversation holding `text` from the inbox, writes a reply and sends it. */
async function reply(page: Page, text: string, answer: string): Promise<void> {
  await page.keyboard.press('Escape');
  const row = page.getByTestId('conversation-list').getByRole('option', { name: new RegExp(text.slice(0, 20)) });
  await row.click();
  await page.keyboard.press('r');
  await expect(page.getByTestId('composer')).toBeFocused();
  await page.keyboard.type(answer);
  await page.keyboard.press('Control+Enter');
  await expect(page.locator('[data-key-scope="conversation"]').getByText(answer)).toBeVisible();
}

async function checkNow(page: Page): Promise<void> {
  await page.keyboard.press('g');
  await page.keyboard.press('c');
  for (const card of await page.getByTestId('account-card').all()) await card.getByRole('button', { name: 'Vérifier maintenant' }).click();
  await page.keyboard.press('Escape');
}

test('a Mastodon account connected in the browser brings a new mention within one poll interval, and the reply is threaded on the server', async ({ app: page, context, networks }) => {
  await openConnect(page);
  await page.locator('[data-network="mastodon"]').click();
  await page.getByLabel('Votre serveur').fill(networks.urls.mastodon);
  await approveInNewTab(context, () => page.getByRole('button', { name: 'Continuer dans le navigateur' }).click());
  await finishConnect(page);
  await expect(page.getByTestId('account-card').first()).toContainText('Connecté');

  const text = 'Bonjour, une question sur ma commande 4521 ?';
  const { statusId } = networks.mastodon.control.addMention({ from: 'camille', text });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('conversation-list').getByRole('option', { name: /une question sur ma commande/ })).toBeVisible({
    timeout: (POLL_INTERVAL_SECONDS + 5) * 1000,
  });

  await reply(page, text, 'Bonjour Camille, nous regardons votre commande tout de suite.');
  const posted = await waitFor('the reply on Mastodon', () => networks.mastodon.control.state().posted.find((s) => s.inReplyToId === statusId));
  expect(posted.text).toContain('nous regardons votre commande');
});

test('a Bluesky account connected with an app password gets a mention, and the reply carries the reply refs', async ({ app: page, networks }) => {
  await openConnect(page);
  await page.locator('[data-network="bluesky"]').click();
  await page.getByLabel('Identifiant').fill(networks.blueskyLogin.handle);
  await page.getByLabel('Mot de passe d’application').fill(networks.blueskyLogin.password);
  await expect(page.getByRole('link', { name: /Créer un mot de passe d’application/ })).toHaveAttribute('href', 'https://bsky.app/settings/app-passwords');
  await page.getByRole('button', { name: 'Connecter', exact: true }).click();
  await finishConnect(page);

  const text = 'Quand arrive la nouvelle lampe Halo ?';
  const mention = networks.bluesky.control.addMention({ text });
  await checkNow(page);
  await expect(page.getByTestId('conversation-list').getByRole('option', { name: /la nouvelle lampe Halo/ })).toBeVisible();

  await reply(page, text, 'Elle arrive au printemps !');
  const us = networks.bluesky.control.account;
  const posted = await waitFor('the reply on Bluesky', () =>
    networks.bluesky.control.state().posts.find((p) => p.reply?.parent.uri === mention.uri && p.author === us.did),
  );
  expect(posted.reply).toEqual({ root: { uri: mention.uri, cid: mention.cid }, parent: { uri: mention.uri, cid: mention.cid } });
  expect(posted.text).toBe('Elle arrive au printemps !');
});

test('a YouTube channel connected in the browser gets a comment, and the reply is posted under it', async ({ app: page, context, networks }) => {
  await openConnect(page);
  await page.locator('[data-network="youtube"]').click();
  await approveInNewTab(context, () => page.getByRole('button', { name: 'Continuer dans le navigateur' }).click());
  await finishConnect(page);

  const text = 'Superbe vidéo, la lampe existe en laiton ?';
  const comment = networks.youtube.control.addThread({ text });
  await checkNow(page);
  await expect(page.getByTestId('conversation-list').getByRole('option', { name: /la lampe existe en laiton/ })).toBeVisible();

  await reply(page, text, 'Oui, en laiton brossé !');
  const inserted = await waitFor('the reply on YouTube', () => networks.youtube.control.insertedReplies.find((r) => r.parentId === comment.id));
  expect(inserted.textOriginal).toBe('Oui, en laiton brossé !');
});
