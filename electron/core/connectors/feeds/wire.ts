/**
 * The raw shapes of feeds as feedsmith reads them (it keeps each format's own structure: RSS
 * items, Atom entries, JSON Feed items, RDF items, and their namespaces). Only convert.ts reads
 * them; nothing outside this folder sees them.
 */
import type { AtomFeed, JsonFeed, MediaNs, RdfFeed, RssFeed } from 'feedsmith';

export type WireRssFeed = RssFeed.Feed<string>;
export type WireRssItem = RssFeed.Item<string>;
export type WireAtomFeed = AtomFeed.Feed<string>;
export type WireAtomEntry = AtomFeed.Entry<string>;
export type WireAtomText = AtomFeed.Text;
export type WireAtomLink = AtomFeed.Link<string>;
export type WireJsonFeed = JsonFeed.Feed<string>;
export type WireJsonItem = JsonFeed.Item<string>;
export type WireRdfFeed = RdfFeed.Feed<string>;
export type WireRdfItem = RdfFeed.Item<string>;
export type WireMedia = MediaNs.ItemOrFeed;

/** What feedsmith gives for any feed: the format and that format's document. */
export type WireFeed =
  | { format: 'rss'; feed: WireRssFeed }
  | { format: 'atom'; feed: WireAtomFeed }
  | { format: 'rdf'; feed: WireRdfFeed }
  | { format: 'json'; feed: WireJsonFeed };
