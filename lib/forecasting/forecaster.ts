import type { ForecastPoint } from '@/lib/api-types';
import { MAX_FORECAST_DAYS, MIN_FORECAST_DAYS } from './config';
import type { SqliteDatabase } from './database';
import { ForecastingError } from './errors';
import { forecastDemand } from './forecast';
import { DEFAULT_MODEL_OPTIONS, type ModelArtifact, type ModelOptions } from './model-artifact';
import { ModelStore } from './model-store';
import { fitModel, rebuildModel, type LiveModel, type TrainingInput } from './prophet-model';
import { SalesStore } from './sales-store';
import { trainingInputFor } from './training-input';
import type { HolidayCalendar } from './holidays';
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
  db: SqliteDatabase;
  fit?: FitRunner;
  modelOptions?: ModelOptions;
  /** The holidays of new models (default: Brazil's national calendar). */
  holidayCalendar?: HolidayCalendar;
}

/**
 * The uncached forecasting operations over one database: sales, training, loading (rebuild) and prediction.
 * Everything here computes; caching, cross-instance locking and invalidation are layered on top (service.ts).
 */
export class Forecaster {
  readonly sales: SalesStore;
  readonly models: ModelStore;
  private readonly fit: FitRunner;
  private readonly modelOptions: ModelOptions;
  private readonly holidayCalendar: HolidayCalendar | undefined;
  /** In-flight fits by product: the same product is never trained twice at once in this process. */
  private readonly training = new Map<string, Promise<ModelArtifact>>();

  constructor(options: ForecasterOptions) {
    this.sales = new SalesStore(options.db);
    this.models = new ModelStore(options.db);
    this.fit = options.fit ?? fitModel;
    this.modelOptions = options.modelOptions ?? DEFAULT_MODEL_OPTIONS;
    this.holidayCalendar = options.holidayCalendar;
  }

  /** Throws `unknown_product` unless the product has sales. */
  requireProduct(product: string): void {
    if (!this.sales.productExists(product)) throw unknownProduct(product);
  }

  /** The product's latest model version, null when never trained. Throws `unknown_product` like `requireProduct`. */
  requireLatestVersion(product: string): number | null {
    const version = this.models.productLatestVersion(product);
    if (version === undefined) throw unknownProduct(product);
    return version;
  }

  /** Fits a new model on the product's whole history and stores it as the next version. */
  train(product: string): Promise<ModelArtifact> {
    const running = this.training.get(product);
    if (running) return running;
    const run = (async () => {
      this.requireProduct(product);
      const { input, window } = trainingInputFor(product, this.sales.history(product), this.modelOptions, this.holidayCalendar);
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
    this.requireProduct(product);
    const artifact = this.models.latestArtifact(product) ?? (await this.train(product));
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
