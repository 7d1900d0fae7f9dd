/** Timing samples and their percentiles. */

export interface LatencySummary {
  samples: number;
  /** Milliseconds. */
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/** The nearest-rank percentile (0 < p ≤ 100) of samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function summarize(samples: readonly number[]): LatencySummary {
  return {
    samples: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    max: samples.length ? Math.max(...samples) : Number.NaN,
    mean: samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : Number.NaN,
  };
}

export interface SampleOptions {
  /** Untimed runs first (statement preparation, cache warm-up). Default 2. */
  warmup?: number;
  /** At least this many timed runs. Default 10. */
  min?: number;
  /** At most this many timed runs. Default 60. */
  max?: number;
  /** Stop after `min` runs once this much time was spent. Default 3 s. */
  timeBudgetMs?: number;
}

/**
 * Times `run` repeatedly; `run(i)` gets the run number (negative for warm-up runs) so that a case
 * can vary its input. Slow cases get fewer runs, never fewer than `min`.
 */
export async function timeRuns(run: (i: number) => unknown, opts: SampleOptions = {}): Promise<number[]> {
  const warmup = opts.warmup ?? 2;
  const min = opts.min ?? 10;
  const max = opts.max ?? 60;
  const budget = opts.timeBudgetMs ?? 3000;
  for (let i = 0; i < warmup; i++) await run(-1 - i);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < max; i++) {
    if (i >= min && performance.now() - started > budget) break;
    const t0 = performance.now();
    await run(i);
    samples.push(performance.now() - t0);
  }
  return samples;
}
