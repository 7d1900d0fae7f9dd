/**
 * The verifiable draw (algorithm "parvis-draw-v1", described in shared/contest.ts and in every
 * certificate): a canonical entrant list hashed with SHA-256, a seed from the operating system's
 * cryptographic generator, and a Fisher–Yates shuffle driven by HMAC-SHA-256 of the seed. Node only;
 * the same functions back the app's draw, its "check" button and `npm run verify-draw`.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  Certificate,
  DRAW_ALGORITHM,
  type Entrant,
  type VerifyResult,
} from '../../../shared/contest';

const KEYS = ['network', 'authorId', 'handle', 'name', 'entryId', 'at'] as const;

function compare(a: string, b: string): number {
  // Code-unit order: the same in every language and locale (not localeCompare).
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Entrants in canonical order: by network, then the person's id, then the entry's id. */
export function sortEntrants(entrants: readonly Entrant[]): Entrant[] {
  return [...entrants].sort((a, b) => compare(a.network, b.network) || compare(a.authorId, b.authorId) || compare(a.entryId, b.entryId));
}

/** The canonical text of a sorted entrant list: JSON, fixed key order, no spaces. */
export function canonicalEntrants(sorted: readonly Entrant[]): string {
  return `[${sorted.map((e) => `{${KEYS.map((k) => `${JSON.stringify(k)}:${JSON.stringify(e[k])}`).join(',')}}`).join(',')}]`;
}

export function entrantsSha256(sorted: readonly Entrant[]): string {
  return createHash('sha256').update(canonicalEntrants(sorted), 'utf8').digest('hex');
}

/** A fresh 32-byte seed from the operating system's cryptographic generator, as hex. */
export function newSeed(): string {
  return randomBytes(32).toString('hex');
}

/** The stream of unsigned 32-bit integers the algorithm draws from. */
function numberStream(seedHex: string, listHash: string): () => number {
  const key = Buffer.from(seedHex, 'hex');
  let block = 0;
  let words: number[] = [];
  return () => {
    if (words.length === 0) {
      const digest = createHmac('sha256', key).update(`${DRAW_ALGORITHM}:${listHash}:${block++}`, 'ascii').digest();
      for (let i = 0; i < 32; i += 4) words.push(digest.readUInt32BE(i));
      words = words.reverse(); // pop() then takes them in order
    }
    return words.pop()!;
  };
}

/** The permutation of 0..n-1 the seed gives for this list (Fisher–Yates, unbiased by rejection). */
export function shuffledOrder(n: number, seedHex: string, listHash: string): number[] {
  const next = numberStream(seedHex, listHash);
  const below = (m: number): number => {
    const limit = 2 ** 32 - (2 ** 32 % m);
    for (;;) {
      const x = next();
      if (x < limit) return x % m;
    }
  };
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i >= 1; i--) {
    const j = below(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Draws winners then alternates from a canonical (sorted) list. */
export function drawFrom(sorted: readonly Entrant[], seedHex: string, listHash: string, winners: number, alternates: number): { winners: Entrant[]; alternates: Entrant[] } {
  const order = shuffledOrder(sorted.length, seedHex, listHash);
  const picked = order.map((i) => sorted[i]!);
  return { winners: picked.slice(0, winners), alternates: picked.slice(winners, winners + alternates) };
}

const sameEntrants = (a: readonly Entrant[], b: readonly Entrant[]): boolean =>
  a.length === b.length && a.every((e, i) => canonicalEntrants([e]) === canonicalEntrants([b[i]!]));

/** Recomputes a certificate: its hash, its order and its result. Never throws on bad input. */
export function verifyCertificate(input: unknown): VerifyResult {
  const parsed = Certificate.safeParse(input);
  if (!parsed.success) return { ok: false, problems: ['malformed'] };
  const c = parsed.data;
  const problems: VerifyResult['problems'] = [];
  const sorted = sortEntrants(c.entrants);
  if (!sameEntrants(sorted, c.entrants)) problems.push('entrant-order');
  if (c.entrantCount !== c.entrants.length) problems.push('entrant-count');
  if (entrantsSha256(c.entrants) !== c.entrantsSha256) problems.push('entrants-hash');
  const result = drawFrom(c.entrants, c.seed, c.entrantsSha256, c.winnerCount, c.alternateCount);
  if (!sameEntrants(result.winners, c.winners)) problems.push('winners');
  if (!sameEntrants(result.alternates, c.alternates)) problems.push('alternates');
  return { ok: problems.length === 0, problems };
}
