import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Attachment } from '../../../shared/model';
import { addAccount, item, makeCore } from '../testing/core-fixture';
import { createMediaScreeningHook, type MediaScreener } from './media';
import {
  createImageFetcher,
  createMediaScreeningPipeline,
  describeImageUrl,
  imagesToScreen,
  isPrivateHost,
  type MediaScreeningPipeline,
} from './media-screening';
import { SCREENABLE_MIME_TYPES } from './nsfw-image';

const MAX_BYTES = 4096;

/** Local image server: what each path answers, and every path asked. */
interface ImageServer {
  base: string;
  requests: string[];
  close(): Promise<void>;
}

async function startImageServer(): Promise<ImageServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    const image = (type: string, body: Buffer) => {
      res.writeHead(200, { 'content-type': type, 'content-length': body.length });
      res.end(body);
    };
    if (path.startsWith('/nsfw')) return image('image/jpeg', Buffer.from('\xff\xd8\xff NSFW-MARKER', 'latin1'));
    if (path.startsWith('/clean')) return image('image/png', Buffer.from('\x89PNG clean pixels', 'latin1'));
    if (path === '/animated.gif') return image('image/gif', Buffer.from('GIF89a...', 'latin1'));
    if (path === '/huge.jpg') return image('image/jpeg', Buffer.alloc(MAX_BYTES + 1, 0xff));
    if (path === '/huge-chunked.jpg') {
      // No Content-Length: the size is only known while reading.
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.write(Buffer.alloc(MAX_BYTES, 0xff));
      res.end(Buffer.alloc(10, 0xff));
      return;
    }
    if (path === '/page.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><p>not an image</p>');
      return;
    }
    if (path === '/moved') {
      res.writeHead(302, { location: '/nsfw-after-redirect.jpg' });
      res.end();
      return;
    }
    if (path === '/loop') {
      res.writeHead(301, { location: '/loop' });
      res.end();
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Test double: "unsafe" when the bytes carry the marker; remembers how many ran at once. */
function markerScreener(): MediaScreener & { calls: number; maxConcurrent: number; gate: Promise<void> | null } {
  let running = 0;
  const screener = {
    calls: 0,
    maxConcurrent: 0,
    gate: null as Promise<void> | null,
    async screen(bytes: Uint8Array) {
      screener.calls += 1;
      running += 1;
      screener.maxConcurrent = Math.max(screener.maxConcurrent, running);
      try {
        if (screener.gate) await screener.gate;
        await new Promise((resolve) => setImmediate(resolve));
        const unsafe = Buffer.from(bytes).includes('NSFW-MARKER');
        return { nsfw: unsafe ? 0.97 : 0.02, labels: { porn: unsafe ? 0.97 : 0.01, neutral: unsafe ? 0.03 : 0.99 } };
      } finally {
        running -= 1;
      }
    },
  };
  return screener;
}

let core: ReturnType<typeof makeCore>;
let server: ImageServer;
let pipeline: MediaScreeningPipeline | null;
let logs: string[];
let screened: { messageId: number; conversationId: number; flagged: boolean; held: boolean }[];

beforeEach(async () => {
  core = makeCore();
  server = await startImageServer();
  logs = [];
  screened = [];
  pipeline = null;
});
afterEach(async () => {
  await pipeline?.close();
  await server.close();
  await core.dispose();
});

function startPipeline(screener: MediaScreener = markerScreener(), extra: { maxQueue?: number; maxImagesPerMessage?: number } = {}) {
  pipeline = createMediaScreeningPipeline({
    db: core.db,
    now: core.now,
    screen: createMediaScreeningHook(screener, { threshold: 0.7, maxBytes: MAX_BYTES, mimeTypes: SCREENABLE_MIME_TYPES }),
    fetchImage: createImageFetcher({ maxBytes: MAX_BYTES, timeoutMs: 5000, allowPrivateAddresses: true }),
    onScreened: (r) => screened.push(r),
    log: (level, message) => logs.push(`${level} ${message}`),
    ...extra,
  });
  return pipeline;
}

const image = (path: string, extra: Partial<Attachment> = {}): Attachment => ({ kind: 'image', url: `${server.base}${path}`, alt: null, ...extra });

/** Ingests messages as the app does and hands the new ones to the pipeline, as the app's wiring will. */
function ingest(accountId: number, items: ReturnType<typeof item>[]) {
  const result = core.ingest(accountId, { items, cursor: null });
  pipeline?.enqueue(result.newMessageIds);
  return result;
}

function messageOf(conversationId: number, index = 0) {
  const detail = core.conversations.get(conversationId, { markRead: false });
  return { detail, message: detail.messages[index]! };
}

describe('image screening after ingest', () => {
  it('holds a message whose image is flagged, flags it and audits the hold', async () => {
    const account = addAccount(core);
    startPipeline();
    const { conversationIds, newMessageIds } = ingest(account.id, [
      item({ threadRemoteId: 'T1', text: 'Regardez ma photo', author: { remoteId: 'x', handle: '@xavier', name: 'Xavier' }, attachments: [image('/nsfw.jpg', { alt: 'photo' })] }),
    ]);
    await pipeline!.idle();

    const { detail, message } = messageOf(conversationIds[0]!);
    expect(message.attachments).toEqual([{ kind: 'image', url: `${server.base}/nsfw.jpg`, alt: 'photo', flagged: true }]);
    expect(message.moderation).toBe('held');
    expect(detail.conversation.held).toBe(true);
    expect(message.flags).toEqual([{ ruleId: 'media', ruleName: 'Image screening', matches: [], at: expect.any(Number) }]);
    const audit = core.moderation.audit.list(undefined, null, 10).items;
    expect(audit).toEqual([
      expect.objectContaining({
        actor: 'rule: Image screening',
        action: 'hold',
        origin: 'rule: Image screening',
        target: 'Xavier (@xavier): Regardez ma photo',
        network: 'mastodon',
        outcome: 'local',
        conversationId: conversationIds[0],
      }),
    ]);
    const detailJson = core.db.prepare<[], { detail: string }>(`SELECT detail FROM activity WHERE kind = 'moderation'`).get()!.detail;
    expect(JSON.parse(detailJson)).toEqual({
      action: 'hold',
      messageId: newMessageIds[0],
      origin: 'rule: Image screening',
      target: 'Xavier (@xavier): Regardez ma photo',
      network: 'mastodon',
      outboxId: null,
      reason: null,
    });
    // Held in Parvis only: nothing goes to the network.
    expect(core.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    expect(screened).toEqual([{ messageId: newMessageIds[0], conversationId: conversationIds[0], flagged: true, held: true }]);
  });

  it('marks a clean image flagged:false and leaves the message visible', async () => {
    const account = addAccount(core);
    startPipeline();
    const { conversationIds } = ingest(account.id, [item({ threadRemoteId: 'T2', attachments: [image('/clean-1.png')] })]);
    await pipeline!.idle();
    const { detail, message } = messageOf(conversationIds[0]!);
    expect(message.attachments).toEqual([{ kind: 'image', url: `${server.base}/clean-1.png`, alt: null, flagged: false }]);
    expect(message.moderation).toBe('visible');
    expect(message.flags).toEqual([]);
    expect(detail.conversation.held).toBe(false);
    expect(core.moderation.audit.list(undefined, null, 10).items).toEqual([]);
    expect(screened).toEqual([expect.objectContaining({ flagged: false, held: false })]);
  });

  it('screens the preview the renderer shows, and keeps other attachments and fields as they were', async () => {
    const account = addAccount(core);
    startPipeline();
    const attachments: Attachment[] = [
      image('/full-size-never-fetched.jpg', { previewUrl: `${server.base}/clean-preview.png`, alt: 'a cat' }),
      { kind: 'link', url: 'https://shop.example/p/1', previewUrl: `${server.base}/nsfw-card.jpg`, alt: 'Shop' },
      { kind: 'video', url: `${server.base}/video.mp4`, previewUrl: null, alt: null },
    ];
    const { conversationIds } = ingest(account.id, [item({ threadRemoteId: 'T3', attachments })]);
    await pipeline!.idle();
    expect(server.requests).toEqual(['/clean-preview.png']);
    expect(messageOf(conversationIds[0]!).message.attachments).toEqual([{ ...attachments[0], flagged: false }, attachments[1], attachments[2]]);
  });

  it('leaves the message unchanged and logs when an image is too large, not an image, missing or unsupported', async () => {
    const account = addAccount(core);
    startPipeline();
    const paths = ['/huge.jpg', '/huge-chunked.jpg', '/page.html', '/missing.png', '/animated.gif', '/loop'];
    const { conversationIds } = ingest(
      account.id,
      paths.map((p, i) => item({ threadRemoteId: `F${i}`, attachments: [image(p)] })),
    );
    await pipeline!.idle();
    for (const [i, conversationId] of conversationIds.entries()) {
      const { detail, message } = messageOf(conversationId);
      expect(message.attachments).toEqual([{ kind: 'image', url: `${server.base}${paths[i]}`, alt: null }]);
      expect(message.moderation).toBe('visible');
      expect(message.flags).toEqual([]);
      expect(detail.conversation.held).toBe(false);
    }
    expect(logs).toEqual([
      expect.stringMatching(/^warn Image not screened \(message \d+, http:\/\/127\.0\.0\.1:\d+\/huge\.jpg\): too-large: The image is 4097 bytes, more than 4096\.$/),
      expect.stringMatching(/^warn Image not screened \(.*\/huge-chunked\.jpg\): too-large: The image is larger than 4096 bytes\.$/),
      expect.stringMatching(/^warn Image not screened \(.*\/page\.html\): not-image: The server sent text\/html, not an image\.$/),
      expect.stringMatching(/^warn Image not screened \(.*\/missing\.png\): http-status: HTTP 404\.$/),
      expect.stringMatching(/^info Image not screened \(.*\/animated\.gif\): unsupported: Media type image\/gif is not screened\.$/),
      expect.stringMatching(/^warn Image not screened \(.*\/loop\): http-status: More than 3 redirects\.$/),
    ]);
    expect(screened).toEqual([]);
    expect(core.moderation.audit.list(undefined, null, 10).items).toEqual([]);
  });

  it('records what could be screened in a message even when another image failed', async () => {
    const account = addAccount(core);
    startPipeline();
    const { conversationIds } = ingest(account.id, [item({ threadRemoteId: 'T4', attachments: [image('/missing.jpg'), image('/moved')] })]);
    await pipeline!.idle();
    const { message } = messageOf(conversationIds[0]!);
    expect(message.attachments.map((a) => a.flagged)).toEqual([undefined, true]);
    expect(message.moderation).toBe('held');
    expect(server.requests).toEqual(['/missing.jpg', '/moved', '/nsfw-after-redirect.jpg']);
  });

  it('flags but does not re-hold a message that a rule already hid, held or removed', async () => {
    const account = addAccount(core);
    startPipeline();
    const { conversationIds } = ingest(account.id, [
      item({ threadRemoteId: 'T5', moderation: 'hidden', attachments: [image('/nsfw-5.jpg')] }),
      item({ threadRemoteId: 'T6', moderation: 'held', attachments: [image('/nsfw-6.jpg')] }),
    ]);
    await pipeline!.idle();
    const hidden = messageOf(conversationIds[0]!).message;
    expect(hidden.moderation).toBe('hidden');
    expect(hidden.attachments[0]!.flagged).toBe(true);
    expect(hidden.flags.map((f) => f.ruleId)).toEqual(['media']);
    const held = messageOf(conversationIds[1]!);
    expect(held.message.moderation).toBe('held');
    expect(held.detail.conversation.held).toBe(true);
    expect(core.moderation.audit.list(undefined, null, 10).items).toEqual([]);
  });

  it('ignores outgoing messages and messages without images, and screens each image once', async () => {
    const account = addAccount(core);
    const screener = markerScreener();
    startPipeline(screener);
    const { newMessageIds } = ingest(account.id, [
      item({ threadRemoteId: 'T7', direction: 'out', attachments: [image('/nsfw-out.jpg')] }),
      item({ threadRemoteId: 'T8', text: 'no picture' }),
      item({ threadRemoteId: 'T9', attachments: [image('/clean-9.png')] }),
    ]);
    await pipeline!.idle();
    pipeline!.enqueue(newMessageIds);
    await pipeline!.idle();
    expect(server.requests).toEqual(['/clean-9.png']);
    expect(screener.calls).toBe(1);
  });

  it('screens one message at a time however fast pages arrive', async () => {
    const account = addAccount(core);
    const screener = markerScreener();
    startPipeline(screener);
    for (let page = 0; page < 4; page++) {
      ingest(account.id, [
        item({ threadRemoteId: `P${page}a`, attachments: [image(`/clean-${page}a.png`), image(`/nsfw-${page}.jpg`)] }),
        item({ threadRemoteId: `P${page}b`, attachments: [image(`/clean-${page}b.png`)] }),
      ]);
    }
    await pipeline!.idle();
    expect(screener.calls).toBe(12);
    expect(screener.maxConcurrent).toBe(1);
    expect(screened.filter((s) => s.held)).toHaveLength(4);
    expect(core.db.prepare(`SELECT count(*) AS n FROM conversations WHERE held = 1`).get()).toEqual({ n: 4 });
  });

  it('drops messages beyond the queue limit, leaving their images hidden, and says so once', async () => {
    const account = addAccount(core);
    const screener = markerScreener();
    let release!: () => void;
    screener.gate = new Promise<void>((resolve) => (release = resolve));
    startPipeline(screener, { maxQueue: 1 });
    const { conversationIds } = ingest(account.id, [
      item({ threadRemoteId: 'Q1', attachments: [image('/clean-q1.png')] }),
      item({ threadRemoteId: 'Q2', attachments: [image('/clean-q2.png')] }),
      item({ threadRemoteId: 'Q3', attachments: [image('/clean-q3.png')] }),
    ]);
    release();
    await pipeline!.idle();
    expect(conversationIds.map((id) => messageOf(id).message.attachments[0]!.flagged)).toEqual([false, undefined, undefined]);
    expect(logs).toEqual(['warn Image screening has 1 messages waiting: the images of newer ones stay hidden until revealed.']);
  });

  it('catches up on recent messages never screened (after a restart)', async () => {
    const account = addAccount(core);
    // Ingested while no pipeline ran.
    const { conversationIds } = core.ingest(account.id, {
      items: [item({ threadRemoteId: 'R1', attachments: [image('/nsfw-r1.jpg')] }), item({ threadRemoteId: 'R2', attachments: [image('/clean-r2.png')] })],
      cursor: null,
    });
    startPipeline();
    expect(pipeline!.screenRecent(100)).toBe(2);
    await pipeline!.idle();
    expect(conversationIds.map((id) => messageOf(id).message.attachments[0]!.flagged)).toEqual([true, false]);
    // Everything is screened now: nothing is queued again.
    expect(pipeline!.screenRecent(100)).toBe(0);
  });

  it('writes nothing once closed, even for the message in flight', async () => {
    const account = addAccount(core);
    const screener = markerScreener();
    let release!: () => void;
    screener.gate = new Promise<void>((resolve) => (release = resolve));
    startPipeline(screener);
    const { conversationIds } = ingest(account.id, [item({ threadRemoteId: 'C1', attachments: [image('/nsfw-c1.jpg')] })]);
    while (screener.calls === 0) await new Promise((resolve) => setImmediate(resolve));
    const closing = pipeline!.close();
    release();
    await closing;
    const { message } = messageOf(conversationIds[0]!);
    expect(message.attachments[0]!.flagged).toBeUndefined();
    expect(message.moderation).toBe('visible');
  });
});

describe('closing during a download', () => {
  it('stops the download at once and logs nothing', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const account = addAccount(core);
      const screener = markerScreener();
      pipeline = createMediaScreeningPipeline({
        db: core.db,
        now: core.now,
        screen: createMediaScreeningHook(screener),
        // Far longer than the test's own time limit: only the abort can end this download.
        fetchImage: createImageFetcher({ allowPrivateAddresses: true, timeoutMs: 600_000 }),
        log: (level, message) => logs.push(`${level} ${message}`),
      });
      const { conversationIds } = ingest(account.id, [item({ threadRemoteId: 'S1', attachments: [{ kind: 'image', url: `http://127.0.0.1:${port}/slow.jpg` }] })]);
      while (silent.listening && (await new Promise<number>((resolve) => silent.getConnections((_e, n) => resolve(n)))) === 0) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      await pipeline.close();
      expect(screener.calls).toBe(0);
      expect(logs).toEqual([]);
      expect(messageOf(conversationIds[0]!).message.attachments[0]!.flagged).toBeUndefined();
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('reports an aborted download as such', async () => {
    const stop = new AbortController();
    stop.abort();
    const fetchImage = createImageFetcher({ allowPrivateAddresses: true });
    expect(await fetchImage(`${server.base}/clean.png`, stop.signal)).toEqual({ ok: false, error: { kind: 'aborted', message: 'The download was stopped.' } });
  });
});

describe('createImageFetcher', () => {
  it('refuses local and private addresses unless allowed, without sending anything', async () => {
    const fetchImage = createImageFetcher();
    expect(await fetchImage(`${server.base}/clean.png`)).toEqual({ ok: false, error: { kind: 'private-address', message: '127.0.0.1 is a local or private address.' } });
    expect(await fetchImage('ftp://cdn.example/a.png')).toMatchObject({ ok: false, error: { kind: 'not-http' } });
    expect(await fetchImage('not a url')).toMatchObject({ ok: false, error: { kind: 'not-http' } });
    expect(server.requests).toEqual([]);
  });

  it('checks every redirect hop like the first URL', async () => {
    const calls: string[] = [];
    const fetchImage = createImageFetcher({
      fetch: (async (url: string) => {
        calls.push(url);
        return new Response(null, { status: 302, headers: { location: 'http://192.168.1.1/admin.png' } });
      }) as unknown as typeof fetch,
    });
    expect(await fetchImage('https://cdn.example/a.png')).toMatchObject({ ok: false, error: { kind: 'private-address' } });
    expect(calls).toEqual(['https://cdn.example/a.png']);
  });

  it('reports a server that does not answer in time, and an unreachable one', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const fetchImage = createImageFetcher({ allowPrivateAddresses: true, timeoutMs: 50 });
      expect(await fetchImage(`http://127.0.0.1:${port}/slow.jpg`)).toEqual({ ok: false, error: { kind: 'timeout', message: 'No complete answer within 50 ms.' } });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
    const closedPort = createImageFetcher({ allowPrivateAddresses: true });
    expect(await closedPort(`http://127.0.0.1:${port}/gone.jpg`)).toMatchObject({ ok: false, error: { kind: 'network', message: 'ECONNREFUSED' } });
  });

  it('returns the bytes and the MIME type of an image', async () => {
    const fetchImage = createImageFetcher({ allowPrivateAddresses: true });
    const result = await fetchImage(`${server.base}/clean.png`);
    expect(result).toEqual({ ok: true, bytes: expect.any(Uint8Array), mime: 'image/png' });
    if (result.ok) expect(Buffer.from(result.bytes).toString('latin1')).toBe('\x89PNG clean pixels');
  });
});

describe('isPrivateHost, imagesToScreen, describeImageUrl', () => {
  it('knows local and private address literals', () => {
    const host = (url: string) => new URL(url).hostname;
    for (const url of ['http://localhost/', 'http://a.localhost/', 'http://127.0.0.1/', 'http://2130706433/', 'http://0x7f.1/', 'http://10.1.2.3/', 'http://172.20.0.1/', 'http://192.168.0.10/', 'http://169.254.169.254/', 'http://100.64.0.1/', 'http://0.0.0.0/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[fd00::1]/', 'http://[fe80::1]/']) {
      expect(isPrivateHost(host(url)), url).toBe(true);
    }
    for (const url of ['https://cdn.bsky.app/', 'https://8.8.8.8/', 'http://172.32.0.1/', 'http://[2001:db8::1]/', 'http://[::ffff:8.8.8.8]/', 'https://files.mastodon.social/']) {
      expect(isPrivateHost(host(url)), url).toBe(false);
    }
  });

  it('picks the unscreened web images, at most N, and the URL the renderer would show', () => {
    expect(
      imagesToScreen(
        [
          { kind: 'image', url: 'https://a/1.jpg', previewUrl: 'https://a/1-small.jpg' },
          { kind: 'image', url: 'https://a/2.jpg', flagged: false },
          { kind: 'image', url: 'javascript:alert(1)' },
          { kind: 'image', url: 'https://a/3.jpg', previewUrl: 'data:image/png;base64,AAAA' },
          { kind: 'video', url: 'https://a/4.mp4' },
          { kind: 'image', url: 'https://a/5.jpg' },
        ],
        2,
      ),
    ).toEqual([
      { index: 0, url: 'https://a/1.jpg', screenUrl: 'https://a/1-small.jpg' },
      { index: 3, url: 'https://a/3.jpg', screenUrl: 'https://a/3.jpg' },
    ]);
  });

  it('keeps query strings (signed CDN URLs) out of logs', () => {
    expect(describeImageUrl('https://cdn.example/media/a.jpg?sig=secret&exp=1')).toBe('https://cdn.example/media/a.jpg');
    expect(describeImageUrl('nope')).toBe('(not a URL)');
  });
});
