/**
 * YouTube's daily quota: what each call costs and when the quota day ends.
 *
 * Costs are from the "Quota costs" table of the YouTube Data API documentation. Every answered
 * request is charged, refused ones included, and each page of a list is a call of its own.
 */
import { nextMidnight } from '../../time-zone-day';

/** The Discovery method ids (without "youtube.") the connector calls. */
export type YouTubeMethod =
  | 'channels.list'
  | 'commentThreads.list'
  | 'comments.list'
  | 'comments.insert'
  | 'comments.setModerationStatus'
  | 'comments.delete'
  | 'videos.list';

const COSTS: Readonly<Record<YouTubeMethod, number>> = {
  'channels.list': 1,
  'commentThreads.list': 1,
  'comments.list': 1,
  'comments.insert': 50,
  'comments.setModerationStatus': 50,
  'comments.delete': 50,
  'videos.list': 1,
};

/** YouTube's default allocation per Google Cloud project and day. */
export const DEFAULT_DAILY_QUOTA = 10_000;

/** The zone whose midnight starts a new quota day. */
export const QUOTA_TIME_ZONE = 'America/Los_Angeles';

/** Units one call of `method` costs. */
export function quotaCost(method: YouTubeMethod): number {
  return COSTS[method];
}

const ROUTES: Readonly<Record<string, YouTubeMethod>> = {
  'GET /youtube/v3/channels': 'channels.list',
  'GET /youtube/v3/commentThreads': 'commentThreads.list',
  'GET /youtube/v3/comments': 'comments.list',
  'POST /youtube/v3/comments': 'comments.insert',
  'POST /youtube/v3/comments/setModerationStatus': 'comments.setModerationStatus',
  'DELETE /youtube/v3/comments': 'comments.delete',
  'GET /youtube/v3/videos': 'videos.list',
};

/** The method an HTTP request calls, from its verb and path (query ignored); null if unknown. */
export function methodOfRequest(httpMethod: string, path: string): YouTubeMethod | null {
  const bare = path.split('?')[0] ?? '';
  const withoutHost = bare.replace(/^[a-z]+:\/\/[^/]+/i, '');
  return ROUTES[`${httpMethod.toUpperCase()} ${withoutHost}`] ?? null;
}

/** When the quota day that `now` falls in ends: the next midnight in Pacific time, epoch ms. */
export function nextQuotaReset(now: number): number {
  return nextMidnight(now, QUOTA_TIME_ZONE);
}

/** Milliseconds from `now` until the quota resets. */
export function msUntilQuotaReset(now: number): number {
  return Math.max(0, nextQuotaReset(now) - now);
}
