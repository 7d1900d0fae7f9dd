/**
 * WordPress comments in the real UI (web mode) against the local WordPress (which
 * e2e/real/wordpress.test.ts checks against a real one): the site is connected in the dialog with
 * its address, a user and an application password (a wrong one refused in plain words); a held
 * comment arrives with "Check now" and waits in the review queue; the answer goes under it on the
 * site; approving it and marking another comment as spam reach the site.
 */
import { expect, type Page } from '@playwright/test';
import { networkedTest, openConnect } from './networked-test';
import { waitFor } from './networks/fixture';
import { startWordPressServer, type WordPressServer } from './networks/wordpress';
import { chooseInMenu } from './moderation-menu';

const test = networkedTest.extend<{ wordpress: WordPressServer }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  wordpress: async ({}, use) => {
    const server = await startWordPressServer();
    await use(server);
    await server.close();
  },
});

async function checkNow(page: Page): Promise<void> {
  await page.keyboard.press('g');
  await page.keyboard.press('c');
  for (const card of await page.getByTestId('account-card').all()) await card.getByRole('button', { name: 'Vérifier maintenant' }).click();
  await page.keyboard.press('Escape');
}

/** Opens the focused message's moderation menu and chooses `action` with the keyboard. */
async function moderate(page: Page, action: string): Promise<void> {
  await page.keyboard.press('m');
  await chooseInMenu(page, action);
}

test('a WordPress site connected with an application password: a held comment is answered and approved, another marked as spam', async ({ app: page, wordpress }) => {
  const { control } = wordpress;
  const post = control.addPost('Notre nouvelle lampe Dune');

  await openConnect(page);
  await page.locator('[data-network="wordpress"]').click();
  const dialog = page.getByTestId('connect-dialog');
  await expect(dialog.getByRole('heading', { name: 'Connecter un site WordPress' })).toBeVisible();
  await dialog.getByLabel('Adresse du site').fill(wordpress.url);
  await dialog.getByLabel('Identifiant').fill(control.user);
  await dialog.getByLabel('Mot de passe d’application').fill('aaaa bbbb cccc dddd eeee ffff');
  await dialog.getByRole('button', { name: 'Connecter', exact: true }).click();
  await expect(dialog).toContainText('Le site refuse cet identifiant ou ce mot de passe d’application');
  await dialog.getByLabel('Mot de passe d’application').fill(control.appPassword);
  await dialog.getByRole('button', { name: 'Connecter', exact: true }).click();
  await expect(dialog.getByRole('status')).toContainText(/est connecté/);
  await dialog.getByRole('button', { name: 'Terminé' }).click();
  await expect(page.getByTestId('connect-dialog')).toHaveCount(0);

  const held = control.addComment({ post: post.id, author: 'Camille', text: 'Elle existe aussi en blanc ?', status: 'hold' });
  const promo = control.addComment({ post: post.id, author: 'Promo', text: 'Lampes pas chères sur promo.example', status: 'approved' });
  await checkNow(page);

  // The held comment waits in the review queue, with the post it was left under.
  await expect(page.locator('[data-view="held"] .count')).toHaveText('1', { timeout: 20_000 });
  await page.keyboard.press('g');
  await page.keyboard.press('h');
  await expect(page.locator('[data-view="held"]')).toHaveAttribute('aria-current', 'page');
  const thread = page.getByTestId('thread');
  await expect(thread).toContainText('Elle existe aussi en blanc ?');
  await expect(thread).toContainText('Notre nouvelle lampe Dune');
  await thread.focus();

  await page.keyboard.press('r');
  await expect(page.getByTestId('composer')).toBeFocused();
  const answer = 'Bonjour Camille, oui : en blanc et en noir.';
  await page.keyboard.type(answer);
  await page.keyboard.press('Control+Enter');
  const sent = await waitFor('the answer on the site', () => control.comments().find((c) => c.content === answer), 10_000);
  expect(sent).toMatchObject({ post: post.id, parent: held.id, author: 1, status: 'approved' });

  await thread.focus();
  await moderate(page, 'Approuver');
  await waitFor('the comment approved on the site', () => control.comment(held.id)?.status === 'approved', 10_000);

  // The other comment, from the inbox: marked as spam on the site.
  await page.keyboard.press('g');
  await page.keyboard.press('i');
  const row = page.getByTestId('conversation-list').getByRole('option', { name: /Lampes pas chères/ });
  await expect(row).toBeVisible();
  await row.click();
  await page.getByTestId('thread').focus();
  await moderate(page, 'Classer comme indésirable');
  await waitFor('the comment marked as spam on the site', () => control.comment(promo.id)?.status === 'spam', 10_000);
  expect(control.comment(held.id)?.status).toBe('approved');
});
