/**
 * Reddit through the UI (web mode) against the local Reddit API: the account is connected in the
 * browser (installed app) with a subreddit to follow; a reported comment of a moderated subreddit
 * (the modqueue) and a private message arrive within one poll; the message is answered in its
 * thread and the queued comment under itself on Reddit; from the review queue one queued comment
 * is removed and the author of another banned from the subreddit.
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

async function replyInOpenConversation(page: Page, answer: string): Promise<void> {
  await page.keyboard.press('r');
  await expect(page.getByTestId('composer')).toBeFocused();
  await page.keyboard.type(answer);
  await page.keyboard.press('Control+Enter');
  await expect(page.locator('[data-key-scope="conversation"]').getByText(answer)).toBeVisible();
}

test('a Reddit account connected in the browser gets a modqueue item and a private message within one poll; replies thread on Reddit; remove and ban reach it', async ({ app: page, context, networks }) => {
  const { control } = networks.reddit;
  control.subreddit('AtelierLumen', { moderated: true });
  await openConnect(page);
  await page.locator('[data-network="reddit"]').click();
  const dialog = page.getByTestId('connect-dialog');
  await expect(dialog.getByRole('heading', { name: 'Connecter un compte Reddit' })).toBeVisible();
  await page.getByLabel('Subreddits à suivre').fill('r/AtelierLumen');
  await approveInNewTab(context, () => page.getByRole('button', { name: 'Continuer dans le navigateur' }).click());
  await expect(dialog.getByRole('status')).toContainText(/est connecté/);
  await dialog.getByRole('button', { name: 'Terminé' }).click();
  await expect(dialog).toHaveCount(0);

  const post = control.post({ subreddit: 'AtelierLumen', author: 'camille_rx', title: 'Ma lampe Dune clignote' });
  const reported = control.comment({ parent: post.name, author: 'vendeur_louche', text: 'Achetez plutôt mes lampes, lien en profil' });
  control.report(reported.name, 'Spam');
  const other = control.post({ subreddit: 'AtelierLumen', author: 'dan_k', title: 'Vos avis sur la lampe Halo ?' });
  const filtered = control.comment({ parent: other.name, author: 'troll42', text: 'Cette marque vend de la camelote, honte à vous' });
  control.filter(filtered.name);
  const pm = control.message({ from: 'camille_rx', subject: 'Commande 48213', text: 'Bonjour, ma commande n’est pas arrivée.' });

  await page.keyboard.press('g');
  await page.keyboard.press('c');
  await page.getByTestId('account-card').filter({ hasText: 'u/AtelierLumen' }).getByRole('button', { name: 'Vérifier maintenant' }).click();
  await page.keyboard.press('Escape');
  await expect(list(page).getByRole('option', { name: /ma commande n’est pas arrivée/ })).toBeVisible();
  await expect(page.locator('[data-view="held"] .count')).toHaveText('2', { timeout: 20_000 });

  await list(page).getByRole('option', { name: /ma commande n’est pas arrivée/ }).click();
  await replyInOpenConversation(page, 'Bonjour Camille, elle part demain.');
  const answer = await waitFor('the message answer on Reddit', () => control.replies.find((r) => r.body === 'Bonjour Camille, elle part demain.'), 10_000);
  expect(answer).toMatchObject({ kind: 't4', firstMessageName: pm.name, dest: 'camille_rx' });

  await page.keyboard.press('Escape');
  await page.keyboard.press('g');
  await page.keyboard.press('h');
  await expect(page.locator('[data-view="held"]')).toHaveAttribute('aria-current', 'page');
  const thread = page.getByTestId('thread');
  await expect(thread).toContainText(/lien en profil|camelote/);
  const firstIsSpam = (await thread.textContent())!.includes('lien en profil');
  const [toRemove, toBan] = firstIsSpam ? [reported, filtered] : [filtered, reported];

  await replyInOpenConversation(page, 'Merci de rester courtois ici.');
  const reply = await waitFor('the reply on Reddit', () => control.replies.find((r) => r.body === 'Merci de rester courtois ici.'), 10_000);
  expect(reply).toMatchObject({ kind: 't1', parentId: toRemove.name, linkId: toRemove.linkId });

  await page.keyboard.press('Escape');
  await thread.focus();
  await page.keyboard.press('d');
  await waitFor('removed on Reddit', () => control.get(toRemove.name)?.removed === true, 10_000);
  await expect(thread).toContainText(toBan.body);
  await page.keyboard.press('b');
  const ban = await waitFor('the ban on Reddit', () => control.bans.find((b) => b.name === toBan.author), 10_000);
  expect(ban.subreddit).toBe('AtelierLumen');
});
