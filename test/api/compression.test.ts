/**
 * Compression through the service: a trained model's artifact and forecasts land compressed in Redis, another
 * instance (empty L1) reads them back, and `cache/info` and `/api/metrics` count what was compressed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheInfo } from '@/lib/api-types';
import { GET as getInfo } from '@/app/api/ai/cache/info/route';
import { GET as getMetrics } from '@/app/api/metrics/route';
import { parseModelArtifact } from '@/lib/forecasting/model-artifact';
import { unpackArtifact } from '@/lib/forecasting/packed-artifact';
import { isCompressed } from '@/lib/redis-cache/compression';
import { storedPayload } from '@/lib/redis-cache/stored-form';
import { parsePrometheusText } from '../helpers/prometheus-text';
import { waitFor } from '../helpers/redis-server';
import { redisClientOf } from '../redis-cache/setup';
import { apiRequest, jsonOf, NO_CONTEXT, startApiTestEnv, type ApiTestEnv } from './setup';

describe('compression in the service', () => {
  let env: ApiTestEnv;
  let version = 0;

  beforeAll(async () => {
    env = await startApiTestEnv();
    // Trains Bolo's model: its artifact and the forecast are written to Redis.
    version = (await env.forecasting.predictDemand('Bolo', 365)).modelVersion;
  });
  afterAll(() => env?.close());

  const rawOf = async (key: string) => {
    const client = redisClientOf(env.system);
    await waitFor(async () => (await client.exists(key)) === 1, 10_000, 20, `${key} in Redis`);
    return (await client.getBuffer(key))!;
  };

  it('stores the model artifact and a long forecast compressed, and another instance reads both', async () => {
    const model = await rawOf(env.system.keys.model('Bolo'));
    const forecast = await rawOf(env.system.keys.prediction('Bolo', 365, undefined, version));
    expect(isCompressed(storedPayload(model))).toBe(true);
    expect(isCompressed(storedPayload(forecast))).toBe(true);
    // The plain artifact is ≈ 47 KB of JSON; packed and compressed it must take at most a third of the 49 KB it took before.
    expect(model.length).toBeLessThan(49_000 / 3);

    // The cache keeps the packed artifact (packed-artifact.ts); through the plain API it unpacks to a valid one.
    const read = parseModelArtifact(unpackArtifact(await env.other.models.getModel('Bolo')));
    expect(read.product).toBe('Bolo');
    expect(read.params.trend.length).toBeGreaterThan(1000);
    const again = await env.other.models.getPrediction<{ forecast: unknown[] }>('Bolo', 365, undefined, { version });
    expect(again?.forecast).toHaveLength(365);
  });

  it('cache/info and /api/metrics count what this instance compressed', async () => {
    const info = await jsonOf<CacheInfo>(await getInfo(apiRequest('/api/ai/cache/info'), NO_CONTEXT));
    expect(info.compression).toMatchObject({ mode: 'auto', min_bytes: 1024 });
    expect(info.compression.entries).toBeGreaterThanOrEqual(2);
    expect(info.compression.input_bytes).toBeGreaterThan(info.compression.output_bytes * 2);
    expect(info.compression.ratio).toBe(Math.round((info.compression.input_bytes / info.compression.output_bytes) * 100) / 100);

    const families = parsePrometheusText(await (await getMetrics(apiRequest('/api/metrics'), NO_CONTEXT)).text());
    const value = (name: string) => families.get(name)!.samples[0]!.value;
    expect(value('ai_cache_compressed_entries_total')).toBeGreaterThanOrEqual(info.compression.entries);
    expect(value('ai_cache_compression_input_bytes_total')).toBeGreaterThanOrEqual(info.compression.input_bytes);
    expect(value('ai_cache_compression_output_bytes_total')).toBeGreaterThanOrEqual(info.compression.output_bytes);
    expect(value('ai_cache_compression_input_bytes_total')).toBeGreaterThan(value('ai_cache_compression_output_bytes_total'));
  });
});
