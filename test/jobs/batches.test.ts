/**
 * The warm-up and "retrain all" as jobs over two instances' workers, on a private redis-server with the real
 * forecasting service (Prophet fits): the work spreads over both workers, each product is done once, progress only
 * grows up to done == total, both instances are reported as executors; a job that fails (a product with too little
 * history) is listed with its error and re-runs from the API once its history is there.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  ApiError,
  JobsResponse,
  JobsRetryResponse,
  RetrainAllAccepted,
  RetrainAllStatus,
  WarmUpAccepted,
  WarmUpJob,
  WarmUpStatus,
} from '@/lib/api-types';
import { GET as getWarmUp, POST as postWarmUp } from '@/app/api/ai/cache/warm-up/route';
import { GET as listJobs } from '@/app/api/ai/jobs/route';
import { POST as retryOne } from '@/app/api/ai/jobs/[id]/retry/route';
import { GET as getRetrainAll, POST as postRetrainAll } from '@/app/api/ai/jobs/retrain-all/route';
import { forecastingJobHandler } from '@/lib/forecasting/forecasting-jobs';
import { fitModel } from '@/lib/forecasting/prophet-model';
import { WARMUP_HORIZONS } from '@/lib/forecasting/warmup';
import { ForecastingService } from '@/lib/forecasting/service';
import { jobQueuePrefix, useJobQueueForTests } from '@/lib/http/job-queue-access';
import { adminRateLimiter } from '@/lib/http/rate-limit';
import { retrainAllRunner } from '@/lib/http/retrain-all-job';
import { warmUpRunner } from '@/lib/http/warm-up-job';
import { JobQueue, type JobHandler } from '@/lib/jobs';
import { within } from '../helpers/deadline';
import { waitFor } from '../helpers/redis-server';
import { apiRequest, jsonOf, NO_CONTEXT, REDIS_PASSWORD, startApiTestEnv, type ApiTestEnv } from '../api/setup';

/** Sold for a few days only: its model cannot be trained until more history arrives. */
const NEW_PRODUCT = 'Bombom lançamento';

let env: ApiTestEnv;
let otherService: ForecastingService;
const queues: JobQueue[] = [];
/** Jobs run, by worker and by "kind:product". */
const runs = { a: 0, b: 0, byJob: new Map<string, number>() };
/** The first job of each worker waits (bounded) until the other worker has started one: both take part, always. */
const started = { a: false, b: false };

function counting(worker: 'a' | 'b', handler: JobHandler): JobHandler {
  return async (data) => {
    const other = worker === 'a' ? 'b' : 'a';
    started[worker] = true;
    await waitFor(() => started[other], 20_000, 10, `worker ${other} to start a job`).catch(() => undefined);
    const result = await handler(data);
    runs[worker] += 1;
    const key = `${data.kind}:${data.product}`;
    runs.byJob.set(key, (runs.byJob.get(key) ?? 0) + 1);
    return result;
  };
}

beforeAll(async () => {
  env = await startApiTestEnv();
  // A second instance: its own cache system and forecasting service over the same database and Redis.
  otherService = new ForecastingService(env.forecasting.store, { cache: env.other, fit: fitModel });
  const options = {
    redis: { host: '127.0.0.1', port: env.redis.port, password: REDIS_PASSWORD },
    prefix: jobQueuePrefix(env.prefix),
    concurrency: 1,
    attempts: 2,
    backoffMs: 10,
  };
  const a = new JobQueue({
    ...options,
    instanceId: 'instance-a',
    handler: counting(
      'a',
      forecastingJobHandler(async () => env.forecasting),
    ),
  });
  const b = new JobQueue({
    ...options,
    instanceId: 'instance-b',
    handler: counting(
      'b',
      forecastingJobHandler(async () => otherService),
    ),
  });
  queues.push(b);
  // Instance A is the one the routes use; B only runs its worker.
  await useJobQueueForTests(a);
  const today = new Date('2026-10-31T00:00:00Z');
  await env.forecasting.forecaster.sales.upsertSales(
    Array.from({ length: 5 }, (_, i) => ({ product: NEW_PRODUCT, date: isoDay(today, i - 4), quantity: 3 + i })),
  );
}, 60_000);

afterAll(async () => {
  await warmUpRunner().idle();
  await retrainAllRunner().idle();
  await Promise.all(queues.map((q) => q.close()));
  await otherService?.close();
  await env?.close();
});

beforeEach(() => adminRateLimiter().reset());

function isoDay(from: Date, offsetDays: number): string {
  return new Date(from.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

async function products(): Promise<string[]> {
  return (await env.forecasting.listProducts()).map((p) => p.name);
}

/** Polls a batch's status until it is over; every `done` seen must be ≥ the one before and ≤ total. */
async function followToEnd(read: () => Promise<WarmUpJob | null>): Promise<{ job: WarmUpJob; seen: number[] }> {
  const seen: number[] = [];
  await waitFor(
    async () => {
      const job = await read();
      if (job === null) return false;
      seen.push(job.done);
      expect(job.done).toBeLessThanOrEqual(job.total);
      return job.state !== 'running';
    },
    180_000,
    25,
    'the batch to finish',
  );
  return { job: (await read())!, seen };
}

const warmUpStatus = async () => (await jsonOf<WarmUpStatus>(await getWarmUp(apiRequest('/api/ai/cache/warm-up'), NO_CONTEXT))).job;
const retrainAllStatus = async () => (await jsonOf<RetrainAllStatus>(await getRetrainAll(apiRequest('/api/ai/jobs/retrain-all'), NO_CONTEXT))).job;

describe('batches of jobs over two workers', () => {
  it('a warm-up spreads over both workers: every product once, progress growing to done == total, both executors named', async () => {
    const names = await products();
    const trainable = names.filter((name) => name !== NEW_PRODUCT);
    const accepted = await postWarmUp(apiRequest('/api/ai/cache/warm-up', { method: 'POST' }), NO_CONTEXT);
    expect(accepted.status).toBe(202);
    const id = (await jsonOf<WarmUpAccepted>(accepted)).job.id;

    const { job, seen } = await followToEnd(warmUpStatus);
    // Progress never goes back.
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    // A train job per product (none has a model yet), a warm-product job per product, the product list.
    const total = 2 * names.length + 1;
    expect(job).toMatchObject({ id, state: 'done', total, done: total, failed: 1, eta_s: null });
    // The product with too little history fails its training, once; its warm-product job is skipped.
    expect(job.errors).toEqual([{ task: `train:${NEW_PRODUCT}`, message: expect.stringContaining('days of sales') }]);
    expect(job.rate).toBeGreaterThan(0);
    // Both instances' workers did part of it, and every job that ran is counted once.
    expect(job.executors.map((e) => e.instance).sort()).toEqual(['instance-a', 'instance-b']);
    expect(job.executors.reduce((sum, e) => sum + e.tasks, 0)).toBe(2 * trainable.length);
    expect(runs.a).toBeGreaterThan(0);
    expect(runs.b).toBeGreaterThan(0);
    for (const name of trainable) {
      expect(runs.byJob.get(`train:${name}`), name).toBe(1);
      expect(runs.byJob.get(`warm-product:${name}`), name).toBe(1);
    }
    expect(runs.byJob.has(`warm-product:${NEW_PRODUCT}`)).toBe(false);
    // Train-once: every product has exactly one model version, whichever instance loaded it.
    for (const name of trainable) expect(await env.forecasting.store.models.storedVersions(name), name).toEqual([1]);
    // What the jobs loaded is in the shared cache: this instance reads every model and forecast as a hit.
    for (const name of trainable) {
      expect((await env.forecasting.loadModelDetailed(name)).cached, name).toBe(true);
      for (const days of WARMUP_HORIZONS) expect((await env.forecasting.predictDemandDetailed(name, days)).cached, `${name} ${days}`).toBe(true);
    }
  });

  it('the failed job is listed with its error, and re-runs once the product has enough history', async () => {
    const listed = await jsonOf<JobsResponse>(await listJobs(apiRequest('/api/ai/jobs'), NO_CONTEXT));
    expect(listed.failed).toHaveLength(1);
    const [failed] = listed.failed;
    expect(failed).toMatchObject({ kind: 'train', product: NEW_PRODUCT, attempts: 2 });
    expect(failed.error).toContain('days of sales');

    const today = new Date('2026-10-31T00:00:00Z');
    await env.forecasting.forecaster.sales.upsertSales(
      Array.from({ length: 90 }, (_, i) => ({ product: NEW_PRODUCT, date: isoDay(today, i - 89), quantity: 3 + (i % 7) })),
    );
    const retried = await retryOne(apiRequest(`/api/ai/jobs/${failed.id}/retry`, { method: 'POST' }), { params: Promise.resolve({ id: failed.id }) });
    expect(retried.status).toBe(200);
    expect(await jsonOf<JobsRetryResponse>(retried)).toMatchObject({ retried: 1 });
    await within(
      AbortSignal.timeout(60_000),
      waitFor(async () => runs.byJob.get(`train:${NEW_PRODUCT}`) === 1, 60_000, 25, 'the re-run'),
      'the re-run',
    );
    await waitFor(
      async () => (await jsonOf<JobsResponse>(await listJobs(apiRequest('/api/ai/jobs'), NO_CONTEXT))).failed.length === 0,
      10_000,
      25,
      'an empty failed list',
    );
    expect(await env.forecasting.store.models.storedVersions(NEW_PRODUCT)).toEqual([1]);
  });

  it('"retrain all" makes one new version per product, with its progress like the warm-up’s', async () => {
    const names = await products();
    const before = new Map<string, number | null>();
    for (const name of names) before.set(name, await env.forecasting.store.models.latestVersion(name));

    const accepted = await postRetrainAll(apiRequest('/api/ai/jobs/retrain-all', { method: 'POST' }), NO_CONTEXT);
    expect(accepted.status).toBe(202);
    const body = await jsonOf<RetrainAllAccepted>(accepted);
    expect(body.batch_id).toBe(body.job.id);
    expect(body.job.state).toBe('running');
    const again = await postRetrainAll(apiRequest('/api/ai/jobs/retrain-all', { method: 'POST' }), NO_CONTEXT);
    expect(again.status).toBe(409);
    expect(((await jsonOf<ApiError>(again)).error.details as { job: { id: string } }).job.id).toBe(body.batch_id);

    const { job, seen } = await followToEnd(retrainAllStatus);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(job).toMatchObject({ id: body.batch_id, state: 'done', total: names.length, done: names.length, failed: 0, errors: [] });
    expect(job.executors.reduce((sum, e) => sum + e.tasks, 0)).toBe(names.length);
    for (const name of names) {
      expect(await env.forecasting.store.models.latestVersion(name), name).toBe((before.get(name) ?? 0) + 1);
      expect(runs.byJob.get(`retrain:${name}`), name).toBe(1);
    }
  });

  it('with Redis down, the warm-up runs its jobs in-process with the same results', async () => {
    const names = await products();
    await env.redis.stop();
    try {
      const accepted = await postWarmUp(apiRequest('/api/ai/cache/warm-up', { method: 'POST' }), NO_CONTEXT);
      expect(accepted.status).toBe(202);
      const job = await within(AbortSignal.timeout(120_000), warmUpRunner().idle(), 'the warm-up without Redis');
      // Every product has a model now: no train jobs; a warm-product job per product, then the list.
      expect(job).toMatchObject({ state: 'done', total: names.length + 1, done: names.length + 1, failed: 0, errors: [] });
      // Run here (instance A's process), not on B's worker, which cannot reach the queue either.
      expect(job!.executors).toEqual([{ executor: 'instance-a', tasks: names.length }]);
      for (const name of names) expect((await env.forecasting.predictDemandDetailed(name, 7)).cached, name).toBe(true);
    } finally {
      await env.restartRedis();
    }
  });

  it('refuses "retrain all" from another site without queueing anything', async () => {
    const refused = await postRetrainAll(
      apiRequest('/api/ai/jobs/retrain-all', { method: 'POST', headers: { origin: 'http://evil.example' } }),
      NO_CONTEXT,
    );
    expect(refused.status).toBe(403);
    const unknownField = await postRetrainAll(apiRequest('/api/ai/jobs/retrain-all', { json: { products: ['*'] } }), NO_CONTEXT);
    expect(unknownField.status).toBe(400);
  });
});
