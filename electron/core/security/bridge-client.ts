/**
 * A web-bridge client for tests, opened the way the renderer opens it (same Origin, the per-run
 * token). It keeps every frame it receives, raw, so that a test can check everything the renderer
 * would ever see, and answers calls by id.
 */
import WebSocket from 'ws';
import type { Envelope } from '../../../shared/contract';

export class BridgeClient {
  /** Every frame received, as text, events included. */
  readonly frames: string[] = [];
  readonly closed: Promise<number>;
  private readonly unmatched: unknown[] = [];
  private waiting: ((message: unknown) => void) | null = null;
  private readonly pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  private nextId = 1_000_000;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      this.frames.push(text);
      const message = JSON.parse(text) as { type?: unknown; id?: unknown; result?: unknown };
      if (message.type === 'event') return;
      if (message.type === 'result' && typeof message.id === 'number' && this.pending.has(message.id)) {
        const resolve = this.pending.get(message.id)!;
        this.pending.delete(message.id);
        resolve(message.result as Envelope<unknown>);
        return;
      }
      const waiter = this.waiting;
      if (waiter) {
        this.waiting = null;
        waiter(message);
      } else this.unmatched.push(message);
    });
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
    // A frame the server refuses closes the socket; only the server's survival is under test.
    socket.on('error', () => {});
  }

  static async open(server: { port: number; token: string }): Promise<BridgeClient> {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/bridge?token=${server.token}`, {
      headers: { Origin: `http://127.0.0.1:${server.port}` },
      maxPayload: 64 * 1024 * 1024,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new BridgeClient(socket);
  }

  /** The next answer no `call` is waiting for (errors, results of raw frames), or null after `ms`. */
  next(ms = 5_000): Promise<unknown> {
    if (this.unmatched.length > 0) return Promise.resolve(this.unmatched.shift());
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        resolve(null);
      }, ms);
      this.waiting = (message) => {
        clearTimeout(timer);
        resolve(message);
      };
    });
  }

  /** Calls the contract and waits for the envelope. */
  call(name: string, input: unknown, ms = 20_000): Promise<Envelope<unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${name}: no answer after ${ms} ms`));
      }, ms);
      this.pending.set(id, (envelope) => {
        clearTimeout(timer);
        resolve(envelope);
      });
      this.socket.send(JSON.stringify({ type: 'call', id, name, input }));
    });
  }

  /** Calls and returns the value, or throws the typed error. */
  async ok<T>(name: string, input: unknown, ms?: number): Promise<T> {
    const envelope = await this.call(name, input, ms);
    if (!envelope.ok) throw new Error(`${name}: ${envelope.error.kind}: ${envelope.error.message}`);
    return envelope.value as T;
  }

  close(): void {
    this.socket.close();
  }
}
