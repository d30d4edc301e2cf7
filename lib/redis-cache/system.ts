/**
 * The cache system: the composition root that wires the parts together (docs/ARCHITECTURE.md has the picture).
 *
 * - `gate` (redis-gate.ts): the connection, the circuit breaker and the one guarded path to Redis;
 * - `core` (core.ts): get-or-compute over L1 and Redis, used by every public API;
 * - `invalidator` + `bus`: removal from every tier of every instance;
 * - `recorder`, `keyCounter`: shared statistics and key counts; `locks`: cross-instance mutual exclusion.
 *
 * Public surface: the seed's APIs (`cache`, `models`), `clear`, `getCacheInfo`, `healthCheck`, `getHistory`,
 * `lock`, `events`, and life-cycle methods. Nothing connects at construction: the first operation starts the
 * connection (and the pub/sub subscriber); until that first attempt settles (bounded by the connect timeout),
 * operations wait for it instead of failing over needlessly.
 */
import { randomUUID } from 'node:crypto';
import { Compression } from './compression';
import { CacheCore } from './core';
import { CacheEvents } from './events';
import { RANGES, StatsRecorder, type CacheHistory, type HistoryRange } from './history';
import { readServerInfo } from './info';
import { InvalidationBus } from './invalidation-bus';
import { Invalidator, type ClearTarget } from './invalidator';
import { Grace } from './grace';
import { GraceRefresher } from './grace-refresher';
import { KeyCounter } from './key-counter';
import { KeyScheme, type CacheType } from './keys';
import { LockManager, type LockOptions } from './lock';
import { silentLogger, type CacheLogger } from './logger';
import { EVERYTHING, FillGuard } from './fill-guard';
import { MemoryTier, type MemoryEntry, type MemoryTierStats } from './memory-tier';
import { ModelCache } from './model-cache';
import { resolveOptions, type CacheSystemOptions, type ResolvedCacheOptions } from './options';
import { RedisCache } from './redis-cache';
import { RedisGate, UNAVAILABLE } from './redis-gate';
import { cacheReport, gaugeSample, healthCheck, type CacheReport, type GaugeSample, type HealthCheck, type ReportDeps } from './reports';
import { SavingsLedger, type SavedFigures } from './savings';
import { CacheStats, type TypeCounters } from './stats';
import { TopologyReader, type RedisTopology } from './topology';
import { withTimeout } from './timeout';
import { UsageTracker } from './usage';

export type { ClearTarget };

/** What can change at run time without a restart ({@link CacheSystem.tune}). */
export interface TunableSettings {
  /** The L1's entry bound. */
  l1MaxEntries: number;
  /** Seconds a newly stored prediction lives. */
  predictionTtlSeconds: number;
}

export class CacheSystem {
  readonly options: ResolvedCacheOptions;
  readonly enabled: boolean;
  readonly instanceId: string;
  readonly log: CacheLogger;
  readonly keys: KeyScheme;
  /** Typed events on diagnostics channels: 'lookup', 'compute', 'backend', 'invalidate', 'breaker', 'lockTimeout'. */
  readonly events: CacheEvents;
  /** Get/set/delete by key over L1 + Redis with fallback. */
  readonly cache: RedisCache;
  /** The seed's model/prediction/product-list API. */
  readonly models: ModelCache;
  /** The get-or-compute core the wrappers call. */
  readonly core: CacheCore;
  /** Requests per (product, horizon) and hour, shared by every instance (usage.ts). */
  readonly usage: UsageTracker;
  /** Grace copies of predictions and their background refreshes (grace.ts). */
  readonly grace: Grace;
  /** Compression of large values in Redis, and what it saved (compression.ts). */
  readonly compression: Compression;
  /** What hits saved, per product, shared by every instance (savings.ts). */
  private readonly savings: SavingsLedger;
  private readonly refresher: GraceRefresher;

  private readonly gate: RedisGate;
  private readonly memory: MemoryTier;
  private readonly fill = new FillGuard();
  private readonly stats = new CacheStats();
  private readonly bus: InvalidationBus;
  private readonly invalidator: Invalidator;
  private readonly keyCounter: KeyCounter;
  private readonly recorder: StatsRecorder;
  private readonly locks: LockManager;
  private readonly reportDeps: ReportDeps;
  private readonly topologyReader: TopologyReader;
  private closed = false;
  private stopDebugLines: () => void = () => undefined;

  constructor(opts: CacheSystemOptions = {}) {
    this.options = resolveOptions(opts);
    const o = this.options;
    this.enabled = o.enabled;
    this.instanceId = opts.instanceId ?? randomUUID();
    const logger = opts.logger ?? silentLogger;
    this.log = logger.child({ component: 'cache' });
    // Connection and fallback lines carry component "redis" (the runbook greps for it).
    const redisLog = logger.child({ component: 'redis' });
    this.keys = new KeyScheme(o.prefix);
    this.events = new CacheEvents(this.instanceId);
    // The seed's "detailed logs for debugging": a line per hit and miss at debug level. They ride on the lookup
    // event, which is published only while someone listens, so with debug off they cost nothing at all.
    if (this.log.isLevelEnabled?.('debug')) {
      this.stopDebugLines = this.events.on('lookup', (e) =>
        this.log.debug({ type: e.type, key: e.key, tier: e.tier, durationMs: Math.round(e.durationMs * 1000) / 1000 }, `cache ${e.result}`),
      );
    }
    this.memory = new MemoryTier(o.l1.maxEntries, o.l1.maxBytes);
    this.gate = new RedisGate({
      redis: o.redis,
      cooldownMs: o.breaker.cooldownMs,
      log: redisLog,
      // Serve from Redis only once this instance hears invalidations: an L1 copy taken while deaf could be stale.
      beforeReady: () => this.bus.subscribed,
      // The first use of Redis also starts the subscriber and the statistics flush.
      onFirstUse: () => {
        this.bus.start();
        this.recorder.start();
        this.savings.start();
        this.usage.start();
      },
      onChange: (state, reason) => this.onBackendChange(state, reason, redisLog),
      onBreakerState: (state, reason) => this.events.emit('breaker', { state, reason }),
    });
    this.bus = new InvalidationBus({
      redis: o.redis,
      gate: this.gate,
      channel: this.keys.meta + 'invalidate',
      instanceId: this.instanceId,
      log: redisLog,
      onRemote: (t) => this.invalidator.applyRemote(t),
      onDeafness: (why) => this.dropRedisCopies(why),
    });
    this.invalidator = new Invalidator({
      gate: this.gate,
      memory: this.memory,
      fill: this.fill,
      keys: this.keys,
      bus: this.bus,
      events: this.events,
      log: this.log,
      // Bulk clears make the counts visibly wrong: subtract what went, then recount. Single-key deletes don't (counts
      // may be 15 s old anyway), and recounting after each would keep a large keyspace under constant SCAN.
      afterBulkClear: (removed) => void this.keyCounter.cleared(removed),
    });
    this.locks = new LockManager(
      this.gate,
      (name) => this.keys.lockKey(name),
      (name) => this.events.emit('lockTimeout', { name }),
    );
    const { periodSeconds, ...refresherOptions } = o.grace;
    this.refresher = new GraceRefresher(this.log, refresherOptions);
    this.grace = new Grace({
      gate: this.gate,
      events: this.events,
      log: this.log,
      refresher: this.refresher,
      periodMs: periodSeconds * 1000,
      recentKey: this.keys.meta + '{grace}:recent',
    });
    this.savings = new SavingsLedger(this.gate, this.stats, this.keys.meta, opts.savings);
    this.compression = new Compression(o.compression);
    this.core = new CacheCore({
      gate: this.gate,
      memory: this.memory,
      fill: this.fill,
      keys: this.keys,
      stats: this.stats,
      events: this.events,
      locks: this.locks,
      log: this.log,
      ttl: o.ttl,
      l1Ttl: o.l1.ttl,
      publish: (t) => this.bus.publish(t),
      grace: this.grace,
      compression: this.compression,
      savings: this.savings,
    });
    this.cache = new RedisCache(this.core, this.invalidator, this.gate, this.memory, this.keys);
    this.models = new ModelCache(this.cache, this.invalidator, this.keys, o.ttl);
    this.usage = new UsageTracker(this.gate, this.keys, opts.usage);
    this.keyCounter = new KeyCounter(this.gate, this.keys, this.memory);
    this.recorder = new StatsRecorder(
      this.gate,
      this.stats,
      this.keys.meta,
      () => this.keyCounter.peek(),
      async () => (await readServerInfo(this.gate))?.usedMemory ?? null,
    );
    this.topologyReader = new TopologyReader(this.gate, o.redis, redisLog);
    this.reportDeps = {
      alertState: { lowHitRate: false },
      options: o,
      gate: this.gate,
      keys: this.keys,
      memory: this.memory,
      stats: this.stats,
      recorder: this.recorder,
      keyCounter: this.keyCounter,
      topology: this.topologyReader,
      instanceId: this.instanceId,
      grace: this.grace,
      compression: this.compression,
      savings: this.savings,
    };
  }

  /** 'redis' when values live in Redis now, 'memory' while the fallback is active. */
  get backend(): 'redis' | 'memory' {
    return this.gate.up ? 'redis' : 'memory';
  }

  /**
   * Connects now and resolves when the first attempt settled (either way) and, when Redis is up, the invalidation
   * channel is subscribed (bounded by the connect timeout). For start-up code and tests.
   */
  async connect(): Promise<void> {
    await this.gate.startup();
    if (this.gate.up) await withTimeout(this.bus.subscribed, this.options.redis.connectTimeoutMs, 'subscribe timeout').catch(() => undefined);
  }

  /**
   * Clears cached data: everything of this prefix, one type, or one product (its model and predictions) — from
   * Redis, from this process's memory and from every other instance's L1. Never fails because of Redis.
   */
  async clear(target: ClearTarget): Promise<{ removed: number }> {
    return { removed: await this.invalidator.clear(target) };
  }

  /** Drops this process's in-memory copies (Redis keeps its values): frees memory, or simulates a fresh instance. */
  clearLocal(): void {
    this.memory.clear();
  }

  /** Everything `GET /api/ai/cache/info` reports. */
  getCacheInfo(): Promise<CacheReport> {
    return cacheReport(this.reportDeps);
  }

  /**
   * The Redis deployment as this instance sees it: every node with its role, up/down, memory and key count, and an
   * overall status (ok / degraded / down). A node being down is reported, never thrown.
   */
  topology(): Promise<RedisTopology> {
    return this.topologyReader.read();
  }

  /** A real write/read/delete round trip against Redis, with this instance's counters. */
  healthCheck(): Promise<HealthCheck> {
    return healthCheck(this.reportDeps);
  }

  /** The part of {@link getCacheInfo} the metrics gauges sample at scrape time (INFO and key counts only). */
  gaugeSample(): Promise<GaugeSample> {
    return gaugeSample(this.reportDeps);
  }

  /** This instance's own counters per type and in total (not shared, not flushed), and where its hits came from. */
  localCounters(): {
    byType: Record<CacheType, TypeCounters>;
    total: { hits: number; misses: number; hitRate: number };
    l1Hits: number;
    l2Hits: number;
    /** Values computed by this process (misses that ran the function) and their summed compute time. */
    computed: { count: number; totalMs: number };
  } {
    return {
      byType: this.stats.byType(),
      total: this.stats.totals(),
      l1Hits: this.stats.l1Hits,
      l2Hits: this.stats.l2Hits,
      computed: this.stats.computeTotals(),
    };
  }

  /**
   * What this process's hits saved since start (not shared): compute time avoided (ms), forecasts served from cache
   * (prediction hits) and trainings or model loads avoided (model hits) — what `/api/metrics` counts per process.
   */
  localSavings(): SavedFigures {
    const byType = this.stats.byType();
    return { cpuMs: this.stats.savedMs, forecasts: byType.predictions.hits, trainings: byType.models.hits };
  }

  /** Hits and misses of the last `windowMs` over every instance (this process's own while Redis is away). */
  recentLookups(windowMs: number): Promise<{ hits: number; misses: number }> {
    return this.recorder.recentLookups(windowMs);
  }

  /** The in-process tier's occupancy and bounds, and its evictions so far. */
  localTierStats(): MemoryTierStats {
    return this.memory.stats();
  }

  /** The values {@link tune} changes, as they are now. */
  get tuning(): TunableSettings {
    return { l1MaxEntries: this.memory.maxEntries, predictionTtlSeconds: this.options.ttl.predictions };
  }

  /**
   * Changes, at run time, the L1's entry bound (shrinking evicts at once, keeping the most recent entries) and
   * the TTL of predictions stored from now on (stored ones keep theirs). `options.ttl` is the object every writer
   * reads its default TTL from, so the new TTL reaches every path that stores predictions. Returns the values now
   * in force; throws a TypeError on a value that is not a whole number in range.
   */
  tune(change: Partial<TunableSettings>): TunableSettings {
    const { l1MaxEntries, predictionTtlSeconds } = change;
    if (l1MaxEntries !== undefined && !(Number.isInteger(l1MaxEntries) && l1MaxEntries >= 0))
      throw new TypeError('l1MaxEntries must be an integer ≥ 0');
    if (predictionTtlSeconds !== undefined && !(Number.isInteger(predictionTtlSeconds) && predictionTtlSeconds > 0))
      throw new TypeError('predictionTtlSeconds must be a positive integer');
    if (l1MaxEntries !== undefined) this.memory.resize(l1MaxEntries);
    if (predictionTtlSeconds !== undefined) this.options.ttl.predictions = predictionTtlSeconds;
    return this.tuning;
  }

  /** What this process holds in memory for `key` (not counted as a lookup): for diagnostics and tests. */
  inspectLocal(key: string): { origin: MemoryEntry['origin']; expiresAt: number; type: CacheType; codec: string } | undefined {
    const e = this.memory.get(key, Date.now());
    return e && { origin: e.origin, expiresAt: e.expiresAt, type: e.type, codec: e.codec.name };
  }

  /** Entries this process holds in memory (L1 and fallback store). */
  get localEntries(): number {
    return this.memory.size;
  }

  /**
   * Hits/misses per type over time (oldest first, empty buckets included), with memory and key-count samples.
   * Shared by all instances through Redis (≥ 24 h kept); from this process's memory while Redis is down.
   */
  async getHistory(range: HistoryRange): Promise<CacheHistory> {
    if (!(range in RANGES)) throw new TypeError("range must be '15m', '1h', '6h' or '24h'");
    await this.gate.startup();
    await this.recorder.flush();
    return this.recorder.history(range);
  }

  /**
   * Runs `fn` while holding the named lock across instances (Redis `SET NX PX` with a token-checked release and a
   * watchdog that extends it while `fn` runs); in-process only while Redis is down. Waits up to `opts.waitMs`
   * (default `ttlMs`) for the lock, then throws {@link LockTimeoutError} (`code: 'LOCK_TIMEOUT'`).
   */
  async lock<T>(name: string, ttlMs: number, fn: () => Promise<T>, opts?: LockOptions): Promise<T> {
    await this.gate.startup();
    return this.locks.run(name, ttlMs, fn, opts);
  }

  /** A small shared record under `<prefix>:_meta:<name>` (e.g. a job's progress); undefined when absent or Redis is down. */
  async readShared(name: string): Promise<string | undefined> {
    const text = await this.gate.run((c) => c.get(this.keys.meta + name));
    return text === UNAVAILABLE || text === null ? undefined : text;
  }

  /** Writes a shared record for `ttlSeconds` (fire and forget semantics: false when Redis did not take it). */
  async writeShared(name: string, text: string, ttlSeconds: number): Promise<boolean> {
    return (await this.gate.run((c) => c.set(this.keys.meta + name, text, 'EX', ttlSeconds))) !== UNAVAILABLE;
  }

  /** Recounts keys per type now (normally every 15 s, in the background). */
  refreshKeyCounts(): Promise<void> {
    return this.keyCounter.refresh();
  }

  /** Flushes counters to Redis now (normally once a second). For tests and shutdown. */
  async flushStats(): Promise<void> {
    await Promise.all([this.recorder.flush(), this.savings.flush()]);
  }

  /** Error replies Redis gave (reachable but refusing, e.g. OOM under `noeviction`). */
  get redisReplyErrors(): number {
    return this.gate.replyErrors;
  }

  /** Stops timers and closes the connections. The system answers from memory only afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.gate.up) await Promise.all([this.recorder.flush(), this.savings.flush(), this.usage.flush()]);
    this.closed = true;
    this.recorder.stop();
    this.savings.stop();
    this.usage.stop();
    this.refresher.close();
    this.stopDebugLines();
    this.topologyReader.close();
    await Promise.all([this.gate.close(), this.bus.close()]);
  }

  private onBackendChange(state: 'open' | 'closed', reason: string, redisLog: CacheLogger): void {
    if (this.closed) return;
    if (state === 'open') {
      redisLog.warn({ reason }, 'redis unavailable — in-memory fallback active');
      this.events.emit('backend', { backend: 'memory', reason });
      return;
    }
    redisLog.info({ reason }, 'redis available — back to redis');
    // Values kept in memory during the outage must not shadow what other instances wrote to Redis meanwhile (this
    // instance heard none of it): they go, and the next read asks Redis. L1-only values stay, no longer than an L1
    // copy would.
    this.fill.applied(EVERYTHING);
    const dropped = this.memory.deleteWhere((_k, e) => e.origin === 'fallback');
    if (dropped) redisLog.info({ dropped }, 'values kept in memory during the outage dropped');
    const cap = Date.now() + this.options.l1.ttl * 1000;
    for (const e of this.memory.values()) if (e.origin === 'local' && e.expiresAt > cap) e.expiresAt = cap;
    void this.invalidator.replayPending();
    this.events.emit('backend', { backend: 'redis', reason });
  }

  private dropRedisCopies(why: string): void {
    this.fill.applied(EVERYTHING); // replies in flight may predate a message that was missed
    const n = this.memory.deleteWhere((_k, e) => e.origin !== 'local');
    if (n) this.log.info({ dropped: n }, `${why} — L1 copies of Redis values dropped`);
  }
}
