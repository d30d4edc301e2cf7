import { z } from 'zod';

/**
 * The dashboard's languages. pt-BR comes first and is the default: the service is run by a Brazilian team, so a
 * browser that states no preference at all gets Portuguese. English is for everyone who asks for another language.
 */
export const LOCALES = ['pt-BR', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'pt-BR';

/** The cookie the header's PT | EN switch writes and the server reads, so the first render is already in that language. */
export const LOCALE_COOKIE = 'locale';
/** One year: the choice outlives the browser session. */
export const LOCALE_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60;

/** The cookie's value is untrusted input: anything but a known locale counts as "no choice". */
export const localeSchema = z.enum(LOCALES);

/**
 * The locale handed to Intl for numbers and dates. "en" alone would also resolve to en-US; naming it keeps the
 * English formats (MM/dd, 12-hour clock, 1,234.5) explicit and the same on server and browser.
 */
export const INTL_LOCALE: Record<Locale, string> = { 'pt-BR': 'pt-BR', en: 'en-US' };
