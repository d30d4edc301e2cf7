import { describe, expect, it } from 'vitest';
import { HOUR_MS, type UsageHour } from '@/lib/redis-cache';
import { redisClientOf, usePrivateRedis } from './setup';

const env = usePrivateRedis();
let n = 0;
const sharedPrefix = () => `usage${process.pid}_${++n}`;

/** The count of one pair in one hour (0 when absent). */
function countOf(hour: UsageHour | undefined, product: string, days: number): number {
  return hour?.counts.find((c) => c.product === product && c.days === days)?.count ?? 0;
}

describe('usage tracking', () => {
  it('sums the counts of two instances in Redis, per product, horizon and hour', async () => {
    const prefix = sharedPrefix();
    const a = env.system({ prefix });
    const b = env.system({ prefix });
    await Promise.all([a.connect(), b.connect()]);
    const now = Date.now();
    for (let i = 0; i < 3; i++) a.usage.record('Pão de Queijo', 7, now);
    b.usage.record('Pão de Queijo', 7, now);
    b.usage.record('Bolo', 30, now);
    b.usage.record('Bolo', 30, now - HOUR_MS);
    await a.usage.flush();

    const seen = await b.usage.hours(now - HOUR_MS, now);
    expect(seen.source).toBe('redis');
    expect(seen.hours).toHaveLength(2);
    expect(countOf(seen.hours[1], 'Pão de Queijo', 7)).toBe(4);
    expect(countOf(seen.hours[1], 'Bolo', 30)).toBe(1);
    expect(countOf(seen.hours[0], 'Bolo', 30)).toBe(1);
    expect(countOf(seen.hours[0], 'Pão de Queijo', 7)).toBe(0);
    // A reads what B flushed too.
    const fromA = await a.usage.hours(now, now);
    expect(countOf(fromA.hours[0], 'Pão de Queijo', 7)).toBe(4);
  });

  it('keeps the counts across a restart of the instance, and across a cache clear', async () => {
    const prefix = sharedPrefix();
    const first = env.system({ prefix });
    await first.connect();
    const now = Date.now();
    first.usage.record('Café', 7, now);
    first.usage.record('Café', 7, now);
    await first.close(); // flushes

    const second = env.system({ prefix });
    await second.connect();
    await second.clear('all');
    const seen = await second.usage.hours(now, now);
    expect(countOf(seen.hours[0], 'Café', 7)).toBe(2);
    // The hour hash expires (15 days by default): bounded in time as well as in fields.
    const ttl = await redisClientOf(second).ttl(second.usage.hourKey(now));
    expect(ttl).toBeGreaterThan(14 * 24 * 3600);
    expect(ttl).toBeLessThanOrEqual(15 * 24 * 3600);
  });

  it('holds at most maxFieldsPerHour pairs per hour, across instances, and counts what it drops', async () => {
    const prefix = sharedPrefix();
    const a = env.system({ prefix, usage: { maxFieldsPerHour: 3 } });
    const b = env.system({ prefix, usage: { maxFieldsPerHour: 3 } });
    await Promise.all([a.connect(), b.connect()]);
    const now = Date.now();
    a.usage.record('p1', 7, now);
    a.usage.record('p2', 7, now);
    b.usage.record('p3', 7, now);
    b.usage.record('p4', 7, now);
    await Promise.all([a.usage.flush(), b.usage.flush()]);
    // Known pairs still count once the hour is full.
    a.usage.record('p1', 7, now);
    b.usage.record('p5', 7, now);
    await Promise.all([a.usage.flush(), b.usage.flush()]);

    expect(await redisClientOf(a).hlen(a.usage.hourKey(now))).toBe(3);
    const seen = await a.usage.hours(now, now);
    expect(seen.hours[0].counts).toHaveLength(3);
    expect(countOf(seen.hours[0], 'p1', 7)).toBe(2);
    expect(a.usage.dropped + b.usage.dropped).toBe(2);
  });

  it('counts in this process while Redis is unavailable', async () => {
    const solo = env.system({}, null);
    await solo.connect();
    const now = Date.now();
    solo.usage.record('Bolo', 7, now);
    solo.usage.record('Bolo', 7, now);
    const seen = await solo.usage.hours(now, now);
    expect(seen.source).toBe('local');
    expect(countOf(seen.hours[0], 'Bolo', 7)).toBe(2);
  });
});
