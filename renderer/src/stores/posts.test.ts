import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Post } from '../../../shared/posts';
import { setApiClient } from '../api';
import { FakeCore } from './fakeCore';
import { DRAFT_SAVE_DELAY_MS, usePostsStore } from './posts';

let core: FakeCore;
let stored: Post | null;

function postOf(input: { text: string; link?: string | null; targets: { accountId: number; textOverride?: string | null; scheduledAt?: number | null }[] }, state: 'draft' | 'scheduled' = 'draft'): Post {
  return {
    id: 7,
    uid: 'u7',
    text: input.text,
    link: input.link ?? null,
    firstComment: null,
    updatedAt: 1,
    targets: input.targets.map((t, i) => ({ id: 70 + i, accountId: t.accountId, textOverride: t.textOverride ?? null, scheduledAt: t.scheduledAt ?? null, state, heldByNetwork: false, givenUp: false, remoteId: null, permalink: null, publishedAt: null, attempts: 0, lastError: null })),
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  setActivePinia(createPinia());
  core = new FakeCore();
  stored = null;
  setApiClient(core);
  core.handle('posts.create', (input) => (stored = postOf(input)));
  core.handle('posts.update', ({ postId: _id, ...input }) => (stored = postOf(input)));
  core.handle('posts.schedule', () => (stored = { ...stored!, targets: stored!.targets.map((t) => ({ ...t, state: 'scheduled' as const })) }));
});
afterEach(() => vi.useRealTimers());

describe('the composer draft', () => {
  it('is saved once typing pauses, created first and updated after, and says "saving" until the latest edit is in', async () => {
    const posts = usePostsStore();
    posts.startNew([1, 2]);
    posts.draft!.text = 'Atel';
    posts.changed();
    posts.draft!.text = 'Atelier samedi';
    posts.changed();
    expect(posts.saveState).toBe('saving');
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS);
    expect(core.callsOf('posts.create')).toEqual([{ text: 'Atelier samedi', link: null, targets: [{ accountId: 1, textOverride: null, scheduledAt: null }, { accountId: 2, textOverride: null, scheduledAt: null }] }]);
    expect(posts.saveState).toBe('saved');
    expect(posts.draft!.postId).toBe(7);

    posts.draft!.targets[1]!.override = 'Atelier samedi 🛠️';
    posts.changed();
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS - 1);
    expect(posts.saveState).toBe('saving');
    await vi.advanceTimersByTimeAsync(1);
    expect(core.callsOf('posts.update')).toMatchObject([{ postId: 7, targets: [{ textOverride: null }, { textOverride: 'Atelier samedi 🛠️' }] }]);
    expect(posts.saveState).toBe('saved');
  });

  it('is not saved again when nothing changed: leaving the composer after scheduling keeps the post scheduled', async () => {
    const posts = usePostsStore();
    posts.startNew([1]);
    posts.draft!.text = 'Soldes';
    posts.draft!.targets[0]!.scheduledAt = 5_000;
    posts.changed();
    expect(await posts.schedule()).toBe(true);
    expect(core.callsOf('posts.create')).toHaveLength(1);
    await posts.flush(); // the screen closes
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS * 2);
    expect(core.callsOf('posts.update')).toEqual([]);
    expect(posts.current?.targets[0]?.state).toBe('scheduled');
  });

  it('duplicates a post as a new draft with its variants and without times', async () => {
    const posts = usePostsStore();
    const original = postOf({ text: 'Vente privée', targets: [{ accountId: 1, scheduledAt: 9_000 }, { accountId: 2, textOverride: 'Vente 🛍️', scheduledAt: 9_000 }] }, 'scheduled');
    await posts.duplicate(original);
    expect(core.callsOf('posts.create')).toEqual([{ text: 'Vente privée', link: null, targets: [{ accountId: 1, textOverride: null, scheduledAt: null }, { accountId: 2, textOverride: 'Vente 🛍️', scheduledAt: null }] }]);
  });
});
