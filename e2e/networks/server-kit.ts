/**
 * The small generic kit every local network server in e2e/networks is built on: a plain node:http
 * server on 127.0.0.1 with a free port, JSON and form body helpers, a fault queue (the next N
 * requests answer 429 / 5xx / hang / a malformed body) and a token registry whose tokens can be
 * expired on demand. Each network's server adds its own routes, headers and state on top.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

/** A running local server. */
export interface LocalServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** Stops listening and drops every open connection (hung ones included). */
  close(): Promise<void>;
}

/** Handles one request; throwing answers 500 with the message. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Starts a server on 127.0.0.1 with a port chosen by the OS. */
export async function startLocalServer(handler: RequestHandler): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) });
        else res.end();
      });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A request body read once, parsed by its content type. */
export interface RequestBody {
  raw: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
  /** Form fields (application/x-www-form-urlencoded), also filled from a JSON object's scalar fields. */
  form: URLSearchParams;
  /** The body as received (binary uploads, multipart). */
  bytes: Buffer;
}

/** Parses a multipart/form-data body (the platform's own parser, as a server framework would). */
export async function readMultipart(req: IncomingMessage, body: RequestBody): Promise<FormData | null> {
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) return null;
  try {
    return await new Response(new Uint8Array(body.bytes), { headers: { 'content-type': type } }).formData();
  } catch {
    return null;
  }
}

/** Reads and parses the body: JSON or url-encoded form. Invalid JSON leaves `json` undefined. */
export async function readBody(req: IncomingMessage): Promise<RequestBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  const raw = bytes.toString('utf8');
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  let json: unknown;
  let form = new URLSearchParams();
  if (type.includes('application/json')) {
    try {
      json = raw ? JSON.parse(raw) : {};
    } catch {
      json = undefined;
    }
    if (json && typeof json === 'object' && !Array.isArray(json)) {
      for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
        if (Array.isArray(v)) for (const item of v) form.append(`${k}[]`, String(item));
        else if (v !== null && v !== undefined && typeof v !== 'object') form.append(k, String(v));
      }
    }
  } else if (raw && !type.startsWith('multipart/')) {
    form = new URLSearchParams(raw);
  }
  return { raw, json, form, bytes };
}

/** Answers with a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** What the next requests should suffer instead of a normal answer. */
export type Fault =
  /** 429 with the network's reset headers, resetting this many seconds from now. */
  | { kind: 'rate-limit'; resetInSeconds: number }
  /** A 5xx answer. */
  | { kind: 'server-error'; status: number }
  /** Never answers (the client's timeout must fire). */
  | { kind: 'hang' }
  /** 200 with a body that is not valid JSON. */
  | { kind: 'malformed' };

/** A queue of faults applied to the next requests, one per request, in order. */
export class FaultQueue {
  private readonly queue: Fault[] = [];

  /** Makes the next `count` requests suffer `fault`. */
  add(fault: Fault, count = 1): void {
    for (let i = 0; i < count; i++) this.queue.push(fault);
  }

  /** Takes the fault for the current request, if any. */
  take(): Fault | undefined {
    return this.queue.shift();
  }

  /** How many faults are still queued. */
  get pending(): number {
    return this.queue.length;
  }

  clear(): void {
    this.queue.length = 0;
  }
}

/** How a network words a fault: its rate-limit headers and its error body. */
export interface FaultStyle {
  rateLimitHeaders(resetAt: Date): Record<string, string>;
  errorBody(status: number, message: string): unknown;
}

/**
 * Answers a request with a fault, in the network's style. A hang answers nothing.
 * `headers` go on every answer (e.g. the network's usual rate-limit headers); a 429 overrides
 * them with the fault's own reset.
 */
export function answerWithFault(
  res: ServerResponse,
  fault: Fault,
  style: FaultStyle,
  now = Date.now(),
  headers: Record<string, string> = {},
): void {
  switch (fault.kind) {
    case 'rate-limit': {
      const resetAt = new Date(now + fault.resetInSeconds * 1000);
      sendJson(res, 429, style.errorBody(429, 'Too many requests'), { ...headers, ...style.rateLimitHeaders(resetAt) });
      return;
    }
    case 'server-error':
      sendJson(res, fault.status, style.errorBody(fault.status, 'Internal server error'), headers);
      return;
    case 'hang':
      // Leave the response open; close() destroys the socket.
      return;
    case 'malformed': {
      const text = '{"this is": not json';
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
  }
}

/** Parses a fault from control input (`{ kind, count?, resetInSeconds?, status? }`). */
export function parseFault(input: unknown): { fault: Fault; count: number } | { error: string } {
  if (!input || typeof input !== 'object') return { error: 'expected an object { kind, count? }' };
  const o = input as Record<string, unknown>;
  const count = o.count === undefined ? 1 : Number(o.count);
  if (!Number.isInteger(count) || count < 1) return { error: 'count must be a positive integer' };
  switch (o.kind) {
    case 'rate-limit': {
      const resetInSeconds = o.resetInSeconds === undefined ? 60 : Number(o.resetInSeconds);
      if (!Number.isFinite(resetInSeconds) || resetInSeconds < 0) return { error: 'resetInSeconds must be >= 0' };
      return { fault: { kind: 'rate-limit', resetInSeconds }, count };
    }
    case 'server-error': {
      const status = o.status === undefined ? 500 : Number(o.status);
      if (!Number.isInteger(status) || status < 500 || status > 599) return { error: 'status must be 5xx' };
      return { fault: { kind: 'server-error', status }, count };
    }
    case 'hang':
      return { fault: { kind: 'hang' }, count };
    case 'malformed':
      return { fault: { kind: 'malformed' }, count };
    default:
      return { error: 'kind must be rate-limit, server-error, hang or malformed' };
  }
}

/** One issued token pair. */
export interface IssuedToken {
  accessToken: string;
  refreshToken: string;
  scope: string;
  /** Free data the network attaches (the user id, the client id). */
  subject: string;
  createdAt: number;
  expired: boolean;
}

/** Access and refresh tokens a server has issued; `expireAll` makes every access token answer 401. */
export class TokenRegistry {
  private readonly byAccess = new Map<string, IssuedToken>();
  private readonly byRefresh = new Map<string, IssuedToken>();

  /** Issues a fresh pair. */
  issue(subject: string, scope: string, now = Date.now()): IssuedToken {
    const token: IssuedToken = {
      accessToken: randomBytes(24).toString('base64url'),
      refreshToken: randomBytes(24).toString('base64url'),
      scope,
      subject,
      createdAt: now,
      expired: false,
    };
    this.byAccess.set(token.accessToken, token);
    this.byRefresh.set(token.refreshToken, token);
    return token;
  }

  /** Registers a token chosen by the test (a seeded token). */
  seed(accessToken: string, subject: string, scope: string, refreshToken?: string, now = Date.now()): IssuedToken {
    const token: IssuedToken = {
      accessToken,
      refreshToken: refreshToken ?? randomBytes(24).toString('base64url'),
      scope,
      subject,
      createdAt: now,
      expired: false,
    };
    this.byAccess.set(token.accessToken, token);
    this.byRefresh.set(token.refreshToken, token);
    return token;
  }

  /** 'valid', 'expired' or 'unknown' for an access token. */
  check(accessToken: string | null | undefined): { state: 'valid'; token: IssuedToken } | { state: 'expired' | 'unknown' } {
    if (!accessToken) return { state: 'unknown' };
    const token = this.byAccess.get(accessToken);
    if (!token) return { state: 'unknown' };
    return token.expired ? { state: 'expired' } : { state: 'valid', token };
  }

  /** Exchanges a refresh token for a new pair (the old pair stops working); null if unknown. */
  refresh(refreshToken: string, now = Date.now()): IssuedToken | null {
    const old = this.byRefresh.get(refreshToken);
    if (!old) return null;
    this.byRefresh.delete(refreshToken);
    this.byAccess.delete(old.accessToken);
    return this.issue(old.subject, old.scope, now);
  }

  /** Revokes one access token (and its refresh token). */
  revoke(accessToken: string): boolean {
    const token = this.byAccess.get(accessToken);
    if (!token) return false;
    this.byAccess.delete(accessToken);
    this.byRefresh.delete(token.refreshToken);
    return true;
  }

  /** Every access token issued so far now answers 401 until refreshed. */
  expireAll(): void {
    for (const token of this.byAccess.values()) token.expired = true;
  }
}

/** The bearer token of a request, or null. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match?.[1]?.trim() ?? null;
}
