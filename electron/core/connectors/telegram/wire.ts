/**
 * The Telegram Bot API's wire format: the parts of its objects this connector reads, as zod
 * schemas (https://core.telegram.org/bots/api). Answers are untrusted: every object is parsed here
 * before use; what the inbox cannot do without is required, the rest is defaulted or dropped, and
 * unknown fields are ignored (the Bot API adds fields every release). Nothing here leaves the folder.
 */
import { z } from 'zod';

/** Chat and user ids are integers up to 52 significant bits: safe as JS numbers. */
const WireInt = z.number().int();
const OptionalString = z.string().optional().catch(undefined);

/** https://core.telegram.org/bots/api#user */
export const WireUser = z.object({
  id: WireInt,
  is_bot: z.boolean().catch(false),
  first_name: z.string(),
  last_name: OptionalString,
  username: OptionalString,
});
export type WireUser = z.infer<typeof WireUser>;

export const CHAT_TYPES = ['private', 'group', 'supergroup', 'channel'] as const;

/** https://core.telegram.org/bots/api#chat */
export const WireChat = z.object({
  id: WireInt,
  type: z.enum(CHAT_TYPES),
  title: OptionalString,
  username: OptionalString,
  first_name: OptionalString,
  last_name: OptionalString,
  is_forum: z.boolean().optional().catch(undefined),
});
export type WireChat = z.infer<typeof WireChat>;

/** The message replied to: a Message without its own `reply_to_message` (Telegram sends one level). */
const WireRepliedMessage = z.object({
  message_id: WireInt,
  date: WireInt,
  chat: WireChat,
  from: WireUser.optional().catch(undefined),
  sender_chat: WireChat.optional().catch(undefined),
  text: OptionalString,
  caption: OptionalString,
  /** Set on the service message that opened a forum topic. */
  forum_topic_created: z.unknown().optional(),
});

/** https://core.telegram.org/bots/api#message: what an inbox reads of one. */
export const WireMessage = z.object({
  message_id: WireInt,
  /** Unix time, seconds. */
  date: WireInt,
  edit_date: WireInt.optional().catch(undefined),
  chat: WireChat,
  from: WireUser.optional().catch(undefined),
  /** Set when the message was sent on behalf of a chat (a channel, an anonymous admin). */
  sender_chat: WireChat.optional().catch(undefined),
  message_thread_id: WireInt.optional().catch(undefined),
  is_topic_message: z.boolean().optional().catch(undefined),
  /** A channel post forwarded into its linked discussion group. */
  is_automatic_forward: z.boolean().optional().catch(undefined),
  reply_to_message: WireRepliedMessage.optional().catch(undefined),
  text: OptionalString,
  caption: OptionalString,
  photo: z.array(z.unknown()).optional().catch(undefined),
  video: z.unknown().optional(),
  animation: z.unknown().optional(),
  document: z.object({ file_name: OptionalString }).passthrough().optional().catch(undefined),
  audio: z.unknown().optional(),
  voice: z.unknown().optional(),
  video_note: z.unknown().optional(),
  sticker: z.object({ emoji: OptionalString }).passthrough().optional().catch(undefined),
  poll: z.object({ question: z.string() }).passthrough().optional().catch(undefined),
  location: z.unknown().optional(),
  contact: z.unknown().optional(),
});
export type WireMessage = z.infer<typeof WireMessage>;

/** https://core.telegram.org/bots/api#chatmemberupdated (the bot's own status in a chat). */
export const WireChatMemberUpdated = z.object({
  chat: WireChat,
  date: WireInt,
  new_chat_member: z.object({ status: z.string() }).passthrough(),
});
export type WireChatMemberUpdated = z.infer<typeof WireChatMemberUpdated>;

/** The update kinds Parvis asks for (`allowed_updates`). */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'channel_post', 'edited_channel_post', 'my_chat_member'] as const;

/**
 * https://core.telegram.org/bots/api#update. Only `update_id` is checked first: the payload of one
 * update is read on its own, so one unreadable message does not hide the rest of the page.
 */
export const WireUpdateHead = z.object({ update_id: WireInt }).passthrough();
export type WireUpdateHead = z.infer<typeof WireUpdateHead>;

/** https://core.telegram.org/bots/api#responseparameters */
export const WireResponseParameters = z.object({
  retry_after: z.number().optional().catch(undefined),
  migrate_to_chat_id: WireInt.optional().catch(undefined),
});

/** The envelope every Bot API answer comes in, success or failure. */
export const WireEnvelope = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error_code: z.number().int(),
    description: z.string().catch(''),
    parameters: WireResponseParameters.optional().catch(undefined),
  }),
]);
export type WireEnvelope = z.infer<typeof WireEnvelope>;

/** https://core.telegram.org/bots/api#webhookinfo (the part that says whether a webhook is set). */
export const WireWebhookInfo = z.object({ url: z.string() }).passthrough();

/** https://core.telegram.org/bots/api#chatmember: the status of one administrator. */
export const WireChatMember = z.object({ status: z.string(), user: WireUser }).passthrough();

/** Explains why a payload did not match, briefly (for `skipped` reasons and errors). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
