/**
 * Contests from the local store: the posts people answered, the entrants a contest's filters keep,
 * and draws whose certificates anyone can recompute. Every draw is written to the audit log (the
 * activity table, as a moderation-kind entry so that the audit screen and its CSV show it); a
 * redraw keeps the draws before it and records why it was made.
 */
import {
  CERTIFICATE_FORMAT,
  Certificate,
  ContestFilters,
  DRAW_ALGORITHM,
  DRAW_ALGORITHM_TEXT,
  type Contest,
  type ContestDraw,
  type ContestInput,
  type ContestPost,
  type ContestPostChoice,
  type ContestPreview,
  type ContestWarning,
  type Entrant,
} from '../../../shared/contest';
import type { Db } from '../db/connection';
import { newUid } from '../db/uid';
import { CoreError } from '../rpc';
import { drawFrom, entrantsSha256, newSeed, sortEntrants } from './draw';

interface EntryRow {
  message_id: number;
  conversation_id: number;
  remote_id: string;
  text: string;
  created_at: number;
  network: string;
  author_remote_id: string | null;
  handle: string | null;
  name: string | null;
  blocked: number | null;
}

/** Lower-case, accents removed: "Été" and "ete" match. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** Whether a text contains a word or hashtag as a whole word (not "lampe" inside "lampes"). */
export function containsTerm(text: string, term: string): boolean {
  const t = fold(term.trim());
  if (!t) return true;
  const escaped = t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}_#@])${escaped}(?=$|[^\\p{L}\\p{N}_])`, 'u').test(fold(text));
}

/** The distinct accounts a text mentions (@name, @name@server, @name.bsky.social). */
export function mentionsIn(text: string): number {
  const found = new Set<string>();
  for (const m of text.matchAll(/(?:^|[^\p{L}\p{N}_@.])@([\p{L}\p{N}_][\p{L}\p{N}_.-]*(?:@[\p{L}\p{N}.-]+)?)/gu)) found.add(m[1]!.toLowerCase().replace(/\.+$/, ''));
  return found.size;
}

const bareHandle = (h: string): string => h.trim().replace(/^@/, '').toLowerCase();

/**
 * `tagToEnterForbidden(network)`: whether the network's terms forbid making entrants tag other
 * people (from its descriptor's contest rules).
 */
export function createContestService(db: Db, now: () => number, tagToEnterForbidden: (network: string) => boolean = () => false) {
  const postsQuery = db.prepare<[], { account_id: number; post_key: string; network: string; account_name: string; text: string | null; url: string | null; comments: number; last_at: number }>(`
    SELECT c.account_id, coalesce(c.context_remote_id, c.context_url) AS post_key, ac.network, ac.display_name AS account_name,
           max(c.context_text) AS text, max(c.context_url) AS url, sum(c.message_count) AS comments, max(c.last_activity_at) AS last_at
    FROM conversations c JOIN accounts ac ON ac.id = c.account_id
    WHERE coalesce(c.context_remote_id, c.context_url) IS NOT NULL
    GROUP BY c.account_id, post_key
    ORDER BY last_at DESC
    LIMIT 500`);
  const entriesQuery = db.prepare<[number, string, string], EntryRow>(`
    SELECT m.id AS message_id, m.conversation_id, m.remote_id, m.text, m.created_at, ac.network,
           au.remote_id AS author_remote_id, au.handle, au.name, au.blocked
    FROM conversations c
      JOIN messages m ON m.conversation_id = c.id
      JOIN accounts ac ON ac.id = c.account_id
      LEFT JOIN authors au ON au.id = m.author_id
    WHERE c.account_id = ? AND (c.context_remote_id = ? OR (c.context_remote_id IS NULL AND c.context_url = ?))
      AND m.direction = 'in' AND m.moderation = 'visible' AND m.deleted_at IS NULL AND m.remote_id IS NOT NULL
    ORDER BY m.created_at, m.id`);
  const accountsQuery = db.prepare<[], { id: number; network: string; remote_id: string; handle: string; display_name: string }>(
    'SELECT id, network, remote_id, handle, display_name FROM accounts',
  );
  const insertContest = db.prepare<[string, string, string, string, number, number, number]>(
    'INSERT INTO contests (uid, name, posts, filters, winners, alternates, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const contestRows = db.prepare<[], { id: number; name: string; posts: string; filters: string; winners: number; alternates: number; created_at: number }>(
    'SELECT id, name, posts, filters, winners, alternates, created_at FROM contests ORDER BY id DESC',
  );
  const contestRow = db.prepare<[number], { id: number; name: string; posts: string; filters: string; winners: number; alternates: number; created_at: number }>(
    'SELECT id, name, posts, filters, winners, alternates, created_at FROM contests WHERE id = ?',
  );
  const drawRows = db.prepare<[number], { id: number; uid: string; drawn_at: number; certificate: string; conversations: string }>(
    'SELECT id, uid, drawn_at, certificate, conversations FROM contest_draws WHERE contest_id = ? ORDER BY id',
  );
  const otherWinners = db.prepare<[number], { certificate: string }>('SELECT certificate FROM contest_draws WHERE contest_id != ?');
  const insertDraw = db.prepare<[string, number, number, number | null, string, string]>(
    'INSERT INTO contest_draws (uid, contest_id, drawn_at, member_id, certificate, conversations) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const logActivity = db.prepare<[number, string, string]>(
    "INSERT INTO activity (at, actor, conversation_id, kind, detail) VALUES (?, ?, NULL, 'moderation', ?)",
  );

  const personKey = (network: string, authorId: string): string => `${network}\u0000${authorId}`;

  function earlierWinners(contestId: number): Set<string> {
    const keys = new Set<string>();
    for (const row of otherWinners.all(contestId)) {
      const cert = JSON.parse(row.certificate) as Certificate;
      for (const w of cert.winners) keys.add(personKey(w.network, w.authorId));
    }
    return keys;
  }

  function warningsFor(posts: readonly ContestPost[], filters: ContestFilters): ContestWarning[] {
    const networks = new Set(accountsQuery.all().filter((a) => posts.some((p) => p.accountId === a.id)).map((a) => a.network));
    const warnings: ContestWarning[] = [];
    // A mention filter on a network whose terms forbid "tag your friends to enter" (Meta's).
    if (filters.minMentions > 0) for (const network of [...networks].sort()) if (tagToEnterForbidden(network)) warnings.push(`${network}-tag-a-friend`);
    return warnings;
  }

  /** The entrants a contest's posts and filters give now, with what each filter left out. */
  function collect(posts: readonly ContestPost[], filters: ContestFilters, contestId: number): ContestPreview & { conversations: Map<string, number> } {
    const accounts = accountsQuery.all();
    const brand = new Set(accounts.map((a) => personKey(a.network, a.remote_id)));
    const brandHandles = new Set([...accounts.map((a) => bareHandle(a.handle)), ...filters.excludeHandles.map(bareHandle)]);
    const winners = filters.excludeEarlierWinners ? earlierWinners(contestId) : new Set<string>();
    const excluded = { period: 0, brand: 0, blocked: 0, earlierWinners: 0, mustContain: 0, mentions: 0, duplicates: 0 };
    const seenEntries = new Set<string>();
    const rows: EntryRow[] = [];
    for (const post of posts) {
      for (const row of entriesQuery.all(post.accountId, post.postKey, post.postKey)) {
        const key = `${row.network}\u0000${row.remote_id}`;
        if (seenEntries.has(key)) continue;
        seenEntries.add(key);
        rows.push(row);
      }
    }
    rows.sort((a, b) => a.created_at - b.created_at || a.message_id - b.message_id);
    const people = new Set<string>();
    const entrants: Entrant[] = [];
    const conversations = new Map<string, number>();
    for (const row of rows) {
      if (row.author_remote_id === null) {
        excluded.brand++;
        continue;
      }
      const person = personKey(row.network, row.author_remote_id);
      if ((filters.since !== null && row.created_at < filters.since) || (filters.until !== null && row.created_at >= filters.until)) excluded.period++;
      else if (brand.has(person) || brandHandles.has(bareHandle(row.handle ?? ''))) excluded.brand++;
      else if (filters.excludeBlocked && row.blocked) excluded.blocked++;
      else if (winners.has(person)) excluded.earlierWinners++;
      else if (!filters.mustContain.every((term) => containsTerm(row.text, term))) excluded.mustContain++;
      else if (mentionsIn(row.text) < filters.minMentions) excluded.mentions++;
      else if (filters.onePerPerson && people.has(person)) excluded.duplicates++;
      else {
        people.add(person);
        const entrant: Entrant = {
          network: row.network,
          authorId: row.author_remote_id,
          handle: row.handle ?? '',
          name: row.name ?? '',
          entryId: row.remote_id,
          at: new Date(row.created_at).toISOString(),
        };
        entrants.push(entrant);
        conversations.set(`${row.network}\u0000${row.remote_id}`, row.conversation_id);
      }
    }
    const warnings = warningsFor(posts, filters);
    if (entrants.length === 0) warnings.push('no-entrants');
    return { entrants: sortEntrants(entrants), excluded, warnings, conversations };
  }

  function toContest(row: { id: number; name: string; posts: string; filters: string; winners: number; alternates: number; created_at: number }): Contest {
    return {
      id: row.id,
      name: row.name,
      posts: JSON.parse(row.posts) as ContestPost[],
      filters: ContestFilters.parse(JSON.parse(row.filters)),
      winners: row.winners,
      alternates: row.alternates,
      createdAt: row.created_at,
      draws: drawRows.all(row.id).map((d): ContestDraw => {
        const conversations = JSON.parse(d.conversations) as (number | null)[];
        const certificate = Certificate.parse(JSON.parse(d.certificate));
        return {
          id: d.id,
          drawId: d.uid,
          drawnAt: d.drawn_at,
          certificate,
          winnerConversations: conversations.slice(0, certificate.winners.length),
          alternateConversations: conversations.slice(certificate.winners.length),
        };
      }),
    };
  }

  function get(contestId: number): Contest {
    const row = contestRow.get(contestId);
    if (!row) throw new CoreError('not-found', 'This contest no longer exists');
    return toContest(row);
  }

  function postDescriptions(posts: readonly ContestPost[]): Certificate['contest']['posts'] {
    const choices = postsQuery.all();
    const accounts = accountsQuery.all();
    return posts.map((p) => {
      const choice = choices.find((c) => c.account_id === p.accountId && c.post_key === p.postKey);
      const account = accounts.find((a) => a.id === p.accountId);
      return { network: account?.network ?? 'unknown', account: account?.handle ?? '', text: choice?.text ?? '', url: choice?.url ?? null };
    });
  }

  function draw(contestId: number, actor: { id: number | null; name: string }, redraw: { reason: string } | null): Contest {
    const contest = get(contestId);
    const last = contest.draws.at(-1);
    if (redraw === null && last) throw new CoreError('conflict', 'This contest was drawn already: a redraw must say why');
    if (redraw !== null && !last) throw new CoreError('conflict', 'This contest has not been drawn yet');
    db.transaction(() => {
      // Frozen: the list is read, sorted and hashed before the seed exists.
      const frozenAt = now();
      const { entrants, conversations } = collect(contest.posts, contest.filters, contest.id);
      if (entrants.length === 0) throw new CoreError('conflict', 'No entrant: nothing to draw');
      const hash = entrantsSha256(entrants);
      const seed = newSeed();
      const drawnAt = now();
      const result = drawFrom(entrants, seed, hash, contest.winners, contest.alternates);
      const drawId = newUid();
      const certificate: Certificate = {
        format: CERTIFICATE_FORMAT,
        algorithm: DRAW_ALGORITHM,
        algorithmDescription: DRAW_ALGORITHM_TEXT,
        contest: { name: contest.name, posts: postDescriptions(contest.posts), filters: contest.filters },
        frozenAt: new Date(frozenAt).toISOString(),
        drawnAt: new Date(drawnAt).toISOString(),
        entrantCount: entrants.length,
        entrantsSha256: hash,
        entrants,
        seed,
        seedSource: 'node:crypto randomBytes(32), the operating system\'s cryptographic generator, taken after the entrant list was frozen and hashed',
        winnerCount: contest.winners,
        alternateCount: contest.alternates,
        winners: result.winners,
        alternates: result.alternates,
        redraw: redraw && last ? { previousDrawId: last.drawId, reason: redraw.reason } : null,
        drawId,
      };
      const convs = [...result.winners, ...result.alternates].map((e) => conversations.get(`${e.network}\u0000${e.entryId}`) ?? null);
      insertDraw.run(drawId, contest.id, drawnAt, actor.id, JSON.stringify(certificate), JSON.stringify(convs));
      logActivity.run(
        drawnAt,
        actor.name,
        JSON.stringify({
          action: redraw ? 'contest-redraw' : 'contest-draw',
          origin: 'manual',
          target: `${contest.name} · ${entrants.length} · sha256 ${hash}${redraw ? ` · ${redraw.reason}` : ''}`,
          network: null,
          outboxId: null,
          drawId,
          winners: result.winners.map((w) => w.handle),
        }),
      );
    })();
    return get(contestId);
  }

  return {
    posts(): ContestPostChoice[] {
      return postsQuery.all().map((r) => ({
        accountId: r.account_id,
        postKey: r.post_key,
        network: r.network,
        accountName: r.account_name,
        text: r.text ?? '',
        url: r.url,
        comments: r.comments,
        lastAt: r.last_at,
      }));
    },
    preview(input: Pick<ContestInput, 'posts' | 'filters'>, contestId = 0): ContestPreview {
      const { entrants, excluded, warnings } = collect(input.posts, input.filters, contestId);
      return { entrants, excluded, warnings };
    },
    create(input: ContestInput): Contest {
      const at = now();
      const { lastInsertRowid } = insertContest.run(newUid(), input.name, JSON.stringify(input.posts), JSON.stringify(input.filters), input.winners, input.alternates, at);
      return get(Number(lastInsertRowid));
    },
    list(): Contest[] {
      return contestRows.all().map(toContest);
    },
    get,
    draw(contestId: number, actor: { id: number | null; name: string }): Contest {
      return draw(contestId, actor, null);
    },
    redraw(contestId: number, reason: string, actor: { id: number | null; name: string }): Contest {
      return draw(contestId, actor, { reason });
    },
  };
}
export type ContestService = ReturnType<typeof createContestService>;
