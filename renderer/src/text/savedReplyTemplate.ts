/** What a saved reply's placeholders stand for in one conversation. */
export interface SavedReplyValues {
  /** The author's display name. */
  name: string;
  /** The author's handle, shown with one leading @. */
  handle: string;
  /** The name of the team member writing. */
  me: string;
}

/** The placeholders a saved reply can use, in the order the editor offers them. */
export const SAVED_REPLY_VARIABLES = ['firstName', 'name', 'handle', 'me'] as const;
export type SavedReplyVariable = (typeof SAVED_REPLY_VARIABLES)[number];

/**
 * The first name in a display name: its first word, without the emoji and punctuation people put
 * around names ("🌿 Camille Roux" → "Camille", "dan.bsky" stays "dan.bsky"). An empty display name
 * gives an empty first name, so "Bonjour {firstName}," reads "Bonjour ," only where nothing is known.
 */
export function firstNameOf(displayName: string): string {
  const words = displayName
    .split(/\s+/u)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}.'’-]+$/gu, '').replace(/[.'’-]+$/u, ''))
    .filter((word) => /[\p{L}\p{N}]/u.test(word));
  return words[0] ?? '';
}

/**
 * Fills `{firstName}`, `{name}`, `{handle}` and `{me}` in a saved reply. Unknown `{words}` stay as
 * typed so a typo is visible in the composer rather than silently dropped.
 */
export function fillSavedReply(template: string, values: SavedReplyValues): string {
  const handle = values.handle === '' ? '' : `@${values.handle.replace(/^@+/, '')}`;
  const byName: Record<SavedReplyVariable, string> = {
    firstName: firstNameOf(values.name) || values.name,
    name: values.name,
    handle,
    me: values.me,
  };
  return template.replace(/\{(firstName|name|handle|me)\}/g, (_, key: SavedReplyVariable) => byName[key]);
}

/** The `{words}` of a template that are not placeholders (likely typos), each once. */
export function unknownVariables(template: string): string[] {
  const known = new Set<string>(SAVED_REPLY_VARIABLES);
  const found = [...template.matchAll(/\{([\p{L}\p{N}_]+)\}/gu)].map((m) => m[1]!).filter((word) => !known.has(word));
  return [...new Set(found)];
}
