import { describe, expect, it } from 'vitest';
import { auditOrigin, auditOutcome } from './auditOutcome';

describe('auditOutcome', () => {
  it('splits the core’s outcome into a state and its detail', () => {
    expect(auditOutcome('local')).toEqual({ state: 'local', detail: '' });
    expect(auditOutcome('sent {"id":"109"}')).toEqual({ state: 'sent', detail: '{"id":"109"}' });
    expect(auditOutcome('failed: HTTP 503')).toEqual({ state: 'failed', detail: 'HTTP 503' });
    expect(auditOutcome('dead: ')).toEqual({ state: 'dead', detail: '' });
    expect(auditOutcome('queued')).toEqual({ state: 'queued', detail: '' });
    expect(auditOutcome('something new')).toEqual({ state: 'other', detail: 'something new' });
  });
});

describe('auditOrigin', () => {
  it('tells manual actions from rules', () => {
    expect(auditOrigin('manual')).toEqual({ kind: 'manual' });
    expect(auditOrigin('rule: Netiquette')).toEqual({ kind: 'rule', rule: 'Netiquette' });
    expect(auditOrigin('import')).toEqual({ kind: 'other', text: 'import' });
  });
});
