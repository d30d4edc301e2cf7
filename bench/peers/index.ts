/**
 * Peers: our cache against BentoCache, cache-manager and the raw ioredis floor, same Redis, same process,
 * contenders alternated over several rounds so machine drift hits all alike. Two mixes, one after the other,
 * each with fresh instances of every contender:
 *  - read-heavy: Zipf over 10 000 keys, the hottest (90 % of requests) prefilled, the rest never seen;
 *  - miss-heavy: 90 % never-seen keys, 10 % repeats of recent ones, with a trivial compute — what the cache
 *    itself costs when almost everything is a miss (Redis commands per request above all).
 * `BENCH_MIX=read-heavy|miss-heavy` runs one mix, `BENCH_ONLY=ours,raw` some contenders (both: profiling and quick
 * comparisons; published figures run everything).
 */
import type { Redis } from 'ioredis';
import { runLoop, type LoopResult } from '../lib/loop';
import { collectGarbage, type BenchPart } from '../lib/part';
import { commandCalls, commandDelta, startPrivateRedis, type PrivateRedis } from '../lib/redis-server';
import { captureEnvironment, goalsTable, printTables, type Goal, type Table } from '../lib/results';
import { fmtInt, fmtMs, fmtRatio, spread } from '../lib/stats';
import {
  makeForecast,
  makeMissHeavyWorkload,
  makeSmallValue,
  makeWorkload,
  smallValueEqualsFactory,
  smallValueMatchesKey,
  valueEqualsFactory,
  valueMatchesKey,
  type MissHeavyWorkload,
  type Workload,
} from '../lib/workload';
import {
  bentoMultiTier,
  bentoRedisOnly,
  cacheManagerRedisOnly,
  cacheManagerTiered,
  rawIoredis,
  type BenchValue,
  type Contender,
  type ContenderFactory,
} from './contenders';
import { oursContenders } from './ours';

const CONCURRENCIES = [1, 50] as const;
const TTL_SECONDS = 3600;
const L1_MAX_ENTRIES = 50_000;
const L1_MAX_BYTES = 256 * 2 ** 20;

type MixId = 'read-heavy' | 'miss-heavy';
const MIX_IDS: readonly MixId[] = ['read-heavy', 'miss-heavy'];

interface Mix {
  id: MixId;
  name: string;
  workload: Workload | MissHeavyWorkload;
  compute: (key: string) => BenchValue;
  /** Keys prefilled through each contender's own API before warm-up (read-heavy only). */
  hotKeysOf(contenderId: string): string[];
  /** Tag inside every never-seen key of the mix; `.miss.` in it lets deleteMissKeys find them. */
  missTag: string;
  matches: (key: string, value: unknown) => boolean;
  equals: (key: string, value: unknown) => boolean;
  /**
   * Requests walked untimed at the start of every run (warm-up included), so that the timed requests already have
   * earlier keys to repeat: the miss-heavy mix's repeat share holds from the first timed request, for fast and
   * slow contenders alike. 0 for the read-heavy mix (its hot keys are prefilled).
   */
  leadIn: number;
  /** Every never-seen key computes exactly once and nothing else does (miss-heavy), or at most that (read-heavy). */
  exactComputeCount: boolean;
}

interface Cell {
  runs: LoopResult[];
  commands: number;
  commandsByName: Record<string, number>;
}

interface MixRun {
  mix: Mix;
  contenders: { id: string; label: string; config: string }[];
  cells: Map<string, Cell>;
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

async function prefill(c: Contender, names: readonly string[], equals: Mix['equals']): Promise<void> {
  const batch = 32;
  for (let i = 0; i < names.length; i += batch) {
    await Promise.all(
      names.slice(i, i + batch).map(async (k) => {
        const v = await c.get(k);
        if (!equals(k, v)) throw new Error(`${c.id}: prefill returned a wrong value for ${k}`);
      }),
    );
  }
}

/** Lets writes a contender sent without awaiting them (ours: the SET of a computed value, after returning) reach Redis first. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

async function runMix(
  mix: Mix,
  redis: PrivateRedis,
  factories: ContenderFactory[],
  only: string[] | undefined,
  o: { rounds: number; durationMs: number; warmupMs: number },
): Promise<MixRun> {
  const computeCalls = new Map<string, number>();
  const contenders: Contender[] = [];
  const cells = new Map<string, Cell>();
  const hotNames = new Map<string, string[]>();
  try {
    for (const f of factories) {
      let id = '';
      const c = await f({
        port: redis.port,
        ttlSeconds: TTL_SECONDS,
        l1MaxEntries: L1_MAX_ENTRIES,
        l1MaxBytes: L1_MAX_BYTES,
        compute: async (key) => {
          computeCalls.set(id, (computeCalls.get(id) ?? 0) + 1);
          return mix.compute(key);
        },
      });
      id = c.id;
      if (only && !only.includes(c.id)) {
        await c.close();
        continue;
      }
      contenders.push(c);
      hotNames.set(c.id, mix.hotKeysOf(c.id));
    }

    for (const c of contenders) {
      const names = hotNames.get(c.id)!;
      await prefill(c, names, mix.equals);
      if ((computeCalls.get(c.id) ?? 0) !== names.length)
        throw new Error(`${c.id}: prefill computed ${computeCalls.get(c.id)} values, expected ${names.length}`);
    }
    const loopOptions = (c: Contender, concurrency: number, durationMs: number, missPrefix: string) => ({
      workload: mix.workload,
      hotKeyNames: hotNames.get(c.id)!,
      concurrency,
      durationMs,
      missPrefix,
      matches: mix.matches,
      equals: mix.equals,
      startIndex: mix.leadIn,
    });
    const leadIn = async (c: Contender, concurrency: number, missPrefix: string) => {
      if (mix.leadIn === 0) return;
      const res = await runLoop(c.get, { ...loopOptions(c, concurrency, 60_000, missPrefix), startIndex: 0, maxRequests: mix.leadIn });
      if (res.mismatches || res.errors)
        throw new Error(`${mix.id} ${c.id} c=${concurrency} lead-in: ${res.mismatches} wrong values, ${res.errors} errors`);
      await settle();
    };
    // Warm-up: JIT, connection buffers, L1 promotion — nothing is recorded.
    for (const conc of CONCURRENCIES)
      for (const c of contenders) {
        const prefix = `${c.id}${mix.missTag}w${conc}.`;
        await leadIn(c, conc, prefix);
        await runLoop(c.get, loopOptions(c, conc, o.warmupMs, prefix));
      }
    await settle();
    await deleteMissKeys(redis.admin);

    for (let r = 0; r < o.rounds; r++) {
      for (const conc of CONCURRENCIES) {
        for (const c of contenders) {
          // The prefix names contender, round and concurrency: no never-seen key of one run is used by another.
          const prefix = `${c.id}${mix.missTag}${r}.${conc}.`;
          collectGarbage();
          await leadIn(c, conc, prefix);
          const before = await commandCalls(redis.admin);
          computeCalls.set(c.id, 0);
          const res = await runLoop(c.get, loopOptions(c, conc, o.durationMs, prefix));
          await settle();
          const delta = commandDelta(before, await commandCalls(redis.admin));
          const key = `${c.id}@${conc}`;
          const cell = cells.get(key) ?? { runs: [], commands: 0, commandsByName: {} };
          cell.runs.push(res);
          cell.commands += delta.total;
          for (const [n, v] of Object.entries(delta.byCommand)) cell.commandsByName[n] = (cell.commandsByName[n] ?? 0) + v;
          cells.set(key, cell);
          const where = `${mix.id} ${c.id} c=${conc}`;
          if (res.mismatches || res.errors) throw new Error(`${where}: ${res.mismatches} wrong values, ${res.errors} errors`);
          const computed = computeCalls.get(c.id) ?? 0;
          if (computed > res.missRequests)
            throw new Error(`${where}: computed ${computed} values for ${res.missRequests} never-seen keys (a key that was stored missed)`);
          if (mix.exactComputeCount && computed < res.missRequests)
            throw new Error(`${where}: computed ${computed} values for ${res.missRequests} never-seen keys (a "never-seen" key was already cached)`);
          await deleteMissKeys(redis.admin);
        }
        process.stdout.write(`  ${mix.id} round ${r + 1}/${o.rounds} c=${conc} done\n`);
      }
    }
  } finally {
    for (const c of contenders) await c.close().catch(() => undefined);
  }
  return { mix, contenders: contenders.map((c) => ({ id: c.id, label: c.label, config: c.config })), cells };
}

function mixFigures(run: MixRun) {
  return run.contenders.map((c) => ({
    id: c.id,
    label: c.label,
    config: c.config,
    byConcurrency: Object.fromEntries(
      CONCURRENCIES.map((conc) => {
        const cell = run.cells.get(`${c.id}@${conc}`)!;
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
}
type Figures = ReturnType<typeof mixFigures>;

/** The per-concurrency tables of one mix: throughput, latency, CPU, Redis commands, ratios to ours and to the floor. */
function mixTables(mix: Mix, figures: Figures, heading: string, rounds: number, durationMs: number): Table[] {
  const ops = (id: string, conc: number) => figures.find((f) => f.id === id)?.byConcurrency[conc].opsPerSec.median ?? Number.NaN;
  const hasOurs = figures.some((f) => f.id === 'ours');
  const hasFloor = figures.some((f) => f.id === 'raw');
  return CONCURRENCIES.map((conc) => ({
    heading,
    title: `${mix.name}, concurrency ${conc} — ${rounds} rounds × ${durationMs / 1000} s per contender, median (min–max) of rounds`,
    columns: [
      'contender',
      'ops/s',
      'min–max',
      'p50',
      'p99',
      'Node CPU/req',
      'Redis cmds/req',
      'never-seen',
      ...(hasOurs ? ['ours ÷ this'] : []),
      ...(hasFloor ? ['this ÷ floor'] : []),
    ],
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
      if (hasFloor) row.push(f.id === 'raw' ? '—' : fmtRatio(x.opsPerSec.median / ops('raw', conc)));
      return row;
    }),
  }));
}

/** Redis commands per request by command name, both concurrencies pooled (and the total at each). */
function commandsTable(run: MixRun, figures: Figures, heading: string): Table {
  const byName = new Map<string, number>();
  for (const cell of run.cells.values()) for (const [n, v] of Object.entries(cell.commandsByName)) byName.set(n, (byName.get(n) ?? 0) + v);
  const names = [...byName.entries()].sort((a, b) => b[1] - a[1]).map(([n]) => n);
  return {
    heading,
    title: `${run.mix.name}: Redis commands per request (total at each concurrency; by command, both pooled)`,
    columns: ['contender', ...CONCURRENCIES.map((c) => `total, c=${c}`), ...names.map((n) => n.toUpperCase())],
    rows: figures.map((f) => {
      const cells = CONCURRENCIES.map((conc) => run.cells.get(`${f.id}@${conc}`)!);
      const requests = CONCURRENCIES.reduce((s, conc) => s + f.byConcurrency[conc].ops, 0);
      return [
        f.label,
        ...CONCURRENCIES.map((conc) => f.byConcurrency[conc].redisCommandsPerRequest.toFixed(2)),
        ...names.map((n) => {
          const calls = cells.reduce((s, c) => s + (c.commandsByName[n] ?? 0), 0);
          return calls === 0 ? '–' : calls / requests < 0.005 ? '< 0.01' : (calls / requests).toFixed(2);
        }),
      ];
    }),
  };
}

const fmtCommands = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const hasContender = (figures: Figures, id: string) => figures.some((f) => f.id === id);

/**
 * One goal: `value` is the measured figure the target is checked against. A goal is "n/a" (pass null) when ours did
 * not run or the figure is not a number — a compared contender (BENCH_ONLY) or the whole mix (BENCH_MIX) left out.
 */
function goalOf(figures: Figures, name: string, target: string, value: number, pass: boolean, actual?: string): Goal {
  return { name, target, actual: actual ?? fmtRatio(value), pass: hasContender(figures, 'ours') && Number.isFinite(value) ? pass : null };
}

/** Median ops/s, p99 and Redis commands per request of one contender at one concurrency (NaN when it did not run). */
function figureOf(figures: Figures) {
  const fig = (id: string, conc: number) => figures.find((f) => f.id === id)?.byConcurrency[conc];
  return {
    ops: (id: string, conc: number) => fig(id, conc)?.opsPerSec.median ?? Number.NaN,
    p99: (id: string, conc: number) => fig(id, conc)?.p99Ms.median ?? Number.NaN,
    commands: (id: string, conc: number) => fig(id, conc)?.redisCommandsPerRequest ?? Number.NaN,
  };
}

/** The read-heavy mix's goals: ours well ahead of the other caches, and ours without L1 close to the raw floor. */
function readHeavyGoals(figures: Figures): Goal[] {
  const { ops, p99 } = figureOf(figures);
  const goals: Goal[] = [];
  const g = (name: string, target: string, value: number, pass: boolean, actual?: string) =>
    goals.push(goalOf(figures, name, target, value, pass, actual));
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
  return goals;
}

/**
 * The miss-heavy mix's goals: what our cache itself costs when almost nothing is cached — ours (L1 + Redis) close to
 * the raw floor, ahead of BentoCache L1+Redis, and no more Redis commands per request than the floor sends.
 */
function missHeavyGoals(figures: Figures): Goal[] {
  const { ops, commands } = figureOf(figures);
  const goals: Goal[] = [];
  const g = (name: string, target: string, value: number, pass: boolean, actual?: string) =>
    goals.push(goalOf(figures, name, target, value, pass, actual));
  for (const conc of CONCURRENCIES) {
    const rr = ops('ours', conc) / ops('raw', conc);
    g(`miss-heavy: ours ÷ raw ioredis floor ops/s, c=${conc}`, '≥ 0.8×', rr, rr >= 0.8);
    const rb = ops('ours', conc) / ops('bento-l1', conc);
    g(`miss-heavy: ours ÷ BentoCache L1+Redis ops/s, c=${conc}`, '> 1×', rb, rb > 1);
    const cOurs = commands('ours', conc);
    const cFloor = commands('raw', conc);
    g(
      `miss-heavy: ours Redis commands per request vs floor's, c=${conc}`,
      "≤ floor's",
      cOurs / cFloor,
      cOurs <= cFloor,
      `${fmtCommands(cOurs)} vs ${fmtCommands(cFloor)}`,
    );
  }
  return goals;
}

export const peers: BenchPart = {
  name: 'peers',
  title: 'Peers: our cache vs BentoCache, cache-manager and raw ioredis',
  async run({ quick, command }) {
    const rounds = quick ? 2 : 4;
    const durationMs = quick ? 300 : 1200;
    const warmupMs = quick ? 100 : 500;
    const readHeavy = makeWorkload({ keySpace: 10_000, s: 1, hitShare: 0.9, length: 1 << 21, seed: 42 });
    const missHeavy = makeMissHeavyWorkload({ newShare: 0.9, minGap: 256, maxGap: 1024, length: 1 << 21, seed: 42 });
    const valueBytes = Buffer.byteLength(JSON.stringify(makeForecast('bench:fc:0')));
    const smallBytes = Buffer.byteLength(JSON.stringify(makeSmallValue('bench.miss.mh.0.1.123456')));
    const mixes: Mix[] = [
      {
        id: 'read-heavy',
        name: 'Read-heavy mix',
        workload: readHeavy,
        compute: makeForecast,
        // Each contender has its own key names (they share one Redis); the rank sequence is the same for all.
        hotKeysOf: (id) => Array.from({ length: readHeavy.hotKeys }, (_, r) => `${id}:fc:${r}`),
        missTag: '.miss.',
        matches: valueMatchesKey,
        equals: valueEqualsFactory,
        exactComputeCount: false,
        leadIn: 0,
      },
      {
        id: 'miss-heavy',
        name: 'Miss-heavy mix',
        workload: missHeavy,
        compute: makeSmallValue,
        hotKeysOf: () => [],
        missTag: '.miss.mh.',
        matches: smallValueMatchesKey,
        equals: smallValueEqualsFactory,
        exactComputeCount: true,
        leadIn: missHeavy.maxGap,
      },
    ];
    const mixFilter = process.env.BENCH_MIX?.split(',').filter(Boolean);
    const unknownMix = mixFilter?.filter((m) => !MIX_IDS.includes(m as MixId)) ?? [];
    if (unknownMix.length) throw new Error(`BENCH_MIX: unknown mix ${unknownMix.join(', ')} (known: ${MIX_IDS.join(', ')})`);
    const selected = mixes.filter((m) => !mixFilter || mixFilter.includes(m.id));

    const redis = await startPrivateRedis({ core: 1 });
    const env = captureEnvironment(redis, command);
    // BENCH_ONLY=ours,raw keeps some contenders (profiling); published figures always run them all.
    const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
    const factories: ContenderFactory[] = [...oursContenders, rawIoredis, bentoMultiTier, bentoRedisOnly, cacheManagerTiered, cacheManagerRedisOnly];
    const runs: MixRun[] = [];
    try {
      console.log(
        `peers: redis ${redis.version} on port ${redis.port}; mixes ${selected.map((m) => m.id).join(', ')}\n` +
          `  read-heavy: ${readHeavy.hotKeys} hot keys of ${readHeavy.keySpace} carry ${(readHeavy.expectedHitRatio * 100).toFixed(1)} % of requests; value ${valueBytes} B\n` +
          `  miss-heavy: ${missHeavy.newShare * 100} % never-seen keys, the rest repeat one ${missHeavy.minGap}–${missHeavy.maxGap} requests back; value ${smallBytes} B`,
      );
      for (const mix of selected) {
        // Each mix starts from an empty Redis (the read-heavy mix leaves its prefilled keys behind).
        await redis.admin.flushall();
        runs.push(await runMix(mix, redis, factories, only, { rounds, durationMs, warmupMs }));
      }
    } finally {
      await redis.stop();
    }

    // ---- figures and tables
    const figuresByMix = Object.fromEntries(runs.map((r) => [r.mix.id, mixFigures(r)])) as Partial<Record<MixId, Figures>>;
    const tables: Table[] = [];
    const goals: Goal[] = [];
    const read = runs.find((r) => r.mix.id === 'read-heavy');
    const miss = runs.find((r) => r.mix.id === 'miss-heavy');

    // Goals of a mix that did not run (BENCH_MIX), or whose compared contenders did not (BENCH_ONLY), are "n/a", not a miss.
    const readGoals = readHeavyGoals(figuresByMix['read-heavy'] ?? []);
    const missGoals = missHeavyGoals(figuresByMix['miss-heavy'] ?? []);
    goals.push(...readGoals, ...missGoals);

    if (read) {
      const figures = figuresByMix['read-heavy']!;
      const heading = 'Read-heavy mix';
      const mt = mixTables(read.mix, figures, heading, rounds, durationMs);
      mt[mt.length - 1].note =
        `Zipf (s = 1) over ${readHeavy.keySpace.toLocaleString('en-US')} keys; the ${readHeavy.hotKeys.toLocaleString('en-US')} hottest keys ` +
        `(${(readHeavy.expectedHitRatio * 100).toFixed(1)} % of requests) prefilled through each contender's own API, every other request sent to a ` +
        `never-seen key (the "never-seen" column: what each contender really got). Values: a 30-day forecast, ${valueBytes} B of JSON, ` +
        "checked against its key on every request and compared in full with the factory's output every 1024th request.";
      tables.push(...mt);
      if (hasContender(figures, 'ours')) tables.push({ ...goalsTable(readGoals), heading, title: 'Goals (read-heavy mix)' });
    }
    if (miss) {
      const figures = figuresByMix['miss-heavy']!;
      const heading = 'Miss-heavy mix';
      tables.push(...mixTables(miss.mix, figures, heading, rounds, durationMs));
      tables.push({
        ...commandsTable(miss, figures, heading),
        note:
          `${missHeavy.newShare * 100} % of requests ask for a key nobody has asked for (each is a miss: compute, store), the rest repeat the key of ` +
          `a request ${missHeavy.minGap}–${missHeavy.maxGap} requests earlier (stored by then: an L1 or Redis hit); no prefill, but each run first walks ` +
          `the sequence's first ${missHeavy.maxGap} requests untimed, so the repeat share holds from the first timed request. The compute returns a ` +
          `${smallBytes} B object at once, so the figures are the caches' own cost. Same sequence (seed 42) for every contender; every run checks ` +
          'that each never-seen key computed exactly once and nothing else did.',
      });
      if (hasContender(figures, 'ours')) tables.push({ ...goalsTable(missGoals), heading, title: 'Goals (miss-heavy mix)' });
    }
    printTables(tables);
    // Printed to the file only: long lines.
    const contenderList = (read ?? miss)?.contenders ?? [];
    tables.push({
      heading: 'Set-up',
      title: 'How each contender is configured',
      columns: ['contender', 'configuration'],
      rows: contenderList.map((c) => [c.label, c.config]),
      note:
        '"Redis cmds/req": `INFO commandstats` delta over the timed runs ÷ requests (the harness\'s own INFO excluded; a 10 ms pause before the ' +
        'second snapshot lets writes sent without waiting land). Same process, same Redis, same request sequence per mix; one instance of each ' +
        'library per mix (its pub/sub connection, where it has one, counts).',
    });

    const medians = (mix: MixId) =>
      Object.fromEntries((figuresByMix[mix] ?? []).map((f) => [f.id, CONCURRENCIES.map((conc) => f.byConcurrency[conc].opsPerSec.median)]));
    return {
      env,
      config: {
        mixes: selected.map((m) => m.id),
        keySpace: readHeavy.keySpace,
        zipfS: 1,
        hotKeys: readHeavy.hotKeys,
        expectedHitRatio: readHeavy.expectedHitRatio,
        valueBytes,
        missHeavy: { newShare: missHeavy.newShare, minGap: missHeavy.minGap, maxGap: missHeavy.maxGap, seed: 42, valueBytes: smallBytes },
        concurrencies: CONCURRENCIES,
        rounds,
        durationMsPerRun: durationMs,
        warmupMsPerContender: warmupMs,
        order:
          'per mix (Redis flushed between mixes, fresh instances), per round, per concurrency: contenders in a fixed order A B C …, repeated each round',
        ttlSeconds: TTL_SECONDS,
        l1MaxEntries: L1_MAX_ENTRIES,
        quick,
        only: only ?? null,
        medianOpsPerSecAll: medians('read-heavy'),
        medianOpsPerSecMissHeavy: medians('miss-heavy'),
      },
      tables,
      goals,
      figures: figuresByMix,
    };
  },
};
