/**
 * A data folder that is read-only, for real: a copy of a profile with its write permissions
 * removed, opened by Parvis in a child process. Root ignores file permissions (and CI runs as root),
 * so the child then runs as the unprivileged user `nobody`: the permissions apply to it exactly as
 * to a user's app. Parvis says so in plain words (`storage`), changes nothing in the folder, and
 * once the folder is writable again everything written before is there.
 *
 * `nobody` may not be able to read the clone (it may live in a 0700 folder or a private home), so
 * the child never runs from it: the probe is bundled into the scratch folder with the one native
 * module it loads, and runs from there.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { buildSync } from 'esbuild';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../app';
import { MemorySecretStore } from '../secrets/secret-store';
import { createSettingsStore, memoryBackend } from '../settings/settings-store';
import { addAccount, item, makeCore } from '../testing/core-fixture';
import { figures, integrity } from './storage-failure-fixture';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const probe = fileURLToPath(new URL('./read-only-profile.fixture.ts', import.meta.url));
/** The unprivileged user the child becomes when the tests run as root. */
const NOBODY = 65534;
const runningAsRoot = process.getuid?.() === 0;

let scratch: string;
let original: string;
/** The probe, bundled where the unprivileged child can read it. */
let bundle: string;

/** Bundles the probe and copies the native SQLite module beside it, readable by everyone. */
function bundleProbe(into: string): string {
  const dir = join(into, 'probe');
  const outfile = join(dir, 'probe.mjs');
  buildSync({
    entryPoints: [probe],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    external: ['better-sqlite3'],
    // Bundled CommonJS code calls require(): give the ES module one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  for (const name of ['better-sqlite3', 'bindings', 'file-uri-to-path']) {
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    cpSync(join(repoRoot, 'node_modules', name), join(dir, 'node_modules', name), { recursive: true });
  }
  return outfile;
}
let expected: Record<string, number>;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'parvis-read-only-'));
  // The unprivileged child must be able to reach the copies.
  chmodSync(scratch, 0o755);
  bundle = bundleProbe(scratch);
  const core = makeCore();
  const account = addAccount(core);
  core.ingest(account.id, { items: [item({ remoteId: 'r1' }), item({ remoteId: 'r2' }), item({ remoteId: 'r3' })], cursor: 'c1' });
  const conversationId = (core.db.prepare('SELECT id FROM conversations LIMIT 1').get() as { id: number }).id;
  core.conversations.addNote(conversationId, core.workspace.members.list()[0]!.id, 'Note écrite avant');
  core.workspace.tags.create('urgent', '#ff0000');
  expected = figures(core.db);
  await core.close();
  original = join(scratch, 'original');
  cpSync(core.dataDir, original, { recursive: true });
  rmSync(core.dataDir, { recursive: true, force: true });
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the profile; `mode` picks what is read-only. */
function readOnlyCopy(name: string, mode: 'folder' | 'database-file'): string {
  const dir = join(scratch, name);
  cpSync(original, dir, { recursive: true });
  for (const file of readdirSync(dir)) chmodSync(join(dir, file), 0o444);
  chmodSync(dir, mode === 'folder' ? 0o555 : 0o777);
  return dir;
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const file of readdirSync(dir)) chmodSync(join(dir, file), 0o644);
}

function fingerprint(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
}

interface ProbeResult {
  opened: boolean;
  error?: { kind: string; message: string };
  read?: { ok: boolean };
  write?: { ok: boolean; error?: { kind: string; message: string } };
}

/** Opens the profile in a child process that file permissions apply to. */
function openAsUser(dir: string): ProbeResult {
  const out = execFileSync(process.execPath, [bundle, dir], {
    cwd: scratch,
    encoding: 'utf8',
    env: { ...process.env, HOME: scratch },
    ...(runningAsRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as ProbeResult;
}

async function reopen(dir: string) {
  const core = createCore({ dataDir: dir, secrets: new MemorySecretStore(), settings: createSettingsStore(memoryBackend()), shell: 'web', myName: 'Alex' });
  try {
    return { figures: figures(core.db), integrity: integrity(core.db) };
  } finally {
    await core.close();
  }
}

describe('a read-only data folder', () => {
  it('is refused at start in plain words, and nothing in it is changed', async () => {
    const dir = readOnlyCopy('folder', 'folder');
    const before = fingerprint(dir);
    const result = openAsUser(dir);
    expect(result.opened).toBe(false);
    expect(result.error?.kind).toBe('storage');
    expect(result.error?.message).toMatch(/is read-only/);
    expect(result.error?.message).toContain(dir);
    expect(result.error?.message).not.toMatch(/SQLITE|attempt to write/);
    expect(fingerprint(dir)).toEqual(before);
    makeWritable(dir);
    expect(await reopen(dir)).toEqual({ figures: expected, integrity: 'ok' });
  });

  it('with a read-only database file: reading works, writing is refused in plain words, nothing is lost', async () => {
    const dir = readOnlyCopy('database-file', 'database-file');
    const result = openAsUser(dir);
    expect(result.opened).toBe(true);
    expect(result.read?.ok).toBe(true);
    expect(result.write).toMatchObject({ ok: false, error: { kind: 'storage' } });
    expect(result.write?.error?.message).toMatch(/read-only/);
    makeWritable(dir);
    expect(await reopen(dir)).toEqual({ figures: expected, integrity: 'ok' });
  });
});
