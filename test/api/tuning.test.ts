import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, CacheInfo, TuningReport } from '@/lib/api-types';
import { GET as getInfo } from '@/app/api/ai/cache/info/route';
import { GET as getTuning } from '@/app/api/ai/cache/tuning/route';
import { GET as getMetrics } from '@/app/api/metrics/route';
import { GET as predict } from '@/app/api/ai/predict/route';
import { autotuner } from '@/lib/http/autotune';
import { parsePrometheusText } from '../helpers/prometheus-text';

/** The value of one sample of the exposition (the one whose labels include `labels`); undefined when absent. */
async function metric(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const families = parsePrometheusText(await (await getMetrics(apiRequest('/api/metrics'), NO_CONTEXT)).text());
  return families.get(name)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}
import { apiRequest, jsonOf, NO_CONTEXT, startApiTestEnv, type ApiTestEnv } from './setup';

/** GET /api/ai/cache/tuning, cache/info.tuning and the autoscaler gauges, on the service with a real Redis. */
describe('tuning API', () => {
  let env: ApiTestEnv;

  beforeAll(async () => {
    env = await startApiTestEnv({ CACHE_AUTOTUNE: 'true', CACHE_AUTOTUNE_INTERVAL: '120', CACHE_TARGET_UTILIZATION: '0.5' });
  });
  afterAll(async () => {
    await env?.close();
  });

  const tuning = async (query = '') => jsonOf<TuningReport>(await getTuning(apiRequest(`/api/ai/cache/tuning${query}`), NO_CONTEXT));

  it('before the first evaluation: the mode, the interval, the settings in force and their bounds', async () => {
    const report = await tuning();
    expect(report).toMatchObject({
      autotune: true,
      interval_s: 120,
      settings: { l1_max_entries: env.system.tuning.l1MaxEntries, prediction_ttl_seconds: env.system.tuning.predictionTtlSeconds },
      bounds: { l1_max_entries: { min: 100, max: 100_000 }, prediction_ttl_seconds: { min: 60, max: 3600 } },
      latest: null,
      decisions: [],
      desired_instances: null,
    });
    const info = await jsonOf<CacheInfo>(await getInfo(apiRequest('/api/ai/cache/info'), NO_CONTEXT));
    expect(info.tuning).toEqual({
      autotune: true,
      interval_s: 120,
      l1_max_entries: report.settings.l1_max_entries,
      prediction_ttl_seconds: report.settings.prediction_ttl_seconds,
      desired_instances: null,
      last_evaluated_at: null,
      last_decision: null,
    });
  });

  it('after an evaluation: the recommendations with reasons, the window, the desired instances and their inputs', async () => {
    for (let i = 0; i < 3; i++) expect((await predict(apiRequest('/api/ai/predict?product=Bolo&days=7'), NO_CONTEXT)).status).toBe(200);
    await autotuner().tick();
    const report = await tuning();
    expect(report.latest).not.toBeNull();
    const latest = report.latest!;
    expect(latest.ttl_evaluated).toBe('here');
    expect(latest.signals.lookups).toBeGreaterThanOrEqual(3);
    expect(latest.recommendations.map((r) => r.setting)).toEqual(['l1_max_entries', 'prediction_ttl_seconds']);
    for (const r of latest.recommendations) {
      expect(typeof r.reason.code).toBe('string');
      expect(Object.values(r.reason.params).every((v) => typeof v === 'number')).toBe(true);
    }
    // Few lookups: the TTL holds, and says why.
    expect(latest.recommendations[1]).toMatchObject({ recommended: report.settings.prediction_ttl_seconds, reason: { code: 'too_few_lookups' } });
    const desired = report.desired_instances!;
    expect(desired).toMatchObject({ target_utilization: 0.5, window_s: latest.window_s });
    expect(desired.instances).toBeGreaterThanOrEqual(1);
    expect(desired.miss_ratio).toBeGreaterThanOrEqual(0);
    expect(desired.miss_ratio).toBeLessThanOrEqual(1);
    expect(desired.lookups_per_second).toBeCloseTo(latest.signals.lookups / latest.window_s, 2);

    const info = await jsonOf<CacheInfo>(await getInfo(apiRequest('/api/ai/cache/info'), NO_CONTEXT));
    expect(info.tuning).toMatchObject({ desired_instances: desired.instances, last_evaluated_at: latest.at });

    expect(await metric('ai_cache_desired_instances')).toBe(desired.instances);
    expect(await metric('ai_cache_target_utilization_ratio')).toBe(0.5);
    expect(await metric('ai_cache_l1_max_entries')).toBe(report.settings.l1_max_entries);
    expect(await metric('ai_cache_prediction_ttl_seconds')).toBe(report.settings.prediction_ttl_seconds);
    expect(await metric('ai_cache_autotune_miss_ratio')).toBeCloseTo(desired.miss_ratio, 3);
  });

  it('a decision appears in the ring, in cache/info and in the counter', async () => {
    // An almost empty L1 evicting nothing: underused, a shrink once confirmed (CACHE_AUTOTUNE=true applies it).
    await autotuner().tick();
    const report = await tuning();
    expect(report.decisions[0]).toMatchObject({ setting: 'l1_max_entries', outcome: 'applied', reason: { code: 'l1_underused' } });
    expect(report.settings.l1_max_entries).toBe(report.decisions[0]!.to);
    expect(env.system.tuning.l1MaxEntries).toBe(report.decisions[0]!.to);
    expect((await tuning('?decisions=0')).decisions).toEqual([]);
    const info = await jsonOf<CacheInfo>(await getInfo(apiRequest('/api/ai/cache/info'), NO_CONTEXT));
    expect(info.tuning.last_decision).toEqual(report.decisions[0]);
    expect(await metric('ai_cache_autotune_changes_total', { setting: 'l1_max_entries', outcome: 'applied' })).toBeGreaterThanOrEqual(1);
  });

  it('400 on a bad query string', async () => {
    for (const bad of ['-1', '51', 'abc', '1.5']) {
      const refused = await getTuning(apiRequest(`/api/ai/cache/tuning?decisions=${bad}`), NO_CONTEXT);
      expect(refused.status, bad).toBe(400);
      expect((await jsonOf<ApiError>(refused)).error.code).toBe('bad_request');
    }
  });
});
