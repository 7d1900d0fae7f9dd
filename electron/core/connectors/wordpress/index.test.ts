/**
 * The WordPress connector's polling window against the local WordPress: nothing lost or reported
 * deleted when comments outnumber a page, pretty permalinks found by discovery, a host's 429
 * turned into a wait, a reply sent twice refused and found again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWordPressServer, type WordPressServer } from '../../../../e2e/networks/wordpress';
import { ConnectorError, type AccountContext } from '../types';
import { PAGE_SIZE, createWordPressConnector, signInToWordPress } from './index';

let server: WordPressServer;
const connector = createWordPressConnector({ retries: 0 });

async function contextFor(s: WordPressServer): Promise<AccountContext> {
  const result = await signInToWordPress(s.url, s.control.user, s.control.appPassword, { retries: 0 });
  return { accountId: 1, network: 'wordpress', serverUrl: result.serverUrl, remoteId: result.identity.remoteId, handle: result.identity.handle, credentials: result.credentials };
}

beforeEach(async () => {
  server = await startWordPressServer({ permalinks: 'pretty' });
});
afterEach(async () => {
  await server.close();
});

describe('the WordPress connector', () => {
  it('finds a pretty-permalink site’s API at /wp-json/', async () => {
    const ctx = await contextFor(server);
    expect(ctx.credentials.apiRoot).toBe(`${server.url}/wp-json/`);
    expect(ctx.serverUrl).toBe(server.url);
  });

  it('takes the newest page first, then everything new however many, and never calls older comments deleted', async () => {
    const post = server.control.addPost('Concours');
    const start = Math.floor(Date.now() / 1000) - 10_000;
    const old = Array.from({ length: PAGE_SIZE + 30 }, (_, i) => server.control.addComment({ post: post.id, author: `A${i}`, text: `ancien ${i}`, status: 'approved', date: start + i }));
    const ctx = await contextFor(server);
    const first = await connector.poll(ctx, null);
    // The first poll is the recent history: the newest page.
    expect(first.items.map((i) => i.remoteId)).toEqual(old.slice(-PAGE_SIZE).map((c) => String(c.id)));

    // 120 new ones between two polls: more than a page, all delivered, in order, once.
    const fresh = Array.from({ length: 120 }, (_, i) => server.control.addComment({ post: post.id, author: `N${i}`, text: `nouveau ${i}`, status: i % 3 ? 'approved' : 'hold', date: start + 5_000 + i }));
    const second = await connector.poll(ctx, first.cursor);
    expect(second.items.map((i) => i.remoteId)).toEqual(fresh.map((c) => String(c.id)));
    expect(second.deleted).toEqual([]);
    // Pushed out of the window, the first page's comments are not "deleted".
    const third = await connector.poll(ctx, second.cursor);
    expect(third).toMatchObject({ items: [], deleted: [] });

    // One of the newest page deleted on the site: reported once. (Deletions, edits and moderation
    // done on the site are seen for the newest page of each list: WordPress keeps no change log.)
    server.control.deleteForGood(fresh[110]!.id);
    const fourth = await connector.poll(ctx, third.cursor);
    expect(fourth.deleted?.map((d) => d.remoteId)).toEqual([String(fresh[110]!.id)]);
    expect((await connector.poll(ctx, fourth.cursor)).deleted).toEqual([]);
  });

  it('turns a 429 with Retry-After into a wait, and a 5xx into a network error naming the site', async () => {
    const ctx = await contextFor(server);
    server.control.fail({ kind: 'rate-limit', resetInSeconds: 40 });
    const limited = await connector.poll(ctx, null).then(() => null, (e: unknown) => e);
    expect(limited).toBeInstanceOf(ConnectorError);
    expect(limited).toMatchObject({ kind: 'rate-limited' });
    expect((limited as ConnectorError).retryAfterMs).toBeGreaterThan(35_000);
    server.control.fail({ kind: 'server-error', status: 503 });
    const down = await connector.poll(ctx, null).then(() => null, (e: unknown) => e);
    expect(down).toMatchObject({ kind: 'network', message: expect.stringContaining(new URL(server.url).host) });
  });

  it('a reply the site already has is refused as a duplicate, and found again by findReply', async () => {
    const post = server.control.addPost('Lampe');
    const question = server.control.addComment({ post: post.id, author: 'Camille', text: 'Une question', status: 'approved' });
    const ctx = await contextFor(server);
    const request = { conversationRemoteId: String(question.id), parentRemoteId: String(question.id), text: 'Notre réponse', idempotencyKey: 'k', parentExtra: { post: post.id } };
    const sent = await connector.reply(ctx, request);
    await expect(connector.reply(ctx, request)).rejects.toMatchObject({ kind: 'not-supported', status: 409 });
    expect(await connector.findReply!(ctx, request)).toMatchObject({ remoteId: sent.remoteId });
    expect(await connector.findReply!(ctx, { ...request, text: 'Autre chose' })).toBeNull();
    // Without the post in the parent's data, the connector asks the site.
    const other = await connector.reply(ctx, { ...request, text: 'Sans le billet', parentExtra: {} });
    expect(server.control.comment(Number(other.remoteId))).toMatchObject({ post: post.id, parent: question.id });
  });

  it('refuses a reply on a post whose comments are closed, in the site’s words', async () => {
    const post = server.control.addPost('Fermé');
    const question = server.control.addComment({ post: post.id, author: 'Camille', text: 'Encore là ?', status: 'approved' });
    server.control.closeComments(post.id);
    const ctx = await contextFor(server);
    await expect(
      connector.reply(ctx, { conversationRemoteId: '', parentRemoteId: String(question.id), text: 'Oui', idempotencyKey: 'k', parentExtra: { post: post.id } }),
    ).rejects.toMatchObject({ kind: 'not-supported', message: expect.stringContaining('comments are closed') });
  });
});
