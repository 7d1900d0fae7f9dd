import { defineStore } from 'pinia';
import { ref } from 'vue';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/model';
import { api } from '../api';
import { useToastsStore } from './toasts';

/** The user's settings (language, theme…), read from and written to the core. */
export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings>({ ...DEFAULT_SETTINGS });
  const loaded = ref(false);

  async function load(): Promise<void> {
    settings.value = await api.call('settings.get', {});
    loaded.value = true;
  }

  /** Applies at once, then saves; a refused change is rolled back and explained. */
  async function update(change: Partial<Settings>): Promise<void> {
    const before = settings.value;
    settings.value = { ...before, ...change };
    try {
      settings.value = await api.call('settings.set', change);
    } catch (error) {
      settings.value = before;
      useToastsStore().pushError(error, 'actions.saveSettings');
    }
  }

  return { settings, loaded, load, update };
});
