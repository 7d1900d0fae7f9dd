/**
 * The files the main process loads at run time, relative to the app's root (`app.getAppPath()`:
 * the project directory in development, `resources/app.asar` once packaged). One list, so that the
 * packaging test checks exactly what the shell opens (see packaging.test.ts).
 */
import { join } from 'node:path';

export const APP_FILES = {
  /** The sandboxed CommonJS preload (electron.vite.config.ts). */
  preload: 'out/preload/index.cjs',
  /** The built renderer, served as app://parvis/. */
  rendererDir: 'out/renderer',
  /** The window's and the tray's icon (electron-builder.yml `files` packs it). */
  icon: 'resources/icon.png',
} as const;

export function appFile(appPath: string, name: keyof typeof APP_FILES): string {
  return join(appPath, APP_FILES[name]);
}
