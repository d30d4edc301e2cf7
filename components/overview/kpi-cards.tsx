'use client';

import type { ReactNode } from 'react';
import type { CacheInfo, CacheType } from '@/lib/api-types';
import { formatBytes, formatDuration, formatInt, formatPercent } from '../format';
import { useCacheInfo } from '../use-api';

const TYPES: { key: CacheType; label: string }[] = [
  { key: 'models', label: 'Models' },
  { key: 'predictions', label: 'Predictions' },
  { key: 'products', label: 'Products' },
  { key: 'other', label: 'Other' },
];

function Kpi({ label, value, testId, children }: { label: string; value: string; testId: string; children?: ReactNode }) {
  return (
    <div className="min-h-32 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h3 className="text-xs font-medium tracking-wide text-slate-600 uppercase dark:text-slate-300">{label}</h3>
      <p data-testid={testId} className="tabular mt-1 text-2xl font-semibold">
        {value}
      </p>
      <div className="tabular mt-2 text-xs text-slate-600 dark:text-slate-300">{children}</div>
    </div>
  );
}

function memoryDetail(info: CacheInfo): string {
  if (info.backend === 'memory') return 'Redis unreachable; values live in process memory';
  if (info.maxmemory && info.used_memory !== null) {
    return `of ${formatBytes(info.maxmemory)} maxmemory (${formatPercent((info.used_memory / info.maxmemory) * 100)})`;
  }
  return 'no maxmemory set';
}

/** The headline numbers. Fixed heights and tabular digits so polling never shifts the layout. */
export function KpiCards() {
  const { data: info, error } = useCacheInfo();
  const stale = Boolean(error);

  return (
    <div
      className={`grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-4 ${stale ? 'opacity-60' : ''}`}
      aria-busy={!info}
      data-stale={stale || undefined}
    >
      <Kpi label="Hit rate" value={info ? formatPercent(info.hit_rate) : '—'} testId="kpi-hit-rate">
        {info ? (
          <>
            <span data-testid="kpi-hits">{formatInt(info.hits)}</span> hits · <span data-testid="kpi-misses">{formatInt(info.misses)}</span> misses
            <br />
            {TYPES.filter((t) => info.by_type[t.key]).map((t, i) => (
              <span key={t.key}>
                {i > 0 ? ' · ' : ''}
                {t.label.toLowerCase()} {formatPercent(info.by_type[t.key].hit_rate, 0)}
              </span>
            ))}
          </>
        ) : (
          'loading…'
        )}
      </Kpi>
      <Kpi
        label="Redis memory"
        value={info ? (info.backend === 'memory' || info.used_memory === null ? 'n/a' : formatBytes(info.used_memory)) : '—'}
        testId="kpi-memory"
      >
        {info ? (
          <>
            {memoryDetail(info)}
            {info.evicted_keys ? (
              <>
                <br />
                {formatInt(info.evicted_keys)} keys evicted
              </>
            ) : null}
          </>
        ) : (
          'loading…'
        )}
      </Kpi>
      <Kpi label="Cached keys" value={info ? formatInt(info.total_keys) : '—'} testId="kpi-keys">
        {info ? (
          <>
            {TYPES.map((t, i) => (
              <span key={t.key}>
                {i > 0 ? ' · ' : ''}
                {t.label.toLowerCase()} <span data-testid={`kpi-keys-${t.key}`}>{formatInt(info.cache_breakdown[t.key])}</span>
              </span>
            ))}
            <br />
            in-process L1: {formatInt(info.l1.entries)} entries, {formatBytes(info.l1.bytes)}
          </>
        ) : (
          'loading…'
        )}
      </Kpi>
      <Kpi label="Time saved" value={info ? formatDuration(info.time_saved_ms) : '—'} testId="kpi-time-saved">
        {info ? 'compute time the hits avoided since the counters started' : 'loading…'}
      </Kpi>
    </div>
  );
}
