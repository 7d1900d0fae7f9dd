import type { LexiconEntry } from '../../../shared/moderation';

/** What is wrong with a term as typed (the same checks as the lexicon schema), or null. */
export function termProblem(term: string): 'short' | 'long' | 'star' | null {
  const trimmed = term.trim();
  if (trimmed.length < 2) return 'short';
  if (trimmed.length > 80) return 'long';
  if (trimmed.slice(0, -1).includes('*')) return 'star';
  return null;
}

/** Lower-cased without accents: two spellings that fold alike are the same term for the matcher. */
export function termKey(term: string): string {
  return term.trim().normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Adds an entry, or replaces the one with the same term (folded); returns the new list. */
export function withEntry(entries: readonly LexiconEntry[], entry: LexiconEntry): LexiconEntry[] {
  const key = termKey(entry.term);
  const clean = { ...entry, term: entry.term.trim() };
  const index = entries.findIndex((e) => termKey(e.term) === key);
  if (index === -1) return [clean, ...entries];
  return entries.map((e, i) => (i === index ? clean : e));
}

/** Entries whose term, folded, contains the query (folded); all of them for an empty query. */
export function filterEntries(entries: readonly LexiconEntry[], query: string): LexiconEntry[] {
  const key = termKey(query);
  return key === '' ? [...entries] : entries.filter((e) => termKey(e.term).includes(key));
}
