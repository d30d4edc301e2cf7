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
 * `GET /api/ai/health` — `healthy` (Redis answers a real read/write), `degraded` (the in-memory fallback serves:
 * slower, still correct; HTTP 200 so load balancers keep the instance), `unhealthy` with 503 only when forecasts
 * can't be served at all (the sales/model database — SQLite or PostgreSQL, named in `database.kind` — is unusable).
 * `down` lists what is down: `database`, `redis`, both or neither.
 */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

type CacheHealth = HealthReport['cache'];

const UNREACHABLE: CacheHealth = {
  redis_available: false,
  read_write_test: false,
  backend: 'memory',
  latency_ms: null,
  stats: { hits: 0, misses: 0, hit_rate: 0, total_keys: 0 },
};

export const GET = apiRoute('/api/ai/health', async () => {
  const [cache, database] = await Promise.all([cacheHealth(), databaseStatus()]);
  const redisUp = cache.redis_available && cache.read_write_test;
  const status: HealthReport['status'] = !database.ok ? 'unhealthy' : redisUp ? 'healthy' : 'degraded';
  const down: HealthReport['down'] = [];
  if (!database.ok) down.push('database');
  if (!redisUp) down.push('redis');
  const report: HealthReport = {
    status,
    service: 'AI Prediction Service',
    timestamp: new Date().toISOString(),
    cache,
    database,
    down,
  };
  return jsonResponse(report, status === 'unhealthy' ? 503 : 200);
});

/** A failing health check is a finding, not an error: it becomes `degraded`, never a 5xx. */
async function cacheHealth(): Promise<CacheHealth> {
  try {
    return toCacheHealth(await withDeadline(appCacheSystem().healthCheck(), 'cache health check', 3_000));
  } catch (error) {
    httpLogger().warn({ err: { message: errorMessage(error) } }, 'health: cache check failed');
    return UNREACHABLE;
  }
}

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { POST, PUT, PATCH, DELETE } = otherMethods(['GET']);
