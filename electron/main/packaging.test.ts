/**
 * Packaging that would work: builds the app (electron-vite), packs it with electron-builder from
 * electron-builder.yml into an unpacked Linux app, and checks that every file the main process
 * loads at run time is where the packaged app looks for it.
 *
 * Electron's binary cannot be downloaded here, so electron-builder gets a stand-in Electron
 * directory (`electronDist`) and the two steps that need the real binary or its headers are left
 * out: native modules rebuilt for Electron (npmRebuild) and the fuses flipped in the binary. The
 * archive, what is unpacked beside it and the app's layout are electron-builder's real output.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { extractFile, listPackage } from '@electron/asar';
import { load as loadYaml } from 'js-yaml';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NsfwScreener, outsideAsar } from '../core/moderation/nsfw-screener';
import { lockOutDir } from '../../scripts/out-dir-lock';
import { APP_FILES } from './app-files';

const repo = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'parvis-packaging-'));
const resources = join(work, 'release', 'linux-unpacked', 'resources');
const asarFile = join(resources, 'app.asar');
const unpacked = join(resources, 'app.asar.unpacked');
let inArchive: Set<string>;

beforeAll(async () => {
  // Built and packed from out/: not while another test builds into it (released once packed; the
  // checks below read the packed app only).
  const releaseOutDir = await lockOutDir();
  try {
    buildAndPack();
  } finally {
    releaseOutDir();
  }
  inArchive = new Set(listPackage(asarFile, { isPack: false }).map((f) => f.split('\\').join('/').replace(/^\//, '')));
}, 600_000);

function buildAndPack(): void {
  execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'], { cwd: repo, stdio: 'pipe' });
  const electronVersion = (JSON.parse(readFileSync(join(repo, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
  const fakeElectron = join(work, 'electron-dist');
  mkdirSync(join(fakeElectron, 'resources'), { recursive: true });
  writeFileSync(join(fakeElectron, 'electron'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  const config = loadYaml(readFileSync(join(repo, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
  delete config.electronFuses;
  Object.assign(config, { npmRebuild: false, electronDist: fakeElectron, electronVersion, directories: { ...(config.directories as object), output: join(work, 'release') } });
  writeFileSync(join(work, 'builder.json'), JSON.stringify(config));
  execFileSync(process.execPath, ['node_modules/electron-builder/cli.js', '--linux', 'dir', '--x64', '--publish', 'never', '--config', join(work, 'builder.json')], {
    cwd: repo,
    stdio: 'pipe',
    env: { ...process.env, ELECTRON_BUILDER_CACHE: join(work, 'cache') },
  });
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

it('packs the entry, the preload, the renderer and the icon where the shell opens them', () => {
  const main = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { main: string }).main;
  expect(inArchive.has(main)).toBe(true);
  for (const file of Object.values(APP_FILES)) {
    const wanted = file === APP_FILES.rendererDir ? `${file}/index.html` : file;
    expect(inArchive.has(wanted), `${wanted} in app.asar`).toBe(true);
  }
  // Every asset the renderer's page loads is there too.
  const html = extractFile(asarFile, 'out/renderer/index.html').toString('utf8');
  const assets = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => `out/renderer/${m[1]}`);
  expect(assets.length).toBeGreaterThan(0);
  for (const asset of assets) expect(inArchive.has(asset), asset).toBe(true);
});

it('packs every package the main process imports', () => {
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  const packages = new Set<string>();
  for (const file of [...inArchive].filter((f) => f.startsWith('out/main/') && f.endsWith('.js'))) {
    const code = extractFile(asarFile, file).toString('utf8');
    // Static imports, and the modules loaded on demand (keytar through require, for one).
    const specs = [...code.matchAll(/^import (?:[^'"]+ from )?"([^"]+)";?$/gm), ...code.matchAll(/\b(?:require|import)\("([^"]+)"\)/g)];
    for (const [, spec] of specs) {
      if (!spec || spec.startsWith('.') || builtins.has(spec) || spec === 'electron') continue;
      packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  expect([...packages]).toEqual(expect.arrayContaining(['better-sqlite3', 'keytar', 'electron-store', 'electron-updater', '@tensorflow/tfjs', 'nsfwjs']));
  for (const name of packages) expect(inArchive.has(`node_modules/${name}/package.json`), `${name} in app.asar`).toBe(true);
});

it('unpacks the native modules: the OS loads them from disk', () => {
  const natives = [...inArchive].filter((f) => f.endsWith('.node'));
  expect(natives).toEqual(expect.arrayContaining(['node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'node_modules/keytar/build/Release/keytar.node']));
  for (const file of natives) expect(existsSync(join(unpacked, file)), `${file} unpacked`).toBe(true);
});

it('runs the image-screening worker from where the packaged app starts it, with no archive support at all', async () => {
  // What startNsfwWorker computes in the packaged app, from the main bundle's own URL.
  const workerUrl = outsideAsar(new URL('nsfw-worker.js', pathToFileURL(join(asarFile, 'out/main/index.js'))));
  expect(workerUrl.href).toContain('/app.asar.unpacked/out/main/nsfw-worker.js');
  expect(existsSync(workerUrl)).toBe(true);
  // Plain Node cannot read app.asar: the worker, its chunk, tfjs, nsfwjs and the model's files
  // must all load from app.asar.unpacked, as in the packaged app.
  const screener = new NsfwScreener({ startWorker: ({ maxHeapMb }) => new Worker(workerUrl, { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } }) });
  try {
    const image = new PNG({ width: 32, height: 32 });
    image.data.fill(200);
    const outcome = await screener.classify(new Uint8Array(PNG.sync.write(image)));
    expect(outcome).toMatchObject({ ok: true, result: { labels: { neutral: expect.any(Number) } } });
  } finally {
    await screener.close();
  }
}, 120_000);
