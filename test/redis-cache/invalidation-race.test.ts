/**
 * A clear that runs while a lookup is in flight: the lookup may answer the value it found (it was asked before the
 * clear), but must not keep it afterwards — neither an L1 copy of a Redis reply that was on its way, nor a value
 * computed from data read before the clear. Otherwise the cleared value is served again for up to the L1 TTL
 * (seen under load: a product list listing the model version of before a retrain, on the instance that retrained).
 */
import { describe, expect, test } from 'vitest';
import { cached, cachedPrediction } from '@/lib/redis-cache';
import { waitFor } from '@/test/helpers/redis-server';
import { usePrivateRedis } from './setup';

const fixture = usePrivateRedis();

describe('a clear during a lookup', () => {
  test('a Redis reply that arrives while a clear runs is not kept in L1', async () => {
    const writer = fixture.system();
    const reader = fixture.system({ prefix: writer.options.prefix });
    await Promise.all([writer.connect(), reader.connect()]);
    let version = 1;
    const list = cached(async () => ({ version }), { ttl: 600, system: reader, key: () => 'race:list' });
    // Redis holds version 1; the reader has no copy yet.
    await writer.cache.set(writer.keys.other('race:list'), { version: 1 }, 600);

    const inFlight = list(); // its GET leaves before the clear's commands, on the same connection
    version = 2;
    await reader.clear('other');
    expect(await inFlight).toEqual({ version: 1 }); // asked before the clear: the old value is a fair answer

    expect(await list()).toEqual({ version: 2 });
    expect(await list.detailed()).toMatchObject({ value: { version: 2 } });
  });

  test('a value computed while a clear runs is not stored', async () => {
    const s = fixture.system();
    await s.connect();
    let version = 1;
    let started = false;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const list = cached(
      async () => {
        const read = version; // the data, read before the clear
        started = true;
        await held;
        return { version: read };
      },
      { ttl: 600, system: s, key: () => 'race:computed' },
    );

    const inFlight = list();
    await waitFor(() => started, 5000, 5, 'the computation to start');
    version = 2;
    await s.clear('other');
    release();
    expect(await inFlight).toEqual({ version: 1 });

    expect(await list()).toEqual({ version: 2 });
  });

  test('a clear of the product list or of another product does not keep a forecast computed meanwhile out of the cache', async () => {
    const s = fixture.system();
    await s.connect();
    let started = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const predict = cachedPrediction(
      async (product: string, days: number) => {
        started++;
        await held;
        return { product, days };
      },
      { system: s },
    );
    // What every first training of a catalogue warm-up does while other forecasts are computed.
    const bolo = predict('Bolo', 7);
    const pao = predict('Pão de Açúcar', 7);
    await waitFor(() => started === 2, 5000, 5, 'both computations to start');
    await s.clear('products');
    await s.clear({ product: 'Pão de Açúcar' });
    release();
    await Promise.all([bolo, pao]);
    const keys = async () => (await fixture.redis().cli('--scan', '--pattern', `${s.options.prefix}:prediction:*`)).split('\n').filter(Boolean);
    // Bolo's forecast is kept; the one of the product cleared while it was computed is answered, not stored.
    await waitFor(async () => (await keys()).length > 0, 5000, 10, "Bolo's forecast in Redis");
    expect(await keys()).toEqual([s.keys.prediction('Bolo', 7)]);
    expect(await predict.detailed('Bolo', 7)).toMatchObject({ cached: true });
  });

  test('an invalidation from another instance during a lookup keeps its reply out of L1 too', async () => {
    const a = fixture.system();
    const b = fixture.system({ prefix: a.options.prefix });
    await Promise.all([a.connect(), b.connect()]);
    let version = 1;
    let started = false;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const onB = cached(
      async () => {
        const read = version;
        started = true;
        await held;
        return { version: read };
      },
      { ttl: 600, system: b, key: () => 'race:remote' },
    );
    const inFlight = onB();
    await waitFor(() => started, 5000, 5, 'the computation on b to start');
    version = 2;
    const seen = new Promise<void>((resolve) => {
      const stop = b.events.on('invalidate', (e) => {
        if (e.remote) {
          stop();
          resolve();
        }
      });
    });
    await a.clear('other');
    await seen; // b heard of a's clear while computing
    release();
    expect(await inFlight).toEqual({ version: 1 });
    expect(await onB()).toEqual({ version: 2 });
  });
});

describe('the replay of clears made during an outage', () => {
  test('a value the replay is about to remove from Redis is neither served nor kept while it runs', async () => {
    const s = fixture.system();
    await s.connect();
    let version = 1;
    const list = cached(async () => ({ version }), { ttl: 600, system: s, key: () => 'replay:list' });
    expect(await list()).toEqual({ version: 1 });
    await waitFor(async () => (await fixture.redis().cli('EXISTS', s.keys.other('replay:list'))) === '1', 5000, 10, 'the value in Redis');

    await fixture.redis().pause(1500); // hung: the clear below can't reach Redis and is remembered
    await waitFor(async () => (await s.healthCheck()).backend === 'memory', 5000, 20, 'the fallback');
    version = 2;
    await s.clear('other');
    expect(await list()).toEqual({ version: 2 }); // from memory during the outage

    // The first read once Redis is back lands while the replay runs (the backend event follows its start).
    const duringReplay = new Promise<{ version: number }>((resolve) => {
      const stop = s.events.on('backend', (e) => {
        if (e.backend !== 'redis') return;
        stop();
        resolve(list());
      });
    });
    expect(await duringReplay).toEqual({ version: 2 });
    expect(await list()).toEqual({ version: 2 });
  });
});
