import { z } from 'zod';
import type { ClearResult } from '@/lib/api-types';
import { isTypeTarget, resolveClearTarget } from '@/lib/http/clear-target';
import { withDeadline } from '@/lib/http/deadline';
import { HttpError } from '@/lib/http/errors';
import { candidateProductNames } from '@/lib/http/forecasting-access';
import { adminRoute } from '@/lib/http/guards';
import { httpLogger } from '@/lib/http/log';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { jsonResponse } from '@/lib/http/respond';
import { appCacheSystem } from '@/lib/config/cache-system';
import { processSingleton } from '@/lib/redis-cache';

/**
 * `POST /api/ai/cache/clear` with `{"target": "all"|"models"|"predictions"|"products"|"<exact product name>"}`
 * (no body = `all`, as the seed's `curl -X POST …/cache/clear`). Removal reaches Redis, every instance's memory
 * tier (pub/sub) and the fallback store. Guarded: same origin, admin token, JSON, rate limit (see lib/http/guards).
 */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const BodySchema = z
  .object({
    target: z
      .string({ error: 'target must be a string' })
      .min(1, 'target must not be empty')
      .max(200, 'target must be at most 200 characters')
      .default('all'),
  })
  .strict();

/** One clear at a time per process (every route bundle shares the flag). */
const inFlight = () => processSingleton('clear-in-flight', () => ({ running: false }));

export const POST = adminRoute('/api/ai/cache/clear', 'clear', BodySchema, async ({ body, caller }) => {
  const products = isTypeTarget(body.target) ? [] : await withDeadline(candidateProductNames(body.target), 'product list');
  const target = resolveClearTarget(body.target, products);

  const flag = inFlight();
  if (flag.running) throw new HttpError('conflict', 'A clear is already running; retry when it has finished');
  flag.running = true;
  try {
    const { removed } = await appCacheSystem().clear(target);
    const label = typeof target === 'string' ? target : target.product;
    httpLogger().info({ action: 'cache.clear', target: label, removed, caller }, 'cache cleared');
    const result: ClearResult = {
      target: label,
      removed,
      message: `Removed ${removed} cached ${removed === 1 ? 'entry' : 'entries'} for ${typeof target === 'string' ? target : `product "${label}"`}`,
      timestamp: new Date().toISOString(),
    };
    return jsonResponse(result);
  } finally {
    flag.running = false;
  }
});

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { GET, PUT, PATCH, DELETE } = otherMethods(['POST']);
