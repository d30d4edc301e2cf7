import type { ForecastingStore } from '../store';
import { createPool, describePostgresUrl, guarded, type PostgresConnectionOptions } from './connection';
import { PostgresDb } from './db';
import { migrate } from './migrations';
import { PostgresModelStore } from './model-store';
import { PostgresSalesStore } from './sales-store';
import { PostgresVersionIndex, waitUntilSeen, type VersionIndexStatus } from './version-index';

export interface PostgresStoreOptions extends PostgresConnectionOptions {
  /** Version index lease, ms (VERSION_LEASE). */
  leaseMs: number;
  /** MODEL_VERSIONS_KEPT (default DEFAULT_MODEL_VERSIONS_KEPT). */
  modelVersionsKept?: number;
  /** Connection trouble seen in the background (pool, version index): for the log. */
  onError?(error: unknown, what: string): void;
  /** A writer gave up waiting for lagging instances (their leases ran out instead). */
  onWaitTimeout?(seq: number, lagging: number): void;
}

export interface PostgresStore extends ForecastingStore {
  /** The version index's state (health, tests). */
  versionIndex(): VersionIndexStatus;
  /** The version index itself (tests drive its heartbeat). */
  readonly index: PostgresVersionIndex;
}

/**
 * Opens the shared store: a pool, the schema migrated (under the advisory lock), the version index registered and
 * reconciled. One attempt, bounded by the connect and statement timeouts; the caller decides about retrying.
 * Rejects with DatabaseUnavailableError (naming host:port, never the password) when PostgreSQL can't be reached.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const target = describePostgresUrl(options.url);
  const pool = createPool(options, (error) => options.onError?.(error, 'idle pool connection'));
  const db = new PostgresDb(pool, target);
  try {
    await guarded(target, async () => {
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release(true); // its statement_timeout was changed for the migration: don't reuse it
      }
    });
    const wait = (seq: number) => waitUntilSeen(db, seq, options.leaseMs, (lagging) => options.onWaitTimeout?.(seq, lagging));
    const sales = new PostgresSalesStore(db, wait);
    const models = new PostgresModelStore(db, wait, options.modelVersionsKept);
    const index = new PostgresVersionIndex({
      connection: options,
      db,
      leaseMs: options.leaseMs,
      readVersion: (product) => models.productLatestVersion(product),
      readChangeNumber: async () => {
        const rows = await db.query<{ seq: string }>('SELECT seq::text AS seq FROM change_counter WHERE id = 1', [], 'versions.catalogue');
        return Number(rows[0]?.seq ?? 0);
      },
      onError: options.onError,
    });
    await index.start();
    return {
      description: { kind: 'postgres', target },
      sales,
      models,
      versions: index,
      index,
      versionIndex: () => index.status(),
      async ping() {
        await db.query('SELECT 1', [], 'ping');
      },
      async close() {
        await index.close();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
}
