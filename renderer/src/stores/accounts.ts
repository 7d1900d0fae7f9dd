import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { CallOutput, SyncStatus } from '../../../shared/contract';
import type { NetworkInfo, TextLimits } from '../../../shared/networks';
import { FALLBACK_TEXT, fallbackLook } from '../inbox/networks';
import type { Account, Id } from '../../../shared/model';
import { api } from '../api';
import { useToastsStore } from './toasts';

/** Connected accounts, their live sync state, and what the user does to them. */
export const useAccountsStore = defineStore('accounts', () => {
  const toasts = useToastsStore();
  const accounts = ref<Account[]>([]);
  const loaded = ref(false);
  /** Accounts whose poll is running now (from `sync.status`). */
  const polling = ref(new Set<Id>());
  /** Accounts with a pause, resume, check or removal on its way to the core. */
  const busy = ref(new Set<Id>());
  /** The networks this build can connect (`accounts.networks`: their descriptors' public part), read at start. */
  const networks = ref<NetworkInfo[]>([]);
  const networksLoaded = ref(false);

  const byId = computed(() => new Map(accounts.value.map((a) => [a.id, a])));
  const networkById = computed(() => new Map(networks.value.map((n) => [n.id, n])));

  /** A network's descriptor, when this build has one. */
  function networkInfo(id: string): NetworkInfo | undefined {
    return networkById.value.get(id);
  }
  /** How a network looks (its glyph and color). */
  function lookOf(id: string): NetworkInfo['icon'] {
    return networkById.value.get(id)?.icon ?? fallbackLook(id);
  }
  /** How long a reply may be on a network, and how the network counts it. */
  function textOf(id: string): TextLimits {
    return networkById.value.get(id)?.text ?? FALLBACK_TEXT;
  }

  /** Accounts the user must act on (sign in again, look at an error). */
  const needingAttention = computed(() => accounts.value.filter((a) => a.state === 'needs-sign-in' || a.state === 'error'));

  async function load(): Promise<void> {
    accounts.value = await api.call('accounts.list', {});
    loaded.value = true;
  }

  async function loadNetworks(): Promise<void> {
    networks.value = await api.call('accounts.networks', {});
    networksLoaded.value = true;
  }

  /** Folds a `sync.status` event into the account it is about. */
  function applyStatus(status: SyncStatus): void {
    const next = new Set(polling.value);
    if (status.polling) next.add(status.accountId);
    else next.delete(status.accountId);
    polling.value = next;
    if (!byId.value.has(status.accountId)) {
      // An account this window has not seen yet (added elsewhere): read the list again.
      void load().catch(() => {});
      return;
    }
    accounts.value = accounts.value.map((a) =>
      a.id === status.accountId
        ? { ...a, state: status.state, lastPollAt: status.lastPollAt, nextPollAt: status.nextPollAt, lastError: status.lastError, rateLimit: status.rateLimit }
        : a,
    );
  }

  function patch(id: Id, change: Partial<Account>): void {
    accounts.value = accounts.value.map((a) => (a.id === id ? { ...a, ...change } : a));
  }

  function setBusy(id: Id, on: boolean): void {
    const next = new Set(busy.value);
    if (on) next.add(id);
    else next.delete(id);
    busy.value = next;
  }

  /** Runs one account action: marks the account busy, explains a failure, then reads the truth. */
  async function run(id: Id, whatKey: string, call: () => Promise<unknown>): Promise<boolean> {
    setBusy(id, true);
    try {
      await call();
      return true;
    } catch (failure) {
      toasts.pushError(failure, whatKey);
      return false;
    } finally {
      setBusy(id, false);
      await load().catch(() => {});
    }
  }

  /** Stops polling an account; shown paused at once. */
  function pause(id: Id): Promise<boolean> {
    patch(id, { state: 'paused', nextPollAt: null });
    return run(id, 'actions.pauseAccount', () => api.call('accounts.pause', { accountId: id }));
  }

  /** Polls an account again (also retries one that needed to sign in). */
  function resume(id: Id): Promise<boolean> {
    patch(id, { state: 'ok' });
    return run(id, 'actions.resumeAccount', () => api.call('accounts.resume', { accountId: id }));
  }

  /**
   * Checks an account now; resolves once the poll is done with its outcome (whether it ran, and the
   * account as it stands after it), or null when the call itself failed (already explained).
   */
  async function pollNow(id: Id): Promise<CallOutput<'accounts.pollNow'> | null> {
    let outcome: CallOutput<'accounts.pollNow'> | null = null;
    await run(id, 'actions.pollAccount', async () => {
      outcome = await api.call('accounts.pollNow', { accountId: id });
    });
    return outcome;
  }

  /** Names an account in Parvis (blank: back to the network's name); shown everywhere at once. */
  function setLabel(id: Id, label: string): Promise<boolean> {
    const trimmed = label.trim();
    patch(id, { label: trimmed === '' ? null : trimmed });
    return run(id, 'actions.renameAccount', () => api.call('accounts.setLabel', { accountId: id, label: trimmed === '' ? null : trimmed }));
  }

  /** Saves an account's settings (its network's `accountSettings`); an empty value goes back to the default. */
  function setSettings(id: Id, settings: Record<string, string | number | boolean | null>): Promise<boolean> {
    return run(id, 'actions.accountSettings', () => api.call('accounts.setSettings', { accountId: id, settings }));
  }

  /** The name of an account wherever it is shown: the user's label, else the network's name, else the handle. */
  function nameOf(account: Pick<Account, 'label' | 'displayName' | 'handle'>): string {
    return account.label || account.displayName || account.handle;
  }

  /** The name of an account by id, for places that only know the id (the open conversation). */
  function nameById(id: Id, fallback: Pick<Account, 'displayName' | 'handle'>): string {
    const account = byId.value.get(id);
    return account ? nameOf(account) : fallback.displayName || fallback.handle;
  }

  /** Removes an account, its conversations and its secrets; gone from the list at once. */
  async function remove(id: Id): Promise<boolean> {
    setBusy(id, true);
    try {
      await api.call('accounts.remove', { accountId: id });
      accounts.value = accounts.value.filter((a) => a.id !== id);
      return true;
    } catch (failure) {
      toasts.pushError(failure, 'actions.removeAccount');
      return false;
    } finally {
      setBusy(id, false);
      await load().catch(() => {});
    }
  }

  return { accounts, loaded, polling, busy, networks, networksLoaded, byId, needingAttention, networkInfo, lookOf, textOf, nameOf, nameById, load, loadNetworks, applyStatus, pause, resume, pollNow, setLabel, setSettings, remove };
});
