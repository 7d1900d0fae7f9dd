/** Formatting and CSV for reports: durations, shares, changes against the previous period. */

/** A duration in business milliseconds as "1 h 05", "12 min", "2 d 3 h" (localized units passed in). */
export function formatDuration(ms: number | null, units: { d: string; h: string; min: string }, none: string): string {
  if (ms === null) return none;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} ${units.min}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} ${units.h} ${String(minutes % 60).padStart(2, '0')}`;
  return `${Math.floor(hours / 24)} ${units.d} ${hours % 24} ${units.h}`;
}

/** Relative change from the previous period, or null when there was nothing to compare with. */
export function change(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / previous;
}

function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) || /^[=+\-@]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with CRLF line ends. Cells starting like a formula are quoted. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
