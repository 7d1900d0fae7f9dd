import { describe, expect, it } from 'vitest';
import { auditOrigin, auditOutcome } from './auditOutcome';

describe('auditOutcome', () => {
  it('splits the core’s outcome into a state and its detail', () => {
    expect(auditOutcome('local')).toEqual({ state: 'local', errorKind: null, detail: '' });
    expect(auditOutcome('sent {"id":"109"}')).toEqual({ state: 'sent', errorKind: null, detail: '{"id":"109"}' });
    expect(auditOutcome('failed: network: HTTP 503')).toEqual({ state: 'failed', errorKind: 'network', detail: 'network: HTTP 503' });
    expect(auditOutcome('dead: auth: The access token was revoked')).toMatchObject({ state: 'dead', errorKind: 'auth' });
    expect(auditOutcome('failed: HTTP 503')).toMatchObject({ state: 'failed', errorKind: null });
    expect(auditOutcome('dead: ')).toEqual({ state: 'dead', errorKind: null, detail: '' });
    expect(auditOutcome('queued')).toEqual({ state: 'queued', errorKind: null, detail: '' });
    expect(auditOutcome('something new')).toEqual({ state: 'other', errorKind: null, detail: 'something new' });
  });
});

describe('auditOrigin', () => {
  it('tells manual actions from rules', () => {
    expect(auditOrigin('manual')).toEqual({ kind: 'manual' });
    expect(auditOrigin('rule: Netiquette')).toEqual({ kind: 'rule', rule: 'Netiquette' });
    expect(auditOrigin('import')).toEqual({ kind: 'other', text: 'import' });
  });
});
