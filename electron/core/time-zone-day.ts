/**
 * Wall-clock days in a time zone, from the zone's rules (Intl): when a day ends there, correct on
 * both sides of a daylight saving change. Used for daily quotas (YouTube's resets at midnight
 * Pacific time).
 */
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
