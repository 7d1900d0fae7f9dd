/**
 * Why a message is reported, as a code that every layer understands. The dialog sends a code
 * (never its translated label); each connector maps it to its network's own reason (Bluesky's
 * com.atproto.moderation / tools.ozone.report reasons, Mastodon's report `category`). The words the
 * user adds travel after the code as details: "harassment: insults under every post".
 */
export const REPORT_REASONS = ['spam', 'harassment', 'hate', 'sexual', 'violence', 'misleading', 'illegal', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export function isReportReason(value: string): value is ReportReason {
  return (REPORT_REASONS as readonly string[]).includes(value);
}

/** The `reason` string of a report request: the code, then the user's details if any. */
export function encodeReportReason(code: ReportReason, details = ''): string {
  const text = details.trim();
  return text ? `${code}: ${text}` : code;
}

/**
 * Reads a report request's `reason`. A string that does not start with a known code (an old
 * queued action, free text) is `other` with the whole text as details, so nothing the user wrote
 * is lost.
 */
export function decodeReportReason(reason: string | undefined): { code: ReportReason; details: string } {
  const text = (reason ?? '').trim();
  const match = /^([a-z]+)\s*(?::\s*([\s\S]*))?$/.exec(text);
  if (match && isReportReason(match[1]!)) return { code: match[1], details: (match[2] ?? '').trim() };
  return { code: 'other', details: text };
}
