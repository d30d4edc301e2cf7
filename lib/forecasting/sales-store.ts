import type { Statement } from 'better-sqlite3';
import { preparedStatements, type SqliteDatabase } from './database';
import type { DailySale } from './demo-data';

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

/** Products and their daily sales. Synchronous (better-sqlite3): each method is one statement or one transaction. */
export class SalesStore {
  private readonly sql: (text: string) => Statement;

  constructor(private readonly db: SqliteDatabase) {
    this.sql = preparedStatements(db);
  }

  isEmpty(): boolean {
    return this.sql('SELECT 1 FROM products LIMIT 1').get() === undefined;
  }

  productExists(name: string): boolean {
    return this.sql('SELECT 1 FROM products WHERE name = ?').get(name) !== undefined;
  }

  /**
   * Inserts or replaces daily sales in one transaction: all rows or none. A (product, date) already stored is
   * overwritten, so importing a corrected file again is idempotent.
   */
  upsertSales(rows: readonly DailySale[], now: Date = new Date()): { inserted: number; products: number } {
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

  listProducts(): ProductRecord[] {
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

  /** Daily sales of a product, oldest first; with `lastDays`, only the tail of that many rows. */
  history(name: string, lastDays?: number): { date: string; quantity: number }[] {
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
