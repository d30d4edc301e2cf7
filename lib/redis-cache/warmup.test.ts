import { describe, expect, it } from 'vitest';
import { WarmUpRunner, type WarmUpTask } from './warmup';

/** A task that finishes when the test says so. */
function gate(name: string) {
  let release!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    release = resolve;
    fail = reject;
  });
  let started = false;
  const task: WarmUpTask = {
    name,
    run: () => {
      started = true;
      return done;
    },
  };
  return { task, release, fail, started: () => started };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('WarmUpRunner', () => {
  it('counts failures and the tasks each executor finished, as the task values name them', async () => {
    const runner = new WarmUpRunner();
    const tasks: WarmUpTask[] = [
      { name: 'a', run: async () => ({ by: 'x' }) },
      { name: 'b', run: async () => ({ by: 'y' }) },
      { name: 'c', run: async () => ({ by: 'x' }) },
      { name: 'd', run: async () => Promise.reject(new Error('no history')) },
      { name: 'e', run: async () => null },
    ];
    runner.start({
      trigger: 'manual',
      plan: () => [tasks],
      concurrency: 1,
      executorOf: (value) => (value && typeof value === 'object' && 'by' in value ? String(value.by) : null),
    });
    const job = await runner.idle();
    expect(job).toMatchObject({ state: 'done', done: 5, total: 5, failed: 1, errors: [{ task: 'd', message: 'no history' }] });
    expect(job!.executors).toEqual([
      { executor: 'x', tasks: 2 },
      { executor: 'y', tasks: 1 },
    ]);
  });

  it('returns at once, reports progress, and refuses a second start while running', async () => {
    const runner = new WarmUpRunner();
    const a = gate('a');
    const b = gate('b');
    const c = gate('c');
    const first = runner.start({ trigger: 'manual', plan: async () => [[a.task, b.task], [c.task]], concurrency: 2 });
    expect(first.started).toBe(true);
    expect(first.job).toMatchObject({ state: 'running', trigger: 'manual', done: 0, finishedAt: null });

    await until(() => a.started() && b.started());
    expect(c.started()).toBe(false); // groups run in order
    expect(runner.snapshot()).toMatchObject({ total: 3, done: 0 });

    const second = runner.start({ trigger: 'manual', plan: () => [] });
    expect(second.started).toBe(false);
    expect(second.job.id).toBe(first.job.id);

    a.release();
    await until(() => runner.snapshot()!.done === 1);
    b.fail(new Error('model training failed'));
    await until(() => c.started());
    c.release();
    const finished = await runner.idle();
    expect(finished).toMatchObject({ state: 'done', done: 3, total: 3, errors: [{ task: 'b', message: 'model training failed' }] });
    expect(finished!.finishedAt).toBeInstanceOf(Date);

    const third = runner.start({ trigger: 'startup', plan: () => [] });
    expect(third.started).toBe(true);
    expect(third.job.id).not.toBe(first.job.id);
    expect(await runner.idle()).toMatchObject({ state: 'done', total: 0, trigger: 'startup' });
  });

  it('does not build the plan before start returns (the plan may do slow synchronous work)', async () => {
    const runner = new WarmUpRunner();
    let planned = false;
    runner.start({
      trigger: 'startup',
      plan: () => {
        planned = true;
        return [];
      },
    });
    expect(planned).toBe(false);
    await runner.idle();
    expect(planned).toBe(true);
  });

  it('never runs more than `concurrency` tasks at once', async () => {
    const runner = new WarmUpRunner();
    let active = 0;
    let peak = 0;
    const tasks = Array.from({ length: 10 }, (_, i) => ({
      name: `t${i}`,
      run: async () => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setImmediate(resolve));
        active -= 1;
      },
    }));
    runner.start({ trigger: 'manual', plan: () => [tasks], concurrency: 3 });
    expect(await runner.idle()).toMatchObject({ state: 'done', done: 10 });
    expect(peak).toBe(3);
  });

  it('fails the job when the plan fails or every task fails', async () => {
    const runner = new WarmUpRunner();
    runner.start({ trigger: 'manual', plan: () => Promise.reject(new Error('database unavailable')) });
    expect(await runner.idle()).toMatchObject({ state: 'failed', errors: [{ task: 'plan', message: 'database unavailable' }] });

    runner.start({ trigger: 'manual', plan: () => [[{ name: 'x', run: () => Promise.reject(new Error('boom')) }]] });
    expect(await runner.idle()).toMatchObject({ state: 'failed', done: 1, total: 1 });
  });

  it('counts a hung task as failed after the timeout, so the job ends', async () => {
    const runner = new WarmUpRunner();
    runner.start({ trigger: 'manual', plan: () => [[{ name: 'hung', run: () => new Promise(() => undefined) }]], taskTimeoutMs: 50 });
    const job = await runner.idle();
    expect(job).toMatchObject({ state: 'failed', done: 1 });
    expect(job!.errors[0].message).toMatch(/longer than 50 ms/);
  });

  it('reports each task and the job to listeners, and survives a throwing listener', async () => {
    const seen: string[] = [];
    const runner = new WarmUpRunner({
      onTaskFinished: (task, error) => {
        seen.push(`${task}:${error ? 'error' : 'ok'}`);
        throw new Error('listener bug');
      },
      onJobFinished: (job) => seen.push(`job:${job.state}`),
    });
    runner.start({ trigger: 'manual', plan: () => [[{ name: 'a', run: async () => 1 }]] });
    await runner.idle();
    expect(seen).toEqual(['a:ok', 'job:done']);
  });

  it('hands out copies: a caller cannot change the runner state', async () => {
    const runner = new WarmUpRunner();
    runner.start({
      trigger: 'manual',
      plan: () => [
        [
          { name: 'a', run: () => Promise.reject(new Error('e')) },
          { name: 'b', run: async () => 1 },
        ],
      ],
    });
    const job = (await runner.idle())!;
    job.errors.push({ task: 'forged', message: '' });
    job.done = 99;
    expect(runner.snapshot()).toMatchObject({ done: 2, errors: [{ task: 'a' }] });
  });
});
