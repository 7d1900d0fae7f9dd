/**
 * What runs when the app starts (and on the snooze timer) reads a few index pages, however large
 * the base: at ten million messages anything that reads rows one by one costs seconds of a cold
 * start (issue 20).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addAccount, item, makeCore } from '../testing/core-fixture';
import { NEXT_SNOOZE_SQL, WAKE_SNOOZED_SQL } from './conversations';

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

const plan = (sql: string, params: unknown[] = []) =>
  (core.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);

describe('start-up reads', () => {
  it('finds the next snooze time and the conversations to wake from the snoozed index alone', () => {
    core = makeCore();
    expect(plan(NEXT_SNOOZE_SQL)).toEqual([expect.stringMatching(/^SEARCH conversations USING COVERING INDEX conv_snoozed \(snooze_until>\?\)$/)]);
    expect(plan(WAKE_SNOOZED_SQL, [1])).toEqual([expect.stringMatching(/^SEARCH conversations USING (COVERING )?INDEX conv_snoozed \(snooze_until<\?\)$/)]);
  });

  it('wakes snoozed conversations in time order and tells the next time', () => {
    core = makeCore();
    const acc = addAccount(core);
    core.ingest(acc.id, { items: [item({ threadRemoteId: 'a' }), item({ threadRemoteId: 'b' }), item({ threadRemoteId: 'c' })], cursor: null });
    const [a, b, c] = core.db.prepare('SELECT id FROM conversations ORDER BY id').pluck().all() as number[];
    core.handlers['conversation.setStatus']({ conversationIds: [a!], status: 'snoozed', snoozeUntil: 3000 });
    core.handlers['conversation.setStatus']({ conversationIds: [b!], status: 'snoozed', snoozeUntil: 2000 });
    core.handlers['conversation.setStatus']({ conversationIds: [c!], status: 'done' });
    expect(core.conversations.nextSnoozeAt()).toBe(2000);
    expect(core.conversations.wakeSnoozed(2500)).toEqual([b]);
    expect(core.conversations.nextSnoozeAt()).toBe(3000);
    expect(core.conversations.wakeSnoozed(3000)).toEqual([a]);
    expect(core.conversations.nextSnoozeAt()).toBeNull();
  });
});
