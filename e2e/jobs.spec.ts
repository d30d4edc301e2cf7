import type { JobsResponse } from '@/lib/api-types';
import { expect, test } from './fixtures';

/**
 * The job queue on a real `next start` with the run's private Redis: the instance started its worker at server
 * start, so the queue answers from Redis; an unknown job id is a 404 JSON answer, a malformed one a 400.
 */
test('the jobs API reports the queue and refuses unknown or malformed job ids', async ({ request, baseURL }) => {
  const listed = await request.get(`${baseURL}/api/ai/jobs`);
  expect(listed.status()).toBe(200);
  const body = (await listed.json()) as JobsResponse;
  expect(body.executor).toBe('queue');
  expect(body.concurrency).toBeGreaterThanOrEqual(1);
  expect(body.counts).not.toBeNull();
  expect(Array.isArray(body.failed)).toBe(true);

  const unknown = await request.post(`${baseURL}/api/ai/jobs/no-such-job/retry`, { data: {} });
  expect(unknown.status()).toBe(404);
  expect(((await unknown.json()) as { error: unknown }).error).toBeTruthy();
  const malformed = await request.post(`${baseURL}/api/ai/jobs/${'x'.repeat(101)}/retry`, { data: {} });
  expect(malformed.status()).toBe(400);
  const all = await request.post(`${baseURL}/api/ai/jobs/retry`, { data: {} });
  expect(all.status()).toBe(200);
});
