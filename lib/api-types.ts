/**
 * Response shapes of the HTTP API (README, "HTTP API"), shared by the route handlers that produce them and the
 * dashboard that reads them. Field names are snake_case as in the seed's JSON examples. Types only: no runtime.
 */

import type { CacheAlert, CacheType } from '@/lib/redis-cache';

/** The kinds of cached data and the alerts are the cache library's own (types only: nothing runs here). */
export type { AlertCode, CacheAlert, CacheType } from '@/lib/redis-cache';

export type ApiErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'uri_too_long'
  | 'unsupported_media_type'
  | 'misdirected_request'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/** Every error response: `{"error":{"code","message"}}` with the matching HTTP status. */
export interface ApiError {
  error: { code: ApiErrorCode; message: string; details?: unknown };
}

export interface TypeStats {
  hits: number;
  misses: number;
  /** Percent 0–100, one decimal; null before any request of that type. */
  hit_rate: number | null;
}

/** `GET /api/ai/cache/info` */
export interface CacheInfo {
  enabled: boolean;
  /** Where values live right now: Redis, or the in-process fallback while Redis is unreachable. */
  backend: 'redis' | 'memory';
  redis: {
    mode: 'standalone' | 'sentinel' | 'cluster';
    /** e.g. "localhost:6379/0"; never credentials. */
    address: string;
    connected: boolean;
    version: string | null;
  };
  /** Overall hit rate of the app's own lookups, percent 0–100 (one decimal); 0 before any request. */
  hit_rate: number;
  hits: number;
  misses: number;
  by_type: Record<CacheType, TypeStats>;
  used_memory: number | null;
  used_memory_human: string;
  maxmemory: number | null;
  maxmemory_human: string | null;
  evicted_keys: number | null;
  /** Live keys per type, from the cache's own bookkeeping (no keyspace scan per request). */
  cache_breakdown: { models: number; predictions: number; products: number; other: number };
  total_keys: number;
  ttl_settings: { models: string; predictions: string; products: string };
  /** In-process L1 tier. */
  l1: { entries: number; bytes: number; max_entries: number; max_bytes: number };
  alerts: CacheAlert[];
  thresholds: { hit_rate_min_percent: number; hit_rate_min_requests: number; memory_max_bytes: number };
  /** Estimated compute time saved by hits so far (sum over hits of the cost of the miss it avoided). */
  time_saved_ms: number;
  /** Every Redis node as this instance sees it (always present; one node in standalone mode). */
  topology: RedisTopologyInfo;
  /** What warm-ups load (CACHE_SMART_WARMUP) and the predictive scheduler's last run on this instance. */
  smart_warmup: SmartWarmupInfo;
  /**
   * Grace copies of forecasts (CACHE_GRACE_PERIOD): the period in seconds (0 = off), answers served stale and
   * background refreshes running on this instance; stale answers of every instance (count and the last 20, newest
   * first — this instance's while Redis can't be read).
   */
  grace: GraceInfo;
  /** What cache hits saved: compute time, its cost, trainings avoided, forecasts from cache; per product. */
  savings: SavingsInfo;
  /** Compression of large values in Redis (CACHE_COMPRESSION, CACHE_COMPRESSION_MIN_BYTES), this instance since start. */
  compression: CompressionInfo;
  /** Hit-rate-driven tuning in short (GET /api/ai/cache/tuning has the whole report). */
  tuning: TuningSummary;
  generated_at: string;
}

/** `cache/info.compression` */
export interface CompressionInfo {
  mode: 'auto' | 'off';
  /** Smallest encoded value (bytes) that is compressed. */
  min_bytes: number;
  /** Values written compressed… */
  entries: number;
  /** …their encoded size (bytes)… */
  input_bytes: number;
  /** …and their size in Redis. */
  output_bytes: number;
  /** input_bytes / output_bytes (two decimals); null before the first compressed value. */
  ratio: number | null;
}

/** `cache/info.grace` */
export interface GraceInfo {
  period_s: number;
  stale_served: number;
  refreshes_pending: number;
  stale_served_all_instances: number;
  recent: GraceEventInfo[];
}

/** One answer served from a grace copy. */
export interface GraceEventInfo {
  /** ISO time. */
  at: string;
  /** Null for a cached prediction without a product. */
  product: string | null;
  days: number | null;
  /** Age of the copy served, seconds. */
  age_s: number;
  /** Why recomputing failed (the error's message). */
  reason: string;
}

/** Compute time avoided, what it would have cost, trainings avoided, forecasts served from cache. */
export interface SavedFiguresInfo {
  cpu_seconds_saved: number;
  cost_saved: number;
  trainings_avoided: number;
  forecasts_served_from_cache: number;
}

/** `cache/info.savings` — every instance's while Redis is up (`source: "redis"`), this instance's otherwise. */
export interface SavingsInfo extends SavedFiguresInfo {
  source: 'redis' | 'local';
  /** ISO 4217 code (CACHE_COST_CURRENCY). */
  currency: string;
  /** CACHE_COST_PER_CPU_SECOND */
  cost_per_cpu_second: number;
  /** The CACHE_SAVINGS_TOP_PRODUCTS products that saved most compute time, best first. */
  top_products: (SavedFiguresInfo & { product: string })[];
  /** Everything else: the other products, the product list, other cached results. */
  others: SavedFiguresInfo;
}

/** A (product, horizon) pair and its requests over the usage window. */
export interface UsagePair {
  product: string;
  days: number;
  count: number;
}

/** `cache/info.smart_warmup` */
export interface SmartWarmupInfo {
  mode: 'off' | 'usage' | 'predictive';
  top_k: number;
  /** What the next warm-up loads: `fixed` = every product × 7 and 30 days; `usage` = `planned_pairs`. */
  basis: 'fixed' | 'usage';
  planned_pairs: UsagePair[];
  /** Memory the planned forecasts may take, and their estimated size (bytes). */
  budget_bytes: number;
  estimated_bytes: number;
  /** Requests not counted since this instance started because their hour already held the most pairs. */
  usage_dropped: number;
  /** The predictive scheduler on this instance (null unless `mode` is `predictive` and it has run). */
  scheduler: {
    last_run_at: string;
    /** `elsewhere`: another instance holds the scheduler's lock and ran it. */
    outcome: 'ran' | 'elsewhere' | 'failed';
    prewarmed: string[];
    refreshed: string[];
  } | null;
}

/** One planned pre-warm of the predictive warm-up. */
export interface PlannedPrewarmInfo {
  /** When the pairs are loaded (ISO), ahead of `hour`. */
  at: string;
  hour: string;
  pairs: { product: string; days: number; expected: number }[];
}

/** `GET /api/ai/cache/usage` — the usage heat map, forecast volume beside the actual, and the planned warm-up. */
export interface UsageReport {
  mode: 'off' | 'usage' | 'predictive';
  /** `redis`: every instance's counts; `local`: this instance's own (Redis unavailable). */
  source: 'redis' | 'local';
  /** Start of each hour of the heat map (ISO), oldest first; the last one is the current hour. */
  hours: string[];
  /** Requests per product and hour (all horizons), busiest products first (at most 20). */
  heatmap: { product: string; counts: number[] }[];
  /**
   * Requests per hour over all products: `actual` for the hours of `hours`, and `predicted` (the Prophet forecast
   * of the busiest products' volume) from the current hour on, one entry per hour of `predicted_hours`.
   */
  volume: { actual: number[]; predicted_hours: string[]; predicted: number[] };
  planned_warm_up: {
    basis: 'fixed' | 'usage';
    /** CACHE_WARMUP_TOP_K: the most pairs a warm-up or a scheduler run loads. */
    top_k: number;
    pairs: UsagePair[];
    /** Pre-warms the predictive scheduler plans for the coming hours (empty unless `mode` is `predictive`). */
    scheduled: PlannedPrewarmInfo[];
  };
  generated_at: string;
}

/**
 * The Redis deployment: `ok` every node answers; `degraded` a node is down but all data is still served (a failed
 * master already replaced, a replica or sentinel down); `down` some or all data has no live master.
 */
export interface RedisTopologyInfo {
  mode: 'standalone' | 'sentinel' | 'cluster';
  status: 'ok' | 'degraded' | 'down';
  nodes: RedisNodeInfo[];
  /** Why the status is not `ok`, one short sentence each (e.g. "master 10.0.0.2:7002 is down"). */
  problems: string[];
}

export interface RedisNodeInfo {
  /** host:port as the deployment announces it. */
  address: string;
  role: 'master' | 'replica' | 'sentinel';
  up: boolean;
  /** The master a replica follows; null otherwise or when unknown. */
  master_address: string | null;
  /** Cluster masters: slots served (of 16384); null elsewhere. */
  slots: number | null;
  /** INFO used_memory of the node; null when not read (down, sentinel, replica without a connection). */
  used_memory: number | null;
  used_memory_human: string | null;
  /** DBSIZE of the node: every key there, this service's and any other's; null when not read. */
  keys: number | null;
}

/** `GET /api/ai/health` — 200 for healthy/degraded, 503 for unhealthy. */
export interface HealthReport {
  /** `shutting_down` (503): the process received SIGTERM and is draining; load balancers should stop sending. */
  status: 'healthy' | 'degraded' | 'unhealthy' | 'shutting_down';
  service: 'AI Prediction Service';
  timestamp: string;
  cache: {
    redis_available: boolean;
    read_write_test: boolean;
    backend: 'redis' | 'memory';
    latency_ms: number | null;
    stats: { hits: number; misses: number; hit_rate: number; total_keys: number };
    /** The deployment's status (see RedisTopologyInfo); anything but `ok` makes the service `degraded`. */
    topology: Pick<RedisTopologyInfo, 'mode' | 'status' | 'problems'>;
  };
  /** The sales/model database: whether it answers, its product count, and its kind (never its URL). */
  database: { ok: boolean; products: number; kind: 'sqlite' | 'postgres' | null };
  /** Dependencies that are down right now: `database` (forecasts not cached fail with 503), `redis` (memory serves). */
  down: ('database' | 'redis')[];
}

export type ClearTarget = 'all' | 'models' | 'predictions' | 'products' | string;

/** `POST /api/ai/cache/clear` with `{"target": …}` */
export interface ClearResult {
  target: ClearTarget;
  /** Keys removed from Redis (or from the fallback store when Redis is down). */
  removed: number;
  message: string;
  timestamp: string;
}

/**
 * A batch of background tasks (a warm-up, a "retrain all") run as jobs on every instance's worker, one batch of a
 * kind at a time across instances.
 */
export interface BatchJob {
  id: string;
  state: 'running' | 'done' | 'failed';
  /** 'manual' (POST) or 'startup' (CACHE_AUTO_WARMUP). */
  trigger: 'manual' | 'startup';
  started_at: string;
  finished_at: string | null;
  /** Tasks finished, successful or not. */
  done: number;
  /** Tasks planned (0 until the plan is known). */
  total: number;
  /** Tasks that failed. */
  failed: number;
  /** Tasks finished per second since the batch started; null before the first one. */
  rate: number | null;
  /** Seconds left at that rate while the batch runs; null when unknown or over. */
  eta_s: number | null;
  /** The instances whose workers finished its tasks, with how many each. */
  executors: { instance: string; tasks: number }[];
  /** The first failures (at most 50). */
  errors: { task: string; message: string }[];
}

/** A warm-up: one task per product (a `warm-product` job: its model, then its forecasts), then the product list. */
export type WarmUpJob = BatchJob;

/** `POST /api/ai/cache/warm-up` → 202 */
export interface WarmUpAccepted {
  message: string;
  timestamp: string;
  job: WarmUpJob;
}

/** `GET /api/ai/cache/warm-up` — the running or last job, or null when none ran yet. */
export interface WarmUpStatus {
  job: WarmUpJob | null;
}

export interface HistoryBucket {
  /** Bucket start, epoch milliseconds. */
  t: number;
  hits: Record<CacheType, number>;
  misses: Record<CacheType, number>;
  /** Percent over this bucket's lookups; null when there were none. */
  hit_rate: number | null;
  /** Redis used_memory sampled in this bucket (null when not sampled or Redis down). */
  used_memory: number | null;
  /** Key breakdown sampled in this bucket (null when not sampled). */
  keys: Record<CacheType, number> | null;
  /** Compute time the bucket's cache hits avoided, milliseconds (the savings series). */
  saved_ms: number;
}

export type HistoryRange = '15m' | '1h' | '6h' | '24h';

/** `GET /api/ai/cache/history?range=15m|1h|6h|24h` — oldest bucket first, empty buckets included. */
export interface CacheHistory {
  range: HistoryRange;
  bucket_seconds: number;
  buckets: HistoryBucket[];
}

export interface ProductSummary {
  name: string;
  first_sale_date: string;
  last_sale_date: string;
  /** Latest trained model version, null when never trained. */
  model_version: number | null;
  trained_at: string | null;
}

/** `GET /api/ai/products?limit=&cursor=&q=` — one page, in pt-BR alphabetical order. */
export interface ProductsResponse {
  products: ProductSummary[];
  /** Products on this page. */
  count: number;
  /** Products matching `q` (all products without it). */
  total: number;
  /** Pass as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
  cached: boolean;
}

export interface ForecastPoint {
  /** YYYY-MM-DD */
  date: string;
  yhat: number;
  yhat_lower: number;
  yhat_upper: number;
}

/** `GET /api/ai/predict?product=…&days=…` (headers `X-Cache: HIT|MISS`, `Server-Timing`) */
export interface PredictionResponse {
  product: string;
  days: number;
  model_version: number;
  generated_at: string;
  cached: boolean;
  /**
   * True when recomputing failed and the last good value was served instead (within CACHE_GRACE_PERIOD past its
   * TTL, same model version); `stale_age_s` is then its age in seconds (also the `Age` header).
   */
  stale: boolean;
  stale_age_s?: number;
  forecast: ForecastPoint[];
}

/** `GET /api/ai/products/<name>/history?days=N` — the tail of the sales history, oldest first. */
export interface SalesHistoryResponse {
  product: string;
  points: { date: string; quantity: number }[];
}

export interface ModelInfo {
  product: string;
  version: number;
  trained_at: string;
  training_ms: number;
  training_window: { start: string; end: string; days: number };
  metrics: { mape: number };
}

/** `GET /api/ai/models/<product>` — 404 when the product is unknown; `model: null` when never trained. */
export interface ModelInfoResponse {
  product: string;
  model: ModelInfo | null;
}

/** `POST /api/ai/models/<product>/retrain` */
export interface RetrainResponse {
  product: string;
  model_version: number;
  previous_version: number | null;
  training_ms: number;
  trained_at: string;
  metrics: { mape: number };
}

/** A job of the forecasting job queue that failed every attempt. */
export interface FailedJobInfo {
  id: string;
  kind: 'warm-product' | 'train' | 'retrain';
  product: string;
  error: string;
  attempts: number;
  failed_at: string | null;
}

/** `GET /api/ai/jobs` — the job queue: where jobs run, counts by state, the failed jobs (newest first). */
export interface JobsResponse {
  /** `queue`: on Redis, spread over instances; `in-process`: Redis unreachable or not configured. */
  executor: 'queue' | 'in-process';
  /** Jobs this instance's worker runs at once. */
  concurrency: number;
  counts: { waiting: number; active: number; delayed: number; completed: number; failed: number } | null;
  failed: FailedJobInfo[];
}

/** A "retrain all": one `retrain` job per product. */
export type RetrainAllJob = BatchJob;

/** `POST /api/ai/jobs/retrain-all` → 202 */
export interface RetrainAllAccepted {
  message: string;
  /** The batch's id (its progress: `GET /api/ai/jobs/retrain-all`). */
  batch_id: string;
  job: RetrainAllJob;
}

/** `GET /api/ai/jobs/retrain-all` — the running or last "retrain all", or null when none ran yet. */
export interface RetrainAllStatus {
  job: RetrainAllJob | null;
}

/** `POST /api/ai/jobs/retry` and `POST /api/ai/jobs/<id>/retry`. */
export interface JobsRetryResponse {
  message: string;
  retried: number;
}

/** A setting the autotuner changes. */
export type TuningSettingName = 'l1_max_entries' | 'prediction_ttl_seconds';

/**
 * Why the advisor recommends what it does (lib/tuning/advisor.ts), or `shared_ttl`: the TTL the fleet published
 * was adopted. `params` are the figures the reason's text places (percentages 0–100, counts, seconds).
 */
export interface TuningReason {
  code:
    | 'l1_evicting'
    | 'l1_byte_bound'
    | 'l1_underused'
    | 'l1_steady'
    | 'memory_pressure'
    | 'too_few_lookups'
    | 'low_hit_rate'
    | 'ttl_steady'
    | 'at_bound'
    | 'shared_ttl';
  params: Record<string, number>;
}

export interface TuningRecommendationInfo {
  setting: TuningSettingName;
  current: number;
  /** Equal to `current` while holding or while a change waits for its confirmations. */
  recommended: number;
  confirmations: number;
  reason: TuningReason;
}

export interface TuningDecisionInfo {
  at: string;
  setting: TuningSettingName;
  from: number;
  to: number;
  /** `applied`: in force; `advised`: CACHE_AUTOTUNE is off, recorded only. */
  outcome: 'applied' | 'advised';
  reason: TuningReason;
}

/** `ai_cache_desired_instances` and its inputs over the last window. */
export interface DesiredInstancesInfo {
  instances: number;
  lookups_per_second: number;
  miss_ratio: number;
  compute_seconds_per_miss: number;
  target_utilization: number;
  window_s: number;
}

/** `GET /api/ai/cache/tuning` */
export interface TuningReport {
  /** CACHE_AUTOTUNE: true = recommendations are applied; false = only recorded (`advised`). */
  autotune: boolean;
  interval_s: number;
  /** What this instance runs with now. */
  settings: Record<TuningSettingName, number>;
  bounds: Record<TuningSettingName, { min: number; max: number }>;
  /** The latest evaluation (null before the first, one interval after start). */
  latest: {
    at: string;
    window_s: number;
    /** Where the TTL was evaluated: `here`, by `another` instance (adopted), `local` (advice only, or Redis away). */
    ttl_evaluated: 'here' | 'another' | 'local';
    signals: {
      lookups: number;
      hits: number;
      /** Percent 0–100, one decimal; null without lookups. */
      hit_rate: number | null;
      l1_entries: number;
      l1_evictions: number;
      used_memory: number | null;
    };
    recommendations: TuningRecommendationInfo[];
  } | null;
  /** The last decisions (at most 50), newest first. */
  decisions: TuningDecisionInfo[];
  desired_instances: DesiredInstancesInfo | null;
  generated_at: string;
}

/** `cache/info.tuning` */
export interface TuningSummary {
  autotune: boolean;
  interval_s: number;
  l1_max_entries: number;
  prediction_ttl_seconds: number;
  /** null before the first evaluation. */
  desired_instances: number | null;
  last_evaluated_at: string | null;
  last_decision: TuningDecisionInfo | null;
}
