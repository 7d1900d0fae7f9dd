/**
 * The local Bluesky server answers in the lexicons' shapes: every response and every record it
 * stores is checked against the lexicons copied in e2e/networks/specs/bluesky.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertValidJsonRecord,
  cidForRecord,
  didForHandle,
  encodeDagCbor,
  loadBlueskyLexicons,
  startBlueskyServer,
  type BlueskyServer,
} from './bluesky';

const lexicons = loadBlueskyLexicons();

let clock = Date.parse('2026-03-01T10:00:00.000Z');
const now = () => clock;
let server: BlueskyServer;

beforeEach(async () => {
  clock = Date.parse('2026-03-01T10:00:00.000Z');
  server = await startBlueskyServer({ now });
});
afterEach(async () => {
  await server.close();
});

interface XrpcAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function xrpc(nsid: string, opts: { token?: string; params?: Record<string, string | string[]>; input?: unknown; method?: 'GET' | 'POST' } = {}): Promise<XrpcAnswer> {
  const url = new URL(`/xrpc/${nsid}`, server.url);
  for (const [k, v] of Object.entries(opts.params ?? {})) for (const one of [v].flat()) url.searchParams.append(k, one);
  const method = opts.method ?? (opts.input === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.input !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: opts.input === undefined ? undefined : JSON.stringify(opts.input) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

async function signIn(): Promise<{ accessJwt: string; refreshJwt: string; did: string }> {
  const res = await xrpc('com.atproto.server.createSession', {
    input: { identifier: server.control.account.handle, password: server.control.account.password },
  });
  expect(res.status).toBe(200);
  lexicons.assertValidXrpcOutput('com.atproto.server.createSession', res.body);
  return res.body as { accessJwt: string; refreshJwt: string; did: string };
}

describe('identifiers', () => {
  it('encodes canonical DAG-CBOR and real CIDs', () => {
    // Known vector: the empty map is 0xa0, and its CID is the well-known dag-cbor empty-map CID.
    expect([...encodeDagCbor({})]).toEqual([0xa0]);
    expect(cidForRecord({})).toBe('bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua');
    // Keys sorted by length, then bytes; small ints in the head; strings as major type 3.
    expect(Buffer.from(encodeDagCbor({ bb: true, a: 1, c: null })).toString('hex')).toBe('a36161016163f6626262f5');
    expect(Buffer.from(encodeDagCbor({ n: 500, s: 'é' })).toString('hex')).toBe('a2616e1901f4617362c3a9');
    const record = { $type: 'app.bsky.feed.post', text: 'hello', createdAt: '2026-03-01T10:00:00.000Z' };
    const cid = cidForRecord(record);
    expect(cid).toMatch(/^bafyrei[a-z2-7]{52}$/);
    // The CID's digest is the sha-256 of the DAG-CBOR bytes.
    const digest = createHash('sha256').update(encodeDagCbor(record)).digest();
    expect(cidForRecord(record)).toBe(cid);
    expect(cid).not.toBe(cidForRecord({ ...record, text: 'hello!' }));
    expect(digest).toHaveLength(32);
    expect(didForHandle('alice.test')).toMatch(/^did:plc:[a-z2-7]{24}$/);
  });
});

describe('sessions', () => {
  it('signs in, reads the session, refreshes with rotation', async () => {
    const session = await signIn();
    expect(session.did).toBe(server.control.account.did);

    const me = await xrpc('com.atproto.server.getSession', { token: session.accessJwt });
    expect(me.status).toBe(200);
    lexicons.assertValidXrpcOutput('com.atproto.server.getSession', me.body);

    const refreshed = await xrpc('com.atproto.server.refreshSession', { token: session.refreshJwt, method: 'POST' });
    expect(refreshed.status).toBe(200);
    lexicons.assertValidXrpcOutput('com.atproto.server.refreshSession', refreshed.body);
    expect(refreshed.body.accessJwt).not.toBe(session.accessJwt);

    // The PDS rotates refresh tokens: the old one is spent.
    const again = await xrpc('com.atproto.server.refreshSession', { token: session.refreshJwt, method: 'POST' });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('InvalidToken');
  });

  it('refuses a wrong password and a missing token', async () => {
    const bad = await xrpc('com.atproto.server.createSession', { input: { identifier: server.control.account.handle, password: 'nope' } });
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('AuthenticationRequired');
    const anonymous = await xrpc('app.bsky.notification.listNotifications');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('AuthMissing');
  });

  it('expires access tokens with time and on demand, as the PDS does (400 ExpiredToken)', async () => {
    const session = await signIn();
    clock += 2 * 3600 * 1000 + 1000;
    const late = await xrpc('com.atproto.server.getSession', { token: session.accessJwt });
    expect(late.status).toBe(400);
    expect(late.body).toEqual({ error: 'ExpiredToken', message: 'Token has expired' });
    const refreshed = await xrpc('com.atproto.server.refreshSession', { token: session.refreshJwt, method: 'POST' });
    expect(refreshed.status).toBe(200);

    server.control.expireAccessTokens();
    const expired = await xrpc('com.atproto.server.getSession', { token: String(refreshed.body.accessJwt) });
    expect(expired.body.error).toBe('ExpiredToken');

    server.control.revokeSessions();
    const revoked = await xrpc('com.atproto.server.refreshSession', { token: String(refreshed.body.refreshJwt), method: 'POST' });
    expect(revoked.status).toBe(400);
  });
});

describe('reading', () => {
  it('lists notifications newest first, pages by cursor, filters reasons, marks them read', async () => {
    const session = await signIn();
    const post = server.control.addOwnPost('Notre annonce');
    for (let i = 0; i < 5; i++) {
      clock += 1000;
      server.control.addReply(post.uri, { text: `réponse ${i}` });
    }
    clock += 1000;
    server.control.addMention({ from: 'bob.test', text: 'regardez ça' });
    clock += 1000;
    server.control.addQuote(post.uri, { from: 'chloe.test', text: 'bien vu' });

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await xrpc('app.bsky.notification.listNotifications', {
        token: session.accessJwt,
        params: { limit: '3', ...(cursor ? { cursor } : {}) },
      });
      expect(page.status).toBe(200);
      lexicons.assertValidXrpcOutput('app.bsky.notification.listNotifications', page.body);
      const items = page.body.notifications as { uri: string; indexedAt: string; record: unknown }[];
      for (const n of items) assertValidJsonRecord(lexicons, 'app.bsky.feed.post', n.record);
      seen.push(...items.map((n) => n.uri));
      const times = items.map((n) => Date.parse(n.indexedAt));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      cursor = page.body.cursor as string | undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);

    const mentions = await xrpc('app.bsky.notification.listNotifications', { token: session.accessJwt, params: { reasons: ['mention', 'quote'] } });
    expect((mentions.body.notifications as { reason: string }[]).map((n) => n.reason)).toEqual(['quote', 'mention']);

    // Read means strictly older than seenAt, as the real AppView has it (lastSeenAt > indexedAt).
    const seenAt = new Date(clock + 1).toISOString();
    expect((await xrpc('app.bsky.notification.updateSeen', { token: session.accessJwt, input: { seenAt } })).status).toBe(200);
    const after = await xrpc('app.bsky.notification.listNotifications', { token: session.accessJwt });
    expect((after.body.notifications as { isRead: boolean }[]).every((n) => n.isRead)).toBe(true);
    expect(after.body.seenAt).toBe(seenAt);

    const tooMany = await xrpc('app.bsky.notification.listNotifications', { token: session.accessJwt, params: { limit: '101' } });
    expect(tooMany.status).toBe(400);
  });

  it('answers getPosts, getPostThread and getProfile in the lexicon shapes, with embeds hydrated', async () => {
    const session = await signIn();
    const post = server.control.addOwnPost('Racine');
    const reply = server.control.addReply(post.uri, {
      text: 'avec image',
      fields: {
        embed: {
          $type: 'app.bsky.embed.images',
          images: [{ alt: 'un chat', image: { $type: 'blob', ref: { $link: 'bafkreihwihm6kpd6zuwhhlygnf7ytvqz5ugk6qgfzrpgvejuqxwtqx6gpq' }, mimeType: 'image/jpeg', size: 1234 } }],
        },
      },
    });
    const nested = server.control.addReply(reply.uri, { from: 'bob.test', text: 'sous-réponse' });

    const posts = await xrpc('app.bsky.feed.getPosts', { token: session.accessJwt, params: { uris: [post.uri, reply.uri, 'at://did:plc:nobody/app.bsky.feed.post/3k2a4b5c6d7e2'] } });
    lexicons.assertValidXrpcOutput('app.bsky.feed.getPosts', posts.body);
    const views = posts.body.posts as { uri: string; embed?: { $type: string; images: { fullsize: string }[] } }[];
    expect(views.map((v) => v.uri)).toEqual([post.uri, reply.uri]);
    expect(views[1]?.embed?.$type).toBe('app.bsky.embed.images#view');
    expect(views[1]?.embed?.images[0]?.fullsize).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/img\//);

    const thread = await xrpc('app.bsky.feed.getPostThread', { token: session.accessJwt, params: { uri: nested.uri } });
    expect(thread.status).toBe(200);
    lexicons.assertValidXrpcOutput('app.bsky.feed.getPostThread', thread.body);
    const t = thread.body.thread as { post: { uri: string }; parent: { post: { uri: string }; parent: { post: { uri: string } } } };
    expect(t.parent.post.uri).toBe(reply.uri);
    expect(t.parent.parent.post.uri).toBe(post.uri);

    const missing = await xrpc('app.bsky.feed.getPostThread', { token: session.accessJwt, params: { uri: 'at://did:plc:nobody/app.bsky.feed.post/3k2a4b5c6d7e2' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('NotFound');

    const profile = await xrpc('app.bsky.actor.getProfile', { token: session.accessJwt, params: { actor: 'alice.test' } });
    lexicons.assertValidXrpcOutput('app.bsky.actor.getProfile', profile.body);
    const describe = await xrpc('com.atproto.server.describeServer');
    lexicons.assertValidXrpcOutput('com.atproto.server.describeServer', describe.body);
  });
});

describe('writing', () => {
  it('creates, reads, replaces and deletes records, validating them like a PDS', async () => {
    const session = await signIn();
    const root = server.control.addOwnPost('Racine');
    const reply = server.control.addReply(root.uri, { text: 'Une question ?' });
    const did = session.did;
    const record = {
      $type: 'app.bsky.feed.post',
      text: 'Merci !',
      createdAt: new Date(clock).toISOString(),
      reply: { root, parent: reply },
    };
    const created = await xrpc('com.atproto.repo.createRecord', { token: session.accessJwt, input: { repo: did, collection: 'app.bsky.feed.post', record } });
    expect(created.status).toBe(200);
    lexicons.assertValidXrpcOutput('com.atproto.repo.createRecord', created.body);
    expect(created.body.cid).toBe(cidForRecord(record));

    const stored = server.control.state().posts.find((p) => p.uri === created.body.uri);
    expect(stored?.reply).toEqual({ root, parent: reply });
    assertValidJsonRecord(lexicons, 'app.bsky.feed.post', record);

    const rkey = String(created.body.uri).split('/').pop()!;
    const read = await xrpc('com.atproto.repo.getRecord', { params: { repo: did, collection: 'app.bsky.feed.post', rkey } });
    lexicons.assertValidXrpcOutput('com.atproto.repo.getRecord', read.body);
    expect(read.body.value).toEqual(record);

    // Same key again: the reference PDS answers a bare 500 today.
    const duplicate = await xrpc('com.atproto.repo.createRecord', { token: session.accessJwt, input: { repo: did, collection: 'app.bsky.feed.post', rkey, record } });
    expect(duplicate.status).toBe(500);

    const tooLong = await xrpc('com.atproto.repo.createRecord', {
      token: session.accessJwt,
      input: { repo: did, collection: 'app.bsky.feed.post', record: { ...record, text: 'x'.repeat(301) } },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toBe('InvalidRecord');

    const otherRepo = await xrpc('com.atproto.repo.createRecord', { token: session.accessJwt, input: { repo: 'alice.test', collection: 'app.bsky.feed.post', record } });
    expect(otherRepo.status).toBe(400);

    const rootKey = root.uri.split('/').pop()!;
    const gate = { $type: 'app.bsky.feed.threadgate', post: root.uri, createdAt: new Date(clock).toISOString(), allow: [{ $type: 'app.bsky.feed.threadgate#followerRule' }], hiddenReplies: [reply.uri] };
    const put = await xrpc('com.atproto.repo.putRecord', { token: session.accessJwt, input: { repo: did, collection: 'app.bsky.feed.threadgate', rkey: rootKey, record: gate, swapRecord: null } });
    expect(put.status).toBe(200);
    lexicons.assertValidXrpcOutput('com.atproto.repo.putRecord', put.body);
    assertValidJsonRecord(lexicons, 'app.bsky.feed.threadgate', gate);
    expect(server.control.state().threadgates).toEqual([{ uri: put.body.uri, cid: put.body.cid, post: root.uri, allow: gate.allow, hiddenReplies: [reply.uri] }]);

    const staleSwap = await xrpc('com.atproto.repo.putRecord', { token: session.accessJwt, input: { repo: did, collection: 'app.bsky.feed.threadgate', rkey: rootKey, record: gate, swapRecord: null } });
    expect(staleSwap.body.error).toBe('InvalidSwap');
    const wrongKey = await xrpc('com.atproto.repo.putRecord', { token: session.accessJwt, input: { repo: did, collection: 'app.bsky.feed.threadgate', rkey: '3k2a4b5c6d7e2', record: gate } });
    expect(wrongKey.body.error).toBe('InvalidRecord');
    const overCap = await xrpc('com.atproto.repo.putRecord', {
      token: session.accessJwt,
      input: { repo: did, collection: 'app.bsky.feed.threadgate', rkey: rootKey, record: { ...gate, hiddenReplies: Array.from({ length: 301 }, () => reply.uri) } },
    });
    expect(overCap.body.error).toBe('InvalidRecord');

    const deleted = await xrpc('com.atproto.repo.deleteRecord', { token: session.accessJwt, input: { repo: did, collection: 'app.bsky.feed.post', rkey } });
    expect(deleted.status).toBe(200);
    lexicons.assertValidXrpcOutput('com.atproto.repo.deleteRecord', deleted.body);
    const gone = await xrpc('com.atproto.repo.getRecord', { params: { repo: did, collection: 'app.bsky.feed.post', rkey } });
    expect(gone.body.error).toBe('RecordNotFound');
  });

  it('records blocks, mutes and reports', async () => {
    const session = await signIn();
    const alice = server.control.community[0]!;
    const block = { $type: 'app.bsky.graph.block', subject: alice.did, createdAt: new Date(clock).toISOString() };
    assertValidJsonRecord(lexicons, 'app.bsky.graph.block', block);
    const blocked = await xrpc('com.atproto.repo.createRecord', { token: session.accessJwt, input: { repo: session.did, collection: 'app.bsky.graph.block', record: block } });
    expect(blocked.status).toBe(200);
    const profile = await xrpc('app.bsky.actor.getProfile', { token: session.accessJwt, params: { actor: alice.did } });
    expect((profile.body.viewer as { blocking?: string }).blocking).toBe(blocked.body.uri);

    expect((await xrpc('app.bsky.graph.muteActor', { token: session.accessJwt, input: { actor: alice.did } })).status).toBe(200);
    expect(server.control.state().mutes).toEqual([alice.did]);
    expect((await xrpc('app.bsky.graph.unmuteActor', { token: session.accessJwt, input: { actor: alice.did } })).status).toBe(200);
    expect(server.control.state().mutes).toEqual([]);

    const post = server.control.addMention({ text: 'spam spam' });
    const report = await xrpc('com.atproto.moderation.createReport', {
      token: session.accessJwt,
      input: { reasonType: 'com.atproto.moderation.defs#reasonSpam', reason: 'liens', subject: { $type: 'com.atproto.repo.strongRef', ...post } },
    });
    expect(report.status).toBe(200);
    lexicons.assertValidXrpcOutput('com.atproto.moderation.createReport', report.body);
    const badReport = await xrpc('com.atproto.moderation.createReport', { token: session.accessJwt, input: { reasonType: 'x' } });
    expect(badReport.status).toBe(400);
    expect(server.control.state().reports).toHaveLength(1);
    expect(server.control.state().blocks).toEqual([{ uri: blocked.body.uri, subject: alice.did }]);
  });
});

describe('faults', () => {
  it('sends rate-limit headers, and 429 / 5xx / bad JSON / hangs on demand', async () => {
    const session = await signIn();
    const ok = await xrpc('com.atproto.server.getSession', { token: session.accessJwt });
    expect(ok.headers.get('ratelimit-limit')).toBe('3000');
    expect(Number(ok.headers.get('ratelimit-remaining'))).toBeLessThan(3000);
    expect(ok.headers.get('ratelimit-policy')).toBe('3000;w=300');
    expect(Number(ok.headers.get('ratelimit-reset'))).toBeGreaterThan(clock / 1000);

    server.control.injectFault({ kind: 'rate-limit', resetInSeconds: 42 }, 2);
    for (let i = 0; i < 2; i++) {
      const limited = await xrpc('com.atproto.server.getSession', { token: session.accessJwt });
      expect(limited.status).toBe(429);
      expect(limited.body.error).toBe('RateLimitExceeded');
      expect(limited.headers.get('ratelimit-remaining')).toBe('0');
      expect(Number(limited.headers.get('ratelimit-reset'))).toBe(Math.ceil((clock + 42_000) / 1000));
    }
    expect((await xrpc('com.atproto.server.getSession', { token: session.accessJwt })).status).toBe(200);

    server.control.injectFault({ kind: 'server-error', status: 502 });
    expect((await xrpc('com.atproto.server.getSession', { token: session.accessJwt })).status).toBe(502);

    server.control.injectFault({ kind: 'malformed' });
    const res = await fetch(`${server.url}/xrpc/com.atproto.server.getSession`, { headers: { authorization: `Bearer ${session.accessJwt}` } });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(() => JSON.parse(text)).toThrow();

    server.control.injectFault({ kind: 'hang' });
    await expect(fetch(`${server.url}/xrpc/com.atproto.server.getSession`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
  });

  it('enforces its own rate-limit window', async () => {
    await server.close();
    server = await startBlueskyServer({ now, rateLimit: { limit: 2, windowSeconds: 60 } });
    const session = await signIn();
    await xrpc('com.atproto.server.getSession', { token: session.accessJwt });
    const third = await xrpc('com.atproto.server.getSession', { token: session.accessJwt });
    expect(third.status).toBe(429);
    clock += 61_000;
    expect((await xrpc('com.atproto.server.getSession', { token: session.accessJwt })).status).toBe(200);
  });

  it('puts a malformed notification in a page that otherwise matches the lexicon', async () => {
    const session = await signIn();
    const post = server.control.addOwnPost('Racine');
    server.control.addReply(post.uri, { text: 'ok' });
    server.control.addMalformedNotification('no-author');
    const page = await xrpc('app.bsky.notification.listNotifications', { token: session.accessJwt });
    const items = page.body.notifications as unknown[];
    expect(items).toHaveLength(2);
    expect(() => lexicons.assertValidXrpcOutput('app.bsky.notification.listNotifications', page.body)).toThrow(/author/);
    const valid = items.filter((n) => lexicons.validate('app.bsky.notification.listNotifications#notification', n).success);
    expect(valid).toHaveLength(1);
  });
});

describe('control over HTTP', () => {
  it('drives community activity and faults, and shows the state', async () => {
    const call = async (action: string, body: unknown) => {
      const res = await fetch(`${server.url}/__control/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const post = await call('own-post', { text: 'Annonce' });
    expect(post.status).toBe(200);
    expect((await call('reply', { parentUri: post.body.uri, from: 'bob.test', text: 'Bravo' })).status).toBe(200);
    expect((await call('mention', { text: 'coucou' })).status).toBe(200);
    expect((await call('quote', { quotedUri: post.body.uri, text: 'Top' })).status).toBe(200);
    expect((await call('many-replies', { parentUri: post.body.uri, count: 3 })).status).toBe(200);
    expect((await call('malformed', { kind: 'bad-record' })).status).toBe(200);
    expect((await call('malformed', { kind: 'what' })).status).toBe(400);
    expect((await call('fault', { kind: 'rate-limit', count: 1, resetInSeconds: 5 })).body.pending).toBe(1);
    expect((await call('fault', { kind: 'teapot' })).status).toBe(400);
    expect((await call('reply', { parentUri: 'at://nope', text: 'x' })).status).toBe(400);
    expect((await call('expire-tokens', {})).status).toBe(200);
    const state = (await (await fetch(`${server.url}/__control/state`)).json()) as { posts: unknown[]; notificationCount: number };
    expect(state.posts).toHaveLength(8);
    expect(state.notificationCount).toBe(7);
  });
});
