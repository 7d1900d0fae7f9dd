import type { ConversationSummary } from '../../../shared/model';

/** A conversation row for tests; override what the test is about. */
export function summary(overrides: Partial<ConversationSummary> & { id: number }): ConversationSummary {
  return {
    accountId: 1,
    network: 'example-network',
    kind: 'comment',
    status: 'open',
    snoozeUntil: null,
    assigneeId: null,
    tagIds: [],
    unread: true,
    held: false,
    lastActivityAt: 1_000_000 + overrides.id,
    snippet: `message ${overrides.id}`,
    messageCount: 1,
    author: { id: 100 + overrides.id, name: `Author ${overrides.id}`, handle: `author${overrides.id}` },
    contextTitle: null,
    ...overrides,
  };
}
