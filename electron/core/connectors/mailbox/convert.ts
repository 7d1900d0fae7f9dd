/**
 * One email, as IMAP gives it (its raw RFC 5322 source), turned into an inbox item.
 *
 * - MIME is parsed by mailparser (Nodemailer's parser): charsets, encodings, multipart.
 * - The text is the sender's text/plain part, else the HTML part turned into text by html-to-text.
 *   Hostile HTML never reaches the renderer as HTML: scripts, styles, forms, hidden text (CSS
 *   tricks: display:none, zero-size or transparent text), images (remote ones track the reader)
 *   and comments are dropped; links keep their text only (the address follows in brackets, so a
 *   reader sees where "Your bank" really points).
 * - Attachments are listed (name, type, size) and never opened or downloaded: each is named by an
 *   IMAP URL (RFC 5092) with the message's UID and, from the server's BODYSTRUCTURE, its part id,
 *   so that one part can be fetched when the user asks (`fetchAttachment`).
 * - Threads: the conversation is the thread's first message, from `References` (its first id is
 *   the thread's root, RFC 5322 §3.6.4), else from what the answered message (`In-Reply-To`)
 *   belonged to, else the message itself.
 */
import { compile } from 'html-to-text';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { MessageStructureObject } from 'imapflow';
import type { Attachment } from '../../../../shared/model';
import type { NormalizedAuthor, NormalizedItem } from '../types';

/** What the connector keeps with each message, to answer and move it later. */
export interface EmailExtra {
  messageId: string;
  /** The ids of the thread up to this message, oldest first (References), for a reply's References. */
  references: string[];
  subject: string;
  /** Where an answer goes: Reply-To, else From. */
  replyTo: string;
  mailbox: string;
  uidValidity: string;
  uid: number;
}

/** Hidden-by-style markers used to smuggle text past the reader (phishing, prompt tricks). */
const HIDDEN_STYLE = [
  'display:none',
  'display: none',
  'visibility:hidden',
  'visibility: hidden',
  'font-size:0',
  'font-size: 0',
  'max-height:0',
  'max-height: 0',
  'opacity:0',
  'opacity: 0',
];

const toText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, linkBrackets: ['[', ']'] } },
    { selector: 'img', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'head', format: 'skip' },
    { selector: 'title', format: 'skip' },
    { selector: 'noscript', format: 'skip' },
    { selector: 'template', format: 'skip' },
    { selector: 'form', format: 'skip' },
    { selector: 'input', format: 'skip' },
    { selector: 'button', format: 'skip' },
    { selector: 'select', format: 'skip' },
    { selector: 'textarea', format: 'skip' },
    { selector: 'iframe', format: 'skip' },
    { selector: 'object', format: 'skip' },
    { selector: 'embed', format: 'skip' },
    { selector: 'svg', format: 'skip' },
    { selector: '[hidden]', format: 'skip' },
    { selector: '[aria-hidden="true"]', format: 'skip' },
    ...HIDDEN_STYLE.map((s) => ({ selector: `[style*="${s}" i]`, format: 'skip' })),
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable' },
  ],
});

/** Tidies text for the inbox: no control characters, no runs of blank lines, no bidi overrides. */
export function tidyText(text: string, maxLength = 100_000): string {
  return text
    .replace(/\r\n?/g, '\n')
    // C0 controls but tab and newline; bidi embeddings and overrides (RLO tricks); zero-width spaces used to split words.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]/g, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .slice(0, maxLength);
}

/** The text a reader gets from an email's HTML: no markup, nothing hidden, no images. */
export function emailHtmlToText(html: string): string {
  if (!html.trim()) return '';
  return tidyText(toText(html));
}

/** `<id@host>` from a header value, or null. */
export function normalizeMessageId(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /<([^<>\s]{1,900})>/.exec(value) ?? /^\s*([^<>\s@]{1,450}@[^<>\s]{1,450})\s*$/.exec(value);
  return match ? `<${match[1]}>` : null;
}

function idList(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const raw = Array.isArray(value) ? value.join(' ') : value;
  return [...raw.matchAll(/<[^<>\s]{1,900}>/g)].map((m) => m[0]);
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): { address: string; name: string } | null {
  const objects = Array.isArray(value) ? value : value ? [value] : [];
  for (const object of objects) {
    for (const entry of object.value) {
      if (entry.address) return { address: entry.address.toLowerCase(), name: (entry.name ?? '').trim() };
      for (const member of entry.group ?? []) {
        if (member.address) return { address: member.address.toLowerCase(), name: (member.name ?? '').trim() };
      }
    }
  }
  return null;
}

function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Thread roots of recent messages, oldest first, bounded (it travels in the cursor): a message that
 * answers one without repeating `References` still joins its thread.
 */
export class ThreadMemory {
  private readonly roots: Map<string, string>;
  constructor(entries: [string, string][], private readonly size: number) {
    this.roots = new Map(entries.slice(-size));
  }
  rootOf(messageId: string): string | undefined {
    return this.roots.get(messageId);
  }
  remember(messageId: string, root: string): void {
    this.roots.delete(messageId);
    this.roots.set(messageId, root);
    while (this.roots.size > this.size) this.roots.delete(this.roots.keys().next().value!);
  }
  entries(): [string, string][] {
    return [...this.roots.entries()];
  }
}

export interface FetchedMessage {
  uid: number;
  source: Buffer;
  /** The server's BODYSTRUCTURE, which numbers the parts (absent: attachments are listed without part ids). */
  structure?: MessageStructureObject | null;
  /** When the server received it (INTERNALDATE), used when the Date header is missing or absurd. */
  internalDate: Date | null;
}

export type ReadResult = { kind: 'item'; item: NormalizedItem } | { kind: 'skipped'; remoteId: string | null; reason: string };

export interface ReadContext {
  mailbox: string;
  uidValidity: string;
  /** The account's own address: its messages are 'out'. */
  ownAddress: string;
  memory: ThreadMemory;
  /** Where an IMAP URL to the message points (RFC 5092), e.g. imap://contact%40x@imap.x:993 */
  imapUrlBase: string;
  now: number;
}

/** One attachment as the server's BODYSTRUCTURE describes it. */
export interface AttachmentPart {
  /** The IMAP part id (`2`, `1.3`), to fetch it alone. */
  part: string;
  filename: string;
  contentType: string;
  /** Decoded size, estimated from the encoded one. */
  size: number;
}

/**
 * The attachments of a message from its BODYSTRUCTURE, in order: parts marked `attachment`, and
 * parts that are neither text nor an image shown inside the HTML (multipart/related with a
 * Content-ID). An attached email (message/rfc822) is one attachment, not opened.
 */
export function attachmentParts(root: MessageStructureObject): AttachmentPart[] {
  const found: AttachmentPart[] = [];
  const walk = (node: MessageStructureObject, parentType: string | null) => {
    const type = (node.type || 'application/octet-stream').toLowerCase();
    if (node.childNodes && type.startsWith('multipart/')) {
      for (const child of node.childNodes) walk(child, type);
      return;
    }
    const disposition = (node.disposition || '').toLowerCase();
    const name = node.dispositionParameters?.filename || node.parameters?.name || null;
    const shownInHtml = parentType === 'multipart/related' && !!node.id && disposition !== 'attachment';
    const isBodyText = type.startsWith('text/') && disposition !== 'attachment' && !name;
    if (!shownInHtml && !isBodyText && (disposition === 'attachment' || !type.startsWith('text/') || name)) {
      const encoded = node.size ?? 0;
      found.push({
        part: node.part || '1',
        filename: name || (type === 'message/rfc822' ? 'message.eml' : 'attachment'),
        contentType: type,
        size: (node.encoding || '').toLowerCase() === 'base64' ? base64Size(encoded) : encoded,
      });
    }
  };
  walk(root, null);
  return found;
}

/** Bytes of base64 text of this many octets: 3 bytes per 4 characters, a CRLF after each full line of 76. */
function base64Size(octets: number): number {
  const breaks = Math.floor(octets / 78);
  return Math.max(0, Math.floor(((octets - 2 * breaks) * 3) / 4));
}

/** The name an attachment was listed under (the alt text before its type and size). */
export function listedName(alt: string | null | undefined): string {
  return (alt ?? '').replace(/ \([^()]*\)$/, '');
}

/** Parses and converts one fetched message. Never throws: what cannot be read is skipped with a reason. */
export async function readMessage(message: FetchedMessage, ctx: ReadContext): Promise<ReadResult> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(message.source, { skipHtmlToText: true, skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, maxHtmlLengthToParse: 2_000_000 });
  } catch (err) {
    return { kind: 'skipped', remoteId: `uid:${ctx.uidValidity}:${message.uid}`, reason: `unreadable MIME: ${(err as Error).message}` };
  }
  return convertParsed(parsed, message, ctx);
}

export function convertParsed(parsed: ParsedMail, message: FetchedMessage, ctx: ReadContext): ReadResult {
  const from = firstAddress(parsed.from);
  if (!from) return { kind: 'skipped', remoteId: normalizeMessageId(parsed.messageId) ?? `uid:${ctx.uidValidity}:${message.uid}`, reason: 'no sender address' };
  const replyTo = firstAddress(parsed.replyTo) ?? from;
  // A message without Message-ID (rare, broken senders) is still a message: its mailbox position names it.
  const messageId = normalizeMessageId(parsed.messageId) ?? `<uid-${ctx.uidValidity}-${message.uid}@${ctx.mailbox}.parvis.invalid>`;
  const references = idList(parsed.references);
  const inReplyTo = idList(parsed.inReplyTo)[0] ?? null;
  const parent = inReplyTo ?? references[references.length - 1] ?? null;
  const root = references[0] ?? (parent ? (ctx.memory.rootOf(parent) ?? parent) : messageId);
  ctx.memory.remember(messageId, root);

  const subject = tidyText(parsed.subject ?? '', 998);
  const plain = typeof parsed.text === 'string' ? tidyText(parsed.text) : '';
  const fromHtml = typeof parsed.html === 'string' ? emailHtmlToText(parsed.html) : '';
  const body = plain || fromHtml;
  const text = subject && !parent ? `${subject}\n\n${body}`.trim() : body || subject;

  // An IMAP URL (RFC 5092) names the part on the server; nothing is downloaded until asked.
  const messageUrl = `${ctx.imapUrlBase}/${encodeURIComponent(ctx.mailbox)};UIDVALIDITY=${ctx.uidValidity}/;UID=${message.uid}`;
  const attachments: Attachment[] = message.structure
    ? attachmentParts(message.structure)
        .slice(0, 50)
        .map((p) => ({ kind: 'file' as const, url: `${messageUrl}/;SECTION=${p.part}`, alt: `${tidyText(p.filename, 200)} (${p.contentType}, ${humanSize(p.size)})` }))
    : parsed.attachments
        .filter((a) => a.contentDisposition === 'attachment' || !a.related)
        .slice(0, 50)
        .map((a) => ({ kind: 'file' as const, url: messageUrl, alt: `${tidyText(a.filename ?? 'attachment', 200)} (${a.contentType}, ${humanSize(a.size)})` }));

  const headerDate = parsed.date?.getTime();
  const createdAt = headerDate && Number.isFinite(headerDate) && headerDate <= ctx.now + 24 * 3600_000 ? headerDate : (message.internalDate?.getTime() ?? ctx.now);
  const author: NormalizedAuthor = { remoteId: from.address, handle: from.address, name: tidyText(from.name, 200) || from.address };
  const extra: EmailExtra = {
    messageId,
    references: [...references, ...(inReplyTo && !references.includes(inReplyTo) ? [inReplyTo] : [])],
    subject,
    replyTo: replyTo.address,
    mailbox: ctx.mailbox,
    uidValidity: ctx.uidValidity,
    uid: message.uid,
  };
  return {
    kind: 'item',
    item: {
      remoteId: messageId,
      threadRemoteId: root,
      parentRemoteId: parent,
      kind: 'email',
      direction: from.address === ctx.ownAddress.toLowerCase() ? 'out' : 'in',
      author,
      text,
      html: null,
      attachments,
      createdAt,
      permalink: null,
      context: subject && parent ? { text: subject } : null,
      extra: extra as unknown as Record<string, unknown>,
    },
  };
}
