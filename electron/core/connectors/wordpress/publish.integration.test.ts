/**
 * WordPress articles through the real core (connect flow, keychain, posts calls, the publish job,
 * polling) against the local WordPress (e2e/networks/wordpress.ts, checked against a real
 * WordPress by e2e/real/wordpress.test.ts):
 * - scheduling refuses an article without a title; with one, it goes out once at its time with
 *   the permalink from the site's answer, and the comments it gets show as its reply count;
 * - an answer lost on its way back: the retry finds the first article, one article on the site;
 * - a time far ahead: the site holds the article (future), Parvis closes, the site publishes it,
 *   the next Parvis finds it published without offering it for a decision.
 */
import { afterEach, expect, it } from 'vitest';
import type { Post } from '../../../../shared/posts';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, localEndpoints, networkWiring, waitFor } from '../../../../e2e/networks/fixture';
import { startWordPressServer, type WordPressServer } from '../../../../e2e/networks/wordpress';
import { MemorySecretStore } from '../../secrets/secret-store';
import { makeCore } from '../../testing/core-fixture';

const HOUR = 3_600_000;
let clock = Date.now();
const now = () => clock;
const cores: ReturnType<typeof makeCore>[] = [];
const servers: WordPressServer[] = [];

afterEach(async () => {
  for (const c of cores.splice(0)) await c.dispose();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function startCore(over: Parameters<typeof makeCore>[0] = {}) {
  const networks = localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9' });
  const c = makeCore({ ...networkWiring(networks), syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX, publisherOptions: { backoff: { baseMs: 50, capMs: 200 }, random: () => 0.5 }, now, ...over });
  cores.push(c);
  return c;
}

async function site() {
  const server = await startWordPressServer({ now });
  servers.push(server);
  return server;
}

const articles = (server: WordPressServer) => server.control.posts().filter((p) => p.slug.startsWith('parvis-'));

it('refuses an article without a title; with one it goes out once at its time, with its permalink, and its comments count on the calendar', async () => {
  clock = Date.now();
  const server = await site();
  const c = startCore();
  const account = await connectAccount(c, { network: 'wordpress', fields: { site: server.url, user: server.control.user, password: server.control.appPassword } });
  const networks = await callCore(c, 'accounts.networks', {});
  expect(networks.find((n) => n.id === 'wordpress')).toMatchObject({ publish: ['article'], titleRequired: true });

  const at = clock + 1_000;
  const post = await callCore(c, 'posts.create', { text: 'Nos ateliers reprennent.\n\nInscriptions : https://shop.example/ateliers', targets: [{ accountId: account.id, scheduledAt: at }] });
  await expect(callCore(c, 'posts.schedule', { postId: post.id })).rejects.toThrow(/WordPress needs a title/);
  await callCore(c, 'posts.update', { postId: post.id, title: 'Les ateliers <reprennent>', text: post.text, targets: [{ accountId: account.id, scheduledAt: at }] });
  await callCore(c, 'posts.schedule', { postId: post.id });
  // Not before its time (it is too close for the site to hold it: Parvis sends it then).
  await c.publisher!.drain();
  expect(articles(server)).toHaveLength(0);

  clock = at;
  c.publisher!.wake();
  const done = await waitFor('published', async () => {
    const p = await callCore(c, 'posts.get', { postId: post.id });
    return p.targets[0]!.state === 'published' ? p : null;
  });
  const [article] = articles(server);
  expect(articles(server)).toHaveLength(1);
  expect(article).toMatchObject({ status: 'publish', title: 'Les ateliers &lt;reprennent&gt;' });
  expect(article!.content).toBe('<p>Nos ateliers reprennent.</p>\n\n<p>Inscriptions : <a href="https://shop.example/ateliers">https://shop.example/ateliers</a></p>');
  expect(done.targets[0]).toMatchObject({ remoteId: String(article!.id), permalink: `${server.url}/?p=${article!.id}` });

  // Two visitors comment, one answers the other: three replies on the calendar, after a poll.
  const first = server.control.addComment({ post: article!.id, author: 'Camille', text: 'Super, je m’inscris', status: 'approved' });
  server.control.addComment({ post: article!.id, author: 'Noé', text: 'Moi aussi', status: 'approved', parent: first.id });
  server.control.addComment({ post: article!.id, author: 'Inès', text: 'Quel tarif ?', status: 'hold' });
  const other = server.control.addPost('Autre article');
  server.control.addComment({ post: other.id, author: 'Léo', text: 'Ailleurs', status: 'approved' });
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  const entry = await waitFor('three replies', async () => {
    const [e] = await callCore(c, 'posts.calendar', { from: at - HOUR, to: at + HOUR });
    return e?.replies === 3 ? e : null;
  });
  expect(entry).toMatchObject({ state: 'published', permalink: `${server.url}/?p=${article!.id}` });
  const [day] = await callCore(c, 'posts.calendarDays', { dayStarts: [at - HOUR, at + HOUR], perDay: 3 });
  expect(day).toMatchObject({ total: 1, entries: [{ targetId: entry.targetId, replies: 3 }] });
});

it('retries after an answer lost on its way back and finds the first article: one on the site', async () => {
  clock = Date.now();
  const server = await site();
  const c = startCore();
  const account = await connectAccount(c, { network: 'wordpress', fields: { site: server.url, user: server.control.user, password: server.control.appPassword } });
  server.control.loseAnswers(1, 502, 'POST');
  const post = await callCore(c, 'posts.create', { title: 'Une seule fois', text: 'Un seul article, même si la réponse se perd.', targets: [{ accountId: account.id, scheduledAt: clock + 500 }] });
  await callCore(c, 'posts.schedule', { postId: post.id });
  clock += 500;
  c.publisher!.wake();
  const failed = await waitFor('the lost answer', async () => {
    const p = await callCore(c, 'posts.get', { postId: post.id });
    return p.targets[0]!.state === 'failed' ? p.targets[0]! : null;
  });
  expect(failed.lastError).toMatch(/^network:/);
  expect(articles(server)).toHaveLength(1); // the site made it

  clock += 60_000; // past the backoff
  c.publisher!.wake();
  const done = await waitFor('published', async () => {
    const p: Post = await callCore(c, 'posts.get', { postId: post.id });
    return p.targets[0]!.state === 'published' ? p : null;
  });
  expect(articles(server)).toHaveLength(1);
  expect(done.targets[0]).toMatchObject({ remoteId: String(articles(server)[0]!.id), attempts: 2 });
  expect(server.control.requests().filter((r) => r.method === 'POST' && r.route === '/wp/v2/posts')).toHaveLength(1);
});

it('hands an article far ahead to the site, which publishes it while Parvis is closed; the next Parvis finds it', async () => {
  clock = Date.now();
  const server = await site();
  const secrets = new MemorySecretStore();
  const first = startCore({ secrets });
  const account = await connectAccount(first, { network: 'wordpress', fields: { site: server.url, user: server.control.user, password: server.control.appPassword } });
  const at = Math.ceil((clock + 24 * HOUR) / 1000) * 1000;
  const post = await callCore(first, 'posts.create', { title: 'Demain', text: 'Portes ouvertes demain.', targets: [{ accountId: account.id, scheduledAt: at }] });
  await callCore(first, 'posts.schedule', { postId: post.id });
  const held = await waitFor('held by the site', async () => {
    const p = await callCore(first, 'posts.get', { postId: post.id });
    return p.targets[0]!.heldByNetwork ? p.targets[0]! : null;
  });
  expect(articles(server)).toEqual([expect.objectContaining({ status: 'future', date: at / 1000 })]);
  expect(held.state).toBe('scheduled');
  const dataDir = first.dataDir;
  await first.close(); // Parvis is closed

  clock = at + 2 * HOUR;
  expect(server.control.publishDue()).toHaveLength(1); // WP-Cron on the site
  const second = startCore({ secrets, dataDir });
  const done = await waitFor('found published', async () => {
    const p = await callCore(second, 'posts.get', { postId: post.id });
    return p.targets[0]!.state === 'published' ? p : null;
  });
  expect(done.targets[0]).toMatchObject({ remoteId: String(articles(server)[0]!.id), permalink: `${server.url}/?p=${articles(server)[0]!.id}` });
  expect(articles(server)).toHaveLength(1);
});
