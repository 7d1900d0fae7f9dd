/**
 * An article for a WordPress site next to the same post on Mastodon and Bluesky: the composer asks
 * for a title once a WordPress account is chosen (and refuses to schedule without it), the post
 * goes out once on each local server at its time, the WordPress one with its permalink; the
 * comments it gets show as its reply count on the calendar. A busy day in the month grid shows its
 * first posts and a "+N" that opens the day.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { STATIC_DIR } from './fixtures';
import { typeDateTime } from './date-field';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, startNetworkedWebMode, startNetworks, waitFor } from './networks/fixture';
import { startWordPressServer } from './networks/wordpress';

async function seriousViolations(page: Page): Promise<{ id: string; targets: string[] }[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

test('compose for Mastodon, Bluesky and a WordPress article (title), published once on each with the permalink; the calendar shows reply counts and a "+N" for a busy day', async ({ page }) => {
  test.setTimeout(240_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  const networks = await startNetworks();
  const wp = await startWordPressServer();
  const mode = await startNetworkedWebMode(networks, { staticDir: STATIC_DIR, syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX, pollIntervalSeconds: 15 });
  try {
    const mastodon = await connectAccount(mode.core, { network: 'mastodon', fields: { server: networks.urls.mastodon } });
    const bluesky = await connectAccount(mode.core, { network: 'bluesky', fields: { server: networks.urls.bluesky, ...networks.blueskyLogin } });
    const blog = await connectAccount(mode.core, { network: 'wordpress', fields: { site: wp.url, user: wp.control.user, password: wp.control.appPassword } });
    await page.goto(mode.url);
    await page.locator('[data-screen="compose"]').click();
    await expect(page.getByTestId('composer')).toBeVisible();
    // The three accounts are ticked for a new post; WordPress publishes an article: a title is asked.
    for (const a of [mastodon, bluesky, blog]) await expect(page.getByTestId(`target-${a.id}`)).toBeChecked();
    await expect(page.getByTestId('compose-title')).toBeVisible();

    const text = 'Portes ouvertes de l’atelier samedi <14 h> & goûter offert';
    await page.getByTestId('compose-text').fill(text);
    const minute = 60_000;
    const at = Math.ceil((Date.now() + 40_000) / minute) * minute;
    await typeDateTime(page, 'compose-time', at);
    await expect(page.getByTestId(`problems-${blog.id}`)).toContainText(/WordPress publie un article\s:\sil lui faut un titre\./);
    await expect(page.getByTestId(`problems-${mastodon.id}`)).not.toContainText('titre');
    await expect(page.getByTestId('schedule-post')).toBeDisabled();
    expect(await seriousViolations(page), 'composer with a title asked').toEqual([]);
    // Without WordPress the title is not asked.
    await page.getByTestId(`target-${blog.id}`).uncheck();
    await expect(page.getByTestId('compose-title')).toHaveCount(0);
    await page.getByTestId(`target-${blog.id}`).check();
    await page.getByTestId('compose-title').fill('Portes ouvertes samedi');
    await expect(page.getByTestId(`problems-${blog.id}`)).not.toContainText('titre');
    // The article's preview shows its title; a toot has none.
    await expect(page.getByTestId(`preview-title-${blog.id}`)).toHaveText('Portes ouvertes samedi');
    await expect(page.getByTestId(`preview-title-${mastodon.id}`)).toHaveCount(0);
    await expect(page.getByTestId('save-state')).toHaveText('Brouillon enregistré');
    await page.getByTestId('schedule-post').click();
    await expect(page.getByTestId('post-row').first()).toContainText('Programmée');

    const [draft] = await callCore(mode.core, 'posts.list', {});
    expect(draft!.title).toBe('Portes ouvertes samedi');
    const published = await waitFor(
      'the three targets published',
      async () => {
        const post = await callCore(mode.core, 'posts.get', { postId: draft!.id });
        return post.targets.every((t) => t.state === 'published') ? post : null;
      },
      150_000,
      500,
    );
    expect(networks.mastodon.control.state().posted.filter((s) => s.text.includes('Portes ouvertes'))).toHaveLength(1);
    expect(networks.bluesky.control.state().posts.filter((p) => p.text.includes('Portes ouvertes'))).toHaveLength(1);
    const articles = wp.control.posts().filter((p) => p.slug.startsWith('parvis-'));
    expect(articles.map((p) => [p.title, p.status, p.content])).toEqual([['Portes ouvertes samedi', 'publish', '<p>Portes ouvertes de l’atelier samedi &lt;14 h&gt; &amp; goûter offert</p>']]);
    const article = published.targets.find((t) => t.accountId === blog.id)!;
    expect(article.permalink).toBe(`${wp.url}/?p=${articles[0]!.id}`);

    // The composer shows the three permalinks, the article's among them.
    await page.getByTestId('post-row').first().click();
    await expect(page.getByTestId('permalink')).toHaveCount(3);
    expect(await page.getByTestId('permalink').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toContain(article.permalink);

    // Comments on the article (two) and a reply to the toot (one) reach the inbox.
    const first = wp.control.addComment({ post: articles[0]!.id, author: 'Camille', text: 'On viendra !', status: 'approved' });
    wp.control.addComment({ post: articles[0]!.id, author: 'Noé', text: 'Nous aussi', status: 'approved', parent: first.id });
    const toot = published.targets.find((t) => t.accountId === mastodon.id)!;
    networks.mastodon.control.addReply({ from: 'lea@mastodon.example', to: toot.remoteId!, text: 'Super idée' });
    await callCore(mode.core, 'accounts.pollNow', { accountId: blog.id });
    await callCore(mode.core, 'accounts.pollNow', { accountId: mastodon.id });
    await waitFor('the replies stored', async () => {
      const entries = await callCore(mode.core, 'posts.calendar', { from: at - 86_400_000, to: at + 86_400_000 });
      return entries.find((e) => e.targetId === article.id)?.replies === 2 && entries.find((e) => e.targetId === toot.id)?.replies === 1;
    }, 30_000, 200);

    // A busy day tomorrow: six drafts, the grid shows three and "+3".
    const tomorrow = at + 86_400_000;
    for (let i = 0; i < 6; i++) await callCore(mode.core, 'posts.create', { text: `Brouillon ${i}`, targets: [{ accountId: mastodon.id, scheduledAt: tomorrow + i * minute }] });

    await page.getByTestId('open-calendar').click();
    await expect(page.getByTestId('calendar-screen')).toBeVisible();
    await expect(page.locator(`[data-calendar-target="${article.id}"] [data-testid="reply-count"]`)).toHaveText('2 réponses');
    await expect(page.locator(`[data-calendar-target="${toot.id}"] [data-testid="reply-count"]`)).toHaveText('1 réponse');
    await expect(page.locator(`[data-calendar-target="${article.id}"]`)).toHaveAttribute('aria-label', /2 réponses/);
    // The busy day may fall in next month's grid at the end of a month: go there if needed.
    const more = page.locator('[data-testid="calendar-more"]');
    if ((await more.count()) === 0) await page.locator('.fc-next-button').click();
    await expect(more).toHaveCount(1);
    await expect(more).toContainText('+3 autres');
    expect(await seriousViolations(page), 'calendar month with reply counts and +N').toEqual([]);
    await more.click();
    // The day, with all six.
    await expect(page.locator('[data-calendar-target]')).toHaveCount(6);
    expect(errors).toEqual([]);
  } finally {
    await mode.close();
    await wp.close();
    await networks.stop();
  }
});
