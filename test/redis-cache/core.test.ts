/** The get-or-compute core's own promises: what it sends to Redis, what it publishes, and its events. */
import dc from 'node:diagnostics_channel';
import { describe, expect, test } from 'vitest';
import { CACHE_CHANNELS, cached, type CacheEventMessage } from '@/lib/redis-cache';
import { waitFor } from '@/test/helpers/redis-server';
import { usePrivateRedis } from './setup';

const fixture = usePrivateRedis();

/** Calls per command name on the private server since the last `CONFIG RESETSTAT`. */
async function commandCalls(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await fixture.redis().cli('INFO', 'commandstats')).split('\n')) {
    const m = /^cmdstat_([a-z|]+):calls=(\d+)/.exec(line.trim());
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

describe('get-or-compute core', () => {
  test('a miss is one GET and one SET, with no broadcast; an explicit set is broadcast', async () => {
    const a = fixture.system();
    const b = fixture.system({ prefix: a.options.prefix });
    await Promise.all([a.connect(), b.connect()]);
    const f = cached(async (k: string) => ({ k }), { ttl: 60, system: a, key: (k: string) => `core:${k}` });
    await fixture.redis().cli('CONFIG', 'RESETSTAT');
    for (let i = 0; i < 20; i++) await f(`miss${i}`);
    await waitFor(async () => ((await commandCalls()).set ?? 0) >= 20, 5000, 10, 'the 20 writes');
    const afterMisses = await commandCalls();
    expect(afterMisses.get).toBe(20);
    expect(afterMisses.set).toBe(20);
    expect(afterMisses.publish ?? 0).toBe(0);
    expect(afterMisses.pttl ?? 0).toBe(0);

    // b holds a copy; a's explicit set must reach it (broadcast), so b reads the new value.
    expect(await b.cache.get(a.keys.other('core:miss0'))).toEqual({ k: 'miss0' });
    await a.cache.set(a.keys.other('core:miss0'), { k: 'changed' }, 60);
    expect((await commandCalls()).publish).toBe(1);
    await waitFor(async () => (await b.cache.get<{ k: string }>(b.keys.other('core:miss0')))?.k === 'changed', 5000, 10, 'b sees the new value');
  });

  test('events go out on the diagnostics channels, tagged with the system; a throwing listener changes nothing', async () => {
    const s = fixture.system({}, null);
    const other = fixture.system({}, null);
    const seen: CacheEventMessage<'lookup'>[] = [];
    const raw = (m: unknown) => seen.push(m as CacheEventMessage<'lookup'>);
    dc.subscribe(CACHE_CHANNELS.lookup, raw);
    const stop = s.events.on('lookup', () => {
      throw new Error('a buggy observer');
    });
    try {
      const f = cached(async () => 42, { ttl: 60, system: s, key: () => 'answer' });
      const g = cached(async () => 7, { ttl: 60, system: other, key: () => 'answer' });
      expect(await f()).toBe(42);
      expect(await f()).toBe(42);
      expect(await g()).toBe(7);
      const mine = seen.filter((e) => e.instanceId === s.instanceId);
      expect(mine.map((e) => `${e.type}:${e.result}:${e.tier}`)).toEqual(['other:miss:null', 'other:hit:l1']);
      expect(seen.filter((e) => e.instanceId === other.instanceId)).toHaveLength(1);
    } finally {
      stop();
      dc.unsubscribe(CACHE_CHANNELS.lookup, raw);
    }
  });
});
