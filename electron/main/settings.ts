/** Settings in the desktop app: electron-store (JSON in userData), behind the core's SettingsStore. */
import Store from 'electron-store';
import { createSettingsStore, type SettingsStore } from '../core/settings/settings-store';

export function createElectronSettingsStore(): SettingsStore {
  const store = new Store<Record<string, unknown>>({ name: 'settings' });
  return createSettingsStore({ get: (k) => store.get(k), set: (k, v) => store.set(k, v) });
}
