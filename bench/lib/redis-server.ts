/**
 * A private redis-server for one benchmark run: free port, no persistence, pinned to its own core.
 * Never the shared Redis on 6379. The process itself is the test helper's startRedisServer.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Redis } from 'ioredis';
import { startRedisServer } from '../../test/helpers/redis-server';
import { pinPrefix } from './cpu';

export interface PrivateRedis {
  port: number;
  version: string;
  /** Core the server is pinned to, or null when pinning is unavailable. */
  core: number | null;
  /** A fresh ioredis client for the harness itself (INFO, MEMORY USAGE, fills). */
  admin: Redis;
  stop(): Promise<void>;
}

export async function startPrivateRedis(opts: { core?: number | null; extraArgs?: string[] } = {}): Promise<PrivateRedis> {
  if (!fs.existsSync('/usr/bin/redis-server')) {
    try {
      execFileSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' });
    } catch {
      throw new Error('redis-server not found: apt-get install -y redis-server');
    }
  }
  const core = opts.core === undefined ? 1 : opts.core;
  const prefix = pinPrefix(core);
  const server = await startRedisServer({ args: opts.extraArgs, prefix });
  const admin = new Redis({ port: server.port, host: server.host, maxRetriesPerRequest: 1 });
  const info = await admin.info('server');
  const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';

  return {
    port: server.port,
    version,
    core: prefix.length ? core : null,
    admin,
    async stop() {
      admin.disconnect();
      await server.stop();
    },
  };
}

/** Total calls per command from INFO commandstats (the harness' own INFO calls are dropped). */
export async function commandCalls(admin: Redis): Promise<Map<string, number>> {
  const text = await admin.info('commandstats');
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (m[1] === 'info') continue;
    out.set(m[1], Number(m[2]));
  }
  return out;
}

/** Commands sent between two commandstats snapshots, in total and by name. */
export function commandDelta(before: Map<string, number>, after: Map<string, number>): { total: number; byCommand: Record<string, number> } {
  const byCommand: Record<string, number> = {};
  let total = 0;
  for (const [name, calls] of after) {
    const d = calls - (before.get(name) ?? 0);
    if (d > 0) {
      byCommand[name] = d;
      total += d;
    }
  }
  return { total, byCommand };
}
