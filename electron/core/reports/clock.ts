/**
 * Local time for reports: the wall-clock date and hour of an instant in a time zone (from Intl, so
 * daylight saving is right), and business time between two instants (only the minutes inside the
 * working hours count).
 */
import type { BusinessHours } from '../../../shared/report';

const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface LocalHour {
  /** YYYY-MM-DD */
  date: string;
  /** 0 = Monday … 6 = Sunday */
  weekday: number;
  hour: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    formats.set(timeZone, f);
  }
  return f;
}

function parts(instant: number, timeZone: string): { y: number; m: number; d: number; h: number; min: number } {
  const p: Record<string, number> = {};
  for (const part of format(timeZone).formatToParts(instant)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year!, m: p.month!, d: p.day!, h: p.hour! % 24, min: p.minute! };
}

/** Whether a time zone name is one Intl knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    format(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local date, weekday and hour of an instant (whole hours: zones with half-hour offsets keep their minutes out). */
export function localHour(instant: number, timeZone: string): LocalHour {
  const { y, m, d, h } = parts(instant, timeZone);
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  return { date: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`, weekday, hour: h };
}

/** The instant a local wall-clock time happens (the first of two in a fall-back hour). */
export function instantOf(y: number, m: number, d: number, minutes: number, timeZone: string): number {
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const p = parts(guess, timeZone);
    const shown = Date.UTC(p.y, p.m - 1, p.d, p.h, p.min);
    const next = guess + (wall - shown);
    if (next === guess) break;
    guess = next;
  }
  return guess;
}

/** The local date (YYYY-MM-DD) a week starting on Monday begins, for a local date. */
export function weekStart(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const utc = Date.UTC(y, m - 1, d);
  const back = (new Date(utc).getUTCDay() + 6) % 7;
  return new Date(utc - back * DAY).toISOString().slice(0, 10);
}

/**
 * Business time between instants inside [from, to): working intervals are laid out once, then each
 * duration is a difference of two cumulative sums (binary search), cheap for thousands of pairs.
 */
export function businessClock(from: number, to: number, timeZone: string, hours: BusinessHours): (a: number, b: number) => number {
  const starts: number[] = [];
  const ends: number[] = [];
  const cumulative: number[] = [];
  const workdays = new Set(hours.days);
  let total = 0;
  const first = parts(from - DAY, timeZone);
  for (let day = Date.UTC(first.y, first.m - 1, first.d); day <= to + DAY; day += DAY) {
    const date = new Date(day);
    if (!workdays.has(date.getUTCDay())) continue;
    const y = date.getUTCFullYear();
    const m = date.getUTCMonth() + 1;
    const d = date.getUTCDate();
    const s = instantOf(y, m, d, hours.start, timeZone);
    const e = hours.end >= 1440 ? instantOf(y, m, d, 0, timeZone) + DAY : instantOf(y, m, d, hours.end, timeZone);
    if (e <= s) continue;
    cumulative.push(total);
    starts.push(s);
    ends.push(e);
    total += e - s;
  }
  /** Business time from the first interval's start up to t. */
  const upTo = (t: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    let idx = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= t) {
        idx = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (idx < 0) return 0;
    return cumulative[idx]! + Math.min(t, ends[idx]!) - starts[idx]!;
  };
  return (a, b) => Math.max(0, upTo(b) - upTo(a));
}

/** The value below which a share q of the sorted values fall (nearest rank). */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

export { HOUR };
