import { z } from 'zod';
import type { JobsRetryResponse } from '@/lib/api-types';
import { adminRoute } from '@/lib/http/guards';
import { jobQueue } from '@/lib/http/job-queue-access';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { jsonResponse } from '@/lib/http/respond';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** `POST /api/ai/jobs/retry` — puts every failed job back in the queue. Guarded like the other management calls. */
export const POST = adminRoute('/api/ai/jobs/retry', 'retrain', z.object({}).strict(), async () => {
  const retried = await jobQueue().retryAllFailed();
  const body: JobsRetryResponse = { message: `${retried} failed job(s) queued again`, retried };
  return jsonResponse(body);
});

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { GET, PUT, PATCH, DELETE } = otherMethods(['POST']);
