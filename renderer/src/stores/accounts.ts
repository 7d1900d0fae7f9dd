import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SyncStatus } from '../../../shared/contract';
import type { Account, Id } from '../../../shared/model';
import { api } from '../api';

/** Connected accounts and their live sync state. */
export const useAccountsStore = defineStore('accounts', () => {
  const accounts = ref<Account[]>([]);
  const loaded = ref(false);
  /** Accounts whose poll is running now (from `sync.status`). */
  const polling = ref(new Set<Id>());

  const byId = computed(() => new Map(accounts.value.map((a) => [a.id, a])));
  /** Accounts the user must act on (sign in again, look at an error). */
  const needingAttention = computed(() => accounts.value.filter((a) => a.state === 'needs-sign-in' || a.state === 'error'));

  async function load(): Promise<void> {
    accounts.value = await api.call('accounts.list', {});
    loaded.value = true;
  }

  /** Folds a `sync.status` event into the account it is about. */
  function applyStatus(status: SyncStatus): void {
    const next = new Set(polling.value);
    if (status.polling) next.add(status.accountId);
    else next.delete(status.accountId);
    polling.value = next;
    if (!byId.value.has(status.accountId)) {
      // An account this window has not seen yet (added elsewhere): read the list again.
      void load();
      return;
    }
    accounts.value = accounts.value.map((a) =>
      a.id === status.accountId
        ? { ...a, state: status.state, lastPollAt: status.lastPollAt, nextPollAt: status.nextPollAt, lastError: status.lastError, rateLimit: status.rateLimit }
        : a,
    );
  }

  return { accounts, loaded, polling, byId, needingAttention, load, applyStatus };
});
