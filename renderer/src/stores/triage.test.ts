import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { setApiClient } from '../api';
import { summary } from '../inbox/testSummaries';
import { FakeCore } from './fakeCore';
import { useInboxStore } from './inbox';
import { useToastsStore } from './toasts';
import { useTriageStore } from './triage';

let core: FakeCore;

beforeEach(() => {
  setActivePinia(createPinia());
  core = new FakeCore([
    summary({ id: 1, lastActivityAt: 30 }),
    summary({ id: 2, lastActivityAt: 20, tagIds: [7] }),
    summary({ id: 3, lastActivityAt: 10, assigneeId: 2 }),
  ]);
  setApiClient(core);
});

describe('useTriageStore', () => {
  it('marks done at once, tells the core, and undo reopens and puts the row back', async () => {
    const inbox = useInboxStore();
    const triage = useTriageStore();
    await inbox.load();
    inbox.setCursor(2);
    const pending = triage.apply({ kind: 'status', ids: [2], status: 'done' });
    // Optimistic: gone from the open inbox before the core answered.
    expect(inbox.items.map((r) => r.id)).toEqual([1, 3]);
    expect(inbox.cursorId).toBe(3);
    expect(await pending).toBe(true);
    expect(core.callsOf('conversation.setStatus')).toEqual([{ conversationIds: [2], status: 'done' }]);

    expect(await triage.undo()).toBe(true);
    expect(core.callsOf('conversation.setStatus')[1]).toEqual({ conversationIds: [2], status: 'open' });
    expect(inbox.items.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(core.rows.find((r) => r.id === 2)?.status).toBe('open');
  });

  it('undoes a bulk tag by untagging only the conversations it tagged', async () => {
    const inbox = useInboxStore();
    const triage = useTriageStore();
    await inbox.load();
    await triage.apply({ kind: 'tag', ids: [1, 2, 3], tagId: 7 });
    expect(inbox.items.every((r) => r.tagIds.includes(7))).toBe(true);
    await triage.undo();
    expect(core.callsOf('conversation.untag')).toEqual([{ conversationIds: [1, 3], tagId: 7 }]);
    expect(core.rows.map((r) => r.tagIds)).toEqual([[], [7], []]);
  });

  it('undoes an assignment back to each previous assignee', async () => {
    const inbox = useInboxStore();
    const triage = useTriageStore();
    await inbox.load();
    await triage.apply({ kind: 'assign', ids: [1, 3], memberId: 1 });
    await triage.undo();
    expect(core.callsOf('conversation.assign').slice(1)).toEqual([
      { conversationIds: [1], memberId: null },
      { conversationIds: [3], memberId: 2 },
    ]);
    expect(core.rows.map((r) => r.assigneeId)).toEqual([null, null, 2]);
  });

  it('rolls back to what the core holds when it refuses, and keeps nothing to undo', async () => {
    const inbox = useInboxStore();
    const triage = useTriageStore();
    await inbox.load();
    core.failing.set('conversation.setStatus', 'storage');
    expect(await triage.apply({ kind: 'status', ids: [1], status: 'done' })).toBe(false);
    expect(inbox.items.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(triage.canUndo).toBe(false);
    expect(useToastsStore().toasts.at(-1)).toMatchObject({ tone: 'error', keyParams: { why: 'errors.storage' } });
  });

  it('says there is nothing to undo on an empty history', async () => {
    const triage = useTriageStore();
    expect(await triage.undo()).toBe(false);
    expect(useToastsStore().toasts.at(-1)?.messageKey).toBe('toasts.nothingToUndo');
  });
});
