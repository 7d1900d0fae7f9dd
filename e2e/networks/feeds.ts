/**
 * A local web server that serves feeds the way real sites do, for tests of the feeds network.
 *
 * - Real-world feed files (e2e/networks/feeds/): a WordPress RSS 2.0 blog (content:encoded,
 *   dc:creator, media:), a Discourse-style Atom forum feed (xml:base, relative links, entities,
 *   type="html" and "xhtml"), a JSON Feed 1.1 of product alerts, an ISO-8859-1 RSS feed with
 *   broken dates and repeated guids, a YouTube channel feed, and a blog home page (HTML) that
 *   announces its feed with `<link rel="alternate">`.
 * - Conditional GET exactly as RFC 9110 says: a strong `ETag` (hash of the body) and a
 *   `Last-Modified` (second precision) on every answer; `If-None-Match` wins over
 *   `If-Modified-Since`; a match answers 304 with the validators and Cache-Control, and no body.
 * - Entries can be added (newest first, in the file's own format) and faults queued: 500, 503
 *   with Retry-After, 404, 410, a slow answer, a page that replaced the feed.
 * - A permanent redirect (`/old/<name>` → `/feeds/<name>`), and a feed larger than 5 MB.
 *
 * Every request is recorded with its conditional headers and the status it got.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLocalServer } from './server-kit';

/** The feed files this server can serve, by name (the path is /feeds/<name>). */
export const FEED_FILES = ['blog.rss.xml', 'news.atom.xml', 'updates.json', 'broken-dates.rss.xml', 'channel.youtube.xml'] as const;
export type FeedName = (typeof FEED_FILES)[number];
/** A feed of this server: a test file, or one given in `FeedServerOptions.extra` (the demo's). */
export type AnyFeedName = FeedName | (string & {});

/** A feed served beside the test files (same conditional GET, entries can be added). */
export interface ExtraFeed {
  /** Its file name: `.json` is a JSON Feed, `.atom.xml` Atom, anything else RSS (UTF-8). */
  name: string;
  body: Buffer;
  contentType: string;
}

const CONTENT_TYPES: Record<FeedName, string> = {
  'blog.rss.xml': 'application/rss+xml; charset=UTF-8',
  'news.atom.xml': 'application/atom+xml; charset=utf-8',
  'updates.json': 'application/feed+json',
  // Real servers often send feeds as text/xml with no charset: the XML declaration says it.
  'broken-dates.rss.xml': 'text/xml',
  'channel.youtube.xml': 'text/xml; charset=UTF-8',
};

/** Reads one of the feed files, as bytes (one is ISO-8859-1). */
export function feedFile(name: FeedName | 'site.html'): Buffer {
  return readFileSync(new URL(`./feeds/${name}`, import.meta.url));
}

/** An entry added to a feed. */
export interface NewEntry {
  id: string;
  title: string;
  /** HTML body. */
  html: string;
  /** A path (relative on purpose: the feed's base resolves it) or an absolute address. */
  link?: string;
  author?: string;
  /** Omitted: an entry without a date. */
  publishedAt?: Date;
}

/** What the next request to a feed suffers. */
export type FeedFault =
  | { kind: 'status'; status: 404 | 410 | 500 | 502; count?: number }
  | { kind: 'unavailable'; retryAfterSeconds: number; count?: number }
  | { kind: 'slow'; delayMs: number; count?: number }
  /** The feed's address now answers the blog's HTML home page. */
  | { kind: 'html-page'; count?: number };

/** A request as the server saw it. */
export interface FeedRequest {
  at: number;
  path: string;
  ifNoneMatch: string | null;
  ifModifiedSince: string | null;
  userAgent: string | null;
  status: number;
}

interface FeedState {
  added: NewEntry[];
  lastModified: number;
  cacheControl: string | null;
  faults: FeedFault[];
}

export interface FeedServerControl {
  /** Adds an entry at the top of a feed; its Last-Modified moves to now. */
  addEntry(feed: AnyFeedName, entry: NewEntry): void;
  /** Serves `Cache-Control: <value>` with a feed (null: none). */
  setCacheControl(feed: AnyFeedName, value: string | null): void;
  /** Queues a fault for the next requests to a feed. */
  fail(feed: AnyFeedName, fault: FeedFault): void;
  /** Every request received, in order. */
  readonly requests: readonly FeedRequest[];
  /** The requests to one feed's path. */
  requestsTo(feed: AnyFeedName): FeedRequest[];
  /** The current document of a feed, as served. */
  document(feed: AnyFeedName): Buffer;
}

export interface FeedServer {
  url: string;
  /** The address of a feed on this server. */
  feedUrl(feed: AnyFeedName): string;
  control: FeedServerControl;
  close(): Promise<void>;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The added entries in the file's own format, inserted before its first entry. */
function render(feed: AnyFeedName, base: Buffer, added: readonly NewEntry[]): Buffer {
  if (added.length === 0) return base;
  if (feed.endsWith('.json')) {
    const doc = JSON.parse(base.toString('utf8')) as { items: unknown[] };
    const items = added.map((e) => ({
      id: e.id,
      title: e.title,
      content_html: e.html,
      ...(e.link ? { url: e.link } : {}),
      ...(e.author ? { authors: [{ name: e.author }] } : {}),
      ...(e.publishedAt ? { date_published: e.publishedAt.toISOString() } : {}),
    }));
    return Buffer.from(JSON.stringify({ ...doc, items: [...items.reverse(), ...doc.items] }, null, 2), 'utf8');
  }
  const latin1 = feed === 'broken-dates.rss.xml';
  const text = base.toString(latin1 ? 'latin1' : 'utf8');
  const atom = feed.endsWith('.atom.xml') || feed === 'channel.youtube.xml';
  const fragments = [...added].reverse().map((e) =>
    atom
      ? `<entry><title type="html">${escapeXml(e.title)}</title>${e.link ? `<link rel="alternate" href="${escapeXml(e.link)}"/>` : ''}<id>${escapeXml(e.id)}</id>` +
        `${e.publishedAt ? `<published>${e.publishedAt.toISOString()}</published><updated>${e.publishedAt.toISOString()}</updated>` : ''}` +
        `${e.author ? `<author><name>${escapeXml(e.author)}</name></author>` : ''}<content type="html">${escapeXml(e.html)}</content></entry>\n`
      : `<item><title>${escapeXml(e.title)}</title>${e.link ? `<link>${escapeXml(e.link)}</link>` : ''}<guid isPermaLink="false">${escapeXml(e.id)}</guid>` +
        `${e.publishedAt ? `<pubDate>${e.publishedAt.toUTCString()}</pubDate>` : ''}${e.author ? `<dc:creator><![CDATA[${e.author}]]></dc:creator>` : ''}` +
        `<description><![CDATA[${e.html}]]></description></item>\n`,
  );
  const marker = atom ? '<entry' : '<item';
  const at = text.indexOf(marker);
  const close = atom ? '</feed>' : '</channel>';
  const index = at === -1 ? text.lastIndexOf(close) : at;
  const out = `${text.slice(0, index)}${fragments.join('')}${text.slice(index)}`;
  return Buffer.from(out, latin1 ? 'latin1' : 'utf8');
}

/** True when the request's If-None-Match names this ETag (weak comparison, as for GET). */
function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => bare(tag) === bare(etag));
}

/** Options of the feed server. */
export interface FeedServerOptions {
  /** Cache-Control sent with every feed unless set per feed. Default: none. */
  cacheControl?: string | null;
  /** More feeds to serve under /feeds/<name> (the live demo's). */
  extra?: readonly ExtraFeed[];
}

/** Starts the feed server on 127.0.0.1. */
export async function startFeedServer(options: FeedServerOptions = {}): Promise<FeedServer> {
  const started = Date.now();
  const extra = new Map((options.extra ?? []).map((f) => [f.name, f]));
  const names: AnyFeedName[] = [...FEED_FILES, ...extra.keys()];
  const states = new Map<AnyFeedName, FeedState>(
    names.map((name) => [name, { added: [], lastModified: started - 3600_000, cacheControl: options.cacheControl ?? null, faults: [] }]),
  );
  const requests: FeedRequest[] = [];
  const stateOf = (feed: AnyFeedName) => {
    const state = states.get(feed);
    if (!state) throw new Error(`no feed ${feed} on this server`);
    return state;
  };
  const baseOf = (feed: AnyFeedName) => extra.get(feed)?.body ?? feedFile(feed as FeedName);
  const contentTypeOf = (feed: AnyFeedName) => extra.get(feed)?.contentType ?? CONTENT_TYPES[feed as FeedName];
  const documentOf = (feed: AnyFeedName) => render(feed, baseOf(feed), stateOf(feed).added);

  const answer = async (req: IncomingMessage, res: ServerResponse, seen: FeedRequest) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    const send = (status: number, headers: Record<string, string>, body?: Buffer | string) => {
      seen.status = status;
      res.writeHead(status, headers);
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { Allow: 'GET, HEAD' });

    if (path === '/' || path === '/blog/') return send(200, { 'Content-Type': 'text/html; charset=utf-8' }, feedFile('site.html'));
    if (path === '/no-feed.html') {
      return send(200, { 'Content-Type': 'text/html; charset=utf-8' }, '<!DOCTYPE html><html><head><title>Accueil</title></head><body><p>Bienvenue</p></body></html>');
    }
    if (path.startsWith('/old/')) {
      return send(301, { Location: `/feeds/${path.slice('/old/'.length)}`, 'Content-Type': 'text/html' }, '<a href="/feeds/">Moved</a>');
    }
    if (path === '/loop.xml') return send(302, { Location: '/loop.xml' });
    if (path === '/huge.xml') {
      // More than 5 MB, without Content-Length (chunked), as a generated feed would be.
      seen.status = 200;
      res.writeHead(200, { 'Content-Type': 'application/rss+xml' });
      res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>');
      const item = `<item><title>x</title><guid>${'x'.repeat(1000)}</guid><description>${'y'.repeat(9000)}</description></item>`;
      for (let i = 0; i < 600 && !res.destroyed; i++) {
        if (!res.write(item)) await new Promise<void>((resolve) => res.once('drain', () => resolve()));
      }
      res.end('</channel></rss>');
      return;
    }
    const match = /^\/feeds\/(.+)$/.exec(path);
    const feed = names.find((name) => name === match?.[1]);
    if (!feed) return send(404, { 'Content-Type': 'text/html; charset=utf-8' }, '<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>');
    const state = stateOf(feed);

    const fault = state.faults[0];
    if (fault) {
      const left = (fault.count ?? 1) - 1;
      if (left <= 0) state.faults.shift();
      else fault.count = left;
      switch (fault.kind) {
        case 'status':
          return send(fault.status, { 'Content-Type': 'text/html; charset=utf-8' }, `<!DOCTYPE html><html><body><h1>${fault.status}</h1></body></html>`);
        case 'unavailable':
          return send(503, { 'Retry-After': String(fault.retryAfterSeconds), 'Content-Type': 'text/html' }, '<h1>Maintenance</h1>');
        case 'html-page':
          return send(200, { 'Content-Type': 'text/html; charset=utf-8' }, feedFile('site.html'));
        case 'slow':
          await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
          if (res.destroyed) {
            seen.status = 0;
            return;
          }
          break;
      }
    }

    const body = documentOf(feed);
    const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 20)}"`;
    const lastModified = new Date(Math.floor(state.lastModified / 1000) * 1000).toUTCString();
    const validators: Record<string, string> = { ETag: etag, 'Last-Modified': lastModified, ...(state.cacheControl ? { 'Cache-Control': state.cacheControl } : {}) };
    const ifNoneMatch = req.headers['if-none-match'];
    const ifModifiedSince = req.headers['if-modified-since'];
    // RFC 9110 13.2.2: If-None-Match is evaluated first; If-Modified-Since only without it.
    const notModified =
      ifNoneMatch !== undefined
        ? etagMatches(ifNoneMatch, etag)
        : ifModifiedSince !== undefined && !Number.isNaN(Date.parse(ifModifiedSince)) && Math.floor(state.lastModified / 1000) * 1000 <= Date.parse(ifModifiedSince);
    if (notModified) return send(304, validators);
    return send(200, { ...validators, 'Content-Type': contentTypeOf(feed), 'Content-Length': String(body.length) }, req.method === 'HEAD' ? undefined : body);
  };

  const server = await startLocalServer(async (req, res) => {
    const seen: FeedRequest = {
      at: Date.now(),
      path: new URL(req.url ?? '/', 'http://local').pathname,
      ifNoneMatch: (req.headers['if-none-match'] as string | undefined) ?? null,
      ifModifiedSince: (req.headers['if-modified-since'] as string | undefined) ?? null,
      userAgent: (req.headers['user-agent'] as string | undefined) ?? null,
      status: 0,
    };
    requests.push(seen);
    await answer(req, res, seen);
  });

  const control: FeedServerControl = {
    addEntry(feed, entry) {
      const state = stateOf(feed);
      state.added.push(entry);
      // Never the same second as the previous version: Last-Modified must move.
      state.lastModified = Math.max(Date.now(), Math.floor(state.lastModified / 1000) * 1000 + 1000);
    },
    setCacheControl(feed, value) {
      stateOf(feed).cacheControl = value;
    },
    fail(feed, fault) {
      stateOf(feed).faults.push({ ...fault });
    },
    requests,
    requestsTo: (feed) => requests.filter((r) => r.path === `/feeds/${feed}`),
    document: documentOf,
  };

  return {
    url: server.url,
    feedUrl: (feed) => `${server.url}/feeds/${feed}`,
    control,
    close: server.close,
  };
}
