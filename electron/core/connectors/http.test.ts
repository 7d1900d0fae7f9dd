import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay, createHttpClient, parseRateLimit, parseRetryAfter, redact, toConnectorError, USER_AGENT } from './http';
import { ConnectorError } from './types';

// ---- a tiny local server ----------------------------------------------------------------------

interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

interface TestServer {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

type Handler = (req: SeenRequest, res: ServerResponse, n: number) => void;

const servers: TestServer[] = [];

async function serve(handler: Handler): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(seen);
      handler(seen, res, requests.length);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const s: TestServer = {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  servers.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Records the backoff sleeps instead of waiting. */
function recordingSleep(): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms) => void sleeps.push(ms) };
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    return err as ConnectorError;
  }
  throw new Error('expected the request to fail');
}

// ---- retries --------------------------------------------------------------------------------------

describe('createHttpClient: retries', () => {
  it('retries a GET on 5xx with growing backoff, then returns the answer', async () => {
    const server = await serve((_req, res, n) => (n < 3 ? json(res, n === 1 ? 503 : 502, { error: 'busy' }) : json(res, 200, { ok: 1 })));
    const { sleeps, sleep } = recordingSleep();
    const http = createHttpClient({ baseURL: server.url, network: 'mastodon', retries: 2, backoffBaseMs: 100, sleep });
    const response = await http.get('/api/v1/notifications');
    expect(response.data).toEqual({ ok: 1 });
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(50);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(sleeps[1]).toBeGreaterThanOrEqual(100);
    expect(sleeps[1]).toBeLessThanOrEqual(200);
  });

  it('gives up after the allowed retries with a network error carrying the status', async () => {
    const server = await serve((_req, res) => json(res, 500, { error: 'down' }));
    const { sleep } = recordingSleep();
    const http = createHttpClient({ baseURL: server.url, network: 'mastodon', retries: 2, sleep });
    const err = await failure(http.get('/api/v1/notifications'));
    expect(err).toMatchObject({ kind: 'network', status: 500 });
    expect(server.requests).toHaveLength(3);
  });

  it('never retries a plain POST, which could post twice', async () => {
    const server = await serve((_req, res) => json(res, 503, { error: 'busy' }));
    const { sleeps, sleep } = recordingSleep();
    const http = createHttpClient({ baseURL: server.url, network: 'mastodon', retries: 3, sleep });
    const err = await failure(http.post('/api/v1/statuses', { status: 'hi' }));
    expect(err).toMatchObject({ kind: 'network', status: 503 });
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a POST that carries an Idempotency-Key, with the same key', async () => {
    const server = await serve((_req, res, n) => (n === 1 ? json(res, 502, {}) : json(res, 200, { id: '42' })));
    const { sleep } = recordingSleep();
    const http = createHttpClient({ baseURL: server.url, network: 'mastodon', retries: 2, sleep });
    const response = await http.post('/api/v1/statuses', { status: 'hi' }, { headers: { 'idempotency-key': 'reply-7' } });
    expect(response.data).toEqual({ id: '42' });
    expect(server.requests.map((r) => r.headers['idempotency-key'])).toEqual(['reply-7', 'reply-7']);
    expect(server.requests.map((r) => r.body)).toEqual([JSON.stringify({ status: 'hi' }), JSON.stringify({ status: 'hi' })]);
  });

  it('does not retry client errors (4xx)', async () => {
    const server = await serve((_req, res) => json(res, 404, { error: 'Record not found' }));
    const http = createHttpClient({ baseURL: server.url, network: 'mastodon', retries: 2, sleep: async () => {} });
    const err = await failure(http.get('/api/v1/statuses/1'));
    expect(err).toMatchObject({ kind: 'bad-response', status: 404 });
    expect(server.requests).toHaveLength(1);
  });

  it('turns a hung server into a network error after the timeout; a GET is retried, a POST is not', async () => {
    const server = await serve(() => {
      /* never answers */
    });
    const { sleep } = recordingSleep();
    const http = createHttpClient({ baseURL: server.url, network: 'bluesky', timeoutMs: 25, retries: 1, sleep });
    const getErr = await failure(http.get('/xrpc/app.bsky.notification.listNotifications'));
    expect(getErr.kind).toBe('network');
    expect(getErr.message).toMatch(/timeout/i);
    expect(server.requests).toHaveLength(2);

    const postErr = await failure(http.post('/xrpc/com.atproto.repo.createRecord', {}));
    expect(postErr.kind).toBe('network');
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a request the caller cancelled', async () => {
    const server = await serve(() => {
      /* never answers */
    });
    const { sleeps, sleep } = recordingSleep();
    const http = createHttpClient({ baseURL: server.url, network: 'mastodon', retries: 3, sleep });
    const controller = new AbortController();
    const pending = failure(http.get('/slow', { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const err = await pending;
    expect(err.kind).toBe('network');
    expect(sleeps).toEqual([]);
  });

  it('honours a short Retry-After on a 503 before retrying', async () => {
    const server = await serve((_req, res, n) => (n === 1 ? json(res, 503, {}, { 'Retry-After': '7' }) : json(res, 200, {})));
    const { sleeps, sleep } = recordingSleep();
    const http = createHttpClient({ baseURL: server.url, network: 'reddit', retries: 1, backoffBaseMs: 100, sleep });
    await http.get('/message/inbox');
    expect(sleeps).toEqual([7_000]);
  });

  it('sends the descriptive User-Agent (Reddit requires one) and JSON Accept', async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const http = createHttpClient({ baseURL: server.url, network: 'reddit' });
    await http.get('/api/v1/me');
    expect(server.requests[0]?.headers['user-agent']).toBe(USER_AGENT);
    expect(server.requests[0]?.headers.accept).toContain('application/json');
  });
});

// ---- rate limits and errors -------------------------------------------------------------------------

describe('createHttpClient: rate limits and error kinds', () => {
  it('a 429 is a rate-limited error with Retry-After in ms, and is not retried', async () => {
    const server = await serve((_req, res) => json(res, 429, { error: 'Too many requests' }, { 'Retry-After': '120' }));
    const { sleeps, sleep } = recordingSleep();
    const http = createHttpClient({ baseURL: server.url, network: 'mastodon', retries: 3, sleep });
    const err = await failure(http.get('/api/v1/notifications'));
    expect(err).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 120_000 });
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('a 429 without Retry-After waits until the rate-limit reset header', async () => {
    const reset = new Date(Date.now() + 90_000).toISOString();
    const server = await serve((_req, res) =>
      json(res, 429, { error: 'Too many requests' }, { 'X-RateLimit-Limit': '300', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': reset }),
    );
    const http = createHttpClient({ baseURL: server.url, network: 'mastodon' });
    const err = await failure(http.get('/api/v1/notifications'));
    expect(err.kind).toBe('rate-limited');
    expect(err.retryAfterMs).toBeGreaterThan(80_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(90_000);
  });

  it('reports every response’s rate-limit headers to onRateLimit', async () => {
    const server = await serve((_req, res) =>
      json(res, 200, [], { 'RateLimit-Limit': '3000', 'RateLimit-Remaining': '2999', 'RateLimit-Reset': '1795000000', 'RateLimit-Policy': '3000;w=300' }),
    );
    const seen: unknown[] = [];
    const http = createHttpClient({ baseURL: server.url, network: 'bluesky', onRateLimit: (rl) => seen.push(rl) });
    await http.get('/xrpc/app.bsky.notification.listNotifications');
    expect(seen).toEqual([{ limit: 3000, remaining: 2999, resetAt: 1_795_000_000_000 }]);
  });

  it('maps statuses to kinds: 401 auth, 403 auth, 403 quotaExceeded rate-limited, 400 bad-response', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/401') return json(res, 401, { error: 'The access token is invalid' });
      if (req.url === '/403') return json(res, 403, { error: 'This action is not allowed' });
      if (req.url === '/quota') {
        return json(res, 403, { error: { code: 403, errors: [{ reason: 'quotaExceeded', domain: 'youtube.quota' }] } });
      }
      return json(res, 400, { error: 'bad' });
    });
    const http = createHttpClient({ baseURL: server.url, network: 'youtube' });
    expect(await failure(http.get('/401'))).toMatchObject({ kind: 'auth', status: 401 });
    expect(await failure(http.get('/403'))).toMatchObject({ kind: 'auth', status: 403 });
    expect(await failure(http.get('/quota'))).toMatchObject({ kind: 'rate-limited', status: 403, retryAfterMs: null });
    expect(await failure(http.get('/400'))).toMatchObject({ kind: 'bad-response', status: 400 });
  });

  it('gives each failure a code the UI words, and the server’s own words as its detail (never an HTML page)', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/401') return json(res, 401, { error: 'invalid_token', error_description: 'The access token expired' });
      if (req.url === '/403') return json(res, 403, { error: { message: 'Missing scope: write:conversations' } });
      if (req.url === '/quota') return json(res, 403, { error: { message: 'Quota spent', errors: [{ reason: 'quotaExceeded' }] } });
      if (req.url === '/404') return json(res, 404, { error: 'Record not found' });
      if (req.url === '/422') return json(res, 422, { errors: [{ detail: 'Text is too long' }] });
      if (req.url === '/html') {
        res.writeHead(503, { 'content-type': 'text/html' });
        return res.end('<html><body><h1>503 Service Unavailable</h1></body></html>');
      }
      return json(res, 500, { message: 'Internal failure' });
    });
    const http = createHttpClient({ baseURL: server.url, network: 'mastodon', retries: 0, sleep: async () => {} });
    expect(await failure(http.get('/401'))).toMatchObject({ code: 'sign-in-refused', detail: 'The access token expired' });
    expect(await failure(http.get('/403'))).toMatchObject({ code: 'permission-denied', detail: 'Missing scope: write:conversations' });
    expect(await failure(http.get('/quota'))).toMatchObject({ code: 'quota-exceeded', detail: 'Quota spent' });
    expect(await failure(http.get('/404'))).toMatchObject({ code: 'gone', detail: 'Record not found' });
    expect(await failure(http.get('/422'))).toMatchObject({ code: 'refused', detail: 'Text is too long' });
    expect(await failure(http.get('/html'))).toMatchObject({ code: 'server-unavailable', detail: null });
    expect(await failure(http.get('/500'))).toMatchObject({ code: 'server-error', detail: 'Internal failure' });
    await server.close();
    expect(await failure(http.get('/500'))).toMatchObject({ code: 'unreachable', detail: null });
  });

  it('a refused connection is a network error', async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const url = server.url;
    await server.close();
    const http = createHttpClient({ baseURL: url, network: 'mastodon', retries: 1, sleep: async () => {} });
    const err = await failure(http.get('/api/v1/notifications'));
    expect(err.kind).toBe('network');
    expect(err.message).toContain('ECONNREFUSED');
  });
});

// ---- secrets ----------------------------------------------------------------------------------------

describe('createHttpClient: secrets never reach an error message', () => {
  it('redacts a token in the URL query and an Authorization header echoed in the body', async () => {
    const server = await serve((req, res) =>
      json(res, 500, { seen: { url: req.url, authorization: req.headers.authorization }, note: `Authorization: ${req.headers.authorization ?? ''}` }),
    );
    const http = createHttpClient({ baseURL: server.url, network: 'youtube', retries: 0 });
    const err = await failure(
      http.get('/youtube/v3/commentThreads?part=snippet&access_token=ya29.QUERY-SECRET-123&key=AIzaKEY-SECRET-456', {
        headers: { Authorization: 'Bearer ya29.HEADER-SECRET-789' },
      }),
    );
    expect(server.requests[0]?.headers.authorization).toBe('Bearer ya29.HEADER-SECRET-789');
    expect(err.kind).toBe('network');
    expect(err.message).toContain('500');
    expect(err.message).toContain('[redacted]');
    expect(err.message).not.toMatch(/SECRET/);
  });

  it('redacts the values the client declares secret, even unlabelled and even where the body is cut', async () => {
    const password = 'correct-horse-battery-SECRET';
    const server = await serve((_req, res) => {
      // The secret straddles the 300-character excerpt kept in the message.
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end(`${'x'.repeat(290)}${password} and again ${password}`);
    });
    const http = createHttpClient({ baseURL: server.url, network: 'wordpress', secrets: () => [password] });
    const err = await failure(http.post('/wp-json/wp/v2/comments', { content: 'hi' }));
    expect(err.kind).toBe('bad-response');
    expect(err.message).not.toContain('SECRET');
    // Not even the part of it that fits before the cut.
    expect(err.message).not.toContain(password.slice(0, 8));
  });

  it('redacts tokens echoed as JSON fields and Basic credentials', async () => {
    const server = await serve((req, res) =>
      json(res, 401, { error: 'ExpiredToken', accessJwt: 'eyJ.JWT-SECRET', echoed: req.headers.authorization }),
    );
    const http = createHttpClient({ baseURL: server.url, network: 'bluesky' });
    const err = await failure(http.get('/xrpc/app.bsky.actor.getProfile', { auth: { username: 'admin', password: 'app-pass-SECRET' } }));
    expect(err.kind).toBe('auth');
    expect(err.message).toContain('ExpiredToken');
    expect(err.message).not.toContain('SECRET');
    expect(err.message).not.toContain(Buffer.from('admin:app-pass-SECRET').toString('base64'));
  });
});

describe('redact', () => {
  it('replaces declared secrets (also URL-encoded) and credential-shaped text', () => {
    const text =
      'GET https://h/x?access_token=abc123&page=2&code=4/0Ab-CODE {"refresh_token":"1//rt-SECRET","nextPageToken":"keep"} ' +
      'Authorization: Bearer tok.en Basic dXNlcjpwYXNz my pass w0rd/SECRET and w0rd%2FSECRET';
    const out = redact(text, ['w0rd/SECRET', '']);
    expect(out).toBe(
      'GET https://h/x?access_token=[redacted]&page=2&code=[redacted] {"refresh_token":"[redacted]","nextPageToken":"keep"} ' +
        'Authorization: [redacted] Basic [redacted] my pass [redacted] and [redacted]',
    );
  });

  it('is stable when applied twice and leaves error names readable', () => {
    const once = redact('401 Authorization: Bearer abc {"code":"quotaExceeded"}');
    expect(redact(once)).toBe(once);
    expect(once).toContain('quotaExceeded');
  });

  it('toConnectorError redacts the messages of errors that are already typed', () => {
    const err = toConnectorError(new ConnectorError('auth', 'refused token tk-SECRET-1', null, 401), ['tk-SECRET-1']);
    expect(err).toMatchObject({ kind: 'auth', status: 401, message: 'refused token [redacted]' });
    expect(toConnectorError(new Error('boom with tk-SECRET-2'), ['tk-SECRET-2'])).toMatchObject({
      kind: 'bad-response',
      message: 'boom with [redacted]',
    });
  });
});

// ---- header parsing ---------------------------------------------------------------------------------

describe('parseRateLimit', () => {
  const now = Date.UTC(2026, 10, 24, 12);

  it('reads Mastodon’s X-RateLimit-* with an ISO 8601 reset (microseconds included)', () => {
    expect(
      parseRateLimit({ 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '297', 'x-ratelimit-reset': '2026-11-24T12:05:00.069917Z' }, now),
    ).toEqual({ limit: 300, remaining: 297, resetAt: Date.UTC(2026, 10, 24, 12, 5, 0, 69) });
  });

  it('reads Bluesky’s RateLimit-* (reset in epoch seconds) and the IETF draft’s (reset in seconds from now)', () => {
    expect(parseRateLimit({ 'RateLimit-Limit': '3000', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '1795000000' }, now)).toEqual({
      limit: 3000,
      remaining: 0,
      resetAt: 1_795_000_000_000,
    });
    expect(parseRateLimit({ 'ratelimit-limit': '100', 'ratelimit-remaining': '50', 'ratelimit-reset': '30' }, now)).toEqual({
      limit: 100,
      remaining: 50,
      resetAt: now + 30_000,
    });
  });

  it('reads the IETF draft’s single structured RateLimit header', () => {
    expect(parseRateLimit({ ratelimit: 'limit=100, remaining=0, reset=45' }, now)).toEqual({ limit: 100, remaining: 0, resetAt: now + 45_000 });
  });

  it('reads X’s x-rate-limit-* (reset in epoch seconds)', () => {
    expect(parseRateLimit({ 'x-rate-limit-limit': '75', 'x-rate-limit-remaining': '74', 'x-rate-limit-reset': '1795000900' }, now)).toEqual({
      limit: 75,
      remaining: 74,
      resetAt: 1_795_000_900_000,
    });
  });

  it('reads Reddit’s X-Ratelimit-Used/-Remaining/-Reset (fractional, reset in seconds from now)', () => {
    expect(parseRateLimit({ 'x-ratelimit-used': '4', 'x-ratelimit-remaining': '96.0', 'x-ratelimit-reset': '412' }, now)).toEqual({
      limit: 100,
      remaining: 96,
      resetAt: now + 412_000,
    });
  });

  it('accepts a fetch Headers object and answers null without rate-limit headers', () => {
    const headers = new Headers({ 'X-RateLimit-Remaining': '3' });
    expect(parseRateLimit(headers, now)).toEqual({ limit: null, remaining: 3, resetAt: null });
    expect(parseRateLimit({ 'content-type': 'application/json' }, now)).toBeNull();
    expect(parseRateLimit({ 'x-ratelimit-reset': 'soon' }, now)).toEqual({ limit: null, remaining: null, resetAt: null });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 10, 24, 12);
  it('reads seconds and HTTP dates; ignores garbage', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Tue, 24 Nov 2026 12:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('later', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('backoffDelay', () => {
  it('grows exponentially within [c/2, c] and stops at the cap', () => {
    expect(backoffDelay(0, 500, 60_000, () => 0)).toBe(250);
    expect(backoffDelay(0, 500, 60_000, () => 1)).toBe(500);
    expect(backoffDelay(3, 500, 60_000, () => 0)).toBe(2_000);
    expect(backoffDelay(3, 500, 60_000, () => 1)).toBe(4_000);
    expect(backoffDelay(20, 500, 60_000, () => 0)).toBe(30_000);
    expect(backoffDelay(20, 500, 60_000, () => 1)).toBe(60_000);
  });
});
