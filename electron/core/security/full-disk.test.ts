/**
 * A full disk (and a volume turning read-only) while Parvis writes: during ingest, during triage,
 * while recording a delivered reply. The user gets a `storage` error in plain words, nothing half
 * written stays behind, nothing written before is lost, and once there is room again everything
 * carries on (the page is fetched again, the reply is recorded without being posted twice).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../shared/contract';
import { createRegistry } from '../connectors/registry';
import { dispatch } from '../rpc';
import { accountSecretKey } from '../secrets/secret-store';
import { addAccount, makeCore } from '../testing/core-fixture';
import { bigPage, figures, fillDisk, freeDisk, integrity, pagingNetwork } from './storage-failure-fixture';

let core: ReturnType<typeof makeCore> | null = null;
afterEach(async () => {
  await core?.dispose();
  core = null;
});

async function setup(opts: { startSync: boolean; onReply?: () => void }) {
  const net = pagingNetwork(opts.onReply);
  core = makeCore({
    registry: createRegistry([net.connector]),
    startSync: opts.startSync,
    // A failed poll is retried by the test, not by a timer racing it.
    syncOptions: { backoff: { baseMs: 3_600_000, capMs: 3_600_000 } },
  });
  const account = addAccount(core, 'mastodon');
  await core.secrets.set(accountSecretKey(account.id), JSON.stringify({ accessToken: 'token-full-disk' }));
  core.scheduler!.refreshAccounts();
  const statuses: SyncStatus[] = [];
  core.onEvent((name, payload) => {
    if (name === 'sync.status') statuses.push(payload as SyncStatus);
  });
  return { net, account, statuses, c: core };
}

async function call(name: string, input: unknown) {
  return dispatch(core!.handlers, name, input);
}

const cursorOf = (accountId: number) => (core!.db.prepare('SELECT cursor FROM accounts WHERE id = ?').get(accountId) as { cursor: string | null }).cursor;

describe('a full disk during ingest', () => {
  it('stores nothing of the page, says so in plain words, and fetches the page again once there is room', async () => {
    const { net, account, statuses, c } = await setup({ startSync: true });
    net.state.pages.push(bigPage(40, 400));
    expect(await call('accounts.pollNow', { accountId: account.id })).toMatchObject({ ok: true, value: { ok: true, checked: true, account: { state: 'ok', lastError: null } } });
    const before = figures(c.db);
    const cursorBefore = cursorOf(account.id);
    expect(before.messages).toBe(40);

    net.state.pages.push(bigPage(300, 3_000));
    fillDisk(c.db);
    await call('accounts.pollNow', { accountId: account.id });
    const failed = statuses.at(-1)!;
    expect(failed.lastError).toMatchObject({ kind: 'storage' });
    expect(failed.lastError!.message).toMatch(/disk is full/i);
    expect(failed.lastError!.message).not.toMatch(/SQLITE|database or disk/);
    const listed = await call('accounts.list', {});
    expect(listed).toMatchObject({ ok: true, value: [{ id: account.id, lastError: { kind: 'storage' } }] });
    expect(figures(c.db)).toEqual(before);
    expect(cursorOf(account.id)).toBe(cursorBefore);
    expect(integrity(c.db)).toBe('ok');

    freeDisk(c.db);
    await call('accounts.pollNow', { accountId: account.id });
    expect(statuses.at(-1)!.lastError).toBeNull();
    expect(figures(c.db).messages).toBe(340);
    expect(c.db.prepare('SELECT count(DISTINCT remote_id) AS n FROM messages').get()).toEqual({ n: 340 });
    expect(integrity(c.db)).toBe('ok');
  });
});

describe('a full disk during triage', () => {
  it('answers each write with a storage error, loses nothing, and works again once there is room', async () => {
    const { net, account, c } = await setup({ startSync: true });
    net.state.pages.push(bigPage(30, 300));
    await call('accounts.pollNow', { accountId: account.id });
    const conversationId = (c.db.prepare('SELECT id FROM conversations ORDER BY id LIMIT 1').get() as { id: number }).id;
    expect(await call('conversation.addNote', { conversationId, text: 'Rappeler demain' })).toMatchObject({ ok: true });
    c.executor!.stop();
    const before = figures(c.db);

    fillDisk(c.db);
    const writes: [string, unknown][] = [
      ['conversation.addNote', { conversationId, text: 'Note longue '.repeat(800) }],
      ['draft.save', { conversationId, text: 'Brouillon '.repeat(9_000) }],
      ['reply.send', { conversationId, text: 'Réponse détaillée '.repeat(4_000) }],
    ];
    for (const [name, input] of writes) {
      const answer = await call(name, input);
      expect(answer, name).toMatchObject({ ok: false, error: { kind: 'storage' } });
      const message = (answer as { error: { message: string } }).error.message;
      expect(message, name).toMatch(/disk is full/i);
      expect(message, name).toMatch(/nothing was lost/i);
    }
    expect(figures(c.db)).toEqual(before);
    expect(integrity(c.db)).toBe('ok');
    // Reading still works while the disk is full.
    expect(await call('inbox.list', { filter: {}, limit: 50 })).toMatchObject({ ok: true });

    freeDisk(c.db);
    for (const [name, input] of writes) expect(await call(name, input), name).toMatchObject({ ok: true });
    const after = figures(c.db);
    expect(after.notes).toBe(before.notes! + 1);
    expect(after.drafts).toBe(0); // the reply, once queued, cleared the draft
    expect(after.outbox).toBe(before.outbox! + 1);
    expect(after.messages).toBe(before.messages! + 1);
    expect(integrity(c.db)).toBe('ok');
  });
});

describe('the volume turns read-only', () => {
  it('refuses triage writes in plain words and keeps everything', async () => {
    const { net, account, c } = await setup({ startSync: true });
    net.state.pages.push(bigPage(10, 200));
    await call('accounts.pollNow', { accountId: account.id });
    const ids = (c.db.prepare('SELECT id FROM conversations').all() as { id: number }[]).map((r) => r.id);
    const before = figures(c.db);
    c.db.pragma('query_only = ON');
    const answer = await call('conversation.setStatus', { conversationIds: ids, status: 'done' });
    expect(answer).toMatchObject({ ok: false, error: { kind: 'storage' } });
    expect((answer as { error: { message: string } }).error.message).toMatch(/read-only/);
    expect(await call('tags.create', { name: 'urgent', color: '#ff0000' })).toMatchObject({ ok: false, error: { kind: 'storage' } });
    c.db.pragma('query_only = OFF');
    expect(figures(c.db)).toEqual(before);
    expect(c.db.prepare(`SELECT count(*) AS n FROM conversations WHERE status = 'done'`).get()).toEqual({ n: 0 });
    expect(await call('conversation.setStatus', { conversationIds: ids, status: 'done' })).toMatchObject({ ok: true });
    expect(integrity(c.db)).toBe('ok');
  });

  it('while a delivered reply is being recorded: no crash, and the reply is recorded later without a second post', async () => {
    let db: ReturnType<typeof makeCore>['db'] | null = null;
    // The network accepts the reply, then the disk refuses the write that records it.
    const { net, account, c } = await setup({ startSync: false, onReply: () => db?.pragma('query_only = ON') });
    db = c.db;
    net.state.pages.push(bigPage(3, 100));
    c.ingest(account.id, { items: net.state.pages[0]!, cursor: 'c1' });
    const conversationId = (c.db.prepare('SELECT id FROM conversations ORDER BY id LIMIT 1').get() as { id: number }).id;
    const sent = await call('reply.send', { conversationId, text: 'Merci, on s’en occupe !' });
    expect(sent).toMatchObject({ ok: true });
    await expect(c.executor!.drain()).resolves.toBeUndefined();
    expect(net.state.sent).toHaveLength(1);
    db = null;
    c.db.pragma('query_only = OFF');
    // The row could not be recorded either way: it is still `sending`, to be reconciled.
    expect(c.db.prepare('SELECT state FROM outbox').get()).toEqual({ state: 'sending' });
    await c.executor!.drain();
    expect(c.db.prepare('SELECT o.state, m.remote_id FROM outbox o JOIN messages m ON m.outbox_id = o.id').get()).toEqual({ state: 'sent', remote_id: 'reply-1' });
    expect(net.state.sent).toHaveLength(1);
    expect(integrity(c.db)).toBe('ok');
  });
});
