/**
 * ipcMain handlers generated from the contract: one per call. Each checks that the sender is our
 * own window's main frame, then hands the raw input to the shared dispatcher (zod parse, call, envelope).
 * Events from the core are forwarded to the window.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { CALL_NAMES } from '../../shared/contract';
import type { Core } from '../core/app';
import { dispatch } from '../core/rpc';
import { isRendererUrl } from '../core/security/renderer-origin';

export const CALL_CHANNEL_PREFIX = 'parvis:call:';
export const EVENT_CHANNEL_PREFIX = 'parvis:event:';

function isTrustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | null, devServerUrl: string | undefined): boolean {
  if (!window || event.sender !== window.webContents) return false;
  const frame = event.senderFrame;
  if (!frame || frame !== window.webContents.mainFrame) return false;
  // Our renderer's origin exactly (app://parvis, or the dev server's origin in development): any
  // file:// page, or a look-alike origin, is not us.
  return isRendererUrl(frame.url, devServerUrl);
}

/** `devServerUrl`: the development server whose pages are ours too (never in a packaged app). */
export function registerIpc(core: Core, getWindow: () => BrowserWindow | null, devServerUrl?: string): void {
  for (const name of CALL_NAMES) {
    ipcMain.handle(`${CALL_CHANNEL_PREFIX}${name}`, async (event, input: unknown) => {
      if (!isTrustedSender(event, getWindow(), devServerUrl)) {
        return { ok: false, error: { kind: 'invalid-input', code: 'invalid-input', message: 'Untrusted sender' } };
      }
      return dispatch(core.handlers, name, input, {
        onInternalError: (call, err) => console.error(`[parvis] ${call} failed:`, err),
      });
    });
  }
  core.onEvent((name, payload) => {
    const win = getWindow();
    if (win && !win.isDestroyed()) win.webContents.send(`${EVENT_CHANNEL_PREFIX}${name}`, payload);
  });
}
