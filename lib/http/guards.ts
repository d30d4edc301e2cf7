import type { z } from 'zod';
import { appMetrics } from '@/lib/metrics/registry';
import { readEnv } from '@/lib/config/env';
import { assertAdminCaller } from './auth';
import { readJsonBody } from './body';
import { callerAddress, requestHost } from './caller';
import { HttpError, statusOf } from './errors';
import { httpLogger } from './log';
import { assertSameOrigin } from './origin';
import { adminRateLimiter } from './rate-limit';
import { apiRoute } from './route';

/** The management calls that change or load the cache: POST only, guarded. */
export type AdminAction = 'clear' | 'warm-up' | 'retrain';

export interface AdminCall<T> {
  body: T;
  /** For logs only (see caller.ts). */
  caller: string;
}

/**
 * Checks a management call, in the order that reveals least and costs least:
 * 1. cross-site browser requests → 403 (before auth: a CSRF attempt learns nothing about the token),
 * 2. admin token when `CACHE_ADMIN_TOKEN` is set → 401 missing / 403 wrong; without one, a caller not on this
 *    host → 403 (unless `CACHE_ADMIN_OPEN=true`),
 * 3. the body: JSON only (415), at most `CACHE_ADMIN_MAX_BODY_BYTES` (413), valid JSON matching `schema` (400),
 * 4. the action's rate limit → 429 with `Retry-After` (only well-formed, authorised calls spend the budget, so
 *    nobody without the token can exhaust it for the operators).
 */
export async function guardAdminCall<S extends z.ZodType>(request: Request, action: AdminAction, schema: S): Promise<AdminCall<z.output<S>>> {
  const config = readEnv().admin;
  assertSameOrigin(request, requestHost(request, config.trustProxyHops));
  assertAdminCaller(request, config);
  const body = await readJsonBody(request, schema, config.maxBodyBytes);
  const decision = adminRateLimiter().take(action, config.rateLimitPerMinute);
  if (!decision.allowed) {
    throw new HttpError('rate_limited', `Too many ${action} calls; retry in ${decision.retryAfterSeconds} s`, undefined, {
      'Retry-After': String(decision.retryAfterSeconds),
    });
  }
  return { body, caller: callerAddress(request, config.trustProxyHops) };
}

/**
 * A guarded POST route: `guardAdminCall`, then `handler`, inside `apiRoute` (error shape, no-store, latency
 * metric). For `retrain` it also counts `ai_model_retrains_total` by outcome.
 */
export function adminRoute<S extends z.ZodType, Ctx = unknown>(
  pattern: string,
  action: AdminAction,
  schema: S,
  handler: (call: AdminCall<z.output<S>>, request: Request, context: Ctx) => Promise<Response>,
): (request: Request, context: Ctx) => Promise<Response> {
  return apiRoute<Ctx>(pattern, async (request, context) => {
    const call = await guardAdminCall(request, action, schema);
    let status = 500;
    try {
      const response = await handler(call, request, context);
      status = response.status;
      return response;
    } catch (error) {
      if (error instanceof HttpError) status = statusOf(error.code);
      throw error;
    } finally {
      // One audit line per accepted management call, whatever its outcome (the handlers add what they did).
      httpLogger().info({ action, route: pattern, status, caller: call.caller }, 'management call');
      if (action === 'retrain') appMetrics().retrains.inc({ result: status >= 200 && status < 300 ? 'success' : 'error' });
    }
  });
}
