/**
 * The management API's contract tests call the route handlers' exported functions with real `Request` objects,
 * against a private redis-server and a temporary SQLite database with the demo history. The process-wide cache
 * system (the one the routes use) points at that Redis; a second, independent cache system plays another
 * instance of the service.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createForecastingService, type ForecastingService } from '@/lib/forecasting/service';
import { openDatabase, type SqliteDatabase } from '@/lib/forecasting/database';
import { fitModel } from '@/lib/forecasting/prophet-model';
import { adminRateLimiter } from '@/lib/http/rate-limit';
import { useForecastingServiceForTests } from '@/lib/http/forecasting-access';
import { closeJobQueue } from '@/lib/http/job-queue-access';
import { useHttpLoggerForTests } from '@/lib/http/log';
import { socketStampHeader } from '@/lib/http/socket-address';
import { onServerStart } from '@/lib/http/server-start';
import { stopAutotuner } from '@/lib/http/autotune';
import { createCacheSystem, resetCacheSystemForTests, type CacheSystem } from '@/lib/redis-cache';
import { startRedisServer, waitFor, type RedisServerHandle } from '../helpers/redis-server';
import { cacheSystemOptions } from '@/lib/config/cache-system';
import { readEnv } from '@/lib/config/env';

export const ORIGIN = 'http://localhost:5001';
export const REDIS_PASSWORD = 'pw-never-in-responses-7f3a';
const silent = pino({ level: 'silent' });

/** The service in-process against some Redis deployment (standalone, Sentinel or Cluster). */
export interface ServiceTestEnv {
  /** The process-wide cache system: the one the route handlers use. */
  system: CacheSystem;
  /** Another instance of the service (same Redis, same prefix). */
  other: CacheSystem;
  forecasting: ForecastingService;
  db: SqliteDatabase;
  prefix: string;
  /** Lines the routes logged (parsed JSON). */
  logs: Record<string, unknown>[];
  /** The process-wide system's backend changes since start ("memory: <reason>", "redis: <reason>"): for failure messages. */
  backendChanges: string[];
  close(): Promise<void>;
}

/** The service against a private standalone redis-server with a password. */
export interface ApiTestEnv extends ServiceTestEnv {
  redis: RedisServerHandle;
  /** Keys under the prefix, the library's own bookkeeping (`_meta`, grace copies) excluded. */
  cacheKeys(): Promise<string[]>;
  /** Runs redis-cli with the password. */
  cli(...args: string[]): Promise<string>;
  /** Restarts a stopped Redis (with its password). */
  restartRedis(): Promise<void>;
}

let counter = 0;

export async function startApiTestEnv(extraEnv: Record<string, string> = {}): Promise<ApiTestEnv> {
  // The password is set after start (the helper's readiness PING has no credentials), so the tests can check it
  // never leaks into a response or a log.
  const redis = await startRedisServer();
  await redis.cli('CONFIG', 'SET', 'requirepass', REDIS_PASSWORD);
  const service = await startServiceTestEnv({ REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}` }, extraEnv);
  const { prefix } = service;
  const cli = (...args: string[]) => redis.cli('-a', REDIS_PASSWORD, '--no-auth-warning', ...args);
  return {
    ...service,
    redis,
    cli,
    async restartRedis() {
      await redis.start();
      await redis.cli('CONFIG', 'SET', 'requirepass', REDIS_PASSWORD);
    },
    async cacheKeys() {
      const out = await cli('--scan', '--pattern', `${prefix}:*`);
      return out
        ? out
            .split('\n')
            .filter((key) => !key.includes(':_meta:') && !key.endsWith(':grace'))
            .sort()
        : [];
    },
    async close() {
      await service.close();
      await redis.stop();
    },
  };
}

/**
 * The service (process-wide cache system, a second instance, the forecasting service on a temporary SQLite database
 * with the demo history) against the Redis that `redisEnv` names, e.g. `{ REDIS_CLUSTER_NODES: … }`.
 */
export async function startServiceTestEnv(redisEnv: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<ServiceTestEnv> {
  counter += 1;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-test-'));
  const prefix = `api${process.pid}_${counter}`;
  const env = {
    ...redisEnv,
    // Long enough that a busy test machine (in-process Prophet fits block the event loop) doesn't time out healthy
    // commands and open the breaker; still far inside the 4 s CLIENT PAUSE the hang test uses.
    REDIS_COMMAND_TIMEOUT: '1',
    REDIS_CONNECT_TIMEOUT: '2',
    CACHE_BREAKER_COOLDOWN: '0.1',
    CACHE_PREFIX: prefix,
    CACHE_AUTO_WARMUP: 'false',
    // The warm-up tests count the fixed plan's tasks; requests made by other tests must not change the plan.
    CACHE_SMART_WARMUP: 'off',
    ...extraEnv,
  };
  // Route handlers read the warm-up and autotune settings and the price of compute from process.env (readEnv() when
  // they need them), as the server does, and so does the forecasting service its admission limits; the process-wide
  // job queue (warm-ups run as its jobs) reads its Redis and prefix there too.
  const warmUpVariables = [
    'FORECAST_QUEUE_MAX',
    'FORECAST_MAX_PER_CLIENT',
    'CACHE_SMART_WARMUP',
    'CACHE_WARMUP_TOP_K',
    'CACHE_AUTOTUNE',
    'CACHE_AUTOTUNE_INTERVAL',
    'CACHE_TARGET_UTILIZATION',
    'CACHE_COST_PER_CPU_SECOND',
    'CACHE_COST_CURRENCY',
    'CACHE_PREFIX',
    ...Object.keys(redisEnv),
  ];
  const savedWarmUpVariables = warmUpVariables.map((name) => [name, process.env[name]] as const);
  for (const name of warmUpVariables) {
    const value = (env as Record<string, string | undefined>)[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const system = (await resetCacheSystemForTests(cacheSystemOptions(env, silent)))!;
  const other = createCacheSystem(cacheSystemOptions(env, silent));
  // Seeding the demo history blocks the event loop for a while: do it before the cache systems connect, so
  // their first commands don't time out and open the circuit breaker.
  const db = openDatabase(path.join(dir, 'sales.db'));
  const forecasting = await createForecastingService({ db, fit: fitModel, seedDemoData: true, demoEndDate: '2026-10-31' });
  useForecastingServiceForTests(forecasting);
  await Promise.all([system.connect(), other.connect()]);
  await waitFor(() => system.backend === 'redis' && other.backend === 'redis', 10_000, 10, 'both cache systems on Redis');
  const backendChanges: string[] = [];
  system.events.on('backend', (e) => backendChanges.push(`${e.backend}: ${e.reason}`));

  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  useHttpLoggerForTests(pino({ level: 'info' }, sink));
  adminRateLimiter().reset();
  // As at server start (instrumentation.ts): the cache system feeds the metrics, and with CACHE_AUTO_WARMUP=true
  // a warm-up starts.
  onServerStart(readEnv(env));

  return {
    system,
    other,
    forecasting,
    db,
    prefix,
    logs,
    backendChanges,
    async close() {
      // The autotune timer onServerStart started must not outlive this environment's cache system.
      stopAutotuner();
      await closeJobQueue();
      useForecastingServiceForTests(undefined);
      useHttpLoggerForTests(undefined);
      for (const [name, value] of savedWarmUpVariables) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await forecasting.close();
      await other.close();
      await resetCacheSystemForTests();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A request as curl or the dashboard would send it to the service at localhost:5001. */
export function apiRequest(
  pathAndQuery: string,
  init: { method?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
): Request {
  // As the front door stamps a request from this host (socket-address.ts): management calls are taken from loopback.
  const headers: Record<string, string> = {
    host: 'localhost:5001',
    'x-forwarded-for': '127.0.0.1',
    [socketStampHeader()]: '127.0.0.1',
    ...init.headers,
  };
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['content-type'] ??= 'application/json';
  }
  return new Request(`${ORIGIN}${pathAndQuery}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
}

/** Reads a response body as JSON, checking the headers every API answer carries. */
export async function jsonOf<T = Record<string, unknown>>(response: Response): Promise<T> {
  if (response.headers.get('cache-control') !== 'no-store') throw new Error(`missing Cache-Control: no-store (status ${response.status})`);
  if (!response.headers.get('content-type')?.startsWith('application/json')) throw new Error(`not JSON: ${response.headers.get('content-type')}`);
  return (await response.json()) as T;
}

/** The route handlers of Next.js take a context argument; ours ignore it. */
export const NO_CONTEXT = undefined as never;
