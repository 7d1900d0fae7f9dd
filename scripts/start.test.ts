/**
 * `npm start` where Electron's runtime cannot be downloaded: one plain sentence says why, then the
 * same app is served in web mode on the user's profile. The download failure is made certain, on
 * any machine, by pointing Electron's mirror at a closed port on 127.0.0.1 with an empty download
 * cache and a runtime path that does not exist (so an installed runtime does not count).
 * PARVIS_NO_OPEN keeps the test from opening a browser; the server is stopped once it answered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { lockOutDir } from './out-dir-lock';

const repo = join(import.meta.dirname, '..');
const cleanups: (() => void | Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Runs `node scripts/start.mjs` in its own process group until it prints the app's address. */
async function start(args: string[], env: NodeJS.ProcessEnv): Promise<Started> {
  // npm start builds the renderer into out/: not while another test builds or packs it.
  cleanups.push(await lockOutDir());
  const child = spawn(process.execPath, ['scripts/start.mjs', ...args], {
    cwd: repo,
    env: { ...process.env, ...env, PARVIS_NO_OPEN: '1' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  });
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out)?.[0];
      if (url && out.includes('Profile:')) resolve({ child, url, output: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before serving the app:\n${out}`)));
  });
}

it('falls back to the browser app on the user profile after one sentence saying the download failed', async () => {
  const profile = tempDir('parvis-start-profile-');
  const port = await closedPort();
  const started = await start([], {
    PARVIS_DATA_DIR: profile,
    ELECTRON_MIRROR: `http://127.0.0.1:${port}/`,
    electron_config_cache: tempDir('parvis-start-electron-cache-'),
    ELECTRON_OVERRIDE_DIST_PATH: join(tempDir('parvis-start-electron-dist-'), 'absent'),
  });
  const out = started.output();

  const sentences = out.split('\n').filter((l) => l.includes('could not be'));
  expect(sentences).toEqual([
    `Parvis: the Electron runtime could not be downloaded (connect ECONNREFUSED 127.0.0.1:${port}), so Parvis opens in your browser instead, on your usual profile (npm start -- --web goes there directly).`,
  ]);
  // No stack trace and no raw failed command reach the user.
  expect(out).not.toMatch(/^\s+at /m);
  expect(out).not.toContain('Command failed');
  expect(out).toContain(`Profile: ${profile}.`);
  expect(existsSync(join(profile, 'parvis.db'))).toBe(true);

  // The address printed is the app, served with its token.
  const page = await fetch(started.url);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<div id="app"');
  const withoutToken = await fetch(new URL('/', started.url));
  expect(withoutToken.status).toBe(403);
}, 180_000);

it('goes straight to the browser app with --web, without trying Electron', async () => {
  const profile = tempDir('parvis-start-web-');
  const started = await start(['--web'], { PARVIS_DATA_DIR: profile });
  const out = started.output();
  expect(out).not.toContain('Electron');
  expect(out).toContain(`Profile: ${profile}.`);
  expect((await fetch(started.url)).status).toBe(200);
}, 180_000);
