'use client';

import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { UsageReport } from '@/lib/api-types';
import { Card } from '../ui/card';
import { useErrorText } from '../i18n/error-text';
import { useFormat, useMessages } from '../i18n/locale-context';
import { AXIS_STYLE, CHART_MARGIN, CHART_STYLE, timeXAxis } from '../chart-style';
import { useUsage } from '../use-api';

const COLORS = { actual: '#0284c7', predicted: '#d97706', heat: '2, 132, 199' } as const;

interface VolumePoint {
  t: number;
  actual: number | null;
  predicted: number | null;
}

const HOURS_PER_LABEL = 3;

/** Actual requests per past hour and the forecast from the current hour on, on one time axis. */
function volumePoints(report: UsageReport | undefined): VolumePoint[] {
  if (!report) return [];
  const byHour = new Map<number, VolumePoint>();
  report.hours.forEach((hour, i) => {
    const t = Date.parse(hour);
    byHour.set(t, { t, actual: report.volume.actual[i] ?? 0, predicted: null });
  });
  report.volume.predicted_hours.forEach((hour, i) => {
    const t = Date.parse(hour);
    const point = byHour.get(t) ?? { t, actual: null, predicted: null };
    point.predicted = report.volume.predicted[i] ?? null;
    byHour.set(t, point);
  });
  return [...byHour.values()].sort((a, b) => a.t - b.t);
}

/**
 * The usage panels: a heat map of forecast requests (products × hour), the request volume beside its forecast,
 * and what the warm-ups will load and when — from GET /api/ai/cache/usage. The heat map is a table (one cell per
 * product and hour, its shade the count): readable by screen readers and exact on hover, which a chart of
 * rectangles is not.
 */
export function UsagePanels() {
  const { data, error } = useUsage();
  const t = useMessages();
  const tu = t.usage;
  const format = useFormat();
  const errorText = useErrorText();
  const points = useMemo(() => volumePoints(data), [data]);
  const max = Math.max(1, ...(data?.heatmap.flatMap((row) => row.counts) ?? []));
  const hasForecast = (data?.volume.predicted.length ?? 0) > 0;
  const plan = data?.planned_warm_up;

  return (
    <Card
      title={tu.title}
      id="usage"
      actions={data ? <span className="text-xs text-slate-600 dark:text-slate-300">{tu.mode(data.mode)}</span> : null}
    >
      {error ? (
        <p role="status" className="mb-2 text-sm font-medium text-red-700 dark:text-red-300">
          {tu.refreshFailed(errorText(error))}
        </p>
      ) : null}
      <div className="grid grid-cols-1 gap-6 xl:grid-cols-2">
        <figure data-testid="usage-heatmap" className="min-w-0">
          <figcaption className="mb-1 text-sm font-medium">{tu.heatmapTitle}</figcaption>
          {!data ? (
            <p className="text-sm text-slate-600 dark:text-slate-300">{t.common.loading}</p>
          ) : data.heatmap.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-300">{tu.noUsage}</p>
          ) : (
            <div className="overflow-x-auto">
              <table aria-label={tu.heatmapLabel} className="border-separate border-spacing-0.5 text-xs">
                <thead>
                  <tr>
                    <th scope="col" className="pr-2 text-left font-medium">
                      {tu.product}
                    </th>
                    {/* One label per three hours (24 do not fit), over the three columns it starts: on a 12-hour
                        clock the label needs its AM/PM, which one cell's width cannot hold. */}
                    {data.hours
                      .filter((_, i) => i % HOURS_PER_LABEL === 0)
                      .map((hour, j) => (
                        <th
                          key={hour}
                          scope="col"
                          colSpan={Math.min(HOURS_PER_LABEL, data.hours.length - j * HOURS_PER_LABEL)}
                          className="text-left font-normal whitespace-nowrap text-slate-600 dark:text-slate-300"
                        >
                          {format.hour(hour)}
                        </th>
                      ))}
                  </tr>
                </thead>
                <tbody>
                  {data.heatmap.map((row) => (
                    <tr key={row.product} data-testid="usage-heatmap-row">
                      <th scope="row" className="max-w-40 truncate pr-2 text-left font-normal">
                        {row.product}
                      </th>
                      {row.counts.map((count, i) => {
                        const label = tu.cell(row.product, format.clockShort(data.hours[i]!), format.int(count));
                        return (
                          <td
                            key={data.hours[i]}
                            title={label}
                            aria-label={label}
                            className="h-5 w-5 rounded-sm border border-slate-200 dark:border-slate-700"
                            style={{ backgroundColor: count > 0 ? `rgba(${COLORS.heat}, ${0.15 + (0.85 * count) / max})` : undefined }}
                          />
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </figure>

        <figure data-testid="chart-usage-volume" className="relative min-w-0">
          <figcaption className="mb-1 text-sm font-medium">{tu.volumeTitle}</figcaption>
          <div className="h-56 text-slate-600 dark:text-slate-300">
            <LineChart responsive style={CHART_STYLE} data={points} margin={CHART_MARGIN}>
              <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
              <XAxis {...timeXAxis(format)} />
              <YAxis allowDecimals={false} tickFormatter={(v: number) => format.int(v)} width={44} {...AXIS_STYLE} />
              <Tooltip
                labelFormatter={(v) => (typeof v === 'number' ? format.clockShort(v) : String(v))}
                formatter={(v) => format.decimal(typeof v === 'number' ? v : null)}
              />
              <Line
                type="monotone"
                dataKey="actual"
                name={tu.actualSeries}
                stroke={COLORS.actual}
                strokeWidth={2}
                dot={false}
                isAnimationActive={false}
              />
              <Line
                type="monotone"
                dataKey="predicted"
                name={tu.predictedSeries}
                stroke={COLORS.predicted}
                strokeWidth={2}
                strokeDasharray="5 4"
                dot={false}
                isAnimationActive={false}
              />
            </LineChart>
          </div>
          <ul className="mt-2 flex flex-wrap gap-x-4 text-xs text-slate-600 dark:text-slate-300">
            <li className="flex items-center gap-1.5">
              <span aria-hidden="true" className="inline-block size-2.5 rounded-sm" style={{ backgroundColor: COLORS.actual }} />
              {tu.actualSeries}
            </li>
            <li className="flex items-center gap-1.5">
              <span aria-hidden="true" className="inline-block size-2.5 rounded-sm" style={{ backgroundColor: COLORS.predicted }} />
              {tu.predictedSeries}
            </li>
          </ul>
          {data && !hasForecast ? <p className="mt-1 text-xs text-slate-600 dark:text-slate-300">{tu.noForecast}</p> : null}
        </figure>
      </div>

      <section data-testid="planned-warm-up" aria-labelledby="planned-warm-up-title" className="mt-6">
        <h3 id="planned-warm-up-title" className="mb-2 text-sm font-semibold">
          {tu.planTitle}
        </h3>
        {!plan ? null : plan.basis === 'fixed' ? (
          <p className="text-sm">{tu.basisFixed}</p>
        ) : (
          <>
            <p className="text-sm">{tu.basisUsage(format.int(plan.pairs.length), format.int(plan.top_k))}</p>
            <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm" data-testid="planned-pairs">
              {plan.pairs.map((p) => (
                <li key={`${p.product}:${p.days}`}>{tu.pair(p.product, format.int(p.days), format.int(p.count))}</li>
              ))}
            </ul>
          </>
        )}
        {data?.mode === 'predictive' ? (
          <div className="mt-3">
            <h4 className="text-sm font-medium">{tu.scheduledTitle}</h4>
            {plan && plan.scheduled.length > 0 ? (
              <ul className="mt-1 space-y-1 text-sm" data-testid="scheduled-prewarms">
                {plan.scheduled.map((s) => (
                  <li key={s.hour}>
                    {tu.scheduled(format.clockShort(s.at), format.clockShort(s.hour))}{' '}
                    {s.pairs.map((p) => tu.expectedPair(p.product, format.int(p.days), format.decimal(p.expected))).join(', ')}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-600 dark:text-slate-300">{tu.noneScheduled}</p>
            )}
          </div>
        ) : null}
      </section>
    </Card>
  );
}
