import type { ForecastPoint } from '@/lib/api-types';
import { MAX_FORECAST_DAYS, MIN_FORECAST_DAYS } from './config';
import { ForecastingError } from './errors';
import { forecastDemand } from './forecast';
import { DEFAULT_MODEL_OPTIONS, type ModelArtifact, type ModelOptions } from './model-artifact';
import { fitModel, rebuildModel, type LiveModel, type TrainingInput } from './prophet-model';
import type { ForecastingStore, ModelStore, SalesStore, VersionIndex } from './store';
import { trainingInputFor } from './training-input';
import type { FitResult } from './model-artifact';

export interface Prediction {
  product: string;
  days: number;
  /** Version of the model that produced this forecast. */
  modelVersion: number;
  /** When the forecast was computed (a cached forecast keeps its original time). */
  generatedAt: string;
  forecast: ForecastPoint[];
}

/** Where fits run: a worker thread (servers: keeps the event loop free) or the calling thread. */
export type FitRunner = (input: TrainingInput) => Promise<FitResult>;

export interface ForecasterOptions {
  store: ForecastingStore;
  fit?: FitRunner;
  modelOptions?: ModelOptions;
}

/**
 * The uncached forecasting operations over one store: sales, training, loading (rebuild) and prediction.
 * Everything here computes; caching, cross-instance locking and invalidation are layered on top (service.ts).
 */
export class Forecaster {
  readonly store: ForecastingStore;
  readonly sales: SalesStore;
  readonly models: ModelStore;
  readonly versions: VersionIndex;
  private readonly fit: FitRunner;
  private readonly modelOptions: ModelOptions;
  /** In-flight fits by product: the same product is never trained twice at once in this process. */
  private readonly training = new Map<string, Promise<ModelArtifact>>();

  constructor(options: ForecasterOptions) {
    this.store = options.store;
    this.sales = options.store.sales;
    this.models = options.store.models;
    this.versions = options.store.versions;
    this.fit = options.fit ?? fitModel;
    this.modelOptions = options.modelOptions ?? DEFAULT_MODEL_OPTIONS;
  }

  /** Throws `unknown_product` unless the product has sales. */
  async requireProduct(product: string): Promise<void> {
    if (!(await this.sales.productExists(product))) throw unknownProduct(product);
  }

  /**
   * The product's current model version, null when never trained, from the version index (in memory where the
   * store keeps it exact, else one query). Throws `unknown_product` like `requireProduct`.
   */
  async requireLatestVersion(product: string): Promise<number | null> {
    const version = await this.versions.current(product);
    if (version === undefined) throw unknownProduct(product);
    return version;
  }

  /** Fits a new model on the product's whole history and stores it as the next version. */
  train(product: string): Promise<ModelArtifact> {
    const running = this.training.get(product);
    if (running) return running;
    const run = (async () => {
      await this.requireProduct(product);
      const { input, window } = trainingInputFor(product, await this.sales.history(product), this.modelOptions);
      let fit: FitResult;
      try {
        fit = await this.fit(input);
      } catch (error) {
        throw new ForecastingError('training_failed', `Training the model for ${product} failed`, { cause: error });
      }
      return this.models.saveVersion(product, fit, window);
    })().finally(() => this.training.delete(product));
    this.training.set(product, run);
    return run;
  }

  /** Reads the latest artifact and rebuilds it (no refit); trains first when the product has no model yet. */
  async loadModel(product: string): Promise<LiveModel> {
    await this.requireProduct(product);
    const artifact = (await this.models.latestArtifact(product)) ?? (await this.train(product));
    return rebuildModel(artifact);
  }

  /** Forecast of `days` days (1–365) after the model's training window. */
  predict(model: LiveModel, days: number): Prediction {
    assertForecastDays(days);
    return {
      product: model.product,
      days,
      modelVersion: model.version,
      generatedAt: new Date().toISOString(),
      forecast: forecastDemand(model, days),
    };
  }
}

function unknownProduct(product: string): ForecastingError {
  return new ForecastingError('unknown_product', `Unknown product: ${product}`);
}

export function assertForecastDays(days: number): void {
  if (!Number.isInteger(days) || days < MIN_FORECAST_DAYS || days > MAX_FORECAST_DAYS) {
    throw new ForecastingError('invalid_argument', `days must be an integer from ${MIN_FORECAST_DAYS} to ${MAX_FORECAST_DAYS}`);
  }
}
