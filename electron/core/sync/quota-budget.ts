/**
 * Daily quotas (YouTube Data API: 10,000 units a day per Google Cloud project, reset at midnight
 * Pacific time) as a budget the scheduler plans against, instead of an error to retry.
 */

/** YouTube's quota day ends at midnight in this zone (PST or PDT depending on the date). */
export const PACIFIC_TIME_ZONE = 'America/Los_Angeles';

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date and time an instant shows on a wall clock in `timeZone`. */
function wallClock(instant: number, timeZone: string): WallClock {
  let format = wallClockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallClockFormats.set(timeZone, format);
  }
  const fields: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year ?? 1970,
    month: fields.month ?? 1,
    day: fields.day ?? 1,
    hour: fields.hour ?? 0,
    minute: fields.minute ?? 0,
    second: fields.second ?? 0,
  };
}

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, ms (negative in the Americas). */
function utcOffset(instant: number, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wallAsUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The first instant of the day after the one `instant` falls on, in `timeZone` (local midnight),
 * as epoch ms. Daylight saving time is taken from the zone's rules (Intl), so the day before a
 * change lasts 23 or 25 hours as it does on the wall.
 * @throws RangeError for an unknown time zone.
 */
export function nextMidnight(instant: number, timeZone: string): number {
  const today = wallClock(instant, timeZone);
  // Next day's 00:00 read as if it were UTC; shifting by the zone's offset gives the real instant.
  const target = Date.UTC(today.year, today.month - 1, today.day + 1);
  let result = target - utcOffset(target, timeZone);
  // The offset at the answer can differ from the offset at the guess when a DST change lies
  // between them: one correction with the offset at the answer settles it.
  result = target - utcOffset(result, timeZone);
  // Zones that change the clock at midnight skip 00:00 on that day: the day then starts at the
  // first instant whose date is the next day, found hour by hour.
  const targetDate = new Date(target);
  for (let step = 0; step < 4; step++) {
    const w = wallClock(result, timeZone);
    const onTargetDay =
      w.year === targetDate.getUTCFullYear() && w.month === targetDate.getUTCMonth() + 1 && w.day === targetDate.getUTCDate();
    if (onTargetDay && result > instant) break;
    result += 3_600_000 - (w.minute * 60 + w.second) * 1000;
  }
  return result;
}

export interface QuotaBudgetOptions {
  /** Units per quota day. */
  limit: number;
  /** The zone whose midnight starts a new quota day. */
  timeZone: string;
  /** The clock, epoch ms. */
  now: () => number;
}

/** What a budget stands at; plain data, for statuses and the store. */
export interface QuotaSnapshot {
  used: number;
  limit: number;
  /** When the quota day ends, epoch ms. */
  resetAt: number;
}

function checkUnits(units: number): void {
  if (!Number.isFinite(units) || units < 0) throw new RangeError(`Quota units must be a non-negative number, got ${units}`);
}

/**
 * A daily quota shared by every account of one network (YouTube counts units per application,
 * not per channel). Spending starts over at the zone's midnight.
 */
export class QuotaBudget {
  readonly limit: number;
  readonly timeZone: string;
  private readonly now: () => number;
  private usedUnits = 0;
  private windowEnd: number;

  constructor(options: QuotaBudgetOptions) {
    checkUnits(options.limit);
    this.limit = options.limit;
    this.timeZone = options.timeZone;
    this.now = options.now;
    this.windowEnd = nextMidnight(this.now(), this.timeZone);
  }

  /** Starts a new quota day when the clock has passed the end of the current one. */
  private roll(): void {
    const now = this.now();
    if (now >= this.windowEnd) {
      this.usedUnits = 0;
      this.windowEnd = nextMidnight(now, this.timeZone);
    }
  }

  /** When the current quota day ends (next local midnight), epoch ms. */
  get resetAt(): number {
    this.roll();
    return this.windowEnd;
  }

  /** Units spent today. */
  get used(): number {
    this.roll();
    return this.usedUnits;
  }

  /** Units left today (never negative). */
  get remaining(): number {
    return Math.max(0, this.limit - this.used);
  }

  /** True when `units` more fit in today's quota. */
  canSpend(units: number): boolean {
    checkUnits(units);
    return this.used + units <= this.limit;
  }

  /** Records units spent (they are spent even if that goes past the limit: the network counted them). */
  charge(units: number): void {
    checkUnits(units);
    this.roll();
    this.usedUnits += units;
  }

  /** The network said the quota is spent (e.g. YouTube's 403 quotaExceeded): nothing more today. */
  exhaust(): void {
    this.roll();
    this.usedUnits = Math.max(this.usedUnits, this.limit);
  }

  /**
   * Restores what was spent before a restart, if it was recorded during the current quota day
   * (`resetAt` equal to this day's end); an older record is ignored.
   */
  restore(used: number, resetAt: number): void {
    checkUnits(used);
    this.roll();
    if (resetAt === this.windowEnd) this.usedUnits = Math.max(this.usedUnits, used);
  }

  /** The budget as plain data. */
  snapshot(): QuotaSnapshot {
    return { used: this.used, limit: this.limit, resetAt: this.windowEnd };
  }
}
