import { describe, expect, it } from 'vitest';
import { channelToAuthor, commentToItem, htmlToText, moderationOf, parseChannel, parseComment, parseThread, videoInfos, type VideoInfo } from './convert';

const OWN_CHANNEL = 'UCownChannel000000000000';

/** A commentThreads.list item as YouTube sends it (part=snippet,replies, textFormat=html). */
const recordedThread = {
  kind: 'youtube#commentThread',
  etag: 'Q3zYc2y3bvO3kT0dKqJvBXNBtHo',
  id: 'UgzDE2tasfmrYLyNkGt4AaABAg',
  snippet: {
    channelId: OWN_CHANNEL,
    videoId: 'dQw4w9WgXcQ',
    topLevelComment: {
      kind: 'youtube#comment',
      etag: 'c1ZhSP8cHVGRrcz0qRzUH0s5mNQ',
      id: 'UgzDE2tasfmrYLyNkGt4AaABAg',
      snippet: {
        channelId: OWN_CHANNEL,
        videoId: 'dQw4w9WgXcQ',
        textDisplay:
          'Great explanation at <a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=42">0:42</a> &amp; thanks!<br>Isn&#39;t it &lt;fun&gt;?',
        textOriginal: "Great explanation at 0:42 & thanks!\nIsn't it <fun>?",
        authorDisplayName: '@ada.codes',
        authorProfileImageUrl: 'https://yt3.ggpht.com/ytc/AIdro_abc=s48-c-k-c0x00ffffff-no-rj',
        authorChannelUrl: 'http://www.youtube.com/@ada.codes',
        authorChannelId: { value: 'UCa1b2c3d4e5f6g7h8i9j0kl' },
        canRate: true,
        viewerRating: 'none',
        likeCount: 3,
        publishedAt: '2026-11-20T14:03:12Z',
        updatedAt: '2026-11-20T14:05:00Z',
      },
    },
    canReply: true,
    totalReplyCount: 1,
    isPublic: true,
  },
  replies: {
    comments: [
      {
        kind: 'youtube#comment',
        etag: 'Xh1pRrBKo6rnsUwj9CvQJfBgnb8',
        id: 'UgzDE2tasfmrYLyNkGt4AaABAg.9xYzAbCdEfG9xYzAbCdEfH',
        snippet: {
          channelId: OWN_CHANNEL,
          videoId: 'dQw4w9WgXcQ',
          textDisplay: 'Glad it helped!',
          textOriginal: 'Glad it helped!',
          parentId: 'UgzDE2tasfmrYLyNkGt4AaABAg',
          authorDisplayName: '@parvisdemo',
          authorProfileImageUrl: 'https://yt3.ggpht.com/own=s48',
          authorChannelUrl: 'http://www.youtube.com/@parvisdemo',
          authorChannelId: { value: OWN_CHANNEL },
          canRate: true,
          viewerRating: 'none',
          likeCount: 0,
          publishedAt: '2026-11-20T15:00:00Z',
          updatedAt: '2026-11-20T15:00:00Z',
        },
      },
    ],
  },
};

const videos = new Map<string, VideoInfo>([['dQw4w9WgXcQ', { title: 'How we built Parvis', channelTitle: 'Parvis Demo' }]]);

describe('commentToItem', () => {
  it('turns a top-level comment into the thread root, with text, html, author and video context', () => {
    const parsed = parseThread(recordedThread);
    if (!parsed.ok) throw new Error(parsed.reason);
    const thread = parsed.value;
    const item = commentToItem(thread.snippet.topLevelComment, thread.id, { ownChannelId: OWN_CHANNEL, listedAs: 'published', videos });
    expect(item).toEqual({
      remoteId: 'UgzDE2tasfmrYLyNkGt4AaABAg',
      threadRemoteId: 'UgzDE2tasfmrYLyNkGt4AaABAg',
      parentRemoteId: null,
      kind: 'comment',
      direction: 'in',
      author: {
        remoteId: 'UCa1b2c3d4e5f6g7h8i9j0kl',
        handle: 'ada.codes',
        name: '@ada.codes',
        avatarUrl: 'https://yt3.ggpht.com/ytc/AIdro_abc=s48-c-k-c0x00ffffff-no-rj',
        profileUrl: 'https://www.youtube.com/@ada.codes',
      },
      text: "Great explanation at 0:42 & thanks!\nIsn't it <fun>?",
      html: 'Great explanation at <a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=42">0:42</a> &amp; thanks!<br>Isn&#39;t it &lt;fun&gt;?',
      attachments: [],
      createdAt: Date.parse('2026-11-20T14:03:12Z'),
      permalink: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=UgzDE2tasfmrYLyNkGt4AaABAg',
      moderation: 'visible',
      context: { remoteId: 'dQw4w9WgXcQ', text: 'How we built Parvis', url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', authorName: 'Parvis Demo' },
      extra: {
        authorChannelId: 'UCa1b2c3d4e5f6g7h8i9j0kl',
        videoId: 'dQw4w9WgXcQ',
        channelId: OWN_CHANNEL,
        likeCount: 3,
        updatedAt: '2026-11-20T14:05:00Z',
      },
    });
  });

  it('makes a reply by the channel an outgoing message of the same thread', () => {
    const parsed = parseThread(recordedThread);
    if (!parsed.ok) throw new Error(parsed.reason);
    const raw = parsed.value.replies?.comments[0];
    const reply = parseComment(raw);
    if (!reply.ok) throw new Error(reply.reason);
    const item = commentToItem(reply.value, parsed.value.id, { ownChannelId: OWN_CHANNEL, listedAs: 'published', videos: new Map() });
    expect(item).toMatchObject({
      remoteId: 'UgzDE2tasfmrYLyNkGt4AaABAg.9xYzAbCdEfG9xYzAbCdEfH',
      threadRemoteId: 'UgzDE2tasfmrYLyNkGt4AaABAg',
      parentRemoteId: 'UgzDE2tasfmrYLyNkGt4AaABAg',
      direction: 'out',
      author: { handle: 'parvisdemo' },
      // Without the title (a private or deleted video) the link stands in.
      context: { remoteId: 'dQw4w9WgXcQ', text: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', authorName: null },
    });
  });

  it('marks comments of the review queue held, and falls back to the HTML when textOriginal is missing', () => {
    const comment = parseComment({
      id: 'Ugheld',
      snippet: {
        authorDisplayName: 'Legacy Name',
        authorChannelUrl: 'http://www.youtube.com/channel/UClegacy',
        textDisplay: 'line one<br>two &amp; <b>three</b> &#128512;',
        publishedAt: '2026-11-21T08:00:00.000+01:00',
      },
    });
    if (!comment.ok) throw new Error(comment.reason);
    const item = commentToItem(comment.value, 'Ugheld', { ownChannelId: OWN_CHANNEL, listedAs: 'heldForReview', videos });
    expect(item.moderation).toBe('held');
    expect(item.text).toBe('line one\ntwo & three 😀');
    expect(item.author).toEqual({ remoteId: 'name:Legacy Name', handle: 'Legacy Name', name: 'Legacy Name', avatarUrl: null, profileUrl: 'https://www.youtube.com/channel/UClegacy' });
    expect(item.createdAt).toBe(Date.parse('2026-11-21T07:00:00Z'));
    expect(item.context).toBeNull();
    expect(item.permalink).toBeNull();
  });
});

describe('parsing untrusted items', () => {
  it('refuses broken threads and comments with their id and a reason', () => {
    const noTop = parseThread({ kind: 'youtube#commentThread', id: 'Ugbroken', snippet: { totalReplyCount: 0 } });
    expect(noTop).toEqual({ ok: false, remoteId: 'Ugbroken', reason: expect.stringContaining('snippet.topLevelComment') });
    const badDate = parseComment({ id: 'Ugdate', snippet: { authorDisplayName: '@x', textOriginal: 'hi', publishedAt: 'yesterday' } });
    expect(badDate).toEqual({ ok: false, remoteId: 'Ugdate', reason: expect.stringContaining('publishedAt') });
    const noText = parseComment({ id: 'Ugtext', snippet: { authorDisplayName: '@x', publishedAt: '2026-11-21T08:00:00Z' } });
    expect(noText.ok).toBe(false);
    expect(parseThread('a string')).toEqual({ ok: false, remoteId: null, reason: expect.stringContaining('unreadable comment thread') });
  });
});

describe('small conversions', () => {
  it('maps YouTube moderation statuses', () => {
    expect(moderationOf('heldForReview', 'published')).toBe('held');
    expect(moderationOf('likelySpam', null)).toBe('spam');
    expect(moderationOf('rejected', null)).toBe('removed');
    expect(moderationOf('published', 'heldForReview')).toBe('visible');
    expect(moderationOf(undefined, 'heldForReview')).toBe('held');
    expect(moderationOf(undefined, 'published')).toBe('visible');
  });

  it('turns HTML into text without inventing characters', () => {
    expect(htmlToText('a<br/>b<BR>c &quot;q&quot; &#x41; &unknown; &#0;')).toBe('a\nb\nc "q" A &unknown; &#0;');
  });

  it('reads the channel and the video titles', () => {
    const channel = parseChannel({
      kind: 'youtube#channel',
      id: OWN_CHANNEL,
      snippet: { title: 'Parvis Demo', customUrl: '@parvisdemo', thumbnails: { default: { url: 'https://yt3/a.jpg', width: 88, height: 88 } } },
    });
    if (!channel.ok) throw new Error(channel.reason);
    expect(channelToAuthor(channel.value)).toEqual({
      remoteId: OWN_CHANNEL,
      handle: 'parvisdemo',
      name: 'Parvis Demo',
      avatarUrl: 'https://yt3/a.jpg',
      profileUrl: 'https://www.youtube.com/@parvisdemo',
    });
    const titles = videoInfos([
      { id: 'v1', snippet: { title: 'One', channelTitle: 'Parvis Demo' } },
      { id: 'v2' },
      null,
      { id: 'v3', snippet: { title: 'Three' } },
    ]);
    expect([...titles]).toEqual([
      ['v1', { title: 'One', channelTitle: 'Parvis Demo' }],
      ['v3', { title: 'Three', channelTitle: null }],
    ]);
  });
});
