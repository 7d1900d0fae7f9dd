/**
 * Community activity for the live demo: every 20–60 s something happens on one of the local
 * networks, as it would for a brand's community manager: a new mention or direct message on
 * Mastodon, someone coming back to a thread, a reply or a mention on Bluesky, a comment under a
 * YouTube video (now and then held for review) or a reply in a comment thread. Parvis sees it on
 * its next poll, through its real connectors, so the demo inbox keeps moving.
 *
 * It writes through the servers' in-process `control` objects (the demo runs them in the same
 * process). Texts and people come from the caller (the demo reuses the seeded workspace's).
 */
import type { BlueskyControl, StrongRef } from './bluesky';
import type { MastodonControl } from './mastodon';
import type { YouTubeControl } from './youtube';

export type DemoLanguage = 'fr' | 'en';

/** Someone of the community, with a handle on each network. */
export interface DemoPerson {
  name: string;
  lang: DemoLanguage;
  /** Mastodon account (`user@domain`). */
  mastodon: string;
  /** Bluesky handle: must be one of the Bluesky server's community accounts. */
  bluesky: string;
  /** YouTube display handle (`@Name`). */
  youtube: string;
}

/** What people write: first messages (`{n}` becomes an order number) and follow-ups, by language. */
export interface DemoTexts {
  openers: Record<DemoLanguage, readonly string[]>;
  followups: Record<DemoLanguage, readonly string[]>;
}

/** Where activity happens. Every part is optional: the simulator uses what it is given. */
export interface ActivityTargets {
  /**
   * Mastodon accounts of the brand (one server each), with the language their community writes in
   * and their share of the Mastodon activity (default 1).
   */
  mastodon?: { control: MastodonControl; lang: DemoLanguage | 'mixed'; weight?: number }[];
  /** The brand's Bluesky account and its posts people reply to. */
  bluesky?: { control: BlueskyControl; posts: readonly StrongRef[] };
  /** The brand's YouTube channel and its videos people comment on. */
  youtube?: { control: YouTubeControl; videoIds: readonly string[] };
}

export type ActivityKind =
  | 'mastodon-mention'
  | 'mastodon-dm'
  | 'mastodon-follow-up'
  | 'bluesky-mention'
  | 'bluesky-reply'
  | 'youtube-comment'
  | 'youtube-held-comment'
  | 'youtube-reply';

/** One thing that happened. */
export interface ActivityEvent {
  kind: ActivityKind;
  network: 'mastodon' | 'bluesky' | 'youtube';
  /** The brand's account it is addressed to (Mastodon username, Bluesky handle, YouTube channel id). */
  account: string;
  /** The new item's id on its network (status id, at:// URI, comment id). */
  remoteId: string;
  author: string;
  text: string;
  at: number;
}

/** Timer functions, injected so that tests drive the schedule. */
export interface ActivityTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface DemoActivityOptions {
  people: readonly DemoPerson[];
  texts: DemoTexts;
  /** Shortest and longest wait between two events. Default 20 s and 60 s. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Random numbers in [0, 1). */
  random?: () => number;
  timers?: ActivityTimers;
  now?: () => number;
  /** Told about every event (the demo logs them). */
  onActivity?: (event: ActivityEvent) => void;
  /** Told when writing an event failed; the schedule goes on. */
  onError?: (err: unknown) => void;
}

/** The running simulator. */
export interface DemoActivity {
  /** Makes one thing happen now, and returns it. */
  step(): ActivityEvent;
  /** Stops the schedule (an event already written stays). */
  stop(): void;
  /** Everything that happened, oldest first. */
  readonly events: readonly ActivityEvent[];
}

/** Threads the simulator can come back to, newest last. */
interface OpenThreads {
  mastodon: { target: number; lastStatusId: string; person: DemoPerson; dm: boolean }[];
  youtube: { threadId: string }[];
}

const realTimers: ActivityTimers = {
  // The schedule alone must not keep the process alive.
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** How often each kind happens, relative to the others. */
const WEIGHTS: Record<ActivityKind, number> = {
  'mastodon-mention': 5,
  'mastodon-dm': 3,
  'mastodon-follow-up': 3,
  'bluesky-mention': 2,
  'bluesky-reply': 3,
  'youtube-comment': 3,
  'youtube-held-comment': 1,
  'youtube-reply': 2,
};

const MAX_OPEN_THREADS = 30;

/**
 * Starts the simulator: the first event comes after one delay, then one after each delay.
 * @throws Error when there are no people or no texts to write with.
 */
export function startDemoActivity(targets: ActivityTargets, options: DemoActivityOptions): DemoActivity {
  const random = options.random ?? Math.random;
  const timers = options.timers ?? realTimers;
  const now = options.now ?? Date.now;
  const minDelay = options.minDelayMs ?? 20_000;
  const maxDelay = Math.max(minDelay, options.maxDelayMs ?? 60_000);
  if (options.people.length === 0) throw new Error('the activity simulator needs people');
  for (const lang of ['fr', 'en'] as const) {
    if (options.texts.openers[lang].length === 0 || options.texts.followups[lang].length === 0) throw new Error(`the activity simulator needs ${lang} texts`);
  }
  const events: ActivityEvent[] = [];
  const mastodonUsernames = (targets.mastodon ?? []).map((t) => t.control.state().me.username);
  const open: OpenThreads = { mastodon: [], youtube: [] };
  let timer: unknown = null;
  let stopped = false;

  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const personFor = (lang: DemoLanguage | 'mixed'): DemoPerson => {
    const speakers = lang === 'mixed' ? options.people : options.people.filter((p) => p.lang === lang);
    return pick(speakers.length ? speakers : options.people);
  };
  const opener = (lang: DemoLanguage) => pick(options.texts.openers[lang]).replace('{n}', String(10_000 + Math.floor(random() * 90_000)));
  const followUp = (lang: DemoLanguage) => pick(options.texts.followups[lang]);
  const remember = <T>(list: T[], entry: T) => {
    list.push(entry);
    if (list.length > MAX_OPEN_THREADS) list.shift();
  };

  /** The kinds possible with these targets and what happened so far. */
  function possibleKinds(): ActivityKind[] {
    const kinds: ActivityKind[] = [];
    if (targets.mastodon?.length) kinds.push('mastodon-mention', 'mastodon-dm');
    if (open.mastodon.length) kinds.push('mastodon-follow-up');
    if (targets.bluesky) kinds.push('bluesky-mention');
    if (targets.bluesky?.posts.length) kinds.push('bluesky-reply');
    if (targets.youtube?.videoIds.length) kinds.push('youtube-comment', 'youtube-held-comment');
    if (open.youtube.length) kinds.push('youtube-reply');
    if (kinds.length === 0) throw new Error('the activity simulator has no network to write to');
    return kinds;
  }

  /** An index drawn in proportion to `weights`. */
  function pickWeighted(weights: readonly number[]): number {
    const total = weights.reduce((sum, w) => sum + Math.max(0, w), 0);
    let roll = random() * total;
    for (let i = 0; i < weights.length; i++) {
      roll -= Math.max(0, weights[i]!);
      if (roll < 0) return i;
    }
    return weights.length - 1;
  }

  function chooseKind(): ActivityKind {
    const kinds = possibleKinds();
    return kinds[pickWeighted(kinds.map((k) => WEIGHTS[k]))]!;
  }

  function happen(kind: ActivityKind): ActivityEvent {
    const at = now();
    switch (kind) {
      case 'mastodon-mention':
      case 'mastodon-dm': {
        const targetIndex = pickWeighted(targets.mastodon!.map((t) => t.weight ?? 1));
        const target = targets.mastodon![targetIndex]!;
        const person = personFor(target.lang);
        const text = opener(person.lang);
        target.control.addAccount(person.mastodon, person.name);
        const dm = kind === 'mastodon-dm';
        const statusId = dm
          ? target.control.addDirectMessage({ from: person.mastodon, text }).statusId
          : target.control.addMention({ from: person.mastodon, text }).statusId;
        remember(open.mastodon, { target: targetIndex, lastStatusId: statusId, person, dm });
        return { kind, network: 'mastodon', account: mastodonUsernames[targetIndex]!, remoteId: statusId, author: person.name, text, at };
      }
      case 'mastodon-follow-up': {
        const thread = pick(open.mastodon);
        const target = targets.mastodon![thread.target]!;
        const text = followUp(thread.person.lang);
        const statusId = thread.dm
          ? target.control.addDirectMessage({ from: thread.person.mastodon, text, inReplyToId: thread.lastStatusId }).statusId
          : target.control.addReply({ from: thread.person.mastodon, to: thread.lastStatusId, text }).statusId;
        thread.lastStatusId = statusId;
        return { kind, network: 'mastodon', account: mastodonUsernames[thread.target]!, remoteId: statusId, author: thread.person.name, text, at };
      }
      case 'bluesky-mention': {
        const person = personFor('mixed');
        const text = opener(person.lang);
        const ref = targets.bluesky!.control.addMention({ from: person.bluesky, text });
        return { kind, network: 'bluesky', account: targets.bluesky!.control.account.handle, remoteId: ref.uri, author: person.name, text, at };
      }
      case 'bluesky-reply': {
        const person = personFor('mixed');
        const text = opener(person.lang);
        const ref = targets.bluesky!.control.addReply(pick(targets.bluesky!.posts).uri, { from: person.bluesky, text });
        return { kind, network: 'bluesky', account: targets.bluesky!.control.account.handle, remoteId: ref.uri, author: person.name, text, at };
      }
      case 'youtube-comment':
      case 'youtube-held-comment': {
        const person = personFor('mixed');
        const text = opener(person.lang);
        const held = kind === 'youtube-held-comment';
        const comment = targets.youtube!.control.addThread({
          videoId: pick(targets.youtube!.videoIds),
          text,
          author: { name: person.youtube },
          status: held ? 'heldForReview' : 'published',
        });
        // A held comment gets no public replies until it is approved.
        if (!held) remember(open.youtube, { threadId: comment.id });
        return { kind, network: 'youtube', account: targets.youtube!.control.channelId, remoteId: comment.id, author: person.name, text, at };
      }
      case 'youtube-reply': {
        const thread = pick(open.youtube);
        const person = personFor('mixed');
        const text = followUp(person.lang);
        const reply = targets.youtube!.control.addReply({ parentId: thread.threadId, text, author: { name: person.youtube } });
        return { kind, network: 'youtube', account: targets.youtube!.control.channelId, remoteId: reply.id, author: person.name, text, at };
      }
    }
  }

  function step(): ActivityEvent {
    const event = happen(chooseKind());
    events.push(event);
    options.onActivity?.(event);
    return event;
  }

  function scheduleNext(): void {
    if (stopped) return;
    const delay = minDelay + Math.floor(random() * (maxDelay - minDelay + 1));
    timer = timers.setTimeout(() => {
      timer = null;
      try {
        step();
      } catch (err) {
        options.onError?.(err);
      }
      scheduleNext();
    }, Math.min(delay, maxDelay));
  }

  scheduleNext();
  return {
    step,
    stop() {
      stopped = true;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
    },
    events,
  };
}
