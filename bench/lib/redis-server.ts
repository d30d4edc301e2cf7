/**
 * A private redis-server for one benchmark run: free port, no persistence, pinned to its own core.
 * Never the shared Redis on 6379.
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../test/helpers/free-port';
import { waitFor } from '../../test/helpers/redis-server';
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
      throw new Error("redis-server not found: apt-get install -y redis-server");
    }
  }
  const port = await freePort();
  if (port === 6379) throw new Error('refusing to use 6379 (the shared Redis)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-redis-'));
  const core = opts.core === undefined ? 1 : opts.core;
  const [cmd, ...prefix] = [...pinPrefix(core), 'redis-server'];
  const args = [
    ...prefix,
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', 'no',
    '--dir', dir,
    '--logfile', path.join(dir, 'redis.log'),
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn(cmd, args, { stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => (exited = true));

  const admin = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  admin.on('error', () => undefined); // refused connections until the server listens; waitFor() reports real failures
  await waitFor(
    async () => {
      if (exited) throw new Error(`redis-server exited early; see ${dir}/redis.log`);
      if (admin.status !== 'ready') await admin.connect().catch(() => undefined);
      return (await admin.ping().catch(() => null)) === 'PONG'; // refused until the server listens
    },
    10_000,
    25,
    `redis-server on port ${port}`,
  );
  const info = await admin.info('server');
  const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';

  return {
    port,
    version,
    core: pinPrefix(core).length ? core : null,
    admin,
    async stop() {
      admin.disconnect();
      if (!exited) {
        child.kill('SIGTERM');
        await waitFor(() => exited, 10_000, 25, 'redis-server to exit').catch(() => child.kill('SIGKILL'));
      }
      fs.rmSync(dir, { recursive: true, force: true });
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
