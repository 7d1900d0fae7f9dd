import type { InboxFilter } from '../../../shared/contract';
import type { ConversationSummary, Id } from '../../../shared/model';

/** The views every workspace has, in sidebar order. */
export const BUILT_IN_VIEWS = ['inbox', 'mine', 'unassigned', 'held', 'snoozed', 'done'] as const;
export type BuiltInView = (typeof BUILT_IN_VIEWS)[number];

/** A sidebar view: a built-in one, or a saved view by id. */
export type ViewKey = BuiltInView | `saved:${number}`;

/** The key of a saved view. */
export function savedViewKey(id: Id): ViewKey {
  return `saved:${id}`;
}

/** The saved view id of a key, or null for a built-in view. */
export function savedViewId(key: ViewKey): Id | null {
  return key.startsWith('saved:') ? Number(key.slice('saved:'.length)) : null;
}

/**
 * The filter of a built-in view. "Mine" needs to know who "me" is: without it there is no
 * filter yet (null) rather than a filter that would quietly show everyone's conversations.
 * The working views leave out what is held for review: nobody should answer a message before it
 * was reviewed, and "Held for review" is where it waits.
 */
export function builtInViewFilter(view: BuiltInView, meId: Id | null): InboxFilter | null {
  switch (view) {
    case 'inbox':
      return { status: ['open'], held: false };
    case 'mine':
      return meId === null ? null : { status: ['open', 'pending'], assigneeId: meId, held: false };
    case 'unassigned':
      return { status: ['open'], unassigned: true, held: false };
    case 'held':
      return { status: ['open', 'pending'], held: true };
    case 'snoozed':
      return { status: ['snoozed'] };
    case 'done':
      return { status: ['done'] };
  }
}

/** Filter fields the filter bar can set on top of a view (the query has its own box). */
export type Refinements = Omit<InboxFilter, 'query'>;

/**
 * The filter sent to `inbox.list`: the view's, narrowed by the filter bar and the search box.
 * A refinement replaces the view's value for the same field; picking an assignee drops the view's
 * "unassigned" and the reverse, since both cannot hold. A search inside a saved search adds its
 * words to the view's (the index requires all words).
 */
export function combineFilters(view: InboxFilter, refinements: Refinements, query: string): InboxFilter {
  const combined: InboxFilter = { ...view };
  for (const [key, value] of Object.entries(refinements) as [keyof Refinements, unknown][]) {
    if (value === undefined) continue;
    (combined as Record<string, unknown>)[key] = value;
  }
  if (refinements.assigneeId !== undefined) delete combined.unassigned;
  if (refinements.unassigned !== undefined) delete combined.assigneeId;
  const words = [view.query?.trim() ?? '', query.trim()].filter((part) => part !== '').join(' ');
  if (words === '') delete combined.query;
  else combined.query = words;
  return combined;
}

/**
 * Whether a conversation still belongs to a list after a local change. The full-text query is
 * the core's business: a row that matched it keeps matching after a triage action.
 */
export function matchesFilter(summary: ConversationSummary, filter: InboxFilter): boolean {
  if (filter.status && !filter.status.includes(summary.status)) return false;
  if (filter.network && !filter.network.includes(summary.network)) return false;
  if (filter.accountId && !filter.accountId.includes(summary.accountId)) return false;
  if (filter.kind && !filter.kind.includes(summary.kind)) return false;
  if (filter.tagId !== undefined && !summary.tagIds.includes(filter.tagId)) return false;
  if (filter.assigneeId !== undefined && summary.assigneeId !== filter.assigneeId) return false;
  if (filter.unassigned !== undefined && (summary.assigneeId === null) !== filter.unassigned) return false;
  if (filter.unread !== undefined && summary.unread !== filter.unread) return false;
  if (filter.held !== undefined && summary.held !== filter.held) return false;
  if (filter.since !== undefined && summary.lastActivityAt < filter.since) return false;
  if (filter.until !== undefined && summary.lastActivityAt >= filter.until) return false;
  return true;
}

/** The list's order: newest activity first, then higher id first (the core's keyset order). */
export function byActivity(a: ConversationSummary, b: ConversationSummary): number {
  return b.lastActivityAt - a.lastActivityAt || b.id - a.id;
}
