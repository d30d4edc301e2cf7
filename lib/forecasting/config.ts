/** The forecasting module's input rules (its environment variables are parsed with the others in lib/config/env.ts). */

/** Longest product name accepted anywhere (API, import). */
export const MAX_PRODUCT_NAME_LENGTH = 200;

/** C0 and C1 controls (Unicode category Cc). */
const CONTROL_CHARS = /\p{Cc}/u;
/**
 * Invisible formatting characters (category Cf): bidi overrides and isolates, zero-width spaces and joiners, the
 * soft hyphen, a BOM. They make names that look alike but differ ("Bolo" and "Bo\u200Blo", a name that renders
 * backwards), so a CSV could plant a look-alike of a real product.
 */
const FORMAT_CHARS = /\p{Cf}/u;
/** Half of a UTF-16 surrogate pair on its own: not text. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Why a (non-empty, NFC-normalised) product name is refused anywhere (API, import); null when it is accepted. */
export function productNameProblem(name: string): string | null {
  if (name.length > MAX_PRODUCT_NAME_LENGTH) return `product name is longer than ${MAX_PRODUCT_NAME_LENGTH} characters`;
  if (CONTROL_CHARS.test(name)) return 'product name contains control characters';
  if (FORMAT_CHARS.test(name)) return 'product name contains invisible formatting characters (bidi controls, zero-width characters)';
  if (LONE_SURROGATE.test(name)) return 'product name contains an unpaired surrogate';
  return null;
}

/** Forecast horizon bounds, in days. */
export const MIN_FORECAST_DAYS = 1;
export const MAX_FORECAST_DAYS = 365;
