import { describe, expect, test } from 'vitest';
import { decode, encode } from '@/lib/redis-cache/codec';
import { storedExpiry, storedPayload, wrapStored } from '@/lib/redis-cache/stored-form';

const roundTrip = <T>(v: T): T => decode(encode(v)) as T;

describe('codec', () => {
  test('plain JSON is stored as plain JSON', () => {
    const v = { a: 1, b: 'x', c: [true, null, 2.5], d: { e: 'ü' } };
    expect(encode(v)).toBe(JSON.stringify(v));
    expect(roundTrip(v)).toEqual(v);
  });

  test('Dates round-trip exactly, also nested and invalid ones', () => {
    const v = { at: new Date('2026-11-26T01:02:03.456Z'), list: [new Date(0)], bad: new Date(NaN) };
    const out = roundTrip(v);
    expect(out.at).toBeInstanceOf(Date);
    expect(out.at.getTime()).toBe(v.at.getTime());
    expect(out.list[0].getTime()).toBe(0);
    expect(Number.isNaN(out.bad.getTime())).toBe(true);
  });

  test('typed arrays round-trip bit for bit', () => {
    const f = new Float64Array([0.1, -0, Math.PI, Number.MIN_VALUE, Number.MAX_VALUE, NaN, Infinity, 1e-300]);
    const out = roundTrip({ beta: f, i32: new Int32Array([-1, 2 ** 31 - 1]), u8: new Uint8Array([0, 255]), b: new BigInt64Array([-5n]) });
    expect(out.beta).toBeInstanceOf(Float64Array);
    expect(Buffer.from(out.beta.buffer).equals(Buffer.from(f.buffer))).toBe(true);
    expect([...out.i32]).toEqual([-1, 2 ** 31 - 1]);
    expect(out.u8).toBeInstanceOf(Uint8Array);
    expect(out.b[0]).toBe(-5n);
  });

  test('a typed array view into a larger buffer encodes only its window', () => {
    const big = new Float64Array([1, 2, 3, 4]);
    const view = new Float64Array(big.buffer, 8, 2);
    expect([...roundTrip(view)]).toEqual([2, 3]);
  });

  test('Map, Set, BigInt and the numbers JSON loses', () => {
    const v = {
      m: new Map<unknown, unknown>([
        ['k', new Date(5)],
        [1, 'one'],
      ]),
      s: new Set([1, 'a']),
      n: 10n ** 30n,
      x: [NaN, -Infinity, -0],
    };
    const out = roundTrip(v);
    expect(out.m.get('k')).toEqual(new Date(5));
    expect(out.m.get(1)).toBe('one');
    expect(out.s.has('a')).toBe(true);
    expect(out.n).toBe(10n ** 30n);
    expect(Number.isNaN(out.x[0])).toBe(true);
    expect(out.x[1]).toBe(-Infinity);
    expect(Object.is(out.x[2], -0)).toBe(true);
  });

  test('user data that looks like a tag is not mistaken for one', () => {
    const v = { $t: 'Date', v: '2020-01-01T00:00:00.000Z', inner: { $t: 'Float64Array', v: 'AAAA' } };
    expect(roundTrip(v)).toEqual(v);
    expect(roundTrip([{ $t: 'Map', v: [] }])).toEqual([{ $t: 'Map', v: [] }]);
  });

  test('strings starting with ~ survive', () => {
    expect(roundTrip('~tilde')).toBe('~tilde');
    expect(roundTrip({ s: '~' })).toEqual({ s: '~' });
  });

  test('uncacheable values are refused, corrupt text throws (callers treat it as a miss)', () => {
    expect(() => encode(undefined)).toThrow(TypeError);
    expect(() => encode(() => 1)).toThrow(TypeError);
    expect(() => decode('{not json')).toThrow();
    expect(() => decode('~{"$t":"Nope","v":1}')).toThrow(/unknown codec tag/);
  });
});

describe('codec fast path', () => {
  test('plain data, class instances and null-prototype objects encode as JSON.stringify does', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    for (const v of [{ a: [1, 'x', null, { b: true }] }, new Point(2), bare, [undefined, 1], { u: undefined, n: 0 }]) {
      expect(encode(v)).toBe(JSON.stringify(v));
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encode(cyclic)).toThrow(TypeError);
  });
});

describe('stored form', () => {
  test('the expiry travels in front of the value; values without it are read as they are', () => {
    const text = encode({ a: 1, when: new Date(0) });
    const raw = wrapStored(text, 1_767_225_600_000);
    expect(raw.startsWith('@1767225600000@')).toBe(true);
    expect(storedExpiry(raw)).toBe(1_767_225_600_000);
    expect(decode(storedPayload(raw))).toEqual({ a: 1, when: new Date(0) });
    // Written by an earlier version or by a tool: no expiry known, the payload is the whole text.
    for (const plain of ['{"a":1}', '~{"$t":"Date","v":"1970-01-01T00:00:00.000Z"}', '42', '"@not an envelope"']) {
      expect(storedExpiry(plain)).toBeNaN();
      expect(storedPayload(plain)).toBe(plain);
    }
  });
});
