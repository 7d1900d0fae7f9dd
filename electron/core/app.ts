/**
 * The composition root: builds the core from a data directory, a SecretStore, a SettingsStore and
 * a clock, and returns the object that implements the contract. Runs in plain Node (tests, web
 * mode) and in Electron's main process alike.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventName, EventPayload, Handlers } from '../../shared/contract';
import { openDatabase, type Db } from './db/connection';
import { createAccountQueries } from './db/accounts';
import { createConversationQueries } from './db/conversations';
import { createInboxQueries } from './db/inbox';
import { createIngest, type Ingest, type NewMessagesHook } from './db/ingest';
import { createWorkspaceQueries } from './db/workspace';
import { createOutboxQueue } from './outbox/queue';
import { accountSecretKey, type SecretStore } from './secrets/secret-store';
import type { SettingsStore } from './settings/settings-store';
import type { ConnectorRegistry } from './connectors/registry';
import type { AccountContext } from './connectors/types';
import type { DeveloperApp, NetworkDescriptor } from './connectors/descriptor';
import { createDeveloperApps } from './connectors/developer-apps';
import { createNetworkRegistry, NETWORK_DESCRIPTORS, networkEnvironment, type NetworkSetup } from './connectors';
import { OutboxExecutor } from './outbox/executor';
import { SyncScheduler, type SyncSchedulerOptions } from './sync/scheduler';
import type { SyncStore } from './sync/store';
import { ConnectivityMonitor, reportingRegistry } from './connectivity';
import { createNotifier } from './notifications';
import { createModerationService } from './moderation/service';
import { createMediaScreeningHook, type MediaScreener } from './moderation/media';
import { createImageFetcher, createMediaScreeningPipeline, type ImageFetcher } from './moderation/media-screening';
import { DEFAULT_IMAGE_LIMITS, SCREENABLE_MIME_TYPES } from './moderation/nsfw-image';
import { NsfwScreener } from './moderation/nsfw-screener';
import { joinHandlers } from './handlers/context';
import type { CoreServices } from './handlers/services';
import { accountHandlers } from './handlers/accounts';
import { appHandlers } from './handlers/app';
import { inboxHandlers } from './handlers/inbox';
import { conversationHandlers } from './handlers/conversation';
import { workspaceHandlers } from './handlers/workspace';
import { moderationHandlers } from './handlers/moderation';
import { contestHandlers } from './handlers/contests';
import { reportHandlers } from './handlers/reports';
import { postHandlers } from './handlers/posts';
import { mediaHandlers } from './handlers/media';
import { createMediaLibrary, type MediaLibrary } from './media/library';
import { createPostStore } from './db/posts';
import { Publisher, type PublisherOptions } from './outbox/publisher';
import type { QuotaPolicy } from './sync/scheduler';

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
  /** Name of the "me" member created on first run; absent, the user names themselves at first start. */
  myName?: string;
  /** Runs inside the ingest transaction on new messages (moderation rules). */
  onNewMessages?: NewMessagesHook;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /**
   * The networks accounts can be connected to, and how to reach them. Without it (and without
   * `registry`) nothing is polled or sent: a pure local store.
   */
  networks?: CoreNetworks;
  /** Connectors to use instead of the descriptors' (tests with connector doubles). */
  registry?: ConnectorRegistry;
  /** Starts polling and the outbox at once (default true when a registry is given). */
  startSync?: boolean;
  /** Scheduler tuning (tests shorten delays). */
  syncOptions?: Partial<Pick<SyncSchedulerOptions, 'concurrency' | 'backoff' | 'hasMoreDelayMs' | 'quotas' | 'timers' | 'random'>>;
  /** Outbox tuning (tests shorten delays). */
  outboxOptions?: { maxAttempts?: number; backoff?: { baseMs: number; capMs: number } };
  /** Tests pace the publish job's retries. */
  publisherOptions?: Pick<PublisherOptions, 'maxAttempts' | 'backoff' | 'random'>;
  /**
   * Screens the images of new incoming messages for nudity after each ingest, on this machine.
   * `true`: nsfwjs in a worker thread (NsfwScreener) and plain fetch; tests give a screener double
   * and a fetcher. Off by default: images then stay hidden until the manager reveals them.
   */
  mediaScreening?: boolean | { screener: MediaScreener; fetchImage?: ImageFetcher };
}

/** The networks of a core: their descriptors and where they are. */
export interface CoreNetworks {
  /** Default: every network of this build. */
  descriptors?: readonly NetworkDescriptor[];
  /** Endpoints instead of the real services, by network id (tests and the demo use local servers). */
  endpoints?: NetworkSetup['endpoints'];
  /** Developer apps embedded in this build, by network id (the user's own, in the keychain, come first). */
  developerApps?: Readonly<Record<string, DeveloperApp>>;
  /** Where environment overrides of developer apps are read (default: process.env). */
  environment?: NodeJS.ProcessEnv;
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
  publisher: Publisher | null;
  posts: ReturnType<typeof createPostStore>;
  /** The local media library. */
  media: MediaLibrary;
  /** Builds an account's connector context with its credentials from the keychain. */
  accountContext(accountId: number): Promise<AccountContext | null>;
  close(): Promise<void>;
}

export function createCore(opts: CoreOptions): Core {
  const now = opts.now ?? Date.now;
  mkdirSync(opts.dataDir, { recursive: true });
  const db = openDatabase(join(opts.dataDir, 'parvis.db'));
  const inbox = createInboxQueries(db);
  const workspace = createWorkspaceQueries(db, now);
  // Not named after the operating-system user ("Root"): the user names themselves at first start.
  const me = workspace.members.ensureMe(opts.myName ?? null);
  const actorName = () => workspace.members.list().find((m) => m.isMe)?.name ?? me.name;
  const conversations = createConversationQueries(db, actorName, now);
  const accounts = createAccountQueries(db, now);
  const outbox = createOutboxQueue(db, now);
  // Whether the networks can be reached, from what every connector call reports.
  const connectivity = new ConnectivityMonitor({ now });
  // The networks: their descriptors, the developer apps some need, and the connectors.
  const descriptors = opts.networks ? (opts.networks.descriptors ?? NETWORK_DESCRIPTORS) : [];
  // Every network the UI may have to show (a glyph, a reply limit), connectable in this run or not.
  const knownDescriptors = opts.networks ? descriptors : NETWORK_DESCRIPTORS;
  const developerApps = createDeveloperApps({
    descriptors,
    secrets: opts.secrets,
    environment: opts.networks?.environment ?? process.env,
    defaults: opts.networks?.developerApps,
  });
  const setup: NetworkSetup = { endpoints: opts.networks?.endpoints, developerApp: (network) => developerApps.get(network) };
  const descriptorOf = (network: string) => descriptors.find((d) => d.id === network);
  const baseRegistry = opts.registry ?? (opts.networks ? createNetworkRegistry(setup, descriptors) : null);
  const registry = baseRegistry ? reportingRegistry(baseRegistry, connectivity) : null;
  let executor: OutboxExecutor | null = null;
  const moderation = createModerationService({
    db,
    now,
    workspace,
    conversations,
    capabilitiesFor: (network) => (registry?.has(network) ? registry.get(network).capabilities : (descriptorOf(network)?.capabilities ?? null)),
    actorName,
    onRuleNotify: (conversationId, rule) => {
      const [summary] = inbox.summaries([conversationId]);
      if (!summary) return;
      const author = summary.author?.name ?? '?';
      emit('notify', {
        conversationId,
        // The stored name; the shell words a shipped rule's name in the app's language (notificationTitle).
        title: `${author} · ${rule.name}`,
        author,
        rule,
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

  // A network's own name for titles; a network this build lacks keeps its id.
  const networkDisplayName = (network: string) => knownDescriptors.find((d) => d.id === network)?.displayName ?? network;
  const notifier = createNotifier(db, workspace, () => opts.settings.get(), networkDisplayName);

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
      settings: account.settings ?? {},
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
        // Each network's daily quota from its descriptor; tests may pace one differently.
        quotas: {
          ...Object.fromEntries(descriptors.flatMap((d): [string, QuotaPolicy][] => (d.quota ? [[d.id, d.quota]] : []))),
          ...opts.syncOptions?.quotas,
        },
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
        idempotentNetworks: new Set(descriptors.filter((d) => d.idempotentWrites).map((d) => d.id)),
        quotaFor: (network) => scheduler?.quotaBudget(network) ?? null,
        writeCostFor: (network) => descriptorOf(network)?.writeCostUnits ?? 0,
        log: opts.log,
        ...opts.outboxOptions,
      })
    : null;
  const posts = createPostStore(db, now);
  const media = createMediaLibrary(db, join(opts.dataDir, 'media'), now);
  const postsChanged = (postIds: number[]) => emit('posts.changed', { postIds });
  const publisher = registry
    ? new Publisher({
        db,
        now,
        connectorFor: (accountId) => {
          const account = accounts.get(accountId);
          return account && registry.has(account.network) ? registry.get(account.network) : null;
        },
        contextFor: accountContext,
        mediaFor: (target) => posts.mediaOf(target.post_id, target.id).map((id) => {
          const row = media.get(id);
          return { mime: row.mime, alt: row.alt, bytes: row.bytes, width: row.width, height: row.height, sha256: row.sha256, load: () => media.read(id) };
        }),
        onChange: postsChanged,
        log: opts.log,
        ...opts.publisherOptions,
      })
    : null;
  if (opts.startSync ?? true) {
    scheduler?.start();
    executor?.start();
    // Posts whose time passed while Parvis was closed wait for a decision; the rest go out on time.
    publisher?.recoverAtStart();
    publisher?.start();
  }
  // Back online: deliver what waited, and poll now rather than at the end of each backoff.
  connectivity.onChange((state) => {
    emit('app.connectivity', state);
    if (!state.online) return;
    executor?.wake();
    publisher?.wake();
    for (const account of accounts.listStored()) {
      if (!account.paused && account.state !== 'needs-sign-in') void scheduler?.pollNow(account.id);
    }
  });

  const services: CoreServices = {
    db,
    now,
    secrets: opts.secrets,
    settings: opts.settings,
    inbox,
    workspace,
    conversations,
    accounts,
    outbox,
    moderation,
    scheduler,
    executor,
    posts,
    publisher,
    media,
    postsChanged,
    connectivity,
    descriptors,
    knownDescriptors,
    connectorPublishes: (network) => {
      if (!registry?.has(network)) return null;
      try {
        return typeof registry.get(network).publish === 'function';
      } catch {
        return null; // a connector that cannot be built here says nothing about publishing
      }
    },
    networkEnvironment: (network) => networkEnvironment(setup, network),
    developerApps,
    me,
    changed,
    scheduleSnooze,
    writeCredentials,
    connectorFor: (network) => (registry?.has(network) ? registry.get(network) : null),
    accountContext,
  };
  const accountCalls = accountHandlers(services);
  const { closeFlows, resumeRemovals, stopRemovals, ...accountDomain } = accountCalls;
  // An account whose removal a previous run began goes on being removed, a slice at a time.
  resumeRemovals((message) => opts.log?.('error', message));
  const handlers: Handlers = joinHandlers(
    [
      appHandlers(services, { name: APP_NAME, version: APP_VERSION, demo: opts.demo ?? false, shell: opts.shell, systemLocale: opts.systemLocale }),
      accountDomain,
      inboxHandlers(services),
      conversationHandlers(services),
      workspaceHandlers(services),
      moderationHandlers(services),
      contestHandlers(services),
      reportHandlers(services),
      postHandlers(services),
      mediaHandlers(services),
    ],
    // The acting member: the desktop's own, read at each call (it can be renamed).
    () => ({ member: workspace.members.list().find((m) => m.isMe) ?? me }),
  );

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
    publisher,
    posts,
    media,
    accountContext,
    async close() {
      if (snoozeTimer) clearTimeout(snoozeTimer);
      closeFlows();
      await stopRemovals();
      connectivity.stop();
      executor?.stop();
      publisher?.stop();
      await scheduler?.stop();
      // The screening pipeline writes to the database: it stops before the database closes.
      // Closing the screener with it answers an image in progress at once.
      await Promise.all([screening?.close(), ownScreener?.close()]);
      listeners.clear();
      db.close();
    },
  };
}
