/**
 * `npm run web` and `npm run demo`: start the core in Node and serve the renderer on 127.0.0.1.
 *
 *   --demo            the live demo: a temporary profile connected to local simulated networks
 *                     where the community of a demo brand keeps writing
 *   --demo=seeded     the instant demo: a temporary profile filled at once, nothing polled
 *   --port N          listen on N (default: a free port)
 *   --data-dir DIR    the profile directory (default: the user's data directory)
 *   --open            open the address in the default browser (`npm start` passes it)
 *
 * Without --demo, accounts connect to the real networks (YouTube needs PARVIS_GOOGLE_CLIENT_ID and
 * PARVIS_GOOGLE_CLIENT_SECRET: Parvis's Google OAuth client).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import open from 'open';
import type { Core } from '../core/app';
import { startWebMode, type WebMode } from './start';
import { defaultDataDir } from './data-dir';

type DemoMode = 'live' | 'seeded' | null;

function parseArgs(argv: string[]) {
  const args = { demo: null as DemoMode, port: 0, dataDir: null as string | null, open: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--demo' || a === '--demo=live') args.demo = 'live';
    else if (a === '--demo=seeded') args.demo = 'seeded';
    else if (a === '--port') args.port = Number(argv[++i]);
    else if (a === '--data-dir') args.dataDir = argv[++i] ?? null;
    else if (a === '--open') args.open = true;
    else if (a === '--help' || a === '-h') {
      console.log('Usage: parvis-web [--demo | --demo=seeded] [--port N] [--data-dir DIR] [--open]');
      process.exit(0);
    } else {
      console.error(`Unknown option: ${a}`);
      process.exit(2);
    }
  }
  if (args.demo === 'live' && args.dataDir) {
    // Its accounts' tokens live in memory and its networks in this process: a kept profile would be signed out.
    console.error('The live demo always runs on a temporary profile: drop --data-dir (or use --demo=seeded).');
    process.exit(2);
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
    console.error('--port needs a number between 0 and 65535');
    process.exit(2);
  }
  return args;
}

/**
 * Hands the address to the system's default browser (`open`: macOS open, Windows start, xdg-open,
 * WSL; kept by sindresorhus and used by most dev servers). Where there is none (no desktop, SSH),
 * the address printed above is the way in, and the terminal says so.
 */
async function openInDefaultBrowser(url: string): Promise<void> {
  const unavailable = () => console.log('No browser could be opened from here: open the address above yourself.');
  try {
    const child = await open(url);
    child.once('error', unavailable);
    child.once('exit', (code) => {
      if (code) unavailable();
    });
  } catch {
    unavailable();
  }
}

const log = (level: 'info' | 'warn' | 'error', message: string) => (level === 'info' ? console.log(message) : console.error(`[${level}] ${message}`));

/** The seeded demo workspace, loaded only for the instant demo. */
async function seededDemo(): Promise<(core: Core) => void> {
  const { seedDemoWorkspace } = await import('../../e2e/demo/seeded-workspace');
  return (core) => seedDemoWorkspace(core, { now: core.now() });
}

/** Starts the live demo and prints where everything is. */
async function startLive(dataDir: string, staticDir: string, port: number): Promise<WebMode & { stop(): Promise<void> }> {
  // Loaded only for the demo: it brings the local network servers along.
  const { startLiveDemo } = await import('../../e2e/demo/live-demo');
  const demo = await startLiveDemo({ dataDir, staticDir, port, log });
  const width = Math.max(...demo.networks.map((n) => n.url.length));
  console.log(`Parvis live demo is running. Open this address in your browser:\n\n  ${demo.app.url}\n`);
  console.log('Simulated networks on this machine (nothing leaves it):');
  for (const n of demo.networks) {
    console.log(`  ${n.network.padEnd(9)}${n.url.padEnd(width + 2)}${n.account}${n.connected ? '' : '  (not connected yet)'}`);
  }
  const press = demo.networks.find((n) => !n.connected);
  if (press) {
    console.log(`\nConnect one more Mastodon account yourself: Add an account → Mastodon → server ${press.url}`);
    console.log('(the local server approves the sign-in at once, there is no password).');
  }
  console.log(`Bluesky sign-in, should you connect it again: ${demo.blueskyLogin.handle} / app password ${demo.blueskyLogin.password}`);
  console.log('\nSyncing the history…');
  demo.ready.then(
    (ready) => {
      const counts = Object.entries(ready.conversations).map(([network, n]) => `${network} ${n}`).join(', ');
      console.log(`Demo inbox ${ready.complete ? 'ready' : 'still syncing'} after ${(ready.elapsedMs / 1000).toFixed(1)} s: ${counts}.`);
      console.log('New community activity arrives every 20–60 s.');
    },
    (err: unknown) => console.error(`[warn] the demo history did not sync: ${err instanceof Error ? err.message : String(err)}`),
  );
  return Object.assign(demo.app, { stop: () => demo.close() });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  const staticDir = join(repo, 'out', 'renderer');
  const temporary = args.demo !== null && !args.dataDir;
  const dataDir = args.dataDir ? resolve(args.dataDir) : temporary ? mkdtempSync(join(tmpdir(), 'parvis-demo-')) : defaultDataDir();
  let app: WebMode & { stop(): Promise<void> };
  if (args.demo === 'live') {
    app = await startLive(dataDir, staticDir, args.port);
  } else {
    const mode = await startWebMode({
      dataDir,
      staticDir,
      port: args.port,
      demo: args.demo === 'seeded',
      // The instant demo's sample workspace (demo content lives with the simulated networks, in e2e/demo).
      ...(args.demo === 'seeded' ? { seed: await seededDemo() } : {}),
      // The instant demo polls nothing; real use talks to the real networks.
      ...(args.demo === 'seeded' ? {} : { networks: {} }),
      log,
    });
    app = Object.assign(mode, { stop: () => mode.close() });
    console.log(`Parvis ${args.demo ? 'demo ' : ''}is running. Open this address in your browser:\n\n  ${app.url}\n`);
  }
  console.log(`Profile: ${dataDir}${temporary ? ' (temporary, deleted on exit)' : ''}. Press Ctrl+C to stop.`);
  if (args.open) await openInDefaultBrowser(app.url);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.stop();
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`Parvis could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
