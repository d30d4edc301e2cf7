import { describe, expect, it } from 'vitest';
import { CacheEvents } from '@/lib/redis-cache/events';
import { parsePrometheusText } from '@/test/helpers/prometheus-text';
import { execFileSync } from 'node:child_process';
import { bindCacheMetrics, setAlertThresholdGauges, setCacheGauges } from './cache-events';
import { appMetrics } from './registry';

function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const families = parsePrometheusText(text);
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) return sample.value;
    }
  }
  return undefined;
}

describe('metrics', () => {
  it('is one registry per process', () => {
    expect(appMetrics()).toBe(appMetrics());
  });

  it('turns cache events into counters, histograms and gauges, binding a source only once', async () => {
    const events = new CacheEvents('metrics-test');
    bindCacheMetrics(events);
    bindCacheMetrics(events); // idempotent: events are not counted twice
    events.emit('lookup', { type: 'predictions', key: 'k1', result: 'hit', tier: 'l1', durationMs: 0.02 });
    events.emit('lookup', { type: 'predictions', key: 'k2', result: 'hit', tier: 'l2', durationMs: 0.8 });
    events.emit('lookup', { type: 'models', key: 'model:{P%C3%A3o}', result: 'miss', tier: null, durationMs: 1.1 });
    events.emit('lookup', { type: 'other', key: 'Pão de Açúcar', result: 'miss', tier: null, durationMs: 0.5 }); // keys never become labels
    events.emit('compute', { type: 'models', key: 'k3', durationMs: 250, error: false });
    events.emit('backend', { backend: 'memory', reason: 'test' });
    events.emit('invalidate', { scope: 'product', target: 'product Bolo', removed: 3, remote: false });
    events.emit('invalidate', { scope: 'product', target: 'product Bolo', removed: 0, remote: true }); // another instance's: not counted twice
    events.emit('invalidate', { scope: 'all', target: 'all', removed: 9, remote: false });
    // Another system's events on the same process-wide channels are not this source's.
    new CacheEvents('another-instance').emit('lookup', { type: 'predictions', key: 'k1', result: 'hit', tier: 'l1', durationMs: 0.02 });

    const text = await appMetrics().registry.metrics();
    expect(value(text, 'ai_cache_requests_total', { type: 'predictions', result: 'hit' })).toBe(2);
    expect(value(text, 'ai_cache_requests_total', { type: 'models', result: 'miss' })).toBe(1);
    expect(value(text, 'ai_cache_requests_total', { type: 'other', result: 'miss' })).toBe(1);
    expect(value(text, 'ai_cache_lookup_duration_seconds_count', { type: 'predictions', tier: 'l1' })).toBe(1);
    expect(value(text, 'ai_cache_lookup_duration_seconds_count', { type: 'models', tier: 'none' })).toBe(1);
    expect(value(text, 'ai_cache_compute_duration_seconds_sum', { type: 'models' })).toBeCloseTo(0.25);
    expect(value(text, 'ai_cache_fallback_active')).toBe(1);
    expect(value(text, 'ai_cache_invalidations_total', { scope: 'product' })).toBe(1);
    expect(value(text, 'ai_cache_invalidations_total', { scope: 'all' })).toBe(1);
    expect(text).not.toContain('Pão');
  });

  it('sets the sampled gauges and drops the memory figure while Redis is away', async () => {
    setCacheGauges({
      backend: 'redis',
      usedMemoryBytes: 2_200_000,
      keys: { models: 3, predictions: 7, products: 1, other: 0 },
      l1Evictions: 0,
      breaker: 'closed',
    });
    let text = await appMetrics().registry.metrics();
    expect(value(text, 'ai_cache_redis_used_memory_bytes')).toBe(2_200_000);
    expect(value(text, 'ai_cache_keys', { type: 'predictions' })).toBe(7);
    expect(value(text, 'ai_cache_fallback_active')).toBe(0);
    setCacheGauges({
      backend: 'memory',
      usedMemoryBytes: null,
      keys: { models: 0, predictions: 0, products: 0, other: 0 },
      l1Evictions: 0,
      breaker: 'open',
    });
    text = await appMetrics().registry.metrics();
    expect(value(text, 'ai_cache_redis_used_memory_bytes')).toBeNaN();
    expect(value(text, 'ai_cache_redis_up')).toBe(0);
  });

  it('exposes valid Prometheus text, with conventional names', async () => {
    appMetrics().httpRequestDuration.labels({ route: '/api/ai/cache/info', method: 'GET', status: '200' }).observe(0.003);
    const families = parsePrometheusText(await appMetrics().registry.metrics());
    for (const name of [
      'ai_cache_requests_total',
      'ai_cache_lookup_duration_seconds',
      'ai_cache_compute_duration_seconds',
      'http_request_duration_seconds',
      'ai_cache_fallback_active',
      'ai_cache_redis_used_memory_bytes',
      'ai_cache_keys',
      'ai_cache_warmups_total',
      'ai_model_retrains_total',
    ]) {
      expect(families.has(name), name).toBe(true);
    }
    for (const family of families.values()) {
      if (family.type === 'counter') expect(family.name).toMatch(/_total$/);
      if (family.name.includes('duration')) expect(family.name).toMatch(/_seconds$/);
    }
  });
});

describe('operational series', () => {
  it('counts breaker transitions, lock timeouts and L1 evictions, and exports the build and the alert thresholds', async () => {
    const events = new CacheEvents('metrics-ops-test');
    bindCacheMetrics(events);
    const before = parsePrometheusText(await appMetrics().registry.metrics());
    const count = (families: typeof before, name: string, labels: Record<string, string> = {}) =>
      families.get(name)?.samples.find((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v))?.value ?? 0;
    events.emit('breaker', { state: 'open', reason: 'ECONNREFUSED' });
    events.emit('breaker', { state: 'half-open', reason: 'probing' });
    events.emit('lockTimeout', { name: 'train:Bolo' });
    let text = await appMetrics().registry.metrics();
    expect(value(text, 'ai_cache_breaker_state')).toBe(1);
    expect(value(text, 'ai_cache_breaker_transitions_total', { to: 'half_open' })).toBe(
      count(before, 'ai_cache_breaker_transitions_total', { to: 'half_open' }) + 1,
    );
    expect(value(text, 'ai_cache_lock_timeouts_total')).toBe(count(before, 'ai_cache_lock_timeouts_total') + 1);
    expect(text).not.toContain('train:Bolo'); // lock names (products) never become labels

    const evictionsBefore = count(before, 'ai_cache_l1_evictions_total');
    const keys = { models: 0, predictions: 0, products: 0, other: 0 };
    setCacheGauges({ backend: 'redis', usedMemoryBytes: 1, keys, l1Evictions: 5, breaker: 'closed' });
    setCacheGauges({ backend: 'redis', usedMemoryBytes: 1, keys, l1Evictions: 8, breaker: 'closed' });
    setCacheGauges({ backend: 'redis', usedMemoryBytes: 1, keys, l1Evictions: 2, breaker: 'closed' }); // another system: all new
    setAlertThresholdGauges({ memoryMaxBytes: 104_857_600, hitRateMinPercent: 60 });
    text = await appMetrics().registry.metrics();
    expect(value(text, 'ai_cache_l1_evictions_total')).toBe(evictionsBefore + 10);
    expect(value(text, 'ai_cache_breaker_state')).toBe(0);
    expect(value(text, 'ai_cache_alert_memory_max_bytes')).toBe(104_857_600);
    expect(value(text, 'ai_cache_alert_hit_rate_min_ratio')).toBeCloseTo(0.6);
    expect(value(text, 'ai_cache_build_info', { nodejs_version: process.version })).toBe(1);
  });

  it('passes `promtool check metrics` (the Prometheus linter: names, types, units)', async () => {
    const text = await appMetrics().registry.metrics();
    // promtool exits non-zero and lists each problem on stderr; execFileSync throws with that output.
    expect(() => execFileSync('promtool', ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] })).not.toThrow();
  });
});

describe('parsePrometheusText', () => {
  it('rejects what Prometheus would reject', () => {
    expect(() => parsePrometheusText('# TYPE a counter\na{b="c} 1\n')).toThrow();
    expect(() => parsePrometheusText('# TYPE a counter\na 1x\n')).toThrow();
    expect(() => parsePrometheusText('x 1\n')).toThrow(/family/);
    expect(() => parsePrometheusText('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n')).toThrow(/cumulative/);
    expect(() => parsePrometheusText('# TYPE a counter\na 1')).toThrow(/newline/);
  });
});
