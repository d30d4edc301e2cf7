/**
 * Private Redis Cluster and Sentinel set-ups on loopback, for tests, fault drills and operators trying the service
 * on a replicated Redis (`npm run redis:cluster`, `npm run redis:sentinel`).
 *
 * ```ts
 * const cluster = await startCluster();               // 3 masters + 1 replica each
 * process.env.REDIS_CLUSTER_NODES = cluster.nodeList;
 * await (await cluster.masters())[0].kill();          // SIGKILL a master
 * await cluster.waitHealthy();                        // its replica now serves the slots
 * await cluster.stop();
 *
 * const s = await startSentinel();                    // 1 master + 1 replica + 3 sentinels
 * process.env.REDIS_SENTINELS = s.sentinelList;       // and REDIS_SENTINEL_NAME = s.masterName
 * await s.failover();                                 // SENTINEL FAILOVER, resolves once the replica is master
 * ```
 *
 * Every server runs without persistence (`--save '' --appendonly no`) in its own directory (a private temp
 * directory unless `dir` is given), on private ports (never 6379), with failure detection in about a second so a
 * failover takes seconds rather than the production defaults' 15–30 s. Whatever is still running when the process
 * exits is killed and the temp directories are removed.
 *
 * Only Node built-ins are used: the module runs under vitest, tsx and Playwright alike.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RedisNode {
  host: string;
  port: number;
  /** The server's working directory (its log `redis.log`, and `nodes.conf` / `sentinel.conf`). */
  dir: string;
  /** True while the process runs. */
  running: boolean;
  /** SIGKILL: a crash, not a shutdown. Resolves once the process is gone. Idempotent. */
  kill(): Promise<void>;
  /** SIGTERM (SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
  /** (Re)starts the server on the same port with the same directory; resolves when it answers PING. */
  start(): Promise<void>;
  /** Runs redis-cli against this server; resolves with its trimmed stdout. */
  cli(...args: string[]): Promise<string>;
}

export interface ClusterTopology {
  nodes: RedisNode[];
  /** "127.0.0.1:p1,127.0.0.1:p2,…" for REDIS_CLUSTER_NODES */
  nodeList: string;
  /** Running nodes the cluster currently sees as masters serving slots. */
  masters(): Promise<RedisNode[]>;
  /** Running nodes the cluster currently sees as replicas. */
  replicas(): Promise<RedisNode[]>;
  /** waits until every slot is served by a running master and cluster_state:ok */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface SentinelTopology {
  /** The node started as master (after a failover it may be a replica: see currentMaster()). */
  master: RedisNode;
  /** The nodes started as replicas. */
  replicas: RedisNode[];
  sentinels: RedisNode[];
  masterName: string;
  /** "127.0.0.1:p1,…" for REDIS_SENTINELS */
  sentinelList: string;
  /** The master's address as the sentinels announce it. */
  currentMaster(): Promise<{ host: string; port: number }>;
  /** SENTINEL FAILOVER and wait until a replica is promoted */
  failover(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const SHARED_PORT = 6379;
/** Cluster nodes also listen on port + 10000 (the cluster bus), so the data ports stay below 55536. */
const CLUSTER_BUS_OFFSET = 10_000;
/** Failure detection: small enough for a failover in a few seconds, large enough not to flap on a busy 2-core machine. */
const CLUSTER_NODE_TIMEOUT_MS = 2000;
const SENTINEL_DOWN_AFTER_MS = 1000;
const SENTINEL_FAILOVER_TIMEOUT_MS = 3000;

// ---------------------------------------------------------------------------------------------------------------
// Process bookkeeping: everything started here dies with the process.

const liveProcesses = new Set<ChildProcess>();
const ownedDirs = new Set<string>();
let exitHookInstalled = false;

function killEverything(): void {
  for (const p of liveProcesses) {
    try {
      p.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  for (const d of ownedDirs) fs.rmSync(d, { recursive: true, force: true });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', killEverything);
  // A signal ends the process without an 'exit' event unless someone handles it. When this module's listener is
  // the only one, it cleans up and exits; a program with its own handler (the npm scripts) stops things itself.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (process.listenerCount(sig) > 1) return;
      killEverything();
      process.exit(128 + (os.constants.signals[sig] ?? 0));
    });
  }
}

function makeDir(base: string | undefined, name: string): string {
  if (base === undefined) {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), `redis-${name}-`));
    ownedDirs.add(d);
    return d;
  }
  // A given base directory is kept (its logs are worth reading), but each start begins from an empty node
  // directory: a stale nodes.conf would make the cluster refuse to form.
  const d = path.join(base, name);
  fs.rmSync(d, { recursive: true, force: true });
  fs.mkdirSync(d, { recursive: true });
  return d;
}

// ---------------------------------------------------------------------------------------------------------------
// Ports

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, HOST, () => srv.close(() => resolve(true)));
  });
}

/** A port that (with its cluster bus port, if asked) was free a moment ago; outside the kernel's ephemeral range. */
async function pickPort(withBus: boolean, taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (port === SHARED_PORT || taken.has(port) || (withBus && taken.has(port + CLUSTER_BUS_OFFSET))) continue;
    if (!(await portIsFree(port))) continue;
    if (withBus && !(await portIsFree(port + CLUSTER_BUS_OFFSET))) continue;
    taken.add(port);
    if (withBus) taken.add(port + CLUSTER_BUS_OFFSET);
    return port;
  }
  throw new Error('no free port found');
}

function checkPort(port: number, withBus: boolean): void {
  if (!Number.isInteger(port) || port < 1 || port > (withBus ? 65_535 - CLUSTER_BUS_OFFSET : 65_535)) {
    throw new Error(`port ${port} is out of range${withBus ? ' (a cluster node also needs port + 10000)' : ''}`);
  }
  if (port === SHARED_PORT) throw new Error('refusing to use 6379 (the machine’s shared Redis)');
}

// ---------------------------------------------------------------------------------------------------------------
// One server process

/** Sends PING over a raw socket; resolves true on +PONG. */
function ping(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: HOST });
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

/** Polls `check` until it returns true; throws after `timeoutMs` naming `what` (and the last error seen). */
async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function redisCli(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-h', HOST, '-p', String(port), ...args], { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`redis-cli -p ${port} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout.trim());
    });
  });
}

interface NodeSpec {
  port: number;
  dir: string;
  /** The redis-server command line after the binary: a config file and/or `--option value` pairs. */
  args: (port: number, dir: string) => string[];
}

function createNode(spec: NodeSpec): RedisNode {
  let proc: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const { port, dir } = spec;
  const logFile = path.join(dir, 'redis.log');

  const launch = async () => {
    const child = spawn('redis-server', spec.args(port, dir), { stdio: 'ignore', cwd: dir });
    liveProcesses.add(child);
    proc = child;
    exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        liveProcesses.delete(child);
        if (proc === child) proc = null;
        resolve();
      }),
    );
    const tail = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '(no log)');
    const deadline = Date.now() + 10_000;
    while (!(await ping(port))) {
      if (proc !== child) throw new Error(`redis-server on port ${port} exited during start:\n${tail()}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`redis-server on port ${port} did not answer PING in time:\n${tail()}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const end = async (signal: NodeJS.Signals) => {
    const p = proc;
    if (!p) return;
    p.kill(signal);
    const t = setTimeout(() => p.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };

  const node: RedisNode & { launch(): Promise<void> } = {
    host: HOST,
    port,
    dir,
    get running() {
      return proc !== null;
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
    async start() {
      if (!proc) await launch();
    },
    cli: (...args: string[]) => redisCli(port, args),
    launch,
  };
  return node;
}

const dataServerArgs = (port: number, dir: string): string[] => [
  '--port',
  String(port),
  '--bind',
  HOST,
  '--protected-mode',
  'no',
  '--save',
  '',
  '--appendonly',
  'no',
  '--dir',
  dir,
  '--logfile',
  path.join(dir, 'redis.log'),
  '--daemonize',
  'no',
  // A replica's first full sync would otherwise wait 5 s for more replicas to join it.
  '--repl-diskless-sync-delay',
  '0',
];

/** Starts the nodes in parallel; if one fails, stops those that started and rethrows. */
async function launchAll(nodes: RedisNode[]): Promise<void> {
  const results = await Promise.allSettled(nodes.map((n) => (n as RedisNode & { launch(): Promise<void> }).launch()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(nodes.map((n) => n.kill()));
    throw failed.reason;
  }
}

async function portsFor(count: number, basePort: number | undefined, withBus: boolean): Promise<number[]> {
  if (basePort !== undefined) {
    const ports = Array.from({ length: count }, (_, i) => basePort + i);
    for (const p of ports) checkPort(p, withBus);
    return ports;
  }
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await pickPort(withBus, taken));
  return ports;
}

// ---------------------------------------------------------------------------------------------------------------
// Cluster

interface ClusterNodeLine {
  port: number;
  flags: string[];
  /** Slot ranges served, e.g. ["0-5460"]; slots being migrated ("[…]") are left out. */
  slots: string[];
}

/** Parses CLUSTER NODES: `<id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slot>…` */
function parseClusterNodes(text: string): ClusterNodeLine[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(' '))
    .filter((f) => f.length >= 8)
    .map((f) => ({
      port: Number(f[1].split('@')[0].split(':').pop()),
      flags: f[2].split(','),
      slots: f.slice(8).filter((r) => !r.startsWith('[')),
    }));
}

const failed = (l: ClusterNodeLine) => l.flags.some((f) => f === 'fail' || f === 'fail?');

/** True when, in `node`'s view, all 16384 slots belong to masters that run and are not flagged as failing. */
async function slotsCoveredByRunningMasters(node: RedisNode, running: Set<number>): Promise<boolean> {
  let covered = 0;
  for (const l of parseClusterNodes(await node.cli('CLUSTER', 'NODES'))) {
    if (!l.flags.includes('master') || failed(l) || !running.has(l.port)) continue;
    for (const range of l.slots) {
      const [a, b] = range.split('-').map(Number);
      covered += (b ?? a) - a + 1;
    }
  }
  return covered === 16_384;
}

export async function startCluster(
  opts: { masters?: number; replicasPerMaster?: number; dir?: string; basePort?: number } = {},
): Promise<ClusterTopology> {
  installExitHook();
  const masterCount = opts.masters ?? 3;
  const replicasPerMaster = opts.replicasPerMaster ?? 1;
  if (masterCount < 3) throw new Error('a Redis Cluster needs at least 3 masters');
  const total = masterCount * (1 + replicasPerMaster);
  const base = opts.dir ?? makeDir(undefined, 'cluster');
  if (opts.dir !== undefined) fs.mkdirSync(opts.dir, { recursive: true });
  const ports = await portsFor(total, opts.basePort, true);
  const nodes = ports.map((port) =>
    createNode({
      port,
      dir: makeDir(base, `node-${port}`),
      args: (p, d) => [
        ...dataServerArgs(p, d),
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        String(CLUSTER_NODE_TIMEOUT_MS),
        // The other masters keep serving their slots while one shard is failing over.
        '--cluster-require-full-coverage',
        'no',
      ],
    }),
  );

  const runningPorts = () => new Set(nodes.filter((n) => n.running).map((n) => n.port));
  /** The cluster's view from the first running node that answers. */
  const view = async (): Promise<ClusterNodeLine[]> => {
    let lastErr: unknown = new Error('no cluster node is running');
    for (const n of nodes.filter((x) => x.running)) {
      try {
        return parseClusterNodes(await n.cli('CLUSTER', 'NODES'));
      } catch (err) {
        lastErr = err;
      }
    }
    throw lastErr;
  };
  const byPort = (lines: ClusterNodeLine[], keep: (l: ClusterNodeLine) => boolean) => {
    const running = runningPorts();
    const ports = new Set(lines.filter((l) => keep(l) && running.has(l.port) && !failed(l)).map((l) => l.port));
    return nodes.filter((n) => ports.has(n.port));
  };

  const topology: ClusterTopology = {
    nodes,
    nodeList: nodes.map((n) => `${n.host}:${n.port}`).join(','),
    masters: async () => byPort(await view(), (l) => l.flags.includes('master') && l.slots.length > 0),
    replicas: async () => byPort(await view(), (l) => l.flags.includes('slave')),
    async waitHealthy(timeoutMs = 30_000) {
      await waitUntil(
        async () => {
          const running = nodes.filter((n) => n.running);
          if (running.length === 0) return false;
          for (const n of running) {
            if (!(await n.cli('CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
          }
          const ports = runningPorts();
          for (const n of running) if (!(await slotsCoveredByRunningMasters(n, ports))) return false;
          return true;
        },
        timeoutMs,
        'every slot served by a running master and cluster_state:ok',
        100,
      );
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
      if (opts.dir === undefined) {
        fs.rmSync(base, { recursive: true, force: true });
        ownedDirs.delete(base);
      }
    },
  };

  try {
    await launchAll(nodes);
    await nodes[0].cli(
      '--cluster',
      'create',
      ...nodes.map((n) => `${n.host}:${n.port}`),
      '--cluster-replicas',
      String(replicasPerMaster),
      '--cluster-yes',
    );
    await topology.waitHealthy(30_000);
    // The replicas' roles spread by gossip after `--cluster create` returns, and a replica that has not finished
    // its first sync cannot take over: wait for every one of them to be known and linked.
    const wanted = masterCount * replicasPerMaster;
    await waitUntil(async () => (await topology.replicas()).length === wanted, 15_000, `${wanted} replicas known to the cluster`);
    for (const r of await topology.replicas()) {
      await waitUntil(async () => (await r.cli('INFO', 'replication')).includes('master_link_status:up'), 15_000, `replica ${r.port} in sync`);
    }
  } catch (err) {
    await topology.stop();
    throw err;
  }
  return topology;
}

// ---------------------------------------------------------------------------------------------------------------
// Sentinel

export async function startSentinel(
  opts: { replicas?: number; sentinels?: number; dir?: string; basePort?: number; masterName?: string } = {},
): Promise<SentinelTopology> {
  installExitHook();
  const replicaCount = opts.replicas ?? 1;
  const sentinelCount = opts.sentinels ?? 3;
  const masterName = opts.masterName ?? 'mymaster';
  if (!/^[A-Za-z0-9._-]+$/.test(masterName)) throw new Error(`invalid master name: ${masterName}`);
  if (sentinelCount < 1) throw new Error('at least one sentinel is needed');
  const quorum = Math.floor(sentinelCount / 2) + 1;
  const base = opts.dir ?? makeDir(undefined, 'sentinel');
  if (opts.dir !== undefined) fs.mkdirSync(opts.dir, { recursive: true });
  const ports = await portsFor(1 + replicaCount + sentinelCount, opts.basePort, false);
  const masterPort = ports[0];

  const master = createNode({ port: masterPort, dir: makeDir(base, `master-${masterPort}`), args: dataServerArgs });
  const replicas = ports.slice(1, 1 + replicaCount).map((port) =>
    createNode({
      port,
      dir: makeDir(base, `replica-${port}`),
      args: (p, d) => [...dataServerArgs(p, d), '--replicaof', HOST, String(masterPort)],
    }),
  );
  const sentinels = ports.slice(1 + replicaCount).map((port) => {
    const dir = makeDir(base, `sentinel-${port}`);
    const conf = path.join(dir, 'sentinel.conf');
    // Sentinel rewrites its config file (discovered replicas and sentinels, the current master), so it is written
    // once here and reused as is by a restart.
    fs.writeFileSync(
      conf,
      [
        `port ${port}`,
        `bind ${HOST}`,
        'protected-mode no',
        `dir ${dir}`,
        `logfile ${path.join(dir, 'redis.log')}`,
        `sentinel monitor ${masterName} ${HOST} ${masterPort} ${quorum}`,
        `sentinel down-after-milliseconds ${masterName} ${SENTINEL_DOWN_AFTER_MS}`,
        `sentinel failover-timeout ${masterName} ${SENTINEL_FAILOVER_TIMEOUT_MS}`,
        `sentinel parallel-syncs ${masterName} 1`,
        '',
      ].join('\n'),
    );
    return createNode({ port, dir, args: () => [conf, '--sentinel'] });
  });
  const all = [master, ...replicas, ...sentinels];

  const askSentinels = async <T>(fn: (s: RedisNode) => Promise<T>): Promise<T> => {
    let lastErr: unknown = new Error('no sentinel is running');
    for (const s of sentinels.filter((x) => x.running)) {
      try {
        return await fn(s);
      } catch (err) {
        lastErr = err;
      }
    }
    throw lastErr;
  };
  const masterOf = async (s: RedisNode) => {
    const [host, port] = (await s.cli('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)).split('\n');
    if (!host || !port) throw new Error(`sentinel ${s.port} does not know ${masterName}`);
    return { host, port: Number(port) };
  };
  const nodeAt = (port: number) => [master, ...replicas].find((n) => n.port === port);
  const isMaster = async (port: number) => {
    const n = nodeAt(port);
    return n !== undefined && n.running && (await n.cli('ROLE')).split('\n')[0] === 'master';
  };
  /** Replicas in sync with the current master, as the sentinels and the replicas themselves see it. */
  const replicasReady = async (masterPort: number, wanted: number) => {
    const synced = [master, ...replicas].filter((n) => n.port !== masterPort && n.running);
    let up = 0;
    for (const r of synced) {
      const info = await r.cli('INFO', 'replication');
      if (info.includes(`master_port:${masterPort}`) && info.includes('master_link_status:up')) up++;
    }
    return up >= wanted;
  };

  const topology: SentinelTopology = {
    master,
    replicas,
    sentinels,
    masterName,
    sentinelList: sentinels.map((s) => `${s.host}:${s.port}`).join(','),
    currentMaster: () => askSentinels(masterOf),
    async failover(timeoutMs = 30_000) {
      const before = await topology.currentMaster();
      const deadline = Date.now() + timeoutMs;
      // Refused while a previous failover settles (INPROG) or before a replica is known and in sync (NOGOODSLAVE).
      await waitUntil(
        async () => {
          const out = await askSentinels((s) => s.cli('SENTINEL', 'FAILOVER', masterName));
          if (out === 'OK') return true;
          if (/INPROG|NOGOODSLAVE/.test(out)) return false;
          throw new Error(`SENTINEL FAILOVER: ${out}`);
        },
        timeoutMs,
        'SENTINEL FAILOVER to be accepted',
        100,
      );
      await waitUntil(
        async () => {
          const views = await Promise.all(sentinels.filter((s) => s.running).map(masterOf));
          const now = views[0];
          if (!now || now.port === before.port || views.some((v) => v.port !== now.port)) return false;
          return isMaster(now.port);
        },
        Math.max(1000, deadline - Date.now()),
        `a replica of ${before.host}:${before.port} to be promoted`,
        100,
      );
    },
    async stop() {
      await Promise.all(all.map((n) => n.stop()));
      if (opts.dir === undefined) {
        fs.rmSync(base, { recursive: true, force: true });
        ownedDirs.delete(base);
      }
    },
  };

  try {
    await launchAll([master, ...replicas]);
    await waitUntil(() => replicasReady(masterPort, replicaCount), 15_000, 'replicas in sync');
    await launchAll(sentinels);
    // Sentinels find the replicas (INFO on the master) and each other (hello messages every 2 s); a failover
    // needs both, so the set-up is ready only once every sentinel knows them all.
    await waitUntil(
      async () => {
        for (const s of sentinels) {
          const known = await s.cli('SENTINEL', 'MASTER', masterName);
          const field = (name: string) => {
            const lines = known.split('\n');
            const i = lines.indexOf(name);
            return i >= 0 ? Number(lines[i + 1]) : -1;
          };
          if (field('num-slaves') < replicaCount || field('num-other-sentinels') < sentinelCount - 1) return false;
        }
        return true;
      },
      30_000,
      'sentinels to discover the replicas and each other',
      100,
    );
  } catch (err) {
    await topology.stop();
    throw err;
  }
  return topology;
}
