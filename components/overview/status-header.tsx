'use client';

import { useEffect, useState } from 'react';
import type { CacheInfo, HealthReport } from '@/lib/api-types';
import type { Messages } from '@/lib/i18n/messages';
import { useFormat, useMessages } from '../i18n/locale-context';
import { cacheInfoReceivedAt, useCacheInfo, useHealth } from '../use-api';
import { usePollMs } from '../providers';

const STATUS_STYLE: Record<HealthReport['status'] | 'unknown', string> = {
  healthy: 'bg-emerald-100 text-emerald-900 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-700',
  degraded: 'bg-amber-100 text-amber-950 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-700',
  unhealthy: 'bg-red-100 text-red-900 ring-red-300 dark:bg-red-950 dark:text-red-200 dark:ring-red-700',
  shutting_down: 'bg-slate-100 text-slate-800 ring-slate-300 dark:bg-slate-800 dark:text-slate-200 dark:ring-slate-600',
  unknown: 'bg-slate-100 text-slate-800 ring-slate-300 dark:bg-slate-800 dark:text-slate-200 dark:ring-slate-600',
};

function describeBackend(info: CacheInfo | undefined, t: Messages['status']): string {
  if (!info) return '…';
  if (info.backend === 'memory') return t.backendMemory;
  const mode = info.redis.mode === 'standalone' ? '' : ` (${info.redis.mode})`;
  return `Redis ${info.redis.address}${mode}`;
}

/** A clock that ticks once a second, for "updated 3 s ago". */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** Status, backend and freshness: the line an operator reads first. */
export function StatusHeader() {
  const health = useHealth();
  const info = useCacheInfo();
  const pollMs = usePollMs();
  const now = useNow();
  const t = useMessages().status;
  const loading = useMessages().common.loadingLower;
  const format = useFormat();

  // Last time the info answered, in the browser's clock (the server's clock may differ).
  const refreshedAt = cacheInfoReceivedAt(info.data);

  const status = health.error && !health.data ? 'unknown' : (health.data?.status ?? 'unknown');
  const failing = Boolean(info.error || health.error);

  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-3" aria-live="polite">
      <div>
        <dt className="text-xs text-slate-600 dark:text-slate-300">{t.status}</dt>
        <dd>
          <span
            data-testid="service-status"
            className={`inline-block rounded-full px-2.5 py-0.5 text-sm font-semibold ring-1 ${STATUS_STYLE[status]}`}
          >
            {status === 'unknown' && health.isLoading ? t.checking : t.states[status]}
          </span>
          {health.data?.cache.latency_ms != null ? (
            <span className="tabular ml-2 text-xs text-slate-600 dark:text-slate-300">
              {t.redisPing(format.duration(health.data.cache.latency_ms))}
            </span>
          ) : null}
        </dd>
      </div>
      <div className="min-w-0">
        <dt className="text-xs text-slate-600 dark:text-slate-300">{t.backend}</dt>
        <dd data-testid="backend" className="truncate font-medium" title={describeBackend(info.data, t)}>
          {describeBackend(info.data, t)}
        </dd>
      </div>
      <div>
        <dt className="text-xs text-slate-600 dark:text-slate-300">{t.lastRefresh}</dt>
        <dd className="tabular" data-testid="last-refresh">
          {refreshedAt === null ? (
            info.error ? (
              t.never
            ) : (
              loading
            )
          ) : (
            <>
              {format.clock(refreshedAt)} <span className="text-slate-600 dark:text-slate-300">({format.ago(refreshedAt, now)})</span>
            </>
          )}
          <span className={`ml-2 text-xs ${failing ? 'font-semibold text-red-700 dark:text-red-300' : 'text-slate-600 dark:text-slate-300'}`}>
            {failing ? t.notLive : t.liveEvery(format.seconds(pollMs))}
          </span>
        </dd>
      </div>
    </dl>
  );
}
