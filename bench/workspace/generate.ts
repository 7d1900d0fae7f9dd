/**
 * Writes a realistic workspace of N messages through the real ingest path, as the sync scheduler
 * would after polling ten accounts: pages of ~200 items per account, each with its cursor, in the
 * order the messages were written (accounts interleaved by time).
 *
 * The plan is made first and kept small (a start time and a length per conversation); messages are
 * produced lazily in time order from a heap of the threads in progress, so a million messages never
 * sit in memory at once.
 */
import type { StallMeter } from '../measure/event-loop';
import type { NormalizedItem } from '../../electron/core/connectors/types';
import type { Core } from '../../electron/core/app';
import { seededRandom } from '../../e2e/demo/seeded-workspace';
import type { ConversationKind } from '../../shared/model';
import { BENCH_ACCOUNTS, benchAuthor, type BenchAccountSpec, type BenchAuthor } from './accounts';
import { messageText, paragraphHtml } from './message-text';
import { buildVocabulary, type Language, type Vocabulary } from './vocabulary';

/** A word no generated text contains except where it is planted. */
export const RARE_TERM = 'zinzolin';
/** One message in this many carries the rare term. */
const RARE_TERM_EVERY = 50_000;

export interface GenerateOptions {
  /** Messages to write. */
  messages: number;
  /** The present: the newest message is just before it. */
  now: number;
  seed?: number;
  /** Items per ingested page (default 200, what connectors fetch per poll). */
  pageSize?: number;
  /** How far back the history goes (default 365 days). */
  spanDays?: number;
  /** Called after each page with the messages written so far. */
  onProgress?: (written: number) => void;
  /**
   * Gives up when ingest, projected to all messages, would take longer than this: a regression
   * that makes ingest quadratic would otherwise keep the bench busy for hours.
   */
  maxIngestMs?: number;
  /** Samples the event loop, yielding to it around each page (the stall figures of ingest). */
  stalls?: StallMeter;
}

/** Ingest is too slow to finish the workspace in the time allowed. */
export class IngestTooSlowError extends Error {
  constructor(
    readonly written: number,
    readonly messagesPerSecond: number,
    readonly projectedMs: number,
  ) {
    super(
      `ingest is too slow to generate the workspace: ${Math.round(messagesPerSecond).toLocaleString('en-US')} msg/s ` +
        `after ${written.toLocaleString('en-US')} messages, at least ${Math.round(projectedMs / 60_000)} min in all`,
    );
    this.name = 'IngestTooSlowError';
  }
}

/** After this many messages the projection of ingest time is trusted. */
const PROJECTION_AFTER = 10_000;

export interface GeneratedAccount {
  id: number;
  network: BenchAccountSpec['network'];
  handle: string;
  messages: number;
}

export interface GeneratedWorkspace {
  messages: number;
  conversations: number;
  /** Distinct authors written (the accounts themselves excluded). */
  authors: number;
  pages: number;
  accounts: GeneratedAccount[];
  /** Time spent inside `core.ingest` only (generation excluded). */
  ingestMs: number;
  /**
   * CPU time (user + system) of this process inside `core.ingest`: steadier than wall time when
   * other work shares the machine, so better for comparing changes to ingest.
   */
  ingestCpuMs: number;
  /** Wall time of the whole generation, ingest included. */
  wallMs: number;
  /** The longest thread: account and remote id, and its length. */
  longestThread: { accountId: number; remoteId: string; messages: number };
  rareTerm: { term: string; messages: number };
  oldestAt: number;
  newestAt: number;
}

/** A thread being written: the state needed to produce its next message. */
interface ThreadInProgress {
  nextAt: number;
  accountIndex: number;
  remaining: number;
  written: number;
  remoteId: string;
  kind: ConversationKind;
  language: Language;
  opener: BenchAuthor;
  context: NormalizedItem['context'];
  parentRemoteId: string | null;
  /** Mean minutes between two messages of this thread. */
  gapMinutes: number;
  rnd: () => number;
}

/** A binary min-heap of threads by the time of their next message. */
class ThreadHeap {
  private readonly items: ThreadInProgress[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): ThreadInProgress | undefined {
    return this.items[0];
  }
  push(thread: ThreadInProgress): void {
    const items = this.items;
    items.push(thread);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]!.nextAt <= thread.nextAt) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = thread;
  }
  pop(): ThreadInProgress | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && items[right]!.nextAt < items[left]!.nextAt ? right : left;
      if (items[child]!.nextAt >= last.nextAt) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/**
 * Thread lengths: most conversations are one to three messages, a tail runs longer, and a few
 * threads (a viral post, a giveaway) reach hundreds. Averages ~3.3 messages, so N messages make
 * about 0.3·N conversations.
 */
function shortThreadLength(rnd: () => number): number {
  const p = rnd();
  if (p < 0.4) return 1;
  if (p < 0.65) return 2;
  if (p < 0.8) return 3;
  return Math.min(4 + Math.floor(-Math.log(1 - rnd()) * 6.1), 150);
}

interface ThreadPlan {
  /** Start time of each conversation, ascending. */
  starts: Float64Array;
  lengths: Uint32Array;
}

function planThreads(messages: number, now: number, spanMs: number, rnd: () => number): ThreadPlan {
  const longCount = messages >= 2_000 ? Math.max(1, Math.round(messages / 50_000)) : 0;
  const longLengths: number[] = [];
  for (let i = 0; i < longCount; i++) longLengths.push(i === 0 ? 500 : 200 + Math.floor(rnd() * 200));
  let budget = messages - longLengths.reduce((a, b) => a + b, 0);
  const shortLengths: number[] = [];
  while (budget > 0) {
    const length = Math.min(shortThreadLength(rnd), budget);
    shortLengths.push(length);
    budget -= length;
  }
  const count = shortLengths.length + longCount;
  // More activity lately than a year ago: ages skewed towards the present.
  const starts = new Float64Array(count);
  for (let i = 0; i < count; i++) starts[i] = now - spanMs * Math.pow(rnd(), 1.4) - 60_000;
  starts.sort();
  // Long threads start in the older half, so they are over (and can be opened) by now.
  const longAt = new Set<number>();
  while (longAt.size < longCount) longAt.add(Math.floor(count * (0.2 + rnd() * 0.3)));
  const lengths = new Uint32Array(count);
  let nextShort = 0;
  let nextLong = 0;
  for (let i = 0; i < count; i++) lengths[i] = longAt.has(i) ? longLengths[nextLong++]! : shortLengths[nextShort++]!;
  return { starts, lengths };
}

/** Picks an account by its share of the traffic. */
function accountPicker(accounts: readonly BenchAccountSpec[]): (rnd: () => number) => number {
  const cumulative: number[] = [];
  let total = 0;
  for (const a of accounts) cumulative.push((total += a.share));
  return (rnd) => {
    const target = rnd() * total;
    const index = cumulative.findIndex((c) => c >= target);
    return index < 0 ? accounts.length - 1 : index;
  };
}

/** A base-32 id shaped like the record keys of AT Protocol (zero-padded, so distinct for each seq). */
function tid(seq: number): string {
  return `3k${seq.toString(32).padStart(11, '0')}`;
}

function messageRemoteId(account: BenchAccountSpec, author: { remoteId: string }, seq: number, thread: string | null): string {
  switch (account.network) {
    case 'mastodon':
      return `11${String(seq).padStart(16, '0')}`;
    case 'bluesky':
      return `at://${author.remoteId}/app.bsky.feed.post/${tid(seq)}`;
    case 'youtube':
      return thread ? `${thread}.9${seq.toString(36).padStart(21, '0')}` : `Ugz${seq.toString(36).padStart(16, '0')}4AaABAg`;
    case 'facebook':
      return `${account.remoteId}_${String(seq).padStart(16, '0')}`;
    case 'instagram':
      return `178${String(seq).padStart(14, '0')}`;
    case 'reddit':
      return `t1_${seq.toString(36)}`;
    default:
      return `${account.network}-${seq}`;
  }
}

function extraFor(account: BenchAccountSpec, rnd: () => number): Record<string, unknown> | undefined {
  if (account.network === 'bluesky') return { cid: `bafyrei${Math.floor(rnd() * 2 ** 52).toString(32).padStart(52, 'a')}` };
  if (account.network === 'youtube') return { channelId: account.remoteId };
  return undefined;
}

/** Generates the workspace into `core` (which must be empty). */
export async function generateWorkspace(core: Core, opts: GenerateOptions): Promise<GeneratedWorkspace> {
  const started = performance.now();
  const seed = opts.seed ?? 20_251_124;
  const rnd = seededRandom(seed);
  const pageSize = opts.pageSize ?? 200;
  const spanMs = (opts.spanDays ?? 365) * 24 * 3600_000;
  const vocabularies: Record<Language, Vocabulary> = { fr: buildVocabulary('fr'), en: buildVocabulary('en') };
  const accounts = BENCH_ACCOUNTS.map((spec) => ({ spec, stored: core.accounts.upsert(spec) }));
  const pickAccount = accountPicker(BENCH_ACCOUNTS);

  const plan = planThreads(opts.messages, opts.now, spanMs, rnd);
  const conversations = plan.starts.length;
  // About N/20 people, split between accounts by their traffic; a few of them write a lot.
  const authorPools = BENCH_ACCOUNTS.map((a) => Math.max(5, Math.round((opts.messages / 20) * a.share)));
  const authorCache = BENCH_ACCOUNTS.map(() => new Map<number, BenchAuthor>());
  const authorsSeen = BENCH_ACCOUNTS.map(() => new Set<number>());
  const authorOf = (accountIndex: number, language: Language, threadRnd: () => number): BenchAuthor => {
    const index = Math.floor(authorPools[accountIndex]! * Math.pow(threadRnd(), 2));
    authorsSeen[accountIndex]!.add(index);
    let author = authorCache[accountIndex]!.get(index);
    if (!author) {
      author = benchAuthor(BENCH_ACCOUNTS[accountIndex]!, index, language);
      authorCache[accountIndex]!.set(index, author);
    }
    return author;
  };
  // Posts that comments hang on: a few per thousand conversations, some far more commented than others.
  const postPools = BENCH_ACCOUNTS.map((a) => Math.max(10, Math.round((conversations * a.share) / 40)));
  const postTitles = BENCH_ACCOUNTS.map(() => new Map<number, string>());
  const contextOf = (accountIndex: number, language: Language, threadRnd: () => number): NormalizedItem['context'] => {
    const spec = BENCH_ACCOUNTS[accountIndex]!;
    const post = Math.floor(postPools[accountIndex]! * Math.pow(threadRnd(), 2.5));
    let title = postTitles[accountIndex]!.get(post);
    if (title === undefined) {
      const titleRnd = seededRandom(accountIndex * 1_000_003 + post);
      title = messageText({ vocabulary: vocabularies[language], rnd: titleRnd }).slice(0, 120);
      postTitles[accountIndex]!.set(post, title);
    }
    return { remoteId: `${spec.network}-post-${post}`, text: title, url: `${spec.serverUrl}/posts/${post}`, authorName: spec.displayName };
  };

  const rareCount = Math.max(5, Math.round(opts.messages / RARE_TERM_EVERY));
  const rareStride = Math.max(1, Math.floor(opts.messages / rareCount));
  let rarePlanted = 0;

  const buffers = BENCH_ACCOUNTS.map((): NormalizedItem[] => []);
  const perAccount = BENCH_ACCOUNTS.map(() => 0);
  let ingestMs = 0;
  let ingestCpuMs = 0;
  let pages = 0;
  let written = 0;
  // Each page is one call of the core, as the scheduler makes it: with the loop let run around it.
  const around = async (work: () => void) => {
    if (opts.stalls) await opts.stalls.around(work);
    else work();
  };
  const flush = async (accountIndex: number) => {
    const items = buffers[accountIndex]!;
    if (items.length === 0) return;
    buffers[accountIndex] = [];
    const cursor = JSON.stringify({ since: items.at(-1)!.remoteId, at: items.at(-1)!.createdAt });
    await around(() => {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      core.ingest(accounts[accountIndex]!.stored.id, { items, cursor });
      ingestMs += performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      ingestCpuMs += (cpu.user + cpu.system) / 1000;
    });
    pages++;
    opts.onProgress?.(written);
    if (opts.maxIngestMs !== undefined && written >= PROJECTION_AFTER) {
      const projectedMs = (ingestMs / written) * opts.messages;
      if (projectedMs > opts.maxIngestMs) throw new IngestTooSlowError(written, written / (ingestMs / 1000), projectedMs);
    }
  };

  const heap = new ThreadHeap();
  let nextToStart = 0;
  let seq = 0;
  let longest: GeneratedWorkspace['longestThread'] | null = null;
  let oldestAt = Number.POSITIVE_INFINITY;
  let newestAt = 0;
  const latest = opts.now - 1000;

  while (nextToStart < conversations || heap.size > 0) {
    const top = heap.peek();
    if (nextToStart < conversations && (!top || plan.starts[nextToStart]! <= top.nextAt)) {
      // A conversation starts: who, where, about what.
      const index = nextToStart++;
      const threadRnd = seededRandom(seed + index * 2_654_435_761);
      const accountIndex = pickAccount(threadRnd);
      const spec = BENCH_ACCOUNTS[accountIndex]!;
      const language: Language = spec.language === 'mixed' ? (threadRnd() < 0.55 ? 'fr' : 'en') : spec.language;
      const kind = spec.kinds[Math.floor(threadRnd() * spec.kinds.length)]!;
      const length = plan.lengths[index]!;
      const thread: ThreadInProgress = {
        nextAt: plan.starts[index]!,
        accountIndex,
        remaining: length,
        written: 0,
        remoteId: '',
        kind,
        language,
        opener: authorOf(accountIndex, language, threadRnd),
        context: kind === 'comment' || kind === 'review' ? contextOf(accountIndex, language, threadRnd) : null,
        parentRemoteId: null,
        // Long threads are a crowd replying fast; short ones a person and the brand, hours apart.
        gapMinutes: length >= 200 ? 20 : 90 + threadRnd() * 240,
        rnd: threadRnd,
      };
      heap.push(thread);
      continue;
    }
    const thread = heap.pop()!;
    const spec = BENCH_ACCOUNTS[thread.accountIndex]!;
    const threadRnd = thread.rnd;
    // The opener writes first; then the brand answers about a third of the time, and in public
    // threads other people join in.
    const outgoing = thread.written > 0 && threadRnd() < 0.3;
    const author = outgoing
      ? { remoteId: spec.remoteId, handle: spec.handle, name: spec.displayName }
      : thread.written === 0 || thread.kind === 'dm' || threadRnd() < 0.7
        ? thread.opener
        : authorOf(thread.accountIndex, thread.language, threadRnd);
    seq++;
    const remoteId = messageRemoteId(spec, author, seq, spec.network === 'youtube' && thread.written > 0 ? thread.remoteId : null);
    if (thread.written === 0) thread.remoteId = thread.kind === 'dm' ? `${spec.network}-dm-${seq}` : remoteId;
    const plant = written % rareStride === Math.floor(rareStride / 2) && rarePlanted < rareCount ? RARE_TERM : null;
    if (plant) rarePlanted++;
    const text = messageText({ vocabulary: vocabularies[thread.language], rnd: threadRnd, plant, long: thread.written === 0 && threadRnd() < 0.3 });
    const createdAt = Math.floor(Math.min(thread.nextAt, latest));
    const item: NormalizedItem = {
      remoteId,
      threadRemoteId: thread.remoteId,
      parentRemoteId: thread.parentRemoteId,
      kind: thread.kind,
      direction: outgoing ? 'out' : 'in',
      author,
      text,
      html: spec.network === 'mastodon' ? paragraphHtml(text) : null,
      attachments: threadRnd() < 0.05 ? [{ kind: 'image', url: `${spec.serverUrl}/media/${seq}.jpg`, previewUrl: `${spec.serverUrl}/media/${seq}-small.jpg`, alt: null }] : [],
      createdAt,
      permalink: `${spec.serverUrl}/${spec.handle}/${seq}`,
      // Networks and rules hold a small share of incoming messages for review.
      moderation: !outgoing && threadRnd() < 0.005 ? 'held' : 'visible',
      context: thread.written === 0 ? thread.context : null,
      extra: extraFor(spec, threadRnd),
    };
    buffers[thread.accountIndex]!.push(item);
    perAccount[thread.accountIndex]!++;
    written++;
    oldestAt = Math.min(oldestAt, createdAt);
    newestAt = Math.max(newestAt, createdAt);
    thread.parentRemoteId = remoteId;
    thread.written++;
    thread.remaining--;
    if (thread.remaining > 0) {
      thread.nextAt += Math.max(1, -Math.log(1 - threadRnd()) * thread.gapMinutes) * 60_000;
      heap.push(thread);
    } else if (!longest || thread.written > longest.messages) {
      longest = { accountId: accounts[thread.accountIndex]!.stored.id, remoteId: thread.remoteId, messages: thread.written };
    }
    if (buffers[thread.accountIndex]!.length >= pageSize) await flush(thread.accountIndex);
  }
  for (let i = 0; i < buffers.length; i++) await flush(i);
  for (const { stored } of accounts) core.accounts.updateSync(stored.id, { lastPollAt: opts.now - 30_000, nextPollAt: opts.now + 30_000 });

  return {
    messages: written,
    conversations,
    authors: authorsSeen.reduce((sum, seen) => sum + seen.size, 0),
    pages,
    accounts: accounts.map(({ spec, stored }, i) => ({ id: stored.id, network: spec.network, handle: spec.handle, messages: perAccount[i]! })),
    ingestMs,
    ingestCpuMs,
    wallMs: performance.now() - started,
    longestThread: longest ?? { accountId: accounts[0]!.stored.id, remoteId: '', messages: 0 },
    rareTerm: { term: RARE_TERM, messages: rarePlanted },
    oldestAt,
    newestAt,
  };
}
