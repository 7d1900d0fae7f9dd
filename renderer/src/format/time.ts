/** The UI's two languages; every formatter takes one. */
export type UiLocale = 'fr' | 'en';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Compact age for list rows ("2 min", "5 h", "3 j" / "2m", "5h", "3d"), then a short date.
 * `now` is passed in so the same instant always renders the same text (and tests need no clock).
 */
export function compactAge(at: number, now: number, locale: UiLocale): string {
  const age = Math.max(0, now - at);
  // French reads better with a space ("5 h"); English lists use the tight form ("5h").
  const unitDisplay = locale === 'fr' ? 'short' : 'narrow';
  const unit = (value: number, name: 'minute' | 'hour' | 'day') =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay }).format(value);
  if (age < MINUTE) return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(0, 'second');
  if (age < HOUR) return unit(Math.floor(age / MINUTE), 'minute');
  if (age < DAY) return unit(Math.floor(age / HOUR), 'hour');
  if (age < 7 * DAY) return unit(Math.floor(age / DAY), 'day');
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, sameYear ? { day: 'numeric', month: 'short' } : { dateStyle: 'short' }).format(at);
}

/** The exact moment, for tooltips and the activity log: "mardi 24 novembre 2026 à 21:50". */
export function exactTime(at: number, locale: UiLocale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(at);
}

/** Day and time, shorter: "24 nov., 21:50" / "Nov 24, 9:50 PM". */
export function shortDateTime(at: number, locale: UiLocale): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' }).format(at);
}

/**
 * A moment relative to now, in words, past or future: "il y a 2 minutes", "dans 30 secondes" /
 * "2 minutes ago", "in 30 seconds". Seconds under a minute, so a countdown to the next check moves.
 */
export function relativeTime(at: number, now: number, locale: UiLocale): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const delta = at - now;
  const size = Math.abs(delta);
  const sign = delta < 0 ? -1 : 1;
  if (size < 1000) return format.format(0, 'second');
  if (size < MINUTE) return format.format(sign * Math.floor(size / 1000), 'second');
  if (size < HOUR) return format.format(sign * Math.floor(size / MINUTE), 'minute');
  if (size < DAY) return format.format(sign * Math.floor(size / HOUR), 'hour');
  return format.format(sign * Math.floor(size / DAY), 'day');
}
