/**
 * The ten accounts of the generated workspace and the people who write to them. Shares of the
 * traffic are skewed the way a brand's are: one big YouTube channel, a busy Instagram, then
 * smaller accounts down to a Discourse forum that gets a message now and then.
 */
import type { ConversationKind, Network } from '../../shared/model';

export interface BenchAccountSpec {
  network: Network;
  serverUrl: string;
  remoteId: string;
  handle: string;
  displayName: string;
  /** Fraction of all messages that arrive on this account. */
  share: number;
  language: 'fr' | 'en' | 'mixed';
  /** Conversation kinds, most frequent first. */
  kinds: ConversationKind[];
}

export const BENCH_ACCOUNTS: readonly BenchAccountSpec[] = [
  { network: 'youtube', serverUrl: 'https://www.googleapis.com', remoteId: 'UCatelierLumenFR0000000', handle: '@AtelierLumen', displayName: 'Atelier Lumen', share: 0.24, language: 'fr', kinds: ['comment'] },
  { network: 'instagram', serverUrl: 'https://graph.facebook.com', remoteId: '17841400000000001', handle: 'atelier.lumen', displayName: 'Atelier Lumen', share: 0.16, language: 'mixed', kinds: ['comment', 'comment', 'dm', 'mention'] },
  { network: 'mastodon', serverUrl: 'https://mastodon.social', remoteId: '109000000000000001', handle: '@atelierlumen@mastodon.social', displayName: 'Atelier Lumen', share: 0.12, language: 'fr', kinds: ['mention', 'comment', 'dm'] },
  { network: 'bluesky', serverUrl: 'https://bsky.social', remoteId: 'did:plc:atelierlumen0000000000', handle: 'atelierlumen.bsky.social', displayName: 'Atelier Lumen', share: 0.11, language: 'mixed', kinds: ['comment', 'mention'] },
  { network: 'facebook', serverUrl: 'https://graph.facebook.com', remoteId: '100000000000001', handle: 'AtelierLumen', displayName: 'Atelier Lumen', share: 0.1, language: 'fr', kinds: ['comment', 'dm', 'review'] },
  { network: 'youtube', serverUrl: 'https://www.googleapis.com', remoteId: 'UCatelierLumenEN0000000', handle: '@AtelierLumenEN', displayName: 'Atelier Lumen (EN)', share: 0.09, language: 'en', kinds: ['comment'] },
  { network: 'bluesky', serverUrl: 'https://bsky.social', remoteId: 'did:plc:lumensupport000000000000', handle: 'support.atelierlumen.com', displayName: 'Lumen Support', share: 0.06, language: 'en', kinds: ['mention', 'comment'] },
  { network: 'mastodon', serverUrl: 'https://mastodon.online', remoteId: '110000000000000002', handle: '@lumen_support@mastodon.online', displayName: 'Lumen Support (EN)', share: 0.05, language: 'en', kinds: ['mention', 'dm'] },
  { network: 'reddit', serverUrl: 'https://oauth.reddit.com', remoteId: 't2_atelierlumen', handle: 'u/AtelierLumen', displayName: 'Atelier Lumen', share: 0.04, language: 'en', kinds: ['comment', 'dm'] },
  { network: 'discourse', serverUrl: 'https://forum.atelier-lumen.example', remoteId: '1', handle: 'lumen', displayName: 'Forum Atelier Lumen', share: 0.03, language: 'fr', kinds: ['comment'] },
];

const FIRST_FR = ['Camille', 'Léa', 'Hugo', 'Chloé', 'Louis', 'Manon', 'Jules', 'Inès', 'Gabriel', 'Zoé', 'Nathan', 'Louise', 'Théo', 'Jade', 'Arthur', 'Emma', 'Raphaël', 'Lina', 'Mathis', 'Alice', 'Yasmine', 'Karim', 'Océane', 'Étienne', 'Maël', 'Anaïs', 'Bastien', 'Céline'];
const LAST_FR = ['Rousseau', 'Martin', 'Bernard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Fournier', 'Girard', 'Lambert', 'Bonnet', 'Fontaine', 'Chevalier', 'Robin', 'Gauthier', 'Perrin', 'Morel', 'Mercier', 'Blanc', 'Dupuis', 'Benali', 'Haddad', 'Faure', 'Roux', 'Lefèvre', 'Garnier'];
const FIRST_EN = ['Dan', 'Priya', 'Olivia', 'Marcus', 'Sofia', 'Ethan', 'Grace', 'Liam', 'Hannah', 'Noah', 'Ava', 'Lucas', 'Mia', 'Jack', 'Chen', 'Zara', 'Owen', 'Ruby', 'Leo', 'Isla', 'Maya', 'Tom', 'Nora', 'Sam'];
const LAST_EN = ['Whitaker', 'Natarajan', 'Brooks', 'Hill', 'Alvarez', 'Cole', 'Kim', 'O’Connor', 'Schmidt', 'Patel', 'Thompson', 'Silva', 'Johansson', 'Turner', 'Wei', 'Ahmed', 'Price', 'Evans', 'Fischer', 'Murray', 'Reed', 'Walsh'];

export interface BenchAuthor {
  remoteId: string;
  handle: string;
  name: string;
  avatarUrl: string;
  profileUrl: string;
}

/** The `index`-th person writing to an account, the same every run. */
export function benchAuthor(account: BenchAccountSpec, index: number, language: 'fr' | 'en'): BenchAuthor {
  const first = language === 'fr' ? FIRST_FR : FIRST_EN;
  const last = language === 'fr' ? LAST_FR : LAST_EN;
  const given = first[index % first.length]!;
  const family = last[Math.floor(index / first.length) % last.length]!;
  const slug = `${given}${family}`.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
  const suffix = index.toString(36);
  const name = `${given} ${family}`;
  switch (account.network) {
    case 'bluesky': {
      // Fixed-width fields, so that two people never share an id.
      const did = `did:plc:${slug.slice(0, 12).padEnd(12, 'x')}${suffix.padStart(12, '0')}`;
      return { remoteId: did, handle: `${slug}${suffix}.bsky.social`, name, avatarUrl: `https://cdn.bsky.app/img/avatar/plain/${did}/bafkrei${suffix}@jpeg`, profileUrl: `https://bsky.app/profile/${slug}${suffix}.bsky.social` };
    }
    case 'mastodon':
      return { remoteId: `1090${String(index).padStart(14, '0')}`, handle: `@${slug}${suffix}@piaille.fr`, name, avatarUrl: `https://piaille.fr/system/accounts/avatars/${suffix}.png`, profileUrl: `https://piaille.fr/@${slug}${suffix}` };
    case 'youtube':
      return { remoteId: `UC${slug.slice(0, 10).padEnd(10, 'x')}${suffix.padStart(12, '0')}`, handle: `@${slug}${suffix}`, name, avatarUrl: `https://yt3.ggpht.com/ytc/${suffix}=s88`, profileUrl: `https://www.youtube.com/@${slug}${suffix}` };
    default:
      return { remoteId: `${account.network}-${index}`, handle: `${slug}${suffix}`, name, avatarUrl: `https://${account.network}.example/avatar/${suffix}.jpg`, profileUrl: `https://${account.network}.example/${slug}${suffix}` };
  }
}
