/** The forecasting module's input rules (its environment variables are parsed with the others in lib/config/env.ts). */

/** Longest product name accepted anywhere (API, import). */
export const MAX_PRODUCT_NAME_LENGTH = 200;

// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Why a (non-empty, NFC-normalised) product name is refused anywhere (API, import); null when it is accepted. */
export function productNameProblem(name: string): string | null {
  if (name.length > MAX_PRODUCT_NAME_LENGTH) return `product name is longer than ${MAX_PRODUCT_NAME_LENGTH} characters`;
  if (CONTROL_CHARS.test(name)) return 'product name contains control characters';
  return null;
}

/** Forecast horizon bounds, in days. */
export const MIN_FORECAST_DAYS = 1;
export const MAX_FORECAST_DAYS = 365;
