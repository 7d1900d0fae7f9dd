/**
 * A network's descriptor: everything Parvis knows about one network, exported from its folder.
 *
 * The registry (connectors/index.ts) collects the descriptors; the core, the scheduler, the
 * outbox and, through `accounts.networks`, the renderer ask them instead of listing networks.
 * Adding a network is its folder plus one registry line (the way megalodon gives each server
 * family its own folder and VS Code registers providers by descriptor).
 */
import type { DeveloperAppInfo, ImageLimits, NetworkInfo, PUBLISH_KINDS, SignInField, SignInMethod, TextLimits } from '../../../shared/networks';
import type { QuotaPolicy } from '../sync/scheduler';
import type { OAuthFlow, SignInResult } from './sign-in';
import type { Capabilities, Connector } from './types';

/** A registered application of the user's (or of the build) for networks that need one. */
export interface DeveloperApp {
  clientId: string;
  clientSecret?: string;
}

/** What the core gives a descriptor to build its connector and run its sign-in. */
export interface NetworkEnvironment {
  /**
   * Where the network's fixed services are, when they are not the real ones: tests and the demo
   * point a network at a local server. Keys are the descriptor's own (`api`, `authorize`, …).
   */
  endpoints: Readonly<Record<string, string>>;
  /** The developer app in use for this network (the user's, the environment's, the build's), if any. */
  developerApp(): Promise<DeveloperApp | null>;
  /** Lets sign-ins be abandoned (the dialog closed). */
  signal?: AbortSignal;
}

/** A sign-in answered at once, or a browser flow to complete. */
export type SignInStart = { kind: 'done'; results: SignInResult[] } | { kind: 'browser'; flow: OAuthFlow };

/** One way to sign in to a network: its kind, its form, and how it starts. */
export interface SignInSpec {
  readonly method: SignInMethod;
  /** The form the user fills; its zod schema is `signInFieldsSchema(fields)` (shared/networks.ts). */
  readonly fields: readonly SignInField[];
  /** One sign-in may give several accounts (a chooser follows). */
  readonly yields: 'one' | 'several';
  /** The host of a fixed browser sign-in page, to tell the user where to look. */
  readonly browserHost?: string;
  /**
   * Starts a sign-in with the checked form. Password-like methods answer `done` with the
   * accounts; OAuth answers with the browser flow.
   */
  start(fields: Record<string, unknown>, env: NetworkEnvironment): Promise<SignInStart>;
}

export interface NetworkDescriptor {
  /** The network's id: its folder's name, stored with every account. */
  readonly id: string;
  /** The network's own name (a brand: not translated). */
  readonly displayName: string;
  readonly icon: NetworkInfo['icon'];
  /**
   * How an account signs in; `alternatives` are other ways, by their id (a mailbox: a password,
   * or OAuth where the provider requires it). Most networks have one way and no alternatives.
   */
  readonly signIn: SignInSpec & { readonly alternatives?: Readonly<Record<string, SignInSpec>> };
  /** The network needs a registered application (client id, and secret where it wants one). */
  readonly developerApp?: {
    readonly needsSecret: boolean;
    readonly consoleUrl: string;
    readonly redirectUri?: string;
    /** Environment variables that override the user's app (developers, packaged defaults). */
    readonly environment: { readonly clientId: string; readonly clientSecret?: string };
    /**
     * Another network whose app this one uses (Instagram uses the Meta app entered for Facebook):
     * one app, entered once, kept under that network's keychain entry.
     */
    readonly sharedWith?: string;
  };
  readonly capabilities: Capabilities;
  /**
   * Settings of a connected account the user may change without signing in again; the connector
   * reads them in `AccountContext.settings` at every call (absent: the field's default).
   */
  readonly accountSettings?: readonly SignInField[];
  readonly text: TextLimits;
  readonly publish: readonly (typeof PUBLISH_KINDS)[number][];
  /** A post needs a title there (an article, `publish: ['article']`): sent as `PublishRequest.title`. */
  readonly titleRequired?: boolean;
  /** Images in a post: what the network takes (present when `publish` has 'image'). */
  readonly images?: ImageLimits;
  /** A daily quota the scheduler plans polling against (YouTube's units). */
  readonly quota?: QuotaPolicy;
  /** Units one write (reply, moderation) costs on the quota. */
  readonly writeCostUnits?: number;
  /**
   * The network replays a write sent again with the same idempotency key (Mastodon's
   * Idempotency-Key): after a crash a `sending` row is simply sent again. Elsewhere the outbox
   * looks for the remote result first.
   */
  readonly idempotentWrites: boolean;
  /**
   * The network's own rules for contests run on its posts: `tagToEnter` when its terms forbid
   * making entrants tag (mention) other people (Meta's Pages and Instagram terms).
   */
  readonly contestRules?: { readonly tagToEnter: 'forbidden' };
  /** Builds the connector. Called once per core. */
  createConnector(env: NetworkEnvironment): Connector;
}

/**
 * The descriptor's public part, as `accounts.networks` sends it. `publishes` false: what the
 * network allows is not offered, because its connector cannot publish yet (the composer must not
 * offer a post that would fail).
 */
export function publicInfo(descriptor: NetworkDescriptor, developerApp: DeveloperAppInfo | null, connectable = true, publishes = true): NetworkInfo {
  const { capabilities } = descriptor;
  return {
    id: descriptor.id,
    displayName: descriptor.displayName,
    connectable,
    icon: descriptor.icon,
    signIn: {
      method: descriptor.signIn.method,
      fields: [...descriptor.signIn.fields],
      yields: descriptor.signIn.yields,
      browserHost: descriptor.signIn.browserHost ?? null,
      ...(descriptor.signIn.alternatives
        ? {
            alternatives: Object.entries(descriptor.signIn.alternatives).map(([id, spec]) => ({
              id,
              method: spec.method,
              fields: [...spec.fields],
              yields: spec.yields,
              browserHost: spec.browserHost ?? null,
            })),
          }
        : {}),
    },
    developerApp,
    capabilities: {
      maxReplyLength: capabilities.maxReplyLength,
      reply: capabilities.reply,
      directMessages: capabilities.directMessages,
      moderation: [...capabilities.moderation],
      unsupportedReasons: { ...capabilities.unsupportedReasons } as Record<string, string>,
      replyWindow: capabilities.replyWindow ?? null,
      privateReplies: capabilities.privateReplies ?? false,
      banDuration: capabilities.banDuration ? { ...capabilities.banDuration } : null,
    },
    text: descriptor.text,
    publish: publishes ? [...descriptor.publish] : [],
    ...(publishes && descriptor.titleRequired ? { titleRequired: true } : {}),
    ...(publishes && descriptor.images ? { images: descriptor.images } : {}),
    quota: descriptor.quota ? { unitsPerDay: descriptor.quota.limit, timeZone: descriptor.quota.timeZone } : null,
    ...(descriptor.accountSettings?.length ? { accountSettings: [...descriptor.accountSettings] } : {}),
  };
}

/**
 * Turns a sign-in that takes an `openBrowser` callback into a flow: the consent page first, the
 * result (one account, or several) later. A failure before the browser step (unknown server, app registration refused) is
 * the answer to `start`.
 */
export function browserFlow(run: (openBrowser: (url: string) => void, signal: AbortSignal) => Promise<SignInResult | SignInResult[]>): Promise<SignInStart> {
  const controller = new AbortController();
  return new Promise<SignInStart>((resolve, reject) => {
    let opened = false;
    const result = run((url) => {
      opened = true;
      resolve({ kind: 'browser', flow: { authorizeUrl: url, complete: () => result.then((r) => (Array.isArray(r) ? r : [r])), cancel: () => controller.abort() } });
    }, controller.signal);
    result.catch((err: unknown) => {
      if (!opened) reject(err);
    });
  });
}
