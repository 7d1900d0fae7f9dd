import WebSocket from 'ws';
import { expect, test } from './fixtures';

function connect(url: string, origin: string): Promise<{ opened: boolean; status?: number; socket?: WebSocket }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { origin });
    socket.on('open', () => resolve({ opened: true, socket }));
    socket.on('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode }));
    socket.on('error', () => resolve({ opened: false }));
  });
}

test('the page and the bridge refuse a wrong token or another origin', async ({ parvis, request }) => {
  const base = `http://127.0.0.1:${parvis.port}`;
  expect((await request.get(`${base}/?token=wrong`)).status()).toBe(403);
  expect((await request.get(`${base}/`)).status()).toBe(403);
  const page = await request.get(parvis.url);
  expect(page.status()).toBe(200);
  expect(page.headers()['content-security-policy']).toContain("script-src 'self'");

  const ws = `ws://127.0.0.1:${parvis.port}/bridge`;
  expect(await connect(`${ws}?token=wrong`, base)).toMatchObject({ opened: false, status: 403 });
  expect(await connect(`${ws}?token=${parvis.token}`, 'http://evil.example')).toMatchObject({ opened: false, status: 403 });
  const good = await connect(`${ws}?token=${parvis.token}`, base);
  expect(good.opened).toBe(true);
  const answer = await new Promise<unknown>((resolve) => {
    good.socket!.on('message', (data) => resolve(JSON.parse(String(data))));
    good.socket!.send(JSON.stringify({ type: 'call', id: 7, name: 'app.info', input: {} }));
  });
  expect(answer).toMatchObject({ type: 'result', id: 7, result: { ok: true, value: { name: 'Parvis', demo: true } } });
  const bad = await new Promise<unknown>((resolve) => {
    good.socket!.removeAllListeners('message');
    good.socket!.on('message', (data) => resolve(JSON.parse(String(data))));
    good.socket!.send(JSON.stringify({ type: 'call', id: 8, name: 'conversation.get', input: { conversationId: 'DROP TABLE' } }));
  });
  expect(bad).toMatchObject({ type: 'result', id: 8, result: { ok: false, error: { kind: 'invalid-input' } } });
  good.socket!.close();
});
