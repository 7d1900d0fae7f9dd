/** Reports from the local store: what a community manager sends a client. Shapes only; computed in electron/core/reports. */
import { z } from 'zod';
import { Id, Network, Timestamp } from './model';

export const BusinessHours = z
  .object({
    /** Working days, 0 = Sunday … 6 = Saturday. */
    days: z.array(z.number().int().min(0).max(6)).max(7),
    /** Minutes after local midnight. */
    start: z.number().int().min(0).max(1440),
    end: z.number().int().min(0).max(1440),
  })
  .strict()
  .refine((h) => h.end > h.start, { message: 'business hours end after they start', path: ['end'] });
export type BusinessHours = z.infer<typeof BusinessHours>;

export const DEFAULT_BUSINESS_HOURS: BusinessHours = { days: [1, 2, 3, 4, 5], start: 9 * 60, end: 18 * 60 };

export const ReportQuery = z
  .object({
    since: Timestamp,
    until: Timestamp,
    bucket: z.enum(['day', 'week']).default('day'),
    /** IANA time zone the days, weeks and business hours are in. */
    timeZone: z.string().min(1).max(64).default('UTC'),
    network: z.array(Network).min(1).optional(),
    accountId: z.array(Id).min(1).optional(),
    tagId: Id.optional(),
    /** Conversations assigned to this member. */
    memberId: Id.optional(),
    businessHours: BusinessHours.default(DEFAULT_BUSINESS_HOURS),
    /** The team's target for a first response, in business minutes. */
    targetMinutes: z.number().int().min(1).max(100_000).default(60),
  })
  .strict()
  .refine((q) => q.until > q.since && q.until - q.since <= 400 * 86_400_000, { message: 'a period is at most 400 days', path: ['until'] });
export type ReportQuery = z.infer<typeof ReportQuery>;
export type ReportQueryInput = z.input<typeof ReportQuery>;

const Duration = z.number().nonnegative().nullable();

export const ReportTotals = z.object({
  messagesIn: z.number().int(),
  messagesOut: z.number().int(),
  /** Conversations whose first message came in the period. */
  conversations: z.number().int(),
  answered: z.number().int(),
  /** First response time (business milliseconds): median and 90th percentile. */
  firstResponseMedian: Duration,
  firstResponseP90: Duration,
  /** From the first message to "done" (business milliseconds). */
  resolutionMedian: Duration,
  resolutionP90: Duration,
  /** Share of the period's conversations answered within the target (0..1), null without any. */
  withinTarget: z.number().nullable(),
  /** People whose first message Parvis stored came in the period. */
  newcomers: z.number().int(),
});
export type ReportTotals = z.infer<typeof ReportTotals>;

export const Report = z.object({
  query: z.object({ since: Timestamp, until: Timestamp, previousSince: z.number().int(), bucket: z.enum(['day', 'week']), timeZone: z.string(), targetMinutes: z.number() }),
  current: ReportTotals,
  /** The period of the same length just before. */
  previous: ReportTotals,
  /** Messages per day or week: the bucket's local start date (YYYY-MM-DD). */
  volume: z.array(z.object({ start: z.string(), in: z.number().int(), out: z.number().int() })),
  members: z.array(
    z.object({
      memberId: Id.nullable(),
      name: z.string(),
      /** Replies sent from Parvis. */
      replies: z.number().int(),
      /** Conversations they marked done. */
      done: z.number().int(),
      /** Conversations of the period assigned to them, and their first response median. */
      assigned: z.number().int(),
      firstResponseMedian: Duration,
    }),
  ),
  /** Incoming messages by local weekday (0 = Monday) and hour: 7 rows of 24. */
  busiestHours: z.array(z.array(z.number().int())),
  moderation: z.object({
    held: z.number().int(),
    hidden: z.number().int(),
    removed: z.number().int(),
    spam: z.number().int(),
    byRule: z.number().int(),
    byHand: z.number().int(),
    /** Messages a rule held that a person then approved: the rules' false positives. */
    approvedAfterHold: z.number().int(),
  }),
  topAuthors: z.array(z.object({ name: z.string(), handle: z.string(), network: Network, messages: z.number().int(), newcomer: z.boolean() })),
  /** How long the report took to compute, ms. */
  tookMs: z.number(),
});
export type Report = z.infer<typeof Report>;
