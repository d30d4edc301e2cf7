// Profiling aid (not part of the suite): one contender at one concurrency for a while, with a CPU profile of the
// timed part only. `npx tsx bench/peers/profile-one.ts <raw|ours|ours-redis> <concurrency> <seconds>`;
// BENCH_HIT=1 prefills every key (hits only). The profile lands in the OS temp dir.
import inspector from 'node:inspector';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeForecast, makeWorkload } from '../lib/workload';
import { runLoop } from '../lib/loop';
import { startPrivateRedis } from '../lib/redis-server';
import { oursContenders } from './ours';
import { rawIoredis } from './contenders';
async function main() {
  const [which, concStr, secStr] = process.argv.slice(2);
  const redis = await startPrivateRedis({ core: 1 });
  const workload = makeWorkload({ length: 1 << 20, hitShare: process.env.BENCH_HIT ? 1 : 0.9 });
  const f = which === 'raw' ? rawIoredis : which === 'ours' ? oursContenders[0] : oursContenders[1];
  const c = await f({ port: redis.port, ttlSeconds: 3600, l1MaxEntries: 50000, l1MaxBytes: 256 << 20, compute: async (k) => makeForecast(k) });
  const names = Array.from({ length: workload.hotKeys }, (_, r) => `${c.id}:fc:${r}`);
  for (const k of names) await c.get(k);
  await runLoop(c.get, { workload, hotKeyNames: names, concurrency: +concStr, durationMs: 1000, missPrefix: 'w.miss.' });
  const session = new inspector.Session();
  session.connect();
  const post = (m: string, params?: object) =>
    new Promise<{ profile?: object }>((res, rej) => session.post(m, params ?? {}, (e, r) => (e ? rej(e) : res(r as { profile?: object }))));
  await post('Profiler.enable');
  await post('Profiler.start');
  const r = await runLoop(c.get, { workload, hotKeyNames: names, concurrency: +concStr, durationMs: +secStr * 1000, missPrefix: 't.miss.' });
  const { profile } = await post('Profiler.stop');
  const file = path.join(os.tmpdir(), `bench-${which}-c${concStr}.cpuprofile`);
  fs.writeFileSync(file, JSON.stringify(profile));
  console.error(`profile: ${file}`);
  console.log(which, concStr, Math.round(r.opsPerSec), 'ops/s', r.cpuUsPerOp.toFixed(1), 'µs CPU/op');
  await c.close();
  await redis.stop();
}
void main();
