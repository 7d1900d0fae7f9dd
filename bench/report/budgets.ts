/**
 * The budgets of the performance issue, and the verdict of each measured figure against them.
 * Sizes are decimal: 1 GB = 10^9 bytes, 1 MB = 10^6 bytes.
 */

export interface Budget {
  /** A limit the figure must stay under (`max`) or reach (`min`). */
  kind: 'max' | 'min';
  limit: number;
  unit: string;
}

export const BUDGETS = {
  ingestMessagesPerSecond: { kind: 'min', limit: 50_000, unit: 'msg/s' },
  inboxPageP95Ms: { kind: 'max', limit: 10, unit: 'ms' },
  /** Issue 20: the sidebar's counts after each change. */
  sidebarCountsP95Ms: { kind: 'max', limit: 10, unit: 'ms' },
  searchP95Ms: { kind: 'max', limit: 50, unit: 'ms' },
  reportP95Ms: { kind: 'max', limit: 300, unit: 'ms' },
  bytesPerMillionMessages: { kind: 'max', limit: 1.5e9, unit: 'bytes' },
  coldOpenMs: { kind: 'max', limit: 1500, unit: 'ms' },
  keypressP95Ms: { kind: 'max', limit: 50, unit: 'ms' },
  heapBytes: { kind: 'max', limit: 150e6, unit: 'bytes' },
  calendarMonthP95Ms: { kind: 'max', limit: 50, unit: 'ms' },
  composeCheckP95Ms: { kind: 'max', limit: 16, unit: 'ms' },
} as const satisfies Record<string, Budget>;

export type Verdict = 'MET' | 'NOT MET' | '';

export function verdict(value: number | null | undefined, budget: Budget | undefined): Verdict {
  if (!budget || value === null || value === undefined || Number.isNaN(value)) return '';
  return (budget.kind === 'max' ? value <= budget.limit : value >= budget.limit) ? 'MET' : 'NOT MET';
}

/** "≤ 10 ms", "≥ 50,000 msg/s", "≤ 1.5 GB". */
export function describeBudget(budget: Budget): string {
  const sign = budget.kind === 'max' ? '≤' : '≥';
  const limit = budget.unit === 'ms' && Number.isInteger(budget.limit) ? `${budget.limit} ms` : formatValue(budget.limit, budget.unit);
  return `${sign} ${limit}`;
}

export function formatValue(value: number, unit: string): string {
  if (Number.isNaN(value)) return '—';
  if (unit === 'bytes') {
    if (value >= 1e9) return `${(value / 1e9).toFixed(2)} GB`;
    return `${(value / 1e6).toFixed(1)} MB`;
  }
  if (unit === 'ms') return `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0)} ms`;
  return `${Math.round(value).toLocaleString('en-US')} ${unit}`;
}
