/**
 * The read-heavy workload shared by every contender: Zipf (s = 1) over a fixed key space, the hottest keys
 * (those that carry `hitShare` of the requests) prefilled, every other request sent to a never-seen key,
 * so each contender sees the same hit ratio whatever its speed. Values are shaped like a 30-day forecast.
 */

/** mulberry32: tiny, fast, seeded — the same seed gives every contender the same request sequence. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cumulative distribution of Zipf(s) over ranks 0..n-1 (rank 0 is the most popular). */
export function zipfCdf(n: number, s = 1): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / Math.pow(i + 1, s);
    cdf[i] = sum;
  }
  for (let i = 0; i < n; i++) cdf[i] /= sum;
  cdf[n - 1] = 1;
  return cdf;
}

/** Number of top ranks whose probability mass first reaches `share`. */
export function hotKeyCount(cdf: Float64Array, share: number): number {
  for (let i = 0; i < cdf.length; i++) if (cdf[i] >= share) return i + 1;
  return cdf.length;
}

/** `count` ranks drawn from the Zipf distribution (inverse-CDF by binary search). */
export function zipfSample(cdf: Float64Array, count: number, seed: number): Int32Array {
  const rnd = prng(seed);
  const out = new Int32Array(count);
  for (let j = 0; j < count; j++) {
    const u = rnd();
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    out[j] = lo;
  }
  return out;
}

export interface Workload {
  keySpace: number;
  hotKeys: number;
  /** Share of requests that target a prefilled key (the expected hit ratio). */
  expectedHitRatio: number;
  /** Request sequence: a rank < hotKeys is a prefilled key, anything else becomes a never-seen key. */
  ranks: Int32Array;
}

export function makeWorkload(opts: { keySpace?: number; s?: number; hitShare?: number; length?: number; seed?: number } = {}): Workload {
  const keySpace = opts.keySpace ?? 10_000;
  const cdf = zipfCdf(keySpace, opts.s ?? 1);
  const hotKeys = hotKeyCount(cdf, opts.hitShare ?? 0.9);
  return {
    keySpace,
    hotKeys,
    expectedHitRatio: cdf[hotKeys - 1],
    ranks: zipfSample(cdf, opts.length ?? 1 << 21, opts.seed ?? 42),
  };
}

// ---------------------------------------------------------------------------------------------
// Values: a 30-day forecast (~3 KB of JSON), derived from its key so any mix-up is detectable.

export interface ForecastDay {
  date: string;
  yhat: number;
  yhat_lower: number;
  yhat_upper: number;
}

export interface BenchForecast {
  key: string;
  product: string;
  days: number;
  model_version: number;
  generated_at: string;
  predictions: ForecastDay[];
}

function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 0, 1);

/** The value a contender's factory computes for `key`. Deterministic: same key → same value. */
export function makeForecast(key: string, days = 30): BenchForecast {
  const rnd = prng(hash32(key));
  const level = 50 + rnd() * 150;
  const predictions: ForecastDay[] = [];
  for (let d = 0; d < days; d++) {
    const yhat = level + 12 * Math.sin((2 * Math.PI * d) / 7) + rnd() * 6;
    const width = 8 + rnd() * 10;
    predictions.push({
      date: new Date(START + d * DAY_MS).toISOString().slice(0, 10),
      yhat,
      yhat_lower: yhat - width,
      yhat_upper: yhat + width,
    });
  }
  return {
    key,
    product: `product-${hash32(key) % 1000}`,
    days,
    model_version: 1 + (hash32(key) % 7),
    generated_at: new Date(START).toISOString(),
    predictions,
  };
}

/** Cheap check done on every returned value: it belongs to the requested key and is whole. */
export function valueMatchesKey(key: string, value: unknown): boolean {
  const v = value as Partial<BenchForecast> | null | undefined;
  return !!v && v.key === key && Array.isArray(v.predictions) && v.predictions.length === v.days;
}

/** Full check done on a sample: the value equals what the factory computes for that key. */
export function valueEqualsFactory(key: string, value: unknown): boolean {
  return JSON.stringify(value) === JSON.stringify(makeForecast(key));
}

// ---------------------------------------------------------------------------------------------
// Miss-heavy mix: most requests ask for a key nobody has asked for before; the rest repeat a recent one.

export interface MissHeavyWorkload {
  /** Share of requests drawn as never-seen keys (the rest repeat a recent key). */
  newShare: number;
  /** A repeat goes back between `minGap` and `maxGap` requests (then to that request's own never-seen key). */
  minGap: number;
  maxGap: number;
  /**
   * Request sequence: `source[j] === j` means request j asks for its own never-seen key, otherwise it repeats the
   * key of request `source[j]` (always an earlier request that asked for a never-seen key, at least `minGap` back).
   */
  source: Int32Array;
}

/**
 * The sequence every contender walks for the miss-heavy mix. Request i's key is `prefix + keyIndex(i)`: distinct
 * never-seen keys for distinct i (the run's prefix names contender, round and concurrency, so nothing repeats across
 * runs either), and a repeat names an earlier request's key, which that contender has computed and stored.
 */
export function makeMissHeavyWorkload(
  opts: { newShare?: number; minGap?: number; maxGap?: number; length?: number; seed?: number } = {},
): MissHeavyWorkload {
  const newShare = opts.newShare ?? 0.9;
  const minGap = opts.minGap ?? 256;
  const maxGap = opts.maxGap ?? 1024;
  const length = opts.length ?? 1 << 21;
  if (!(minGap >= 1 && maxGap >= minGap && length > maxGap)) throw new Error('miss-heavy workload: need 1 ≤ minGap ≤ maxGap < length');
  const rnd = prng(opts.seed ?? 42);
  const source = new Int32Array(length);
  for (let j = 0; j < length; j++) {
    source[j] = j;
    if (rnd() < newShare || j < minGap) continue;
    // Gap drawn uniformly from [minGap, min(maxGap, j)]; a repeat of a repeat points at the original request.
    const gap = minGap + Math.floor(rnd() * (Math.min(maxGap, j) - minGap + 1));
    source[j] = source[j - gap];
  }
  return { newShare, minGap, maxGap, source };
}

/**
 * Index whose never-seen key request i asks for. The sequence is walked modulo its length: a later pass gets fresh
 * indices (i − j + source[j]), so a key never comes back from an earlier pass.
 */
export function missHeavyKeyIndex(w: MissHeavyWorkload, i: number): number {
  const j = i % w.source.length;
  return i - j + w.source[j];
}

/** The miss-heavy mix's compute result: a small object, made at once, tied to its key. */
export interface SmallValue {
  key: string;
  qty: number;
}

export function makeSmallValue(key: string): SmallValue {
  return { key, qty: hash32(key) % 1000 };
}

export function smallValueMatchesKey(key: string, value: unknown): boolean {
  const v = value as Partial<SmallValue> | null | undefined;
  return !!v && v.key === key && typeof v.qty === 'number';
}

export function smallValueEqualsFactory(key: string, value: unknown): boolean {
  const v = value as Partial<SmallValue> | null | undefined;
  return !!v && v.key === key && v.qty === hash32(key) % 1000 && Object.keys(v).length === 2;
}
