import { createI18n } from 'vue-i18n';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../shared/contract';
import { en } from '../i18n/en';
import { fr } from '../i18n/fr';
import { auditCsv, csvCell } from './auditCsv';

const entries: AuditEntry[] = [
  { id: 3, at: Date.UTC(2026, 11, 7, 9, 30), actor: 'Alex', conversationId: 1, action: 'block-author', target: 'Camille, "ça va ?"', network: 'mastodon', origin: 'manual', outcome: 'local' },
  { id: 2, at: Date.UTC(2026, 11, 7, 9, 0), actor: 'rule: Spam', conversationId: 2, action: 'hide', target: '=1+1', network: 'youtube', origin: 'rule: Spam', outcome: 'sent {"id":"Ugx1","status":"ok"}' },
  { id: 1, at: Date.UTC(2026, 11, 7, 8, 0), actor: 'system', conversationId: null, action: 'remove', target: 'Dan', network: null, origin: 'manual', outcome: 'dead: auth: The token was revoked (HTTP 401)' },
];

function csvIn(locale: 'en' | 'fr'): string[][] {
  const i18n = createI18n({ legacy: false, locale, messages: { [locale]: locale === 'en' ? en : fr } });
  const t = (key: string, params?: Record<string, unknown>) => i18n.global.t(key, params ?? {});
  const networks: Record<string, string> = { mastodon: 'Mastodon', youtube: 'YouTube' };
  const csv = auditCsv(entries, t, (key) => i18n.global.te(key), (id) => networks[id] ?? id);
  expect(csv.endsWith('\r\n')).toBe(true);
  // Good enough for these cells: no line break inside a quoted cell.
  return csv.trimEnd().split('\r\n').map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1]!).slice(0, 7));
}

describe('auditCsv', () => {
  it('writes headers, actions, origins and answers in French, never the network’s JSON or the English error', () => {
    const rows = csvIn('fr');
    expect(rows[0]).toEqual(['Heure (UTC)', 'Qui', 'Action', 'Origine', 'Réseau', 'Message', 'Réponse du réseau']);
    expect(rows[1]).toEqual(['2026-12-07T09:30:00.000Z', 'Alex', 'Bloquer l’auteur', 'à la main', 'Mastodon', '"Camille, ""ça va ?"""', 'Dans Parvis seulement']);
    expect(rows[2]![1]).toBe('Spam');
    expect(rows[2]![3]).toBe('règle «\u202fSpam\u202f»');
    expect(rows[2]![5]).toBe("'=1+1");
    expect(rows[2]![6]).toBe(fr.audit.outcome.sent);
    expect(rows[3]![1]).toBe(fr.activity.system);
    expect(rows[3]![6]).toBe(`${fr.audit.outcome.dead} (${fr.errors.auth})`);
    expect(rows.flat().join(' ')).not.toMatch(/Ugx1|token|HTTP|manual|block-author/);
  });

  it('writes them in English', () => {
    const rows = csvIn('en');
    expect(rows[0]).toEqual(['Time (UTC)', 'Who', 'Action', 'Origin', 'Network', 'Message', 'Network’s answer']);
    expect(rows[1]).toEqual(['2026-12-07T09:30:00.000Z', 'Alex', en.moderationActions['block-author'], 'by hand', 'Mastodon', '"Camille, ""ça va ?"""', 'In Parvis only']);
    expect(rows[3]![6]).toBe(`Not done (${en.errors.auth})`);
  });

  it('keeps formulas out of spreadsheets', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  });
});
