import { z } from 'zod';
import type { RetrainAllAccepted, RetrainAllStatus } from '@/lib/api-types';
import { HttpError } from '@/lib/http/errors';
import { adminRoute } from '@/lib/http/guards';
import { httpLogger } from '@/lib/http/log';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { jsonResponse } from '@/lib/http/respond';
import { currentRetrainAll, startRetrainAll } from '@/lib/http/retrain-all-job';
import { apiRoute } from '@/lib/http/route';

/**
 * `POST /api/ai/jobs/retrain-all` → 202 with the batch id: one `retrain` job per product, run by every instance's
 * worker. 409 (with the running batch) while one runs on any instance. Guarded like the other management calls.
 * `GET` → the running or last batch's progress (done/total, failed, rate, ETA, the instances that worked on it).
 */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = adminRoute('/api/ai/jobs/retrain-all', 'retrain', z.object({}).strict(), async ({ caller }) => {
  const { started, job } = await startRetrainAll();
  if (!started) throw new HttpError('conflict', 'A "retrain all" is already running (here or on another instance)', { job });
  httpLogger().info({ action: 'jobs.retrain-all', batch: job!.id, caller }, 'retrain all accepted');
  const body: RetrainAllAccepted = { message: 'Retrain of every product queued', batch_id: job!.id, job: job! };
  return jsonResponse(body, 202, { Location: '/api/ai/jobs/retrain-all' });
});

export const GET = apiRoute('/api/ai/jobs/retrain-all', async () => {
  const body: RetrainAllStatus = { job: await currentRetrainAll() };
  return jsonResponse(body);
});

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { PUT, PATCH, DELETE } = otherMethods(['GET', 'POST']);
