/**
 * Mastodon's wire format: the parts of the REST entities this connector reads, as zod schemas.
 *
 * Payloads are untrusted (any server can call itself Mastodon: GoToSocial, Pleroma, Akkoma differ at
 * the edges), so every entity is parsed here before use. The schemas require what the inbox cannot do
 * without (ids, author, content, dates) and default or drop the rest; unknown fields are ignored.
 * These types stay inside the mastodon folder: the rest of the app sees the shared model only.
 */
import { z } from 'zod';

const NullableString = z.string().nullable().optional().catch(null);

/** A non-empty string id (Mastodon ids are strings; some forks use non-numeric ones). */
const WireId = z.string().min(1).max(200);

/** An ISO date the server must give; unparsable dates make the entity unreadable. */
const WireDate = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'not a date');

export const WireAccount = z.object({
  id: WireId,
  username: z.string(),
  acct: z.string(),
  display_name: z.string().catch(''),
  url: NullableString,
  avatar: NullableString,
  bot: z.boolean().optional().catch(false),
});
export type WireAccount = z.infer<typeof WireAccount>;

export const WireMediaAttachment = z.object({
  id: z.string(),
  type: z.string(),
  url: NullableString,
  preview_url: NullableString,
  remote_url: NullableString,
  description: NullableString,
});
export type WireMediaAttachment = z.infer<typeof WireMediaAttachment>;

export const WireMention = z.object({
  id: WireId,
  username: z.string(),
  acct: z.string(),
  url: NullableString,
});
export type WireMention = z.infer<typeof WireMention>;

export const WireCard = z.object({
  url: z.string(),
  title: z.string().catch(''),
  image: NullableString,
});
export type WireCard = z.infer<typeof WireCard>;

export const VISIBILITIES = ['public', 'unlisted', 'private', 'direct'] as const;
export type WireVisibility = (typeof VISIBILITIES)[number];

/**
 * A status. Attachments, mentions and the card are read leniently: one bad attachment is dropped,
 * not the message.
 */
export const WireStatus = z.object({
  id: WireId,
  created_at: WireDate,
  in_reply_to_id: WireId.nullable().optional().catch(null),
  in_reply_to_account_id: WireId.nullable().optional().catch(null),
  visibility: z.enum(VISIBILITIES).catch('public'),
  spoiler_text: z.string().optional().catch(''),
  content: z.string(),
  url: NullableString,
  uri: z.string().optional().catch(undefined),
  account: WireAccount,
  media_attachments: z.array(z.unknown()).optional().catch([]),
  mentions: z.array(z.unknown()).optional().catch([]),
  card: z.unknown().optional(),
  /** When the author last edited it (Mastodon 3.5+); null when never edited. */
  edited_at: WireDate.nullable().optional().catch(null),
  /** Only in the answer to DELETE: the source text. */
  text: NullableString,
});
export type WireStatus = z.infer<typeof WireStatus>;

export const WireNotification = z.object({
  id: WireId,
  type: z.string(),
  created_at: WireDate,
  account: WireAccount,
  status: WireStatus.nullable().optional(),
});
export type WireNotification = z.infer<typeof WireNotification>;

export const WireConversation = z.object({
  id: WireId,
  unread: z.boolean().optional().catch(false),
  accounts: z.array(WireAccount),
  last_status: WireStatus.nullable().optional(),
});
export type WireConversation = z.infer<typeof WireConversation>;

/** The thread around a status; items are parsed one by one (a bad one does not hide the others). */
export const WireContext = z.object({
  ancestors: z.array(z.unknown()),
  descendants: z.array(z.unknown()),
});
export type WireContext = z.infer<typeof WireContext>;

export const WireRelationship = z.object({
  id: WireId,
  blocking: z.boolean().optional(),
  muting: z.boolean().optional(),
  muting_notifications: z.boolean().optional(),
});
export type WireRelationship = z.infer<typeof WireRelationship>;

export const WireReport = z.object({ id: WireId });
export type WireReport = z.infer<typeof WireReport>;

/** The answer to POST /api/v1/apps (CredentialApplication). */
export const WireCredentialApplication = z.object({
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
});
export type WireCredentialApplication = z.infer<typeof WireCredentialApplication>;

/** The answer to POST /oauth/token. `refresh_token` and `expires_in` come from servers that issue them. */
export const WireToken = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  scope: z.string().optional(),
  created_at: z.number().optional(),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive().optional(),
});
export type WireToken = z.infer<typeof WireToken>;

/** Explains why a payload did not match, briefly (for `skipped` reasons and errors). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/** A status waiting on the server for its time (POST /api/v1/statuses with scheduled_at). */
export const WireScheduledStatus = z.object({
  id: z.string(),
  scheduled_at: z.string(),
});
export type WireScheduledStatus = z.infer<typeof WireScheduledStatus>;
