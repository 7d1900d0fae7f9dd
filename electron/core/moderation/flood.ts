/**
 * Flood detection: how often the same text (after folding, so "SPAM!!!" and "spaaam" are the
 * same) was seen within a sliding window, from one author and from distinct authors.
 * In memory only: a restart forgets the window, which is acceptable for a flood signal.
 */
import { foldForComparison, type FoldedText } from './normalize';

/** What the rules' `flood` condition reads. Both counts include the message just observed. */
export interface FloodCounts {
  /** Messages with this text from this author within the window. */
  sameAuthor: number;
  /** Distinct authors who sent this text within the window. */
  distinctAuthors: number;
}

export interface FloodTrackerOptions {
  /** Sliding window, ms. Default 10 minutes. */
  windowMs?: number;
  /**
   * Texts whose folded form is shorter than this are not tracked ("merci", "👍", "+1" are said
   * by many people at once without being a flood). Default 12 characters.
   */
  minTextLength?: number;
  /** Distinct texts remembered at most (oldest forgotten first). Default 50,000. */
  maxTexts?: number;
  /** Sightings remembered per text at most. Default 500. */
  maxSightingsPerText?: number;
}

interface Sighting {
  at: number;
  author: string;
}

const UNTRACKED: FloodCounts = Object.freeze({ sameAuthor: 1, distinctAuthors: 1 });

/** A 53-bit hash of the folded text (two 32-bit FNV-1a lanes with different offsets). */
export function floodKeyOf(foldedText: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < foldedText.length; i++) {
    const c = foldedText.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return (h2 & 0x1fffff) * 0x100000000 + (h1 >>> 0);
}

/** Sliding-window counter of repeated texts, keyed by a hash of the folded text. */
export class FloodTracker {
  private readonly windowMs: number;
  private readonly minTextLength: number;
  private readonly maxTexts: number;
  private readonly maxSightings: number;
  /** Insertion order is recency order: a text seen again is moved to the end. */
  private readonly texts = new Map<number, Sighting[]>();
  private observations = 0;

  constructor(options: FloodTrackerOptions = {}) {
    this.windowMs = options.windowMs ?? 10 * 60_000;
    this.minTextLength = options.minTextLength ?? 12;
    this.maxTexts = options.maxTexts ?? 50_000;
    this.maxSightings = options.maxSightingsPerText ?? 500;
  }

  /**
   * Records that `authorKey` (e.g. network + author remote id) sent `text` at `now` (epoch ms)
   * and returns the counts within the window, this message included. The text may be given
   * already folded (`foldText`), as ingest does once for the rules and this tracker.
   */
  observe(text: string | FoldedText, authorKey: string, now: number): FloodCounts {
    const key = this.keyOf(text);
    if (key === null) return UNTRACKED;
    const sightings = this.recent(key, now);
    sightings.push({ at: now, author: authorKey });
    if (sightings.length > this.maxSightings) sightings.splice(0, sightings.length - this.maxSightings);
    this.texts.delete(key);
    this.texts.set(key, sightings);
    this.evict(now);
    return countsFor(sightings, authorKey);
  }

  /** The counts `observe` would return, without recording anything (for dry runs). */
  peek(text: string, authorKey: string, now: number): FloodCounts {
    const key = this.keyOf(text);
    if (key === null) return UNTRACKED;
    const sightings = [...this.recent(key, now), { at: now, author: authorKey }];
    return countsFor(sightings, authorKey);
  }

  /** How many distinct texts are remembered (for tests and diagnostics). */
  get size(): number {
    return this.texts.size;
  }

  private keyOf(text: string | FoldedText): number | null {
    const folded = foldForComparison(text);
    return folded.length < this.minTextLength ? null : floodKeyOf(folded);
  }

  /** Sightings of `key` still inside the window at `now` (older ones are dropped). */
  private recent(key: number, now: number): Sighting[] {
    const sightings = this.texts.get(key) ?? [];
    const oldest = now - this.windowMs;
    let drop = 0;
    while (drop < sightings.length && (sightings[drop] as Sighting).at <= oldest) drop++;
    if (drop > 0) sightings.splice(0, drop);
    return sightings;
  }

  /** Keeps memory bounded: forget the least recently seen texts and, now and then, expired ones. */
  private evict(now: number): void {
    while (this.texts.size > this.maxTexts) {
      const oldest = this.texts.keys().next();
      if (oldest.done) break;
      this.texts.delete(oldest.value);
    }
    this.observations++;
    if (this.observations % 1024 !== 0) return;
    const oldest = now - this.windowMs;
    for (const [key, sightings] of this.texts) {
      const last = sightings[sightings.length - 1];
      if (!last || last.at <= oldest) this.texts.delete(key);
    }
  }
}

function countsFor(sightings: readonly Sighting[], authorKey: string): FloodCounts {
  let sameAuthor = 0;
  const authors = new Set<string>();
  for (const s of sightings) {
    if (s.author === authorKey) sameAuthor++;
    authors.add(s.author);
  }
  return { sameAuthor, distinctAuthors: authors.size };
}
