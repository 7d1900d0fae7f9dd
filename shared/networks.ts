/**
 * What the renderer may know about a network: the public part of a network's descriptor.
 *
 * Every fact about a network (its name, look, how it signs in and with which fields, what it can
 * do, its limits) lives in that network's folder in the core (`electron/core/connectors/<id>/`).
 * The core sends this public part through `accounts.networks`; the renderer draws the connect
 * form, the reply counter, the moderation menus and the rule editor from it. Nothing here names a
 * network.
 */
import { z } from 'zod';
import { MODERATION_ACTIONS, Network } from './model';

/** Kinds of sign-in Parvis knows how to run. */
export const SIGN_IN_METHODS = [
  /** OAuth 2 in the system browser (PKCE, loopback redirect). */
  'oauth',
  /** A handle and an app password made for Parvis (never the main password). */
  'app-password',
  /** An API key or bot token, with a user name where the network wants one. */
  'api-key',
  /** A server, a login and a password (IMAP/SMTP, a site's application password). */
  'server-login',
  /** Nothing: a public source such as a feed. */
  'none',
] as const;
export const SignInMethod = z.enum(SIGN_IN_METHODS);
export type SignInMethod = z.infer<typeof SignInMethod>;

/** Input kinds of a sign-in field; each maps to a form control and a zod check. */
export const FIELD_KINDS = ['text', 'url', 'email', 'password', 'number', 'boolean', 'select', 'file'] as const;

/**
 * One field of a network's sign-in form. Labels and hints come from the catalogues:
 * `connect.fields.<name>` and, when present, `connect.hints.<network>.<name>`.
 */
export const SignInField = z.object({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,31}$/),
  kind: z.enum(FIELD_KINDS),
  required: z.boolean(),
  /** Shown under "Other server" rather than in the main form. */
  advanced: z.boolean(),
  /** A secret (password, key, token): never echoed, never stored outside the keychain. */
  secret: z.boolean(),
  minLength: z.number().int().nonnegative(),
  maxLength: z.number().int().positive(),
  /** Default value, also the placeholder for optional fields. */
  defaultValue: z.union([z.string(), z.number(), z.boolean()]).nullable(),
  /** An example of the expected shape, shown as the placeholder (not translated: a format). */
  example: z.string().nullable(),
  /** Choices of a `select` field; for a `file` field, the file name endings it takes (.pem). */
  options: z.array(z.string()),
  /** Browser autocomplete hint. */
  autocomplete: z.string().nullable(),
  /** A page on the network's site that helps fill the field (where to make an app password). */
  helpUrl: z.string().nullable(),
  /** A text field's whole value must match this regular expression (a version like `v21.0`). */
  pattern: z.string().max(200).nullable().optional(),
});
export type SignInField = z.infer<typeof SignInField>;

/** A field with the usual defaults, for descriptors to write only what differs. */
export function signInField(spec: Pick<SignInField, 'name' | 'kind'> & Partial<SignInField>): SignInField {
  return {
    required: true,
    advanced: false,
    secret: spec.kind === 'password',
    minLength: spec.required === false ? 0 : 1,
    maxLength: 300,
    defaultValue: null,
    example: null,
    options: [],
    autocomplete: null,
    helpUrl: null,
    ...spec,
  };
}

/** Accepts `example.social` for `https://example.social`. */
const HttpUrl = z
  .string()
  .trim()
  .max(300)
  .transform((v) => (/^https?:\/\//i.test(v) ? v : `https://${v}`))
  .pipe(z.url({ protocol: /^https?$/ }));

function fieldSchema(field: SignInField): z.ZodType {
  switch (field.kind) {
    case 'url':
      return HttpUrl;
    case 'number':
      return z.coerce.number().int().min(field.minLength).max(field.maxLength);
    case 'boolean':
      return z.boolean();
    case 'select':
      return z.enum(field.options as [string, ...string[]]);
    case 'email':
      return z.string().trim().max(field.maxLength).pipe(z.email());
    case 'password':
      // Passwords are taken as typed: a space may be part of one.
      return z.string().min(Math.max(1, field.minLength)).max(field.maxLength);
    case 'text': {
      const text = z.string().trim().min(Math.max(1, field.minLength)).max(field.maxLength);
      return field.pattern ? text.regex(new RegExp(`^(?:${field.pattern})$`)) : text;
    }
    case 'file':
      // A text file the user picked (a PEM certificate), sent as its content.
      return z.string().min(Math.max(1, field.minLength)).max(field.maxLength);
  }
}

/**
 * The zod schema of a sign-in form, built from its fields: the core validates `accounts.connect`
 * with it, and the renderer checks the form as the user types with the same one. Empty optional
 * fields are dropped.
 */
export function signInFieldsSchema(fields: readonly SignInField[]): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const field of fields) {
    const schema = fieldSchema(field);
    shape[field.name] = field.required
      ? schema
      : z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());
  }
  return z.object(shape).strict() as unknown as z.ZodType<Record<string, unknown>>;
}

/** How a network counts the length of a text. */
export const LENGTH_COUNTING = [
  /** What a reader sees as one character (Bluesky). */
  'graphemes',
  /** Unicode code points (Mastodon, YouTube). */
  'code-points',
  /** A link counts as a fixed number of characters, whatever its length (Mastodon: 23; X). */
  'code-points-fixed-links',
] as const;

export const TextLimits = z.object({
  /** Longest reply, counted as `counting` says. */
  maxReplyLength: z.number().int().positive(),
  counting: z.enum(LENGTH_COUNTING),
  /** What one link counts for, with `code-points-fixed-links`. */
  linkLength: z.number().int().positive().nullable(),
});
export type TextLimits = z.infer<typeof TextLimits>;

/** Kinds of content a network lets an account publish. */
export const PUBLISH_KINDS = ['text', 'image', 'video', 'link', 'article', 'topic'] as const;

/** The composer's text goes out as a post ('text') or as an article's body ('article', with a title). */
export function publishesText(kinds: readonly (typeof PUBLISH_KINDS)[number][]): boolean {
  return kinds.includes('text') || kinds.includes('article');
}

export const NetworkCapabilities = z.object({
  maxReplyLength: z.number().int(),
  reply: z.boolean(),
  directMessages: z.boolean(),
  moderation: z.array(z.enum(MODERATION_ACTIONS)),
  /**
   * Actions the network cannot do. The reason in plain words is in the catalogues, under
   * `capabilities.<network>.<action>`; the value here is the core's English text, for logs.
   */
  unsupportedReasons: z.record(z.string(), z.string()),
  /**
   * Direct messages can be answered only this many hours after the person's last message
   * (`extendedHours` when a person answers); null when there is no such window.
   */
  replyWindow: z.object({ hours: z.number().positive(), extendedHours: z.number().positive().nullable() }).nullable().optional(),
  /** A comment's author can be answered privately, in a direct message. */
  privateReplies: z.boolean().optional(),
  /** A ban can last a chosen number of days (1..maxDays); `permanent`: it can also have no end; `defaultDays` null: permanent by default. */
  banDuration: z.object({ maxDays: z.number().int().positive(), permanent: z.boolean(), defaultDays: z.number().int().positive().nullable() }).nullable().optional(),
});
export type NetworkCapabilities = z.infer<typeof NetworkCapabilities>;

/** A network that needs the user's own registered application (Google, Meta, X, Reddit…). */
export const DeveloperAppInfo = z.object({
  /** The network also wants the app's secret (Google "Desktop app" clients have one). */
  needsSecret: z.boolean(),
  /** Where the user creates the app (the network's developer console). */
  consoleUrl: z.string(),
  /** The redirect address to register, when the network asks for one. */
  redirectUri: z.string().nullable(),
  /** Where the app in use comes from: the user's (keychain), the environment, the build, or none yet. */
  source: z.enum(['user', 'environment', 'build']).nullable(),
  /** The client id in use (public information, shown so the user knows which app it is). */
  clientId: z.string().nullable(),
  /** Another network whose app this one uses (Instagram uses the Meta app entered for Facebook). */
  sharedWith: Network.optional(),
});
export type DeveloperAppInfo = z.infer<typeof DeveloperAppInfo>;

/**
 * What a network takes as images in a post (from its documentation or lexicon): checked live by
 * the composer and by the core before scheduling (`shared/media-limits.ts`).
 */
export const ImageLimits = z.object({
  maxImages: z.number().int().positive(),
  /** Largest image, in bytes. */
  maxBytes: z.number().int().positive(),
  /** MIME types the network takes. */
  types: z.array(z.string()),
  /** Narrowest and widest width / height the network takes; null: any. */
  aspectRatio: z.object({ min: z.number().positive(), max: z.number().positive() }).nullable(),
  /** Longest alt text, in characters; null: no limit of the network's own. */
  maxAltLength: z.number().int().positive().nullable(),
});
export type ImageLimits = z.infer<typeof ImageLimits>;

/** The public part of a network's descriptor. */
export const NetworkInfo = z.object({
  id: Network,
  /** The network's own name (a brand: not translated). */
  displayName: z.string(),
  /** Accounts can be connected in this run (false in the offline demo, which only shows networks). */
  connectable: z.boolean(),
  /** A short glyph on a color that keeps 4.5:1 contrast with white text. */
  icon: z.object({ glyph: z.string().max(3), color: z.string().regex(/^#[0-9a-fA-F]{6}$/) }),
  signIn: z.object({
    method: SignInMethod,
    fields: z.array(SignInField),
    /** One sign-in may give several accounts (Pages, mailboxes): the user chooses. */
    yields: z.enum(['one', 'several']),
    /** The host the browser sign-in happens on when it is fixed (e.g. accounts.google.com). */
    browserHost: z.string().nullable(),
    /**
     * Other ways to sign in (a mailbox: OAuth where the provider requires it); the connect dialog
     * offers a choice when there are any, labelled `connect.methods.<network>.<id>` (the first
     * way's id is `default`). Absent on networks with one way.
     */
    alternatives: z
      .array(
        z.object({
          id: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
          method: SignInMethod,
          fields: z.array(SignInField),
          yields: z.enum(['one', 'several']),
          browserHost: z.string().nullable(),
        }),
      )
      .optional(),
  }),
  developerApp: DeveloperAppInfo.nullable(),
  capabilities: NetworkCapabilities,
  text: TextLimits,
  publish: z.array(z.enum(PUBLISH_KINDS)),
  /** A post needs a title there (an article): the composer asks for one when such an account is chosen. */
  titleRequired: z.boolean().optional(),
  /** The network's limits for images in a post, where it publishes images from Parvis. */
  images: ImageLimits.optional(),
  /** The network has a daily quota (YouTube) that the accounts screen shows. */
  quota: z.object({ unitsPerDay: z.number().int().positive(), timeZone: z.string() }).nullable(),
  /**
   * What the user may change on a connected account without signing in again (X's monthly read
   * cap, the Graph API version). Labels: `connect.fields.<name>`, hints `connect.hints.<network>.<name>`.
   */
  accountSettings: z.array(SignInField).optional(),
});
export type NetworkInfo = z.infer<typeof NetworkInfo>;
