/**
 * Builds the ioredis client for the configured mode (standalone, Sentinel or Cluster) and logs its state changes.
 *
 * Options chosen for a cache that must fail fast rather than queue:
 * - `lazyConnect`: nothing connects at import or during `next build`; the cache system connects on first use.
 * - `enableOfflineQueue: false` + `maxRetriesPerRequest: 0`: while disconnected a command fails at once (the
 *   circuit breaker then routes to memory) instead of waiting in a queue for a Redis that may never come back.
 * - no `commandTimeout`: it arms a timer per command. The bound on a hung Redis is the gate's watchdog instead
 *   (redis-gate.ts: one timer per connection). A command cut off by it is not cancelled on the server; see
 *   docs/ARCHITECTURE.md ("Failures") for why a late write is harmless.
 * - `retryStrategy`: capped exponential backoff with jitter. `retryOnTimeout: false` turns automatic
 *   reconnection off; the circuit breaker's probe then reconnects explicitly on its own schedule.
 * - no auto-pipelining: it defers every command to `setImmediate`, which measured 2× slower for a lone GET
 *   (the common case) and no faster at 50 concurrent lookups; each command is written at once (Nagle off).
 */
import { Cluster, Redis } from 'ioredis';
import type { CacheLogger } from './logger';
import { describeRedisAddress, type ResolvedCacheOptions } from './options';
import { withScripts, type RedisClient } from './scripts';

type RedisConfig = ResolvedCacheOptions['redis'];

function retryStrategy(cfg: RedisConfig) {
  return (times: number): number | null => {
    if (!cfg.retryOnTimeout) return null;
    return Math.min(50 * 2 ** Math.min(times, 6), 2000) + Math.floor(Math.random() * 100);
  };
}

/**
 * Creates (does not connect) a client for `cfg`, with the library's scripts registered. `role` names the
 * connection in CLIENT LIST and logs.
 */
export function createRedisClient(cfg: RedisConfig, role: string, opts: { autoResubscribe?: boolean } = {}): RedisClient {
  return withScripts(createBareClient(cfg, role, opts.autoResubscribe ?? true));
}

function createBareClient(cfg: RedisConfig, role: string, autoResubscribe: boolean): Redis | Cluster {
  const common = {
    autoResubscribe,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: cfg.connectTimeoutMs,
    // The socket timeout is enforced by the gate's probe (redis-gate.ts), not by ioredis' socketTimeout, which
    // arms a timer and a listener per command burst on the hot path.
    keepAlive: cfg.socketTimeoutMs,
    enableAutoPipelining: false,
    connectionName: `ai_cache:${role}`,
    username: cfg.username,
    password: cfg.password,
    db: cfg.db,
    tls: cfg.tls ? {} : undefined,
    retryStrategy: retryStrategy(cfg),
  };
  if (cfg.mode === 'cluster') {
    const { db: _db, ...redisOptions } = common; // Cluster has only db 0
    return new Cluster(cfg.clusterNodes, {
      lazyConnect: true,
      enableOfflineQueue: false,
      enableAutoPipelining: false,
      scaleReads: 'master',
      maxRedirections: 4,
      clusterRetryStrategy: (times: number) => (cfg.retryOnTimeout ? Math.min(100 * 2 ** Math.min(times, 5), 2000) : null),
      redisOptions,
    });
  }
  if (cfg.mode === 'sentinel') {
    return new Redis({
      ...common,
      sentinels: cfg.sentinels,
      name: cfg.sentinelName,
      sentinelPassword: cfg.sentinelPassword,
      sentinelRetryStrategy: retryStrategy(cfg),
      failoverDetector: true,
    });
  }
  return new Redis({ ...common, host: cfg.host, port: cfg.port });
}

/**
 * Logs each state change of `client` once (not once per failed command or reconnect attempt):
 * "redis connected", "redis connection lost", "redis reconnecting"… The messages contain `redis` so the
 * seed's runbook (`grep redis logs/ai_service.log`) finds them. No credentials are logged.
 */
export function logConnectionState(client: RedisClient, cfg: RedisConfig, role: string, log: CacheLogger): void {
  const address = describeRedisAddress(cfg);
  let last = '';
  let lastError = '';
  const note = (state: string, level: 'info' | 'warn') => {
    if (state === last) return;
    last = state;
    log[level]({ role, mode: cfg.mode, address, state }, `redis ${role} ${state}`);
  };
  client.on('ready', () => {
    lastError = '';
    note('ready', 'info');
  });
  client.on('close', () => {
    if (last === 'ready') note('connection lost', 'warn');
  });
  client.on('reconnecting', () => note('reconnecting', 'info'));
  client.on('end', () => note('ended', 'info'));
  client.on('error', (err: Error) => {
    // Without a listener ioredis prints every error; with one we log the first of each kind only.
    const msg = err.message.replace(/\s+/g, ' ').slice(0, 200);
    if (msg === lastError) return;
    lastError = msg;
    log.warn({ role, mode: cfg.mode, address, err: msg }, `redis ${role} error`);
  });
}
