import type { Statement } from 'better-sqlite3';
import { preparedStatements, type SqliteDatabase } from './database';
import type { DailySale } from './demo-data';
import type { ProductRecord, SalesStore } from './store';

/** Rows per INSERT when seeding (3 parameters each, far below SQLite's 32,766-parameter limit). */
const SEED_ROWS_PER_STATEMENT = 500;

/**
 * Products and their daily sales in SQLite. Synchronous inside (better-sqlite3: each method is one statement or one
 * transaction), promises outside.
 */
export class SqliteSalesStore implements SalesStore {
  private readonly sql: (text: string) => Statement;

  constructor(private readonly db: SqliteDatabase) {
    this.sql = preparedStatements(db);
  }

  async isEmpty(): Promise<boolean> {
    return this.isEmptyNow();
  }

  async countProducts(): Promise<number> {
    return this.sql('SELECT count(*) FROM products').pluck().get() as number;
  }

  async productExists(name: string): Promise<boolean> {
    return this.sql('SELECT 1 FROM products WHERE name = ?').get(name) !== undefined;
  }

  async upsertSales(rows: readonly DailySale[], now: Date = new Date()): Promise<{ inserted: number; products: number }> {
    return this.upsertNow(rows, now);
  }

  /**
   * The check and the write share one IMMEDIATE transaction: a second process seeding at once finds products.
   * Rows go in through multi-row INSERTs of SEED_ROWS_PER_STATEMENT rows: at catalogue size (millions of rows) one
   * statement per row spends most of its time crossing from JavaScript into SQLite.
   */
  async seedIfEmpty(batches: () => Iterable<readonly DailySale[]>): Promise<boolean> {
    const seed = this.db.transaction(() => {
      if (!this.isEmptyNow()) return false;
      this.bulkInsertNow(batches(), new Date());
      return true;
    });
    return seed.immediate();
  }

  /** Resolves product names to ids, creating a product (dated `now`) on first sight; remembers the ids it resolved. */
  private productIds(now: Date): (name: string) => number {
    const ensureProduct = this.sql('INSERT OR IGNORE INTO products (name, created_at) VALUES (?, ?)');
    const productId = this.sql('SELECT id FROM products WHERE name = ?').pluck();
    const ids = new Map<string, number>();
    const idOf = (name: string): number => {
      let id = ids.get(name);
      if (id === undefined) {
        ensureProduct.run(name, now.toISOString());
        id = productId.get(name) as number;
        ids.set(name, id);
      }
      return id;
    };
    return idOf;
  }

  private bulkInsertNow(batches: Iterable<readonly DailySale[]>, now: Date): void {
    const idOf = this.productIds(now);
    const insertRows = (count: number) =>
      this.sql(`INSERT OR REPLACE INTO daily_sales (product_id, date, quantity) VALUES ${'(?, ?, ?), '.repeat(count - 1)}(?, ?, ?)`);
    const full = insertRows(SEED_ROWS_PER_STATEMENT);
    const values: (string | number)[] = [];
    const flush = (rows: number) => {
      if (rows === 0) return;
      (rows === SEED_ROWS_PER_STATEMENT ? full : insertRows(rows)).run(values);
      values.length = 0;
    };
    for (const batch of batches) {
      for (const row of batch) {
        values.push(idOf(row.product), row.date, row.quantity);
        if (values.length === 3 * SEED_ROWS_PER_STATEMENT) flush(SEED_ROWS_PER_STATEMENT);
      }
    }
    flush(values.length / 3);
  }

  private isEmptyNow(): boolean {
    return this.sql('SELECT 1 FROM products LIMIT 1').get() === undefined;
  }

  private upsertNow(rows: readonly DailySale[], now: Date): { inserted: number; products: number } {
    const upsert = this.sql(
      'INSERT INTO daily_sales (product_id, date, quantity) VALUES (?, ?, ?) ON CONFLICT (product_id, date) DO UPDATE SET quantity = excluded.quantity',
    );
    const run = this.db.transaction((batch: readonly DailySale[]) => {
      const products = new Set<string>();
      const idOf = this.productIds(now);
      for (const row of batch) {
        upsert.run(idOf(row.product), row.date, row.quantity);
        products.add(row.product);
      }
      return { inserted: batch.length, products: products.size };
    });
    return run.immediate(rows);
  }

  async listProducts(): Promise<ProductRecord[]> {
    const rows = this.sql(
      `SELECT p.name AS name,
                (SELECT min(date) FROM daily_sales s WHERE s.product_id = p.id) AS firstSaleDate,
                (SELECT max(date) FROM daily_sales s WHERE s.product_id = p.id) AS lastSaleDate,
                (SELECT count(*) FROM daily_sales s WHERE s.product_id = p.id) AS days,
                m.version AS modelVersion,
                m.trained_at AS trainedAt
           FROM products p
           LEFT JOIN model_artifacts m
             ON m.product_id = p.id AND m.version = (SELECT max(version) FROM model_artifacts WHERE product_id = p.id)
          ORDER BY p.name`,
    ).all() as ProductRecord[];
    return rows.filter((r) => r.days > 0);
  }

  async history(name: string, lastDays?: number): Promise<{ date: string; quantity: number }[]> {
    if (lastDays === undefined) {
      return this.sql(
        `SELECT s.date, s.quantity FROM daily_sales s JOIN products p ON p.id = s.product_id
            WHERE p.name = ? ORDER BY s.date`,
      ).all(name) as { date: string; quantity: number }[];
    }
    const tail = this.sql(
      `SELECT s.date, s.quantity FROM daily_sales s JOIN products p ON p.id = s.product_id
          WHERE p.name = ? ORDER BY s.date DESC LIMIT ?`,
    ).all(name, lastDays) as { date: string; quantity: number }[];
    return tail.reverse();
  }
}
