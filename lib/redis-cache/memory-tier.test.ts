import { describe, expect, it } from 'vitest';
import { jsonCodec } from './entry-codec';
import { MemoryTier, type MemoryEntry } from './memory-tier';

const entry = (): MemoryEntry => ({
  value: 1,
  expiresAt: Date.now() + 60_000,
  bytes: 10,
  type: 'other',
  origin: 'local',
  costMs: 0,
  ref: false,
  codec: jsonCodec,
});

function filled(n: number, bound = n): MemoryTier {
  const tier = new MemoryTier(bound, 1_000_000);
  for (let i = 0; i < n; i++) tier.set(`k${i}`, entry());
  return tier;
}

describe('MemoryTier.resize', () => {
  it('shrinking keeps the most recently stored entries', () => {
    const tier = filled(100);
    tier.resize(10);
    expect(tier.size).toBe(10);
    expect(tier.maxEntries).toBe(10);
    for (let i = 90; i < 100; i++) expect(tier.get(`k${i}`, Date.now())).toBeDefined();
    expect(tier.get('k0', Date.now())).toBeUndefined();
    expect(tier.stats().evictions).toBe(90);
  });

  it('an entry read recently gets its second chance on a shrink', () => {
    const tier = filled(100);
    tier.get('k0', Date.now());
    tier.resize(10);
    expect(tier.get('k0', Date.now())).toBeDefined();
    expect(tier.size).toBe(10);
  });

  it('growing keeps everything and lets more in', () => {
    const tier = filled(10);
    tier.resize(20);
    for (let i = 10; i < 20; i++) tier.set(`k${i}`, entry());
    expect(tier.size).toBe(20);
    expect(tier.stats()).toMatchObject({ maxEntries: 20, evictions: 0 });
  });

  it('refuses a bound that is not a whole number ≥ 0', () => {
    const tier = filled(1);
    expect(() => tier.resize(-1)).toThrow(TypeError);
    expect(() => tier.resize(1.5)).toThrow(TypeError);
    expect(tier.maxEntries).toBe(1);
  });
});

describe('MemoryTier eviction (CLOCK)', () => {
  it('a full tier whose entries were all read still admits new entries and evicts old ones', () => {
    const tier = filled(3);
    const now = Date.now();
    for (let i = 0; i < 3; i++) tier.get(`k${i}`, now);
    // The hand clears every reference bit in one turn and then meets the entry just stored: it must pass it.
    tier.set('new1', entry());
    expect(tier.get('new1', now)).toBeDefined();
    expect(tier.size).toBe(3);
    // And again from wherever the hand stopped: each new entry is kept, the oldest unread ones go.
    for (let i = 2; i <= 5; i++) {
      tier.set(`new${i}`, entry());
      expect(tier.get(`new${i}`, now), `new${i}`).toBeDefined();
      expect(tier.size).toBe(3);
    }
    expect(tier.stats().evictions).toBe(5);
  });

  it('an entry read since the hand last passed survives the next eviction; an unread one does not', () => {
    const tier = filled(3);
    const now = Date.now();
    tier.get('k0', now);
    tier.set('k3', entry());
    expect(tier.get('k0', now)).toBeDefined();
    expect(tier.get('k1', now)).toBeUndefined();
    expect(tier.size).toBe(3);
  });
});
