import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppInfo, Connectivity } from '../../../shared/contract';
import { api, type ConnectionState } from '../api';

/** What the app is (name, version, demo) and whether the link to the core is up. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const connection = ref<ConnectionState>('connecting');
  /** Whether the core can reach the networks (it notices by itself; see core/connectivity). */
  const networks = ref<Connectivity>({ online: true, since: 0 });
  let watching = false;

  async function load(): Promise<void> {
    if (!watching) {
      watching = true;
      api.onConnectionChange((state) => {
        connection.value = state;
      });
      api.on('app.connectivity', (state) => {
        networks.value = state;
      });
    }
    info.value = await api.call('app.info', {});
    networks.value = await api.call('app.connectivity', {});
  }

  /** "Retry now": asks the core to check the networks at once. */
  async function checkConnection(): Promise<void> {
    networks.value = await api.call('app.checkConnection', {});
  }

  return { info, connection, networks, load, checkConnection };
});
