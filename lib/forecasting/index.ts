/**
 * The forecasting module: sales history and model versions (SQLite or PostgreSQL, one store interface), Prophet models (train, rebuild, forecast) and the cached
 * operations on top. Knows nothing of HTTP.
 */
export { MAX_FORECAST_DAYS, MAX_PRODUCT_NAME_LENGTH, MIN_FORECAST_DAYS, productNameProblem } from './config';
export { importSalesCsv, parseSalesCsv, type CsvRowError, type ImportResult } from './csv-import';
export { openDatabase, type SqliteDatabase } from './database';
export { DEMO_HISTORY_DAYS, DEMO_PRODUCTS, generateDemoHistory, type DailySale } from './demo-data';
export { seedDemoHistoryIfEmpty } from './demo-seed';
export { ForecastingError, isForecastingError, type ForecastingErrorCode } from './errors';
export { AdmissionRefusedError, isAdmissionRefused, withForecastClient } from './forecast-admission';
export { assertForecastDays, Forecaster, type FitRunner, type Prediction } from './forecaster';
export type { ModelArtifact, ModelOptions } from './model-artifact';
export { fitModel, rebuildModel, type LiveModel } from './prophet-model';
export { openSqliteStore, sqliteStore } from './sqlite-store';
export { openPostgresStore, type PostgresStore } from './postgres/store';
export { DatabaseUnavailableError } from './postgres/connection';
export type { ForecastingStore, ModelStore, ModelSummary, ProductRecord, SalesStore, StoreDescription, VersionIndex } from './store';
export {
  closeForecastingService,
  createForecastingService,
  ForecastingService,
  getForecastingService,
  openedForecastingService,
  openForecastingServiceInBackground,
  setForecastingServiceForTests,
  type ForecastingServiceOptions,
  type RetrainResult,
} from './service';
export { TrainingWorker } from './training-worker';
