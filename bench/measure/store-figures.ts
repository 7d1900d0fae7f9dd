/**
 * The store's figures, each through the contract's handlers as the renderer would call them:
 * inbox pages per filter, deep pages, sidebar counts, full-text search, opening a long thread,
 * bulk tagging.
 */
import type { Core } from '../../electron/core/app';
import type { InboxFilter, InboxPage } from '../../shared/contract';
import type { GeneratedWorkspace } from '../workspace/generate';
import type { TriageResult } from '../workspace/triage';
import { RECURRING_PHRASES } from '../workspace/message-text';
import { callCore } from './call-core';
import { summarize, timeRuns, type LatencySummary } from './latency';

const PAGE = 50;
const DAY = 24 * 3600_000;

export interface ListFigure {
  name: string;
  filter: InboxFilter;
  /** Rows on the first page (≤ 50). */
  rows: number;
  /** Conversations matching the filter in all (counted once, untimed). */
  matching: number;
  latency: LatencySummary;
}

export interface StoreFigures {
  inbox: ListFigure[];
  deepPages: { name: string; filter: InboxFilter; pages: number; latency: LatencySummary; lastPageMs: number };
  sidebarCounts: { views: number; latency: LatencySummary };
  search: ListFigure[];
  conversationOpen: { conversationId: number; messages: number; latency: LatencySummary };
  bulkTag: { conversations: number; latency: LatencySummary };
  /** Reports (issue 18): each period and filter a manager picks, compared with the period before. */
  reports?: { name: string; latency: LatencySummary }[];
}

export interface StoreScenario {
  core: Core;
  workspace: GeneratedWorkspace;
  triage: TriageResult;
  now: number;
  /** Time the reports (default true). */
  reports?: boolean;
}

/** The filters of the built-in views (as renderer/src/inbox/inboxFilter.ts builds them). */
export function builtInViewFilters(meId: number): Record<string, InboxFilter> {
  return {
    inbox: { status: ['open'], held: false },
    mine: { status: ['open', 'pending'], assigneeId: meId, held: false },
    unassigned: { status: ['open'], unassigned: true, held: false },
    held: { status: ['open', 'pending'], held: true },
    snoozed: { status: ['snoozed'] },
    done: { status: ['done'] },
  };
}

/** The inbox filters a manager uses every day. */
export function inboxCases(s: StoreScenario): { name: string; filter: InboxFilter }[] {
  const views = builtInViewFilters(s.triage.me.id);
  // A mid-sized account, a tag of middling popularity, and last month's second week.
  const account = [...s.workspace.accounts].sort((a, b) => b.messages - a.messages)[4] ?? s.workspace.accounts[0]!;
  const tag = s.triage.tags.find((t) => t.name === 'urgent') ?? s.triage.tags[0]!;
  return [
    { name: 'all open', filter: views.inbox! },
    { name: 'open + network', filter: { status: ['open'], network: ['youtube'] } },
    { name: 'open + account', filter: { status: ['open'], accountId: [account.id] } },
    { name: 'assigned to me', filter: views.mine! },
    { name: 'unassigned', filter: views.unassigned! },
    { name: 'unread', filter: { status: ['open'], unread: true } },
    { name: 'tag', filter: { status: ['open'], tagId: tag.id } },
    { name: 'held', filter: views.held! },
    { name: 'date range', filter: { status: ['open', 'pending', 'done'], since: s.now - 37 * DAY, until: s.now - 30 * DAY } },
    { name: 'done', filter: views.done! },
  ];
}

/** Searches: a rare word, a common one, a prefix, a phrase, and a word within a status. */
export function searchCases(s: StoreScenario): { name: string; filter: InboxFilter }[] {
  return [
    { name: `rare term (${s.workspace.rareTerm.term})`, filter: { query: s.workspace.rareTerm.term } },
    { name: 'common term (commande)', filter: { query: 'commande' } },
    { name: 'prefix (livr*)', filter: { query: 'livr*' } },
    { name: `phrase ("${RECURRING_PHRASES.fr}")`, filter: { query: `"${RECURRING_PHRASES.fr}"` } },
    { name: 'term + status (commande, open)', filter: { status: ['open'], query: 'commande' } },
  ];
}

async function listFigure(core: Core, name: string, filter: InboxFilter): Promise<ListFigure> {
  const first = await callCore(core, 'inbox.list', { filter, limit: PAGE });
  const counts = await callCore(core, 'inbox.count', { filters: { n: filter } });
  const samples = await timeRuns(() => callCore(core, 'inbox.list', { filter, limit: PAGE }));
  return { name, filter, rows: first.items.length, matching: counts.n ?? 0, latency: summarize(samples) };
}

/** Follows the cursor `pages` deep and times every page. */
async function deepPages(core: Core, name: string, filter: InboxFilter, pages: number): Promise<StoreFigures['deepPages']> {
  const samples: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < pages; i++) {
    const t0 = performance.now();
    const page: InboxPage = await callCore(core, 'inbox.list', { filter, cursor, limit: PAGE });
    samples.push(performance.now() - t0);
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  return { name, filter, pages: samples.length, latency: summarize(samples), lastPageMs: samples.at(-1) ?? Number.NaN };
}

/** Measures every store figure on a generated, triaged workspace. Writes (open, tag) come last. */
export async function measureStore(s: StoreScenario, log: (line: string) => void): Promise<StoreFigures> {
  const { core } = s;
  const inbox: ListFigure[] = [];
  for (const c of inboxCases(s)) {
    inbox.push(await listFigure(core, c.name, c.filter));
    log(`  inbox ${c.name}: p95 ${inbox.at(-1)!.latency.p95.toFixed(2)} ms`);
  }
  const deep = await deepPages(core, 'all open', { status: ['open'] }, 100);
  log(`  deep pages: ${deep.pages} pages, p95 ${deep.latency.p95.toFixed(2)} ms`);

  const views = builtInViewFilters(s.triage.me.id);
  const countSamples = await timeRuns(() => callCore(core, 'inbox.count', { filters: views }));
  log(`  sidebar counts: p95 ${summarize(countSamples).p95.toFixed(2)} ms`);

  const search: ListFigure[] = [];
  for (const c of searchCases(s)) {
    search.push(await listFigure(core, c.name, c.filter));
    log(`  search ${c.name}: p95 ${search.at(-1)!.latency.p95.toFixed(2)} ms`);
  }

  const longest = core.db
    .prepare<[number, string], { id: number; message_count: number }>('SELECT id, message_count FROM conversations WHERE account_id = ? AND remote_id = ?')
    .get(s.workspace.longestThread.accountId, s.workspace.longestThread.remoteId)!;
  const openSamples = await timeRuns(() => callCore(core, 'conversation.get', { conversationId: longest.id, markRead: true }), { max: 30 });
  log(`  open long conversation (${longest.message_count} messages): p95 ${summarize(openSamples).p95.toFixed(2)} ms`);

  // Reports: the last 7, 30 and 90 days, then 30 days of one network and of one member.
  const reports: { name: string; latency: LatencySummary }[] = [];
  const reportCases: [string, Record<string, unknown>][] = [
    ['7 days', { since: s.now - 7 * DAY, until: s.now }],
    ['30 days', { since: s.now - 30 * DAY, until: s.now }],
    ['90 days by week', { since: s.now - 90 * DAY, until: s.now, bucket: 'week' }],
    ['30 days, one network', { since: s.now - 30 * DAY, until: s.now, network: [s.workspace.accounts[0]!.network] }],
    ['30 days, one member', { since: s.now - 30 * DAY, until: s.now, memberId: s.triage.me.id }],
  ];
  for (const [name, query] of s.reports === false ? [] : reportCases) {
    const samples = await timeRuns(() => callCore(core, 'reports.get', { timeZone: 'Europe/Paris', ...query } as never), { max: 15 });
    reports.push({ name, latency: summarize(samples) });
    log(`  report ${name}: p95 ${summarize(samples).p95.toFixed(2)} ms`);
  }

  // Bulk tagging: each run tags 1,000 conversations that do not have the tag yet.
  const tag = s.triage.tags.find((t) => t.name === 'presse') ?? s.triage.tags.at(-1)!;
  const untagged = core.db
    .prepare<[number], { id: number }>(
      'SELECT id FROM conversations WHERE id NOT IN (SELECT conversation_id FROM conversation_tags WHERE tag_id = ?) ORDER BY last_activity_at DESC',
    )
    .all(tag.id)
    .map((r) => r.id);
  const BULK = 1000;
  const runs = Math.min(10, Math.floor(untagged.length / BULK) - 1);
  const bulkSamples = runs > 0
    ? await timeRuns(
        (i) => {
          const slot = i < 0 ? runs + (-1 - i) : i;
          return callCore(core, 'conversation.tag', { conversationIds: untagged.slice(slot * BULK, (slot + 1) * BULK), tagId: tag.id });
        },
        { warmup: 1, min: Math.min(5, runs), max: runs },
      )
    : [];
  log(`  bulk tag ${BULK}: p95 ${summarize(bulkSamples).p95.toFixed(2)} ms`);

  return {
    inbox,
    deepPages: deep,
    sidebarCounts: { views: Object.keys(views).length, latency: summarize(countSamples) },
    search,
    conversationOpen: { conversationId: longest.id, messages: longest.message_count, latency: summarize(openSamples) },
    bulkTag: { conversations: BULK, latency: summarize(bulkSamples) },
    reports,
  };
}
