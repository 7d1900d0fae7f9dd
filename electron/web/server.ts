/**
 * Web mode: serves the built renderer and bridges the contract over a WebSocket, bound to
 * 127.0.0.1 only. The page and the socket need the per-run token; the socket also needs our own
 * Origin, and every request our own Host (against DNS rebinding). The renderer speaks to it
 * through renderer/src/api, exactly as it speaks to the Electron preload.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Core } from '../core/app';
import { dispatch } from '../core/rpc';
import { CONTENT_SECURITY_POLICY } from './csp';

export { CONTENT_SECURITY_POLICY };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

export interface WebServerOptions {
  core: Core;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** A fixed token (tests); a random one otherwise. */
  token?: string;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function sameToken(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const MAX_MESSAGE_BYTES = 1024 * 1024;

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const root = resolve(opts.staticDir);
  const log = opts.log ?? (() => {});
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const deny = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(message);
  };

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    try {
      if (!allowedHosts().has(req.headers.host ?? '')) return deny(res, 403, 'Forbidden host');
      if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'Method not allowed');
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      let path = decodeURIComponent(url.pathname);
      const isPage = path === '/' || path === '/index.html';
      if (isPage && !sameToken(url.searchParams.get('token'), token)) {
        return deny(res, 403, 'Parvis: this address needs the token printed when the server started.');
      }
      if (isPage) path = '/index.html';
      const file = normalize(join(root, path));
      if (!file.startsWith(root + sep)) return deny(res, 404, 'Not found');
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) return deny(res, 404, 'Not found');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'X-Frame-Options': 'DENY',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cache-Control': isPage ? 'no-store' : 'public, max-age=3600',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      log('error', `web: ${(err as Error).message}`);
      if (!res.headersSent) deny(res, 500, 'Internal error');
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const clients = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const ok =
      url.pathname === '/bridge' &&
      allowedHosts().has(req.headers.host ?? '') &&
      allowedOrigins().has(req.headers.origin ?? '') &&
      sameToken(url.searchParams.get('token'), token);
    if (!ok) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      // A frame the WebSocket layer refuses (bigger than MAX_MESSAGE_BYTES, text that is not
      // UTF-8) closes this connection with its code (1009, 1007). Without a listener, that error
      // would be thrown and take the whole process down.
      ws.on('error', (err) => log('warn', `web bridge: connection closed: ${err.message}`));
      ws.on('message', (data, isBinary) => void answerFrame(ws, data, isBinary));
    });
  });

  /** Answers one frame: a call's result, or a typed error; never throws. */
  const answerFrame = async (ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> => {
    const send = (message: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const refuse = (message: string) => send({ type: 'error', error: { kind: 'invalid-input', code: 'invalid-input', message } });
    if (isBinary) return refuse('The bridge accepts JSON text frames only');
    let msg: { type?: unknown; id?: unknown; name?: unknown; input?: unknown };
    try {
      const text = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      msg = JSON.parse(text.toString('utf8')) as typeof msg;
    } catch {
      return refuse('Malformed message');
    }
    // An id the answer cannot carry back (Infinity becomes null in JSON) is no id.
    if (!msg || typeof msg !== 'object' || msg.type !== 'call' || typeof msg.id !== 'number' || !Number.isSafeInteger(msg.id)) {
      return refuse('Expected a call: { type: "call", id, name, input }');
    }
    const id = msg.id;
    try {
      const result = await dispatch(opts.core.handlers, msg.name, msg.input, {
        onInternalError: (name, err) => log('error', `${name}: ${(err as Error)?.stack ?? String(err)}`),
      });
      send({ type: 'result', id, result });
    } catch (err) {
      // dispatch answers every failure itself; this is a bug, kept from reaching the process.
      log('error', `web bridge: ${(err as Error)?.stack ?? String(err)}`);
      send({ type: 'result', id, result: { ok: false, error: { kind: 'internal', code: 'internal', message: 'Unexpected error' } } });
    }
  };

  const unsubscribe = opts.core.onEvent((name, payload) => {
    const text = JSON.stringify({ type: 'event', name, payload });
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      wss.close();
      const closed = new Promise<void>((r) => server.close(() => r()));
      // A page still open reconnects at once; its connection must not keep close() waiting.
      server.closeAllConnections();
      await closed;
    },
  };
}
