/**
 * Checks a Parvis draw certificate: `npm run verify-draw -- certificate.json`.
 * Recomputes the SHA-256 of the entrant list and the shuffle from the seed (algorithm
 * parvis-draw-v1, described in the certificate itself) and compares them with what the certificate
 * says. Exit code 0: the draw is confirmed; 1: it does not hold (each reason is printed); 2: usage.
 */
import { readFileSync } from 'node:fs';
import { verifyCertificate } from '../electron/core/contests/draw';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run verify-draw -- certificate.json');
  process.exit(2);
}
let data: unknown;
try {
  data = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.error(`Cannot read ${file}: ${(err as Error).message}`);
  process.exit(1);
}
const result = verifyCertificate(data);
const cert = data as { contest?: { name?: string }; entrantCount?: number; entrantsSha256?: string; winners?: { handle: string }[] };
const why: Record<string, string> = {
  malformed: 'the file is not a parvis-draw-certificate/1 certificate',
  'entrants-hash': 'the entrant list does not have the SHA-256 the certificate states',
  'entrant-count': 'the entrant count does not match the list',
  'entrant-order': 'the entrant list is not in canonical order',
  winners: 'the winners are not those the seed gives for this list',
  alternates: 'the alternates are not those the seed gives for this list',
};
if (result.ok) {
  console.log(`CONFIRMED: "${cert.contest?.name}" — ${cert.entrantCount} entrants, list SHA-256 ${cert.entrantsSha256}`);
  console.log(`Winners, recomputed from the seed: ${(cert.winners ?? []).map((w) => w.handle).join(', ')}`);
} else {
  console.error('REFUSED: this certificate does not hold.');
  for (const p of result.problems) console.error(`- ${why[p] ?? p}`);
  // Set, not exit: the verdict above is written out in full before the process ends.
  process.exitCode = 1;
}
