import { z } from 'zod';
import type { JobsRetryResponse } from '@/lib/api-types';
import { HttpError } from '@/lib/http/errors';
import { adminRoute } from '@/lib/http/guards';
import { jobQueue } from '@/lib/http/job-queue-access';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { jsonResponse } from '@/lib/http/respond';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** BullMQ's job ids: its counter (digits) or a custom id; never `:` (BullMQ refuses it), bounded in length. */
const JobId = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'job id: 1–100 characters of A–Z a–z 0–9 _ . -');

/**
 * `POST /api/ai/jobs/<id>/retry` — puts one failed job back in the queue. 400 for a malformed id, 404 for an unknown
 * one (or while Redis is unreachable), 409 for a job that has not failed. Guarded like the other management calls.
 */
export const POST = adminRoute<z.ZodObject, { params: Promise<{ id: string }> }>(
  '/api/ai/jobs/[id]/retry',
  'retrain',
  z.object({}).strict(),
  async (_call, _request, { params }) => {
    const parsed = JobId.safeParse((await params).id);
    if (!parsed.success) throw new HttpError('bad_request', parsed.error.issues[0]?.message ?? 'invalid job id');
    const outcome = await jobQueue().retry(parsed.data);
    if (outcome === 'unknown') throw new HttpError('not_found', `No job ${parsed.data}`);
    if (outcome === 'not-failed') throw new HttpError('conflict', `Job ${parsed.data} has not failed`);
    const body: JobsRetryResponse = { message: `Job ${parsed.data} queued again`, retried: 1 };
    return jsonResponse(body);
  },
);

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { GET, PUT, PATCH, DELETE } = otherMethods(['POST']);
