import { afterEach, describe, expect, it } from 'vitest';
import { ReportQuery } from '../../../shared/report';
import { addAccount, item, makeCore } from '../testing/core-fixture';

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

const H = 3_600_000;
// Monday 7 December 2026, 00:00 UTC; the period is that week.
const MON = Date.UTC(2026, 11, 7);
const at = (day: number, hour: number) => MON + day * 24 * H + hour * H;
const person = (id: string) => ({ remoteId: id, handle: `@${id}`, name: id });

function seed() {
  core = makeCore({ now: () => at(7, 0) });
  const masto = addAccount(core);
  const bsky = addAccount(core, 'bluesky');
  const brand = { remoteId: 'me-mastodon', handle: '@brand', name: 'Brand' };
  core.ingest(masto.id, {
    items: [
      // Last week: Ana's first message (she is not new this week).
      item({ remoteId: 'old', threadRemoteId: 'A0', author: person('ana'), createdAt: at(-3, 10) }),
      // Monday 10:00, answered 10:30 (30 business minutes).
      item({ remoteId: 'a1', threadRemoteId: 'A', author: person('ana'), createdAt: at(0, 10) }),
      item({ remoteId: 'a2', threadRemoteId: 'A', author: brand, direction: 'out', createdAt: at(0, 10.5) }),
      // Friday 17:00, answered Monday 10:00 of the next week (2 business hours).
      item({ remoteId: 'b1', threadRemoteId: 'B', author: person('bob'), createdAt: at(4, 17) }),
      item({ remoteId: 'b2', threadRemoteId: 'B', author: brand, direction: 'out', createdAt: at(7, 10) }),
    ],
    cursor: null,
  });
  core.ingest(bsky.id, { items: [item({ remoteId: 'c1', threadRemoteId: 'C', author: person('cyd'), createdAt: at(2, 9) })], cursor: null });
  const ids = (core.db.prepare('SELECT id, remote_id FROM conversations').all() as { id: number; remote_id: string }[]);
  const idOf = (r: string) => ids.find((c) => c.remote_id === r)!.id;
  return { masto, bsky, idOf };
}

const report = (q: Record<string, unknown>) =>
  core.handlers['reports.get'](ReportQuery.parse({ since: MON, until: at(7, 0), timeZone: 'UTC', ...q })) as ReturnType<ReturnType<typeof makeCore>['handlers']['reports.get']> & { current: Record<string, number | null> };

describe('reports', () => {
  it('computes volumes, response times in business hours, the target share and newcomers', async () => {
    seed();
    const r = await report({ targetMinutes: 60 });
    expect(r.current).toMatchObject({ messagesIn: 3, messagesOut: 1, conversations: 3, answered: 2, newcomers: 2 });
    expect(r.current.firstResponseMedian).toBe(30 * 60_000);
    expect(r.current.firstResponseP90).toBe(2 * H);
    expect(r.current.withinTarget).toBeCloseTo(1 / 3);
    expect(r.previous).toMatchObject({ messagesIn: 1, conversations: 1, answered: 0, newcomers: 1 });
    expect(r.volume.map((v) => [v.start, v.in, v.out])).toEqual([
      ['2026-12-07', 1, 1], ['2026-12-08', 0, 0], ['2026-12-09', 1, 0], ['2026-12-10', 0, 0], ['2026-12-11', 1, 0], ['2026-12-12', 0, 0], ['2026-12-13', 0, 0],
    ]);
    expect(r.busiestHours[0]![10]).toBe(1);
    expect(r.busiestHours[4]![17]).toBe(1);
    expect(r.topAuthors.map((a) => [a.name, a.newcomer])).toEqual(expect.arrayContaining([['ana', false], ['bob', true], ['cyd', true]]));
  });

  it('filters by network, account, tag and member, and counts resolutions and work per member', async () => {
    const { bsky, idOf } = seed();
    expect((await report({ network: ['bluesky'] })).current).toMatchObject({ messagesIn: 1, conversations: 1, answered: 0 });
    expect((await report({ accountId: [bsky.id] })).current.messagesIn).toBe(1);
    const tag = core.workspace.tags.create('sav', '#ff0000');
    core.conversations.tag([idOf('B')], tag.id, 'sav');
    expect((await report({ tagId: tag.id })).current).toMatchObject({ messagesIn: 1, messagesOut: 0, conversations: 1, answered: 1 });
    const lea = core.workspace.members.create('Léa');
    core.conversations.assign([idOf('A')], lea.id, 'Léa');
    expect((await report({ memberId: lea.id })).current).toMatchObject({ messagesIn: 1, messagesOut: 1, conversations: 1 });
    // Done now (the core's clock: the Monday after): resolution counts the week's business hours.
    core.conversations.setStatus([idOf('A')], 'done', null);
    const r = await report({});
    expect(r.current.resolutionMedian).toBe(8 * H + 4 * 9 * H);
    const me = r.members.find((m) => m.name === 'Alex')!;
    expect(me.done).toBe(0); // done after the period
    expect(r.members.find((m) => m.name === 'Léa')).toMatchObject({ assigned: 1, firstResponseMedian: 30 * 60_000 });
  });

  it('refuses an unknown time zone and a period over 400 days', () => {
    seed();
    expect(() => report({ timeZone: 'Mars/Olympus' })).toThrow(/time zone/);
    expect(() => ReportQuery.parse({ since: 0, until: 401 * 24 * H })).toThrow();
  });
});
