/** U+202F NARROW NO-BREAK SPACE: French puts it before ; ? ! : and inside « ». */
export const NARROW_NBSP = '\u202F';

/**
 * Applies French spacing to a catalogue string written with ordinary spaces: "Supprimer ?"
 * becomes "Supprimer\u202F?", « guillemets » get narrow no-break spaces inside. A colon only
 * counts as punctuation when followed by a space or the end ("9:00" and URLs stay as they are).
 */
export function frenchTypography(text: string): string {
  return text
    .replace(/[ \u00A0]+([;?!])/g, `${NARROW_NBSP}$1`)
    .replace(/[ \u00A0]+:(?=\s|$)/g, `${NARROW_NBSP}:`)
    .replace(/«[ \u00A0]*/g, `«${NARROW_NBSP}`)
    .replace(/[ \u00A0]*»/g, `${NARROW_NBSP}»`);
}

/** A catalogue: nested objects of strings. */
export interface Catalogue {
  [key: string]: string | Catalogue;
}

/** Applies `frenchTypography` to every string of a catalogue. */
export function withFrenchTypography<T extends Catalogue>(catalogue: T): T {
  return Object.fromEntries(
    Object.entries(catalogue).map(([key, value]) => [key, typeof value === 'string' ? frenchTypography(value) : withFrenchTypography(value)]),
  ) as T;
}
