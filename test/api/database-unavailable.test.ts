/**
 * A database that can't be opened (wrong DATABASE_PATH, corrupt file) or fails a query makes the forecasting
 * routes answer 503 `unavailable` — the state health reports as `unhealthy` — not 500 `internal`; and fixing the
 * file needs no restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as predict } from '@/app/api/ai/predict/route';
import { GET as products } from '@/app/api/ai/products/route';
import { GET as model } from '@/app/api/ai/models/[product]/route';
import { getForecastingService, setForecastingServiceForTests } from '@/lib/forecasting/service';
import { useForecastingServiceForTests } from '@/lib/http/forecasting-access';
import { toHttpError } from '@/app/api/ai/_forecasting/http';
import { HttpError } from '@/lib/http/errors';
import { DatabaseUnavailableError } from '@/lib/forecasting/postgres/connection';
import { resetCacheSystemForTests } from '@/lib/redis-cache';
import pino from 'pino';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server';
import { cacheSystemOptions } from '@/lib/config/cache-system';

describe('forecasting routes with an unusable database', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-unavailable-'));
  const corrupt = path.join(dir, 'corrupt.db');
  const savedPath = process.env.DATABASE_PATH;
  let redis: RedisServerHandle;

  beforeAll(async () => {
    // The process-wide service builds on the process-wide cache system: point it at a private Redis.
    redis = await startRedisServer();
    await resetCacheSystemForTests(cacheSystemOptions({ REDIS_URL: redis.url, CACHE_AUTO_WARMUP: 'false' }, pino({ level: 'silent' })));
    fs.writeFileSync(corrupt, 'this is not an SQLite database, just text long enough to fill a header page'.repeat(20));
    useForecastingServiceForTests(undefined);
    setForecastingServiceForTests(undefined)?.close();
    process.env.DATABASE_PATH = corrupt;
  });
  afterAll(async () => {
    process.env.DATABASE_PATH = savedPath;
    setForecastingServiceForTests(undefined)?.close();
    await resetCacheSystemForTests();
    await redis?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 unavailable on every forecasting read, never 500', async () => {
    const url = 'http://localhost:5001';
    const answers = [
      await predict(new Request(`${url}/api/ai/predict?product=Bolo&days=7`), undefined),
      await products(new Request(`${url}/api/ai/products`), undefined),
      await model(new Request(`${url}/api/ai/models/Bolo`), { params: Promise.resolve({ product: 'Bolo' }) }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: 'unavailable' } });
    }
  });

  it('maps a query-time SQLite error to 503 too', () => {
    const sqliteError = Object.assign(new Error('database disk image is malformed'), { name: 'SqliteError', code: 'SQLITE_CORRUPT' });
    const mapped = toHttpError(sqliteError);
    expect(mapped).toBeInstanceOf(HttpError);
    expect((mapped as HttpError).code).toBe('unavailable');
  });

  it("maps PostgreSQL's errors to 503 too: server errors, lost connections, the store's unavailability", () => {
    const serverError = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' });
    const lost = new Error('Connection terminated unexpectedly');
    const timeout = new Error('Query read timeout');
    const unavailable = new DatabaseUnavailableError(
      'db.internal:5432/sales',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    );
    for (const error of [serverError, lost, timeout, unavailable]) {
      const mapped = toHttpError(error);
      expect(mapped).toBeInstanceOf(HttpError);
      expect((mapped as HttpError).code).toBe('unavailable');
    }
    expect(unavailable.message).toBe('PostgreSQL at db.internal:5432/sales is unavailable: connect ECONNREFUSED');
    // A bug stays a bug (500), not a database outage.
    expect(toHttpError(new TypeError('x is undefined'))).toBeInstanceOf(TypeError);
  });

  it('opens the database on a later call once the file is fixed', async () => {
    process.env.DATABASE_PATH = path.join(dir, 'fixed.db');
    process.env.SEED_DEMO_DATA = 'false';
    try {
      const res = await model(new Request('http://localhost:5001/api/ai/models/Bolo'), { params: Promise.resolve({ product: 'Bolo' }) });
      expect(res.status).toBe(404); // an empty database: no such product — but it answered
      expect(await getForecastingService()).toBeDefined();
    } finally {
      delete process.env.SEED_DEMO_DATA;
    }
  });
});
