import { describe, expect, it } from 'vitest';
import { splitNotificationPage } from './client';
import { contextUriOf, notificationToItem, parseAtUri, textWithLinks, toAuthor } from './convert';
import getPostsFixture from './fixtures/get-posts.json';
import listNotificationsFixture from './fixtures/list-notifications.json';
import { checkPostView, type WirePostView } from './wire';

const ACCOUNT = 'did:plc:o7brand2pds4lrqxw6hrpnqo';
const ROOT = 'at://did:plc:o7brand2pds4lrqxw6hrpnqo/app.bsky.feed.post/3lbmx7ywgjs2a';

const page = splitNotificationPage(listNotificationsFixture);
const views = new Map<string, WirePostView>();
for (const post of getPostsFixture.posts) {
  const checked = checkPostView(post);
  if (!checked.ok) throw new Error(checked.reason);
  views.set(checked.value.uri, checked.value);
}

function convert(index: number) {
  const n = page.notifications[index]!;
  const contextUri = contextUriOf(n);
  return notificationToItem(n, ACCOUNT, { post: views.get(n.uri), context: contextUri ? views.get(contextUri) : undefined });
}

describe('notificationToItem on recorded listNotifications / getPosts answers', () => {
  it('reads the whole page as valid', () => {
    expect(page.invalid).toEqual([]);
    expect(page.notifications).toHaveLength(4);
    expect(page.cursor).toBe('2024-11-20T13:40:00.410Z');
  });

  it('turns a reply into a comment in the thread of its root, with links restored and strong refs kept', () => {
    const result = convert(2);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const item = result.item;
    expect(item).toMatchObject({
      remoteId: 'at://did:plc:vjug55kidv6sye7ykr5faxxn/app.bsky.feed.post/3lbmxn4lhy22x',
      threadRemoteId: ROOT,
      parentRemoteId: ROOT,
      kind: 'comment',
      direction: 'in',
      text: 'Même souci depuis la mise à jour : https://github.com/acme/app/issues/4521#issuecomment-2489 merci de regarder',
      createdAt: Date.parse('2024-11-20T13:41:10.500Z'),
      permalink: 'https://bsky.app/profile/did:plc:vjug55kidv6sye7ykr5faxxn/post/3lbmxn4lhy22x',
      author: { remoteId: 'did:plc:vjug55kidv6sye7ykr5faxxn', handle: 'jules.example.com', name: 'Jules' },
      context: {
        remoteId: ROOT,
        text: 'La version 5 est là ! Dites-nous ce que vous en pensez.',
        url: 'https://bsky.app/profile/did:plc:o7brand2pds4lrqxw6hrpnqo/post/3lbmx7ywgjs2a',
        authorName: 'ACME',
      },
      // The root's threadgate (as the AppView attaches it) already hides this reply.
      moderation: 'hidden',
    });
    expect(item.extra).toMatchObject({
      uri: item.remoteId,
      cid: 'bafyreigh6tjqbiyqhyo2uqfjivd6xbd3ciq6kl3bxsrjqn4vsyn6kwahvq',
      root: { uri: ROOT, cid: 'bafyreihzzwjwkxkuw6rhgkxtqs2nkvbobpjv5sbejk2o6uzaibdi2ehmqy' },
      parent: { uri: ROOT, cid: 'bafyreihzzwjwkxkuw6rhgkxtqs2nkvbobpjv5sbejk2o6uzaibdi2ehmqy' },
      reason: 'reply',
    });
    expect(JSON.parse(JSON.stringify(item.extra))).toEqual(item.extra);
  });

  it('turns a mention with an image into a mention with an image attachment (URLs from the post view)', () => {
    const result = convert(1);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.item).toMatchObject({
      kind: 'mention',
      threadRemoteId: result.item.remoteId,
      parentRemoteId: null,
      text: "@acme.bsky.social l'appli plante au démarrage 😕 #bug",
      // An unresolvable handle falls back to the DID.
      author: { handle: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz', name: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz' },
      context: null,
      moderation: 'visible',
    });
    expect(result.item.attachments).toEqual([
      {
        kind: 'image',
        url: 'https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:ewvi7nxzyoun6zhxrhs64oiz/bafkreihwihm6kpd6zuwhhlygnf7ytvqz5ugk6qgfzrpgvejuqxwtqx6gpq@jpeg',
        previewUrl: 'https://cdn.bsky.app/img/feed_thumbnail/plain/did:plc:ewvi7nxzyoun6zhxrhs64oiz/bafkreihwihm6kpd6zuwhhlygnf7ytvqz5ugk6qgfzrpgvejuqxwtqx6gpq@jpeg',
        alt: "Capture d'écran du bug",
      },
    ]);
    // A reply to it starts a thread at the mention itself.
    expect(result.item.extra?.root).toEqual({ uri: result.item.remoteId, cid: 'bafyreidsl2yy54d6qwuxosbwqerf3ghgcqw7sa3hcjw5g5a7ufbvmoxz7e' });
  });

  it('turns a quote into its own conversation, with the quoted post as context and the link as attachment', () => {
    const result = convert(0);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.item).toMatchObject({
      kind: 'mention',
      threadRemoteId: result.item.remoteId,
      text: 'Bonne nouvelle 👇',
      author: { name: 'Camille ✨', handle: 'camille.bsky.social', profileUrl: 'https://bsky.app/profile/camille.bsky.social' },
      context: { remoteId: ROOT, authorName: 'ACME' },
    });
    expect(result.item.attachments).toEqual([
      {
        kind: 'link',
        url: 'https://example.org/comparatif-2024',
        previewUrl: 'https://cdn.bsky.app/img/feed_thumbnail/plain/did:plc:3zhmt5spbz7l5xqxnkpxnqb6/bafkreibme22gw2h7y2eunxwkgx3fbejtzvw5yejiysuprlmq3k2edfhdyi@jpeg',
        alt: 'Comparatif 2024',
      },
    ]);
  });

  it('falls back to the raw record when the AppView returned no view of the post', () => {
    const n = page.notifications[0]!;
    const result = notificationToItem(n, ACCOUNT, {});
    expect(result.ok && result.item.attachments).toEqual([{ kind: 'link', url: 'https://example.org/comparatif-2024', previewUrl: null, alt: 'Comparatif 2024' }]);
    expect(result.ok && result.item.context).toBeNull();
  });

  it('skips what is not a reply, mention or quote, and posts that break the schema, with a reason', () => {
    const like = convert(3);
    expect(like).toEqual({ ok: false, remoteId: page.notifications[3]!.uri, reason: 'reason "like" is not read into the inbox' });
    const broken = notificationToItem({ ...page.notifications[2]!, record: { $type: 'app.bsky.feed.post', text: 42 } }, ACCOUNT);
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.reason).toMatch(/^not a valid post: .*text/);
  });

  it('uses the server time when the client claims a later one', () => {
    const n = page.notifications[2]!;
    const future = { ...n, record: { ...n.record, createdAt: '2031-01-01T00:00:00.000Z' } };
    const result = notificationToItem(future, ACCOUNT);
    expect(result.ok && result.item.createdAt).toBe(Date.parse(n.indexedAt));
  });

  it('keeps the good items of a page whose other items break the lexicon', () => {
    const broken = structuredClone(listNotificationsFixture) as { notifications: Record<string, unknown>[] };
    delete broken.notifications[1]!.author;
    broken.notifications[2]!.uri = 'not a uri';
    const split = splitNotificationPage(broken);
    expect(split.notifications.map((n) => n.reason)).toEqual(['quote', 'like']);
    expect(split.invalid.map((i) => i.remoteId)).toEqual(['at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3lbmyk5v3pc2k', 'not a uri']);
    expect(split.invalid[0]!.reason).toMatch(/author/);
    expect(split.invalid[0]!.indexedAt).toBe('2024-11-20T13:58:03.120Z');
  });
});

describe('helpers', () => {
  it('restores shortened links by UTF-8 byte offsets and ignores facets that do not fit', () => {
    const text = 'é voir example.com/lo… ok';
    const start = Buffer.byteLength('é voir ');
    const end = start + Buffer.byteLength('example.com/lo…');
    const link = (s: number, e: number, uri: string) => ({ index: { byteStart: s, byteEnd: e }, features: [{ $type: 'app.bsky.richtext.facet#link', uri }] });
    expect(textWithLinks(text, [link(start, end, 'https://example.com/long/path')])).toBe('é voir https://example.com/long/path ok');
    expect(textWithLinks(text, [link(start, 999, 'https://x.test')])).toBe(text);
    expect(textWithLinks('see https://a.test/', [link(4, 19, 'https://a.test/')])).toBe('see https://a.test/');
  });

  it('parses at:// URIs and builds authors', () => {
    expect(parseAtUri(ROOT)).toEqual({ repo: 'did:plc:o7brand2pds4lrqxw6hrpnqo', collection: 'app.bsky.feed.post', rkey: '3lbmx7ywgjs2a' });
    expect(parseAtUri('https://bsky.app')).toBeNull();
    expect(toAuthor({ did: 'did:plc:x', handle: 'x.test', displayName: '  ' })).toMatchObject({ name: 'x.test', avatarUrl: null });
  });
});
