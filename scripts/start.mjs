// `npm start`: Parvis as a desktop app where Electron can be had, otherwise the same app in the
// default browser (web mode on the user's profile), so that the README's two commands work on
// every machine.
//
//   npm start                  the desktop app; if Electron's runtime cannot be downloaded or its
//                              native modules cannot be rebuilt, one sentence says why and the
//                              browser opens instead
//   npm start -- --web         the browser directly
//   npm start -- --no-open     (web mode) print the address without opening a browser; so does
//                              PARVIS_NO_OPEN=1 (CI, tests, a machine without a desktop)
//   --port N, --data-dir DIR   passed on to web mode (see electron/web/cli.ts)
//
// npm install skips Electron's binary download (package.json "allowScripts" denies it, so that
// installing works where only the npm registry is reachable): it is fetched here, on first start.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const bin = {
  electronInstall: join(repo, 'node_modules/electron/install.js'),
  electronBuilder: join(repo, 'node_modules/electron-builder/cli.js'),
  electronVite: join(repo, 'node_modules/electron-vite/bin/electron-vite.js'),
  vite: join(repo, 'node_modules/vite/bin/vite.js'),
  tsx: join(repo, 'node_modules/tsx/dist/cli.mjs'),
};

const argv = process.argv.slice(2);
const forceWeb = argv.includes('--web');
const webArgs = argv.filter((a) => a !== '--web' && a !== '--no-open');
const openBrowser = !argv.includes('--no-open') && !process.env.PARVIS_NO_OPEN;

/** The one line of a failed child's output that says what went wrong, without a stack trace. */
function failureReason(output) {
  const lines = String(output)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at ') && !l.startsWith('npm '));
  const line = lines.find((l) => /error|ENOTFOUND|ECONN|ETIMEDOUT|EAI_AGAIN|\b[45]\d\d\b/i.test(l)) ?? lines[0] ?? 'no reason given';
  return line.replace(/^(\w*Error|Error):\s*/, '').slice(0, 200);
}

/** Runs a step quietly; its output is shown only through `failureReason` if it fails. */
function quietStep(args) {
  const r = spawnSync(node, args, { cwd: repo, encoding: 'utf8', env: process.env });
  if (r.status === 0) return null;
  return failureReason(`${r.stderr ?? ''}\n${r.stdout ?? ''}\n${r.error?.message ?? ''}`);
}

function run(args) {
  const r = spawnSync(node, args, { cwd: repo, stdio: 'inherit', env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Starts a long-running child in the foreground and exits with it; Ctrl+C and kill reach it too. */
function foreground(args) {
  const child = spawn(node, args, { cwd: repo, stdio: 'inherit', env: process.env });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function startWeb() {
  run([join(repo, 'scripts/ensure-node-abi.mjs')]);
  run([bin.vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
  foreground([bin.tsx, 'electron/web/cli.ts', ...(openBrowser ? ['--open'] : []), ...webArgs]);
}

/** Electron's binary, then native modules for its ABI: the reason it failed, or null when ready. */
function prepareElectron() {
  if (!existsSync(join(repo, 'node_modules/electron/path.txt'))) {
    console.log('Parvis: downloading the Electron runtime (first start only)…');
  }
  // install.js returns at once when the runtime is already there.
  const download = quietStep([bin.electronInstall]);
  if (download) return `the Electron runtime could not be downloaded (${download})`;
  console.log('Parvis: preparing the native modules for Electron…');
  const rebuild = quietStep([bin.electronBuilder, 'install-app-deps']);
  if (rebuild) return `the native modules could not be rebuilt for Electron (${rebuild})`;
  return null;
}

if (forceWeb) {
  startWeb();
} else {
  const failure = prepareElectron();
  if (failure) {
    console.log(`Parvis: ${failure}, so Parvis opens in your browser instead, on your usual profile (npm start -- --web goes there directly).`);
    startWeb();
  } else {
    run([bin.electronVite, 'build']);
    foreground([bin.electronVite, 'preview']);
  }
}
