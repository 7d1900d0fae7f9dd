/** Where the profile lives when no --data-dir is given (the same place Electron's userData uses). */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.PARVIS_DATA_DIR) return env.PARVIS_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Parvis');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Parvis');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Parvis');
}
