/** The inbox lists, counts and rows. */
import type { DomainHandlers } from './context';
import type { CoreServices } from './services';

export function inboxHandlers(s: CoreServices): DomainHandlers<'inbox.list' | 'inbox.summaries' | 'inbox.count' | 'inbox.viewCounts'> {
  return {
    'inbox.list': ({ filter, cursor, limit }) => s.inbox.list(filter, cursor, limit),
    'inbox.summaries': ({ conversationIds }) => s.inbox.summaries(conversationIds),
    'inbox.count': ({ filters }) => Object.fromEntries(Object.entries(filters).map(([k, f]) => [k, s.inbox.count(f)])),
    'inbox.viewCounts': ({ filters }) => ({
      views: Object.fromEntries(Object.entries(filters).map(([k, f]) => [k, { total: s.inbox.count(f), unread: s.inbox.count({ ...f, unread: true }) }])),
      // The notifier's count (unread, open or pending, held or not): the same number as the badge.
      unreadConversations: s.inbox.count({ status: ['open', 'pending'], unread: true }),
    }),
  };
}
