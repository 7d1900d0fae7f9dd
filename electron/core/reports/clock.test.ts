import { describe, expect, it } from 'vitest';
import { businessClock, instantOf, localHour, percentile, weekStart } from './clock';

const H = 3_600_000;
const weekdays9to18 = { days: [1, 2, 3, 4, 5], start: 9 * 60, end: 18 * 60 };

describe('report clock', () => {
  it('gives local dates, weekdays (Monday = 0) and hours on both sides of a DST change', () => {
    // 2026-03-29 01:30 UTC is 03:30 in Paris (summer time began at 01:00 UTC).
    expect(localHour(Date.UTC(2026, 2, 29, 1, 30), 'Europe/Paris')).toEqual({ date: '2026-03-29', weekday: 6, hour: 3 });
    expect(localHour(Date.UTC(2026, 2, 28, 23, 30), 'Europe/Paris')).toEqual({ date: '2026-03-29', weekday: 6, hour: 0 });
    expect(instantOf(2026, 3, 30, 9 * 60, 'Europe/Paris')).toBe(Date.UTC(2026, 2, 30, 7));
    expect(instantOf(2026, 3, 27, 9 * 60, 'Europe/Paris')).toBe(Date.UTC(2026, 2, 27, 8));
    expect(weekStart('2026-12-06')).toBe('2026-11-30');
    expect(weekStart('2026-12-07')).toBe('2026-12-07');
  });

  it('counts business time only: a Friday 17:00 message answered Monday 10:00 waited 2 hours', () => {
    const clock = businessClock(Date.UTC(2026, 11, 1), Date.UTC(2026, 11, 20), 'UTC', weekdays9to18);
    expect(clock(Date.UTC(2026, 11, 4, 17), Date.UTC(2026, 11, 7, 10))).toBe(2 * H);
    // Written at night, answered before opening: no business time.
    expect(clock(Date.UTC(2026, 11, 8, 22), Date.UTC(2026, 11, 9, 8))).toBe(0);
    // Over a summer-time change in Paris, a working day is still 9 hours.
    const paris = businessClock(Date.UTC(2026, 2, 20), Date.UTC(2026, 3, 5), 'Europe/Paris', weekdays9to18);
    expect(paris(Date.UTC(2026, 2, 27, 7), Date.UTC(2026, 2, 30, 17))).toBe(18 * H);
  });

  it('takes percentiles by nearest rank', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
  });
});
