/**
 * "Start Parvis when I log in". macOS and Windows have a login item API (app.setLoginItemSettings);
 * Linux desktops follow the XDG autostart specification: a .desktop file in ~/.config/autostart.
 * Started at login, Parvis gets `--hidden` and stays in the tray when the user keeps it there.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { app } from 'electron';

export const HIDDEN_ARG = '--hidden';

export interface LoginItemEnv {
  platform: NodeJS.Platform;
  /** The program to start: the AppImage when run from one (its mount path changes every run). */
  executable: string;
  configHome: string;
}

export function loginItemEnv(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): LoginItemEnv {
  return {
    platform,
    executable: env.APPIMAGE ?? process.execPath,
    configHome: env.XDG_CONFIG_HOME ?? join(homedir(), '.config'),
  };
}

/** The XDG autostart entry's path. */
export function autostartFile(configHome: string): string {
  return join(configHome, 'autostart', 'parvis.desktop');
}

/** Quoting of an Exec= argument (Desktop Entry Specification, "The Exec key"). */
function execArg(arg: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(arg) ? arg : `"${arg.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
}

export function applyOpenAtLogin(enabled: boolean, env: LoginItemEnv = loginItemEnv()): void {
  if (env.platform === 'darwin' || env.platform === 'win32') {
    app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_ARG] });
    return;
  }
  const file = autostartFile(env.configHome);
  if (!enabled) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(join(env.configHome, 'autostart'), { recursive: true });
  writeFileSync(
    file,
    ['[Desktop Entry]', 'Type=Application', 'Name=Parvis', `Exec=${execArg(env.executable)} ${HIDDEN_ARG}`, 'X-GNOME-Autostart-enabled=true', ''].join('\n'),
  );
}

/** Whether this run was started at login (then the window may stay in the tray). */
export function startedAtLogin(argv: readonly string[] = process.argv, platform: NodeJS.Platform = process.platform): boolean {
  if (argv.includes(HIDDEN_ARG)) return true;
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
}
