/**
 * Reports from the local store, computed on demand with indexed queries (messages by time, first
 * responses and resolutions through each conversation's own index): no figure is kept apart from the
 * rows it comes from, so a report never disagrees with the inbox.
 */
import type { Report, ReportQuery, ReportTotals } from '../../../shared/report';
import type { Db } from '../db/connection';
import { CoreError } from '../rpc';
import { businessClock, HOUR, isTimeZone, localHour, percentile, weekStart, type LocalHour } from './clock';

interface Scope {
  /** A condition on conversations `c`, and its parameters. */
  where: string;
  params: unknown[];
  /**
   * The same condition on messages `m` alone when it needs no conversation (network and account
   * filters, through the message's own account): the covering index answers without a join.
   */
  messageWhere: string | null;
  messageParams: unknown[];
}

function scopeOf(q: ReportQuery): Scope {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (q.network) {
    parts.push(`c.network IN (${q.network.map(() => '?').join(',')})`);
    params.push(...q.network);
  }
  if (q.accountId) {
    parts.push(`c.account_id IN (${q.accountId.map(() => '?').join(',')})`);
    params.push(...q.accountId);
  }
  if (q.tagId !== undefined) {
    parts.push('EXISTS (SELECT 1 FROM conversation_tags ct WHERE ct.conversation_id = c.id AND ct.tag_id = ?)');
    params.push(q.tagId);
  }
  if (q.memberId !== undefined) {
    parts.push('c.assignee_id = ?');
    params.push(q.memberId);
  }
  const byMessage: string[] = [];
  const messageParams: unknown[] = [];
  if (q.network) {
    byMessage.push(`m.account_id IN (SELECT id FROM accounts WHERE network IN (${q.network.map(() => '?').join(',')}))`);
    messageParams.push(...q.network);
  }
  if (q.accountId) {
    byMessage.push(`m.account_id IN (${q.accountId.map(() => '?').join(',')})`);
    messageParams.push(...q.accountId);
  }
  const needsConversation = q.tagId !== undefined || q.memberId !== undefined;
  return {
    where: parts.length ? parts.join(' AND ') : '1',
    params,
    messageWhere: needsConversation ? null : byMessage.length ? byMessage.join(' AND ') : '1',
    messageParams,
  };
}

const MODERATION_COUNTED = ['hold', 'hide', 'remove', 'spam'] as const;

export function createReportService(db: Db, now: () => number) {
  const hourCache = new Map<string, LocalHour>();
  const localHourCached = (hourStart: number, timeZone: string): LocalHour => {
    const key = `${timeZone}|${hourStart}`;
    let v = hourCache.get(key);
    if (!v) {
      v = localHour(hourStart, timeZone);
      if (hourCache.size > 50_000) hourCache.clear();
      hourCache.set(key, v);
    }
    return v;
  };

  function hourly(scope: Scope, since: number, until: number): { hour: number; direction: string; n: number }[] {
    if (scope.messageWhere !== null) {
      return db
        .prepare<unknown[], { hour: number; direction: string; n: number }>(`
          SELECT m.created_at / ${HOUR} AS hour, m.direction, count(*) AS n
          FROM messages m INDEXED BY messages_created
          WHERE m.created_at >= ? AND m.created_at < ? AND ${scope.messageWhere}
          GROUP BY hour, m.direction`)
        .all(since, until, ...scope.messageParams);
    }
    return db
      .prepare<unknown[], { hour: number; direction: string; n: number }>(`
        SELECT m.created_at / ${HOUR} AS hour, m.direction, count(*) AS n
        FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE m.created_at >= ? AND m.created_at < ? AND ${scope.where}
        GROUP BY hour, m.direction`)
      .all(since, until, ...scope.params);
  }

  /** The period's conversations (first message in it) with their first response and resolution instants. */
  function conversationTimes(scope: Scope, since: number, until: number) {
    return db
      .prepare<unknown[], { id: number; assignee_id: number | null; first_in: number | null; first_out: number | null; done_at: number | null }>(`
        SELECT f.id, f.assignee_id, f.first_in,
          (SELECT min(m.created_at) FROM messages m WHERE m.conversation_id = f.id AND m.direction = 'out' AND m.created_at >= f.first_in) AS first_out,
          (SELECT min(a.at) FROM activity a WHERE a.conversation_id = f.id AND a.kind = 'status' AND a.at >= f.first_in
             AND json_extract(a.detail, '$.status') = 'done') AS done_at
        FROM (
          SELECT c.id, c.assignee_id,
            (SELECT min(m.created_at) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'in') AS first_in
          FROM conversations c
          WHERE c.created_at >= ? AND c.created_at < ? AND ${scope.where}
        ) f
        WHERE f.first_in IS NOT NULL`)
      .all(since, until, ...scope.params);
  }

  function totals(q: ReportQuery, since: number, until: number, hours: ReturnType<typeof hourly>, times: ReturnType<typeof conversationTimes>, newcomers: number): { totals: ReportTotals; business: (a: number, b: number) => number } {
    let messagesIn = 0;
    let messagesOut = 0;
    for (const h of hours) {
      if (h.direction === 'in') messagesIn += h.n;
      else messagesOut += h.n;
    }
    let last = until;
    for (const t of times) last = Math.max(last, t.first_out ?? 0, t.done_at ?? 0);
    const business = businessClock(since, Math.min(last, now() + 86_400_000), q.timeZone, q.businessHours);
    const frt: number[] = [];
    const res: number[] = [];
    for (const t of times) {
      if (t.first_out !== null) frt.push(business(t.first_in!, t.first_out));
      if (t.done_at !== null) res.push(business(t.first_in!, t.done_at));
    }
    frt.sort((a, b) => a - b);
    res.sort((a, b) => a - b);
    const target = q.targetMinutes * 60_000;
    const totals: ReportTotals = {
      messagesIn,
      messagesOut,
      conversations: times.length,
      answered: frt.length,
      firstResponseMedian: percentile(frt, 0.5),
      firstResponseP90: percentile(frt, 0.9),
      resolutionMedian: percentile(res, 0.5),
      resolutionP90: percentile(res, 0.9),
      withinTarget: times.length ? frt.filter((d) => d <= target).length / times.length : null,
      newcomers,
    };
    return { totals, business };
  }

  /** Authors with incoming messages in the period, and whether their first stored message is in it. */
  function authors(scope: Scope, since: number, until: number) {
    const counted = scope.messageWhere !== null
      ? `SELECT m.author_id, count(*) AS n FROM messages m INDEXED BY messages_created
          WHERE m.created_at >= ? AND m.created_at < ? AND m.direction = 'in' AND m.author_id IS NOT NULL AND ${scope.messageWhere}
          GROUP BY m.author_id`
      : `SELECT m.author_id, count(*) AS n
          FROM messages m JOIN conversations c ON c.id = m.conversation_id
          WHERE m.created_at >= ? AND m.created_at < ? AND m.direction = 'in' AND m.author_id IS NOT NULL AND ${scope.where}
          GROUP BY m.author_id`;
    return db
      .prepare<unknown[], { author_id: number; name: string; handle: string; network: string; n: number; first_at: number }>(`
        SELECT x.author_id, au.name, au.handle, ac.network, x.n,
          (SELECT m2.created_at FROM messages m2 WHERE m2.id = (SELECT min(m3.id) FROM messages m3 WHERE m3.author_id = x.author_id)) AS first_at
        FROM (${counted}) x JOIN authors au ON au.id = x.author_id JOIN accounts ac ON ac.id = au.account_id
        ORDER BY x.n DESC, au.name`)
      .all(since, until, ...(scope.messageWhere !== null ? scope.messageParams : scope.params))
      .map((r) => ({ ...r, newcomer: r.first_at >= since && r.first_at < until }));
  }

  return {
    report(q: ReportQuery): Report {
      if (!isTimeZone(q.timeZone)) throw new CoreError('invalid-input', `Unknown time zone: ${q.timeZone}`);
      const started = performance.now();
      const scope = scopeOf(q);
      const length = q.until - q.since;
      const previousSince = q.since - length;
      const read = db.transaction(() => {
        const hours = hourly(scope, q.since, q.until);
        const previousHours = hourly(scope, previousSince, q.since);
        const times = conversationTimes(scope, q.since, q.until);
        const previousTimes = conversationTimes(scope, previousSince, q.since);
        const people = authors(scope, q.since, q.until);
        const previousPeople = authors(scope, previousSince, q.since);
        const moderation = db
          .prepare<unknown[], { action: string; manual: number; n: number }>(`
            SELECT json_extract(a.detail, '$.action') AS action, json_extract(a.detail, '$.origin') = 'manual' AS manual, count(*) AS n
            FROM activity a JOIN conversations c ON c.id = a.conversation_id
            WHERE a.kind = 'moderation' AND a.at >= ? AND a.at < ? AND ${scope.where}
            GROUP BY action, manual`)
          .all(q.since, q.until, ...scope.params);
        // Approved after a rule held it: an approval of a message whose conversation a rule held before.
        const approvedAfterHold = db
          .prepare<unknown[], { n: number }>(`
            SELECT count(*) AS n FROM activity a JOIN conversations c ON c.id = a.conversation_id
            WHERE a.kind = 'moderation' AND a.at >= ? AND a.at < ? AND json_extract(a.detail, '$.action') = 'approve' AND ${scope.where}
              AND EXISTS (SELECT 1 FROM activity h WHERE h.conversation_id = a.conversation_id AND h.kind = 'moderation' AND h.at <= a.at
                          AND json_extract(h.detail, '$.action') = 'hold' AND json_extract(h.detail, '$.origin') LIKE 'rule:%')`)
          .get(q.since, q.until, ...scope.params)!.n;
        const memberRows = db
          .prepare<unknown[], { id: number; name: string; replies: number; done: number }>(`
            SELECT mb.id, mb.name,
              (SELECT count(*) FROM activity a JOIN conversations c ON c.id = a.conversation_id
                 WHERE a.kind = 'reply' AND a.actor = mb.name AND a.at >= ? AND a.at < ? AND ${scope.where}) AS replies,
              (SELECT count(*) FROM activity a JOIN conversations c ON c.id = a.conversation_id
                 WHERE a.kind = 'status' AND a.actor = mb.name AND a.at >= ? AND a.at < ? AND json_extract(a.detail, '$.status') = 'done' AND ${scope.where}) AS done
            FROM members mb ORDER BY mb.is_me DESC, mb.name`)
          .all(q.since, q.until, ...scope.params, q.since, q.until, ...scope.params);
        return { hours, previousHours, times, previousTimes, people, previousPeople, moderation, approvedAfterHold, memberRows };
      });
      const r = read();

      const { totals: current, business } = totals(q, q.since, q.until, r.hours, r.times, r.people.filter((p) => p.newcomer).length);
      const { totals: previous } = totals(q, previousSince, q.since, r.previousHours, r.previousTimes, r.previousPeople.filter((p) => p.newcomer).length);

      // Volume per local day or week, every bucket of the period present (zeros included).
      const volume = new Map<string, { in: number; out: number }>();
      for (let t = q.since; t < q.until; t += HOUR) {
        const day = localHourCached(Math.floor(t / HOUR) * HOUR, q.timeZone).date;
        const key = q.bucket === 'week' ? weekStart(day) : day;
        if (!volume.has(key)) volume.set(key, { in: 0, out: 0 });
      }
      const busiest = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
      for (const h of r.hours) {
        const local = localHourCached(h.hour * HOUR, q.timeZone);
        const key = q.bucket === 'week' ? weekStart(local.date) : local.date;
        const slot = volume.get(key) ?? { in: 0, out: 0 };
        if (h.direction === 'in') {
          slot.in += h.n;
          busiest[local.weekday]![local.hour]! += h.n;
        } else slot.out += h.n;
        volume.set(key, slot);
      }

      const moderation = { held: 0, hidden: 0, removed: 0, spam: 0, byRule: 0, byHand: 0, approvedAfterHold: r.approvedAfterHold };
      const field = { hold: 'held', hide: 'hidden', remove: 'removed', spam: 'spam' } as const;
      for (const m of r.moderation) {
        if (!(MODERATION_COUNTED as readonly string[]).includes(m.action)) continue;
        moderation[field[m.action as (typeof MODERATION_COUNTED)[number]]] += m.n;
        if (m.manual) moderation.byHand += m.n;
        else moderation.byRule += m.n;
      }

      const members = r.memberRows.map((mb) => {
        const mine = r.times.filter((t) => t.assignee_id === mb.id);
        const frt = mine.filter((t) => t.first_out !== null).map((t) => business(t.first_in!, t.first_out!)).sort((a, b) => a - b);
        return { memberId: mb.id, name: mb.name, replies: mb.replies, done: mb.done, assigned: mine.length, firstResponseMedian: percentile(frt, 0.5) };
      });

      return {
        query: { since: q.since, until: q.until, previousSince, bucket: q.bucket, timeZone: q.timeZone, targetMinutes: q.targetMinutes },
        current,
        previous,
        volume: [...volume.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([start, v]) => ({ start, ...v })),
        members,
        busiestHours: busiest,
        moderation,
        topAuthors: r.people.slice(0, 10).map((p) => ({ name: p.name, handle: p.handle, network: p.network, messages: p.n, newcomer: p.newcomer })),
        tookMs: Math.round((performance.now() - started) * 10) / 10,
      };
    },
  };
}
