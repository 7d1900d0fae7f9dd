/**
 * Test code: the tests that build into out/ (scripts/start.test.ts builds the renderer as
 * `npm start` does; electron/main/packaging.test.ts builds everything and packs it) run in
 * parallel vitest workers, and a build empties the directories the other one is reading. They
 * take turns through this lock: a directory created atomically, with the holder's pid, taken over
 * when its holder is gone.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';

const repo = resolve(import.meta.dirname, '..');
const lockDir = join(tmpdir(), `parvis-out-lock-${createHash('sha256').update(repo).digest('hex').slice(0, 12)}`);

function holderAlive(): boolean {
  try {
    const pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // No pid file yet (just created) counts as held; a dead pid does not.
    return (err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits for out/ to be free and takes it; returns the release function. */
export async function lockOutDir(): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!holderAlive()) rmSync(lockDir, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
}
