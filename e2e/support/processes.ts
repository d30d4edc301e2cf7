/**
 * The e2e run's private services: a `redis-server` (daemonized with a pidfile, so any Playwright worker can stop
 * and restart it) and `next start` of the production build, each on a free port, with every path pointing into a
 * temporary directory. Nothing here touches the shared Redis on 6379 or the repository's data/ and logs/.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../test/helpers/free-port';
import { nextStartEnv } from '../../test/helpers/next-start-env';
import { waitFor } from '../../test/helpers/redis-server';

const run = promisify(execFile);

export { freePort };

// ---------------------------------------------------------------- redis

export interface RedisControl {
  port: number;
  dir: string;
}

function redisPidFile(r: RedisControl): string {
  return path.join(r.dir, `redis-${r.port}.pid`);
}

async function redisAnswers(port: number): Promise<boolean> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'PING'], { timeout: 2000 });
  return stdout.trim() === 'PONG';
}

export async function startRedis(r: RedisControl): Promise<void> {
  await run('redis-server', [
    '--port',
    String(r.port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'yes',
    '--pidfile',
    redisPidFile(r),
    '--logfile',
    path.join(r.dir, `redis-${r.port}.log`),
    '--dir',
    r.dir,
  ]);
  // redis-cli fails while the server is still starting: that is "not yet", not an error.
  await waitFor(() => redisAnswers(r.port).catch(() => false), 10_000, 100, `redis-server on ${r.port}`);
}

/** Stops Redis the way an outage would look to the app: the port stops answering. */
export async function stopRedis(r: RedisControl): Promise<void> {
  const pidFile = redisPidFile(r);
  const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : NaN;
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await waitFor(async () => !(await redisAnswers(r.port).catch(() => false)), 10_000, 100, `redis-server on ${r.port} to stop`);
  fs.rmSync(pidFile, { force: true });
}

// ---------------------------------------------------------------- next start

export interface NextServer {
  port: number;
  url: string;
  pid: number;
  logFile: string;
}

/**
 * Starts `next start` of the existing production build in its own process group, and waits until the
 * overview page answers. `env` is layered on the current environment with the app's variables cleared first,
 * so a developer's .env or shell never leaks into the run. It listens on 127.0.0.1 unless `host` names another
 * local address (a test network's, see netns.ts).
 */
export async function startNext(opts: { dir: string; name: string; env: Record<string, string>; port?: number; host?: string }): Promise<NextServer> {
  const host = opts.host ?? '127.0.0.1';
  // A restarted instance keeps its port (what a load balancer's target list expects).
  const port = opts.port ?? (await freePort());
  const logFile = path.join(opts.dir, `next-${opts.name}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(path.join(process.cwd(), 'node_modules/.bin/next'), ['start', '-p', String(port), '-H', host], {
    cwd: process.cwd(),
    env: nextStartEnv(port, opts.env),
    detached: true,
    stdio: ['ignore', out, out],
  });
  child.unref();
  fs.closeSync(out);
  const url = `http://${host}:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}; see ${logFile}`);
        const res = await fetch(`${url}/api/ai/health`, { signal: AbortSignal.timeout(5000) }).catch(() => null); // not listening yet
        return res?.status === 200 || res?.status === 503;
      },
      60_000,
      100,
      `next start (${opts.name}) on ${port}`,
    );
  } catch (error) {
    stopNext({ port, url, pid: child.pid ?? 0, logFile });
    throw new Error(`${(error as Error).message}\n--- ${logFile} ---\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`, { cause: error });
  }
  return { port, url, pid: child.pid ?? 0, logFile };
}

/** Kills the server's whole process group (next start forks next-server). */
export function stopNext(server: NextServer): void {
  signalNext(server, 'SIGTERM');
}

/** Kills the server's process group with SIGKILL (a crash: no shutdown hooks run) and waits until the port is closed. */
export async function killNext(server: NextServer): Promise<void> {
  signalNext(server, 'SIGKILL');
  await waitFor(async () => !(await portAnswers(server.port)), 10_000, 50, `next start on ${server.port} to die`);
}

function signalNext(server: NextServer, signal: NodeJS.Signals): void {
  if (!server.pid) return;
  try {
    process.kill(-server.pid, signal);
  } catch {
    // already gone
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** The app's environment for an e2e server: private Redis, database, logs; fast polling; no start-up warm-up. */
export function appEnv(dir: string, name: string, redisPort: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: String(redisPort),
    DATABASE_PATH: path.join(dir, `sales-${name}.db`),
    LOG_FILE: path.join(dir, `ai_service-${name}.log`),
    LOG_LEVEL: 'warn',
    CACHE_AUTO_WARMUP: 'false',
    // Warm-ups follow the fixed plan, whatever requests earlier specs made (a spec may ask for 'usage').
    CACHE_SMART_WARMUP: 'off',
    CACHE_ALERT_MIN_REQUESTS: '20',
    // The tuning panel shows evaluations within seconds, not the default five minutes (CACHE_AUTOTUNE stays off:
    // advice only, so no other spec sees a setting change).
    CACHE_AUTOTUNE_INTERVAL: '10',
    CACHE_ADMIN_RATE_LIMIT: '10000',
    CACHE_BREAKER_COOLDOWN: '1',
    DASHBOARD_POLL_MS: '1000',
    ...extra,
  };
}
