import { describe, expect, it } from 'vitest';
import type { ConnectionState } from './bridge';
import { createApiClient } from './client';
import { ApiError } from './apiError';
import { createWebSocketBridge, webBridgeUrl, type SocketLike } from './webSocketBridge';

class FakeSocket implements SocketLike {
  sent: unknown[] = [];
  closed = false;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.onopen?.({});
  }
  drop(): void {
    this.onclose?.({});
  }
  reply(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: { run: () => void; ms: number }[] = [];
  const states: ConnectionState[] = [];
  const bridge = createWebSocketBridge({
    url: 'ws://127.0.0.1:5000/bridge?token=t',
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    schedule: (run, ms) => {
      timers.push({ run, ms });
      return () => {};
    },
    backoffMs: (attempt) => 100 * (attempt + 1),
  });
  bridge.onConnectionChange((state) => states.push(state));
  const latest = () => sockets[sockets.length - 1] as FakeSocket;
  return { bridge, sockets, timers, states, latest };
}

describe('webBridgeUrl', () => {
  it('carries the page token to the bridge path on the same host', () => {
    expect(webBridgeUrl({ protocol: 'http:', host: '127.0.0.1:4321', search: '?token=a%2Bb&x=1' })).toBe(
      'ws://127.0.0.1:4321/bridge?token=a%2Bb',
    );
  });
});

describe('createWebSocketBridge', () => {
  it('queues calls until the socket opens, then sends them in order and resolves by id', async () => {
    const { bridge, latest, states } = harness();
    const first = bridge.call('tags.list', {});
    const second = bridge.call('members.list', {});
    expect(latest().sent).toEqual([]);
    latest().open();
    expect(latest().sent).toEqual([
      { type: 'call', id: 1, name: 'tags.list', input: {} },
      { type: 'call', id: 2, name: 'members.list', input: {} },
    ]);
    latest().reply({ type: 'result', id: 2, result: { ok: true, value: [] } });
    latest().reply({ type: 'result', id: 1, result: { ok: false, error: { kind: 'storage', message: 'disk full' } } });
    await expect(second).resolves.toEqual({ ok: true, value: [] });
    await expect(first).resolves.toEqual({ ok: false, error: { kind: 'storage', message: 'disk full' } });
    expect(states).toEqual(['connecting', 'open']);
  });

  it('delivers events to their listeners only, and stops after unsubscribe', () => {
    const { bridge, latest } = harness();
    latest().open();
    const seen: unknown[] = [];
    const off = bridge.on('inbox.changed', (payload) => seen.push(payload));
    latest().reply({ type: 'event', name: 'sync.status', payload: { accountId: 1 } });
    latest().reply({ type: 'event', name: 'inbox.changed', payload: { reason: 'ingest' } });
    off();
    latest().reply({ type: 'event', name: 'inbox.changed', payload: { reason: 'triage' } });
    expect(seen).toEqual([{ reason: 'ingest' }]);
  });

  it('ignores garbled frames and answers for unknown ids', async () => {
    const { bridge, latest } = harness();
    latest().open();
    const pending = bridge.call('tags.list', {});
    latest().onmessage?.({ data: '{not json' });
    latest().reply({ type: 'result', id: 99, result: { ok: true, value: 'nope' } });
    latest().reply({ type: 'result', id: 1, result: { ok: true, value: ['ok'] } });
    await expect(pending).resolves.toEqual({ ok: true, value: ['ok'] });
  });

  it('fails in-flight calls on a drop, queues new ones, and reconnects with growing backoff', async () => {
    const { bridge, sockets, timers, states, latest } = harness();
    latest().open();
    const inFlight = bridge.call('reply.send', { conversationId: 1, text: 'hi' });
    latest().drop();
    await expect(inFlight).resolves.toMatchObject({ ok: false, error: { kind: 'network' } });
    expect(states).toEqual(['connecting', 'open', 'reconnecting']);

    const queued = bridge.call('tags.list', {});
    expect(timers.map((t) => t.ms)).toEqual([100]);
    timers[0]?.run();
    expect(sockets).toHaveLength(2);
    latest().drop(); // the server is still down
    expect(timers.map((t) => t.ms)).toEqual([100, 200]);
    timers[1]?.run();
    latest().open();
    expect(states[states.length - 1]).toBe('open');
    // The call made while disconnected leaves once, on the new socket; the lost one is not replayed.
    expect(latest().sent).toEqual([{ type: 'call', id: 2, name: 'tags.list', input: {} }]);
    latest().reply({ type: 'result', id: 2, result: { ok: true, value: [] } });
    await expect(queued).resolves.toEqual({ ok: true, value: [] });

    latest().drop();
    expect(timers[timers.length - 1]?.ms).toBe(100); // a successful open resets the backoff
  });
});

describe('createApiClient', () => {
  it('returns values and throws ApiError with the kind of a failed envelope', async () => {
    const { bridge, latest } = harness();
    const client = createApiClient(bridge);
    latest().open();
    const ok = client.call('tags.list', {});
    const bad = client.call('members.list', {});
    latest().reply({ type: 'result', id: 1, result: { ok: true, value: [{ id: 1, name: 'a', color: '#000000' }] } });
    latest().reply({ type: 'result', id: 2, result: { ok: false, error: { kind: 'not-found', message: 'gone' } } });
    await expect(ok).resolves.toEqual([{ id: 1, name: 'a', color: '#000000' }]);
    const error = await bad.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ kind: 'not-found', message: 'gone' });
  });
});
