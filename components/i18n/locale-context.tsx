'use client';

import { createContext, use, type ReactNode } from 'react';
import { DEFAULT_LOCALE, type Locale } from '@/lib/i18n/locales';
import { messagesFor, type Messages } from '@/lib/i18n/messages';
import { formatFor, type Format } from '../format';

const LocaleContext = createContext<Locale>(DEFAULT_LOCALE);

/**
 * The page's language, decided on the server (cookie, else Accept-Language) and handed down as a plain string:
 * the dictionaries hold functions, which cannot cross from server to client components, so each side picks its
 * own copy of the same dictionary by locale.
 */
export function LocaleProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return <LocaleContext value={locale}>{children}</LocaleContext>;
}

export function useLocale(): Locale {
  return use(LocaleContext);
}

/** The texts of the page's language. */
export function useMessages(): Messages {
  return messagesFor(use(LocaleContext));
}

/** Numbers and dates in the page's language. */
export function useFormat(): Format {
  return formatFor(use(LocaleContext));
}
