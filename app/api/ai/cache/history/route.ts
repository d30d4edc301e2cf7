import { z } from 'zod';
import type { CacheHistory } from '@/lib/api-types';
import { withDeadline } from '@/lib/http/deadline';
import { HttpError } from '@/lib/http/errors';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { jsonResponse } from '@/lib/http/respond';
import { apiRoute } from '@/lib/http/route';
import { appCacheSystem } from '@/lib/config/cache-system';
import { toHistory } from '@/lib/http/cache-report';

/**
 * `GET /api/ai/cache/history?range=15m|1h|6h|24h` (default 1h) — hits, misses per type and memory samples in
 * time buckets, oldest first, shared by every instance through Redis (the memory tier's own while on fallback).
 */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const QuerySchema = z.object({ range: z.enum(['15m', '1h', '6h', '24h']).default('1h') });

export const GET = apiRoute('/api/ai/cache/history', async (request) => {
  const params = new URL(request.url).searchParams;
  const parsed = QuerySchema.safeParse({ range: params.get('range') ?? undefined });
  if (!parsed.success) throw new HttpError('bad_request', 'range must be one of 15m, 1h, 6h, 24h');
  const history: CacheHistory = toHistory(await withDeadline(appCacheSystem().getHistory(parsed.data.range), 'cache history'));
  return jsonResponse(history);
});

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { POST, PUT, PATCH, DELETE } = otherMethods(['GET']);
