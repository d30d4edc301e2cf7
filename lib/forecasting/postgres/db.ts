import type pg from 'pg';
import { guarded } from './connection';

/** The pool as the stores use it: every call bounded and its unavailability reported as DatabaseUnavailableError. */
export class PostgresDb {
  constructor(
    readonly pool: pg.Pool,
    /** `host:port/database`, for messages. */
    readonly target: string,
  ) {}

  async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = [], name?: string): Promise<R[]> {
    return guarded(this.target, async () => (await this.pool.query<R>({ text, values, name })).rows);
  }

  /** Runs `fn` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. */
  async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return guarded(this.target, async () => {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true; // the connection is gone: don't return it to the pool
        }
        throw error;
      } finally {
        client.release(broken);
      }
    });
  }
}

/** NOTIFY channel of the version feed. */
export const VERSION_CHANNEL = 'forecasting_versions';

/**
 * Inside a writer's transaction: takes the next change number and queues one notification per changed product,
 * delivered to every listener when (and only if) the transaction commits. Taking the single counter row locks it
 * until commit, so change numbers are assigned in commit order — the order listeners receive them — and an
 * instance that has seen change n has seen every change before it.
 */
export async function recordChanges(client: pg.ClientBase, changes: readonly { product: string; version: number | null }[]): Promise<number> {
  const { rows } = await client.query<{ seq: string }>('UPDATE change_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq');
  const seq = Number(rows[0]!.seq);
  await client.query(
    `SELECT pg_notify($1, json_build_object('product', c.product, 'version', c.version, 'seq', $2::bigint)::text)
       FROM unnest($3::text[], $4::int[]) AS c(product, version)`,
    [VERSION_CHANNEL, seq, changes.map((c) => c.product), changes.map((c) => c.version)],
  );
  return seq;
}
