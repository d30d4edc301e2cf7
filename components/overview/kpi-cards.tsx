'use client';

import type { ReactNode } from 'react';
import type { CacheInfo, CacheType } from '@/lib/api-types';
import type { Messages } from '@/lib/i18n/messages';
import type { Format } from '../format';
import { useFormat, useMessages } from '../i18n/locale-context';
import { useCacheInfo } from '../use-api';

const TYPES: readonly CacheType[] = ['models', 'predictions', 'products', 'other'];

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

function memoryDetail(info: CacheInfo, t: Messages['kpi'], format: Format): string {
  if (info.backend === 'memory') return t.memoryFallback;
  if (info.maxmemory && info.used_memory !== null) {
    return t.ofMaxmemory(format.bytes(info.maxmemory), format.percent((info.used_memory / info.maxmemory) * 100));
  }
  return t.noMaxmemory;
}

/** The compression card: the ratio of what this instance compressed, and the bytes it kept out of Redis. */
function compressionValue(info: CacheInfo, t: Messages['kpi'], format: Format): string {
  const c = info.compression;
  if (c.ratio !== null) return t.compressionRatio(format.decimal(c.ratio, 2));
  return c.mode === 'off' ? t.compressionOffValue : '—';
}

function compressionDetail(info: CacheInfo, t: Messages['kpi'], format: Format): string {
  const c = info.compression;
  if (c.entries > 0) return t.compressionSaved(format.bytes(c.input_bytes - c.output_bytes), format.int(c.entries));
  return c.mode === 'off' ? t.compressionOff : t.compressionNone(format.bytes(c.min_bytes));
}

/** The headline numbers. Fixed heights and tabular digits so polling never shifts the layout. */
export function KpiCards() {
  const { data: info, error } = useCacheInfo();
  const stale = Boolean(error);
  const messages = useMessages();
  const t = messages.kpi;
  const loading = messages.common.loadingLower;
  const types = messages.cacheTypes;
  const format = useFormat();

  return (
    <div
      className={`grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-5 ${stale ? 'opacity-60' : ''}`}
      aria-busy={!info}
      data-stale={stale || undefined}
    >
      <Kpi label={t.hitRate} value={info ? format.percent(info.hit_rate) : '—'} testId="kpi-hit-rate">
        {info ? (
          <>
            <span data-testid="kpi-hits">{format.int(info.hits)}</span> {t.hits(info.hits)} ·{' '}
            <span data-testid="kpi-misses">{format.int(info.misses)}</span> {t.misses(info.misses)}
            <br />
            {TYPES.filter((type) => info.by_type[type]).map((type, i) => (
              <span key={type}>
                {i > 0 ? ' · ' : ''}
                {types[type]} {format.percent(info.by_type[type].hit_rate, 0)}
              </span>
            ))}
          </>
        ) : (
          loading
        )}
      </Kpi>
      <Kpi
        label={t.redisMemory}
        value={info ? (info.backend === 'memory' || info.used_memory === null ? messages.common.notAvailable : format.bytes(info.used_memory)) : '—'}
        testId="kpi-memory"
      >
        {info ? (
          <>
            {memoryDetail(info, t, format)}
            {info.evicted_keys ? (
              <>
                <br />
                {t.evicted(format.int(info.evicted_keys))}
              </>
            ) : null}
          </>
        ) : (
          loading
        )}
      </Kpi>
      <Kpi label={t.cachedKeys} value={info ? format.int(info.total_keys) : '—'} testId="kpi-keys">
        {info ? (
          <>
            {TYPES.map((type, i) => (
              <span key={type}>
                {i > 0 ? ' · ' : ''}
                {types[type]} <span data-testid={`kpi-keys-${type}`}>{format.int(info.cache_breakdown[type])}</span>
              </span>
            ))}
            <br />
            {t.l1(format.int(info.l1.entries), format.bytes(info.l1.bytes))}
          </>
        ) : (
          loading
        )}
      </Kpi>
      <Kpi label={t.timeSaved} value={info ? format.duration(info.time_saved_ms) : '—'} testId="kpi-time-saved">
        {info ? t.timeSavedDetail : loading}
      </Kpi>
      <Kpi label={t.compression} value={info ? compressionValue(info, t, format) : '—'} testId="kpi-compression">
        {info ? <span data-testid="kpi-compression-detail">{compressionDetail(info, t, format)}</span> : loading}
      </Kpi>
    </div>
  );
}
