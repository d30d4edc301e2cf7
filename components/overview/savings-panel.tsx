'use client';

import { useMemo, type ReactNode } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, Tooltip, XAxis, YAxis } from 'recharts';
import type { CacheHistory, SavingsInfo } from '@/lib/api-types';
import { Card } from '../ui/card';
import { useErrorText } from '../i18n/error-text';
import { useFormat, useMessages } from '../i18n/locale-context';
import { AXIS_STYLE, CHART_MARGIN, CHART_STYLE, timeXAxis } from '../chart-style';
import { useCacheInfo, useHistory } from '../use-api';

const COLORS = { cost: '#16a34a', forecasts: '#d97706' } as const;

interface SavingsPoint {
  t: number;
  /** Cost of the compute time saved in the bucket, in the configured currency. */
  cost: number;
  forecasts: number;
}

/** Per history bucket: the compute time saved, priced, and the forecasts served from cache. */
function savingsPoints(history: CacheHistory | undefined, pricePerCpuSecond: number): SavingsPoint[] {
  if (!history) return [];
  return history.buckets.map((b) => ({ t: b.t, cost: (b.saved_ms / 1000) * pricePerCpuSecond, forecasts: b.hits.predictions }));
}

function Figure({ label, value, testId, children }: { label: string; value: string; testId: string; children?: ReactNode }) {
  return (
    <div className="min-h-24 rounded-lg border border-slate-200 p-3 dark:border-slate-800">
      <h3 className="text-xs font-medium tracking-wide text-slate-600 uppercase dark:text-slate-300">{label}</h3>
      <p data-testid={testId} className="tabular mt-1 text-xl font-semibold">
        {value}
      </p>
      <p className="mt-1 text-xs text-slate-600 dark:text-slate-300">{children}</p>
    </div>
  );
}

/**
 * The business side of the cache (cache/info.savings): what its hits avoided — compute time and its cost in the
 * configured currency, trainings, forecasts — with the last hour's savings over time (the history series) and the
 * products that saved most. Polled with the rest of the page (one cache/info request serves every panel).
 */
export function SavingsPanel() {
  const { data: info, error } = useCacheInfo();
  const { data: history } = useHistory('1h');
  const t = useMessages();
  const ts = t.savings;
  const format = useFormat();
  const errorText = useErrorText();
  const savings: SavingsInfo | undefined = info?.savings;
  const price = savings?.cost_per_cpu_second ?? 0;
  const currency = savings?.currency ?? 'BRL';
  const points = useMemo(() => savingsPoints(history, price), [history, price]);
  const money = (value: number | null | undefined) => format.money(value, currency);
  const noPoints = points.every((p) => p.cost === 0 && p.forecasts === 0);
  const labelTime = (v: unknown) => (typeof v === 'number' ? format.clock(v) : String(v));

  return (
    <Card title={ts.title} id="savings" className="lg:col-span-2">
      {error ? (
        <p role="status" className="mb-2 text-sm font-medium text-red-700 dark:text-red-300">
          {ts.refreshFailed(errorText(error))}
        </p>
      ) : null}
      <div className={`space-y-4 ${error ? 'opacity-60' : ''}`} aria-busy={!savings}>
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-4">
          <Figure label={ts.costSaved} value={savings ? money(savings.cost_saved) : '—'} testId="savings-cost">
            {savings ? ts.pricing(money(savings.cost_per_cpu_second)) : t.common.loadingLower}
          </Figure>
          <Figure label={ts.cpuSaved} value={savings ? format.duration(savings.cpu_seconds_saved * 1000) : '—'} testId="savings-cpu">
            {savings?.source === 'local' ? ts.localSource : null}
          </Figure>
          <Figure label={ts.trainingsAvoided} value={savings ? format.int(savings.trainings_avoided) : '—'} testId="savings-trainings">
            {ts.trainingsDetail}
          </Figure>
          <Figure label={ts.forecastsFromCache} value={savings ? format.int(savings.forecasts_served_from_cache) : '—'} testId="savings-forecasts">
            {ts.forecastsDetail}
          </Figure>
        </div>

        {/* Side by side only on very wide screens: the table's five columns need the card's width. */}
        <div className="grid grid-cols-1 gap-6 2xl:grid-cols-2">
          <figure data-testid="chart-savings" className="relative min-w-0">
            <figcaption className="mb-1 text-sm font-medium">{ts.chartTitle}</figcaption>
            <div className="h-56 text-slate-600 dark:text-slate-300">
              <ComposedChart responsive style={CHART_STYLE} data={points} margin={CHART_MARGIN}>
                <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
                <XAxis {...timeXAxis(format)} />
                <YAxis yAxisId="cost" tickFormatter={(v: number) => format.moneyTick(v, currency)} width={88} {...AXIS_STYLE} />
                <YAxis
                  yAxisId="forecasts"
                  orientation="right"
                  allowDecimals={false}
                  tickFormatter={(v: number) => format.int(v)}
                  width={40}
                  {...AXIS_STYLE}
                />
                <Tooltip
                  labelFormatter={labelTime}
                  formatter={(v, name) => [
                    name === ts.costSeries ? money(typeof v === 'number' ? v : null) : format.int(typeof v === 'number' ? v : null),
                    name,
                  ]}
                />
                <Area
                  yAxisId="cost"
                  type="stepAfter"
                  dataKey="cost"
                  name={ts.costSeries}
                  stroke={COLORS.cost}
                  fill={COLORS.cost}
                  fillOpacity={0.25}
                  isAnimationActive={false}
                />
                <Line
                  yAxisId="forecasts"
                  type="monotone"
                  dataKey="forecasts"
                  name={ts.forecastsSeries}
                  stroke={COLORS.forecasts}
                  strokeWidth={2}
                  dot={false}
                  isAnimationActive={false}
                />
              </ComposedChart>
            </div>
            {history && noPoints ? (
              <p className="pointer-events-none absolute inset-x-0 top-1/2 text-center text-sm text-slate-600 dark:text-slate-300">{ts.noSavings}</p>
            ) : null}
            <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-300">
              {(['cost', 'forecasts'] as const).map((series) => (
                <li key={series} className="flex items-center gap-1.5">
                  <span aria-hidden="true" className="inline-block size-2.5 rounded-sm" style={{ backgroundColor: COLORS[series] }} />
                  {series === 'cost' ? ts.costSeries : ts.forecastsSeries}
                </li>
              ))}
            </ul>
          </figure>

          <div className="min-w-0">
            <h3 className="mb-1 text-sm font-medium">{ts.topTitle(format.int(savings?.top_products.length ?? 0))}</h3>
            {!savings ? (
              <p className="text-sm text-slate-600 dark:text-slate-300">{t.common.loading}</p>
            ) : savings.top_products.length === 0 ? (
              <p className="text-sm text-slate-600 dark:text-slate-300">{ts.noProducts}</p>
            ) : (
              // Focusable: a keyboard user can scroll the table when it is wider than its column.
              <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={ts.topLabel}>
                <table data-testid="savings-top" aria-label={ts.topLabel} className="tabular w-full text-sm">
                  <thead className="text-left text-xs text-slate-600 dark:text-slate-300">
                    <tr>
                      <th scope="col" className="py-1 pr-2 font-medium">
                        {ts.product}
                      </th>
                      <th scope="col" className="px-2 py-1 text-right font-medium">
                        {ts.forecasts}
                      </th>
                      <th scope="col" className="px-2 py-1 text-right font-medium">
                        {ts.trainings}
                      </th>
                      <th scope="col" className="px-2 py-1 text-right font-medium">
                        {ts.cpu}
                      </th>
                      <th scope="col" className="py-1 pl-2 text-right font-medium">
                        {ts.cost}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {[
                      ...savings.top_products.map((p) => ({ key: p.product, name: p.product, f: p })),
                      { key: '', name: ts.others, f: savings.others },
                    ].map(({ key, name, f }) => (
                      <tr
                        key={key || 'others'}
                        data-testid={key ? 'savings-row' : 'savings-others'}
                        className="border-t border-slate-200 dark:border-slate-800"
                      >
                        <th scope="row" className="max-w-48 truncate py-1 pr-2 text-left font-normal" title={name}>
                          {name}
                        </th>
                        <td className="px-2 py-1 text-right">{format.int(f.forecasts_served_from_cache)}</td>
                        <td className="px-2 py-1 text-right">{format.int(f.trainings_avoided)}</td>
                        <td className="px-2 py-1 text-right">{format.duration(f.cpu_seconds_saved * 1000)}</td>
                        <td className="py-1 pl-2 text-right">{money(f.cost_saved)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        </div>
      </div>
    </Card>
  );
}
