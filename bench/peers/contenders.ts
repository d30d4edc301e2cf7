/**
 * The contenders of the peers benchmark, each configured the way its own documentation recommends for a
 * read-through cache of JSON values in front of Redis. Every contender is handed the same `compute(key)`
 * (the "expensive" function; each mix has its own) and exposes `get(key)`: read through the cache, compute and store
 * on a miss.
 */
import { Redis } from 'ioredis';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisDriver, redisBusDriver } from 'bentocache/drivers/redis';
import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { createKeyv as createKeyvRedis } from '@keyv/redis';
import { CacheableMemory } from 'cacheable';
import type { BenchForecast, SmallValue } from '../lib/workload';

/** What `compute` returns: the read-heavy mix's 30-day forecast, or the miss-heavy mix's small object. */
export type BenchValue = BenchForecast | SmallValue;
export type Compute = (key: string) => Promise<BenchValue>;

export interface Contender {
  id: string;
  label: string;
  /** How it is configured, for BENCHMARKS.md. */
  config: string;
  get(key: string): Promise<BenchValue>;
  close(): Promise<void>;
}

export interface ContenderOptions {
  port: number;
  compute: Compute;
  /** TTL of every entry, seconds (long enough that nothing expires during the run). */
  ttlSeconds: number;
  /** In-process tier bound, entries (the same for every contender that has one). */
  l1MaxEntries: number;
  /** In-process tier bound, bytes (where the library bounds by size). */
  l1MaxBytes: number;
}

export type ContenderFactory = (o: ContenderOptions) => Promise<Contender>;

/** The floor: hand-written cache-aside with raw ioredis — GET + JSON.parse, and GET + compute + SET EX on a miss. */
export const rawIoredis: ContenderFactory = async (o) => {
  const redis = new Redis({ port: o.port, host: '127.0.0.1' });
  await redis.ping();
  return {
    id: 'raw',
    label: 'raw ioredis GET + JSON.parse (floor)',
    config: 'ioredis 6 client, `GET` + `JSON.parse`; on a miss compute, `SET key json EX ttl`. No L1, no single-flight, no stats.',
    async get(key) {
      const s = await redis.get(`raw:${key}`);
      if (s !== null) return JSON.parse(s) as BenchValue;
      const v = await o.compute(key);
      await redis.set(`raw:${key}`, JSON.stringify(v), 'EX', o.ttlSeconds);
      return v;
    },
    async close() {
      redis.disconnect();
    },
  };
};

/** BentoCache, L1 memory + L2 Redis + Redis bus: the multi-tier set-up of its "Multi tier" docs page. */
export const bentoMultiTier: ContenderFactory = async (o) => {
  const connection = { host: '127.0.0.1', port: o.port };
  const bento = new BentoCache({
    default: 'multitier',
    stores: {
      multitier: bentostore()
        .useL1Layer(memoryDriver({ maxSize: o.l1MaxBytes, maxItems: o.l1MaxEntries }))
        .useL2Layer(redisDriver({ connection }))
        .useBus(redisBusDriver({ connection })),
    },
  });
  const ttl = o.ttlSeconds * 1000;
  return {
    id: 'bento-l1',
    label: 'BentoCache getOrSet, L1 + Redis',
    config:
      `bentostore().useL1Layer(memoryDriver({ maxSize: ${o.l1MaxBytes / 2 ** 20} MiB, maxItems: ${o.l1MaxEntries} }))` +
      ".useL2Layer(redisDriver({ connection })).useBus(redisBusDriver({ connection })) — the docs' multi-tier set-up; " +
      'the bus keeps L1s coherent across instances, as ours does. L1 keeps its default `serialize: true` (docs: recommended with an L2).',
    get: (key) => bento.getOrSet({ key, ttl, factory: () => o.compute(key) }),
    async close() {
      await bento.disconnectAll();
    },
  };
};

/** BentoCache with only its Redis driver (the docs' Redis driver page). */
export const bentoRedisOnly: ContenderFactory = async (o) => {
  const bento = new BentoCache({
    default: 'redis',
    stores: { redis: bentostore().useL2Layer(redisDriver({ connection: { host: '127.0.0.1', port: o.port } })) },
  });
  const ttl = o.ttlSeconds * 1000;
  return {
    id: 'bento-redis',
    label: 'BentoCache getOrSet, Redis only',
    config: "bentostore().useL2Layer(redisDriver({ connection })) — the docs' Redis driver example.",
    get: (key) => bento.getOrSet({ key, ttl, factory: () => o.compute(key) }),
    async close() {
      await bento.disconnectAll();
    },
  };
};

/** cache-manager 7 with CacheableMemory in front of @keyv/redis: its README's "layer 1 and layer 2" example. */
export const cacheManagerTiered: ContenderFactory = async (o) => {
  const redisStore = createKeyvRedis(`redis://127.0.0.1:${o.port}`);
  const cache = createCache({
    stores: [new Keyv({ store: new CacheableMemory({ ttl: o.ttlSeconds * 1000, lruSize: o.l1MaxEntries }) }), redisStore],
  });
  const ttl = o.ttlSeconds * 1000;
  return {
    id: 'cm-l1',
    label: 'cache-manager wrap, memory + Redis',
    config:
      `createCache({ stores: [new Keyv({ store: new CacheableMemory({ ttl, lruSize: ${o.l1MaxEntries} }) }), createKeyv(redisUrl)] }) ` +
      "— the README's layer 1 + layer 2 example (`@keyv/redis` via its `createKeyv`); default blocking mode. No cross-instance L1 invalidation exists.",
    get: (key) => cache.wrap(key, () => o.compute(key), ttl),
    async close() {
      await cache.disconnect();
    },
  };
};

/** cache-manager 7 with only @keyv/redis. */
export const cacheManagerRedisOnly: ContenderFactory = async (o) => {
  const cache = createCache({ stores: [createKeyvRedis(`redis://127.0.0.1:${o.port}`)] });
  const ttl = o.ttlSeconds * 1000;
  return {
    id: 'cm-redis',
    label: 'cache-manager wrap, Redis only',
    config: "createCache({ stores: [createKeyv(redisUrl)] }) with `@keyv/redis` — the README's Redis store.",
    get: (key) => cache.wrap(key, () => o.compute(key), ttl),
    async close() {
      await cache.disconnect();
    },
  };
};
