import { describe, expect, it } from 'vitest';
import type { NetworkCapabilities } from '../../../shared/contract';
import type { Network } from '../../../shared/model';
import { reviewPlan } from './reviewPlan';
import { message } from './testMessages';

const BLUESKY: NetworkCapabilities = {
  maxReplyLength: 300,
  reply: true,
  directMessages: false,
  moderation: ['hide', 'unhide', 'block-author', 'mute-author', 'report', 'delete-own'],
  unsupportedReasons: { 'ban-author': 'Bluesky has no bans: block the author instead.' },
};
const detail = (network: Network, messages: ReturnType<typeof message>[]) => ({
  account: { id: 1, network, handle: 'brand', displayName: 'Brand' },
  messages,
});

describe('reviewPlan', () => {
  it('applies the decision to every held message of the conversation, and to nothing else', () => {
    const thread = detail('bluesky', [message({ id: 1, moderation: 'held' }), message({ id: 2 }), message({ id: 3, moderation: 'held' })]);
    expect(reviewPlan('approve', thread, { bluesky: BLUESKY })).toEqual({
      kind: 'act',
      steps: [
        { messageId: 1, action: 'approve' },
        { messageId: 3, action: 'approve' },
      ],
    });
    expect(reviewPlan('hide', thread, { bluesky: BLUESKY })).toMatchObject({ kind: 'act', steps: [{ action: 'hide' }, { action: 'hide' }] });
  });

  it('does nothing when the network cannot, and says why', () => {
    const thread = detail('bluesky', [message({ id: 1, moderation: 'held' })]);
    expect(reviewPlan('ban', thread, { bluesky: BLUESKY })).toEqual({
      kind: 'blocked',
      action: 'ban-author',
      availability: { enabled: false, why: 'network', reason: 'Bluesky has no bans: block the author instead.' },
    });
  });

  it('notices a conversation that nothing holds any more', () => {
    expect(reviewPlan('remove', detail('youtube', [message({ id: 1 })]), {})).toEqual({ kind: 'nothing-held' });
  });
});
