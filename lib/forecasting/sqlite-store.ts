import { openDatabase, type SqliteDatabase } from './database';
import { SqliteModelStore } from './model-store';
import { SqliteSalesStore } from './sales-store';
import type { ForecastingStore } from './store';

/**
 * The embedded store: one SQLite file (WAL), shared by the processes of one host. Its version index is the direct
 * read: a local indexed query costs microseconds, so there is nothing to keep in memory.
 */
export function sqliteStore(db: SqliteDatabase, modelVersionsKept?: number): ForecastingStore {
  const sales = new SqliteSalesStore(db);
  const models = new SqliteModelStore(db, modelVersionsKept);
  return {
    description: { kind: 'sqlite', target: db.name },
    sales,
    models,
    versions: {
      current: async (product) => models.productLatestVersionNow(product),
      catalogue: async () => models.catalogueStampNow(),
    },
    async ping() {
      db.prepare('SELECT 1 FROM products LIMIT 1').get();
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

/** Opens (and creates on first use) the database file. */
export function openSqliteStore(file: string, modelVersionsKept?: number): ForecastingStore {
  return sqliteStore(openDatabase(file), modelVersionsKept);
}
