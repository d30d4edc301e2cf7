/**
 * The job routes against a private redis-server and the forecasting service: a job that fails every attempt is
 * listed with its error, re-run by id or all at once; malformed and unknown ids are 4xx JSON, never a 5xx.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobsResponse, JobsRetryResponse } from '@/lib/api-types';
import { GET as listJobs, POST as postJobs } from '@/app/api/ai/jobs/route';
import { POST as retryAll } from '@/app/api/ai/jobs/retry/route';
import { POST as retryOne } from '@/app/api/ai/jobs/[id]/retry/route';
import { closeJobQueue, jobQueue } from '@/lib/http/job-queue-access';
import { adminRateLimiter } from '@/lib/http/rate-limit';
import { within } from '../helpers/deadline';
import { apiRequest, jsonOf, NO_CONTEXT, REDIS_PASSWORD, startApiTestEnv, type ApiTestEnv } from '../api/setup';

const JOB_VARIABLES = ['REDIS_URL', 'CACHE_PREFIX', 'JOB_ATTEMPTS', 'JOB_BACKOFF', 'JOB_CONCURRENCY'] as const;
let env: ApiTestEnv;
const saved = JOB_VARIABLES.map((name) => [name, process.env[name]] as const);

beforeAll(async () => {
  env = await startApiTestEnv();
  // The process-wide queue reads its settings from process.env, as the server does.
  Object.assign(process.env, {
    REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:${env.redis.port}`,
    CACHE_PREFIX: env.prefix,
    JOB_ATTEMPTS: '2',
    JOB_BACKOFF: '10',
    JOB_CONCURRENCY: '1',
  });
}, 60_000);
afterAll(async () => {
  await closeJobQueue();
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await env?.close();
});
beforeEach(() => adminRateLimiter().reset());

const retryContext = (id: string) => ({ params: Promise.resolve({ id }) });

describe('job routes', () => {
  it('lists a job that failed every attempt, and re-runs it by id and all at once', async () => {
    const queue = jobQueue();
    // A retrain of a product without sales fails every time (no history to fit).
    const failing = queue.run({ kind: 'retrain', product: 'Produto inexistente' });
    await expect(within(AbortSignal.timeout(30_000), failing, 'the failing job')).rejects.toThrow();

    const listed = await listJobs(apiRequest('/api/ai/jobs'), NO_CONTEXT);
    expect(listed.status).toBe(200);
    const body = await jsonOf<JobsResponse>(listed);
    expect(body.executor).toBe('queue');
    expect(body.concurrency).toBe(1);
    expect(body.counts?.failed).toBe(1);
    expect(body.failed).toHaveLength(1);
    const [job] = body.failed;
    expect(job).toMatchObject({ kind: 'retrain', product: 'Produto inexistente', attempts: 2 });
    expect(job.error.length).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toContain(REDIS_PASSWORD);

    const one = await retryOne(apiRequest(`/api/ai/jobs/${job.id}/retry`, { method: 'POST' }), retryContext(job.id));
    expect(one.status).toBe(200);
    expect(await jsonOf<JobsRetryResponse>(one)).toMatchObject({ retried: 1 });
    // It fails again (the product still has no sales): back in the failed list, with fresh attempts.
    const settled = async () => {
      const c = await queue.counts();
      return c !== null && c.failed === 1 && c.active + c.waiting + c.delayed === 0;
    };
    await within(AbortSignal.timeout(30_000), waitFor(settled), 'the re-run');

    const all = await retryAll(apiRequest('/api/ai/jobs/retry', { method: 'POST' }), NO_CONTEXT);
    expect(all.status).toBe(200);
    expect(await jsonOf<JobsRetryResponse>(all)).toMatchObject({ retried: 1 });
  });

  it('runs a real job through the queue: a product trained once, whatever the number of jobs', async () => {
    const queue = jobQueue();
    const outcomes = await within(
      AbortSignal.timeout(60_000),
      Promise.all([queue.run({ kind: 'train', product: 'Bolo' }), queue.run({ kind: 'train', product: 'Bolo' })]),
      'two trainings of one product',
    );
    expect(outcomes.map((o) => o.executor)).toEqual(['queue', 'queue']);
    expect(outcomes[0].result).toEqual(outcomes[1].result);
    expect(outcomes[0].result.version).toBe(1);
    expect((await env.forecasting.modelInfo('Bolo'))?.version).toBe(outcomes[0].result.version);
  });

  it('answers malformed and unknown ids with 4xx JSON, and other methods with 405', async () => {
    const cases: [string, number][] = [
      ['no-such-job', 404],
      ['99999', 404],
      ['a:b', 400],
      ['x'.repeat(101), 400],
    ];
    for (const [id, status] of cases) {
      const response = await retryOne(apiRequest(`/api/ai/jobs/${encodeURIComponent(id)}/retry`, { method: 'POST' }), retryContext(id));
      expect(response.status, id).toBe(status);
      expect((await jsonOf(response)).error).toBeTruthy();
    }
    const cross = await retryAll(apiRequest('/api/ai/jobs/retry', { method: 'POST', headers: { origin: 'http://evil.example' } }), NO_CONTEXT);
    expect(cross.status).toBe(403);
    expect((await postJobs()).status).toBe(405);
  });
});

/** Polls `check` until it holds (the caller bounds it with a deadline). */
async function waitFor(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}
