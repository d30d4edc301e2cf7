/**
 * The core's write path: a value into L1 and, when Redis is usable and the plan allows, into Redis — compressed when
 * large (compression.ts), with its expiry in front of it (stored-form.ts) and, for models and predictions, its
 * product's index set in the same command. L1 keeps the value itself, never the compressed form.
 * While Redis is unavailable the value lives its full TTL in memory (the fallback store).
 */
import type { CoreDeps } from './core';
import { shareable, type EntryCodec } from './entry-codec';
import type { EntryPlan } from './entry-plan';
import type { MemoryEntry } from './memory-tier';
import { UNAVAILABLE } from './redis-gate';
import { graceKey, wrapGrace } from './grace';
import { wrapStored } from './stored-form';
import { errorMessage } from './timeout';

/** Size estimate of a local-only value (it is never encoded, so its length is unknown). */
const LOCAL_ONLY_BYTES = 1024;
const STORED_LOCALLY = Promise.resolve(false);

export class EntryWriter {
  constructor(private readonly d: Pick<CoreDeps, 'gate' | 'memory' | 'keys' | 'log' | 'ttl' | 'l1Ttl' | 'publish' | 'grace' | 'compression'>) {}

  /**
   * Stores `value` in L1 and Redis (in memory only while Redis is unavailable, or for a local-only plan).
   * Resolves true when Redis holds it. Never fails because of Redis; rejects with a TypeError for a value the
   * codec cannot store. `announce` (default true) tells other instances to drop their copies.
   */
  set<T>(plan: EntryPlan<T>, key: string, value: T, opts: { ttl?: number; costMs?: number; announce?: boolean } = {}): Promise<boolean> {
    const ttl = opts.ttl ?? plan.ttl ?? this.d.ttl[plan.type];
    let text: string | null;
    try {
      if (!(ttl > 0)) throw new TypeError('ttl must be a positive number of seconds');
      text = plan.localOnly ? null : plan.codec.encode(value);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.write(plan, key, value, text, ttl, opts.costMs ?? 0, opts.announce !== false);
  }

  /**
   * After a computation: stored without waiting, and without announcing (see core.ts). Never throws, and the
   * promise it drops never rejects (store's continuation does not throw).
   */
  storeComputed<T>(plan: EntryPlan<T>, key: string, value: T, costMs: number): void {
    let text: string | null;
    try {
      text = plan.localOnly ? null : plan.codec.encode(value);
    } catch (err) {
      this.d.log.warn({ key, err: errorMessage(err) }, 'value could not be cached');
      return;
    }
    void this.write(plan, key, value, text, plan.ttl ?? this.d.ttl[plan.type], costMs, false);
  }

  /** Waits for the first connection attempt when it is still pending, then stores. */
  private write<T>(plan: EntryPlan<T>, key: string, value: T, text: string | null, ttl: number, costMs: number, announce: boolean): Promise<boolean> {
    const pending = this.d.gate.up || text === null ? null : this.d.gate.startup();
    if (pending === null) return this.store(plan, key, value, text, ttl, costMs, announce);
    return pending.then(() => this.store(plan, key, value, text, ttl, costMs, announce));
  }

  private store<T>(plan: EntryPlan<T>, key: string, value: T, text: string | null, ttl: number, costMs: number, announce: boolean): Promise<boolean> {
    const redisUp = this.d.gate.up;
    const useRedis = redisUp && text !== null;
    const now = Date.now();
    let entry: MemoryEntry | null = null;
    if (this.d.memory.maxEntries > 0 || !useRedis) {
      entry = {
        value: this.d.memory.maxEntries > 0 ? shareable(plan.codec, value) : value,
        // A copy of a Redis value lives at most l1Ttl; a memory-only value lives its full TTL.
        expiresAt: now + (useRedis ? Math.min(ttl, this.d.l1Ttl) : ttl) * 1000,
        bytes: text?.length ?? LOCAL_ONLY_BYTES,
        type: plan.type,
        origin: useRedis ? 'l2' : text === null ? 'local' : 'fallback',
        costMs,
        ref: false,
        codec: plan.codec as EntryCodec<unknown>,
      };
      this.d.memory.set(key, entry);
    }
    if (!useRedis) {
      if (text === null && redisUp && announce) this.d.publish({ kind: 'keys', keys: [key] }); // others drop their copy
      return STORED_LOCALLY;
    }
    const ttlMs = Math.round(ttl * 1000);
    const index = this.d.keys.indexFor(key, plan.type);
    const payload = this.d.compression.pack(text!);
    const stored = wrapStored(payload, now + ttlMs);
    const written = this.d.gate.runThen(
      (c): Promise<unknown> => (index === null ? c.set(key, stored, 'PX', ttlMs) : c.setIndexed(key, index, stored, ttlMs)),
      (r) => {
        if (r !== UNAVAILABLE) return true;
        if (entry) {
          entry.origin = 'fallback';
          entry.expiresAt = now + ttl * 1000;
        }
        return false;
      },
    );
    if (this.d.grace.applies(plan as EntryPlan<unknown>)) {
      // The grace copy (grace.ts): issued in the same turn, so it leaves in the same socket write as the entry.
      const graceMs = ttlMs + this.d.grace.periodMs;
      const copy = wrapGrace(payload, now, now + graceMs);
      void this.d.gate.run((c): Promise<unknown> =>
        index === null ? c.set(graceKey(key), copy, 'PX', graceMs) : c.setIndexed(graceKey(key), index, copy, graceMs),
      );
    }
    if (announce) this.d.publish({ kind: 'keys', keys: [key] }); // same connection: ordered after the write
    return written;
  }
}
