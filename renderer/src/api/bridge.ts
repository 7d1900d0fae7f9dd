import type { CallInput, CallName, CallOutput, Envelope, EventName, EventPayload } from '../../../shared/contract';

/** Where the link to the core stands. Electron's IPC is always "open". */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

/**
 * One transport to the core (Electron IPC or the web-mode WebSocket). Answers with the contract's
 * envelope; `createApiClient` turns it into values and thrown `ApiError`s.
 */
export interface Bridge {
  call<N extends CallName>(name: N, input: CallInput<N>): Promise<Envelope<CallOutput<N>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Calls `listener` with the current state at once, then on every change. */
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}
