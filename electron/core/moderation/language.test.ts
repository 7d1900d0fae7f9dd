import { describe, expect, it } from 'vitest';
import { detectLanguage, languageScores } from './language';

describe('detectLanguage', () => {
  it.each([
    ['Bonjour, ma commande n’est toujours pas arrivée.', 'fr'],
    ["t'es qu'un con", 'fr'],
    ['Le service client a été très rapide.', 'fr'],
    ['Est-ce que vous livrez en Belgique ?', 'fr'],
    ['Merci beaucoup pour votre aide', 'fr'],
    ['grosse bite', 'fr'],
    ['Thanks for the quick answer, it works now.', 'en'],
    ['When will the new collection be available?', 'en'],
    ["I don't think this is what I ordered", 'en'],
    ['The dog may bite', 'en'],
    ['you are a retard', 'en'],
  ])('%s → %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it.each([
    [''],
    ['👍👍👍'],
    ['https://example.com/promo?id=42'],
    ['Mosquito bite'],
    ['Guten Tag, wie geht es Ihnen?'],
    ['¿Dónde está la biblioteca? Es muy grande y bonita.'],
    ['ok'],
  ])('%s → unknown', (text) => {
    expect(detectLanguage(text)).toBeNull();
  });

  it('does not count words shared by both languages', () => {
    // "a", "on", "plus", "son", "me", "sur" exist in both; "don't" splits into "don" + "t".
    expect(languageScores('a on plus son me sur')).toEqual({ fr: 0, en: 0, other: 0, words: 6 });
    expect(languageScores("don't")).toEqual({ fr: 0, en: 0, other: 0, words: 2 });
  });

  it('needs one side to clearly outweigh the other in mixed texts', () => {
    expect(detectLanguage('the le and et')).toBeNull();
    expect(detectLanguage('I love the produit, merci')).toBe('en');
  });
});
