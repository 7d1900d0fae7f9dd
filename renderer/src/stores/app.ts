import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppInfo } from '../../../shared/contract';
import { api, type ConnectionState } from '../api';

/** What the app is (name, version, demo) and whether the link to the core is up. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const connection = ref<ConnectionState>('connecting');
  let watching = false;

  async function load(): Promise<void> {
    if (!watching) {
      watching = true;
      api.onConnectionChange((state) => {
        connection.value = state;
      });
    }
    info.value = await api.call('app.info', {});
  }

  return { info, connection, load };
});
