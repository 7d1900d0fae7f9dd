import { describe, expect, it } from 'vitest';
import { BUDGETS, describeBudget, formatValue, verdict } from './budgets';

describe('verdict', () => {
  it('checks a ceiling and a floor', () => {
    expect(verdict(9.9, BUDGETS.inboxPageP95Ms)).toBe('MET');
    expect(verdict(10, BUDGETS.inboxPageP95Ms)).toBe('MET');
    expect(verdict(10.1, BUDGETS.inboxPageP95Ms)).toBe('NOT MET');
    expect(verdict(50_000, BUDGETS.ingestMessagesPerSecond)).toBe('MET');
    expect(verdict(49_999, BUDGETS.ingestMessagesPerSecond)).toBe('NOT MET');
  });

  it('gives no verdict without a budget or a value', () => {
    expect(verdict(3, undefined)).toBe('');
    expect(verdict(null, BUDGETS.coldOpenMs)).toBe('');
    expect(verdict(Number.NaN, BUDGETS.coldOpenMs)).toBe('');
  });
});

describe('formatting', () => {
  it('writes budgets and values in their units', () => {
    expect(describeBudget(BUDGETS.inboxPageP95Ms)).toBe('≤ 10 ms');
    expect(describeBudget(BUDGETS.ingestMessagesPerSecond)).toBe('≥ 50,000 msg/s');
    expect(describeBudget(BUDGETS.bytesPerMillionMessages)).toBe('≤ 1.50 GB');
    expect(formatValue(893_700_000, 'bytes')).toBe('893.7 MB');
    expect(formatValue(0.314, 'ms')).toBe('0.31 ms');
    expect(formatValue(242.4, 'ms')).toBe('242 ms');
  });
});
