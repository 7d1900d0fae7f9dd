/**
 * A network's messaging window (Meta's: a direct message can be answered within 24 hours of the
 * person's last message, 7 days when a person answers): where a conversation stands in it. The
 * core refuses a reply outside it; the composer shows the time left.
 */
import type { ConversationKind } from './model';

export interface ReplyWindow {
  hours: number;
  extendedHours: number | null;
}

export type ReplyWindowState =
  /** No window applies (not a direct message, or the network has none). */
  | { state: 'none' }
  /** Open until `until` (epoch ms); `extended` once past the standard window, within the extended one. */
  | { state: 'open'; until: number; extended: boolean }
  /** Closed since `since`: nothing can be sent until the person writes again. */
  | { state: 'closed'; since: number };

const HOUR = 3_600_000;

/** Where a conversation stands, from the time of the person's last message. */
export function replyWindowState(
  window: ReplyWindow | null | undefined,
  kind: ConversationKind,
  lastIncomingAt: number | null,
  now: number,
): ReplyWindowState {
  if (!window || kind !== 'dm' || lastIncomingAt === null) return { state: 'none' };
  const standard = lastIncomingAt + window.hours * HOUR;
  if (now <= standard) return { state: 'open', until: standard, extended: false };
  const extended = window.extendedHours !== null ? lastIncomingAt + window.extendedHours * HOUR : standard;
  if (now <= extended) return { state: 'open', until: extended, extended: true };
  return { state: 'closed', since: extended };
}

/** The newest incoming message's time among these, or null. */
export function lastIncomingAt(messages: readonly { direction: 'in' | 'out'; createdAt: number; remoteId: string | null }[]): number | null {
  let last: number | null = null;
  for (const m of messages) if (m.direction === 'in' && m.remoteId !== null && (last === null || m.createdAt > last)) last = m.createdAt;
  return last;
}
