/**
 * The Bluesky connector against the local PDS/AppView (e2e/networks/bluesky.ts): sign-in, polling
 * without gaps or duplicates, replies with the right strong refs, moderation, rate limits, token
 * refresh and malformed items.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBlueskyServer, type BlueskyServer } from '../../../../e2e/networks/bluesky';
import type { AccountContext, Connector, NormalizedItem, PollResult } from '../types';
import { ConnectorError } from '../types';
import { createBlueskyConnector, reportReason, signInToBluesky, type BlueskyConnectorOptions } from './index';
import { recordKeyFor } from './record-key';
import { REPORT_REASONS } from '../../../../shared/report-reasons';

let clock = Date.parse('2026-03-01T10:00:00.000Z');
const now = () => clock;
const noSleep = async () => {};
let server: BlueskyServer;

beforeEach(async () => {
  clock = Date.parse('2026-03-01T10:00:00.000Z');
  server = await startBlueskyServer({ now });
});
afterEach(async () => {
  await server.close();
});

function connectorWith(options: BlueskyConnectorOptions = {}): Connector {
  return createBlueskyConnector({ now, sleep: noSleep, timeoutMs: 2_000, ...options });
}

/** Signs in and returns a context whose credential updates are recorded. */
async function signedIn(): Promise<AccountContext & { saved: Record<string, string>[] }> {
  const { credentials, author } = await signInToBluesky(server.url, server.control.account.handle, server.control.account.password, { now });
  const saved: Record<string, string>[] = [];
  const ctx: AccountContext & { saved: Record<string, string>[] } = {
    accountId: 1,
    network: 'bluesky',
    serverUrl: server.url,
    remoteId: author.remoteId,
    handle: author.handle,
    credentials,
    saved,
    onCredentialsRefreshed: async (fresh) => {
      saved.push(fresh);
      ctx.credentials = fresh;
    },
  };
  return ctx;
}

async function pollAll(connector: Connector, ctx: AccountContext, cursor: string | null, limit = 20): Promise<{ batches: PollResult[]; cursor: string | null }> {
  const batches: PollResult[] = [];
  let current = cursor;
  for (let i = 0; i < limit; i++) {
    const result = await connector.poll(ctx, current);
    batches.push(result);
    current = result.cursor ?? current;
    if (!result.hasMore) break;
  }
  return { batches, cursor: current };
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
  it('signs in with an app password, hands the tokens back once, and never keeps the password', async () => {
    const connector = connectorWith();
    const saved: Record<string, string>[] = [];
    const author = await connector.verify({
      accountId: 1,
      network: 'bluesky',
      serverUrl: server.url,
      remoteId: '',
      handle: '@' + server.control.account.handle,
      credentials: { appPassword: server.control.account.password },
      onCredentialsRefreshed: async (c) => void saved.push(c),
    });
    expect(author).toMatchObject({ remoteId: server.control.account.did, handle: server.control.account.handle, name: 'Parvis Brand' });
    expect(saved).toHaveLength(1);
    expect(Object.keys(saved[0]!).sort()).toEqual(['accessJwt', 'did', 'handle', 'refreshJwt']);
    expect(JSON.stringify(saved)).not.toContain(server.control.account.password);
  });

  it('says clearly when the app password is wrong, without echoing it', async () => {
    const err = await rejection(signInToBluesky(server.url, server.control.account.handle, 'wrong-pass-word-1234'));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/app password/);
    expect(err.message).not.toContain('wrong-pass-word-1234');
  });

  it('asks to sign in when no session is stored', async () => {
    const err = await rejection(connectorWith().poll({ accountId: 1, network: 'bluesky', serverUrl: server.url, remoteId: 'did:plc:x', handle: 'x', credentials: {} }, null));
    expect(err.kind).toBe('auth');
  });
});

describe('poll', () => {
  it('reads replies, mentions and quotes with their thread context, oldest first', async () => {
    const ctx = await signedIn();
    const post = server.control.addOwnPost('Notre annonce');
    clock += 1000;
    const reply = server.control.addReply(post.uri, { text: 'Première réponse' });
    clock += 1000;
    server.control.addReply(reply.uri, { from: 'bob.test', text: 'Réponse à la réponse' });
    clock += 1000;
    server.control.addMention({ from: 'chloe.test', text: 'une question' });
    clock += 1000;
    server.control.addQuote(post.uri, { from: 'bob.test', text: 'à lire' });

    const result = await connectorWith().poll(ctx, null);
    expect(result.skipped).toEqual([]);
    expect(result.hasMore).toBe(false);
    expect(result.items.map((i) => [i.kind, i.text])).toEqual([
      ['comment', 'Première réponse'],
      ['comment', 'Réponse à la réponse'],
      ['mention', `@${server.control.account.handle} une question`],
      ['mention', 'à lire'],
    ]);
    const [first, second] = result.items as [NormalizedItem, NormalizedItem];
    expect(second.threadRemoteId).toBe(post.uri);
    expect(second.parentRemoteId).toBe(reply.uri);
    expect(first.context).toMatchObject({ remoteId: post.uri, text: 'Notre annonce', authorName: 'Parvis Brand' });
    expect(result.rateLimit).toMatchObject({ limit: 3000 });
    expect(result.rateLimit!.remaining).toBeLessThan(3000);
  });

  it('pages through a backlog over several polls with no gap and no duplicate, including new activity and ties', async () => {
    const ctx = await signedIn();
    const post = server.control.addOwnPost('Annonce');
    const created: string[] = [];
    for (let i = 0; i < 57; i++) {
      clock += i % 3 === 0 ? 0 : 1000; // some notifications share a timestamp
      created.push(server.control.addReply(post.uri, { text: `r${i}` }).uri);
    }
    const connector = connectorWith({ pageSize: 10, maxPagesPerPoll: 2 });
    const first = await pollAll(connector, ctx, null);
    expect(first.batches.length).toBeGreaterThan(2);
    // Arrives while nothing is polling, one at the very same time as the newest seen.
    created.push(server.control.addReply(post.uri, { text: 'late tie', indexedAt: new Date(clock).toISOString() }).uri);
    clock += 5000;
    for (let i = 0; i < 12; i++) created.push(server.control.addReply(post.uri, { text: `n${i}` }).uri);
    const second = await pollAll(connector, ctx, first.cursor);
    const quiet = await connector.poll(ctx, second.cursor);

    const delivered = [...first.batches, ...second.batches, quiet].flatMap((b) => b.items.map((i) => i.remoteId));
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(new Set(delivered)).toEqual(new Set(created));
    expect(quiet.items).toEqual([]);
    for (const batch of [...first.batches, ...second.batches]) {
      const times = batch.items.map((i) => i.createdAt);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
  });

  it('delivers a mention whose createdAt is older than what was already read, exactly once', async () => {
    const ctx = await signedIn();
    // What the inbox holds, as the store answers it.
    const inbox = new Set<string>();
    ctx.knownRemoteIds = (ids) => new Set(ids.filter((id) => inbox.has(id)));
    const connector = connectorWith();
    const pollInto = async (cursor: string | null) => {
      const { batches, cursor: next } = await pollAll(connector, ctx, cursor);
      const texts = batches.flatMap((b) => b.items.map((i) => i.text));
      for (const b of batches) for (const i of b.items) inbox.add(i.remoteId);
      return { texts, cursor: next };
    };
    server.control.addMention({ text: 'avant' });
    const first = await pollInto(null);
    expect(first.texts).toEqual([`@${server.control.account.handle} avant`]);

    clock += 20 * 60_000;
    // Written by a client whose clock is three hours behind: the AppView sorts it behind "avant".
    server.control.addMention({ text: 'en retard', createdAt: new Date(clock - 3 * 3600_000).toISOString() });
    server.control.addMention({ text: 'maintenant' });
    const second = await pollInto(first.cursor);
    expect(second.texts).toEqual([`@${server.control.account.handle} maintenant`]);

    // The next sweep of the backfill window finds it; later polls do not deliver it again.
    clock += 61 * 60_000;
    const third = await pollInto(second.cursor);
    expect(third.texts).toEqual([`@${server.control.account.handle} en retard`]);
    clock += 61 * 60_000;
    expect((await pollInto(third.cursor)).texts).toEqual([]);
  });

  it('reads every notification when several share the time at a page boundary', async () => {
    const ctx = await signedIn();
    const post = server.control.addOwnPost('Annonce');
    const created: string[] = [];
    // Pages of 4, newest first: r5 (last of the first page) and r4 share a millisecond.
    for (let i = 0; i < 9; i++) {
      if (i !== 5) clock += 1000;
      created.push(server.control.addReply(post.uri, { text: `r${i}` }).uri);
    }
    const { batches } = await pollAll(connectorWith({ pageSize: 4, maxPagesPerPoll: 5 }), ctx, null);
    const delivered = batches.flatMap((b) => b.items.map((i) => i.remoteId));
    expect(delivered).toEqual(created);
  });

  it('asks to sign in again when the server no longer has the account (500 on app calls), not "network"', async () => {
    const ctx = await signedIn();
    server.control.deleteAccount();
    const err = await rejection(connectorWith().poll(ctx, null));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/sign in again/);
    const replying = await rejection(connectorWith().reply(ctx, { conversationRemoteId: 'x', parentRemoteId: 'at://did:plc:x/app.bsky.feed.post/1', text: 'merci', idempotencyKey: 'k' }));
    expect(replying.kind).toBe('auth');
  });

  it('re-reads the same page after a crash (cursor not saved) and never skips', async () => {
    const ctx = await signedIn();
    const post = server.control.addOwnPost('Annonce');
    for (let i = 0; i < 5; i++) {
      clock += 1000;
      server.control.addReply(post.uri, { text: `r${i}` });
    }
    const connector = connectorWith();
    const saved = await connector.poll(ctx, null);
    clock += 1000;
    server.control.addReply(post.uri, { text: 'after' });
    const lost = await connector.poll(ctx, saved.cursor); // crashed before the store committed
    const replay = await connector.poll(ctx, saved.cursor);
    expect(replay.items.map((i) => i.remoteId)).toEqual(lost.items.map((i) => i.remoteId));
    expect(replay.items.map((i) => i.text)).toEqual(['after']);
  });

  it('skips a malformed notification with a reason and keeps the rest of the page', async () => {
    const ctx = await signedIn();
    const post = server.control.addOwnPost('Annonce');
    clock += 1000;
    server.control.addReply(post.uri, { text: 'avant' });
    clock += 1000;
    server.control.addMalformedNotification('no-author');
    clock += 1000;
    server.control.addMalformedNotification('bad-record');
    clock += 1000;
    server.control.addReply(post.uri, { text: 'après' });
    const connector = connectorWith();
    const result = await connector.poll(ctx, null);
    expect(result.items.map((i) => i.text)).toEqual(['avant', 'après']);
    expect(result.skipped).toHaveLength(2);
    expect(result.skipped.map((s) => s.reason).join('\n')).toMatch(/author/);
    expect(result.skipped.map((s) => s.reason).join('\n')).toMatch(/not a valid post/);
    // Reported once: the next poll does not repeat them.
    expect((await connector.poll(ctx, result.cursor)).skipped).toEqual([]);
  });

  it('turns a 429 into rate-limited with the wait from RateLimit-Reset', async () => {
    const ctx = await signedIn();
    server.control.injectFault({ kind: 'rate-limit', resetInSeconds: 120 });
    const err = await rejection(connectorWith().poll(ctx, null));
    expect(err.kind).toBe('rate-limited');
    expect(err.retryAfterMs).toBe(120_000);
    expect(err.status).toBe(429);
  });

  it('retries a 5xx on reads, then reports a network error; a hung server times out', async () => {
    const ctx = await signedIn();
    server.control.injectFault({ kind: 'server-error', status: 503 }, 1);
    expect((await connectorWith().poll(ctx, null)).items).toEqual([]);
    server.control.injectFault({ kind: 'server-error', status: 502 }, 3);
    const err = await rejection(connectorWith().poll(ctx, null));
    expect(err.kind).toBe('network');
    expect(err.status).toBe(502);
    server.control.injectFault({ kind: 'hang' }, 1);
    const hung = await rejection(connectorWith({ timeoutMs: 150, retries: 0 }).poll(ctx, null));
    expect(hung.kind).toBe('network');
    expect(hung.message).toMatch(/no answer after 150 ms/);
  });

  it('refreshes an expired access token transparently, hands the new tokens back, and retries once', async () => {
    const ctx = await signedIn();
    const before = ctx.credentials;
    server.control.expireAccessTokens();
    const post = server.control.addOwnPost('Annonce');
    server.control.addReply(post.uri, { text: 'salut' });
    const result = await connectorWith().poll(ctx, null);
    expect(result.items.map((i) => i.text)).toEqual(['salut']);
    expect(ctx.saved).toHaveLength(1);
    expect(ctx.saved[0]!.accessJwt).not.toBe(before.accessJwt);
    expect(ctx.saved[0]!.refreshJwt).not.toBe(before.refreshJwt);
    const refreshes = server.control.state().requests.filter((r) => r.nsid === 'com.atproto.server.refreshSession');
    expect(refreshes).toEqual([{ method: 'POST', nsid: 'com.atproto.server.refreshSession', status: 200 }]);
    // The new tokens work on their own.
    expect((await connectorWith().poll(ctx, result.cursor)).items).toEqual([]);
    expect(ctx.saved).toHaveLength(1);
  });

  it('refreshes once for concurrent calls of the same account', async () => {
    const ctx = await signedIn();
    server.control.expireAccessTokens();
    const connector = connectorWith();
    await Promise.all([connector.poll(ctx, null), connector.poll({ ...ctx }, null), connector.verify({ ...ctx })]);
    expect(server.control.state().requests.filter((r) => r.nsid === 'com.atproto.server.refreshSession')).toHaveLength(1);
  });

  it('asks to sign in again when the refresh token no longer works', async () => {
    const ctx = await signedIn();
    server.control.revokeSessions();
    const err = await rejection(connectorWith().poll(ctx, null));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/sign in again/);
    expect(err.message).not.toContain(ctx.credentials.refreshJwt!);
    expect(ctx.saved).toEqual([]);
  });
});

describe('reply', () => {
  it('answers with root = thread root and parent = the message answered, exactly once per idempotency key', async () => {
    const ctx = await signedIn();
    const post = server.control.addOwnPost('Annonce');
    const first = server.control.addReply(post.uri, { text: 'question' });
    server.control.addReply(first.uri, { from: 'bob.test', text: 'précision' });
    const connector = connectorWith();
    const polled = await connector.poll(ctx, null);
    const nested = polled.items.find((i) => i.text === 'précision')!;

    const req = {
      conversationRemoteId: nested.threadRemoteId,
      parentRemoteId: nested.remoteId,
      text: 'Merci, on regarde ! Détails sur https://example.com/status',
      idempotencyKey: 'outbox-42',
      parentExtra: nested.extra,
    };
    const sent = await connector.reply(ctx, req);
    const again = await connector.reply(ctx, req); // retry after a lost answer
    expect(again.remoteId).toBe(sent.remoteId);

    const mine = server.control.state().posts.filter((p) => p.author === ctx.remoteId && p.reply);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.uri).toBe(sent.remoteId);
    expect(mine[0]!.reply).toEqual({ root: post, parent: { uri: nested.remoteId, cid: nested.extra!.cid } });
    expect(sent.extra).toMatchObject({ root: post, parent: { uri: nested.remoteId } });
    expect(sent.permalink).toMatch(/^https:\/\/bsky\.app\/profile\/did:plc:[a-z2-7]+\/post\//);

    // Crash reconciliation finds it; another key finds nothing.
    expect((await connector.findReply!(ctx, req))?.remoteId).toBe(sent.remoteId);
    expect(await connector.findReply!(ctx, { ...req, idempotencyKey: 'outbox-43' })).toBeNull();
  });

  it('looks the refs up when the parent extra is missing, and refuses too long a reply', async () => {
    const ctx = await signedIn();
    const post = server.control.addOwnPost('Annonce');
    const reply = server.control.addReply(post.uri, { text: 'question' });
    const connector = connectorWith();
    const sent = await connector.reply(ctx, { conversationRemoteId: post.uri, parentRemoteId: reply.uri, text: 'ok', idempotencyKey: 'k1' });
    expect(server.control.state().posts.find((p) => p.uri === sent.remoteId)?.reply).toEqual({ root: post, parent: reply });

    const tooLong = await rejection(connector.reply(ctx, { conversationRemoteId: post.uri, parentRemoteId: reply.uri, text: 'é'.repeat(301), idempotencyKey: 'k2' }));
    expect(tooLong.message).toMatch(/301 characters.*300/);
    // 300 graphemes of several code units each are fine.
    await connector.reply(ctx, { conversationRemoteId: post.uri, parentRemoteId: reply.uri, text: '👍🏽'.repeat(300), idempotencyKey: 'k3' });
  });

  it('derives a stable TID record key from the idempotency key', () => {
    expect(recordKeyFor('a')).toBe(recordKeyFor('a'));
    expect(recordKeyFor('a')).not.toBe(recordKeyFor('b'));
    expect(recordKeyFor('outbox-42')).toMatch(/^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/);
  });
});

describe('moderate', () => {
  async function pollFind(ctx: AccountContext, text: string): Promise<NormalizedItem | undefined> {
    const result = await connectorWith().poll(ctx, null);
    return result.items.find((i) => i.text === text);
  }
  async function pollOne(ctx: AccountContext, text: string): Promise<NormalizedItem> {
    const found = await pollFind(ctx, text);
    if (!found) throw new Error(`"${text}" was not listed`);
    return found;
  }

  it('hides a reply in the threadgate of our root post, keeping its reply rules, and unhides it', async () => {
    const ctx = await signedIn();
    const post = server.control.addOwnPost('Annonce');
    const rude = server.control.addReply(post.uri, { text: 'insulte' });
    const nested = server.control.addReply(rude.uri, { from: 'bob.test', text: 'encore' });
    // The thread already has reply rules, set in the Bluesky app.
    const rkey = post.uri.split('/').pop()!;
    const client = await fetch(`${server.url}/xrpc/com.atproto.repo.putRecord`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.credentials.accessJwt}` },
      body: JSON.stringify({
        repo: ctx.remoteId,
        collection: 'app.bsky.feed.threadgate',
        rkey,
        record: { $type: 'app.bsky.feed.threadgate', post: post.uri, createdAt: new Date(clock).toISOString(), allow: [{ $type: 'app.bsky.feed.threadgate#mentionRule' }] },
      }),
    });
    expect(client.status).toBe(200);

    const connector = connectorWith();
    const item = await pollOne(ctx, 'insulte');
    const base = { messageRemoteId: item.remoteId, authorRemoteId: item.author.remoteId, conversationRemoteId: item.threadRemoteId, messageExtra: item.extra, idempotencyKey: 'h1' };
    await connector.moderate(ctx, { ...base, action: 'hide' });
    await connector.moderate(ctx, { ...base, action: 'hide', idempotencyKey: 'h1-retry' });
    // A nested reply, with no stored extra: the root is looked up.
    await connector.moderate(ctx, { ...base, messageRemoteId: nested.uri, messageExtra: undefined, action: 'hide', idempotencyKey: 'h2' });
    let [gate] = server.control.state().threadgates;
    expect(gate).toMatchObject({ post: post.uri, allow: [{ $type: 'app.bsky.feed.threadgate#mentionRule' }], hiddenReplies: [rude.uri, nested.uri] });

    // The AppView, like the real one, stops listing a reply our threadgate hides...
    expect(await pollFind(ctx, 'insulte')).toBeUndefined();

    await connector.moderate(ctx, { ...base, action: 'unhide', idempotencyKey: 'u1' });
    [gate] = server.control.state().threadgates;
    expect(gate?.hiddenReplies).toEqual([nested.uri]);
    expect(gate?.allow).toEqual([{ $type: 'app.bsky.feed.threadgate#mentionRule' }]);
    // ...and lists it again, visible, once it is unhidden.
    expect((await pollOne(ctx, 'insulte')).moderation).toBe('visible');
  });

  it('creates the threadgate when there is none, refuses threads not rooted in our posts, and respects the 300 cap', async () => {
    const ctx = await signedIn();
    const post = server.control.addOwnPost('Annonce');
    const first = server.control.addReply(post.uri, { text: 'un' });
    const last = server.control.addReply(post.uri, { text: 'deux' });
    const connector = connectorWith();
    const hide = (uri: string, key: string) =>
      connector.moderate(ctx, { action: 'hide', messageRemoteId: uri, authorRemoteId: '', conversationRemoteId: post.uri, messageExtra: { root: post, cid: 'x' }, idempotencyKey: key });
    await hide(first.uri, 'h0');
    expect(server.control.state().threadgates).toEqual([expect.objectContaining({ post: post.uri, allow: undefined, hiddenReplies: [first.uri] })]);

    // Fill the list up to the cap (299 more), as if hidden earlier.
    const filler = Array.from({ length: 299 }, (_, i) => `at://did:plc:someone/app.bsky.feed.post/filler${i}`);
    const put = await fetch(`${server.url}/xrpc/com.atproto.repo.putRecord`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.credentials.accessJwt}` },
      body: JSON.stringify({
        repo: ctx.remoteId,
        collection: 'app.bsky.feed.threadgate',
        rkey: post.uri.split('/').pop(),
        record: { $type: 'app.bsky.feed.threadgate', post: post.uri, createdAt: new Date(clock).toISOString(), hiddenReplies: [first.uri, ...filler] },
      }),
    });
    expect(put.status).toBe(200);
    const full = await rejection(hide(last.uri, 'h1'));
    expect(full.kind).toBe('not-supported');
    expect(full.message).toMatch(/300/);
    expect(server.control.state().threadgates[0]?.hiddenReplies).toHaveLength(300);

    const someoneElses = server.control.addMention({ from: 'bob.test', text: 'sujet' });
    const inTheirThread = server.control.addReply(someoneElses.uri, { from: 'chloe.test', text: 'réponse' });
    const notOurs = await rejection(
      connector.moderate(ctx, { action: 'hide', messageRemoteId: inTheirThread.uri, authorRemoteId: '', conversationRemoteId: someoneElses.uri, idempotencyKey: 'x' }),
    );
    expect(notOurs.kind).toBe('not-supported');
    expect(notOurs.message).toMatch(/your own posts/);
  });

  it('blocks (once), mutes and reports the author, and deletes our own post', async () => {
    const ctx = await signedIn();
    const post = server.control.addOwnPost('Annonce');
    server.control.addReply(post.uri, { text: 'spam spam' });
    const connector = connectorWith();
    const item = await pollOne(ctx, 'spam spam');
    const base = { messageRemoteId: item.remoteId, authorRemoteId: item.author.remoteId, conversationRemoteId: item.threadRemoteId, messageExtra: item.extra };

    const blocked = await connector.moderate(ctx, { ...base, action: 'block-author', idempotencyKey: 'b1' });
    await connector.moderate(ctx, { ...base, action: 'block-author', idempotencyKey: 'b2' });
    await connector.moderate(ctx, { ...base, action: 'mute-author', idempotencyKey: 'm1' });
    await connector.moderate(ctx, { ...base, action: 'report', reason: 'spam: liens douteux', idempotencyKey: 'r1' });
    const state = server.control.state();
    expect(state.blocks).toEqual([{ uri: blocked.remoteResult?.block, subject: item.author.remoteId }]);
    expect(state.mutes).toEqual([item.author.remoteId]);
    expect(state.reports).toEqual([
      expect.objectContaining({
        reasonType: 'com.atproto.moderation.defs#reasonSpam',
        reason: 'liens douteux',
        subject: { $type: 'com.atproto.repo.strongRef', uri: item.remoteId, cid: item.extra!.cid },
        reportedBy: ctx.remoteId,
      }),
    ]);

    const mine = await connector.reply(ctx, { conversationRemoteId: post.uri, parentRemoteId: item.remoteId, text: 'supprimé bientôt', idempotencyKey: 'd' , parentExtra: item.extra });
    await connector.moderate(ctx, { ...base, messageRemoteId: mine.remoteId, action: 'delete-own', idempotencyKey: 'd1' });
    expect(server.control.state().posts.some((p) => p.uri === mine.remoteId)).toBe(false);
    const notMine = await rejection(connector.moderate(ctx, { ...base, action: 'delete-own', idempotencyKey: 'd2' }));
    expect(notMine.kind).toBe('not-supported');
    const ban = await rejection(connector.moderate(ctx, { ...base, action: 'ban-author', idempotencyKey: 'x' }));
    expect(ban.kind).toBe('not-supported');
    expect(ban.message).toMatch(/block/);
  });

  it('maps every report code to its own Bluesky reason, and keeps free text as details of "other"', () => {
    expect(reportReason('spam')).toEqual({ reasonType: 'com.atproto.moderation.defs#reasonSpam' });
    expect(reportReason('harassment: insulte sous chaque post')).toEqual({ reasonType: 'tools.ozone.report.defs#reasonHarassmentOther', reason: 'insulte sous chaque post' });
    expect(reportReason('hate')).toEqual({ reasonType: 'tools.ozone.report.defs#reasonHarassmentHateSpeech' });
    expect(reportReason('misleading: faux concours')).toEqual({ reasonType: 'com.atproto.moderation.defs#reasonMisleading', reason: 'faux concours' });
    const types = REPORT_REASONS.map((code) => reportReason(code).reasonType);
    expect(new Set(types).size).toBe(REPORT_REASONS.length);
    // A translated label is not a code: it is never taken for one.
    expect(reportReason('Spam or scam')).toEqual({ reasonType: 'com.atproto.moderation.defs#reasonOther', reason: 'Spam or scam' });
    expect(reportReason(undefined)).toEqual({ reasonType: 'com.atproto.moderation.defs#reasonOther' });
  });
});
