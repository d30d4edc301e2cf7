/**
 * The application's environment, parsed in one place with zod: every variable the service reads (the README's
 * configuration table), with one behaviour for all of them — an empty value means "unset" (a copied `.env` line),
 * booleans accept true/false, 1/0, yes/no, on/off in any case, and a wrong value throws a {@link ConfigError} that
 * names every offending variable (never a secret's value). The server's start hook parses it once and stops the
 * start on an error (lib/http/server-start.ts).
 *
 * The seed's variable names are a contract; the defaults are the seed's. Durations are **seconds** (fractions
 * allowed for the short Redis timeouts) and converted here to what each consumer takes.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { CacheSystemOptions, HostPort } from '@/lib/redis-cache';
import { calendarProblem, type HolidayCalendar } from '@/lib/forecasting/holidays';
import { MAX_DEMO_PRODUCTS } from '@/lib/forecasting/demo-catalogue';
import { DEMO_PRODUCTS } from '@/lib/forecasting/demo-data';
import { parseCurrency } from '@/lib/savings/currency';
import type { ComputePricing } from '@/lib/savings/savings-info';
import { parseAllowedHosts, type AllowedHosts } from './allowed-hosts';
import { ConfigError } from './config-error';

export { ConfigError };

/**
 * Secrets whose parse errors could echo the value: their messages are replaced. (CACHE_ADMIN_TOKEN's own checks
 * say what is wrong without quoting it.)
 */
const SECRET_VARS = new Set(['REDIS_PASSWORD', 'REDIS_SENTINEL_PASSWORD', 'REDIS_URL', 'DATABASE_URL']);

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

const int =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (n: number) =>
    Number.isInteger(n) && n >= min && n <= max ? null : `expected an integer between ${min} and ${max}`;
const positive = (n: number) => (n > 0 ? null : 'expected a positive number');
const ttl = (def: number) => num(def, int(1, 365 * 24 * 3600));

const intIn = (def: number, min: number, max: number) => num(def, int(min, max));

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
    if (!v || !v.trim()) return [] as HostPort[];
    const out: HostPort[] = [];
    for (const part of v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
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

/**
 * `postgres://user:password@host[:port]/database` (or `postgresql://`): selects PostgreSQL. Kept as text for the
 * driver, which also reads query parameters such as `sslmode`. Errors say what is wrong, never the value.
 */
const databaseUrl = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (!v || !v.trim()) return null;
    let u: URL;
    try {
      u = new URL(v.trim());
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected postgres://[user[:password]@]host[:port]/database' });
      return z.NEVER;
    }
    if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
      ctx.addIssue({ code: 'custom', message: 'expected a postgres:// or postgresql:// URL' });
      return z.NEVER;
    }
    if (!u.hostname) {
      ctx.addIssue({ code: 'custom', message: 'expected a host: postgres://[user[:password]@]host[:port]/database' });
      return z.NEVER;
    }
    return v.trim();
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
  JOB_CONCURRENCY: num(0, int(0, 64)),
  JOB_ATTEMPTS: num(3, int(1, 20)),
  JOB_BACKOFF: num(1000, int(0, 600_000)),
  CACHE_PREFIX: str('ai_module').pipe(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected 1–64 characters of A–Z a–z 0–9 _ . -')),
  CACHE_MODEL_TTL: ttl(21600),
  CACHE_PREDICTION_TTL: ttl(300),
  CACHE_PRODUCTS_TTL: ttl(600),
  CACHE_DEFAULT_TTL: ttl(300),
  // Seconds a prediction's last good value may be served stale past its TTL when recomputing fails; 0 = off.
  CACHE_GRACE_PERIOD: num(3600, int(0, 365 * 24 * 3600)),
  // Values of at least CACHE_COMPRESSION_MIN_BYTES are stored zstd-compressed in Redis (auto) or never (off);
  // reads accept both forms either way, so instances can be switched one at a time.
  CACHE_COMPRESSION: str('auto')
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.enum(['auto', 'off'], { message: 'expected auto or off' })),
  CACHE_COMPRESSION_MIN_BYTES: intIn(1024, 64, 64 * 1024 * 1024),
  CACHE_AUTO_WARMUP: bool(true),
  CACHE_SMART_WARMUP: str('usage')
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.enum(['off', 'usage', 'predictive'], { message: 'expected off, usage or predictive' })),
  CACHE_WARMUP_TOP_K: intIn(50, 1, 100_000),
  // Hit-rate-driven tuning (lib/tuning): apply the advisor's L1 size and prediction TTL, or only record them;
  // seconds between evaluations; the compute utilisation the desired-instances gauge aims at.
  CACHE_AUTOTUNE: bool(false),
  CACHE_AUTOTUNE_INTERVAL: intIn(300, 10, 86_400),
  CACHE_TARGET_UTILIZATION: num(0.6, (n) => (n > 0 && n <= 1 ? null : 'expected a ratio above 0 and at most 1')),
  // Business metrics: products reported by name in cache/info.savings, and the price of a CPU-second of compute.
  CACHE_SAVINGS_TOP_PRODUCTS: intIn(10, 1, 1000),
  CACHE_COST_PER_CPU_SECOND: num(0.0001, (n) => (n >= 0 && n <= 1_000_000 ? null : 'expected a number between 0 and 1000000')),
  CACHE_COST_CURRENCY: str('BRL').transform((v, ctx) => {
    const code = parseCurrency(v);
    if (code === null) {
      ctx.addIssue({ code: 'custom', message: 'expected an ISO 4217 currency code such as BRL, USD or EUR' });
      return z.NEVER;
    }
    return code;
  }),
  CACHE_L1_MAX_ENTRIES: num(10_000, int(0, 10_000_000)),
  CACHE_L1_MAX_BYTES: num(64 * 1024 * 1024, int(0)),
  CACHE_L1_TTL: num(60, int(1, 365 * 24 * 3600)),
  CACHE_BREAKER_COOLDOWN: num(1, positive),
  CACHE_ALERT_HIT_RATE_MIN: num(60, (n) => (n >= 0 && n <= 100 ? null : 'expected a percentage 0–100')),
  CACHE_ALERT_MIN_REQUESTS: num(100, int(0)),
  CACHE_ALERT_MEMORY_MAX_BYTES: num(100 * 1024 * 1024, int(1)),
  // Empty means "not set" (a blank line in .env must not lock everyone out with an unguessable empty token).
  // Trimmed: a secret mounted from a file often ends with a newline, which no `Authorization` header can carry.
  // A token that can't be sent as a Bearer credential (inner spaces, control or non-ASCII characters) is refused.
  CACHE_ADMIN_TOKEN: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const token = raw?.trim() ?? '';
      if (token === '') return null;
      if (!/^[\x21-\x7e]+$/.test(token)) {
        ctx.addIssue({ code: 'custom', message: 'must be printable ASCII without spaces (it is sent as "Authorization: Bearer <token>")' });
        return z.NEVER;
      }
      return token;
    }),
  CACHE_ADMIN_RATE_LIMIT: intIn(20, 1, 100_000),
  CACHE_ADMIN_MAX_BODY_BYTES: intIn(4096, 64, 1_048_576),
  TRUST_PROXY_HOPS: intIn(0, 0, 10),
  // Without a token, management calls are taken only from the host itself unless this is set explicitly.
  CACHE_ADMIN_OPEN: bool(false),
  // Host names this server answers for (DNS rebinding); empty = loopback names and the machine's host name; `*` = any.
  ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((v) => parseAllowedHosts(v)),
  PORT: num(5001, int(1, 65535)),
  LOG_LEVEL: str('info')
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  // Empty = stdout only (documented), so no default substitution for the empty string here.
  LOG_FILE: z
    .string()
    .optional()
    .transform((v) => (v === undefined ? 'logs/ai_service.log' : v)),
  DATABASE_PATH: str(''),
  DATABASE_URL: databaseUrl,
  DATABASE_CONNECT_TIMEOUT: num(5, positive),
  DATABASE_STATEMENT_TIMEOUT: num(5, positive),
  DATABASE_POOL_MAX: intIn(10, 1, 1000),
  VERSION_LEASE: num(10, (n) => (n >= 0.3 && n <= 600 ? null : 'expected seconds between 0.3 and 600')),
  SEED_DEMO_DATA: bool(true),
  SEED_DEMO_PRODUCTS: intIn(DEMO_PRODUCTS.length, 1, MAX_DEMO_PRODUCTS),
  MODEL_VERSIONS_KEPT: intIn(5, 1, 10_000),
  // Forecast computations: worker threads (default: one per core but one, at least one; 0 = on the main thread),
  // their OS priority, and admission limits (in flight in total and per client).
  FORECAST_WORKERS: intIn(Math.max(1, availableParallelism() - 1), 0, 64),
  FORECAST_WORKER_NICE: intIn(0, 0, 19),
  FORECAST_QUEUE_MAX: intIn(32, 1, 10_000),
  FORECAST_MAX_PER_CLIENT: intIn(4, 1, 10_000),
  // The holiday calendar of new models (date-holidays codes): a country, and optionally one of its regions.
  HOLIDAYS_COUNTRY: str('BR').transform((v) => v.trim().toUpperCase()),
  HOLIDAYS_REGION: str('').transform((v) => v.trim().toUpperCase()),
  // The dashboard's polling interval (ms); NEXT_PUBLIC_POLL_MS is accepted as an alias.
  DASHBOARD_POLL_MS: z.string().optional(),
  NEXT_PUBLIC_POLL_MS: z.string().optional(),
});

/** The guards of the management API (clear, warm-up, retrain). */
export interface AdminConfig {
  /** `CACHE_ADMIN_TOKEN`: when set, destructive calls need `Authorization: Bearer <token>`. */
  adminToken: string | null;
  /** `CACHE_ADMIN_RATE_LIMIT`: accepted destructive calls per minute and per action (process-wide). */
  rateLimitPerMinute: number;
  /** `CACHE_ADMIN_MAX_BODY_BYTES`: largest JSON body a management call accepts. */
  maxBodyBytes: number;
  /**
   * `TRUST_PROXY_HOPS`: how many reverse proxies stand in front of the server. 0 = none: the Host header is the
   * origin to compare against and the caller is the socket address Next.js records. N ≥ 1: the caller is the N-th
   * `X-Forwarded-For` entry from the right and the expected host comes from `X-Forwarded-Host`.
   */
  trustProxyHops: number;
  /**
   * `CACHE_ADMIN_OPEN`: without a token, management calls from other hosts are refused (403) unless this is true.
   * Loopback callers are always taken (the seed's runbook `curl -X POST http://localhost:5001/...` on the host).
   */
  adminOpen: boolean;
  /** `ALLOWED_HOSTS`: the `Host` names answered (null = any); others get 421 at the front door. */
  allowedHosts: AllowedHosts;
}

/** Where sales and models live: PostgreSQL when DATABASE_URL is set, else the SQLite file at DATABASE_PATH. */
export interface ForecastingEnv {
  databasePath: string;
  /** DATABASE_URL (a secret: it may hold the password — never log or return it). */
  databaseUrl: string | null;
  postgres: {
    /** DATABASE_CONNECT_TIMEOUT: opening a connection (and waiting for one from the pool). */
    connectTimeoutMs: number;
    /** DATABASE_STATEMENT_TIMEOUT: one query, server-side (and client-side, 1 s later). */
    statementTimeoutMs: number;
    /** DATABASE_POOL_MAX: connections per instance. */
    poolMax: number;
    /** VERSION_LEASE: how long an instance may trust its in-memory model versions without a renewal. */
    leaseMs: number;
  };
  seedDemoData: boolean;
  /** SEED_DEMO_PRODUCTS: products of the seeded demo catalogue (13 named ones, then generated ones). */
  seedDemoProducts: number;
  /** MODEL_VERSIONS_KEPT: model versions kept per product; older artifacts are deleted on save. */
  modelVersionsKept: number;
  /** FORECAST_*: where forecasts are computed and how many at once (lib/forecasting/forecast-pool.ts, forecast-admission.ts). */
  compute: { workers: number; workerNice: number; queueMax: number; maxPerClient: number };
  /** HOLIDAYS_COUNTRY / HOLIDAYS_REGION: the holidays of new models. */
  holidayCalendar: HolidayCalendar;
}

/** The whole validated environment, grouped by who uses it. */
export interface AppEnv {
  /** The cache library's options (the logger is added by whoever builds the system). */
  cache: Omit<CacheSystemOptions, 'logger' | 'instanceId'>;
  autoWarmup: boolean;
  /** CACHE_SMART_WARMUP and CACHE_WARMUP_TOP_K. */
  smartWarmup: { mode: SmartWarmupMode; topK: number };
  /** CACHE_AUTOTUNE, CACHE_AUTOTUNE_INTERVAL, CACHE_TARGET_UTILIZATION (lib/tuning). */
  autotune: AutotuneEnv;
  /** CACHE_COST_PER_CPU_SECOND and CACHE_COST_CURRENCY: how compute time saved is priced. */
  savings: ComputePricing;
  admin: AdminConfig;
  forecasting: ForecastingEnv;
  server: { port: number };
  log: { level: string; file: string };
  dashboard: { pollMs: number };
  /** The job queue (warm-ups and trainings spread over instances). */
  jobs: JobsEnv;
}

export interface AutotuneEnv {
  /** CACHE_AUTOTUNE: apply the advisor's recommendations (true) or only record them (false). */
  enabled: boolean;
  /** CACHE_AUTOTUNE_INTERVAL: seconds between evaluations, and the window each one measures. */
  intervalSeconds: number;
  /** CACHE_TARGET_UTILIZATION: the share of an instance's compute the desired-instances gauge plans for. */
  targetUtilization: number;
}

export interface JobsEnv {
  /** JOB_CONCURRENCY: jobs this instance's worker runs at once (0, the default: one per core this process may use). */
  concurrency: number;
  /** JOB_ATTEMPTS: tries per job, the first included. */
  attempts: number;
  /** JOB_BACKOFF: first retry delay in ms, doubling on each retry. */
  backoffMs: number;
}

export const DEFAULT_POLL_MS = 5000;

/** CACHE_SMART_WARMUP: the fixed plan only, the most used pairs, or those plus predictive pre-warming. */
export type SmartWarmupMode = 'off' | 'usage' | 'predictive';

/**
 * Parses and validates an environment (default `process.env`). Throws {@link ConfigError} naming each invalid
 * variable. Pure: reads only `env`, connects to nothing; cheap enough to call per management request, so a test
 * may change `process.env` between cases.
 */
export function readEnv(env: Record<string, string | undefined> = process.env): AppEnv {
  const picked: Record<string, string | undefined> = {};
  for (const k of Object.keys(envSchema.shape)) picked[k] = env[k];
  const parsed = envSchema.safeParse(picked);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => {
        const variable = String(i.path[0] ?? 'environment');
        return { variable, message: SECRET_VARS.has(variable) ? 'invalid value' : i.message };
      });
  const pollMs = parsePollMs(env, problems);
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const e = parsed.data;
  const url = e.REDIS_URL;
  const dbFromUrl = url && url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
  if (dbFromUrl !== undefined && !(Number.isInteger(dbFromUrl) && dbFromUrl >= 0 && dbFromUrl <= 15)) {
    throw new ConfigError([{ variable: 'REDIS_URL', message: 'database number in the path must be 0–15' }]);
  }
  const orUndef = (s: string) => (s === '' ? undefined : s);
  const holidayCalendar: HolidayCalendar = e.HOLIDAYS_REGION
    ? { country: e.HOLIDAYS_COUNTRY, region: e.HOLIDAYS_REGION }
    : { country: e.HOLIDAYS_COUNTRY };
  const calendarIssue = calendarProblem(holidayCalendar);
  if (calendarIssue) {
    throw new ConfigError([
      { variable: calendarIssue.startsWith('unknown region') ? 'HOLIDAYS_REGION' : 'HOLIDAYS_COUNTRY', message: calendarIssue },
    ]);
  }
  return {
    cache: {
      enabled: e.CACHE_ENABLED,
      prefix: e.CACHE_PREFIX,
      redis: {
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
      ttl: { models: e.CACHE_MODEL_TTL, predictions: e.CACHE_PREDICTION_TTL, products: e.CACHE_PRODUCTS_TTL, other: e.CACHE_DEFAULT_TTL },
      l1: { maxEntries: e.CACHE_L1_MAX_ENTRIES, maxBytes: e.CACHE_L1_MAX_BYTES, ttl: e.CACHE_L1_TTL },
      breaker: { cooldownMs: Math.round(e.CACHE_BREAKER_COOLDOWN * 1000) },
      alerts: {
        hitRateMinPercent: e.CACHE_ALERT_HIT_RATE_MIN,
        hitRateMinRequests: e.CACHE_ALERT_MIN_REQUESTS,
        memoryMaxBytes: e.CACHE_ALERT_MEMORY_MAX_BYTES,
      },
      grace: { periodSeconds: e.CACHE_GRACE_PERIOD },
      compression: { mode: e.CACHE_COMPRESSION, minBytes: e.CACHE_COMPRESSION_MIN_BYTES },
      savings: { topProducts: e.CACHE_SAVINGS_TOP_PRODUCTS },
    },
    autoWarmup: e.CACHE_AUTO_WARMUP,
    smartWarmup: { mode: e.CACHE_SMART_WARMUP, topK: e.CACHE_WARMUP_TOP_K },
    autotune: { enabled: e.CACHE_AUTOTUNE, intervalSeconds: e.CACHE_AUTOTUNE_INTERVAL, targetUtilization: e.CACHE_TARGET_UTILIZATION },
    savings: { costPerCpuSecond: e.CACHE_COST_PER_CPU_SECOND, currency: e.CACHE_COST_CURRENCY },
    admin: {
      adminToken: e.CACHE_ADMIN_TOKEN,
      rateLimitPerMinute: e.CACHE_ADMIN_RATE_LIMIT,
      maxBodyBytes: e.CACHE_ADMIN_MAX_BODY_BYTES,
      trustProxyHops: e.TRUST_PROXY_HOPS,
      adminOpen: e.CACHE_ADMIN_OPEN,
      allowedHosts: e.ALLOWED_HOSTS,
    },
    forecasting: {
      // A run-time location, not a build input: keep Next's file tracing from including the whole project.
      databasePath: path.resolve(/*turbopackIgnore: true*/ e.DATABASE_PATH || path.join(process.cwd(), 'data', 'sales.db')),
      databaseUrl: e.DATABASE_URL,
      postgres: {
        connectTimeoutMs: Math.round(e.DATABASE_CONNECT_TIMEOUT * 1000),
        statementTimeoutMs: Math.round(e.DATABASE_STATEMENT_TIMEOUT * 1000),
        poolMax: e.DATABASE_POOL_MAX,
        leaseMs: Math.round(e.VERSION_LEASE * 1000),
      },
      seedDemoData: e.SEED_DEMO_DATA,
      seedDemoProducts: e.SEED_DEMO_PRODUCTS,
      modelVersionsKept: e.MODEL_VERSIONS_KEPT,
      compute: {
        workers: e.FORECAST_WORKERS,
        workerNice: e.FORECAST_WORKER_NICE,
        queueMax: e.FORECAST_QUEUE_MAX,
        maxPerClient: e.FORECAST_MAX_PER_CLIENT,
      },
      holidayCalendar,
    },
    server: { port: e.PORT },
    log: { level: e.LOG_LEVEL, file: e.LOG_FILE },
    dashboard: { pollMs },
    jobs: {
      concurrency: e.JOB_CONCURRENCY > 0 ? e.JOB_CONCURRENCY : Math.max(1, availableParallelism()),
      attempts: e.JOB_ATTEMPTS,
      backoffMs: e.JOB_BACKOFF,
    },
  };
}

/** `DASHBOARD_POLL_MS` (or its alias `NEXT_PUBLIC_POLL_MS`): 500–60000 ms, default 5000. */
function parsePollMs(env: Record<string, string | undefined>, problems: { variable: string; message: string }[]): number {
  const variable = env.DASHBOARD_POLL_MS !== undefined ? 'DASHBOARD_POLL_MS' : 'NEXT_PUBLIC_POLL_MS';
  const raw = env[variable]?.trim();
  if (raw === undefined || raw === '') return DEFAULT_POLL_MS;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 500 && n <= 60_000) return n;
  problems.push({ variable, message: 'expected an integer between 500 and 60000 (milliseconds)' });
  return DEFAULT_POLL_MS;
}
