// Smoke test of the benchmark harness (bench code is code): workload shape, value checks, stats, result files.
// It measures nothing and asserts on no timing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  hotKeyCount,
  makeForecast,
  makeMissHeavyWorkload,
  makeSmallValue,
  makeWorkload,
  missHeavyKeyIndex,
  smallValueEqualsFactory,
  smallValueMatchesKey,
  valueEqualsFactory,
  valueMatchesKey,
  zipfCdf,
  zipfSample,
} from '../bench/lib/workload';
import { median, percentiles, spread } from '../bench/lib/stats';
import { trace } from '../bench/smart';
import { goalsTable, readResult, renderMarkdownTable, writeResult, type BenchResult } from '../bench/lib/results';

describe('bench workload', () => {
  it('draws Zipf(s=1): rank r is about (r+1)× rarer than rank 0', () => {
    const cdf = zipfCdf(10_000, 1);
    const ranks = zipfSample(cdf, 400_000, 7);
    const counts = new Map<number, number>();
    for (const r of ranks) counts.set(r, (counts.get(r) ?? 0) + 1);
    const c0 = counts.get(0)!;
    expect(c0 / counts.get(1)!).toBeGreaterThan(1.8);
    expect(c0 / counts.get(1)!).toBeLessThan(2.2);
    expect(c0 / counts.get(9)!).toBeGreaterThan(8);
    expect(c0 / counts.get(9)!).toBeLessThan(12);
    // rank 0 carries 1/H(10000) ≈ 10.2 % of the requests
    expect(c0 / ranks.length).toBeCloseTo(1 / 9.7876, 2);
    expect(ranks.reduce((m, r) => Math.max(m, r), 0)).toBeLessThan(10_000);
    expect(ranks.reduce((m, r) => Math.min(m, r), 1e9)).toBe(0);
  });

  it('prefills the smallest set of hottest keys that carries 90 % of requests', () => {
    const cdf = zipfCdf(10_000, 1);
    const k = hotKeyCount(cdf, 0.9);
    expect(cdf[k - 1]).toBeGreaterThanOrEqual(0.9);
    expect(cdf[k - 2]).toBeLessThan(0.9);
    const w = makeWorkload({ length: 200_000, seed: 3 });
    expect(w.hotKeys).toBe(k);
    const hits = w.ranks.reduce((n, r) => n + (r < w.hotKeys ? 1 : 0), 0) / w.ranks.length;
    expect(hits).toBeGreaterThan(0.89);
    expect(hits).toBeLessThan(0.91);
  });

  it('is the same sequence for the same seed and a different one for another seed', () => {
    const a = makeWorkload({ length: 1000, seed: 42 }).ranks;
    const b = makeWorkload({ length: 1000, seed: 42 }).ranks;
    const c = makeWorkload({ length: 1000, seed: 43 }).ranks;
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });

  it('builds ~3 KB 30-day forecasts tied to their key', () => {
    const v = makeForecast('ours:fc:12');
    const bytes = Buffer.byteLength(JSON.stringify(v));
    expect(bytes).toBeGreaterThan(2500);
    expect(bytes).toBeLessThan(4000);
    expect(v.predictions).toHaveLength(30);
    expect(makeForecast('ours:fc:12')).toEqual(v);
    expect(valueMatchesKey('ours:fc:12', v)).toBe(true);
    expect(valueMatchesKey('ours:fc:13', v)).toBe(false);
    expect(valueMatchesKey('ours:fc:12', null)).toBe(false);
    expect(valueMatchesKey('ours:fc:12', { ...v, predictions: v.predictions.slice(1) })).toBe(false);
    expect(valueEqualsFactory('ours:fc:12', JSON.parse(JSON.stringify(v)))).toBe(true);
    const tampered = structuredClone(v);
    tampered.predictions[3].yhat += 1;
    expect(valueEqualsFactory('ours:fc:12', tampered)).toBe(false);
    expect(valueMatchesKey('ours:fc:12', tampered)).toBe(true); // the cheap check can't see it; the sampled deep check does
  });
});

describe('bench miss-heavy workload', () => {
  it('asks for a fresh key 90 % of the time and repeats a recent never-seen key otherwise', () => {
    const w = makeMissHeavyWorkload({ length: 200_000, seed: 5 });
    let fresh = 0;
    for (let j = 0; j < w.source.length; j++) {
      const s = w.source[j];
      if (s === j) {
        fresh++;
        continue;
      }
      expect(j - s).toBeGreaterThanOrEqual(w.minGap);
      expect(w.source[s]).toBe(s); // a repeat always names a request that asked for its own never-seen key
    }
    expect(fresh / w.source.length).toBeGreaterThan(0.89);
    expect(fresh / w.source.length).toBeLessThan(0.91);
  });

  it('never hands out a never-seen key twice, also past the end of the sequence', () => {
    const w = makeMissHeavyWorkload({ length: 10_000, seed: 9 });
    const seen = new Set<number>();
    for (let i = 0; i < 35_000; i++) {
      const k = missHeavyKeyIndex(w, i);
      const isNew = w.source[i % w.source.length] === i % w.source.length;
      if (isNew) {
        expect(k).toBe(i);
        expect(seen.has(k)).toBe(false);
        seen.add(k);
      } else expect(seen.has(k)).toBe(true);
    }
  });

  it('is the same sequence for the same seed', () => {
    const a = makeMissHeavyWorkload({ length: 5000, seed: 42 }).source;
    const b = makeMissHeavyWorkload({ length: 5000, seed: 42 }).source;
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  it('builds small values tied to their key', () => {
    const v = makeSmallValue('ours.miss.mh.0.1.77');
    expect(Buffer.byteLength(JSON.stringify(v))).toBeLessThan(64);
    expect(smallValueMatchesKey('ours.miss.mh.0.1.77', v)).toBe(true);
    expect(smallValueMatchesKey('ours.miss.mh.0.1.78', v)).toBe(false);
    expect(smallValueEqualsFactory('ours.miss.mh.0.1.77', JSON.parse(JSON.stringify(v)))).toBe(true);
    expect(smallValueEqualsFactory('ours.miss.mh.0.1.77', { ...v, qty: v.qty + 1 })).toBe(false);
  });
});

describe('bench stats and results', () => {
  it('computes median, spread and nearest-rank percentiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(spread([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, runs: [5, 1, 3] });
    const buf = new Float64Array(200);
    for (let i = 0; i < 100; i++) buf[i] = 100 - i; // 100..1, rest unused
    expect(percentiles(buf, 100, [50, 99, 100])).toEqual([50, 99, 100]);
  });

  it('writes a result file that reads back, and renders goals with PASS/MISS', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-results-'));
    const result: BenchResult = {
      name: 'demo',
      title: 'Demo',
      env: {
        date: new Date(0).toISOString(),
        node: process.version,
        redis: '7.0.15',
        os: 'linux',
        cpuModel: 'cpu',
        cores: 2,
        memoryGiB: 24,
        loadavgBefore: [0.1, 0.2, 0.3],
        pinning: { node: '0', redis: '1' },
        gitCommit: 'abc',
        command: 'npm run bench -- demo',
      },
      config: { rounds: 3 },
      tables: [{ title: 'T', columns: ['a', 'b|c'], rows: [['x', '1']] }],
      goals: [
        { name: 'fast', target: '≥ 2×', actual: '2.5×', pass: true },
        { name: 'slow', target: '≥ 3×', actual: '1.2×', pass: false },
      ],
      figures: { opsPerSec: spread([1, 2, 3]) },
      durationSec: 1,
    };
    writeResult(result, dir);
    expect(fs.readdirSync(dir)).toEqual(['demo.json']);
    expect(readResult('demo', dir)).toEqual(result);
    const md = renderMarkdownTable(goalsTable(result.goals));
    expect(md).toContain('| fast | ≥ 2× | 2.5× | PASS |');
    expect(md).toContain('| slow | ≥ 3× | 1.2× | MISS |');
    expect(renderMarkdownTable(result.tables[0])).toContain('b\\|c');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('smart warm-up trace', () => {
  it('is deterministic, and has a daily rhythm and a long tail', () => {
    const a = trace(48, 300);
    expect(trace(48, 300)).toEqual(a);
    expect(a.length).toBeGreaterThan(48 * 100);
    // Per hour of day: the busiest hour has several times the quietest one's requests.
    const byHour = new Array<number>(24).fill(0);
    for (const r of a) byHour[new Date(r.t).getUTCHours()]! += 1;
    expect(Math.max(...byHour)).toBeGreaterThan(3 * Math.min(...byHour));
    // The most asked product has several times the requests of the least asked one.
    const byProduct = new Map<string, number>();
    for (const r of a) byProduct.set(r.product, (byProduct.get(r.product) ?? 0) + 1);
    const counts = [...byProduct.values()];
    expect(Math.max(...counts)).toBeGreaterThan(4 * Math.min(...counts));
  });
});
