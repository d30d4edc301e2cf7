import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthReport } from '@/lib/api-types';
import { DEMO_PRODUCTS } from '@/lib/forecasting/demo-data';
import { GET as getHealth } from '@/app/api/ai/health/route';
import { GET as predict } from '@/app/api/ai/predict/route';
import { GET as getProducts } from '@/app/api/ai/products/route';
import { parseModelArtifact } from '@/lib/forecasting/model-artifact';
import { packArtifact } from '@/lib/forecasting/packed-artifact';
import { waitFor } from '../helpers/redis-server';
import { apiRequest, jsonOf, NO_CONTEXT, startApiTestEnv, type ApiTestEnv } from './setup';

/**
 * Values planted in Redis by anyone with write access (the probes): every one is a miss, recomputed and
 * overwritten — never a 500, never a health report blaming the database, never a forecast for a product that
 * does not exist.
 */
describe('values planted in Redis', () => {
  let env: ApiTestEnv;

  beforeAll(async () => {
    // No L1: every read goes to Redis, where the planted values are.
    env = await startApiTestEnv({ CACHE_L1_MAX_ENTRIES: '0' });
  });
  afterAll(() => env?.close());

  /** The one cached key containing `fragment`: a computed value reaches Redis just after its answer (core.ts). */
  const keyOf = async (fragment: string) => {
    const matching = async () => (await env.cacheKeys()).filter((key) => key.includes(fragment));
    await waitFor(async () => (await matching()).length > 0, 5000, 20, `a key containing ${fragment}`).catch(() => undefined);
    const keys = await matching();
    expect(keys, `one key containing ${fragment}; backend changes: ${env.backendChanges.join('; ') || 'none'}`).toHaveLength(1);
    return keys[0]!;
  };

  it('a planted product list (null, wrong shape, tagged BigInt) is a miss; health counts products in the database', async () => {
    expect((await getProducts(apiRequest('/api/ai/products'), NO_CONTEXT)).status).toBe(200);
    const key = await keyOf('products_list');
    for (const planted of ['null', '{"products":1}', '~{"$t":"BigInt","v":"12"}', '[{"name":"x"}]']) {
      await env.cli('SET', key, planted, 'EX', '600');
      const response = await getProducts(apiRequest('/api/ai/products'), NO_CONTEXT);
      expect(response.status, planted).toBe(200);
      const body = await jsonOf<{ products: { name: string }[] }>(response);
      expect(body.products.map((product) => product.name).sort()).toEqual([...DEMO_PRODUCTS.map((p) => p.name)].sort());
    }
    // A well-formed but false list: health still asks the database.
    await env.cli('SET', key, '[]', 'EX', '600');
    const health = await jsonOf<HealthReport>(await getHealth(apiRequest('/api/ai/health'), NO_CONTEXT));
    expect(health.database).toMatchObject({ ok: true, products: DEMO_PRODUCTS.length });
    expect(health.status).toBe('healthy');
  });

  it('a planted prediction (null, wrong shape, tagged BigInt) is recomputed and overwritten, never a 500', async () => {
    const url = '/api/ai/predict?product=Bolo&days=7';
    expect((await predict(apiRequest(url), NO_CONTEXT)).status).toBe(200);
    const key = await keyOf('prediction');
    for (const planted of ['null', '{"product":"Bolo"}', '~{"$t":"BigInt","v":"12"}', '"text"']) {
      await env.cli('SET', key, planted, 'EX', '300');
      const response = await predict(apiRequest(url), NO_CONTEXT);
      expect(response.status, planted).toBe(200);
      const body = await jsonOf<{ cached: boolean; forecast: unknown[] }>(response);
      expect(body.cached, planted).toBe(false);
      expect(body.forecast).toHaveLength(7);
      // Overwritten with the real value: the next call is a hit.
      expect((await jsonOf<{ cached: boolean }>(await predict(apiRequest(url), NO_CONTEXT))).cached).toBe(true);
    }
  });

  it('a well-formed forecast planted for a product that does not exist is never served', async () => {
    const key = await keyOf('prediction');
    const real = await env.cli('GET', key);
    const forged = key.replace('Bolo', 'Produto Falso');
    await env.cli('SET', forged, real.replace(/"product":"Bolo"/, '"product":"Produto Falso"'), 'EX', '300');
    const response = await predict(apiRequest('/api/ai/predict?product=Produto%20Falso&days=7'), NO_CONTEXT);
    expect(response.status).toBe(404);
  });

  it('a planted model artifact (null, wrong shape, tagged BigInt) is a miss: the model is loaded from the database', async () => {
    expect((await predict(apiRequest('/api/ai/predict?product=Bolo&days=7'), NO_CONTEXT)).status).toBe(200);
    const key = await keyOf(':model:');
    const planted = ['null', '{"version":1}', '~{"$t":"BigInt","v":"12"}', '"text"'];
    for (const [i, value] of planted.entries()) {
      await env.cli('SET', key, value, 'EX', '600');
      // A horizon not asked for before: the forecast is computed, so the model is read from Redis.
      const response = await predict(apiRequest(`/api/ai/predict?product=Bolo&days=${20 + i}`), NO_CONTEXT);
      expect(response.status, value).toBe(200);
      const body = await jsonOf<{ cached: boolean; forecast: unknown[] }>(response);
      expect(body.cached, value).toBe(false);
      expect(body.forecast, value).toHaveLength(20 + i);
    }
  });

  it('a well-formed planted artifact that cannot be rebuilt is dropped at the forecast: the model is read from the database', async () => {
    const url = '/api/ai/predict?product=Bolo&days=40';
    const honest = await jsonOf<{ forecast: unknown[]; model_version: number }>(await predict(apiRequest(url), NO_CONTEXT));
    await env.system.clear('predictions');
    const text = env.db
      .prepare(
        `SELECT m.artifact FROM model_artifacts m JOIN products p ON p.id = m.product_id
          WHERE p.name = 'Bolo' ORDER BY m.version DESC LIMIT 1`,
      )
      .pluck()
      .get() as string;
    const artifact = parseModelArtifact(text);
    // Parses, but one design-matrix column is no longer among the artifact's own.
    const forged = { ...artifact, columnFingerprints: artifact.columnFingerprints.map((c, i) => (i === 0 ? 'f'.repeat(c.length) : c)) };
    const key = env.system.keys.model('Bolo');
    expect(await env.system.cache.set(key, packArtifact(forged), 600, { type: 'models' })).toBe(true);

    const response = await predict(apiRequest(url), NO_CONTEXT);
    expect(response.status).toBe(200);
    const body = await jsonOf<{ cached: boolean; forecast: unknown[]; model_version: number }>(response);
    expect(body.cached).toBe(false);
    expect(body).toMatchObject({ model_version: honest.model_version, forecast: honest.forecast });
    expect(await env.cli('EXISTS', key)).toBe('0'); // dropped; the next load caches the database's artifact
  });
});
