import type { CallName, Envelope, EventName } from '../../../shared/contract';
import type { Bridge, ConnectionState } from './bridge';

/** The part of the browser's WebSocket the bridge uses (a fake stands in for it in tests). */
export interface SocketLike {
  send(data: string): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface WebSocketBridgeOptions {
  /** ws://host/bridge?token=… */
  url: string;
  createSocket?: (url: string) => SocketLike;
  /** Runs `run` after `ms`; returns a cancel function. Injected so tests need no real waiting. */
  schedule?: (run: () => void, ms: number) => () => void;
  /** Delay before reconnect attempt number `attempt` (0-based). */
  backoffMs?: (attempt: number) => number;
}

/** Builds the bridge URL from the page URL the web server printed (`/?token=…`). */
export function webBridgeUrl(page: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(page.search).get('token') ?? '';
  const scheme = page.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${page.host}/bridge?token=${encodeURIComponent(token)}`;
}

/** 250 ms, 500 ms, 1 s … capped at 10 s, with ±20 % jitter so many tabs do not reconnect in step. */
export function defaultBackoffMs(attempt: number): number {
  const base = Math.min(10_000, 250 * 2 ** attempt);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

type Outgoing = { id: number; frame: string; resolve: (envelope: Envelope<unknown>) => void };

const LOST: Envelope<never> = {
  ok: false,
  error: { kind: 'network', code: 'unreachable', message: 'The connection to Parvis was lost before the answer came.' },
};

/**
 * The web-mode bridge: one WebSocket to the core. Calls made while (re)connecting wait in a queue
 * and leave once the socket opens. A call already sent when the socket drops is answered with a
 * "network" error rather than sent again, because replaying a call such as `reply.send` could post
 * twice. The socket reconnects with backoff for as long as the page lives.
 */
export function createWebSocketBridge(options: WebSocketBridgeOptions): Bridge {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const schedule =
    options.schedule ??
    ((run: () => void, ms: number) => {
      const handle = setTimeout(run, ms);
      return () => clearTimeout(handle);
    });
  const backoffMs = options.backoffMs ?? defaultBackoffMs;

  const waiting: Outgoing[] = [];
  const inFlight = new Map<number, Outgoing>();
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let socket: SocketLike | null = null;
  let failedAttempts = 0;
  let nextId = 0;

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(state);
  }

  function flushWaiting(): void {
    while (socket && state === 'open' && waiting.length > 0) {
      const outgoing = waiting.shift() as Outgoing;
      inFlight.set(outgoing.id, outgoing);
      socket.send(outgoing.frame);
    }
  }

  function receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return; // A garbled frame must not take the page down; the call it answered will be retried by the user.
    }
    if (typeof message !== 'object' || message === null) return;
    const frame = message as { type?: unknown; id?: unknown; result?: unknown; name?: unknown; payload?: unknown };
    if (frame.type === 'result' && typeof frame.id === 'number') {
      const outgoing = inFlight.get(frame.id);
      if (!outgoing) return;
      inFlight.delete(frame.id);
      outgoing.resolve(frame.result as Envelope<unknown>);
    } else if (frame.type === 'event' && typeof frame.name === 'string') {
      for (const listener of eventListeners.get(frame.name) ?? []) listener(frame.payload);
    }
  }

  function connect(): void {
    const current = createSocket(options.url);
    socket = current;
    current.onopen = () => {
      if (socket !== current) return;
      failedAttempts = 0;
      setState('open');
      flushWaiting();
    };
    current.onmessage = (event) => {
      if (socket === current) receive(event.data);
    };
    current.onerror = () => {
      // A close event always follows; reconnecting happens there.
    };
    current.onclose = () => {
      if (socket !== current) return;
      socket = null;
      for (const outgoing of inFlight.values()) outgoing.resolve(LOST);
      inFlight.clear();
      setState('reconnecting');
      schedule(connect, backoffMs(failedAttempts));
      failedAttempts += 1;
    };
  }

  connect();

  return {
    call(name: CallName, input: unknown) {
      return new Promise((resolve) => {
        nextId += 1;
        const frame = JSON.stringify({ type: 'call', id: nextId, name, input });
        waiting.push({ id: nextId, frame, resolve: resolve as Outgoing['resolve'] });
        flushWaiting();
      });
    },
    on(event: EventName, listener: (payload: never) => void) {
      const set = eventListeners.get(event) ?? new Set();
      eventListeners.set(event, set);
      const untyped = listener as (payload: unknown) => void;
      set.add(untyped);
      return () => set.delete(untyped);
    },
    onConnectionChange(listener) {
      stateListeners.add(listener);
      listener(state);
      return () => stateListeners.delete(listener);
    },
  } as Bridge;
}
