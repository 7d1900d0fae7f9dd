/**
 * Settings that are not data (language, theme, intervals): electron-store in the app, `conf` in
 * Node (web mode, tests). Both implement this interface; values are validated with the contract's schema.
 */
import { DEFAULT_SETTINGS, Settings } from '../../../shared/model';

export interface SettingsStore {
  get(): Settings;
  set(patch: Partial<Settings>): Settings;
}

/** Anything with get/set of a key, like `conf` and `electron-store`. */
export interface KeyValueBackend {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** Validates on read (a hand-edited file cannot break the app) and on write. */
export function createSettingsStore(backend: KeyValueBackend): SettingsStore {
  const read = (): Settings => {
    const parsed = Settings.partial().safeParse(backend.get('settings') ?? {});
    return { ...DEFAULT_SETTINGS, ...(parsed.success ? parsed.data : {}) };
  };
  return {
    get: read,
    set(patch) {
      const next = Settings.parse({ ...read(), ...patch });
      backend.set('settings', next);
      return next;
    },
  };
}

/** In-memory backend, for unit tests. */
export function memoryBackend(): KeyValueBackend {
  const values = new Map<string, unknown>();
  return { get: (k) => values.get(k), set: (k, v) => void values.set(k, v) };
}
