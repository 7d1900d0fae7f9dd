import { describe, expect, it } from 'vitest';
import type { SavedReply } from '../../../shared/contract';
import { repliesFor } from './savedReplies';

const reply = (id: number, language: 'fr' | 'en' | null, networks: string[] = []): SavedReply => ({ id, name: `r${id}`, text: 'x', language, networks });

describe('repliesFor', () => {
  const all = [reply(1, 'en'), reply(2, null), reply(3, 'fr'), reply(4, 'fr', ['youtube']), reply(5, null, ['bluesky'])];

  it('offers only the replies for every network or for this one', () => {
    expect(repliesFor(all, 'mastodon', null).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(repliesFor(all, 'youtube', null).map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(repliesFor(all, 'bluesky', null).map((r) => r.id)).toEqual([1, 2, 3, 5]);
  });

  it('puts the conversation’s language first, any language next, the other language last', () => {
    expect(repliesFor(all, 'youtube', 'fr').map((r) => r.id)).toEqual([3, 4, 2, 1]);
    expect(repliesFor(all, 'mastodon', 'en').map((r) => r.id)).toEqual([1, 2, 3]);
  });
});
