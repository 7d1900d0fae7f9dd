/**
 * The network's answer of an audit entry, as the core writes it ("local", "queued", "sending",
 * "sent <remote result>", "failed: <error>", "dead: <error>", "discarded"), split into a state the
 * UI words and the detail it keeps as it is.
 */
export type AuditOutcome = { state: 'local' | 'queued' | 'sending' | 'sent' | 'failed' | 'dead' | 'discarded' | 'other'; detail: string };

export function auditOutcome(outcome: string): AuditOutcome {
  const match = /^(local|queued|sending|sent|failed|dead|discarded)(?:\s*:)?(?:\s+|$)(.*)$/s.exec(outcome.trim());
  if (!match) return { state: 'other', detail: outcome };
  return { state: match[1] as AuditOutcome['state'], detail: (match[2] ?? '').trim() };
}

/** "manual", or the rule's name for "rule: <name>". */
export function auditOrigin(origin: string): { kind: 'manual' } | { kind: 'rule'; rule: string } | { kind: 'other'; text: string } {
  if (origin === 'manual') return { kind: 'manual' };
  const rule = /^rule:\s*(.+)$/s.exec(origin);
  return rule ? { kind: 'rule', rule: (rule[1] as string).trim() } : { kind: 'other', text: origin };
}
