/**
 * Contests ("jeux concours"): the shapes of a contest, its entrants and the draw certificate that
 * anyone can check. The draw itself (hashing, shuffling) runs in Node: electron/core/contests/draw.ts
 * and `npm run verify-draw -- certificate.json`.
 */
import { z } from 'zod';
import { Id, Network, Timestamp } from './model';

/** A post of the brand that people answer to enter: an account and the post's key (its remote id, or its address). */
export const ContestPost = z.object({ accountId: Id, postKey: z.string().min(1).max(2000) }).strict();
export type ContestPost = z.infer<typeof ContestPost>;

/** A post that received comments, as offered in the contest form. */
export const ContestPostChoice = z.object({
  accountId: Id,
  postKey: z.string(),
  network: Network,
  accountName: z.string(),
  text: z.string(),
  url: z.string().nullable(),
  /** Comments (incoming messages) under it. */
  comments: z.number().int(),
  lastAt: Timestamp,
});
export type ContestPostChoice = z.infer<typeof ContestPostChoice>;

export const ContestFilters = z
  .object({
    /** Entries written at or after (epoch ms). */
    since: Timestamp.nullable().default(null),
    /** Entries written before (epoch ms). */
    until: Timestamp.nullable().default(null),
    /** Keep one entry per person (their first). */
    onePerPerson: z.boolean().default(true),
    /** Words or hashtags every entry must contain (case and accents ignored). */
    mustContain: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
    /** How many accounts an entry must mention (@someone); 0: no condition. */
    minMentions: z.number().int().min(0).max(20).default(0),
    /** Handles of the team's own accounts to leave out (the brand's connected accounts always are). */
    excludeHandles: z.array(z.string().trim().min(1).max(200)).max(500).default([]),
    /** Leave out authors blocked in Parvis. */
    excludeBlocked: z.boolean().default(true),
    /** Leave out people who won an earlier contest. */
    excludeEarlierWinners: z.boolean().default(true),
  })
  .strict();
export type ContestFilters = z.infer<typeof ContestFilters>;

export const ContestInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    posts: z.array(ContestPost).min(1).max(50),
    filters: ContestFilters.default(ContestFilters.parse({})),
    winners: z.number().int().min(1).max(1000),
    alternates: z.number().int().min(0).max(1000).default(0),
  })
  .strict();
export type ContestInput = z.infer<typeof ContestInput>;

/** One entry in the frozen list: what the certificate publishes about a person and their entry. */
export const Entrant = z
  .object({
    network: Network,
    /** The person's id on the network. */
    authorId: z.string(),
    handle: z.string(),
    name: z.string(),
    /** The entry (the comment) on the network. */
    entryId: z.string(),
    /** When the entry was written, ISO 8601 UTC. */
    at: z.string(),
  })
  .strict();
export type Entrant = z.infer<typeof Entrant>;

/** A rule of the networks that a filter breaks: shown before the draw. */
/**
 * `<network>-tag-a-friend`: the network's terms forbid making entrants tag people (the catalogue
 * words it per network); `no-entrants`: the filters leave nobody.
 */
export const ContestWarning = z.union([z.literal('no-entrants'), z.string().regex(/^[a-z0-9-]{1,40}-tag-a-friend$/)]);
export type ContestWarning = z.infer<typeof ContestWarning>;

export const DRAW_ALGORITHM = 'parvis-draw-v1';
export const CERTIFICATE_FORMAT = 'parvis-draw-certificate/1';

/** The published description written into every certificate. */
export const DRAW_ALGORITHM_TEXT =
  'Entrants are sorted by (network, authorId, entryId) and written as canonical JSON: an array of ' +
  'objects with the keys network, authorId, handle, name, entryId, at in that order, no spaces. ' +
  'entrantsSha256 is the SHA-256 of that UTF-8 text, in hex. Random numbers: block k (k = 0, 1, 2...) is ' +
  'HMAC-SHA-256 with the 32-byte seed as key over the ASCII text "parvis-draw-v1:" + entrantsSha256 + ":" + k; ' +
  'each block gives eight unsigned 32-bit big-endian integers, used in order. A number below m is drawn by ' +
  'rejection: take the next integer x, reject it while x >= 2^32 - (2^32 mod m), answer x mod m. The list is ' +
  'shuffled by Fisher-Yates: for i from n-1 down to 1, swap positions i and (number below i+1). ' +
  'Winners are the first positions of the shuffled list, alternates the next ones.';

export const Certificate = z
  .object({
    format: z.literal(CERTIFICATE_FORMAT),
    algorithm: z.literal(DRAW_ALGORITHM),
    algorithmDescription: z.string(),
    contest: z.object({
      name: z.string(),
      posts: z.array(z.object({ network: Network, account: z.string(), text: z.string(), url: z.string().nullable() })),
      filters: ContestFilters,
    }),
    /** When the entrant list was frozen and hashed, ISO 8601 UTC. */
    frozenAt: z.string(),
    /** When the seed was taken and the draw made, ISO 8601 UTC. */
    drawnAt: z.string(),
    entrantCount: z.number().int().nonnegative(),
    entrantsSha256: z.string().regex(/^[0-9a-f]{64}$/),
    entrants: z.array(Entrant),
    /** 32 bytes, hex. */
    seed: z.string().regex(/^[0-9a-f]{64}$/),
    seedSource: z.string(),
    winnerCount: z.number().int().nonnegative(),
    alternateCount: z.number().int().nonnegative(),
    winners: z.array(Entrant),
    alternates: z.array(Entrant),
    /** A redraw names the draw it follows (kept) and why it was made. */
    redraw: z.object({ previousDrawId: z.string(), reason: z.string() }).nullable(),
    /** This draw's own id (a ULID). */
    drawId: z.string(),
  })
  .strict();
export type Certificate = z.infer<typeof Certificate>;

/** What checking a certificate found: `ok`, or every reason it does not hold. */
export const VerifyResult = z.object({
  ok: z.boolean(),
  problems: z.array(z.enum(['malformed', 'entrants-hash', 'entrant-count', 'entrant-order', 'winners', 'alternates'])),
});
export type VerifyResult = z.infer<typeof VerifyResult>;

export const ContestDraw = z.object({
  id: Id,
  drawId: z.string(),
  drawnAt: Timestamp,
  certificate: Certificate,
  /** The conversations the winners and alternates wrote in, to answer them (same order). */
  winnerConversations: z.array(Id.nullable()),
  alternateConversations: z.array(Id.nullable()),
});
export type ContestDraw = z.infer<typeof ContestDraw>;

export const Contest = z.object({
  id: Id,
  name: z.string(),
  posts: z.array(ContestPost),
  filters: ContestFilters,
  winners: z.number().int(),
  alternates: z.number().int(),
  createdAt: Timestamp,
  /** Every draw, the first first (a redraw never replaces one). */
  draws: z.array(ContestDraw),
});
export type Contest = z.infer<typeof Contest>;

export const ContestPreview = z.object({
  entrants: z.array(Entrant),
  /** How many entries each filter left out. */
  excluded: z.object({
    period: z.number().int(),
    brand: z.number().int(),
    blocked: z.number().int(),
    earlierWinners: z.number().int(),
    mustContain: z.number().int(),
    mentions: z.number().int(),
    duplicates: z.number().int(),
  }),
  warnings: z.array(ContestWarning),
});
export type ContestPreview = z.infer<typeof ContestPreview>;
