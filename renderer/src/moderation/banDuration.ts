import type { NetworkCapabilities } from '../../../shared/networks';

/** The lengths offered first in the ban dialog, in days. */
export const BAN_PRESETS = [1, 3, 7, 30] as const;

export type BanChoice = { kind: 'days'; days: number } | { kind: 'permanent' };

type Limits = NonNullable<NetworkCapabilities['banDuration']>;

/** The presets a network takes (no longer than its longest ban). */
export function presetsFor(limits: Limits): number[] {
  return BAN_PRESETS.filter((days) => days <= limits.maxDays);
}

/** What the dialog starts with: the network's own default (permanent where it has one). */
export function defaultChoice(limits: Limits): BanChoice {
  if (limits.defaultDays === null && limits.permanent) return { kind: 'permanent' };
  return { kind: 'days', days: Math.min(limits.defaultDays ?? limits.maxDays, limits.maxDays) };
}

/**
 * The days to send for a choice: undefined for a permanent ban; null when a typed number is not a
 * whole number of days from 1 to the network's longest ban.
 */
export function daysToSend(choice: BanChoice, limits: Limits): number | undefined | null {
  if (choice.kind === 'permanent') return limits.permanent ? undefined : null;
  return Number.isInteger(choice.days) && choice.days >= 1 && choice.days <= limits.maxDays ? choice.days : null;
}
