/**
 * The only module of the renderer that knows how it reaches the core: Electron's preload
 * (`window.parvis`) when present, otherwise the web-mode WebSocket of the page's own host.
 */
import type { ParvisApi } from '../../../shared/contract';
import { createApiClient, type ApiClient } from './client';
import { createElectronBridge } from './electronBridge';
import { createWebSocketBridge, webBridgeUrl } from './webSocketBridge';

export { ApiError, errorCodeOf, errorKindOf } from './apiError';
export type { ApiClient } from './client';
export type { ConnectionState } from './bridge';

let current: ApiClient | null = null;

function connectToCore(): ApiClient {
  const parvis = (globalThis as { parvis?: ParvisApi }).parvis;
  if (parvis) return createApiClient(createElectronBridge(parvis));
  return createApiClient(createWebSocketBridge({ url: webBridgeUrl(location) }));
}

function client(): ApiClient {
  current ??= connectToCore();
  return current;
}

/** Replaces the client (tests pass a fake; nothing else should). */
export function setApiClient(next: ApiClient): void {
  current = next;
}

/** `api.call('inbox.list', { … })`: the one way the renderer talks to the core. */
export const api: ApiClient = {
  call: (name, input) => client().call(name, input),
  on: (event, listener) => client().on(event, listener),
  onConnectionChange: (listener) => client().onConnectionChange(listener),
};
