'use client';

import { createContext, use, type ReactNode } from 'react';
import { SWRConfig } from 'swr';
import { ApiRequestError, getJson } from './api-client';
import { AdminTokenProvider } from './admin-token';
import { LocaleProvider } from './i18n/locale-context';
import type { Locale } from '@/lib/i18n/locales';

const PollContext = createContext<number>(5000);

/** The polling interval chosen by the server (see poll-config.ts). */
export function usePollMs(): number {
  return use(PollContext);
}

export function Providers({ pollMs, locale, children }: { pollMs: number; locale: Locale; children: ReactNode }) {
  return (
    <LocaleProvider locale={locale}>
      <PollContext value={pollMs}>
        <SWRConfig
          value={{
            fetcher: getJson,
            // One request per key at a time: components sharing a key share the answer.
            dedupingInterval: Math.min(2000, Math.floor(pollMs / 2)),
            // SWR stops interval polling while a key is in error: recovery comes from these retries. One at a
            // time, backing off to 4 polling intervals against a failing server; a 4xx is an answer, not retried.
            shouldRetryOnError: true,
            onErrorRetry: (error: unknown, _key, _config, revalidate, { retryCount }) => {
              if (error instanceof ApiRequestError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429)
                return;
              setTimeout(() => void revalidate({ retryCount }), pollMs * Math.min(retryCount, 4));
            },
            focusThrottleInterval: pollMs,
            refreshWhenHidden: false,
            refreshWhenOffline: false,
          }}
        >
          <AdminTokenProvider>{children}</AdminTokenProvider>
        </SWRConfig>
      </PollContext>
    </LocaleProvider>
  );
}
