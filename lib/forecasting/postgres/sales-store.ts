import type pg from 'pg';
import type { DailySale } from '../demo-data';
import type { ProductRecord, SalesStore } from '../store';
import { recordChanges, type PostgresDb } from './db';
import { SCHEMA_LOCK_KEY } from './migrations';

/** Rows per INSERT statement of an upsert (arrays through `unnest`: one round trip per chunk, not per row). */
const CHUNK = 5_000;

/** Products and their daily sales in PostgreSQL. */
export class PostgresSalesStore implements SalesStore {
  constructor(
    private readonly db: PostgresDb,
    /** Resolves once every live instance has applied change `seq` (the version index). */
    private readonly waitUntilSeen: (seq: number) => Promise<void>,
  ) {}

  async isEmpty(): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM products LIMIT 1', [], 'sales.isEmpty')).length === 0;
  }

  async countProducts(): Promise<number> {
    const rows = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM products', [], 'sales.count');
    return Number(rows[0]?.n ?? 0);
  }

  async productExists(name: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM products WHERE name = $1', [name], 'sales.exists')).length > 0;
  }

  async upsertSales(rows: readonly DailySale[], now: Date = new Date()): Promise<{ inserted: number; products: number }> {
    const { result, seq } = await this.db.transaction((client) => upsertIn(client, rows, now));
    if (seq !== null) await this.waitUntilSeen(seq);
    return result;
  }

  /** Under a transaction-scoped advisory lock: of N instances starting together on an empty database, one seeds. */
  async seedIfEmpty(rows: () => readonly DailySale[]): Promise<boolean> {
    const outcome = await this.db.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY + 1]);
      if ((await client.query('SELECT 1 FROM products LIMIT 1')).rowCount) return null;
      return upsertIn(client, rows(), new Date());
    });
    if (outcome?.seq != null) await this.waitUntilSeen(outcome.seq);
    return outcome !== null;
  }

  async listProducts(): Promise<ProductRecord[]> {
    const rows = await this.db.query<ProductRecord>(
      `SELECT p.name AS "name",
              s.first::text AS "firstSaleDate",
              s.last::text AS "lastSaleDate",
              s.days AS "days",
              m.version AS "modelVersion",
              to_char(m.trained_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "trainedAt"
         FROM products p
         JOIN LATERAL (SELECT min(date) AS first, max(date) AS last, count(*)::int AS days
                         FROM daily_sales d WHERE d.product_id = p.id) s ON s.days > 0
         LEFT JOIN LATERAL (SELECT version, trained_at FROM model_artifacts a
                             WHERE a.product_id = p.id ORDER BY version DESC LIMIT 1) m ON true
        ORDER BY p.name COLLATE "C"`,
      [],
      'sales.list',
    );
    return rows;
  }

  async history(name: string, lastDays?: number): Promise<{ date: string; quantity: number }[]> {
    if (lastDays === undefined) {
      return this.db.query(
        `SELECT s.date::text AS date, s.quantity FROM daily_sales s JOIN products p ON p.id = s.product_id
          WHERE p.name = $1 ORDER BY s.date`,
        [name],
        'sales.history',
      );
    }
    const tail = await this.db.query<{ date: string; quantity: number }>(
      `SELECT s.date::text AS date, s.quantity FROM daily_sales s JOIN products p ON p.id = s.product_id
        WHERE p.name = $1 ORDER BY s.date DESC LIMIT $2`,
      [name, lastDays],
      'sales.historyTail',
    );
    return tail.reverse();
  }
}

/**
 * The upsert inside a transaction: new products first (their creation is a version-feed change: "known, never
 * trained"), then the rows in chunks. A (product, date) given twice keeps the last, as SQLite's upsert does.
 */
async function upsertIn(
  client: pg.ClientBase,
  rows: readonly DailySale[],
  now: Date,
): Promise<{ result: { inserted: number; products: number }; seq: number | null }> {
  const last = new Map<string, DailySale>();
  for (const row of rows) last.set(`${row.product}\u0000${row.date}`, row);
  const unique = [...last.values()];
  const names = [...new Set(unique.map((r) => r.product))];
  const created = await client.query<{ name: string }>(
    `INSERT INTO products (name, created_at) SELECT n, $2 FROM unnest($1::text[]) AS n
     ON CONFLICT (name) DO NOTHING RETURNING name`,
    [names, now.toISOString()],
  );
  for (let i = 0; i < unique.length; i += CHUNK) {
    const chunk = unique.slice(i, i + CHUNK);
    await client.query(
      `INSERT INTO daily_sales (product_id, date, quantity)
       SELECT p.id, t.d, t.q FROM unnest($1::text[], $2::date[], $3::float8[]) AS t(name, d, q) JOIN products p ON p.name = t.name
       ON CONFLICT (product_id, date) DO UPDATE SET quantity = excluded.quantity`,
      [chunk.map((r) => r.product), chunk.map((r) => r.date), chunk.map((r) => r.quantity)],
    );
  }
  const seq = created.rows.length
    ? await recordChanges(
        client,
        created.rows.map((r) => ({ product: r.name, version: null })),
      )
    : null;
  return { result: { inserted: rows.length, products: names.length }, seq };
}
