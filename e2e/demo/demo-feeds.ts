/**
 * The feeds the demo brand follows, served by the demo's local feed server beside the press review
 * (e2e/networks/feeds/broken-dates.rss.xml): its own blog (WordPress RSS 2.0, with `content:encoded`
 * and `dc:creator`), a community forum's feed of topics about lighting (Discourse Atom, relative links
 * under `xml:base`), and a news alert on the brand's name (JSON Feed 1.1). French and English, dated
 * in the hours and days before the demo starts. No images: every link points to reserved `.example`
 * hosts, which nothing here fetches (the image screening would try to).
 */
import type { ExtraFeed } from '../networks/feeds';

export const DEMO_FEEDS = {
  blog: 'atelier-lumen-journal.rss.xml',
  forum: 'maison-lumiere-forum.atom.xml',
  alerts: 'alerte-atelier-lumen.json',
} as const;

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Entry {
  id: string;
  title: string;
  /** HTML. */
  html: string;
  link: string;
  author: string;
  hoursAgo: number;
  lang?: string;
  category?: string;
}

const BLOG: Entry[] = [
  {
    id: 'https://journal.atelier-lumen.example/?p=412',
    title: 'Dans l’atelier : comment naît l’abat-jour de la Dune',
    html: '<p>Du lin lavé, une armature en laiton et <strong>quatre heures</strong> de couture&nbsp;: visite de l’atelier de Lyon, où chaque abat-jour de la Dune est monté à la main.</p><p>Vos questions en commentaire, nous répondons à toutes.</p>',
    link: 'https://journal.atelier-lumen.example/2026/12/abat-jour-dune/',
    author: 'Claire Martin',
    hoursAgo: 20,
    category: 'Atelier',
  },
  {
    id: 'https://journal.atelier-lumen.example/?p=409',
    title: 'Halo: why we redesigned the dimmer',
    html: '<p>Some of you told us the Halo dimmer buzzed with LED bulbs. Here is what we changed in the <em>V3</em> dimmer, and how to get one if your lamp is affected.</p>',
    link: 'https://journal.atelier-lumen.example/2026/12/halo-dimmer-v3/',
    author: 'Tom Becker',
    hoursAgo: 52,
    lang: 'en',
    category: 'Products',
  },
  {
    id: 'https://journal.atelier-lumen.example/?p=401',
    title: 'Marchés de Noël : Lyon, Paris &amp; Lille',
    html: '<p>L’atelier sera présent sur trois marchés de Noël&nbsp;: Lyon (6 &amp; 7 décembre), Paris (13 &amp; 14) et Lille (20). Venez essayer la nouvelle Orbe&nbsp;!</p>',
    link: 'https://journal.atelier-lumen.example/2026/11/marches-de-noel/',
    author: 'Claire Martin',
    hoursAgo: 130,
    category: 'Événements',
  },
];

const FORUM: Entry[] = [
  {
    id: 'tag:forum.maison-lumiere.example,2026:topic/8812',
    title: 'Lampe Dune d’Atelier Lumen : vos avis ?',
    html: '<p>J’hésite entre la Dune d’Atelier Lumen et une lampe en papier japonais. Quelqu’un l’a depuis plus de six mois&nbsp;? La finition tient-elle&nbsp;?</p>',
    link: 't/lampe-dune-vos-avis/8812',
    author: 'bricoleuse_lyon',
    hoursAgo: 6,
  },
  {
    id: 'tag:forum.maison-lumiere.example,2026:topic/8790',
    title: 'Warm light for a reading corner: Halo vs. Flos?',
    html: '<p>Looking for a floor lamp with a warm, dimmable light for a reading corner. The <em>Halo</em> by Atelier Lumen looks great, but is the dimmer smooth?</p>',
    link: 't/warm-light-reading-corner/8790',
    author: 'nordic_reader',
    hoursAgo: 30,
    lang: 'en',
  },
  {
    id: 'tag:forum.maison-lumiere.example,2026:topic/8751',
    title: 'Réparer une vieille lampe : câble tissu &amp; douille E27',
    html: '<p>Tuto pas à pas pour recâbler une lampe des années 60 avec un câble tissu. Merci à <a href="u/atelier_lumen">Atelier Lumen</a> pour les conseils sur les douilles.</p>',
    link: 't/reparer-vieille-lampe/8751',
    author: 'marc_l',
    hoursAgo: 75,
  },
];

const ALERTS: Entry[] = [
  {
    id: 'alerte-2026-12-07-01',
    title: '« Atelier Lumen » : la jeune marque lyonnaise qui rallume le luminaire artisanal',
    html: '<p>Portrait de l’atelier fondé en 2019, qui fabrique ses lampes à Lyon. <a href="https://www.quotidien-lyon.example/eco/atelier-lumen">Lire l’article</a></p>',
    link: 'https://www.quotidien-lyon.example/eco/atelier-lumen',
    author: 'Le Quotidien de Lyon',
    hoursAgo: 16,
  },
  {
    id: 'alerte-2026-12-05-02',
    title: '“Atelier Lumen” among ten design studios to watch in 2027',
    html: '<p>The Lyon studio’s Dune lamp is singled out for its linen shade and brass frame. <a href="https://design-weekly.example/2027-studios">Read more</a></p>',
    link: 'https://design-weekly.example/2027-studios',
    author: 'Design Weekly',
    hoursAgo: 64,
    lang: 'en',
  },
];

/** A new alert the demo adds while it writes its history (arrives at the next poll). */
export const DEMO_NEW_ALERT = {
  id: 'alerte-2026-12-08-03',
  title: '« Atelier Lumen » ouvre un showroom à Paris au printemps',
  html: '<p>La marque annonce un deuxième showroom, rue de Charonne. <a href="https://www.journal-deco.example/atelier-lumen-paris">Lire</a></p>',
  link: 'https://www.journal-deco.example/atelier-lumen-paris',
  author: 'Journal de la déco',
};

function blogRss(now: number): string {
  const items = BLOG.map(
    (e) => `    <item>
      <title>${e.title}</title>
      <link>${escapeXml(e.link)}</link>
      <dc:creator><![CDATA[${e.author}]]></dc:creator>
      <pubDate>${new Date(now - e.hoursAgo * 3_600_000).toUTCString()}</pubDate>
      <category><![CDATA[${e.category ?? 'Journal'}]]></category>
      <guid isPermaLink="false">${escapeXml(e.id)}</guid>
      <description><![CDATA[${e.html.replace(/<[^>]+>/g, '').slice(0, 140)} […]]]></description>
      <content:encoded><![CDATA[${e.html}]]></content:encoded>
      <slash:comments>0</slash:comments>
    </item>`,
  ).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:atom="http://www.w3.org/2005/Atom"
  xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
  <channel>
    <title>Atelier Lumen — Le journal de l’atelier</title>
    <atom:link href="https://journal.atelier-lumen.example/feed/" rel="self" type="application/rss+xml" />
    <link>https://journal.atelier-lumen.example</link>
    <description>Lampes faites main à Lyon : coulisses, nouveautés, événements</description>
    <lastBuildDate>${new Date(now - BLOG[0]!.hoursAgo * 3_600_000).toUTCString()}</lastBuildDate>
    <language>fr-FR</language>
    <generator>https://wordpress.org/?v=6.7.1</generator>
${items}
  </channel>
</rss>
`;
}

function forumAtom(now: number): string {
  const iso = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000).toISOString();
  const entries = FORUM.map(
    (e) => `  <entry${e.lang ? ` xml:lang="${e.lang}"` : ''}>
    <title type="html">${escapeXml(e.title)}</title>
    <link rel="alternate" type="text/html" href="${escapeXml(e.link)}"/>
    <id>${escapeXml(e.id)}</id>
    <published>${iso(e.hoursAgo)}</published>
    <updated>${iso(e.hoursAgo - 0.5)}</updated>
    <author><name>${escapeXml(e.author)}</name><uri>u/${escapeXml(e.author)}</uri></author>
    <content type="html">${escapeXml(e.html)}</content>
  </entry>`,
  ).join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://forum.maison-lumiere.example/" xml:lang="fr">
  <title type="text">Maison &amp; Lumière — le forum : Luminaires</title>
  <link rel="alternate" type="text/html" href="c/luminaires/12"/>
  <link rel="self" type="application/atom+xml" href="c/luminaires/12.rss"/>
  <id>tag:forum.maison-lumiere.example,2026:/c/luminaires</id>
  <updated>${iso(FORUM[0]!.hoursAgo - 0.5)}</updated>
  <generator uri="https://www.discourse.org">Discourse</generator>
${entries}
</feed>
`;
}

function alertsJson(now: number): string {
  return `${JSON.stringify(
    {
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Alerte : « Atelier Lumen »',
      home_page_url: 'https://alertes.veille-presse.example/atelier-lumen',
      feed_url: 'https://alertes.veille-presse.example/atelier-lumen.json',
      description: 'Les nouveaux articles qui citent « Atelier Lumen », en français et en anglais.',
      language: 'fr',
      items: ALERTS.map((e) => ({
        id: e.id,
        url: e.link,
        title: e.title,
        content_html: e.html,
        date_published: new Date(now - e.hoursAgo * 3_600_000).toISOString(),
        authors: [{ name: e.author }],
        ...(e.lang ? { language: e.lang } : {}),
      })),
    },
    null,
    2,
  )}\n`;
}

/** The three feeds, dated from `now`, for `startFeedServer({ extra })`. */
export function demoFeeds(now: number): ExtraFeed[] {
  return [
    { name: DEMO_FEEDS.blog, body: Buffer.from(blogRss(now), 'utf8'), contentType: 'application/rss+xml; charset=UTF-8' },
    { name: DEMO_FEEDS.forum, body: Buffer.from(forumAtom(now), 'utf8'), contentType: 'application/atom+xml; charset=utf-8' },
    { name: DEMO_FEEDS.alerts, body: Buffer.from(alertsJson(now), 'utf8'), contentType: 'application/feed+json' },
  ];
}
