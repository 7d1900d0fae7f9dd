/**
 * The composition root: builds the core from a data directory, a SecretStore, a SettingsStore and
 * a clock, and returns the object that implements the contract. Runs in plain Node (tests, web
 * mode) and in Electron's main process alike.
 */
import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { EventName, EventPayload, Handlers } from '../../shared/contract';
import { openDatabase, type Db } from './db/connection';
import { createAccountQueries } from './db/accounts';
import { createConversationQueries } from './db/conversations';
import { createInboxQueries } from './db/inbox';
import { createIngest, type Ingest, type NewMessagesHook } from './db/ingest';
import { schemaVersion } from './db/migrate';
import { createWorkspaceQueries } from './db/workspace';
import { createOutboxQueue } from './outbox/queue';
import { accountSecretKey, type SecretStore } from './secrets/secret-store';
import type { SettingsStore } from './settings/settings-store';

export const APP_NAME = 'Parvis';
export const APP_VERSION = '0.1.0';

export interface CoreOptions {
  dataDir: string;
  secrets: SecretStore;
  settings: SettingsStore;
  shell: 'electron' | 'web';
  demo?: boolean;
  now?: () => number;
  systemLocale?: string;
  /** Name of the "me" member created on first run. */
  myName?: string;
  /** Runs inside the ingest transaction on new messages (moderation rules). */
  onNewMessages?: NewMessagesHook;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

type Listener = { [E in EventName]: (event: E, payload: EventPayload<E>) => void }[EventName];

export interface Core {
  handlers: Handlers;
  /** Subscribes to every event; returns the unsubscribe function. */
  onEvent(listener: (event: EventName, payload: EventPayload<EventName>) => void): () => void;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  ingest: Ingest;
  db: Db;
  accounts: ReturnType<typeof createAccountQueries>;
  conversations: ReturnType<typeof createConversationQueries>;
  outbox: ReturnType<typeof createOutboxQueue>;
  workspace: ReturnType<typeof createWorkspaceQueries>;
  secrets: SecretStore;
  now: () => number;
  close(): void;
}

function defaultMyName(): string {
  try {
    const name = userInfo().username;
    return name ? name.charAt(0).toUpperCase() + name.slice(1) : 'Me';
  } catch {
    return 'Me';
  }
}

export function createCore(opts: CoreOptions): Core {
  const now = opts.now ?? Date.now;
  mkdirSync(opts.dataDir, { recursive: true });
  const db = openDatabase(join(opts.dataDir, 'parvis.db'));
  const inbox = createInboxQueries(db);
  const workspace = createWorkspaceQueries(db, now);
  const me = workspace.members.ensureMe(opts.myName ?? defaultMyName());
  const actorName = () => workspace.members.list().find((m) => m.isMe)?.name ?? me.name;
  const conversations = createConversationQueries(db, actorName, now);
  const accounts = createAccountQueries(db, now);
  const outbox = createOutboxQueue(db, now);
  const ingest = createIngest(db, { onNewMessages: opts.onNewMessages });
  const listeners = new Set<(event: EventName, payload: EventPayload<EventName>) => void>();

  const emit = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    for (const l of listeners) {
      try {
        (l as Listener)(event as never, payload as never);
      } catch (err) {
        opts.log?.('error', `event listener failed: ${(err as Error).message}`);
      }
    }
  };
  const changed = (conversationIds: number[] | undefined, reason: EventPayload<'inbox.changed'>['reason']) =>
    emit('inbox.changed', { conversationIds, reason });

  // Snoozed conversations come back by themselves: a timer set for the next wake-up time.
  let snoozeTimer: NodeJS.Timeout | null = null;
  const scheduleSnooze = () => {
    if (snoozeTimer) clearTimeout(snoozeTimer);
    const next = conversations.nextSnoozeAt();
    if (next === null) return;
    const delay = Math.max(0, Math.min(next - now(), 2 ** 31 - 1));
    snoozeTimer = setTimeout(() => {
      const woken = conversations.wakeSnoozed(now());
      if (woken.length) changed(woken, 'snooze');
      scheduleSnooze();
    }, delay);
    snoozeTimer.unref?.();
  };
  scheduleSnooze();

  const handlers: Handlers = {
    'app.info': () => ({
      name: APP_NAME,
      version: APP_VERSION,
      demo: opts.demo ?? false,
      shell: opts.shell,
      platform: process.platform,
      systemLocale: opts.systemLocale ?? Intl.DateTimeFormat().resolvedOptions().locale,
      schemaVersion: schemaVersion(db),
    }),
    'accounts.list': () => accounts.list(),
    'accounts.remove': async ({ accountId }) => {
      accounts.require(accountId);
      // Secrets first: if the keychain fails, the account stays and the user can retry.
      await opts.secrets.delete(accountSecretKey(accountId));
      accounts.remove(accountId);
      changed(undefined, 'account');
      return { ok: true as const };
    },
    'inbox.list': ({ filter, cursor, limit }) => inbox.list(filter, cursor, limit),
    'inbox.count': ({ filters }) => Object.fromEntries(Object.entries(filters).map(([k, f]) => [k, inbox.count(f)])),
    'conversation.get': ({ conversationId, markRead }) => {
      const detail = conversations.get(conversationId, { markRead });
      if (markRead && detail.conversation.unread) changed([conversationId], 'triage');
      return markRead ? { ...detail, conversation: { ...detail.conversation, unread: false } } : detail;
    },
    'conversation.setStatus': ({ conversationIds, status, snoozeUntil }) => {
      conversations.setStatus(conversationIds, status, snoozeUntil ?? null);
      if (status === 'snoozed') scheduleSnooze();
      changed(conversationIds, 'triage');
      return { ok: true as const };
    },
    'conversation.markRead': ({ conversationIds, unread }) => {
      conversations.markRead(conversationIds, unread);
      changed(conversationIds, 'triage');
      return { ok: true as const };
    },
    'conversation.tag': ({ conversationIds, tagId }) => {
      const tag = workspace.tags.get(tagId);
      conversations.tag(conversationIds, tagId, tag.name);
      changed(conversationIds, 'triage');
      return { ok: true as const };
    },
    'conversation.untag': ({ conversationIds, tagId }) => {
      const tag = workspace.tags.get(tagId);
      conversations.untag(conversationIds, tagId, tag.name);
      changed(conversationIds, 'triage');
      return { ok: true as const };
    },
    'conversation.assign': ({ conversationIds, memberId }) => {
      const member = memberId === null ? null : workspace.members.get(memberId);
      conversations.assign(conversationIds, memberId, member?.name ?? null);
      changed(conversationIds, 'triage');
      return { ok: true as const };
    },
    'conversation.addNote': ({ conversationId, text }) => {
      const id = conversations.addNote(conversationId, me.id, text);
      changed([conversationId], 'triage');
      return { id };
    },
    'tags.list': () => workspace.tags.list(),
    'tags.create': ({ name, color }) => workspace.tags.create(name, color),
    'tags.rename': ({ tagId, name }) => workspace.tags.rename(tagId, name),
    'tags.recolor': ({ tagId, color }) => workspace.tags.recolor(tagId, color),
    'tags.delete': ({ tagId }) => {
      workspace.tags.delete(tagId);
      changed(undefined, 'triage');
      return { ok: true as const };
    },
    'members.list': () => workspace.members.list(),
    'members.create': ({ name }) => workspace.members.create(name),
    'members.rename': ({ memberId, name }) => workspace.members.rename(memberId, name),
    'members.delete': ({ memberId }) => {
      workspace.members.delete(memberId);
      changed(undefined, 'triage');
      return { ok: true as const };
    },
    'draft.save': ({ conversationId, text }) => {
      workspace.drafts.save(conversationId, text);
      return { ok: true as const };
    },
    'draft.get': ({ conversationId }) => workspace.drafts.get(conversationId),
    'author.setNotes': ({ authorId, notes }) => {
      workspace.authors.setNotes(authorId, notes);
      return { ok: true as const };
    },
    'reply.send': ({ conversationId, text, parentMessageId }) => {
      const { messageId } = outbox.enqueueReply(conversationId, text, parentMessageId);
      // The draft is done with once the reply is queued.
      workspace.drafts.save(conversationId, '');
      conversations.log(conversationId, 'reply', { messageId });
      changed([conversationId], 'outbox');
      return { messageId };
    },
    'reply.retry': ({ messageId }) => {
      outbox.retryMessage(messageId);
      changed(undefined, 'outbox');
      return { ok: true as const };
    },
    'reply.discard': ({ messageId }) => {
      const conversationId = outbox.discardMessage(messageId);
      changed(conversationId === null ? undefined : [conversationId], 'outbox');
      return { ok: true as const };
    },
    'savedReplies.list': () => workspace.savedReplies.list(),
    'savedReplies.create': ({ name, text }) => workspace.savedReplies.create(name, text),
    'savedReplies.update': ({ id, name, text }) => workspace.savedReplies.update(id, name, text),
    'savedReplies.delete': ({ id }) => {
      workspace.savedReplies.delete(id);
      return { ok: true as const };
    },
    'views.list': () => workspace.views.list(),
    'views.create': ({ name, filter }) => workspace.views.create(name, filter),
    'views.update': ({ id, ...patch }) => workspace.views.update(id, patch),
    'views.delete': ({ id }) => {
      workspace.views.delete(id);
      return { ok: true as const };
    },
    'settings.get': () => opts.settings.get(),
    'settings.set': (patch) => opts.settings.set(patch),
  };

  return {
    handlers,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit,
    ingest,
    db,
    accounts,
    conversations,
    outbox,
    workspace,
    secrets: opts.secrets,
    now,
    close() {
      if (snoozeTimer) clearTimeout(snoozeTimer);
      listeners.clear();
      db.close();
    },
  };
}
