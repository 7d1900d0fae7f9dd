/**
 * The feed connector and its sign-in against the local feed server: conditional GET, redirects,
 * discovery from a page, politeness, and every way a feed fails, in plain words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from '../../../../e2e/networks/feeds';
import { ConnectorError, type AccountContext } from '../types';
import { createFeedConnector, followFeed, readFeedCursor } from './index';

const instant = { sleep: () => Promise.resolve(), retries: 0 };
let server: FeedServer;

beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server?.close();
});

function context(url: string): AccountContext {
  return { accountId: 1, network: 'feeds', serverUrl: url, remoteId: url, handle: url, credentials: {} };
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ConnectorError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('following a feed (sign-in)', () => {
  it('gives the feed as the account: its address after redirects, its title, no credentials', async () => {
    const result = await followFeed(`${server.url}/old/news.atom.xml`, instant);
    expect(result.serverUrl).toBe(server.feedUrl('news.atom.xml'));
    expect(result.identity).toMatchObject({
      remoteId: server.feedUrl('news.atom.xml'),
      name: 'Forum Lumière & Co Support',
      handle: server.feedUrl('news.atom.xml').replace('http://', ''),
    });
    expect(result.credentials).toEqual({});
  });

  it('finds the feed a web page announces in <link rel="alternate">', async () => {
    const result = await followFeed(`${server.url}/blog/`, instant);
    expect(result.serverUrl).toBe(server.feedUrl('blog.rss.xml'));
    expect(result.identity.name).toBe('Lumière & Co – Le blog');
  });

  it('says so when a page announces no feed, or the address is not there', async () => {
    const page = await failure(followFeed(`${server.url}/no-feed.html`, instant));
    expect(page.kind).toBe('bad-response');
    expect(page.message).toMatch(/is a web page, not a feed, and it announces no feed/);
    const missing = await failure(followFeed(`${server.url}/feeds/nope.xml`, instant));
    expect(missing).toMatchObject({ kind: 'bad-response', status: 404 });
    expect(missing.message).toMatch(/There is no feed at .* \(404 Not Found\)/);
  });

  it('refuses a feed larger than 5 MB and a redirect loop', async () => {
    const huge = await failure(followFeed(`${server.url}/huge.xml`, instant));
    expect(huge.kind).toBe('bad-response');
    expect(huge.message).toMatch(/larger than 5 MB/);
    const loop = await failure(followFeed(`${server.url}/loop.xml`, instant));
    expect(loop.message).toMatch(/redirects more than 5 times/);
  });
});

describe('polling a feed', () => {
  it('asks again with If-None-Match, gets 304 and nothing; a new entry comes with the next 200', async () => {
    const connector = createFeedConnector(instant);
    const ctx = context(server.feedUrl('updates.json'));
    const first = await connector.poll(ctx, null);
    expect(first.items.map((i) => i.remoteId)).toEqual(['alert-2026-031', 'stock-orbe-laiton', '20261015']);
    const cursor = readFeedCursor(first.cursor);
    expect(cursor.etag).toMatch(/^"[0-9a-f]+"$/);
    expect(cursor.lastModified).not.toBeNull();

    const second = await connector.poll(ctx, first.cursor);
    expect(second.items).toEqual([]);
    const [, conditional] = server.control.requestsTo('updates.json').slice(-2);
    expect(conditional).toMatchObject({ ifNoneMatch: cursor.etag, ifModifiedSince: cursor.lastModified, status: 304 });
    expect(conditional!.userAgent).toMatch(/^Parvis\//);

    server.control.addEntry('updates.json', { id: 'alert-2026-032', title: 'Nouvelle alerte', html: '<p>Ampoules E14</p>', publishedAt: new Date() });
    const third = await connector.poll(ctx, second.cursor);
    expect(third.items.map((i) => i.remoteId)).toContain('alert-2026-032');
    expect(server.control.requestsTo('updates.json').at(-1)!.status).toBe(200);
    expect(readFeedCursor(third.cursor).etag).not.toBe(cursor.etag);
  });

  it('honours If-Modified-Since alone (a server that sent no ETag)', async () => {
    const connector = createFeedConnector(instant);
    const ctx = context(server.feedUrl('blog.rss.xml'));
    const first = await connector.poll(ctx, null);
    const onlyDate = JSON.stringify({ ...readFeedCursor(first.cursor), etag: null });
    const second = await connector.poll(ctx, onlyDate);
    expect(second.items).toEqual([]);
    expect(server.control.requestsTo('blog.rss.xml').at(-1)).toMatchObject({ ifNoneMatch: null, status: 304 });
  });

  it('remembers a permanent redirect and goes straight to the new address', async () => {
    const connector = createFeedConnector(instant);
    const ctx = context(`${server.url}/old/channel.youtube.xml`);
    const first = await connector.poll(ctx, null);
    expect(readFeedCursor(first.cursor).url).toBe(server.feedUrl('channel.youtube.xml'));
    const before = server.control.requests.length;
    await connector.poll(ctx, first.cursor);
    expect(server.control.requests.slice(before).map((r) => r.path)).toEqual(['/feeds/channel.youtube.xml']);
  });

  it('keeps an undated entry’s first-seen time across polls through the cursor', async () => {
    const connector = createFeedConnector({ ...instant, clock: () => Date.parse('2026-11-03T12:00:00Z') });
    const ctx = context(server.feedUrl('broken-dates.rss.xml'));
    const first = await connector.poll(ctx, null);
    const undated = first.items.find((i) => i.remoteId === 'presse-2026-040')!;
    server.control.addEntry('broken-dates.rss.xml', { id: 'presse-2026-042', title: 'Nouvel article', html: 'Texte' });
    const later = createFeedConnector({ ...instant, clock: () => Date.parse('2026-11-04T12:00:00Z') });
    const second = await later.poll(ctx, first.cursor);
    expect(second.items.find((i) => i.remoteId === 'presse-2026-040')!.createdAt).toBe(undated.createdAt);
    expect(second.items.find((i) => i.remoteId === 'presse-2026-042')!.createdAt).toBe(Date.parse('2026-11-04T12:00:00Z'));
  });

  it('turns Cache-Control max-age into a wait (capped at an hour), and no-cache into none', async () => {
    const connector = createFeedConnector({ ...instant, clock: () => 1_000_000 });
    const ctx = context(server.feedUrl('news.atom.xml'));
    server.control.setCacheControl('news.atom.xml', 'public, max-age=600');
    expect((await connector.poll(ctx, null)).rateLimit).toEqual({ limit: null, remaining: 0, resetAt: 1_000_000 + 600_000 });
    server.control.setCacheControl('news.atom.xml', 'max-age=604800');
    expect((await connector.poll(ctx, null)).rateLimit?.resetAt).toBe(1_000_000 + 3600_000);
    server.control.setCacheControl('news.atom.xml', 'no-cache');
    expect((await connector.poll(ctx, null)).rateLimit).toBeNull();
    server.control.setCacheControl('news.atom.xml', null);
  });

  it('fails in plain words: gone, server errors, maintenance, too slow, a page instead of the feed', async () => {
    const connector = createFeedConnector({ ...instant, timeoutMs: 300 });
    const ctx = context(server.feedUrl('news.atom.xml'));

    server.control.fail('news.atom.xml', { kind: 'status', status: 410 });
    expect(await failure(connector.poll(ctx, null))).toMatchObject({ kind: 'bad-response', status: 410, message: expect.stringMatching(/is gone \(410 Gone\)/) });

    server.control.fail('news.atom.xml', { kind: 'status', status: 500 });
    expect(await failure(connector.poll(ctx, null))).toMatchObject({ kind: 'network', status: 500 });

    server.control.fail('news.atom.xml', { kind: 'unavailable', retryAfterSeconds: 120 });
    expect(await failure(connector.poll(ctx, null))).toMatchObject({ kind: 'rate-limited', retryAfterMs: 120_000 });

    server.control.fail('news.atom.xml', { kind: 'slow', delayMs: 2_000 });
    expect(await failure(connector.poll(ctx, null))).toMatchObject({ kind: 'network', message: expect.stringMatching(/did not answer within/) });

    server.control.fail('news.atom.xml', { kind: 'html-page' });
    const page = await failure(connector.poll(ctx, null));
    expect(page.kind).toBe('bad-response');
    expect(page.message).toContain(`announces the feed ${server.url}/feeds/blog.rss.xml`);

    // And it recovers by itself.
    expect((await connector.poll(ctx, null)).items.length).toBe(3);
  });

  it('refuses to reply or moderate: a feed is read-only', async () => {
    const connector = createFeedConnector(instant);
    expect(connector.capabilities).toMatchObject({ reply: false, moderation: [] });
    const ctx = context(server.feedUrl('news.atom.xml'));
    expect(await failure(connector.reply(ctx, { conversationRemoteId: 'x', parentRemoteId: 'x', text: 'hi', idempotencyKey: 'k' }))).toMatchObject({ kind: 'not-supported' });
  });
});
