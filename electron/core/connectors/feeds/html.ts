/**
 * The HTML a feed carries (titles, summaries, whole articles) and the HTML pages people paste
 * instead of a feed's address.
 *
 * Feeds are written by every blog engine there is: their HTML is anything. It is parsed with
 * htmlparser2 (forgiving, the parser feed readers use), turned into text with html-to-text, and its
 * links are made absolute here because the renderer, which sanitizes it with DOMPurify, would
 * otherwise resolve them against Parvis's own page. Nothing here produces markup from text.
 */
import render from 'dom-serializer';
import { compile } from 'html-to-text';
import { DomUtils, parseDocument } from 'htmlparser2';

type Document = ReturnType<typeof parseDocument>;
type Element = ReturnType<typeof DomUtils.findAll>[number];

/** Attributes that hold one address. */
const URL_ATTRIBUTES: Record<string, readonly string[]> = {
  a: ['href'],
  area: ['href'],
  img: ['src', 'longdesc'],
  source: ['src'],
  video: ['src', 'poster'],
  audio: ['src'],
  track: ['src'],
  iframe: ['src'],
  embed: ['src'],
  object: ['data'],
  q: ['cite'],
  blockquote: ['cite'],
  ins: ['cite'],
  del: ['cite'],
};

/** An absolute http(s) address for `value` read against `base`, or null when it is none. */
export function absoluteUrl(value: string | null | undefined, base: string | null | undefined): string | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  try {
    const url = base ? new URL(trimmed, base) : new URL(trimmed);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Like `absoluteUrl`, but keeps what it cannot resolve (a `mailto:`, a fragment) as it was. */
function resolved(value: string, base: string): string {
  if (/^\s*(#|mailto:|tel:|data:)/i.test(value)) return value;
  try {
    return new URL(value.trim(), base).href;
  } catch {
    return value;
  }
}

/** A `srcset`: each candidate's address resolved, its size descriptor kept. */
function resolvedSrcset(value: string, base: string): string {
  return value
    .split(',')
    .map((candidate) => {
      const [address, ...descriptor] = candidate.trim().split(/\s+/);
      return address ? [resolved(address, base), ...descriptor].join(' ') : '';
    })
    .filter(Boolean)
    .join(', ');
}

function resolveElements(document: Document, base: string): void {
  for (const element of DomUtils.findAll(() => true, document.children)) {
    const name = element.name.toLowerCase();
    for (const attribute of URL_ATTRIBUTES[name] ?? []) {
      const value = element.attribs[attribute];
      if (value !== undefined) element.attribs[attribute] = resolved(value, base);
    }
    if (element.attribs.srcset !== undefined) element.attribs.srcset = resolvedSrcset(element.attribs.srcset, base);
  }
}

/**
 * The HTML with every link and media address made absolute against `base` (the entry's xml:base,
 * else the feed's address after redirects). A `<base href>` inside the HTML is honoured first.
 */
export function resolveHtmlLinks(html: string, base: string): string {
  if (!html.trim()) return '';
  const document = parseDocument(html, { decodeEntities: true });
  const inner = DomUtils.findOne((e) => e.name.toLowerCase() === 'base' && Boolean(e.attribs.href), document.children);
  const effective = (inner && absoluteUrl(inner.attribs.href, base)) || base;
  resolveElements(document, effective);
  return render(document, { decodeEntities: false, encodeEntities: 'utf8' });
}

/** Compiled once: html-to-text builds its selector tree per options. */
const toText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'h4', options: { uppercase: false } },
    { selector: 'h5', options: { uppercase: false } },
    { selector: 'h6', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  ],
});

/**
 * Plain text from feed HTML: block elements become line breaks, entities are decoded, images and
 * link addresses are dropped (the text is for reading and searching; the HTML keeps them).
 */
export function htmlToText(html: string): string {
  if (!html.trim()) return '';
  return tidyText(toText(html));
}

/** Collapses the blank lines and spaces left by markup; keeps paragraph breaks. */
export function tidyText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Feed types a page may announce in `<link rel="alternate">`, best first. */
const FEED_TYPES = ['application/atom+xml', 'application/rss+xml', 'application/feed+json', 'application/rdf+xml', 'application/json'];

/**
 * The feeds an HTML page announces (`<link rel="alternate" type="application/rss+xml" href>`),
 * absolute, in the page's order within the best type first. Empty when it announces none.
 */
export function discoverFeedLinks(html: string, pageUrl: string): string[] {
  const document = parseDocument(html, { decodeEntities: true });
  const baseElement = DomUtils.findOne((e) => e.name.toLowerCase() === 'base' && Boolean(e.attribs.href), document.children);
  const base = (baseElement && absoluteUrl(baseElement.attribs.href, pageUrl)) || pageUrl;
  const links = DomUtils.findAll((e: Element) => {
    if (e.name.toLowerCase() !== 'link') return false;
    const rel = (e.attribs.rel ?? '').toLowerCase().split(/\s+/);
    const type = (e.attribs.type ?? '').toLowerCase().split(';')[0]!.trim();
    return rel.includes('alternate') && FEED_TYPES.includes(type) && Boolean(e.attribs.href);
  }, document.children);
  const ranked = links
    .map((e, index) => ({ url: absoluteUrl(e.attribs.href, base), rank: FEED_TYPES.indexOf((e.attribs.type ?? '').toLowerCase().split(';')[0]!.trim()), index }))
    .filter((l): l is { url: string; rank: number; index: number } => l.url !== null)
    .sort((a, b) => a.rank - b.rank || a.index - b.index);
  return [...new Set(ranked.map((l) => l.url))];
}

/** True when a body looks like an HTML page rather than a feed (its first tag is `<!doctype html>` or `<html>`). */
export function looksLikeHtmlPage(text: string): boolean {
  const head = text.slice(0, 2048).replace(/^\uFEFF/, '').replace(/<!--[\s\S]*?-->/g, '').trimStart();
  return /^<!doctype\s+html/i.test(head) || /^<html[\s>]/i.test(head) || (/^<\?xml[^>]*>\s*<!doctype\s+html/i.test(head));
}
