import type { Statement } from 'better-sqlite3';
import { preparedStatements, type SqliteDatabase } from './database';
import { parseModelArtifact, type FitResult, type ModelArtifact } from './model-artifact';
import { DEFAULT_MODEL_VERSIONS_KEPT, toModelSummary, type ModelStore, type ModelSummary, type ModelSummaryRow } from './store';

/** Versioned model artifacts in SQLite (see ModelStore). Synchronous inside, promises outside. */
export class SqliteModelStore implements ModelStore {
  private readonly sql: (text: string) => Statement;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly versionsKept: number = DEFAULT_MODEL_VERSIONS_KEPT,
  ) {
    this.sql = preparedStatements(db);
  }

  async storedVersions(product: string): Promise<number[]> {
    return this.sql(`SELECT m.version FROM model_artifacts m JOIN products p ON p.id = m.product_id WHERE p.name = ? ORDER BY m.version`)
      .pluck()
      .all(product) as number[];
  }

  async latestVersion(product: string): Promise<number | null> {
    const v = this.sql(`SELECT max(m.version) FROM model_artifacts m JOIN products p ON p.id = m.product_id WHERE p.name = ?`)
      .pluck()
      .get(product) as number | null;
    return v ?? null;
  }

  async productLatestVersion(product: string): Promise<number | null | undefined> {
    return this.productLatestVersionNow(product);
  }

  /** Grows with every product and every saved version (row ids only grow): the version index's catalogue stamp. */
  catalogueStampNow(): string {
    return this.sql(`SELECT (SELECT coalesce(max(id), 0) FROM products) || '.' || (SELECT coalesce(max(rowid), 0) FROM model_artifacts)`)
      .pluck()
      .get() as string;
  }

  /** Whether the product exists and its latest model version, in one query (the version index's read). */
  productLatestVersionNow(product: string): number | null | undefined {
    return this.sql(`SELECT (SELECT max(m.version) FROM model_artifacts m WHERE m.product_id = p.id) FROM products p WHERE p.name = ?`)
      .pluck()
      .get(product) as number | null | undefined;
  }

  async latestSummary(product: string): Promise<ModelSummary | null> {
    const row = this.sql(
      `SELECT m.version, m.trained_at, m.training_ms, m.window_start, m.window_end, m.window_days, m.mape
           FROM model_artifacts m JOIN products p ON p.id = m.product_id
          WHERE p.name = ? ORDER BY m.version DESC LIMIT 1`,
    ).get(product) as ModelSummaryRow | undefined;
    if (!row) return null;
    return toModelSummary(product, row);
  }

  async latestArtifact(product: string): Promise<ModelArtifact | null> {
    const text = this.sql(
      `SELECT m.artifact FROM model_artifacts m JOIN products p ON p.id = m.product_id
          WHERE p.name = ? ORDER BY m.version DESC LIMIT 1`,
    )
      .pluck()
      .get(product) as string | undefined;
    return text === undefined ? null : parseModelArtifact(text);
  }

  /** max + 1 inside one IMMEDIATE (write-locked) transaction: two processes saving at once get two versions. */
  async saveVersion(product: string, fit: FitResult, window: ModelArtifact['window'], trainedAt: Date = new Date()): Promise<ModelArtifact> {
    const productId = this.sql('SELECT id FROM products WHERE name = ?').pluck();
    const nextVersion = this.sql('SELECT coalesce(max(version), 0) + 1 FROM model_artifacts WHERE product_id = ?').pluck();
    const insert = this.sql(
      `INSERT INTO model_artifacts (product_id, version, trained_at, training_ms, window_start, window_end, window_days, mape, artifact)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const prune = this.sql('DELETE FROM model_artifacts WHERE product_id = ? AND version <= ?');
    const save = this.db.transaction((): ModelArtifact => {
      const id = productId.get(product) as number | undefined;
      if (id === undefined) throw new Error('unknown product');
      const version = nextVersion.get(id) as number;
      const artifact: ModelArtifact = { format: 1, product, version, trainedAt: trainedAt.toISOString(), window, ...fit };
      insert.run(
        id,
        version,
        artifact.trainedAt,
        fit.trainingMs,
        window.start,
        window.end,
        window.days,
        Number.isFinite(fit.mape) ? fit.mape : 0,
        JSON.stringify(artifact),
      );
      prune.run(id, version - this.versionsKept);
      return artifact;
    });
    return save.immediate();
  }
}
