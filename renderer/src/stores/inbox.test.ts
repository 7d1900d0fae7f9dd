import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { setApiClient } from '../api';
import { summary } from '../inbox/testSummaries';
import { FakeCore } from './fakeCore';
import { PAGE_SIZE, useInboxStore } from './inbox';
import { useMembersStore } from './members';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function rows(count: number) {
  return Array.from({ length: count }, (_, i) => summary({ id: i + 1, lastActivityAt: 10_000 - i }));
}

let core: FakeCore;

beforeEach(() => {
  setActivePinia(createPinia());
  core = new FakeCore(rows(120));
  setApiClient(core);
});

describe('useInboxStore', () => {
  it('reads the first page newest first, then the next keyset page', async () => {
    const inbox = useInboxStore();
    await inbox.load();
    expect(inbox.items).toHaveLength(PAGE_SIZE);
    expect(inbox.items[0]?.id).toBe(1);
    expect(inbox.cursorId).toBe(1);
    await inbox.loadMore();
    await inbox.loadMore();
    expect(inbox.items.map((r) => r.id)).toEqual(rows(120).map((r) => r.id));
    expect(inbox.hasMore).toBe(false);
    expect(core.callsOf('inbox.list')).toEqual([
      { filter: { status: ['open'], held: false }, limit: 50 },
      { filter: { status: ['open'], held: false }, cursor: '50', limit: 50 },
      { filter: { status: ['open'], held: false }, cursor: '100', limit: 50 },
    ]);
  });

  it('keeps unchanged row objects when re-reading after a change, and replaces changed ones', async () => {
    const inbox = useInboxStore();
    await inbox.load();
    const before = inbox.items;
    core.rows = core.rows.map((r) => (r.id === 3 ? { ...r, snippet: 'edited' } : r));
    await inbox.refresh();
    expect(inbox.items[0]).toBe(before[0]);
    expect(inbox.items[2]).not.toBe(before[2]);
    expect(inbox.items[2]?.snippet).toBe('edited');
  });

  it('shows new rows from a re-read in order and keeps rows loaded beyond its window', async () => {
    const inbox = useInboxStore();
    await inbox.load();
    await inbox.loadMore(); // 100 rows loaded
    core.rows = [summary({ id: 500, lastActivityAt: 20_000 }), ...core.rows];
    await inbox.refresh();
    expect(inbox.items[0]?.id).toBe(500);
    expect(inbox.items).toHaveLength(101);
    expect(inbox.items[100]?.id).toBe(100);
  });

  it('removes rows a triage change takes out of the view and moves the cursor to the next row', async () => {
    const inbox = useInboxStore();
    await inbox.load();
    inbox.setCursor(2);
    const removed = inbox.applyLocal({ kind: 'status', ids: [2], status: 'done' });
    expect(removed.map((r) => r.id)).toEqual([2]);
    expect(inbox.items.slice(0, 3).map((r) => r.id)).toEqual([1, 3, 4]);
    expect(inbox.cursorId).toBe(3);
    inbox.restoreRows(removed);
    expect(inbox.items.slice(0, 3).map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('moves the cursor to the previous row when the last row leaves', async () => {
    core.rows = rows(3);
    const inbox = useInboxStore();
    await inbox.load();
    inbox.setCursor(3);
    inbox.applyLocal({ kind: 'status', ids: [3], status: 'done' });
    expect(inbox.cursorId).toBe(2);
  });

  it('extends the selection from the anchor with Shift+j/k and shrinks it back', async () => {
    const inbox = useInboxStore();
    await inbox.load();
    inbox.setCursor(2);
    inbox.extendSelection(1);
    inbox.extendSelection(1);
    expect([...inbox.selected]).toEqual([2, 3, 4]);
    inbox.extendSelection(-1);
    expect([...inbox.selected].sort()).toEqual([2, 3]);
    expect(inbox.targetIds()).toEqual([2, 3]);
    inbox.clearSelection();
    expect(inbox.targetIds()).toEqual([3]);
  });

  it('keeps an earlier selection when a new range starts elsewhere', async () => {
    const inbox = useInboxStore();
    await inbox.load();
    inbox.toggleSelected(1);
    inbox.moveCursor(2); // row 3
    inbox.extendSelection(1);
    expect(inbox.targetIds()).toEqual([1, 3, 4]);
  });

  it('reads again when the view or the search changes, and waits for "me" before "Mine"', async () => {
    const inbox = useInboxStore();
    inbox.setView('mine');
    await flush();
    expect(core.callsOf('inbox.list')).toEqual([]);
    await useMembersStore().load();
    await flush();
    expect(core.callsOf('inbox.list')).toEqual([{ filter: { status: ['open', 'pending'], assigneeId: 1, held: false }, limit: 50 }]);
    inbox.setQuery('colis');
    await flush();
    expect(core.callsOf('inbox.list')[1]).toEqual({ filter: { status: ['open', 'pending'], assigneeId: 1, held: false, query: 'colis' }, limit: 50 });
  });

  it('ignores a page that arrives after the view changed', async () => {
    let release: () => void = () => {};
    core.handle('inbox.list', (input) => {
      const page = { items: input.filter?.status?.[0] === 'done' ? [] : rows(2), nextCursor: null, highlight: [] };
      if (input.filter?.status?.[0] === 'open') return new Promise((resolve) => (release = () => resolve(page)));
      return page;
    });
    const inbox = useInboxStore();
    const slow = inbox.load();
    inbox.setView('done');
    await flush();
    release();
    await slow;
    expect(inbox.viewKey).toBe('done');
    expect(inbox.items).toEqual([]);
  });

  it('patches only the named rows from inbox.summaries, keeping the others untouched', async () => {
    const inbox = useInboxStore();
    await inbox.load();
    const before = inbox.items;
    core.rows = core.rows.map((r) =>
      r.id === 3 ? { ...r, snippet: 'edited' } : r.id === 4 ? { ...r, status: 'done' } : r.id === 60 ? { ...r, lastActivityAt: 50_000 } : r,
    );
    core.rows = [...core.rows, summary({ id: 700, lastActivityAt: 9_990 }), summary({ id: 701, lastActivityAt: 1 })];
    await inbox.patchFromSummaries([3, 4, 60, 700, 701, 999]);
    expect(core.callsOf('inbox.list')).toHaveLength(1);
    expect(core.callsOf('inbox.summaries')).toEqual([{ conversationIds: [3, 4, 60, 700, 701, 999] }]);
    // 60 moved to the top, 4 left the inbox (done), 700 arrived in order; 701 is beyond the loaded page.
    expect(inbox.items.slice(0, 4).map((r) => r.id)).toEqual([60, 1, 2, 3]);
    expect(inbox.items.some((r) => r.id === 4 || r.id === 701)).toBe(false);
    expect(inbox.items.findIndex((r) => r.id === 700)).toBe(inbox.items.findIndex((r) => r.id === 10) + 1);
    expect(inbox.items[1]).toBe(before[0]);
    expect(inbox.items[3]?.snippet).toBe('edited');
  });

  it('keeps the row under the cursor in place when a re-read bumps it, so the next j goes where it was', async () => {
    const inbox = useInboxStore();
    await inbox.load();
    inbox.setCursor(3);
    // A reply to conversation 3 makes it the most recent one.
    core.rows = core.rows.map((r) => (r.id === 3 ? { ...r, lastActivityAt: 50_000 } : r));
    await inbox.patchFromSummaries([3]);
    expect(inbox.items.slice(0, 4).map((r) => r.id)).toEqual([1, 2, 3, 4]);
    await inbox.refresh();
    expect(inbox.items.slice(0, 4).map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(inbox.moveCursor(1)?.id).toBe(4);
    // Once the cursor has left it, the row takes its sorted place at the next re-read.
    await inbox.patchFromSummaries([3]);
    expect(inbox.items.slice(0, 5).map((r) => r.id)).toEqual([3, 1, 2, 4, 5]);
    expect(inbox.cursorRow?.id).toBe(4);
  });

  it('re-reads the whole list for a search, where only the core knows what matches', async () => {
    const inbox = useInboxStore();
    inbox.setQuery('message');
    await inbox.load();
    await inbox.patchFromSummaries([1]);
    expect(core.callsOf('inbox.summaries')).toEqual([]);
    expect(core.callsOf('inbox.list').length).toBeGreaterThan(1);
  });

  it('takes a conversation out of the review queue at once when it is reviewed', async () => {
    core.rows = [summary({ id: 1, held: true, lastActivityAt: 30 }), summary({ id: 2, held: true, lastActivityAt: 20 })];
    const inbox = useInboxStore();
    inbox.setView('held');
    await flush();
    inbox.setCursor(1);
    inbox.patchRows([1], { held: false });
    expect(inbox.items.map((r) => r.id)).toEqual([2]);
    expect(inbox.cursorId).toBe(2);
  });
});
