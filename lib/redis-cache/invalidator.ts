/**
 * The one invalidation entry point: removes what a target designates from this process's L1, from Redis and
 * from every other instance's L1 (over the bus). While Redis is unavailable the Redis part is remembered and
 * replayed when it is back, so a clear made during an outage still happens.
 *
 * Redis side: one product's keys and the product lists are listed in index sets (keys.ts), so clearing a product —
 * which every retrain does — never scans the keyspace; a type or everything is a glob-free SCAN + UNLINK.
 */
import { graceKey, isGraceKey } from './grace';
import type { CacheEvents } from './events';
import { describeTarget, type InvalidationBus, type InvalidationTarget } from './invalidation-bus';
import { RedisUnavailableError, scanKeys, unlinkKeys } from './key-ops';
import { CACHE_TYPES, type CacheType, type KeyScheme } from './keys';
import type { CacheLogger } from './logger';
import { EVERYTHING, type FillGuard, type FillScope } from './fill-guard';
import type { MemoryTier } from './memory-tier';
import { UNAVAILABLE, type RedisGate } from './redis-gate';

/**
 * What a clear designates — the one clear-target type of the library: everything of this prefix, one type of data,
 * or one product (its model and predictions). A product is an object, so no product name can mean 'all'.
 */
export type ClearTarget = 'all' | CacheType | { product: string };

/** The wire form of a clear target (and of explicit keys, which only the library itself invalidates). */
export function toInvalidation(target: ClearTarget): InvalidationTarget {
  if (typeof target === 'object' && target !== null && typeof target.product === 'string') return { kind: 'product', product: target.product };
  if (target === 'all') return { kind: 'all' };
  if (CACHE_TYPES.includes(target as CacheType)) return { kind: 'type', type: target as CacheType };
  throw new TypeError("clear target must be 'all', 'models', 'predictions', 'products', 'other' or { product }");
}

/** Invalidations remembered during an outage; beyond this many, "all" is replayed instead. */
const MAX_PENDING = 1000;

export interface InvalidatorDeps {
  gate: RedisGate;
  memory: MemoryTier;
  fill: FillGuard;
  keys: KeyScheme;
  bus: InvalidationBus;
  events: CacheEvents;
  log: CacheLogger;
  /** Called after a local invalidation of more than explicit keys, with what it removed from Redis per type. */
  afterBulkClear: (removed: Partial<Record<CacheType, number | 'all'>>) => void;
}

export class Invalidator {
  private pending: InvalidationTarget[] = [];

  constructor(private readonly d: InvalidatorDeps) {}

  /** Clears `target` everywhere; resolves how many keys were removed (Redis' count when Redis took part). */
  clear(target: ClearTarget): Promise<number> {
    return this.invalidate(toInvalidation(target));
  }

  /** Removes explicit keys everywhere. */
  deleteKeys(keys: string[]): Promise<number> {
    return this.invalidate({ kind: 'keys', keys });
  }

  private async invalidate(target: InvalidationTarget): Promise<number> {
    // Lookups of the target in flight until Redis no longer holds it must not keep what they find (fill-guard.ts).
    const scopes = this.scopesOf(target);
    for (const scope of scopes) this.d.fill.begin(scope);
    let removed: number;
    let byType: Partial<Record<CacheType, number | 'all'>> = {};
    try {
      removed = this.dropLocal(target);
      const fromRedis = await this.removeFromRedis(target);
      if (fromRedis === UNAVAILABLE) this.remember(target);
      else {
        removed = fromRedis.removed;
        byType = fromRedis.byType;
        this.d.bus.publish(target);
      }
    } finally {
      for (const scope of scopes) this.d.fill.end(scope);
    }
    if (target.kind !== 'keys') this.d.afterBulkClear(byType);
    this.d.log.info({ target: describeTarget(target), removed }, 'cache invalidated');
    this.d.events.emit('invalidate', { scope: target.kind, target: describeTarget(target), removed, remote: false });
    return removed;
  }

  /** Applies an invalidation received from another instance to this process's L1. */
  applyRemote(target: InvalidationTarget): void {
    for (const scope of this.scopesOf(target)) this.d.fill.applied(scope);
    const removed = this.dropLocal(target);
    this.d.events.emit('invalidate', { scope: target.kind, target: describeTarget(target), removed, remote: true });
  }

  /** Redis is reachable again: replays the invalidations made during the outage. */
  async replayPending(): Promise<void> {
    const todo = this.pending;
    if (todo.length === 0) return;
    this.pending = [];
    // Until the last one is replayed, Redis may answer what these clears removed (memory-tier.ts).
    this.d.fill.beginReplay();
    try {
      for (const [i, t] of todo.entries()) {
        if ((await this.removeFromRedis(t)) === UNAVAILABLE) {
          for (const rest of todo.slice(i)) this.remember(rest);
          return;
        }
        this.d.bus.publish(t);
      }
    } finally {
      this.d.fill.endReplay();
    }
    this.d.log.info({ replayed: todo.length }, 'cache invalidations made while redis was down replayed');
  }

  private remember(t: InvalidationTarget): void {
    if (this.pending.some((p) => p.kind === 'all')) return;
    if (t.kind === 'all' || this.pending.length >= MAX_PENDING) this.pending = [{ kind: 'all' }];
    else this.pending.push(t);
  }

  /**
   * The fill-guard scopes a target covers: a product, a type, everything; explicit keys each on its own (fill-guard.ts
   * narrows it to its product or its type), everything for a key of no type of this scheme.
   */
  private scopesOf(target: InvalidationTarget): FillScope[] {
    const k = this.d.keys;
    switch (target.kind) {
      case 'all':
        return [EVERYTHING];
      case 'type':
        return [{ kind: 'type', type: target.type }];
      case 'product':
        return [{ kind: 'product', productTag: k.productTag(target.product) }];
      case 'keys':
        return target.keys.map((key): FillScope => {
          const type = k.typeOf(key);
          return type === null ? EVERYTHING : { kind: 'key', key, type };
        });
    }
  }

  /** Drops matching entries from this process's memory tier; returns how many. */
  private dropLocal(target: InvalidationTarget): number {
    const m = this.d.memory;
    const k = this.d.keys;
    switch (target.kind) {
      case 'keys':
        return target.keys.reduce((n, key) => n + (m.delete(key) ? 1 : 0), 0);
      case 'product': {
        const model = k.model(target.product);
        const predictions = k.predictionPattern(target.product).slice(0, -1);
        return m.deleteWhere((key) => key === model || key.startsWith(predictions));
      }
      case 'type':
        return m.deleteWhere((key, e) => e.type === target.type && key.startsWith(k.root));
      case 'all':
        return m.deleteWhere((key) => key.startsWith(k.root) && !key.startsWith(k.meta));
    }
  }

  /** Removes the target's keys from Redis: how many, and per type (the key counts subtract them). */
  private async removeFromRedis(
    target: InvalidationTarget,
  ): Promise<{ removed: number; byType: Partial<Record<CacheType, number | 'all'>> } | typeof UNAVAILABLE> {
    if (!this.d.gate.up) return UNAVAILABLE;
    const k = this.d.keys;
    const gate = this.d.gate;
    try {
      switch (target.kind) {
        case 'keys': {
          // A deleted prediction's grace copy goes with it (uncounted): a value someone removed is not served stale.
          const n = await unlinkKeys(gate, target.keys);
          const copies = target.keys.filter((key) => k.typeOf(key) === 'predictions').map(graceKey);
          if (copies.length) await unlinkKeys(gate, copies);
          return { removed: n, byType: {} };
        }
        case 'product': {
          const { main, others } = await this.unlinkIndexed(k.productIndex(target.product), k.model(target.product));
          return { removed: main + others, byType: { models: main, predictions: others } };
        }
        case 'type': {
          const removed =
            target.type === 'products'
              ? await this.unlinkIndexed(k.productsIndex(), k.products()).then(({ main, others }) => main + others)
              : await this.unlinkData(k.pattern(target.type), target.type === 'other' ? (key) => k.typeOf(key) === 'other' : undefined);
          return { removed, byType: { [target.type]: 'all' } };
        }
        case 'all':
          return {
            removed: await this.unlinkData(k.pattern('all'), (key) => !key.startsWith(k.meta) || k.isIndex(key)),
            byType: Object.fromEntries(CACHE_TYPES.map((t) => [t, 'all'])),
          };
      }
    } catch (err) {
      if (err instanceof RedisUnavailableError) return UNAVAILABLE;
      throw err;
    }
  }

  /**
   * UNLINKs `main` and every key listed in the index set `index`, then the set itself. Counts data keys only
   * (`main` is unlinked even when the set misses it; grace copies go uncounted, like the set), `main` apart from the
   * others (a product's model and its forecasts are two types). Both UNLINKs leave in one write (the gate corks
   * commands of one tick).
   */
  private async unlinkIndexed(index: string, main: string): Promise<{ main: number; others: number }> {
    const members = await this.d.gate.run((c) => c.smembers(index));
    if (members === UNAVAILABLE) throw new RedisUnavailableError();
    const [mainRemoved, others] = await Promise.all([
      unlinkKeys(this.d.gate, [main]),
      unlinkKeys(
        this.d.gate,
        members.filter((m) => m !== main && !isGraceKey(m)),
      ),
    ]);
    await unlinkKeys(this.d.gate, [...members.filter(isGraceKey), index]);
    return { main: mainRemoved, others };
  }

  /** UNLINKs the scanned keys `keep` accepts; counts data keys only (index sets and grace copies go too, uncounted). */
  private async unlinkData(pattern: string, keep?: (key: string) => boolean): Promise<number> {
    let n = 0;
    const bookkeeping = (key: string) => this.d.keys.isIndex(key) || isGraceKey(key);
    for await (const batch of scanKeys(this.d.gate, pattern)) {
      const keys = keep ? batch.filter(keep) : batch;
      await unlinkKeys(this.d.gate, keys.filter(bookkeeping));
      n += await unlinkKeys(
        this.d.gate,
        keys.filter((key) => !bookkeeping(key)),
      );
    }
    return n;
  }
}
