import { afterEach, describe, expect, it } from 'vitest';
import { youtube } from '../connectors/youtube/descriptor';
import { createRegistry } from '../connectors/registry';
import { ConnectorError, type Connector, type ReplyRequest } from '../connectors/types';
import { accountSecretKey } from '../secrets/secret-store';
import { addAccount, item, makeCore } from '../testing/core-fixture';
import { OutboxExecutor } from './executor';

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

/** A test double of a network that records replies and can be told to fail. */
function recordingNetwork() {
  const sent: ReplyRequest[] = [];
  const failures: ConnectorError[] = [];
  const existing = new Map<string, string>();
  const connector: Connector = {
    network: 'youtube',
    capabilities: { maxReplyLength: 10_000, directMessages: false, reply: true, moderation: ['hide'] },
    verify: async () => ({ remoteId: 'me', handle: '@brand', name: 'Brand' }),
    poll: async () => ({ items: [], cursor: null, hasMore: false, rateLimit: null, skipped: [] }),
    async reply(_ctx, req) {
      const failure = failures.shift();
      if (failure) throw failure;
      sent.push(req);
      const remoteId = `reply-${sent.length}`;
      existing.set(req.idempotencyKey, remoteId);
      return { remoteId, createdAt: 5 };
    },
    async findReply(_ctx, req) {
      const remoteId = existing.get(req.idempotencyKey);
      return remoteId ? { remoteId, createdAt: 5 } : null;
    },
    moderate: async () => ({ remoteResult: { ok: true } }),
  };
  return { connector, sent, failures, existing };
}

async function setup() {
  const net = recordingNetwork();
  let clock = 1_000_000;
  core = makeCore({ registry: createRegistry([net.connector]), startSync: false, now: () => clock, outboxOptions: { maxAttempts: 3, backoff: { baseMs: 1000, capMs: 10_000 } } });
  const acc = addAccount(core, 'youtube');
  await core.secrets.set(accountSecretKey(acc.id), JSON.stringify({ accessToken: 'tok' }));
  core.ingest(acc.id, { items: [item({ remoteId: 'c1', threadRemoteId: 'T1' }), item({ remoteId: 'c2', threadRemoteId: 'T2' })], cursor: null });
  const [t1, t2] = (core.db.prepare('SELECT id FROM conversations ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  const state = (messageId: number) => core.db.prepare('SELECT o.state, o.attempts, m.remote_id FROM messages m JOIN outbox o ON o.id = m.outbox_id WHERE m.id = ?').get(messageId) as { state: string; attempts: number; remote_id: string | null };
  return { net, t1: t1!, t2: t2!, state, tick: (ms: number) => (clock += ms) };
}

describe('outbox executor', () => {
  it('delivers a queued reply once and records its remote id', async () => {
    const { net, t1, state } = await setup();
    const { messageId } = core.outbox.enqueueReply(t1, 'Merci !');
    await core.executor!.drain();
    expect(net.sent.map((r) => [r.parentRemoteId, r.text])).toEqual([['c1', 'Merci !']]);
    expect(state(messageId)).toEqual({ state: 'sent', attempts: 1, remote_id: 'reply-1' });
    await core.executor!.drain();
    expect(net.sent).toHaveLength(1);
  });

  it('retries a failure after its backoff, and gives up (dead) after the last try', async () => {
    const { net, t1, t2, state, tick } = await setup();
    net.failures.push(new ConnectorError('network', 'ECONNRESET'));
    const a = core.outbox.enqueueReply(t1, 'one').messageId;
    await core.executor!.drain();
    expect(state(a)).toMatchObject({ state: 'failed', attempts: 1 });
    await core.executor!.drain();
    expect(net.sent).toHaveLength(0); // not due yet
    tick(60_000);
    await core.executor!.drain();
    expect(state(a)).toMatchObject({ state: 'sent', remote_id: 'reply-1' });

    // Answers that refuse it (a 503 each time): after the last try it is given up.
    net.failures.push(...[1, 2, 3].map(() => new ConnectorError('network', '503 Service Unavailable', null, 503)));
    const b = core.outbox.enqueueReply(t2, 'two').messageId;
    for (let i = 0; i < 3; i++) {
      await core.executor!.drain();
      tick(60_000);
    }
    expect(state(b)).toMatchObject({ state: 'dead', attempts: 3 });
    core.outbox.retryMessage(b);
    await core.executor!.drain();
    expect(state(b)).toMatchObject({ state: 'sent' });
  });

  it('never gives up on a reply while the network does not answer at all (offline)', async () => {
    const { net, t1, state, tick } = await setup();
    net.failures.push(...Array.from({ length: 10 }, () => new ConnectorError('network', 'POST https://youtube.example: ECONNREFUSED')));
    const m = core.outbox.enqueueReply(t1, 'written offline').messageId;
    for (let i = 0; i < 10; i++) {
      await core.executor!.drain();
      expect(state(m).state).toBe('failed');
      tick(60_000);
    }
    expect(state(m).attempts).toBe(10);
    await core.executor!.drain();
    expect(state(m)).toMatchObject({ state: 'sent', remote_id: 'reply-1' });
    expect(net.sent).toHaveLength(1);
  });

  it('waits for a rate limit reset before retrying', async () => {
    const { net, t1, state, tick } = await setup();
    net.failures.push(new ConnectorError('rate-limited', '429', 120_000));
    const m = core.outbox.enqueueReply(t1, 'hello').messageId;
    await core.executor!.drain();
    tick(60_000);
    await core.executor!.drain();
    expect(state(m).state).toBe('failed');
    tick(61_000);
    await core.executor!.drain();
    expect(state(m).state).toBe('sent');
  });

  it('after a crash mid-send, finds the reply on the network instead of posting it twice', async () => {
    const { net, t1, state } = await setup();
    const m = core.outbox.enqueueReply(t1, 'once').messageId;
    const row = core.db.prepare('SELECT idempotency_key FROM outbox').get() as { idempotency_key: string };
    // The network got it, then the app died before recording it.
    net.existing.set(row.idempotency_key, 'reply-from-before-the-crash');
    core.db.prepare(`UPDATE outbox SET state = 'sending', attempts = 1`).run();
    await core.executor!.drain();
    expect(net.sent).toHaveLength(0);
    expect(state(m)).toMatchObject({ state: 'sent', remote_id: 'reply-from-before-the-crash' });
  });

  it('sends actions of one conversation in order: a later one waits for an earlier failure', async () => {
    const { net, t1, state, tick } = await setup();
    net.failures.push(new ConnectorError('network', 'down'));
    const first = core.outbox.enqueueReply(t1, 'first').messageId;
    const second = core.outbox.enqueueReply(t1, 'second').messageId;
    await core.executor!.drain();
    expect(state(second).state).toBe('queued');
    tick(60_000);
    await core.executor!.drain();
    expect(net.sent.map((r) => r.text)).toEqual(['first', 'second']);
    expect(state(first).state).toBe('sent');
  });

  it('does not send for a signed-out account, and keeps the reply queued as failed', async () => {
    const { net, t1, state } = await setup();
    await core.secrets.delete(accountSecretKey(1));
    const m = core.outbox.enqueueReply(t1, 'later').messageId;
    await core.executor!.drain();
    expect(net.sent).toHaveLength(0);
    expect(state(m).state).toBe('failed');
  });
});

describe('outbox and a daily quota', () => {
  it('charges each write to the quota, and waits for the quota day when it is spent', async () => {
    const net = recordingNetwork();
    let clock = 1_000_000;
    let used = 0;
    const quota = { limit: 100, resetAt: 5_000_000, canSpend: (u: number) => used + u <= 100, charge: (u: number) => void (used += u) };
    core = makeCore({ registry: createRegistry([net.connector]), startSync: false, now: () => clock });
    core.executor!.stop();
    const executor = new OutboxExecutor({
      db: core.db,
      now: () => clock,
      connectorFor: () => net.connector,
      contextFor: (id) => core.accountContext(id),
      onChange: () => {},
      quotaFor: () => quota,
      // What the YouTube descriptor says a write costs.
      writeCostFor: () => youtube.writeCostUnits!,
    });
    const acc = addAccount(core, 'youtube');
    await core.secrets.set(accountSecretKey(acc.id), '{"accessToken":"tok"}');
    core.ingest(acc.id, { items: [item({ remoteId: 'q1', threadRemoteId: 'Q' })], cursor: null });
    const conv = (core.db.prepare('SELECT id FROM conversations').get() as { id: number }).id;
    core.outbox.enqueueReply(conv, 'a');
    core.outbox.enqueueReply(conv, 'b');
    core.outbox.enqueueReply(conv, 'c');
    await executor.drain();
    expect(net.sent.map((r) => r.text)).toEqual(['a', 'b']);
    expect(used).toBe(100);
    const waiting = core.db.prepare(`SELECT state, attempts, next_attempt_at FROM outbox WHERE state <> 'sent'`).get();
    expect(waiting).toEqual({ state: 'failed', attempts: 0, next_attempt_at: 5_000_000 });
    clock = 5_000_001;
    used = 0;
    await executor.drain();
    expect(net.sent.map((r) => r.text)).toEqual(['a', 'b', 'c']);
  });
});
