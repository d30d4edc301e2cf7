import { cookies, headers } from 'next/headers';
import { LOCALE_COOKIE, type Locale } from './locales';
import { negotiateLocale } from './negotiate';

/** The language of the request being rendered (server components, metadata): the cookie, else Accept-Language. */
export async function requestLocale(): Promise<Locale> {
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  return negotiateLocale({ cookie: cookieStore.get(LOCALE_COOKIE)?.value, acceptLanguage: headerList.get('accept-language') });
}
