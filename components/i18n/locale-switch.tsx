'use client';

import { useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE_S, type Locale } from '@/lib/i18n/locales';
import { useLocale, useMessages } from './locale-context';

const CHOICES: { locale: Locale; short: string; htmlLang: string }[] = [
  { locale: 'pt-BR', short: 'PT', htmlLang: 'pt-BR' },
  { locale: 'en', short: 'EN', htmlLang: 'en' },
];

/** Stores the choice for a year, for every page of the dashboard; Lax: sent on ordinary navigation to it. */
function rememberLocale(locale: Locale): void {
  document.cookie = `${LOCALE_COOKIE}=${locale}; path=/; max-age=${LOCALE_COOKIE_MAX_AGE_S}; samesite=lax`;
}

/**
 * The header's PT | EN switch. The choice goes into a cookie the server reads on every request (so a reload or a new
 * tab renders in that language from the first byte), then the server components re-render in place: the polling
 * data already on the page stays.
 */
export function LocaleSwitch() {
  const locale = useLocale();
  const t = useMessages().localeSwitch;
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  const choose = (next: Locale) => {
    if (next === locale) return;
    rememberLocale(next);
    startTransition(() => router.refresh());
  };

  return (
    <div
      role="group"
      aria-label={t.label}
      className="inline-flex overflow-hidden rounded-md border border-slate-300 text-xs font-semibold dark:border-slate-600"
      aria-busy={pending}
    >
      {CHOICES.map((choice, i) => (
        <button
          key={choice.locale}
          type="button"
          lang={choice.htmlLang}
          title={choice.locale === 'pt-BR' ? t.portuguese : t.english}
          aria-pressed={choice.locale === locale}
          onClick={() => choose(choice.locale)}
          className={`px-2.5 py-1 focus-visible:outline-2 focus-visible:outline-sky-500 ${i > 0 ? 'border-l border-slate-300 dark:border-slate-600' : ''} ${
            choice.locale === locale ? 'bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900' : 'hover:bg-slate-100 dark:hover:bg-slate-800'
          }`}
        >
          {choice.short}
        </button>
      ))}
    </div>
  );
}
