/** Settings for Node (web mode, demo, tests) on `conf`, stored as JSON in the profile directory. */
import Conf from 'conf';
import { createSettingsStore, type SettingsStore } from './settings-store';

export function createConfSettingsStore(dataDir: string): SettingsStore {
  const conf = new Conf<Record<string, unknown>>({ projectName: 'parvis', cwd: dataDir, configName: 'settings' });
  return createSettingsStore({ get: (k) => conf.get(k), set: (k, v) => conf.set(k, v) });
}
