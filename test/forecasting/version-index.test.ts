import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthReport, PredictionResponse } from '@/lib/api-types';
import { GET as getHealth } from '@/app/api/ai/health/route';
import { GET as getPredict } from '@/app/api/ai/predict/route';
import { GET as getHistory } from '@/app/api/ai/products/[name]/history/route';
import { cacheSystemOptions } from '@/lib/config/cache-system';
import { openPostgresStore, type PostgresStore } from '@/lib/forecasting/postgres/store';
import { createForecastingService, type ForecastingService } from '@/lib/forecasting/service';
import { TrainingWorker } from '@/lib/forecasting/training-worker';
import { useForecastingServiceForTests } from '@/lib/http/forecasting-access';
import { resetCacheSystemForTests, type CacheSystem } from '@/lib/redis-cache';
import { startPostgresServer, type PostgresServerHandle } from '../helpers/postgres-server';
import { startRedisServer, waitFor, type RedisServerHandle } from '../helpers/redis-server';
import { makeSystem, silentLogger } from '../redis-cache/setup';

/**
 * Two service instances (two stores with their own connections, two cache systems) sharing one private PostgreSQL
 * and one private Redis: the in-memory version index keeps model versions exact across them, and an outage of
 * PostgreSQL is answered by the lease (cached answers while it lasts, 503 after).
 */
describe('version index across two instances on PostgreSQL', () => {
  const LEASE_MS = 4_000;
  let server: PostgresServerHandle;
  let redis: RedisServerHandle;
  let storeA: PostgresStore;
  let storeB: PostgresStore;
  let cacheA: CacheSystem;
  let cacheB: CacheSystem;
  let a: ForecastingService;
  let b: ForecastingService;
  // Fits in a worker thread, as in the server: a fit on the main thread would stall the heartbeats.
  const worker = new TrainingWorker();
  const base = 'http://localhost:5001';

  async function sql<T>(text: string, values: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    [server, redis] = await Promise.all([startPostgresServer(), startRedisServer()]);
    const options = { url: server.url, connectTimeoutMs: 2_000, statementTimeoutMs: 3_000, poolMax: 4, leaseMs: LEASE_MS };
    [storeA, storeB] = await Promise.all([openPostgresStore(options), openPostgresStore(options)]);
    cacheA = makeSystem(redis.url);
    cacheB = makeSystem(redis.url, { prefix: cacheA.options.prefix });
    const common = { fit: (input: Parameters<TrainingWorker['fit']>[0]) => worker.fit(input), logger: silentLogger, seedDemoData: true };
    [a, b] = await Promise.all([
      createForecastingService({ store: storeA, cache: cacheA, demoEndDate: '2026-10-31', ...common }),
      createForecastingService({ store: storeB, cache: cacheB, demoEndDate: '2026-10-31', ...common }),
    ]);
    // Health reads the process-wide cache system: point it at the private Redis too.
    await resetCacheSystemForTests(cacheSystemOptions({ REDIS_URL: redis.url, CACHE_AUTO_WARMUP: 'false' }, pino({ level: 'silent' })));
  });

  afterAll(async () => {
    useForecastingServiceForTests(undefined);
    await Promise.all([a?.close(), b?.close()]);
    await Promise.all([storeA?.close(), storeB?.close(), cacheA?.close(), cacheB?.close(), worker.close()]);
    await resetCacheSystemForTests();
    await Promise.all([server?.stop(), redis?.stop()]);
  });

  it('a retrain on A has returned → the very next predict on B carries the new version', async () => {
    const first = await b.predictDemandDetailed('Bolo', 7);
    expect(first.value.modelVersion).toBe(1);
    expect((await b.predictDemandDetailed('Bolo', 7)).cached).toBe(true);
    for (let round = 0; round < 2; round++) {
      const retrained = await a.retrain('Bolo');
      const next = await b.predictDemandDetailed('Bolo', 7);
      expect(next.value.modelVersion).toBe(retrained.version);
      expect(await storeB.versions.current('Bolo')).toBe(retrained.version);
    }
    expect(storeB.versionIndex().trusted).toBe(true);
  });

  it('a retrain waits for an instance that has not acknowledged it until that instance’s lease has ended', async () => {
    await sql(`INSERT INTO instances (id, lease_until, seen_seq) VALUES ('silent', now() + interval '1500 milliseconds', 0)`);
    try {
      await a.retrain('Bolo');
      const [row] = await sql<{ ended: boolean }>(`SELECT lease_until <= now() AS ended FROM instances WHERE id = 'silent'`);
      expect(row!.ended).toBe(true);
    } finally {
      await sql(`DELETE FROM instances WHERE id = 'silent'`);
    }
  });

  it('the periodic reconcile repairs a missed notification', async () => {
    expect(await storeB.versions.current('Sonho')).toBeNull();
    // A version written behind the feed's back (no NOTIFY, no sequence number): no instance hears of it.
    await sql(`INSERT INTO model_artifacts (product_id, version, trained_at, training_ms, window_start, window_end, window_days, mape, artifact)
               SELECT (SELECT id FROM products WHERE name = 'Sonho'), 1, trained_at, training_ms, window_start, window_end, window_days, mape, artifact
                 FROM model_artifacts ORDER BY version LIMIT 1`);
    expect(await storeB.versions.current('Sonho')).toBeNull(); // still trusted, still the old answer
    await storeB.index.heartbeat();
    expect(await storeB.versions.current('Sonho')).toBe(1);
  });

  it('an instance whose lease row disappeared stops trusting its map until a whole heartbeat succeeds again', async () => {
    expect(storeB.versionIndex().trusted).toBe(true);
    await sql('DELETE FROM instances WHERE id = $1', [storeB.versionIndex().instanceId]);
    await storeB.index.heartbeat();
    expect(storeB.versionIndex().trusted).toBe(false);
    expect(await storeB.versions.current('Bolo')).toBe(await storeB.models.latestVersion('Bolo')); // read from the database
    await storeB.index.heartbeat();
    expect(storeB.versionIndex().trusted).toBe(true);
  });

  it('a killed index connection is replaced and the map stays exact', async () => {
    await sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [storeB.index.applicationName]);
    const retrained = await a.retrain('Bolo'); // B may miss this notification: its retrain waits for B's reconcile
    await storeB.index.heartbeat();
    expect(storeB.versionIndex().trusted).toBe(true);
    expect(await storeB.versions.current('Bolo')).toBe(retrained.version);
  });

  it('PostgreSQL down: cached answers flow while the lease lasts, uncached ones get 503; then 503 until it is back', async () => {
    useForecastingServiceForTests(b);
    const predict = (product: string, days: number) => getPredict(new Request(`${base}/api/ai/predict?product=${product}&days=${days}`), undefined);
    expect((await predict('Bolo', 7)).status).toBe(200); // cached on B
    await storeB.index.heartbeat(); // a fresh lease
    await server.stop();

    const cachedAnswer = await predict('Bolo', 7);
    expect(cachedAnswer.status).toBe(200);
    expect(cachedAnswer.headers.get('X-Cache')).toBe('HIT');
    const history = await getHistory(new Request(`${base}/api/ai/products/Bolo/history`), { params: Promise.resolve({ name: 'Bolo' }) });
    expect(history.status).toBe(503);
    expect(await history.json()).toMatchObject({ error: { code: 'unavailable' } });
    const untrained = await predict('Croissant', 7); // never trained: needs the database
    expect(untrained.status).toBe(503);

    await waitFor(() => !storeB.versionIndex().trusted, LEASE_MS + 5_000, 50, 'the lease to end');
    const unverified = await predict('Bolo', 7);
    expect(unverified.status).toBe(503);
    expect(await unverified.json()).toMatchObject({ error: { code: 'unavailable' } });
    const health = await getHealth(new Request(`${base}/api/ai/health`), undefined);
    expect(health.status).toBe(503);
    const report = (await health.json()) as HealthReport;
    expect(report.database).toMatchObject({ ok: false, kind: 'postgres' });
    expect(report.down).toEqual(['database']);
    expect(JSON.stringify(report)).not.toContain(server.url);

    await server.start();
    await waitFor(() => storeB.versionIndex().trusted, 15_000, 50, 'the index to trust its map again');
    const back = await predict('Bolo', 7);
    expect(back.status).toBe(200);
    expect(((await back.json()) as PredictionResponse).model_version).toBe(await storeB.models.latestVersion('Bolo'));
  });
});
