/**
 * Facebook Pages and Instagram through the UI (web mode) against the local Graph API: one
 * Facebook Login in the browser, a Page and an Instagram account chosen among what it gives; a
 * Page comment, a Messenger message and an Instagram comment arrive within one poll; each answer
 * reaches Meta under the right parent; a private reply, a hidden comment and a banned author;
 * comments turned off on the Instagram post and back on; a
 * Messenger conversation past the 7-day window is refused in plain words and the text stays.
 */
import { expect, type Page } from '@playwright/test';
import { STATIC_DIR } from './fixtures';
import { networkedTest, openConnect } from './networked-test';
import { FAST_OUTBOX, FAST_SYNC, localEndpoints, startNetworkedWebMode, waitFor } from './networks/fixture';
import { startMetaServer, type MetaServer } from './networks/meta';

const test = networkedTest.extend<{ meta: MetaServer }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  meta: async ({}, use) => {
    const server = await startMetaServer();
    await use(server);
    await server.close();
  },
  mode: async ({ meta }, use) => {
    // Only the Graph API is local here; the other networks are never reached in this spec.
    const networks = localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9' });
    // The local Meta app stands for the one the user enters (or a build embeds).
    const app = { clientId: meta.control.app.clientId, clientSecret: meta.control.app.clientSecret };
    const mode = await startNetworkedWebMode(
      {
        endpoints: {
          ...networks,
          endpoints: { ...networks.endpoints, facebook: meta.endpoints, instagram: meta.endpoints },
          developerApps: { ...networks.developerApps, facebook: app, instagram: app },
        },
      },
      { staticDir: STATIC_DIR, syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX, pollIntervalSeconds: 15 },
    );
    await use(mode);
    await mode.close();
  },
});

async function checkNow(page: Page): Promise<void> {
  await page.keyboard.press('g');
  await page.keyboard.press('c');
  for (const card of await page.getByTestId('account-card').all()) await card.getByRole('button', { name: 'Vérifier maintenant' }).click();
  await page.keyboard.press('Escape');
}

async function open(page: Page, text: RegExp): Promise<void> {
  await page.getByTestId('conversation-list').getByRole('option', { name: text }).click();
}

async function answer(page: Page, text: string): Promise<void> {
  await page.keyboard.press('r');
  await expect(page.getByTestId('composer')).toBeFocused();
  await page.keyboard.type(text);
  await page.keyboard.press('Control+Enter');
  await expect(page.locator('[data-key-scope="conversation"]').getByText(text)).toBeVisible();
}

async function moderate(page: Page, author: string, action: string): Promise<void> {
  await page.getByRole('button', { name: `Modérer le message de ${author}` }).first().click();
  const menu = page.getByTestId('moderation-menu');
  await expect(menu).toBeVisible();
  await menu.getByRole('menuitem', { name: action }).click();
}

test('one Facebook sign-in adds a Page and its Instagram account; comments and messages arrive, answers reach Meta, a closed window is refused in plain words', async ({ app: page, context, meta }) => {
  const { control } = meta;
  const { page: fbPage, instagram } = control.addPage({ name: 'Atelier Lumen', instagram: { username: 'atelier.lumen' } });
  control.addPage({ name: 'Lumen Outlet' });
  const camille = { id: '5550001', name: 'Camille Roux' };
  const hugo = { id: '5550002', name: 'Hugo Petit' };
  const ines = { id: '5550003', name: 'Inès Moreau' };
  // Written 8 days ago: past Meta's window, even for a person answering.
  control.message(fbPage.id, { from: ines, text: 'Mon colis est arrivé abîmé', ageMs: 8 * 86_400_000 });

  await openConnect(page);
  await page.locator('[data-network="facebook"]').click();
  const dialog = page.getByTestId('connect-dialog');
  await expect(dialog.getByRole('heading', { name: 'Connecter des Pages Facebook et des comptes Instagram' })).toBeVisible();
  const [consent] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: 'Continuer dans le navigateur' }).click()]);
  await consent.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback/);
  await consent.close();

  // The chooser lists both Pages and the Instagram account, each with its network.
  const pick = page.getByTestId('connect-pick');
  await expect(pick.getByRole('checkbox')).toHaveCount(3);
  await expect(pick.locator('li', { hasText: 'atelier.lumen' })).toContainText('Instagram');
  await pick.locator('li', { hasText: 'Lumen Outlet' }).getByRole('checkbox').uncheck();
  await pick.getByRole('button', { name: 'Ajouter les comptes choisis' }).click();
  await expect(dialog.getByRole('status')).toContainText(/2 comptes sont connectés/);
  await dialog.getByRole('button', { name: 'Terminé' }).click();

  const post = control.post(fbPage.id, { message: 'Notre nouvelle lampe Dune est arrivée !' });
  const question = control.comment(post.id, { message: 'Elle existe en blanc ?', from: camille });
  const rude = control.comment(post.id, { message: 'Arnaque, ne commandez pas chez eux', from: hugo });
  control.message(fbPage.id, { from: hugo, text: 'Où en est ma commande 48213 ?' });
  const media = control.media(instagram!.id, { caption: 'Dune, la lampe qui se plie' });
  const igQuestion = control.igComment(media.id, { text: 'Quel est le prix de la Dune ?', from: { id: '1789000111', username: 'lea.design' } });

  await checkNow(page);
  await expect(page.getByTestId('conversation-list').getByRole('option', { name: /Elle existe en blanc/ })).toBeVisible();
  await expect(page.getByTestId('conversation-list').getByRole('option', { name: /ma commande 48213/ })).toBeVisible();
  await expect(page.getByTestId('conversation-list').getByRole('option', { name: /le prix de la Dune/ })).toBeVisible();

  // A comment: the answer goes under it; then a private answer to its author in Messenger.
  await open(page, /Elle existe en blanc/);
  await answer(page, 'Oui, en blanc craie !');
  const reply = await waitFor('the comment reply', () => control.sent.find((s) => s.text === 'Oui, en blanc craie !'), 10_000);
  expect(reply).toMatchObject({ kind: 'comment-reply', parentId: question.id });
  await page.keyboard.press('r');
  await page.getByTestId('answer-privately').check();
  await page.getByTestId('composer').fill('Je vous envoie le nuancier en privé.');
  await page.getByTestId('composer').press('Control+Enter');
  const privately = await waitFor('the private reply', () => control.sent.find((s) => s.kind === 'private-reply'), 10_000);
  expect(privately).toMatchObject({ parentId: question.id, text: 'Je vous envoie le nuancier en privé.' });

  // The rude comment: hidden, its author banned from the Page.
  await open(page, /Arnaque/);
  await moderate(page, 'Hugo Petit', 'Masquer');
  await waitFor('the comment hidden on Facebook', () => control.comments.get(rude.id)!.isHidden, 10_000);
  await moderate(page, 'Hugo Petit', 'Bannir l’auteur');
  await waitFor('Hugo banned from the Page', () => control.pages.get(fbPage.id)!.blocked.has(hugo.id), 10_000);

  // Messenger, within the window: the time left shows, the answer goes to Hugo.
  await open(page, /ma commande 48213/);
  await expect(page.getByTestId('reply-window')).toContainText(/Temps restant pour répondre\s*:\s*23 h/);
  await answer(page, 'Elle part demain, Hugo.');
  const dm = await waitFor('the Messenger answer', () => control.sent.find((s) => s.text === 'Elle part demain, Hugo.'), 10_000);
  expect(dm).toMatchObject({ kind: 'message', parentId: hugo.id, messagingType: 'RESPONSE' });

  // Instagram: the answer goes under the comment.
  await open(page, /le prix de la Dune/);
  await answer(page, '89 €, livraison offerte.');
  const ig = await waitFor('the Instagram reply', () => control.sent.find((s) => s.text === '89 €, livraison offerte.'), 10_000);
  expect(ig).toMatchObject({ kind: 'ig-reply', parentId: igQuestion.id });
  // Comments turned off on the Instagram post from the comment's menu (held a few seconds with Undo), then back on.
  await moderate(page, 'lea.design', 'Fermer aux nouveaux commentaires');
  await waitFor('comments off on Instagram', () => !media.commentsEnabled, 15_000);
  await moderate(page, 'lea.design', 'Rouvrir aux commentaires');
  await waitFor('comments on again on Instagram', () => media.commentsEnabled, 10_000);

  // Past the window: refused in plain words, the text stays in the composer, nothing reaches Meta.
  await open(page, /colis est arrivé abîmé/);
  await page.keyboard.press('r');
  const late = 'Désolé Inès, nous vous remboursons.';
  await page.keyboard.type(late);
  await expect(page.getByTestId('reply-window')).toHaveText(/Inès Moreau a écrit pour la dernière fois il y a plus de 7 jours.*Votre texte est conservé/);
  await expect(page.getByRole('button', { name: /Envoyer/ })).toBeDisabled();
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('composer')).toHaveValue(late);
  expect(control.sent.filter((s) => s.parentId === ines.id)).toEqual([]);
});
