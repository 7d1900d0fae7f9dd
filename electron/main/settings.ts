/** Settings in the desktop app: electron-store (JSON in userData), behind the core's SettingsStore. */
import Store from 'electron-store';
import type { Settings } from '../../shared/model';
import { createSettingsStore, type SettingsStore } from '../core/settings/settings-store';
import type { WindowStateBackend } from './window-state';

export interface ElectronStores {
  settings: SettingsStore;
  /** The window's place, beside the settings (not a setting the user edits). */
  windowState: WindowStateBackend;
}

/**
 * `onChange` hears every change the user makes (through the contract's settings.set), so that the
 * shell applies the desktop ones (login item, tray, updates, language of the tray) at once.
 */
export function createElectronStores(onChange: (next: Settings, patch: Partial<Settings>) => void): ElectronStores {
  const store = new Store<Record<string, unknown>>({ name: 'settings' });
  const settings = createSettingsStore({ get: (k) => store.get(k), set: (k, v) => store.set(k, v) });
  return {
    settings: {
      get: () => settings.get(),
      set(patch) {
        const next = settings.set(patch);
        onChange(next, patch);
        return next;
      },
    },
    windowState: { get: (k) => store.get(k), set: (k, v) => store.set(k, v) },
  };
}
