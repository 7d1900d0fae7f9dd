/** The posts calls through the contract: drafts, validation from the descriptors, decisions. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Post } from '../../../shared/posts';
import { createRegistry } from '../connectors/registry';
import { rmSync } from 'node:fs';
import { createCore } from '../app';
import { dispatch } from '../rpc';
import { MemorySecretStore } from '../secrets/secret-store';
import { createSettingsStore, memoryBackend } from '../settings/settings-store';
import { addAccount, makeCore } from '../testing/core-fixture';

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

async function call<T>(name: string, input: unknown): Promise<{ ok: true; value: T } | { ok: false; error: { kind: string; message: string } }> {
  return (await dispatch(core.handlers, name, input)) as never;
}

describe('posts calls', () => {
  it('creates a draft with a variant per account, and refuses to schedule a text too long as the network counts it, saying why', async () => {
    core = makeCore({ startSync: false });
    const mastodon = addAccount(core, 'mastodon');
    const bluesky = addAccount(core, 'bluesky');
    const events: unknown[] = [];
    core.onEvent((name, payload) => events.push({ name, payload }));
    // 290 emoji: 290 on Bluesky (graphemes), fine; the Bluesky variant adds 20 more: 310 > 300.
    const text = '🎉'.repeat(290);
    const created = await call<Post>('posts.create', {
      text,
      targets: [
        { accountId: mastodon.id, scheduledAt: 10_000_000 },
        { accountId: bluesky.id, scheduledAt: 10_000_000, textOverride: `${text}${'👍🏽'.repeat(20)}` },
      ],
    });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value.targets.map((t) => [t.state, t.textOverride?.length ?? null])).toEqual([
      ['draft', null],
      ['draft', 2 * 290 + 4 * 20],
    ]);
    expect(events).toContainEqual({ name: 'posts.changed', payload: { postIds: [created.value.id] } });

    const refused = await call('posts.schedule', { postId: created.value.id });
    expect(refused).toEqual({ ok: false, error: { kind: 'invalid-input', code: 'invalid-input', message: '@brand@bluesky: 310 characters, Bluesky allows 300' } });
    expect((await call<Post[]>('posts.list', {})) as { ok: true; value: Post[] }).toMatchObject({ ok: true, value: [{ targets: [{ state: 'draft' }, { state: 'draft' }] }] });
  });

  it('does not offer a network whose connector cannot publish yet, and refuses a post to it, saying so', async () => {
    // Mastodon's connector publishes; this Bluesky one (like X or Reddit today) only reads and replies.
    const stub = (network: 'mastodon' | 'bluesky', publishes: boolean) =>
      ({
        network,
        capabilities: { maxReplyLength: 500, reply: true, directMessages: false, moderation: [], unsupportedReasons: {} },
        verify: async () => ({ remoteId: 'me', handle: '@me', name: 'Me' }),
        poll: async () => ({ items: [], cursor: null }),
        reply: async () => ({ remoteId: 'r' }),
        moderate: async () => ({}),
        ...(publishes ? { publish: async () => ({ kind: 'published', remoteId: 'p', permalink: null, createdAt: 0 }) } : {}),
      }) as never;
    core = makeCore({ startSync: false, registry: createRegistry([stub('mastodon', true), stub('bluesky', false)]) });
    const networks = await call<{ id: string; publish: string[] }[]>('accounts.networks', {});
    if (!networks.ok) throw new Error(networks.error.message);
    expect(networks.value.find((n) => n.id === 'mastodon')?.publish).toContain('text');
    expect(networks.value.find((n) => n.id === 'bluesky')?.publish).toEqual([]);

    const bluesky = addAccount(core, 'bluesky');
    const created = await call<Post>('posts.create', { text: 'Atelier samedi', targets: [{ accountId: bluesky.id, scheduledAt: 10_000_000 }] });
    if (!created.ok) throw new Error(created.error.message);
    expect(await call('posts.schedule', { postId: created.value.id })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input', message: expect.stringContaining('cannot publish from Parvis') },
    });
  });

  it('refuses a decision for a target that is not waiting for one, and bad input', async () => {
    core = makeCore({ startSync: false, registry: createRegistry([]) });
    const account = addAccount(core, 'mastodon');
    const created = await call<Post>('posts.create', { text: 'Bonjour', targets: [{ accountId: account.id, scheduledAt: 10 }] });
    if (!created.ok) throw new Error(created.error.message);
    expect(await call('posts.decide', { targetId: created.value.targets[0]!.id, action: 'publish-now' })).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(await call('posts.create', { text: 'x', targets: [] })).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(await call('posts.create', { text: 'x', targets: [{ accountId: 999 }] })).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });

  it('at start, offers for a decision a post whose time passed while Parvis was closed', async () => {
    let clock = 1_000_000;
    core = makeCore({ startSync: false, registry: createRegistry([]), now: () => clock });
    const account = addAccount(core, 'mastodon');
    const created = await call<Post>('posts.create', { text: 'Atelier samedi', targets: [{ accountId: account.id, scheduledAt: clock + 60_000 }] });
    if (!created.ok) throw new Error(created.error.message);
    expect(await call('posts.schedule', { postId: created.value.id })).toMatchObject({ ok: true, value: { targets: [{ state: 'scheduled' }] } });
    const dataDir = core.dataDir;
    await core.close();

    clock += 3_600_000;
    const reopened = createCore({ dataDir, secrets: new MemorySecretStore(), settings: createSettingsStore(memoryBackend()), shell: 'web', myName: 'Alex', registry: createRegistry([]), now: () => clock });
    core = Object.assign(reopened, { dataDir, dispose: async () => { await reopened.close(); rmSync(dataDir, { recursive: true, force: true }); } });
    expect(await call('posts.list', {})).toMatchObject({ ok: true, value: [{ targets: [{ state: 'needs-decision', scheduledAt: 1_060_000 }] }] });
  });

  it('draws the calendar from the targets in a window, and moves a target by its time while it is not sent', async () => {
    const clock = 1_000_000;
    core = makeCore({ startSync: false, registry: createRegistry([]), now: () => clock });
    const mastodon = addAccount(core, 'mastodon');
    const bluesky = addAccount(core, 'bluesky');
    const day = 86_400_000;
    const created = await call<Post>('posts.create', {
      text: 'Atelier samedi',
      targets: [
        { accountId: mastodon.id, scheduledAt: clock + day },
        { accountId: bluesky.id, scheduledAt: clock + 3 * day, textOverride: 'Atelier samedi, venez !' },
      ],
    });
    if (!created.ok) throw new Error(created.error.message);
    const [m, b] = created.value.targets;
    expect(await call('posts.calendar', { from: clock, to: clock + 2 * day })).toEqual({
      ok: true,
      value: [{ targetId: m!.id, postId: created.value.id, accountId: mastodon.id, at: clock + day, state: 'draft', heldByNetwork: false, excerpt: 'Atelier samedi', permalink: null, replies: 0 }],
    });
    // Moved by a day: the calendar finds it in the next window, the other target stays where it was.
    expect(await call('posts.move', { targetId: m!.id, at: clock + 2 * day })).toMatchObject({ ok: true, value: { targets: [{ scheduledAt: clock + 2 * day, state: 'draft' }, { scheduledAt: clock + 3 * day }] } });
    expect(await call<unknown[]>('posts.calendar', { from: clock, to: clock + 2 * day })).toEqual({ ok: true, value: [] });
    expect(await call('posts.calendar', { from: clock + 2 * day, to: clock + 4 * day })).toMatchObject({ ok: true, value: [{ targetId: m!.id }, { targetId: b!.id, excerpt: 'Atelier samedi, venez !' }] });

    // Scheduled: it stays scheduled at its new time. Published: it cannot move.
    await call('posts.schedule', { postId: created.value.id });
    expect(await call('posts.move', { targetId: b!.id, at: clock + 5 * day })).toMatchObject({ ok: true, value: { targets: [{}, { state: 'scheduled', scheduledAt: clock + 5 * day }] } });
    core.db.prepare(`UPDATE post_targets SET state = 'published' WHERE id = ?`).run(m!.id);
    expect(await call('posts.move', { targetId: m!.id, at: clock })).toMatchObject({ ok: false, error: { kind: 'not-supported' } });
    // A window longer than 400 days, or backwards, is refused.
    expect(await call('posts.calendar', { from: clock, to: clock - 1 })).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(await call('posts.calendar', { from: 0, to: 401 * day })).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
  });
});
