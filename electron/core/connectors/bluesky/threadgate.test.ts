import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../types';
import { MAX_HIDDEN_REPLIES, hideInThreadgate, unhideInThreadgate } from './threadgate';

const ROOT = 'at://did:plc:me/app.bsky.feed.post/3k2a';
const T = Date.parse('2026-03-01T10:00:00.000Z');

describe('threadgate hidden replies', () => {
  it('creates a record with no reply rules when there is none', () => {
    expect(hideInThreadgate(null, ROOT, 'at://r/1', T)).toEqual({
      changed: true,
      record: { $type: 'app.bsky.feed.threadgate', post: ROOT, createdAt: '2026-03-01T10:00:00.000Z', hiddenReplies: ['at://r/1'] },
    });
  });

  it('keeps allow rules and unknown fields, and changes nothing when already hidden', () => {
    const current = { $type: 'app.bsky.feed.threadgate', post: ROOT, createdAt: 'x', allow: [{ $type: 'app.bsky.feed.threadgate#followerRule' }], custom: 1, hiddenReplies: ['at://r/1'] };
    const next = hideInThreadgate(current, ROOT, 'at://r/2', T);
    expect(next.record).toEqual({ ...current, hiddenReplies: ['at://r/1', 'at://r/2'] });
    expect(hideInThreadgate(next.record, ROOT, 'at://r/2', T).changed).toBe(false);
    expect(unhideInThreadgate(next.record, 'at://r/1')).toEqual({ changed: true, record: { ...current, hiddenReplies: ['at://r/2'] } });
    expect(unhideInThreadgate(current, 'at://r/9')?.changed).toBe(false);
    expect(unhideInThreadgate(null, 'at://r/9')).toBeNull();
  });

  it('refuses a 301st hidden reply with a clear error', () => {
    const full = { hiddenReplies: Array.from({ length: MAX_HIDDEN_REPLIES }, (_, i) => `at://r/${i}`) };
    expect(() => hideInThreadgate(full, ROOT, 'at://r/new', T)).toThrow(ConnectorError);
    expect(() => hideInThreadgate(full, ROOT, 'at://r/new', T)).toThrow(/already hides 300 replies/);
  });
});
