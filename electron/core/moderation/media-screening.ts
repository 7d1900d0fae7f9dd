/**
 * Image screening after the ingest: the pipeline that fetches the images of new incoming messages,
 * asks a screener about each (`createMediaScreeningHook` over `NsfwScreener` in the app), and
 * records the verdicts. It runs after the ingest commit (screening takes about a second per image,
 * the ingest transaction cannot wait) in a queue that handles one message at a time, so a burst of
 * ingested pages never piles up fetches or inferences.
 *
 * Per message, ONE transaction:
 * - every screened image gets `flagged: true | false` in messages.attachments (false tells the
 *   renderer the image was screened clean and may be loaded; an image that could not be screened
 *   keeps no `flagged` and stays hidden until the manager reveals it);
 * - if one is flagged: a message_flags row (rule "Image screening", no text matches), and a
 *   visible message is held for review (moderation 'held', the conversation's held flag, and an
 *   audit row like the rules write). Held in Parvis only: the network is not told.
 * Any failure (download, format, size, screener) leaves the message as it is, and is logged.
 */
import { isIP } from 'node:net';
import type { Db } from '../db/connection';
import { createMessageWriter } from '../db/messages';
import { USER_AGENT } from '../connectors/http';
import { SHIPPED_RULE_NAMES } from '../../../shared/moderation';
import type { ScreenMediaHook } from './media';

/** The rule key and name under which image screening flags and holds messages. */
export const MEDIA_RULE_KEY = 'media';
/** Stored as the flag's rule name; the renderer words it from its catalogues. */
export const MEDIA_RULE_NAME = SHIPPED_RULE_NAMES[MEDIA_RULE_KEY];
const ORIGIN = `rule: ${MEDIA_RULE_NAME}`;

// ─── Fetching ────────────────────────────────────────────────────────────────────────────────

export type ImageFetchFailureKind = 'not-http' | 'private-address' | 'http-status' | 'not-image' | 'too-large' | 'timeout' | 'network' | 'aborted';

export type ImageFetchResult =
  | { ok: true; bytes: Uint8Array; mime: string }
  | { ok: false; error: { kind: ImageFetchFailureKind; message: string } };

/** Downloads one image; never rejects. `signal` stops it early (the app is closing). */
export type ImageFetcher = (url: string, signal?: AbortSignal) => Promise<ImageFetchResult>;

export interface ImageFetcherOptions {
  /** Larger images are not downloaded (default 8 MiB, the screener's limit). */
  maxBytes?: number;
  /** For the whole download, ms (default 15 s). */
  timeoutMs?: number;
  /** Default 3. */
  maxRedirects?: number;
  /**
   * Loopback, private and link-local addresses are refused by default: an image URL is written by
   * a stranger, and fetching it must not let them reach the manager's own machine or network.
   * Tests and the live demo (local simulated networks) allow them.
   */
  allowPrivateAddresses?: boolean;
  fetch?: typeof fetch;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** An IPv4 address in a range that is not the public internet. */
function privateIpv4(address: string): boolean {
  const [a = 0, b = 0] = address.split('.').map(Number);
  return (
    a === 0 || a === 10 || a === 127 || a >= 224 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168)
  );
}

/**
 * A host that names this machine or a private network by itself (a name, or an address literal;
 * `URL` has already normalized forms like `http://2130706433/`). Names that merely resolve to a
 * private address are not caught here.
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === '' || host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return privateIpv4(host);
  if (isIP(host) !== 6) return false;
  if (host === '::' || host === '::1') return true;
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const hi = Number.parseInt(mapped[1]!, 16);
    const lo = Number.parseInt(mapped[2]!, 16);
    return privateIpv4(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/.test(host)) return privateIpv4(host.slice(7));
  // fc00::/7 unique local, fe80::/10 link-local.
  return /^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host);
}

/** An image URL as it may appear in a log: no query string (CDNs sign URLs there). */
export function describeImageUrl(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname.length > 60 ? `${u.pathname.slice(0, 59)}…` : u.pathname;
    return `${u.protocol}//${u.host}${path}`;
  } catch {
    return '(not a URL)';
  }
}

/**
 * Downloads images with plain `fetch`: http(s) only, a timeout for the whole download, the size
 * checked from Content-Length and again while reading (a server may lie or send no length), and
 * redirects followed by hand so each hop is checked like the first URL.
 */
export function createImageFetcher(options: ImageFetcherOptions = {}): ImageFetcher {
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxRedirects = options.maxRedirects ?? 3;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const fail = (kind: ImageFetchFailureKind, message: string): ImageFetchResult => ({ ok: false, error: { kind, message } });

  return async (url, stop) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = stop ? AbortSignal.any([timeout, stop]) : timeout;
    let current = url;
    try {
      for (let hop = 0; ; hop++) {
        let parsed: URL;
        try {
          parsed = new URL(current);
        } catch {
          return fail('not-http', 'The image address is not a URL.');
        }
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return fail('not-http', `Only http(s) images are fetched, not ${parsed.protocol}`);
        if (!options.allowPrivateAddresses && isPrivateHost(parsed.hostname)) {
          return fail('private-address', `${parsed.hostname} is a local or private address.`);
        }
        const response = await fetchImpl(parsed.href, {
          redirect: 'manual',
          signal,
          // JPEG and PNG first: the screener decodes those, and content-negotiating CDNs listen.
          headers: { 'User-Agent': USER_AGENT, Accept: 'image/jpeg, image/png;q=0.9, image/*;q=0.5' },
        });
        if (REDIRECTS.has(response.status)) {
          await response.body?.cancel();
          const location = response.headers.get('location');
          if (!location) return fail('http-status', `HTTP ${response.status} without a Location.`);
          if (hop >= maxRedirects) return fail('http-status', `More than ${maxRedirects} redirects.`);
          current = new URL(location, parsed).href;
          continue;
        }
        if (!response.ok) {
          await response.body?.cancel();
          return fail('http-status', `HTTP ${response.status}.`);
        }
        const mime = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
        if (!mime.startsWith('image/')) {
          await response.body?.cancel();
          return fail('not-image', `The server sent ${mime || 'no content type'}, not an image.`);
        }
        const declared = Number(response.headers.get('content-length'));
        if (Number.isFinite(declared) && declared > maxBytes) {
          await response.body?.cancel();
          return fail('too-large', `The image is ${declared} bytes, more than ${maxBytes}.`);
        }
        if (!response.body) return fail('network', 'The response has no body.');
        const chunks: Uint8Array[] = [];
        let total = 0;
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          total += value.byteLength;
          if (total > maxBytes) {
            await reader.cancel();
            return fail('too-large', `The image is larger than ${maxBytes} bytes.`);
          }
          chunks.push(value);
        }
        return { ok: true, bytes: Buffer.concat(chunks, total), mime };
      }
    } catch (error) {
      if (stop?.aborted) return fail('aborted', 'The download was stopped.');
      if (timeout.aborted) return fail('timeout', `No complete answer within ${timeoutMs} ms.`);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return fail('network', cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)));
    }
  };
}

// ─── The pipeline ───────────────────────────────────────────────────────────────────────────

export interface MediaScreeningPipelineOptions {
  db: Db;
  now: () => number;
  /** Screens one image: `createMediaScreeningHook(screener, { … })`. */
  screen: ScreenMediaHook;
  fetchImage: ImageFetcher;
  /** After a message's verdicts are committed (the app emits `inbox.changed`). */
  onScreened?: (result: { messageId: number; conversationId: number; flagged: boolean; held: boolean }) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Messages waiting beyond this are dropped, their images left hidden (default 2,000). */
  maxQueue?: number;
  /** Images screened per message; the others stay hidden until revealed (default 4, Mastodon's). */
  maxImagesPerMessage?: number;
}

export interface MediaScreeningPipeline {
  /** Queues the incoming messages among these that have an image not yet screened. */
  enqueue(messageIds: readonly number[]): void;
  /** Queues the recent incoming messages whose images were never screened (after a restart). */
  screenRecent(lastMessages: number): number;
  /** Resolves when the queue is empty. */
  idle(): Promise<void>;
  /**
   * Drops what waits, stops a download in progress, and resolves when the current message is done:
   * then the database may close. A screening in progress is not interrupted: close the screener
   * at the same time (NsfwScreener.close answers it at once).
   */
  close(): Promise<void>;
}

interface StoredAttachment {
  kind?: unknown;
  url?: unknown;
  previewUrl?: unknown;
  flagged?: unknown;
  [key: string]: unknown;
}

const isWebUrl = (value: unknown): value is string => typeof value === 'string' && /^https?:\/\//i.test(value);

function parseAttachments(json: string): StoredAttachment[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? (value as StoredAttachment[]) : [];
  } catch {
    return [];
  }
}

/**
 * The images of a message still to screen, and which URL to screen for each: the one the renderer
 * shows (the preview when there is one, else the image itself), so the verdict is about the
 * pixels the manager would see.
 */
export function imagesToScreen(attachments: readonly StoredAttachment[], max: number): { index: number; url: string; screenUrl: string }[] {
  const out: { index: number; url: string; screenUrl: string }[] = [];
  attachments.forEach((a, index) => {
    if (out.length >= max || a.kind !== 'image' || a.flagged !== undefined || !isWebUrl(a.url)) return;
    out.push({ index, url: a.url, screenUrl: isWebUrl(a.previewUrl) ? a.previewUrl : a.url });
  });
  return out;
}

function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Builds the queue (see the file comment). */
export function createMediaScreeningPipeline(opts: MediaScreeningPipelineOptions): MediaScreeningPipeline {
  const { db, now } = opts;
  const log = opts.log ?? (() => {});
  const maxQueue = opts.maxQueue ?? 2000;
  const maxImages = opts.maxImagesPerMessage ?? 4;

  const messageToScreen = db.prepare<[number], { id: number; direction: string; attachments: string }>(
    'SELECT id, direction, attachments FROM messages WHERE id = ?',
  );
  const recentWithImages = db.prepare<[number], { id: number }>(`
    SELECT id FROM messages
    WHERE id > (SELECT coalesce(max(id), 0) FROM messages) - ? AND direction = 'in' AND attachments LIKE '%"image"%'
    ORDER BY id`);
  const messageForUpdate = db.prepare<
    [number],
    { id: number; conversation_id: number; attachments: string; moderation: string; text: string; network: string; author_handle: string | null; author_name: string | null }
  >(`
    SELECT m.id, m.conversation_id, m.attachments, m.moderation, m.text, c.network, au.handle AS author_handle, au.name AS author_name
    FROM messages m JOIN conversations c ON c.id = m.conversation_id LEFT JOIN authors au ON au.id = m.author_id
    WHERE m.id = ?`);
  // The message writer's, so "held" means the same everywhere.
  const writer = createMessageWriter(db);
  const insertFlag = db.prepare<[number, string, string, string, number]>(
    'INSERT INTO message_flags (message_id, rule_key, rule_name, matches, at) VALUES (?, ?, ?, ?, ?)',
  );
  const logActivity = db.prepare<[number, string, number, string, string]>(
    'INSERT INTO activity (at, actor, conversation_id, kind, detail) VALUES (?, ?, ?, ?, ?)',
  );

  /** Records the verdicts of one message; null when nothing was left to record. */
  const recordVerdicts = db.transaction((messageId: number, verdicts: ReadonlyMap<number, { url: string; flagged: boolean }>) => {
    const row = messageForUpdate.get(messageId);
    if (!row) return null;
    const attachments = parseAttachments(row.attachments);
    let recorded = false;
    let flagged = false;
    for (const [index, verdict] of verdicts) {
      const attachment = attachments[index];
      // Screened meanwhile by another pass, or not the same attachment any more: keep what is there.
      if (!attachment || attachment.url !== verdict.url || attachment.flagged !== undefined) continue;
      attachment.flagged = verdict.flagged;
      recorded = true;
      flagged ||= verdict.flagged;
    }
    if (!recorded) return null;
    writer.setAttachments(messageId, attachments);
    let held = false;
    if (flagged) {
      insertFlag.run(messageId, MEDIA_RULE_KEY, MEDIA_RULE_NAME, '[]', now());
      // A message already held, hidden or removed keeps that state; only a visible one is held.
      if (row.moderation === 'visible') {
        writer.setModeration(messageId, row.conversation_id, 'held');
        held = true;
        logActivity.run(
          now(),
          ORIGIN,
          row.conversation_id,
          'moderation',
          JSON.stringify({
            action: 'hold',
            messageId,
            origin: ORIGIN,
            target: `${row.author_name ?? row.author_handle ?? '?'} (${row.author_handle ?? ''}): ${excerpt(row.text)}`,
            network: row.network,
            outboxId: null,
            reason: null,
          }),
        );
      }
    }
    return { conversationId: row.conversation_id, flagged, held };
  });

  async function screenMessage(messageId: number): Promise<void> {
    const row = messageToScreen.get(messageId);
    if (!row || row.direction !== 'in') return;
    const images = imagesToScreen(parseAttachments(row.attachments), maxImages);
    const verdicts = new Map<number, { url: string; flagged: boolean }>();
    for (const image of images) {
      if (closed) return;
      const where = `message ${messageId}, ${describeImageUrl(image.screenUrl)}`;
      const fetched = await opts.fetchImage(image.screenUrl, stopping.signal);
      if (closed) return;
      if (!fetched.ok) {
        log('warn', `Image not screened (${where}): ${fetched.error.kind}: ${fetched.error.message}`);
        continue;
      }
      const verdict = await opts.screen({ url: image.screenUrl, kind: 'image', bytes: fetched.bytes, mime: fetched.mime });
      if (!verdict.ok) {
        log(verdict.error.kind === 'unsupported' ? 'info' : 'warn', `Image not screened (${where}): ${verdict.error.kind}: ${verdict.error.message}`);
        continue;
      }
      verdicts.set(image.index, { url: image.url, flagged: verdict.flagged });
    }
    if (closed || verdicts.size === 0) return;
    const result = recordVerdicts.immediate(messageId, verdicts);
    if (result) opts.onScreened?.({ messageId, ...result });
  }

  const queue: number[] = [];
  const queued = new Set<number>();
  let draining: Promise<void> | null = null;
  let closed = false;
  let dropped = 0;
  // Aborts a download in progress on close, so quitting the app does not wait for a slow server.
  const stopping = new AbortController();

  async function drain(): Promise<void> {
    while (!closed && queue.length > 0) {
      const messageId = queue.shift()!;
      queued.delete(messageId);
      try {
        await screenMessage(messageId);
      } catch (error) {
        // A full disk or a closed database: this message stays as it is, the next one is tried.
        log('error', `Image screening failed for message ${messageId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  function add(messageId: number): boolean {
    if (closed || queued.has(messageId)) return false;
    if (queue.length >= maxQueue) {
      if (dropped++ === 0) log('warn', `Image screening has ${maxQueue} messages waiting: the images of newer ones stay hidden until revealed.`);
      return false;
    }
    dropped = 0;
    queue.push(messageId);
    queued.add(messageId);
    return true;
  }

  function kick(): void {
    if (draining || closed || queue.length === 0) return;
    draining = drain().finally(() => {
      draining = null;
      // Queued while the last message finished.
      kick();
    });
  }

  return {
    enqueue(messageIds) {
      for (const id of messageIds) {
        const row = messageToScreen.get(id);
        if (row && row.direction === 'in' && imagesToScreen(parseAttachments(row.attachments), maxImages).length > 0) add(id);
      }
      kick();
    },
    screenRecent(lastMessages) {
      let added = 0;
      for (const { id } of recentWithImages.all(lastMessages)) {
        const row = messageToScreen.get(id);
        if (row && imagesToScreen(parseAttachments(row.attachments), maxImages).length > 0 && add(id)) added += 1;
      }
      kick();
      return added;
    },
    async idle() {
      while (draining) await draining;
    },
    async close() {
      closed = true;
      queue.length = 0;
      queued.clear();
      stopping.abort();
      while (draining) await draining;
    },
  };
}
