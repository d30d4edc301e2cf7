/** Compression of large values in Redis (compression.ts), against a real redis-server. */
import { describe, expect, test } from 'vitest';
import { cached, cachedModel, cachedPrediction, graceKey, type CacheSystem } from '@/lib/redis-cache';
import { encode } from '@/lib/redis-cache/codec';
import { Compression, isCompressed, unpack } from '@/lib/redis-cache/compression';
import { readGrace } from '@/lib/redis-cache/grace';
import { storedExpiry, storedPayload, wrapStored } from '@/lib/redis-cache/stored-form';
import { waitFor } from '@/test/helpers/redis-server';
import { redisClientOf, usePrivateRedis } from './setup';

const fixture = usePrivateRedis();

/** A deterministic pseudo-random sequence in [0, 1) (mulberry32). */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400;

/** Shaped like a model artifact: three years of daily series, the fitted trend and coefficients, holidays. */
function modelArtifact(product: string) {
  const r = prng(7);
  const ds = Array.from({ length: 1095 }, (_, i) => 1_701_475_200 + i * DAY);
  return {
    format: 1,
    product,
    version: 3,
    trainedAt: '2026-12-01T10:00:00.000Z',
    window: { start: '2023-12-02', end: '2026-11-30', days: 1095 },
    holidays: [{ name: 'carnival', occurrences: [{ start: 1_707_523_200, end: 1_707_609_600 }] }],
    series: { ds, y: ds.map(() => Math.round(100 + r() * 80)) },
    params: {
      k: 0.0123,
      m: 0.4567,
      sigmaObs: 0.0312,
      delta: Array.from({ length: 25 }, () => (r() - 0.5) * 1e-3),
      beta: Array.from({ length: 26 }, () => r() - 0.5),
      trend: ds.map((_, i) => 0.45 + i * 1.1e-5 + r() * 1e-9),
    },
    columnFingerprints: Array.from({ length: 26 }, (_, i) => `c${i}:${(r() * 1e9).toFixed(0)}`),
    mape: 7.25,
    trainingMs: 131.5,
  };
}

function forecast(product: string, days: number) {
  const r = prng(days);
  return {
    product,
    days,
    modelVersion: 3,
    generatedAt: '2026-12-01T10:00:00.000Z',
    forecast: Array.from({ length: days }, (_, i) => {
      const yhat = Math.round((120 + r() * 40) * 1000) / 1000;
      return { date: `2026-12-${String((i % 28) + 1).padStart(2, '0')}`, yhat, yhat_lower: yhat - 30.125, yhat_upper: yhat + 31.5 };
    }),
  };
}

function productList(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    name: `Produto ${i} — pão de queijo`,
    firstSaleDate: '2023-12-02',
    lastSaleDate: '2026-11-30',
    days: 1095 - (i % 40),
    modelVersion: i % 3 ? 1 + (i % 4) : null,
    trainedAt: i % 3 ? '2026-12-01T10:00:00.000Z' : null,
  }));
}

/** The bytes Redis holds under `key`. */
async function rawOf(system: CacheSystem, key: string): Promise<Buffer> {
  await system.connect();
  const raw = await redisClientOf(system).getBuffer(key);
  if (raw === null) throw new Error(`${key} is not in Redis`);
  return raw;
}

async function waitStored(system: CacheSystem, key: string): Promise<Buffer> {
  await system.connect();
  const client = redisClientOf(system);
  await waitFor(async () => (await client.exists(key)) === 1, 5_000, 10, `${key} in Redis`);
  return rawOf(system, key);
}

const compressedIn = (raw: Buffer) => isCompressed(storedPayload(raw));
/** A grace copy has the envelope twice (grace.ts). */
const graceCompressed = (raw: Buffer) => isCompressed(storedPayload(storedPayload(raw)));

describe('compression of large values', () => {
  test('every kind of value round-trips compressed: model artifact, forecasts, product list, tagged values', async () => {
    const writer = fixture.system();
    const prefix = writer.options.prefix;
    const K = (name: string) => writer.keys.other(name);
    const artifact = modelArtifact('Pão Francês');
    const tagged = {
      at: new Date('2026-12-01T00:00:00Z'),
      beta: new Float64Array(600).map((_, i) => Math.sin(i)),
      m: new Map([['a', 1]]),
      n: [NaN, -0],
    };
    const kinds: { key: string; value: unknown; type: 'models' | 'predictions' | 'products' | 'other' }[] = [
      { key: writer.keys.model('Pão Francês'), value: artifact, type: 'models' },
      { key: writer.keys.prediction('Pão Francês', 30, undefined, 3), value: forecast('Pão Francês', 30), type: 'predictions' },
      { key: writer.keys.prediction('Pão Francês', 365, undefined, 3), value: forecast('Pão Francês', 365), type: 'predictions' },
      { key: writer.keys.products('all'), value: productList(2000), type: 'products' },
      { key: K('tagged'), value: tagged, type: 'other' },
    ];
    for (const k of kinds) expect(await writer.cache.set(k.key, k.value, 600, { type: k.type })).toBe(true);

    // Another instance (empty L1) reads each one from Redis.
    const reader = fixture.system({ prefix });
    for (const k of kinds) {
      const raw = await rawOf(writer, k.key);
      expect(compressedIn(raw), k.key).toBe(true);
      // Base64 of a typed array's bytes compresses least (≈ 1.3×); JSON of numbers and names over 2×.
      expect(raw.length).toBeLessThan(Buffer.byteLength(encode(k.value)) / (k.value === tagged ? 1.2 : 2));
      expect(storedExpiry(raw)).toBeGreaterThan(Date.now()); // the envelope stays readable in front of the frame
      const read = await reader.cache.get(k.key, { type: k.type });
      if (k.value === tagged) {
        const t = read as typeof tagged;
        expect(t.at.getTime()).toBe(tagged.at.getTime());
        expect(Buffer.from(t.beta.buffer).equals(Buffer.from(tagged.beta.buffer))).toBe(true);
        expect(t.m.get('a')).toBe(1);
        expect(Number.isNaN(t.n[0])).toBe(true);
        expect(Object.is(t.n[1], -0)).toBe(true);
      } else {
        expect(read).toEqual(k.value);
      }
    }
    const stats = writer.compression.stats();
    expect(stats).toMatchObject({ mode: 'auto', minBytes: 1024, entries: kinds.length });
    expect(stats.inputBytes).toBeGreaterThan(stats.outputBytes * 2);
    const info = await writer.getCacheInfo();
    expect(info.compression).toEqual(stats);
  });

  test('the wrappers: a live model from its compressed artifact, a forecast and its grace copy, a cached list', async () => {
    const writer = fixture.system({ grace: { periodSeconds: 60 } });
    const prefix = writer.options.prefix;
    const live = (system: CacheSystem, calls: { n: number }) =>
      cachedModel(
        async (product: string) => {
          calls.n++;
          return { artifact: modelArtifact(product), rebuilt: false };
        },
        { system, codec: { toCache: (m) => m.artifact, fromCache: (a) => ({ artifact: a as ReturnType<typeof modelArtifact>, rebuilt: true }) } },
      );
    const predict = (system: CacheSystem, calls: { n: number }) =>
      cachedPrediction(
        async (product: string, days: number) => {
          calls.n++;
          return forecast(product, days);
        },
        { system, version: () => 3 },
      );
    const list = (system: CacheSystem, calls: { n: number }) =>
      cached(
        async (n: number) => {
          calls.n++;
          return productList(n);
        },
        { system, type: 'products', key: (n) => `n${n}` },
      );
    const wrote = { n: 0 };
    await live(writer, wrote)('Broa');
    await predict(writer, wrote)('Broa', 90);
    await list(writer, wrote)(500);
    expect(wrote.n).toBe(3);
    const predictionKey = writer.keys.prediction('Broa', 90, undefined, 3);
    for (const key of [writer.keys.model('Broa'), predictionKey]) expect(compressedIn(await waitStored(writer, key)), key).toBe(true);
    expect(graceCompressed(await waitStored(writer, graceKey(predictionKey)))).toBe(true);
    const copy = readGrace(await rawOf(writer, graceKey(predictionKey)), Date.now());
    expect(JSON.parse(copy!.text)).toEqual(forecast('Broa', 90));

    const reader = fixture.system({ prefix, grace: { periodSeconds: 60 } });
    const read = { n: 0 };
    const model = await live(reader, read)('Broa');
    expect(model.rebuilt).toBe(true);
    expect(model.artifact).toEqual(modelArtifact('Broa'));
    expect(await predict(reader, read)('Broa', 90)).toEqual(forecast('Broa', 90));
    expect(await list(reader, read)(500)).toEqual(productList(500));
    expect(read.n).toBe(0); // all three from Redis
  });

  test('L1 keeps the decoded value: a second read is an L1 hit that returns the same object', async () => {
    const writer = fixture.system();
    const key = writer.keys.prediction('Sonho', 365, undefined, 3);
    await writer.cache.set(key, forecast('Sonho', 365), 600, { type: 'predictions' });
    const reader = fixture.system({ prefix: writer.options.prefix });
    const first = await reader.cache.lookup(key, { type: 'predictions' });
    const second = await reader.cache.lookup(key, { type: 'predictions' });
    expect(first?.tier).toBe('l2');
    expect(second?.tier).toBe('l1');
    expect(second?.value).toBe(first?.value);
  });

  test('old entries (no envelope, envelope) and compressed ones are read side by side in one Redis', async () => {
    const system = fixture.system();
    await system.connect();
    const client = redisClientOf(system);
    const prefix = system.options.prefix;
    const K = (name: string) => system.keys.other(name);
    const big = productList(300);
    const entries = {
      [K('bare')]: encode(big), // written before the envelope existed
      [K('envelope')]: wrapStored(encode(big), Date.now() + 600_000), // before compression
      [K('small')]: wrapStored(encode({ a: 1 }), Date.now() + 600_000),
    };
    for (const [key, raw] of Object.entries(entries)) await client.set(key, raw, 'EX', 600);
    await system.cache.set(K('new'), big, 600);
    expect(compressedIn(await rawOf(system, K('new')))).toBe(true);

    const reader = fixture.system({ prefix });
    expect(await reader.cache.get(K('bare'))).toEqual(big);
    expect(await reader.cache.get(K('envelope'))).toEqual(big);
    expect(await reader.cache.get(K('small'))).toEqual({ a: 1 });
    expect(await reader.cache.get(K('new'))).toEqual(big);
  });

  test('the threshold: below it a value is stored as text, from it on compressed', async () => {
    const system = fixture.system({ compression: { minBytes: 2000 } });
    const K = (name: string) => system.keys.other(name);
    const below = { s: 'x'.repeat(1980) }; // 1988 bytes encoded
    const at = { s: 'x'.repeat(1992) }; // 2000 bytes encoded
    expect(Buffer.byteLength(encode(below))).toBe(1988);
    expect(Buffer.byteLength(encode(at))).toBe(2000);
    await system.cache.set(K('below'), below, 600);
    await system.cache.set(K('at'), at, 600);
    const rawBelow = await rawOf(system, K('below'));
    expect(compressedIn(rawBelow)).toBe(false);
    expect(storedPayload(rawBelow.toString('utf8'))).toBe(encode(below));
    expect(compressedIn(await rawOf(system, K('at')))).toBe(true);
    expect(system.compression.stats()).toMatchObject({ entries: 1, inputBytes: 2000 });
  });

  test('a multi-byte value is measured in UTF-8 bytes', () => {
    const c = new Compression({ mode: 'auto', minBytes: 1000 });
    expect(typeof c.pack(JSON.stringify('ã'.repeat(400)))).toBe('string'); // 802 bytes
    expect(Buffer.isBuffer(c.pack(JSON.stringify('ã'.repeat(600))))).toBe(true); // 1202 bytes
  });

  test('off writes every value as text and still reads compressed ones', async () => {
    const auto = fixture.system();
    const prefix = auto.options.prefix;
    const K = (name: string) => auto.keys.other(name);
    const value = forecast('Bolo', 365);
    await auto.cache.set(K('from-auto'), value, 600);
    expect(compressedIn(await rawOf(auto, K('from-auto')))).toBe(true);

    const off = fixture.system({ prefix, compression: { mode: 'off' } });
    expect(await off.cache.get(K('from-auto'))).toEqual(value);
    await off.cache.set(K('from-off'), value, 600);
    const raw = await rawOf(off, K('from-off'));
    expect(compressedIn(raw)).toBe(false);
    expect(storedPayload(raw.toString('utf8'))).toBe(encode(value));
    expect(off.compression.stats()).toMatchObject({ mode: 'off', entries: 0, inputBytes: 0, outputBytes: 0 });
  });

  test('a corrupted frame is a miss: recomputed, and the bad value deleted', async () => {
    const writer = fixture.system();
    const prefix = writer.options.prefix;
    const K = (name: string) => writer.keys.other(name);
    const key = K('damaged');
    const value = productList(200);
    await writer.cache.set(key, value, 600);
    const good = await rawOf(writer, key);
    expect(compressedIn(good)).toBe(true);
    const client = redisClientOf(writer);

    // One byte flipped inside the frame (the checksum catches it), then a frame cut short.
    const flipped = Buffer.from(good);
    flipped[flipped.length - 20]! ^= 0xff;
    const cut = good.subarray(0, good.length - 40);
    for (const bad of [flipped, cut]) {
      await client.set(key, bad, 'EX', 600);
      const reader = fixture.system({ prefix });
      expect(await reader.cache.get(key)).toBeUndefined();
      await waitFor(async () => (await client.exists(key)) === 0, 5_000, 10, 'the damaged value to be deleted');
    }

    // Through a wrapper: the miss is recomputed and the good value written back.
    await client.set(key, flipped, 'EX', 600);
    const reader = fixture.system({ prefix });
    let calls = 0;
    const list = cached(
      async () => {
        calls++;
        return value;
      },
      { system: reader, key: () => 'damaged' }, // the key written above
    );
    expect(await list()).toEqual(value);
    expect(calls).toBe(1);
    await waitFor(
      async () => compressedIn(await rawOf(reader, key)) && !(await rawOf(reader, key)).equals(flipped),
      5_000,
      10,
      'the recomputed value',
    );
    expect(unpack(storedPayload(await rawOf(reader, key)))).toBe(encode(value));
  });

  test('a frame claiming a huge size is refused without allocating it', () => {
    // A zstd frame header declaring 4 GiB of content, and nothing else.
    const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0x00, 0x00, 0x00, 0x00, 0x01]);
    expect(() => unpack(Buffer.concat([Buffer.from([0, 90]), header]))).toThrow(/size/);
    expect(() => unpack(Buffer.from([0, 81, 1, 2, 3]))).toThrow(/unknown/);
  });

  test('data that does not compress is stored as it is', async () => {
    const system = fixture.system({ compression: { minBytes: 64 } });
    const prefix = system.options.prefix;
    const K = (name: string) => system.keys.other(name);
    const r = prng(42);
    const noise = Buffer.from(Array.from({ length: 96 }, () => Math.floor(r() * 256))).toString('base64'); // 128 characters
    const repetitive = 'ab'.repeat(64);
    await system.cache.set(K('noise'), noise, 600);
    await system.cache.set(K('repetitive'), repetitive, 600);
    const raw = await rawOf(system, K('noise'));
    expect(compressedIn(raw)).toBe(false);
    expect(storedPayload(raw.toString('utf8'))).toBe(JSON.stringify(noise));
    expect(compressedIn(await rawOf(system, K('repetitive')))).toBe(true);
    expect(system.compression.stats().entries).toBe(1);
    expect(await fixture.system({ prefix }).cache.get(K('noise'))).toBe(noise);
  });
});
