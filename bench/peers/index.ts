/**
 * Peers: our cache against BentoCache, cache-manager and the raw ioredis floor on one read-heavy workload,
 * same Redis, same process, contenders alternated over several rounds so machine drift hits all alike.
 */
import type { Redis } from 'ioredis';
import { runLoop, type LoopResult } from '../lib/loop';
import { collectGarbage, type BenchPart } from '../lib/part';
import { commandCalls, commandDelta, startPrivateRedis } from '../lib/redis-server';
import { captureEnvironment, goalsTable, printTables, type Goal, type Table } from '../lib/results';
import { fmtInt, fmtMs, fmtRatio, spread } from '../lib/stats';
import { makeForecast, makeWorkload, valueEqualsFactory } from '../lib/workload';
import {
  bentoMultiTier,
  bentoRedisOnly,
  cacheManagerRedisOnly,
  cacheManagerTiered,
  rawIoredis,
  type Contender,
  type ContenderFactory,
} from './contenders';
import { oursContenders } from './ours';

const CONCURRENCIES = [1, 50] as const;

interface Cell {
  runs: LoopResult[];
  commands: number;
  commandsByName: Record<string, number>;
}

async function deleteMissKeys(admin: Redis): Promise<number> {
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', '*.miss.*', 'COUNT', 2000);
    cursor = next;
    if (keys.length) removed += await admin.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}

async function prefill(c: Contender, names: readonly string[]): Promise<void> {
  const batch = 32;
  for (let i = 0; i < names.length; i += batch) {
    await Promise.all(
      names.slice(i, i + batch).map(async (k) => {
        const v = await c.get(k);
        if (!valueEqualsFactory(k, v)) throw new Error(`${c.id}: prefill returned a wrong value for ${k}`);
      }),
    );
  }
}

export const peers: BenchPart = {
  name: 'peers',
  title: 'Peers: our cache vs BentoCache, cache-manager and raw ioredis',
  async run({ quick, command }) {
    const rounds = quick ? 2 : 4;
    const durationMs = quick ? 300 : 1200;
    const warmupMs = quick ? 100 : 500;
    const workload = makeWorkload({ keySpace: 10_000, s: 1, hitShare: 0.9, length: 1 << 21, seed: 42 });
    // Each contender has its own key names (they share one Redis); the rank sequence is the same for all.
    const hotKeysOf = (id: string) => Array.from({ length: workload.hotKeys }, (_, r) => `${id}:fc:${r}`);
    const valueBytes = Buffer.byteLength(JSON.stringify(makeForecast('bench:fc:0')));

    const redis = await startPrivateRedis({ core: 1 });
    const env = captureEnvironment(redis, command);
    const computeCalls = new Map<string, number>();
    const contenders: Contender[] = [];
    // BENCH_ONLY=ours,raw keeps some contenders (profiling); published figures always run them all.
    const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
    const factories: ContenderFactory[] = [...oursContenders, rawIoredis, bentoMultiTier, bentoRedisOnly, cacheManagerTiered, cacheManagerRedisOnly];
    const cells = new Map<string, Cell>();
    const hotNames = new Map<string, string[]>();
    try {
      for (const f of factories) {
        let id = '';
        const c = await f({
          port: redis.port,
          ttlSeconds: 3600,
          l1MaxEntries: 50_000,
          l1MaxBytes: 256 * 2 ** 20,
          compute: async (key) => {
            computeCalls.set(id, (computeCalls.get(id) ?? 0) + 1);
            return makeForecast(key);
          },
        });
        id = c.id;
        if (only && !only.includes(c.id)) {
          await c.close();
          continue;
        }
        contenders.push(c);
        hotNames.set(c.id, hotKeysOf(c.id));
      }
      console.log(`peers: redis ${redis.version} on port ${redis.port}; ${workload.hotKeys} hot keys of ${workload.keySpace} carry ${(workload.expectedHitRatio * 100).toFixed(1)} % of requests; value ${valueBytes} B`);

      for (const c of contenders) {
        await prefill(c, hotNames.get(c.id)!);
        if (computeCalls.get(c.id) !== workload.hotKeys) throw new Error(`${c.id}: prefill computed ${computeCalls.get(c.id)} values, expected ${workload.hotKeys}`);
      }
      // Warm-up: JIT, connection buffers, L1 promotion — nothing is recorded.
      for (const conc of CONCURRENCIES)
        for (const c of contenders)
          await runLoop(c.get, { workload, hotKeyNames: hotNames.get(c.id)!, concurrency: conc, durationMs: warmupMs, missPrefix: `${c.id}.miss.w${conc}.` });
      await deleteMissKeys(redis.admin);

      for (let r = 0; r < rounds; r++) {
        for (const conc of CONCURRENCIES) {
          for (const c of contenders) {
            collectGarbage();
            const before = await commandCalls(redis.admin);
            computeCalls.set(c.id, 0);
            const res = await runLoop(c.get, { workload, hotKeyNames: hotNames.get(c.id)!, concurrency: conc, durationMs, missPrefix: `${c.id}.miss.${r}.${conc}.` });
            const delta = commandDelta(before, await commandCalls(redis.admin));
            const key = `${c.id}@${conc}`;
            const cell = cells.get(key) ?? { runs: [], commands: 0, commandsByName: {} };
            cell.runs.push(res);
            cell.commands += delta.total;
            for (const [n, v] of Object.entries(delta.byCommand)) cell.commandsByName[n] = (cell.commandsByName[n] ?? 0) + v;
            cells.set(key, cell);
            if (res.mismatches || res.errors) throw new Error(`${c.id} c=${conc}: ${res.mismatches} wrong values, ${res.errors} errors`);
            const computed = computeCalls.get(c.id) ?? 0;
            if (computed > res.missRequests) throw new Error(`${c.id} c=${conc}: computed ${computed} values for ${res.missRequests} never-seen keys (a hot key missed)`);
            await deleteMissKeys(redis.admin);
          }
          process.stdout.write(`  round ${r + 1}/${rounds} c=${conc} done\n`);
        }
      }
    } finally {
      for (const c of contenders) await c.close().catch(() => undefined);
      await redis.stop();
    }

    // ---- figures
    const figures = contenders.map((c) => ({
      id: c.id,
      label: c.label,
      config: c.config,
      byConcurrency: Object.fromEntries(
        CONCURRENCIES.map((conc) => {
          const cell = cells.get(`${c.id}@${conc}`)!;
          const ops = cell.runs.reduce((s, x) => s + x.ops, 0);
          return [
            conc,
            {
              opsPerSec: spread(cell.runs.map((x) => x.opsPerSec)),
              p50Ms: spread(cell.runs.map((x) => x.p50Ms)),
              p99Ms: spread(cell.runs.map((x) => x.p99Ms)),
              meanMs: spread(cell.runs.map((x) => x.meanMs)),
              cpuUsPerOp: spread(cell.runs.map((x) => x.cpuUsPerOp)),
              redisCommandsPerRequest: cell.commands / ops,
              redisCommands: cell.commandsByName,
              missRatio: cell.runs.reduce((s, x) => s + x.missRequests, 0) / ops,
              ops,
            },
          ];
        }),
      ),
    }));
    type Fig = (typeof figures)[number]['byConcurrency'][string];
    const fig = (id: string, conc: number): Fig | undefined => figures.find((f) => f.id === id)?.byConcurrency[conc];
    const ops = (id: string, conc: number) => fig(id, conc)?.opsPerSec.median ?? Number.NaN;
    const p99 = (id: string, conc: number) => fig(id, conc)?.p99Ms.median ?? Number.NaN;
    const hasOurs = contenders.some((c) => c.id === 'ours');

    const tables: Table[] = CONCURRENCIES.map((conc) => ({
      title: `Concurrency ${conc} — ${rounds} rounds × ${durationMs / 1000} s per contender, median (min–max) of rounds`,
      columns: ['contender', 'ops/s', 'min–max', 'p50', 'p99', 'Node CPU/req', 'Redis cmds/req', 'never-seen', hasOurs ? 'ours ÷ this' : ''].filter(Boolean),
      rows: figures.map((f) => {
        const x = f.byConcurrency[conc];
        const row = [
          f.label,
          fmtInt(x.opsPerSec.median),
          `${fmtInt(x.opsPerSec.min)}–${fmtInt(x.opsPerSec.max)}`,
          fmtMs(x.p50Ms.median),
          fmtMs(x.p99Ms.median),
          `${x.cpuUsPerOp.median.toFixed(1)} µs`,
          x.redisCommandsPerRequest.toFixed(2),
          `${(x.missRatio * 100).toFixed(1)} %`,
        ];
        if (hasOurs) row.push(f.id === 'ours' ? '—' : fmtRatio(ops('ours', conc) / x.opsPerSec.median));
        return row;
      }),
    }));

    const goals: Goal[] = [];
    const g = (name: string, target: string, value: number, pass: boolean, actual?: string) =>
      goals.push({ name, target, actual: actual ?? fmtRatio(value), pass: hasOurs ? pass : null });
    for (const conc of CONCURRENCIES) {
      const r = ops('ours', conc) / ops('bento-l1', conc);
      g(`ours ÷ BentoCache L1+Redis ops/s, c=${conc}`, '≥ 2×', r, r >= 2);
      const pOurs = p99('ours', conc);
      const pBento = p99('bento-l1', conc);
      g(`p99 ours vs BentoCache L1+Redis, c=${conc}`, 'lower', pOurs / pBento, pOurs < pBento, `${fmtMs(pOurs)} vs ${fmtMs(pBento)}`);
      const rcm = ops('ours', conc) / ops('cm-l1', conc);
      g(`ours ÷ cache-manager memory+Redis ops/s, c=${conc}`, '≥ 3×', rcm, rcm >= 3);
      const rcmr = ops('ours', conc) / ops('cm-redis', conc);
      g(`ours ÷ cache-manager Redis-only ops/s, c=${conc}`, '≥ 3×', rcmr, rcmr >= 3);
      const rr = ops('ours-redis', conc) / ops('raw', conc);
      g(`ours Redis-only ÷ raw ioredis floor ops/s, c=${conc}`, '≥ 0.95×', rr, rr >= 0.95);
    }
    if (hasOurs) tables.push(goalsTable(goals));
    printTables(tables);
    // Printed to the file only: long lines.
    tables.push({
      title: 'How each contender is configured',
      columns: ['contender', 'configuration'],
      rows: figures.map((f) => [f.label, f.config]),
      note:
        `Workload: Zipf (s = 1) over ${workload.keySpace.toLocaleString('en-US')} keys; the ${workload.hotKeys.toLocaleString('en-US')} hottest keys ` +
        `(${(workload.expectedHitRatio * 100).toFixed(1)} % of requests) prefilled through each contender's own API, every other request sent to a ` +
        `never-seen key (the "never-seen" column: what each contender really got). Values: a 30-day forecast, ${valueBytes} B of JSON, ` +
        'checked against its key on every request and compared in full with the factory\'s output every 1024th request. "Redis cmds/req": ' +
        '`INFO commandstats` delta over the timed runs ÷ requests (the harness\'s own INFO excluded). Same process, same Redis, same request ' +
        'sequence; one instance of each library (its pub/sub connection, where it has one, counts).',
    });

    return {
      env,
      config: {
        keySpace: workload.keySpace,
        zipfS: 1,
        hotKeys: workload.hotKeys,
        expectedHitRatio: workload.expectedHitRatio,
        valueBytes,
        concurrencies: CONCURRENCIES,
        rounds,
        durationMsPerRun: durationMs,
        warmupMsPerContender: warmupMs,
        order: 'per round, per concurrency: contenders in a fixed order A B C …, repeated each round',
        ttlSeconds: 3600,
        l1MaxEntries: 50_000,
        quick,
        medianOpsPerSecAll: Object.fromEntries(figures.map((f) => [f.id, CONCURRENCIES.map((conc) => f.byConcurrency[conc].opsPerSec.median)])),
      },
      tables,
      goals,
      figures,
    };
  },
};
