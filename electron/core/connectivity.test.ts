import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBlueskyServer, type BlueskyServer } from '../../e2e/networks/bluesky';
import { startMastodonServer, type MastodonServer } from '../../e2e/networks/mastodon';
import { startNetworkLink, type NetworkLink } from '../../e2e/crash/network-link';
import type { Account } from '../../shared/model';
import { createCore, type Core } from './app';
import { ConnectivityMonitor, gotNoAnswer, probeServers, reportingRegistry, type Connectivity } from './connectivity';
import { createNetworkRegistry } from './connectors';
import { ConnectorError } from './connectors/types';
import { dispatch } from './rpc';
import { MemorySecretStore } from './secrets/secret-store';
import { createSettingsStore, memoryBackend } from './settings/settings-store';

/** Timers a test fires by hand. */
function manualTimers() {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let next = 1;
  return {
    timers: {
      setTimeout: (callback: () => void, ms: number) => {
        pending.set(next, { callback, ms });
        return next++;
      },
      clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    },
    pending,
    fireAll() {
      const due = [...pending.values()];
      pending.clear();
      for (const t of due) t.callback();
    },
  };
}

const noAnswer = () => new ConnectorError('network', 'GET https://mastodon.example/api: ECONNREFUSED');
const A = 'https://mastodon.example';
const B = 'https://bsky.example';
const C = 'https://www.googleapis.example';

describe('ConnectivityMonitor', () => {
  it('goes offline after requests in a row get no answer from several servers, and says since when', () => {
    let clock = 1_000;
    const changes: Connectivity[] = [];
    const monitor = new ConnectivityMonitor({ now: () => clock, timers: manualTimers().timers, probe: async () => false });
    monitor.onChange((s) => changes.push(s));
    monitor.report(A);
    monitor.report(B);
    monitor.report(C);
    clock = 2_000;
    monitor.report(A, noAnswer());
    monitor.report(B, noAnswer());
    expect(monitor.state().online).toBe(true);
    clock = 3_000;
    monitor.report(C, noAnswer());
    expect(changes).toEqual([{ online: false, since: 3_000 }]);
    expect(monitor.state()).toEqual({ online: false, since: 3_000 });
  });

  it('stays online when one server is down but another answers, or when only one of several servers fails', () => {
    const monitor = new ConnectivityMonitor({ timers: manualTimers().timers, probe: async () => false });
    for (const server of [A, B, C]) monitor.report(server);
    for (let i = 0; i < 10; i++) {
      monitor.report(A, noAnswer());
      if (i % 3 === 2) monitor.report(B);
    }
    expect(monitor.state().online).toBe(true);
    // Only A fails, many times in a row: an instance down, not the machine offline.
    for (let i = 0; i < 10; i++) monitor.report(A, noAnswer());
    expect(monitor.state().online).toBe(true);
  });

  it('counts a 5xx, a 401 or a 429 as an answer: the machine is online', () => {
    expect(gotNoAnswer(new ConnectorError('network', '503', null, 503))).toBe(false);
    expect(gotNoAnswer(new ConnectorError('auth', '401', null, 401))).toBe(false);
    expect(gotNoAnswer(new ConnectorError('rate-limited', '429', 1000, 429))).toBe(false);
    expect(gotNoAnswer(new ConnectorError('network', 'getaddrinfo ENOTFOUND mastodon.example'))).toBe(true);
    expect(gotNoAnswer(new Error('anything else'))).toBe(false);
  });

  it('with a single server, goes offline after the failures in a row alone', () => {
    const monitor = new ConnectivityMonitor({ timers: manualTimers().timers, probe: async () => false });
    for (let i = 0; i < 3; i++) monitor.report(A, noAnswer());
    expect(monitor.state().online).toBe(false);
  });

  it('probes while offline, and is back online at the first answer or successful probe', async () => {
    const timers = manualTimers();
    let reachable = false;
    const probed: string[][] = [];
    let clock = 10;
    const monitor = new ConnectivityMonitor({
      now: () => clock,
      timers: timers.timers,
      probeIntervalMs: 15_000,
      probe: async (servers) => {
        probed.push([...servers]);
        return reachable;
      },
    });
    const changes: Connectivity[] = [];
    monitor.onChange((s) => changes.push(s));
    for (const server of [A, B, A]) monitor.report(server, noAnswer());
    expect(monitor.state().online).toBe(false);
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([15_000]);
    timers.fireAll();
    await new Promise((r) => setImmediate(r));
    expect(probed).toEqual([[A, B]]);
    expect(monitor.state().online).toBe(false);
    expect(timers.pending.size).toBe(1); // probing again later
    reachable = true;
    clock = 20;
    timers.fireAll();
    await new Promise((r) => setImmediate(r));
    expect(monitor.state()).toEqual({ online: true, since: 20 });
    expect(timers.pending.size).toBe(0);
    // An answer also brings it back, at once.
    for (const server of [A, B, A]) monitor.report(server, noAnswer());
    clock = 30;
    monitor.report(B);
    expect(changes.map((c) => c.online)).toEqual([false, true, false, true]);
    expect(monitor.state().since).toBe(30);
    expect(await monitor.probeNow()).toBe(true);
    expect(probed).toHaveLength(2); // online: nothing to probe
  });

  it('probes real servers with a TCP connection', async () => {
    const server = await startMastodonServer();
    expect(await probeServers([server.url])).toBe(true);
    await server.close();
    expect(await probeServers([server.url])).toBe(false);
    expect(await probeServers(['not a url'])).toBe(false);
  });
});

describe('offline and back online, with the real connectors and local servers', () => {
  let mastodon: MastodonServer;
  let bluesky: BlueskyServer;
  let links: NetworkLink[] = [];
  let core: Core | null = null;
  let dataDir = '';

  afterEach(async () => {
    await core?.close();
    core = null;
    for (const link of links) await link.close();
    links = [];
    await Promise.all([mastodon?.close(), bluesky?.close()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function waitFor(what: string, check: () => boolean, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`${what}: not after ${ms} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('notices the networks are gone, keeps the queued replies alive, and delivers them when they are back', { timeout: 60_000 }, async () => {
    mastodon = await startMastodonServer();
    bluesky = await startBlueskyServer();
    // The machine's connection to both servers: cutting it is going offline.
    links = [await startNetworkLink({ target: mastodon.url }), await startNetworkLink({ target: bluesky.url })];
    const [mastodonLink, blueskyLink] = links as [NetworkLink, NetworkLink];
    const monitor = new ConnectivityMonitor({ probeIntervalMs: 100 });
    const networks = { endpoints: { bluesky: { service: blueskyLink.url } } };
    dataDir = mkdtempSync(join(tmpdir(), 'parvis-offline-'));
    const c = createCore({
      dataDir,
      secrets: new MemorySecretStore(),
      settings: createSettingsStore(memoryBackend()),
      shell: 'web',
      myName: 'Alex',
      // The wiring the composition root does (see the report's app.ts change).
      registry: reportingRegistry(createNetworkRegistry(networks), monitor),
      networks,
      syncOptions: { backoff: { baseMs: 50, capMs: 200 }, hasMoreDelayMs: 10 },
      // Two failed attempts make an ordinary failure dead; an outage must not.
      outboxOptions: { backoff: { baseMs: 50, capMs: 200 }, maxAttempts: 2 },
    });
    core = c;
    const changes: Connectivity[] = [];
    monitor.onChange((state) => {
      changes.push(state);
      if (!state.online) return;
      c.executor!.wake();
      for (const account of c.accounts.listStored()) if (!account.paused && account.state !== 'needs-sign-in') void c.scheduler!.pollNow(account.id);
    });
    const call = async <T>(name: string, input: unknown): Promise<T> => {
      const answer = await dispatch(c.handlers, name, input);
      if (!answer.ok) throw new Error(`${name}: ${answer.error.kind} ${answer.error.message}`);
      return answer.value as T;
    };

    // Connected and polling while online.
    const start = await call<{ flowId: string; authorizeUrl: string }>('accounts.connect', { network: 'mastodon', fields: { server: mastodonLink.url } });
    const finishing = call<{ account: Account }>('accounts.finishConnect', { flowId: start.flowId }).then((outcome) => outcome.account);
    await (await fetch(start.authorizeUrl)).arrayBuffer();
    const mastodonAccount = await finishing;
    const { account: blueskyAccount } = await call<{ account: Account }>('accounts.connect', {
      network: 'bluesky',
      fields: { server: blueskyLink.url, handle: bluesky.control.account.handle, password: bluesky.control.account.password },
    });
    mastodon.control.addMention({ from: 'alice', text: 'Bonjour, une question sur ma commande' });
    const post = bluesky.control.addOwnPost('Notre nouvelle version est là !');
    bluesky.control.addReply(post.uri, { text: 'Bravo !' });
    for (const account of [mastodonAccount, blueskyAccount]) await call('accounts.pollNow', { accountId: account.id });
    const inbox = await call<{ items: { id: number; network: string }[] }>('inbox.list', { filter: {}, limit: 10 });
    expect(inbox.items).toHaveLength(2);
    expect(monitor.state().online).toBe(true);

    // The connection drops. The manager keeps answering: the replies wait in the outbox.
    await mastodonLink.cut();
    await blueskyLink.cut();
    for (const conversation of inbox.items) await call('reply.send', { conversationId: conversation.id, text: `Merci, on s'en occupe (${conversation.network})` });
    await waitFor('offline noticed', () => !monitor.state().online);
    expect(changes[0]).toMatchObject({ online: false });
    // Offline for a while: deliveries keep failing, more times than an ordinary failure may.
    const outbox = () => c.db.prepare(`SELECT state, attempts FROM outbox ORDER BY id`).all() as { state: string; attempts: number }[];
    await waitFor('a long outage', () => outbox().every((r) => r.attempts >= 3 || r.state === 'dead'), 30_000);
    for (const account of [mastodonAccount, blueskyAccount]) await call('accounts.pollNow', { accountId: account.id });
    // Still waiting (`failed` between tries, `sending` during one), never given up on.
    for (const row of outbox()) expect(['failed', 'sending']).toContain(row.state);
    const accounts = await call<Account[]>('accounts.list', {});
    expect(accounts.map((a) => a.state)).toEqual(['ok', 'ok']); // offline is not an account error
    expect(mastodon.control.state().posted.filter((p) => p.inReplyToId !== null)).toHaveLength(0);

    // Back online: the probe notices, the outbox delivers, new activity comes in.
    mastodon.control.addMention({ from: 'bob', text: 'Vous êtes là ?' });
    await mastodonLink.restore();
    await blueskyLink.restore();
    await waitFor('back online', () => monitor.state().online);
    await waitFor('replies delivered', () => (c.db.prepare(`SELECT count(*) AS n FROM outbox WHERE state = 'sent'`).get() as { n: number }).n === 2);
    await waitFor('new mention polled', () => (c.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n >= 5);
    expect(changes.map((s) => s.online)).toEqual([false, true]);
    expect(changes[1]!.since).toBeGreaterThanOrEqual(changes[0]!.since);
    // Each reply reached its network once.
    expect(mastodon.control.state().posted.filter((p) => p.text.includes('Merci'))).toHaveLength(1);
    expect(bluesky.control.state().posts.filter((p) => p.text.includes('Merci'))).toHaveLength(1);
  });
});
