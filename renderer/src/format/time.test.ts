import { describe, expect, it } from 'vitest';
import { compactAge, exactTime, relativeTime } from './time';

const now = new Date(2026, 10, 24, 21, 50).getTime();
const minutes = (n: number) => now - n * 60_000;
// Intl joins number and unit with a no-break space (plain or narrow, depending on the ICU version)
// so the pair never wraps apart; compare with plain spaces.
const spaced = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('compactAge', () => {
  it('says "now" under a minute', () => {
    expect(compactAge(now - 20_000, now, 'en')).toBe('now');
    expect(compactAge(now - 20_000, now, 'fr')).toBe('maintenant');
  });

  it('uses minutes, hours and days, compact in English and spaced in French', () => {
    expect(compactAge(minutes(2), now, 'en')).toBe('2m');
    expect(spaced(compactAge(minutes(2), now, 'fr'))).toBe('2 min');
    expect(spaced(compactAge(minutes(5 * 60), now, 'fr'))).toBe('5 h');
    expect(spaced(compactAge(minutes(3 * 24 * 60), now, 'fr'))).toBe('3 j');
    expect(compactAge(minutes(3 * 24 * 60), now, 'en')).toBe('3d');
  });

  it('switches to a date after a week, with the year only when it differs', () => {
    expect(compactAge(new Date(2026, 2, 12).getTime(), now, 'fr')).toBe('12 mars');
    expect(compactAge(new Date(2025, 2, 12).getTime(), now, 'en')).toBe('3/12/25');
  });

  it('never shows a negative age for a clock slightly ahead', () => {
    expect(compactAge(now + 5_000, now, 'en')).toBe('now');
  });
});

describe('exactTime', () => {
  it('gives the full date and time in the UI language', () => {
    expect(exactTime(now, 'fr')).toBe('mardi 24 novembre 2026 à 21:50');
    expect(spaced(exactTime(now, 'en'))).toBe('Tuesday, November 24, 2026 at 9:50 PM');
  });
});

describe('relativeTime', () => {
  it('says past and future moments in words, with seconds under a minute', () => {
    expect(relativeTime(now + 30_500, now, 'fr')).toBe('dans 30 secondes');
    expect(relativeTime(now + 30_500, now, 'en')).toBe('in 30 seconds');
    expect(relativeTime(minutes(2), now, 'fr')).toBe('il y a 2 minutes');
    expect(relativeTime(minutes(2), now, 'en')).toBe('2 minutes ago');
    expect(relativeTime(now + 3 * 3600_000, now, 'en')).toBe('in 3 hours');
    expect(relativeTime(minutes(2 * 24 * 60), now, 'fr')).toBe('avant-hier');
    expect(relativeTime(now + 200, now, 'fr')).toBe('maintenant');
  });
});
