/** The command line of `npm run bench`. */

export interface BenchArgs {
  /** Messages to generate. */
  size: number;
  /** Write the result here only (instead of bench/results/<date>-<size>.json and latest.json). */
  out: string | null;
  /** Measure the UI in Chromium. */
  ui: boolean;
  /** Time the reports (issue 18); off to save minutes when working on something else. */
  reports: boolean;
  /** Rebuild the renderer before measuring the UI. */
  buildUi: boolean;
  /** Keep the generated profile (its path is printed) instead of deleting it. */
  keep: boolean;
  seed: number;
  /** Moderation rules as shipped (on) or all disabled (off) while ingesting. */
  rules: 'on' | 'off';
  /** Give up when ingest would take longer than this. */
  maxIngestMinutes: number;
}

export const USAGE = `Usage: npm run bench -- [--size N] [--out FILE] [--ui | --no-ui] [--no-reports] [--build-ui] [--rules on|off] [--keep] [--seed N]
  --size N     messages to generate (default 1000000; 100k and 1M are understood)
  --out FILE   write the JSON result to FILE only (default: bench/results/<date>-<size>.json and latest.json)
  --ui         measure the renderer in Chromium (default)
  --no-ui      skip the renderer figures
  --no-reports skip the report timings (minutes at a million messages until reports are rolled up)
  --build-ui   rebuild out/renderer before measuring the UI (it is built anyway when missing)
  --rules on   ingest with the moderation rules as shipped (default)
  --rules off  disable every rule (through the contract) before ingesting
  --keep       keep the generated profile directory and print its path
  --seed N     seed of the generated workspace (default 20251124)
  --max-ingest-minutes N   give up when ingest would take longer (default 8)`;

export type ParsedArgs = { ok: true; args: BenchArgs } | { ok: false; error: string };

/** "1000000", "1_000_000", "100k", "1M" → a positive integer; null when not a count. */
export function parseCount(text: string): number | null {
  const m = /^(\d+(?:[._]\d+)*)([kKmM]?)$/.exec(text.trim());
  if (!m) return null;
  const digits = m[1]!.replace(/_/g, '');
  const base = Number(digits);
  const scale = m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1_000 : 1_000_000;
  const value = Math.round(base * scale);
  return Number.isFinite(value) && value > 0 ? value : null;
}

export function parseBenchArgs(argv: readonly string[]): ParsedArgs {
  const args: BenchArgs = { size: 1_000_000, out: null, ui: true, reports: true, buildUi: false, keep: false, seed: 20_251_124, rules: 'on', maxIngestMinutes: 8 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | null => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) return null;
      i++;
      return next;
    };
    switch (flag) {
      case '--size': {
        const v = value();
        const size = v === null ? null : parseCount(v);
        if (size === null) return { ok: false, error: `--size needs a number of messages, like 100000 or 1M (got ${v ?? 'nothing'})` };
        if (size < 1_000) return { ok: false, error: '--size must be at least 1000 messages' };
        args.size = size;
        break;
      }
      case '--out': {
        const v = value();
        if (!v) return { ok: false, error: '--out needs a file path' };
        args.out = v;
        break;
      }
      case '--seed': {
        const v = value();
        if (v === null || !/^\d+$/.test(v)) return { ok: false, error: `--seed needs a non-negative integer (got ${v ?? 'nothing'})` };
        args.seed = Number(v);
        break;
      }
      case '--rules': {
        const v = value();
        if (v !== 'on' && v !== 'off') return { ok: false, error: `--rules needs on or off (got ${v ?? 'nothing'})` };
        args.rules = v;
        break;
      }
      case '--max-ingest-minutes': {
        const v = value();
        const minutes = v === null ? Number.NaN : Number(v);
        if (!(minutes > 0)) return { ok: false, error: `--max-ingest-minutes needs a positive number (got ${v ?? 'nothing'})` };
        args.maxIngestMinutes = minutes;
        break;
      }
      case '--ui':
        args.ui = true;
        break;
      case '--no-ui':
        args.ui = false;
        break;
      case '--no-reports':
        args.reports = false;
        break;
      case '--build-ui':
        args.buildUi = true;
        break;
      case '--keep':
        args.keep = true;
        break;
      default:
        return { ok: false, error: `unknown argument: ${arg}` };
    }
  }
  return { ok: true, args };
}
