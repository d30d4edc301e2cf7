import { FIT_ATTEMPTS } from './prophet-model';
import { prophetRuntime } from './prophet-runtime';

const HOUR_S = 3600;

/** Fewer hours than this and there is no daily rhythm to learn: the forecast repeats the same hour of the last day. */
export const MIN_HOURS_FOR_PROPHET = 48;
/** With two weeks of hours the weekly rhythm is learnt too. */
const MIN_HOURS_FOR_WEEKLY = 14 * 24;

/**
 * The request volume of one product for the `horizon` hours after `series` — what the predictive warm-up expects
 * callers to ask. A Prophet model (the runtime the sales forecasts use) over the hourly counts, with a daily
 * rhythm and, given two weeks of history, a weekly one; no yearly rhythm (15 days of history at most), fitted on
 * log1p of the counts. Values are clamped at 0. With under two days of history, a seasonal-naive forecast (the same hour one day earlier) instead:
 * Prophet has nothing to fit a daily rhythm on.
 *
 * `firstHour` is the start of the series' first hour (epoch ms). Runs on the calling thread: a fit over 360 hourly
 * points takes tens of milliseconds, and the scheduler fits a bounded number of products per run, yielding between
 * them.
 */
export async function forecastHourlyVolume(firstHour: number, series: readonly number[], horizon: number): Promise<number[]> {
  if (horizon <= 0) return [];
  if (series.length < MIN_HOURS_FOR_PROPHET || series.every((v) => v === 0)) return seasonalNaive(series, horizon);
  const { Prophet, stanOptimizer } = await prophetRuntime();
  const start = Math.floor(firstHour / 1000);
  const ds = series.map((_, i) => start + i * HOUR_S);
  const prophet = new Prophet({
    optimizer: stanOptimizer,
    growth: 'linear',
    // Order 10: sharp enough for a peak of one or two hours (order 6 smears a one-hour peak over its neighbours).
    dailySeasonality: { type: 'fourier', order: 10 },
    weeklySeasonality: series.length >= MIN_HOURS_FOR_WEEKLY ? { type: 'fourier', order: 3 } : { type: 'manual', enabled: false },
    yearlySeasonality: { type: 'manual', enabled: false },
    // Request volume has bursts; a stiff trend keeps one burst from bending the forecast of the next hours.
    changepointPriorScale: 0.01,
    uncertaintySamples: 0,
  });
  try {
    // log1p: request volume is bursty and multiplicative (a peak hour is many times a quiet one); on the log scale
    // the daily Fourier terms fit a one-hour peak without ringing into the hours around it.
    const y = series.map((v) => Math.log1p(v));
    let fitted = false;
    for (const attempt of FIT_ATTEMPTS) {
      try {
        prophet.fit({ ds, y }, attempt);
        fitted = true;
        break;
      } catch {
        // try the next optimizer setting
      }
    }
    if (!fitted) return seasonalNaive(series, horizon);
    const last = ds[ds.length - 1]!;
    const future = Array.from({ length: horizon }, (_, i) => last + (i + 1) * HOUR_S);
    return prophet.predict({ ds: future }).yhat.point.map((v) => Math.max(0, Math.expm1(v)));
  } catch {
    // A degenerate series must not stop the scheduler: fall back to the naive forecast.
    return seasonalNaive(series, horizon);
  } finally {
    prophet.free();
  }
}

/** The value 24 hours earlier (or the series' mean when it is shorter than a day). */
export function seasonalNaive(series: readonly number[], horizon: number): number[] {
  const n = series.length;
  if (n === 0) return new Array<number>(horizon).fill(0);
  if (n < 24) {
    const mean = series.reduce((s, v) => s + v, 0) / n;
    return new Array<number>(horizon).fill(mean);
  }
  return Array.from({ length: horizon }, (_, i) => series[n - 24 + (i % 24)]!);
}
