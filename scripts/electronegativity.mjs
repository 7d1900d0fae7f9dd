// Runs @doyensec/electronegativity over electron/ and fails on any finding of medium severity or
// higher that is not justified in the code, by a comment on one of the three lines above it:
//   // electronegativity-justified OPEN_EXTERNAL_JS_CHECK: <why it is safe>
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const dir = mkdtempSync(join(tmpdir(), 'parvis-eneg-'));
const out = join(dir, 'findings.csv');
try {
  execFileSync(
    process.execPath,
    [require.resolve('@doyensec/electronegativity/dist/index.js'), '-i', 'electron', '-r', '-e', electronVersion, '-s', 'medium', '-o', out],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const rows = readFileSync(out, 'utf8').trim().split('\n').slice(1);
  const parse = (line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"')).slice(0, 8);
  const unjustified = [];
  let justified = 0;
  for (const row of rows) {
    const [check, severity, , file, location, sample] = parse(row);
    if (!['MEDIUM', 'HIGH', 'CRITICAL'].includes(severity)) continue;
    const line = Number(location.split(':')[0]);
    const lines = readFileSync(join('electron', file), 'utf8').split('\n');
    const above = lines.slice(Math.max(0, line - 4), line - 1).join('\n');
    if (above.includes(`electronegativity-justified ${check}`)) justified += 1;
    else unjustified.push(`${severity} ${check} electron/${file}:${location}  ${sample}`);
  }
  console.log(`electronegativity (Electron ${electronVersion}): ${justified} justified finding(s), ${unjustified.length} to fix`);
  if (unjustified.length) {
    for (const u of unjustified) console.error(`  ${u}`);
    process.exit(1);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
