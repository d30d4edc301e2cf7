'use client';

import { createContext, use, type ReactNode } from 'react';
import { SWRConfig } from 'swr';
import { getJson } from './api-client';
import { AdminTokenProvider } from './admin-token';

const PollContext = createContext<number>(5000);

/** The polling interval chosen by the server (see poll-config.ts). */
export function usePollMs(): number {
  return use(PollContext);
}

export function Providers({ pollMs, children }: { pollMs: number; children: ReactNode }) {
  return (
    <PollContext value={pollMs}>
      <SWRConfig
        value={{
          fetcher: getJson,
          // One request per key at a time: components sharing a key share the answer.
          dedupingInterval: Math.min(2000, Math.floor(pollMs / 2)),
          // Polling already retries; SWR's own error retries would add requests while the server struggles.
          shouldRetryOnError: false,
          focusThrottleInterval: pollMs,
          refreshWhenHidden: false,
          refreshWhenOffline: false,
        }}
      >
        <AdminTokenProvider>{children}</AdminTokenProvider>
      </SWRConfig>
    </PollContext>
  );
}
