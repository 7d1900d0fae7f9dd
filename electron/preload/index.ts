/**
 * The preload (CommonJS, sandboxed): exposes exactly the contract's calls and events as
 * `window.parvis`, nothing else — never ipcRenderer itself.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CALL_NAMES, EVENT_NAMES, type ParvisApi } from '../../shared/contract';

const callNames = new Set<string>(CALL_NAMES);
const eventNames = new Set<string>(EVENT_NAMES);

const api: ParvisApi = {
  call(name, input) {
    if (!callNames.has(name)) {
      return Promise.resolve({ ok: false, error: { kind: 'invalid-input', code: 'invalid-input', message: `Unknown call: ${String(name)}` } });
    }
    return ipcRenderer.invoke(`parvis:call:${name}`, input);
  },
  on(event, listener) {
    if (!eventNames.has(event)) throw new Error(`Unknown event: ${String(event)}`);
    const channel = `parvis:event:${event}`;
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload as never);
    ipcRenderer.on(channel, wrapped);
    return () => ipcRenderer.removeListener(channel, wrapped);
  },
};

contextBridge.exposeInMainWorld('parvis', api);
