/**
 * Walking and deleting keys: the only places that SCAN or UNLINK. SCAN visits every master in Cluster mode and
 * uses a glob-free pattern (keys.ts); deletes are UNLINK (freed in the background on the server) in batches, grouped
 * by slot in Cluster mode because a multi-key command must stay within one slot. Never KEYS, never FLUSHDB.
 *
 * Each step is its own guarded command (so a long walk never looks like a hung command to the gate's watchdog);
 * when Redis fails midway the walk stops with {@link RedisUnavailableError}.
 */
import clusterKeySlot from 'cluster-key-slot';
import type { Cluster } from 'ioredis';
import { UNAVAILABLE, type RedisGate } from './redis-gate';
import type { RedisClient } from './scripts';

const UNLINK_BATCH = 500;
const SCAN_COUNT = 1000;

/** A multi-step operation could not finish because Redis became unavailable. */
export class RedisUnavailableError extends Error {
  constructor() {
    super('redis unavailable');
    this.name = 'RedisUnavailableError';
  }
}

export function isCluster(client: RedisClient): client is RedisClient & Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}

/** The servers holding data: every master in Cluster mode, else the one server. */
export function dataNodes(client: RedisClient): (RedisClient | ReturnType<Cluster['nodes']>[number])[] {
  return isCluster(client) ? client.nodes('master') : [client];
}

/** SCAN MATCH `pattern` over every master (Cluster) or the one server; yields batches of keys. */
export async function* scanKeys(gate: RedisGate, pattern: string): AsyncGenerator<string[]> {
  for (const node of dataNodes(gate.client)) {
    let cursor = '0';
    do {
      const step = await gate.run(() => node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT));
      if (step === UNAVAILABLE) throw new RedisUnavailableError();
      cursor = step[0];
      if (step[1].length) yield step[1];
    } while (cursor !== '0');
  }
}

/** UNLINKs `keys`; resolves how many existed. */
export async function unlinkKeys(gate: RedisGate, keys: readonly string[]): Promise<number> {
  if (!keys.length) return 0;
  let n = 0;
  for (const group of isCluster(gate.client) ? groupBySlot(keys) : [keys]) {
    for (let i = 0; i < group.length; i += UNLINK_BATCH) {
      const removed = await gate.run((c) => c.unlink(...group.slice(i, i + UNLINK_BATCH)));
      if (removed === UNAVAILABLE) throw new RedisUnavailableError();
      n += removed;
    }
  }
  return n;
}

function groupBySlot(keys: readonly string[]): string[][] {
  const bySlot = new Map<number, string[]>();
  for (const k of keys) {
    const slot = clusterKeySlot(k);
    const list = bySlot.get(slot);
    if (list) list.push(k);
    else bySlot.set(slot, [k]);
  }
  return [...bySlot.values()];
}
