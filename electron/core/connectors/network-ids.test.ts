/**
 * A network is one folder: its id is written in its folder and in the registry's one line, and
 * nowhere else in the app (the i18n catalogues aside, which name every network in two languages).
 * Tests and test fixtures name networks as data on purpose and are not scanned.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NETWORK_DESCRIPTORS } from './index';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const SCANNED = ['electron', 'shared', 'renderer'];
const SOURCE = /\.(ts|vue|mts|mjs|js)$/;

/** Paths (relative, with /) that may name a network. */
function allowed(path: string, ids: readonly string[]): boolean {
  if (/\.(test|spec|bench)\.ts$/.test(path) || /[.-]fixture\.ts$/.test(path)) return true;
  if (path.startsWith('renderer/src/i18n/')) return true;
  if (path.startsWith('electron/core/testing/') || /\/(fixtures|testdata)\//.test(path)) return true;
  // The registry's one line per network.
  if (path === 'electron/core/connectors/index.ts') return true;
  return ids.some((id) => path.startsWith(`electron/core/connectors/${id}/`));
}

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (SOURCE.test(name)) yield path;
  }
}

/** Where a text names one of these networks: as a string, or as an object key. */
export function networkIdsIn(text: string, ids: readonly string[]): { id: string; line: number; excerpt: string }[] {
  const found: { id: string; line: number; excerpt: string }[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    for (const id of ids) {
      const quoted = new RegExp(`(['"\`])${id}\\1`);
      // `mastodon: {…}` as a key of an object literal (not `mastodon:` inside a comment's prose).
      const key = new RegExp(`^\\s*${id}\\s*:\\s*[{\\['"\\d]`);
      // A one- or two-letter id (X's `x`) is also an ordinary letter ('x'.repeat, a keymap key):
      // it names the network only where the line speaks of networks.
      if (id.length < 3 && !/network/i.test(line)) continue;
      if (quoted.test(line) || key.test(line)) found.push({ id, line: index + 1, excerpt: line.trim().slice(0, 140) });
    }
  });
  return found;
}

describe('a network is one folder', () => {
  const ids = NETWORK_DESCRIPTORS.map((d) => d.id);

  it('finds a network id written as a string or as an object key', () => {
    expect(networkIdsIn(`if (network === 'youtube') {}`, ['youtube'])).toHaveLength(1);
    expect(networkIdsIn(`const LIMITS = {\n  mastodon: 500,\n};`, ['mastodon'])).toEqual([{ id: 'mastodon', line: 2, excerpt: 'mastodon: 500,' }]);
    expect(networkIdsIn(`// Bluesky counts graphemes; see the bluesky folder`, ['bluesky'])).toEqual([]);
    expect(networkIdsIn(`if (account.network === 'x') {}`, ['x'])).toHaveLength(1);
    expect(networkIdsIn(`const pad = 'x'.repeat(3);
const map = { Χ: 'x' };`, ['x'])).toEqual([]);
  });

  it('no network id is written outside its folder, the registry and the catalogues', () => {
    const offenders: string[] = [];
    for (const top of SCANNED) {
      for (const file of sourceFiles(join(repo, top))) {
        const path = relative(repo, file).split(sep).join('/');
        if (allowed(path, ids)) continue;
        for (const hit of networkIdsIn(readFileSync(file, 'utf8'), ids)) offenders.push(`${path}:${hit.line} ${hit.id}: ${hit.excerpt}`);
      }
    }
    expect(offenders, 'add what the app must know about a network to its descriptor').toEqual([]);
  });
});
