import { describe, expect, it } from 'vitest';
import { percentile, summarize, timeRuns } from './latency';

describe('percentile', () => {
  it('takes the nearest rank of the sorted samples', () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 95)).toBe(10);
    expect(percentile(samples, 10)).toBe(1);
    expect(percentile([42], 95)).toBe(42);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes without reordering the caller’s samples', () => {
    const samples = [3, 1, 2];
    expect(summarize(samples)).toEqual({ samples: 3, p50: 2, p95: 3, max: 3, mean: 2 });
    expect(samples).toEqual([3, 1, 2]);
  });
});

describe('timeRuns', () => {
  it('warms up untimed, then times between min and max runs', async () => {
    const seen: number[] = [];
    const samples = await timeRuns((i) => seen.push(i), { warmup: 2, min: 3, max: 5, timeBudgetMs: 60_000 });
    expect(seen).toEqual([-1, -2, 0, 1, 2, 3, 4]);
    expect(samples).toHaveLength(5);
  });

  it('stops after min runs once the time budget is spent', async () => {
    const samples = await timeRuns(() => {}, { warmup: 0, min: 2, max: 100, timeBudgetMs: 0 });
    expect(samples).toHaveLength(2);
  });
});
