/**
 * What the database costs on disk, and how long the app takes to show its first inbox page when
 * it starts on it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Core } from '../../electron/core/app';
import { openDatabase } from '../../electron/core/db/connection';
import { openBenchCore } from '../workspace/bench-core';
import { callCore } from './call-core';

export interface SizeFigures {
  /** Database file + WAL after a TRUNCATE checkpoint, bytes. */
  bytes: number;
  walBytes: number;
  /** Scaled to one million messages. */
  bytesPerMillionMessages: number;
  /** The largest tables and indexes (from dbstat), bytes. */
  largestObjects: { name: string; bytes: number }[];
}

/** One step of a cold start: its time and what it read from the disk. */
export interface StartupStep {
  step: string;
  ms: number;
  /** Bytes this process read from the block device during the step (/proc/self/io), null where unknown. */
  diskBytes: number | null;
}

export interface ColdOpenFigures {
  /** Open + migrate check + first inbox page, with the OS page cache of the database evicted. */
  coldMs: number | null;
  /** Where a second cold start spends its time, step by step (each step after the previous one). */
  coldSteps?: StartupStep[];
  /** Why the cold figure is missing (no way to evict the page cache here). */
  coldUnavailable?: string;
  /** The same with the files still in the OS page cache (a restart right after quitting). */
  warmMs: number;
}

export function databaseFiles(dataDir: string): { db: string; wal: string; shm: string } {
  const db = join(dataDir, 'parvis.db');
  return { db, wal: `${db}-wal`, shm: `${db}-shm` };
}

const fileSize = (path: string) => (existsSync(path) ? statSync(path).size : 0);

/** Checkpoints the WAL into the database, then measures both files. */
export function measureSize(core: Core, dataDir: string, messages: number): SizeFigures {
  core.db.pragma('wal_checkpoint(TRUNCATE)');
  const files = databaseFiles(dataDir);
  const bytes = fileSize(files.db) + fileSize(files.wal);
  let largestObjects: SizeFigures['largestObjects'] = [];
  try {
    largestObjects = core.db
      .prepare<[], { name: string; bytes: number }>('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 12')
      .all();
  } catch {
    // dbstat is a compile-time option of SQLite; without it the breakdown is simply absent.
  }
  return { bytes, walBytes: fileSize(files.wal), bytesPerMillionMessages: messages > 0 ? (bytes * 1_000_000) / messages : 0, largestObjects };
}

/**
 * Drops the files from the OS page cache (posix_fadvise DONTNEED through GNU dd), as after a
 * reboot. Returns why it could not, or null when it did.
 */
function evictFromPageCache(paths: readonly string[]): string | null {
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const result = spawnSync('dd', [`if=${path}`, 'iflag=nocache', 'count=0', 'status=none']);
    if (result.error) return `dd is not available (${result.error.message})`;
    if (result.status !== 0) return `dd could not evict ${path}: ${result.stderr.toString().trim()}`;
  }
  return null;
}

async function timeFirstPage(dataDir: string): Promise<number> {
  const t0 = performance.now();
  const core = openBenchCore({ dataDir });
  try {
    await callCore(core, 'inbox.list', { filter: { status: ['open'] }, limit: 50 });
    return performance.now() - t0;
  } finally {
    await core.close();
  }
}

/** Bytes read from the block device by this process so far (Linux), or null. */
function diskReadBytes(): number | null {
  try {
    const m = /^read_bytes:\s*(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * A cold start cut in steps: the database opened, its pragmas set and its schema version checked
 * (`openDatabase`, closed again: the core then opens it with those pages cached); the rest of the
 * core built; the first inbox page.
 */
async function coldSteps(dataDir: string): Promise<StartupStep[]> {
  const steps: StartupStep[] = [];
  let t = performance.now();
  let io = diskReadBytes();
  const done = (step: string) => {
    const now = performance.now();
    const read = diskReadBytes();
    steps.push({ step, ms: now - t, diskBytes: read !== null && io !== null ? read - io : null });
    t = now;
    io = read;
  };
  openDatabase(join(dataDir, 'parvis.db')).close();
  done('open, pragmas, schema version');
  const core = openBenchCore({ dataDir });
  done('the rest of createCore');
  try {
    await callCore(core, 'inbox.list', { filter: { status: ['open'], held: false }, limit: 50 });
    done('first inbox page');
    await callCore(core, 'inbox.count', { filters: { inbox: { status: ['open'], held: false }, done: { status: ['done'] } } });
    done('sidebar counts');
  } finally {
    await core.close();
  }
  return steps;
}

/** Times opening the profile and reading the first inbox page; the core on it must be closed. */
export async function measureColdOpen(dataDir: string): Promise<ColdOpenFigures> {
  const files = databaseFiles(dataDir);
  const unavailable = evictFromPageCache([files.db, files.wal, files.shm]);
  const coldMs = unavailable === null ? await timeFirstPage(dataDir) : null;
  let steps: StartupStep[] | undefined;
  if (unavailable === null && evictFromPageCache([files.db, files.wal, files.shm]) === null) steps = await coldSteps(dataDir);
  const warmMs = await timeFirstPage(dataDir);
  return unavailable === null ? { coldMs, coldSteps: steps, warmMs } : { coldMs, coldUnavailable: unavailable, warmMs };
}
