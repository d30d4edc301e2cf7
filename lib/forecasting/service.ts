import { appCacheSystem } from '@/lib/config/cache-system';
import { readEnv } from '@/lib/config/env';
import {
  errorMessage,
  cached,
  cachedModel,
  cachedPrediction,
  processSingleton,
  replaceProcessSingleton,
  type CacheSystem,
  type CachedFunction,
  type Detailed,
} from '@/lib/redis-cache';
import type { Logger } from 'pino';
import { getLogger } from '@/lib/logger';
import { openDatabase, type SqliteDatabase } from './database';
import { seedDemoHistoryIfEmpty } from './demo-seed';
import { assertForecastDays, Forecaster, type FitRunner, type Prediction } from './forecaster';
import type { HolidayCalendar } from './holidays';
import { parseModelArtifact, type ModelArtifact, type ModelOptions } from './model-artifact';
import type { ModelSummary } from './model-store';
import { rebuildModel, rebuildModelWith, type LiveModel } from './prophet-model';
import { loadedProphetRuntime, prophetRuntime } from './prophet-runtime';
import type { ProductRecord } from './sales-store';
import { TrainingWorker } from './training-worker';

export interface RetrainResult {
  product: string;
  version: number;
  previousVersion: number | null;
  trainingMs: number;
  trainedAt: string;
  mape: number;
}

export interface ForecastingServiceOptions {
  /** An open database; default: DATABASE_PATH (created on first use). */
  db?: SqliteDatabase;
  /** The cache system; default: the process-wide one. */
  cache?: CacheSystem;
  /** Where fits run; default: a worker thread. */
  fit?: FitRunner;
  /** Seed the demo history into an empty database (default: SEED_DEMO_DATA, true). */
  seedDemoData?: boolean;
  /** Last day of the seeded demo history (default: yesterday, UTC). */
  demoEndDate?: string;
  modelOptions?: ModelOptions;
  /** Holidays of new models; default: HOLIDAYS_COUNTRY / HOLIDAYS_REGION (Brazil's national calendar). */
  holidayCalendar?: HolidayCalendar;
  /** Default: the service's logger (lib/logger). */
  logger?: Logger;
}

/** A training lock outlives any fit (seconds) but frees itself if its holder dies. */
const TRAINING_LOCK_TTL_MS = 120_000;

/**
 * The forecasting operations behind the cache (the seed's `load_model`, `predict_demand`, product list):
 *
 * - `loadModel(product)` — `cachedModel`, 6 h: the live model in L1, its artifact in Redis (rebuilt on an L2 hit).
 *   A product without a model is trained first, once across instances (the training lock).
 * - `predictDemand(product, days)` — `cachedPrediction`, 5 min, keyed by the model version read from the
 *   database, so a retrain makes every older forecast unreachable at once on every instance.
 * - `listProducts()` — `cached` as the product list, 10 min.
 * - `retrain(product)` — fits a new version under the training lock, then removes the product's model and
 *   forecasts (and the product list) from every tier and instance.
 *
 * Arguments are validated before any cache is touched: bad input never creates a cache entry.
 */
export class ForecastingService {
  readonly forecaster: Forecaster;
  private readonly system: () => CacheSystem;
  private readonly worker: TrainingWorker | null;
  private readonly log: Logger;

  private readonly cachedLoadModel: CachedFunction<[product: string], LiveModel>;
  private readonly cachedPredict: CachedFunction<[product: string, days: number, params?: undefined], Prediction>;
  private readonly cachedProducts: CachedFunction<[], ProductRecord[]>;

  constructor(db: SqliteDatabase, options: Omit<ForecastingServiceOptions, 'db'> = {}) {
    this.log = (options.logger ?? getLogger()).child({ component: 'forecasting' });
    this.worker = options.fit
      ? null
      : new TrainingWorker({
          onOutput: (stream, text) => {
            if (text.trim()) this.log.debug({ stream, text: text.trim().slice(0, 500) }, 'training worker output');
          },
        });
    const worker = this.worker;
    this.forecaster = new Forecaster({
      db,
      fit: options.fit ?? ((input) => worker!.fit(input)),
      modelOptions: options.modelOptions,
      holidayCalendar: options.holidayCalendar ?? readEnv().forecasting.holidayCalendar,
    });
    if (options.seedDemoData ?? readEnv().forecasting.seedDemoData) {
      if (seedDemoHistoryIfEmpty(this.forecaster.sales, options.demoEndDate)) this.log.info('empty sales database: demo history seeded');
    }

    const explicit = options.cache;
    this.system = () => explicit ?? appCacheSystem();

    this.cachedLoadModel = cachedModel((product: string) => this.loadModelUncached(product), {
      system: this.system,
      codec: {
        toCache: (model) => model.artifact,
        fromCache: (stored) => {
          // Awaited before every lookup (see loadModel), so a Redis hit rebuilds synchronously here.
          const runtime = loadedProphetRuntime();
          if (!runtime) throw new Error('Prophet runtime not initialised');
          return rebuildModelWith(runtime, parseModelArtifact(stored));
        },
      },
    });
    this.cachedPredict = cachedPrediction((product: string, days: number) => this.computePrediction(product, days), {
      system: this.system,
      version: (product) => this.forecaster.models.latestVersion(product) ?? 0,
    });
    this.cachedProducts = cached(async () => this.forecaster.sales.listProducts(), {
      type: 'products',
      name: 'forecasting:listProducts',
      system: this.system,
    });
  }

  // ── queries ─────────────────────────────────────────────────────────────────────────────────────────────

  /** True when the product has sales history (the only products the API knows). */
  hasProduct(product: string): boolean {
    return this.forecaster.sales.productExists(product);
  }

  /** Latest model's metadata, null when never trained. Throws `unknown_product`. */
  modelInfo(product: string): ModelSummary | null {
    this.forecaster.requireProduct(product);
    return this.forecaster.models.latestSummary(product);
  }

  /** The last `days` days of sales, oldest first (not cached: one indexed query). Throws `unknown_product`. */
  salesHistory(product: string, days: number): { date: string; quantity: number }[] {
    this.forecaster.requireProduct(product);
    return this.forecaster.sales.history(product, days);
  }

  // ── cached operations ───────────────────────────────────────────────────────────────────────────────────

  /** Products with sales, their history span and current model version (cached 10 min). */
  async listProducts(): Promise<ProductRecord[]> {
    return (await this.listProductsDetailed()).value;
  }

  listProductsDetailed(): Promise<Detailed<ProductRecord[]>> {
    return this.cachedProducts.detailed();
  }

  /** The product's current model, live (cached 6 h). Trains one first if the product has none. */
  async loadModel(product: string): Promise<LiveModel> {
    return (await this.loadModelDetailed(product)).value;
  }

  /**
   * Never returns a model older than the database's version at the time of the call: a cached copy can be stale
   * when a load raced a retrain (it read the old artifact before the new one was committed and cached it after
   * the invalidation) or when another instance's invalidation has not arrived yet. Such a copy is dropped and
   * the model reloaded.
   */
  async loadModelDetailed(product: string): Promise<Detailed<LiveModel>> {
    this.forecaster.requireProduct(product);
    await prophetRuntime();
    const current = this.forecaster.models.latestVersion(product) ?? 0;
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await this.cachedLoadModel.detailed(product);
      if (result.value.version >= current) return result;
      this.log.info({ product, cachedVersion: result.value.version, currentVersion: current }, 'stale cached model dropped');
      const system = this.system();
      await system.cache.delete(system.keys.model(product));
    }
    return { value: await this.loadModelUncached(product), cached: false, tier: null };
  }

  /** Forecast of `days` days (1–365) from the product's current model (cached 5 min per model version). */
  async predictDemand(product: string, days: number): Promise<Prediction> {
    return (await this.predictDemandDetailed(product, days)).value;
  }

  async predictDemandDetailed(product: string, days: number): Promise<Detailed<Prediction>> {
    assertForecastDays(days);
    // A product never trained gets its first model before the lookup, so the key carries version ≥ 1.
    if (this.forecaster.requireLatestVersion(product) === null) await this.loadModel(product);
    return this.cachedPredict.detailed(product, days);
  }

  /**
   * Trains a new model version under the cross-instance training lock and returns when it is stored and every
   * cached model and forecast of the product is gone. A retrain that finds another one finished while it waited
   * for the lock returns that version instead of fitting again.
   */
  async retrain(product: string): Promise<RetrainResult> {
    const before = this.forecaster.requireLatestVersion(product);
    const artifact = await this.system().lock(this.lockName(product), TRAINING_LOCK_TTL_MS, async () => {
      const current = this.forecaster.models.latestVersion(product);
      if (current !== null && current !== before) return this.forecaster.models.latestArtifact(product)!;
      return this.trainLogged(product, 'retrain');
    });
    await this.invalidateProduct(product);
    this.log.info({ product, version: artifact.version, previousVersion: before }, 'retrain done: cached model and forecasts invalidated');
    return {
      product,
      version: artifact.version,
      previousVersion: before,
      trainingMs: artifact.trainingMs,
      trainedAt: artifact.trainedAt,
      mape: artifact.mape,
    };
  }

  /** Stops the training worker. The database and the cache system belong to whoever opened them. */
  async close(): Promise<void> {
    await this.worker?.close();
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────────────────

  private async trainLogged(product: string, reason: 'retrain' | 'first load'): Promise<ModelArtifact> {
    try {
      const artifact = await this.forecaster.train(product);
      this.log.info(
        { product, reason, version: artifact.version, trainingMs: Math.round(artifact.trainingMs), mape: Math.round(artifact.mape * 100) / 100 },
        'model trained',
      );
      return artifact;
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
      this.log.error({ product, reason, err: errorMessage(error), cause }, 'model training failed');
      throw error;
    }
  }

  private lockName(product: string): string {
    return `train:${product}`;
  }

  private async invalidateProduct(product: string): Promise<void> {
    const system = this.system();
    await system.clear({ product });
    await system.clear('products');
  }

  /** Latest artifact rebuilt; the first model of a product is trained under the lock (once across instances). */
  private async loadModelUncached(product: string): Promise<LiveModel> {
    const models = this.forecaster.models;
    let artifact: ModelArtifact | null = models.latestArtifact(product);
    if (!artifact) {
      let trained = false;
      artifact = await this.system().lock(this.lockName(product), TRAINING_LOCK_TTL_MS, async () => {
        const existing = models.latestArtifact(product);
        if (existing) return existing;
        trained = true;
        return this.trainLogged(product, 'first load');
      });
      // The product list shows model versions: it changed from "never trained" to version 1.
      if (trained) await this.system().clear('products');
    }
    return rebuildModel(artifact);
  }

  /**
   * The forecast stored under a key whose version was read before this runs. Versions only grow and
   * `loadModel` never returns a model older than the database's version when it is called, so a forecast is
   * never computed from a model older than its key says (a newer one is harmless: a key whose version is
   * already superseded is never looked up again once the retrain has returned).
   */
  private async computePrediction(product: string, days: number): Promise<Prediction> {
    return this.forecaster.predict(await this.loadModel(product), days);
  }
}

// ── process-wide instance ───────────────────────────────────────────────────────────────────────────────────

/**
 * The process-wide service (one per process, so dev reloads don't multiply it): opens DATABASE_PATH on first call
 * (retried on the next call when that fails), seeds the demo history into an empty database, trains in a worker
 * thread, caches through the process-wide cache system.
 */
export function getForecastingService(): ForecastingService {
  return processSingleton(SERVICE, () => new ForecastingService(openDatabase(readEnv().forecasting.databasePath)));
}

/** Replaces the process-wide service (tests of the route handlers); returns the previous one, which the caller closes. */
export function setForecastingServiceForTests(service: ForecastingService | undefined): ForecastingService | undefined {
  return replaceProcessSingleton(SERVICE, service);
}

const SERVICE = 'forecasting-service';

/**
 * A service over the given database (tests, tools, benchmarks); the caller closes it (and its database and cache
 * system). Fits run in a worker thread unless `fit` says otherwise (e.g. `fitModel` to fit in the calling thread).
 */
export function createForecastingService(options: ForecastingServiceOptions & { db: SqliteDatabase }): ForecastingService {
  const { db, ...rest } = options;
  return new ForecastingService(db, rest);
}
