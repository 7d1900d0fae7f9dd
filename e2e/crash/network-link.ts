/**
 * The network between the app and a local network server, as a small HTTP relay on 127.0.0.1:
 *
 * - latency: each answer reaches the app a chosen delay after the server gave it, so a request the
 *   server has carried out stays unanswered for a while (the window where a crash leaves an
 *   outbox row `sending` although the network has the reply);
 * - observation: the test sees each request when it arrives and when the server has answered it
 *   (before the app does), and can kill the app at exactly that moment;
 * - cut and restore: the link stops listening (connections refused, like a machine gone offline)
 *   and listens again on the same port, so the app's stored server URLs stay valid.
 *
 * Requests are forwarded as soon as they are received, even when the app dies meanwhile: a request
 * that left the machine reaches the server whatever happens to its sender.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request that went through the link. */
export interface RelayedRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** The server's answer, before the app receives it. */
export interface RelayedAnswer {
  status: number;
  body: string;
}

export interface NetworkLinkOptions {
  /** The server behind the link, e.g. http://127.0.0.1:41234. */
  target: string;
  /** How long the answer to this request waits before reaching the app, ms. Default none. */
  answerDelayMs?: (request: RelayedRequest) => number;
  /** A request was fully received (it is forwarded right after). */
  onRequest?: (request: RelayedRequest) => void;
  /** The server answered; the app gets the answer after the delay. */
  onAnswer?: (request: RelayedRequest, answer: RelayedAnswer) => void;
  /** A fixed port to listen on (default: a free one, kept across cut and restore). */
  port?: number;
}

export interface NetworkLink {
  /** What the app uses as the server's address. */
  readonly url: string;
  readonly port: number;
  /** True while the link listens. */
  readonly up: boolean;
  /** Stops listening and drops every connection: the app now gets "connection refused". */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

function forwardHeaders(headers: IncomingMessage['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    out[name] = value;
  }
  return out;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts a link in front of `target`. */
export async function startNetworkLink(opts: NetworkLinkOptions): Promise<NetworkLink> {
  const target = new URL(opts.target);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let server: Server | null = null;
  let port = opts.port ?? 0;
  let closed = false;

  const relay = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readAll(req);
    const relayed: RelayedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: body.toString('utf8') };
    opts.onRequest?.(relayed);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: relayed.method,
        path: relayed.path,
        headers: { ...forwardHeaders(req.headers), host: target.host, 'content-length': String(body.length) },
      },
      (answer) => {
        void readAll(answer).then(
          (answerBody) => {
            const status = answer.statusCode ?? 502;
            opts.onAnswer?.(relayed, { status, body: answerBody.toString('utf8') });
            const deliver = () => {
              if (res.destroyed) return;
              const headers = forwardHeaders(answer.headers);
              headers['content-length'] = String(answerBody.length);
              res.writeHead(status, headers);
              res.end(answerBody);
            };
            const delay = opts.answerDelayMs?.(relayed) ?? 0;
            if (delay <= 0) return deliver();
            const timer = setTimeout(() => {
              timers.delete(timer);
              deliver();
            }, delay);
            timers.add(timer);
          },
          () => res.destroy(),
        );
      },
    );
    // The server is down too (a test stopped it): the app sees a broken connection.
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  };

  const listen = async () => {
    const s = createServer((req, res) => {
      relay(req, res).catch(() => res.destroy());
    });
    s.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  };

  const stop = async () => {
    const s = server;
    server = null;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get up() {
      return server !== null;
    },
    cut: stop,
    async restore() {
      if (closed || server) return;
      await listen();
    },
    async close() {
      closed = true;
      await stop();
    },
  };
}
