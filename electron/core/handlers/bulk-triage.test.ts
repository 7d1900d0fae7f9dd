/**
 * Bulk triage on thousands of conversations writes them slice by slice, letting the core's event
 * loop answer other calls in between (issue 20), and still refuses the whole call when one id is
 * unknown.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addAccount, item, makeCore } from '../testing/core-fixture';
import { NotFoundError } from '../db/conversations';
import { TRIAGE_SLICE } from './conversation';

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

function withConversations(n: number): number[] {
  core = makeCore();
  const acc = addAccount(core);
  core.ingest(acc.id, { items: Array.from({ length: n }, (_, i) => item({ remoteId: `b${i}`, threadRemoteId: `bt${i}` })), cursor: null });
  return core.db.prepare('SELECT id FROM conversations ORDER BY id').pluck().all() as number[];
}

describe('bulk triage', () => {
  it('writes every conversation of a large call, and lets other work run between slices', async () => {
    const ids = withConversations(TRIAGE_SLICE * 3 + 7);
    const doneCount = () => core.db.prepare("SELECT count(*) FROM conversations WHERE status = 'done'").pluck().get() as number;
    const seenBetween: number[] = [];
    const call = core.handlers['conversation.setStatus']({ conversationIds: ids, status: 'done' });
    // Runs while the call is under way: the loop was not held for the whole call.
    const probe = new Promise<void>((resolve) => setImmediate(() => { seenBetween.push(doneCount()); resolve(); }));
    await Promise.all([call, probe]);
    expect(seenBetween[0]).toBeGreaterThan(0);
    expect(seenBetween[0]).toBeLessThan(ids.length);
    expect(doneCount()).toBe(ids.length);
    const counted = core.handlers['inbox.count']({ filters: { done: { status: ['done'] }, open: { status: ['open'] } } }) as Record<string, number>;
    expect(counted).toEqual({ done: ids.length, open: 0 });
  });

  it('changes nothing when one id of a large call does not exist', async () => {
    const ids = withConversations(TRIAGE_SLICE + 10);
    const tag = core.workspace.tags.create('urgent', '#ff0000');
    const missing = Math.max(...ids) + 1000;
    await expect(Promise.resolve().then(() => core.handlers['conversation.tag']({ conversationIds: [...ids, missing], tagId: tag.id }))).rejects.toThrow(NotFoundError);
    expect(core.db.prepare('SELECT count(*) FROM conversation_tags').pluck().get()).toBe(0);
  });

  it('answers small calls at once, as before', () => {
    const ids = withConversations(3);
    const result = core.handlers['conversation.markRead']({ conversationIds: ids, unread: false });
    expect(result).toEqual({ ok: true });
    expect(core.db.prepare('SELECT count(*) FROM conversations WHERE unread = 1').pluck().get()).toBe(0);
  });
});
