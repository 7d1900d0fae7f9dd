import { describe, expect, it } from 'vitest';
import { keyboardMove } from './calendarKeys';

describe('keyboardMove', () => {
  it('moves a day sideways, a week up and down in the month view, half an hour in the week view', () => {
    const at = new Date(2026, 11, 10, 9, 30).getTime();
    expect(new Date(keyboardMove(at, 'ArrowRight', 'dayGridMonth')!)).toEqual(new Date(2026, 11, 11, 9, 30));
    expect(new Date(keyboardMove(at, 'ArrowLeft', 'timeGridWeek')!)).toEqual(new Date(2026, 11, 9, 9, 30));
    expect(new Date(keyboardMove(at, 'ArrowDown', 'dayGridMonth')!)).toEqual(new Date(2026, 11, 17, 9, 30));
    expect(new Date(keyboardMove(at, 'ArrowUp', 'dayGridMonth')!)).toEqual(new Date(2026, 11, 3, 9, 30));
    expect(new Date(keyboardMove(at, 'ArrowDown', 'timeGridWeek')!)).toEqual(new Date(2026, 11, 10, 10, 0));
    expect(keyboardMove(at, 'Enter', 'dayGridMonth')).toBeNull();
  });
});
