import { parseModelArtifact, type FitResult, type ModelArtifact } from '../model-artifact';
import { DEFAULT_MODEL_VERSIONS_KEPT, toModelSummary, type ModelStore, type ModelSummary, type ModelSummaryRow } from '../store';
import { recordChanges, type PostgresDb } from './db';

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** Versioned model artifacts in PostgreSQL (see ModelStore). */
export class PostgresModelStore implements ModelStore {
  constructor(
    private readonly db: PostgresDb,
    /** Resolves once every live instance has applied change `seq` (the version index). */
    private readonly waitUntilSeen: (seq: number) => Promise<void>,
    private readonly versionsKept: number = DEFAULT_MODEL_VERSIONS_KEPT,
  ) {}

  async storedVersions(product: string): Promise<number[]> {
    const rows = await this.db.query<{ version: number }>(
      'SELECT m.version FROM model_artifacts m JOIN products p ON p.id = m.product_id WHERE p.name = $1 ORDER BY m.version',
      [product],
      'models.storedVersions',
    );
    return rows.map((row) => row.version);
  }

  async latestVersion(product: string): Promise<number | null> {
    return (await this.productLatestVersion(product)) ?? null;
  }

  async productLatestVersion(product: string): Promise<number | null | undefined> {
    const rows = await this.db.query<{ v: number | null }>(
      'SELECT (SELECT max(m.version) FROM model_artifacts m WHERE m.product_id = p.id) AS v FROM products p WHERE p.name = $1',
      [product],
      'models.productLatest',
    );
    return rows.length ? rows[0]!.v : undefined;
  }

  async latestSummary(product: string): Promise<ModelSummary | null> {
    const rows = await this.db.query<ModelSummaryRow>(
      `SELECT m.version, to_char(m.trained_at AT TIME ZONE 'UTC', ${ISO}) AS trained_at, m.training_ms,
              m.window_start::text AS window_start, m.window_end::text AS window_end, m.window_days, m.mape
         FROM model_artifacts m JOIN products p ON p.id = m.product_id
        WHERE p.name = $1 ORDER BY m.version DESC LIMIT 1`,
      [product],
      'models.latestSummary',
    );
    const row = rows[0];
    if (!row) return null;
    return toModelSummary(product, row);
  }

  async latestArtifact(product: string): Promise<ModelArtifact | null> {
    const rows = await this.db.query<{ artifact: string }>(
      `SELECT m.artifact FROM model_artifacts m JOIN products p ON p.id = m.product_id
        WHERE p.name = $1 ORDER BY m.version DESC LIMIT 1`,
      [product],
      'models.latestArtifact',
    );
    return rows.length ? parseModelArtifact(rows[0]!.artifact) : null;
  }

  /**
   * max + 1 with the product's row locked (`FOR NO KEY UPDATE`): two instances saving at once queue on that lock
   * and get consecutive versions, while sales upserts of the product (which only take `FOR KEY SHARE` through the
   * foreign key) are not held up. The change counter is always taken last in a transaction, so no two writers can
   * wait for each other. The version-feed change is recorded in the same transaction; after the commit this
   * waits until every live instance has applied it, so when it returns no instance serves an older version.
   */
  async saveVersion(product: string, fit: FitResult, window: ModelArtifact['window'], trainedAt: Date = new Date()): Promise<ModelArtifact> {
    const { artifact, seq } = await this.db.transaction(async (client) => {
      const found = await client.query<{ id: string }>('SELECT id FROM products WHERE name = $1 FOR NO KEY UPDATE', [product]);
      if (!found.rows.length) throw new Error('unknown product');
      const id = found.rows[0]!.id;
      const next = await client.query<{ v: number }>('SELECT coalesce(max(version), 0) + 1 AS v FROM model_artifacts WHERE product_id = $1', [id]);
      const version = next.rows[0]!.v;
      const artifact: ModelArtifact = { format: 1, product, version, trainedAt: trainedAt.toISOString(), window, ...fit };
      await client.query(
        `INSERT INTO model_artifacts (product_id, version, trained_at, training_ms, window_start, window_end, window_days, mape, artifact)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          id,
          version,
          artifact.trainedAt,
          fit.trainingMs,
          window.start,
          window.end,
          window.days,
          Number.isFinite(fit.mape) ? fit.mape : 0,
          JSON.stringify(artifact),
        ],
      );
      await client.query('DELETE FROM model_artifacts WHERE product_id = $1 AND version <= $2', [id, version - this.versionsKept]);
      return { artifact, seq: await recordChanges(client, [{ product, version }]) };
    });
    await this.waitUntilSeen(seq);
    return artifact;
  }
}
