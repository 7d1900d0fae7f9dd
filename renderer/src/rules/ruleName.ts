import { shippedRuleName } from '../../../shared/moderation';

type Translate = (key: string) => string;

/**
 * A rule's name as the user reads it: a shipped rule under its shipped name is worded from the
 * catalogues ("Nétiquette" in French); a name the user chose is theirs. `ruleId` is null where
 * only the name is known (an audit entry's "rule: <name>").
 */
export function ruleDisplayName(t: Translate, ruleId: string | null, name: string): string {
  const shipped = shippedRuleName(ruleId, name);
  return shipped ? t(`rules.shippedNames.${shipped}`) : name;
}
