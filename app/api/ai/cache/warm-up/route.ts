import { z } from 'zod';
import type { WarmUpAccepted, WarmUpStatus } from '@/lib/api-types';
import { HttpError } from '@/lib/http/errors';
import { adminRoute } from '@/lib/http/guards';
import { httpLogger } from '@/lib/http/log';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { jsonResponse } from '@/lib/http/respond';
import { apiRoute } from '@/lib/http/route';
import { currentWarmUp, startWarmUp } from '@/lib/http/warm-up-job';

/**
 * `POST /api/ai/cache/warm-up` → 202: loads every product's model, its 7- and 30-day predictions, then the product
 * list, in the background. 409 (with the running job) while one runs on any instance. `GET` → the running or last
 * job's progress, whichever instance runs it.
 */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = adminRoute('/api/ai/cache/warm-up', 'warm-up', z.object({}).strict(), async ({ caller }) => {
  const { started, job } = await startWarmUp('manual');
  if (!started) {
    throw new HttpError('conflict', 'A warm-up is already running (here or on another instance)', { job });
  }
  httpLogger().info({ action: 'cache.warm-up', job: job!.id, caller }, 'cache warm-up accepted');
  const body: WarmUpAccepted = { message: 'Cache warm-up started', timestamp: new Date().toISOString(), job: job! };
  return jsonResponse(body, 202, { Location: '/api/ai/cache/warm-up' });
});

export const GET = apiRoute('/api/ai/cache/warm-up', async () => {
  const body: WarmUpStatus = { job: await currentWarmUp() };
  return jsonResponse(body);
});

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { PUT, PATCH, DELETE } = otherMethods(['GET', 'POST']);
