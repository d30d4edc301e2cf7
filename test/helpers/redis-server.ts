/**
 * A private `redis-server` for integration tests: started on a free port in a temporary directory, with no
 * persistence (`--save '' --appendonly no`), and always stopped — by `stop()`, and as a safety net when the
 * test process exits (even after a failed test). Never the shared Redis on 6379.
 *
 * ```ts
 * const redis = await startRedisServer();
 * afterAll(() => redis.stop());
 * redis.url            // redis://127.0.0.1:<port>
 * await redis.stop();  await redis.start();    // restart on the same port
 * await redis.pause(500)                       // CLIENT PAUSE: the server hangs for 500 ms
 * await redis.cli('DBSIZE')                    // redis-cli output, trimmed
 * ```
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { startCluster, type ClusterTopology } from '@/scripts/redis-topology';

export interface RedisServerHandle {
  port: number;
  host: string;
  url: string;
  dir: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
  /** Kills the server abruptly (SIGKILL) — a crash rather than a shutdown. */
  kill(): Promise<void>;
  /** (Re)starts the server on the same port; resolves when it answers PING. */
  start(): Promise<void>;
  /** `CLIENT PAUSE ms ALL`: every client's commands hang for `ms` (a hung Redis). */
  pause(ms: number): Promise<void>;
  /** Runs redis-cli against this server; resolves with its trimmed stdout. */
  cli(...args: string[]): Promise<string>;
  /** True while the process runs. */
  readonly running: boolean;
}

export interface RedisServerOptions {
  port?: number;
  /** Extra `redis-server` arguments, e.g. ['--maxmemory', '10mb']. */
  args?: string[];
  /** Command the server runs under, e.g. ['taskset', '-c', '1'] to pin it to a core. */
  prefix?: string[];
  /** How long to wait for PING (default 10 s). */
  readyTimeoutMs?: number;
}

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const p of live) {
      try {
        p.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
    for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
  };
  process.once('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}

/** Sends PING over a raw socket; resolves true on +PONG. */
function ping(port: number, host: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}

/** Waits until `check` returns true, polling every `intervalMs`, failing after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, intervalMs = 20, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServerHandle> {
  installExitHook();
  const host = '127.0.0.1';
  let port = opts.port ?? (await freePort());
  if (port === 6379) throw new Error('refusing to use 6379 (the shared Redis)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-test-'));
  tempDirs.add(dir); // removed when the test process exits (stop() keeps it: start() may reuse it)
  let proc: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const launch = async () => {
    const [cmd, ...args] = [
      ...(opts.prefix ?? []),
      'redis-server',
      ...[
        '--port',
        String(port),
        '--bind',
        host,
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--protected-mode',
        'no',
        ...(opts.args ?? []),
      ],
    ];
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d) => (output = (output + d.toString()).slice(-4000)));
    child.stderr?.on('data', (d) => (output = (output + d.toString()).slice(-4000)));
    live.add(child);
    proc = child;
    exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        live.delete(child);
        if (proc === child) proc = null;
        resolve();
      }),
    );
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 10_000);
    while (!(await ping(port, host))) {
      if (proc !== child) throw new Error(`redis-server on port ${port} exited during start:\n${output}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`redis-server on port ${port} did not answer PING in time:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const stopWith = async (signal: NodeJS.Signals) => {
    const p = proc;
    if (!p) return;
    p.kill(signal);
    const t = setTimeout(() => p.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };

  try {
    await launch();
  } catch (err) {
    // The port may have been taken between freePort() and the bind: one retry on another port.
    if (opts.port !== undefined) throw err;
    port = await freePort();
    await launch();
  }

  const handle: RedisServerHandle = {
    get port() {
      return port;
    },
    host,
    get url() {
      return `redis://${host}:${port}`;
    },
    dir,
    async stop() {
      await stopWith('SIGTERM');
    },
    async kill() {
      await stopWith('SIGKILL');
    },
    async start() {
      if (proc) return;
      await launch();
    },
    async pause(ms: number) {
      const out = await handle.cli('CLIENT', 'PAUSE', String(Math.round(ms)), 'ALL');
      if (out !== 'OK') throw new Error(`CLIENT PAUSE failed: ${out}`);
    },
    cli(...args: string[]) {
      return new Promise((resolve, reject) => {
        execFile('redis-cli', ['-h', host, '-p', String(port), ...args], { timeout: 10_000 }, (err, stdout) => {
          if (err) reject(err);
          else resolve(stdout.trim());
        });
      });
    },
    get running() {
      return proc !== null;
    },
  } as RedisServerHandle;
  return handle;
}

export type RedisClusterHandle = Pick<ClusterTopology, 'nodes' | 'nodeList' | 'stop'>;

/**
 * A private Redis Cluster of `masters` masters (no replicas), slots spread by `redis-cli --cluster create`; the
 * set-up of scripts/redis-topology.ts. Resolves when every slot is served and every node reports `cluster_state:ok`.
 */
export function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  return startCluster({ masters, replicasPerMaster: 0 });
}

export interface RedisSentinelHandle {
  port: number;
  host: string;
  /** `host:port` — the value of REDIS_SENTINELS. */
  address: string;
  stop(): Promise<void>;
}

/** A private Sentinel watching `master` under `name` (its config file lives in a temp dir: Sentinel rewrites it). */
export async function startRedisSentinel(master: RedisServerHandle, name = 'mymaster'): Promise<RedisSentinelHandle> {
  installExitHook();
  const host = '127.0.0.1';
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-sentinel-'));
  tempDirs.add(dir);
  const conf = path.join(dir, 'sentinel.conf');
  fs.writeFileSync(
    conf,
    [
      `port ${port}`,
      `bind ${host}`,
      `dir ${dir}`,
      `sentinel monitor ${name} ${master.host} ${master.port} 1`,
      `sentinel down-after-milliseconds ${name} 1000`,
      `sentinel failover-timeout ${name} 5000`,
      '',
    ].join('\n'),
  );
  const child = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => (live.delete(child), resolve())));
  await waitFor(() => ping(port, host), 10_000, 20, `sentinel on ${port}`);
  return {
    port,
    host,
    address: `${host}:${port}`,
    async stop() {
      if (!live.has(child)) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
