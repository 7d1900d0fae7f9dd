import { describe, expect, it } from 'vitest';
import { methodOfRequest, msUntilQuotaReset, nextQuotaReset, quotaCost } from './quota';

describe('quotaCost', () => {
  it('follows the documented table', () => {
    expect(quotaCost('commentThreads.list')).toBe(1);
    expect(quotaCost('comments.list')).toBe(1);
    expect(quotaCost('channels.list')).toBe(1);
    expect(quotaCost('videos.list')).toBe(1);
    expect(quotaCost('comments.insert')).toBe(50);
    expect(quotaCost('comments.setModerationStatus')).toBe(50);
    expect(quotaCost('comments.delete')).toBe(50);
  });

  it('knows a method from its HTTP request', () => {
    expect(methodOfRequest('get', '/youtube/v3/commentThreads?part=snippet')).toBe('commentThreads.list');
    expect(methodOfRequest('POST', 'https://www.googleapis.com/youtube/v3/comments')).toBe('comments.insert');
    expect(methodOfRequest('POST', '/youtube/v3/comments/setModerationStatus')).toBe('comments.setModerationStatus');
    expect(methodOfRequest('DELETE', '/youtube/v3/comments')).toBe('comments.delete');
    expect(methodOfRequest('GET', '/youtube/v3/search')).toBeNull();
  });
});

describe('nextQuotaReset (midnight America/Los_Angeles)', () => {
  const cases: [string, string, string][] = [
    ['an ordinary winter day (PST, UTC-8)', '2026-11-24T12:00:00Z', '2026-11-25T08:00:00Z'],
    ['an ordinary summer day (PDT, UTC-7)', '2026-07-01T06:59:59Z', '2026-07-01T07:00:00Z'],
    ['exactly at midnight: the next one', '2026-07-01T07:00:00Z', '2026-07-02T07:00:00Z'],
    ['the evening before DST starts', '2026-03-08T07:30:00Z', '2026-03-08T08:00:00Z'],
    ['the 23-hour day DST starts', '2026-03-08T12:00:00Z', '2026-03-09T07:00:00Z'],
    ['the evening before DST ends', '2026-11-01T06:00:00Z', '2026-11-01T07:00:00Z'],
    ['the 25-hour day DST ends', '2026-11-01T10:00:00Z', '2026-11-02T08:00:00Z'],
    ['New Year', '2026-12-31T23:00:00Z', '2027-01-01T08:00:00Z'],
  ];
  for (const [name, now, reset] of cases) {
    it(name, () => {
      expect(new Date(nextQuotaReset(Date.parse(now))).toISOString()).toBe(new Date(reset).toISOString());
    });
  }

  it('gives the wait in ms', () => {
    expect(msUntilQuotaReset(Date.parse('2026-11-24T12:00:00Z'))).toBe(20 * 3_600_000);
  });
});
