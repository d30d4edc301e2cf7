import type { HealthReport } from '@/lib/api-types';
import { withDeadline } from '@/lib/http/deadline';
import { databaseStatus } from '@/lib/http/forecasting-access';
import { errorMessage, httpLogger } from '@/lib/http/log';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { jsonResponse } from '@/lib/http/respond';
import { apiRoute } from '@/lib/http/route';
import { appCacheSystem } from '@/lib/config/cache-system';
import { toCacheHealth } from '@/lib/http/cache-report';

/**
 * `GET /api/ai/health` — `healthy` (Redis answers a real read/write and every Redis node is up), `degraded` (the
 * in-memory fallback serves, or a Redis node is down — a replica, a sentinel, a failed master already replaced — or
 * part of a cluster's slots have no live master: slower or less redundant, still correct; HTTP 200 so load balancers
 * keep the instance), `unhealthy` with 503 only when forecasts can't be served at all (the sales/model database is
 * unusable).
 */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

type CacheHealth = HealthReport['cache'];

function unreachable(reason: string): CacheHealth {
  return {
    redis_available: false,
    read_write_test: false,
    backend: 'memory',
    latency_ms: null,
    stats: { hits: 0, misses: 0, hit_rate: 0, total_keys: 0 },
    topology: { mode: appCacheSystem().options.redis.mode, status: 'down', problems: [reason] },
  };
}

export const GET = apiRoute('/api/ai/health', async () => {
  const [cache, database] = await Promise.all([cacheHealth(), databaseStatus()]);
  const redisFine = cache.redis_available && cache.read_write_test && cache.topology.status === 'ok';
  const status: HealthReport['status'] = !database.ok ? 'unhealthy' : redisFine ? 'healthy' : 'degraded';
  const report: HealthReport = {
    status,
    service: 'AI Prediction Service',
    timestamp: new Date().toISOString(),
    cache,
    database,
  };
  return jsonResponse(report, status === 'unhealthy' ? 503 : 200);
});

/** A failing health check is a finding, not an error: it becomes `degraded`, never a 5xx. */
async function cacheHealth(): Promise<CacheHealth> {
  try {
    return toCacheHealth(await withDeadline(appCacheSystem().healthCheck(), 'cache health check', 3_000));
  } catch (error) {
    httpLogger().warn({ err: { message: errorMessage(error) } }, 'health: cache check failed');
    return unreachable(`cache health check failed: ${errorMessage(error)}`);
  }
}

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { POST, PUT, PATCH, DELETE } = otherMethods(['GET']);
