import type { NetworkCapabilities } from '../../../shared/contract';
import type { Message, ModerationActionName, Network } from '../../../shared/model';

/**
 * Review states Parvis keeps itself: holding, approving and unhiding always work locally, and go
 * to the network too when it has the same notion (YouTube's held comments, Bluesky's hidden replies).
 */
const LOCAL_FIRST: ReadonlySet<ModerationActionName> = new Set(['hold', 'approve', 'unhide']);

/** Whether an action can be taken on a message, and if not, why. */
export type ActionAvailability =
  /** `reach`: whether the network is told ("network") or only Parvis changes ("local"). */
  | { enabled: true; reach: 'network' | 'local' }
  /** The network cannot do it; `reason` is the network's own explanation when it gives one. */
  | { enabled: false; why: 'network'; reason: string | null }
  /** Only your own messages can be deleted. */
  | { enabled: false; why: 'not-own' }
  /** A message not yet on the network (a queued reply) cannot be acted on there. */
  | { enabled: false; why: 'not-on-network' };

/** The moderation-relevant part of a message. */
export type ModeratedMessage = Pick<Message, 'direction' | 'moderation' | 'remoteId'> & Partial<Pick<Message, 'locked' | 'archived'>>;

/**
 * Decides, as the core does in `moderation.act`, whether `action` can be taken on `message`.
 * `capabilities` is what `moderation.capabilities` answered: a network absent from it is one this
 * build does not talk to (the demo workspace), where every action stays local.
 */
export function actionAvailability(
  action: ModerationActionName,
  message: ModeratedMessage,
  network: Network,
  capabilities: Readonly<Record<string, NetworkCapabilities>>,
): ActionAvailability {
  if (action === 'delete-own' && message.direction !== 'out') return { enabled: false, why: 'not-own' };
  const caps = capabilities[network] ?? null;
  const networkCan = caps?.moderation.includes(action) === true;
  if (LOCAL_FIRST.has(action)) return { enabled: true, reach: networkCan && message.remoteId !== null ? 'network' : 'local' };
  if (caps && !networkCan) return { enabled: false, why: 'network', reason: caps.unsupportedReasons[action] ?? null };
  if (message.remoteId === null) return { enabled: false, why: 'not-on-network' };
  return { enabled: true, reach: caps ? 'network' : 'local' };
}

/**
 * The actions the moderation menu offers for a message, in menu order: your own message can only
 * be deleted; someone else's can be approved or held, hidden or unhidden (whichever applies to its
 * state), removed, marked as spam, archived or brought back (only where the network has an
 * archive, `networkOffers`: it is email's own verb, not a refusal to explain on every other
 * network), closed to new comments or reopened, its author blocked, muted or banned, or reported.
 */
export function menuActions(
  message: ModeratedMessage,
  author?: { blocked: boolean; muted: boolean; banned?: boolean } | null,
  networkOffers: (action: ModerationActionName) => boolean = () => false,
): ModerationActionName[] {
  if (message.direction === 'out') return ['delete-own'];
  const archive: ModerationActionName = message.archived ? 'unarchive' : 'archive';
  return [
    message.moderation === 'held' ? 'approve' : 'hold',
    message.moderation === 'hidden' ? 'unhide' : 'hide',
    'remove',
    'spam',
    ...(networkOffers(archive) ? [archive] : []),
    message.locked ? 'unlock' : 'lock',
    // A blocked or muted author is offered the way back.
    author?.blocked ? 'unblock-author' : 'block-author',
    author?.muted ? 'unmute-author' : 'mute-author',
    author?.banned ? 'unban-author' : 'ban-author',
    'report',
  ];
}
