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

/** Lengths as each network counts them: one implementation, shared with the core. */
export { countGraphemes as countCharacters, countForNetwork } from '../../../shared/text-length';
