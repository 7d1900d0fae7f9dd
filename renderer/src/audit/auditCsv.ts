/**
 * The audit log as CSV (RFC 4180) in the user's language: translated headers, action names,
 * origins and answers, so the file reads like the screen. Times stay ISO 8601 in UTC (a
 * spreadsheet sorts and converts them); names and excerpts are data, kept as they are.
 */
import type { AuditEntry } from '../../../shared/contract';
import { ruleDisplayName } from '../rules/ruleName';
import { auditOrigin, auditOutcome } from './auditOutcome';

/** Translates a catalogue key (vue-i18n's `t`). */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** One cell: quoted when needed; a leading = + - @ made text, so a spreadsheet never runs it as a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const COLUMNS = ['when', 'who', 'action', 'origin', 'network', 'target', 'answer'] as const;

/** The words of one entry, as the audit screen shows them. */
export function auditRow(entry: AuditEntry, t: Translate, te: (key: string) => boolean, networkName: (id: string) => string): string[] {
  const origin = auditOrigin(entry.origin);
  const outcome = auditOutcome(entry.outcome);
  const actionKey = `moderationActions.${entry.action}`;
  const answer = t(`audit.outcome.${outcome.state}`);
  return [
    new Date(entry.at).toISOString(),
    ((rule) => (rule === undefined ? (entry.actor === 'system' ? t('activity.system') : entry.actor) : ruleDisplayName(t, null, rule)))(/^rule: (.+)$/s.exec(entry.actor)?.[1]),
    te(actionKey) ? t(actionKey) : t('audit.unknownAction'),
    origin.kind === 'manual' ? t('audit.manual') : origin.kind === 'rule' ? t('audit.csv.byRule', { rule: ruleDisplayName(t, null, origin.rule) }) : t('audit.outcome.other'),
    entry.network === null ? '' : networkName(entry.network),
    entry.target,
    outcome.errorKind ? `${answer} (${t(`errors.${outcome.errorKind}`)})` : answer,
  ];
}

export function auditCsv(entries: readonly AuditEntry[], t: Translate, te: (key: string) => boolean, networkName: (id: string) => string): string {
  const header = COLUMNS.map((column) => t(`audit.csv.${column}`));
  const lines = [header, ...entries.map((entry) => auditRow(entry, t, te, networkName))].map((cells) => cells.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
