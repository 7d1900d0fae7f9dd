/**
 * The preload against the electron stand-in: it exposes exactly `window.parvis` with `call` and
 * `on`, forwards only the contract's names to their channels, and never hands out ipcRenderer.
 */
import { expect, it, vi } from 'vitest';
import { CALL_NAMES, EVENT_NAMES, type ParvisApi } from '../../shared/contract';
import { recorded } from '../main/testing/electron-stand-in';

vi.mock('electron', async () => (await import('../main/testing/electron-stand-in')).electronModule);

await import('./index');
const exposed = [...recorded.exposed.entries()];

it('exposes one object, window.parvis, with call and on only', () => {
  expect(exposed.map(([key]) => key)).toEqual(['parvis']);
  const api = exposed[0]![1] as Record<string, unknown>;
  expect(Object.keys(api).sort()).toEqual(['call', 'on']);
  expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
});

it('forwards each contract call to its channel and refuses any other name without reaching the main process', async () => {
  const api = exposed[0]![1] as ParvisApi;
  recorded.invoked.length = 0;
  await api.call('app.info', {});
  expect(recorded.invoked).toEqual([{ channel: 'parvis:call:app.info', args: [{}] }]);
  for (const name of ['ipc.raw', '__proto__', 'constructor', 'app.info\0']) {
    const answer = await api.call(name as never, {} as never);
    expect(answer).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
  }
  expect(recorded.invoked).toHaveLength(1);
  expect(CALL_NAMES.length).toBeGreaterThan(10);
});

it('subscribes to contract events only, and unsubscribes', () => {
  const api = exposed[0]![1] as ParvisApi;
  const heard: unknown[] = [];
  const off = api.on('notify', (payload) => heard.push(payload));
  const listeners = recorded.rendererListeners.get('parvis:event:notify')!;
  expect(listeners.size).toBe(1);
  // What the main process sends arrives without the IPC event object.
  for (const l of listeners) l({ senderId: 0 }, { conversationId: 1 });
  expect(heard).toEqual([{ conversationId: 1 }]);
  off();
  expect(listeners.size).toBe(0);
  expect(() => api.on('shell.exec' as never, () => {})).toThrow(/Unknown event/);
  expect(EVENT_NAMES).toContain('conversation.open');
});
