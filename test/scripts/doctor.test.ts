/** `npm run doctor` against a healthy private Redis (exit 0) and a dead port (exit 1, saying what failed). */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openDatabase } from '@/lib/forecasting/database';
import { fitModel } from '@/lib/forecasting/prophet-model';
import { createForecastingService } from '@/lib/forecasting/service';
import { freePort } from '@/test/helpers/free-port';
import { startRedisServer, type RedisServerHandle } from '@/test/helpers/redis-server';
import { makeSystem, silentLogger } from '@/test/redis-cache/setup';

const run = promisify(execFile);
let redis: RedisServerHandle;
let dir: string;

beforeAll(async () => {
  redis = await startRedisServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-'));
  // A database with the demo history and one trained model, as a running service would leave it.
  const db = openDatabase(path.join(dir, 'sales.db'));
  const cache = makeSystem(redis.url);
  const service = await createForecastingService({ db, cache, fit: fitModel, seedDemoData: true, logger: silentLogger });
  await service.loadModel('Bolo');
  await service.close();
  await cache.close();
  db.close();
}, 60_000);

afterAll(async () => {
  await redis?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the doctor as an operator would; resolves with its exit code and output (never rejects on exit ≠ 0). */
async function doctor(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(path.join('node_modules', '.bin', 'tsx'), ['scripts/doctor.ts', ...args], {
      env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '' };
  }
}

test('a healthy deployment passes every check, with the cached vs uncached figures', async () => {
  const { code, stdout } = await doctor({ REDIS_URL: redis.url, DATABASE_PATH: path.join(dir, 'sales.db') });
  expect(stdout).toMatch(/✓ redis connection\s+connected to standalone 127\.0\.0\.1:\d+/);
  expect(stdout).toMatch(/✓ ttl expiry/);
  expect(stdout).toMatch(/✓ fallback\s+with Redis unreachable the cache serves from process memory/);
  expect(stdout).toMatch(/✓ database\s+SQLite .*sales\.db: 13 products, 1 with a trained model/);
  expect(stdout).toMatch(
    /✓ cached vs uncached\s+Bolo, 30 days: uncached [\d.]+ ms, from Redis [\d.]+ ms, from memory [\d.]+ ms — \d+× faster cached/,
  );
  expect(stdout).toContain('verdict: healthy — 7 checks passed');
  expect(code).toBe(0);
  // It cleaned up after itself: no cached value of its own left in the Redis it checked (only the statistics'
  // bookkeeping of its private prefix, which expires by itself).
  const left = (await redis.cli('--scan', '--pattern', '*doctor*')).split('\n').filter((k) => k && !k.includes(':_meta:'));
  expect(left).toEqual([]);
}, 90_000);

test('a dead Redis port fails with a line saying what failed, and --json says the same', async () => {
  const env = { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, REDIS_CONNECT_TIMEOUT: '0.5', DATABASE_PATH: path.join(dir, 'sales.db') };
  const text = await doctor(env);
  expect(text.code).toBe(1);
  expect(text.stdout).toMatch(/✗ redis connection\s+cannot reach Redis \(standalone 127\.0\.0\.1:\d+\)/);
  expect(text.stdout).toContain('verdict: unhealthy — failed: redis connection');
  const json = await doctor(env, '--json');
  expect(json.code).toBe(1);
  const report = JSON.parse(json.stdout) as { verdict: string; checks: { name: string; ok: boolean }[] };
  expect(report.verdict).toBe('unhealthy');
  expect(report.checks.find((c) => c.name === 'redis connection')?.ok).toBe(false);
  expect(report.checks.find((c) => c.name === 'database')?.ok).toBe(true);
}, 90_000);
