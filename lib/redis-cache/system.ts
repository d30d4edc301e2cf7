/**
 * The cache system: one object that owns the Redis connections, the memory tier, the breaker, the counters and
 * the events, and hands out {@link RedisCache} and {@link ModelCache}. One per process via {@link getCacheSystem}
 * (kept on `globalThis` so `next dev` reloads don't multiply connections); tests build their own with
 * {@link createCacheSystem}.
 *
 * Nothing connects at construction: the first cache operation starts the connection (and the pub/sub
 * subscriber), so importing the library or running `next build` never touches Redis. Until that first attempt
 * settles (bounded by the connect timeout), operations wait for it instead of failing over needlessly.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { getLogger } from '../logger';
import { CircuitBreaker, type BreakerState } from './circuit-breaker';
import { describeRedisAddress, formatTtl, loadConfig, type CacheConfig } from './config';
import { createRedisClient, logConnectionState, type RedisClient } from './connection';
import { CacheEventEmitter } from './events';
import { CACHE_TYPES, encodeSegment, KeyScheme, sumCounts, type CacheType } from './keys';
import { MemoryTier } from './memory-tier';
import { ModelCache } from './model-cache';
import { describeTarget, RedisCache, type InvalidationTarget } from './redis-cache';
import { CacheStats, counterTotals, countersByType } from './stats';
import type { CacheHistory, CacheInfo, HealthReport, HistoryRange } from '../api-types';
import { StatsRecorder, RANGES } from './history';
import { computeAlerts, humanBytes, readServerInfo } from './info';
import { KeyCounter } from './key-counter';
import { LockManager, type LockOptions } from './lock';
import { withTimeout } from './warmup';

/** What {@link CacheSystem.clear} accepts. A product is an object so no product name can mean 'all'. */
export type ClearTarget = 'all' | CacheType | { product: string };

/** What {@link CacheSystem.healthCheck} reports: the `cache` part of `GET /api/ai/health`. */
export type HealthCheck = HealthReport['cache'];

type DeepPartial<T> = { [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Options of {@link createCacheSystem}: configuration overrides on top of the environment. */
export type CacheSystemOptions = DeepPartial<CacheConfig> & {
  /** Environment to read (default process.env). */
  env?: Record<string, string | undefined>;
  logger?: Logger;
  /** Identifies this instance in pub/sub messages (default: random). */
  instanceId?: string;
};

function merge<T>(base: T, over: DeepPartial<T> | undefined): T {
  if (!over) return base;
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = (base as Record<string, unknown>)[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? merge(b, v as never) : v;
  }
  return out as T;
}

export class CacheSystem {
  readonly config: CacheConfig;
  readonly enabled: boolean;
  readonly instanceId: string;
  readonly log: Logger;
  private readonly redisLog: Logger;
  readonly keys: KeyScheme;
  readonly memory: MemoryTier;
  readonly stats = new CacheStats();
  /** Typed events: 'lookup', 'compute', 'backend', 'invalidate'. */
  readonly events = new CacheEventEmitter();
  readonly breaker: CircuitBreaker;
  /** The ioredis client (Redis or Cluster). Created, not connected, at construction. */
  readonly client: RedisClient;
  /** Get/set/delete over L1 + Redis with fallback. */
  readonly cache: RedisCache;
  /** The seed's model/prediction/product-list API. */
  readonly models: ModelCache;
  /**
   * In-process single flight of the wrappers: key → in-flight lookup. A null-prototype object, not a `Map`: every
   * L2 read passes through here, and with a `Map` under that churn V8 promoted each finished lookup's value to
   * the old generation (≈ 3 KB per read of a forecast; scavenges cost 7× more, −25 % throughput Redis-only — see
   * BENCHMARKS.md); with a dictionary object the values die young as they should.
   */
  readonly inflight: Record<string, Promise<unknown> | undefined> = Object.create(null) as Record<string, Promise<unknown> | undefined>;
  /** pub/sub channel for invalidations. */
  readonly channel: string;

  /** Key counts per type (background SCAN, shared; see key-counter.ts). */
  readonly keyCounter: KeyCounter;
  /** Shared counters and history buckets (see history.ts). */
  readonly recorder: StatsRecorder;
  private readonly locks: LockManager;

  private subscriber: RedisClient | null = null;
  private started: Promise<void> | null = null;
  private starting = false;
  private closed = false;
  private subscriberWasReady = false;

  constructor(opts: CacheSystemOptions = {}) {
    const { env, logger, instanceId, ...overrides } = opts;
    this.config = merge(loadConfig(env ?? process.env), overrides as DeepPartial<CacheConfig>);
    this.enabled = this.config.enabled;
    this.instanceId = instanceId ?? randomUUID();
    this.log = (logger ?? getLogger()).child({ component: 'cache' });
    // Connection and fallback lines carry component "redis" (the runbook greps for it) — their own child, so no
    // line has two "component" keys.
    this.redisLog = (logger ?? getLogger()).child({ component: 'redis' });
    this.keys = new KeyScheme(this.config.prefix);
    this.channel = this.keys.meta + 'invalidate';
    this.memory = new MemoryTier(this.config.l1.maxEntries, this.config.l1.maxBytes);
    this.client = createRedisClient(this.config.redis, 'main');
    logConnectionState(this.client, this.config.redis, 'main', this.redisLog);
    this.breaker = new CircuitBreaker(
      {
        cooldownMs: this.config.breaker.cooldownMs,
        probe: () => this.probe(),
        onChange: (state, reason) => this.onBreakerChange(state, reason),
      },
      'open',
    );
    // Fast detection: a dropped connection opens the breaker before any command has to time out.
    this.client.on('close', () => {
      if (this.breaker.state === 'closed') this.breaker.failure(new Error('redis connection closed'));
    });
    this.client.on('ready', () => this.breaker.probeNow());
    this.cache = new RedisCache({
      client: this.client,
      breaker: this.breaker,
      memory: this.memory,
      keys: this.keys,
      stats: this.stats,
      events: this.events,
      log: this.log,
      l1Ttl: this.config.l1.ttl,
      publish: (t) => this.publish(t),
      startup: () => this.startup(),
    });
    this.models = new ModelCache(this.cache, this.keys, this.config.ttl);
    this.keyCounter = new KeyCounter(this.client, this.breaker, this.keys, this.memory);
    this.recorder = new StatsRecorder(
      this.client,
      this.breaker,
      this.stats,
      this.keys.meta,
      () => this.keyCounter.peek(),
      async () => (await readServerInfo(this.client)).used_memory,
    );
    this.locks = new LockManager(this.client, this.breaker, (name) => this.keys.meta + 'lock:{' + encodeSegment(name) + '}');
    this.events.on('invalidate', (e) => {
      // Bulk clears make the counts visibly wrong: recount. Single-key deletes don't (counts may be 15 s old anyway),
      // and recounting after each would keep a large keyspace under constant SCAN.
      if (!e.remote && e.kind !== 'keys') void this.keyCounter.invalidate();
    });
  }

  /** Redis INFO, or null while the breaker keeps Redis out or the call fails. */
  private readServerIfUp(): Promise<Awaited<ReturnType<typeof readServerInfo>> | null> {
    return this.breaker.allows() ? readServerInfo(this.client).catch(() => null) : Promise.resolve(null);
  }

  /** 'redis' when values live in Redis now, 'memory' while the fallback is active. */
  get backend(): 'redis' | 'memory' {
    return this.breaker.state === 'closed' ? 'redis' : 'memory';
  }

  /**
   * Starts connecting (once). Returns a promise while the first attempt is pending, null once it settled —
   * the hot path then never waits. Idempotent; called by the first cache operation.
   */
  startup(): Promise<void> | null {
    if (this.closed) return null;
    if (this.started === null) {
      this.starting = true;
      this.started = this.connectFirst().finally(() => {
        this.starting = false;
      });
    }
    return this.starting ? this.started : null;
  }

  /**
   * Connects now and resolves when the first attempt settled (either way) and, when Redis is up, the invalidation
   * channel is subscribed (bounded by the connect timeout). For start-up code and tests.
   */
  async connect(): Promise<void> {
    await this.startup();
    if (this.breaker.allows()) await withTimeout(this.subscribed, this.config.redis.connectTimeoutMs, 'subscribe timeout').catch(() => undefined);
  }

  private async connectFirst(): Promise<void> {
    this.startSubscriber();
    this.recorder.start();
    const deadline = Date.now() + this.config.redis.connectTimeoutMs;
    try {
      await withTimeout(this.client.connect(), this.config.redis.connectTimeoutMs, 'redis connect timeout');
      // Serve from Redis only once this instance hears invalidations: an L1 copy taken while deaf could be stale.
      // (If the subscription is late, copies taken meanwhile are dropped when it becomes active.)
      await withTimeout(this.subscribed, Math.max(1, deadline - Date.now()), 'subscribe timeout').catch(() => undefined);
      this.breaker.markHealthy('connected');
    } catch (err) {
      this.breaker.markDown(err);
      this.redisLog.warn({ err: (err as Error).message }, 'redis unavailable at start — in-memory fallback active');
      if (this.events.listening.backend) this.events.emit('backend', { backend: 'memory', reason: (err as Error).message });
    }
  }

  private async probe(): Promise<void> {
    const c = this.client;
    if (c.status === 'wait' || c.status === 'end' || c.status === 'close') {
      // Not reconnecting by itself (REDIS_RETRY_ON_TIMEOUT=false, or never connected): reconnect explicitly.
      c.disconnect();
      await withTimeout(c.connect(), this.config.redis.connectTimeoutMs, 'redis connect timeout');
    } else if (c.status !== 'ready') {
      throw new Error(`redis ${c.status}`);
    }
    try {
      const pong = await c.ping();
      if (pong !== 'PONG') throw new Error(`unexpected PING reply ${pong}`);
    } catch (err) {
      // REDIS_SOCKET_TIMEOUT: a connection that has answered nothing for that long is presumed dead (a peer that
      // vanished without a reset can keep a socket "open" for minutes) and is re-established.
      const openedAt = this.breaker.openedAt;
      if (c.status === 'ready' && openedAt !== null && Date.now() - openedAt >= this.config.redis.socketTimeoutMs) {
        this.redisLog.warn({}, 'redis connection unresponsive — reconnecting');
        c.disconnect(true);
      }
      throw err;
    }
  }

  private onBreakerChange(state: BreakerState, reason: string): void {
    if (this.closed) return;
    if (state === 'open') {
      this.redisLog.warn({ reason }, 'redis unavailable — in-memory fallback active');
      if (this.events.listening.backend) this.events.emit('backend', { backend: 'memory', reason });
    } else if (state === 'closed') {
      this.redisLog.info({ reason }, 'redis available — back to redis');
      // Values written to memory during the outage are still served, but no longer than an L1 copy would be.
      const cap = Date.now() + this.config.l1.ttl * 1000;
      for (const e of this.memory.values()) if (e.origin === 'local' && e.expiresAt > cap) e.expiresAt = cap;
      void this.cache.replayPending();
      if (this.events.listening.backend) this.events.emit('backend', { backend: 'redis', reason });
    }
  }

  private startSubscriber(): void {
    const sub = createRedisClient(this.config.redis, 'subscriber');
    this.subscriber = sub;
    logConnectionState(sub, this.config.redis, 'subscriber', this.redisLog);
    sub.on('ready', () => {
      if (this.subscriberWasReady) this.dropL2Copies('invalidation channel reconnected');
      this.subscriberWasReady = true;
    });
    sub.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      // Format "<instance id>\n<target JSON>": our own echoes are dropped without parsing.
      const nl = message.indexOf('\n');
      if (nl < 0 || message.slice(0, nl) === this.instanceId) return;
      try {
        this.cache.applyRemote(parseTarget(message.slice(nl + 1)));
      } catch {
        this.log.warn({}, 'malformed invalidation message ignored');
      }
    });
    const subscribed = () => {
      // Copies read into L1 before the subscription was active could have missed an invalidation: drop them.
      this.dropL2Copies('invalidation channel subscribed');
      this.subscribedResolve();
    };
    sub
      .connect()
      .then(() => sub.subscribe(this.channel))
      .then(subscribed)
      .catch(() => {
        // Retried by the client's own reconnection; subscriptions are restored on reconnect (autoResubscribe).
        if (!this.closed && sub.status !== 'end') sub.once('ready', () => void sub.subscribe(this.channel).then(subscribed).catch(() => undefined));
      });
  }

  private dropL2Copies(why: string): void {
    const n = this.memory.deleteWhere((_k, e) => e.origin === 'l2');
    if (n) this.log.info({ dropped: n }, `${why} — L1 copies of Redis values dropped`);
  }

  private subscribedResolve!: () => void;
  /** Resolves once the invalidation channel is subscribed (this instance hears other instances from then on). */
  readonly subscribed: Promise<void> = new Promise<void>((r) => (this.subscribedResolve = r));

  private publish(target: InvalidationTarget): void {
    if (this.breaker.state !== 'closed') return;
    this.client.publish(this.channel, this.instanceId + '\n' + JSON.stringify(target)).catch((err: Error) => {
      this.log.debug({ target: describeTarget(target), err: err.message }, 'invalidation broadcast failed');
    });
  }

  /**
   * Clears cached data: everything of this prefix, one type, or one product (its model and predictions).
   * Walks keys with a fixed, glob-free SCAN pattern and UNLINKs in batches (never KEYS/FLUSHDB); removes from
   * every tier and broadcasts to other instances. Never throws because of Redis.
   */
  async clear(target: ClearTarget): Promise<{ removed: number }> {
    let t: InvalidationTarget;
    if (typeof target === 'object' && target !== null && typeof target.product === 'string') t = { kind: 'product', product: target.product };
    else if (target === 'all') t = { kind: 'all' };
    else if (target === 'models' || target === 'predictions' || target === 'products' || target === 'other') t = { kind: 'type', type: target };
    else throw new TypeError("clear target must be 'all', 'models', 'predictions', 'products', 'other' or { product }");
    return { removed: await this.cache.invalidate(t) };
  }

  /**
   * A real round trip: writes a unique value under a meta key, reads it back, deletes it.
   * `read_write_test` is true only when Redis returned exactly what was written.
   */
  async healthCheck(): Promise<HealthCheck> {
    const base = () => {
      const tot = this.stats.totals();
      return { hits: tot.hits, misses: tot.misses, hit_rate: tot.hit_rate, total_keys: this.totalKeysHint() };
    };
    await this.startup();
    if (!this.breaker.allows()) {
      return { redis_available: false, read_write_test: false, backend: this.backend, latency_ms: null, stats: base() };
    }
    const key = this.keys.meta + 'health:{' + this.instanceId + '}';
    const token = randomUUID();
    const t0 = performance.now();
    try {
      await this.client.set(key, token, 'PX', 10_000);
      const back = await this.client.get(key);
      await this.client.unlink(key);
      const latency = Math.round((performance.now() - t0) * 100) / 100;
      // Shared key counts: one HGETALL, never a scan here (a stale count is refreshed in the background).
      await this.keyCounter.get(0).catch(() => undefined);
      return { redis_available: true, read_write_test: back === token, backend: this.backend, latency_ms: latency, stats: base() };
    } catch (err) {
      this.breaker.failure(err);
      // An error *reply* (e.g. OOM under noeviction) means Redis answered: reachable, but the round trip failed.
      const answered = err instanceof Error && err.name === 'ReplyError';
      return { redis_available: answered, read_write_test: false, backend: this.backend, latency_ms: null, stats: base() };
    }
  }

  /** Best current estimate of live cached keys, without I/O. */
  private totalKeysHint(): number {
    const c = this.keyCounter.peek();
    return c ? sumCounts(c) : 0;
  }

  /**
   * Everything `GET /api/ai/cache/info` reports. Cost: O(1) Redis work (INFO, one HGETALL for the shared
   * totals, one for the shared key counts) — never a keyspace scan on this path. Never throws because of Redis.
   */
  async getCacheInfo(): Promise<CacheInfo> {
    await this.startup();
    const [server, totals, keyCounts] = await Promise.all([
      this.readServerIfUp(),
      this.recorder.sharedTotals(),
      this.keyCounter.get(),
    ]);
    const backend = this.backend;
    // Headline numbers: shared across instances when Redis is up, this instance's own otherwise.
    const hitsArr = totals?.hits ?? this.stats.hits;
    const missArr = totals?.misses ?? this.stats.misses;
    const { hits, misses, hit_rate: hitRate } = counterTotals(hitsArr, missArr);
    const byType = countersByType(hitsArr, missArr);
    const usedMemory = server ? server.used_memory : null;
    const l1 = this.memory.stats();
    const c = keyCounts.counts;
    return {
      enabled: this.enabled,
      backend,
      redis: {
        mode: this.config.redis.mode,
        address: describeRedisAddress(this.config.redis),
        connected: backend === 'redis',
        version: server?.version ?? null,
      },
      hit_rate: hitRate,
      hits,
      misses,
      by_type: byType,
      used_memory: usedMemory,
      used_memory_human: usedMemory === null ? 'n/a' : humanBytes(usedMemory),
      maxmemory: server ? server.maxmemory : null,
      maxmemory_human: server ? (server.maxmemory === 0 ? 'unlimited' : humanBytes(server.maxmemory)) : null,
      evicted_keys: server ? server.evicted_keys : null,
      cache_breakdown: { models: c.models, predictions: c.predictions, products: c.products, other: c.other },
      total_keys: sumCounts(c),
      ttl_settings: {
        models: formatTtl(this.config.ttl.models),
        predictions: formatTtl(this.config.ttl.predictions),
        products: formatTtl(this.config.ttl.products),
      },
      l1: { entries: l1.entries, bytes: l1.bytes, max_entries: l1.maxEntries, max_bytes: l1.maxBytes },
      alerts: computeAlerts({ backend, hits, misses, hitRate, usedMemory, thresholds: this.config.alerts }),
      thresholds: {
        hit_rate_min_percent: this.config.alerts.hitRateMinPercent,
        hit_rate_min_requests: this.config.alerts.hitRateMinRequests,
        memory_max_bytes: this.config.alerts.memoryMaxBytes,
      },
      time_saved_ms: Math.round(totals?.savedMs ?? this.stats.savedMs),
      generated_at: new Date().toISOString(),
    };
  }

  /**
   * Hits/misses per type over time (oldest first, empty buckets included), with memory and key-count samples.
   * Shared by all instances through Redis (≥ 24 h kept); from this process's memory while Redis is down.
   */
  async getHistory(range: HistoryRange): Promise<CacheHistory> {
    if (!(range in RANGES)) throw new TypeError("range must be '15m', '1h', '6h' or '24h'");
    await this.startup();
    await this.recorder.flush();
    return this.recorder.history(range);
  }

  /**
   * Runs `fn` while holding the named lock across instances (Redis `SET NX PX` with a token-checked release and a
   * watchdog that extends it while `fn` runs); in-process only while Redis is down. Waits up to `opts.waitMs`
   * (default `ttlMs`) for the lock, then throws {@link LockTimeoutError} (`code: 'LOCK_TIMEOUT'`).
   */
  async lock<T>(name: string, ttlMs: number, fn: () => Promise<T>, opts?: LockOptions): Promise<T> {
    await this.startup();
    return this.locks.run(name, ttlMs, fn, opts);
  }

  /** Flushes counters to Redis now (normally once a second). For tests and shutdown. */
  flushStats(): Promise<void> {
    return this.recorder.flush();
  }

  /** Stops timers and closes the connections. The system answers from memory only afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.breaker.allows()) await this.recorder.flush();
    this.closed = true;
    this.recorder.stop();
    this.breaker.dispose();
    this.breaker.state = 'open';
    const quit = async (c: RedisClient | null) => {
      if (!c) return;
      try {
        if (c.status === 'ready') await withTimeout(c.quit(), 1000, 'quit timeout');
      } catch {
        /* closing anyway */
      }
      c.disconnect();
    };
    await Promise.all([quit(this.client), quit(this.subscriber)]);
  }

  /**
   * The part of {@link getCacheInfo} that the metrics gauges sample at scrape time, measured the same way: Redis'
   * memory from INFO (while the breaker lets calls through) and the key counts per type. It skips the shared
   * totals' HGETALL and everything computed from them. Never throws because of Redis.
   */
  async gaugeSample(): Promise<Pick<CacheInfo, 'backend' | 'used_memory' | 'cache_breakdown'>> {
    await this.startup();
    const [server, keyCounts] = await Promise.all([
      this.readServerIfUp(),
      this.keyCounter.get(),
    ]);
    const c = keyCounts.counts;
    return {
      backend: this.backend,
      used_memory: server ? server.used_memory : null,
      cache_breakdown: { models: c.models, predictions: c.predictions, products: c.products, other: c.other },
    };
  }
}

/** Validates an invalidation message from the channel (another instance, or anything else that publishes there). */
function parseTarget(json: string): InvalidationTarget {
  const t = JSON.parse(json) as InvalidationTarget;
  switch (t?.kind) {
    case 'keys':
      if (Array.isArray(t.keys) && t.keys.every((k) => typeof k === 'string')) return t;
      break;
    case 'product':
      if (typeof t.product === 'string') return t;
      break;
    case 'type':
      if (CACHE_TYPES.includes(t.type)) return t;
      break;
    case 'all':
      return t;
  }
  throw new TypeError('malformed invalidation');
}

const g = globalThis as typeof globalThis & { __aiCacheSystem?: CacheSystem };

/** The process-wide cache system, created from the environment on first call (connects on first use). */
export function getCacheSystem(): CacheSystem {
  return (g.__aiCacheSystem ??= new CacheSystem());
}

/** A new, independent cache system (tests, tools). The caller closes it. */
export function createCacheSystem(opts: CacheSystemOptions = {}): CacheSystem {
  return new CacheSystem(opts);
}

/** Closes the process-wide system and, with `opts`, replaces it by a new one built from them. For tests. */
export async function resetCacheSystemForTests(opts?: CacheSystemOptions): Promise<CacheSystem | undefined> {
  const old = g.__aiCacheSystem;
  g.__aiCacheSystem = undefined;
  if (old) await old.close();
  if (opts) g.__aiCacheSystem = new CacheSystem(opts);
  return g.__aiCacheSystem;
}
