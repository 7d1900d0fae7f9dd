/**
 * Auto-update through electron-builder's updater (electron-updater), only when the user turned it
 * on (off by default) and only in a packaged app that was built with a `publish` target (which
 * writes resources/app-update.yml): it checks at start and every six hours, downloads in the
 * background and installs on quit, with the OS notification electron-updater shows.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app } from 'electron';
import electronUpdater from 'electron-updater';

const CHECK_EVERY_MS = 6 * 60 * 60 * 1000;

export interface AutoUpdates {
  setEnabled(enabled: boolean): void;
  stop(): void;
}

/** Why updates cannot run in this build, or null when they can. */
export function updatesUnavailable(): string | null {
  if (!app.isPackaged) return 'not a packaged app';
  if (!existsSync(join(process.resourcesPath, 'app-update.yml'))) return 'built without a publish target (electron-builder.yml)';
  return null;
}

export function createAutoUpdates(log: (message: string) => void): AutoUpdates {
  let timer: NodeJS.Timeout | null = null;
  const check = () => {
    // electron-updater is CommonJS: its named export is reached through the default import.
    electronUpdater.autoUpdater.checkForUpdatesAndNotify().catch((err: unknown) => log(`update check failed: ${err instanceof Error ? err.message : String(err)}`));
  };
  return {
    setEnabled(enabled) {
      if (timer) clearInterval(timer);
      timer = null;
      if (!enabled) return;
      const unavailable = updatesUnavailable();
      if (unavailable) {
        log(`automatic updates are on but cannot run: ${unavailable}`);
        return;
      }
      check();
      timer = setInterval(check, CHECK_EVERY_MS);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
