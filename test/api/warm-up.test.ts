import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, WarmUpAccepted, WarmUpJob, WarmUpStatus } from '@/lib/api-types';
import { GET as getMetrics } from '@/app/api/metrics/route';
import { GET as getStatus, POST as warmUp } from '@/app/api/ai/cache/warm-up/route';
import { DEMO_PRODUCTS } from '@/lib/forecasting/demo-data';
import { WARMUP_HORIZONS } from '@/lib/forecasting/warmup';
import { jobQueue } from '@/lib/http/job-queue-access';
import { warmUpRunner } from '@/lib/http/warm-up-job';
import { register } from '@/instrumentation';
import { within } from '../helpers/deadline';
import { parsePrometheusText } from '../helpers/prometheus-text';
import { waitFor } from '../helpers/redis-server';
import { apiRequest, jsonOf, NO_CONTEXT, startApiTestEnv, type ApiTestEnv } from './setup';

/** `POST/GET /api/ai/cache/warm-up` with the real forecasting service (Prophet fits) on real Redis. */
describe('cache warm-up', () => {
  let env: ApiTestEnv;
  // A fresh catalogue: a train job per product, a warm-product job per product (its model, then its forecasts),
  // then the product list. Once every product has a model, no train jobs.
  const FRESH_TASKS = 2 * DEMO_PRODUCTS.length + 1;
  const TASKS = DEMO_PRODUCTS.length + 1;

  beforeAll(async () => {
    env = await startApiTestEnv();
  });
  afterAll(async () => {
    await warmUpRunner().idle();
    await env?.close();
  });

  const status = async () => (await jsonOf<WarmUpStatus>(await getStatus(apiRequest('/api/ai/cache/warm-up'), NO_CONTEXT))).job;
  /** `ai_cache_warmup_tasks_total` by result, as GET /api/metrics reports it (a series not yet incremented is 0). */
  async function taskCounts(): Promise<{ ok: number; error: number }> {
    const families = parsePrometheusText(await (await getMetrics(apiRequest('/api/metrics'), NO_CONTEXT)).text());
    const samples = families.get('ai_cache_warmup_tasks_total')?.samples ?? [];
    const value = (result: string) => samples.find((s) => s.labels.result === result)?.value ?? 0;
    return { ok: value('ok'), error: value('error') };
  }

  it('refuses a cross-site, badly typed or oversized POST without starting anything', async () => {
    const crossSite = await warmUp(apiRequest('/api/ai/cache/warm-up', { method: 'POST', headers: { origin: 'http://evil.example' } }), NO_CONTEXT);
    expect(crossSite.status).toBe(403);
    const wrongType = await warmUp(apiRequest('/api/ai/cache/warm-up', { body: 'go', headers: { 'content-type': 'text/plain' } }), NO_CONTEXT);
    expect(wrongType.status).toBe(415);
    const unknownField = await warmUp(apiRequest('/api/ai/cache/warm-up', { json: { products: ['*'] } }), NO_CONTEXT);
    expect(unknownField.status).toBe(400);

    // Bodies over CACHE_ADMIN_MAX_BODY_BYTES answer 413; one byte less reaches the schema check (400).
    const bodyOf = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes - '{"pad":""}'.length) });
    const post = (body: string) => warmUp(apiRequest('/api/ai/cache/warm-up', { body, headers: { 'content-type': 'application/json' } }), NO_CONTEXT);
    for (const [limit, setting] of [
      [4096, undefined],
      [64, '64'],
    ] as const) {
      if (setting) process.env.CACHE_ADMIN_MAX_BODY_BYTES = setting;
      try {
        const tooLarge = await post(bodyOf(limit + 1));
        expect(tooLarge.status, `limit ${limit}`).toBe(413);
        expect(await jsonOf(tooLarge)).toMatchObject({ error: { code: 'payload_too_large' } });
        expect((await post(bodyOf(limit))).status, `limit ${limit}`).toBe(400);
      } finally {
        delete process.env.CACHE_ADMIN_MAX_BODY_BYTES;
      }
    }
    expect(await status()).toBeNull();
  });

  it('answers 202 at once, 409 with the running job to a second POST, reports progress, and warms every product', async () => {
    const tasksBefore = await taskCounts();
    const accepted = await warmUp(apiRequest('/api/ai/cache/warm-up', { method: 'POST' }), NO_CONTEXT);
    expect(accepted.status).toBe(202);
    const body = await jsonOf<WarmUpAccepted>(accepted);
    expect(body).toMatchObject({ message: expect.any(String), timestamp: expect.any(String), job: { state: 'running', trigger: 'manual', done: 0 } });
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);

    const second = await warmUp(apiRequest('/api/ai/cache/warm-up', { json: {} }), NO_CONTEXT);
    expect(second.status).toBe(409);
    const conflict = await jsonOf<ApiError>(second);
    expect(conflict.error.code).toBe('conflict');
    expect((conflict.error.details as { job: WarmUpJob }).job).toMatchObject({ id: body.job.id, state: 'running' });

    // Progress is visible while it runs: the plan is known, and done grows towards total.
    await waitFor(async () => ((await status())?.total ?? 0) === FRESH_TASKS, 30_000, 20, 'the plan');
    const seen = new Set<number>();
    await waitFor(
      async () => {
        const job = (await status())!;
        seen.add(job.done);
        expect(job.done).toBeLessThanOrEqual(job.total);
        return job.state !== 'running';
      },
      120_000,
      20,
      'the warm-up to finish',
    );
    const job = (await status())!;
    expect(job).toMatchObject({ id: body.job.id, state: 'done', done: FRESH_TASKS, total: FRESH_TASKS, failed: 0, errors: [], eta_s: null });
    expect(job.finished_at).not.toBeNull();
    expect(job.rate).toBeGreaterThan(0);
    // Every product's job ran on this instance's worker (the only one here), through the queue.
    expect(job.executors).toEqual([{ instance: jobQueue().instanceId, tasks: 2 * DEMO_PRODUCTS.length }]);
    expect(seen.size).toBeGreaterThan(1);

    // What it loaded is what requests hit: every model and default horizon, and the product list.
    for (const product of DEMO_PRODUCTS.map((p) => p.name)) {
      expect((await env.forecasting.loadModelDetailed(product)).cached, product).toBe(true);
      for (const days of WARMUP_HORIZONS)
        expect((await env.forecasting.predictDemandDetailed(product, days)).cached, `${product} ${days}`).toBe(true);
    }
    const list = await env.forecasting.listProductsDetailed();
    expect(list.cached).toBe(true);
    expect(list.value.every((product) => product.modelVersion !== null)).toBe(true);

    expect(env.logs.some((entry) => entry.action === 'cache.warm-up' && entry.caller === '127.0.0.1')).toBe(true);
    const families = parsePrometheusText(await (await getMetrics(apiRequest('/api/metrics'), NO_CONTEXT)).text());
    const warmUps = families.get('ai_cache_warmups_total')!.samples;
    expect(warmUps.find((s) => s.labels.trigger === 'manual' && s.labels.result === 'done')?.value).toBe(1);
    // Every task of the plan was counted once, as a success.
    expect(await taskCounts()).toEqual({ ok: tasksBefore.ok + FRESH_TASKS, error: tasksBefore.error });

    // Finished: a new POST is accepted again.
    const again = await warmUp(apiRequest('/api/ai/cache/warm-up', { method: 'POST' }), NO_CONTEXT);
    expect(again.status).toBe(202);
    await warmUpRunner().idle();
  });

  it("runs one warm-up across instances: 409 with the other instance's job while it holds the lock, whose progress GET reports", async () => {
    // Another instance is warming up: it holds the shared lock and has published its job.
    const elsewhere: WarmUpJob = {
      id: 'other-instance-job',
      state: 'running',
      trigger: 'manual',
      started_at: new Date().toISOString(),
      finished_at: null,
      done: 3,
      total: 40,
      failed: 0,
      rate: 1.5,
      eta_s: 24.7,
      executors: [{ instance: 'other-host:1234', tasks: 3 }],
      errors: [],
    };
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = env.other.lock('cache-warm-up', 30_000, async () => {
      await env.cli('SET', `${env.prefix}:_meta:warm-up:job`, JSON.stringify(elsewhere), 'EX', '600');
      locked();
      await held;
    });
    await isLocked;
    try {
      const refused = await warmUp(apiRequest('/api/ai/cache/warm-up', { method: 'POST' }), NO_CONTEXT);
      expect(refused.status).toBe(409);
      expect(((await jsonOf<ApiError>(refused)).error.details as { job: WarmUpJob }).job).toEqual(elsewhere);
      expect(await status()).toEqual(elsewhere);
    } finally {
      release();
      await holder;
    }
    // Lock released: this instance may warm up again.
    const accepted = await warmUp(apiRequest('/api/ai/cache/warm-up', { method: 'POST' }), NO_CONTEXT);
    expect(accepted.status).toBe(202);
    const job = (await jsonOf<WarmUpAccepted>(accepted)).job;
    await warmUpRunner().idle();
    // …and its job is what every instance now reads from Redis.
    await waitFor(async () => JSON.parse(await env.cli('GET', `${env.prefix}:_meta:warm-up:job`)).state === 'done', 10_000, 20, 'the published job');
    expect(JSON.parse(await env.cli('GET', `${env.prefix}:_meta:warm-up:job`))).toMatchObject({ id: job.id, state: 'done', done: TASKS });
  });

  it('accepts and runs a warm-up while Redis hangs (CLIENT PAUSE), answering before the pause ends', async () => {
    const pauseMs = 4_000;
    // Armed before the pause starts and expiring 0.5 s before it can end: a call that waited for Redis fails.
    const beforePauseEnds = AbortSignal.timeout(pauseMs - 500);
    await env.cli('CLIENT', 'PAUSE', String(pauseMs), 'ALL');
    const accepted = await within(beforePauseEnds, warmUp(apiRequest('/api/ai/cache/warm-up', { method: 'POST' }), NO_CONTEXT), 'POST warm-up');
    const progress = await within(beforePauseEnds, getStatus(apiRequest('/api/ai/cache/warm-up'), NO_CONTEXT), 'GET warm-up');
    expect(accepted.status).toBe(202);
    expect(progress.status).toBe(200);
    expect(await warmUpRunner().idle()).toMatchObject({ state: 'done', done: TASKS });
    await env.cli('CLIENT', 'UNPAUSE');
  });

  it('starts one background warm-up at server start with CACHE_AUTO_WARMUP=true, without waiting for it', async () => {
    await env.close();
    env = await startApiTestEnv({ CACHE_AUTO_WARMUP: 'true' }); // runs the start hook, as instrumentation does
    await waitFor(async () => (await status())?.trigger === 'startup', 10_000, 10, 'the start-up warm-up');
    const job = await status();
    expect(job).toMatchObject({ trigger: 'startup', state: 'running' });

    // instrumentation's register() returns while the job still runs, and a second start does not start another.
    process.env.NEXT_RUNTIME = 'nodejs';
    try {
      await register();
    } finally {
      delete process.env.NEXT_RUNTIME;
    }
    expect(await status()).toMatchObject({ id: job!.id, state: 'running' });
    const finished = await warmUpRunner().idle();
    expect(finished).toMatchObject({ id: job!.id, state: 'done' });
  });
});
