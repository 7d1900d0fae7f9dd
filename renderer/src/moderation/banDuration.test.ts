import { describe, expect, it } from 'vitest';
import { daysToSend, defaultChoice, presetsFor } from './banDuration';

const reddit = { maxDays: 999, permanent: true, defaultDays: null };
const discourse = { maxDays: 999, permanent: false, defaultDays: 30 };
const short = { maxDays: 5, permanent: true, defaultDays: null };

describe('ban duration choices', () => {
  it('starts permanent where the network has permanent bans, else at its default', () => {
    expect(defaultChoice(reddit)).toEqual({ kind: 'permanent' });
    expect(defaultChoice(discourse)).toEqual({ kind: 'days', days: 30 });
  });

  it('offers only the presets the network takes', () => {
    expect(presetsFor(reddit)).toEqual([1, 3, 7, 30]);
    expect(presetsFor(short)).toEqual([1, 3]);
  });

  it('sends the days chosen, nothing for permanent, and refuses a number out of range', () => {
    expect(daysToSend({ kind: 'days', days: 7 }, reddit)).toBe(7);
    expect(daysToSend({ kind: 'permanent' }, reddit)).toBeUndefined();
    expect(daysToSend({ kind: 'permanent' }, discourse)).toBeNull();
    expect(daysToSend({ kind: 'days', days: 1000 }, reddit)).toBeNull();
    expect(daysToSend({ kind: 'days', days: 0 }, reddit)).toBeNull();
    expect(daysToSend({ kind: 'days', days: 2.5 }, reddit)).toBeNull();
    expect(daysToSend({ kind: 'days', days: 999 }, reddit)).toBe(999);
  });
});
