/**
 * Accounts: connecting them from their network's descriptor, pausing, polling, removing; the
 * developer apps some networks need.
 */
import { randomUUID } from 'node:crypto';
import type { ConnectChoice, ConnectOutcome } from '../../../shared/contract';
import type { Account } from '../../../shared/model';
import { signInFieldsSchema } from '../../../shared/networks';
import { publicInfo, type NetworkDescriptor } from '../connectors/descriptor';
import type { OAuthFlow, SignInResult } from '../connectors/sign-in';
import { createAccountRemoval, removeInSlices } from '../db/account-removal';
import { CoreError } from '../rpc';
import { accountSecretKey } from '../secrets/secret-store';
import type { DomainHandlers } from './context';
import type { CoreServices } from './services';

/**
 * Whether two server addresses name the same server: scheme and host without case, the default
 * port dropped, the path without its trailing slash. Addresses that are not URLs compare as written.
 */
export function sameServer(a: string, b: string): boolean {
  const canonical = (address: string): string => {
    try {
      const url = new URL(address.trim());
      return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}${url.search}`;
    } catch {
      return address.trim();
    }
  };
  return canonical(a) === canonical(b);
}

type AccountCalls =
  | 'accounts.list'
  | 'accounts.remove'
  | 'accounts.pause'
  | 'accounts.setLabel'
  | 'accounts.resume'
  | 'accounts.pollNow'
  | 'accounts.networks'
  | 'accounts.connect'
  | 'accounts.finishConnect'
  | 'accounts.choose'
  | 'accounts.cancelConnect'
  | 'accounts.setSettings'
  | 'developerApps.set'
  | 'developerApps.clear';

/** A sign-in in progress: waiting for the browser, or for the user to choose among several accounts. */
type Flow =
  | { step: 'browser'; descriptor: NetworkDescriptor; flow: OAuthFlow }
  | { step: 'choose'; descriptor: NetworkDescriptor; results: SignInResult[] };

/** Abandons every sign-in still in progress (the core is closing). */
export interface AccountHandlers extends DomainHandlers<AccountCalls> {
  closeFlows(): void;
  /** Goes on with the removals a previous run did not finish (at start). */
  resumeRemovals(log?: (message: string) => void): void;
  /** Stops removing between two slices (the core is closing); the next start goes on. */
  stopRemovals(): Promise<void>;
}

export function accountHandlers(s: CoreServices): AccountHandlers {
  const flows = new Map<string, Flow>();
  const removal = createAccountRemoval(s.db);
  /** Removals under way, by account: a second "remove" waits for the first. */
  const removals = new Map<number, Promise<void>>();
  let closing = false;

  const removeAccount = (accountId: number): Promise<void> => {
    const running = removals.get(accountId);
    if (running) return running;
    const done = (async () => {
      try {
        await removeInSlices(removal, accountId, {
          stop: () => closing,
          // The inbox shrinks as the slices go: the lists and counts follow every quarter second.
          onProgress: () => s.changed(undefined, 'account'),
        });
      } finally {
        removals.delete(accountId);
      }
      if (closing) return;
      s.scheduler?.refreshAccounts();
      s.changed(undefined, 'account');
    })();
    removals.set(accountId, done);
    return done;
  };
  const refuseWhileRemoving = (accountId: number) => {
    if (removal.isRemoving(accountId)) throw new CoreError('conflict', 'This account is being removed');
  };

  const descriptorFor = (network: string): NetworkDescriptor => {
    const descriptor = s.descriptors.find((d) => d.id === network);
    if (!descriptor) throw new CoreError('not-supported', `Parvis cannot connect ${network} accounts yet`);
    return descriptor;
  };

  const saveSignIn = async (network: string, result: SignInResult): Promise<Account> => {
    // Signing in again to a connected account repairs it, even when its server is written another
    // way (`bsky.social`, `https://BSKY.social/`): the same network, server and remote id is the same account.
    const known = s.accounts
      .listStored()
      .find((a) => a.network === network && a.remoteId === result.identity.remoteId && sameServer(a.serverUrl, result.serverUrl));
    const stored = s.accounts.upsert({
      network,
      serverUrl: known?.serverUrl ?? result.serverUrl,
      remoteId: result.identity.remoteId,
      handle: result.identity.handle,
      displayName: result.identity.name || result.identity.handle,
    });
    try {
      await s.writeCredentials(stored.id, result.credentials);
    } catch (err) {
      // No keychain, no account: never keep an account whose secrets could not be stored safely.
      if (stored.lastPollAt === null && stored.cursor === null) s.accounts.remove(stored.id);
      throw err;
    }
    s.accounts.updateSync(stored.id, { state: 'ok', lastError: null });
    s.scheduler?.refreshAccounts();
    if (s.scheduler) void s.scheduler.resume(stored.id);
    s.executor?.wake();
    s.changed(undefined, 'account');
    return s.accounts.list().find((a) => a.id === stored.id)!;
  };

  const choiceId = (result: SignInResult) => `${result.network ?? ''} ${result.serverUrl} ${result.identity.remoteId}`;
  /** The network an account of this sign-in belongs to: its own, when the sign-in gives several networks' accounts. */
  const networkOf = (descriptor: NetworkDescriptor, result: SignInResult): string => {
    const network = result.network ?? descriptor.id;
    if (!s.descriptors.some((d) => d.id === network)) throw new CoreError('not-supported', `Parvis cannot connect ${network} accounts yet`);
    return network;
  };

  /** One account is saved at once; several wait for the user's choice. */
  const conclude = async (descriptor: NetworkDescriptor, results: SignInResult[]): Promise<ConnectOutcome> => {
    if (results.length === 0) throw new CoreError('not-found', `This ${descriptor.displayName} sign-in gave no account Parvis can use`);
    if (results.length === 1 || descriptor.signIn.yields === 'one') {
      return { kind: 'connected', account: await saveSignIn(networkOf(descriptor, results[0]!), results[0]!) };
    }
    const flowId = randomUUID();
    flows.set(flowId, { step: 'choose', descriptor, results });
    const stored = s.accounts.listStored();
    const choices: ConnectChoice[] = results.map((r) => ({
      id: choiceId(r),
      name: r.identity.name || r.identity.handle,
      handle: r.identity.handle,
      network: r.network ?? descriptor.id,
      connected: stored.some((a) => a.network === (r.network ?? descriptor.id) && a.remoteId === r.identity.remoteId && a.serverUrl === r.serverUrl),
    }));
    return { kind: 'choose', flowId, choices };
  };

  const takeFlow = (flowId: string): Flow => {
    const flow = flows.get(flowId);
    if (!flow) throw new CoreError('not-found', 'This sign-in has expired: start again');
    return flow;
  };

  return {
    'accounts.list': () => s.accounts.list(),
    'accounts.remove': async ({ accountId }) => {
      s.accounts.require(accountId);
      // Secrets first: if the keychain fails, the account stays and the user can retry.
      await s.secrets.delete(accountSecretKey(accountId));
      // At once: no more polls, nothing more sent. Then what it holds goes a slice at a time.
      removal.begin(accountId);
      s.scheduler?.refreshAccounts();
      s.changed(undefined, 'account');
      await removeAccount(accountId);
      return { ok: true as const };
    },
    'accounts.setLabel': ({ accountId, label }) => {
      s.accounts.setLabel(accountId, label);
      s.changed(undefined, 'account');
      return s.accounts.list().find((a) => a.id === accountId)!;
    },
    'accounts.setSettings': ({ accountId, settings }) => {
      const account = s.accounts.require(accountId);
      const fields = descriptorFor(account.network).accountSettings ?? [];
      if (fields.length === 0 && Object.keys(settings).length > 0) throw new CoreError('invalid-input', `${account.network} accounts have no settings to change`);
      // Unknown names are refused (strict); empty values go back to the default.
      const checked = signInFieldsSchema(fields).parse(Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, v ?? ''])));
      const kept: Record<string, string | number | boolean> = {};
      for (const field of fields) {
        const value = field.name in settings ? checked[field.name] : account.settings?.[field.name];
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') kept[field.name] = value;
      }
      s.accounts.setSettings(accountId, kept);
      s.scheduler?.settingsChanged(accountId);
      s.changed(undefined, 'account');
      return s.accounts.list().find((a) => a.id === accountId)!;
    },
    'accounts.pause': ({ accountId }) => {
      s.accounts.require(accountId);
      refuseWhileRemoving(accountId);
      if (s.scheduler) s.scheduler.pause(accountId);
      else s.accounts.updateSync(accountId, { paused: true });
      s.changed(undefined, 'account');
      return { ok: true as const };
    },
    'accounts.resume': ({ accountId }) => {
      s.accounts.require(accountId);
      refuseWhileRemoving(accountId);
      if (s.scheduler) s.scheduler.resume(accountId);
      else s.accounts.updateSync(accountId, { paused: false });
      s.executor?.wake();
      s.changed(undefined, 'account');
      return { ok: true as const };
    },
    'accounts.pollNow': async ({ accountId }) => {
      s.accounts.require(accountId);
      refuseWhileRemoving(accountId);
      if (!s.scheduler) throw new CoreError('not-supported', 'Syncing is not available in this build');
      const checked = await s.scheduler.pollNow(accountId);
      const account = s.accounts.list().find((a) => a.id === accountId);
      if (!account) throw new CoreError('not-found', 'This account was removed while it was being checked');
      return { ok: true as const, checked, account };
    },
    'accounts.networks': async () =>
      Promise.all(s.knownDescriptors.map(async (d) => publicInfo(d, await s.developerApps.info(d.id), s.descriptors.includes(d), s.connectorPublishes(d.id) !== false))),
    'accounts.connect': async ({ network, method, fields }) => {
      const descriptor = descriptorFor(network);
      const alternatives = descriptor.signIn.alternatives ?? {};
      if (method !== undefined && !Object.hasOwn(alternatives, method)) throw new CoreError('invalid-input', `${network} has no sign-in “${method}”`);
      const spec = method === undefined ? descriptor.signIn : alternatives[method]!;
      // The network's own form, checked with the schema the renderer checks it with.
      const checked = signInFieldsSchema(spec.fields).parse(fields);
      const start = await spec.start(checked, s.networkEnvironment(network));
      if (start.kind === 'done') return conclude(descriptor, start.results);
      const flowId = randomUUID();
      flows.set(flowId, { step: 'browser', descriptor, flow: start.flow });
      return { kind: 'browser' as const, flowId, authorizeUrl: start.flow.authorizeUrl };
    },
    'accounts.finishConnect': async ({ flowId }) => {
      const entry = takeFlow(flowId);
      if (entry.step !== 'browser') throw new CoreError('conflict', 'This sign-in is waiting for a choice of accounts');
      try {
        return await conclude(entry.descriptor, await entry.flow.complete());
      } finally {
        flows.delete(flowId);
      }
    },
    'accounts.choose': async ({ flowId, choiceIds }) => {
      const entry = takeFlow(flowId);
      if (entry.step !== 'choose') throw new CoreError('conflict', 'This sign-in has not finished in the browser yet');
      const chosen = entry.results.filter((r) => choiceIds.includes(choiceId(r)));
      if (chosen.length !== new Set(choiceIds).size) throw new CoreError('not-found', 'An account chosen is not among those this sign-in gave');
      const saved: Account[] = [];
      for (const result of chosen) saved.push(await saveSignIn(networkOf(entry.descriptor, result), result));
      flows.delete(flowId);
      return saved;
    },
    'accounts.cancelConnect': ({ flowId }) => {
      const entry = flows.get(flowId);
      if (entry?.step === 'browser') entry.flow.cancel();
      flows.delete(flowId);
      return { ok: true as const };
    },
    'developerApps.set': ({ network, clientId, clientSecret }) => {
      descriptorFor(network);
      return s.developerApps.set(network, { clientId, ...(clientSecret ? { clientSecret } : {}) });
    },
    'developerApps.clear': ({ network }) => {
      descriptorFor(network);
      return s.developerApps.clear(network);
    },
    closeFlows() {
      for (const entry of flows.values()) if (entry.step === 'browser') entry.flow.cancel();
      flows.clear();
    },
    resumeRemovals(log) {
      // A slice that fails (a full disk) leaves the store as it was; the next start tries again.
      for (const accountId of removal.pending()) void removeAccount(accountId).catch((err) => log?.(`removing account ${accountId}: ${String(err)}`));
    },
    async stopRemovals() {
      closing = true;
      await Promise.allSettled([...removals.values()]);
    },
  };
}
