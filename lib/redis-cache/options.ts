/**
 * The options of a cache system. The library reads no environment variable: the application builds these (its
 * own environment module maps the seed's variables onto them) and passes a logger. Everything is optional; the
 * defaults are the seed's (the README's configuration table). Times are in the unit their name says.
 */
import { DEFAULT_COMPRESSION, type CompressionOptions } from './compression';
import type { GraceRefresherOptions } from './grace-refresher';
import type { SavingsOptions } from './savings';
import type { UsageTrackerOptions } from './usage';
import type { CacheLogger } from './logger';

export type RedisMode = 'standalone' | 'sentinel' | 'cluster';

export interface HostPort {
  host: string;
  port: number;
}

export interface RedisConnectionOptions {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** Non-empty: Sentinel mode (the master is `sentinelName`). */
  sentinels: HostPort[];
  sentinelName: string;
  sentinelPassword?: string;
  /** Non-empty: Cluster mode (seed nodes); wins over `sentinels`. */
  clusterNodes: HostPort[];
  connectTimeoutMs: number;
  /** A connection that answered nothing for this long is re-established (and the TCP keep-alive delay). */
  socketTimeoutMs: number;
  /** Bound on one command: a hung Redis costs this once, then the breaker routes to memory. */
  commandTimeoutMs: number;
  /** Reconnect by itself with backoff; false: only the breaker's probe reconnects. */
  retryOnTimeout: boolean;
}

/** Seconds, per type of cached data. */
export interface TtlSeconds {
  models: number;
  predictions: number;
  products: number;
  other: number;
}

export interface AlertThresholds {
  hitRateMinPercent: number;
  hitRateMinRequests: number;
  memoryMaxBytes: number;
}

export interface CacheSystemOptions {
  /** false: wrapped functions always compute and nothing is stored. */
  enabled?: boolean;
  /** Every key starts with `<prefix>:`; clears and counts never touch other keys. */
  prefix?: string;
  redis?: Partial<RedisConnectionOptions>;
  ttl?: Partial<TtlSeconds>;
  /** The in-process tier: bounds, and the longest an L1 copy of a Redis value is served (seconds). */
  l1?: Partial<{ maxEntries: number; maxBytes: number; ttl: number }>;
  /** First wait before probing a failed Redis (doubles up to 10 s). */
  breaker?: Partial<{ cooldownMs: number }>;
  alerts?: Partial<AlertThresholds>;
  logger?: CacheLogger;
  /** Identifies this instance in pub/sub messages (default: random). */
  instanceId?: string;
  /** Usage tracking bounds (fields per hour, retention, flush interval); see usage.ts. */
  usage?: UsageTrackerOptions;
  /**
   * Grace copies of predictions (grace.ts): served stale for up to `periodSeconds` past their TTL when recomputing
   * fails (0 = off, the default), and refreshed in the background (grace-refresher.ts bounds).
   */
  grace?: { periodSeconds?: number } & GraceRefresherOptions;
  /**
   * Compression of large values in Redis (compression.ts): `auto` (default) compresses encoded values of at least
   * `minBytes` (default 1024); `off` writes everything uncompressed. Reads accept both forms in either mode.
   */
  compression?: Partial<CompressionOptions>;
  /** What hits saved, per product: how many products are reported and ranked (savings.ts). */
  savings?: SavingsOptions;
}

/** Options with every default applied and every value checked. */
export interface ResolvedCacheOptions {
  enabled: boolean;
  prefix: string;
  redis: RedisConnectionOptions & { mode: RedisMode };
  ttl: TtlSeconds;
  l1: { maxEntries: number; maxBytes: number; ttl: number };
  breaker: { cooldownMs: number };
  alerts: AlertThresholds;
  grace: { periodSeconds: number } & GraceRefresherOptions;
  compression: CompressionOptions;
}

export const DEFAULT_OPTIONS: Omit<ResolvedCacheOptions, 'redis'> & { redis: RedisConnectionOptions } = {
  enabled: true,
  prefix: 'ai_module',
  redis: {
    host: 'localhost',
    port: 6379,
    db: 0,
    username: undefined,
    password: undefined,
    tls: false,
    sentinels: [],
    sentinelName: 'mymaster',
    sentinelPassword: undefined,
    clusterNodes: [],
    connectTimeoutMs: 5000,
    socketTimeoutMs: 5000,
    commandTimeoutMs: 500,
    retryOnTimeout: true,
  },
  ttl: { models: 21_600, predictions: 300, products: 600, other: 300 },
  l1: { maxEntries: 10_000, maxBytes: 64 * 1024 * 1024, ttl: 60 },
  breaker: { cooldownMs: 1000 },
  alerts: { hitRateMinPercent: 60, hitRateMinRequests: 100, memoryMaxBytes: 100 * 1024 * 1024 },
  grace: { periodSeconds: 0 },
  compression: DEFAULT_COMPRESSION,
};

/** Fills in the defaults and checks what a caller could get wrong; throws a TypeError naming the option. */
export function resolveOptions(o: CacheSystemOptions = {}): ResolvedCacheOptions {
  const d = DEFAULT_OPTIONS;
  const redis = { ...d.redis, ...definedOnly(o.redis) };
  const out: ResolvedCacheOptions = {
    enabled: o.enabled ?? d.enabled,
    prefix: o.prefix ?? d.prefix,
    redis: { ...redis, mode: redis.clusterNodes.length ? 'cluster' : redis.sentinels.length ? 'sentinel' : 'standalone' },
    ttl: { ...d.ttl, ...definedOnly(o.ttl) },
    l1: { ...d.l1, ...definedOnly(o.l1) },
    breaker: { ...d.breaker, ...definedOnly(o.breaker) },
    alerts: { ...d.alerts, ...definedOnly(o.alerts) },
    grace: { ...d.grace, ...definedOnly(o.grace) },
    compression: { ...d.compression, ...definedOnly(o.compression) },
  };
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(out.prefix)) throw new TypeError('prefix must be 1–64 characters of A–Z a–z 0–9 _ . -');
  for (const [name, seconds] of Object.entries(out.ttl)) positive(`ttl.${name}`, seconds);
  positive('l1.ttl', out.l1.ttl);
  positive('breaker.cooldownMs', out.breaker.cooldownMs);
  positive('redis.commandTimeoutMs', out.redis.commandTimeoutMs);
  positive('redis.connectTimeoutMs', out.redis.connectTimeoutMs);
  if (!(out.grace.periodSeconds >= 0) || !Number.isFinite(out.grace.periodSeconds)) throw new TypeError('grace.periodSeconds must be ≥ 0');
  if (!(out.l1.maxEntries >= 0 && out.l1.maxBytes >= 0)) throw new TypeError('l1 bounds must be ≥ 0');
  if (out.compression.mode !== 'auto' && out.compression.mode !== 'off') throw new TypeError('compression.mode must be auto or off');
  if (!Number.isInteger(out.compression.minBytes) || out.compression.minBytes < 1)
    throw new TypeError('compression.minBytes must be a positive integer');
  return out;
}

function positive(name: string, n: number): void {
  if (!(n > 0) || !Number.isFinite(n)) throw new TypeError(`${name} must be a positive number`);
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (o) for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** "host:port/db" (or the node list) — for logs and the info endpoint; never credentials. */
export function describeRedisAddress(r: ResolvedCacheOptions['redis']): string {
  if (r.mode === 'cluster') return r.clusterNodes.map((n) => `${n.host}:${n.port}`).join(',');
  if (r.mode === 'sentinel') return `${r.sentinelName}@${r.sentinels.map((n) => `${n.host}:${n.port}`).join(',')}/${r.db}`;
  return `${r.host}:${r.port}/${r.db}`;
}
