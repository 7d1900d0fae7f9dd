/**
 * Publishing at scale: the calendar's month with 10,000 scheduled posts (`posts.calendar` through
 * the contract, as the calendar screen asks for it), and the composer's live check of every
 * target at each keystroke (`checkTarget`, the function the composer runs, with the networks'
 * descriptors). The UI's drawing of the month is not in this figure.
 */
import type { Core } from '../../electron/core/app';
import { checkTarget } from '../../renderer/src/publishing/validation';
import { callCore } from './call-core';
import { summarize, timeRuns, type LatencySummary } from './latency';

export interface PublishingFigures {
  posts: number;
  calendarMonth: { entries: number; latency: LatencySummary };
  validation: { targets: number; latency: LatencySummary };
}

const DAY = 86_400_000;
/** Posts drawn per day in the month grid (the calendar screen's `MONTH_PER_DAY`). */
const CALENDAR_PER_DAY = 3;

/** Fills a month with `posts` scheduled posts over the workspace's accounts, then times both figures. */
export async function measurePublishing(core: Core, now: number, posts = 10_000): Promise<PublishingFigures> {
  const accounts = core.accounts.list().slice(0, 5);
  if (accounts.length === 0) throw new Error('the publishing figures need at least one account');
  const monthStart = new Date(now);
  monthStart.setUTCDate(1);
  monthStart.setUTCHours(0, 0, 0, 0);
  const from = monthStart.getTime();
  const to = from + 30 * DAY;
  core.db.transaction(() => {
    for (let i = 0; i < posts; i++) {
      const accountId = accounts[i % accounts.length]!.id;
      const at = from + Math.floor(((i * 7919) % posts) * ((to - from) / posts));
      core.posts.create({ text: `Post ${i}: atelier réparation samedi, venez avec vos lampes ! https://shop.example/p/${i}`, targets: [{ accountId, scheduledAt: at }] });
    }
  })();
  // One month as the calendar's month grid asks for it (six weeks of days, the first posts of each
  // day and every day's count); a different window each run so nothing is cached above SQLite.
  let entries = 0;
  const calendar = await timeRuns(async (i) => {
    const shift = (Math.abs(i) % 3) * 60_000;
    const dayStarts = Array.from({ length: 43 }, (_, d) => from - 6 * DAY + shift + d * DAY);
    const days = await callCore(core, 'posts.calendarDays', { dayStarts, perDay: CALENDAR_PER_DAY });
    entries = days.reduce((n, d) => n + d.total, 0);
  }, { max: 30 });

  // The composer's check of a post for three networks, at each keystroke of a text growing to
  // ~600 characters (links, emoji, accents), as the composer's computed property runs it.
  const descriptors = (await callCore(core, 'accounts.networks', {})).filter((n) => ['mastodon', 'bluesky', 'x'].includes(n.id));
  const base = 'Atelier réparation 🛠️ samedi à 14 h, venez avec vos lampes ! Plus d’infos : https://shop.example/atelier-reparation-samedi #repaircafe @lumen@mastodon.example ';
  let text = '';
  const validation = await timeRuns(
    (i) => {
      text = i < 0 ? base : (text + base[Math.max(0, i) % base.length]!).slice(0, 600);
      for (const d of descriptors) checkTarget({ text, override: null, link: 'https://shop.example/', scheduledAt: now + DAY }, d, now);
    },
    { warmup: 20, min: 200, max: 600, timeBudgetMs: 2000 },
  );
  return { posts, calendarMonth: { entries, latency: summarize(calendar) }, validation: { targets: descriptors.length, latency: summarize(validation) } };
}
