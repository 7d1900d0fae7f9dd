/** The inbox lists, counts and rows. */
import type { DomainHandlers } from './context';
import type { CoreServices } from './services';

export function inboxHandlers(s: CoreServices): DomainHandlers<'inbox.list' | 'inbox.summaries' | 'inbox.count'> {
  return {
    'inbox.list': ({ filter, cursor, limit }) => s.inbox.list(filter, cursor, limit),
    'inbox.summaries': ({ conversationIds }) => s.inbox.summaries(conversationIds),
    'inbox.count': ({ filters }) => Object.fromEntries(Object.entries(filters).map(([k, f]) => [k, s.inbox.count(f)])),
  };
}
