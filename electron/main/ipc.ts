/**
 * ipcMain handlers generated from the contract: one per call. Each checks that the sender is our
 * own window's main frame, then hands the raw input to the shared dispatcher (zod parse, call, envelope).
 * Events from the core are forwarded to the window.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { CALL_NAMES } from '../../shared/contract';
import type { Core } from '../core/app';
import { dispatch } from '../core/rpc';

export const CALL_CHANNEL_PREFIX = 'parvis:call:';
export const EVENT_CHANNEL_PREFIX = 'parvis:event:';

function isTrustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | null): boolean {
  if (!window || event.sender !== window.webContents) return false;
  const frame = event.senderFrame;
  if (!frame || frame !== window.webContents.mainFrame) return false;
  const url = frame.url;
  return url.startsWith('file://') || Boolean(process.env.ELECTRON_RENDERER_URL && url.startsWith(process.env.ELECTRON_RENDERER_URL));
}

export function registerIpc(core: Core, getWindow: () => BrowserWindow | null): void {
  for (const name of CALL_NAMES) {
    ipcMain.handle(`${CALL_CHANNEL_PREFIX}${name}`, async (event, input: unknown) => {
      if (!isTrustedSender(event, getWindow())) {
        return { ok: false, error: { kind: 'invalid-input', message: 'Untrusted sender' } };
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
