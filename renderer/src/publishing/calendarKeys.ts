/** Moving a post on the calendar by keyboard: what each key does, by view. */
import type { PostTarget } from '../../../shared/posts';

/** States whose time can still change (the core refuses the others). */
export const MOVABLE_STATES: readonly PostTarget['state'][] = ['draft', 'scheduled', 'needs-decision', 'failed'];

const SLOT = 30 * 60_000;

/**
 * The new time for Alt + an arrow key: left and right move a day; up and down a week in the month
 * view (the row above or below) and half an hour in the week and list views. Null: not a move key.
 * Days are calendar days in the user's time zone, so a move across a DST change keeps the hour.
 */
export function keyboardMove(at: number, key: string, view: string): number | null {
  const date = new Date(at);
  const days = (n: number) => {
    date.setDate(date.getDate() + n);
    return date.getTime();
  };
  switch (key) {
    case 'ArrowLeft':
      return days(-1);
    case 'ArrowRight':
      return days(1);
    case 'ArrowUp':
      return view === 'dayGridMonth' ? days(-7) : at - SLOT;
    case 'ArrowDown':
      return view === 'dayGridMonth' ? days(7) : at + SLOT;
    default:
      return null;
  }
}
