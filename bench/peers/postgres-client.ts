/**
 * Which PostgreSQL client: node-postgres (`pg`) or porsager's `postgres`, timed on the store's hot queries against a
 * private server (never the machine's 5432):
 *  - a product's latest model version (one indexed lookup, the per-request read when the version index is not trusted),
 *  - the latest artifact (≈ 40 KB of text: a model load after a cache miss),
 *  - a 1 000-row sales upsert in one statement (the CSV import and the demo seed).
 * Each client runs with prepared statements, sequentially (latency) and with 16 calls in flight over a pool of 8
 * (throughput). The clients alternate over rounds so machine drift hits both alike.
 *
 *   npx tsx bench/peers/postgres-client.ts
 */
import pg from 'pg';
import postgres from 'postgres';
import { startPostgresServer } from '../../test/helpers/postgres-server';

const ROUNDS = 3;
const LATEST_N = 3000;
const ARTIFACT_N = 600;
const UPSERT_N = 60;
const IN_FLIGHT = 16;
const POOL = 8;

const SCHEMA = `
CREATE TABLE products (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE daily_sales (product_id bigint NOT NULL REFERENCES products(id), date date NOT NULL, quantity double precision NOT NULL,
  PRIMARY KEY (product_id, date));
CREATE TABLE model_artifacts (product_id bigint NOT NULL REFERENCES products(id), version int NOT NULL, artifact text NOT NULL,
  PRIMARY KEY (product_id, version));
`;

const LATEST_SQL = 'SELECT (SELECT max(m.version) FROM model_artifacts m WHERE m.product_id = p.id) AS v FROM products p WHERE p.name = $1';
const ARTIFACT_SQL = `SELECT m.artifact FROM model_artifacts m JOIN products p ON p.id = m.product_id
  WHERE p.name = $1 ORDER BY m.version DESC LIMIT 1`;
const UPSERT_SQL = `INSERT INTO daily_sales (product_id, date, quantity)
  SELECT (SELECT id FROM products WHERE name = $1), d, q FROM unnest($2::date[], $3::float8[]) AS t(d, q)
  ON CONFLICT (product_id, date) DO UPDATE SET quantity = excluded.quantity`;

interface Client {
  name: string;
  latest(product: string): Promise<unknown>;
  artifact(product: string): Promise<string>;
  upsert(product: string, dates: string[], quantities: number[]): Promise<void>;
  close(): Promise<void>;
}

function nodePostgres(url: string): Client {
  const pool = new pg.Pool({ connectionString: url, max: POOL });
  return {
    name: 'pg (node-postgres) 8',
    latest: async (p) => (await pool.query({ name: 'latest', text: LATEST_SQL, values: [p] })).rows[0],
    artifact: async (p) => (await pool.query<{ artifact: string }>({ name: 'artifact', text: ARTIFACT_SQL, values: [p] })).rows[0]!.artifact,
    upsert: async (p, d, q) => {
      await pool.query({ name: 'upsert', text: UPSERT_SQL, values: [p, d, q] });
    },
    close: () => pool.end(),
  };
}

function porsager(url: string): Client {
  const sql = postgres(url, { max: POOL, prepare: true, onnotice: () => {} });
  return {
    name: 'postgres (porsager) 4',
    latest: async (p) => (await sql.unsafe(LATEST_SQL, [p], { prepare: true }))[0],
    artifact: async (p) => (await sql.unsafe<{ artifact: string }[]>(ARTIFACT_SQL, [p], { prepare: true }))[0]!.artifact,
    upsert: async (p, d, q) => {
      await sql.unsafe(UPSERT_SQL, [p, d, q], { prepare: true });
    },
    close: () => sql.end(),
  };
}

async function timed(n: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) await op(next++);
    }),
  );
  return (performance.now() - t0) / n; // ms per op
}

async function main() {
  const server = await startPostgresServer();
  try {
    await server.psql(SCHEMA);
    const products = Array.from({ length: 100 }, (_, i) => `product-${i}`);
    await server.psql(`INSERT INTO products (name) SELECT 'product-' || g FROM generate_series(0, 99) g`);
    // ≈ 40 KB artifacts, 3 versions each of the first 10 products.
    await server.psql(
      `INSERT INTO model_artifacts SELECT p.id, v, repeat(md5(p.id::text || v::text), 1250) FROM products p, generate_series(1, 3) v WHERE p.id <= 10`,
    );
    const dates = Array.from({ length: 1000 }, (_, i) => new Date(Date.UTC(2023, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
    const quantities = dates.map((_, i) => (i * 7) % 113);

    const results = new Map<string, number[][]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const make of round % 2 === 0 ? [nodePostgres, porsager] : [porsager, nodePostgres]) {
        const client = make(server.url);
        // Warm-up: connections open, statements prepared on every connection.
        await timed(200, IN_FLIGHT, (i) => client.latest(products[i % 100]!));
        await timed(40, IN_FLIGHT, (i) => client.artifact(products[i % 10]!));
        await timed(16, IN_FLIGHT, (i) => client.upsert(products[i % 100]!, dates, quantities));
        const row = [
          await timed(LATEST_N, 1, (i) => client.latest(products[i % 100]!)),
          await timed(LATEST_N * 3, IN_FLIGHT, (i) => client.latest(products[i % 100]!)),
          await timed(ARTIFACT_N, 1, (i) => client.artifact(products[i % 10]!)),
          await timed(ARTIFACT_N * 2, IN_FLIGHT, (i) => client.artifact(products[i % 10]!)),
          await timed(UPSERT_N, 1, (i) => client.upsert(products[i % 100]!, dates, quantities)),
          await timed(UPSERT_N, IN_FLIGHT, (i) => client.upsert(products[i % 100]!, dates, quantities)),
        ];
        const artifact = await client.artifact(products[0]!);
        if (artifact.length !== 40_000) throw new Error(`unexpected artifact length ${artifact.length}`);
        await client.close();
        results.set(client.name, [...(results.get(client.name) ?? []), row]);
      }
    }
    const columns = [
      'latest version, 1 in flight',
      `latest version, ${IN_FLIGHT} in flight`,
      '40 KB artifact, 1 in flight',
      `40 KB artifact, ${IN_FLIGHT} in flight`,
      '1000-row upsert, 1 in flight',
      `1000-row upsert, ${IN_FLIGHT} in flight`,
    ];
    console.log(`| query | ${[...results.keys()].join(' | ')} |`);
    console.log(`|---|${[...results.keys()].map(() => '---:').join('|')}|`);
    columns.forEach((label, c) => {
      const cells = [...results.values()].map((rows) => {
        const per = rows.map((r) => r[c]!).sort((a, b) => a - b);
        const median = per[Math.floor(per.length / 2)]!;
        const unit = median < 1 ? `${(median * 1000).toFixed(0)} µs` : `${median.toFixed(2)} ms`;
        return `${unit} (${Math.round(1000 / median).toLocaleString('en-US')}/s)`;
      });
      console.log(`| ${label} | ${cells.join(' | ')} |`);
    });
  } finally {
    await server.stop();
  }
}

void main();
