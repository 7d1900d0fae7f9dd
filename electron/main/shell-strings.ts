/**
 * The few words the shell itself shows (tray menu and tooltip), from the renderer's catalogues in
 * the language the user chose, so that they read like the rest of the app.
 */
import type { Settings } from '../../shared/model';
import type { ShippedRuleId } from '../../shared/moderation';
import { en } from '../../renderer/src/i18n/en';
import { fr } from '../../renderer/src/i18n/fr';

export interface ShellStrings {
  show: string;
  quit: string;
  /** The tray tooltip with the unread count. */
  unread(count: number): string;
  /** A shipped rule's name (a rule's notification names it). */
  shippedRuleName(id: ShippedRuleId): string;
}

/**
 * vue-i18n's plural choice for "zero | one | many" (or "one | many") messages with `{n}`, the only
 * form the shell's strings use: pulling vue-i18n into the main process for three strings would not pay.
 */
export function plural(message: string, n: number): string {
  const choices = message.split(' | ');
  const index = choices.length === 3 ? Math.min(n, 2) : n === 1 ? 0 : 1;
  return (choices[index] ?? choices[choices.length - 1]!).replace('{n}', String(n));
}

export function shellStrings(language: Settings['language'], systemLocale: string): ShellStrings {
  const french = language === 'fr' || (language === 'system' && systemLocale.toLowerCase().startsWith('fr'));
  const catalogue = french ? fr : en;
  return {
    show: catalogue.shell.show,
    quit: catalogue.shell.quit,
    unread: (count) => plural(catalogue.shell.unread, count),
    shippedRuleName: (id) => catalogue.rules.shippedNames[id],
  };
}
