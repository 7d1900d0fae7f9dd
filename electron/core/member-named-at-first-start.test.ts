/**
 * The team member who uses the app is named by the user at first start, never after the
 * operating-system user ("Root"): the core creates them unnamed, the renderer asks, and the name
 * given (or changed later in the settings) is the one on their actions.
 */
import { userInfo } from 'node:os';
import { afterEach, expect, it } from 'vitest';
import { callCore } from '../../e2e/networks/fixture';
import { item, makeCore } from './testing/core-fixture';

let core: ReturnType<typeof makeCore> | undefined;
afterEach(async () => {
  await core?.dispose();
  core = undefined;
});

it('a new profile without a known name has an unnamed "me", not the operating-system user', async () => {
  core = makeCore({ myName: undefined });
  const [me] = await callCore(core, 'members.list', {});
  expect(me).toMatchObject({ isMe: true, unnamed: true });
  const osUser = userInfo().username;
  expect(me!.name.toLowerCase()).not.toBe(osUser.toLowerCase());
});

it('the name given at first start is kept, no longer asked, and signs what the user does', async () => {
  core = makeCore({ myName: undefined });
  const [me] = await callCore(core, 'members.list', {});
  const renamed = await callCore(core, 'members.rename', { memberId: me!.id, name: '  Camille Martin ' });
  expect(renamed).toEqual({ id: me!.id, uid: me!.uid, name: 'Camille Martin', isMe: true });
  expect(await callCore(core, 'members.list', {})).toEqual([renamed]);

  // Assigning a conversation to oneself is written with that name in its activity log.
  const account = core.accounts.upsert({ network: 'mastodon', serverUrl: 'https://m.example', remoteId: '1', handle: '@brand', displayName: 'Brand' });
  core.ingest(account.id, { items: [item({ threadRemoteId: 't1' })], cursor: null });
  const conversationId = (core.db.prepare('SELECT id FROM conversations').get() as { id: number }).id;
  await callCore(core, 'conversation.assign', { conversationIds: [conversationId], memberId: me!.id });
  const activity = core.db.prepare('SELECT actor FROM activity WHERE conversation_id = ? AND kind = ?').all(conversationId, 'assign') as { actor: string }[];
  expect(activity).toEqual([{ actor: 'Camille Martin' }]);
});

it('a name the embedder knows (the demo, tests) is not asked again', async () => {
  core = makeCore({ myName: 'Alex Martin' });
  expect(await callCore(core, 'members.list', {})).toEqual([expect.not.objectContaining({ unnamed: true })]);
});
