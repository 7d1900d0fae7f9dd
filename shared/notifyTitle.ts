/**
 * The title of a notification as the user reads it. The core does not know the language the app
 * shows (it may follow the system's, which only the shell knows), so a rule's notification carries
 * the author and the rule, and whoever shows it (Electron's shell, the web page) names the rule:
 * a shipped rule under its shipped name from the catalogues ("Nétiquette"), a name the user chose
 * as written.
 */
import type { NotifyEvent } from './contract';
import { shippedRuleName, type ShippedRuleId } from './moderation';

export function notificationTitle(event: Pick<NotifyEvent, 'title' | 'author' | 'rule'>, shippedName: (id: ShippedRuleId) => string): string {
  if (!event.rule || event.author === undefined) return event.title;
  const shipped = shippedRuleName(event.rule.id, event.rule.name);
  return `${event.author} · ${shipped ? shippedName(shipped) : event.rule.name}`;
}
