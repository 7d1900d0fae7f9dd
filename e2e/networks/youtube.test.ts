/**
 * The local YouTube server speaks the documented API: every request it received and every answer
 * it gave is checked against the schemas of Google's Discovery document (specs/youtube), and its
 * OAuth, paging, quota, error and control behaviours are those the connector relies on.
 */
import { readFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startYouTubeServer, YOUTUBE_FORCE_SSL_SCOPE, type LoggedRequest, type YouTubeServer } from './youtube';
import { createYouTubeConnector } from '../../electron/core/connectors/youtube';
import type { AccountContext, PollResult } from '../../electron/core/connectors/types';

// ---------------------------------------------------------------------------------------------
// A small validator for Discovery schemas: $ref, type, properties, additionalProperties, items,
// format, enum. Discovery marks nothing as required, so it checks what is present. It is stricter
// than Discovery in one way, on purpose: a property the schema does not declare is an error, so a
// misspelt field in the server (or in a request body) cannot pass unnoticed.

interface DiscoverySchema {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, DiscoverySchema>;
  additionalProperties?: DiscoverySchema;
  items?: DiscoverySchema;
  enum?: string[];
  default?: string;
}

interface DiscoveryMethod {
  id: string;
  httpMethod: string;
  path: string;
  request?: { $ref: string };
  response?: { $ref: string };
}

interface DiscoveryDocument {
  schemas: Record<string, DiscoverySchema>;
  resources: Record<string, { methods: Record<string, DiscoveryMethod> }>;
}

const discovery = JSON.parse(readFileSync(new URL('./specs/youtube/youtube__v3.json', import.meta.url), 'utf8')) as DiscoveryDocument;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function checkFormat(format: string, value: unknown, path: string, errors: string[]): void {
  switch (format) {
    case 'date-time':
    case 'google-datetime':
      if (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) errors.push(`${path}: not an RFC 3339 date-time: ${JSON.stringify(value)}`);
      return;
    case 'uint32':
      if (typeof value !== 'number' || value < 0 || value > 0xffffffff) errors.push(`${path}: not a uint32`);
      return;
    case 'int32':
      if (typeof value !== 'number' || value < -0x80000000 || value > 0x7fffffff) errors.push(`${path}: not an int32`);
      return;
    case 'int64':
    case 'uint64':
      // Discovery sends 64-bit integers as decimal strings.
      if (typeof value !== 'string' || !/^-?\d+$/.test(value)) errors.push(`${path}: not a ${format} string`);
      return;
    case 'byte':
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) errors.push(`${path}: not base64`);
      return;
    default:
      return;
  }
}

/** Errors of `value` against a Discovery schema (empty when it conforms). */
function validate(schema: DiscoverySchema, value: unknown, path = '$', errors: string[] = []): string[] {
  if (schema.$ref) {
    const target = discovery.schemas[schema.$ref];
    if (!target) errors.push(`${path}: unknown schema ${schema.$ref}`);
    else validate(target, value, path, errors);
    return errors;
  }
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        errors.push(`${path}: expected an object`);
        return errors;
      }
      for (const [key, v] of Object.entries(value)) {
        const prop = schema.properties?.[key] ?? schema.additionalProperties;
        if (!prop) {
          errors.push(`${path}.${key}: not in the schema`);
          continue;
        }
        // `kind` carries the resource type as its default ("youtube#comment"): it must match.
        if (key === 'kind' && prop.default !== undefined && v !== prop.default) errors.push(`${path}.kind: ${String(v)} instead of ${prop.default}`);
        validate(prop, v, `${path}.${key}`, errors);
      }
      return errors;
    }
    case 'array':
      if (!Array.isArray(value)) errors.push(`${path}: expected an array`);
      else value.forEach((item, i) => schema.items && validate(schema.items, item, `${path}[${i}]`, errors));
      return errors;
    case 'string':
      if (typeof value !== 'string') errors.push(`${path}: expected a string`);
      else if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${value} is not one of ${schema.enum.join(', ')}`);
      if (schema.format) checkFormat(schema.format, value, path, errors);
      return errors;
    case 'integer':
      if (!Number.isInteger(value)) errors.push(`${path}: expected an integer`);
      if (schema.format) checkFormat(schema.format, value, path, errors);
      return errors;
    case 'number':
      if (typeof value !== 'number') errors.push(`${path}: expected a number`);
      return errors;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(`${path}: expected a boolean`);
      return errors;
    case 'any':
    case undefined:
      return errors;
    default:
      errors.push(`${path}: unknown schema type ${schema.type}`);
      return errors;
  }
}

function discoveryMethod(id: string): DiscoveryMethod {
  const [resource, method] = id.split('.') as [string, string];
  const found = discovery.resources[resource]?.methods[method];
  if (!found) throw new Error(`no method ${id} in the Discovery document`);
  return found;
}

/** Google's error body (not part of the Discovery document). */
function validateGoogleError(entry: LoggedRequest): string[] {
  const errors: string[] = [];
  const body = entry.response as { error?: { code?: unknown; message?: unknown; errors?: unknown } } | undefined;
  const e = body?.error;
  if (!e) return [`${entry.method}: ${entry.status} without an error object`];
  if (e.code !== entry.status) errors.push(`${entry.method}: error.code ${String(e.code)} != HTTP ${entry.status}`);
  if (typeof e.message !== 'string' || !e.message) errors.push(`${entry.method}: error.message missing`);
  if (!Array.isArray(e.errors) || e.errors.length === 0) errors.push(`${entry.method}: error.errors missing`);
  else
    for (const d of e.errors as { domain?: unknown; reason?: unknown }[]) {
      if (typeof d.domain !== 'string' || typeof d.reason !== 'string') errors.push(`${entry.method}: error.errors[] without domain/reason`);
    }
  return errors;
}

/** Checks one logged exchange: the request body, and the answer (a resource, nothing, or an error). */
function validateExchange(entry: LoggedRequest): string[] {
  if (!entry.method) return [`unknown route ${entry.httpMethod} ${entry.path}`];
  const method = discoveryMethod(entry.method);
  const errors: string[] = [];
  if (method.httpMethod !== entry.httpMethod) errors.push(`${entry.method}: HTTP ${entry.httpMethod} instead of ${method.httpMethod}`);
  if (`/${method.path}` !== entry.path) errors.push(`${entry.method}: path ${entry.path} instead of /${method.path}`);
  if (method.request) errors.push(...validate(method.request, entry.body, `${entry.method} request`));
  if (entry.status >= 400) return [...errors, ...validateGoogleError(entry)];
  if (method.response) errors.push(...validate(method.response, entry.response, `${entry.method} response`));
  else if (entry.status !== 204 || entry.response !== undefined) errors.push(`${entry.method}: expected 204 without a body, got ${entry.status}`);
  return errors;
}

// ---------------------------------------------------------------------------------------------

/** A JSON answer, walked freely by assertions (the validator above checks the shapes). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read nested JSON fields; typing each answer again would duplicate the Discovery schemas
type Json = any;

const T0 = Date.parse('2026-11-24T12:00:00Z');

let server: YouTubeServer;
let clock: number;

beforeEach(async () => {
  clock = T0;
  server = await startYouTubeServer({ now: () => clock, clientId: 'parvis-client', clientSecret: 'desktop-secret' });
});

afterEach(async () => {
  await server.close();
});

async function api(path: string, init: RequestInit & { token?: string } = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const token = init.token ?? server.control.issueTokens().accessToken;
  const res = await fetch(`${server.url}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function authorize(params: Record<string, string>): Promise<URL> {
  const url = new URL(`${server.url}/o/oauth2/v2/auth`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}

async function token(form: Record<string, string>): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${server.url}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: await res.json() };
}

describe('the Discovery schema validator', () => {
  it('accepts a conforming comment and reports each kind of mistake', () => {
    const good = {
      kind: 'youtube#comment',
      etag: 'x',
      id: 'Ugx',
      snippet: { textOriginal: 'hi', likeCount: 2, publishedAt: '2026-11-24T10:00:00Z', authorChannelId: { value: 'UC1' }, moderationStatus: 'published' },
    };
    expect(validate({ $ref: 'Comment' }, good)).toEqual([]);
    const bad = {
      kind: 'youtube#video',
      id: 7,
      snippet: { textOrignal: 'typo', likeCount: -1, publishedAt: 'yesterday', moderationStatus: 'hidden', authorChannelId: 'UC1' },
    };
    const errors = validate({ $ref: 'Comment' }, bad);
    expect(errors).toEqual(
      expect.arrayContaining([
        '$.kind: youtube#video instead of youtube#comment',
        '$.id: expected a string',
        '$.snippet.textOrignal: not in the schema',
        '$.snippet.likeCount: not a uint32',
        '$.snippet.publishedAt: not an RFC 3339 date-time: "yesterday"',
        '$.snippet.moderationStatus: hidden is not one of published, heldForReview, likelySpam, rejected',
        '$.snippet.authorChannelId: expected an object',
      ]),
    );
  });
});

describe('every request and answer conforms to the Discovery document', () => {
  it('over a full connector session and direct calls', async () => {
    const { control } = server;
    const video = control.addVideo({ title: 'A video', publishedAt: T0 - 86_400_000 });
    const busy = control.addThread({ videoId: video.id, text: 'First! <b>bold</b> & https://example.com', publishedAt: T0 - 3_600_000, likeCount: 5 });
    for (let i = 0; i < 7; i++) control.addReply({ parentId: busy.id, text: `reply ${i}`, publishedAt: T0 - 3_500_000 + i * 1000 });
    const held = control.addThread({ videoId: video.id, text: 'please review me', status: 'heldForReview', publishedAt: T0 - 600_000 });
    control.addReply({ parentId: busy.id, text: 'held reply', status: 'heldForReview', publishedAt: T0 - 500_000 });
    control.addThread({ videoId: null, text: 'a comment on the channel itself', publishedAt: T0 - 400_000 });

    const issued = control.issueTokens();
    const ctx: AccountContext = {
      accountId: 1,
      network: 'youtube',
      serverUrl: server.url,
      remoteId: control.channelId,
      handle: 'parvisdemo',
      credentials: { accessToken: issued.accessToken, refreshToken: issued.refreshToken, expiresAt: String(issued.expiresAt) },
    };
    const connector = createYouTubeConnector({
      oauth: { clientId: 'parvis-client', clientSecret: 'desktop-secret', tokenUrl: `${server.url}/token` },
      now: () => clock,
      pageSize: 2,
    });
    await connector.verify(ctx);
    let cursor: string | null = null;
    let page: PollResult;
    do {
      page = await connector.poll(ctx, cursor);
      cursor = page.cursor;
    } while (page.hasMore);
    const reply = await connector.reply(ctx, { conversationRemoteId: busy.id, parentRemoteId: busy.id, text: 'Thanks!\nSee you', idempotencyKey: 'k1' });
    await connector.findReply?.(ctx, { conversationRemoteId: busy.id, parentRemoteId: busy.id, text: 'Thanks!\nSee you', idempotencyKey: 'k1' });
    await connector.moderate(ctx, { action: 'approve', messageRemoteId: held.id, authorRemoteId: 'x', conversationRemoteId: held.id, idempotencyKey: 'k2' });
    await connector.moderate(ctx, { action: 'ban-author', messageRemoteId: busy.id, authorRemoteId: 'x', conversationRemoteId: busy.id, idempotencyKey: 'k3' });
    await connector.moderate(ctx, { action: 'delete-own', messageRemoteId: reply.remoteId, authorRemoteId: control.channelId, conversationRemoteId: busy.id, idempotencyKey: 'k4' });

    // Direct calls for what the connector does not ask.
    const t = control.issueTokens().accessToken;
    await api('/youtube/v3/channels?part=snippet,contentDetails&mine=true', { token: t });
    await api(`/youtube/v3/commentThreads?part=snippet,replies&videoId=${video.id}&order=relevance&textFormat=plainText`, { token: t });
    await api(`/youtube/v3/comments?part=snippet&id=${busy.id}`, { token: t });
    await api(`/youtube/v3/comments/setModerationStatus?id=${held.id}&moderationStatus=published&banAuthor=true`, { method: 'POST', token: t });
    await api(`/youtube/v3/commentThreads?part=snippet&allThreadsRelatedToChannelId=${control.channelId}&maxResults=101`, { token: t });

    const methods = new Set(control.requests.map((r) => r.method));
    expect([...methods].sort()).toEqual([
      'channels.list',
      'commentThreads.list',
      'comments.delete',
      'comments.insert',
      'comments.list',
      'comments.setModerationStatus',
      'videos.list',
    ]);
    expect(control.requests.some((r) => r.status >= 400)).toBe(true);
    const errors = control.requests.flatMap(validateExchange);
    expect(errors).toEqual([]);
  });
});

describe('Google OAuth for desktop apps', () => {
  const redirectUri = 'http://127.0.0.1:49152/callback';

  it('redirects with a code and the state, and exchanges the code only with the right PKCE verifier', async () => {
    const { verifier, challenge } = pkce();
    const back = await authorize({
      client_id: 'parvis-client',
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: YOUTUBE_FORCE_SSL_SCOPE,
      state: 's-123',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      access_type: 'offline',
    });
    expect(back.origin + back.pathname).toBe(redirectUri);
    expect(back.searchParams.get('state')).toBe('s-123');
    const code = back.searchParams.get('code') ?? '';
    expect(code).not.toBe('');

    const base = { grant_type: 'authorization_code', code, client_id: 'parvis-client', client_secret: 'desktop-secret', redirect_uri: redirectUri };
    const wrong = await token({ ...base, code_verifier: pkce().verifier });
    expect(wrong).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid code verifier.' } });

    // A refused attempt burns the code, as Google does.
    const again = await token({ ...base, code_verifier: verifier });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('issues expiring access tokens and a refresh token that refreshes without rotating', async () => {
    const { verifier, challenge } = pkce();
    const back = await authorize({
      client_id: 'parvis-client',
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: YOUTUBE_FORCE_SSL_SCOPE,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      access_type: 'offline',
    });
    const exchanged = await token({
      grant_type: 'authorization_code',
      code: back.searchParams.get('code') ?? '',
      code_verifier: verifier,
      client_id: 'parvis-client',
      client_secret: 'desktop-secret',
      redirect_uri: redirectUri,
    });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body).toMatchObject({ expires_in: 3599, scope: YOUTUBE_FORCE_SSL_SCOPE, token_type: 'Bearer' });
    const { access_token: access, refresh_token: refresh } = exchanged.body as { access_token: string; refresh_token: string };
    expect(refresh).toEqual(expect.any(String));

    expect((await api('/youtube/v3/channels?part=snippet&mine=true', { token: access })).status).toBe(200);
    clock += 3600_000;
    const expired = await api('/youtube/v3/channels?part=snippet&mine=true', { token: access });
    expect(expired.status).toBe(401);
    expect(expired.body.error.errors[0]).toMatchObject({ domain: 'global', reason: 'authError' });
    expect(expired.headers.get('www-authenticate')).toContain('invalid_token');

    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: refresh, client_id: 'parvis-client', client_secret: 'desktop-secret' });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toBeUndefined();
    expect((await api('/youtube/v3/channels?part=snippet&mine=true', { token: refreshed.body.access_token })).status).toBe(200);
    // Google keeps the refresh token valid.
    expect((await token({ grant_type: 'refresh_token', refresh_token: refresh, client_id: 'parvis-client', client_secret: 'desktop-secret' })).status).toBe(200);

    server.control.revokeRefreshTokens();
    const revoked = await token({ grant_type: 'refresh_token', refresh_token: refresh, client_id: 'parvis-client', client_secret: 'desktop-secret' });
    expect(revoked).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } });
  });

  it('refuses authorization without PKCE S256, a foreign client, or a non-loopback redirect; the user can deny', async () => {
    const base = { client_id: 'parvis-client', redirect_uri: redirectUri, response_type: 'code', scope: YOUTUBE_FORCE_SSL_SCOPE, state: 's' };
    expect((await authorize(base)).searchParams.get('error')).toBe('invalid_request');
    expect((await authorize({ ...base, code_challenge: 'abc', code_challenge_method: 'plain' })).searchParams.get('error')).toBe('invalid_request');
    server.control.denyNextAuthorization();
    const denied = await authorize({ ...base, code_challenge: pkce().challenge, code_challenge_method: 'S256' });
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('s');

    const foreign = await fetch(`${server.url}/o/oauth2/v2/auth?${new URLSearchParams({ ...base, client_id: 'someone-else' })}`, { redirect: 'manual' });
    expect(foreign.status).toBe(401);
    const remote = await fetch(`${server.url}/o/oauth2/v2/auth?${new URLSearchParams({ ...base, redirect_uri: 'https://evil.example/cb' })}`, { redirect: 'manual' });
    expect(remote.status).toBe(400);

    const badSecret = await token({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'parvis-client', client_secret: 'nope' });
    expect(badSecret.status).toBe(401);
    expect(badSecret.body.error).toBe('invalid_client');
  });

  it('needs the youtube.force-ssl scope to write', async () => {
    const readonly = server.control.issueTokens({ scope: 'https://www.googleapis.com/auth/youtube.readonly' }).accessToken;
    const t = server.control.addThread({ text: 'hello' });
    const res = await api(`/youtube/v3/comments/setModerationStatus?id=${t.id}&moderationStatus=rejected`, { method: 'POST', token: readonly });
    expect(res.status).toBe(403);
    expect(res.body.error.errors[0].reason).toBe('insufficientPermissions');
  });
});

describe('comment threads', () => {
  it('pages newest first with nextPageToken, without gap or repeat, even when comments arrive meanwhile', async () => {
    const ids = server.control.addManyThreads({ count: 45, newestAt: T0 - 60_000, stepSeconds: 60 }).map((c) => c.id);
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const q = new URLSearchParams({ part: 'snippet', allThreadsRelatedToChannelId: server.control.channelId, maxResults: '20' });
      if (pageToken) q.set('pageToken', pageToken);
      const res = await api(`/youtube/v3/commentThreads?${q}`);
      expect(res.status).toBe(200);
      seen.push(...(res.body.items as { id: string }[]).map((i) => i.id));
      pageToken = res.body.nextPageToken;
      // New comments go on top: they do not shift the pages being read.
      if (pages++ === 0) server.control.addThread({ text: 'arrived while paging' });
    } while (pageToken);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
  });

  it('lists the review queue with the held comments and their status', async () => {
    const published = server.control.addThread({ text: 'fine', publishedAt: T0 - 5000 });
    const held = server.control.addThread({ text: 'held', status: 'heldForReview', publishedAt: T0 - 4000 });
    const heldReply = server.control.addReply({ parentId: published.id, text: 'held reply', status: 'heldForReview', publishedAt: T0 - 3000 });
    const q = new URLSearchParams({ part: 'snippet,replies', allThreadsRelatedToChannelId: server.control.channelId, moderationStatus: 'heldForReview' });
    const res = await api(`/youtube/v3/commentThreads?${q}`);
    const items = res.body.items as Json[];
    expect(items.map((i) => i.id)).toEqual([held.id, published.id]);
    expect(items[0].snippet.topLevelComment.snippet.moderationStatus).toBe('heldForReview');
    expect(items[1].snippet.topLevelComment.snippet.moderationStatus).toBe('published');
    expect(items[1].replies.comments.map((c: Json) => [c.id, c.snippet.moderationStatus, c.snippet.parentId])).toEqual([
      [heldReply.id, 'heldForReview', published.id],
    ]);
    const publicList = await api(`/youtube/v3/commentThreads?part=snippet&allThreadsRelatedToChannelId=${server.control.channelId}`);
    expect((publicList.body.items as Json[]).map((i) => i.id)).toEqual([published.id]);
    expect(publicList.body.items[0].snippet.totalReplyCount).toBe(0);
  });

  it('embeds a few replies; comments.list pages through all of them', async () => {
    const top = server.control.addThread({ text: 'popular', publishedAt: T0 - 100_000 });
    const replies = Array.from({ length: 12 }, (_, i) => server.control.addReply({ parentId: top.id, text: `r${i}`, publishedAt: T0 - 90_000 + i * 1000 }).id);
    const thread = await api(`/youtube/v3/commentThreads?part=snippet,replies&id=${top.id}`);
    expect(thread.body.items[0].snippet.totalReplyCount).toBe(12);
    expect(thread.body.items[0].replies.comments).toHaveLength(5);
    const got: string[] = [];
    let pageToken: string | undefined;
    do {
      const res = await api(`/youtube/v3/comments?part=snippet&parentId=${top.id}&maxResults=5${pageToken ? `&pageToken=${pageToken}` : ''}`);
      got.push(...(res.body.items as Json[]).map((c) => c.id));
      pageToken = res.body.nextPageToken;
    } while (pageToken);
    expect(got).toEqual(replies);
  });

  it('answers 400 for bad parameters, in Google’s error shape', async () => {
    const ch = server.control.channelId;
    const cases: [string, string][] = [
      [`/youtube/v3/commentThreads?part=snippet&allThreadsRelatedToChannelId=${ch}&maxResults=0`, 'invalidParameter'],
      [`/youtube/v3/commentThreads?part=snippet&allThreadsRelatedToChannelId=${ch}&maxResults=101`, 'invalidParameter'],
      [`/youtube/v3/commentThreads?part=snippet&allThreadsRelatedToChannelId=${ch}&pageToken=garbage`, 'invalidPageToken'],
      [`/youtube/v3/commentThreads?allThreadsRelatedToChannelId=${ch}`, 'required'],
      [`/youtube/v3/commentThreads?part=snippet,statistics&allThreadsRelatedToChannelId=${ch}`, 'unknownPart'],
      ['/youtube/v3/commentThreads?part=snippet&id=a&moderationStatus=heldForReview', 'incompatibleParameters'],
    ];
    for (const [path, reason] of cases) {
      const res = await api(path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.errors[0].reason, path).toBe(reason);
      expect(res.body.error.code).toBe(400);
    }
  });
});

describe('replies and moderation', () => {
  it('inserts a reply under its parent and records it', async () => {
    const top = server.control.addThread({ text: 'question?' });
    const res = await api('/youtube/v3/comments?part=snippet', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ snippet: { parentId: top.id, textOriginal: 'answer <3' } }),
    });
    expect(res.status).toBe(200);
    expect(res.body.snippet).toMatchObject({ parentId: top.id, textOriginal: 'answer <3', textDisplay: 'answer &lt;3', authorChannelId: { value: server.control.channelId } });
    expect(server.control.insertedReplies).toEqual([{ id: res.body.id, parentId: top.id, textOriginal: 'answer <3', at: T0 }]);

    const tooLong = await api('/youtube/v3/comments?part=snippet', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ snippet: { parentId: top.id, textOriginal: 'x'.repeat(10_001) } }),
    });
    expect(tooLong.body.error.errors[0].reason).toBe('commentTextTooLong');
    const orphan = await api('/youtube/v3/comments?part=snippet', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ snippet: { parentId: 'nope', textOriginal: 'hi' } }),
    });
    expect(orphan.status).toBe(404);
  });

  it('records setModerationStatus calls; banAuthor only with rejected; bans reject later comments', async () => {
    const a = server.control.addThread({ text: 'spam', author: { name: '@spammer', channelId: 'UCspammer' } });
    const b = server.control.addThread({ text: 'meh', status: 'heldForReview' });
    const ban = await api(`/youtube/v3/comments/setModerationStatus?id=${a.id}&moderationStatus=published&banAuthor=true`, { method: 'POST' });
    expect(ban.status).toBe(400);
    expect(ban.body.error.errors[0]).toMatchObject({ domain: 'youtube.comment', reason: 'banWithoutReject' });

    expect((await api(`/youtube/v3/comments/setModerationStatus?id=${a.id}&moderationStatus=rejected&banAuthor=true`, { method: 'POST' })).status).toBe(204);
    expect((await api(`/youtube/v3/comments/setModerationStatus?id=${b.id}&moderationStatus=published`, { method: 'POST' })).status).toBe(204);
    expect(server.control.moderationCalls).toEqual([
      { ids: [a.id], moderationStatus: 'rejected', banAuthor: true, at: T0 },
      { ids: [b.id], moderationStatus: 'published', banAuthor: false, at: T0 },
    ]);
    expect(server.control.bannedAuthors).toEqual(['UCspammer']);
    expect(server.control.comment(b.id)?.moderationStatus).toBe('published');
    expect(server.control.addThread({ text: 'again', author: { name: '@spammer', channelId: 'UCspammer' } }).moderationStatus).toBe('rejected');
    const missing = await api('/youtube/v3/comments/setModerationStatus?id=nope&moderationStatus=rejected', { method: 'POST' });
    expect(missing.body.error.errors[0].reason).toBe('commentNotFound');
  });

  it('deletes only the channel’s own comments', async () => {
    const theirs = server.control.addThread({ text: 'theirs' });
    const ours = server.control.addReply({ parentId: theirs.id, text: 'ours', author: { channelId: server.control.channelId, name: '@parvisdemo' } });
    const refused = await api(`/youtube/v3/comments?id=${theirs.id}`, { method: 'DELETE' });
    expect(refused.status).toBe(403);
    expect((await api(`/youtube/v3/comments?id=${ours.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(server.control.deletedComments).toEqual([ours.id]);
    expect(server.control.comment(ours.id)).toBeUndefined();
  });
});

describe('quota and faults', () => {
  it('charges the documented units and answers quotaExceeded until midnight Pacific', async () => {
    const t = server.control.issueTokens().accessToken;
    const top = server.control.addThread({ text: 'q' });
    await api('/youtube/v3/channels?part=snippet&mine=true', { token: t });
    await api(`/youtube/v3/commentThreads?part=snippet&allThreadsRelatedToChannelId=${server.control.channelId}&maxResults=0`, { token: t });
    await api(`/youtube/v3/comments/setModerationStatus?id=${top.id}&moderationStatus=rejected`, { method: 'POST', token: t });
    // list 1 + an invalid list 1 (refused calls cost too) + moderation 50
    expect(server.control.quota()).toEqual({ used: 52, limit: 10_000 });

    server.control.exhaustQuota();
    const refused = await api('/youtube/v3/channels?part=snippet&mine=true', { token: t });
    expect(refused.status).toBe(403);
    expect(refused.body.error.errors[0]).toMatchObject({ domain: 'youtube.quota', reason: 'quotaExceeded' });

    // 2026-11-24 12:00Z is 04:00 PST: the quota day ends at 08:00Z the next day.
    clock = Date.parse('2026-11-25T07:59:59Z');
    expect((await api('/youtube/v3/channels?part=snippet&mine=true', { token: server.control.issueTokens().accessToken })).status).toBe(403);
    clock = Date.parse('2026-11-25T08:00:00Z');
    expect((await api('/youtube/v3/channels?part=snippet&mine=true', { token: server.control.issueTokens().accessToken })).status).toBe(200);
    expect(server.control.quota().used).toBe(1);
  });

  it('serves the next requests a 429, a 5xx, a malformed body, then recovers', async () => {
    const t = server.control.issueTokens().accessToken;
    server.control.fail({ kind: 'rate-limit', resetInSeconds: 30 });
    server.control.fail({ kind: 'server-error', status: 503 });
    server.control.fail({ kind: 'malformed' });
    const limited = await api('/youtube/v3/channels?part=snippet&mine=true', { token: t });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(limited.body.error.errors[0].reason).toBe('rateLimitExceeded');
    expect((await api('/youtube/v3/channels?part=snippet&mine=true', { token: t })).status).toBe(503);
    const malformed = await fetch(`${server.url}/youtube/v3/channels?part=snippet&mine=true`, { headers: { Authorization: `Bearer ${t}` } });
    expect(malformed.status).toBe(200);
    const text = await malformed.text();
    expect(() => JSON.parse(text)).toThrow();
    expect((await api('/youtube/v3/channels?part=snippet&mine=true', { token: t })).status).toBe(200);
  });

  it('puts a malformed item among good ones', async () => {
    server.control.addThread({ text: 'good 1', publishedAt: T0 - 3000 });
    const broken = server.control.addMalformedThread({ publishedAt: T0 - 2000 });
    server.control.addThread({ text: 'good 2', publishedAt: T0 - 1000 });
    const res = await api(`/youtube/v3/commentThreads?part=snippet&allThreadsRelatedToChannelId=${server.control.channelId}`);
    const items = res.body.items as Json[];
    expect(items).toHaveLength(3);
    expect(items[1].id).toBe(broken);
    expect(items[1].snippet.topLevelComment).toBeUndefined();
  });
});

describe('HTTP control endpoints', () => {
  it('add threads, replies, bulk and faults, and show the state', async () => {
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${server.url}/__control/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const video = await post('videos', { title: 'Launch' });
    const thread = await post('threads', { videoId: video.body.id, text: 'hello', status: 'heldForReview' });
    expect(thread.status).toBe(201);
    expect((await post('replies', { parentId: thread.body.id, text: 'hi back' })).status).toBe(201);
    expect((await post('threads/bulk', { count: 3 })).body.ids).toHaveLength(3);
    expect((await post('threads', { text: '' })).status).toBe(400);
    expect((await post('replies', { parentId: 'nope', text: 'x' })).status).toBe(400);
    expect((await post('faults', { kind: 'server-error', status: 502, count: 2 })).body).toEqual({ pending: 2 });
    expect((await post('faults', { kind: 'teapot' })).status).toBe(400);
    const tokens = await post('tokens', {});
    expect(tokens.body.accessToken).toMatch(/^ya29\./);
    await post('quota/exhaust', {});
    await post('tokens/expire', {});
    const state = (await (await fetch(`${server.url}/__control/state`)).json()) as Json;
    expect(state.comments).toHaveLength(5);
    expect(state.quota).toEqual({ used: 10_000, limit: 10_000 });
    expect(state.pendingFaults).toBe(2);
    const expired = await fetch(`${server.url}/youtube/v3/channels?part=snippet&mine=true`, { headers: { Authorization: `Bearer ${tokens.body.accessToken}` } });
    // The two queued faults come first, then the expired token.
    expect(expired.status).toBe(502);
    await fetch(`${server.url}/youtube/v3/channels?part=snippet&mine=true`);
    const afterFaults = await fetch(`${server.url}/youtube/v3/channels?part=snippet&mine=true`, { headers: { Authorization: `Bearer ${tokens.body.accessToken}` } });
    expect(afterFaults.status).toBe(401);
  });
});
