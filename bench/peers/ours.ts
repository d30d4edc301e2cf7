/**
 * Our cache in the peers benchmark: the `cached(fn, { ttl, key })` wrapper over one CacheSystem, configured as
 * the service ships it (defaults from the environment schema), with the same L1 bounds as the peers' memory
 * tiers — and a second instance with L1 off (`l1.maxEntries = 0`), Redis only.
 */
import pino from 'pino';
import { cached, createCacheSystem } from '@/lib/redis-cache';
import type { ContenderFactory, ContenderOptions } from './contenders';

async function build(o: ContenderOptions, l1: boolean) {
  const system = createCacheSystem({
    logger: pino({ level: 'silent' }),
    redis: { host: '127.0.0.1', port: o.port },
    // L1 lifetime = the entry's TTL, as in the peers' memory tiers (the shipped CACHE_L1_TTL of 60 s re-reads each
    // hot key from Redis once a minute; with contenders taking turns, that would land in our timed runs).
    l1: l1 ? { maxEntries: o.l1MaxEntries, maxBytes: o.l1MaxBytes, ttl: o.ttlSeconds } : { maxEntries: 0, maxBytes: 0 },
  });
  const get = cached(o.compute, { ttl: o.ttlSeconds, key: (k: string) => k, system });
  // Connect before timing (the first call would otherwise wait for the connection).
  await system.healthCheck();
  return { system, get };
}

const ours: ContenderFactory = async (o) => {
  const { system, get } = await build(o, true);
  return {
    id: 'ours',
    label: 'ours: cached(), L1 + Redis',
    config:
      `createCacheSystem({ redis, l1: { maxEntries: ${o.l1MaxEntries}, maxBytes: ${o.l1MaxBytes / 2 ** 20} MiB, ttl: ${o.ttlSeconds} s } }) and ` +
      '`cached(compute, { ttl, key: (k) => k, system })`; everything else as shipped (pub/sub invalidation connection, circuit breaker, ' +
      "command timeout, single flight, shared stats). L1 lifetime set to the entry TTL like the peers' memory tiers (shipped default: 60 s).",
    get,
    close: () => system.close(),
  };
};

const oursRedisOnly: ContenderFactory = async (o) => {
  const { system, get } = await build(o, false);
  return {
    id: 'ours-redis',
    label: 'ours: cached(), Redis only (L1 off)',
    config: 'the same with `l1: { maxEntries: 0 }` (L1 off): every request reads Redis and decodes.',
    get,
    close: () => system.close(),
  };
};

export const oursContenders: ContenderFactory[] = [ours, oursRedisOnly];
