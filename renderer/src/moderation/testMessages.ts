import type { Message } from '../../../shared/model';

/** A message for tests; override what the test is about. Imported by tests only. */
export function message(overrides: Partial<Message> & { id: number }): Message {
  return {
    conversationId: 1,
    remoteId: `remote-${overrides.id}`,
    parentRemoteId: null,
    authorId: 10,
    direction: 'in',
    text: `message ${overrides.id}`,
    html: null,
    attachments: [],
    createdAt: 1_000 + overrides.id,
    moderation: 'visible',
    permalink: null,
    delivery: null,
    deliveryError: null,
    flags: [],
    pendingModeration: [],
    ...overrides,
  };
}
