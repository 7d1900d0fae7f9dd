/**
 * Feeds in the real UI (web mode) against the local feed server: two feeds followed through the
 * connect dialog (one from a blog's home page, whose feed Parvis finds), a new entry arriving with
 * "Check now", the entry shown as a feed entry, and the inbox filtered down to feeds while a
 * Bluesky mention is in it too.
 */
import { expect, type Page } from '@playwright/test';
import { networkedTest, openConnect } from './networked-test';
import { startFeedServer, type FeedServer } from './networks/feeds';

const test = networkedTest.extend<{ feeds: FeedServer }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  feeds: async ({}, use) => {
    const server = await startFeedServer();
    await use(server);
    await server.close();
  },
});

async function followFeed(page: Page, address: string, title: string): Promise<void> {
  await openConnect(page);
  await page.locator('[data-network="feeds"]').click();
  const dialog = page.getByTestId('connect-dialog');
  await expect(dialog.getByRole('heading', { name: 'Suivre un flux' })).toBeVisible();
  await dialog.getByLabel('Adresse du flux').fill(address);
  await dialog.getByRole('button', { name: 'Connecter', exact: true }).click();
  await expect(dialog.getByRole('status')).toContainText(`${title} est connecté`);
  await dialog.getByRole('button', { name: 'Terminé' }).click();
  await expect(page.getByTestId('connect-dialog')).toHaveCount(0);
}

async function checkNow(page: Page): Promise<void> {
  await page.keyboard.press('g');
  await page.keyboard.press('c');
  for (const card of await page.getByTestId('account-card').all()) await card.getByRole('button', { name: 'Vérifier maintenant' }).click();
  await page.keyboard.press('Escape');
}

test('two feeds followed through the dialog bring their entries, a new one arrives, and the inbox filters down to feeds', async ({ app: page, feeds, networks }) => {
  // A blog's home page: Parvis finds the feed it announces.
  await followFeed(page, `${feeds.url}/blog/`, 'Lumière & Co – Le blog');
  await followFeed(page, feeds.feedUrl('updates.json'), 'Lumière & Co — Alertes produits');

  // A page that is no feed and announces none fails in plain words, with the reason.
  await openConnect(page);
  await page.locator('[data-network="feeds"]').click();
  const dialog = page.getByTestId('connect-dialog');
  await dialog.getByLabel('Adresse du flux').fill(`${feeds.url}/no-feed.html`);
  await dialog.getByRole('button', { name: 'Connecter', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText('Parvis n’a pas pu suivre de flux à cette adresse');
  // The core's own (English) explanation stays in the logs: the dialog speaks French only.
  await expect(dialog.getByRole('alert')).not.toContainText('web page');
  await dialog.getByRole('button', { name: 'Annuler' }).click();

  // And a Bluesky account with a mention, so that the filter has something to leave out.
  await openConnect(page);
  await page.locator('[data-network="bluesky"]').click();
  await page.getByLabel('Identifiant').fill(networks.blueskyLogin.handle);
  await page.getByLabel('Mot de passe d’application').fill(networks.blueskyLogin.password);
  await page.getByRole('button', { name: 'Connecter', exact: true }).click();
  await page.getByTestId('connect-dialog').getByRole('button', { name: 'Terminé' }).click();
  networks.bluesky.control.addMention({ text: 'Votre Orbe en laiton est magnifique' });

  feeds.control.addEntry('blog.rss.xml', {
    id: 'https://blog.lumiere-et-co.example/?p=1490',
    title: 'Soldes d’hiver sur les abat-jour',
    html: '<p>Jusqu’au <strong>31 janvier</strong>.</p>',
    link: '/2026/11/05/soldes/',
    author: 'Camille Roche',
    publishedAt: new Date(),
  });
  await checkNow(page);

  const list = page.getByTestId('conversation-list');
  await expect(list.getByRole('option', { name: /Soldes d’hiver sur les abat-jour/ })).toBeVisible();
  await expect(list.getByRole('option', { name: /Rappel : variateur V2/ })).toBeVisible();
  await expect(list.getByRole('option', { name: /Orbe en laiton est magnifique/ })).toBeVisible();

  // The entry opens as a feed entry, its text without markup.
  await list.getByRole('option', { name: /Soldes d’hiver sur les abat-jour/ }).click();
  const pane = page.locator('[data-key-scope="conversation"]');
  await expect(pane).toContainText('Article de flux');
  await expect(pane.getByTestId('thread')).toContainText('Jusqu’au 31 janvier.');
  // A feed is read-only: no composer to write in.
  await expect(page.getByTestId('composer')).toHaveCount(0);

  // Filtered by the feed kind (its network): the Bluesky mention leaves, the entries stay.
  await page.getByRole('button', { name: /^Filtres/ }).click();
  await page.getByRole('group', { name: 'Filtres' }).getByLabel('Réseau').selectOption({ label: 'Flux' });
  await expect(list.getByRole('option', { name: /Orbe en laiton est magnifique/ })).toHaveCount(0);
  await expect(list.getByRole('option', { name: /Soldes d’hiver sur les abat-jour/ })).toBeVisible();
  await expect(list.getByRole('option', { name: /La lampe Orbe revient en laiton brossé/ })).toBeVisible();
  await expect(list.getByRole('option', { name: /Rappel : variateur V2/ })).toBeVisible();
});
