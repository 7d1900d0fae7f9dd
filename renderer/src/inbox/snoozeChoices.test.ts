import { describe, expect, it } from 'vitest';
import { customSnoozeUntil, snoozeUntil } from './snoozeChoices';

// Tuesday 24 November 2026, 21:50 local time.
const now = new Date(2026, 10, 24, 21, 50);

describe('snoozeUntil', () => {
  it('adds hours for the short presets', () => {
    expect(snoozeUntil('oneHour', now)).toEqual(new Date(2026, 10, 24, 22, 50));
    expect(snoozeUntil('threeHours', now)).toEqual(new Date(2026, 10, 25, 0, 50));
  });

  it('wakes tomorrow at 9:00 and next Monday at 9:00', () => {
    expect(snoozeUntil('tomorrowMorning', now)).toEqual(new Date(2026, 10, 25, 9, 0));
    expect(snoozeUntil('nextWeek', now)).toEqual(new Date(2026, 10, 30, 9, 0));
    // On a Monday, "next week" is the following Monday, not today.
    expect(snoozeUntil('nextWeek', new Date(2026, 10, 30, 8, 0))).toEqual(new Date(2026, 11, 7, 9, 0));
  });
});

describe('customSnoozeUntil', () => {
  it('reads a datetime-local value in local time', () => {
    expect(customSnoozeUntil('2026-11-25T14:30', now)).toEqual(new Date(2026, 10, 25, 14, 30));
  });

  it('refuses past, malformed and impossible dates', () => {
    expect(customSnoozeUntil('2026-11-24T21:00', now)).toBeNull();
    expect(customSnoozeUntil('', now)).toBeNull();
    expect(customSnoozeUntil('2026-02-30T10:00', now)).toBeNull();
    expect(customSnoozeUntil('tomorrow', now)).toBeNull();
  });
});
