/**
 * The services a scenario's instances run against, all private, on loopback and free ports: a standalone
 * redis-server, a Redis Cluster (3 masters + 1 replica each), a Sentinel set-up (master + replica + 3
 * sentinels), and the database — an SQLite file in the run's directory, or a private PostgreSQL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sqliteDatabase } from '../e2e/support/instances';
import { startCluster, startSentinel, type ClusterTopology, type SentinelTopology } from '../scripts/redis-topology';
import { startPostgresServer, type PostgresServerHandle } from '../test/helpers/postgres-server';
import { startRedisServer, type RedisServerHandle } from '../test/helpers/redis-server';
import { startTcpProxy, type TcpProxyHandle } from '../test/helpers/tcp-proxy';
import type { Backing } from './types';

export interface StandaloneBacking extends Backing {
  redis: RedisServerHandle;
}

export async function standaloneRedis(dir: string): Promise<StandaloneBacking> {
  const redis = await startRedisServer();
  return {
    redis,
    redisEnv: { REDIS_HOST: redis.host, REDIS_PORT: String(redis.port) },
    databaseEnv: sqliteDatabase(dir),
    stop: () => redis.stop(),
  };
}

export interface ProxiedBacking extends StandaloneBacking {
  /** A TCP proxy in front of Redis, for the instances that should be cut off alone. */
  proxy: TcpProxyHandle;
}

export async function standaloneRedisWithProxy(dir: string): Promise<ProxiedBacking> {
  const base = await standaloneRedis(dir);
  const proxy = await startTcpProxy(base.redis.port).catch(async (error: unknown) => {
    await base.stop();
    throw error;
  });
  return {
    ...base,
    proxy,
    stop: async () => {
      await proxy.close();
      await base.stop();
    },
  };
}

export interface ClusterBacking extends Backing {
  cluster: ClusterTopology;
}

export async function clusterRedis(dir: string): Promise<ClusterBacking> {
  const cluster = await startCluster({ masters: 3, replicasPerMaster: 1 });
  return { cluster, redisEnv: { REDIS_CLUSTER_NODES: cluster.nodeList }, databaseEnv: sqliteDatabase(dir), stop: () => cluster.stop() };
}

export interface SentinelBacking extends Backing {
  sentinel: SentinelTopology;
}

export async function sentinelRedis(dir: string): Promise<SentinelBacking> {
  const sentinel = await startSentinel({ replicas: 1, sentinels: 3 });
  return {
    sentinel,
    redisEnv: { REDIS_SENTINELS: sentinel.sentinelList, REDIS_SENTINEL_NAME: sentinel.masterName },
    databaseEnv: sqliteDatabase(dir),
    stop: () => sentinel.stop(),
  };
}

export interface PostgresBacking extends StandaloneBacking {
  postgres: PostgresServerHandle;
}

export async function postgresWithRedis(dir: string): Promise<PostgresBacking> {
  const redis = await standaloneRedis(dir);
  const postgres = await startPostgresServer().catch(async (error: unknown) => {
    await redis.stop();
    throw error;
  });
  return {
    ...redis,
    postgres,
    databaseEnv: { DATABASE_URL: postgres.url },
    stop: async () => {
      await postgres.stop();
      await redis.stop();
    },
  };
}

/** Whether the service reads DATABASE_URL (the PostgreSQL store); the PostgreSQL scenario needs it. */
export function servicePostgresSupport(): string | null {
  const env = fs.readFileSync(path.join(process.cwd(), 'lib/config/env.ts'), 'utf8');
  return env.includes('DATABASE_URL') ? null : 'the service has no PostgreSQL store yet (DATABASE_URL is not a setting)';
}
