// Profiling aid (not part of the suite): one contender at one concurrency for a while, with a CPU profile of the
// timed part only. `npx tsx bench/peers/profile-one.ts <raw|ours|ours-redis> <concurrency> <seconds>`;
// BENCH_HIT=1 prefills every key (hits only), BENCH_S=<s> sets the Zipf exponent, BENCH_NOPROF=1 times without the
// profiler. The profile lands in the OS temp dir. For figures without tsx's name-keeping wrappers, bundle it first:
// node_modules/.bin/esbuild bench/peers/profile-one.ts --bundle --platform=node --format=cjs --packages=external --outfile=.bench-build/po.js
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
  const workload = makeWorkload({ length: 1 << 20, hitShare: process.env.BENCH_HIT ? 1 : 0.9, s: Number(process.env.BENCH_S ?? 1) });
  const f = which === 'raw' ? rawIoredis : which === 'ours' ? oursContenders[0] : oursContenders[1];
  const c = await f({ port: redis.port, ttlSeconds: 3600, l1MaxEntries: 50000, l1MaxBytes: 256 << 20, compute: async (k) => makeForecast(k) });
  const names = Array.from({ length: workload.hotKeys }, (_, r) => `${c.id}:fc:${r}`);
  for (const k of names) await c.get(k);
  await runLoop(c.get, { workload, hotKeyNames: names, concurrency: +concStr, durationMs: 1000, missPrefix: 'w.miss.' });
  const session = new inspector.Session();
  if (!process.env.BENCH_NOPROF) session.connect();
  const post = (m: string, params?: object) =>
    new Promise<{ profile?: object }>((res, rej) => session.post(m, params ?? {}, (e, r) => (e ? rej(e) : res(r as { profile?: object }))));
  const profiling = !process.env.BENCH_NOPROF;
  if (profiling) {
    await post('Profiler.enable');
    await post('Profiler.start');
  }
  const r = await runLoop(c.get, { workload, hotKeyNames: names, concurrency: +concStr, durationMs: +secStr * 1000, missPrefix: 't.miss.' });
  const { profile } = profiling ? await post('Profiler.stop') : { profile: {} };
  const file = path.join(os.tmpdir(), `bench-${which}-c${concStr}.cpuprofile`);
  fs.writeFileSync(file, JSON.stringify(profile));
  console.error(`profile: ${file}`);
  console.log(which, concStr, Math.round(r.opsPerSec), 'ops/s', r.cpuUsPerOp.toFixed(1), 'µs CPU/op');
  await c.close();
  await redis.stop();
}
void main();
