'use client';

import { useMemo, useState, type ReactNode } from 'react';
import { Area, AreaChart, CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { CacheHistory, HistoryRange } from '@/lib/api-types';
import { ChoiceGroup } from '../ui/choice-group';
import { Card } from '../ui/card';
import { bytesToMb } from '../format';
import { useErrorText } from '../i18n/error-text';
import { useFormat, useMessages } from '../i18n/locale-context';
import { AXIS_STYLE, CHART_MARGIN, CHART_STYLE, timeXAxis } from '../chart-style';
import { useCacheInfo, useHistory } from '../use-api';
import { CACHE_TYPES } from '@/lib/redis-cache/cache-types';

// Range labels read the same in both languages ("min", "h").
const RANGES = [
  { value: '15m', label: '15 min' },
  { value: '1h', label: '1 h' },
  { value: '6h', label: '6 h' },
  { value: '24h', label: '24 h' },
] as const satisfies readonly { value: HistoryRange; label: string }[];

const SERIES_COLORS = {
  hitRate: '#0284c7',
  memory: '#7c3aed',
  models: '#0891b2',
  predictions: '#d97706',
  products: '#16a34a',
  other: '#64748b',
  threshold: '#dc2626',
} as const;

/** The key types of the keys chart, in stacking and legend order. */
const KEY_TYPES = CACHE_TYPES;

interface Point {
  t: number;
  hitRate: number | null;
  lookups: number;
  memoryMb: number | null;
  models: number | null;
  predictions: number | null;
  products: number | null;
  other: number | null;
}

function sum(record: Record<string, number>): number {
  return Object.values(record).reduce((a, b) => a + b, 0);
}

function toPoints(history: CacheHistory | undefined): Point[] {
  if (!history) return [];
  return history.buckets.map((b) => ({
    t: b.t,
    hitRate: b.hit_rate,
    lookups: sum(b.hits) + sum(b.misses),
    memoryMb: bytesToMb(b.used_memory),
    models: b.keys?.models ?? null,
    predictions: b.keys?.predictions ?? null,
    products: b.keys?.products ?? null,
    other: b.keys?.other ?? null,
  }));
}

function ChartFrame({
  title,
  testId,
  empty,
  children,
  footer,
}: {
  title: string;
  testId: string;
  empty: string | null;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <figure data-testid={testId} className="relative min-w-0">
      <figcaption className="mb-1 text-sm font-medium">{title}</figcaption>
      {/* Fixed height: the page does not move when data arrives or the range changes. */}
      <div className="h-56 text-slate-600 dark:text-slate-300">{children}</div>
      {empty ? (
        <p className="pointer-events-none absolute inset-x-0 top-1/2 text-center text-sm text-slate-600 dark:text-slate-300">{empty}</p>
      ) : null}
      {footer}
    </figure>
  );
}

/** Hit rate, memory and key breakdown over time, from /api/ai/cache/history. */
export function HistoryCharts() {
  const [range, setRange] = useState<HistoryRange>('15m');
  const { data, error, isLoading } = useHistory(range);
  const { data: info } = useCacheInfo();
  const points = useMemo(() => toPoints(data), [data]);
  const t = useMessages();
  const th = t.history;
  const format = useFormat();
  const errorText = useErrorText();
  // Axis ticks and tooltip labels in the page's language: 14:05 in pt-BR, 02:05 PM in English.
  const xAxis = timeXAxis(format);
  const labelTime = (v: unknown) => (typeof v === 'number' ? format.clock(v) : String(v));

  const hitRateLine = info?.thresholds.hit_rate_min_percent ?? 60;
  const memoryLineMb = bytesToMb(info?.thresholds.memory_max_bytes ?? 100 * 1024 * 1024) ?? 100;
  const loading = isLoading && !data ? t.common.loading : null;
  const noLookups = points.every((p) => p.lookups === 0) ? th.noLookups : null;
  const noMemory = points.every((p) => p.memoryMb === null) ? (info?.backend === 'memory' ? th.noMemoryRedisDown : th.noMemory) : null;
  const noKeys = points.every((p) => p.models === null) ? th.noKeys : null;
  const keysLegend = (
    <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-300" aria-label={th.keysLegend}>
      {KEY_TYPES.map((type) => (
        <li key={type} className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block size-2.5 rounded-sm" style={{ backgroundColor: SERIES_COLORS[type] }} />
          {t.cacheTypes[type]}
        </li>
      ))}
    </ul>
  );
  const maxMb = Math.max(memoryLineMb * 1.1, ...points.map((p) => p.memoryMb ?? 0));

  return (
    <Card title={th.title} id="history" actions={<ChoiceGroup label={th.range} options={RANGES} value={range} onChange={setRange} />}>
      {error ? (
        <p role="status" className="mb-2 text-sm font-medium text-red-700 dark:text-red-300">
          {th.refreshFailed(errorText(error), Boolean(data))}
        </p>
      ) : null}
      <div className={`grid grid-cols-1 gap-6 lg:grid-cols-3 ${error ? 'opacity-60' : ''}`}>
        <ChartFrame title={th.hitRateTitle(format.percent(hitRateLine, 0))} testId="chart-hit-rate" empty={loading ?? noLookups}>
          <LineChart responsive style={CHART_STYLE} data={points} margin={CHART_MARGIN}>
            <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
            <XAxis {...xAxis} />
            <YAxis domain={[0, 100]} tickFormatter={(v: number) => format.percent(v, 0)} width={48} {...AXIS_STYLE} />
            <Tooltip labelFormatter={labelTime} formatter={(v) => [format.percent(typeof v === 'number' ? v : null), th.hitRateSeries]} />
            <ReferenceLine y={hitRateLine} stroke={SERIES_COLORS.threshold} strokeDasharray="4 4" ifOverflow="extendDomain" />
            <Line
              type="monotone"
              dataKey="hitRate"
              name={th.hitRateSeries}
              stroke={SERIES_COLORS.hitRate}
              strokeWidth={2}
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
          </LineChart>
        </ChartFrame>
        <ChartFrame title={th.memoryTitle(format.megabytes(memoryLineMb))} testId="chart-memory" empty={loading ?? noMemory}>
          <AreaChart responsive style={CHART_STYLE} data={points} margin={CHART_MARGIN}>
            <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
            <XAxis {...xAxis} />
            <YAxis domain={[0, Math.ceil(maxMb)]} tickFormatter={(v: number) => format.megabytes(v, 0)} width={72} {...AXIS_STYLE} />
            <Tooltip labelFormatter={labelTime} formatter={(v) => [format.megabytes(typeof v === 'number' ? v : null), th.memorySeries]} />
            <ReferenceLine y={memoryLineMb} stroke={SERIES_COLORS.threshold} strokeDasharray="4 4" />
            <Area
              type="monotone"
              dataKey="memoryMb"
              name={th.memorySeries}
              stroke={SERIES_COLORS.memory}
              fill={SERIES_COLORS.memory}
              fillOpacity={0.2}
              connectNulls
              isAnimationActive={false}
            />
          </AreaChart>
        </ChartFrame>
        <ChartFrame title={th.keysTitle} testId="chart-keys" empty={loading ?? noKeys} footer={keysLegend}>
          <AreaChart responsive style={CHART_STYLE} data={points} margin={CHART_MARGIN}>
            <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
            <XAxis {...xAxis} />
            <YAxis allowDecimals={false} tickFormatter={(v: number) => format.int(v)} width={44} {...AXIS_STYLE} />
            <Tooltip labelFormatter={labelTime} formatter={(v) => format.int(typeof v === 'number' ? v : null)} />
            {KEY_TYPES.map((type) => (
              <Area
                key={type}
                type="stepAfter"
                dataKey={type}
                name={t.cacheTypes[type]}
                stackId="keys"
                stroke={SERIES_COLORS[type]}
                fill={SERIES_COLORS[type]}
                fillOpacity={0.35}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </AreaChart>
        </ChartFrame>
      </div>
    </Card>
  );
}
