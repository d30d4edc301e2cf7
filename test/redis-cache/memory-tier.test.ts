import { describe, expect, test } from 'vitest';
import { jsonCodec } from '@/lib/redis-cache/entry-codec';
import { MemoryTier, type MemoryEntry } from '@/lib/redis-cache/memory-tier';

const entry = (value: unknown, bytes = 10, ttlMs = 60_000): MemoryEntry => ({
  value,
  expiresAt: Date.now() + ttlMs,
  bytes,
  type: 'other',
  origin: 'local',
  costMs: 0,
  ref: false,
  codec: jsonCodec,
});

describe('memory tier', () => {
  test('bounded by entries: the least recently used goes first', () => {
    const m = new MemoryTier(3, 1_000_000);
    m.set('a', entry(1));
    m.set('b', entry(2));
    m.set('c', entry(3));
    m.get('a', Date.now()); // a is used: b is now the least recently used
    m.set('d', entry(4));
    expect(m.size).toBe(3);
    expect(m.get('b', Date.now())).toBeUndefined();
    expect(m.get('a', Date.now())?.value).toBe(1);
    expect(m.get('d', Date.now())?.value).toBe(4);
  });

  test('bounded by bytes; a value bigger than the bound is not stored', () => {
    const m = new MemoryTier(100, 100);
    for (let i = 0; i < 10; i++) m.set(`k${i}`, entry(i, 30));
    expect(m.stats().bytes).toBeLessThanOrEqual(100);
    expect(m.set('huge', entry('x', 101))).toBe(false);
    expect(m.get('huge', Date.now())).toBeUndefined();
  });

  test('expired entries are not served', () => {
    const m = new MemoryTier(10, 1000);
    m.set('a', entry(1, 10, -1));
    expect(m.get('a', Date.now())).toBeUndefined();
    expect(m.size).toBe(0);
  });

  test('replacing a key keeps the byte count right', () => {
    const m = new MemoryTier(10, 1000);
    m.set('a', entry(1, 100));
    m.set('a', entry(2, 50));
    expect(m.stats()).toMatchObject({ entries: 1, bytes: 50 });
    m.delete('a');
    expect(m.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });
});
