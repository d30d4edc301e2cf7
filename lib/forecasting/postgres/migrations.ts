import type pg from 'pg';

/**
 * The PostgreSQL schema as an ordered list of migrations. Applied at start by every instance under one session
 * advisory lock, so N instances starting together apply each exactly once: the first holds the lock and migrates,
 * the others wait, then find every version recorded in `schema_migrations` and apply nothing. Never edit an applied
 * migration: add the next one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'products, daily sales, versioned model artifacts',
    sql: `
      CREATE TABLE products (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name       text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL
      );
      CREATE TABLE daily_sales (
        product_id bigint NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        date       date NOT NULL,
        quantity   double precision NOT NULL CHECK (quantity >= 0),
        PRIMARY KEY (product_id, date)
      );
      CREATE TABLE model_artifacts (
        product_id   bigint NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        version      integer NOT NULL CHECK (version >= 1),
        trained_at   timestamptz NOT NULL,
        training_ms  double precision NOT NULL,
        window_start date NOT NULL,
        window_end   date NOT NULL,
        window_days  integer NOT NULL,
        mape         double precision NOT NULL,
        artifact     text NOT NULL,
        PRIMARY KEY (product_id, version)
      );`,
  },
  {
    version: 2,
    name: 'version feed: change sequence and instance leases',
    sql: `
      -- One row: taking it (UPDATE … RETURNING) orders writers, so sequence order is commit order is NOTIFY order.
      CREATE TABLE change_counter (
        id  integer PRIMARY KEY CHECK (id = 1),
        seq bigint NOT NULL
      );
      INSERT INTO change_counter (id, seq) VALUES (1, 0);
      -- Every running instance: how long its version index may be trusted, and the last change it has applied.
      CREATE TABLE instances (
        id          text PRIMARY KEY,
        lease_until timestamptz NOT NULL,
        seen_seq    bigint NOT NULL,
        started_at  timestamptz NOT NULL DEFAULT now()
      );`,
  },
];

/** Longest a migration (or the wait for another instance's) may take before the start attempt fails and is retried. */
const MIGRATION_TIMEOUT_MS = 120_000;

/** Key of the session advisory lock migrations (and the demo seed) run under. */
export const SCHEMA_LOCK_KEY = 7_316_240_001;

/** Applies the missing migrations, each in its own transaction, under the advisory lock. Returns the versions applied. */
export async function migrate(client: pg.ClientBase, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  // Waiting for another instance's migration is part of starting: bounded by MIGRATION_TIMEOUT_MS, not by the
  // (short) request timeouts — on the server (statement_timeout) and in the client (query_timeout).
  await client.query(`SET statement_timeout = ${MIGRATION_TIMEOUT_MS}`);
  await client.query({
    text: 'SELECT pg_advisory_lock($1)',
    values: [SCHEMA_LOCK_KEY],
    query_timeout: MIGRATION_TIMEOUT_MS + 1_000,
  } as pg.QueryConfig);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const done: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query({ text: m.sql, query_timeout: MIGRATION_TIMEOUT_MS + 1_000 } as pg.QueryConfig);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      done.push(m.version);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK_KEY]);
  }
}
