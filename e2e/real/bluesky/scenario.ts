/**
 * One Parvis session on a Bluesky network, as a user lives it, through Parvis's real connector:
 * connect with an app password, poll, reply, hide a reply, block and mute authors (and undo it),
 * report with a reason code, and meet a backdated mention and notifications that share a time
 * across a page boundary. It returns what Parvis saw at each step, so that the fake and the real
 * network can be compared step by step.
 */
import { createBlueskyConnector, signInToBluesky } from '../../../electron/core/connectors/bluesky/index';
import type { AccountContext, NormalizedItem } from '../../../electron/core/connectors/types';
import type { BlueskyDriver, Ref } from './drivers';

/** What one item looked like to Parvis: the fields a user sees, without ids that differ per network. */
export interface SeenItem {
  kind: string;
  author: string;
  text: string;
  context: string | null;
  relation: string | null;
  moderation: string;
}

export interface Transcript {
  connectedAs: string;
  steps: { step: string; items: SeenItem[] }[];
  reports: (string | null)[];
}

const brandless = (text: string, handle: string) => text.replace(`@${handle} `, '@brand ');

export async function runScenario(driver: BlueskyDriver): Promise<Transcript> {
  // Short pages so that page boundaries are crossed; a sweep every poll that asks for one.
  const connector = createBlueskyConnector({ pageSize: 3, maxPagesPerPoll: 20, timeoutMs: 20_000, cursor: { sweepEveryMs: 1 } });
  const { credentials, author } = await signInToBluesky(driver.serverUrl, driver.brand.handle, driver.brand.appPassword);
  const inbox = new Map<string, NormalizedItem>();
  const ctx: AccountContext = {
    accountId: 1,
    network: 'bluesky',
    serverUrl: driver.serverUrl,
    remoteId: author.remoteId,
    handle: author.handle,
    credentials,
    onCredentialsRefreshed: async (fresh) => {
      ctx.credentials = fresh;
    },
    knownRemoteIds: (ids) => new Set(ids.filter((id) => inbox.has(id))),
  };
  let cursor: string | null = null;
  const transcript: Transcript = { connectedAs: author.handle === driver.brand.handle ? 'brand' : author.handle, steps: [], reports: [] };
  const see = (i: NormalizedItem): SeenItem => ({
    kind: i.kind,
    author: i.author.handle,
    text: brandless(i.text, driver.brand.handle),
    context: i.context?.text ?? null,
    relation: i.context?.relation ?? null,
    moderation: i.moderation ?? 'visible',
  });
  const poll = async (step: string): Promise<NormalizedItem[]> => {
    await driver.settle();
    const got: NormalizedItem[] = [];
    for (let i = 0; i < 20; i++) {
      const page = await connector.poll(ctx, cursor);
      cursor = page.cursor ?? cursor;
      for (const item of page.items) {
        if (inbox.has(item.remoteId)) throw new Error(`${step}: ${item.remoteId} delivered twice`);
        inbox.set(item.remoteId, item);
        got.push(item);
      }
      if (!page.hasMore) break;
    }
    transcript.steps.push({ step, items: got.map(see).sort((a, b) => a.text.localeCompare(b.text)) });
    return got;
  };
  const itemByText = (text: string): NormalizedItem => {
    const found = [...inbox.values()].find((i) => i.text.endsWith(text));
    if (!found) throw new Error(`no item "${text}" in the inbox`);
    return found;
  };
  const act = (action: Parameters<typeof connector.moderate>[1]['action'], item: NormalizedItem, key: string, reason?: string) =>
    connector.moderate(ctx, {
      action,
      messageRemoteId: item.remoteId,
      authorRemoteId: item.author.remoteId,
      conversationRemoteId: item.threadRemoteId,
      messageExtra: item.extra,
      idempotencyKey: key,
      ...(reason ? { reason } : {}),
    });

  // 1. Activity around a post of the brand: a reply, a mention, a quote.
  const root: Ref = await driver.ownPost('Notre nouvelle version est là');
  // The AppView indexes each account's records in parallel with the others'. A reply indexed in
  // the same instant as its parent (written a few milliseconds apart, under load) sees no parent,
  // and the parent sees no reply yet, so neither raises the reply notification: the real network
  // loses it (seen once in six runs on a loaded machine). People reply to a post that is already
  // there, so the post is indexed before anyone answers it.
  await driver.settle();
  await driver.reply('alice', root, 'Bravo pour la sortie');
  await driver.mention('bob', 'une question sur les tarifs');
  await driver.quote('chloe', root, 'À lire absolument');
  await poll('first poll');

  // 2. Parvis answers Alice, on the network.
  const alice = itemByText('Bravo pour la sortie');
  await connector.reply(ctx, { conversationRemoteId: alice.threadRemoteId, parentRemoteId: alice.remoteId, text: 'Merci Alice !', idempotencyKey: 'reply-1', parentExtra: alice.extra });

  // 3. Notifications sharing one time across a page boundary, and a mention backdated by 3 hours.
  const tie = new Date(Date.now() - 1000).toISOString();
  for (const text of ['égalité un', 'égalité deux', 'égalité trois', 'égalité quatre']) await driver.mention('alice', text, { createdAt: tie });
  await driver.mention('bob', 'écrit hors ligne hier', { createdAt: new Date(Date.now() - 3 * 3600_000).toISOString() });
  await poll('ties and backdated');

  // 4. Moderation: hide Alice's reply, block Bob, mute Chloé; then each writes again.
  await act('hide', alice, 'hide-1');
  await act('block-author', itemByText('une question sur les tarifs'), 'block-1');
  await act('mute-author', itemByText('À lire absolument'), 'mute-1');
  await driver.reply('alice', root, 'Alice encore');
  await driver.mention('bob', 'Bob bloqué écrit');
  await driver.mention('chloe', 'Chloé masquée écrit');
  await poll('after hide, block and mute');

  // 5. Undo the block and the mute: what they wrote meanwhile is listed again by the network.
  await act('unblock-author', itemByText('une question sur les tarifs'), 'unblock-1');
  await act('unmute-author', itemByText('À lire absolument'), 'unmute-1');
  await poll('after unblock and unmute');

  // 6. Reports travel as codes.
  await act('report', itemByText('Alice encore'), 'report-1', 'spam');
  await act('report', itemByText('Chloé masquée écrit'), 'report-2', 'harassment');
  await driver.settle();
  transcript.reports = (await driver.reports()).map((r) => r.reasonType);
  return transcript;
}
