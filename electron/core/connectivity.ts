/**
 * Whether Parvis can reach the networks: offline is normal for a desktop app, and the user should
 * see it (a banner, replies "waiting for the connection") instead of a storm of per-account errors.
 *
 * The signal comes from what the app does anyway: every connector call (polls by the scheduler,
 * deliveries by the outbox, token refreshes) reports whether its server answered. Any answer
 * (even a 4xx or 5xx) means the machine is online; a request that got no answer at all (connection
 * refused, DNS failure, timeout, unreachable network) is a sign of being offline. Parvis is
 * declared offline after `failuresToGoOffline` such failures in a row with no answer in between,
 * spread over at least two servers when the user has accounts on several (one instance down is not
 * the machine offline). While offline it probes the servers it knows (a TCP connection, no request)
 * every `probeIntervalMs`, and is back online at the first answer or successful probe; `probeNow()`
 * lets the shell check at once (the OS reports a network change, the user clicks "retry").
 *
 * The core announces each change as the `app.connectivity` event and, when back online, wakes the
 * outbox and polls the accounts at once instead of waiting for their backoff.
 */
import { connect } from 'node:net';
import type { ConnectorRegistry } from './connectors/registry';
import { ConnectorError, type AccountContext, type Connector } from './connectors/types';

/** What the renderer is told. */
export interface Connectivity {
  online: boolean;
  /** When this state began, epoch ms. */
  since: number;
}

/** Timer functions, injected so that tests drive time. */
export interface ConnectivityTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ConnectivityMonitorOptions {
  now?: () => number;
  /** Requests without an answer in a row before Parvis says it is offline. Default 3. */
  failuresToGoOffline?: number;
  /** How often the servers are probed while offline. Default 15 s. */
  probeIntervalMs?: number;
  /**
   * Tries to reach the servers; true when one of them accepts a connection. Default: a TCP
   * connection to each host's port, 3 s at most.
   */
  probe?: (servers: readonly string[]) => Promise<boolean>;
  timers?: ConnectivityTimers;
}

const realTimers: ConnectivityTimers = {
  // Probing alone must not keep the process alive.
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The host:port of a server URL (the default port of its scheme when it has none), or null. */
export function serverAddress(serverUrl: string): { host: string; port: number } | null {
  try {
    const url = new URL(serverUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return { host, port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80 };
  } catch {
    return null;
  }
}

/** True when one of the servers accepts a TCP connection within `timeoutMs`. */
export function probeServers(servers: readonly string[], timeoutMs = 3_000): Promise<boolean> {
  const addresses = servers.map(serverAddress).filter((a): a is { host: string; port: number } => a !== null);
  if (addresses.length === 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    let pending = addresses.length;
    let done = false;
    const finish = (reached: boolean) => {
      if (done) return;
      if (reached) {
        done = true;
        resolve(true);
      } else if (--pending === 0) {
        done = true;
        resolve(false);
      }
    };
    for (const { host, port } of addresses) {
      const socket = connect({ host, port });
      socket.setTimeout(timeoutMs);
      socket.once('connect', () => {
        socket.destroy();
        finish(true);
      });
      socket.once('timeout', () => {
        socket.destroy();
        finish(false);
      });
      socket.once('error', () => finish(false));
    }
  });
}

/**
 * True when a connector error means the request got no answer at all (the server was never
 * reached, or never answered): a ConnectorError `network` without an HTTP status. A 5xx is also a
 * `network` error, but it is an answer: the machine is online.
 */
export function gotNoAnswer(err: unknown): boolean {
  return err instanceof ConnectorError && err.kind === 'network' && err.status === null;
}

/** Follows what the connectors report and says whether Parvis is online. */
export class ConnectivityMonitor {
  private readonly now: () => number;
  private readonly failuresToGoOffline: number;
  private readonly probeIntervalMs: number;
  private readonly probe: (servers: readonly string[]) => Promise<boolean>;
  private readonly timers: ConnectivityTimers;
  private readonly listeners = new Set<(state: Connectivity) => void>();
  /** Every server a request went to, for the probe. */
  private readonly servers = new Set<string>();
  /** The requests without an answer since the last answer, by server. */
  private failedRun: string[] = [];
  private current: Connectivity;
  private probeTimer: unknown = null;
  private probing: Promise<boolean> | null = null;
  private stopped = false;

  constructor(options: ConnectivityMonitorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.failuresToGoOffline = Math.max(1, options.failuresToGoOffline ?? 3);
    this.probeIntervalMs = options.probeIntervalMs ?? 15_000;
    this.probe = options.probe ?? ((servers) => probeServers(servers));
    this.timers = options.timers ?? realTimers;
    this.current = { online: true, since: this.now() };
  }

  /** The current state. */
  state(): Connectivity {
    return { ...this.current };
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  onChange(listener: (state: Connectivity) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A request to `serverUrl` got an answer (any HTTP status). */
  reportAnswer(serverUrl: string): void {
    this.servers.add(serverUrl);
    this.failedRun = [];
    this.setOnline(true);
  }

  /** A request to `serverUrl` got no answer (refused, unresolvable, timed out). */
  reportNoAnswer(serverUrl: string): void {
    this.servers.add(serverUrl);
    this.failedRun.push(serverUrl);
    if (!this.current.online) return;
    const distinct = new Set(this.failedRun).size;
    const spread = Math.min(2, this.servers.size);
    if (this.failedRun.length >= this.failuresToGoOffline && distinct >= spread) this.setOnline(false);
  }

  /** Reports how a connector call ended: resolved, or failed with `err`. */
  report(serverUrl: string, err?: unknown): void {
    if (err !== undefined && gotNoAnswer(err)) this.reportNoAnswer(serverUrl);
    else this.reportAnswer(serverUrl);
  }

  /**
   * Checks now whether a known server can be reached (when offline; online, there is nothing to
   * check) and returns whether Parvis is online afterwards.
   */
  async probeNow(): Promise<boolean> {
    if (this.current.online || this.stopped) return this.current.online;
    if (!this.probing) {
      this.probing = this.probe([...this.servers])
        .catch(() => false)
        .finally(() => {
          this.probing = null;
        });
    }
    const reached = await this.probing;
    if (reached && !this.current.online && !this.stopped) {
      this.failedRun = [];
      this.setOnline(true);
    }
    return this.current.online;
  }

  /** Stops probing (the core is closing). */
  stop(): void {
    this.stopped = true;
    this.cancelProbe();
    this.listeners.clear();
  }

  private setOnline(online: boolean): void {
    if (this.current.online === online || this.stopped) return;
    this.current = { online, since: this.now() };
    if (online) this.cancelProbe();
    else this.scheduleProbe();
    for (const listener of [...this.listeners]) {
      try {
        listener(this.state());
      } catch {
        // One listener failing must not keep the others from hearing about it.
      }
    }
  }

  private scheduleProbe(): void {
    this.cancelProbe();
    if (this.stopped) return;
    this.probeTimer = this.timers.setTimeout(() => {
      this.probeTimer = null;
      void this.probeNow().then((online) => {
        if (!online) this.scheduleProbe();
      });
    }, this.probeIntervalMs);
  }

  private cancelProbe(): void {
    if (this.probeTimer !== null) this.timers.clearTimeout(this.probeTimer);
    this.probeTimer = null;
  }
}

const REPORTED_METHODS = ['verify', 'poll', 'reply', 'moderate', 'findReply', 'refreshCredentials'] as const;

/**
 * The same connector, reporting to `monitor` whether each call to its server got an answer.
 * Nothing else changes: results and errors pass through untouched.
 */
export function reportingConnector(connector: Connector, monitor: ConnectivityMonitor): Connector {
  const wrapped = Object.create(connector) as Connector;
  const methods = wrapped as unknown as Record<string, unknown>;
  for (const method of REPORTED_METHODS) {
    const original = (connector as unknown as Record<string, unknown>)[method];
    if (typeof original !== 'function') continue;
    methods[method] = async (ctx: AccountContext, ...rest: unknown[]) => {
      try {
        const result = await (original as (...args: unknown[]) => Promise<unknown>).call(connector, ctx, ...rest);
        monitor.report(ctx.serverUrl);
        return result;
      } catch (err) {
        monitor.report(ctx.serverUrl, err);
        throw err;
      }
    };
  }
  return wrapped;
}

/** A registry whose connectors report to `monitor` (see `reportingConnector`). */
export function reportingRegistry(registry: ConnectorRegistry, monitor: ConnectivityMonitor): ConnectorRegistry {
  const wrappedConnectors = new Map<string, Connector>();
  const reporting = Object.create(registry) as ConnectorRegistry;
  reporting.get = (network) => {
    let connector = wrappedConnectors.get(network);
    if (!connector) {
      connector = reportingConnector(registry.get(network), monitor);
      wrappedConnectors.set(network, connector);
    }
    return connector;
  };
  return reporting;
}
