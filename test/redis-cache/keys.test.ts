import { describe, expect, test } from 'vitest';
import clusterSlot from 'cluster-key-slot';
import { decodeSegment, encodeSegment, KeyScheme } from '@/lib/redis-cache/keys';

const nasty = [
  'Pão de Açúcar',
  'Bolo',
  'Bolo*',
  'Bolo?',
  'Bolo[1]',
  'a:b',
  'a%3Ab',
  '{x}',
  'x}',
  'back\\slash',
  '',
  ' ',
  '~',
  '%',
  'Pão Francês',
  '日本',
];

describe('key scheme', () => {
  const k = new KeyScheme('ai_module');

  test('the documented key shapes', () => {
    expect(k.model('Bolo')).toBe('ai_module:model:{Bolo}');
    expect(k.prediction('Bolo', 7)).toBe('ai_module:prediction:{Bolo}:7:default');
    expect(k.prediction('Bolo', 7, undefined, 3)).toBe('ai_module:prediction:{Bolo}:7:v3');
    expect(k.prediction('Bolo', 7, { a: 1 }, 3)).toMatch(/^ai_module:prediction:\{Bolo\}:7:v3:[0-9a-f]{32}$/);
    expect(k.products()).toBe('ai_module:products_list');
    expect(k.hashed('fn', [1, 2])).toMatch(/^ai_module:[0-9a-f]{32}$/);
    expect(k.model('Pão de Açúcar')).toBe('ai_module:model:{P%C3%A3o%20de%20A%C3%A7%C3%BAcar}');
  });

  test('encoding is injective and reversible', () => {
    const enc = nasty.map(encodeSegment);
    expect(new Set(enc).size).toBe(nasty.length);
    for (const n of nasty) expect(decodeSegment(encodeSegment(n))).toBe(n);
  });

  test('no glob character, separator or brace survives encoding', () => {
    for (const n of nasty) expect(encodeSegment(n)).toMatch(/^(~|[A-Za-z0-9._%-]+)$/);
  });

  test('one hash tag per product: all its keys share a Cluster slot', () => {
    for (const n of nasty) {
      const slot = clusterSlot(k.model(n));
      expect(clusterSlot(k.prediction(n, 30, { x: 1 }, 9))).toBe(slot);
      expect(clusterSlot(k.prediction(n, 1))).toBe(slot);
    }
    // Known value from the Redis Cluster spec: CLUSTER KEYSLOT "123456789" = 12739.
    expect(clusterSlot('123456789')).toBe(12739);
  });

  test('argument hashes are order-independent for object keys and type-sensitive', () => {
    expect(k.hashed('f', [{ a: 1, b: 2 }])).toBe(k.hashed('f', [{ b: 2, a: 1 }]));
    expect(k.hashed('f', [1])).not.toBe(k.hashed('f', ['1']));
    expect(k.hashed('f', [new Date(1)])).not.toBe(k.hashed('f', [new Date(2)]));
    expect(k.hashed('f', [1])).not.toBe(k.hashed('g', [1]));
  });

  test('custom keys cannot impersonate reserved keys', () => {
    expect(k.other('products_list')).not.toBe(k.products());
    expect(k.typeOf(k.other('products_list'))).toBe('other');
    expect(k.typeOf(k.other('model:{x}'))).toBe('other');
    expect(k.typeOf(k.model('x'))).toBe('models');
    expect(k.typeOf('ai_module:_meta:stats')).toBeNull();
    expect(k.typeOf('other_prefix:model:{x}')).toBeNull();
  });

  test('prefixes with glob characters are refused', () => {
    expect(() => new KeyScheme('ai*')).toThrow();
    expect(() => new KeyScheme('a[b]')).toThrow();
  });

  test('the encoding is the byte-wise percent-encoding of the UTF-8 bytes for every character', () => {
    const reference = (text: string) =>
      [...Buffer.from(text, 'utf8')]
        .map((b) =>
          /[A-Za-z0-9._-]/.test(String.fromCharCode(b)) && b < 128 ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0'),
        )
        .join('');
    const chars = [...Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)), 'ã', 'ç', '€', '日', '😀'];
    for (const c of chars) expect(encodeSegment(`a${c}b`)).toBe(reference(`a${c}b`));
    // A lone surrogate can't go through the native encoder; it still gets an encoding without glob characters.
    expect(encodeSegment('x\ud800')).toMatch(/^[A-Za-z0-9._%-]+$/);
  });
});
