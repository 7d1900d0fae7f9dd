/**
 * `npm run web` and `npm run demo`: start the core in Node and serve the renderer on 127.0.0.1.
 *
 *   --demo            a temporary profile filled with a realistic demo workspace
 *   --port N          listen on N (default: a free port)
 *   --data-dir DIR    the profile directory (default: the user's data directory)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebMode } from './start';
import { defaultDataDir } from './data-dir';

function parseArgs(argv: string[]) {
  const args = { demo: false, port: 0, dataDir: null as string | null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--demo') args.demo = true;
    else if (a === '--port') args.port = Number(argv[++i]);
    else if (a === '--data-dir') args.dataDir = argv[++i] ?? null;
    else if (a === '--help' || a === '-h') {
      console.log('Usage: parvis-web [--demo] [--port N] [--data-dir DIR]');
      process.exit(0);
    } else {
      console.error(`Unknown option: ${a}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
    console.error('--port needs a number between 0 and 65535');
    process.exit(2);
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  const temporary = args.demo && !args.dataDir;
  const dataDir = args.dataDir ? resolve(args.dataDir) : temporary ? mkdtempSync(join(tmpdir(), 'parvis-demo-')) : defaultDataDir();
  const app = await startWebMode({
    dataDir,
    staticDir: join(repo, 'out', 'renderer'),
    port: args.port,
    demo: args.demo,
    log: (level, message) => (level === 'info' ? console.log(message) : console.error(`[${level}] ${message}`)),
  });
  console.log(`Parvis ${args.demo ? 'demo ' : ''}is running. Open this address in your browser:\n\n  ${app.url}\n`);
  console.log(`Profile: ${dataDir}${temporary ? ' (temporary, deleted on exit)' : ''}. Press Ctrl+C to stop.`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
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
