/**
 * The in-process tier: L1 in front of Redis, and the fallback store while Redis is unreachable.
 *
 * Bounded by entry count and by (approximate) bytes, with per-entry expiry. Eviction is CLOCK ("second
 * chance"), an LRU approximation: a hit only sets a flag on the entry — no Map re-insertion, no allocation —
 * and the evictor's hand walks the entries in insertion order, giving recently used ones one more round. That keeps the
 * L1-hit path to one Map lookup, one time comparison and one field write.
 *
 * Values are stored decoded (never bytes to parse again per hit). Byte size is an estimate supplied by the
 * caller (the encoded length when known).
 */
import type { EntryCodec } from './entry-codec';
import { zeroCounts, type CacheType } from './keys';

export interface MemoryEntry {
  value: unknown;
  /** epoch ms */
  expiresAt: number;
  bytes: number;
  type: CacheType;
  /**
   * 'l2': a copy of a value that is in Redis (may be dropped whenever pub/sub may have missed an invalidation);
   * 'fallback': a value meant for Redis, kept here only because Redis was unavailable (dropped when Redis is back:
   * another instance may have written a newer one there meanwhile);
   * 'local': an L1-only value (never meant for Redis).
   */
  origin: 'l2' | 'fallback' | 'local';
  /** Cost of computing the value (ms), to estimate the time its hits save. */
  costMs: number;
  /** CLOCK reference bit. */
  ref: boolean;
  /** The codec that produced `value`: a reader with another codec converts instead of taking it as its own. */
  codec: EntryCodec<unknown>;
}

export interface MemoryTierStats {
  entries: number;
  bytes: number;
  maxEntries: number;
  maxBytes: number;
  evictions: number;
}

export class MemoryTier {
  private readonly map = new Map<string, MemoryEntry>();
  /**
   * The CLOCK hand: one live iterator kept across evictions. A fresh `entries()` per eviction would start at the
   * Map's head, where V8 keeps the slots of deleted entries until it rehashes — each eviction then walked every
   * entry evicted before it (measured: a quarter of all CPU on a miss-heavy load with a full L1).
   */
  private hand: MapIterator<[string, MemoryEntry]> = this.map.entries();
  private bytes = 0;
  evictions = 0;
  constructor(
    private maxEntriesBound: number,
    readonly maxBytes: number,
  ) {}

  /** The entry bound (changes with {@link resize}). */
  get maxEntries(): number {
    return this.maxEntriesBound;
  }

  /**
   * Changes the entry bound at run time (hit-rate-driven tuning). Shrinking evicts at once, oldest first with the
   * usual second chance: the hand restarts at the head of the Map (insertion order), so the most recently stored
   * entries — and the recently read ones — are the ones kept.
   */
  resize(maxEntries: number): void {
    if (!(Number.isInteger(maxEntries) && maxEntries >= 0)) throw new TypeError('maxEntries must be an integer ≥ 0');
    const shrinking = maxEntries < this.maxEntriesBound;
    this.maxEntriesBound = maxEntries;
    if (shrinking && this.map.size > maxEntries) {
      this.hand = this.map.entries();
      this.evict();
    }
  }

  /** The live entry for `key`, or undefined (an expired entry is removed on the way). Marks it recently used. */
  get(key: string, now: number): MemoryEntry | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt <= now) {
      this.remove(key, e);
      return undefined;
    }
    e.ref = true;
    return e;
  }

  /** Stores an entry; returns false when it can never fit (bigger than the byte bound, or bounds are 0). */
  set(key: string, entry: MemoryEntry): boolean {
    const old = this.map.get(key);
    if (old !== undefined) this.remove(key, old);
    if (this.maxEntriesBound === 0 || entry.bytes > this.maxBytes) return false;
    this.map.set(key, entry);
    this.bytes += entry.bytes;
    if (this.map.size > this.maxEntriesBound || this.bytes > this.maxBytes) this.evict(entry);
    return true;
  }

  delete(key: string): boolean {
    const e = this.map.get(key);
    if (e === undefined) return false;
    this.remove(key, e);
    return true;
  }

  /** Deletes every key for which `pred` is true; returns how many. O(entries) — the tier is bounded. */
  deleteWhere(pred: (key: string, e: MemoryEntry) => boolean): number {
    let n = 0;
    for (const [k, e] of this.map) {
      if (pred(k, e)) {
        this.remove(k, e);
        n++;
      }
    }
    return n;
  }

  /** Live entry count per type (expired entries not yet swept are skipped). */
  countByType(now: number): Record<CacheType, number> {
    const out = zeroCounts();
    for (const e of this.map.values()) if (e.expiresAt > now) out[e.type]++;
    return out;
  }

  /** Remaining time to live in ms, or -2 when absent (Redis' PTTL convention). */
  pttl(key: string, now: number): number {
    const e = this.get(key, now);
    return e === undefined ? -2 : e.expiresAt - now;
  }

  /** Every stored entry, expired ones not yet swept included (insertion order). */
  values(): IterableIterator<MemoryEntry> {
    return this.map.values();
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
    this.hand = this.map.entries();
  }

  stats(): MemoryTierStats {
    return { entries: this.map.size, bytes: this.bytes, maxEntries: this.maxEntries, maxBytes: this.maxBytes, evictions: this.evictions };
  }

  get size(): number {
    return this.map.size;
  }

  private remove(key: string, e: MemoryEntry): void {
    this.map.delete(key);
    this.bytes -= e.bytes;
  }

  /**
   * Runs the hand until the bounds hold. `stored`, the entry whose insertion made room necessary, is passed over: it
   * sits at the Map's tail, and a hand that has just cleared every reference bit in one turn would meet it next —
   * evicting each new entry as it arrives while the old ones, now unmarked, stay (a full, busy tier would admit
   * nothing new). Passed over, it is behind the hand, as a new entry is in CLOCK, and gets a full turn.
   */
  private evict(stored?: MemoryEntry): void {
    const now = Date.now();
    // Bounded walk: at most two turns of the hand (the second finds every ref bit cleared).
    let budget = this.map.size * 2 + 1;
    while ((this.map.size > this.maxEntriesBound || this.bytes > this.maxBytes) && budget-- > 0) {
      let step = this.hand.next();
      if (step.done) {
        // A full turn: start the next one from the oldest entry.
        this.hand = this.map.entries();
        step = this.hand.next();
        if (step.done) return;
      }
      const [k, e] = step.value;
      if (e === stored) continue;
      if (e.ref && e.expiresAt > now)
        e.ref = false; // second chance: the hand passes it this turn
      else {
        this.remove(k, e);
        this.evictions++;
      }
    }
  }
}
