import { addDays, addHours, nextMonday, setHours, startOfDay } from 'date-fns';

/** The preset snooze durations offered by the picker, in its order. */
export const SNOOZE_PRESETS = ['oneHour', 'threeHours', 'tomorrowMorning', 'nextWeek'] as const;
export type SnoozePreset = (typeof SNOOZE_PRESETS)[number];

/** The hour a "tomorrow" or "next week" snooze wakes up, local time. */
const MORNING_HOUR = 9;

/** When a preset snooze ends, from `now` (local time). */
export function snoozeUntil(preset: SnoozePreset, now: Date): Date {
  switch (preset) {
    case 'oneHour':
      return addHours(now, 1);
    case 'threeHours':
      return addHours(now, 3);
    case 'tomorrowMorning':
      return setHours(startOfDay(addDays(now, 1)), MORNING_HOUR);
    case 'nextWeek':
      return setHours(startOfDay(nextMonday(now)), MORNING_HOUR);
  }
}

/**
 * Reads a date field's value ("2026-11-25T14:30") as local time. Returns null
 * when it is empty, malformed or not in the future, so the picker can say why it cannot snooze.
 */
export function customSnoozeUntil(value: string, now: Date): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const [, year, month, day, hour, minute] = match.map(Number) as [number, number, number, number, number, number];
  const at = new Date(year, month - 1, day, hour, minute);
  if (at.getMonth() !== month - 1 || at.getDate() !== day) return null;
  return at.getTime() > now.getTime() ? at : null;
}
