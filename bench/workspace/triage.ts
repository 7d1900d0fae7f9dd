/**
 * What a team would have left on a year of conversations: most older ones done, some pending or
 * snoozed, recent ones mostly open; a third assigned among five members; tags on a third; older
 * ones read. Applied through the contract's triage calls, in bulk (10,000 ids per call, the
 * contract's maximum), so each call is one transaction with its activity-log rows.
 */
import { startStallMeter, type StallFigures } from '../measure/event-loop';
import type { Core } from '../../electron/core/app';
import { seededRandom } from '../../e2e/demo/seeded-workspace';
import type { Member, Tag } from '../../shared/model';

const TAGS: readonly { name: string; color: string }[] = [
  { name: 'livraison', color: '#2563eb' },
  { name: 'SAV', color: '#dc2626' },
  { name: 'question', color: '#7c3aed' },
  { name: 'compliment', color: '#16a34a' },
  { name: 'concours', color: '#d97706' },
  { name: 'urgent', color: '#be123c' },
  { name: 'remboursement', color: '#0891b2' },
  { name: 'presse', color: '#4d7c0f' },
  { name: 'partenariat', color: '#a21caf' },
  { name: 'spam', color: '#525252' },
];
const TEAM = ['Léa Morel', 'Karim Benali', 'Sophie Laurent', 'Tom Girard'];
const CALL_LIMIT = 10_000;
const DAY = 24 * 3600_000;

export interface TriageResult {
  tags: Tag[];
  members: Member[];
  me: Member;
  /** Conversations per status after triage. */
  statuses: Record<string, number>;
  /** Wall time of all triage calls. */
  ms: number;
  /** Conversations written to (one row per call and id). */
  writes: number;
  /** The event loop during the bulk calls (when asked for). */
  stalls: StallFigures | null;
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Applies statuses, assignees, tags and read state to every conversation of `core`. */
export async function applyTriage(core: Core, now: number, seed = 7, opts: { measureStalls?: boolean } = {}): Promise<TriageResult> {
  const started = performance.now();
  const rnd = seededRandom(seed);
  const h = core.handlers;
  const tags: Tag[] = [];
  for (const t of TAGS) tags.push(await h['tags.create'](t));
  for (const name of TEAM) await h['members.create']({ name });
  const members = await h['members.list']({});
  const me = members.find((m) => m.isMe)!;

  const rows = core.db.prepare<[], { id: number; at: number }>('SELECT id, last_activity_at AS at FROM conversations ORDER BY id').all();
  const byStatus = { done: [] as number[], pending: [] as number[], snoozed: [] as number[] };
  const read: number[] = [];
  const byMember = new Map<number, number[]>();
  const byTag = new Map<number, number[]>();
  const add = <K>(map: Map<K, number[]>, key: K, id: number) => {
    const list = map.get(key);
    if (list) list.push(id);
    else map.set(key, [id]);
  };
  for (const { id, at } of rows) {
    const age = now - at;
    const p = rnd();
    if (age > 3 * DAY) {
      if (p < 0.8) byStatus.done.push(id);
      else if (p < 0.85) byStatus.pending.push(id);
      else if (p < 0.87) byStatus.snoozed.push(id);
    } else if (p < 0.1) byStatus.pending.push(id);
    else if (p < 0.15) byStatus.done.push(id);
    if (age > DAY && rnd() < 0.9) read.push(id);
    if (rnd() < 0.35) {
      // "Me" gets a quarter of the assigned work, the four others share the rest.
      const member = rnd() < 0.25 ? me : members.filter((m) => !m.isMe)[Math.floor(rnd() * (members.length - 1))]!;
      add(byMember, member.id, id);
    }
    if (rnd() < 0.3) {
      // Tag popularity is skewed too: "livraison" and "SAV" are everywhere, "presse" is rare.
      add(byTag, tags[Math.floor(tags.length * Math.pow(rnd(), 1.8))]!.id, id);
      if (rnd() < 0.25) add(byTag, tags[Math.floor(rnd() * tags.length)]!.id, id);
    }
  }

  // Each bulk call is one call of the core, as the UI makes it: with the loop let run around it
  // (sampled from here, after the bench's own reading of every conversation above).
  const stalls = opts.measureStalls ? startStallMeter() : null;
  const call = async <T>(work: () => T | Promise<T>): Promise<T> => (stalls ? stalls.around(work) : work());
  let writes = 0;
  for (const [status, ids] of Object.entries(byStatus) as [keyof typeof byStatus, number[]][]) {
    for (const part of chunks(ids, CALL_LIMIT)) {
      const input = status === 'snoozed' ? { conversationIds: part, status, snoozeUntil: now + 2 * DAY + Math.floor(rnd() * 5 * DAY) } : { conversationIds: part, status };
      await call(() => h['conversation.setStatus'](input));
      writes += part.length;
    }
  }
  for (const part of chunks(read, CALL_LIMIT)) {
    await call(() => h['conversation.markRead']({ conversationIds: part, unread: false }));
    writes += part.length;
  }
  for (const [memberId, ids] of byMember) {
    for (const part of chunks(ids, CALL_LIMIT)) {
      await call(() => h['conversation.assign']({ conversationIds: part, memberId }));
      writes += part.length;
    }
  }
  for (const [tagId, ids] of byTag) {
    for (const part of chunks(ids, CALL_LIMIT)) {
      await call(() => h['conversation.tag']({ conversationIds: part, tagId }));
      writes += part.length;
    }
  }
  const statuses = Object.fromEntries(
    core.db.prepare<[], { status: string; n: number }>('SELECT status, count(*) AS n FROM conversations GROUP BY status').all().map((r) => [r.status, r.n]),
  );
  const stallFigures = stalls?.stop() ?? null;
  return { tags, members, me, statuses, ms: performance.now() - started, writes, stalls: stallFigures };
}
