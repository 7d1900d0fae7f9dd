import type { CallInput, CallName, CallOutput, EventName, EventPayload } from '../../../shared/contract';
import { ApiError } from './apiError';
import type { Bridge, ConnectionState } from './bridge';

/** The typed client the stores use: values in, values out, failures as `ApiError`. */
export interface ApiClient {
  call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}

/** Unwraps the bridge's envelopes: `{ ok: true, value }` → value, `{ ok: false, error }` → throws. */
export function createApiClient(bridge: Bridge): ApiClient {
  return {
    async call(name, input) {
      let envelope;
      try {
        envelope = await bridge.call(name, input);
      } catch (error) {
        // The bridge itself failed (IPC torn down, preload missing a channel): not the core's answer.
        throw new ApiError('internal', error instanceof Error ? error.message : String(error));
      }
      if (envelope.ok) return envelope.value;
      throw ApiError.from(envelope.error);
    },
    on: (event, listener) => bridge.on(event, listener),
    onConnectionChange: (listener) => bridge.onConnectionChange(listener),
  };
}
