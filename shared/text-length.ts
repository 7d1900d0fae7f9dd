/**
 * A text's length as each network counts it, from its descriptor's `TextLimits`: shared by the
 * composer (live, per keystroke) and the core (before sending), so both give the same answer.
 */
import type { TextLimits } from './networks';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** A link as Mastodon's and X's counters see one: http(s) up to the next blank. */
const LINK = /\bhttps?:\/\/[^\s<>"]+/giu;
/** A remote mention (`@name@server`): Mastodon counts its local part only. */
const REMOTE_MENTION = /(^|[^\w/])@([a-z0-9_]+)@[a-z0-9.-]+(?::\d+)?/giu;

/** Characters as a reader counts them: an emoji or an accented letter is one (Bluesky counts so). */
export function countGraphemes(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) count += 1;
  return count;
}

/** A text's length as the network counts it (see `TextLimits.counting`). */
export function countForNetwork(text: string, limits: TextLimits): number {
  switch (limits.counting) {
    case 'graphemes':
      return countGraphemes(text);
    case 'code-points':
      return [...text].length;
    case 'code-points-fixed-links': {
      // Each link counts for a fixed length whatever it is (Mastodon: 23), and a remote mention
      // for its local part (Mastodon's StatusLengthValidator).
      const links = text.match(LINK) ?? [];
      const rest = text.replace(LINK, '').replace(REMOTE_MENTION, '$1@$2');
      return [...rest].length + links.length * (limits.linkLength ?? 23);
    }
  }
}

export type TextProblem = { kind: 'empty' } | { kind: 'too-long'; length: number; max: number };

/** What stops a text from being published on a network, or null when it can go. */
export function checkPostText(text: string, limits: TextLimits): TextProblem | null {
  if (!text.trim()) return { kind: 'empty' };
  const length = countForNetwork(text, limits);
  return length > limits.maxReplyLength ? { kind: 'too-long', length, max: limits.maxReplyLength } : null;
}
