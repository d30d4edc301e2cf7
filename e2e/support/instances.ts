/**
 * N `next start` instances of the production build sharing one database and one Redis, as a deployment behind a
 * load balancer runs them: same CACHE_PREFIX, same admin token, same Redis settings, same database; their own
 * port and log file. Used by the multi-instance specs and the chaos suite.
 *
 * ```ts
 * const apps = await startInstances({ count: 3, dir, redis: { REDIS_HOST: '127.0.0.1', REDIS_PORT: '6380' },
 *                                     database: sqliteDatabase(dir) });
 * apps.urls            // ['http://127.0.0.1:…', …]
 * await apps.kill(1);  await apps.restart(1);   // crash one instance, bring it back on the same port
 * apps.stop();                                  // always (afterAll / finally)
 * ```
 */
import fs from 'node:fs';
import path from 'node:path';
import { appEnv, killNext, startNext, stopNext, type NextServer } from './processes';

export interface InstancesOptions {
  count: number;
  /** Private temporary directory: logs (and an SQLite database, when that is the store) live here. */
  dir: string;
  /** The Redis variables every instance gets (REDIS_HOST/PORT, REDIS_CLUSTER_NODES, REDIS_SENTINELS, …). */
  redis: Record<string, string>;
  /** The database variables every instance gets: DATABASE_PATH (SQLite) or DATABASE_URL (PostgreSQL). */
  database: Record<string, string>;
  /** Further variables for every instance (LOG_LEVEL, CACHE_ADMIN_TOKEN, …). */
  env?: Record<string, string>;
  /** Variables of instance `i` only, on top of the shared ones (e.g. one instance reaching Redis through a proxy). */
  perInstance?: (i: number) => Record<string, string>;
  /** Name prefix of the log files (default `app`). */
  name?: string;
}

export interface AppInstances {
  readonly servers: readonly NextServer[];
  readonly urls: readonly string[];
  /** The environment instance `i` runs with. */
  envOf(i: number): Record<string, string>;
  /** SIGKILL of instance `i`'s process group; resolves when its port is closed. */
  kill(i: number): Promise<void>;
  /** Starts instance `i` again on its port; resolves when it answers. */
  restart(i: number): Promise<void>;
  /** The last `chars` characters of every instance's log, for a failure message. */
  logTail(chars?: number): string;
  /** Stops every instance (SIGTERM to each process group). Idempotent. */
  stop(): void;
}

/** The database variables of an SQLite file in `dir` that several instances on this host share. */
export function sqliteDatabase(dir: string): Record<string, string> {
  return { DATABASE_PATH: path.join(dir, 'sales-shared.db') };
}

/**
 * Starts `count` instances. The first starts alone (it creates and seeds an empty database); the others start
 * together once it answers. Stops whatever started when one fails to start.
 */
export async function startInstances(opts: InstancesOptions): Promise<AppInstances> {
  const prefix = opts.name ?? 'app';
  const envs = Array.from({ length: opts.count }, (_, i) => {
    const base = appEnv(opts.dir, `${prefix}${i}`, 0, {});
    // appEnv's Redis and database variables are for the single-instance run: replace them with the shared ones.
    delete base.REDIS_HOST;
    delete base.REDIS_PORT;
    delete base.DATABASE_PATH;
    return { ...base, ...opts.redis, ...opts.database, ...opts.env, ...opts.perInstance?.(i) };
  });
  const servers: NextServer[] = [];
  const stopAll = () => servers.forEach((s) => stopNext(s));
  try {
    servers.push(await startNext({ dir: opts.dir, name: `${prefix}0`, env: envs[0] }));
    const rest = await Promise.allSettled(envs.slice(1).map((env, i) => startNext({ dir: opts.dir, name: `${prefix}${i + 1}`, env })));
    for (const r of rest) if (r.status === 'fulfilled') servers.push(r.value);
    const failed = rest.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    stopAll();
    throw error;
  }

  return {
    servers,
    get urls() {
      return servers.map((s) => s.url);
    },
    envOf: (i) => envs[i],
    kill: (i) => killNext(servers[i]),
    async restart(i) {
      servers[i] = await startNext({ dir: opts.dir, name: `${prefix}${i}`, env: envs[i], port: servers[i].port });
    },
    logTail(chars = 2000) {
      return servers
        .map((s) => `--- ${s.logFile} ---\n${fs.existsSync(s.logFile) ? fs.readFileSync(s.logFile, 'utf8').slice(-chars) : '(no log)'}`)
        .join('\n');
    },
    stop: stopAll,
  };
}
