// Profiling aid (not part of the suite): our cached() on the miss-heavy path (every key new, trivial compute) at
// concurrency 50, under a CPU profile. `node --cpu-prof` on the bundle: see bench/notes/peers.md.
import { cached, createCacheSystem } from '@/lib/redis-cache';
import { startPrivateRedis } from '../lib/redis-server';

async function main() {
  const redis = await startPrivateRedis({ core: 1 });
  const l1 = process.env.BENCH_L1 !== '0';
  const system = createCacheSystem({
    redis: { host: '127.0.0.1', port: redis.port },
    l1: l1 ? { maxEntries: 50_000, ttl: 3600 } : { maxEntries: 0, maxBytes: 0 },
  });
  const get = cached(async (k: string) => ({ key: k, n: 1 }), { ttl: 3600, key: (k: string) => k, system });
  await system.healthCheck();
  const total = Number(process.env.BENCH_N ?? 300_000);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < total) await get(`m.${next++}`);
    }),
  );
  const ms = performance.now() - t0;
  console.log(`${Math.round((total / ms) * 1000)} ops/s`);
  await system.close();
  await redis.stop();
}
void main();
