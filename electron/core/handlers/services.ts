/**
 * What the domain handlers work with: the store's query modules, the sync and delivery engines,
 * and the core's events. Built once by the composition root (core/app.ts).
 */
import type { EventPayload } from '../../../shared/contract';
import type { Member, Network } from '../../../shared/model';
import type { ConnectivityMonitor } from '../connectivity';
import type { DeveloperApps } from '../connectors/developer-apps';
import type { NetworkDescriptor, NetworkEnvironment } from '../connectors/descriptor';
import type { createAccountQueries } from '../db/accounts';
import type { createConversationQueries } from '../db/conversations';
import type { Db } from '../db/connection';
import type { createInboxQueries } from '../db/inbox';
import type { createWorkspaceQueries } from '../db/workspace';
import type { createModerationService } from '../moderation/service';
import type { OutboxExecutor } from '../outbox/executor';
import type { createOutboxQueue } from '../outbox/queue';
import type { SecretStore } from '../secrets/secret-store';
import type { SettingsStore } from '../settings/settings-store';
import type { SyncScheduler } from '../sync/scheduler';
import type { AccountContext, Connector } from '../connectors/types';
import type { PostStore } from '../db/posts';
import type { Publisher } from '../outbox/publisher';
import type { MediaLibrary } from '../media/library';

export interface CoreServices {
  db: Db;
  now: () => number;
  secrets: SecretStore;
  settings: SettingsStore;
  inbox: ReturnType<typeof createInboxQueries>;
  workspace: ReturnType<typeof createWorkspaceQueries>;
  conversations: ReturnType<typeof createConversationQueries>;
  accounts: ReturnType<typeof createAccountQueries>;
  outbox: ReturnType<typeof createOutboxQueue>;
  moderation: ReturnType<typeof createModerationService>;
  scheduler: SyncScheduler | null;
  executor: OutboxExecutor | null;
  /** Posts to publish, and the job that publishes them (null without networks). */
  posts: PostStore;
  publisher: Publisher | null;
  /** The local media library (images attached to posts). */
  media: MediaLibrary;
  /** Tells the renderer these posts changed. */
  postsChanged(postIds: number[]): void;
  connectivity: ConnectivityMonitor;
  /** The networks accounts can be connected to (empty: a pure local store). */
  descriptors: readonly NetworkDescriptor[];
  /** Every network the UI may show: the connectable ones, or the build's in a run that connects none (the offline demo). */
  knownDescriptors: readonly NetworkDescriptor[];
  /**
   * Whether Parvis can publish on this network: false when its connector has no `publish` (the
   * network allows posts, Parvis does not send them yet), null when this run has no connector.
   */
  connectorPublishes(network: string): boolean | null;
  /** The environment a network's descriptor runs its sign-in in. */
  networkEnvironment(network: string): NetworkEnvironment;
  developerApps: DeveloperApps;
  /** The desktop's own member. */
  me: Member;
  /** Tells the renderer the inbox changed. */
  changed(conversationIds: number[] | undefined, reason: EventPayload<'inbox.changed'>['reason']): void;
  /** Sets the snooze timer again after a snooze changed. */
  scheduleSnooze(): void;
  writeCredentials(accountId: number, credentials: Record<string, string>): Promise<void>;
  /** The connector of a network, when this run can reach it (null: offline demo, unknown network). */
  connectorFor(network: Network): Connector | null;
  /** An account's connector context with its credentials from the keychain (null: none stored). */
  accountContext(accountId: number): Promise<AccountContext | null>;
}
