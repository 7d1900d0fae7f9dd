import { describe, expect, it } from 'vitest';
import { nextMidnight, PACIFIC_TIME_ZONE, QuotaBudget } from './quota-budget';

const HOUR = 3_600_000;

describe('nextMidnight', () => {
  it('is midnight Pacific time: 08:00 UTC in winter (PST), 07:00 UTC in summer (PDT)', () => {
    expect(nextMidnight(Date.UTC(2026, 0, 15, 12), PACIFIC_TIME_ZONE)).toBe(Date.UTC(2026, 0, 16, 8));
    expect(nextMidnight(Date.UTC(2026, 6, 15, 12), PACIFIC_TIME_ZONE)).toBe(Date.UTC(2026, 6, 16, 7));
  });

  it('uses the Pacific date, not the UTC one', () => {
    // 2026-07-16 03:00 UTC is still 2026-07-15 20:00 in Los Angeles.
    expect(nextMidnight(Date.UTC(2026, 6, 16, 3), PACIFIC_TIME_ZONE)).toBe(Date.UTC(2026, 6, 16, 7));
  });

  it('follows the spring change: the day of 2026-03-08 lasts 23 hours', () => {
    const before = nextMidnight(Date.UTC(2026, 2, 7, 12), PACIFIC_TIME_ZONE); // 2026-03-07 04:00 PST
    expect(before).toBe(Date.UTC(2026, 2, 8, 8)); // 2026-03-08 00:00 PST
    const after = nextMidnight(before, PACIFIC_TIME_ZONE);
    expect(after).toBe(Date.UTC(2026, 2, 9, 7)); // 2026-03-09 00:00 PDT
    expect(after - before).toBe(23 * HOUR);
    // Just after the change (03:00 PDT), still the same day.
    expect(nextMidnight(Date.UTC(2026, 2, 8, 10), PACIFIC_TIME_ZONE)).toBe(after);
  });

  it('follows the autumn change: the day of 2026-11-01 lasts 25 hours', () => {
    const start = nextMidnight(Date.UTC(2026, 9, 31, 12), PACIFIC_TIME_ZONE); // 2026-10-31 05:00 PDT
    expect(start).toBe(Date.UTC(2026, 10, 1, 7)); // 2026-11-01 00:00 PDT
    const end = nextMidnight(start, PACIFIC_TIME_ZONE);
    expect(end).toBe(Date.UTC(2026, 10, 2, 8)); // 2026-11-02 00:00 PST
    expect(end - start).toBe(25 * HOUR);
    // During the repeated hour (01:30 happens twice), still the same day.
    expect(nextMidnight(Date.UTC(2026, 10, 1, 8, 30), PACIFIC_TIME_ZONE)).toBe(end);
    expect(nextMidnight(Date.UTC(2026, 10, 1, 9, 30), PACIFIC_TIME_ZONE)).toBe(end);
  });

  it('at midnight exactly, gives the next one', () => {
    const midnight = Date.UTC(2026, 10, 24, 8);
    expect(nextMidnight(midnight, PACIFIC_TIME_ZONE)).toBe(midnight + 24 * HOUR);
    expect(nextMidnight(midnight - 1, PACIFIC_TIME_ZONE)).toBe(midnight);
  });

  it('handles zones whose clocks skip midnight itself (Santiago, 2026-09-06 00:00 → 01:00)', () => {
    // The day starts at 01:00 local (-03), which is 04:00 UTC.
    expect(nextMidnight(Date.UTC(2026, 8, 5, 15), 'America/Santiago')).toBe(Date.UTC(2026, 8, 6, 4));
  });

  it('works for UTC and zones east of it', () => {
    expect(nextMidnight(Date.UTC(2026, 4, 1, 12), 'UTC')).toBe(Date.UTC(2026, 4, 2));
    expect(nextMidnight(Date.UTC(2026, 4, 1, 12), 'Europe/Paris')).toBe(Date.UTC(2026, 4, 1, 22));
  });

  it('rejects an unknown zone', () => {
    expect(() => nextMidnight(0, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('QuotaBudget', () => {
  function budgetAt(start: number, limit = 10_000) {
    const clock = { now: start };
    const budget = new QuotaBudget({ limit, timeZone: PACIFIC_TIME_ZONE, now: () => clock.now });
    return { clock, budget };
  }

  it('charges units until the limit, then refuses more', () => {
    const { budget } = budgetAt(Date.UTC(2026, 10, 24, 12), 100);
    expect(budget.canSpend(100)).toBe(true);
    budget.charge(60);
    expect(budget.remaining).toBe(40);
    expect(budget.canSpend(40)).toBe(true);
    expect(budget.canSpend(41)).toBe(false);
    budget.charge(50); // the network counted it: the budget goes past its limit
    expect(budget.used).toBe(110);
    expect(budget.remaining).toBe(0);
    expect(budget.canSpend(1)).toBe(false);
  });

  it('starts over at midnight Pacific time', () => {
    const { clock, budget } = budgetAt(Date.UTC(2026, 2, 8, 12), 100); // DST day, 05:00 PDT
    budget.exhaust();
    expect(budget.canSpend(1)).toBe(false);
    expect(budget.resetAt).toBe(Date.UTC(2026, 2, 9, 7));
    clock.now = Date.UTC(2026, 2, 9, 7) - 1;
    expect(budget.canSpend(1)).toBe(false);
    clock.now = Date.UTC(2026, 2, 9, 7);
    expect(budget.canSpend(1)).toBe(true);
    expect(budget.used).toBe(0);
    expect(budget.resetAt).toBe(Date.UTC(2026, 2, 10, 7));
  });

  it('restores a use recorded in the same quota day only', () => {
    const { budget } = budgetAt(Date.UTC(2026, 10, 24, 12));
    budget.restore(300, Date.UTC(2026, 10, 24, 8)); // yesterday's record
    expect(budget.used).toBe(0);
    budget.restore(300, Date.UTC(2026, 10, 25, 8));
    expect(budget.used).toBe(300);
    expect(budget.snapshot()).toEqual({ used: 300, limit: 10_000, resetAt: Date.UTC(2026, 10, 25, 8) });
  });

  it('rejects nonsense units with a clear error', () => {
    const { budget } = budgetAt(0);
    expect(() => budget.charge(-1)).toThrow(/non-negative/);
    expect(() => budget.canSpend(Number.NaN)).toThrow(RangeError);
    expect(budget.used).toBe(0);
  });
});
