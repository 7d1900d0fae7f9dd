/**
 * Pure conversions from a feed document (RSS 2.0, Atom, RDF, JSON Feed, as feedsmith reads them)
 * to Parvis's model. No I/O: tested on the feed files the local feed server serves.
 *
 * - One entry is one conversation of kind `feed`, identified by its id (RSS guid, Atom id, JSON
 *   Feed id; else its link; else a hash of its title and body), the same on every poll.
 * - Every field is untrusted: titles and summaries may be HTML or text with entities. `text` is
 *   always plain text; the HTML (with its links made absolute) goes only to `html`, which the
 *   renderer sanitizes.
 * - Relative addresses are read against the entry's xml:base, the feed's xml:base, then the
 *   feed's own address after redirects.
 * - An entry without a usable date takes the time it was first seen, kept in the cursor so that it
 *   does not move on later polls.
 */
import { createHash } from 'node:crypto';
import { parseFeed } from 'feedsmith';
import type { Attachment } from '../../../../shared/model';
import { ConnectorError, type NormalizedAuthor, type NormalizedItem } from '../types';
import { absoluteUrl, htmlToText, looksLikeHtmlPage, resolveHtmlLinks, tidyText } from './html';
import type {
  WireAtomEntry,
  WireAtomFeed,
  WireAtomLink,
  WireAtomText,
  WireFeed,
  WireJsonFeed,
  WireJsonItem,
  WireMedia,
  WireRdfFeed,
  WireRdfItem,
  WireRssFeed,
  WireRssItem,
} from './wire';

/** The longest text kept for the inbox and search (a whole article can be very long). */
export const MAX_TEXT_LENGTH = 10_000;
/** Longer HTML is not kept (the text still is). */
const MAX_HTML_LENGTH = 200_000;
/** Longer ids are replaced by their hash: they are keys, not text. */
const MAX_ID_LENGTH = 500;
const MAX_ATTACHMENTS = 8;
/** Dates before this are placeholders (0, 1970, 1900), not publication times. */
const EARLIEST_DATE = Date.UTC(1995, 0, 1);
/** A date further ahead than this is a broken clock or a scheduled post shown too early. */
const FUTURE_TOLERANCE_MS = 24 * 3600_000;

/** A feed as the inbox needs it. */
export interface FeedDocument {
  format: WireFeed['format'];
  /** The feed's title as text (its address when it has none). */
  title: string;
  /** The site the feed is about (its home page), absolute, when it says. */
  siteUrl: string | null;
  iconUrl: string | null;
  entries: FeedEntry[];
  /** Entries that could not be read (no id, no title and no body). */
  skipped: { remoteId: string | null; reason: string }[];
}

/** One entry, read and cleaned. */
export interface FeedEntry {
  id: string;
  /** Plain text. */
  title: string;
  /** Plain text of the body (content, else summary). */
  text: string;
  /** The body's HTML, links absolute; null when the feed gave text only. */
  html: string | null;
  url: string | null;
  /** Publication time, epoch ms; null when the feed gives no usable one. */
  publishedAt: number | null;
  author: { name: string; url: string | null; avatarUrl: string | null } | null;
  attachments: Attachment[];
}

/** A text that is plain, or HTML to be turned into text. */
type Markup = { kind: 'text' | 'html'; value: string } | null;

// ---- body decoding -------------------------------------------------------------------------

/**
 * The body's text: the charset of the Content-Type, else the XML declaration's encoding, else a
 * byte-order mark, else UTF-8. An unknown charset falls back to UTF-8.
 */
export function decodeFeedBody(bytes: Uint8Array, contentType: string | null): string {
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType ?? '')?.[1];
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1');
  const fromXml = /^(?:\uFEFF|\xEF\xBB\xBF)?\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1];
  // A BOM wins over everything (the spec of encodings says so); then the header, then the prolog.
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 'utf-8' : bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : null;
  for (const label of [bom, fromHeader, fromXml, 'utf-8']) {
    if (!label) continue;
    try {
      return new TextDecoder(label.toLowerCase()).decode(bytes);
    } catch {
      // Not a charset this runtime knows: try the next hint.
    }
  }
  return new TextDecoder('utf-8').decode(bytes);
}

// ---- reading a document -------------------------------------------------------------------

/** Thrown for a body that is an HTML page: the caller may look for the feed it announces. */
export class NotAFeedError extends ConnectorError {
  constructor(readonly page: string) {
    super('bad-response', 'This address is a web page, not a feed. Open the site, find its RSS or Atom link, and use that address.');
    this.name = 'NotAFeedError';
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConnectorError('bad-response', 'This address gives JSON that is not a JSON Feed.');
  }
}

/** Text of a value that should be a string but, in a broken feed, may be anything. */
function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

function plain(markup: Markup): string {
  if (!markup || !markup.value.trim()) return '';
  return markup.kind === 'html' ? htmlToText(markup.value) : tidyText(markup.value);
}

/** An Atom text construct: `text` (the default) is plain, `html` and `xhtml` are markup. */
function atomMarkup(value: WireAtomText | { value?: string; type?: string } | undefined): Markup {
  const text = str(value?.value);
  if (!text) return null;
  const type = (value?.type ?? 'text').toLowerCase();
  return { kind: type === 'html' || type === 'xhtml' || type.includes('html') ? 'html' : 'text', value: text };
}

/** RSS and RDF titles and descriptions are HTML in practice (entities, tags): read them so. */
function html(value: unknown): Markup {
  const text = str(value);
  return text ? { kind: 'html', value: text } : null;
}

/** The base of an element: its xml:base read against the parent's base. */
function baseOf(xml: { base?: string } | undefined, parent: string): string {
  return absoluteUrl(xml?.base, parent) ?? parent;
}

function firstString(values: readonly unknown[] | undefined): string {
  for (const value of values ?? []) {
    const text = str(value).trim();
    if (text) return text;
  }
  return '';
}

// ---- dates --------------------------------------------------------------------------------

/**
 * A feed date (RFC 822 in RSS, RFC 3339 in Atom and JSON Feed, and what blog engines really
 * write) as epoch ms; null when it is missing, unreadable, a placeholder or in the future.
 */
export function parseFeedDate(value: unknown, now: number): number | null {
  const text = str(value).trim();
  if (!text) return null;
  let t = Date.parse(text);
  if (Number.isNaN(t)) {
    // "Tue, 10 Jun 2003 04:00:00 GMT+2", "2003-06-10 04:00:00 +0200": common forms V8 refuses.
    const repaired = text
      .replace(/^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})/, '$1T$2')
      .replace(/GMT([+-]\d{1,2})$/, (_m, h: string) => `${h.startsWith('-') ? '-' : '+'}${h.replace(/[+-]/, '').padStart(2, '0')}00`)
      .replace(/ ([+-]\d{2}):?(\d{2})$/, '$1$2');
    t = Date.parse(repaired);
  }
  if (Number.isNaN(t) || t < EARLIEST_DATE || t > now + FUTURE_TOLERANCE_MS) return null;
  return t;
}

// ---- media --------------------------------------------------------------------------------

function attachmentKind(type: string | undefined, medium: string | undefined, url: string): Attachment['kind'] {
  const m = (medium ?? '').toLowerCase();
  const t = (type ?? '').toLowerCase();
  if (m === 'image' || t.startsWith('image/')) return 'image';
  if (m === 'video' || t.startsWith('video/')) return 'video';
  if (!t && !m && /\.(jpe?g|png|gif|webp|avif)(\?|$)/i.test(url)) return 'image';
  return 'file';
}

/** Media RSS (`media:content`, `media:thumbnail`, also inside `media:group`: YouTube's feeds). */
function mediaAttachments(media: WireMedia | undefined, base: string): Attachment[] {
  if (!media) return [];
  const out: Attachment[] = [];
  const scopes = [media, ...(media.groups ?? [])];
  for (const scope of scopes) {
    const thumbnail = absoluteUrl(scope.thumbnails?.[0]?.url, base);
    const alt = str(scope.title?.value).trim() || null;
    let added = false;
    for (const content of scope.contents ?? []) {
      const url = absoluteUrl(content.url, base);
      if (!url) continue;
      const kind = attachmentKind(content.type, content.medium, url);
      // A player or a download (YouTube's Flash URL) says less than the entry's link and picture.
      if (kind === 'file') continue;
      const contentThumb = absoluteUrl(content.thumbnails?.[0]?.url, base) ?? thumbnail;
      out.push({ kind, url, previewUrl: kind === 'image' ? null : contentThumb, alt: str(content.title?.value).trim() || alt });
      added = true;
    }
    // A thumbnail alone (YouTube: the video is the entry's link) is the picture of the entry.
    if (!added && thumbnail) out.push({ kind: 'image', url: thumbnail, previewUrl: null, alt });
  }
  return out;
}

function mediaDescription(media: WireMedia | undefined): Markup {
  if (!media) return null;
  for (const scope of [media, ...(media.groups ?? [])]) {
    const description = scope.description;
    const value = str(description?.value);
    if (value.trim()) return { kind: (description?.type ?? '').toLowerCase() === 'html' ? 'html' : 'text', value };
  }
  return null;
}

function uniqueAttachments(list: Attachment[]): Attachment[] {
  const seen = new Set<string>();
  const out: Attachment[] = [];
  for (const a of list) {
    if (seen.has(a.url)) continue;
    seen.add(a.url);
    out.push(a);
    if (out.length >= MAX_ATTACHMENTS) break;
  }
  return out;
}

// ---- one entry ----------------------------------------------------------------------------

interface RawEntry {
  id: string;
  title: Markup;
  /** Content, then summary: the first with text is the body. */
  bodies: Markup[];
  /** Absolute link of the entry, when it has one. */
  url: string | null;
  /** Base for the body's relative links. */
  base: string;
  dates: unknown[];
  author: { name: string; url: string | null; avatarUrl: string | null } | null;
  attachments: Attachment[];
}

/** An id fit to be a key: trimmed, and hashed when absurdly long. */
function keyOf(id: string): string {
  const trimmed = id.trim();
  return trimmed.length > MAX_ID_LENGTH ? `sha256:${createHash('sha256').update(trimmed).digest('hex')}` : trimmed;
}

/** The entry's own id, else its link, else a hash of what it says (stable while it is not edited). */
function entryId(own: unknown, url: string | null, title: string, body: string): string | null {
  const id = str(own).trim();
  if (id) return keyOf(id);
  if (url) return keyOf(url);
  if (!title && !body) return null;
  return `sha256:${createHash('sha256').update(`${title}\n${body}`).digest('hex').slice(0, 40)}`;
}

function finishEntry(raw: Omit<RawEntry, 'id'> & { ownId: unknown }, now: number): FeedEntry | { skipped: string; id: string | null } {
  const title = plain(raw.title);
  const body = raw.bodies.find((b) => b !== null && b.value.trim() !== '') ?? null;
  const bodyText = plain(body);
  const id = entryId(raw.ownId, raw.url, title, bodyText);
  if (!id) return { skipped: 'an entry with no id, no link, no title and no text', id: null };
  let htmlOut: string | null = null;
  if (body?.kind === 'html') {
    const resolvedHtml = resolveHtmlLinks(body.value, raw.base);
    htmlOut = resolvedHtml.length <= MAX_HTML_LENGTH ? resolvedHtml : null;
  }
  const publishedAt = raw.dates.map((d) => parseFeedDate(d, now)).find((d): d is number => d !== null) ?? null;
  return {
    id,
    title,
    text: bodyText,
    html: htmlOut,
    url: raw.url,
    publishedAt,
    author: raw.author,
    attachments: uniqueAttachments(raw.attachments),
  };
}

function collect(
  feedUrl: string,
  raws: (() => Omit<RawEntry, 'id'> & { ownId: unknown })[],
  now: number,
): Pick<FeedDocument, 'entries' | 'skipped'> {
  const entries: FeedEntry[] = [];
  const skipped: FeedDocument['skipped'] = [];
  const seen = new Set<string>();
  raws.forEach((read, index) => {
    let result: FeedEntry | { skipped: string; id: string | null };
    try {
      result = finishEntry(read(), now);
    } catch (err) {
      result = { skipped: `entry ${index + 1} of ${feedUrl} could not be read: ${err instanceof Error ? err.message : String(err)}`, id: null };
    }
    if ('skipped' in result) {
      skipped.push({ remoteId: result.id, reason: result.skipped });
      return;
    }
    // The same id twice in one document: the first (the feed's newest) is the entry.
    if (seen.has(result.id)) return;
    seen.add(result.id);
    entries.push(result);
  });
  return { entries, skipped };
}

function authorOf(name: unknown, url: unknown, base: string, avatar?: unknown): FeedEntry['author'] {
  const n = tidyText(str(name));
  if (!n) return null;
  return { name: n.slice(0, 200), url: absoluteUrl(str(url), base), avatarUrl: absoluteUrl(str(avatar), base) };
}

/** "jane@example.org (Jane Doe)", RSS's author form: the name in brackets, else the address. */
function rssPerson(person: { name?: string; email?: string; link?: string } | undefined): { name: string; url: string | undefined } | null {
  if (!person) return null;
  const raw = str(person.name) || str(person.email);
  if (!raw) return null;
  const bracketed = /\(([^)]+)\)\s*$/.exec(raw)?.[1];
  return { name: bracketed ?? raw, url: person.link };
}

// ---- formats ------------------------------------------------------------------------------

function fromRss(feed: WireRssFeed, feedUrl: string, now = Date.now()): FeedDocument {
  const feedBase = baseOf(feed.xml, feedUrl);
  const siteUrl = absoluteUrl(str(feed.link), feedBase);
  const title = plain(html(feed.title)) || feedUrl;
  const feedAuthor = rssPerson(feed.managingEditor) ?? (firstString(feed.dc?.creators) ? { name: firstString(feed.dc?.creators), url: undefined } : null);
  const items = Array.isArray(feed.items) ? feed.items : [];
  const { entries, skipped } = collect(
    feedUrl,
    items.map((item: WireRssItem) => () => {
      const base = baseOf(item.xml, feedBase);
      const guid = item.guid;
      const guidIsLink = guid?.isPermaLink !== false && /^https?:\/\//i.test(str(guid?.value));
      const url = absoluteUrl(str(item.link), base) ?? (guidIsLink ? absoluteUrl(str(guid?.value), base) : null);
      const person = rssPerson(item.authors?.[0]);
      const creator = firstString(item.dc?.creators);
      const author = person ? authorOf(person.name, person.url, base) : creator ? authorOf(creator, null, base) : feedAuthor ? authorOf(feedAuthor.name, feedAuthor.url, base) : null;
      const enclosures: Attachment[] = [];
      for (const enclosure of item.enclosures ?? []) {
        const enclosureUrl = absoluteUrl(str(enclosure.url), base);
        if (enclosureUrl) enclosures.push({ kind: attachmentKind(str(enclosure.type), undefined, enclosureUrl), url: enclosureUrl, previewUrl: null, alt: null });
      }
      return {
        ownId: guid?.value,
        title: html(item.title),
        bodies: [html(item.content?.encoded), html(item.description), mediaDescription(item.media)],
        url,
        base: absoluteUrl(str(item.xml?.base), feedBase) ?? url ?? feedBase,
        dates: [item.pubDate, ...(item.dc?.dates ?? []), item.atom?.published, item.atom?.updated],
        author,
        attachments: [...mediaAttachments(item.media, base), ...enclosures],
      };
    }),
    now,
  );
  return { format: 'rss', title, siteUrl, iconUrl: absoluteUrl(str(feed.image?.url), feedBase), entries, skipped };
}

function atomLink(links: readonly WireAtomLink[] | undefined, base: string): string | null {
  const candidates = (links ?? []).filter((l) => !l.rel || l.rel === 'alternate');
  const best = candidates.find((l) => !l.type || /html/i.test(l.type)) ?? candidates[0];
  return absoluteUrl(str(best?.href), base);
}

function fromAtom(feed: WireAtomFeed, feedUrl: string, now = Date.now()): FeedDocument {
  const feedBase = baseOf(feed.xml, feedUrl);
  const title = plain(atomMarkup(feed.title)) || feedUrl;
  const siteUrl = atomLink(feed.links, feedBase);
  const entriesRaw = Array.isArray(feed.entries) ? feed.entries : [];
  const { entries, skipped } = collect(
    feedUrl,
    entriesRaw.map((entry: WireAtomEntry) => () => {
      const base = baseOf(entry.xml, feedBase);
      const url = atomLink(entry.links, base) ?? absoluteUrl(str(entry.content?.src), base);
      const person = entry.authors?.[0] ?? entry.source?.authors?.[0] ?? feed.authors?.[0];
      const enclosures: Attachment[] = [];
      for (const link of entry.links ?? []) {
        if (link.rel !== 'enclosure') continue;
        const enclosureUrl = absoluteUrl(str(link.href), base);
        if (enclosureUrl) enclosures.push({ kind: attachmentKind(link.type, undefined, enclosureUrl), url: enclosureUrl, previewUrl: null, alt: str(link.title) || null });
      }
      // Content's own xml:base applies to its markup.
      const contentBase = baseOf(entry.content?.xml, base);
      return {
        ownId: entry.id,
        title: atomMarkup(entry.title),
        bodies: [atomMarkup(entry.content), atomMarkup(entry.summary), mediaDescription(entry.media)],
        url,
        base: contentBase,
        dates: [entry.published, entry.updated, ...(entry.dc?.dates ?? [])],
        author: person ? authorOf(person.name, person.uri, base) : null,
        attachments: [...mediaAttachments(entry.media, base), ...enclosures],
      };
    }),
    now,
  );
  return { format: 'atom', title, siteUrl, iconUrl: absoluteUrl(str(feed.icon ?? feed.logo), feedBase), entries, skipped };
}

function fromRdf(feed: WireRdfFeed, feedUrl: string, now = Date.now()): FeedDocument {
  const feedBase = baseOf(feed.xml, feedUrl);
  const items = Array.isArray(feed.items) ? feed.items : [];
  const { entries, skipped } = collect(
    feedUrl,
    items.map((item: WireRdfItem) => () => {
      const base = baseOf(item.xml, feedBase);
      const url = absoluteUrl(str(item.link), base);
      const creator = firstString(item.dc?.creators);
      return {
        ownId: item.rdf?.about,
        title: html(item.title),
        bodies: [html(item.content?.encoded), html(item.description)],
        url,
        base: url ?? base,
        dates: [...(item.dc?.dates ?? [])],
        author: creator ? authorOf(creator, null, base) : null,
        attachments: mediaAttachments(item.media, base),
      };
    }),
    now,
  );
  return { format: 'rdf', title: plain(html(feed.title)) || feedUrl, siteUrl: absoluteUrl(str(feed.link), feedBase), iconUrl: absoluteUrl(str(feed.image?.url), feedBase), entries, skipped };
}

function fromJson(feed: WireJsonFeed, feedUrl: string, now = Date.now()): FeedDocument {
  const base = feedUrl;
  const feedAuthor = feed.authors?.[0] ?? (feed as { author?: { name?: string; url?: string; avatar?: string } }).author;
  const items = Array.isArray(feed.items) ? feed.items : [];
  const { entries, skipped } = collect(
    feedUrl,
    items.map((item: WireJsonItem) => () => {
      const url = absoluteUrl(str(item.url), base) ?? absoluteUrl(str(item.external_url), base);
      const person = item.authors?.[0] ?? (item as { author?: { name?: string; url?: string; avatar?: string } }).author ?? feedAuthor;
      const attachments: Attachment[] = [];
      const image = absoluteUrl(str(item.image), base) ?? absoluteUrl(str(item.banner_image), base);
      if (image) attachments.push({ kind: 'image', url: image, previewUrl: null, alt: null });
      for (const a of item.attachments ?? []) {
        const attachmentUrl = absoluteUrl(str(a.url), base);
        if (attachmentUrl) attachments.push({ kind: attachmentKind(str(a.mime_type), undefined, attachmentUrl), url: attachmentUrl, previewUrl: null, alt: str(a.title) || null });
      }
      const contentText = str(item.content_text);
      const summary = str(item.summary);
      return {
        ownId: item.id,
        title: str(item.title) ? { kind: 'text' as const, value: str(item.title) } : null,
        bodies: [html(item.content_html), contentText ? { kind: 'text' as const, value: contentText } : null, summary ? { kind: 'text' as const, value: summary } : null],
        url,
        base: url ?? base,
        dates: [item.date_published, item.date_modified],
        author: person ? authorOf(person.name, person.url, base, person.avatar) : null,
        attachments,
      };
    }),
    now,
  );
  return {
    format: 'json',
    title: tidyText(str(feed.title)) || feedUrl,
    siteUrl: absoluteUrl(str(feed.home_page_url), base),
    iconUrl: absoluteUrl(str(feed.icon ?? feed.favicon), base),
    entries,
    skipped,
  };
}

/**
 * Reads a feed document with feedsmith, as of `now` (dates later than `now` + a day count as
 * unusable). Throws `NotAFeedError` for an HTML page and a `bad-response` ConnectorError, in plain
 * words, for anything else that is not a feed.
 */
export function readFeed(body: string, feedUrl: string, now: number = Date.now()): FeedDocument {
  const text = body.replace(/^\uFEFF/, '');
  if (looksLikeHtmlPage(text)) throw new NotAFeedError(text);
  let wire: WireFeed;
  try {
    wire = parseFeed(/^\s*[[{]/.test(text) ? parseJson(text) : text) as WireFeed;
  } catch (err) {
    if (err instanceof ConnectorError) throw err;
    throw new ConnectorError('bad-response', 'This address does not give an RSS, Atom or JSON feed that Parvis can read.');
  }
  switch (wire.format) {
    case 'rss':
      return fromRss(wire.feed, feedUrl, now);
    case 'atom':
      return fromAtom(wire.feed, feedUrl, now);
    case 'rdf':
      return fromRdf(wire.feed, feedUrl, now);
    case 'json':
      return fromJson(wire.feed, feedUrl, now);
  }
}

// ---- to the inbox -------------------------------------------------------------------------

/** How entries become inbox items. */
export interface ItemOptions {
  /** The feed's address (after redirects): the author of entries that name none, and the base. */
  feedUrl: string;
  now: number;
  /** When each undated entry was first seen, from earlier polls. */
  firstSeen: ReadonlyMap<string, number>;
}

/** The host of the site (or of the feed), shown as the authors' handle. */
function hostOf(url: string | null, fallback: string): string {
  try {
    return new URL(url ?? fallback).host || fallback;
  } catch {
    return fallback;
  }
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('').trimEnd()}…` : text;
}

/**
 * The inbox items of a feed, and the first-seen times of its undated entries to keep for the
 * next poll. An undated entry keeps the time it was first seen; several new ones in one document
 * keep the document's order (first is newest).
 */
export function itemsFromFeed(doc: FeedDocument, opts: ItemOptions): { items: NormalizedItem[]; firstSeen: Map<string, number> } {
  const host = hostOf(doc.siteUrl, opts.feedUrl);
  const feedAuthor: NormalizedAuthor = {
    remoteId: opts.feedUrl,
    handle: host,
    name: doc.title,
    avatarUrl: doc.iconUrl,
    profileUrl: doc.siteUrl ?? opts.feedUrl,
  };
  const firstSeen = new Map<string, number>();
  const items = doc.entries.map((entry, index): NormalizedItem => {
    let createdAt = entry.publishedAt;
    if (createdAt === null) {
      createdAt = opts.firstSeen.get(entry.id) ?? opts.now - index;
      firstSeen.set(entry.id, createdAt);
    }
    const author: NormalizedAuthor = entry.author
      ? {
          remoteId: entry.author.url ?? `author:${entry.author.name.toLowerCase()}`,
          handle: host,
          name: entry.author.name,
          avatarUrl: entry.author.avatarUrl,
          profileUrl: entry.author.url,
        }
      : feedAuthor;
    const text = truncate([entry.title, entry.text].filter(Boolean).join('\n\n'), MAX_TEXT_LENGTH);
    return {
      remoteId: entry.id,
      threadRemoteId: entry.id,
      parentRemoteId: null,
      kind: 'feed',
      direction: 'in',
      author,
      text,
      html: entry.html,
      attachments: entry.attachments,
      createdAt,
      permalink: entry.url,
      moderation: 'visible',
      extra: { title: entry.title, feedTitle: doc.title },
    };
  });
  return { items, firstSeen };
}
