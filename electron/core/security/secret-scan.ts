/**
 * Looks for secrets where they must never be: every file of a profile directory (database, WAL,
 * shared memory, settings), captured logs, every frame the renderer received. A secret is found
 * whole, URL-encoded, or by any slice of 16 characters of it (a token cut short in a log line still
 * leaks).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A place a secret must not be, and its text. */
export interface Haystack {
  where: string;
  text: string;
}

/** Every file under `dir`, read as text (bytes kept as they are: SQLite stores text as UTF-8). */
export function profileFiles(dir: string): Haystack[] {
  const out: Haystack[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...profileFiles(path));
    else out.push({ where: path, text: readFileSync(path).toString('latin1') + readFileSync(path).toString('utf8') });
  }
  return out;
}

/** Length of the slices looked for: any leaked piece of 23 characters or more contains one. */
const SLICE = 16;
const STRIDE = 8;

/** What to look for: the secret, its URL encoding, and every slice of it (a cut token leaks too). */
function needles(secret: string): string[] {
  const out = new Set([secret, encodeURIComponent(secret)]);
  // A JWT's first part is its header, the same for every token: not a secret, not looked for.
  const from = secret.startsWith('eyJ') && secret.includes('.') ? secret.indexOf('.') + 1 : 0;
  for (let i = from; i + SLICE <= secret.length; i += STRIDE) out.add(secret.slice(i, i + SLICE));
  if (secret.length - from > SLICE) out.add(secret.slice(-SLICE));
  return [...out];
}

/** "where: which secret" for every secret found somewhere; empty when none leaked. */
export function leaks(secrets: Iterable<{ label: string; value: string }>, haystacks: readonly Haystack[]): string[] {
  const found: string[] = [];
  for (const { label, value } of secrets) {
    if (value.length < 8) continue;
    for (const needle of needles(value)) {
      for (const haystack of haystacks) {
        if (haystack.text.includes(needle)) found.push(`${haystack.where}: ${label}`);
      }
    }
  }
  return [...new Set(found)];
}

/** The secret values of a credentials record (tokens, secrets, passwords), labelled. */
export function secretValues(prefix: string, credentials: Record<string, string>): { label: string; value: string }[] {
  return Object.entries(credentials)
    .filter(([key]) => /token|secret|jwt|password|verifier/i.test(key))
    .map(([key, value]) => ({ label: `${prefix}.${key}`, value }));
}
