/**
 * `npm run doctor [-- --json]`: the operator's self-test of a deployment (the seed's test_cache_system.py), against
 * the Redis and the database this environment configures — the same .env files `next start` reads. One line per
 * check, then a verdict; exit 0 only when every check passed. It never trains a model and writes only its own
 * keys: a 1 s TTL probe, and the benchmark's entries under `<prefix>_doctor` (cleared at the end; the statistics'
 * bookkeeping of that prefix expires within a day).
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { startScript } from './cli';
import { cacheSystemOptions } from '../lib/config/cache-system';
import { ConfigError } from '../lib/config/config-error';
import { readEnv, type AppEnv } from '../lib/config/env';
import { describePostgresUrl } from '../lib/forecasting/postgres/connection';
import { openProcessStore } from '../lib/forecasting/open-store';
import { prophetRuntime } from '../lib/forecasting/prophet-runtime';
import { createForecastingService } from '../lib/forecasting/service';
import type { ForecastingStore } from '../lib/forecasting/store';
import { createCacheSystem, errorMessage, type CacheSystem } from '../lib/redis-cache';

const USAGE = `
usage: npm run doctor [-- --json]
Checks this deployment against the Redis and the database its environment configures (.env files included, as
next start reads them): configuration, Redis connection, read/write, TTL expiry, what the in-memory fallback does,
the database, and a short benchmark of a cached vs an uncached forecast. One line per check and a verdict; exit 0
only when every check passed. --json: the same as one JSON document.
`;
startScript(USAGE);

interface Check {
  name: string;
  ok: boolean;
  /** What was found (or what failed, and what to do). */
  detail: string;
  ms: number;
}

const silent = pino({ level: 'silent' });
const json = process.argv.includes('--json');
const checks: Check[] = [];

async function check(name: string, run: () => Promise<string>): Promise<boolean> {
  const started = performance.now();
  let result: Check;
  try {
    result = { name, ok: true, detail: await run(), ms: performance.now() - started };
  } catch (error) {
    result = { name, ok: false, detail: errorMessage(error), ms: performance.now() - started };
  }
  checks.push(result);
  if (!json) console.log(`${result.ok ? '✓' : '✗'} ${name.padEnd(22)} ${result.detail}`);
  return result.ok;
}

function fail(message: string): never {
  throw new Error(message);
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

const ms = (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(0)} ms`;

async function checkRedis(env: AppEnv, system: CacheSystem): Promise<boolean> {
  const where = `${system.options.redis.mode} ${env.cache.redis?.host ?? ''}:${env.cache.redis?.port ?? ''}`.trim();
  const connected = await check('redis connection', async () => {
    await system.connect();
    if (system.backend !== 'redis') {
      fail(`cannot reach Redis (${where}) within ${system.options.redis.connectTimeoutMs} ms — is redis-server running? (redis-cli -h … ping)`);
    }
    return `connected to ${where}`;
  });
  if (!connected) return false;
  await check('redis read/write', async () => {
    const health = await system.healthCheck();
    if (!health.readWriteTest) fail('a value written could not be read back (see the Redis log; maxmemory with noeviction?)');
    return `round trip ${ms(health.latencyMs ?? 0)}`;
  });
  await check('ttl expiry', async () => {
    const key = system.keys.other(`doctor:ttl:${randomUUID()}`);
    await system.cache.set(key, 'expires', 1);
    const ttl = await system.cache.ttl(key);
    if (!(ttl > 0 && ttl <= 1)) fail(`TTL read back as ${ttl} s, expected 1 s`);
    if ((await system.cache.get(key)) !== 'expires') fail('the value was not readable before its TTL');
    if (!(await waitUntil(async () => (await system.cache.get(key)) === undefined, 3000))) fail('the value outlived its 1 s TTL');
    return 'a 1 s entry was readable, then gone after its TTL (Redis and process memory)';
  });
  return true;
}

/** A second cache system pointed at a closed port: what the service does when Redis goes away. */
async function checkFallback(env: AppEnv): Promise<void> {
  await check('fallback', async () => {
    const opts = cacheSystemOptions({ ...process.env, REDIS_URL: 'redis://127.0.0.1:1', REDIS_CONNECT_TIMEOUT: '0.5' }, silent);
    const offline = createCacheSystem({ ...opts, prefix: `${env.cache.prefix ?? 'ai_module'}_doctor` });
    try {
      await offline.connect();
      if (offline.backend !== 'memory') fail('an unreachable Redis did not switch the cache to its in-memory fallback');
      await offline.models.setModel('doctor', { ok: true });
      const back = await offline.models.getModel<{ ok: boolean }>('doctor');
      if (back?.ok !== true) fail('the in-memory fallback did not return what was stored');
      const l1 = offline.options.l1;
      return `with Redis unreachable the cache serves from process memory (≤ ${l1.maxEntries} entries, ${Math.round(l1.maxBytes / 1048576)} MB per instance, not shared) and returns to Redis by itself`;
    } finally {
      await offline.close();
    }
  });
}

async function checkDatabase(env: AppEnv): Promise<ForecastingStore | null> {
  let store: ForecastingStore | null = null;
  const where = env.forecasting.databaseUrl
    ? `PostgreSQL ${describePostgresUrl(env.forecasting.databaseUrl)}`
    : `SQLite ${env.forecasting.databasePath}`;
  await check('database', async () => {
    store = await openProcessStore(env.forecasting, silent);
    const products = await store.sales.listProducts();
    const trained = products.filter((p) => p.modelVersion !== null).length;
    return `${where}: ${products.length} products, ${trained} with a trained model`;
  });
  return store;
}

/**
 * Cached vs uncached forecast of a product that already has a model (nothing is trained), under a private prefix:
 * uncached = the model read from the database and rebuilt, then the forecast computed; then from Redis (this
 * process' memory emptied) and from memory (the median of 20).
 */
async function benchmark(env: AppEnv, store: ForecastingStore): Promise<void> {
  await check('cached vs uncached', async () => {
    const product = (await store.sales.listProducts()).find((p) => p.modelVersion !== null)?.name;
    if (!product) return 'skipped: no product has a trained model yet (forecast one, then run the doctor again)';
    const cache = createCacheSystem({ ...cacheSystemOptions(process.env, silent), prefix: `${env.cache.prefix ?? 'ai_module'}_doctor` });
    const service = await createForecastingService({ store, cache, seedDemoData: false, logger: silent });
    try {
      // The Prophet runtime loads once per process: not a cost a running server pays on a miss.
      await prophetRuntime();
      await cache.clear('all');
      const time = async () => {
        const started = performance.now();
        const result = await service.predictDemandDetailed(product, 30);
        return { ms: performance.now() - started, tier: result.tier };
      };
      const uncached = await time();
      const hits: number[] = [];
      for (let i = 0; i < 20; i++) hits.push((await time()).ms);
      hits.sort((a, b) => a - b);
      const cached = hits[Math.floor(hits.length / 2)]!;
      cache.clearLocal();
      const fromRedis = await time();
      await cache.clear('all');
      const speedup = uncached.ms / Math.max(cached, 0.001);
      return `${product}, 30 days: uncached ${ms(uncached.ms)}, from Redis ${ms(fromRedis.ms)}${fromRedis.tier === 'l2' ? '' : ` (${fromRedis.tier ?? 'miss'})`}, from memory ${ms(cached)} — ${speedup.toFixed(0)}× faster cached`;
    } finally {
      await service.close();
      await cache.close();
    }
  });
}

async function main(): Promise<number> {
  let env: AppEnv;
  try {
    env = readEnv();
    await check('configuration', async () => 'every variable valid');
  } catch (error) {
    await check('configuration', async () => fail(error instanceof ConfigError ? error.message : errorMessage(error)));
    return report();
  }
  const system = createCacheSystem(cacheSystemOptions(process.env, silent));
  try {
    await checkRedis(env, system);
    await checkFallback(env);
    const store = await checkDatabase(env);
    if (store) {
      try {
        await benchmark(env, store);
      } finally {
        await (store as ForecastingStore).close();
      }
    }
  } finally {
    await system.close();
  }
  return report();
}

function report(): number {
  const failed = checks.filter((c) => !c.ok);
  const verdict = failed.length === 0 ? 'healthy' : 'unhealthy';
  if (json) {
    console.log(JSON.stringify({ verdict, checks: checks.map((c) => ({ ...c, ms: Math.round(c.ms * 100) / 100 })) }, null, 2));
  } else {
    console.log(
      failed.length === 0
        ? `\nverdict: healthy — ${checks.length} checks passed`
        : `\nverdict: unhealthy — failed: ${failed.map((c) => c.name).join(', ')}`,
    );
  }
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`doctor: ${errorMessage(error)}`);
    process.exit(2);
  },
);
