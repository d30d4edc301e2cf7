import { DEFAULT_LOCALE, localeSchema, type Locale } from './locales';

/** One language range of an Accept-Language header with its weight. */
interface Range {
  tag: string;
  q: number;
}

/** Parses `pt-BR,pt;q=0.9,en;q=0.8` into ranges, best first (ties keep header order); malformed parts are skipped. */
export function parseAcceptLanguage(header: string): Range[] {
  const ranges: Range[] = [];
  for (const part of header.split(',')) {
    const [rawTag = '', ...params] = part.trim().split(';');
    const tag = rawTag.trim().toLowerCase();
    if (!/^(\*|[a-z]{1,8}(-[a-z0-9]{1,8})*)$/.test(tag)) continue;
    let q = 1;
    for (const param of params) {
      const match = /^\s*q\s*=\s*([01](\.\d{0,3})?)\s*$/i.exec(param);
      if (match) q = Number(match[1]);
    }
    if (q > 0) ranges.push({ tag, q });
  }
  // Array.prototype.sort is stable: equal weights stay in the order the browser sent them.
  return ranges.sort((a, b) => b.q - a.q);
}

/** The dashboard language a language range asks for, or null when it names neither (e.g. `fr`, `*`). */
function localeOfRange(tag: string): Locale | null {
  const primary = tag.split('-')[0];
  if (primary === 'pt') return 'pt-BR'; // pt, pt-BR, pt-PT: one Portuguese dashboard
  if (primary === 'en') return 'en';
  return null;
}

/**
 * Which language the page is rendered in: the switch's cookie when it holds a known locale; otherwise the first
 * language of Accept-Language the dashboard has (Portuguese of any region, or English); a header that names only
 * other languages gets English; no header (or an empty one) gets the default, pt-BR.
 */
export function negotiateLocale({ cookie, acceptLanguage }: { cookie?: string | null; acceptLanguage?: string | null }): Locale {
  const chosen = localeSchema.safeParse(cookie);
  if (chosen.success) return chosen.data;
  const ranges = parseAcceptLanguage(acceptLanguage ?? '');
  for (const range of ranges) {
    const locale = localeOfRange(range.tag);
    if (locale) return locale;
  }
  return ranges.some((r) => r.tag !== '*') ? 'en' : DEFAULT_LOCALE;
}
