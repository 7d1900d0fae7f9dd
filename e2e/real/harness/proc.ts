/**
 * What every real-server harness shares: free ports on 127.0.0.1, private temp dirs that a
 * service user can own, child processes whose output is kept for the error message, and waiting
 * until a TCP port answers. Servers run as private instances (never the machine's own services),
 * and as root only when the server accepts it; otherwise as a system user (`postgres`, `mysql`…)
 * through spawn's uid/gid, so nothing needs to read the clone (which may be in a 0700 directory).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port the OS says is free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A system user's ids from /etc/passwd, or null when there is no such user. */
export function systemUser(name: string): { uid: number; gid: number } | null {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) return null;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/**
 * The user a server that refuses root runs as: `preferred` when running as root (CI), else the
 * current user (a developer's machine). Throws with what to install when the user is missing.
 */
export function serviceUser(preferred: string): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const user = systemUser(preferred);
  if (!user) throw new Error(`Running as root, the ${preferred} server needs the system user "${preferred}" (installed with its Debian package).`);
  return user;
}

/** A fresh temp dir, owned by `owner` when given (so a service user can write into it). */
export function tempDir(prefix: string, owner?: { uid: number; gid: number }): string {
  const dir = mkdtempSync(join(tmpdir(), `parvis-real-${prefix}-`));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The newest directory matching /usr/lib/<name>/<version>/bin (e.g. PostgreSQL's). */
export function versionedBinDir(base: string): string {
  if (!existsSync(base)) throw new Error(`${base} is missing: run scripts/install-real-servers.sh`);
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin')))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error(`No version under ${base}`);
  return join(base, versions[0], 'bin');
}

/** A child process with its output kept (last 64 KiB) for error messages. */
export interface Child {
  process: ChildProcess;
  output(): string;
  /** Sends SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

export function startChild(command: string, args: string[], options: SpawnOptions & { name: string }): Child {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-65_536);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (err) => {
      keep(Buffer.from(`\n${options.name}: ${err.message}\n`));
      resolve(-1);
    });
  });
  return {
    process: child,
    output: () => log,
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a command to its end; throws with its output when it fails. */
export async function run(command: string, args: string[], options: SpawnOptions & { name: string; input?: string } = { name: command }): Promise<string> {
  const child = startChild(command, args, { ...options, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (options.input !== undefined) child.process.stdin?.end(options.input);
  const code = await child.exited;
  if (code !== 0) throw new Error(`${options.name} failed (exit ${code}):\n${child.output()}`);
  return child.output();
}

/** Resolves once 127.0.0.1:port accepts a connection; fails when the child dies or time runs out. */
export async function waitForPort(port: number, child: Child | null, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (child && (child.process.exitCode !== null || child.process.signalCode !== null)) {
      throw new Error(`The server exited before listening on ${port}:\n${child.output()}`);
    }
    if (Date.now() > deadline) throw new Error(`Nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms:\n${child?.output() ?? ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
