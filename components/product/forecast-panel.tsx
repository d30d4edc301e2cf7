'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import useSWR from 'swr';
import { Area, CartesianGrid, ComposedChart, Line, Tooltip, XAxis, YAxis } from 'recharts';
import type { PredictionResponse, SalesHistoryResponse } from '@/lib/api-types';
import { getJsonWithHeaders, type ApiRequestError, type JsonWithHeaders } from '../api-client';
import { AXIS_STYLE } from '../chart-style';
import { ChoiceGroup } from '../ui/choice-group';
import { Card } from '../ui/card';
import { useErrorText } from '../i18n/error-text';
import { useFormat, useMessages } from '../i18n/locale-context';
import { parseServerTiming, serverDurationMs } from './server-timing';
import { predictKey, salesHistoryKey, useModelInfo } from '../use-api';

/** The forecast's interval width (lib/forecasting asks Prophet for 80 %). */
const INTERVAL_PERCENT = 80;

// Horizon labels read the same in both languages ("d" for days/dias).
const HORIZONS = [
  { value: 7, label: '7 d' },
  { value: 14, label: '14 d' },
  { value: 30, label: '30 d' },
  { value: 90, label: '90 d' },
] as const;

type Horizon = (typeof HORIZONS)[number]['value'];

interface Row {
  date: string;
  actual?: number;
  yhat?: number;
  band?: [number, number];
}

function mergeSeries(history: SalesHistoryResponse | undefined, prediction: PredictionResponse | undefined): Row[] {
  const rows = new Map<string, Row>();
  for (const p of history?.points ?? []) rows.set(p.date, { date: p.date, actual: p.quantity });
  for (const f of prediction?.forecast ?? []) {
    const row = rows.get(f.date) ?? { date: f.date };
    row.yhat = Math.round(f.yhat * 10) / 10;
    row.band = [Math.round(f.yhat_lower * 10) / 10, Math.round(f.yhat_upper * 10) / 10];
    rows.set(f.date, row);
  }
  return [...rows.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/** The forecast chart with the recent sales it continues, and where the answer came from. */
export function ForecastPanel({ product }: { product: string }) {
  const [days, setDays] = useState<Horizon>(30);
  const t = useMessages().forecast;
  const format = useFormat();
  const errorText = useErrorText();
  const level = format.percent(INTERVAL_PERCENT, 0);
  const prediction = useSWR<JsonWithHeaders<PredictionResponse>, ApiRequestError>(predictKey(product, days), getJsonWithHeaders, {
    // A forecast is fetched on demand, not polled: a miss costs a model run.
    revalidateOnFocus: false,
    keepPreviousData: true,
  });
  const historyDays = Math.max(28, Math.min(120, days * 2));
  const history = useSWR<SalesHistoryResponse, ApiRequestError>(salesHistoryKey(product, historyDays), {
    revalidateOnFocus: false,
    keepPreviousData: true,
  });

  // A forecast of an untrained product trains it: when the answer names another model version than the model
  // panel shows, refresh the panel.
  const model = useModelInfo(product);
  const answeredVersion = prediction.data?.body.model_version;
  const shownVersion = model.data?.model?.version;
  const refreshModel = model.mutate;
  const refreshedFor = useRef<number | null>(null);
  useEffect(() => {
    // Once per answered version: a lagging model endpoint must not turn this into a request loop.
    if (answeredVersion === undefined || !model.data || answeredVersion === shownVersion || refreshedFor.current === answeredVersion) return;
    refreshedFor.current = answeredVersion;
    void refreshModel();
  }, [answeredVersion, shownVersion, model.data, refreshModel]);

  const rows = useMemo(() => mergeSeries(history.data, prediction.data?.body), [history.data, prediction.data]);
  const xCache = prediction.data?.headers.get('x-cache')?.toUpperCase() ?? null;
  const serverMs = serverDurationMs(parseServerTiming(prediction.data?.headers.get('server-timing') ?? null));
  const total = prediction.data?.body.forecast.reduce((sum, f) => sum + f.yhat, 0);
  const loading = prediction.isLoading && !prediction.data;

  return (
    <Card title={t.title} id="forecast" actions={<ChoiceGroup label={t.horizon} options={HORIZONS} value={days} onChange={setDays} />}>
      <dl className="mb-3 grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-xs text-slate-600 dark:text-slate-300">{t.servedFrom}</dt>
          <dd>
            <span
              data-testid="cache-status"
              className={`inline-block min-w-12 rounded px-1.5 py-0.5 text-center text-xs font-bold ${
                xCache === 'HIT'
                  ? 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200'
                  : 'bg-amber-100 text-amber-950 dark:bg-amber-950 dark:text-amber-200'
              }`}
            >
              {prediction.isValidating && !prediction.data ? '…' : (xCache ?? '—')}
            </span>
            <span className="ml-1 text-xs text-slate-600 dark:text-slate-300">
              {xCache === 'HIT' ? t.fromCache : xCache === 'MISS' ? t.computed : ''}
            </span>
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-600 dark:text-slate-300">{t.serverTime}</dt>
          <dd className="tabular" data-testid="server-time">
            {format.duration(serverMs)}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-600 dark:text-slate-300">{t.roundTrip}</dt>
          <dd className="tabular">{format.duration(prediction.data?.elapsedMs)}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-600 dark:text-slate-300">{t.total}</dt>
          <dd className="tabular" data-testid="forecast-total">
            {total === undefined || !prediction.data ? '—' : t.totalValue(format.int(total), prediction.data.body.days)}
          </dd>
        </div>
      </dl>

      {prediction.error ? (
        <p role="alert" className="mb-2 text-sm font-medium text-red-700 dark:text-red-300" data-testid="forecast-error">
          {t.unavailable(errorText(prediction.error))}
        </p>
      ) : null}

      <figure data-testid="forecast-chart" className="relative">
        <figcaption className="sr-only">{t.caption(historyDays, days, level)}</figcaption>
        <div className={`h-72 text-slate-600 sm:h-80 dark:text-slate-300 ${prediction.isValidating && prediction.data ? 'opacity-70' : ''}`}>
          <ComposedChart responsive style={{ width: '100%', height: '100%' }} data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
            <XAxis dataKey="date" minTickGap={32} tickFormatter={format.dayMonth} {...AXIS_STYLE} />
            <YAxis width={48} tickFormatter={(v: number) => format.int(v)} {...AXIS_STYLE} />
            <Tooltip
              labelFormatter={(d: unknown) => (typeof d === 'string' ? format.day(d) : String(d))}
              formatter={(value, name) =>
                Array.isArray(value)
                  ? [`${format.decimal(Number(value[0]))} – ${format.decimal(Number(value[1]))}`, name]
                  : [typeof value === 'number' ? format.decimal(value) : String(value), name]
              }
            />
            <Area
              dataKey="band"
              name={t.interval(level)}
              stroke="none"
              fill="#0284c7"
              fillOpacity={0.2}
              isAnimationActive={false}
              connectNulls={false}
            />
            <Line dataKey="actual" name={t.sold} stroke="#64748b" strokeWidth={1.5} dot={false} isAnimationActive={false} connectNulls={false} />
            <Line dataKey="yhat" name={t.forecast} stroke="#0284c7" strokeWidth={2} dot={false} isAnimationActive={false} connectNulls={false} />
          </ComposedChart>
        </div>
        {loading ? <p className="pointer-events-none absolute inset-x-0 top-1/2 text-center text-sm">{t.computing}</p> : null}
      </figure>
      <ul className="mt-2 flex flex-wrap gap-x-4 text-xs text-slate-600 dark:text-slate-300" aria-label={t.legend}>
        <li className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-0.5 w-4 bg-slate-500" />
          {t.sold}
        </li>
        <li className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-0.5 w-4 bg-sky-600" />
          {t.forecast}
        </li>
        <li className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block size-2.5 bg-sky-600/30" />
          {t.interval(level)}
        </li>
      </ul>
      {history.error ? <p className="mt-1 text-xs text-slate-600 dark:text-slate-300">{t.historyUnavailable(errorText(history.error))}</p> : null}
    </Card>
  );
}
