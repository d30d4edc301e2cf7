import type { RedisOptions } from 'bullmq';

/** Where the job queue's Redis is: a standalone server or a Sentinel-managed master (database, credentials, TLS). */
export interface JobRedisTarget {
  host: string;
  port: number;
  db?: number;
  username?: string;
  password?: string;
  tls?: boolean;
  connectTimeoutMs?: number;
  /** Non-empty: Sentinel mode, the master named `sentinelName`. */
  sentinels?: { host: string; port: number }[];
  sentinelName?: string;
  sentinelPassword?: string;
}

/**
 * Connection options for the queue's own clients, never the cache's: BullMQ's blocking commands must wait
 * without a per-command timeout and without ioredis giving up after a few retries (`maxRetriesPerRequest: null`,
 * which BullMQ requires), while the cache's clients time out in milliseconds and sit behind a circuit breaker.
 *
 * `failFast` is for the producer side: with no offline queue a command fails at once while Redis is down, so a
 * caller falls back to in-process execution instead of waiting for a reconnect.
 */
export function jobConnectionOptions(target: JobRedisTarget, { failFast }: { failFast: boolean }): RedisOptions {
  return {
    host: target.host,
    port: target.port,
    db: target.db ?? 0,
    username: target.username,
    password: target.password,
    tls: target.tls ? {} : undefined,
    connectTimeout: target.connectTimeoutMs ?? 5_000,
    ...(target.sentinels?.length ? { sentinels: target.sentinels, name: target.sentinelName, sentinelPassword: target.sentinelPassword } : {}),
    maxRetriesPerRequest: null,
    enableOfflineQueue: !failFast,
    // Reconnect forever, at most every 2 s: a queue outlives a Redis restart.
    retryStrategy: (times) => Math.min(2_000, 50 * 2 ** Math.min(times, 6)),
  };
}
