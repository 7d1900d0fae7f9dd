import type { ParvisApi } from '../../../shared/contract';
import type { Bridge } from './bridge';

/** Wraps the preload's `window.parvis`: IPC never disconnects, so the connection is always open. */
export function createElectronBridge(parvis: ParvisApi): Bridge {
  return {
    call: (name, input) => parvis.call(name, input),
    on: (event, listener) => parvis.on(event, listener),
    onConnectionChange(listener) {
      listener('open');
      return () => {};
    },
  };
}
