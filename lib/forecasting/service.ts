import type { ForecastPoint } from '@/lib/api-types';
import { appCacheSystem } from '@/lib/config/cache-system';
import { readEnv } from '@/lib/config/env';
import {
  errorMessage,
  cached,
  cachedModel,
  cachedPrediction,
  processSingleton,
  type CacheSystem,
  type CachedFunction,
  type Detailed,
} from '@/lib/redis-cache';
import type { Logger } from 'pino';
import { getLogger } from '@/lib/logger';
import { compareNames } from '@/lib/text/names';
import { parseCachedPrediction, parseCachedProductList } from './cached-values';
import type { SqliteDatabase } from './database';
import { seedDemoHistoryIfEmpty } from './demo-seed';
import { assertForecastDays, Forecaster, type FitRunner, type Prediction } from './forecaster';
import type { HolidayCalendar } from './holidays';
import { packArtifact, unpackArtifact } from './packed-artifact';
import { parseModelArtifact, type ModelArtifact, type ModelOptions } from './model-artifact';
import { deferredModel, REBUILD_FAILED, type LiveModel } from './prophet-model';
import { prophetRuntime } from './prophet-runtime';
import { openProcessStore } from './open-store';
import { sqliteStore } from './sqlite-store';
import type { ForecastingStore, ModelSummary, ProductRecord, StoreDescription } from './store';
import { TrainingWorker } from './training-worker';
import { forecastHourlyVolume, seasonalNaive } from './usage-forecast';
import { ForecastAdmission } from './forecast-admission';
import { ForecastPool } from './forecast-pool';

export interface RetrainResult {
  product: string;
  version: number;
  previousVersion: number | null;
  trainingMs: number;
  trainedAt: string;
  mape: number;
}

export interface ForecastingServiceOptions {
  /** The cache system; default: the process-wide one. */
  cache?: CacheSystem;
  /** Where fits run; default: a worker thread. */
  fit?: FitRunner;
  /** Seed the demo history into an empty database (default: SEED_DEMO_DATA, true). */
  seedDemoData?: boolean;
  /** Products of the seeded demo catalogue (default: SEED_DEMO_PRODUCTS, 13). */
  demoProducts?: number;
  /** Last day of the seeded demo history (default: yesterday, UTC). */
  demoEndDate?: string;
  modelOptions?: ModelOptions;
  /** Holidays of new models; default: HOLIDAYS_COUNTRY / HOLIDAYS_REGION (Brazil's national calendar). */
  holidayCalendar?: HolidayCalendar;
  /** Default: the service's logger (lib/logger). */
  logger?: Logger;
  /** Where forecasts are computed; default: FORECAST_WORKERS threads (in process when `fit` is given, as in tests). */
  forecastPool?: ForecastPool;
  /** Limits on computations per client and in total; default: FORECAST_QUEUE_MAX / FORECAST_MAX_PER_CLIENT. */
  admission?: ForecastAdmission;
}

/** A training lock outlives any fit (seconds) but frees itself if its holder dies. */
const TRAINING_LOCK_TTL_MS = 120_000;

/**
 * The forecasting operations behind the cache (the seed's `load_model`, `predict_demand`, product list):
 *
 * - `loadModel(product)` — `cachedModel`, 6 h: the live model in L1, its artifact in Redis (rebuilt on an L2 hit).
 *   A product without a model is trained first, once across instances (the training lock).
 * - `predictDemand(product, days)` — `cachedPrediction`, 5 min, keyed by the model version from the store's
 *   version index (in memory and exact on PostgreSQL, a local read on SQLite), so a retrain makes every older
 *   forecast unreachable on every instance by the time it returns.
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
  readonly forecastPool: ForecastPool;
  readonly admission: ForecastAdmission;

  private readonly cachedLoadModel: CachedFunction<[product: string], LiveModel>;
  private readonly cachedPredict: CachedFunction<[product: string, days: number, params?: undefined], Prediction>;
  private readonly cachedProducts: CachedFunction<[catalogue: string], ProductRecord[]>;

  /**
   * The version read by `predictDemandDetailed`, handed to the prediction key's `version` callback, which the
   * wrapper calls synchronously inside `detailed()`: one version lookup per request, not two.
   */
  private versionHandoff: { product: string; version: number } | null = null;

  /** A service over an open store; `createForecastingService` also seeds the demo history when asked. */
  constructor(
    readonly store: ForecastingStore,
    options: ForecastingServiceOptions = {},
  ) {
    this.log = (options.logger ?? getLogger()).child({ component: 'forecasting' });
    this.worker = options.fit
      ? null
      : new TrainingWorker({
          onOutput: (stream, text) => {
            if (text.trim()) this.log.debug({ stream, text: text.trim().slice(0, 500) }, 'training worker output');
          },
        });
    const worker = this.worker;
    const computeEnv = readEnv().forecasting.compute;
    this.forecastPool =
      options.forecastPool ??
      new ForecastPool({
        size: options.fit ? 0 : computeEnv.workers,
        nice: computeEnv.workerNice,
        onWorkerError: (error) => this.log.warn({ err: errorMessage(error) }, 'forecast worker failed; it is replaced on the next forecast'),
        onInProcessFallback: (error) =>
          this.log.error({ err: errorMessage(error) }, 'forecast workers cannot start: forecasts are computed on the main thread'),
      });
    this.admission = options.admission ?? new ForecastAdmission({ maxQueue: computeEnv.queueMax, maxPerClient: computeEnv.maxPerClient });
    this.forecaster = new Forecaster({
      store,
      fit: options.fit ?? ((input) => worker!.fit(input)),
      modelOptions: options.modelOptions,
      holidayCalendar: options.holidayCalendar ?? readEnv().forecasting.holidayCalendar,
    });

    const explicit = options.cache;
    this.system = () => explicit ?? appCacheSystem();

    this.cachedLoadModel = cachedModel((product: string) => this.loadModelUncached(product), {
      system: this.system,
      codec: {
        // Redis keeps the packed form (packed-artifact.ts: smaller once compressed); plain ones are still read.
        toCache: (model) => packArtifact(model.artifact),
        // A Redis hit parses the artifact; the Prophet model is rebuilt only where a forecast runs (deferredModel).
        fromCache: (stored) => deferredModel(parseModelArtifact(unpackArtifact(stored))),
      },
    });
    this.cachedPredict = cachedPrediction((product: string, days: number) => this.computePrediction(product, days), {
      system: this.system,
      validate: parseCachedPrediction,
      version: (product) => {
        const handed = this.versionHandoff;
        this.versionHandoff = null;
        if (handed && handed.product === product) return handed.version;
        return this.forecaster.versions.current(product).then((v) => v ?? 0);
      },
    });
    // Keyed by the catalogue stamp (see VersionIndex.catalogue): a retrain or a new product makes the old list
    // unreachable, like a forecast of an older version. Ordered for pt-BR readers (Á with A, 2 before 10).
    this.cachedProducts = cached(
      async (_catalogue: string) => (await this.forecaster.sales.listProducts()).sort((a, b) => compareNames(a.name, b.name)),
      { type: 'products', key: (catalogue) => `v${catalogue}`, validate: parseCachedProductList, system: this.system },
    );
  }

  // ── queries ─────────────────────────────────────────────────────────────────────────────────────────────

  /** True when the product has sales history (the only products the API knows); from the version index. */
  async hasProduct(product: string): Promise<boolean> {
    return (await this.forecaster.versions.current(product)) !== undefined;
  }

  /** Latest model's metadata, null when never trained. Throws `unknown_product`. */
  async modelInfo(product: string): Promise<ModelSummary | null> {
    await this.forecaster.requireProduct(product);
    return this.forecaster.models.latestSummary(product);
  }

  /** The last `days` days of sales, oldest first (not cached: one indexed query). Throws `unknown_product`. */
  async salesHistory(product: string, days: number): Promise<{ date: string; quantity: number }[]> {
    await this.forecaster.requireProduct(product);
    return this.forecaster.sales.history(product, days);
  }

  /** Which database (kind and host or file, never a password). */
  get database(): StoreDescription {
    return this.store.description;
  }

  // ── cached operations ───────────────────────────────────────────────────────────────────────────────────

  /** Products with sales, their history span and current model version (cached 10 min). */
  async listProducts(): Promise<ProductRecord[]> {
    return (await this.listProductsDetailed()).value;
  }

  async listProductsDetailed(): Promise<Detailed<ProductRecord[]>> {
    return this.cachedProducts.detailed(await this.store.versions.catalogue());
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
    const current = (await this.forecaster.requireLatestVersion(product)) ?? 0;
    await prophetRuntime();
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
    const version = (await this.forecaster.requireLatestVersion(product)) ?? (await this.loadModel(product)).version;
    this.versionHandoff = { product, version };
    return this.cachedPredict.detailed(product, days);
  }

  /**
   * Recomputes the forecast and replaces the cached copy, so it lives a full TTL again (the predictive warm-up's
   * refresh-ahead: a hot forecast never expires in a caller's face). Keyed by the version read before computing,
   * like a lookup.
   */
  async refreshPrediction(product: string, days: number): Promise<void> {
    assertForecastDays(days);
    const version = (await this.forecaster.requireLatestVersion(product)) ?? (await this.loadModel(product)).version;
    const system = this.system();
    const started = performance.now();
    const value = await this.computePrediction(product, days);
    await system.cache.set(system.keys.prediction(product, days, undefined, version), value, system.options.ttl.predictions, {
      costMs: performance.now() - started,
    });
  }

  /**
   * The predictive warm-up's volume forecast of one product (usage-forecast.ts), fitted in the training worker
   * thread — where Stan's optimizer may leak, the thread being replaced — or on this thread when fits run here. A
   * worker that fails or times out gives the seasonal-naive forecast, as a failed fit does.
   */
  async forecastHourlyVolume(firstHour: number, series: readonly number[], horizon: number): Promise<number[]> {
    if (!this.worker) return forecastHourlyVolume(firstHour, series, horizon);
    try {
      return await this.worker.forecastVolume(firstHour, series, horizon);
    } catch (error) {
      this.log.warn({ err: errorMessage(error) }, 'volume forecast failed in the training worker; the naive forecast is used');
      return seasonalNaive(series, horizon);
    }
  }

  /** Seconds the cached forecast of the current model version has left; negative when it is not cached. */
  async predictionTtl(product: string, days: number): Promise<number> {
    const version = await this.forecaster.requireLatestVersion(product);
    if (version === null) return -2;
    const system = this.system();
    return system.cache.ttl(system.keys.prediction(product, days, undefined, version));
  }

  /**
   * Trains a new model version under the cross-instance training lock and returns when it is stored and every
   * cached model and forecast of the product is gone. A retrain that finds another one finished while it waited
   * for the lock returns that version instead of fitting again.
   */
  async retrain(product: string): Promise<RetrainResult> {
    const before = await this.forecaster.requireLatestVersion(product);
    const artifact = await this.system().lock(this.lockName(product), TRAINING_LOCK_TTL_MS, async () => {
      // Under the lock, from the database itself (the index may not have applied another instance's retrain yet).
      const current = await this.forecaster.models.latestVersion(product);
      if (current !== null && current !== before) {
        const latest = await this.forecaster.models.latestArtifact(product);
        if (latest) return latest;
      }
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
    await Promise.all([this.worker?.close(), this.forecastPool.close()]);
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
    let artifact: ModelArtifact | null = await models.latestArtifact(product);
    if (!artifact) {
      let trained = false;
      // A first training is a computation like a forecast: admitted under the same limits (once per process, the
      // load being single-flight), so one client asking for many untrained products cannot queue trainings ahead
      // of everyone else's.
      artifact = await this.admission.run(() =>
        this.system().lock(this.lockName(product), TRAINING_LOCK_TTL_MS, async () => {
          const existing = await models.latestArtifact(product);
          if (existing) return existing;
          trained = true;
          return this.trainLogged(product, 'first load');
        }),
      );
      // The product list shows model versions: it changed from "never trained" to version 1.
      if (trained) await this.system().clear('products');
    }
    return deferredModel(artifact);
  }

  /**
   * The forecast stored under a key whose version was read before this runs. Versions only grow and
   * `loadModel` never returns a model older than the database's version when it is called, so a forecast is
   * never computed from a model older than its key says (a newer one is harmless: a key whose version is
   * already superseded is never looked up again once the retrain has returned).
   */
  private computePrediction(product: string, days: number): Promise<Prediction> {
    return this.admission.run(async () => {
      let model = await this.loadModel(product);
      assertForecastDays(days);
      const generatedAt = new Date().toISOString();
      let forecast: ForecastPoint[];
      try {
        forecast = await this.forecastPool.forecast(model, days);
      } catch (error) {
        if (!errorMessage(error).startsWith(REBUILD_FAILED)) throw error;
        model = await this.reloadUnbuildableModel(product, error);
        forecast = await this.forecastPool.forecast(model, days);
      }
      return { product: model.product, days, modelVersion: model.version, generatedAt, forecast };
    });
  }

  /**
   * A cached artifact that parses but cannot be rebuilt (its columns do not match its own design matrix — planted in
   * Redis, say) fails only where it is first rebuilt, the forecast: it is dropped from the cache and the model read
   * from the database instead.
   */
  private async reloadUnbuildableModel(product: string, error: unknown): Promise<LiveModel> {
    this.log.warn({ product, err: errorMessage(error) }, 'cached model cannot be rebuilt: dropped, loaded from the database');
    const system = this.system();
    await system.cache.delete(system.keys.model(product));
    return this.loadModelUncached(product);
  }
}

// ── process-wide instance ───────────────────────────────────────────────────────────────────────────────────

interface ServiceSlot {
  service?: ForecastingService;
  opening?: Promise<ForecastingService>;
}

const SERVICE = 'forecasting-service';

function serviceSlot(): ServiceSlot {
  return processSingleton<ServiceSlot>(SERVICE, () => ({}));
}

/**
 * The process-wide service (one per process, so dev reloads don't multiply it): its store is PostgreSQL when
 * DATABASE_URL is set, else the SQLite file at DATABASE_PATH; the demo history is seeded into an empty database;
 * fits run in a worker thread; caching goes through the process-wide cache system. Concurrent callers share one
 * opening attempt; a failed attempt (database unreachable) rejects them all, and the next call tries again.
 */
export function getForecastingService(): Promise<ForecastingService> {
  const slot = serviceSlot();
  if (slot.service) return Promise.resolve(slot.service);
  slot.opening ??= (async () => {
    const env = readEnv().forecasting;
    const log = getLogger().child({ component: 'forecasting' });
    const store = await openProcessStore(env, log);
    try {
      const service = await createForecastingService({ store, seedDemoData: env.seedDemoData });
      slot.service = service;
      return service;
    } catch (error) {
      await store.close().catch(() => {});
      throw error;
    }
  })().finally(() => (slot.opening = undefined));
  return slot.opening;
}

/** The process-wide service if it is open, without opening it (metrics sample it at scrape time). */
export function openedForecastingService(): ForecastingService | undefined {
  return serviceSlot().service;
}

/**
 * Closes the process-wide service and its store (graceful shutdown): the training worker stops and, on PostgreSQL,
 * the instance leaves the version index. A later call to {@link getForecastingService} opens them again.
 */
export async function closeForecastingService(): Promise<void> {
  const slot = serviceSlot();
  const service = slot.service ?? (await slot.opening?.catch(() => undefined));
  slot.service = undefined;
  if (!service) return;
  await service.close();
  await service.store.close();
}

/**
 * At server start: opens the process-wide service without holding the start up, and keeps retrying (1 s, doubling
 * to 10 s) while the database is unreachable — instances may start before PostgreSQL does. Meanwhile the server
 * is up, health reports the database down, and forecasting requests answer 503 (each also tries to open it once).
 * Every failed attempt is logged with `host:port/database` and the reason, never the URL.
 */
export function openForecastingServiceInBackground(): void {
  const log = getLogger().child({ component: 'forecasting' });
  let delayMs = 1_000;
  const attempt = () => {
    if (serviceSlot().service) return;
    getForecastingService().then(
      () => log.info('forecasting store open'),
      (error: unknown) => {
        log.warn({ err: errorMessage(error), retryInMs: delayMs }, 'sales/model database unavailable at start; retrying');
        setTimeout(attempt, delayMs).unref();
        delayMs = Math.min(10_000, delayMs * 2);
      },
    );
  };
  attempt();
}

/** Replaces the process-wide service (tests of the route handlers); returns the previous one, which the caller closes. */
export function setForecastingServiceForTests(service: ForecastingService | undefined): ForecastingService | undefined {
  const slot = serviceSlot();
  const previous = slot.service;
  slot.service = service;
  slot.opening = undefined;
  return previous;
}

/**
 * A service over the given store (or SQLite database) — tests, tools, benchmarks; the caller closes it (and its
 * store and cache system). Seeds the demo history into an empty store when `seedDemoData` (default:
 * SEED_DEMO_DATA). Fits run in a worker thread unless `fit` says otherwise (e.g. `fitModel` to fit in the calling
 * thread).
 */
export async function createForecastingService(
  options: ForecastingServiceOptions & ({ store: ForecastingStore; db?: undefined } | { db: SqliteDatabase; store?: undefined }),
): Promise<ForecastingService> {
  const { db, store, ...rest } = options;
  const service = new ForecastingService(store ?? sqliteStore(db!), rest);
  if (options.seedDemoData ?? readEnv().forecasting.seedDemoData) {
    const products = options.demoProducts ?? readEnv().forecasting.seedDemoProducts;
    const started = performance.now();
    if (await seedDemoHistoryIfEmpty(service.forecaster.sales, options.demoEndDate, products)) {
      const ms = Math.round(performance.now() - started);
      (options.logger ?? getLogger()).info({ component: 'forecasting', products, ms }, 'empty sales database: demo history seeded');
    }
  }
  return service;
}
