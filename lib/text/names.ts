/**
 * How product names are searched and sorted, the same in the browser and on the server: as a Brazilian reader
 * expects — "pao" finds "Pão", "Água" sorts before "Zebra", "Pão 2" before "Pão 10". Both ignore case and accents
 * (Intl.Collator's "base" sensitivity) and are otherwise stable.
 */
const collator = new Intl.Collator('pt-BR', { sensitivity: 'base', numeric: true });

/** Orders names alphabetically for pt-BR readers; ties (names equal but for case or accents) by code point. */
export function compareNames(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * A name folded for "contains" searches: decomposed, combining marks removed, lower-cased. A collator compares
 * whole strings only; folding gives the same base-letter equivalence for substrings.
 */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('pt-BR');
}

/** True when `name` contains `query` ignoring case, accents and surrounding spaces (an empty query matches). */
export function nameMatches(name: string, query: string): boolean {
  const needle = foldForSearch(query.trim());
  return needle === '' || foldForSearch(name).includes(needle);
}
