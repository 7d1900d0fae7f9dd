/**
 * A local Bluesky PDS + AppView for tests, e2e and the demo: one node:http server on 127.0.0.1 that
 * answers the XRPC methods Parvis uses, in the shapes of the lexicons copied under
 * e2e/networks/specs/bluesky/. It keeps real state (repos of records, notifications, mutes,
 * reports, sessions), issues JWTs that expire, writes real CIDs (DAG-CBOR + sha-256) and TIDs,
 * sends the RateLimit-* headers of the real service and can be told to misbehave.
 *
 * Faults and community activity are driven through `control` (in-process) or the same operations
 * over HTTP under `/__control/...` (for Playwright and the demo), JSON in and out:
 *   GET  /__control/state                                   → BlueskyServerState
 *   POST /__control/own-post        { text }                → { uri, cid }
 *   POST /__control/reply           { parentUri, text, from?, fields?, indexedAt? }
 *   POST /__control/mention         { text, from?, fields?, indexedAt? }
 *   POST /__control/quote           { quotedUri, text, from?, fields?, indexedAt? }
 *   POST /__control/many-replies    { parentUri, count, from? }
 *   POST /__control/malformed       { kind: 'no-author' | 'bad-record' | 'bad-uri' }
 *   POST /__control/fault           { kind: 'rate-limit' | 'server-error' | 'hang' | 'malformed', count?, resetInSeconds?, status? }
 *   POST /__control/expire-tokens · /__control/revoke-sessions · /__control/seed-demo
 *   POST /__control/delete-record   { uri }
 * The connected account's handle and app password are in `control.account` (defaults:
 * parvis-brand.test / abcd-efgh-ijkl-mnop); community accounts are alice.test, bob.test, chloe.test.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lexicons, jsonToLex, type LexiconDoc } from '@atproto/lexicon';
import {
  FaultQueue,
  answerWithFault,
  bearerToken,
  parseFault,
  readBody,
  sendJson,
  startLocalServer,
  type Fault,
  type FaultStyle,
} from './server-kit';

// ---------------------------------------------------------------------------------------------
// Lexicons (the server validates the records it is given, like a real PDS)

const LEXICON_DIR = fileURLToPath(new URL('./specs/bluesky/lexicons', import.meta.url));

function listJsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listJsonFiles(path) : name.endsWith('.json') ? [path] : [];
  });
}

/**
 * Checks a record in its JSON form (blobs as `{$type: 'blob', ref: {$link}}`) the way a PDS does:
 * turned into lexicon values first, then validated.
 */
export function assertValidJsonRecord(lexicons: Lexicons, collection: string, record: unknown): void {
  lexicons.assertValidRecord(collection, jsonToLex(record));
}

/** Every lexicon document copied under e2e/networks/specs/bluesky/lexicons. */
export function loadBlueskyLexicons(): Lexicons {
  const docs = listJsonFiles(LEXICON_DIR).map((path) => JSON.parse(readFileSync(path, 'utf8')) as LexiconDoc);
  return new Lexicons(docs);
}

// ---------------------------------------------------------------------------------------------
// Identifiers: DAG-CBOR, CIDs, TIDs, DIDs

const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function base32Decode(text: string): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

function cborHead(major: number, n: number): number[] {
  if (n < 24) return [(major << 5) | n];
  if (n < 0x100) return [(major << 5) | 24, n];
  if (n < 0x10000) return [(major << 5) | 25, n >> 8, n & 255];
  if (n < 0x100000000) return [(major << 5) | 26, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  const big = BigInt(n);
  const bytes: number[] = [(major << 5) | 27];
  for (let shift = 56n; shift >= 0n; shift -= 8n) bytes.push(Number((big >> shift) & 255n));
  return bytes;
}

/**
 * Encodes atproto data (the JSON form, with `{$link}` CIDs and `{$bytes}`) as canonical DAG-CBOR:
 * shortest integer heads, map keys sorted by length then bytes, CIDs as tag 42. Floats are not
 * part of the atproto data model and are refused.
 */
export function encodeDagCbor(value: unknown): Uint8Array {
  const out: number[] = [];
  const write = (v: unknown): void => {
    if (v === null) out.push(0xf6);
    else if (v === true) out.push(0xf5);
    else if (v === false) out.push(0xf4);
    else if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new Error(`not an integer: ${v}`);
      out.push(...(v >= 0 ? cborHead(0, v) : cborHead(1, -1 - v)));
    } else if (typeof v === 'string') {
      const bytes = Buffer.from(v, 'utf8');
      out.push(...cborHead(3, bytes.length), ...bytes);
    } else if (Array.isArray(v)) {
      out.push(...cborHead(4, v.length));
      v.forEach(write);
    } else if (typeof v === 'object') {
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
      if (keys.length === 1 && keys[0] === '$link' && typeof obj.$link === 'string') {
        const cid = cidBytes(obj.$link);
        out.push(0xd8, 42, ...cborHead(2, cid.length + 1), 0, ...cid);
        return;
      }
      if (keys.length === 1 && keys[0] === '$bytes' && typeof obj.$bytes === 'string') {
        const bytes = Buffer.from(obj.$bytes, 'base64');
        out.push(...cborHead(2, bytes.length), ...bytes);
        return;
      }
      const sorted = keys
        .map((k) => ({ k, bytes: Buffer.from(k, 'utf8') }))
        .sort((a, b) => a.bytes.length - b.bytes.length || Buffer.compare(a.bytes, b.bytes));
      out.push(...cborHead(5, sorted.length));
      for (const { k, bytes } of sorted) {
        out.push(...cborHead(3, bytes.length), ...bytes);
        write(obj[k]);
      }
    } else {
      throw new Error(`cannot encode ${typeof v} as DAG-CBOR`);
    }
  };
  write(value);
  return Uint8Array.from(out);
}

function cidBytes(cid: string): Uint8Array {
  if (!cid.startsWith('b')) throw new Error(`only base32 CIDs are supported: ${cid}`);
  return base32Decode(cid.slice(1));
}

function cidFromDigest(codec: number, digest: Uint8Array): string {
  return `b${base32Encode(Uint8Array.from([0x01, codec, 0x12, 0x20, ...digest]))}`;
}

/** CIDv1, dag-cbor, sha2-256 of a record: the CID a real PDS gives it ("bafyrei..."). */
export function cidForRecord(record: unknown): string {
  return cidFromDigest(0x71, createHash('sha256').update(encodeDagCbor(record)).digest());
}

/** CIDv1, raw, sha2-256 of some bytes: a blob CID ("bafkrei..."). */
export function cidForBlob(bytes: Uint8Array | string): string {
  return cidFromDigest(0x55, createHash('sha256').update(bytes).digest());
}

const TID_ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';

/** Encodes a TID from microseconds and a clock id (53 + 10 bits), as atproto does. */
export function encodeTid(micros: number, clockId: number): string {
  let n = (BigInt(Math.floor(micros)) << 10n) | BigInt(clockId & 1023);
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = TID_ALPHABET[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return out;
}

const TID_PATTERN = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;

/** A did:plc-looking DID derived from a handle (stable across runs). */
export function didForHandle(handle: string): string {
  return `did:plc:${base32Encode(createHash('sha256').update(handle).digest()).slice(0, 24)}`;
}

// ---------------------------------------------------------------------------------------------
// JWTs (HS256, like the PDS's own session tokens)

interface JwtClaims {
  scope: string;
  sub: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
}

function signJwt(claims: JwtClaims, secret: Buffer): string {
  const header = Buffer.from(JSON.stringify({ typ: claims.scope === 'com.atproto.refresh' ? 'refresh+jwt' : 'at+jwt', alg: 'HS256' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

function verifyJwt(token: string, secret: Buffer): JwtClaims | null {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return null;
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JwtClaims;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// State

const POST = 'app.bsky.feed.post';
const THREADGATE = 'app.bsky.feed.threadgate';
const BLOCK = 'app.bsky.graph.block';
/** Collections this PDS accepts writes for (others answer InvalidRequest). */
const WRITABLE = new Set([POST, THREADGATE, BLOCK]);

/** A Bluesky account known to the server. */
export interface BlueskyActor {
  did: string;
  handle: string;
  displayName: string;
  createdAt: string;
}

interface StoredRecord {
  uri: string;
  cid: string;
  did: string;
  collection: string;
  rkey: string;
  value: Record<string, unknown>;
  indexedAt: string;
}

/** How a notification is broken on purpose, to test that one bad item does not lose the page. */
export type MalformedKind = 'no-author' | 'bad-record' | 'bad-uri';

interface StoredNotification {
  seq: number;
  uri: string;
  cid: string;
  authorDid: string;
  reason: 'reply' | 'mention' | 'quote';
  reasonSubject?: string;
  indexedAtMs: number;
  /**
   * What the real AppView sorts and pages by: min(record createdAt, indexedAt). A backdated post
   * (a skewed clock, an import) sorts behind newer ones, and the view's `indexedAt` shows it.
   */
  sortAtMs: number;
  malformed?: MalformedKind;
}

/** A report as the moderation service received it. */
export interface RecordedReport {
  id: number;
  reasonType: string;
  reason?: string;
  subject: Record<string, unknown>;
  reportedBy: string;
  createdAt: string;
}

/** A reference to a record: what the control methods return. */
export interface StrongRef {
  uri: string;
  cid: string;
}

export interface BlueskyServerOptions {
  /** The connected account (the brand). */
  account?: { handle?: string; password?: string; displayName?: string };
  /** Community accounts that reply, mention and quote. */
  community?: { handle: string; displayName?: string }[];
  /** The server's clock (epoch ms); tests inject one to expire tokens without waiting. */
  now?: () => number;
  /** Access token lifetime; the real PDS uses two hours. */
  accessTtlSeconds?: number;
  /** Refresh token lifetime; the real PDS uses 90 days. */
  refreshTtlSeconds?: number;
  /** The rate-limit window announced in the RateLimit-* headers (real: 3000 per 300 s). */
  rateLimit?: { limit: number; windowSeconds: number };
}

/** Input of the community-activity control methods. */
export interface CommunityPostInput {
  /** Handle of the community account posting (one of `community`); default: the first. */
  from?: string;
  text: string;
  /** Extra record fields (facets, embed, langs...), merged into the post record. */
  fields?: Record<string, unknown>;
  /** Overrides the notification's indexedAt (ISO), e.g. to make two notifications tie. */
  indexedAt?: string;
  /** The record's createdAt (ISO) when it differs from the time it is indexed (a backdated post). */
  createdAt?: string;
}

/** What `control.state()` returns: everything a test asserts on. */
export interface BlueskyServerState {
  account: BlueskyActor;
  posts: {
    uri: string;
    cid: string;
    author: string;
    text: string;
    reply: { root: StrongRef; parent: StrongRef } | null;
    embed: unknown;
    createdAt: string;
  }[];
  threadgates: { uri: string; cid: string; post: string; allow: unknown; hiddenReplies: string[] }[];
  blocks: { uri: string; subject: string }[];
  mutes: string[];
  reports: RecordedReport[];
  seenAt: string | null;
  notificationCount: number;
  /** Every XRPC call in order, for asserting what a client did (no bodies, no tokens). */
  requests: { method: string; nsid: string; status: number }[];
}

/** The in-process control surface. Every method also exists over HTTP (see `handleControl`). */
export interface BlueskyControl {
  readonly account: BlueskyActor & { password: string };
  readonly community: BlueskyActor[];
  /** A post by the connected account, as if written in the Bluesky app. */
  addOwnPost(text: string, fields?: Record<string, unknown>): StrongRef;
  /** A community reply to `parentUri` (any post); notifies us when the parent or root is ours. */
  addReply(parentUri: string, input: CommunityPostInput): StrongRef;
  /** A community post mentioning the connected account (a mention facet with our DID). */
  addMention(input: CommunityPostInput): StrongRef;
  /** A community post quoting `quotedUri`; notifies us when the quoted post is ours. */
  addQuote(quotedUri: string, input: CommunityPostInput): StrongRef;
  /** `count` community replies to `parentUri` (for paging), oldest first. */
  addManyReplies(parentUri: string, count: number, from?: string): StrongRef[];
  /** A notification that breaks the lexicon or the post schema, among the normal ones. */
  addMalformedNotification(kind?: MalformedKind): void;
  /** Makes the next `count` XRPC requests suffer `fault` (429 with reset headers, 5xx, hang, bad JSON). */
  injectFault(fault: Fault, count?: number): void;
  /** Every access token issued so far answers 400 ExpiredToken (refresh still works). */
  expireAccessTokens(): void;
  /** Every refresh token stops working too: the account must sign in again. */
  revokeSessions(): void;
  /** Removes a record (e.g. a community post deleted by its author). */
  deleteRecord(uri: string): void;
  /** A few posts, replies, a mention and a quote, for the demo. */
  seedDemo(): void;
  /**
   * The connected account is deleted on the server: like the real PDS, its app calls answer 500
   * and getSession/refreshSession 400 "Could not find user info for account".
   */
  deleteAccount(): void;
  state(): BlueskyServerState;
}

export interface BlueskyServer {
  url: string;
  close(): Promise<void>;
  control: BlueskyControl;
}

class XrpcError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_COMMUNITY = [
  { handle: 'alice.test', displayName: 'Alice Martin' },
  { handle: 'bob.test', displayName: 'Bob Dupont' },
  { handle: 'chloe.test', displayName: 'Chloé' },
];

/** Starts the server on 127.0.0.1 with a free port. */
export async function startBlueskyServer(opts: BlueskyServerOptions = {}): Promise<BlueskyServer> {
  const now = opts.now ?? (() => Date.now());
  const accessTtl = opts.accessTtlSeconds ?? 2 * 3600;
  const refreshTtl = opts.refreshTtlSeconds ?? 90 * 24 * 3600;
  const rateWindow = opts.rateLimit ?? { limit: 3000, windowSeconds: 300 };
  const secret = randomBytes(32);
  const lexicons = loadBlueskyLexicons();
  const serviceDid = 'did:web:localhost';
  const createdAt = new Date(now() - 400 * 24 * 3600 * 1000).toISOString();

  const ownHandle = opts.account?.handle ?? 'parvis-brand.test';
  const account = {
    did: didForHandle(ownHandle),
    handle: ownHandle,
    displayName: opts.account?.displayName ?? 'Parvis Brand',
    createdAt,
    password: opts.account?.password ?? 'abcd-efgh-ijkl-mnop',
  };
  const community: BlueskyActor[] = (opts.community ?? DEFAULT_COMMUNITY).map((c) => ({
    did: didForHandle(c.handle),
    handle: c.handle,
    displayName: c.displayName ?? c.handle.split('.')[0] ?? c.handle,
    createdAt,
  }));
  const actors = new Map<string, BlueskyActor>([[account.did, account], ...community.map((c) => [c.did, c] as const)]);

  const records = new Map<string, StoredRecord>();
  const notifications: StoredNotification[] = [];
  const mutes = new Set<string>();
  const reports: RecordedReport[] = [];
  const requests: BlueskyServerState['requests'] = [];
  const faults = new FaultQueue();
  /** Refresh-token ids still usable (rotation: each is used once). */
  const liveRefresh = new Set<string>();
  /** Access-token ids forced to expire by the control. */
  const expiredAccess = new Set<string>();
  const issuedAccess = new Set<string>();
  let seenAtMs: number | null = null;
  let accountDeleted = false;
  let notificationSeq = 0;
  let reportSeq = 0;
  let lastTidMicros = 0;
  let rateWindowStart = now();
  let rateUsed = 0;

  // --- helpers ---------------------------------------------------------------------------------

  const iso = (ms: number) => new Date(ms).toISOString();

  /** A fresh TID, strictly increasing even when the clock stands still. */
  function nextTid(): string {
    const micros = Math.max(now() * 1000, lastTidMicros + 1);
    lastTidMicros = micros;
    return encodeTid(micros, 7);
  }

  function actorByHandleOrDid(id: string): BlueskyActor | undefined {
    if (id.startsWith('did:')) return actors.get(id);
    for (const actor of actors.values()) if (actor.handle === id.toLowerCase()) return actor;
    return undefined;
  }

  function communityActor(handle: string | undefined): BlueskyActor {
    const actor = handle ? community.find((c) => c.handle === handle) : community[0];
    if (!actor) throw new XrpcError(400, 'InvalidRequest', `unknown community account: ${handle ?? '(none configured)'}`);
    return actor;
  }

  function parseAtUri(uri: string): { did: string; collection: string; rkey: string } | null {
    const match = /^at:\/\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(uri);
    if (!match) return null;
    const [, host = '', collection = '', rkey = ''] = match;
    const did = actorByHandleOrDid(host)?.did ?? host;
    return { did, collection, rkey };
  }

  function putStoredRecord(did: string, collection: string, rkey: string, value: Record<string, unknown>, indexedAtMs = now()): StoredRecord {
    const uri = `at://${did}/${collection}/${rkey}`;
    const rec: StoredRecord = { uri, cid: cidForRecord(value), did, collection, rkey, value, indexedAt: iso(indexedAtMs) };
    records.set(uri, rec);
    return rec;
  }

  function strongRef(rec: StoredRecord): StrongRef {
    return { uri: rec.uri, cid: rec.cid };
  }

  function imageUrl(kind: 'avatar' | 'feed_thumbnail' | 'feed_fullsize', did: string, cid: string): string {
    return `${baseUrl}/img/${kind}/plain/${did}/${cid}@jpeg`;
  }

  function profileView(did: string, detailed = false): Record<string, unknown> {
    const actor = actors.get(did);
    if (!actor) return { did, handle: 'handle.invalid' };
    const viewer: Record<string, unknown> = { muted: mutes.has(did), blockedBy: false };
    const block = [...records.values()].find((r) => r.did === account.did && r.collection === BLOCK && r.value.subject === did);
    if (block) viewer.blocking = block.uri;
    const view: Record<string, unknown> = {
      did: actor.did,
      handle: actor.handle,
      displayName: actor.displayName,
      avatar: imageUrl('avatar', actor.did, cidForBlob(actor.did)),
      viewer,
      labels: [],
      createdAt: actor.createdAt,
      indexedAt: actor.createdAt,
    };
    if (detailed) {
      const posts = [...records.values()].filter((r) => r.did === did && r.collection === POST).length;
      Object.assign(view, { followersCount: 42, followsCount: 7, postsCount: posts, description: '' });
    }
    return view;
  }

  function profileViewBasic(did: string): Record<string, unknown> {
    const { indexedAt: _ignored, ...basic } = profileView(did);
    return basic;
  }

  function embedView(did: string, embed: unknown): Record<string, unknown> | undefined {
    if (!embed || typeof embed !== 'object') return undefined;
    const e = embed as Record<string, unknown>;
    const blobCid = (blob: unknown) => {
      const ref = (blob as { ref?: { $link?: unknown } } | undefined)?.ref?.$link;
      return typeof ref === 'string' ? ref : cidForBlob('missing');
    };
    switch (e.$type) {
      case 'app.bsky.embed.images': {
        const images = Array.isArray(e.images) ? (e.images as Record<string, unknown>[]) : [];
        return {
          $type: 'app.bsky.embed.images#view',
          images: images.map((img) => ({
            thumb: imageUrl('feed_thumbnail', did, blobCid(img.image)),
            fullsize: imageUrl('feed_fullsize', did, blobCid(img.image)),
            alt: typeof img.alt === 'string' ? img.alt : '',
            ...(img.aspectRatio ? { aspectRatio: img.aspectRatio } : {}),
          })),
        };
      }
      case 'app.bsky.embed.external': {
        const ext = (e.external ?? {}) as Record<string, unknown>;
        return {
          $type: 'app.bsky.embed.external#view',
          external: {
            uri: ext.uri,
            title: ext.title ?? '',
            description: ext.description ?? '',
            ...(ext.thumb ? { thumb: imageUrl('feed_thumbnail', did, blobCid(ext.thumb)) } : {}),
          },
        };
      }
      case 'app.bsky.embed.record':
        return { $type: 'app.bsky.embed.record#view', record: embeddedRecordView((e.record as StrongRef | undefined)?.uri) };
      case 'app.bsky.embed.recordWithMedia':
        return {
          $type: 'app.bsky.embed.recordWithMedia#view',
          record: {
            $type: 'app.bsky.embed.record#view',
            record: embeddedRecordView(((e.record as Record<string, unknown> | undefined)?.record as StrongRef | undefined)?.uri),
          },
          media: embedView(did, e.media),
        };
      default:
        return undefined;
    }
  }

  function embeddedRecordView(uri: string | undefined): Record<string, unknown> {
    const rec = uri ? records.get(uri) : undefined;
    if (!rec) return { $type: 'app.bsky.embed.record#viewNotFound', uri: uri ?? 'at://invalid/app.bsky.feed.post/x', notFound: true };
    return {
      $type: 'app.bsky.embed.record#viewRecord',
      uri: rec.uri,
      cid: rec.cid,
      author: profileViewBasic(rec.did),
      value: rec.value,
      labels: [],
      indexedAt: rec.indexedAt,
    };
  }

  /** The post a post quotes (a record embed, alone or with media). */
  function quotedUriOf(value: Record<string, unknown>): unknown {
    const embed = value.embed as { record?: { uri?: unknown; record?: { uri?: unknown } } } | undefined;
    return embed?.record?.uri ?? embed?.record?.record?.uri;
  }

  function repliesTo(uri: string): StoredRecord[] {
    return [...records.values()].filter(
      (r) => r.collection === POST && (r.value.reply as { parent?: StrongRef } | undefined)?.parent?.uri === uri,
    );
  }

  function threadgateFor(postUri: string): StoredRecord | undefined {
    const ref = parseAtUri(postUri);
    return ref ? records.get(`at://${ref.did}/${THREADGATE}/${ref.rkey}`) : undefined;
  }

  function threadgateView(gate: StoredRecord): Record<string, unknown> {
    return { uri: gate.uri, cid: gate.cid, record: gate.value, lists: [] };
  }

  function postView(rec: StoredRecord): Record<string, unknown> {
    const quotes = [...records.values()].filter((r) => quotedUriOf(r.value) === rec.uri).length;
    const view: Record<string, unknown> = {
      uri: rec.uri,
      cid: rec.cid,
      author: profileViewBasic(rec.did),
      record: rec.value,
      replyCount: repliesTo(rec.uri).length,
      repostCount: 0,
      likeCount: 0,
      quoteCount: quotes,
      bookmarkCount: 0,
      indexedAt: rec.indexedAt,
      viewer: {},
      labels: [],
    };
    const embed = embedView(rec.did, rec.value.embed);
    if (embed) view.embed = embed;
    // The AppView attaches the threadgate to the root post of a thread.
    const gate = rec.value.reply ? undefined : threadgateFor(rec.uri);
    if (gate) view.threadgate = threadgateView(gate);
    return view;
  }

  function notify(reason: StoredNotification['reason'], post: StoredRecord, reasonSubject: string | undefined, indexedAt?: string): void {
    notificationSeq += 1;
    const indexedAtMs = indexedAt ? Date.parse(indexedAt) : Date.parse(post.indexedAt);
    const created = Date.parse(String(post.value.createdAt));
    notifications.push({
      sortAtMs: Number.isNaN(created) ? indexedAtMs : Math.min(created, indexedAtMs),
      seq: notificationSeq,
      uri: post.uri,
      cid: post.cid,
      authorDid: post.did,
      reason,
      reasonSubject,
      indexedAtMs,
    });
  }

  function mentionFacet(text: string, target: BlueskyActor): Record<string, unknown>[] {
    const handleText = `@${target.handle}`;
    const start = text.indexOf(handleText);
    if (start < 0) return [];
    const byteStart = Buffer.byteLength(text.slice(0, start), 'utf8');
    return [
      {
        index: { byteStart, byteEnd: byteStart + Buffer.byteLength(handleText, 'utf8') },
        features: [{ $type: 'app.bsky.richtext.facet#mention', did: target.did }],
      },
    ];
  }

  function communityPost(input: CommunityPostInput, extra: Record<string, unknown>): StoredRecord {
    const author = communityActor(input.from);
    const indexedAtMs = input.indexedAt ? Date.parse(input.indexedAt) : now();
    const value: Record<string, unknown> = {
      $type: POST,
      text: input.text,
      langs: ['fr'],
      createdAt: input.createdAt ?? iso(indexedAtMs),
      ...extra,
      ...(input.fields ?? {}),
    };
    assertValidJsonRecord(lexicons, POST, value);
    return putStoredRecord(author.did, POST, nextTid(), value, indexedAtMs);
  }

  // --- control ---------------------------------------------------------------------------------

  const control: BlueskyControl = {
    account,
    community,
    addOwnPost(text, fields = {}) {
      const value = { $type: POST, text, langs: ['fr'], createdAt: iso(now()), ...fields };
      assertValidJsonRecord(lexicons, POST, value);
      return strongRef(putStoredRecord(account.did, POST, nextTid(), value));
    },
    addReply(parentUri, input) {
      const parent = records.get(parentUri);
      if (!parent || parent.collection !== POST) throw new XrpcError(400, 'InvalidRequest', `no post ${parentUri}`);
      const parentReply = parent.value.reply as { root: StrongRef } | undefined;
      const root = parentReply?.root ?? strongRef(parent);
      const rec = communityPost(input, { reply: { root, parent: strongRef(parent) } });
      // The AppView notifies the author of the parent and of the root.
      if (parent.did === account.did || parseAtUri(root.uri)?.did === account.did) {
        notify('reply', rec, parent.uri, input.indexedAt);
      }
      return strongRef(rec);
    },
    addMention(input) {
      const text = input.text.includes(`@${account.handle}`) ? input.text : `@${account.handle} ${input.text}`;
      const rec = communityPost({ ...input, text }, { facets: mentionFacet(text, account) });
      notify('mention', rec, undefined, input.indexedAt);
      return strongRef(rec);
    },
    addQuote(quotedUri, input) {
      const quoted = records.get(quotedUri);
      if (!quoted) throw new XrpcError(400, 'InvalidRequest', `no post ${quotedUri}`);
      const rec = communityPost(input, { embed: { $type: 'app.bsky.embed.record', record: strongRef(quoted) } });
      if (quoted.did === account.did) notify('quote', rec, quoted.uri, input.indexedAt);
      return strongRef(rec);
    },
    addManyReplies(parentUri, count, from) {
      const refs: StrongRef[] = [];
      for (let i = 0; i < count; i++) refs.push(control.addReply(parentUri, { from, text: `Réponse numéro ${i + 1}` }));
      return refs;
    },
    addMalformedNotification(kind = 'no-author') {
      const author = community[0] ?? account;
      const value = { $type: POST, text: 'broken', createdAt: iso(now()) };
      const rec = putStoredRecord(author.did, POST, nextTid(), value);
      notificationSeq += 1;
      notifications.push({
        seq: notificationSeq,
        uri: rec.uri,
        cid: rec.cid,
        authorDid: author.did,
        reason: 'mention',
        indexedAtMs: now(),
        sortAtMs: now(),
        malformed: kind,
      });
    },
    injectFault(fault, count = 1) {
      faults.add(fault, count);
    },
    expireAccessTokens() {
      for (const jti of issuedAccess) expiredAccess.add(jti);
    },
    revokeSessions() {
      liveRefresh.clear();
      for (const jti of issuedAccess) expiredAccess.add(jti);
    },
    deleteRecord(uri) {
      records.delete(uri);
    },
    deleteAccount() {
      accountDeleted = true;
    },
    seedDemo() {
      const launch = control.addOwnPost('Notre nouvelle version est disponible ! Dites-nous ce que vous en pensez.');
      const faq = control.addOwnPost('Question du jour : quelle fonctionnalité voulez-vous voir ensuite ?');
      const [alice, bob, chloe] = [community[0]?.handle, community[1]?.handle, community[2]?.handle];
      const first = control.addReply(launch.uri, { from: alice, text: "Super, j'adore le nouveau mode sombre !" });
      control.addReply(first.uri, { from: bob, text: 'Pareil, mais la recherche est plus lente chez moi.' });
      const prefix = 'Un export CSV, voir ';
      const link = 'https://example.com/idees/export-csv';
      const shown = 'example.com/idees/…';
      control.addReply(faq.uri, {
        from: chloe,
        text: `${prefix}${shown}`,
        fields: {
          facets: [
            {
              index: { byteStart: Buffer.byteLength(prefix), byteEnd: Buffer.byteLength(prefix + shown) },
              features: [{ $type: 'app.bsky.richtext.facet#link', uri: link }],
            },
          ],
        },
      });
      control.addMention({ from: bob, text: 'vous avez vu le bug sur Android ?' });
      control.addQuote(launch.uri, { from: chloe, text: 'Enfin !' });
    },
    state() {
      const all = [...records.values()];
      return {
        account: { did: account.did, handle: account.handle, displayName: account.displayName, createdAt: account.createdAt },
        posts: all
          .filter((r) => r.collection === POST)
          .map((r) => ({
            uri: r.uri,
            cid: r.cid,
            author: r.did,
            text: String(r.value.text ?? ''),
            reply: (r.value.reply as { root: StrongRef; parent: StrongRef } | undefined) ?? null,
            embed: r.value.embed ?? null,
            createdAt: String(r.value.createdAt ?? ''),
          })),
        threadgates: all
          .filter((r) => r.collection === THREADGATE)
          .map((r) => ({
            uri: r.uri,
            cid: r.cid,
            post: String(r.value.post ?? ''),
            allow: r.value.allow,
            hiddenReplies: Array.isArray(r.value.hiddenReplies) ? (r.value.hiddenReplies as string[]) : [],
          })),
        blocks: all.filter((r) => r.collection === BLOCK).map((r) => ({ uri: r.uri, subject: String(r.value.subject ?? '') })),
        mutes: [...mutes],
        reports: [...reports],
        seenAt: seenAtMs === null ? null : iso(seenAtMs),
        notificationCount: notifications.length,
        requests: [...requests],
      };
    },
  };

  // --- auth --------------------------------------------------------------------------------------

  function issueSession(did: string): { accessJwt: string; refreshJwt: string } {
    const iat = Math.floor(now() / 1000);
    const accessJti = randomBytes(12).toString('base64url');
    const refreshJti = randomBytes(12).toString('base64url');
    issuedAccess.add(accessJti);
    liveRefresh.add(refreshJti);
    return {
      accessJwt: signJwt({ scope: 'com.atproto.appPass', sub: did, aud: serviceDid, iat, exp: iat + accessTtl, jti: accessJti }, secret),
      refreshJwt: signJwt({ scope: 'com.atproto.refresh', sub: did, aud: serviceDid, iat, exp: iat + refreshTtl, jti: refreshJti }, secret),
    };
  }

  function checkToken(req: IncomingMessage, scope: 'access' | 'refresh'): JwtClaims {
    const token = bearerToken(req);
    if (!token) throw new XrpcError(401, 'AuthMissing', 'Authentication Required');
    const claims = verifyJwt(token, secret);
    if (!claims) throw new XrpcError(400, 'InvalidToken', 'Token could not be verified');
    const isRefresh = claims.scope === 'com.atproto.refresh';
    if ((scope === 'refresh') !== isRefresh) throw new XrpcError(400, 'InvalidToken', 'Bad token scope');
    if (claims.exp * 1000 <= now() || (!isRefresh && expiredAccess.has(claims.jti))) {
      throw new XrpcError(400, 'ExpiredToken', 'Token has expired');
    }
    if (isRefresh && !liveRefresh.has(claims.jti)) throw new XrpcError(400, 'InvalidToken', 'Token has been revoked');
    return claims;
  }

  function sessionOutput(did: string, tokens: { accessJwt: string; refreshJwt: string }): Record<string, unknown> {
    const actor = actors.get(did);
    return { ...tokens, handle: actor?.handle ?? 'handle.invalid', did, email: `${actor?.handle ?? 'someone'}@example.com`, emailConfirmed: true, emailAuthFactor: false, active: true };
  }

  // --- XRPC methods ------------------------------------------------------------------------------

  type Params = URLSearchParams;
  type Input = Record<string, unknown>;
  /** `claims` is set for methods that require auth (checked before the handler runs). */
  type Handler = (ctx: { req: IncomingMessage; params: Params; input: Input; claims: JwtClaims | null; bytes: Buffer | null }) => unknown;

  /**
   * Blobs uploaded by each repo, by CID. As on the PDS, an upload is temporary until a record uses
   * it; the constraints of the lexicon field that uses it (maxSize, accept) are checked then.
   */
  const blobs = new Map<string, { did: string; mimeType: string; size: number }>();
  /** The PDS's limit for one upload (its blobUploadLimit); above it, 413. */
  const BLOB_UPLOAD_LIMIT = 5 * 1024 * 1024;
  /** app.bsky.embed.images#image.image: maxSize 2,000,000, accept image/*. */
  const IMAGE_BLOB_MAX_SIZE = 2_000_000;

  function sniffMime(bytes: Uint8Array, declared: string): string {
    const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
    if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
    if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
    if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
    if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp';
    return declared || 'application/octet-stream';
  }

  /**
   * The PDS's check of the blobs a post's images use, worded as the reference PDS words it (seen on
   * @atproto/dev-env): 400 InvalidRequest "blob too big" or "Expected \"image/*\"" for the mimeType.
   */
  function checkImageBlobs(did: string, record: Record<string, unknown>): void {
    const embed = record.embed as { $type?: unknown; images?: unknown; media?: { $type?: unknown; images?: unknown } } | undefined;
    const images = embed?.$type === 'app.bsky.embed.images' ? embed.images : embed?.media?.$type === 'app.bsky.embed.images' ? embed.media.images : undefined;
    if (!Array.isArray(images)) return;
    for (const [i, img] of (images as { image?: { ref?: { $link?: unknown } } }[]).entries()) {
      const cid = String(img.image?.ref?.$link ?? '');
      const blob = blobs.get(cid);
      if (!blob || blob.did !== did) throw new XrpcError(400, 'BlobNotFound', `Could not find blob: ${cid}`);
      const at = `$.record.embed.images[${i}].image`;
      if (!blob.mimeType.startsWith('image/')) {
        throw new XrpcError(400, 'InvalidRequest', `Invalid app.bsky.feed.post record: Expected "image/*" (got "${blob.mimeType}") at ${at}.mimeType`);
      }
      if (blob.size > IMAGE_BLOB_MAX_SIZE) {
        throw new XrpcError(400, 'InvalidRequest', `Invalid app.bsky.feed.post record: blob too big (maximum ${IMAGE_BLOB_MAX_SIZE}, got ${blob.size}) at ${at}`);
      }
    }
  }

  const int = (params: Params, name: string, fallback: number, min: number, max: number): number => {
    const raw = params.get(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new XrpcError(400, 'InvalidRequest', `Error: Params must have the property "${name}" between ${min} and ${max}`);
    return n;
  };

  const requireString = (input: Input, name: string): string => {
    const v = input[name];
    if (typeof v !== 'string' || !v) throw new XrpcError(400, 'InvalidRequest', `Input must have the property "${name}"`);
    return v;
  };

  function ownRepo(claims: JwtClaims, repo: string): string {
    const actor = actorByHandleOrDid(repo);
    if (!actor || actor.did !== claims.sub) throw new XrpcError(400, 'InvalidRequest', 'Invalid repo');
    return actor.did;
  }

  function validateRecord(collection: string, record: Record<string, unknown>, validate: unknown): void {
    if (record.$type !== collection) throw new XrpcError(400, 'InvalidRecord', `Invalid $type: expected ${collection}, got ${String(record.$type)}`);
    if (validate === false) return;
    try {
      assertValidJsonRecord(lexicons, collection, record);
    } catch (err) {
      throw new XrpcError(400, 'InvalidRecord', `Invalid ${collection} record: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (collection === THREADGATE) {
      const post = parseAtUri(String(record.post));
      if (!post || post.collection !== POST) throw new XrpcError(400, 'InvalidRecord', 'threadgate.post must be a post URI');
    }
  }

  function checkRkey(collection: string, rkey: string): void {
    if (!/^[A-Za-z0-9._:~-]{1,512}$/.test(rkey) || rkey === '.' || rkey === '..') throw new XrpcError(400, 'InvalidRequest', `Invalid record key: ${rkey}`);
    if ((collection === POST || collection === BLOCK) && !TID_PATTERN.test(rkey)) throw new XrpcError(400, 'InvalidRecord', `Record key must be a TID: ${rkey}`);
  }

  function commitMeta(): Record<string, unknown> {
    return { cid: cidForRecord({ rev: lastTidMicros, at: now() }), rev: nextTid() };
  }

  function writeGuards(did: string, collection: string, rkey: string, record: Record<string, unknown>): void {
    if (!WRITABLE.has(collection)) throw new XrpcError(400, 'InvalidRequest', `This test PDS does not accept ${collection} records`);
    // The lexicon requires the threadgate to share the rkey of its root post, in the same repo.
    if (collection === THREADGATE && String(record.post) !== `at://${did}/${POST}/${rkey}`) {
      throw new XrpcError(400, 'InvalidRecord', 'threadgate rkey must match the rkey of its post, in the same repo');
    }
  }

  const methods: Record<string, { method: 'GET' | 'POST'; auth: boolean; handler: Handler }> = {
    'com.atproto.server.describeServer': {
      method: 'GET',
      auth: false,
      handler: () => ({ did: serviceDid, availableUserDomains: ['.test'], inviteCodeRequired: true, links: {}, contact: {} }),
    },
    'com.atproto.server.createSession': {
      method: 'POST',
      auth: false,
      handler: ({ input }) => {
        const identifier = requireString(input, 'identifier');
        const password = requireString(input, 'password');
        const actor = actorByHandleOrDid(identifier.replace(/^@/, ''));
        if (!actor || actor.did !== account.did || password !== account.password) {
          throw new XrpcError(401, 'AuthenticationRequired', 'Invalid identifier or password');
        }
        return sessionOutput(actor.did, issueSession(actor.did));
      },
    },
    'com.atproto.server.refreshSession': {
      method: 'POST',
      auth: false,
      handler: ({ req }) => {
        const claims = checkToken(req, 'refresh');
        liveRefresh.delete(claims.jti);
        const { email: _e, emailConfirmed: _c, emailAuthFactor: _f, ...out } = sessionOutput(claims.sub, issueSession(claims.sub));
        return out;
      },
    },
    'com.atproto.server.getSession': {
      method: 'GET',
      auth: true,
      handler: ({ claims }) => {
        if (!claims) throw new XrpcError(401, 'AuthMissing', 'Authentication Required');
        const { accessJwt: _a, refreshJwt: _r, ...out } = sessionOutput(claims.sub, { accessJwt: '', refreshJwt: '' });
        return out;
      },
    },
    'app.bsky.actor.getProfile': {
      method: 'GET',
      auth: true,
      handler: ({ params }) => {
        const actor = actorByHandleOrDid(params.get('actor') ?? '');
        if (!actor) throw new XrpcError(400, 'InvalidRequest', 'Profile not found');
        return profileView(actor.did, true);
      },
    },
    'app.bsky.notification.listNotifications': {
      method: 'GET',
      auth: true,
      handler: ({ params }) => {
        const limit = int(params, 'limit', 50, 1, 100);
        const reasons = params.getAll('reasons');
        if (params.get('seenAt')) throw new XrpcError(400, 'InvalidRequest', 'The seenAt parameter is unsupported');
        const seen = seenAtMs;
        // As the real AppView: newest sort time first (min(createdAt, indexedAt)); the cursor is that
        // time alone and the next page starts strictly below it, so ties across a page boundary are
        // skipped. A page is `limit` rows of every reason, filtered afterwards (reasons, deleted posts,
        // blocked or muted authors, replies hidden by our threadgate), refilled while it holds less
        // than half of `limit` (the AppView's fillPage, at most 10 reads).
        const sorted = [...notifications].sort((a, b) => b.sortAtMs - a.sortAtMs || b.seq - a.seq);
        let cursor: string | undefined = params.get('cursor') ?? undefined;
        const out: StoredNotification[] = [];
        for (let read = 0; read < 10; read++) {
          let rows = sorted;
          if (cursor !== undefined) {
            const below = Date.parse(cursor);
            // The real AppView answers 400 here; through the PDS's proxy it arrives as a 502.
            if (Number.isNaN(below)) throw new XrpcError(502, 'UpstreamFailure', 'Upstream Failure');
            rows = sorted.filter((n) => n.sortAtMs < below);
          }
          const page = rows.slice(0, read === 0 ? limit : limit - out.length);
          const more = rows.length > page.length && page.length > 0;
          out.push(...page.filter((n) => (reasons.length === 0 || reasons.includes(n.reason)) && listedForViewer(n)));
          const next = more ? iso(page[page.length - 1]!.sortAtMs) : undefined;
          if (next === cursor) {
            cursor = undefined;
            break;
          }
          cursor = next;
          if (!cursor || out.length >= Math.ceil(limit / 2)) break;
        }
        return {
          notifications: out.map((n) => notificationView(n, seen)),
          ...(cursor ? { cursor } : {}),
          priority: false,
          ...(seen !== null ? { seenAt: iso(seen) } : {}),
        };
      },
    },
    'app.bsky.notification.updateSeen': {
      method: 'POST',
      auth: true,
      handler: ({ input }) => {
        const seenAt = Date.parse(requireString(input, 'seenAt'));
        if (Number.isNaN(seenAt)) throw new XrpcError(400, 'InvalidRequest', 'seenAt must be a datetime');
        seenAtMs = Math.max(seenAtMs ?? 0, seenAt);
        return undefined;
      },
    },
    'app.bsky.feed.getPosts': {
      method: 'GET',
      auth: true,
      handler: ({ params }) => {
        const uris = params.getAll('uris');
        if (uris.length > 25) throw new XrpcError(400, 'InvalidRequest', 'Error: Params must have the property "uris" with at most 25 items');
        return { posts: uris.map((u) => records.get(u)).filter((r): r is StoredRecord => r?.collection === POST).map(postView) };
      },
    },
    'app.bsky.feed.getPostThread': {
      method: 'GET',
      auth: true,
      handler: ({ params }) => {
        const uri = params.get('uri') ?? '';
        const depth = int(params, 'depth', 6, 0, 1000);
        const parentHeight = int(params, 'parentHeight', 80, 0, 1000);
        const rec = records.get(uri);
        if (!rec || rec.collection !== POST) throw new XrpcError(400, 'NotFound', `Post not found: ${uri}`);
        const root = (rec.value.reply as { root?: StrongRef } | undefined)?.root?.uri ?? rec.uri;
        const gate = threadgateFor(root);
        return { thread: threadView(rec, depth, parentHeight), ...(gate ? { threadgate: threadgateView(gate) } : {}) };
      },
    },
    'com.atproto.repo.getRecord': {
      method: 'GET',
      auth: false,
      handler: ({ params }) => {
        const actor = actorByHandleOrDid(params.get('repo') ?? '');
        const uri = `at://${actor?.did ?? params.get('repo')}/${params.get('collection')}/${params.get('rkey')}`;
        const rec = records.get(uri);
        const wantedCid = params.get('cid');
        if (!rec || (wantedCid && wantedCid !== rec.cid)) throw new XrpcError(400, 'RecordNotFound', `Could not locate record: ${uri}`);
        return { uri: rec.uri, cid: rec.cid, value: rec.value };
      },
    },
    'com.atproto.repo.uploadBlob': {
      method: 'POST',
      auth: true,
      handler: ({ req, claims, bytes }) => {
        if (!claims) throw new XrpcError(401, 'AuthMissing', 'Authentication Required');
        const body = bytes ?? Buffer.alloc(0);
        if (body.length > BLOB_UPLOAD_LIMIT) throw new XrpcError(413, 'PayloadTooLargeError', 'request entity too large');
        const mimeType = sniffMime(body, String(req.headers['content-type'] ?? ''));
        const cid = cidForBlob(body);
        blobs.set(cid, { did: claims.sub, mimeType, size: body.length });
        return { blob: { $type: 'blob', ref: { $link: cid }, mimeType, size: body.length } };
      },
    },
    'com.atproto.repo.createRecord': {
      method: 'POST',
      auth: true,
      handler: ({ input, claims }) => {
        if (!claims) throw new XrpcError(401, 'AuthMissing', 'Authentication Required');
        const did = ownRepo(claims, requireString(input, 'repo'));
        const collection = requireString(input, 'collection');
        const record = input.record as Record<string, unknown> | undefined;
        if (!record || typeof record !== 'object') throw new XrpcError(400, 'InvalidRequest', 'Input must have the property "record"');
        const rkey = typeof input.rkey === 'string' ? input.rkey : nextTid();
        checkRkey(collection, rkey);
        writeGuards(did, collection, rkey, record);
        validateRecord(collection, record, input.validate);
        if (collection === POST) checkImageBlobs(did, record);
        if (records.has(`at://${did}/${collection}/${rkey}`)) {
          // What the reference PDS answers today when the record key is taken (a bare 500).
          throw new XrpcError(500, 'InternalServerError', 'Internal Server Error');
        }
        const rec = putStoredRecord(did, collection, rkey, record);
        return { uri: rec.uri, cid: rec.cid, commit: commitMeta(), validationStatus: 'valid' };
      },
    },
    'com.atproto.repo.putRecord': {
      method: 'POST',
      auth: true,
      handler: ({ input, claims }) => {
        if (!claims) throw new XrpcError(401, 'AuthMissing', 'Authentication Required');
        const did = ownRepo(claims, requireString(input, 'repo'));
        const collection = requireString(input, 'collection');
        const rkey = requireString(input, 'rkey');
        const record = input.record as Record<string, unknown> | undefined;
        if (!record || typeof record !== 'object') throw new XrpcError(400, 'InvalidRequest', 'Input must have the property "record"');
        checkRkey(collection, rkey);
        writeGuards(did, collection, rkey, record);
        validateRecord(collection, record, input.validate);
        const existing = records.get(`at://${did}/${collection}/${rkey}`);
        if ('swapRecord' in input) {
          const swap = input.swapRecord;
          if ((swap === null && existing) || (typeof swap === 'string' && swap !== existing?.cid)) {
            throw new XrpcError(400, 'InvalidSwap', `Record was at ${existing?.cid ?? 'null'}`);
          }
        }
        const rec = putStoredRecord(did, collection, rkey, record);
        return { uri: rec.uri, cid: rec.cid, commit: commitMeta(), validationStatus: 'valid' };
      },
    },
    'com.atproto.repo.deleteRecord': {
      method: 'POST',
      auth: true,
      handler: ({ input, claims }) => {
        if (!claims) throw new XrpcError(401, 'AuthMissing', 'Authentication Required');
        const did = ownRepo(claims, requireString(input, 'repo'));
        const uri = `at://${did}/${requireString(input, 'collection')}/${requireString(input, 'rkey')}`;
        const existing = records.get(uri);
        if (typeof input.swapRecord === 'string' && input.swapRecord !== existing?.cid) {
          throw new XrpcError(400, 'InvalidSwap', `Record was at ${existing?.cid ?? 'null'}`);
        }
        records.delete(uri);
        return { commit: commitMeta() };
      },
    },
    'app.bsky.graph.muteActor': {
      method: 'POST',
      auth: true,
      handler: ({ input }) => {
        const actor = actorByHandleOrDid(requireString(input, 'actor'));
        if (!actor) throw new XrpcError(400, 'InvalidRequest', 'Actor not found');
        if (actor.did === account.did) throw new XrpcError(400, 'InvalidRequest', 'Cannot mute oneself');
        mutes.add(actor.did);
        return undefined;
      },
    },
    'app.bsky.graph.unmuteActor': {
      method: 'POST',
      auth: true,
      handler: ({ input }) => {
        const actor = actorByHandleOrDid(requireString(input, 'actor'));
        if (!actor) throw new XrpcError(400, 'InvalidRequest', 'Actor not found');
        mutes.delete(actor.did);
        return undefined;
      },
    },
    'com.atproto.moderation.createReport': {
      method: 'POST',
      auth: true,
      handler: ({ input, claims }) => {
        if (!claims) throw new XrpcError(401, 'AuthMissing', 'Authentication Required');
        try {
          lexicons.assertValidXrpcInput('com.atproto.moderation.createReport', input);
        } catch (err) {
          throw new XrpcError(400, 'InvalidRequest', err instanceof Error ? err.message : String(err));
        }
        reportSeq += 1;
        const report: RecordedReport = {
          id: reportSeq,
          reasonType: String(input.reasonType),
          ...(typeof input.reason === 'string' ? { reason: input.reason } : {}),
          subject: input.subject as Record<string, unknown>,
          reportedBy: claims.sub,
          createdAt: iso(now()),
        };
        reports.push(report);
        return report;
      },
    },
  };

  /**
   * What the real AppView drops at read time (so undoing a block or mute brings them back): posts
   * that are gone, authors the account blocks or mutes, and replies hidden by the account's own
   * threadgate on the thread's root.
   */
  function listedForViewer(n: StoredNotification): boolean {
    const rec = records.get(n.uri);
    if (!rec) return false;
    if (n.reasonSubject && !records.has(n.reasonSubject)) return false;
    if (mutes.has(n.authorDid)) return false;
    const blocked = (a: string, b: string) => [...records.values()].some((r) => r.did === a && r.collection === BLOCK && r.value.subject === b);
    if (blocked(account.did, n.authorDid) || blocked(n.authorDid, account.did)) return false;
    if (n.reason === 'reply') {
      const root = (rec.value.reply as { root?: StrongRef } | undefined)?.root?.uri;
      const gate = root && parseAtUri(root)?.did === account.did ? threadgateFor(root) : undefined;
      if (gate && Array.isArray(gate.value.hiddenReplies) && gate.value.hiddenReplies.includes(n.uri)) return false;
    }
    return true;
  }

  function notificationView(n: StoredNotification, seen: number | null): Record<string, unknown> {
    const rec = records.get(n.uri);
    const view: Record<string, unknown> = {
      uri: n.uri,
      cid: n.cid,
      author: profileView(n.authorDid),
      reason: n.reason,
      ...(n.reasonSubject ? { reasonSubject: n.reasonSubject } : {}),
      record: rec?.value ?? {},
      isRead: seen !== null && seen > n.sortAtMs,
      indexedAt: iso(n.sortAtMs),
      labels: [],
    };
    if (n.malformed === 'no-author') delete view.author;
    if (n.malformed === 'bad-uri') view.uri = 'not an at-uri';
    if (n.malformed === 'bad-record') view.record = { $type: POST, text: 42 };
    return view;
  }

  function threadView(rec: StoredRecord, depth: number, parentHeight: number): Record<string, unknown> {
    const view: Record<string, unknown> = { $type: 'app.bsky.feed.defs#threadViewPost', post: postView(rec) };
    const parentUri = (rec.value.reply as { parent?: StrongRef } | undefined)?.parent?.uri;
    if (parentUri && parentHeight > 0) {
      const parent = records.get(parentUri);
      view.parent = parent
        ? threadView(parent, 0, parentHeight - 1)
        : { $type: 'app.bsky.feed.defs#notFoundPost', uri: parentUri, notFound: true };
    }
    if (depth > 0) view.replies = repliesTo(rec.uri).map((r) => threadView(r, depth - 1, 0));
    return view;
  }

  // --- HTTP --------------------------------------------------------------------------------------

  const faultStyle: FaultStyle = {
    rateLimitHeaders: (resetAt) => ({
      'RateLimit-Limit': String(rateWindow.limit),
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': String(Math.ceil(resetAt.getTime() / 1000)),
      'RateLimit-Policy': `${rateWindow.limit};w=${rateWindow.windowSeconds}`,
    }),
    errorBody: (status, message) =>
      status === 429 ? { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' } : { error: 'InternalServerError', message },
  };

  function rateLimitHeaders(): Record<string, string> {
    const t = now();
    if (t - rateWindowStart >= rateWindow.windowSeconds * 1000) {
      rateWindowStart = t;
      rateUsed = 0;
    }
    rateUsed += 1;
    return {
      'RateLimit-Limit': String(rateWindow.limit),
      'RateLimit-Remaining': String(Math.max(0, rateWindow.limit - rateUsed)),
      'RateLimit-Reset': String(Math.ceil((rateWindowStart + rateWindow.windowSeconds * 1000) / 1000)),
      'RateLimit-Policy': `${rateWindow.limit};w=${rateWindow.windowSeconds}`,
    };
  }

  async function handleXrpc(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const nsid = url.pathname.slice('/xrpc/'.length);
    const method = req.method ?? 'GET';
    const log = (status: number) => requests.push({ method, nsid, status });
    const fault = faults.take();
    if (fault) {
      log(fault.kind === 'rate-limit' ? 429 : fault.kind === 'server-error' ? fault.status : fault.kind === 'hang' ? 0 : 200);
      answerWithFault(res, fault, faultStyle, now());
      return;
    }
    const headers = rateLimitHeaders();
    if (rateUsed > rateWindow.limit) {
      log(429);
      sendJson(res, 429, { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' }, headers);
      return;
    }
    const def = methods[nsid];
    if (!def) {
      log(501);
      sendJson(res, 501, { error: 'MethodNotImplemented', message: 'Method Not Implemented' }, headers);
      return;
    }
    if (def.method !== method) {
      log(400);
      sendJson(res, 400, { error: 'InvalidRequest', message: `Incorrect HTTP method (${method}) expected ${def.method}` }, headers);
      return;
    }
    try {
      const body = method === 'POST' ? await readBody(req) : null;
      const binary = nsid === 'com.atproto.repo.uploadBlob';
      if (!binary && body && body.raw && body.json === undefined) throw new XrpcError(400, 'InvalidRequest', 'Request body is not valid JSON');
      const input = (body?.json ?? {}) as Input;
      const claims = def.auth ? checkToken(req, 'access') : null;
      if (accountDeleted) {
        // What the real PDS answers once the account is gone but its tokens still verify.
        if (nsid === 'com.atproto.server.getSession' || nsid === 'com.atproto.server.refreshSession') {
          throw new XrpcError(400, 'InvalidRequest', `Could not find user info for account: ${account.did}`);
        }
        if (nsid === 'com.atproto.server.createSession') throw new XrpcError(401, 'AuthenticationRequired', 'Invalid identifier or password');
        if (def.auth) throw new XrpcError(500, 'InternalServerError', 'Internal Server Error');
      }
      const out = def.handler({ req, params: url.searchParams, input: binary ? {} : input, claims, bytes: body?.bytes ?? null });
      log(200);
      if (out === undefined) {
        res.writeHead(200, { ...headers, 'Content-Length': '0' });
        res.end();
      } else {
        sendJson(res, 200, out, headers);
      }
    } catch (err) {
      if (err instanceof XrpcError) {
        log(err.status);
        sendJson(res, err.status, { error: err.error, message: err.message }, headers);
        return;
      }
      throw err;
    }
  }

  /** `/__control/...`: the control methods over HTTP (JSON in, JSON out). */
  async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const action = url.pathname.slice('/__control/'.length);
    if (req.method === 'GET' && action === 'state') return sendJson(res, 200, control.state());
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' });
    const body = await readBody(req);
    const input = (body.json && typeof body.json === 'object' ? body.json : {}) as Record<string, unknown>;
    const post = (): CommunityPostInput => ({
      from: typeof input.from === 'string' ? input.from : undefined,
      text: typeof input.text === 'string' ? input.text : '',
      fields: input.fields && typeof input.fields === 'object' ? (input.fields as Record<string, unknown>) : undefined,
      indexedAt: typeof input.indexedAt === 'string' ? input.indexedAt : undefined,
    });
    try {
      switch (action) {
        case 'own-post':
          return sendJson(res, 200, control.addOwnPost(String(input.text ?? '')));
        case 'reply':
          return sendJson(res, 200, control.addReply(String(input.parentUri ?? ''), post()));
        case 'mention':
          return sendJson(res, 200, control.addMention(post()));
        case 'quote':
          return sendJson(res, 200, control.addQuote(String(input.quotedUri ?? ''), post()));
        case 'many-replies':
          return sendJson(res, 200, control.addManyReplies(String(input.parentUri ?? ''), Number(input.count ?? 1), post().from));
        case 'malformed': {
          const kind = (input.kind ?? 'no-author') as MalformedKind;
          if (!['no-author', 'bad-record', 'bad-uri'].includes(kind)) return sendJson(res, 400, { error: 'kind must be no-author, bad-record or bad-uri' });
          control.addMalformedNotification(kind);
          return sendJson(res, 200, { ok: true });
        }
        case 'fault': {
          const parsed = parseFault(input);
          if ('error' in parsed) return sendJson(res, 400, parsed);
          control.injectFault(parsed.fault, parsed.count);
          return sendJson(res, 200, { ok: true, pending: faults.pending });
        }
        case 'expire-tokens':
          control.expireAccessTokens();
          return sendJson(res, 200, { ok: true });
        case 'revoke-sessions':
          control.revokeSessions();
          return sendJson(res, 200, { ok: true });
        case 'delete-record':
          control.deleteRecord(String(input.uri ?? ''));
          return sendJson(res, 200, { ok: true });
        case 'seed-demo':
          control.seedDemo();
          return sendJson(res, 200, { ok: true });
        default:
          return sendJson(res, 404, { error: `unknown control action: ${action}` });
      }
    } catch (err) {
      return sendJson(res, 400, { error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Placeholder images (avatars, thumbnails) so the UI has something to load offline. */
  function handleImage(res: ServerResponse, url: URL): void {
    const hue = createHash('sha256').update(url.pathname).digest()[0]! * 1.4;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="hsl(${hue.toFixed(0)},60%,60%)"/></svg>`;
    res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Content-Length': Buffer.byteLength(svg) });
    res.end(svg);
  }

  const server = await startLocalServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/xrpc/')) return handleXrpc(req, res, url);
    if (url.pathname.startsWith('/__control/')) return handleControl(req, res, url);
    if (url.pathname.startsWith('/img/')) return handleImage(res, url);
    sendJson(res, 404, { error: 'NotFound', message: 'Not Found' });
  });
  const baseUrl = server.url;

  return { url: server.url, close: () => server.close(), control };
}
