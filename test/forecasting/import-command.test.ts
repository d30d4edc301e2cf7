import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/lib/forecasting/database';
import { SqliteSalesStore } from '@/lib/forecasting/sales-store';
import { openPostgresStore } from '@/lib/forecasting/postgres/store';
import { startPostgresServer, type PostgresServerHandle } from '../helpers/postgres-server';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server';

/** `npm run import -- file.csv` end to end: a real process, a real database file, a real redis-server. */
describe('import command', () => {
  let redis: RedisServerHandle;
  let dir: string;
  const prefix = `import${process.pid}`;

  beforeAll(async () => {
    redis = await startRedisServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-command-'));
  });
  afterAll(async () => {
    await redis?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function runImport(file: string, db: string, databaseUrl = ''): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [path.join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/import-sales.ts', file],
        {
          env: { ...process.env, DATABASE_PATH: db, DATABASE_URL: databaseUrl, REDIS_URL: redis.url, CACHE_PREFIX: prefix },
          timeout: 60_000,
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  it('rejects a file with bad rows, listing them by line number, and imports nothing', async () => {
    const csv = path.join(dir, 'bad.csv');
    fs.writeFileSync(csv, 'date,product,quantity\n2025-01-01,Bolo,3\n2025-01-32,Bolo,4\n2025-01-03,Bolo,-2\n');
    const db = path.join(dir, 'bad.db');
    const result = await runImport(csv, db);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('2 bad row(s); nothing was imported');
    expect(result.stderr).toMatch(/line 3: .*2025-01-32/);
    expect(result.stderr).toMatch(/line 4: .*-2/);
    const database = openDatabase(db);
    expect(await new SqliteSalesStore(database).isEmpty()).toBe(true);
    database.close();
  });

  it('imports a good file and clears the cached product list', async () => {
    await redis.cli('SET', `${prefix}:products_list`, 'stale');
    const csv = path.join(dir, 'good.csv');
    fs.writeFileSync(csv, 'date,product,quantity\n2025-01-01,Pão de Açúcar,12\n2025-01-02,Pão de Açúcar,15\n2025-01-01,Bolo,3\n');
    const db = path.join(dir, 'good.db');
    const result = await runImport(csv, db);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('imported 3 row(s) for 2 product(s)');
    const database = openDatabase(db);
    expect(await new SqliteSalesStore(database).history('Pão de Açúcar')).toEqual([
      { date: '2025-01-01', quantity: 12 },
      { date: '2025-01-02', quantity: 15 },
    ]);
    database.close();
    expect(await redis.cli('EXISTS', `${prefix}:products_list`)).toBe('0');
  });

  it('imports into PostgreSQL when DATABASE_URL is set; a bad file imports nothing there either', async () => {
    let pg: PostgresServerHandle | undefined;
    try {
      pg = await startPostgresServer();
      const bad = path.join(dir, 'bad-pg.csv');
      fs.writeFileSync(bad, 'date,product,quantity\n2025-01-01,Bolo,3\n2025-01-02,Bolo,x\n');
      expect((await runImport(bad, path.join(dir, 'unused.db'), pg.url)).code).toBe(1);
      const csv = path.join(dir, 'good-pg.csv');
      fs.writeFileSync(csv, 'date,product,quantity\n2025-01-01,Pão de Açúcar,12\n2025-01-02,Pão de Açúcar,15\n2025-01-01,Bolo,3\n');
      const result = await runImport(csv, path.join(dir, 'unused.db'), pg.url);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`imported 3 row(s) for 2 product(s) into 127.0.0.1:${pg.port}/postgres`);
      expect(fs.existsSync(path.join(dir, 'unused.db'))).toBe(false);
      const store = await openPostgresStore({ url: pg.url, connectTimeoutMs: 2_000, statementTimeoutMs: 5_000, poolMax: 1, leaseMs: 2_000 });
      try {
        expect((await store.sales.listProducts()).map((p) => p.name)).toEqual(['Bolo', 'Pão de Açúcar']);
        expect(await store.sales.history('Pão de Açúcar')).toEqual([
          { date: '2025-01-01', quantity: 12 },
          { date: '2025-01-02', quantity: 15 },
        ]);
      } finally {
        await store.close();
      }
      // The import process left the version index's table as it found it (its own row removed on close).
      expect(await pg.psql('SELECT count(*) FROM instances')).toBe('0');
    } finally {
      await pg?.stop();
    }
  });

  it('explains its usage', async () => {
    const result = await runImport(path.join(dir, 'missing.csv'), path.join(dir, 'x.db'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot read/);
  });
});
