/**
 * Contract test of the local Reddit API. Reddit publishes no machine-readable description; the
 * unofficial OpenAPI file in the team's reference set is wrong where it matters here (see
 * e2e/networks/README.md) and its licence is stated only in a README, so it is not copied: the
 * shapes checked below are those of Reddit's API documentation (reddit.com/dev/api and the OAuth2
 * wiki), written out as zod schemas.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startRedditServer, type RedditServer } from './reddit';

const UA = 'desktop:app.parvis.inbox:0.1.0 (by /u/parvis-app)';
const Thing = z.object({ kind: z.enum(['t1', 't3', 't4']), data: z.object({ id: z.string().regex(/^[0-9a-z]+$/), name: z.string().regex(/^t[134]_[0-9a-z]+$/), created_utc: z.number() }).loose() });
/** A Listing: `after` / `before` are fullnames or null (the unofficial file types them as plain strings). */
const Listing = z.object({ kind: z.literal('Listing'), data: z.object({ children: z.array(Thing), after: z.string().nullable(), before: z.string().nullable(), dist: z.number().int() }).loose() }).strict();
const InboxComment = z.object({ context: z.string().regex(/^\/r\/\w+\/comments\/\w+\/\w*\/\w+\/\?context=3$/), type: z.enum(['comment_reply', 'post_reply', 'username_mention']), subject: z.string(), was_comment: z.literal(true), parent_id: z.string(), link_title: z.string() }).loose();
const Message = z.object({ subject: z.string(), body: z.string(), author: z.string(), first_message_name: z.string().nullable(), dest: z.string() }).loose();
const JsonAnswer = z.object({ json: z.object({ errors: z.array(z.tuple([z.string(), z.string(), z.string().nullable()])), data: z.object({ things: z.array(Thing) }).optional() }) });

let server: RedditServer;
let token: string;

beforeEach(async () => {
  server = await startRedditServer({ requestsPerWindow: 12 });
  server.control.subreddit('AtelierLumen', { moderated: true });
  server.control.subreddit('lampes', { moderated: false });
  token = server.control.issueTokens().accessToken;
});
afterEach(async () => {
  await server.close();
});

async function api(method: string, path: string, form?: Record<string, string>, userAgent = UA): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `bearer ${token}`, 'User-Agent': userAgent, ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
    ...(form ? { body: new URLSearchParams(form) } : {}),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

describe('listings', () => {
  it('list the inbox newest first in Reddit’s shapes, page with after, and say how much of the window is used', async () => {
    const { control } = server;
    const own = control.post({ subreddit: 'AtelierLumen', author: 'AtelierLumen', title: 'Nouvelle lampe', at: Date.now() - 5000 });
    const reply = control.comment({ parent: own.name, author: 'camille_rx', text: 'Superbe', at: Date.now() - 4000 });
    const elsewhere = control.post({ subreddit: 'lampes', author: 'zoe', title: 'Quelle marque ?', at: Date.now() - 3500 });
    const mention = control.comment({ parent: elsewhere.name, author: 'dan_k', text: 'Demandez à u/AtelierLumen', at: Date.now() - 3000 });
    const pm = control.message({ from: 'hugo_m', subject: 'Colis', text: 'Rien reçu', at: Date.now() - 2000 });
    // zoe answers camille: not an inbox item of the account (neither its thing nor a mention).
    control.comment({ parent: reply.name, author: 'zoe', text: 'Pareil', at: Date.now() - 1000 });

    const first = await api('GET', '/message/inbox?limit=2&raw_json=1');
    const page = Listing.parse(first.body);
    expect(page.data.children.map((c) => c.data.name)).toEqual([pm.name, mention.name]);
    expect(Message.parse(page.data.children[0]!.data)).toMatchObject({ first_message_name: null, dest: 'AtelierLumen' });
    expect(InboxComment.parse(page.data.children[1]!.data)).toMatchObject({ type: 'username_mention' });
    expect(page.data.after).toBe(mention.name);
    const rest = Listing.parse((await api('GET', `/message/inbox?limit=2&after=${page.data.after}`)).body);
    expect(rest.data.children.map((c) => c.data.name)).toEqual([reply.name]);
    expect(InboxComment.parse(rest.data.children[0]!.data).type).toBe('post_reply');
    expect(rest.data.after).toBeNull();
    expect(first.headers.get('x-ratelimit-used')).toBe('0');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('12');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(590);
  });

  it('give the modqueue of moderated subreddits only (r/mod for all of them), until an item is handled', async () => {
    const { control } = server;
    const post = control.post({ subreddit: 'AtelierLumen', author: 'camille_rx', title: 'Question' });
    const reported = control.comment({ parent: post.name, author: 'troll42', text: 'Arnaque' });
    control.report(reported.name, 'Harcèlement');
    const elsewhere = control.post({ subreddit: 'lampes', author: 'x', title: 'Ailleurs' });
    control.report(elsewhere.name, 'Spam');
    const queue = Listing.parse((await api('GET', '/r/mod/about/modqueue')).body);
    expect(queue.data.children.map((c) => c.data.name)).toEqual([reported.name]);
    expect(queue.data.children[0]!.data).toMatchObject({ link_id: post.name, num_reports: 1, user_reports: [['Harcèlement', 1, false, false]] });
    expect((await api('GET', '/r/lampes/about/modqueue')).status).toBe(403);
    expect(await api('POST', '/api/approve', { id: reported.name })).toMatchObject({ status: 200, body: {} });
    expect(Listing.parse((await api('GET', '/r/mod/about/modqueue')).body).data.children).toEqual([]);
  });

  it('throttles a generic User-Agent with 429, and every client once the window is spent', async () => {
    expect((await api('GET', '/api/v1/me', undefined, 'node')).status).toBe(429);
    for (let i = 0; i < 12; i++) expect((await api('GET', '/api/v1/me')).status).toBe(200);
    const refused = await api('GET', '/api/v1/me');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
  });
});

describe('writes', () => {
  it('reply with thing_id (not the unofficial file’s `parent`), refusing in json.errors', async () => {
    const { control } = server;
    const post = control.post({ subreddit: 'AtelierLumen', author: 'camille_rx', title: 'Question' });
    const ok = JsonAnswer.parse((await api('POST', '/api/comment', { api_type: 'json', thing_id: post.name, text: 'Bonjour' })).body);
    expect(ok.json.errors).toEqual([]);
    expect(ok.json.data!.things[0]!.data).toMatchObject({ link_id: post.name, parent_id: post.name, author: 'AtelierLumen' });
    const wrong = JsonAnswer.parse((await api('POST', '/api/comment', { api_type: 'json', parent: post.name, text: 'Bonjour' })).body);
    expect(wrong.json.errors[0]![0]).toBe('NO_THING_ID');
  });

  it('ban from a moderated subreddit with type=banned, a reason of at most 100 characters and 1..999 days', async () => {
    const ban = (form: Record<string, string>, sub = 'AtelierLumen') => api('POST', `/r/${sub}/api/friend`, { api_type: 'json', type: 'banned', name: 'troll42', ...form });
    expect(JsonAnswer.parse((await ban({ ban_reason: 'Insultes', duration: '7' })).body).json.errors).toEqual([]);
    expect(JsonAnswer.parse((await ban({ ban_reason: 'Insultes', duration: '1000' })).body).json.errors[0]![0]).toBe('BAD_NUMBER');
    expect(JsonAnswer.parse((await ban({ ban_reason: 'x'.repeat(101) })).body).json.errors[0]![0]).toBe('TOO_LONG');
    expect((await ban({ ban_reason: 'Insultes' }, 'lampes')).status).toBe(403);
    expect(server.control.bans).toEqual([{ subreddit: 'AtelierLumen', name: 'troll42', reason: 'Insultes', duration: 7 }]);
  });
});

describe('OAuth', () => {
  it('wants Basic auth with the app id and an empty password, and refuses a revoked refresh token with invalid_grant', async () => {
    const form = (auth: string | null, fields: Record<string, string>) =>
      fetch(server.endpoints.token, { method: 'POST', headers: { ...(auth ? { Authorization: auth } : {}), 'User-Agent': UA, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
    const { refreshToken } = server.control.issueTokens();
    const basic = `Basic ${Buffer.from(`${server.control.clientId}:`).toString('base64')}`;
    expect((await form(null, { grant_type: 'refresh_token', refresh_token: refreshToken })).status).toBe(401);
    const renewed = (await (await form(basic, { grant_type: 'refresh_token', refresh_token: refreshToken })).json()) as { refresh_token: string; token_type: string };
    // Reddit keeps the refresh token.
    expect(renewed).toMatchObject({ refresh_token: refreshToken, token_type: 'bearer' });
    server.control.revokeRefreshTokens();
    const refused = await form(basic, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'invalid_grant' });
  });
});
