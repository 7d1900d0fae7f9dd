/**
 * Meta's messaging window (Messenger and Instagram Direct): a Page may answer a person within 24
 * hours of that person's last message; with the `HUMAN_AGENT` tag (a person answering, not a bot)
 * up to 7 days. After that Meta refuses every message until the person writes again.
 * https://developers.facebook.com/docs/messenger-platform/policy/policy-overview#24hours_window
 */
import { ConnectorError } from '../types';
import type { GraphClient } from './graph';

export const STANDARD_WINDOW_HOURS = 24;
export const HUMAN_AGENT_WINDOW_HOURS = 7 * 24;

/** How a message to a person whose last message was at `lastAt` must be sent, or null when it cannot be. */
export function messagingTypeFor(lastAt: number | null, now: number): { messaging_type: 'RESPONSE' } | { messaging_type: 'MESSAGE_TAG'; tag: 'HUMAN_AGENT' } | null {
  if (lastAt === null) return { messaging_type: 'RESPONSE' };
  const age = now - lastAt;
  if (age <= STANDARD_WINDOW_HOURS * 3_600_000) return { messaging_type: 'RESPONSE' };
  if (age <= HUMAN_AGENT_WINDOW_HOURS * 3_600_000) return { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
  return null;
}

/**
 * Sends a message in a thread through the Page's `/messages` edge (Messenger, and Instagram
 * Direct for the Page's linked account).
 * @throws ConnectorError `not-supported` outside the window, in plain words.
 */
export async function sendInThread(graph: GraphClient, pageId: string, recipientId: string, text: string, lastAt: number | null, now: number): Promise<{ id: string }> {
  const type = messagingTypeFor(lastAt, now);
  if (!type) {
    throw new ConnectorError('not-supported', 'This person last wrote more than 7 days ago: Meta allows no answer until they write again.');
  }
  const out = await graph.post<{ message_id?: unknown }>(`${pageId}/messages`, {
    recipient: JSON.stringify({ id: recipientId }),
    message: JSON.stringify({ text }),
    ...type,
  });
  if (typeof out.message_id !== 'string') throw new ConnectorError('bad-response', 'Meta did not say which message it sent');
  return { id: out.message_id };
}
