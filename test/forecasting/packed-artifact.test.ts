import { describe, expect, test } from 'vitest';
import { parseModelArtifact, type ModelArtifact } from '@/lib/forecasting/model-artifact';
import { packArtifact, shuffleFloat64, unpackArtifact, unshuffleFloat64 } from '@/lib/forecasting/packed-artifact';
import { decode, encode } from '@/lib/redis-cache/codec';
import { fakeFit, WINDOW } from './fake-fit';

/** A valid artifact with three years of daily series and awkward doubles in every packed array. */
function artifact(): ModelArtifact {
  const fit = fakeFit();
  const ds = Array.from({ length: 1095 }, (_, i) => 1_701_475_200 + i * 86_400);
  const awkward = [-0, 5e-324, Number.MAX_VALUE, -1.7976931348623157e308, 0.1 + 0.2, Math.PI];
  return {
    ...fit,
    format: 1,
    product: 'Pão Francês',
    version: 4,
    trainedAt: '2026-12-01T10:00:00.000Z',
    window: WINDOW,
    series: { ds, y: ds.map((_, i) => (i * 37) % 181) },
    params: { ...fit.params, delta: awkward, beta: [...awkward].reverse(), trend: ds.map((_, i) => 0.45 + i * 1.1e-5 + Math.sin(i) * 1e-9) },
  };
}

const bits = (values: readonly number[]) => Buffer.from(Float64Array.from(values).buffer);

describe('packed model artifact (the cache form)', () => {
  test('shuffled Float64 bytes come back bit for bit, -0 included', () => {
    const values = [-0, 0, 1e-300, -1e300, 42, 0.1];
    const back = unshuffleFloat64(shuffleFloat64(values));
    expect(bits(back).equals(bits(values))).toBe(true);
    expect(Object.is(back[0], -0)).toBe(true);
    expect(unshuffleFloat64(shuffleFloat64([]))).toEqual([]);
  });

  test('through the cache codec and back, the artifact is exactly the original and passes its schema', () => {
    const original = artifact();
    const stored = decode(encode(packArtifact(original)));
    const back = parseModelArtifact(unpackArtifact(stored));
    expect(back).toEqual(original);
    for (const [a, b] of [
      [back.series.ds, original.series.ds],
      [back.params.delta, original.params.delta],
      [back.params.trend, original.params.trend],
    ] as const) {
      expect(bits(a).equals(bits(b))).toBe(true);
    }
    expect(JSON.stringify(back)).toBe(JSON.stringify(original)); // same field order, no packing mark left
  });

  test('a plain artifact (written by an earlier version) is read as it is', () => {
    const plain = JSON.parse(JSON.stringify(artifact())) as unknown;
    expect(unpackArtifact(plain)).toBe(plain);
    expect(parseModelArtifact(unpackArtifact(plain))).toEqual(plain); // (JSON itself turned -0 into 0)
  });

  test('a packed artifact without its packing mark fails the schema (what an older version sees: a miss)', () => {
    const { packing: _packing, ...unmarked } = decode(encode(packArtifact(artifact()))) as Record<string, unknown>;
    expect(() => parseModelArtifact(unpackArtifact(unmarked))).toThrow();
  });

  test('an unknown packing or damaged arrays throw (the read is a miss)', () => {
    const packed = packArtifact(artifact());
    expect(() => unpackArtifact({ ...packed, packing: 2 })).toThrow(/packing 2/);
    expect(() => unpackArtifact({ ...packed, params: { ...packed.params, trend: new Uint8Array(7) } })).toThrow(/Float64 bytes/);
    expect(() => unpackArtifact({ ...packed, series: { ds: [1, 2], y: packed.series.y } })).toThrow(/Float64 bytes/);
  });
});
