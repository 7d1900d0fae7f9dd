/**
 * One bench run: generate a workspace through the real ingest path, triage it, measure the store,
 * its size and its start-up, then the UI. `bench/run.ts` is the command line around it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Core } from '../electron/core/app';
import type { NewMessagesHook } from '../electron/core/db/ingest';
import { callCore } from './measure/call-core';
import { startStallMeter } from './measure/event-loop';
import { measureStore } from './measure/store-figures';
import { measurePublishing } from './measure/publishing-figures';
import { measureColdOpen, measureSize } from './measure/storage-figures';
import { measureUi, type UiOutcome } from './measure/ui-figures';
import { figureRows, machineInfo, type BenchResult } from './report/results';
import { openBenchCore } from './workspace/bench-core';
import { generateWorkspace } from './workspace/generate';
import { applyTriage } from './workspace/triage';

export interface BenchOptions {
  size: number;
  seed: number;
  ui: boolean;
  /** Time the reports (default true). */
  reports?: boolean;
  buildUi: boolean;
  /** Keep the profile directory afterwards. */
  keep: boolean;
  /** Moderation rules as shipped, or all disabled before ingesting. */
  rules: 'on' | 'off';
  /** Give up when ingest would take longer than this. */
  maxIngestMs: number;
  repoRoot: string;
  /**
   * Hook point for more rules: ingest runs it inside each page's transaction, after the core's
   * own moderation rules (`createCore({ onNewMessages })`). Give another engine's or rule set's
   * hook here to bench ingest with it.
   */
  onNewMessages?: NewMessagesHook;
  log: (line: string) => void;
}

/** Leaves the shipped rules as they are, or disables them all; answers the active rules' names. */
async function setRules(core: Core, rules: 'on' | 'off'): Promise<string[]> {
  const listed = await callCore(core, 'rules.list', {});
  if (rules === 'off') {
    for (const rule of listed) if (rule.definition.enabled) await callCore(core, 'rules.save', { rule: { ...rule.definition, enabled: false } });
    return [];
  }
  return listed.filter((r) => r.definition.enabled).map((r) => r.definition.name);
}

export async function runBench(opts: BenchOptions): Promise<{ result: BenchResult; profileDir: string | null }> {
  const started = performance.now();
  const { log } = opts;
  const dataDir = mkdtempSync(join(tmpdir(), 'parvis-bench-'));
  let openCore: Core | null = null;
  try {
    const now = Date.now();
    const core = openBenchCore({ dataDir, onNewMessages: opts.onNewMessages });
    openCore = core;
    const machine = machineInfo(core.db);
    const rules = await setRules(core, opts.rules);
    log(`Moderation rules ${opts.rules}: ${rules.length ? rules.join(', ') : 'none active'}`);

    log(`Generating ${opts.size.toLocaleString('en-US')} messages in ${dataDir}`);
    let reported = 0;
    const ingestStalls = startStallMeter();
    const workspace = await generateWorkspace(core, {
      stalls: ingestStalls,
      messages: opts.size,
      now,
      seed: opts.seed,
      maxIngestMs: opts.maxIngestMs,
      onProgress: (written) => {
        if (written - reported < 100_000) return;
        reported = written;
        log(`  ${written.toLocaleString('en-US')} messages (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      },
    });
    const ingestLoop = ingestStalls.stop();
    const messagesPerSecond = workspace.messages / (workspace.ingestMs / 1000);
    log(`  ingest: ${Math.round(messagesPerSecond).toLocaleString('en-US')} msg/s over ${workspace.pages} pages; ${workspace.conversations.toLocaleString('en-US')} conversations`);

    log('Triage (statuses, assignees, tags, read state)');
    const triage = await applyTriage(core, now, undefined, { measureStalls: true });
    log(`  ${triage.writes.toLocaleString('en-US')} conversation writes in ${(triage.ms / 1000).toFixed(1)} s`);
    log(`  longest event-loop stall: ingest ${ingestLoop.maxMs.toFixed(1)} ms, triage ${triage.stalls?.maxMs.toFixed(1) ?? '—'} ms`);

    log('Store figures');
    const store = await measureStore({ core, workspace, triage, now, reports: opts.reports }, log);

    log('Publishing (10,000 scheduled posts in a month)');
    const publishing = await measurePublishing(core, now);
    log(`  calendar month p95 ${publishing.calendarMonth.latency.p95.toFixed(1)} ms; composer check p95 ${publishing.validation.latency.p95.toFixed(2)} ms`);

    log('Storage and start-up');
    const storage = measureSize(core, dataDir, workspace.messages);
    await core.close();
    openCore = null;
    const open = await measureColdOpen(dataDir);
    log(`  ${(storage.bytes / 1e6).toFixed(0)} MB; cold open ${open.coldMs?.toFixed(0) ?? '—'} ms, warm ${open.warmMs.toFixed(0)} ms`);

    let ui: UiOutcome = { available: false, reason: 'skipped (--no-ui)' };
    if (opts.ui) {
      log('UI figures');
      ui = await measureUi({ repoRoot: opts.repoRoot, dataDir, build: opts.buildUi, log });
      if (!ui.available) log(`  unavailable: ${ui.reason}`);
    }

    const { ingestMs, ingestCpuMs, wallMs, ...shape } = workspace;
    const partial: Omit<BenchResult, 'figures' | 'durationMs' | 'loadAverageAtEnd'> = {
      date: new Date(now).toISOString(),
      size: opts.size,
      rules: opts.rules,
      machine,
      workspace: { ...shape, statuses: triage.statuses, activeRules: rules },
      ingest: {
        messages: workspace.messages,
        ingestMs,
        messagesPerSecond,
        messagesPerCpuSecond: workspace.messages / (ingestCpuMs / 1000),
        wallMessagesPerSecond: workspace.messages / (wallMs / 1000),
        pages: workspace.pages,
      },
      triage: { ms: triage.ms, conversationWrites: triage.writes },
      eventLoop: { ingest: ingestLoop, triage: triage.stalls! },
      store,
      publishing,
      storage,
      open,
      ui,
    };
    const result: BenchResult = { ...partial, figures: figureRows(partial), durationMs: performance.now() - started, loadAverageAtEnd: loadavg()[0] ?? 0 };
    return { result, profileDir: opts.keep ? dataDir : null };
  } finally {
    await openCore?.close();
    if (!opts.keep) rmSync(dataDir, { recursive: true, force: true });
  }
}
