import type { UsageHour } from '@/lib/redis-cache';
import { forecastHourlyVolume } from './usage-forecast';
import { productVolumes, topPairs } from './usage-ranking';

const HOUR_MS = 3_600_000;

/** What the scheduler needs from the cache and the forecasting service (injected: tests and the benchmark drive it). */
export interface SmartSchedulerDeps {
  /** Requests per hour from the hour containing `from` to the one containing `to` (all instances). */
  usageHours(from: number, to: number): Promise<UsageHour[]>;
  /** Runs `fn` while holding the cross-instance lock; undefined when another instance holds it. */
  exclusive<T>(fn: () => Promise<T>): Promise<T | undefined>;
  /** Seconds the cached forecast has left; negative when it is not cached. */
  predictionTtl(product: string, days: number): Promise<number>;
  /** Loads a forecast into the cache through the cached function (a hit costs nothing). */
  warm(product: string, days: number): Promise<void>;
  /** Recomputes a forecast and replaces the cached copy, so its TTL starts again. */
  refresh(product: string, days: number): Promise<void>;
  now(): number;
  /**
   * The volume forecast of one product (default: usage-forecast.ts on this thread). The service passes its training
   * worker's, which keeps the fits — and the optimizer's memory — off the main thread.
   */
  forecastVolume?(firstHour: number, series: readonly number[], horizon: number): Promise<number[]>;
}

export interface SmartSchedulerOptions {
  /** Hours of usage the volume forecast learns from (default 14 days). */
  historyHours?: number;
  /** Most pairs pre-warmed or refreshed per run (CACHE_WARMUP_TOP_K). */
  topK: number;
  /** The forecasts' TTL, seconds (CACHE_PREDICTION_TTL). */
  predictionTtlS: number;
  /** Seconds between runs (see {@link SmartScheduler.refreshAheadS}). */
  intervalS: number;
  /** A pair is worth warming when at least this many requests are expected in the hour (default 1). */
  minExpected?: number;
  /** Products whose volume is forecast per run, the busiest first (default 20): bounds the fits per run. */
  maxProducts?: number;
  /**
   * Fit the new hour's volume forecasts in the background while runs use the previous hour's (default true); false:
   * every run of a new hour waits for its fits (a replay on a simulated clock pauses that clock meanwhile).
   */
  backgroundFits?: boolean;
}

/** A pair and the requests expected for it in one hour. */
export interface ExpectedPair {
  product: string;
  days: number;
  expected: number;
}

/** One planned pre-warm: at `at`, ahead of the hour starting at `hour`, these pairs. */
export interface PlannedPrewarm {
  at: number;
  hour: number;
  pairs: ExpectedPair[];
}

/** One product's forecast volume beside what was counted, per hour. */
export interface VolumeForecast {
  product: string;
  /** Start of the first hour of `actual` (epoch ms); `predicted` starts with the current hour. */
  firstHour: number;
  actual: number[];
  currentHour: number;
  predicted: number[];
}

export interface SchedulerRun {
  at: number;
  /** `elsewhere`: another instance ran it (the lock was held). */
  outcome: 'ran' | 'elsewhere' | 'failed';
  prewarmed: string[];
  refreshed: string[];
  plan: PlannedPrewarm[];
  error?: string;
}

interface ForecastState {
  hour: number;
  byProduct: Map<string, VolumeForecast>;
  shares: Map<string, { days: number; share: number }[]>;
}

/** Hours of forecast the plan shows. */
const PLAN_HOURS = 12;

/**
 * The predictive warm-up: forecasts each busy product's hourly request volume (Prophet over the usage counts,
 * usage-forecast.ts), splits it over the product's horizons by their recent shares, and on every run
 * - **pre-warms** the pairs expected in the next hour, in the last `lead` before it begins (lead = half the
 *   forecasts' TTL, at most 10 minutes, so what it loads is still there when the hour starts), and
 * - **refreshes ahead** the pairs hot now (expected or already asked this hour) whose cached copy expires within
 *   `refreshAheadS`, so they do not expire in a caller's face; hot pairs not cached at all are loaded.
 * One instance runs it at a time (the injected `exclusive`, a Redis lock). Volume forecasts are kept per product
 * until the hour changes: a run within the same hour fits nothing.
 */
export class SmartScheduler {
  private readonly historyHours: number;
  private readonly minExpected: number;
  private readonly maxProducts: number;
  private forecasts: ForecastState | null = null;
  private fitting: { hour: number; fitting: Promise<Map<string, VolumeForecast>> } | null = null;
  private last: SchedulerRun | null = null;
  private running: Promise<SchedulerRun> | null = null;

  constructor(
    private readonly deps: SmartSchedulerDeps,
    private readonly o: SmartSchedulerOptions,
  ) {
    this.historyHours = o.historyHours ?? 14 * 24;
    this.minExpected = o.minExpected ?? 1;
    this.maxProducts = o.maxProducts ?? 20;
  }

  /** True when the next run of the hour containing `at` fits the hour's volume forecasts. */
  fitsDue(at: number): boolean {
    const currentHour = at - (at % HOUR_MS);
    return this.forecasts?.hour !== currentHour;
  }

  /** How long before an hour its expected pairs are loaded. */
  get leadMs(): number {
    return Math.min(10 * 60_000, (this.o.predictionTtlS * 1000) / 2);
  }

  /**
   * A hot forecast is refreshed when it has this little life left: two runs, or a third of the TTL if that is
   * more — a run can start late (the volume fits share the thread), and a copy that expired meanwhile is a miss.
   */
  get refreshAheadS(): number {
    return Math.max(2 * this.o.intervalS, this.o.predictionTtlS / 3);
  }

  /** The last run's report (null before the first). */
  get lastRun(): SchedulerRun | null {
    return this.last;
  }

  /** The volume forecasts of the current hour (empty before the first run of the hour). */
  get volumeForecasts(): VolumeForecast[] {
    return [...(this.forecasts?.byProduct.values() ?? [])];
  }

  /**
   * The volume forecasts for the hour containing `at` (fitted once per hour, shared with the runs): for a report on
   * any instance, whether or not it holds the scheduler's lock.
   */
  async forecastAt(at: number): Promise<VolumeForecast[]> {
    const currentHour = at - (at % HOUR_MS);
    if (this.forecasts?.hour !== currentHour) {
      await this.forecastVolumes(await this.deps.usageHours(currentHour - this.historyHours * HOUR_MS, at), currentHour);
    }
    return this.volumeForecasts;
  }

  /** One run (concurrent calls share it). Never throws: a failure is reported in the run. */
  run(): Promise<SchedulerRun> {
    this.running ??= this.runOnce().finally(() => (this.running = null));
    return this.running;
  }

  private async runOnce(): Promise<SchedulerRun> {
    const at = this.deps.now();
    let report: SchedulerRun;
    try {
      const done = await this.deps.exclusive(() => this.work(at));
      report = done ?? { at, outcome: 'elsewhere', prewarmed: [], refreshed: [], plan: [] };
    } catch (error) {
      report = { at, outcome: 'failed', prewarmed: [], refreshed: [], plan: [], error: error instanceof Error ? error.message : String(error) };
    }
    this.last = report;
    return report;
  }

  private async work(at: number): Promise<SchedulerRun> {
    const currentHour = at - (at % HOUR_MS);
    // The whole history once per hour (for the fits); otherwise the previous and the current hour's counts.
    const needFit = this.forecasts?.hour !== currentHour && this.fitting?.hour !== currentHour;
    const hours = await this.deps.usageHours(needFit ? currentHour - this.historyHours * HOUR_MS : currentHour - HOUR_MS, at);
    if (needFit) {
      const fitting = this.forecastVolumes(hours, currentHour);
      // The first fits are awaited (there is nothing else to go by). Later ones run in the background while this
      // run, and the next ones, use the previous hour's forecasts one hour on: fitting every product takes
      // seconds, and refreshing hot keys must not stop meanwhile.
      if (this.forecasts === null || this.o.backgroundFits === false) await fitting;
      else void fitting.catch(() => undefined);
    }
    const state = this.forecasts ?? { hour: currentHour, byProduct: new Map<string, VolumeForecast>(), shares: new Map() };
    const shift = Math.max(0, Math.round((currentHour - state.hour) / HOUR_MS));
    const expectedAt = (offset: number): ExpectedPair[] => {
      const pairs: ExpectedPair[] = [];
      for (const f of state.byProduct.values()) {
        for (const { days, share } of state.shares.get(f.product) ?? []) {
          const expected = (f.predicted[offset + shift] ?? 0) * share;
          if (expected >= this.minExpected) pairs.push({ product: f.product, days, expected });
        }
      }
      return pairs.sort((a, b) => b.expected - a.expected).slice(0, this.o.topK);
    };

    const prewarmed: string[] = [];
    const refreshed: string[] = [];
    const nextHour = currentHour + HOUR_MS;
    const handled = new Set<string>();

    // Pre-warm: within the lead before the next hour, its expected pairs, alive when the hour begins.
    if (nextHour - at <= this.leadMs) {
      const mustLastS = (nextHour - at) / 1000 + this.refreshAheadS;
      for (const p of expectedAt(1)) {
        const id = `${p.product}:${p.days}`;
        handled.add(id);
        const ttl = await this.deps.predictionTtl(p.product, p.days);
        if (ttl < 0) await this.deps.warm(p.product, p.days);
        else if (ttl < mustLastS) await this.deps.refresh(p.product, p.days);
        else continue;
        prewarmed.push(id);
      }
    }

    // Refresh ahead: the pairs hot now, by the forecast for this hour or by their rate over the last hour or so
    // (whichever is higher), the hottest first.
    const windowHours = Math.max(1, (at - (currentHour - HOUR_MS)) / HOUR_MS);
    const hot = new Map<string, { product: string; days: number; score: number }>();
    const consider = (product: string, days: number, score: number) => {
      const id = `${product}:${days}`;
      const seen = hot.get(id);
      if (score >= this.minExpected && (!seen || seen.score < score)) hot.set(id, { product, days, score });
    };
    for (const p of expectedAt(0)) consider(p.product, p.days, p.expected);
    for (const p of topPairs(hours.slice(-2), Number.MAX_SAFE_INTEGER)) consider(p.product, p.days, p.count / windowHours);
    let budget = this.o.topK;
    for (const [id, p] of [...hot].sort((a, b) => b[1].score - a[1].score)) {
      if (handled.has(id) || budget <= 0) continue;
      budget -= 1;
      const ttl = await this.deps.predictionTtl(p.product, p.days);
      if (ttl < 0) await this.deps.warm(p.product, p.days);
      else if (ttl <= this.refreshAheadS) await this.deps.refresh(p.product, p.days);
      else continue;
      refreshed.push(id);
    }

    const plan: PlannedPrewarm[] = [];
    for (let offset = 1; offset <= PLAN_HOURS; offset++) {
      const pairs = expectedAt(offset);
      const hour = currentHour + offset * HOUR_MS;
      if (pairs.length > 0) plan.push({ at: hour - this.leadMs, hour, pairs });
    }
    return { at, outcome: 'ran', prewarmed, refreshed, plan };
  }

  /** Per product (the busiest `maxProducts`), the volume from the current hour on; fitted once per hour. */
  private forecastVolumes(hours: UsageHour[], currentHour: number): Promise<Map<string, VolumeForecast>> {
    if (this.forecasts?.hour === currentHour) return Promise.resolve(this.forecasts.byProduct);
    // Concurrent callers of one hour (a run and a report) share one set of fits.
    if (this.fitting?.hour !== currentHour) {
      const fitting = this.fitVolumes(hours, currentHour).finally(() => {
        if (this.fitting === entry) this.fitting = null;
      });
      const entry = { hour: currentHour, fitting };
      this.fitting = entry;
    }
    return this.fitting!.fitting;
  }

  private async fitVolumes(hours: UsageHour[], currentHour: number): Promise<Map<string, VolumeForecast>> {
    // Complete hours only: the current one is still being counted.
    const past = hours.filter((h) => h.hour < currentHour);
    const volumes = [...productVolumes(past)].map(([product, series]) => ({ product, series, total: series.reduce((s, v) => s + v, 0) }));
    volumes.sort((a, b) => b.total - a.total || (a.product < b.product ? -1 : 1));
    const byProduct = new Map<string, VolumeForecast>();
    for (const { product, series } of volumes.slice(0, this.maxProducts)) {
      // Trailing empty hours are history too, but leading ones (before the product was ever asked) are not.
      const first = series.findIndex((v) => v > 0);
      const trimmed = series.slice(first);
      const firstHour = past[first]!.hour;
      // Two hours more than the plan shows: a run may use these forecasts an hour late (see work).
      const predicted = await (this.deps.forecastVolume ?? forecastHourlyVolume)(firstHour, trimmed, PLAN_HOURS + 2);
      byProduct.set(product, { product, firstHour, actual: trimmed, currentHour, predicted });
      // Yield between fits: requests waiting on the event loop go first.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.forecasts = { hour: currentHour, byProduct, shares: horizonShares(hours) };
    return byProduct;
  }
}

/** Per product, each horizon's share of its requests over `hours` (horizons under 2 % left out). */
export function horizonShares(hours: readonly UsageHour[]): Map<string, { days: number; share: number }[]> {
  const pairs = topPairs(hours, Number.MAX_SAFE_INTEGER);
  const totals = new Map<string, number>();
  for (const p of pairs) totals.set(p.product, (totals.get(p.product) ?? 0) + p.count);
  const out = new Map<string, { days: number; share: number }[]>();
  for (const p of pairs) {
    const share = p.count / totals.get(p.product)!;
    if (share < 0.02) continue;
    let list = out.get(p.product);
    if (!list) out.set(p.product, (list = []));
    list.push({ days: p.days, share });
  }
  return out;
}
