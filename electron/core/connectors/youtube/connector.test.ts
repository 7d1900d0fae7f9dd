/**
 * The YouTube connector against the local YouTube server (e2e/networks/youtube.ts): sign-in,
 * polling, replies, moderation, quota and token expiry, on a shared fake clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startYouTubeServer, type YouTubeServer, type YouTubeServerOptions } from '../../../../e2e/networks/youtube';
import { ConnectorError, type AccountContext, type ModerateRequest, type ModerationAction, type NormalizedItem, type PollResult } from '../types';
import { createYouTubeConnector, quotaCost, signInToYouTube, YOUTUBE_CAPABILITIES, type YouTubeConnectorOptions } from './index';

const T0 = Date.parse('2026-11-24T12:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Harness {
  server: YouTubeServer;
  ctx: AccountContext;
  connector: ReturnType<typeof createYouTubeConnector>;
  options: YouTubeConnectorOptions;
  refreshed: Record<string, string>[];
  advance(ms: number): void;
  now(): number;
}

const servers: YouTubeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(opts: { server?: YouTubeServerOptions; connector?: Partial<YouTubeConnectorOptions> } = {}): Promise<Harness> {
  let clock = T0;
  const now = () => clock;
  const server = await startYouTubeServer({ now, clientId: 'parvis-client', clientSecret: 'desktop-secret', ...opts.server });
  servers.push(server);
  const issued = server.control.issueTokens({ clientId: 'parvis-client' });
  const refreshed: Record<string, string>[] = [];
  const ctx: AccountContext = {
    accountId: 1,
    network: 'youtube',
    serverUrl: server.url,
    remoteId: server.control.channelId,
    handle: 'parvisdemo',
    credentials: { accessToken: issued.accessToken, refreshToken: issued.refreshToken, expiresAt: String(issued.expiresAt) },
    onCredentialsRefreshed: async (fresh) => {
      refreshed.push(fresh);
      ctx.credentials = fresh;
    },
  };
  const options: YouTubeConnectorOptions = {
    oauth: { clientId: 'parvis-client', clientSecret: 'desktop-secret', authorizeUrl: `${server.url}/o/oauth2/v2/auth`, tokenUrl: `${server.url}/token` },
    now,
    http: { timeoutMs: 300, retries: 1, backoffBaseMs: 1, sleep: async () => {} },
    ...opts.connector,
  };
  return {
    server,
    ctx,
    connector: createYouTubeConnector(options),
    options,
    refreshed,
    advance: (ms) => {
      clock += ms;
    },
    now,
  };
}

/** Polls until the connector has nothing more right now; what a scheduler does in one burst. */
async function pollCycle(h: Harness, cursor: string | null): Promise<{ items: NormalizedItem[]; cursor: string | null; pages: PollResult[] }> {
  const pages: PollResult[] = [];
  let current = cursor;
  for (let i = 0; i < 100; i++) {
    const page = await h.connector.poll(h.ctx, current);
    pages.push(page);
    current = page.cursor ?? current;
    if (!page.hasMore) return { items: pages.flatMap((p) => p.items), cursor: current, pages };
  }
  throw new Error('the connector never finished its cycle');
}

function ids(items: readonly NormalizedItem[]): string[] {
  return items.map((i) => i.remoteId);
}

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ConnectorError) return err;
    throw err;
  }
  throw new Error('expected a ConnectorError');
}

describe('sign-in', () => {
  it('runs Google OAuth with PKCE through the loopback redirect and finds the channel', async () => {
    const h = await setup({ server: { channel: { title: 'Parvis Demo', handle: '@parvisdemo' } } });
    let consentUrl = '';
    const { credentials, channel } = await signInToYouTube(h.options, {
      apiBaseUrl: h.server.url,
      timeoutMs: 5000,
      // The "browser": the server approves at once and redirects to the loopback receiver.
      openBrowser: async (url) => {
        consentUrl = url;
        const approval = await fetch(url, { redirect: 'manual' });
        await fetch(approval.headers.get('location') ?? '');
      },
    });
    const consent = new URL(consentUrl);
    expect(consent.searchParams.get('scope')).toBe('https://www.googleapis.com/auth/youtube.force-ssl');
    expect(consent.searchParams.get('access_type')).toBe('offline');
    expect(consent.searchParams.get('code_challenge_method')).toBe('S256');
    expect(consent.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(credentials).toEqual({
      accessToken: expect.stringMatching(/^ya29\./),
      refreshToken: expect.any(String),
      expiresAt: String(T0 + 3599 * 1000),
      scope: 'https://www.googleapis.com/auth/youtube.force-ssl',
    });
    expect(channel).toEqual({
      remoteId: h.server.control.channelId,
      handle: 'parvisdemo',
      name: 'Parvis Demo',
      avatarUrl: expect.any(String),
      profileUrl: 'https://www.youtube.com/@parvisdemo',
    });
  });

  it('reports a refused consent as an auth error', async () => {
    const h = await setup();
    h.server.control.denyNextAuthorization();
    const err = await rejection(
      signInToYouTube(h.options, {
        apiBaseUrl: h.server.url,
        timeoutMs: 5000,
        openBrowser: async (url) => {
          const approval = await fetch(url, { redirect: 'manual' });
          await fetch(approval.headers.get('location') ?? '');
        },
      }),
    );
    expect(err.kind).toBe('auth');
    expect(err.message).toContain('access_denied');
  });
});

describe('polling', () => {
  it('reads the review queues and the published listing, newest first, and marks the review queue held', async () => {
    const h = await setup();
    const c = h.server.control;
    const video = c.addVideo({ title: 'Launch day' });
    const published = c.addThread({ videoId: video.id, text: 'Congrats!', publishedAt: T0 - 30 * MINUTE });
    const held = c.addThread({ videoId: video.id, text: 'Buy followers', status: 'heldForReview', publishedAt: T0 - 20 * MINUTE });
    const heldReply = c.addReply({ parentId: published.id, text: 'click my link', status: 'heldForReview', publishedAt: T0 - 10 * MINUTE });
    const reply = c.addReply({ parentId: published.id, text: 'Thanks!', publishedAt: T0 - 5 * MINUTE });

    const { items, pages } = await pollCycle(h, null);
    expect(pages.map((p) => p.hasMore)).toEqual([true, true, false]);
    const byId = new Map(items.map((i) => [i.remoteId, i]));
    expect([...byId.keys()].sort()).toEqual([held.id, heldReply.id, published.id, reply.id].sort());
    expect(items).toHaveLength(4);
    expect(byId.get(held.id)).toMatchObject({ moderation: 'held', threadRemoteId: held.id, parentRemoteId: null, kind: 'comment' });
    expect(byId.get(heldReply.id)).toMatchObject({ moderation: 'held', threadRemoteId: published.id, parentRemoteId: published.id });
    expect(byId.get(published.id)).toMatchObject({
      moderation: 'visible',
      text: 'Congrats!',
      context: { remoteId: video.id, text: 'Launch day', url: `https://www.youtube.com/watch?v=${video.id}` },
    });
    expect(byId.get(reply.id)).toMatchObject({ moderation: 'visible', threadRemoteId: published.id, direction: 'in' });
    const listings = c.requests.filter((r) => r.method === 'commentThreads.list').map((r) => r.query);
    expect(listings.map((q) => q.moderationStatus?.[0])).toEqual(['heldForReview', 'likelySpam', 'published']);
    expect(listings[0]).toMatchObject({ part: ['snippet,replies'], order: ['time'], textFormat: ['html'], allThreadsRelatedToChannelId: [c.channelId] });
  });

  it('pages through many threads with no gap and no repeat, across arrivals, re-polls after a crash, and cycles', async () => {
    const h = await setup({ connector: { pageSize: 40 } });
    const c = h.server.control;
    const first = c.addManyThreads({ count: 100, newestAt: T0 - MINUTE, stepSeconds: 60 }).map((t) => t.id);
    const delivered: string[] = [];
    let cursor: string | null = null;

    // held (empty), likely spam (empty), then published page 1
    for (let i = 0; i < 3; i++) {
      const page = await h.connector.poll(h.ctx, cursor);
      delivered.push(...ids(page.items));
      cursor = page.cursor;
    }
    // New comments arrive while the sweep is halfway through.
    h.advance(MINUTE);
    const arrived = c.addManyThreads({ count: 5, newestAt: h.now(), stepSeconds: 1 }).map((t) => t.id);

    // A poll whose page is never stored (a crash before the commit): the same cursor again gives the same page.
    const lost = await h.connector.poll(h.ctx, cursor);
    const again = await h.connector.poll(h.ctx, cursor);
    expect(ids(again.items)).toEqual(ids(lost.items));
    delivered.push(...ids(again.items));
    cursor = again.cursor;

    let rest = await pollCycle(h, cursor);
    delivered.push(...ids(rest.items));
    cursor = rest.cursor;
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(new Set(delivered)).toEqual(new Set(first));

    // The next cycle brings what arrived meanwhile, and only that.
    h.advance(5 * MINUTE);
    rest = await pollCycle(h, cursor);
    expect(ids(rest.items).sort()).toEqual([...arrived].sort());
    cursor = rest.cursor;

    // A quiet cycle: nothing again.
    rest = await pollCycle(h, cursor);
    expect(rest.items).toEqual([]);
  });

  it('delivers comments that share one second without losing or repeating any', async () => {
    const h = await setup({ connector: { pageSize: 3 } });
    const c = h.server.control;
    const sameSecond = c.addManyThreads({ count: 7, newestAt: T0 - 10_000, stepSeconds: 0 }).map((t) => t.id);
    let cycle = await pollCycle(h, null);
    expect(ids(cycle.items).sort()).toEqual([...sameSecond].sort());
    // The mark remembers the ids of its second: a comment of that same second arriving later still comes, once.
    const tie = c.addThread({ text: 'late in the same second', publishedAt: T0 - 10_000 });
    const later = c.addThread({ text: 'later', publishedAt: T0 - 5000 });
    cycle = await pollCycle(h, cycle.cursor);
    expect(ids(cycle.items).sort()).toEqual([tie.id, later.id].sort());
    cycle = await pollCycle(h, cycle.cursor);
    expect(cycle.items).toEqual([]);
  });

  it('fetches all replies of a thread with more than the embedded ones', async () => {
    const h = await setup();
    const c = h.server.control;
    const top = c.addThread({ text: 'AMA', publishedAt: T0 - HOUR });
    const replies = Array.from({ length: 12 }, (_, i) => c.addReply({ parentId: top.id, text: `q${i}`, publishedAt: T0 - HOUR + (i + 1) * 1000 }).id);
    const { items } = await pollCycle(h, null);
    expect(ids(items).sort()).toEqual([top.id, ...replies].sort());
    const listCalls = c.requests.filter((r) => r.method === 'comments.list');
    expect(listCalls.map((r) => r.query.parentId?.[0])).toEqual([top.id]);
  });

  it('finds new replies on older threads through the watch list, fetching replies only when the count changed', async () => {
    const h = await setup({ connector: { lookbackMs: HOUR, pageSize: 3 } });
    const c = h.server.control;
    const old = c.addThread({ text: 'old question', publishedAt: T0 - 3 * 86_400_000 });
    for (let i = 0; i < 6; i++) c.addReply({ parentId: old.id, text: `early ${i}`, publishedAt: T0 - 3 * 86_400_000 + (i + 1) * 1000 });
    const quiet = c.addThread({ text: 'quiet one', publishedAt: T0 - 2 * 86_400_000 });
    let cycle = await pollCycle(h, null);
    expect(cycle.items).toHaveLength(8);

    // Newer threads, spread over more than the lookback, push them below the sweep's reach.
    h.advance(3 * HOUR);
    c.addManyThreads({ count: 10, newestAt: h.now() - MINUTE, stepSeconds: 600 });
    c.clearRequests();
    cycle = await pollCycle(h, cycle.cursor);
    expect(cycle.items).toHaveLength(10);
    expect(c.requests.filter((r) => r.method === 'comments.list')).toEqual([]);

    h.advance(HOUR);
    const late = c.addReply({ parentId: old.id, text: 'any update?', publishedAt: h.now() - MINUTE });
    c.clearRequests();
    cycle = await pollCycle(h, cycle.cursor);
    expect(ids(cycle.items)).toEqual([late.id]);
    expect(cycle.items[0]).toMatchObject({ threadRemoteId: old.id, parentRemoteId: old.id });
    const recheck = c.requests.find((r) => r.method === 'commentThreads.list' && r.query.id);
    expect(recheck?.query.id?.[0]?.split(',')).toEqual(expect.arrayContaining([old.id, quiet.id]));
    expect(c.requests.filter((r) => r.method === 'comments.list').map((r) => r.query.parentId?.[0])).toEqual([old.id]);

    // Nothing new: nothing delivered twice.
    cycle = await pollCycle(h, cycle.cursor);
    expect(cycle.items).toEqual([]);
  });

  it('skips a malformed item with its reason and keeps the rest of the page', async () => {
    const h = await setup();
    const c = h.server.control;
    const a = c.addThread({ text: 'good one', publishedAt: T0 - 5000 });
    const broken = c.addMalformedThread({ publishedAt: T0 - 4000 });
    const badDate = c.addMalformedThread({ variant: 'bad-date', publishedAt: T0 - 3000 });
    c.addMalformedThread({ variant: 'not-an-object', publishedAt: T0 - 2000 });
    const b = c.addThread({ text: 'good two', publishedAt: T0 - 1000 });
    const { items, pages } = await pollCycle(h, null);
    expect(ids(items).sort()).toEqual([a.id, b.id].sort());
    const skipped = pages.flatMap((p) => p.skipped);
    // Newest first, as listed.
    expect(skipped).toEqual([
      { remoteId: null, reason: expect.stringContaining('unreadable comment thread') },
      { remoteId: badDate, reason: expect.stringContaining('publishedAt') },
      { remoteId: broken, reason: expect.stringContaining('topLevelComment') },
    ]);
  });

  it('retries a 5xx and a hung request, and reports a malformed body as bad-response', async () => {
    const h = await setup();
    const c = h.server.control;
    const t = c.addThread({ text: 'hello', publishedAt: T0 - 1000 });
    c.fail({ kind: 'server-error', status: 503 });
    let cycle = await pollCycle(h, null);
    expect(ids(cycle.items)).toEqual([t.id]);

    c.fail({ kind: 'hang' });
    cycle = await pollCycle(h, cycle.cursor);
    expect(cycle.items).toEqual([]);

    c.fail({ kind: 'malformed' }, 2);
    const err = await rejection(h.connector.poll(h.ctx, cycle.cursor));
    expect(err.kind).toBe('bad-response');
  });

  it('turns a 429 into rate-limited with the server’s Retry-After', async () => {
    const h = await setup();
    h.server.control.fail({ kind: 'rate-limit', resetInSeconds: 42 });
    const err = await rejection(h.connector.poll(h.ctx, null));
    expect(err.kind).toBe('rate-limited');
    expect(err.retryAfterMs).toBe(42_000);
  });
});

describe('review queues (heldForReview, likelySpam)', () => {
  it('reads the comments YouTube files as likely spam: a false positive reaches the inbox, marked spam, once', async () => {
    const h = await setup();
    const c = h.server.control;
    const published = c.addThread({ text: 'Super tuto', publishedAt: T0 - 3 * HOUR });
    const spam = c.addThread({ text: 'Mon code promo est dans ma bio', status: 'likelySpam', publishedAt: T0 - 2 * HOUR });
    const spamReply = c.addReply({ parentId: published.id, text: 'Vraie question : quel micro ?', status: 'likelySpam', publishedAt: T0 - HOUR });

    const first = await pollCycle(h, null);
    const byId = new Map(first.items.map((i) => [i.remoteId, i]));
    expect(byId.get(spam.id)).toMatchObject({ moderation: 'spam', threadRemoteId: spam.id });
    expect(byId.get(spamReply.id)).toMatchObject({ moderation: 'spam', threadRemoteId: published.id, parentRemoteId: published.id });
    expect(byId.get(published.id)).toMatchObject({ moderation: 'visible' });
    expect(first.items).toHaveLength(3);
    const listings = c.requests.filter((r) => r.method === 'commentThreads.list').map((r) => r.query.moderationStatus?.[0]);
    expect(listings).toEqual(['heldForReview', 'likelySpam', 'published']);

    h.advance(10 * MINUTE);
    const again = await pollCycle(h, first.cursor);
    expect(again.items).toEqual([]);
  });

  it('a held reply on an old thread behind a long review queue is not lost', async () => {
    const DAY = 24 * HOUR;
    const h = await setup({ connector: { pageSize: 2 } });
    const c = h.server.control;
    // A review queue left alone for days, and an old published thread.
    c.addThread({ text: 'en attente depuis deux jours', status: 'heldForReview', publishedAt: T0 - 2 * DAY });
    c.addThread({ text: 'en attente depuis cinq jours', status: 'heldForReview', publishedAt: T0 - 5 * DAY });
    const old = c.addThread({ text: 'Une vieille question', publishedAt: T0 - 10 * DAY });
    const first = await pollCycle(h, null);
    expect(first.items.map((i) => i.text)).toContain('en attente depuis cinq jours');

    // Today, a reply on the old thread is held: YouTube lists its thread at the old thread's place.
    h.advance(HOUR);
    const heldReply = c.addReply({ parentId: old.id, text: 'Réponse retenue pour examen', status: 'heldForReview', publishedAt: h.now() });
    const second = await pollCycle(h, first.cursor);
    expect(second.items.map((i) => [i.remoteId, i.moderation])).toEqual([[heldReply.id, 'held']]);

    h.advance(HOUR);
    expect((await pollCycle(h, second.cursor)).items).toEqual([]);
  });

  it('a likely-spam reply on an old thread is not lost either', async () => {
    const DAY = 24 * HOUR;
    const h = await setup({ connector: { pageSize: 2 } });
    const c = h.server.control;
    c.addThread({ text: 'pub un', status: 'likelySpam', publishedAt: T0 - 2 * DAY });
    c.addThread({ text: 'pub deux', status: 'likelySpam', publishedAt: T0 - 5 * DAY });
    const old = c.addThread({ text: 'Une vieille question', publishedAt: T0 - 10 * DAY });
    const first = await pollCycle(h, null);
    h.advance(HOUR);
    const spamReply = c.addReply({ parentId: old.id, text: 'lien douteux, ou pas', status: 'likelySpam', publishedAt: h.now() });
    const second = await pollCycle(h, first.cursor);
    expect(second.items.map((i) => [i.remoteId, i.moderation])).toEqual([[spamReply.id, 'spam']]);
  });
});

describe('quota', () => {
  it('reports the units each poll spent, as the server counted them', async () => {
    const h = await setup();
    const c = h.server.control;
    const video = c.addVideo({ title: 'v' });
    const top = c.addThread({ videoId: video.id, text: 'many replies', publishedAt: T0 - HOUR });
    for (let i = 0; i < 8; i++) c.addReply({ parentId: top.id, text: `r${i}`, publishedAt: T0 - HOUR + (i + 1) * 1000 });
    const before = c.quota().used;
    const { pages } = await pollCycle(h, null);
    const reported = pages.map((p) => p.rateLimit?.quotaUsed);
    // held listing (1) ; likely spam (1) ; published listing (1) + replies (1) + video titles (1)
    expect(reported).toEqual([1, 1, 3]);
    expect(c.quota().used - before).toBe(5);
    expect(pages[0]?.rateLimit).toEqual({ limit: null, remaining: null, resetAt: Date.parse('2026-11-25T08:00:00Z'), quotaUsed: 1, quotaLimit: 10_000 });
    expect(quotaCost('comments.insert')).toBe(50);
  });

  it('turns quotaExceeded into rate-limited until midnight Pacific time', async () => {
    const h = await setup();
    h.server.control.exhaustQuota();
    const err = await rejection(h.connector.poll(h.ctx, null));
    expect(err.kind).toBe('rate-limited');
    expect(err.status).toBe(403);
    expect(err.retryAfterMs).toBe(20 * HOUR);
    expect(err.message).toContain('quota');
  });
});

describe('tokens', () => {
  it('refreshes on a 401, retries once, and hands the new credentials over', async () => {
    const h = await setup();
    const c = h.server.control;
    const t = c.addThread({ text: 'hi', publishedAt: T0 - 1000 });
    const oldToken = h.ctx.credentials.accessToken;
    const oldRefresh = h.ctx.credentials.refreshToken;
    c.expireAccessTokens();
    const { items, pages } = await pollCycle(h, null);
    expect(ids(items)).toEqual([t.id]);
    expect(h.refreshed).toHaveLength(1);
    expect(h.refreshed[0]?.accessToken).not.toBe(oldToken);
    expect(h.refreshed[0]?.refreshToken).toBe(oldRefresh);
    const statuses = c.requests.map((r) => r.status);
    expect(statuses[0]).toBe(401);
    expect(statuses.slice(1).every((s) => s === 200)).toBe(true);
    // The refused call costs nothing, on either side.
    expect(pages.reduce((sum, p) => sum + (p.rateLimit?.quotaUsed ?? 0), 0)).toBe(c.quota().used);
  });

  it('refreshes an expired token before using it', async () => {
    const h = await setup();
    h.advance(2 * HOUR);
    await pollCycle(h, null);
    expect(h.refreshed).toHaveLength(1);
    expect(h.server.control.requests.some((r) => r.status === 401)).toBe(false);
  });

  it('gives an auth error when the refresh token is revoked, and refreshCredentials works for the scheduler', async () => {
    const h = await setup();
    const fresh = await h.connector.refreshCredentials(h.ctx);
    expect(fresh.accessToken).not.toBe(h.ctx.credentials.accessToken);
    expect(fresh.refreshToken).toBe(h.ctx.credentials.refreshToken);
    expect(h.refreshed).toEqual([]);

    h.server.control.expireAccessTokens();
    h.server.control.revokeRefreshTokens();
    const err = await rejection(h.connector.poll(h.ctx, null));
    expect(err.kind).toBe('auth');
    expect(err.message).toContain('sign in again');
    expect(err.message).not.toContain(h.ctx.credentials.refreshToken ?? '-');
    expect((await rejection(h.connector.refreshCredentials(h.ctx))).kind).toBe('auth');
  });
});

describe('replies', () => {
  it('posts under the thread’s top-level comment, even when answering a reply, and finds it again after a crash', async () => {
    const h = await setup();
    const c = h.server.control;
    const top = c.addThread({ text: 'How do I export?', publishedAt: T0 - HOUR });
    const follow = c.addReply({ parentId: top.id, text: 'Same question', publishedAt: T0 - 30 * MINUTE });
    const req = { conversationRemoteId: top.id, parentRemoteId: follow.id, text: '@grace_h Settings → Export', idempotencyKey: 'reply-1' };

    expect(await h.connector.findReply?.(h.ctx, req)).toBeNull();
    const sent = await h.connector.reply(h.ctx, req);
    expect(c.insertedReplies).toEqual([{ id: sent.remoteId, parentId: top.id, textOriginal: req.text, at: T0 }]);
    expect(sent).toMatchObject({ createdAt: T0, extra: { parentId: top.id } });
    expect(c.requests.find((r) => r.method === 'comments.insert')?.body).toEqual({ snippet: { parentId: top.id, textOriginal: req.text } });

    const found = await h.connector.findReply?.(h.ctx, req);
    expect(found?.remoteId).toBe(sent.remoteId);

    // The next poll shows the reply as our own.
    const { items } = await pollCycle(h, null);
    expect(items.find((i) => i.remoteId === sent.remoteId)).toMatchObject({ direction: 'out', parentRemoteId: top.id });
  });

  it('refuses empty and over-long replies before spending quota', async () => {
    const h = await setup();
    const top = h.server.control.addThread({ text: 'hi' });
    const base = { conversationRemoteId: top.id, parentRemoteId: top.id, idempotencyKey: 'k' };
    expect((await rejection(h.connector.reply(h.ctx, { ...base, text: '  ' }))).kind).toBe('not-supported');
    expect((await rejection(h.connector.reply(h.ctx, { ...base, text: 'a'.repeat(10_001) }))).kind).toBe('not-supported');
    // An emoji is two UTF-16 units: 5,001 of them are over the limit.
    expect((await rejection(h.connector.reply(h.ctx, { ...base, text: '😀'.repeat(5_001) }))).kind).toBe('not-supported');
    expect(h.server.control.quota().used).toBe(0);
    await h.connector.reply(h.ctx, { ...base, text: 'a'.repeat(10_000) });
    expect(h.server.control.quota().used).toBe(50);
  });
});

describe('moderation', () => {
  const request = (action: ModerationAction, messageRemoteId: string, authorRemoteId = 'UCsomeone'): ModerateRequest => ({
    action,
    messageRemoteId,
    authorRemoteId,
    conversationRemoteId: messageRemoteId,
    idempotencyKey: `${action}-${messageRemoteId}`,
  });

  it('declares what YouTube can do, with reasons for the rest', () => {
    expect(YOUTUBE_CAPABILITIES.moderation).toEqual(['hold', 'approve', 'remove', 'ban-author', 'delete-own']);
    expect(YOUTUBE_CAPABILITIES.maxReplyLength).toBe(10_000);
    for (const action of ['hide', 'block-author', 'mute-author', 'report'] as const) {
      expect(YOUTUBE_CAPABILITIES.unsupportedReasons?.[action]).toEqual(expect.any(String));
    }
  });

  it('removes, bans, holds and approves through setModerationStatus', async () => {
    const h = await setup();
    const c = h.server.control;
    const spam = c.addThread({ text: 'spam', author: { channelId: 'UCspammer', name: '@spammer' } });
    const rude = c.addThread({ text: 'rude', author: { channelId: 'UCrude', name: '@rude' } });
    const ok = c.addThread({ text: 'ok', status: 'heldForReview' });

    expect(await h.connector.moderate(h.ctx, request('remove', rude.id))).toEqual({ remoteResult: { moderationStatus: 'rejected' } });
    expect(await h.connector.moderate(h.ctx, request('ban-author', spam.id, 'UCspammer'))).toEqual({
      remoteResult: { moderationStatus: 'rejected', banAuthor: true },
    });
    await h.connector.moderate(h.ctx, request('approve', ok.id));
    await h.connector.moderate(h.ctx, request('hold', rude.id));
    expect(c.moderationCalls.map(({ ids: i, moderationStatus, banAuthor }) => ({ ids: i, moderationStatus, banAuthor }))).toEqual([
      { ids: [rude.id], moderationStatus: 'rejected', banAuthor: false },
      { ids: [spam.id], moderationStatus: 'rejected', banAuthor: true },
      { ids: [ok.id], moderationStatus: 'published', banAuthor: false },
      { ids: [rude.id], moderationStatus: 'heldForReview', banAuthor: false },
    ]);
    expect(c.bannedAuthors).toEqual(['UCspammer']);
    expect(c.quota().used).toBe(4 * 50);
  });

  it('deletes only the channel’s own comments, and treats a comment already gone as done', async () => {
    const h = await setup();
    const c = h.server.control;
    const theirs = c.addThread({ text: 'theirs' });
    const ours = await h.connector.reply(h.ctx, { conversationRemoteId: theirs.id, parentRemoteId: theirs.id, text: 'oops', idempotencyKey: 'k' });

    const refused = await rejection(h.connector.moderate(h.ctx, request('delete-own', theirs.id)));
    expect(refused.kind).toBe('not-supported');
    expect(await h.connector.moderate(h.ctx, request('delete-own', ours.remoteId, h.ctx.remoteId))).toEqual({ remoteResult: { deleted: true } });
    expect(c.deletedComments).toEqual([ours.remoteId]);
    // Sent again (the outbox after a crash): the comment is gone, which is what was asked.
    expect(await h.connector.moderate(h.ctx, request('delete-own', ours.remoteId, h.ctx.remoteId))).toEqual({ remoteResult: { alreadyGone: true } });
    const approveGone = await rejection(h.connector.moderate(h.ctx, request('approve', 'UgNoSuchComment')));
    expect(approveGone.kind).toBe('bad-response');
    expect(approveGone.message).toContain('commentNotFound');
  });

  it('throws not-supported for actions YouTube does not have', async () => {
    const h = await setup();
    for (const action of ['hide', 'block-author', 'mute-author', 'report', 'spam'] as const) {
      const err = await rejection(h.connector.moderate(h.ctx, request(action, 'Ugx')));
      expect(err.kind).toBe('not-supported');
    }
    expect(h.server.control.requests).toEqual([]);
  });
});
