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
import { randomUUID } from 'node:crypto';
import type { ConnectorRegistry } from './connectors/registry';
import type { OAuthFlow, SignInProvider, SignInResult } from './connectors/sign-in';
import type { AccountContext } from './connectors/types';
import { OutboxExecutor } from './outbox/executor';
import { SyncScheduler, type SyncSchedulerOptions } from './sync/scheduler';
import type { SyncStore } from './sync/store';
import { CoreError } from './rpc';
import { ConnectivityMonitor, reportingRegistry } from './connectivity';
import { createNotifier } from './notifications';
import { createModerationService } from './moderation/service';
import { createMediaScreeningHook, type MediaScreener } from './moderation/media';
import { createImageFetcher, createMediaScreeningPipeline, type ImageFetcher } from './moderation/media-screening';
import { DEFAULT_IMAGE_LIMITS, SCREENABLE_MIME_TYPES } from './moderation/nsfw-image';
import { NsfwScreener } from './moderation/nsfw-screener';
import { NETWORKS } from '../../shared/model';

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
  /** The networks this build talks to. Without it, nothing is polled or sent (pure local store). */
  registry?: ConnectorRegistry;
  /** How accounts of each network sign in. */
  signIn?: readonly SignInProvider[];
  /** Starts polling and the outbox at once (default true when a registry is given). */
  startSync?: boolean;
  /** Scheduler tuning (tests shorten delays). */
  syncOptions?: Partial<Pick<SyncSchedulerOptions, 'concurrency' | 'backoff' | 'hasMoreDelayMs' | 'quotas' | 'timers' | 'random'>>;
  /** Outbox tuning (tests shorten delays). */
  outboxOptions?: { maxAttempts?: number; backoff?: { baseMs: number; capMs: number } };
  /**
   * Screens the images of new incoming messages for nudity after each ingest, on this machine.
   * `true`: nsfwjs in a worker thread (NsfwScreener) and plain fetch; tests give a screener double
   * and a fetcher. Off by default: images then stay hidden until the manager reveals them.
   */
  mediaScreening?: boolean | { screener: MediaScreener; fetchImage?: ImageFetcher };
}

type Listener = { [E in EventName]: (event: E, payload: EventPayload<E>) => void }[EventName];

export interface Core {
  handlers: Handlers;
  /** Subscribes to every event; returns the unsubscribe function. */
  onEvent(listener: (event: EventName, payload: EventPayload<EventName>) => void): () => void;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  notifier: ReturnType<typeof createNotifier>;
  moderation: ReturnType<typeof createModerationService>;
  ingest: Ingest;
  db: Db;
  accounts: ReturnType<typeof createAccountQueries>;
  conversations: ReturnType<typeof createConversationQueries>;
  outbox: ReturnType<typeof createOutboxQueue>;
  workspace: ReturnType<typeof createWorkspaceQueries>;
  secrets: SecretStore;
  now: () => number;
  scheduler: SyncScheduler | null;
  executor: OutboxExecutor | null;
  /** Builds an account's connector context with its credentials from the keychain. */
  accountContext(accountId: number): Promise<AccountContext | null>;
  close(): Promise<void>;
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
  // Whether the networks can be reached, from what every connector call reports.
  const connectivity = new ConnectivityMonitor({ now });
  const registry = opts.registry ? reportingRegistry(opts.registry, connectivity) : null;
  let executor: OutboxExecutor | null = null;
  const moderation = createModerationService({
    db,
    now,
    workspace,
    conversations,
    capabilitiesFor: (network) => (registry?.has(network) ? registry.get(network).capabilities : null),
    actorName,
    onRuleNotify: (conversationId, rule) => {
      const [summary] = inbox.summaries([conversationId]);
      if (!summary) return;
      emit('notify', {
        conversationId,
        title: `${summary.author?.name ?? '?'} · ${rule}`,
        body: summary.snippet,
        reason: 'view',
        unreadCount: notifier.unreadCount(),
      });
    },
  });
  // Images are screened after the commit, one message at a time (about a second per image).
  const ownScreener = opts.mediaScreening === true ? new NsfwScreener({ log: opts.log }) : null;
  const givenScreening = typeof opts.mediaScreening === 'object' ? opts.mediaScreening : null;
  const screener = ownScreener ?? givenScreening?.screener ?? null;
  const screening = screener
    ? createMediaScreeningPipeline({
        db,
        now,
        screen: createMediaScreeningHook(screener, { maxBytes: DEFAULT_IMAGE_LIMITS.maxBytes, mimeTypes: SCREENABLE_MIME_TYPES }),
        fetchImage:
          givenScreening?.fetchImage ??
          // The demo's networks are local servers; real networks never are.
          createImageFetcher({ maxBytes: DEFAULT_IMAGE_LIMITS.maxBytes, allowPrivateAddresses: opts.demo === true }),
        onScreened: ({ conversationId }) => changed([conversationId], 'moderation'),
        log: opts.log,
      })
    : null;
  const rawIngest = createIngest(db, {
    onNewMessages: (d, accountId, messages) => {
      moderation.onNewMessages(d, accountId, messages);
      opts.onNewMessages?.(d, accountId, messages);
    },
  });
  /** Every page goes through here: rules run inside the transaction, their network actions go out after. */
  const ingest: Ingest = (accountId, page) => {
    const result = rawIngest(accountId, page);
    moderation.flushNotifications();
    executor?.wake();
    screening?.enqueue(result.newMessageIds);
    return result;
  };
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
      try {
        const woken = conversations.wakeSnoozed(now());
        if (woken.length) changed(woken, 'snooze');
        scheduleSnooze();
      } catch (err) {
        // A full or read-only disk: thrown from a timer, this would end the process. Try later.
        opts.log?.('error', `snoozed conversations could not be woken: ${(err as Error).message}`);
        snoozeTimer = setTimeout(scheduleSnooze, 60_000);
        snoozeTimer.unref?.();
      }
    }, delay);
    snoozeTimer.unref?.();
  };
  scheduleSnooze();
  // Images of messages ingested just before the last quit, or while screening was off.
  screening?.screenRecent(500);

  const notifier = createNotifier(db, workspace, () => opts.settings.get());

  // Sync and delivery, when this build has connectors.
  const readCredentials = async (accountId: number): Promise<Record<string, string> | null> => {
    const raw = await opts.secrets.get(accountSecretKey(accountId));
    if (!raw) return null;
    try {
      return JSON.parse(raw) as Record<string, string>;
    } catch {
      return null;
    }
  };
  const writeCredentials = (accountId: number, credentials: Record<string, string>) =>
    opts.secrets.set(accountSecretKey(accountId), JSON.stringify(credentials));
  const accountContext = async (accountId: number): Promise<AccountContext | null> => {
    const account = accounts.get(accountId);
    const credentials = account ? await readCredentials(accountId) : null;
    if (!account || !credentials) return null;
    return {
      accountId,
      network: account.network,
      serverUrl: account.serverUrl,
      remoteId: account.remoteId,
      handle: account.handle,
      credentials,
      onCredentialsRefreshed: (fresh) => writeCredentials(accountId, fresh),
    };
  };
  const withFields = (m: string, f?: Record<string, unknown>) => (f && Object.keys(f).length ? `${m} ${JSON.stringify(f)}` : m);
  const syncStore: SyncStore = {
    listAccounts: () => accounts.listStored(),
    getAccount: (id) => accounts.get(id),
    commitPage: (accountId, page) => ingest(accountId, page),
    updateAccountSync: (accountId, patch) => accounts.updateSync(accountId, patch),
    knownRemoteIds: (accountId, ids) => accounts.knownRemoteIds(accountId, ids),
  };
  const scheduler = registry
    ? new SyncScheduler({
        store: syncStore,
        registry,
        credentials: { get: readCredentials, set: writeCredentials },
        emit: (status) => emit('sync.status', status),
        onIngested: (_accountId, result) => {
          if (result.conversationIds.length) changed(result.conversationIds, 'ingest');
          for (const n of notifier.forNewMessages(result.newMessageIds)) emit('notify', n);
        },
        defaultIntervalSeconds: () => opts.settings.get().pollIntervalSeconds,
        clock: { now },
        logger: {
          debug: () => {},
          info: (m, f) => opts.log?.('info', withFields(m, f)),
          warn: (m, f) => opts.log?.('warn', withFields(m, f)),
          error: (m, f) => opts.log?.('error', withFields(m, f)),
        },
        ...opts.syncOptions,
      })
    : null;
  executor = registry
    ? new OutboxExecutor({
        db,
        now,
        connectorFor: (accountId) => {
          const account = accounts.get(accountId);
          return account && registry.has(account.network) ? registry.get(account.network) : null;
        },
        contextFor: accountContext,
        onChange: (ids) => changed(ids, 'outbox'),
        idempotentNetworks: new Set(['mastodon']),
        quotaFor: (network) => scheduler?.quotaBudget(network as SignInProvider['network']) ?? null,
        log: opts.log,
        ...opts.outboxOptions,
      })
    : null;
  if (opts.startSync ?? true) {
    scheduler?.start();
    executor?.start();
  }
  // Back online: deliver what waited, and poll now rather than at the end of each backoff.
  connectivity.onChange((state) => {
    emit('app.connectivity', state);
    if (!state.online) return;
    executor?.wake();
    for (const account of accounts.listStored()) {
      if (!account.paused && account.state !== 'needs-sign-in') void scheduler?.pollNow(account.id);
    }
  });

  // OAuth sign-ins in progress, by flow id.
  const flows = new Map<string, { provider: SignInProvider; flow: OAuthFlow }>();
  const providerFor = (network: string): SignInProvider => {
    const provider = opts.signIn?.find((p) => p.network === network);
    if (!provider) throw new CoreError('not-supported', `Parvis cannot connect ${network} accounts yet`);
    return provider;
  };
  const saveSignIn = async (network: SignInProvider['network'], result: SignInResult) => {
    const stored = accounts.upsert({
      network,
      serverUrl: result.serverUrl,
      remoteId: result.identity.remoteId,
      handle: result.identity.handle,
      displayName: result.identity.name || result.identity.handle,
    });
    try {
      await writeCredentials(stored.id, result.credentials);
    } catch (err) {
      // No keychain, no account: never keep an account whose secrets could not be stored safely.
      if (stored.lastPollAt === null && stored.cursor === null) accounts.remove(stored.id);
      throw err;
    }
    accounts.updateSync(stored.id, { state: 'ok', lastError: null });
    scheduler?.refreshAccounts();
    if (scheduler) void scheduler.resume(stored.id);
    executor?.wake();
    changed(undefined, 'account');
    return accounts.list().find((a) => a.id === stored.id)!;
  };

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
    'app.connectivity': () => connectivity.state(),
    'app.checkConnection': async () => {
      await connectivity.probeNow();
      return connectivity.state();
    },
    'accounts.list': () => accounts.list(),
    'accounts.remove': async ({ accountId }) => {
      accounts.require(accountId);
      // Secrets first: if the keychain fails, the account stays and the user can retry.
      await opts.secrets.delete(accountSecretKey(accountId));
      accounts.remove(accountId);
      scheduler?.refreshAccounts();
      changed(undefined, 'account');
      return { ok: true as const };
    },
    'accounts.pause': ({ accountId }) => {
      accounts.require(accountId);
      if (scheduler) scheduler.pause(accountId);
      else accounts.updateSync(accountId, { paused: true });
      changed(undefined, 'account');
      return { ok: true as const };
    },
    'accounts.resume': ({ accountId }) => {
      accounts.require(accountId);
      if (scheduler) scheduler.resume(accountId);
      else accounts.updateSync(accountId, { paused: false });
      executor?.wake();
      changed(undefined, 'account');
      return { ok: true as const };
    },
    'accounts.pollNow': async ({ accountId }) => {
      accounts.require(accountId);
      if (!scheduler) throw new CoreError('not-supported', 'Syncing is not available in this build');
      await scheduler.pollNow(accountId);
      return { ok: true as const };
    },
    'accounts.networks': () =>
      (opts.signIn ?? []).map((p) => ({ network: p.network, signIn: p.signIn, needsServer: p.needsServer, defaultServer: p.defaultServer })),
    'accounts.connect': async (req) => {
      const provider = providerFor(req.network);
      if (req.network === 'bluesky') {
        if (!provider.signInWithPassword) throw new CoreError('not-supported', 'This network signs in differently');
        const result = await provider.signInWithPassword(req.serverUrl ?? null, req.handle, req.appPassword);
        return { kind: 'connected' as const, account: await saveSignIn('bluesky', result) };
      }
      if (!provider.beginOAuth) throw new CoreError('not-supported', 'This network signs in differently');
      const flow = await provider.beginOAuth(req.network === 'mastodon' ? req.serverUrl : null);
      const flowId = randomUUID();
      flows.set(flowId, { provider, flow });
      return { kind: 'browser' as const, flowId, authorizeUrl: flow.authorizeUrl };
    },
    'accounts.finishConnect': async ({ flowId }) => {
      const entry = flows.get(flowId);
      if (!entry) throw new CoreError('not-found', 'This sign-in has expired: start again');
      try {
        const result = await entry.flow.complete();
        return await saveSignIn(entry.provider.network, result);
      } finally {
        flows.delete(flowId);
      }
    },
    'accounts.cancelConnect': ({ flowId }) => {
      flows.get(flowId)?.flow.cancel();
      flows.delete(flowId);
      return { ok: true as const };
    },
    'inbox.list': ({ filter, cursor, limit }) => inbox.list(filter, cursor, limit),
    'inbox.summaries': ({ conversationIds }) => inbox.summaries(conversationIds),
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
      executor?.wake();
      return { messageId };
    },
    'reply.retry': ({ messageId }) => {
      outbox.retryMessage(messageId);
      changed(undefined, 'outbox');
      executor?.wake();
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
    'moderation.capabilities': () => moderation.capabilities(NETWORKS),
    'moderation.act': ({ messageId, action, reason }) => {
      const { conversationId, queued } = moderation.act(messageId, action, reason);
      changed([conversationId], 'moderation');
      if (queued) executor?.wake();
      return { ok: true as const };
    },
    'moderation.retry': ({ messageId, action }) => {
      const conversationId = outbox.retryModeration(messageId, action);
      changed([conversationId], 'moderation');
      executor?.wake();
      return { ok: true as const };
    },
    'rules.list': () => moderation.rules.list(),
    'rules.save': ({ rule }) => moderation.rules.save(rule),
    'rules.delete': ({ ruleId }) => {
      moderation.rules.delete(ruleId);
      return { ok: true as const };
    },
    'rules.reorder': ({ ruleIds }) => {
      moderation.rules.reorder(ruleIds);
      return { ok: true as const };
    },
    'rules.dryRun': ({ rule, lastN }) => moderation.rules.dryRun(rule, lastN),
    'rules.setAutoHide': ({ enabled }) => {
      moderation.rules.setAutoHide(enabled);
      return { ok: true as const };
    },
    'lexicons.get': () => moderation.lexicons.get(),
    'lexicons.set': (patch) => moderation.lexicons.set(patch),
    'audit.list': ({ query, cursor, limit }) => moderation.audit.list(query, cursor, limit),
    'audit.exportCsv': ({ query }) => moderation.audit.exportCsv(query),
    'settings.get': () => opts.settings.get(),
    'settings.set': (patch) => {
      const next = opts.settings.set(patch);
      if (patch.pollIntervalSeconds !== undefined) scheduler?.intervalsChanged();
      return next;
    },
  };

  return {
    handlers,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit,
    notifier,
    moderation,
    ingest,
    db,
    accounts,
    conversations,
    outbox,
    workspace,
    secrets: opts.secrets,
    now,
    scheduler,
    executor,
    accountContext,
    async close() {
      if (snoozeTimer) clearTimeout(snoozeTimer);
      for (const { flow } of flows.values()) flow.cancel();
      flows.clear();
      connectivity.stop();
      executor?.stop();
      await scheduler?.stop();
      // The screening pipeline writes to the database: it stops before the database closes.
      // Closing the screener with it answers an image in progress at once.
      await Promise.all([screening?.close(), ownScreener?.close()]);
      listeners.clear();
      db.close();
    },
  };
}
