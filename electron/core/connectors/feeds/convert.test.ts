/**
 * convert.ts on the feed files the local feed server serves (e2e/networks/feeds/): real-world
 * RSS 2.0, Atom, JSON Feed 1.1, a YouTube channel feed and a feed with broken dates.
 */
import { describe, expect, it } from 'vitest';
import { feedFile } from '../../../../e2e/networks/feeds';
import { ConnectorError } from '../types';
import { decodeFeedBody, itemsFromFeed, NotAFeedError, parseFeedDate, readFeed, type FeedDocument } from './convert';
import { discoverFeedLinks } from './html';

const NOW = Date.parse('2026-11-03T12:00:00Z');

function read(name: Parameters<typeof feedFile>[0], url: string, contentType: string | null = null): FeedDocument {
  return readFeed(decodeFeedBody(feedFile(name), contentType), url, NOW);
}

function items(doc: FeedDocument, url: string, firstSeen = new Map<string, number>()) {
  return itemsFromFeed(doc, { feedUrl: url, now: NOW, firstSeen });
}

describe('RSS 2.0 (WordPress, with content:encoded, dc:creator, media:)', () => {
  const url = 'https://blog.lumiere-et-co.example/feed/';
  const doc = read('blog.rss.xml', url, 'application/rss+xml; charset=UTF-8');
  const { items: list } = items(doc, url);

  it('reads the feed’s title with its entities decoded, its site and its image', () => {
    expect(doc.format).toBe('rss');
    expect(doc.title).toBe('Lumière & Co – Le blog');
    expect(doc.siteUrl).toBe('https://blog.lumiere-et-co.example/');
    expect(doc.iconUrl).toBe('https://blog.lumiere-et-co.example/wp-content/uploads/2025/01/cropped-logo-32x32.png');
  });

  it('makes one feed conversation per item, identified by its guid, dated by pubDate, written by dc:creator', () => {
    expect(list.map((i) => i.remoteId)).toEqual([
      'https://blog.lumiere-et-co.example/?p=1482',
      'https://blog.lumiere-et-co.example/?p=1471',
      'https://blog.lumiere-et-co.example/2026/10/01/tom-et-jerry/',
    ]);
    for (const item of list) {
      expect(item).toMatchObject({ kind: 'feed', direction: 'in', threadRemoteId: item.remoteId, parentRemoteId: null });
    }
    expect(list[0]!.createdAt).toBe(Date.parse('2026-11-03T09:12:44Z'));
    expect(list[0]!.author).toMatchObject({ name: 'Camille Roche', handle: 'blog.lumiere-et-co.example' });
    expect(list[1]!.author.name).toBe('Hugo Martin');
  });

  it('takes the text from content:encoded, as plain text, title first; the HTML only in html', () => {
    const first = list[0]!;
    expect(first.text).toBe(
      'La lampe Orbe revient en laiton brossé\n\nVous étiez nombreux à la demander : l’Orbe revient en laiton brossé, en série limitée de 200 pièces.\n\n' +
        'Les précommandes ouvrent lundi sur la boutique. Une question ? Écrivez-nous.',
    );
    expect(first.text).not.toMatch(/<|&#|&nbsp;|alert/);
    expect(first.html).toContain('<strong>Orbe</strong>');
    expect(list[1]!.text).toContain('* Démonstration de soudure à 11 h');
  });

  it('resolves the relative links and images of the HTML against the entry’s address', () => {
    const html = list[0]!.html!;
    expect(html).toContain('src="https://blog.lumiere-et-co.example/wp-content/uploads/2026/11/orbe-laiton-1024x683.jpg"');
    expect(html).toContain('srcset="https://blog.lumiere-et-co.example/wp-content/uploads/2026/11/orbe-laiton-1024x683.jpg 1024w, https://blog.lumiere-et-co.example/wp-content/uploads/2026/11/orbe-laiton-300x200.jpg 300w"');
    expect(html).toContain('href="https://blog.lumiere-et-co.example/boutique/orbe/"');
    expect(html).toContain('href="mailto:atelier@lumiere-et-co.example"');
  });

  it('turns media:content and enclosures into attachments, and resolves a relative item link', () => {
    expect(list[0]!.attachments).toEqual([
      { kind: 'image', url: 'https://blog.lumiere-et-co.example/wp-content/uploads/2026/11/orbe-laiton.jpg', previewUrl: null, alt: 'La lampe Orbe en laiton brossé' },
    ]);
    expect(list[1]!.attachments).toEqual([
      { kind: 'file', url: 'https://blog.lumiere-et-co.example/wp-content/uploads/2026/10/plan-atelier.pdf', previewUrl: null, alt: null },
    ]);
    expect(list[2]!.permalink).toBe('https://blog.lumiere-et-co.example/2026/10/01/tom-et-jerry/');
  });

  it('decodes a double-escaped title once as HTML: "Tom &amp;amp; Jerry" reads "Tom & Jerry"', () => {
    expect(list[2]!.text.split('\n')[0]).toBe('Tom & Jerry, nos chats d’atelier, ont 3 ans');
    expect(list[2]!.text).toContain('depuis 2023 <3');
  });
});

describe('Atom (xml:base, relative links, entities, type="html" and "xhtml")', () => {
  const url = 'https://forum.lumiere-et-co.example/c/support/latest.atom';
  const doc = read('news.atom.xml', url, 'application/atom+xml; charset=utf-8');
  const { items: list } = items(doc, url);

  it('reads a type="html" title as text', () => {
    expect(doc.format).toBe('atom');
    expect(doc.title).toBe('Forum Lumière & Co Support');
    expect(list[0]!.text.split('\n')[0]).toBe('L’Orbe grésille & clignote après 10 min');
  });

  it('keeps a type="text" title as written, "<" included', () => {
    expect(list[1]!.text.split('\n')[0]).toBe('Compatibilité avec les ampoules Hue ? 5 < 7');
  });

  it('resolves links against the entry’s xml:base, itself read against the feed’s', () => {
    expect(doc.siteUrl).toBe('https://forum.lumiere-et-co.example/c/support/');
    expect(doc.iconUrl).toBe('https://forum.lumiere-et-co.example/favicon.png');
    expect(list[0]!.permalink).toBe('https://forum.lumiere-et-co.example/t/orbe-gresille/5120');
    expect(list[0]!.author).toMatchObject({ name: 'Léa D.', profileUrl: 'https://forum.lumiere-et-co.example/u/lea_d' });
    expect(list[0]!.html).toContain('href="https://forum.lumiere-et-co.example/uploads/video-5120.mp4"');
    expect(list[1]!.permalink).toBe('https://forum.lumiere-et-co.example/c/support/t/hue/5107');
  });

  it('reads xhtml content with its own xml:base, and prefers published to updated', () => {
    expect(list[1]!.html).toContain('href="https://forum.lumiere-et-co.example/t/hue/5107#reply-2"');
    expect(list[1]!.html).toContain('src="https://forum.lumiere-et-co.example/t/hue/capture.png"');
    expect(list[1]!.text).toContain('Est-ce que la Halo accepte les ampoules connectées ?');
    expect(list[0]!.createdAt).toBe(Date.parse('2026-11-02T17:40:00Z'));
  });

  it('falls back to the feed’s author and keeps an enclosure link', () => {
    expect(list[2]!.author.name).toBe('Forum Lumière & Co');
    expect(list[2]!.attachments).toEqual([{ kind: 'image', url: 'https://forum.lumiere-et-co.example/uploads/maintenance.png', previewUrl: null, alt: 'Bannière' }]);
    expect(list[2]!.text).toBe('Annonce : maintenance du forum samedi\n\nLe forum sera en lecture seule de 8 h à 10 h.');
  });
});

describe('JSON Feed 1.1', () => {
  const url = 'https://lumiere-et-co.example/alerts.json';
  const doc = read('updates.json', url, 'application/feed+json');
  const { items: list } = items(doc, url);

  it('reads items with their ids (a number too), authors, HTML or text bodies and attachments', () => {
    expect(doc.format).toBe('json');
    expect(doc.title).toBe('Lumière & Co — Alertes produits');
    expect(list.map((i) => i.remoteId)).toEqual(['alert-2026-031', 'stock-orbe-laiton', '20261015']);
    expect(list[0]!.author).toMatchObject({ name: 'Sarah Benali', avatarUrl: 'https://lumiere-et-co.example/equipe/sarah.jpg' });
    expect(list[0]!.permalink).toBe('https://lumiere-et-co.example/alertes/2026-031');
    expect(list[0]!.html).toContain('href="https://lumiere-et-co.example/alertes/2026-031#faire"');
    expect((list[0]!.attachments ?? []).map((a) => [a.kind, a.url])).toEqual([
      ['image', 'https://lumiere-et-co.example/img/halo-v2.jpg'],
      ['file', 'https://lumiere-et-co.example/alertes/2026-031.pdf'],
    ]);
    expect(list[1]!).toMatchObject({ html: null, text: 'Orbe laiton : de nouveau en stock\n\nL\'Orbe en laiton brossé est de nouveau disponible.\nLivraison sous 5 jours ouvrés.' });
    expect(list[2]!.author.name).toBe('Équipe qualité');
  });
});

describe('a YouTube channel feed (Atom with media:group)', () => {
  it('takes the text from media:description and the thumbnail as the picture', () => {
    const url = 'https://www.youtube.com/feeds/videos.xml?channel_id=UCx4tLumiere0000000000';
    const video = items(read('channel.youtube.xml', url), url).items[0]!;
    expect(video).toMatchObject({ remoteId: 'yt:video:Q8vZt3kLm0A', permalink: 'https://www.youtube.com/watch?v=Q8vZt3kLm0A' });
    expect(video.text).toContain('Hugo soude le pied d\'une Orbe');
    expect(video.attachments).toEqual([{ kind: 'image', url: 'https://i3.ytimg.com/vi/Q8vZt3kLm0A/hqdefault.jpg', previewUrl: null, alt: 'Comment on soude une Orbe (atelier, 4K)' }]);
  });
});

describe('broken dates, repeated ids, ISO-8859-1', () => {
  const url = 'http://presse.example.net/rss.xml';
  const doc = read('broken-dates.rss.xml', url, 'text/xml');
  const first = items(doc, url);
  const byId = new Map(first.items.map((i) => [i.remoteId, i]));

  it('decodes the body with the XML declaration’s encoding', () => {
    expect(doc.title).toBe('Revue de presse Lumière');
    expect(byId.get('presse-2026-040')!.text).toContain('Fréquence Rhône');
  });

  it('keeps the first of two entries with the same guid, once', () => {
    expect(first.items.filter((i) => i.remoteId === 'presse-2026-041')).toHaveLength(1);
    expect(byId.get('presse-2026-041')!.text).toContain('Le Progrès parle de l\'atelier');
  });

  it('reads "2026-10-30 14:05:00 +0200"; gives undated, 1970 and future entries the time they were first seen', () => {
    expect(byId.get('presse-2026-039')!.createdAt).toBe(Date.parse('2026-10-30T12:05:00Z'));
    for (const id of ['presse-2026-040', 'presse-epoch', 'presse-future']) {
      expect(byId.get(id)!.createdAt).toBeLessThanOrEqual(NOW);
      expect(byId.get(id)!.createdAt).toBeGreaterThan(NOW - 100);
      expect(first.firstSeen.get(id)).toBe(byId.get(id)!.createdAt);
    }
    expect(first.firstSeen.has('presse-2026-039')).toBe(false);
  });

  it('keeps an undated entry’s first-seen time on a later poll', () => {
    const later = itemsFromFeed(doc, { feedUrl: url, now: NOW + 3600_000, firstSeen: first.firstSeen });
    const again = new Map(later.items.map((i) => [i.remoteId, i.createdAt]));
    expect(again.get('presse-2026-040')).toBe(byId.get('presse-2026-040')!.createdAt);
    expect(later.firstSeen).toEqual(first.firstSeen);
  });

  it('identifies an item without guid by its link, and one with neither by a hash of what it says', () => {
    expect(byId.has('http://presse.example.net/2026/sans-guid')).toBe(true);
    expect(byId.get('http://presse.example.net/2026/sans-guid')!.createdAt).toBe(Date.parse('2026-10-28T08:00:00Z'));
    const hashed = first.items.find((i) => i.remoteId.startsWith('sha256:'))!;
    expect(hashed.text).toBe('Ni titre, ni guid, ni lien : juste ce texte.');
    expect(items(read('broken-dates.rss.xml', url, 'text/xml'), url).items.find((i) => i.remoteId.startsWith('sha256:'))!.remoteId).toBe(hashed.remoteId);
  });
});

describe('what is not a feed', () => {
  it('an HTML page fails as NotAFeedError, and its announced feeds are found, resolved', () => {
    const page = feedFile('site.html').toString('utf8');
    expect(() => readFeed(page, 'https://blog.lumiere-et-co.example/', NOW)).toThrow(NotAFeedError);
    expect(discoverFeedLinks(page, 'https://blog.lumiere-et-co.example/')).toEqual([
      'https://blog.lumiere-et-co.example/feeds/blog.rss.xml',
      'https://blog.lumiere-et-co.example/feeds/comments.rss.xml',
    ]);
  });

  it('other XML or JSON fails as a bad response in plain words', () => {
    for (const body of ['<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', '{"hello": "world"}', '{not json', 'plain text']) {
      let error: unknown;
      try {
        readFeed(body, 'https://example.org/x', NOW);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).kind).toBe('bad-response');
    }
  });
});

describe('parseFeedDate', () => {
  it('reads RFC 822, RFC 3339 and common near misses; refuses placeholders and the future', () => {
    expect(parseFeedDate('Tue, 03 Nov 2026 09:12:44 +0000', NOW)).toBe(Date.parse('2026-11-03T09:12:44Z'));
    expect(parseFeedDate('Tue, 03 Nov 2026 09:12:44 GMT', NOW)).toBe(Date.parse('2026-11-03T09:12:44Z'));
    expect(parseFeedDate('2026-11-02T18:40:00+01:00', NOW)).toBe(Date.parse('2026-11-02T17:40:00Z'));
    expect(parseFeedDate('2026-10-30 14:05:00 +02:00', NOW)).toBe(Date.parse('2026-10-30T12:05:00Z'));
    expect(parseFeedDate('Tue, 03 Nov 2026 09:12:44 GMT+2', NOW)).toBe(Date.parse('2026-11-03T07:12:44Z'));
    for (const broken of ['', 'yesterday-ish', 'Thu, 01 Jan 1970 00:00:00 +0000', '2100-01-01T00:00:00Z', undefined, 42]) {
      expect(parseFeedDate(broken, NOW)).toBeNull();
    }
  });
});
