/**
 * One way to drive a Bluesky network from a test, for the real dev-env network and for the fake
 * in e2e/networks/bluesky.ts alike, so the same scenario runs on both and their results can be
 * compared: community accounts post, reply, mention (with a backdated `createdAt` when asked) and
 * quote; the brand's account is the one Parvis connects.
 */
import type { AtpAgent } from '@atproto/api';
import { startBlueskyServer } from '../../networks/bluesky';
import { startRealBluesky } from '../harness/bluesky';

export interface Ref {
  uri: string;
  cid: string;
}

export type Member = 'alice' | 'bob' | 'chloe';

export interface BlueskyDriver {
  name: 'fake' | 'real';
  /** What Parvis is given as the server (the PDS). */
  serverUrl: string;
  brand: { handle: string; appPassword: string };
  ownPost(text: string): Promise<Ref>;
  reply(from: Member, parent: Ref, text: string, opts?: { createdAt?: string }): Promise<Ref>;
  mention(from: Member, text: string, opts?: { createdAt?: string }): Promise<Ref>;
  quote(from: Member, quoted: Ref, text: string): Promise<Ref>;
  /** Waits until the AppView has indexed what was written (real); nothing to wait for on the fake. */
  settle(): Promise<void>;
  reports(): Promise<{ reasonType: string | null; subjectUri: string | null }[]>;
  /** The brand's account is deleted on the server (its session dies the way the network says). */
  deleteBrandAccount(): Promise<void>;
  stop(): Promise<void>;
}

export async function fakeDriver(): Promise<BlueskyDriver> {
  const server = await startBlueskyServer();
  const c = server.control;
  const handle = (m: Member) => `${m}.test`;
  return {
    name: 'fake',
    serverUrl: server.url,
    brand: { handle: c.account.handle, appPassword: c.account.password },
    ownPost: async (text) => c.addOwnPost(text),
    reply: async (from, parent, text, opts) => c.addReply(parent.uri, { from: handle(from), text, createdAt: opts?.createdAt }),
    mention: async (from, text, opts) => c.addMention({ from: handle(from), text, createdAt: opts?.createdAt }),
    quote: async (from, quoted, text) => c.addQuote(quoted.uri, { from: handle(from), text }),
    settle: async () => {},
    reports: async () => c.state().reports.map((r) => ({ reasonType: r.reasonType, subjectUri: typeof r.subject.uri === 'string' ? r.subject.uri : null })),
    deleteBrandAccount: async () => c.deleteAccount(),
    stop: () => server.close(),
  };
}

export async function realDriver(): Promise<BlueskyDriver> {
  const net = await startRealBluesky();
  try {
    const brand = await net.createAccount('brand');
    const appPassword = (await brand.agent.com.atproto.server.createAppPassword({ name: 'Parvis' })).data.password;
    const members = {} as Record<Member, { agent: AtpAgent; did: string }>;
    for (const m of ['alice', 'bob', 'chloe'] as const) {
      const account = await net.createAccount(m);
      await account.agent.upsertProfile(() => ({ displayName: m[0]!.toUpperCase() + m.slice(1) }));
      members[m] = account;
    }
    await net.processAll();
    const create = async (from: { agent: AtpAgent; did: string }, record: Record<string, unknown>): Promise<Ref> => {
      const res = await from.agent.com.atproto.repo.createRecord({ repo: from.did, collection: 'app.bsky.feed.post', record: { $type: 'app.bsky.feed.post', createdAt: new Date().toISOString(), ...record } });
      return { uri: res.data.uri, cid: res.data.cid };
    };
    const rootOf = async (parent: Ref): Promise<Ref> => {
      const did = parent.uri.split('/')[2]!;
      const rkey = parent.uri.split('/').pop()!;
      const rec = await brand.agent.com.atproto.repo.getRecord({ repo: did, collection: 'app.bsky.feed.post', rkey });
      const reply = (rec.data.value as { reply?: { root: Ref } }).reply;
      return reply?.root ?? parent;
    };
    return {
      name: 'real',
      serverUrl: net.pdsUrl,
      brand: { handle: brand.handle, appPassword },
      ownPost: (text) => create(brand, { text }),
      async reply(from, parent, text, opts) {
        const root = await rootOf(parent);
        return create(members[from], { text, reply: { root, parent }, ...(opts?.createdAt ? { createdAt: opts.createdAt } : {}) });
      },
      async mention(from, text, opts) {
        const full = `@${brand.handle} ${text}`;
        const end = Buffer.byteLength(`@${brand.handle}`);
        return create(members[from], {
          text: full,
          facets: [{ index: { byteStart: 0, byteEnd: end }, features: [{ $type: 'app.bsky.richtext.facet#mention', did: brand.did }] }],
          ...(opts?.createdAt ? { createdAt: opts.createdAt } : {}),
        });
      },
      quote: (from, quoted, text) => create(members[from], { text, embed: { $type: 'app.bsky.embed.record', record: quoted } }),
      settle: () => net.processAll(),
      reports: async () => (await net.reports()).map((r) => ({ reasonType: r.reasonType, subjectUri: r.subjectUri })),
      async deleteBrandAccount() {
        const res = await fetch(`${net.pdsUrl}/xrpc/com.atproto.admin.deleteAccount`, {
          method: 'POST',
          headers: { authorization: net.adminAuth, 'content-type': 'application/json' },
          body: JSON.stringify({ did: brand.did }),
        });
        if (!res.ok) throw new Error(`deleteAccount: ${res.status} ${await res.text()}`);
        await net.processAll();
      },
      stop: () => net.stop(),
    };
  } catch (err) {
    await net.stop();
    throw err;
  }
}
