/**
 * Private PostgreSQL and Redis instances for Bluesky's dev-env: each in its own temp dir, on a
 * free 127.0.0.1 port, gone when stopped. PostgreSQL refuses to run as root, so under root (CI)
 * it runs as the `postgres` system user that Debian's package creates.
 */
import { join } from 'node:path';
import { freePort, removeDir, run, serviceUser, startChild, tempDir, versionedBinDir, waitForPort } from './proc';

export interface RunningService {
  port: number;
  stop(): Promise<void>;
}

export interface RunningPostgres extends RunningService {
  /** postgresql://postgres@127.0.0.1:port/postgres (trust auth, local only). */
  url: string;
}

export async function startPostgres(): Promise<RunningPostgres> {
  const bin = versionedBinDir('/usr/lib/postgresql');
  const user = serviceUser('postgres');
  const dir = tempDir('pg', user);
  const data = join(dir, 'data');
  const ids = user ? { uid: user.uid, gid: user.gid } : {};
  await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], { name: 'initdb', cwd: dir, ...ids });
  const port = await freePort();
  const child = startChild(
    join(bin, 'postgres'),
    ['-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
    { name: 'postgres', cwd: dir, ...ids },
  );
  await waitForPort(port, child);
  return {
    port,
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      // SIGTERM is PostgreSQL's "smart" shutdown, which waits for clients: SIGINT ("fast") does not.
      child.process.kill('SIGINT');
      await child.stop(10_000);
      removeDir(dir);
    },
  };
}

export async function startRedis(): Promise<RunningService & { host: string }> {
  const dir = tempDir('redis');
  const port = await freePort();
  const child = startChild(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'],
    { name: 'redis-server', cwd: dir },
  );
  await waitForPort(port, child);
  return {
    port,
    host: `127.0.0.1:${port}`,
    async stop() {
      await child.stop();
      removeDir(dir);
    },
  };
}
