/** What the app is, whether the networks can be reached, and the settings. */
import { schemaVersion } from '../db/migrate';
import type { DomainHandlers } from './context';
import type { CoreServices } from './services';

export interface AppFacts {
  name: string;
  version: string;
  demo: boolean;
  shell: 'electron' | 'web';
  systemLocale?: string;
}

export function appHandlers(
  s: CoreServices,
  facts: AppFacts,
): DomainHandlers<'app.info' | 'app.connectivity' | 'app.checkConnection' | 'settings.get' | 'settings.set'> {
  return {
    'app.info': () => ({
      name: facts.name,
      version: facts.version,
      demo: facts.demo,
      shell: facts.shell,
      platform: process.platform,
      systemLocale: facts.systemLocale ?? Intl.DateTimeFormat().resolvedOptions().locale,
      schemaVersion: schemaVersion(s.db),
    }),
    'app.connectivity': () => s.connectivity.state(),
    'app.checkConnection': async () => {
      await s.connectivity.probeNow();
      return s.connectivity.state();
    },
    'settings.get': () => s.settings.get(),
    'settings.set': (patch) => {
      const next = s.settings.set(patch);
      if (patch.pollIntervalSeconds !== undefined) s.scheduler?.intervalsChanged();
      return next;
    },
  };
}
