import { describe, expect, test } from 'vitest';
import { ConfigError, DEFAULT_POLL_MS, readEnv } from '@/lib/config/env';
import { formatTtl } from '@/lib/http/cache-report';
import { resolveOptions } from '@/lib/redis-cache';

/** The cache options as the library resolves them, the rest of the environment as the app reads it. */
function loadConfig(env: Record<string, string | undefined>) {
  const e = readEnv(env);
  return { ...resolveOptions(e.cache), autoWarmup: e.autoWarmup, port: e.server.port, logFile: e.log.file, databasePath: e.forecasting.databasePath };
}

describe('environment', () => {
  test("defaults are the seed's", () => {
    const c = loadConfig({});
    expect(c.redis).toMatchObject({
      mode: 'standalone',
      host: 'localhost',
      port: 6379,
      db: 0,
      password: undefined,
      connectTimeoutMs: 5000,
      socketTimeoutMs: 5000,
      retryOnTimeout: true,
    });
    expect(c.ttl).toEqual({ models: 21600, predictions: 300, products: 600, other: 300 });
    expect(c.autoWarmup).toBe(true);
    expect(c.prefix).toBe('ai_module');
    expect(c.port).toBe(5001);
    expect(c.logFile).toBe('logs/ai_service.log');
    expect(c.databasePath).toMatch(/data[\\/]sales\.db$/);
    expect(c.alerts).toEqual({ hitRateMinPercent: 60, hitRateMinRequests: 100, memoryMaxBytes: 100 * 1024 * 1024 });
  });

  test.each([
    ['REDIS_PORT', 'abc'],
    ['REDIS_PORT', '70000'],
    ['CACHE_MODEL_TTL', '-5'],
    ['CACHE_PREDICTION_TTL', '1.5'],
    ['CACHE_GRACE_PERIOD', '-1'],
    ['CACHE_GRACE_PERIOD', 'long'],
    ['CACHE_COMPRESSION', 'zstd'],
    ['CACHE_COMPRESSION_MIN_BYTES', '10'],
    ['CACHE_COMPRESSION_MIN_BYTES', '1.5k'],
    ['REDIS_RETRY_ON_TIMEOUT', 'maybe'],
    ['REDIS_DB', '99'],
    ['CACHE_PREFIX', 'ai*'],
    ['REDIS_SENTINELS', 'host-without-port'],
    ['LOG_LEVEL', 'loud'],
    ['CACHE_ALERT_HIT_RATE_MIN', '150'],
    ['SEED_DEMO_DATA', 'nah'],
    ['SEED_DEMO_PRODUCTS', '0'],
    ['SEED_DEMO_PRODUCTS', '12014'],
    ['SEED_DEMO_PRODUCTS', 'many'],
    ['CACHE_ADMIN_RATE_LIMIT', 'lots'],
    ['DASHBOARD_POLL_MS', '10'],
    ['DASHBOARD_POLL_MS', 'fast'],
    ['NEXT_PUBLIC_POLL_MS', '99999'],
  ])('%s=%s is refused with a message naming the variable', (name, value) => {
    let err: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain(name);
    expect((err as ConfigError).variables).toContain(name);
  });

  test('every invalid variable is named at once', () => {
    expect(() => loadConfig({ REDIS_PORT: 'x', CACHE_MODEL_TTL: '0' })).toThrow(/REDIS_PORT.*CACHE_MODEL_TTL/);
  });

  test('secrets never appear in errors', () => {
    try {
      loadConfig({ REDIS_URL: 'http://user:s3cr3t-pw@host' });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toContain('REDIS_URL');
      expect((e as Error).message).not.toContain('s3cr3t-pw');
    }
  });

  test('REDIS_URL (incl. rediss://, credentials, db) wins over the separate variables', () => {
    const c = loadConfig({ REDIS_URL: 'rediss://app:p%40ss@cache.example:6380/2', REDIS_HOST: 'other', REDIS_PORT: '1' });
    expect(c.redis).toMatchObject({ host: 'cache.example', port: 6380, db: 2, username: 'app', password: 'p@ss', tls: true });
  });

  test('Sentinel and Cluster node lists select the mode', () => {
    expect(loadConfig({ REDIS_SENTINELS: 'a:26379, b:26380', REDIS_SENTINEL_NAME: 'm' }).redis).toMatchObject({
      mode: 'sentinel',
      sentinels: [
        { host: 'a', port: 26379 },
        { host: 'b', port: 26380 },
      ],
      sentinelName: 'm',
    });
    expect(loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7001,[::1]:7002' }).redis).toMatchObject({
      mode: 'cluster',
      clusterNodes: [
        { host: '127.0.0.1', port: 7001 },
        { host: '::1', port: 7002 },
      ],
    });
  });

  test('TTL strings for the info endpoint', () => {
    expect(formatTtl(21600)).toBe('21600s (6h)');
    expect(formatTtl(300)).toBe('300s (5min)');
    expect(formatTtl(600)).toBe('600s (10min)');
    expect(formatTtl(90)).toBe('90s (1min 30s)');
  });

  test('SEED_DEMO_PRODUCTS: the 13 named products by default, up to 12,013', () => {
    expect(readEnv({}).forecasting.seedDemoProducts).toBe(13);
    expect(readEnv({ SEED_DEMO_PRODUCTS: ' 2000 ' }).forecasting.seedDemoProducts).toBe(2000);
    expect(readEnv({ SEED_DEMO_PRODUCTS: '12013' }).forecasting.seedDemoProducts).toBe(12013);
  });

  test('booleans are read the same way everywhere: case-insensitive, trimmed, empty = default', () => {
    expect(readEnv({ SEED_DEMO_DATA: 'FALSE' }).forecasting.seedDemoData).toBe(false);
    expect(readEnv({ SEED_DEMO_DATA: ' 0 ' }).forecasting.seedDemoData).toBe(false);
    expect(readEnv({ SEED_DEMO_DATA: 'True' }).forecasting.seedDemoData).toBe(true);
    expect(readEnv({ SEED_DEMO_DATA: '' }).forecasting.seedDemoData).toBe(true);
    expect(readEnv({ SEED_DEMO_DATA: 'no', CACHE_AUTO_WARMUP: 'off', CACHE_ENABLED: 'Yes' })).toMatchObject({
      forecasting: { seedDemoData: false },
      autoWarmup: false,
      cache: { enabled: true },
    });
  });

  test('the smart warm-up: usage-based by default, off or predictive on request, a top-K within bounds', () => {
    expect(readEnv({}).smartWarmup).toEqual({ mode: 'usage', topK: 50 });
    expect(readEnv({ CACHE_SMART_WARMUP: ' Predictive ', CACHE_WARMUP_TOP_K: '5' }).smartWarmup).toEqual({ mode: 'predictive', topK: 5 });
    expect(readEnv({ CACHE_SMART_WARMUP: '' }).smartWarmup.mode).toBe('usage');
    expect(() => readEnv({ CACHE_SMART_WARMUP: 'always' })).toThrow(/CACHE_SMART_WARMUP.*off, usage or predictive/);
    expect(() => readEnv({ CACHE_WARMUP_TOP_K: '0' })).toThrow(/CACHE_WARMUP_TOP_K/);
  });

  test('autotuning: advice only by default, every 300 s, aiming at 60 % utilisation; bounded', () => {
    expect(readEnv({}).autotune).toEqual({ enabled: false, intervalSeconds: 300, targetUtilization: 0.6 });
    expect(readEnv({ CACHE_AUTOTUNE: 'on', CACHE_AUTOTUNE_INTERVAL: '60', CACHE_TARGET_UTILIZATION: '0.8' }).autotune).toEqual({
      enabled: true,
      intervalSeconds: 60,
      targetUtilization: 0.8,
    });
    expect(() => readEnv({ CACHE_AUTOTUNE: 'sometimes' })).toThrow(/CACHE_AUTOTUNE/);
    for (const bad of ['5', '86401', '1.5', 'often']) expect(() => readEnv({ CACHE_AUTOTUNE_INTERVAL: bad }), bad).toThrow(/CACHE_AUTOTUNE_INTERVAL/);
    for (const bad of ['0', '1.2', '-0.5']) expect(() => readEnv({ CACHE_TARGET_UTILIZATION: bad }), bad).toThrow(/CACHE_TARGET_UTILIZATION/);
  });

  test('an empty DATABASE_PATH is unset (a copied .env with the line emptied)', () => {
    expect(readEnv({ DATABASE_PATH: '' }).forecasting.databasePath).toMatch(/data[\\/]sales\.db$/);
  });

  test('the holiday calendar: Brazil by default, a state with HOLIDAYS_REGION, unknown codes named', () => {
    expect(readEnv({}).forecasting.holidayCalendar).toEqual({ country: 'BR' });
    expect(readEnv({ HOLIDAYS_REGION: ' sp ' }).forecasting.holidayCalendar).toEqual({ country: 'BR', region: 'SP' });
    expect(readEnv({ HOLIDAYS_COUNTRY: 'pt', HOLIDAYS_REGION: '' }).forecasting.holidayCalendar).toEqual({ country: 'PT' });
    expect(() => readEnv({ HOLIDAYS_COUNTRY: 'XX' })).toThrow(/HOLIDAYS_COUNTRY.*unknown country/);
    expect(() => readEnv({ HOLIDAYS_REGION: 'ZZ' })).toThrow(/HOLIDAYS_REGION.*unknown region "ZZ" for BR/);
  });

  test('the dashboard polling interval: DASHBOARD_POLL_MS, or its alias NEXT_PUBLIC_POLL_MS, else the default', () => {
    expect(readEnv({ DASHBOARD_POLL_MS: '1000' }).dashboard.pollMs).toBe(1000);
    expect(readEnv({ NEXT_PUBLIC_POLL_MS: '2500' }).dashboard.pollMs).toBe(2500);
    expect(readEnv({}).dashboard.pollMs).toBe(DEFAULT_POLL_MS);
  });
});

describe('CACHE_COMPRESSION', () => {
  test('defaults to auto from 1024 bytes; off and the threshold are read, case-insensitively', () => {
    expect(readEnv({}).cache.compression).toEqual({ mode: 'auto', minBytes: 1024 });
    expect(readEnv({ CACHE_COMPRESSION: ' OFF ', CACHE_COMPRESSION_MIN_BYTES: '4096' }).cache.compression).toEqual({ mode: 'off', minBytes: 4096 });
    expect(resolveOptions(readEnv({ CACHE_COMPRESSION_MIN_BYTES: '64' }).cache).compression).toEqual({ mode: 'auto', minBytes: 64 });
    expect(() => readEnv({ CACHE_COMPRESSION_MIN_BYTES: String(128 * 1024 * 1024) })).toThrow(/CACHE_COMPRESSION_MIN_BYTES/);
  });
});

describe('CACHE_GRACE_PERIOD', () => {
  test('defaults to an hour of grace for forecasts; 0 turns grace copies off', () => {
    expect(readEnv({}).cache.grace).toEqual({ periodSeconds: 3600 });
    expect(readEnv({ CACHE_GRACE_PERIOD: '0' }).cache.grace).toEqual({ periodSeconds: 0 });
    expect(resolveOptions(readEnv({ CACHE_GRACE_PERIOD: '120' }).cache).grace.periodSeconds).toBe(120);
  });
});
