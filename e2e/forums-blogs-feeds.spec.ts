/**
 * Forums, blogs and feeds in the real UI (web mode), the "done when": a Discourse forum
 * (User API Key approved in the browser), a WordPress site and two feeds are connected through the
 * dialog; a forum mention, a held blog comment and a new feed entry arrive within one poll; the
 * forum answer goes under the post that mentioned the brand (not the topic's last post), the blog
 * answer under the held comment; the held comment is approved and another marked as spam; a forum
 * post is flagged; a forum post edited and another deleted on the forum show as such after the
 * next poll; the inbox filtered by kind shows the feed entries only.
 */
import { expect, type BrowserContext, type Page } from '@playwright/test';
import { networkedTest, openConnect } from './networked-test';
import { startDiscourseServer, type DiscourseServer } from './networks/discourse';
import { startFeedServer, type FeedServer } from './networks/feeds';
import { callCore, waitFor } from './networks/fixture';
import { startWordPressServer, type WordPressServer } from './networks/wordpress';
import { chooseInMenu } from './moderation-menu';

const test = networkedTest.extend<{ discourse: DiscourseServer; wordpress: WordPressServer; feeds: FeedServer }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  discourse: async ({}, use) => {
    const server = await startDiscourseServer();
    await use(server);
    await server.close();
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  wordpress: async ({}, use) => {
    const server = await startWordPressServer();
    await use(server);
    await server.close();
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  feeds: async ({}, use) => {
    const server = await startFeedServer();
    await use(server);
    await server.close();
  },
});

const list = (page: Page) => page.getByTestId('conversation-list');

async function finishConnect(page: Page, connected: RegExp): Promise<void> {
  const dialog = page.getByTestId('connect-dialog');
  await expect(dialog.getByRole('status')).toContainText(connected);
  await dialog.getByRole('button', { name: 'Terminé' }).click();
  await expect(page.getByTestId('connect-dialog')).toHaveCount(0);
}

/** Clicks, then lets the forum's approval page (a new tab) redirect back to Parvis. */
async function approveInNewTab(context: BrowserContext, click: () => Promise<void>): Promise<void> {
  const [consent] = await Promise.all([context.waitForEvent('page'), click()]);
  await consent.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/discourse\/callback/);
  await consent.close();
}

async function followFeed(page: Page, address: string, title: string): Promise<void> {
  await openConnect(page);
  await page.locator('[data-network="feeds"]').click();
  await page.getByTestId('connect-dialog').getByLabel('Adresse du flux').fill(address);
  await page.getByTestId('connect-dialog').getByRole('button', { name: 'Connecter', exact: true }).click();
  await finishConnect(page, new RegExp(`${title} est connecté`));
}

async function checkNow(page: Page): Promise<void> {
  await page.keyboard.press('g');
  await page.keyboard.press('c');
  const cards = await page.getByTestId('account-card').all();
  expect(cards).toHaveLength(4);
  for (const card of cards) await card.getByRole('button', { name: 'Vérifier maintenant' }).click();
  await page.keyboard.press('Escape');
}

/** Opens the focused message's moderation menu and chooses `action` with the keyboard. */
async function moderate(page: Page, action: string): Promise<void> {
  await page.keyboard.press('m');
  await chooseInMenu(page, action);
}

async function answer(page: Page, text: string): Promise<void> {
  await page.getByTestId('thread').focus();
  await page.keyboard.press('r');
  await expect(page.getByTestId('composer')).toBeFocused();
  await page.keyboard.type(text);
  await page.keyboard.press('Control+Enter');
}

test('a forum, a blog and two feeds: a mention, a held comment and a feed entry in one poll; answers in place; approve, spam and flag', async ({ app: page, mode, context, discourse, wordpress, feeds }) => {
  // The forum: the brand approves Parvis in the browser, Discourse sends the key back encrypted.
  await openConnect(page);
  await page.locator('[data-network="discourse"]').click();
  const dialog = page.getByTestId('connect-dialog');
  await expect(dialog.getByRole('heading', { name: 'Connecter un forum Discourse' })).toBeVisible();
  await dialog.getByLabel('Adresse du forum').fill(discourse.url);
  await approveInNewTab(context, () => dialog.getByRole('button', { name: 'Continuer dans le navigateur' }).click());
  await finishConnect(page, /est connecté/);
  expect(discourse.control.keys()).toHaveLength(1);

  // The blog, and two feeds.
  await openConnect(page);
  await page.locator('[data-network="wordpress"]').click();
  await dialog.getByLabel('Adresse du site').fill(wordpress.url);
  await dialog.getByLabel('Identifiant').fill(wordpress.control.user);
  await dialog.getByLabel('Mot de passe d’application').fill(wordpress.control.appPassword);
  await dialog.getByRole('button', { name: 'Connecter', exact: true }).click();
  await finishConnect(page, /est connecté/);
  await followFeed(page, `${feeds.url}/blog/`, 'Lumière & Co – Le blog');
  await followFeed(page, feeds.feedUrl('updates.json'), 'Lumière & Co — Alertes produits');

  // What happens meanwhile. On the forum: Camille mentions the brand in post 3, Dan writes post 4
  // after it; a troll posts elsewhere. On the blog: a held question and a promo. In a feed: a new entry.
  const { control: forum } = discourse;
  const camille = forum.user({ username: 'camille', name: 'Camille Roche' });
  const dan = forum.user({ username: 'dan', name: 'Dan Morel' });
  const troll = forum.user({ username: 'troll', name: 'Troll du jour' });
  const { topic } = forum.topic({ title: 'La lampe Dune clignote', by: camille, raw: 'Ma lampe Dune clignote depuis hier soir, une idée ?' });
  forum.reply({ topicId: topic.id, by: dan, raw: 'Même souci chez moi depuis la mise à jour.' });
  const mention = forum.reply({ topicId: topic.id, by: camille, raw: '@lumiere pouvez-vous nous aider ? Deux lampes concernées.', replyToPostNumber: 2 });
  forum.reply({ topicId: topic.id, by: dan, raw: 'J’ai essayé de la débrancher, sans succès.', replyToPostNumber: 1 });
  const { topic: rant } = forum.topic({ title: 'Arnaque', by: troll, raw: '@lumiere vos lampes sont une arnaque, achetez sur promo.example' });
  const post = wordpress.control.addPost('Notre nouvelle lampe Dune');
  const held = wordpress.control.addComment({ post: post.id, author: 'Inès', text: 'Elle existe aussi en blanc ?', status: 'hold' });
  const promo = wordpress.control.addComment({ post: post.id, author: 'Promo', text: 'Lampes pas chères sur promo.example', status: 'approved' });
  feeds.control.addEntry('blog.rss.xml', {
    id: 'https://blog.lumiere-et-co.example/?p=1490',
    title: 'Soldes d’hiver sur les abat-jour',
    html: '<p>Jusqu’au <strong>31 janvier</strong>.</p>',
    link: '/2026/11/05/soldes/',
    author: 'Camille Roche',
    publishedAt: new Date(),
  });

  // One poll of each account.
  await checkNow(page);
  await expect(list(page).getByRole('option', { name: /pouvez-vous nous aider/ })).toBeVisible({ timeout: 20_000 });
  await expect(list(page).getByRole('option', { name: /Soldes d’hiver sur les abat-jour/ })).toBeVisible();
  await expect(page.locator('[data-view="held"] .count')).toHaveText('1');

  // The forum answer goes under Camille's post 3, not under Dan's post 4, the topic's last.
  await list(page).getByRole('option', { name: /pouvez-vous nous aider/ }).click();
  await expect(page.getByTestId('thread')).toContainText('La lampe Dune clignote');
  await answer(page, 'Bonjour Camille, une mise à jour corrige cela ce soir.');
  const forumReply = await waitFor('the answer on the forum', () => forum.posts().find((p) => p.raw === 'Bonjour Camille, une mise à jour corrige cela ce soir.'), 10_000);
  expect(forumReply).toMatchObject({ topicId: topic.id, replyToPostNumber: mention.postNumber, userId: forum.me.id });

  // The held blog comment, from the review queue: answered under it, then approved.
  await page.locator('[data-view="held"]').click();
  await expect(page.locator('[data-view="held"]')).toHaveAttribute('aria-current', 'page');
  const thread = page.getByTestId('thread');
  await expect(thread).toContainText('Elle existe aussi en blanc ?');
  await answer(page, 'Bonjour Inès, oui : en blanc et en noir.');
  const blogReply = await waitFor('the answer on the blog', () => wordpress.control.comments().find((c) => c.content === 'Bonjour Inès, oui : en blanc et en noir.'), 10_000);
  expect(blogReply).toMatchObject({ post: post.id, parent: held.id });
  await thread.focus();
  await moderate(page, 'Approuver');
  await waitFor('the comment approved on the blog', () => wordpress.control.comment(held.id)?.status === 'approved', 10_000);

  // The promo marked as spam, the troll's forum post flagged.
  await page.locator('[data-view="inbox"]').click();
  await list(page).getByRole('option', { name: /Lampes pas chères/ }).click();
  await page.getByTestId('thread').focus();
  await moderate(page, 'Classer comme indésirable');
  await waitFor('the comment marked as spam on the blog', () => wordpress.control.comment(promo.id)?.status === 'spam', 15_000);
  await list(page).getByRole('option', { name: /vos lampes sont une arnaque/ }).click();
  await page.getByTestId('thread').focus();
  await moderate(page, 'Signaler');
  const report = page.getByRole('dialog', { name: 'Signaler à Discourse' });
  await report.getByRole('radio', { name: 'Spam ou arnaque' }).check();
  await report.getByRole('button', { name: 'Signaler' }).click();
  const rantPost = forum.posts().find((p) => p.topicId === rant.id)!;
  await waitFor('the flag on the forum', () => rantPost.reviewableId !== null && forum.reviewable(rantPost.reviewableId)!.flags.some((f) => f.userId === forum.me.id && f.typeId === 8), 10_000);

  // On the forum, Camille corrects her post and a moderator deletes the troll's. Discourse tells
  // apps of neither: the next poll reads the posts again.
  forum.edit(mention.id, '@lumiere pouvez-vous nous aider ? Trois lampes concernées, pas deux.');
  forum.deletePost(rantPost.id);
  const forumAccount = (await callCore(mode.core, 'accounts.list', {})).find((a) => a.network === 'discourse')!;
  await callCore(mode.core, 'accounts.pollNow', { accountId: forumAccount.id });
  await waitFor('the edit and the deletion in the store', () => mode.core.db.prepare("SELECT 1 FROM messages WHERE text LIKE '%Trois lampes concernées%'").get() && mode.core.db.prepare('SELECT 1 FROM messages WHERE remote_id = ? AND deleted_at IS NOT NULL').get(String(rantPost.id)), 15_000);
  await page.reload();
  await list(page).getByRole('option', { name: /vos lampes sont une arnaque/ }).click();
  const gone = page.getByTestId('thread').locator('article.message', { hasText: 'vos lampes sont une arnaque' });
  await expect(gone.getByTestId('message-deleted')).toContainText('Supprimé sur Discourse');
  await list(page).getByRole('option', { name: /La lampe Dune clignote|Bonjour Camille/ }).click();
  const corrected = page.getByTestId('thread').locator('article.message', { hasText: 'Trois lampes concernées, pas deux.' });
  await expect(corrected.getByTestId('message-edited')).toHaveText('modifié');
  await expect(page.getByTestId('thread').getByText('Deux lampes concernées')).toHaveCount(0);
  // The inbox filtered by kind: feed entries only.
  await expect(list(page).getByRole('option', { name: /vos lampes sont une arnaque/ })).toBeVisible();
  await page.getByRole('button', { name: /^Filtres/ }).click();
  await page.getByRole('group', { name: 'Filtres' }).getByLabel('Type').selectOption({ label: 'Article de flux' });
  await expect(list(page).getByRole('option', { name: /vos lampes sont une arnaque/ })).toHaveCount(0);
  await expect(list(page).getByRole('option', { name: /Soldes d’hiver sur les abat-jour/ })).toBeVisible();

  // Nothing else was touched.
  expect(wordpress.control.comment(held.id)?.status).toBe('approved');
  expect(forum.posts().filter((p) => p.userId === forum.me.id)).toHaveLength(1);
});
