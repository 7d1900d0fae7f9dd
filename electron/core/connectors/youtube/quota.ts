/**
 * YouTube's daily quota: what each call costs and when the quota day ends.
 *
 * Costs are from the "Quota costs" table of the YouTube Data API documentation. Every answered
 * request is charged, refused ones included, and each page of a list is a call of its own.
 */

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

const pacificClock = new Intl.DateTimeFormat('en-US', {
  timeZone: QUOTA_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** The Pacific wall clock at `instant`, read as if it were UTC (epoch ms, whole seconds). */
function pacificWallAsUtc(instant: number): number {
  const f: Record<string, number> = {};
  for (const part of pacificClock.formatToParts(instant)) if (part.type !== 'literal') f[part.type] = Number(part.value);
  return Date.UTC(f.year ?? 1970, (f.month ?? 1) - 1, f.day ?? 1, f.hour ?? 0, f.minute ?? 0, f.second ?? 0);
}

/**
 * When the quota day that `now` falls in ends: the next midnight in Pacific time, epoch ms.
 * The UTC offset comes from Intl at the answer itself, so the answer is right on both sides of a
 * daylight saving change (US changes happen at 2 AM, never at midnight).
 */
export function nextQuotaReset(now: number): number {
  const wall = new Date(pacificWallAsUtc(now));
  const midnightAsUtc = Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate() + 1);
  const offsetAt = (instant: number) => pacificWallAsUtc(instant) - Math.floor(instant / 1000) * 1000;
  const guess = midnightAsUtc - offsetAt(now);
  return midnightAsUtc - offsetAt(guess);
}

/** Milliseconds from `now` until the quota resets. */
export function msUntilQuotaReset(now: number): number {
  return Math.max(0, nextQuotaReset(now) - now);
}
