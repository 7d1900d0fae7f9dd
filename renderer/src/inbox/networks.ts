import type { Network } from '../../../shared/model';

/**
 * How each network looks in the UI: a short glyph on a brand-derived color. Colors are darkened
 * where needed so the white glyph keeps 4.5:1 contrast; the name is always given as text too.
 */
export const NETWORK_LOOK: Record<Network, { glyph: string; color: string }> = {
  mastodon: { glyph: 'M', color: '#5b4be1' },
  bluesky: { glyph: 'B', color: '#0a63d8' },
  youtube: { glyph: 'YT', color: '#c4001a' },
  facebook: { glyph: 'f', color: '#1659c7' },
  instagram: { glyph: 'IG', color: '#b3246b' },
  x: { glyph: 'X', color: '#14171a' },
  reddit: { glyph: 'R', color: '#c73a00' },
  discourse: { glyph: 'D', color: '#3a6e15' },
  wordpress: { glyph: 'W', color: '#21759b' },
  telegram: { glyph: 'T', color: '#1b78b0' },
  email: { glyph: '@', color: '#4d5562' },
};

/** Longest reply each network accepts, in characters; networks not listed take the default. */
const REPLY_LIMITS: Partial<Record<Network, number>> = { mastodon: 500, bluesky: 300, youtube: 10_000 };
export const DEFAULT_REPLY_LIMIT = 1000;

export function replyLengthLimit(network: Network): number {
  return REPLY_LIMITS[network] ?? DEFAULT_REPLY_LIMIT;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Characters as a reader counts them: an emoji or an accented letter is one (Bluesky counts so). */
export function countCharacters(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) count += 1;
  return count;
}
