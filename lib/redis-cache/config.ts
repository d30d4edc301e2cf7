/**
 * Configuration of the cache system (DESIGN.md §6), parsed from the environment with zod.
 *
 * The seed's variable names are a contract; the defaults are the seed's. Durations are **seconds** everywhere
 * (fractions allowed for the short Redis timeouts). A wrong value throws a {@link ConfigError} whose message names
 * every offending variable — never its value for secrets.
 */
import { z } from 'zod';

/** Secrets: never echoed in errors or logs. */
const SECRET_VARS = new Set(['REDIS_PASSWORD', 'REDIS_SENTINEL_PASSWORD', 'REDIS_URL']);

export class ConfigError extends Error {
  /** The environment variables that were rejected. */
  readonly variables: string[];
  constructor(problems: { variable: string; message: string }[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable}: ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
    this.variables = problems.map((p) => p.variable);
  }
}

const bool = (def: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return def;
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: 'expected true or false' });
      return z.NEVER;
    });

const num = (def: number, check: (n: number) => string | null) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return def;
      const n = Number(v);
      const problem = Number.isFinite(n) ? check(n) : 'expected a number';
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
      return n;
    });

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => (n: number) =>
  Number.isInteger(n) && n >= min && n <= max ? null : `expected an integer between ${min} and ${max}`;
const positive = (n: number) => (n > 0 ? null : 'expected a positive number');
const ttl = (def: number) => num(def, int(1, 365 * 24 * 3600));

const str = (def: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? def : v));

/** `host:port,host:port` → list; empty → []. */
const hostList = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (!v || !v.trim()) return [] as { host: string; port: number }[];
    const out: { host: string; port: number }[] = [];
    for (const part of v.split(',').map((s) => s.trim()).filter(Boolean)) {
      const m = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(part);
      const port = m ? Number(m[2]) : NaN;
      if (!m || port < 1 || port > 65535) {
        ctx.addIssue({ code: 'custom', message: `expected host:port[,host:port…], got "${part}"` });
        return z.NEVER;
      }
      out.push({ host: m[1].replace(/^\[|\]$/g, ''), port });
    }
    return out;
  });

const redisUrl = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (!v || !v.trim()) return null;
    try {
      const u = new URL(v.trim());
      if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error('scheme');
      return u;
    } catch {
      // The URL may hold a password: say what is wrong, not what it was.
      ctx.addIssue({ code: 'custom', message: 'expected redis://[user:password@]host[:port][/db] or rediss://…' });
      return z.NEVER;
    }
  });

const envSchema = z.object({
  REDIS_HOST: str('localhost'),
  REDIS_PORT: num(6379, int(1, 65535)),
  REDIS_DB: num(0, int(0, 15)),
  REDIS_PASSWORD: str(''),
  REDIS_USERNAME: str(''),
  REDIS_URL: redisUrl,
  REDIS_TLS: bool(false),
  REDIS_SENTINELS: hostList,
  REDIS_SENTINEL_NAME: str('mymaster'),
  REDIS_SENTINEL_PASSWORD: str(''),
  REDIS_CLUSTER_NODES: hostList,
  REDIS_CONNECT_TIMEOUT: num(5, positive),
  REDIS_SOCKET_TIMEOUT: num(5, positive),
  REDIS_COMMAND_TIMEOUT: num(0.5, positive),
  REDIS_RETRY_ON_TIMEOUT: bool(true),
  CACHE_ENABLED: bool(true),
  CACHE_PREFIX: str('ai_module').pipe(
    z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected 1–64 characters of A–Z a–z 0–9 _ . -'),
  ),
  CACHE_MODEL_TTL: ttl(21600),
  CACHE_PREDICTION_TTL: ttl(300),
  CACHE_PRODUCTS_TTL: ttl(600),
  CACHE_DEFAULT_TTL: ttl(300),
  CACHE_AUTO_WARMUP: bool(true),
  CACHE_L1_MAX_ENTRIES: num(10_000, int(0, 10_000_000)),
  CACHE_L1_MAX_BYTES: num(64 * 1024 * 1024, int(0)),
  CACHE_L1_TTL: num(60, int(1, 365 * 24 * 3600)),
  CACHE_BREAKER_COOLDOWN: num(1, positive),
  CACHE_ALERT_HIT_RATE_MIN: num(60, (n) => (n >= 0 && n <= 100 ? null : 'expected a percentage 0–100')),
  CACHE_ALERT_MIN_REQUESTS: num(100, int(0)),
  CACHE_ALERT_MEMORY_MAX_BYTES: num(100 * 1024 * 1024, int(1)),
  PORT: num(5001, int(1, 65535)),
  LOG_LEVEL: str('info').pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  LOG_FILE: z.string().optional().transform((v) => (v === undefined ? 'logs/ai_service.log' : v)),
  DATABASE_PATH: str('data/sales.db'),
});

export type RedisMode = 'standalone' | 'sentinel' | 'cluster';

export interface HostPort {
  host: string;
  port: number;
}

/** The validated configuration. Times are converted to the unit each consumer needs (named in the field). */
export interface CacheConfig {
  enabled: boolean;
  prefix: string;
  redis: {
    mode: RedisMode;
    host: string;
    port: number;
    db: number;
    username: string | undefined;
    password: string | undefined;
    tls: boolean;
    sentinels: HostPort[];
    sentinelName: string;
    sentinelPassword: string | undefined;
    clusterNodes: HostPort[];
    connectTimeoutMs: number;
    socketTimeoutMs: number;
    commandTimeoutMs: number;
    retryOnTimeout: boolean;
  };
  /** Seconds. */
  ttl: { models: number; predictions: number; products: number; other: number };
  autoWarmup: boolean;
  l1: { maxEntries: number; maxBytes: number; /** seconds an L1 copy of a value read from Redis may live */ ttl: number };
  breaker: { cooldownMs: number };
  alerts: { hitRateMinPercent: number; hitRateMinRequests: number; memoryMaxBytes: number };
  port: number;
  logLevel: string;
  logFile: string;
  databasePath: string;
}

/**
 * Parses and validates the environment. Throws {@link ConfigError} naming each invalid variable.
 * Pure: reads only `env`, connects to nothing.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): CacheConfig {
  const picked: Record<string, string | undefined> = {};
  for (const k of Object.keys(envSchema.shape)) picked[k] = env[k];
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const variable = String(i.path[0] ?? 'environment');
        return { variable, message: SECRET_VARS.has(variable) ? 'invalid value' : i.message };
      }),
    );
  }
  const e = parsed.data;
  const url = e.REDIS_URL;
  const mode: RedisMode = e.REDIS_CLUSTER_NODES.length ? 'cluster' : e.REDIS_SENTINELS.length ? 'sentinel' : 'standalone';
  const dbFromUrl = url && url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
  if (dbFromUrl !== undefined && !(Number.isInteger(dbFromUrl) && dbFromUrl >= 0 && dbFromUrl <= 15)) {
    throw new ConfigError([{ variable: 'REDIS_URL', message: 'database number in the path must be 0–15' }]);
  }
  const orUndef = (s: string) => (s === '' ? undefined : s);
  return {
    enabled: e.CACHE_ENABLED,
    prefix: e.CACHE_PREFIX,
    redis: {
      mode,
      // REDIS_URL wins over the separate variables for what it specifies.
      host: url ? url.hostname.replace(/^\[|\]$/g, '') || 'localhost' : e.REDIS_HOST,
      port: url && url.port ? Number(url.port) : url ? 6379 : e.REDIS_PORT,
      db: dbFromUrl ?? e.REDIS_DB,
      username: (url && decodeURIComponent(url.username)) || orUndef(e.REDIS_USERNAME),
      password: (url && decodeURIComponent(url.password)) || orUndef(e.REDIS_PASSWORD),
      tls: url ? url.protocol === 'rediss:' || e.REDIS_TLS : e.REDIS_TLS,
      sentinels: e.REDIS_SENTINELS,
      sentinelName: e.REDIS_SENTINEL_NAME,
      sentinelPassword: orUndef(e.REDIS_SENTINEL_PASSWORD),
      clusterNodes: e.REDIS_CLUSTER_NODES,
      connectTimeoutMs: Math.round(e.REDIS_CONNECT_TIMEOUT * 1000),
      socketTimeoutMs: Math.round(e.REDIS_SOCKET_TIMEOUT * 1000),
      commandTimeoutMs: Math.max(1, Math.round(e.REDIS_COMMAND_TIMEOUT * 1000)),
      retryOnTimeout: e.REDIS_RETRY_ON_TIMEOUT,
    },
    ttl: {
      models: e.CACHE_MODEL_TTL,
      predictions: e.CACHE_PREDICTION_TTL,
      products: e.CACHE_PRODUCTS_TTL,
      other: e.CACHE_DEFAULT_TTL,
    },
    autoWarmup: e.CACHE_AUTO_WARMUP,
    l1: { maxEntries: e.CACHE_L1_MAX_ENTRIES, maxBytes: e.CACHE_L1_MAX_BYTES, ttl: e.CACHE_L1_TTL },
    breaker: { cooldownMs: Math.round(e.CACHE_BREAKER_COOLDOWN * 1000) },
    alerts: {
      hitRateMinPercent: e.CACHE_ALERT_HIT_RATE_MIN,
      hitRateMinRequests: e.CACHE_ALERT_MIN_REQUESTS,
      memoryMaxBytes: e.CACHE_ALERT_MEMORY_MAX_BYTES,
    },
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    logFile: e.LOG_FILE,
    databasePath: e.DATABASE_PATH,
  };
}

/** "host:port/db" (or the node list) — for logs and the info endpoint; never credentials. */
export function describeRedisAddress(r: CacheConfig['redis']): string {
  if (r.mode === 'cluster') return r.clusterNodes.map((n) => `${n.host}:${n.port}`).join(',');
  if (r.mode === 'sentinel') return `${r.sentinelName}@${r.sentinels.map((n) => `${n.host}:${n.port}`).join(',')}/${r.db}`;
  return `${r.host}:${r.port}/${r.db}`;
}

/** "21600s (6h)", "300s (5min)", "90s (1min 30s)". */
export function formatTtl(seconds: number): string {
  const parts: string[] = [];
  let s = seconds;
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['min', 60], ['s', 1]] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  return `${seconds}s (${parts.join(' ') || '0s'})`;
}
