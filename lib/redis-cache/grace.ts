/**
 * Grace copies (stale-while-revalidate). When a prediction is written to Redis, a second copy is written beside it
 * under `<key>:grace`, living the entry's TTL plus the grace period, in the same product index set (so a product
 * clear — every retrain does one — removes it with the entry). When recomputing a value fails (the source is down,
 * a training fails), the caller gets the grace copy, marked stale with its age, and one background loop per key
 * retries the computation (grace-refresher.ts).
 *
 * Why a second key rather than a soft expiry inside the entry: the entry keeps its TTL and format, so every reader,
 * counter and L1 bound stays as it is, and a copy is read only on a failure path — never on a hit or a miss.
 * The cost is one more SET per prediction written (in the same socket write, see redis-gate.ts) and the copies'
 * memory.
 *
 * Stale across a retrain is impossible by construction: prediction keys carry the model version, so a new version
 * looks up a new key and its grace copy, which does not exist before it is first computed.
 *
 * Stored form: `@<hard expiry>@@<stored at>@<payload>` — stored-form.ts's envelope twice: the outer says when
 * the copy ends (a check beside Redis' own TTL), the inner when the value was computed (its age). The payload is
 * the entry's own: the encoded value, or its compressed frame (compression.ts) — compressed once for both keys.
 */
import type { EntryPlan, Detailed } from './entry-plan';
import type { CacheEvents } from './events';
import type { GraceRefresher } from './grace-refresher';
import { productOfKey } from './keys';
import type { CacheLogger } from './logger';
import { unpack } from './compression';
import { UNAVAILABLE, type RedisGate } from './redis-gate';
import { storedExpiry, storedPayload, wrapStored } from './stored-form';
import { errorMessage } from './timeout';

const SUFFIX = ':grace';

export function graceKey(key: string): string {
  return key + SUFFIX;
}

export function isGraceKey(key: string): boolean {
  return key.endsWith(SUFFIX);
}

/** The stored form of a grace copy of `payload`, computed at `storedAt` and kept until `hardExpiresAt` (epoch ms). */
export function wrapGrace(payload: string, storedAt: number, hardExpiresAt: number): string;
export function wrapGrace(payload: string | Buffer, storedAt: number, hardExpiresAt: number): string | Buffer;
export function wrapGrace(payload: string | Buffer, storedAt: number, hardExpiresAt: number): string | Buffer {
  return wrapStored(wrapStored(payload, storedAt), hardExpiresAt);
}

/**
 * The encoded value and when it was stored, or null when `raw` is not a grace copy or has ended at `now`. Throws
 * on a compressed frame that does not decompress.
 */
export function readGrace(raw: string | Buffer, now: number): { text: string; storedAt: number } | null {
  const hard = storedExpiry(raw);
  if (!(hard > now)) return null;
  if (typeof raw === 'string') {
    const inner = storedPayload(raw);
    const storedAt = storedExpiry(inner);
    return Number.isFinite(storedAt) ? { text: storedPayload(inner), storedAt } : null;
  }
  const inner = storedPayload(raw);
  const storedAt = storedExpiry(inner);
  return Number.isFinite(storedAt) ? { text: unpack(storedPayload(inner)), storedAt } : null;
}

/** An answer served from a grace copy. */
export interface StaleInfo {
  /** Milliseconds since the value was computed. */
  ageMs: number;
}

export interface GraceDeps {
  gate: RedisGate;
  events: CacheEvents;
  log: CacheLogger;
  refresher: GraceRefresher;
  /** The grace period (ms); 0: no grace copies. */
  periodMs: number;
  /**
   * The shared list of recent stale answers (every instance's, newest first); a counter of them all lives beside it
   * under `<recentKey>:count` (same hash tag).
   */
  recentKey: string;
}

/** One answer served from a grace copy: when, for which forecast, how old the copy was, and why it was needed. */
export interface GraceEvent {
  /** Epoch ms. */
  at: number;
  /** Null for a key without a product (a custom cached prediction). */
  product: string | null;
  days: number | null;
  ageMs: number;
  /** The computation's error message. */
  reason: string;
}

/** Recent stale answers kept (shared list and this process's own). */
export const GRACE_EVENTS_KEPT = 20;
/** The shared list lives this long after its last event. */
const RECENT_TTL_MS = 7 * 24 * 3_600_000;
/** A reason is a log line, not a document: long messages are cut. */
const REASON_MAX = 200;

function isGraceEvent(v: unknown): v is GraceEvent {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.at === 'number' &&
    (typeof e.product === 'string' || e.product === null) &&
    (typeof e.days === 'number' || e.days === null) &&
    typeof e.ageMs === 'number' &&
    typeof e.reason === 'string'
  );
}

/** Serves grace copies when a computation fails, and counts what it served. */
export class Grace {
  /** Answers served stale since start. */
  staleServed = 0;
  /** This process's last {@link GRACE_EVENTS_KEPT} stale answers, newest first (reported when Redis can't be read). */
  private readonly localRecent: GraceEvent[] = [];

  constructor(private readonly d: GraceDeps) {}

  get periodMs(): number {
    return this.d.periodMs;
  }

  get refreshesPending(): number {
    return this.d.refresher.pending;
  }

  /** Whether entries of this plan get a grace copy. */
  applies(plan: EntryPlan<unknown>): boolean {
    return this.d.periodMs > 0 && plan.type === 'predictions' && !plan.localOnly;
  }

  /**
   * After `compute` failed with `error` for `key`: the grace copy, marked stale, and a background refresh
   * (`refresh` recomputes and stores); `error` rethrown when there is no live copy (or Redis cannot say).
   */
  async serveStale<T>(plan: EntryPlan<T>, key: string, error: unknown, refresh: () => Promise<unknown>): Promise<Detailed<T>> {
    if (!this.applies(plan as EntryPlan<unknown>)) throw error;
    const raw = await this.d.gate.run((c) => c.getBuffer(graceKey(key)));
    if (raw === UNAVAILABLE || raw === null) throw error;
    const now = Date.now();
    let stale: { value: T; storedAt: number } | null;
    try {
      const copy = readGrace(raw, now);
      stale = copy && { value: plan.codec.decode(copy.text), storedAt: copy.storedAt };
    } catch (err) {
      this.d.log.warn({ key, err: errorMessage(err) }, 'grace copy could not be decoded; not served');
      throw error;
    }
    if (!stale) throw error;
    const value = stale.value;
    const ageMs = Math.max(0, now - stale.storedAt);
    this.staleServed++;
    this.d.events.emit('stale', { type: plan.type, key, ageMs, reason: errorMessage(error) });
    this.remember(key, now, ageMs, errorMessage(error));
    this.d.refresher.schedule(key, refresh);
    return { value, cached: true, tier: 'l2', stale: { ageMs } };
  }

  /**
   * The recent stale answers of every instance (newest first) and how many there were in all; this process's own
   * when Redis cannot be read (`shared: false`, `total` = this process's count).
   */
  async recent(): Promise<{ events: GraceEvent[]; total: number; shared: boolean }> {
    const key = this.d.recentKey;
    const read = await this.d.gate.run((c) => Promise.all([c.lrange(key, 0, GRACE_EVENTS_KEPT - 1), c.get(key + ':count')]));
    if (read === UNAVAILABLE) return { events: [...this.localRecent], total: this.staleServed, shared: false };
    const events: GraceEvent[] = [];
    for (const text of read[0]) {
      try {
        const v: unknown = JSON.parse(text);
        if (isGraceEvent(v)) events.push(v); // anything else in the list (planted, another version) is skipped
      } catch {
        // same
      }
    }
    return { events, total: Number(read[1] ?? 0) || 0, shared: true };
  }

  /** Records a stale answer here and in the shared list (fire and forget: a lost record costs only the list). */
  private remember(key: string, at: number, ageMs: number, reason: string): void {
    const owner = productOfKey(key);
    const event: GraceEvent = { at, product: owner?.product ?? null, days: owner?.days ?? null, ageMs, reason: reason.slice(0, REASON_MAX) };
    this.localRecent.unshift(event);
    if (this.localRecent.length > GRACE_EVENTS_KEPT) this.localRecent.pop();
    const list = this.d.recentKey;
    void this.d.gate.run((c) =>
      c
        .multi()
        .lpush(list, JSON.stringify(event))
        .ltrim(list, 0, GRACE_EVENTS_KEPT - 1)
        .pexpire(list, RECENT_TTL_MS)
        .incr(list + ':count')
        .exec(),
    );
  }
}
