/**
 * A token bucket per management action ("clear", "warm-up", "retrain"), process-wide: `limit` calls at once, refilled
 * evenly over a minute. Not keyed by caller address on purpose: without a trusted proxy the address comes from a
 * header a client can set (see caller.ts), and a per-address limit would let a client rotate addresses to bypass it.
 * Destructive calls are rare operator actions, so one shared budget per action is the robust choice.
 */
import { processSingleton } from '@/lib/redis-cache';

export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds until one more call is allowed (0 when allowed). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  limit: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Takes one token from `key`'s bucket when there is one. */
  take(key: string, limitPerMinute: number): RateLimitDecision {
    const now = this.now();
    const refillPerMs = limitPerMinute / 60_000;
    let bucket = this.buckets.get(key);
    if (bucket === undefined || bucket.limit !== limitPerMinute) {
      bucket = { tokens: limitPerMinute, updatedAt: now, limit: limitPerMinute };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(limitPerMinute, bucket.tokens + (now - bucket.updatedAt) * refillPerMs);
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000)) };
  }

  reset(): void {
    this.buckets.clear();
  }
}

/** The process' limiter: every route bundle and `next dev` reload shares one budget. */
export function adminRateLimiter(): RateLimiter {
  return processSingleton('admin-rate-limiter', () => new RateLimiter());
}
