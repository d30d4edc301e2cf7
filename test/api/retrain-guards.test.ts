import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RetrainResponse } from '@/lib/api-types';
import { GET as getMetrics } from '@/app/api/metrics/route';
import { GET as retrainGet, POST as retrain } from '@/app/api/ai/models/[product]/retrain/route';
import { adminRateLimiter } from '@/lib/http/rate-limit';
import { parsePrometheusText } from '../helpers/prometheus-text';
import { apiRequest, jsonOf, NO_CONTEXT, startApiTestEnv, type ApiTestEnv } from './setup';

/**
 * `POST /api/ai/models/<product>/retrain` carries the same guards as clear and warm-up. Every case in this first
 * block is refused before the handler runs, so no model is trained and no database or cache is touched.
 */
describe('POST /api/ai/models/<product>/retrain guards', () => {
  const context = { params: Promise.resolve({ product: 'Bolo' }) };
  const path = '/api/ai/models/Bolo/retrain';
  beforeEach(() => adminRateLimiter().reset());
  afterEach(() => {
    delete process.env.CACHE_ADMIN_TOKEN;
  });

  it('refuses cross-site browser requests, wrong bodies and other methods', async () => {
    const cases: [string, Request, number][] = [
      ['cross-origin', apiRequest(path, { method: 'POST', headers: { origin: 'http://evil.example' } }), 403],
      ['cross-site', apiRequest(path, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } }), 403],
      ['text/plain', apiRequest(path, { body: '{}', headers: { 'content-type': 'text/plain' } }), 415],
      ['unknown field', apiRequest(path, { json: { version: 7 } }), 400],
      ['malformed', apiRequest(path, { body: '{', headers: { 'content-type': 'application/json' } }), 400],
      ['oversized', apiRequest(path, { body: JSON.stringify({ pad: 'x'.repeat(8000) }), headers: { 'content-type': 'application/json' } }), 413],
    ];
    for (const [name, request, status] of cases) {
      const response = await retrain(request, context);
      expect(response.status, name).toBe(status);
      await jsonOf(response);
    }
    expect((await retrainGet()).status).toBe(405);
  });

  it('requires the admin token when one is configured', async () => {
    process.env.CACHE_ADMIN_TOKEN = 'retrain-token-0123456789';
    expect((await retrain(apiRequest(path, { method: 'POST' }), context)).status).toBe(401);
    expect((await retrain(apiRequest(path, { method: 'POST', headers: { authorization: 'Bearer nope' } }), context)).status).toBe(403);
  });
});

/** The accepted side: with the admin token set and sent, retrain trains a new version (real Prophet fit, real Redis). */
describe('POST /api/ai/models/<product>/retrain with the admin token', () => {
  const TOKEN = 'retrain-token-0123456789';
  const path = '/api/ai/models/Bolo/retrain';
  const context = { params: Promise.resolve({ product: 'Bolo' }) };
  let env: ApiTestEnv;

  beforeAll(async () => {
    env = await startApiTestEnv();
  });
  afterAll(() => env?.close());
  beforeEach(() => {
    process.env.CACHE_ADMIN_TOKEN = TOKEN;
  });
  afterEach(() => {
    delete process.env.CACHE_ADMIN_TOKEN;
  });

  const withToken = (token: string, product = 'Bolo') =>
    retrain(apiRequest(`/api/ai/models/${encodeURIComponent(product)}/retrain`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }), {
      params: Promise.resolve({ product }),
    });

  /** `ai_model_retrains_total` by result, as GET /api/metrics reports it (a series not yet incremented is 0). */
  async function retrainCounts(): Promise<{ success: number; error: number }> {
    const families = parsePrometheusText(await (await getMetrics(apiRequest('/api/metrics'), NO_CONTEXT)).text());
    const samples = families.get('ai_model_retrains_total')?.samples ?? [];
    const value = (result: string) => samples.find((s) => s.labels.result === result)?.value ?? 0;
    return { success: value('success'), error: value('error') };
  }

  it('answers 200 with the new version and its figures, each retrain one version up', async () => {
    const first = await withToken(TOKEN);
    expect(first.status).toBe(200);
    const one = await jsonOf<RetrainResponse>(first);
    expect(Object.keys(one).sort()).toEqual(['metrics', 'model_version', 'previous_version', 'product', 'trained_at', 'training_ms']);
    expect(one.product).toBe('Bolo');
    expect(Number.isInteger(one.model_version) && one.model_version >= 1).toBe(true);
    expect(one.training_ms).toBeGreaterThan(0);
    expect(new Date(one.trained_at).toISOString()).toBe(one.trained_at);
    expect(Number.isFinite(one.metrics.mape) && one.metrics.mape >= 0).toBe(true);

    const second = await jsonOf<RetrainResponse>(await withToken(TOKEN));
    expect(second).toMatchObject({ product: 'Bolo', model_version: one.model_version + 1, previous_version: one.model_version });
    expect(Date.parse(second.trained_at)).toBeGreaterThanOrEqual(Date.parse(one.trained_at));
    // The service now serves that version.
    expect((await env.forecasting.loadModelDetailed('Bolo')).value.version).toBe(second.model_version);
    expect(
      env.logs.filter((line) => line.action === 'retrain' && line.route === '/api/ai/models/[product]/retrain' && line.status === 200),
    ).toHaveLength(2);
  });

  it('counts ai_model_retrains_total: +1 success per retrain, +1 error for an unknown product, nothing for a refused call', async () => {
    const before = await retrainCounts();
    expect((await withToken(TOKEN)).status).toBe(200);
    expect(await retrainCounts()).toEqual({ success: before.success + 1, error: before.error });
    expect((await withToken(TOKEN, 'No Such Bread')).status).toBe(404);
    expect(await retrainCounts()).toEqual({ success: before.success + 1, error: before.error + 1 });
    expect((await withToken('wrong-token')).status).toBe(403);
    expect((await retrain(apiRequest(path, { method: 'POST' }), context)).status).toBe(401);
    expect(await retrainCounts()).toEqual({ success: before.success + 1, error: before.error + 1 });
  });
});
