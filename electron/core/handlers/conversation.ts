/** One conversation: reading it, triage (status, tags, assignee), notes, drafts and replies. */
import { lastIncomingAt, replyWindowState } from '../../../shared/reply-window';
import { detectLanguage } from '../moderation/language';
import { CoreError } from '../rpc';
import type { DomainHandlers } from './context';
import type { CoreServices } from './services';

type ConversationCalls =
  | 'conversation.get'
  | 'conversation.setStatus'
  | 'conversation.markRead'
  | 'conversation.tag'
  | 'conversation.untag'
  | 'conversation.assign'
  | 'conversation.addNote'
  | 'draft.save'
  | 'draft.get'
  | 'author.setNotes'
  | 'reply.send'
  | 'reply.retry'
  | 'reply.discard';

export function conversationHandlers(s: CoreServices): DomainHandlers<ConversationCalls> {
  return {
    'conversation.get': ({ conversationId, markRead }) => {
      // Whether it was unread before this read marks it read: the counts and the title follow then.
      const wasUnread = markRead && s.inbox.summaries([conversationId])[0]?.unread === true;
      const stored = s.conversations.get(conversationId, { markRead });
      if (wasUnread) s.changed([conversationId], 'triage');
      const community = stored.messages.filter((m) => m.direction === 'in').map((m) => m.text).join('\n');
      const detail = { ...stored, language: detectLanguage(community) };
      return markRead ? { ...detail, conversation: { ...detail.conversation, unread: false } } : detail;
    },
    'conversation.setStatus': ({ conversationIds, status, snoozeUntil }) => {
      s.conversations.setStatus(conversationIds, status, snoozeUntil ?? null);
      if (status === 'snoozed') s.scheduleSnooze();
      s.changed(conversationIds, 'triage');
      return { ok: true as const };
    },
    'conversation.markRead': ({ conversationIds, unread }) => {
      s.conversations.markRead(conversationIds, unread);
      s.changed(conversationIds, 'triage');
      return { ok: true as const };
    },
    'conversation.tag': ({ conversationIds, tagId }) => {
      const tag = s.workspace.tags.get(tagId);
      s.conversations.tag(conversationIds, tagId, tag.name);
      s.changed(conversationIds, 'triage');
      return { ok: true as const };
    },
    'conversation.untag': ({ conversationIds, tagId }) => {
      const tag = s.workspace.tags.get(tagId);
      s.conversations.untag(conversationIds, tagId, tag.name);
      s.changed(conversationIds, 'triage');
      return { ok: true as const };
    },
    'conversation.assign': ({ conversationIds, memberId }) => {
      const member = memberId === null ? null : s.workspace.members.get(memberId);
      s.conversations.assign(conversationIds, memberId, member?.name ?? null);
      s.changed(conversationIds, 'triage');
      return { ok: true as const };
    },
    'conversation.addNote': ({ conversationId, text }, ctx) => {
      const id = s.conversations.addNote(conversationId, ctx.member.id, text);
      s.changed([conversationId], 'triage');
      return { id };
    },
    'draft.save': ({ conversationId, text }) => {
      s.workspace.drafts.save(conversationId, text);
      return { ok: true as const };
    },
    'draft.get': ({ conversationId }) => s.workspace.drafts.get(conversationId),
    'author.setNotes': ({ authorId, notes }) => {
      s.workspace.authors.setNotes(authorId, notes);
      return { ok: true as const };
    },
    'reply.send': ({ conversationId, text, parentMessageId, private: privately }) => {
      // A read-only network (a feed) would only fail in the outbox: refuse at once.
      const detail = s.conversations.get(conversationId, { markRead: false });
      const network = detail.account.network;
      const descriptor = s.descriptors.find((d) => d.id === network);
      if (descriptor && !descriptor.capabilities.reply) throw new CoreError('not-supported', `Nothing can be sent to ${descriptor.displayName}: it is read-only`);
      if (privately && !descriptor?.capabilities.privateReplies) throw new CoreError('not-supported', `${descriptor?.displayName ?? network} has no private replies`);
      // Past the network's messaging window the network would refuse it: refuse now, the draft stays.
      const window = replyWindowState(descriptor?.capabilities.replyWindow, detail.conversation.kind, lastIncomingAt(detail.messages), s.now());
      if (window.state === 'closed') {
        throw new CoreError('not-supported', `${descriptor?.displayName ?? network} allows no answer here any more: the person last wrote too long ago. Your text is kept; it can be sent once they write again.`);
      }
      const { messageId } = s.outbox.enqueueReply(conversationId, text, parentMessageId, privately);
      // The draft is done with once the reply is queued.
      s.workspace.drafts.save(conversationId, '');
      s.conversations.log(conversationId, 'reply', { messageId });
      s.changed([conversationId], 'outbox');
      s.executor?.wake();
      return { messageId };
    },
    'reply.retry': ({ messageId }) => {
      s.outbox.retryMessage(messageId);
      s.changed(undefined, 'outbox');
      s.executor?.wake();
      return { ok: true as const };
    },
    'reply.discard': ({ messageId }) => {
      const conversationId = s.outbox.discardMessage(messageId);
      s.changed(conversationId === null ? undefined : [conversationId], 'outbox');
      return { ok: true as const };
    },
  };
}
