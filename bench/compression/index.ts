/**
 * Compression: which codec for the cache's large values, and what it costs and saves in Redis.
 *
 * 1. Codec table on the service's own values — a model artifact trained on three years of demo sales (plain, and
 *    packed as the cache stores it: packed-artifact.ts), forecasts of 7, 30 and 365 days, the product list at 13
 *    and 2,000 products — for zstd (levels 1, 3; zstd-napi), brotli (quality 1, 4, 11) and gzip (1, 6) from
 *    node:zlib: size, ratio, compress and decompress time (median µs), and the size of a zstd-1 frame as base64
 *    text (the text-safe alternative to reading bytes).
 * 2. A model artifact's bytes in Redis (`MEMORY USAGE`) with CACHE_COMPRESSION off and auto, through the service's
 *    own cache form; goal ≤ one third of the ≈ 49 KB it took before.
 * 3. The cost of a Redis hit (L1 off, so every read is a GET and a decode) for a model artifact and a 30-day
 *    forecast, off vs auto, p50/p99 — and of an L1 hit, which must not change.
 */
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import pino from 'pino';
import { compress as zstdCompress, decompress as zstdDecompress } from 'zstd-napi';
import { DEMO_HISTORY_DAYS, DEMO_PRODUCTS, generateDemoHistory } from '@/lib/forecasting/demo-data';
import { demoCatalogue } from '@/lib/forecasting/demo-catalogue';
import { forecastDemand } from '@/lib/forecasting/forecast';
import type { ModelArtifact } from '@/lib/forecasting/model-artifact';
import { packArtifact } from '@/lib/forecasting/packed-artifact';
import { fitModel, rebuildModel } from '@/lib/forecasting/prophet-model';
import { trainingInputFor } from '@/lib/forecasting/training-input';
import { createCacheSystem, type CacheSystem } from '@/lib/redis-cache';
import { encode } from '@/lib/redis-cache/codec';
import { collectGarbage, type BenchPart } from '../lib/part';
import { startPrivateRedis, type PrivateRedis } from '../lib/redis-server';
import { captureEnvironment, goalsTable, printTables, type Goal, type Table } from '../lib/results';
import { median, percentiles } from '../lib/stats';
import { timeCallsBudget } from '../lib/timing';

const END_DATE = '2026-11-30';
/** What a model artifact took in Redis before compression (issue 12). */
const BEFORE_BYTES = 49_000;

interface Codec {
  name: string;
  compress(b: Buffer): Buffer;
  decompress(b: Buffer): Buffer;
}

const brotli = (quality: number): Codec => ({
  name: `brotli-${quality}`,
  compress: (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }),
  decompress: (b) => brotliDecompressSync(b),
});
const gzip = (level: number): Codec => ({ name: `gzip-${level}`, compress: (b) => gzipSync(b, { level }), decompress: (b) => gunzipSync(b) });
const zstd = (level: number): Codec => ({
  name: `zstd-${level}`,
  // As the cache writes them (compression.ts): with the frame checksum.
  compress: (b) => zstdCompress(b, { compressionLevel: level, checksumFlag: true }),
  decompress: (b) => zstdDecompress(b),
});
const CODECS: Codec[] = [zstd(1), zstd(3), brotli(1), brotli(4), brotli(11), gzip(1), gzip(6)];

interface Sample {
  name: string;
  text: string;
}

interface CodecRow {
  value: string;
  codec: string;
  bytesIn: number;
  bytesOut: number;
  ratio: number;
  compressUs: number;
  decompressUs: number;
}

interface HitRow {
  value: string;
  mode: 'off' | 'auto';
  tier: 'l2' | 'l1';
  p50Us: number;
  p99Us: number;
  samples: number;
}

async function trainedArtifact(): Promise<ModelArtifact> {
  const product = DEMO_PRODUCTS[0]!;
  const { input, window } = trainingInputFor(product.name, generateDemoHistory(END_DATE, DEMO_HISTORY_DAYS, [product]));
  const fit = await fitModel(input);
  return { format: 1, product: product.name, version: 1, trainedAt: '2026-12-01T06:00:00.000Z', window, ...fit };
}

function productList(n: number) {
  return demoCatalogue(n).map((p, i) => ({
    name: p.name,
    firstSaleDate: '2023-12-02',
    lastSaleDate: END_DATE,
    days: DEMO_HISTORY_DAYS - (i % 40),
    modelVersion: i % 3 ? 1 + (i % 4) : null,
    trainedAt: i % 3 ? new Date(Date.UTC(2026, 11, 1, i % 24, i % 60)).toISOString() : null,
  }));
}

async function samples(artifact: ModelArtifact): Promise<Sample[]> {
  const model = await rebuildModel(artifact);
  const forecast = (days: number) => ({
    product: artifact.product,
    days,
    modelVersion: 1,
    generatedAt: '2026-12-01T06:00:00.000Z',
    forecast: forecastDemand(model, days),
  });
  return [
    { name: 'model artifact (plain JSON)', text: encode(artifact) },
    { name: 'model artifact (packed, cached form)', text: encode(packArtifact(artifact)) },
    { name: 'forecast 7 days', text: encode(forecast(7)) },
    { name: 'forecast 30 days', text: encode(forecast(30)) },
    { name: 'forecast 365 days', text: encode(forecast(365)) },
    { name: 'product list, 13', text: encode(productList(13)) },
    { name: 'product list, 2,000', text: encode(productList(2000)) },
  ];
}

function medianUs(times: number[]): number {
  return median(times) * 1000;
}

async function codecTable(values: Sample[], quick: boolean): Promise<CodecRow[]> {
  const rows: CodecRow[] = [];
  for (const v of values) {
    const input = Buffer.from(v.text, 'utf8');
    for (const c of CODECS) {
      collectGarbage();
      const slow = c.name === 'brotli-11';
      const budget = quick ? 50 : slow ? 1500 : 400;
      let out = c.compress(input);
      const ct = await timeCallsBudget(quick ? 20 : 2000, budget, slow ? 3 : 10, () => {
        out = c.compress(input);
      });
      const dt = await timeCallsBudget(quick ? 20 : 2000, budget, 10, () => c.decompress(out));
      if (!c.decompress(out).equals(input)) throw new Error(`${c.name} did not round-trip ${v.name}`);
      rows.push({
        value: v.name,
        codec: c.name,
        bytesIn: input.length,
        bytesOut: out.length,
        ratio: input.length / out.length,
        compressUs: medianUs(ct),
        decompressUs: medianUs(dt),
      });
    }
  }
  return rows;
}

function system(redis: PrivateRedis, mode: 'off' | 'auto', l1: boolean): CacheSystem {
  return createCacheSystem({
    logger: pino({ level: 'silent' }),
    prefix: `bench_compression_${mode}`,
    // Measures the read path, not a loaded machine's Redis latency: a bound it does not hit.
    redis: { host: '127.0.0.1', port: redis.port, commandTimeoutMs: 2_000 },
    l1: l1 ? { ttl: 3600 } : { maxEntries: 0 },
    compression: { mode },
  });
}

async function memoryUsage(redis: PrivateRedis, key: string): Promise<number> {
  return Number(await redis.admin.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
}

/**
 * Redis hits (L1 off) and L1 hits of each value, off and auto, in two rounds of opposite order (off then auto,
 * auto then off), so a drift of the machine's load during the run does not favour one mode.
 */
async function hitCost(
  redis: PrivateRedis,
  values: { name: string; value: unknown; type: 'models' | 'predictions' }[],
  quick: boolean,
): Promise<HitRow[]> {
  const budget = quick ? 100 : 1500;
  const times = new Map<string, number[]>();
  const add = (id: string, t: number[]) => times.set(id, [...(times.get(id) ?? []), ...t]);
  for (const order of [
    ['off', 'auto'],
    ['auto', 'off'],
  ] as const) {
    for (const mode of order) {
      const writer = system(redis, mode, true);
      const remote = system(redis, mode, false);
      const local = system(redis, mode, true);
      try {
        await Promise.all([writer.connect(), remote.connect(), local.connect()]);
        for (const v of values) {
          const key = writer.keys.other(`${mode}:${v.name}`);
          await writer.cache.set(key, v.value, 3600, { type: v.type });
          collectGarbage();
          const l2 = await timeCallsBudget(quick ? 50 : 5000, budget, 20, async () => {
            if ((await remote.cache.lookup(key, { type: v.type }))?.tier !== 'l2') throw new Error('expected a Redis hit');
          });
          await local.cache.get(key, { type: v.type }); // fills L1
          collectGarbage();
          const l1 = await timeCallsBudget(quick ? 500 : 200_000, budget, 100, () => local.cache.lookup(key, { type: v.type }));
          if ((await local.cache.lookup(key, { type: v.type }))?.tier !== 'l1') throw new Error('expected an L1 hit');
          add(`${v.name}|${mode}|l2`, l2);
          add(`${v.name}|${mode}|l1`, l1);
        }
      } finally {
        await Promise.all([writer.close(), remote.close(), local.close()]);
      }
    }
  }
  return [...times].map(([id, t]) => {
    const [value, mode, tier] = id.split('|') as [string, 'off' | 'auto', 'l1' | 'l2'];
    const [p50, p99] = percentiles(Float64Array.from(t), t.length, [50, 99]);
    return { value, mode, tier, p50Us: p50! * 1000, p99Us: p99! * 1000, samples: t.length };
  });
}

const us = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
const kb = (b: number) => `${(b / 1024).toFixed(1)} KiB`;

export const compression: BenchPart = {
  name: 'compression',
  title: 'Compression of large cache values: codecs on real values, Redis memory, cost of a hit',
  async run({ quick, command }) {
    const redis = await startPrivateRedis();
    try {
      const env = captureEnvironment(redis, command);
      const artifact = await trainedArtifact();
      const values = await samples(artifact);
      const codecRows = await codecTable(values, quick);

      // The chosen codec's frame as base64 text, for the "bytes or text" decision.
      const zstd1 = (name: string) => codecRows.find((r) => r.value === name && r.codec === 'zstd-1')!;
      const base64Rows = values.map((v) => {
        const frame = zstd1(v.name).bytesOut + 2;
        return [v.name, String(Buffer.byteLength(v.text)), String(frame), String(Math.ceil(frame / 3) * 4)];
      });

      // Redis memory of one model artifact, through the service's cache form (packed), and of the plain form.
      const memory: Record<string, number> = {};
      for (const mode of ['off', 'auto'] as const) {
        const s = system(redis, mode, true);
        try {
          await s.connect();
          for (const [form, value] of [
            ['plain', artifact],
            ['packed', packArtifact(artifact)],
          ] as const) {
            const key = s.keys.model(`${artifact.product} ${form}`);
            await s.cache.set(key, value, 3600, { type: 'models' });
            memory[`${form}:${mode}`] = await memoryUsage(redis, key);
          }
        } finally {
          await s.close();
        }
      }

      const forecast30 = JSON.parse(values.find((v) => v.name === 'forecast 30 days')!.text) as unknown;
      const hits = await hitCost(
        redis,
        [
          { name: 'model artifact (packed)', value: packArtifact(artifact), type: 'models' },
          { name: 'forecast 30 days', value: forecast30, type: 'predictions' },
        ],
        quick,
      );
      const hit = (value: string, mode: 'off' | 'auto', tier: 'l1' | 'l2') =>
        hits.find((h) => h.value === value && h.mode === mode && h.tier === tier)!;

      const tables: Table[] = [
        {
          title: 'Codecs on the service’s values (median µs per call; zstd with its frame checksum, as stored)',
          columns: ['value', 'codec', 'bytes in', 'bytes out', 'ratio', 'compress µs', 'decompress µs'],
          rows: codecRows.map((r) => [
            r.value,
            r.codec,
            String(r.bytesIn),
            String(r.bytesOut),
            `${r.ratio.toFixed(2)}×`,
            us(r.compressUs),
            us(r.decompressUs),
          ]),
          note: 'zstd-1 is the codec the cache uses; the README (“Compression of large values”) says why from these figures. The 7-day forecast is below the 1024-byte threshold: stored uncompressed.',
        },
        {
          title: 'A zstd-1 frame (with the 2-byte marker) as bytes or as base64 text',
          columns: ['value', 'encoded bytes', 'frame bytes', 'as base64'],
          rows: base64Rows,
          note: 'Base64 would keep plain GET (text) at the cost of a third more bytes for every compressed value; the cache reads bytes (getBuffer) instead.',
        },
        {
          title: 'One model artifact in Redis (MEMORY USAGE, bytes)',
          columns: ['form', 'CACHE_COMPRESSION=off', 'auto', 'auto / off'],
          rows: (['plain', 'packed'] as const).map((form) => [
            form === 'plain' ? 'plain JSON arrays' : 'packed (the cache form)',
            String(memory[`${form}:off`]),
            String(memory[`${form}:auto`]),
            `${((memory[`${form}:auto`]! / memory[`${form}:off`]!) * 100).toFixed(1)} %`,
          ]),
        },
        {
          title: 'Cost of a hit, off vs auto (µs; Redis hit = GET + decompress + decode with L1 off; L1 hit = in-process)',
          columns: ['value', 'tier', 'off p50', 'auto p50', 'off p99', 'auto p99', 'extra p50'],
          rows: (['model artifact (packed)', 'forecast 30 days'] as const).flatMap((value) =>
            (['l2', 'l1'] as const).map((tier) => {
              const off = hit(value, 'off', tier);
              const auto = hit(value, 'auto', tier);
              return [
                value,
                tier === 'l2' ? 'Redis' : 'L1',
                us(off.p50Us),
                us(auto.p50Us),
                us(off.p99Us),
                us(auto.p99Us),
                us(auto.p50Us - off.p50Us),
              ];
            }),
          ),
          note: 'A 30-day forecast (≈ 2.5 KB) is compressed too (threshold 1024 bytes). A model hit from Redis also rebuilds the Prophet model (≈ 8 ms), not timed here.',
        },
      ];

      const packedAuto = memory['packed:auto']!;
      const l1Ratio = (value: string) => hit(value, 'auto', 'l1').p50Us / hit(value, 'off', 'l1').p50Us;
      const goals: Goal[] = [
        {
          name: 'model artifact in Redis (packed, auto)',
          target: `≤ ${Math.round(BEFORE_BYTES / 3)} B (1/3 of ${BEFORE_BYTES})`,
          actual: `${packedAuto} B (${kb(packedAuto)})`,
          pass: packedAuto <= BEFORE_BYTES / 3,
        },
        ...(['model artifact (packed)', 'forecast 30 days'] as const).map((value): Goal => ({
          name: `L1 hit unchanged: ${value}`,
          target: 'auto p50 ≤ 1.25 × off p50 (same code path; noise)',
          actual: `${us(hit(value, 'auto', 'l1').p50Us)} vs ${us(hit(value, 'off', 'l1').p50Us)} µs (${l1Ratio(value).toFixed(2)}×)`,
          pass: l1Ratio(value) <= 1.25,
        })),
      ];
      tables.push(goalsTable(goals));
      printTables(tables);
      return {
        env,
        config: { codecs: CODECS.map((c) => c.name), product: artifact.product, historyDays: DEMO_HISTORY_DAYS, quick },
        tables,
        goals,
        figures: { codecs: codecRows, memory, hits },
      };
    } finally {
      await redis.stop();
    }
  },
};
