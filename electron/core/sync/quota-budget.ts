/**
 * Daily quotas (YouTube Data API: 10,000 units a day per Google Cloud project, reset at midnight
 * Pacific time) as a budget the scheduler plans against, instead of an error to retry.
 */

/** YouTube's quota day ends at midnight in this zone (PST or PDT depending on the date). */
export const PACIFIC_TIME_ZONE = 'America/Los_Angeles';

export { nextMidnight } from '../time-zone-day';
import { nextMidnight } from '../time-zone-day';


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
