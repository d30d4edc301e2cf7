import type { Statement } from 'better-sqlite3';
import { preparedStatements, type SqliteDatabase } from './database';
import type { DailySale } from './demo-data';
import type { ProductRecord, SalesStore } from './store';

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

  /** The check and the write share one IMMEDIATE transaction: a second process seeding at once finds products. */
  async seedIfEmpty(rows: () => readonly DailySale[]): Promise<boolean> {
    const seed = this.db.transaction(() => {
      if (!this.isEmptyNow()) return false;
      this.upsertNow(rows(), new Date());
      return true;
    });
    return seed.immediate();
  }

  private isEmptyNow(): boolean {
    return this.sql('SELECT 1 FROM products LIMIT 1').get() === undefined;
  }

  private upsertNow(rows: readonly DailySale[], now: Date): { inserted: number; products: number } {
    const ensureProduct = this.sql('INSERT OR IGNORE INTO products (name, created_at) VALUES (?, ?)');
    const productId = this.sql('SELECT id FROM products WHERE name = ?').pluck();
    const upsert = this.sql(
      'INSERT INTO daily_sales (product_id, date, quantity) VALUES (?, ?, ?) ON CONFLICT (product_id, date) DO UPDATE SET quantity = excluded.quantity',
    );
    const run = this.db.transaction((batch: readonly DailySale[]) => {
      const ids = new Map<string, number>();
      for (const row of batch) {
        let id = ids.get(row.product);
        if (id === undefined) {
          ensureProduct.run(row.product, now.toISOString());
          id = productId.get(row.product) as number;
          ids.set(row.product, id);
        }
        upsert.run(id, row.date, row.quantity);
      }
      return { inserted: batch.length, products: ids.size };
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
