/**
 * The web bridge under hostile frames: malformed JSON, binary frames, oversized frames, unknown
 * message types, calls with hostile inputs, invalid UTF-8 and floods. Every frame gets a typed
 * answer (or, for what the WebSocket protocol itself forbids, a closed connection), the server
 * process stays up, and a valid call works right after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_NAMES } from '../../../shared/contract';
import { startWebServer, type WebServer } from '../../web/server';
import { BridgeClient } from './bridge-client';
import { envelopeProblems, pollutionProblems } from './envelope-check';
import { makeFuzzCore, type FuzzCore } from './fuzz-workspace';
import { hostileFrame, hostileInput } from './hostile-input';
import { SeededRandom } from './seeded-random';

const SEED = Number(process.env.FUZZ_SEED ?? 4242);

let core: FuzzCore;
let valid: Awaited<ReturnType<typeof makeFuzzCore>>['valid'];
let server: WebServer;
let staticDir: string;
const logged: string[] = [];

beforeAll(async () => {
  ({ core, valid } = await makeFuzzCore());
  staticDir = mkdtempSync(join(tmpdir(), 'parvis-static-'));
  server = await startWebServer({ core, staticDir, log: (level, message) => logged.push(`${level} ${message}`) });
});

afterAll(async () => {
  await server.close();
  await core.dispose();
  rmSync(staticDir, { recursive: true, force: true });
});

/** Problems with an answer to a call frame. */
function answerProblems(name: unknown, id: number, answer: unknown): string[] {
  if (answer === null) return ['no answer'];
  const a = answer as { type?: unknown; id?: unknown; result?: unknown; error?: unknown };
  if (a.type === 'error') return envelopeProblems(undefined, { ok: false, error: a.error });
  if (a.type !== 'result' || a.id !== id) return [`unexpected answer ${JSON.stringify(answer).slice(0, 200)}`];
  return envelopeProblems(name, a.result);
}

async function validCallWorks(client: BridgeClient): Promise<string[]> {
  const answer = await client.call('inbox.list', { filter: {}, limit: 5 });
  return envelopeProblems('inbox.list', answer).map((p) => `next valid call: ${p}`);
}

const open = () => BridgeClient.open(server);

describe('web bridge fuzz', () => {
  it('answers hostile inputs to every call with typed errors, on one connection', { timeout: 120_000 }, async () => {
    const random = new SeededRandom(SEED).fork('bridge-calls');
    const client = await open();
    const findings: string[] = [];
    let id = 0;
    let tried = 0;
    for (const name of CALL_NAMES) {
      for (let i = 0; i < 15; i++) {
        const { input, description } = hostileInput(random, valid[name], 'json');
        let frame: string;
        try {
          frame = JSON.stringify({ type: 'call', id: ++id, name, input });
        } catch {
          continue; // too deep for JSON.stringify: the renderer could not send it either
        }
        if (Buffer.byteLength(frame) > 1024 * 1024) continue; // oversized frames have their own test
        tried++;
        client.socket.send(frame);
        for (const p of [...answerProblems(name, id, await client.next()), ...pollutionProblems()]) findings.push(`${name} ${description}: ${p}`);
      }
    }
    findings.push(...(await validCallWorks(client)));
    client.close();
    expect(tried).toBeGreaterThan(CALL_NAMES.length * 10);
    expect(findings.slice(0, 30)).toEqual([]);
  });

  it('answers malformed frames, unknown types and odd names with a typed error', { timeout: 60_000 }, async () => {
    const random = new SeededRandom(SEED).fork('bridge-frames');
    const client = await open();
    const findings: string[] = [];
    for (let i = 0; i < 120; i++) {
      const { frame, description } = hostileFrame(random);
      client.socket.send(frame);
      const answer = (await client.next()) as { type?: unknown; error?: unknown; result?: unknown } | null;
      if (answer === null) {
        findings.push(`${description}: no answer`);
        continue;
      }
      const envelope = answer.type === 'result' ? answer.result : { ok: false, error: answer.error };
      // A frame with a proper call in it may well succeed (app.info): only its shape is checked.
      const name = answer.type === 'result' ? 'app.info' : undefined;
      for (const p of envelopeProblems(name, envelope)) findings.push(`${description}: ${p}`);
    }
    findings.push(...(await validCallWorks(client)));
    client.close();
    expect(findings.slice(0, 30)).toEqual([]);
  });

  it('answers a binary frame with a typed error instead of silence', async () => {
    const client = await open();
    client.socket.send(Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x22]), { binary: true });
    expect(await client.next()).toMatchObject({ type: 'error', error: { kind: 'invalid-input' } });
    expect(await validCallWorks(client)).toEqual([]);
    client.close();
  });

  it('closes a connection that sends an oversized frame or invalid UTF-8, and keeps serving the others', async () => {
    const bystander = await open();
    const big = await open();
    big.socket.send(JSON.stringify({ type: 'call', id: 1, name: 'draft.save', input: { conversationId: 1, text: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(await big.closed).toBe(1009); // "message too big"
    const garbled = await open();
    // A text frame whose bytes are not UTF-8: the WebSocket layer refuses it before the bridge.
    garbled.socket.send(Buffer.from([0xc3, 0x28]), { binary: false });
    expect(await garbled.closed).toBe(1007); // "invalid frame payload data"
    expect(await validCallWorks(bystander)).toEqual([]);
    const fresh = await open();
    expect(await validCallWorks(fresh)).toEqual([]);
    bystander.close();
    fresh.close();
  });

  it('answers a flood of 2,000 calls sent at once, each exactly once', { timeout: 60_000 }, async () => {
    const client = await open();
    for (let id = 1; id <= 2_000; id++) client.socket.send(JSON.stringify({ type: 'call', id, name: id % 2 ? 'app.info' : 'inbox.count', input: id % 2 ? {} : { filters: { a: {} } } }));
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const answer = (await client.next()) as { type: string; id: number; result: { ok: boolean } } | null;
      expect(answer).toMatchObject({ type: 'result', result: { ok: true } });
      seen.add(answer!.id);
    }
    expect(seen.size).toBe(2_000);
    client.close();
  });

  it('logged no unexpected error while it was fuzzed', () => {
    expect(logged.filter((l) => l.startsWith('error'))).toEqual([]);
  });
});
