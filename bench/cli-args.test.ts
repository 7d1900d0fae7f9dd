import { describe, expect, it } from 'vitest';
import { parseBenchArgs, parseCount } from './cli-args';

describe('parseCount', () => {
  it('reads plain numbers, separators and k/M suffixes', () => {
    expect(parseCount('1000000')).toBe(1_000_000);
    expect(parseCount('1_000_000')).toBe(1_000_000);
    expect(parseCount('100k')).toBe(100_000);
    expect(parseCount('1M')).toBe(1_000_000);
    expect(parseCount('2.5m')).toBe(2_500_000);
  });

  it('refuses what is not a positive count', () => {
    expect(parseCount('')).toBeNull();
    expect(parseCount('-5')).toBeNull();
    expect(parseCount('0')).toBeNull();
    expect(parseCount('ten')).toBeNull();
    expect(parseCount('10g')).toBeNull();
  });
});

describe('parseBenchArgs', () => {
  it('defaults to a million messages with the UI', () => {
    expect(parseBenchArgs([])).toEqual({
      ok: true,
      args: { size: 1_000_000, out: null, ui: true, reports: true, buildUi: false, keep: false, seed: 20_251_124, rules: 'on', maxIngestMinutes: 8 },
    });
  });

  it('reads every flag, with a separate or an inline value', () => {
    const parsed = parseBenchArgs(['--size', '100k', '--out=/tmp/r.json', '--no-ui', '--no-reports', '--build-ui', '--keep', '--seed', '7', '--rules', 'off', '--max-ingest-minutes=2.5']);
    expect(parsed).toEqual({
      ok: true,
      args: { size: 100_000, out: '/tmp/r.json', ui: false, reports: false, buildUi: true, keep: true, seed: 7, rules: 'off', maxIngestMinutes: 2.5 },
    });
    expect(parseBenchArgs(['--no-ui', '--ui'])).toMatchObject({ ok: true, args: { ui: true } });
  });

  it('explains what is wrong', () => {
    expect(parseBenchArgs(['--size'])).toEqual({ ok: false, error: expect.stringContaining('--size needs a number') });
    expect(parseBenchArgs(['--size', '500'])).toEqual({ ok: false, error: '--size must be at least 1000 messages' });
    expect(parseBenchArgs(['--out'])).toEqual({ ok: false, error: '--out needs a file path' });
    expect(parseBenchArgs(['--seed', 'x'])).toEqual({ ok: false, error: expect.stringContaining('--seed') });
    expect(parseBenchArgs(['--rules', 'maybe'])).toEqual({ ok: false, error: '--rules needs on or off (got maybe)' });
    expect(parseBenchArgs(['--max-ingest-minutes', '0'])).toEqual({ ok: false, error: expect.stringContaining('positive') });
    expect(parseBenchArgs(['--fast'])).toEqual({ ok: false, error: 'unknown argument: --fast' });
  });
});
