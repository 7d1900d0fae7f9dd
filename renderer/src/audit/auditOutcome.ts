import { ERROR_KINDS, type ErrorKind } from '../../../shared/model';

/**
 * The network's answer of an audit entry, as the core writes it ("local", "queued", "sending",
 * "sent <remote result>", "failed: <kind>: <message>", "dead: <kind>: <message>", "discarded"),
 * split into a state the UI words and the error's kind (worded by `errors.<kind>`). The remote
 * result (the network's raw JSON) and the error's English message are kept out of the UI: they are
 * for the logs, not for the person reading the audit log.
 */
export type AuditOutcome = {
  state: 'local' | 'queued' | 'sending' | 'sent' | 'failed' | 'dead' | 'discarded' | 'other';
  /** What went wrong, for failed and dead actions whose error kind is known. */
  errorKind: ErrorKind | null;
  /** The rest of the answer as the core wrote it (never shown). */
  detail: string;
};

const KINDS = new Set<string>(ERROR_KINDS);

export function auditOutcome(outcome: string): AuditOutcome {
  const match = /^(local|queued|sending|sent|failed|dead|discarded)(?:\s*:)?(?:\s+|$)(.*)$/s.exec(outcome.trim());
  if (!match) return { state: 'other', errorKind: null, detail: outcome };
  const state = match[1] as AuditOutcome['state'];
  const detail = (match[2] ?? '').trim();
  const kind = /^([a-z-]+):/.exec(detail)?.[1] ?? '';
  return { state, errorKind: (state === 'failed' || state === 'dead') && KINDS.has(kind) ? (kind as ErrorKind) : null, detail };
}

/** "manual", or the rule's name for "rule: <name>". */
export function auditOrigin(origin: string): { kind: 'manual' } | { kind: 'rule'; rule: string } | { kind: 'other'; text: string } {
  if (origin === 'manual') return { kind: 'manual' };
  const rule = /^rule:\s*(.+)$/s.exec(origin);
  return rule ? { kind: 'rule', rule: (rule[1] as string).trim() } : { kind: 'other', text: origin };
}
