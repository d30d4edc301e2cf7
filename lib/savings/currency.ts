/**
 * Currency codes for the cost of compute (CACHE_COST_CURRENCY): ISO 4217 alphabetic codes that this runtime's Intl
 * can format — the dashboard formats every amount with `Intl.NumberFormat(locale, { style: 'currency' })`, so a
 * code Intl does not know would be printed as a bare code, or throw.
 */
const KNOWN: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** The code in upper case when it is an ISO 4217 code Intl knows; null otherwise. */
export function parseCurrency(text: string): string | null {
  const code = text.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) && KNOWN.has(code) ? code : null;
}
