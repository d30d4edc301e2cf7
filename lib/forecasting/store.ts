import type { DailySale } from './demo-data';
import type { FitResult, ModelArtifact } from './model-artifact';

/**
 * The forecasting module's source of truth, one interface over two databases: SQLite (embedded, one host) and
 * PostgreSQL (shared by every instance on every host). Every method returns a promise; the SQLite implementation
 * is synchronous inside (better-sqlite3) and answers with an already resolved one.
 */

export interface ProductRecord {
  name: string;
  firstSaleDate: string;
  lastSaleDate: string;
  /** Number of days with a sales row. */
  days: number;
  /** Latest model version, null when never trained. */
  modelVersion: number | null;
  trainedAt: string | null;
}

export interface ModelSummary {
  product: string;
  version: number;
  trainedAt: string;
  trainingMs: number;
  window: { start: string; end: string; days: number };
  mape: number;
}

/** A `model_artifacts` row as both stores select it for a summary (the table's own column names). */
export interface ModelSummaryRow {
  version: number;
  trained_at: string;
  training_ms: number;
  window_start: string;
  window_end: string;
  window_days: number;
  mape: number;
}

export function toModelSummary(product: string, row: ModelSummaryRow): ModelSummary {
  return {
    product,
    version: row.version,
    trainedAt: row.trained_at,
    trainingMs: row.training_ms,
    window: { start: row.window_start, end: row.window_end, days: row.window_days },
    mape: row.mape,
  };
}

/** Products and their daily sales. */
export interface SalesStore {
  isEmpty(): Promise<boolean>;
  /** How many products the database knows (health: asked of the database, never of a cached list). */
  countProducts(): Promise<number>;
  productExists(name: string): Promise<boolean>;
  /**
   * Inserts or replaces daily sales in one transaction: all rows or none. A (product, date) already stored is
   * overwritten, so importing a corrected file again is idempotent.
   */
  upsertSales(rows: readonly DailySale[], now?: Date): Promise<{ inserted: number; products: number }>;
  /**
   * Writes `rows()` only when the database has no product, atomically: when several instances start together on
   * an empty database exactly one seeds. True when this call seeded.
   */
  seedIfEmpty(rows: () => readonly DailySale[]): Promise<boolean>;
  /** Products with at least one sales row, by name. */
  listProducts(): Promise<ProductRecord[]>;
  /** Daily sales of a product, oldest first; with `lastDays`, only the tail of that many rows. */
  history(name: string, lastDays?: number): Promise<{ date: string; quantity: number }[]>;
}

/**
 * Versioned model artifacts. The database is the source of truth for "which version is current": cache keys of
 * predictions carry this number, so it must never come from a cache that can lose or replay writes.
 */
/**
 * Model versions kept per product (`MODEL_VERSIONS_KEPT`): older artifacts (≈ 40 KB each) are deleted when a new
 * version is saved, so a product retrained daily does not grow its table forever. Only the latest version is ever
 * served; the others are kept for inspection and rollback by hand.
 */
export const DEFAULT_MODEL_VERSIONS_KEPT = 5;

export interface ModelStore {
  /** Latest version of the product's model, null when it was never trained (or the product is unknown). */
  latestVersion(product: string): Promise<number | null>;
  /** The versions still stored for the product, oldest first (at most MODEL_VERSIONS_KEPT). */
  storedVersions(product: string): Promise<number[]>;
  /** Undefined when the product is unknown, null when it was never trained, else its latest version. */
  productLatestVersion(product: string): Promise<number | null | undefined>;
  latestSummary(product: string): Promise<ModelSummary | null>;
  /** The latest artifact, parsed and validated; null when never trained. */
  latestArtifact(product: string): Promise<ModelArtifact | null>;
  /**
   * Stores a fit as the product's next version (max + 1, correct when several writers save at once) and returns
   * the artifact. On a shared database it returns only once every live instance knows the new version.
   */
  saveVersion(product: string, fit: FitResult, window: ModelArtifact['window'], trainedAt?: Date): Promise<ModelArtifact>;
}

/**
 * "Which model version is current", as a cached request needs it: answered without a database round trip where
 * the store can keep it exact in memory (PostgreSQL: the version index), else read from the database.
 */
export interface VersionIndex {
  /** Undefined when the product is unknown, null when never trained, else its latest version. */
  current(product: string): Promise<number | null | undefined>;
  /**
   * A stamp that changes whenever a product appears or a model version is saved, as exact as `current`. It keys the
   * cached product list (which shows model versions), so a list from before a retrain is never looked up again —
   * even when the retrain's delete of the old list is lost (a Redis failover can drop an acknowledged write).
   */
  catalogue(): Promise<string>;
}

/** Which database, for health and logs: never a password. */
export interface StoreDescription {
  kind: 'sqlite' | 'postgres';
  /** The file (SQLite) or `host:port/database` (PostgreSQL). */
  target: string;
}

export interface ForecastingStore {
  readonly description: StoreDescription;
  readonly sales: SalesStore;
  readonly models: ModelStore;
  readonly versions: VersionIndex;
  /** One real query: resolves when the database answers, rejects with the driver's error when it does not. */
  ping(): Promise<void>;
  /** Releases connections (and, on PostgreSQL, removes this instance from the version index's table). */
  close(): Promise<void>;
}
