import { createHash } from 'node:crypto';
import type { Prophet, ProphetHoliday, ProphetOptimizeOptions, ProphetOptimizeOutput } from '@bsull/augurs/prophet';
import { fromEpochSeconds } from './dates';
import type { HolidayCalendar } from './holidays';
import type { FitResult, FittedParams, HolidaySpec, ModelArtifact, ModelOptions } from './model-artifact';
import { loadedProphetRuntime, prophetRuntime, type ProphetRuntime } from './prophet-runtime';

/**
 * Prophet fit, rebuild and forecast on top of augurs.
 *
 * augurs has no save/load. A fitted model is persisted as the optimizer's output and rebuilt by running `fit`
 * again on the same series with an optimizer that returns the stored parameters (no Stan run).
 *
 * The catch: the order of the seasonality/holiday column blocks in the design matrix `X` that augurs hands to
 * the optimizer changes from one `Prophet` instance to the next, and `beta` is positional. A naive rebuild
 * forecasts wrongly about half the time. So training records a fingerprint (hash of the whole column) of each
 * column of `X`, and a rebuild computes the new order's fingerprints and permutes `beta` to match — failing
 * loudly if a column is missing. Identical columns share one coefficient (see {@link shareIdenticalColumns}), so
 * which of them is which does not matter.
 */

/** Fields of the Stan data JSON the module reads. */
interface StanData {
  T: number;
  K: number;
  X: number[][];
  t: number[];
  t_change: number[];
  y: number[];
}

const EMPTY_LOGS = { debug: '', info: '', warn: '', error: '', fatal: '' };

/** sha256 of each column of X (rows are time points), first 24 hex characters. */
export function columnFingerprints(data: StanData): string[] {
  const prints: string[] = [];
  const column = new Float64Array(data.T);
  for (let j = 0; j < data.K; j++) {
    for (let i = 0; i < data.T; i++) column[i] = data.X[i]![j]!;
    prints.push(createHash('sha256').update(new Uint8Array(column.buffer)).digest('hex').slice(0, 24));
  }
  return prints;
}

function toProphetHolidays(holidays: HolidaySpec[], priorScale: number): Map<string, ProphetHoliday> {
  return new Map(holidays.map((h) => [h.name, { occurrences: h.occurrences, priorScale }]));
}

function newProphet(
  runtime: ProphetRuntime,
  options: ModelOptions,
  holidays: HolidaySpec[],
  optimize: (init: never, data: string, opts: never) => ProphetOptimizeOutput,
): Prophet {
  return new runtime.Prophet({
    optimizer: { optimize: optimize as never },
    growth: 'linear',
    weeklySeasonality: { type: 'fourier', order: options.weeklyFourierOrder },
    yearlySeasonality: { type: 'fourier', order: options.yearlyFourierOrder },
    dailySeasonality: { type: 'manual', enabled: false },
    seasonalityMode: options.seasonalityMode,
    changepointPriorScale: options.changepointPriorScale,
    seasonalityPriorScale: options.seasonalityPriorScale,
    holidays: holidays.length ? toProphetHolidays(holidays, options.holidaysPriorScale) : undefined,
    holidaysPriorScale: options.holidaysPriorScale,
    // Intervals are simulated by this module with a seeded generator (see forecast-intervals.ts): augurs samples
    // with an unseedable thread RNG, which would make every forecast, and so every cached value, different.
    uncertaintySamples: 0,
  });
}

export interface TrainingInput {
  /** Unix seconds at 00:00 UTC, ascending, unique. */
  ds: number[];
  y: number[];
  options: ModelOptions;
  holidays: HolidaySpec[];
  /** Recorded in the artifact: where `holidays` came from. */
  holidayCalendar?: HolidayCalendar;
}

/** MAPE in percent over the points with a non-zero actual (NaN when there are none). */
export function mape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    if (a === 0) continue;
    sum += Math.abs((a - predicted[i]!) / a);
    n++;
  }
  return n === 0 ? Number.NaN : (100 * sum) / n;
}

/**
 * The coefficients to store when columns of the design matrix are identical over the training window — a holiday
 * that fell only on days missing from a product's sales (an all-zero column, like another such), or two holidays
 * that fell on the same days. The data cannot tell their coefficients apart, and a rebuild cannot tell the
 * columns apart (their fingerprints are equal): each gets the group's mean. Over the window the fit is unchanged
 * (identical columns contribute only through the sum of their coefficients); after it, each holiday gets the one
 * estimate the data supports.
 */
export function shareIdenticalColumns(prints: readonly string[], beta: readonly number[]): number[] {
  const groups = new Map<string, number[]>();
  prints.forEach((print, i) => groups.set(print, [...(groups.get(print) ?? []), i]));
  const shared = [...beta];
  for (const indices of groups.values()) {
    if (indices.length < 2) continue;
    const mean = indices.reduce((sum, i) => sum + beta[i]!, 0) / indices.length;
    for (const i of indices) shared[i] = mean;
  }
  return shared;
}

/**
 * Optimizer settings tried in turn. Stan's L-BFGS fails on a few series (≈ 3 % of the demo windows: the WASM build
 * aborts with "unreachable" when the first line-search step is too long). A smaller first step fixes those; Newton's
 * method (Prophet's own fallback) is the last resort. A rebuild never optimizes, so how a fit converged does not
 * matter to it.
 */
export const FIT_ATTEMPTS: ProphetOptimizeOptions[] = [{}, { initAlpha: 1e-4 }, { initAlpha: 1e-5 }, { algorithm: 'newton' }];

/** Fits Prophet on the series (runs Stan's optimizer) and returns everything a rebuild needs. */
export async function fitModel(input: TrainingInput): Promise<FitResult> {
  const runtime = await prophetRuntime();
  const started = performance.now();
  let lastError: unknown;
  for (const attempt of FIT_ATTEMPTS) {
    let captured: { params: FittedParams; prints: string[] } | undefined;
    const prophet = newProphet(runtime, input.options, input.holidays, (init, data, opts) => {
      const output = runtime.stanOptimizer.optimize(init, data, opts) as ProphetOptimizeOutput;
      const stan = JSON.parse(data) as StanData;
      const p = output.params;
      captured = {
        params: {
          k: p.k,
          m: p.m,
          sigmaObs: p.sigmaObs,
          delta: Array.from(p.delta),
          beta: Array.from(p.beta),
          trend: Array.from(p.trend),
        },
        prints: columnFingerprints(stan),
      };
      return output;
    });
    try {
      try {
        prophet.fit({ ds: input.ds, y: input.y }, attempt);
      } catch (error) {
        lastError = error;
        continue;
      }
      if (!captured) throw new Error('Prophet fit did not call the optimizer');
      const prints = captured.prints;
      const params = { ...captured.params, beta: shareIdenticalColumns(prints, captured.params.beta) };
      const inSample = prophet.predict().yhat.point;
      return {
        options: input.options,
        holidays: input.holidays,
        ...(input.holidayCalendar ? { holidayCalendar: input.holidayCalendar } : {}),
        series: { ds: input.ds, y: input.y },
        params,
        columnFingerprints: prints,
        mape: mape(input.y, inSample),
        trainingMs: performance.now() - started,
      };
    } finally {
      prophet.free();
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** What the interval simulation needs from the fitted model's time and value scaling. */
export interface ModelScaling {
  /** First training timestamp and the span that maps to t = 1 (Prophet's time scaling). */
  tStart: number;
  tScale: number;
  /** Prophet's absmax scaling of y (floor 0). */
  yScale: number;
  /** Changepoint times on the scaled axis. */
  changepointsT: number[];
}

/** A model rebuilt from its artifact, ready to forecast. Immutable once built. */
export interface LiveModel {
  readonly product: string;
  readonly version: number;
  readonly artifact: ModelArtifact;
  readonly prophet: Prophet;
  readonly scaling: ModelScaling;
  /** Whether this instance's design matrix had its columns in another order than at training (beta permuted). */
  readonly reordered: boolean;
}

/** Rebuilds a fitted model without refitting: the replayed optimizer returns the stored, re-ordered params. */
export async function rebuildModel(artifact: ModelArtifact): Promise<LiveModel> {
  return rebuildModelWith(await prophetRuntime(), artifact);
}

/** Every rebuild failure's message starts so: a forecast that fails with it was given an inconsistent artifact. */
export const REBUILD_FAILED = 'model rebuild:';

/**
 * The model of `artifact`, rebuilt on first use. A process that forecasts on worker threads (the default) only
 * sends the artifact there, so its own copy is never rebuilt: loading a stored model — from the database or a Redis
 * hit — costs the parse, not the ≈ 10–20 ms replay of the fit, nor WASM memory that nothing frees. When a forecast
 * runs on this thread, the first access rebuilds it (the Prophet runtime must be initialised by then).
 */
export function deferredModel(artifact: ModelArtifact): LiveModel {
  return new DeferredModel(artifact);
}

class DeferredModel implements LiveModel {
  readonly product: string;
  readonly version: number;
  private built: LiveModel | null = null;

  constructor(readonly artifact: ModelArtifact) {
    this.product = artifact.product;
    this.version = artifact.version;
  }

  get prophet(): Prophet {
    return this.live().prophet;
  }

  get scaling(): ModelScaling {
    return this.live().scaling;
  }

  get reordered(): boolean {
    return this.live().reordered;
  }

  private live(): LiveModel {
    if (this.built) return this.built;
    const runtime = loadedProphetRuntime();
    if (!runtime) throw new Error('Prophet runtime not initialised');
    return (this.built = rebuildModelWith(runtime, this.artifact));
  }
}

/** Synchronous rebuild, for callers that know the runtime is initialised. */
export function rebuildModelWith(runtime: ProphetRuntime, artifact: ModelArtifact): LiveModel {
  let failure: Error | undefined;
  let scaling: ModelScaling | undefined;
  let reordered = false;
  const { params, columnFingerprints: stored, series } = artifact;
  const prophet = newProphet(runtime, artifact.options, artifact.holidays, (_init, data) => {
    const stan = JSON.parse(data) as StanData;
    const current = columnFingerprints(stan);
    if (current.length !== stored.length) {
      failure = new Error(`${REBUILD_FAILED} design matrix has ${current.length} columns, artifact has ${stored.length}`);
    }
    const beta = current.map((print, to) => {
      const from = stored.indexOf(print);
      if (from !== to) reordered = true;
      if (from < 0) failure ??= new Error(`${REBUILD_FAILED} a design matrix column is not in the artifact`);
      return from < 0 ? 0 : params.beta[from]!;
    });
    const last = series.ds.length - 1;
    scaling = {
      tStart: series.ds[0]!,
      tScale: series.ds[last]! - series.ds[0]!,
      yScale: Math.max(...series.y.map(Math.abs)) || 1,
      changepointsT: stan.t_change,
    };
    return {
      logs: EMPTY_LOGS,
      params: {
        k: params.k,
        m: params.m,
        sigmaObs: params.sigmaObs,
        delta: Float64Array.from(params.delta),
        beta: Float64Array.from(beta),
        trend: Float64Array.from(params.trend),
      },
    };
  });
  prophet.fit({ ds: series.ds, y: series.y });
  if (failure || !scaling) {
    prophet.free();
    throw failure ?? new Error(`${REBUILD_FAILED} optimizer was not called`);
  }
  return Object.freeze({ product: artifact.product, version: artifact.version, artifact, prophet, scaling, reordered });
}

/** Point forecast and its components for the `days` days after the training window. */
export interface PointForecast {
  ds: number[];
  dates: string[];
  yhat: number[];
  additive: number[];
  multiplicative: number[];
}

export function pointForecast(model: LiveModel, days: number): PointForecast {
  const future = model.prophet.makeFutureDataframe(days, { includeHistory: false });
  const p = model.prophet.predict(future);
  return {
    ds: future.ds,
    dates: future.ds.map(fromEpochSeconds),
    yhat: p.yhat.point,
    additive: p.additive.point,
    multiplicative: p.multiplicative.point,
  };
}
