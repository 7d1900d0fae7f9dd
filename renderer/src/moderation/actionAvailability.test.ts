import { describe, expect, it } from 'vitest';
import type { NetworkCapabilities } from '../../../shared/contract';
import { actionAvailability, menuActions } from './actionAvailability';
import { message } from './testMessages';

const MASTODON: NetworkCapabilities = {
  maxReplyLength: 500,
  reply: true,
  directMessages: true,
  moderation: ['block-author', 'mute-author', 'report', 'delete-own'],
  unsupportedReasons: { hide: 'Mastodon cannot hide a reply under your post.' },
};
const YOUTUBE: NetworkCapabilities = {
  maxReplyLength: 10_000,
  reply: true,
  directMessages: false,
  moderation: ['hold', 'approve', 'remove', 'ban-author', 'delete-own'],
  unsupportedReasons: {},
};
const caps = { mastodon: MASTODON, youtube: YOUTUBE };

describe('actionAvailability', () => {
  it('disables what the network cannot do, with the network’s reason when it gives one', () => {
    expect(actionAvailability('hide', message({ id: 1 }), 'mastodon', caps)).toEqual({
      enabled: false,
      why: 'network',
      reason: 'Mastodon cannot hide a reply under your post.',
    });
    expect(actionAvailability('spam', message({ id: 1 }), 'mastodon', caps)).toEqual({ enabled: false, why: 'network', reason: null });
    expect(actionAvailability('block-author', message({ id: 1 }), 'mastodon', caps)).toEqual({ enabled: true, reach: 'network' });
  });

  it('keeps hold, approve and unhide available as local review states, sent on when the network has them', () => {
    expect(actionAvailability('hold', message({ id: 1 }), 'mastodon', caps)).toEqual({ enabled: true, reach: 'local' });
    expect(actionAvailability('approve', message({ id: 1, moderation: 'held' }), 'youtube', caps)).toEqual({ enabled: true, reach: 'network' });
    expect(actionAvailability('unhide', message({ id: 1, moderation: 'hidden' }), 'mastodon', caps)).toEqual({ enabled: true, reach: 'local' });
  });

  it('deletes only your own messages, and only once they are on the network', () => {
    expect(actionAvailability('delete-own', message({ id: 1 }), 'youtube', caps)).toEqual({ enabled: false, why: 'not-own' });
    expect(actionAvailability('delete-own', message({ id: 1, direction: 'out' }), 'youtube', caps)).toEqual({ enabled: true, reach: 'network' });
    expect(actionAvailability('delete-own', message({ id: 1, direction: 'out', remoteId: null }), 'youtube', caps)).toEqual({
      enabled: false,
      why: 'not-on-network',
    });
  });

  it('acts locally on networks this build does not talk to (the demo workspace)', () => {
    expect(actionAvailability('ban-author', message({ id: 1 }), 'bluesky', caps)).toEqual({ enabled: true, reach: 'local' });
    expect(actionAvailability('hide', message({ id: 1 }), 'bluesky', {})).toEqual({ enabled: true, reach: 'local' });
  });
});

describe('menuActions', () => {
  it('offers what fits the message’s state', () => {
    expect(menuActions(message({ id: 1, moderation: 'held' })).slice(0, 2)).toEqual(['approve', 'hide']);
    expect(menuActions(message({ id: 1, moderation: 'hidden' })).slice(0, 2)).toEqual(['hold', 'unhide']);
    expect(menuActions(message({ id: 1 }))).toEqual(['hold', 'hide', 'remove', 'spam', 'lock', 'block-author', 'mute-author', 'ban-author', 'report']);
    // Blocked and muted authors can be unblocked and unmuted from the same place.
    expect(menuActions(message({ id: 1 }), { blocked: true, muted: true })).toEqual(['hold', 'hide', 'remove', 'spam', 'lock', 'unblock-author', 'unmute-author', 'ban-author', 'report']);
    // A banned author (YouTube, Telegram) is offered the unban.
    expect(menuActions(message({ id: 1 }), { blocked: false, muted: false, banned: true })).toContain('unban-author');
    expect(menuActions(message({ id: 1 }), { blocked: false, muted: false, banned: true })).not.toContain('ban-author');
    // A post or comment closed to new comments (Reddit's lock, Instagram's comments off) can be reopened.
    expect(menuActions(message({ id: 1, locked: true }))).toContain('unlock');
    expect(menuActions(message({ id: 1, locked: true }))).not.toContain('lock');
    expect(menuActions(message({ id: 1, direction: 'out' }))).toEqual(['delete-own']);
  });

  it('offers archive where the network has an archive (email), and the way back once archived', () => {
    const mailbox = (a: string) => ['spam', 'remove', 'archive', 'unarchive'].includes(a);
    expect(menuActions(message({ id: 1 }), null, mailbox)).toEqual(['hold', 'hide', 'remove', 'spam', 'archive', 'lock', 'block-author', 'mute-author', 'ban-author', 'report']);
    expect(menuActions(message({ id: 1, archived: true }), null, mailbox)).toContain('unarchive');
    expect(menuActions(message({ id: 1, archived: true }), null, mailbox)).not.toContain('archive');
    // Elsewhere it is not listed at all (no refusal to read on every network).
    expect(menuActions(message({ id: 1 }))).not.toContain('archive');
    expect(menuActions(message({ id: 1, archived: true }), null, (a) => a === 'block-author')).not.toContain('unarchive');
  });
});
