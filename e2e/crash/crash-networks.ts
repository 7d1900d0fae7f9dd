/**
 * The networks of the crash harness: the local Mastodon, Bluesky and YouTube servers, each behind a
 * network link (latency on answers, observation), a community that keeps writing to the connected
 * accounts (a steady trickle and, now and then, a burst that makes a big page), and what each
 * server holds: the messages the app must end up with and the replies the app posted.
 *
 * Everything runs in the harness process, so it outlives every kill of the app.
 */
import { startBlueskyServer, type BlueskyServer } from '../networks/bluesky';
import { startMastodonServer, type MastodonServer } from '../networks/mastodon';
import { startYouTubeServer, type YouTubeServer } from '../networks/youtube';
import type { SeededRandom } from '../../electron/core/security/seeded-random';
import { startNetworkLink, type NetworkLink, type RelayedAnswer, type RelayedRequest } from './network-link';

export type CrashNetwork = 'mastodon' | 'bluesky' | 'youtube';

/** A reply the app posted, as a server recorded it. */
export interface PostedReply {
  network: CrashNetwork;
  /** The network's id of the posted reply. */
  remoteId: string;
  text: string;
}

/** A request that posts a reply, seen on a link. */
export interface ReplyOnTheWire {
  network: CrashNetwork;
  /** The `[token]` the app put in the reply's text. */
  token: string;
}

export interface CrashNetworks {
  endpoints: Record<CrashNetwork, string>;
  bluesky: { handle: string; password: string };
  google: { clientId: string; clientSecret: string };
  /** Remote ids of every community message each network has for the connected account. */
  expected: Record<CrashNetwork, Set<string>>;
  /** Starts the community's activity (until `stopActivity`). */
  startActivity(): void;
  stopActivity(): void;
  /** Every reply and post the app posted, from the servers' own records (posts carry a `p…` token). */
  postedReplies(): PostedReply[];
  /** Called when a reply request reaches a server / when the server has answered it. */
  onReplyRequest: ((reply: ReplyOnTheWire) => void) | null;
  onReplyAnswered: ((reply: ReplyOnTheWire, answer: RelayedAnswer) => void) | null;
  /** How many messages the community wrote, by network. */
  written(): Record<CrashNetwork, number>;
  close(): Promise<void>;
}

const GOOGLE_CLIENT = { clientId: 'parvis-crash-test.apps.googleusercontent.com', clientSecret: 'GOCSPX-crash-test-client-secret' };
/** `r…` in a reply the app queued, `p…` in a post it scheduled. */
const TOKEN = /\[([rp]\d+-\d+-[a-z0-9]+)\]/;

const PHRASES = [
  'Bonjour, ma commande est arrivée cassée, que faire ?',
  'Is the new version available on Android yet?',
  'Super service, merci beaucoup 👏',
  "J'attends toujours le remboursement promis la semaine dernière…",
  'Any plans for an export to CSV? It would save me hours every week.',
  'Le lien dans votre bio ne marche plus',
  'Why did you remove the dark mode?? 😡',
  'Question : livrez-vous en Belgique ?',
  '¿Tienen soporte en español? Gracias',
  'This is the third time I write to you, please answer.',
];

/** A community message of realistic length: one to several sentences. */
function communityText(random: SeededRandom, n: number): string {
  const sentences = random.int(1, 6);
  const parts: string[] = [];
  for (let i = 0; i < sentences; i++) parts.push(random.pick(PHRASES));
  return `${parts.join(' ')} (#${n})`;
}

/** Which network and which token a request carries, when it posts a reply or a scheduled post. */
function replyOf(network: CrashNetwork, request: RelayedRequest): ReplyOnTheWire | null {
  if (request.method !== 'POST') return null;
  const path = request.path.split('?')[0];
  const isReply =
    (network === 'mastodon' && path === '/api/v1/statuses') ||
    (network === 'bluesky' && path === '/xrpc/com.atproto.repo.createRecord' && request.body.includes('app.bsky.feed.post')) ||
    (network === 'youtube' && path === '/youtube/v3/comments');
  const token = isReply ? TOKEN.exec(request.body)?.[1] : undefined;
  return token ? { network, token } : null;
}

/** Starts the three servers and their links, and seeds a first few conversations on each. */
export async function startCrashNetworks(random: SeededRandom): Promise<CrashNetworks> {
  const unlimited = { limit: 1_000_000_000, windowSeconds: 300 };
  const mastodon: MastodonServer = await startMastodonServer({ rateLimit: unlimited, maxCharacters: 5_000 });
  const bluesky: BlueskyServer = await startBlueskyServer({ rateLimit: unlimited });
  const youtube: YouTubeServer = await startYouTubeServer({ dailyQuota: 1_000_000_000, ...GOOGLE_CLIENT });

  const latency = random.fork('latency');
  // Most answers are quick; some are slow, as on a busy server or a poor connection.
  const answerDelayMs = () => (latency.chance(0.08) ? latency.int(250, 700) : latency.int(2, 60));

  const networks: CrashNetworks = {
    endpoints: { mastodon: '', bluesky: '', youtube: '' },
    bluesky: { handle: bluesky.control.account.handle, password: bluesky.control.account.password },
    google: GOOGLE_CLIENT,
    expected: { mastodon: new Set(), bluesky: new Set(), youtube: new Set() },
    onReplyRequest: null,
    onReplyAnswered: null,
    startActivity: () => {},
    stopActivity: () => {},
    postedReplies: () => [],
    written: () => ({ mastodon: 0, bluesky: 0, youtube: 0 }),
    close: async () => {},
  };

  const links: NetworkLink[] = [];
  for (const [network, target] of [
    ['mastodon', mastodon.url],
    ['bluesky', bluesky.url],
    ['youtube', youtube.url],
  ] as const) {
    const link = await startNetworkLink({
      target,
      answerDelayMs,
      onRequest: (request) => {
        const reply = replyOf(network, request);
        if (reply) networks.onReplyRequest?.(reply);
      },
      onAnswer: (request, answer) => {
        const reply = replyOf(network, request);
        if (reply) networks.onReplyAnswered?.(reply, answer);
      },
    });
    links.push(link);
    networks.endpoints[network] = link.url;
  }

  // What people comment on.
  const mastodonPosts = [
    mastodon.control.addPost({ text: 'Notre nouvelle collection est en ligne ! Qu’en pensez-vous ?' }).statusId,
    mastodon.control.addPost({ text: 'We are hiring a community manager. Questions welcome.' }).statusId,
  ];
  const blueskyPosts = [
    bluesky.control.addOwnPost('Notre nouvelle version est disponible ! Dites-nous ce que vous en pensez.').uri,
    bluesky.control.addOwnPost('Question du jour : quelle fonctionnalité voulez-vous voir ensuite ?').uri,
  ];
  const videos = [
    youtube.control.addVideo({ title: 'We rebuilt our app in 30 days' }).id,
    youtube.control.addVideo({ title: 'Keyboard shortcuts every community manager needs' }).id,
  ];
  const youtubeThreads: string[] = [];
  const communityHandles = bluesky.control.community.map((c) => c.handle);
  const written: Record<CrashNetwork, number> = { mastodon: 0, bluesky: 0, youtube: 0 };

  const community = random.fork('community');
  /** One message from the community on `network`. */
  const write = (network: CrashNetwork) => {
    written[network] += 1;
    const n = written[network];
    const text = communityText(community, n);
    switch (network) {
      case 'mastodon': {
        const from = `member${community.int(1, 40)}`;
        const id = community.chance(0.5)
          ? mastodon.control.addReply({ from, to: community.pick(mastodonPosts), text }).statusId
          : mastodon.control.addMention({ from, text }).statusId;
        networks.expected.mastodon.add(id);
        return;
      }
      case 'bluesky': {
        const from = community.pick(communityHandles);
        const uri = community.chance(0.6)
          ? bluesky.control.addReply(community.pick(blueskyPosts), { from, text: text.slice(0, 290) }).uri
          : bluesky.control.addMention({ from, text: text.slice(0, 250) }).uri;
        networks.expected.bluesky.add(uri);
        return;
      }
      case 'youtube': {
        const author = { name: `@viewer${community.int(1, 60)}`, channelId: `UC${String(community.int(1, 60)).padStart(22, 'x')}` };
        const comment =
          youtubeThreads.length > 0 && community.chance(0.35)
            ? youtube.control.addReply({ parentId: community.pick(youtubeThreads.slice(-30)), text, author })
            : youtube.control.addThread({ videoId: community.pick(videos), text, author });
        if (comment.parentId === null) youtubeThreads.push(comment.id);
        networks.expected.youtube.add(comment.id);
        return;
      }
    }
  };

  // A first few conversations, read by the first poll.
  for (let i = 0; i < 6; i++) for (const network of ['mastodon', 'bluesky', 'youtube'] as const) write(network);

  let trickle: NodeJS.Timeout | null = null;
  let janitor: NodeJS.Timeout | null = null;
  networks.startActivity = () => {
    if (trickle) return;
    trickle = setInterval(() => {
      write(community.pick(['mastodon', 'bluesky', 'youtube'] as const));
      // Now and then a burst (a post goes viral): the next poll brings back big pages.
      if (community.chance(0.02)) {
        const network = community.pick(['mastodon', 'bluesky', 'youtube'] as const);
        const count = network === 'youtube' ? community.int(40, 120) : community.int(60, 200);
        for (let i = 0; i < count; i++) write(network);
      }
    }, 40);
    // The YouTube server logs whole answers; the harness never reads them.
    janitor = setInterval(() => youtube.control.clearRequests(), 2_000);
  };
  networks.stopActivity = () => {
    if (trickle) clearInterval(trickle);
    if (janitor) clearInterval(janitor);
    trickle = null;
    janitor = null;
  };

  networks.written = () => ({ ...written });
  networks.postedReplies = () => {
    const out: PostedReply[] = [];
    for (const s of mastodon.control.state().posted) {
      if (TOKEN.test(s.text)) out.push({ network: 'mastodon', remoteId: s.id, text: s.text });
    }
    const me = bluesky.control.account.did;
    for (const p of bluesky.control.state().posts) {
      if (p.author === me && TOKEN.test(p.text)) out.push({ network: 'bluesky', remoteId: p.uri, text: p.text });
    }
    for (const r of youtube.control.insertedReplies) out.push({ network: 'youtube', remoteId: r.id, text: r.textOriginal });
    return out;
  };
  networks.close = async () => {
    networks.stopActivity();
    for (const link of links) await link.close();
    await Promise.all([mastodon.close(), bluesky.close(), youtube.close()]);
  };
  return networks;
}

/** The `[token]` in a reply's text, or null. */
export function replyToken(text: string): string | null {
  return TOKEN.exec(text)?.[1] ?? null;
}
