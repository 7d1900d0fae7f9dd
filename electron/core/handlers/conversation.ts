/** One conversation: reading it, triage (status, tags, assignee), notes, drafts and replies. */
import { lastIncomingAt, replyWindowState } from '../../../shared/reply-window';
import { Attachment } from '../../../shared/model';
import { redact } from '../connectors/http';
import { ConnectorError } from '../connectors/types';
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
  | 'attachment.fetch'
  | 'reply.retry'
  | 'reply.discard';

/**
 * Bulk triage writes at most this many conversations per transaction, then lets the event loop run
 * (other calls, events, the web bridge) before the next slice: at ten million messages a slice
 * takes a few milliseconds, 10,000 ids in one go would block the core for a quarter of a second.
 */
export const TRIAGE_SLICE = 250;

/**
 * Applies `write` to `ids` slice by slice. Every id is checked first (`check`, all or nothing);
 * each slice is its own transaction. Small calls stay synchronous, as before.
 */
function inSlices<R>(ids: readonly number[], check: (ids: readonly number[]) => void, write: (ids: readonly number[]) => void, done: () => R): R | Promise<R> {
  if (ids.length <= TRIAGE_SLICE) {
    write(ids);
    return done();
  }
  check(ids);
  return (async () => {
    for (let i = 0; i < ids.length; i += TRIAGE_SLICE) {
      if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      write(ids.slice(i, i + TRIAGE_SLICE));
    }
    return done();
  })();
}

/** Largest attachment fetched on demand (it crosses IPC as base64). */
export const ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024;

/** A file name safe to offer for saving: no folders, no control or reserved characters, not empty. */
export function safeFilename(name: string): string {
  const clean = name
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069/\\:*?"<>|]/g, '_')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 200);
  return clean || 'attachment';
}

export function conversationHandlers(s: CoreServices): DomainHandlers<ConversationCalls> {
  const check = (ids: readonly number[]) => s.conversations.requireAll(ids);
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
    'conversation.setStatus': ({ conversationIds, status, snoozeUntil }) =>
      inSlices(conversationIds, check, (ids) => s.conversations.setStatus(ids, status, snoozeUntil ?? null), () => {
        if (status === 'snoozed') s.scheduleSnooze();
        s.changed(conversationIds, 'triage');
        return { ok: true as const };
      }),
    'conversation.markRead': ({ conversationIds, unread }) =>
      inSlices(conversationIds, check, (ids) => s.conversations.markRead(ids, unread), () => {
        s.changed(conversationIds, 'triage');
        return { ok: true as const };
      }),
    'attachment.fetch': async ({ messageId, index }) => {
      const row = s.db
        .prepare<[number], { account_id: number; remote_id: string; attachments: string; extra: string | null; network: string }>(
          'SELECT m.account_id, m.remote_id, m.attachments, m.extra, a.network FROM messages m JOIN accounts a ON a.id = m.account_id WHERE m.id = ?',
        )
        .get(messageId);
      if (!row) throw new CoreError('not-found', `No message ${messageId}.`);
      const listed = Attachment.safeParse((JSON.parse(row.attachments) as unknown[])[index]);
      if (!listed.success) throw new CoreError('not-found', `Message ${messageId} has no attachment ${index}.`);
      const connector = s.connectorFor(row.network as Parameters<CoreServices['connectorFor']>[0]);
      if (!connector?.fetchAttachment) throw new CoreError('not-supported', 'This network gives no way to fetch an attachment.');
      const ctx = await s.accountContext(row.account_id);
      if (!ctx) throw new CoreError('auth', 'No credentials are stored for this account: sign in again.');
      const maxBytes = ATTACHMENT_MAX_BYTES;
      try {
        const got = await connector.fetchAttachment(ctx, {
          messageRemoteId: row.remote_id,
          messageExtra: row.extra ? (JSON.parse(row.extra) as Record<string, unknown>) : undefined,
          attachment: listed.data,
          maxBytes,
        });
        if (got.content.length > maxBytes) throw new CoreError('not-supported', `This attachment is larger than ${maxBytes / 1024 / 1024} MB: open it in a mail client.`);
        return { filename: safeFilename(got.filename), contentType: got.contentType.slice(0, 255), size: got.content.length, data: got.content.toString('base64') };
      } catch (err) {
        if (err instanceof ConnectorError) throw new CoreError(err.kind, redact(err.message, Object.values(ctx.credentials)));
        throw err;
      }
    },
    'conversation.tag': ({ conversationIds, tagId }) => {
      const tag = s.workspace.tags.get(tagId);
      return inSlices(conversationIds, check, (ids) => s.conversations.tag(ids, tagId, tag.name), () => {
        s.changed(conversationIds, 'triage');
        return { ok: true as const };
      });
    },
    'conversation.untag': ({ conversationIds, tagId }) => {
      const tag = s.workspace.tags.get(tagId);
      return inSlices(conversationIds, check, (ids) => s.conversations.untag(ids, tagId, tag.name), () => {
        s.changed(conversationIds, 'triage');
        return { ok: true as const };
      });
    },
    'conversation.assign': ({ conversationIds, memberId }) => {
      const member = memberId === null ? null : s.workspace.members.get(memberId);
      return inSlices(conversationIds, check, (ids) => s.conversations.assign(ids, memberId, member?.name ?? null), () => {
        s.changed(conversationIds, 'triage');
        return { ok: true as const };
      });
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
