import type { JobsResponse } from '@/lib/api-types';
import { jobQueue } from '@/lib/http/job-queue-access';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { jsonResponse } from '@/lib/http/respond';
import { apiRoute } from '@/lib/http/route';

/**
 * `GET /api/ai/jobs` — the job queue: counts by state and the failed jobs with their last error and attempts.
 * With Redis unreachable: `executor: in-process`, no counts, no failed jobs (never a 5xx).
 */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = apiRoute('/api/ai/jobs', async () => {
  const queue = jobQueue();
  const [counts, failed] = await Promise.all([queue.counts(), queue.failed()]);
  const body: JobsResponse = {
    executor: counts ? 'queue' : 'in-process',
    concurrency: queue.concurrency,
    counts,
    failed: (failed ?? []).map((j) => ({ id: j.id, kind: j.kind, product: j.product, error: j.error, attempts: j.attempts, failed_at: j.failedAt })),
  };
  return jsonResponse(body);
});

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { POST, PUT, PATCH, DELETE } = otherMethods(['GET']);
