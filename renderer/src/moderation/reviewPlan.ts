import type { NetworkCapabilities } from '../../../shared/contract';
import type { ConversationDetail, Id, ModerationActionName } from '../../../shared/model';
import { actionAvailability, type ActionAvailability } from './actionAvailability';

/** The review queue's decisions on a held conversation. */
export type ReviewDecision = 'approve' | 'hide' | 'remove' | 'ban';

const ACTION_OF: Record<ReviewDecision, ModerationActionName> = {
  approve: 'approve',
  hide: 'hide',
  remove: 'remove',
  ban: 'ban-author',
};

/** What a review decision does to one conversation. */
export type ReviewPlan =
  | { kind: 'act'; steps: { messageId: Id; action: ModerationActionName }[] }
  /** Nothing is held in it any more (someone else reviewed it meanwhile). */
  | { kind: 'nothing-held' }
  /** The network cannot do it: nothing is done, and the user is told why. */
  | { kind: 'blocked'; action: ModerationActionName; availability: Exclude<ActionAvailability, { enabled: true }> };

/**
 * Turns a decision on a held conversation into moderation actions: the decision applies to each
 * of its held messages (a conversation is held while any of its messages is). All or nothing: if
 * one message cannot take the action, none does, so the conversation never ends half reviewed.
 */
export function reviewPlan(
  decision: ReviewDecision,
  detail: Pick<ConversationDetail, 'messages' | 'account'>,
  capabilities: Readonly<Record<string, NetworkCapabilities>>,
): ReviewPlan {
  const action = ACTION_OF[decision];
  const held = detail.messages.filter((m) => m.moderation === 'held');
  if (held.length === 0) return { kind: 'nothing-held' };
  for (const message of held) {
    const availability = actionAvailability(action, message, detail.account.network, capabilities);
    if (!availability.enabled) return { kind: 'blocked', action, availability };
  }
  return { kind: 'act', steps: held.map((m) => ({ messageId: m.id, action })) };
}
