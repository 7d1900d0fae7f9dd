import { createI18n } from 'vue-i18n';
import type { Settings } from '../../../shared/model';
import type { UiLocale } from '../format/time';
import { en } from './en';
import { fr } from './fr';

export type { UiLocale } from '../format/time';

/** The UI language: the setting, or for "system" the system's language when it is French. */
export function resolveLocale(language: Settings['language'], systemLanguage: string): UiLocale {
  if (language !== 'system') return language;
  return systemLanguage.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

/**
 * French plural: 0 and 1 are singular ("0 conversation"). Messages have two forms
 * ("one | many") or three ("zero | one | many").
 */
function frenchPlural(choice: number, choicesLength: number): number {
  if (choicesLength === 3) return choice === 0 ? 0 : choice === 1 ? 1 : 2;
  return Math.abs(choice) < 2 ? 0 : 1;
}

function englishPlural(choice: number, choicesLength: number): number {
  if (choicesLength === 3) return choice === 0 ? 0 : choice === 1 ? 1 : 2;
  return Math.abs(choice) === 1 ? 0 : 1;
}

/** Builds the i18n instance (composition API) with both catalogues. */
export function createParvisI18n(locale: UiLocale) {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en, fr },
    pluralRules: { fr: frenchPlural, en: englishPlural },
    missingWarn: false,
    fallbackWarn: false,
  });
}
