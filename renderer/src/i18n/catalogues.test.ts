import { createI18n } from 'vue-i18n';
import { describe, expect, it } from 'vitest';
import { en } from './en';
import { fr } from './fr';
import type { Catalogue } from './frenchTypography';
import { NARROW_NBSP } from './frenchTypography';
import { resolveLocale } from './index';
import { CODES_WITH_OWN_DETAIL, ERROR_CODES, errorCodeFor } from '../../../shared/errors';
import { ACTIVITY_KINDS, ERROR_KINDS, MODERATION_ACTIONS } from '../../../shared/model';

/** Every message as [dotted key, text]. */
function flatten(catalogue: Catalogue, prefix = ''): [string, string][] {
  return Object.entries(catalogue).flatMap(([key, value]) =>
    typeof value === 'string' ? [[`${prefix}${key}`, value] as [string, string]] : flatten(value, `${prefix}${key}.`),
  );
}

const english = new Map(flatten(en));
const french = new Map(flatten(fr as Catalogue));
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const plural = (text: string) => text.split(' | ').length;

describe('catalogues', () => {
  it('have the same keys in French and English', () => {
    expect([...french.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('have a sentence for every activity kind the core writes, and a label for every moderation action', () => {
    for (const kind of ACTIVITY_KINDS) {
      expect(english.has(`activity.${kind}`), `activity.${kind}`).toBe(true);
      expect(french.has(`activity.${kind}`), `activity.${kind}`).toBe(true);
    }
    for (const action of MODERATION_ACTIONS) expect(english.has(`moderationActions.${action}`), action).toBe(true);
  });

  it('word every error code the core reports, and the server’s words beside it, in both languages', () => {
    // The core sends codes, never words: a code without its sentence would show a raw key.
    for (const code of ERROR_CODES) {
      expect(english.has(`errorCodes.${code}`), `en errorCodes.${code}`).toBe(true);
      expect(french.has(`errorCodes.${code}`), `fr errorCodes.${code}`).toBe(true);
    }
    for (const code of CODES_WITH_OWN_DETAIL) {
      expect(english.get(`errorDetail.${code}`), `en errorDetail.${code}`).toContain('{words}');
      expect(french.get(`errorDetail.${code}`), `fr errorDetail.${code}`).toContain('{words}');
    }
    expect(english.get('errorDetail.serverSaid')).toContain('{words}');
    expect(french.get('errorDetail.serverSaid')).toContain('{words}');
    // Whatever kind and HTTP status the core meets, the code it derives is one the catalogues word.
    for (const kind of ERROR_KINDS) {
      for (const status of [null, 400, 401, 403, 404, 409, 410, 422, 429, 500, 502, 503, 504]) {
        const code = errorCodeFor(kind, status);
        expect(french.has(`errorCodes.${code}`), `${kind} ${status} → ${code}`).toBe(true);
      }
    }
  });

  it('have no empty message', () => {
    for (const [key, text] of [...english, ...french]) expect(text.trim(), key).not.toBe('');
  });

  it('use the same placeholders and plural forms in both languages', () => {
    for (const [key, text] of english) {
      const other = french.get(key) ?? '';
      expect(new Set(placeholders(other)), key).toEqual(new Set(placeholders(text)));
      expect(plural(other), key).toBe(plural(text));
    }
  });

  it('compile with vue-i18n and leave no placeholder unfilled', () => {
    for (const [locale, messages] of [['en', english], ['fr', french]] as const) {
      const i18n = createI18n({ legacy: false, locale, messages: { [locale]: locale === 'en' ? en : fr } });
      for (const [key, text] of messages) {
        const named = Object.fromEntries(placeholders(text).map((name) => [name, 'X']));
        const output = i18n.global.t(key, named, 2);
        expect(output, `${locale}:${key}`).not.toMatch(/[{}]/);
        expect(output, `${locale}:${key}`).not.toBe(key);
      }
    }
  });

  it('follow French typography: narrow no-break space before ; ? ! : and inside « »', () => {
    for (const [key, text] of french) {
      for (const match of text.matchAll(/[;?!]|:(?=\s|$)/g)) {
        expect(text[match.index - 1], `${key}: "${text}"`).toBe(NARROW_NBSP);
      }
      for (const match of text.matchAll(/«/g)) expect(text[match.index + 1], key).toBe(NARROW_NBSP);
      for (const match of text.matchAll(/»/g)) expect(text[match.index - 1], key).toBe(NARROW_NBSP);
      expect(text, `${key} uses English quotes`).not.toMatch(/["“”]/);
      expect(text, `${key} uses a straight apostrophe`).not.toMatch(/\p{L}'\p{L}/u);
    }
  });
});

describe('resolveLocale', () => {
  it('follows the system language unless the setting says otherwise', () => {
    expect(resolveLocale('system', 'fr-CA')).toBe('fr');
    expect(resolveLocale('system', 'de-DE')).toBe('en');
    expect(resolveLocale('en', 'fr-FR')).toBe('en');
    expect(resolveLocale('fr', 'en-US')).toBe('fr');
  });
});
