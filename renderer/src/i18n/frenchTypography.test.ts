import { describe, expect, it } from 'vitest';
import { frenchTypography, NARROW_NBSP as N, withFrenchTypography } from './frenchTypography';

describe('frenchTypography', () => {
  it('puts a narrow no-break space before ; ? ! and a punctuation colon', () => {
    expect(frenchTypography('Supprimer ? Oui ! Non ; Filtre : tout')).toBe(`Supprimer${N}? Oui${N}! Non${N}; Filtre${N}: tout`);
    expect(frenchTypography('Fin :')).toBe(`Fin${N}:`);
  });

  it('replaces an existing ordinary or no-break space rather than adding one', () => {
    expect(frenchTypography('Vraiment\u00A0?')).toBe(`Vraiment${N}?`);
  });

  it('leaves times, URLs and placeholders alone', () => {
    expect(frenchTypography('demain 9:00, https://parvis.app, {count}')).toBe('demain 9:00, https://parvis.app, {count}');
  });

  it('spaces « guillemets » inside', () => {
    expect(frenchTypography('la vue « Mes conversations »')).toBe(`la vue «${N}Mes conversations${N}»`);
    expect(frenchTypography('«Boîte»')).toBe(`«${N}Boîte${N}»`);
  });

  it('walks nested catalogues', () => {
    expect(withFrenchTypography({ a: { b: 'Prêt ?' } })).toEqual({ a: { b: `Prêt${N}?` } });
  });
});
