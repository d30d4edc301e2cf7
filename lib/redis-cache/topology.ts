/**
 * What the Redis deployment looks like from this instance: each server with its role, whether it answers, and its
 * memory and key count — for the info report, the health check and the dashboard's topology card.
 *
 * - standalone: the one server.
 * - cluster: the cluster's own view (CLUSTER NODES, asked of the first master that answers), so a failed node is
 *   still listed — as down — after the client dropped it; then INFO memory + DBSIZE of every node that is up.
 * - sentinel: the sentinels' view (SENTINEL MASTER / REPLICAS, asked of the first sentinel that answers) and a
 *   PING of every configured sentinel; INFO + DBSIZE of the master through the cache's own connection.
 *
 * Status: `ok` when every node answers; `degraded` when a node is down but every slot (Cluster) or the master
 * (Sentinel) is still served — the cache works, one more failure may not be survivable; `down` when data cannot be
 * reached (no master answers, or some slots have no live master).
 *
 * A node that is down is a result here, not a failure: these reads bypass the gate (redis-gate.ts) so a dead replica
 * never opens the circuit breaker, and each is bounded by the command timeout. Sentinel connections are opened on
 * the first report and kept (one per sentinel, closed with the system).
 */
import { Redis, type Cluster } from 'ioredis';
import { parseInfo } from './info';
import { isCluster } from './key-ops';
import type { CacheLogger } from './logger';
import type { HostPort, RedisMode, ResolvedCacheOptions } from './options';
import type { RedisGate } from './redis-gate';
import type { RedisClient } from './scripts';
import { errorMessage, withTimeout } from './timeout';

export type NodeRole = 'master' | 'replica' | 'sentinel';
export type TopologyStatus = 'ok' | 'degraded' | 'down';

export interface TopologyNode {
  /** host:port as the deployment announces it. */
  address: string;
  role: NodeRole;
  up: boolean;
  /** The master a replica follows (address); null for masters, sentinels, or when unknown. */
  masterAddress: string | null;
  /** Cluster masters: how many of the 16384 slots they serve; null elsewhere. */
  slots: number | null;
  /** INFO used_memory; null when not read (down, sentinel, or a Sentinel-mode replica). */
  usedMemory: number | null;
  /** DBSIZE: every key of the node's database, this cache's and any other's; null when not read. */
  keys: number | null;
}

export interface RedisTopology {
  mode: RedisMode;
  status: TopologyStatus;
  nodes: TopologyNode[];
  /** Why the status is not `ok`, one short sentence each. */
  problems: string[];
}

type Cfg = ResolvedCacheOptions['redis'];

const CLUSTER_SLOTS = 16_384;

interface NodeSizes {
  up: boolean;
  usedMemory: number | null;
  keys: number | null;
  /** The node's INFO fields (empty when it did not answer). */
  fields: Record<string, string>;
}
const NOT_ANSWERING: NodeSizes = { up: false, usedMemory: null, keys: null, fields: {} };

export class TopologyReader {
  private sentinelClients: Redis[] | null = null;
  /** The last status and problems logged: a change is logged once, not on every read. */
  private lastLogged = 'ok:';

  constructor(
    private readonly gate: RedisGate,
    private readonly cfg: Cfg,
    private readonly log: CacheLogger,
  ) {}

  /** The current topology; never throws (unreachable parts are reported as down). */
  async read(): Promise<RedisTopology> {
    await this.gate.startup();
    let t: RedisTopology;
    try {
      if (this.cfg.mode === 'cluster' && isCluster(this.gate.client)) t = await this.readCluster(this.gate.client);
      else if (this.cfg.mode === 'sentinel') t = await this.readSentinel();
      else t = await this.readStandalone();
    } catch (err) {
      t = { mode: this.cfg.mode, status: 'down', nodes: [], problems: [`topology unavailable: ${errorMessage(err)}`] };
    }
    this.logChange(t);
    return t;
  }

  /** "redis topology degraded: master 10.0.0.2:7002 is down; …" once per change, "redis topology ok" on recovery. */
  private logChange(t: RedisTopology): void {
    const key = `${t.status}:${t.problems.join('; ')}`;
    if (key === this.lastLogged) return;
    this.lastLogged = key;
    if (t.status === 'ok') this.log.info({ mode: t.mode, status: t.status }, 'redis topology ok');
    else this.log.warn({ mode: t.mode, status: t.status, problems: t.problems }, `redis topology ${t.status}: ${t.problems.join('; ')}`);
  }

  /** Closes the sentinel connections (if any were opened). */
  close(): void {
    for (const c of this.sentinelClients ?? []) c.disconnect();
    this.sentinelClients = null;
  }

  private bounded<T>(p: Promise<T>, what: string): Promise<T> {
    return withTimeout(p, this.cfg.commandTimeoutMs, `${what}: no answer within ${this.cfg.commandTimeoutMs} ms`);
  }

  /** used_memory and DBSIZE of one node; nulls when it does not answer. */
  private async sizes(node: Redis | Cluster, address: string): Promise<NodeSizes> {
    try {
      const [info, keys] = await Promise.all([this.bounded(node.info(), `INFO ${address}`), this.bounded(node.dbsize(), `DBSIZE ${address}`)]);
      const fields = parseInfo(info);
      return { up: true, usedMemory: numberOrNull(fields.used_memory), keys, fields };
    } catch {
      return NOT_ANSWERING;
    }
  }

  /** {@link sizes} over a connection of its own, opened for this read and closed after it. */
  private async sizesDirect(address: string): Promise<NodeSizes> {
    const i = address.lastIndexOf(':');
    const conn = new Redis({
      host: address.slice(0, i),
      port: Number(address.slice(i + 1)),
      username: this.cfg.username,
      password: this.cfg.password,
      tls: this.cfg.tls ? {} : undefined,
      lazyConnect: true,
      connectTimeout: this.cfg.commandTimeoutMs,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectionName: 'ai_cache:topology',
    });
    conn.on('error', () => undefined); // the node being down is the answer, not an error to log
    try {
      await this.bounded(conn.connect(), `connect ${address}`);
      return await this.sizes(conn, address);
    } catch {
      return NOT_ANSWERING;
    } finally {
      conn.disconnect();
    }
  }

  private async readStandalone(): Promise<RedisTopology> {
    const address = `${this.cfg.host}:${this.cfg.port}`;
    const s = this.gate.client.status === 'ready' ? await this.sizes(this.gate.client, address) : NOT_ANSWERING;
    const node: TopologyNode = {
      address,
      role: s.fields.role === 'slave' ? 'replica' : 'master',
      up: s.up,
      masterAddress: null,
      slots: null,
      usedMemory: s.usedMemory,
      keys: s.keys,
    };
    return { mode: 'standalone', status: s.up ? 'ok' : 'down', nodes: [node], problems: s.up ? [] : [`${address} does not answer`] };
  }

  private async readCluster(client: RedisClient & Cluster): Promise<RedisTopology> {
    const known = client.nodes('all');
    const byAddress = new Map(known.map((n) => [`${n.options.host}:${n.options.port}`, n]));
    // The cluster's view, from the first master that answers (then any node).
    let view: ClusterNodeLine[] | null = null;
    let lastError = 'no cluster node known';
    for (const n of [...client.nodes('master'), ...client.nodes('slave')]) {
      try {
        view = parseClusterNodes(String(await this.bounded(n.call('CLUSTER', 'NODES'), 'CLUSTER NODES')));
        break;
      } catch (err) {
        lastError = errorMessage(err);
      }
    }
    if (!view) {
      const nodes = this.cfg.clusterNodes.map((n) => downNode(`${n.host}:${n.port}`, 'master'));
      return { mode: 'cluster', status: 'down', nodes, problems: [`no cluster node answers (${lastError})`] };
    }
    const idToAddress = new Map(view.map((l) => [l.id, l.address]));
    const nodes = await Promise.all(
      view.map(async (l): Promise<TopologyNode> => {
        // The client keeps a connection to every master it routes to and drops one whose server died, which the
        // cluster may not flag as failing for cluster-node-timeout (15 s by default). A master the client has no
        // connection to (died, or just promoted and not yet in the client's slot map) is asked directly. A replica
        // the client holds no connection to is reported from the cluster's view alone, without memory and keys.
        const conn = byAddress.get(l.address);
        const s = l.failing
          ? NOT_ANSWERING
          : conn
            ? await this.sizes(conn, l.address)
            : l.master
              ? await this.sizesDirect(l.address)
              : { ...NOT_ANSWERING, up: true };
        return {
          address: l.address,
          role: l.master ? 'master' : 'replica',
          up: !l.failing && s.up,
          masterAddress: l.master ? null : (idToAddress.get(l.masterId) ?? null),
          slots: l.master ? l.slots : null,
          usedMemory: s.usedMemory,
          keys: s.keys,
        };
      }),
    );
    nodes.sort(byRoleThenAddress);
    const problems: string[] = [];
    const served = nodes.filter((n) => n.role === 'master' && n.up).reduce((a, n) => a + (n.slots ?? 0), 0);
    if (served < CLUSTER_SLOTS) problems.push(`${CLUSTER_SLOTS - served} of ${CLUSTER_SLOTS} slots have no live master`);
    for (const n of nodes) if (!n.up) problems.push(`${n.role} ${n.address} is down`);
    for (const m of nodes.filter((n) => n.role === 'master' && n.up && (n.slots ?? 0) > 0)) {
      if (!nodes.some((r) => r.role === 'replica' && r.up && r.masterAddress === m.address)) problems.push(`master ${m.address} has no live replica`);
    }
    const status: TopologyStatus = served < CLUSTER_SLOTS ? 'down' : problems.length ? 'degraded' : 'ok';
    return { mode: 'cluster', status, nodes, problems };
  }

  private sentinels(): Redis[] {
    this.sentinelClients ??= this.cfg.sentinels.map(
      (s: HostPort) =>
        new Redis({
          host: s.host,
          port: s.port,
          password: this.cfg.sentinelPassword,
          tls: this.cfg.tls ? {} : undefined,
          lazyConnect: false,
          enableOfflineQueue: true, // the first report waits for the connection (bounded below)
          maxRetriesPerRequest: 0,
          connectTimeout: this.cfg.connectTimeoutMs,
          connectionName: 'ai_cache:topology',
          retryStrategy: () => 1000,
        }).on('error', () => undefined), // a sentinel down is reported as down, not logged per retry
    );
    return this.sentinelClients;
  }

  private async readSentinel(): Promise<RedisTopology> {
    const name = this.cfg.sentinelName;
    const sentinels = this.sentinels();
    const answers = await Promise.all(
      sentinels.map(async (s) => {
        try {
          const master = fieldsOf(await this.bounded(s.call('SENTINEL', 'MASTER', name), 'SENTINEL MASTER'));
          const replicas = await this.bounded(s.call('SENTINEL', 'REPLICAS', name), 'SENTINEL REPLICAS');
          return { master, replicas: Array.isArray(replicas) ? replicas.map(fieldsOf) : [] };
        } catch {
          return null;
        }
      }),
    );
    const nodes: TopologyNode[] = sentinels.map((s, i) => ({
      address: `${s.options.host}:${s.options.port}`,
      role: 'sentinel',
      up: answers[i] !== null,
      masterAddress: null,
      slots: null,
      usedMemory: null,
      keys: null,
    }));
    const view = answers.find((a) => a !== null);
    const problems = nodes.filter((n) => !n.up).map((n) => `sentinel ${n.address} is down`);
    if (!view) return { mode: 'sentinel', status: 'down', nodes, problems: ['no sentinel answers'] };
    const masterAddress = `${view.master.ip}:${view.master.port}`;
    const s = this.gate.client.status === 'ready' ? await this.sizes(this.gate.client, masterAddress) : NOT_ANSWERING;
    // The master's own list of replicas streaming from it is current; the sentinels refresh a replica's state only
    // every 10 s, so just after a failover they still report the old master (now a replica) as disconnected.
    const streaming = new Set(
      Object.entries(s.fields)
        .filter(([k, v]) => /^slave\d+$/.test(k) && /state=online/.test(v))
        .map(([, v]) => `${/ip=([^,]+)/.exec(v)?.[1]}:${/port=(\d+)/.exec(v)?.[1]}`),
    );
    // Our own connection answering is what matters to this instance; o_down is the sentinels' agreed verdict.
    const masterDown = !s.up || /\bo_down\b/.test(view.master.flags ?? '');
    const master: TopologyNode = {
      address: masterAddress,
      role: 'master',
      up: !masterDown,
      masterAddress: null,
      slots: null,
      usedMemory: s.usedMemory,
      keys: s.keys,
    };
    const replicas = view.replicas.map((r): TopologyNode => ({
      address: `${r.ip}:${r.port}`,
      role: 'replica',
      up:
        streaming.has(`${r.ip}:${r.port}`) || (!s.up && !/\b(s_down|o_down|disconnected)\b/.test(r.flags ?? '') && r['master-link-status'] === 'ok'),
      masterAddress: streaming.has(`${r.ip}:${r.port}`)
        ? masterAddress
        : r['master-host'] && r['master-host'] !== '?'
          ? `${r['master-host']}:${r['master-port']}`
          : null,
      slots: null,
      usedMemory: null,
      keys: null,
    }));
    if (masterDown) problems.unshift(`master ${masterAddress} is down`);
    for (const r of replicas) if (!r.up) problems.push(`replica ${r.address} is down`);
    if (!replicas.some((r) => r.up)) problems.push('no live replica: a failed master could not be replaced');
    const quorum = Number(view.master.quorum ?? 1);
    const sentinelsUp = nodes.filter((n) => n.up).length;
    if (sentinelsUp < quorum) problems.push(`${sentinelsUp} sentinel(s) answer, below the quorum of ${quorum}`);
    const all = [master, ...replicas, ...nodes].sort(byRoleThenAddress);
    return { mode: 'sentinel', status: masterDown ? 'down' : problems.length ? 'degraded' : 'ok', nodes: all, problems };
  }
}

interface ClusterNodeLine {
  id: string;
  address: string;
  master: boolean;
  masterId: string;
  /** Marked failing (fail / fail?) in the answering node's view, or not connected to it. */
  failing: boolean;
  slots: number;
}

/** CLUSTER NODES: `<id> <ip:port@bus[,hostname]> <flags> <master-id> <ping> <pong> <epoch> <link-state> <slot>…` */
export function parseClusterNodes(text: string): ClusterNodeLine[] {
  const out: ClusterNodeLine[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    if (f.length < 8) continue;
    const flags = f[2].split(',');
    if (flags.includes('noaddr') || flags.includes('handshake')) continue;
    let slots = 0;
    for (const range of f.slice(8)) {
      if (range.startsWith('[')) continue; // a slot being migrated or imported
      const [a, b] = range.split('-').map(Number);
      slots += (b ?? a) - a + 1;
    }
    out.push({
      id: f[0],
      address: f[1].split('@')[0],
      master: flags.includes('master'),
      masterId: f[3],
      failing: flags.includes('fail') || flags.includes('fail?') || f[7] === 'disconnected',
      slots,
    });
  }
  return out;
}

/** A flat RESP reply [k1, v1, k2, v2, …] as an object. */
function fieldsOf(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

function downNode(address: string, role: NodeRole): TopologyNode {
  return { address, role, up: false, masterAddress: null, slots: null, usedMemory: null, keys: null };
}

function numberOrNull(text: string | undefined): number | null {
  const n = Number(text);
  return text === undefined || !Number.isFinite(n) ? null : n;
}

const ROLE_ORDER: Record<NodeRole, number> = { master: 0, replica: 1, sentinel: 2 };
function byRoleThenAddress(a: TopologyNode, b: TopologyNode): number {
  return ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.address.localeCompare(b.address, 'en', { numeric: true });
}
