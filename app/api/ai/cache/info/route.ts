import type { CacheInfo } from '@/lib/api-types';
import { withDeadline } from '@/lib/http/deadline';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { jsonResponse } from '@/lib/http/respond';
import { apiRoute } from '@/lib/http/route';
import { appCacheSystem } from '@/lib/config/cache-system';
import { toCacheInfo } from '@/lib/http/cache-report';
import { smartWarmupInfo } from '@/lib/http/smart-warmup';
import { tuningSummary } from '@/lib/http/autotune';
import { readEnv } from '@/lib/config/env';
import { toSavingsInfo } from '@/lib/savings/savings-info';

/**
 * `GET /api/ai/cache/info` — the seed's cache info (`enabled, hit_rate, used_memory_human, cache_breakdown,
 * ttl_settings`) and what an operator needs beside it (backend, hits/misses by type, memory, evictions, alerts,
 * time saved, savings priced with CACHE_COST_PER_CPU_SECOND). Key counts come from the cache's own bookkeeping: no keyspace scan per request.
 */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = apiRoute('/api/ai/cache/info', async () => {
  const [report, smartWarmup] = await withDeadline(Promise.all([appCacheSystem().getCacheInfo(), smartWarmupInfo()]), 'cache info');
  const info: CacheInfo = {
    ...toCacheInfo(report),
    smart_warmup: smartWarmup,
    savings: toSavingsInfo(report.savings, readEnv().savings),
    tuning: tuningSummary(),
  };
  return jsonResponse(info);
});

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { POST, PUT, PATCH, DELETE } = otherMethods(['GET']);
