/**
 * Contract test of the local X API: every answer the connector relies on matches the schemas of
 * X's OpenAPI description (specs/x/openapi.json, trimmed), requests included, and the server
 * orders, pages, limits and refuses as X documents (newest first, since_id and pagination_token,
 * max_results bounds, x-rate-limit-* headers and 429, hiding only in the account's conversations,
 * refresh tokens rotating and refused with invalid_request).
 *
 * The wire names follow X's reference pages (`referenced_tweets`, `includes.tweets`), which the
 * pinned OpenAPI file spells `referenced_posts` / `includes.posts`: its schemas allow both, and
 * the test checks the documented names explicitly.
 */
import { readFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { startXServer, type XServer } from './x';

const spec = JSON.parse(readFileSync(new URL('./specs/x/openapi.json', import.meta.url), 'utf8')) as Record<string, unknown>;
// OpenAPI 3.0: its own keywords around the JSON Schemas are not validation keywords.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...spec, $id: 'x' });

function schema(name: string) {
  const validate = ajv.getSchema(`x#/components/schemas/${name}`);
  if (!validate) throw new Error(`no schema ${name}`);
  return (value: unknown): string[] => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

let server: XServer;
let token: string;
let refreshToken: string;

beforeEach(async () => {
  server = await startXServer({ rateLimits: { mentions: 4 } });
  ({ accessToken: token, refreshToken } = server.control.issueTokens());
});
afterEach(async () => {
  await server.close();
});

async function api(method: string, path: string, body?: unknown, bearer = token): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${bearer}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const MENTION_QUERY = 'tweet.fields=created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets&expansions=author_id,referenced_tweets.id&user.fields=username,name';

describe('the validator', () => {
  it('catches a wrong type, a missing required field and a bad id', () => {
    expect(schema('CreatePostsResponse')({ data: { id: '1' } })).not.toEqual([]);
    expect(schema('CreatePostsResponse')({ data: { id: 'abc', text: 'x' } })).not.toEqual([]);
    expect(schema('MuteUserRequest')({ target_user_id: '1', extra: true })).not.toEqual([]);
    expect(schema('GetUsersMentionsResponse')({ data: 'nope' })).not.toEqual([]);
  });
});

describe('mentions', () => {
  it('lists newest first, pages down with pagination_token to since_id, in the documented shape', async () => {
    const { control } = server;
    const fans = Array.from({ length: 7 }, (_, i) => control.user({ username: `fan${i}`, name: `Fan ${i}` }));
    const own = control.post({ author: control.account, text: 'Nouvelle collection' });
    const first = control.post({ author: fans[0]!, text: '@atelierlumen premier' });
    const replies = fans.slice(1).map((f) => control.post({ author: f, text: 'Superbe', inReplyTo: own.id }));
    const me = control.account.id;

    const page1 = await api('GET', `/2/users/${me}/mentions?max_results=5&since_id=${first.id}&${MENTION_QUERY}`);
    expect(page1.status).toBe(200);
    expect(schema('GetUsersMentionsResponse')(page1.body)).toEqual([]);
    const data1 = page1.body.data as { id: string; text: string; referenced_tweets?: unknown; conversation_id: string }[];
    expect(data1.map((p) => p.id)).toEqual(replies.slice(-5).reverse().map((p) => p.id));
    // A reply carries the @handle of the author answered, and is part of that author's conversation.
    expect(data1[0]).toMatchObject({ text: '@atelierlumen Superbe', conversation_id: own.id, referenced_tweets: [{ type: 'replied_to', id: own.id }] });
    const includes = page1.body.includes as { users: unknown[]; tweets: { id: string }[] };
    expect(includes.tweets.map((t) => t.id)).toEqual([own.id]);
    expect(includes.users).toHaveLength(5);
    const meta1 = page1.body.meta as { next_token: string; newest_id: string; oldest_id: string; result_count: number };
    expect(meta1).toMatchObject({ result_count: 5, newest_id: replies[5]!.id, oldest_id: replies[1]!.id });

    const page2 = await api('GET', `/2/users/${me}/mentions?max_results=5&since_id=${first.id}&pagination_token=${meta1.next_token}&${MENTION_QUERY}`);
    expect(schema('GetUsersMentionsResponse')(page2.body)).toEqual([]);
    expect((page2.body.data as { id: string }[]).map((p) => p.id)).toEqual([replies[0]!.id]);
    expect(page2.body.meta).not.toHaveProperty('next_token');

    // Nothing newer than since_id: no data, result_count 0.
    const empty = await api('GET', `/2/users/${me}/mentions?max_results=5&since_id=${replies[5]!.id}`);
    expect(empty.body).toEqual({ meta: { result_count: 0 } });
  });

  it('refuses max_results outside 5..100, and counts requests in a 15-minute window, then 429', async () => {
    const me = server.control.account.id;
    const small = await api('GET', `/2/users/${me}/mentions?max_results=4`);
    expect(small.status).toBe(400);
    expect(small.body).toMatchObject({ title: 'Invalid Request', type: 'https://api.x.com/2/problems/invalid-request' });
    expect(small.headers.get('x-rate-limit-remaining')).toBe('3');
    const resets = Number(small.headers.get('x-rate-limit-reset'));
    expect(resets * 1000).toBeGreaterThan(Date.now() + 14 * 60_000);
    for (let i = 0; i < 3; i++) await api('GET', `/2/users/${me}/mentions`);
    const refused = await api('GET', `/2/users/${me}/mentions`);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ title: 'Too Many Requests', status: 429 });
    expect(refused.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(refused.headers.get('x-rate-limit-reset')).toBe(String(resets));
    // Another endpoint has its own window.
    expect((await api('GET', '/2/users/me')).status).toBe(200);
  });

  it('answers 401 in X’s words to an unknown or expired token, and 403 without the scope', async () => {
    const me = server.control.account.id;
    expect(await api('GET', `/2/users/${me}/mentions`, undefined, 'nope')).toMatchObject({ status: 401, body: { title: 'Unauthorized', status: 401 } });
    const narrow = server.control.issueTokens('tweet.read users.read');
    expect((await api('GET', '/2/dm_events', undefined, narrow.accessToken)).status).toBe(403);
    server.control.expireAccessTokens();
    expect((await api('GET', `/2/users/${me}/mentions`)).status).toBe(401);
  });
});

describe('direct messages', () => {
  it('lists MessageCreate events newest first with their senders, pages with pagination_token, and sends in a conversation', async () => {
    const { control } = server;
    const camille = control.user({ username: 'camille_rx', name: 'Camille' });
    const events = ['un', 'deux', 'trois'].map((text) => control.dm({ from: camille, text }));
    const page = await api('GET', '/2/dm_events?max_results=2&event_types=MessageCreate&dm_event.fields=id,text,event_type,created_at,sender_id,dm_conversation_id&expansions=sender_id');
    expect(schema('GetDirectMessagesEventsResponse')(page.body)).toEqual([]);
    expect((page.body.data as { id: string }[]).map((e) => e.id)).toEqual([events[2]!.id, events[1]!.id]);
    expect((page.body.includes as { users: { id: string }[] }).users.map((u) => u.id)).toEqual([camille.id]);
    const next = (page.body.meta as { next_token: string }).next_token;
    const rest = await api('GET', `/2/dm_events?max_results=2&pagination_token=${next}`);
    expect((rest.body.data as { id: string }[]).map((e) => e.id)).toEqual([events[0]!.id]);

    const request = { text: 'Bonjour Camille' };
    expect(schema('CreateDirectMessagesByConversationIdRequest')(request)).toEqual([]);
    const sent = await api('POST', `/2/dm_conversations/${events[0]!.dm_conversation_id}/messages`, request);
    expect(sent.status).toBe(201);
    expect(schema('CreateDirectMessagesByConversationIdResponse')(sent.body)).toEqual([]);
    expect(sent.body.data).toMatchObject({ dm_conversation_id: events[0]!.dm_conversation_id });
    expect((await api('POST', '/2/dm_conversations/1-2/messages', request)).status).toBe(403);
  });
});

describe('writes', () => {
  it('replies under an existing post only, within 280 characters (a link counts 23)', async () => {
    const { control } = server;
    const camille = control.user({ username: 'camille_rx', name: 'Camille' });
    const question = control.post({ author: camille, text: '@atelierlumen une question' });
    const request = { text: 'Voici la réponse https://example.com/une/adresse/tres/longue/qui/compte/pour/vingt-trois', reply: { in_reply_to_tweet_id: question.id } };
    expect(schema('CreatePostsRequest')(request)).toEqual([]);
    const created = await api('POST', '/2/tweets', request);
    expect(created.status).toBe(201);
    expect(schema('CreatePostsResponse')(created.body)).toEqual([]);
    const post = control.getPost((created.body.data as { id: string }).id)!;
    expect(post).toMatchObject({ conversation_id: question.conversation_id, referenced_tweets: [{ type: 'replied_to', id: question.id }] });
    expect((await api('POST', '/2/tweets', { text: 'x', reply: { in_reply_to_tweet_id: '1' } })).status).toBe(400);
    expect((await api('POST', '/2/tweets', { text: 'x'.repeat(281) })).status).toBe(403);
  });

  it('hides replies only in conversations the account started; mutes and unmutes for the account only', async () => {
    const { control } = server;
    const camille = control.user({ username: 'camille_rx', name: 'Camille' });
    const own = control.post({ author: control.account, text: 'Notre annonce' });
    const reply = control.post({ author: camille, text: 'bof', inReplyTo: own.id });
    const elsewhere = control.post({ author: camille, text: 'mon fil' });
    const answerThere = control.post({ author: control.user({ username: 'dan', name: 'Dan' }), text: '@atelierlumen hein', inReplyTo: elsewhere.id });
    const hidden = await api('PUT', `/2/tweets/${reply.id}/hidden`, { hidden: true });
    expect(schema('HidePostsReplyResponse')(hidden.body)).toEqual([]);
    expect(hidden.body).toEqual({ data: { hidden: true } });
    expect(control.getPost(reply.id)!.hidden).toBe(true);
    const refused = await api('PUT', `/2/tweets/${answerThere.id}/hidden`, { hidden: true });
    expect(refused.status).toBe(403);
    expect(control.getPost(answerThere.id)!.hidden).toBe(false);

    const request = { target_user_id: camille.id };
    expect(schema('MuteUserRequest')(request)).toEqual([]);
    const muted = await api('POST', `/2/users/${control.account.id}/muting`, request);
    expect(schema('MuteUserResponse')(muted.body)).toEqual([]);
    expect(control.muted.has(camille.id)).toBe(true);
    expect((await api('POST', `/2/users/${camille.id}/muting`, { target_user_id: control.account.id })).status).toBe(403);
    const unmuted = await api('DELETE', `/2/users/${control.account.id}/muting/${camille.id}`);
    expect(schema('UnmuteUserResponse')(unmuted.body)).toEqual([]);
    expect(control.muted.has(camille.id)).toBe(false);
  });
});

describe('OAuth 2.0', () => {
  it('signs in with PKCE S256 only, rotates refresh tokens, and refuses a used one with invalid_request', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = new URL(server.endpoints.authorize);
    const redirect = 'http://127.0.0.1:4567/callback';
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: server.control.clientId, redirect_uri: redirect, scope: 'tweet.read users.read offline.access', state: 's1', code_challenge: challenge, code_challenge_method: 'S256' })) {
      authorize.searchParams.set(k, v);
    }
    const consent = await fetch(authorize, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('s1');
    const form = (fields: Record<string, string>) => fetch(server.endpoints.token, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
    const wrong = await form({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, client_id: server.control.clientId, redirect_uri: redirect, code_verifier: 'x'.repeat(43) });
    expect(wrong.status).toBe(400);

    const plain = new URL(authorize);
    plain.searchParams.set('code_challenge_method', 'plain');
    expect(new URL((await fetch(plain, { redirect: 'manual' })).headers.get('location')!).searchParams.get('error')).toBe('invalid_request');

    const refreshed = (await (await form({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: server.control.clientId })).json()) as { refresh_token: string; access_token: string };
    expect(refreshed.refresh_token).not.toBe(refreshToken);
    const reused = await form({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: server.control.clientId });
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({ error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
    expect((await api('GET', '/2/users/me', undefined, token)).status).toBe(401);
    expect((await api('GET', '/2/users/me', undefined, refreshed.access_token)).status).toBe(200);
  });
});
