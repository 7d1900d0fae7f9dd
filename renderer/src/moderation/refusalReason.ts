import type { ModerationActionName, Network } from '../../../shared/model';
import { en } from '../i18n/en';
import type { ActionAvailability } from './actionAvailability';

/**
 * Why an action is unavailable, as an i18n key when the catalogues explain it (they translate
 * what each known network cannot do), or as the network's own words otherwise.
 */
export function refusalReason(
  action: ModerationActionName,
  network: Network,
  availability: Exclude<ActionAvailability, { enabled: true }>,
): { key: string } | { text: string } {
  if (availability.why === 'not-own') return { key: 'moderationReasons.notOwn' };
  if (availability.why === 'not-on-network') return { key: 'moderationReasons.notOnNetwork' };
  const known = (en.moderationReasons as Record<string, unknown>)[network];
  if (known && typeof known === 'object' && action in known) return { key: `moderationReasons.${network}.${action}` };
  if (availability.reason) return { text: availability.reason };
  return { key: 'moderationReasons.generic' };
}
