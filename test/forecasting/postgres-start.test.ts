import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, readEnv } from '@/lib/config/env';
import { MIGRATIONS } from '@/lib/forecasting/postgres/migrations';
import { openPostgresStore, type PostgresStore } from '@/lib/forecasting/postgres/store';
import { freePort } from '../helpers/free-port';
import { startPostgresServer, type PostgresServerHandle } from '../helpers/postgres-server';

const options = { connectTimeoutMs: 2_000, statementTimeoutMs: 5_000, poolMax: 2, leaseMs: 2_000 };

describe('DATABASE_URL and the PostgreSQL settings', () => {
  it('selects PostgreSQL only when set; reads the timeouts, pool size and lease', () => {
    expect(readEnv({}).forecasting.databaseUrl).toBeNull();
    const env = readEnv({
      DATABASE_URL: 'postgresql://app:s3cret@db.internal:6432/sales',
      DATABASE_CONNECT_TIMEOUT: '2',
      DATABASE_STATEMENT_TIMEOUT: '1.5',
      DATABASE_POOL_MAX: '4',
      VERSION_LEASE: '6',
    }).forecasting;
    expect(env.databaseUrl).toBe('postgresql://app:s3cret@db.internal:6432/sales');
    expect(env.postgres).toEqual({ connectTimeoutMs: 2000, statementTimeoutMs: 1500, poolMax: 4, leaseMs: 6000 });
    expect(readEnv({}).forecasting.postgres.leaseMs).toBe(10_000);
  });

  it('a malformed URL or another scheme stops the start naming the variable, never echoing the password', () => {
    for (const bad of ['mysql://app:hunter2@db/sales', 'postgres://app:hunter2@', 'not a url hunter2']) {
      let error: unknown;
      try {
        readEnv({ DATABASE_URL: bad });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('DATABASE_URL');
      expect((error as Error).message).not.toContain('hunter2');
    }
    expect(() => readEnv({ VERSION_LEASE: '0' })).toThrow(/VERSION_LEASE/);
  });
});

describe('opening the PostgreSQL store', () => {
  let server: PostgresServerHandle;
  const stores: PostgresStore[] = [];
  beforeAll(async () => {
    server = await startPostgresServer();
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await server?.stop();
  });

  async function scalar(url: string, sql: string): Promise<unknown> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return Object.values((await client.query(sql)).rows[0] as object)[0];
    } finally {
      await client.end();
    }
  }

  it('several instances starting together apply each migration once and all become ready', async () => {
    await server.psql('CREATE DATABASE concurrent_start');
    const url = server.url.replace(/\/postgres$/, '/concurrent_start');
    const opened = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ url, ...options })));
    stores.push(...opened);
    const applied = await scalar(
      url,
      `SELECT string_agg(version || ':' || n, ',' ORDER BY version) FROM (SELECT version, count(*) AS n FROM schema_migrations GROUP BY version) c`,
    );
    expect(applied).toBe(MIGRATIONS.map((m) => `${m.version}:1`).join(','));
    // Every instance registered in the version index and trusts its (empty) map.
    expect(opened.every((s) => s.versionIndex().trusted)).toBe(true);
    expect(await scalar(url, 'SELECT count(*)::int FROM instances')).toBe(4);
    // A graceful close removes the instance's row.
    await opened[0]!.close();
    stores.shift();
    expect(await scalar(url, 'SELECT count(*)::int FROM instances')).toBe(3);
  });

  it('an unreachable server fails the start quickly with host:port and without the password', async () => {
    const port = await freePort();
    const error = await openPostgresStore({ url: `postgres://app:hunter2@127.0.0.1:${port}/sales`, ...options }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe('DatabaseUnavailableError');
    expect(error?.message).toContain(`127.0.0.1:${port}/sales`);
    expect(error?.message).not.toContain('hunter2');
  });
});
