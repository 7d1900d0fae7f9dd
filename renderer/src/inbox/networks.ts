import type { NetworkInfo, TextLimits } from '../../../shared/networks';

/**
 * What the UI needs of a network, from its descriptor (`accounts.networks`): nothing here lists
 * networks or restates their limits.
 */

/** A network this build has no descriptor for (an account left from another build): a neutral look. */
export function fallbackLook(network: string): NetworkInfo['icon'] {
  return { glyph: network.slice(0, 2).toUpperCase(), color: '#4d5562' };
}

/** Limits for a network without a descriptor: a generous length, counted as readers count. */
export const FALLBACK_TEXT: TextLimits = { maxReplyLength: 1000, counting: 'graphemes', linkLength: null };

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const LINK = /\bhttps?:\/\/[^\s<>"]+/giu;

/** Characters as a reader counts them: an emoji or an accented letter is one (Bluesky counts so). */
export function countCharacters(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) count += 1;
  return count;
}

/** A text's length as the network counts it (see `TextLimits.counting`). */
export function countForNetwork(text: string, limits: TextLimits): number {
  switch (limits.counting) {
    case 'graphemes':
      return countCharacters(text);
    case 'code-points':
      return [...text].length;
    case 'code-points-fixed-links': {
      // Each link counts for a fixed length, whatever it is (Mastodon: 23).
      const links = text.match(LINK) ?? [];
      const rest = text.replace(LINK, '');
      return [...rest].length + links.length * (limits.linkLength ?? 23);
    }
  }
}
