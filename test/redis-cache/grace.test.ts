/** Grace copies (stale-while-revalidate) of predictions, against a real Redis. */
import { describe, expect, test } from 'vitest';
import { cachedPrediction, graceKey, type CacheSystem } from '@/lib/redis-cache';
import { readGrace, wrapGrace } from '@/lib/redis-cache/grace';
import { waitFor } from '@/test/helpers/redis-server';
import { usePrivateRedis } from './setup';

const fixture = usePrivateRedis();

/** A prediction source that can be made to fail, and its cached wrapper keyed by a settable model version. */
function source(system: CacheSystem) {
  const state = { failing: false, value: 1, version: 1, calls: 0 };
  const predict = cachedPrediction(
    async (product: string, days: number) => {
      state.calls++;
      if (state.failing) throw new Error('database unavailable');
      return { product, days, n: state.value };
    },
    { system, version: () => state.version },
  );
  return { state, predict };
}

function graceSystem(periodSeconds: number): CacheSystem {
  // Predictions live 1 s; retries every 20–50 ms and never give up within a test.
  return fixture.system({ ttl: { predictions: 1 }, l1: { ttl: 1 }, grace: { periodSeconds, baseDelayMs: 20, maxDelayMs: 50, maxAttempts: 10_000 } });
}

const exists = async (key: string) => (await fixture.redis().cli('EXISTS', key)) === '1';

/** Waits until the entry itself has expired in Redis, and drops this process' L1 copy. */
async function entryExpired(system: CacheSystem, key: string): Promise<void> {
  await waitFor(async () => !(await exists(key)), 10_000, 20, 'the entry to expire');
  system.clearLocal();
}

describe('grace copies', () => {
  test('a failed recomputation serves the last good value as stale, and the refresher replaces it once the source is back', async () => {
    const system = graceSystem(60);
    const { state, predict } = source(system);
    const staleEvents: { ageMs: number; reason: string }[] = [];
    system.events.on('stale', (e) => staleEvents.push({ ageMs: e.ageMs, reason: e.reason }));
    expect(await predict.detailed('Bolo', 7)).toMatchObject({ value: { n: 1 }, cached: false });
    const key = system.keys.prediction('Bolo', 7, undefined, 1);
    await waitFor(() => exists(graceKey(key)), 5_000, 20, 'the grace copy');
    await entryExpired(system, key);

    state.failing = true;
    const stale = await predict.detailed('Bolo', 7);
    expect(stale).toMatchObject({ value: { n: 1 }, cached: true, stale: {} });
    expect(stale.stale!.ageMs).toBeGreaterThanOrEqual(0);
    expect(staleEvents).toHaveLength(1);
    expect(staleEvents[0]!.reason).toBe('database unavailable');
    expect(system.grace.staleServed).toBe(1);
    expect(system.grace.refreshesPending).toBe(1);
    // Many stale answers, one refresh loop.
    await predict.detailed('Bolo', 7);
    expect(system.grace.refreshesPending).toBe(1);

    state.value = 2;
    state.failing = false;
    await waitFor(() => system.grace.refreshesPending === 0, 10_000, 20, 'the background refresh');
    const fresh = await predict.detailed('Bolo', 7);
    expect(fresh.stale).toBeUndefined();
    expect(fresh.value).toMatchObject({ n: 2 });
  });

  test('never across a retrain: a new model version has no grace copy, and a product clear removes the old ones', async () => {
    const system = graceSystem(60);
    const { state, predict } = source(system);
    await predict('Broa', 14);
    const key = system.keys.prediction('Broa', 14, undefined, 1);
    await waitFor(() => exists(graceKey(key)), 5_000, 20, 'the grace copy');
    await entryExpired(system, key);
    state.failing = true;

    state.version = 2;
    await expect(predict.detailed('Broa', 14)).rejects.toThrow('database unavailable');
    state.version = 1;
    expect((await predict.detailed('Broa', 14)).stale).toBeDefined(); // the copy of version 1 was there all along

    await system.clear({ product: 'Broa' }); // what every retrain does
    expect(await exists(graceKey(key))).toBe(false);
    await expect(predict.detailed('Broa', 14)).rejects.toThrow('database unavailable');
  });

  test('never past the grace period: once the copy ends, the failure reaches the caller', async () => {
    const system = graceSystem(1);
    const { state, predict } = source(system);
    await predict('Pão', 30);
    const key = system.keys.prediction('Pão', 30, undefined, 1);
    await waitFor(() => exists(graceKey(key)), 5_000, 20, 'the grace copy');
    await waitFor(async () => !(await exists(graceKey(key))), 10_000, 20, 'the grace copy to end');
    system.clearLocal();
    state.failing = true;
    await expect(predict.detailed('Pão', 30)).rejects.toThrow('database unavailable');
    expect(system.grace.staleServed).toBe(0);
  });

  test('grace off (period 0): no copy is written and a failure is the caller’s', async () => {
    const system = graceSystem(0);
    const { state, predict } = source(system);
    await predict('Sonho', 7);
    const key = system.keys.prediction('Sonho', 7, undefined, 1);
    await entryExpired(system, key);
    expect(await exists(graceKey(key))).toBe(false);
    state.failing = true;
    await expect(predict('Sonho', 7)).rejects.toThrow('database unavailable');
  });

  test('grace copies are not counted as cached keys', async () => {
    const system = graceSystem(60);
    const { predict } = source(system);
    await predict('Bolo', 7);
    await waitFor(() => exists(graceKey(system.keys.prediction('Bolo', 7, undefined, 1))), 5_000, 20, 'the grace copy');
    expect(system.keys.typeOf(graceKey(system.keys.prediction('Bolo', 7, undefined, 1)))).toBeNull();
  });

  test('stored form: the value, when it was stored, and nothing once its hard expiry has passed', () => {
    const raw = wrapGrace('{"n":1}', 1_000, 5_000);
    expect(readGrace(raw, 4_999)).toEqual({ text: '{"n":1}', storedAt: 1_000 });
    expect(readGrace(raw, 5_000)).toBeNull();
    expect(readGrace('{"n":1}', 0)).toBeNull(); // not a grace copy
  });
});
