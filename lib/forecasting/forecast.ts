import type { ForecastPoint } from '@/lib/api-types';
import { simulateIntervals } from './forecast-intervals';
import { hashSeed } from './prng';
import { pointForecast, type LiveModel } from './prophet-model';

/** Rounds to 3 decimals: units sold don't need more, and the JSON stays small. */
function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * The forecast for `days` days after the model's training window, with its interval (the model's interval width,
 * 80 % by default). Deterministic: the same model version and horizon always give the same numbers.
 * Values are clamped at 0: sales cannot be negative, whatever the Gaussian noise model says.
 */
export function forecastDemand(model: LiveModel, days: number): ForecastPoint[] {
  const point = pointForecast(model, days);
  const { lower, upper } = simulateIntervals({
    point,
    params: model.artifact.params,
    scaling: model.scaling,
    intervalWidth: model.artifact.options.intervalWidth,
    samples: model.artifact.options.uncertaintySamples,
    seed: hashSeed('forecast', model.product, model.version, days),
  });
  return point.dates.map((date, i) => {
    const yhat = Math.max(0, round3(point.yhat[i]!));
    return {
      date,
      yhat,
      yhat_lower: Math.max(0, round3(lower[i]!)),
      yhat_upper: Math.max(0, round3(upper[i]!)),
    };
  });
}
