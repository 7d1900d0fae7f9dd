/** What a saved reply's placeholders stand for in one conversation. */
export interface SavedReplyValues {
  /** The author's display name. */
  name: string;
  /** The author's handle, shown with one leading @. */
  handle: string;
  /** The name of the team member writing. */
  me: string;
}

/**
 * Fills `{name}`, `{handle}` and `{me}` in a saved reply. Unknown `{words}` stay as typed so a
 * typo is visible in the composer rather than silently dropped.
 */
export function fillSavedReply(template: string, values: SavedReplyValues): string {
  const handle = values.handle === '' ? '' : `@${values.handle.replace(/^@+/, '')}`;
  const byName: Record<string, string> = { name: values.name, handle, me: values.me };
  return template.replace(/\{(name|handle|me)\}/g, (_, key: string) => byName[key] ?? '');
}
