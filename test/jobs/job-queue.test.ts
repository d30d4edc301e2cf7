/**
 * The job queue on a real, private redis-server: a job runs once across two workers, a failing job is retried
 * then reported with its error and can be re-run, a worker that dies mid-job loses the job to another worker, and
 * with Redis down jobs run in-process with the same results.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue, type JobData, type JobHandler, type JobQueueOptions } from '@/lib/jobs';
import { freePort } from '../helpers/free-port';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server';
import { within } from '../helpers/deadline';

let redis: RedisServerHandle;
const open: JobQueue[] = [];
let prefixCounter = 0;

beforeAll(async () => {
  redis = await startRedisServer();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((q) => q.close()));
});
afterAll(async () => {
  await redis?.stop();
});

/** A queue on the test server; each test gets its own prefix so no test sees another's jobs. */
function queue(handler: JobHandler, overrides: Partial<JobQueueOptions> = {}, prefix = `test${prefixCounter}`): JobQueue {
  const q = new JobQueue({
    redis: { host: '127.0.0.1', port: redis.port },
    prefix,
    handler,
    concurrency: 2,
    attempts: 3,
    backoffMs: 10,
    ...overrides,
  });
  open.push(q);
  return q;
}

function nextPrefix(): string {
  prefixCounter++;
  return `test${prefixCounter}`;
}

const trainResult = (data: JobData) => ({ product: data.product, kind: data.kind, version: data.product.length });

describe('JobQueue', () => {
  it('runs every job exactly once across two workers, on the queue', async () => {
    const prefix = nextPrefix();
    const runs = new Map<string, number>();
    const byWorker = [0, 0];
    const handlerFor =
      (worker: number): JobHandler =>
      async (data) => {
        runs.set(data.product, (runs.get(data.product) ?? 0) + 1);
        byWorker[worker]++;
        // Yield so both workers get a share.
        await new Promise((resolve) => setImmediate(resolve));
        return trainResult(data);
      };
    const a = queue(handlerFor(0), { instanceId: 'a' }, prefix);
    queue(handlerFor(1), { instanceId: 'b' }, prefix);
    const products = Array.from({ length: 40 }, (_, i) => `product-${i}`);
    const outcomes = await within(
      AbortSignal.timeout(30_000),
      Promise.all(products.map((product) => a.run({ kind: 'train', product }))),
      'forty jobs',
    );
    expect(outcomes.map((o) => o.executor)).toEqual(products.map(() => 'queue'));
    // Each outcome names the worker that ran it.
    expect(outcomes.filter((o) => o.instance === 'a')).toHaveLength(byWorker[0]);
    expect(outcomes.filter((o) => o.instance === 'b')).toHaveLength(byWorker[1]);
    expect(outcomes.map((o) => o.result)).toEqual(products.map((product) => trainResult({ kind: 'train', product })));
    expect([...runs.values()]).toEqual(products.map(() => 1));
    expect(runs.size).toBe(products.length);
    expect(byWorker[0] + byWorker[1]).toBe(products.length);
    expect(await a.counts()).toMatchObject({ waiting: 0, active: 0, failed: 0, completed: products.length });
  });

  it('retries a failing job, then reports it failed with its error, and re-runs it on request', async () => {
    const prefix = nextPrefix();
    let attempts = 0;
    let broken = true;
    const q = queue(
      async (data) => {
        attempts++;
        if (broken) throw new Error(`fit failed for ${data.product}`);
        return trainResult(data);
      },
      { attempts: 3 },
      prefix,
    );

    await expect(within(AbortSignal.timeout(30_000), q.run({ kind: 'retrain', product: 'Pão' }), 'failing job')).rejects.toThrow(
      'fit failed for Pão',
    );
    expect(attempts).toBe(3);
    const failed = await q.failed();
    expect(failed).toHaveLength(1);
    expect(failed![0]).toMatchObject({ kind: 'retrain', product: 'Pão', error: 'fit failed for Pão', attempts: 3 });
    expect((await q.counts())!.failed).toBe(1);

    expect(await q.retry('no-such-job')).toBe('unknown');
    broken = false;
    expect(await q.retry(failed![0].id)).toBe('retried');
    await within(
      AbortSignal.timeout(30_000),
      waitFor(async () => (await q.counts())!.completed === 1),
      'the re-run',
    );
    expect(await q.failed()).toEqual([]);
    expect(attempts).toBe(4);
  });

  it('re-runs every failed job at once', async () => {
    const prefix = nextPrefix();
    let broken = true;
    const q = queue(
      async (data) => {
        if (broken) throw new Error('boom');
        return trainResult(data);
      },
      { attempts: 1 },
      prefix,
    );
    await Promise.allSettled(['a', 'b', 'c'].map((product) => q.run({ kind: 'train', product })));
    expect((await q.failed())!.map((j) => j.product).sort()).toEqual(['a', 'b', 'c']);
    broken = false;
    expect(await q.retryAllFailed()).toBe(3);
    await within(
      AbortSignal.timeout(30_000),
      waitFor(async () => (await q.counts())!.completed === 3),
      'the re-runs',
    );
    expect(await q.failed()).toEqual([]);
  });

  it('gives the job of a worker that died mid-job to another worker', async () => {
    const prefix = nextPrefix();
    const fast = { lockDurationMs: 1_000, stalledIntervalMs: 300 };
    let startedOnA!: () => void;
    const started = new Promise<void>((resolve) => (startedOnA = resolve));
    // Worker A takes the job and never finishes it.
    const a = queue(
      () => {
        startedOnA();
        return new Promise(() => {});
      },
      fast,
      prefix,
    );
    const pending = a.run({ kind: 'warm-product', product: 'Leite' });
    await within(AbortSignal.timeout(10_000), started, 'worker A taking the job');
    await a.closeWorker(true);
    // Worker B starts after A died: it can only get the job from the stalled-job check.
    const onB: string[] = [];
    queue(
      async (data) => {
        onB.push(data.product);
        return trainResult(data);
      },
      { ...fast, instanceId: 'instance-b' },
      prefix,
    );
    const outcome = await within(AbortSignal.timeout(30_000), pending, 'the job, picked up again');
    expect(outcome).toEqual({ executor: 'queue', instance: 'instance-b', result: trainResult({ kind: 'warm-product', product: 'Leite' }) });
    expect(onB).toEqual(['Leite']);
  });

  it('runs jobs in-process with the same results while Redis is unreachable', async () => {
    const handler: JobHandler = async (data) => trainResult(data);
    const down = await freePort();
    const q = new JobQueue({
      redis: { host: '127.0.0.1', port: down },
      prefix: nextPrefix(),
      handler,
      concurrency: 1,
      attempts: 3,
      backoffMs: 10,
      redisTimeoutMs: 300,
      instanceId: 'here',
    });
    open.push(q);
    const products = ['Café', 'Açúcar', 'Pão francês'];
    const outcomes = await within(
      AbortSignal.timeout(10_000),
      Promise.all(products.map((product) => q.run({ kind: 'train', product }))),
      'jobs without Redis',
    );
    expect(outcomes).toEqual(
      products.map((product) => ({ executor: 'in-process', instance: 'here', result: trainResult({ kind: 'train', product }) })),
    );
    expect(await q.counts()).toBeNull();
    expect(await q.failed()).toBeNull();
    expect(await q.retry('1')).toBe('unknown');
    expect(await q.retryAllFailed()).toBe(0);

    // The same jobs through a queue on a live Redis give the same results.
    const live = queue(handler, {}, nextPrefix());
    const queued = await Promise.all(products.map((product) => live.run({ kind: 'train', product })));
    expect(queued.map((o) => o.result)).toEqual(outcomes.map((o) => o.result));
  });

  it('keeps its keys under the prefix it is given', async () => {
    const prefix = `${nextPrefix()}:_meta:{jobs}`;
    const q = queue(async (data) => trainResult(data), {}, prefix);
    await q.run({ kind: 'train', product: 'x' });
    const keys = (await redis.cli('--scan', '--pattern', '*')).split('\n').filter((k) => k.includes(`test${prefixCounter}`));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.startsWith(prefix + ':')).toBe(true);
  });
});

/** Polls `check` until it holds (the caller bounds it with a deadline). */
async function waitFor(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}
