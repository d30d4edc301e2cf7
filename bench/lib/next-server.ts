/**
 * `next build` (when stale) and `next start` for the HTTP benchmark: own process group (setsid-like, so the
 * whole group is killed afterwards), pinned to one core, ports from the benchmark range 5501–5599.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { nextStartEnv } from '../../test/helpers/next-start-env';
import { pinPrefix } from './cpu';

/** Builds the app unless scripts/lib.sh's build_is_fresh finds the build newer than every source. Returns whether it built. */
export function ensureBuild(cwd = process.cwd()): boolean {
  if (spawnSync('bash', ['-c', 'source scripts/lib.sh && build_is_fresh'], { cwd, stdio: 'ignore' }).status === 0) return false;
  const r = spawnSync('npx', ['next', 'build'], {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
  return true;
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A free port in 5501–5599 (the range reserved for these benchmarks). */
export async function freeBenchPort(exclude: number[] = []): Promise<number> {
  for (let p = 5501 + Math.floor(Math.random() * 50); p <= 5599; p++) if (!exclude.includes(p) && (await portIsFree(p))) return p;
  for (let p = 5501; p <= 5599; p++) if (!exclude.includes(p) && (await portIsFree(p))) return p;
  throw new Error('no free port in 5501–5599');
}

export interface NextServer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

export async function startNext(opts: {
  env: Record<string, string>;
  core: number | 'all' | null;
  readyPath: string;
  logFile: string;
  exclude?: number[];
}): Promise<NextServer> {
  const port = await freeBenchPort(opts.exclude);
  const [cmd, ...args] = [
    ...pinPrefix(opts.core),
    process.execPath,
    path.join('node_modules', 'next', 'dist', 'bin', 'next'),
    'start',
    '-p',
    String(port),
    '-H',
    '127.0.0.1',
  ];
  const log = fs.openSync(opts.logFile, 'a');
  const child: ChildProcess = spawn(cmd, args, {
    detached: true, // own process group: stop() kills next-server and anything it started
    stdio: ['ignore', log, log],
    env: nextStartEnv(port, opts.env), // the app's variables from the shell cleared: only opts.env configures it
  });
  fs.closeSync(log);
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid && !exited) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const end = Date.now() + 5000;
      while (!exited && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      if (!exited) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
  };
  const end = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`next start exited early; see ${opts.logFile}`);
    try {
      const res = await fetch(url + opts.readyPath, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > end) {
      await stop();
      throw new Error(`next start did not answer ${opts.readyPath} within 60 s; see ${opts.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { port, url, stop };
}
