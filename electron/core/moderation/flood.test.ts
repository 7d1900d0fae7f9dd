import { describe, expect, it } from 'vitest';
import { FloodTracker, floodKeyOf } from './flood';

const MINUTE = 60_000;

describe('FloodTracker', () => {
  it('counts repeats of the same folded text by one author within the window', () => {
    const tracker = new FloodTracker({ windowMs: 10 * MINUTE });
    expect(tracker.observe('Achetez mes followers ici', 'a', 0)).toEqual({ sameAuthor: 1, distinctAuthors: 1 });
    expect(tracker.observe('ACHETEZ mes followers ici !!!', 'a', MINUTE)).toEqual({ sameAuthor: 2, distinctAuthors: 1 });
    expect(tracker.observe('achetez mes folloooowers ici', 'a', 2 * MINUTE)).toEqual({ sameAuthor: 3, distinctAuthors: 1 });
  });

  it('counts distinct authors sending the same text', () => {
    const tracker = new FloodTracker();
    tracker.observe('Gagnez un iPhone gratuit maintenant', 'a', 0);
    tracker.observe('Gagnez un iPhone gratuit maintenant', 'b', 1);
    tracker.observe('Gagnez un iPhone gratuit maintenant', 'b', 2);
    expect(tracker.observe('gagnez un iphone gratuit maintenant', 'c', 3)).toEqual({ sameAuthor: 1, distinctAuthors: 3 });
  });

  it('forgets sightings older than the window (sliding)', () => {
    const tracker = new FloodTracker({ windowMs: 10 * MINUTE });
    tracker.observe('the same spam message', 'a', 0);
    tracker.observe('the same spam message', 'a', 5 * MINUTE);
    expect(tracker.observe('the same spam message', 'a', 10 * MINUTE)).toEqual({ sameAuthor: 2, distinctAuthors: 1 });
    expect(tracker.observe('the same spam message', 'a', 30 * MINUTE)).toEqual({ sameAuthor: 1, distinctAuthors: 1 });
  });

  it('keeps different texts apart', () => {
    const tracker = new FloodTracker();
    tracker.observe('first message of the day', 'a', 0);
    expect(tracker.observe('second message of the day', 'a', 1)).toEqual({ sameAuthor: 1, distinctAuthors: 1 });
  });

  it('does not track short texts ("merci", emoji) that many people send at once', () => {
    const tracker = new FloodTracker();
    for (const author of ['a', 'b', 'c', 'd']) tracker.observe('Merci !', author, 0);
    expect(tracker.observe('Merci !', 'e', 1)).toEqual({ sameAuthor: 1, distinctAuthors: 1 });
    expect(tracker.size).toBe(0);
  });

  it('peek reports without recording', () => {
    const tracker = new FloodTracker();
    tracker.observe('a long enough message', 'a', 0);
    expect(tracker.peek('a long enough message', 'b', 1)).toEqual({ sameAuthor: 1, distinctAuthors: 2 });
    expect(tracker.peek('a long enough message', 'b', 1)).toEqual({ sameAuthor: 1, distinctAuthors: 2 });
    expect(tracker.observe('a long enough message', 'a', 2)).toEqual({ sameAuthor: 2, distinctAuthors: 1 });
  });

  it('bounds memory: least recently seen texts are forgotten first', () => {
    const tracker = new FloodTracker({ maxTexts: 3 });
    tracker.observe('message number one here', 'a', 0);
    tracker.observe('message number two here', 'a', 1);
    tracker.observe('message number three here', 'a', 2);
    tracker.observe('message number one here', 'a', 3);
    tracker.observe('message number four here', 'a', 4);
    expect(tracker.size).toBe(3);
    // "two" was the least recently seen and is gone; "one" was refreshed and is kept.
    expect(tracker.peek('message number two here', 'a', 5).sameAuthor).toBe(1);
    expect(tracker.peek('message number one here', 'a', 5).sameAuthor).toBe(3);
  });

  it('bounds sightings per text', () => {
    const tracker = new FloodTracker({ maxSightingsPerText: 5 });
    let counts = { sameAuthor: 0, distinctAuthors: 0 };
    for (let i = 0; i < 20; i++) counts = tracker.observe('repeated message text', 'a', i);
    expect(counts.sameAuthor).toBe(5);
  });
});

describe('floodKeyOf', () => {
  it('is stable and spreads different texts', () => {
    expect(floodKeyOf('abc')).toBe(floodKeyOf('abc'));
    const keys = new Set(Array.from({ length: 10_000 }, (_, i) => floodKeyOf(`message ${i}`)));
    expect(keys.size).toBe(10_000);
    expect(Number.isSafeInteger(floodKeyOf('abc'))).toBe(true);
  });
});
