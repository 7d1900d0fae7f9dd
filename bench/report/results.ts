/**
 * One bench run as data: the machine, the workspace, every figure and its verdict. Saved as JSON
 * under bench/results/ and printed as a compact table.
 */
import type { PublishingFigures } from '../measure/publishing-figures';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import type { Db } from '../../electron/core/db/connection';
import type { StallFigures } from '../measure/event-loop';
import type { LatencySummary } from '../measure/latency';
import type { ColdOpenFigures, SizeFigures } from '../measure/storage-figures';
import type { StoreFigures } from '../measure/store-figures';
import type { UiOutcome } from '../measure/ui-figures';
import type { GeneratedWorkspace } from '../workspace/generate';
import { BUDGETS, describeBudget, formatValue, verdict, type Budget, type Verdict } from './budgets';

export interface MachineInfo {
  cpu: string;
  cores: number;
  ramBytes: number;
  os: string;
  node: string;
  sqlite: string;
  betterSqlite3: string;
  /** 1-minute load average when the run started: other work on the machine skews the figures. */
  loadAverageAtStart: number;
}

export interface BenchResult {
  date: string;
  size: number;
  /** Moderation rules as shipped, or disabled for the run. */
  rules: 'on' | 'off';
  machine: MachineInfo;
  workspace: Omit<GeneratedWorkspace, 'ingestMs' | 'ingestCpuMs' | 'wallMs'> & {
    statuses: Record<string, number>;
    /** Names of the moderation rules that ran during ingest (empty with --rules off). */
    activeRules: string[];
  };
  ingest: {
    messages: number;
    ingestMs: number;
    /** Messages per second of wall time inside `core.ingest`: the budgeted figure. */
    messagesPerSecond: number;
    /** Messages per second of CPU time inside `core.ingest`: for comparing runs on a busy machine. */
    messagesPerCpuSecond: number;
    /** Including the generation of the messages. */
    wallMessagesPerSecond: number;
    pages: number;
  };
  triage: { ms: number; conversationWrites: number };
  /** The longest stalls of the core's event loop while it ingested and while it triaged in bulk. */
  eventLoop?: { ingest: StallFigures; triage: StallFigures };
  store: StoreFigures;
  /** Absent in results saved before the publishing figures existed. */
  publishing?: PublishingFigures;
  storage: SizeFigures;
  open: ColdOpenFigures;
  ui: UiOutcome | { available: false; reason: string };
  /** Every figure with its budget and verdict, as printed. */
  figures: FigureRow[];
  durationMs: number;
  /** 1-minute load average when the run ended. */
  loadAverageAtEnd: number;
}

export interface FigureRow {
  section: string;
  figure: string;
  value: string;
  budget: string;
  verdict: Verdict;
}

export function machineInfo(db: Db): MachineInfo {
  const require = createRequire(import.meta.url);
  const betterSqlite3 = (JSON.parse(readFileSync(require.resolve('better-sqlite3/package.json'), 'utf8')) as { version: string }).version;
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    ramBytes: totalmem(),
    os: `${platform()} ${release()}`,
    node: process.version,
    sqlite: (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
    betterSqlite3,
    loadAverageAtStart: loadavg()[0] ?? 0,
  };
}

function row(section: string, figure: string, value: number, unit: string, budget?: Budget): FigureRow {
  return { section, figure, value: formatValue(value, unit), budget: budget ? describeBudget(budget) : '', verdict: verdict(value, budget) };
}

function latencyRows(section: string, figure: string, l: LatencySummary, budget?: Budget): FigureRow[] {
  return [{ ...row(section, figure, l.p95, 'ms', budget), value: `p50 ${formatValue(l.p50, 'ms')} · p95 ${formatValue(l.p95, 'ms')}` }];
}

/** The rows of the printed table (and of `figures` in the JSON). */
export function figureRows(r: Omit<BenchResult, 'figures' | 'durationMs' | 'loadAverageAtEnd'>): FigureRow[] {
  const rows: FigureRow[] = [
    row('ingest', `throughput, FTS on, rules ${r.workspace.activeRules.length ? 'on' : 'off'} (${r.ingest.pages} pages)`, r.ingest.messagesPerSecond, 'msg/s', BUDGETS.ingestMessagesPerSecond),
    row('ingest', 'throughput per CPU second', r.ingest.messagesPerCpuSecond, 'msg/s'),
  ];
  if (r.eventLoop) {
    rows.push(row('event loop', 'longest stall during ingest (one page)', r.eventLoop.ingest.maxMs, 'ms'));
    rows.push(row('event loop', 'longest stall during bulk triage (10,000 ids a call)', r.eventLoop.triage.maxMs, 'ms'));
  }
  for (const f of r.store.inbox) rows.push(...latencyRows('inbox page', `${f.name} (${f.matching.toLocaleString('en-US')})`, f.latency, BUDGETS.inboxPageP95Ms));
  rows.push(...latencyRows('inbox page', `deep: ${r.store.deepPages.pages} pages of ${r.store.deepPages.name}`, r.store.deepPages.latency, BUDGETS.inboxPageP95Ms));
  rows.push(...latencyRows('inbox page', `sidebar counts (${r.store.sidebarCounts.views} views)`, r.store.sidebarCounts.latency, BUDGETS.sidebarCountsP95Ms));
  for (const f of r.store.search) rows.push(...latencyRows('search', `${f.name} (${f.matching.toLocaleString('en-US')})`, f.latency, BUDGETS.searchP95Ms));
  for (const f of r.store.reports ?? []) rows.push(...latencyRows('report', f.name, f.latency, BUDGETS.reportP95Ms));
  if (r.publishing) {
    const p = r.publishing;
    rows.push(...latencyRows('publishing', `calendar month (${p.calendarMonth.entries.toLocaleString('en-US')} of ${p.posts.toLocaleString('en-US')} posts)`, p.calendarMonth.latency, BUDGETS.calendarMonthP95Ms));
    rows.push(...latencyRows('publishing', `composer check per keystroke (${p.validation.targets} networks)`, p.validation.latency, BUDGETS.composeCheckP95Ms));
  }
  rows.push(...latencyRows('conversation', `open a ${r.store.conversationOpen.messages}-message thread`, r.store.conversationOpen.latency));
  rows.push(...latencyRows('conversation', `tag ${r.store.bulkTag.conversations} conversations`, r.store.bulkTag.latency));
  rows.push(row('storage', 'database + WAL per 1M messages', r.storage.bytesPerMillionMessages, 'bytes', BUDGETS.bytesPerMillionMessages));
  rows.push(row('storage', `database + WAL at ${r.ingest.messages.toLocaleString('en-US')} messages`, r.storage.bytes, 'bytes'));
  if (r.open.coldMs !== null) rows.push(row('startup', 'cold open → first inbox page', r.open.coldMs, 'ms', BUDGETS.coldOpenMs));
  else rows.push({ section: 'startup', figure: 'cold open → first inbox page', value: `unavailable: ${r.open.coldUnavailable ?? ''}`, budget: describeBudget(BUDGETS.coldOpenMs), verdict: '' });
  for (const step of r.open.coldSteps ?? []) {
    const read = step.diskBytes === null ? '' : `, ${formatValue(step.diskBytes, 'bytes')} read`;
    rows.push({ ...row('startup', `  cold: ${step.step}`, step.ms, 'ms'), value: `${formatValue(step.ms, 'ms')}${read}` });
  }
  rows.push(row('startup', 'warm open (files in OS cache)', r.open.warmMs, 'ms'));
  if (r.ui.available) {
    const ui = r.ui.figures;
    rows.push(row('ui', 'navigation → first inbox rows', ui.firstPageMs, 'ms'));
    rows.push(...latencyRows('ui', `navigation → first rows, ${ui.firstPageReloads.samples} reloads`, ui.firstPageReloads));
    for (const k of ui.keys) {
      const unanswered = k.unanswered ? `, ${k.unanswered} unanswered` : '';
      rows.push(...latencyRows('ui', `${k.keys} → screen (${k.presses} presses${unanswered})`, k.latency, BUDGETS.keypressP95Ms));
    }
    rows.push(row('ui', `JS heap after ${ui.heap.rowsScrolled.toLocaleString('en-US')} rows scrolled`, ui.heap.afterScrollBytes, 'bytes', BUDGETS.heapBytes));
  } else {
    rows.push({ section: 'ui', figure: 'UI figures', value: `unavailable: ${r.ui.reason}`, budget: '', verdict: '' });
  }
  return rows;
}

const MAX_VALUE_WIDTH = 40;

/** A fixed-width table, one figure a line; values too long for it follow as notes. */
export function formatTable(allRows: readonly FigureRow[]): string {
  const headers: FigureRow = { section: 'section', figure: 'figure', value: 'value', budget: 'budget', verdict: '' };
  const notes: string[] = [];
  const rows = allRows.map((r) => {
    if (r.value.length <= MAX_VALUE_WIDTH) return r;
    notes.push(`[${notes.length + 1}] ${r.section}, ${r.figure}: ${r.value}`);
    return { ...r, value: `${r.value.slice(0, MAX_VALUE_WIDTH - 6)}… [${notes.length}]` };
  });
  const all = [headers, ...rows];
  const width = (key: keyof FigureRow) => Math.max(...all.map((r) => r[key].length));
  const widths = { section: width('section'), figure: width('figure'), value: width('value'), budget: width('budget') };
  const line = (r: FigureRow) =>
    `${r.section.padEnd(widths.section)}  ${r.figure.padEnd(widths.figure)}  ${r.value.padEnd(widths.value)}  ${r.budget.padEnd(widths.budget)}  ${r.verdict}`.trimEnd();
  const rule = '-'.repeat(widths.section + widths.figure + widths.value + widths.budget + 16);
  return [line(headers), rule, ...rows.map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/**
 * Writes the result to `out` when given (an experiment: nothing else is touched), else to
 * `<date>-<size>.json` (`<date>-<size>-rules-off.json` with the rules off) and `latest.json` in
 * `dir`. Answers the path written.
 */
export function saveResult(result: BenchResult, dir: string, out?: string): string {
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
    return out;
  }
  mkdirSync(dir, { recursive: true });
  // Runs with the rules off are kept apart from the default configuration's.
  const variant = result.rules === 'off' ? '-rules-off' : '';
  const path = join(dir, `${result.date.slice(0, 10)}-${result.size}${variant}.json`);
  writeFileSync(path, text);
  writeFileSync(join(dir, 'latest.json'), text);
  return path;
}
