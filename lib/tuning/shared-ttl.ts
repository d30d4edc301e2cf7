/**
 * The prediction TTL the fleet agreed on, published in Redis (`<prefix>:_meta:autotune:prediction-ttl`).
 *
 * Each instance sizes its own L1 (its memory, its evictions), but a prediction's TTL is shared semantics: every
 * instance writes the same keys, and two instances storing the same forecast for 300 s and for 1,200 s would make
 * its life depend on which one missed first. So one instance at a time (the `autotune` lock, never waited for)
 * evaluates the TTL for the window and publishes the result with the advisor's hysteresis trend; the others adopt
 * the published value at their next tick. The record carries the trend so that the confirmations count across
 * instances: whichever instance evaluates next continues the same streak.
 */
import { z } from 'zod';
import type { CacheSystem } from '@/lib/redis-cache';

const RECORD = 'autotune:prediction-ttl';

const SharedTtlSchema = z.object({
  ttlSeconds: z.number().int().positive(),
  trend: z.object({ direction: z.union([z.literal(-1), z.literal(0), z.literal(1)]), streak: z.number().int().min(0) }),
  evaluatedAt: z.number(),
  instanceId: z.string(),
});

export type SharedTtl = z.infer<typeof SharedTtlSchema>;

type SharedRecords = Pick<CacheSystem, 'readShared' | 'writeShared'>;

/** The published record; null when absent, unreadable or Redis is unavailable. */
export async function readSharedTtl(system: SharedRecords): Promise<SharedTtl | null> {
  try {
    const text = await system.readShared(RECORD);
    if (text === undefined) return null;
    const parsed = SharedTtlSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Publishes the fleet's TTL. Kept for a day or three intervals, whichever is longer, renewed at every evaluation:
 * an instance started meanwhile adopts it, and once no instance tunes any more it lapses.
 */
export async function writeSharedTtl(system: SharedRecords, record: SharedTtl, intervalSeconds: number): Promise<boolean> {
  return system.writeShared(RECORD, JSON.stringify(record), Math.max(86_400, 3 * intervalSeconds)).catch(() => false);
}
