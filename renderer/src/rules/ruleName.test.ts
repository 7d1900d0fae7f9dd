import { describe, expect, it } from 'vitest';
import { createParvisI18n } from '../i18n';
import { ruleDisplayName } from './ruleName';

describe('ruleDisplayName', () => {
  const fr = createParvisI18n('fr').global.t as (key: string) => string;
  const en = createParvisI18n('en').global.t as (key: string) => string;

  it('words the shipped rule from the catalogues in each language', () => {
    expect(ruleDisplayName(fr, 'netiquette', 'Netiquette')).toBe('Nétiquette');
    expect(ruleDisplayName(en, 'netiquette', 'Netiquette')).toBe('Netiquette');
    expect(ruleDisplayName(fr, 'media', 'Image screening')).toBe('Filtrage des images');
  });

  it('keeps the name a user gave, to the shipped rule or to their own', () => {
    expect(ruleDisplayName(fr, 'netiquette', 'Insultes')).toBe('Insultes');
    expect(ruleDisplayName(fr, 'r-123', 'Spam du soir')).toBe('Spam du soir');
    // A rule of the user's that happens to share the shipped rule's name is still theirs.
    expect(ruleDisplayName(fr, 'r-123', 'Netiquette')).toBe('Netiquette');
  });

  it('recognises the shipped rule by its name alone in the audit log', () => {
    expect(ruleDisplayName(fr, null, 'Netiquette')).toBe('Nétiquette');
    expect(ruleDisplayName(fr, null, 'Spam du soir')).toBe('Spam du soir');
  });
});
