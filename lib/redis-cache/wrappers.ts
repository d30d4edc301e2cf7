/**
 * Higher-order wrappers — the TypeScript form of the seed's `@cached_model` / `@cached_prediction` decorators.
 *
 * A wrapped function has the original's signature and adds `.detailed(...)` (value + whether it was cached and
 * from which tier) and `.key(...)` (the cache key it would use). Semantics:
 * - concurrent misses on one key within this process run `fn` once (single flight); joiners count as misses;
 * - a cache failure never reaches the caller: it falls through to `fn`; an error of `fn` itself is not cached
 *   and reaches every joined caller;
 * - the cache system is resolved at call time (`opts.system` or the process singleton), never at wrap time,
 *   so wrapping at module scope connects to nothing.
 *
 * The L1-hit path is synchronous up to a single `Promise.resolve(value)`: one Map lookup, a freshness check and
 * counter increments; events are built only when someone listens.
 */
import type { CacheSystem } from './system';
import { getCacheSystem } from './system';
import { encodeSegment, type CacheType } from './keys';
import { isLockTimeoutError } from './lock';
import { TYPE_INDEX } from './stats';

export interface Detailed<R> {
  value: R;
  /** True when the value came from the cache (no computation). */
  cached: boolean;
  tier: 'l1' | 'l2' | null;
}

export type CachedFunction<A extends unknown[], R> = ((...args: A) => Promise<R>) & {
  /** Like calling the function, but also says whether the answer was cached and from which tier. */
  detailed(...args: A): Promise<Detailed<R>>;
  /** The cache key these arguments map to. */
  key(...args: A): string;
};

/** Converts a value to what Redis stores and back (e.g. a live model ↔ its serialisable artifact). */
export interface ValueCodec<R> {
  toCache(value: R): unknown;
  fromCache(stored: unknown): R;
}

interface Plan<R> {
  type: CacheType;
  ttl: (sys: CacheSystem) => number;
  codec?: ValueCodec<R>;
  l1Only?: boolean;
  /** Live objects are not frozen. */
  freeze: boolean;
  system?: CacheSystem;
  /** Cross-instance single flight: compute under this lock (name from the key), re-checking Redis first. */
  lockTtlMs?: number;
}

function wrap<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  plan: Plan<R>,
  keyOf: (sys: CacheSystem, args: A) => string | Promise<string>,
): CachedFunction<A, R> {
  const t = TYPE_INDEX[plan.type];
  // Built once per wrapper, not per lookup.
  const readOpts = { fromL2: plan.codec ? (s: unknown) => plan.codec!.fromCache(s) : undefined, freeze: plan.freeze };

  function slow(sys: CacheSystem, key: string, args: A, start: number): Promise<Detailed<R>> {
    const inflight = sys.inflight[key] as Promise<Detailed<R>> | undefined;
    if (inflight) {
      sys.stats.miss(t);
      return inflight.then(joined);
    }
    const p = (async (): Promise<Detailed<R>> => {
      if (!plan.l1Only) {
        let fromL2: R | undefined;
        try {
          fromL2 = await sys.cache.readL2<R>(key, plan.type, readOpts);
        } catch {
          // readL2 answers Redis and decode failures itself; what it can still throw (e.g. a 'backend' event listener
          // throwing as the breaker opens) must not reach the caller: recompute.
          fromL2 = undefined;
        }
        if (fromL2 !== undefined) {
          sys.stats.hitL2(t);
          if (sys.events.listening.lookup) sys.events.emit('lookup', { type: plan.type, key, result: 'hit', tier: 'l2', durationMs: performance.now() - start });
          return { value: fromL2, cached: true, tier: 'l2' };
        }
      }
      sys.stats.miss(t);
      if (sys.events.listening.lookup) sys.events.emit('lookup', { type: plan.type, key, result: 'miss', tier: null, durationMs: performance.now() - start });
      if (plan.lockTtlMs && !plan.l1Only && sys.breaker.allows()) {
        // Another instance may be computing the same value: wait for its lock, then take its result from Redis.
        const viaLock = await sys
          .lock('compute:' + key, plan.lockTtlMs, async () => {
            const again = await sys.cache.readL2<R>(key, plan.type, readOpts);
            return again !== undefined ? { value: again } : { value: await compute(), computed: true };
          })
          .catch((err: unknown) => {
            if (isLockTimeoutError(err)) return null; // compute ourselves
            throw err;
          });
        if (viaLock) return { value: viaLock.value, cached: !('computed' in viaLock), tier: 'computed' in viaLock ? null : 'l2' };
      }
      return { value: await compute(), cached: false, tier: null };
    })();

    async function compute(): Promise<R> {
      const c0 = performance.now();
      let value: R;
      try {
        value = await fn(...args);
      } catch (err) {
        if (sys.events.listening.compute) sys.events.emit('compute', { type: plan.type, key, durationMs: performance.now() - c0, error: true });
        throw err;
      }
      const costMs = performance.now() - c0;
      sys.stats.computed(t, costMs);
      if (sys.events.listening.compute) sys.events.emit('compute', { type: plan.type, key, durationMs: costMs, error: false });
      if (value !== undefined) {
        // The caller gets the value without waiting for Redis' reply to the SET: L1 already holds it, and a later
        // GET on the same connection is ordered after the SET. Failures are handled inside set (breaker).
        try {
          sys.cache
            .set(key, value, plan.ttl(sys), {
              type: plan.type,
              l1Only: plan.l1Only,
              freeze: plan.freeze,
              costMs,
              ...(plan.codec ? { l2Value: plan.codec.toCache(value) } : {}),
            })
            .catch((err: Error) => sys.log.warn({ key, err: err.message }, 'value could not be cached'));
        } catch (err) {
          sys.log.warn({ key, err: (err as Error).message }, 'value could not be cached');
        }
      }
      return value;
    }
    sys.inflight[key] = p;
    const done = () => {
      if (sys.inflight[key] === p) delete sys.inflight[key];
    };
    p.then(done, done);
    return p;
  }

  function run(args: A): Promise<Detailed<R>> | Detailed<R> {
    const sys = plan.system ?? getCacheSystem();
    if (!sys.enabled) return uncached(args);
    let k: string | Promise<string>;
    try {
      k = keyOf(sys, args);
    } catch (err) {
      return keyFailed(sys, args, err);
    }
    return withKey(sys, k, args);
  }

  function withKey(sys: CacheSystem, k: string | Promise<string>, args: A): Promise<Detailed<R>> | Detailed<R> {
    const start = performance.now();
    if (typeof k !== 'string') {
      return k.then(
        (key) => lookupThenSlow(sys, key, args, start),
        (err: unknown) => keyFailed(sys, args, err),
      );
    }
    return lookupThenSlow(sys, k, args, start);
  }

  function uncached(args: A): Promise<Detailed<R>> {
    return fn(...args).then((value) => ({ value, cached: false, tier: null }));
  }

  /** The key could not be computed (a throwing `key`/`version` function): answer uncached, never fail on it. */
  function keyFailed(sys: CacheSystem, args: A, err: unknown): Promise<Detailed<R>> {
    sys.log.warn({ type: plan.type, err: err instanceof Error ? err.message : String(err) }, 'cache key could not be computed; calling through');
    return uncached(args);
  }

  function lookupThenSlow(sys: CacheSystem, key: string, args: A, start: number): Promise<Detailed<R>> | Detailed<R> {
    const e = sys.memory.get(key, Date.now());
    if (e !== undefined) {
      sys.stats.hitL1(t, e.costMs);
      if (sys.events.listening.lookup) sys.events.emit('lookup', { type: plan.type, key, result: 'hit', tier: 'l1', durationMs: performance.now() - start });
      return { value: e.value as R, cached: true, tier: 'l1' };
    }
    return slow(sys, key, args, start);
  }

  const wrapped = function (...args: A): Promise<R> {
    const sys = plan.system ?? getCacheSystem();
    if (!sys.enabled) return fn(...args);
    let k: string | Promise<string>;
    try {
      k = keyOf(sys, args);
    } catch (err) {
      return keyFailed(sys, args, err).then(valueOf);
    }
    if (typeof k === 'string') {
      // Hot path: L1 hit without any await.
      const e = sys.memory.get(k, Date.now());
      if (e !== undefined) {
        sys.stats.hitL1(t, e.costMs);
        if (sys.events.listening.lookup) sys.events.emit('lookup', { type: plan.type, key: k, result: 'hit', tier: 'l1', durationMs: 0 });
        return Promise.resolve(e.value as R);
      }
      return slow(sys, k, args, sys.events.listening.lookup ? performance.now() : 0).then(valueOf);
    }
    return Promise.resolve(withKey(sys, k, args)).then(valueOf);
  } as CachedFunction<A, R>;

  wrapped.detailed = (...args: A) => Promise.resolve(run(args));
  wrapped.key = (...args: A) => {
    const k = keyOf(plan.system ?? getCacheSystem(), args);
    if (typeof k !== 'string') throw new TypeError('key() is synchronous: this wrapper computes its key asynchronously (async version)');
    return k;
  };
  Object.defineProperty(wrapped, 'name', { value: `cached(${fn.name || 'anonymous'})` });
  return wrapped;
}

/** What a caller that joined another's computation gets: the value, reported as computed (not cached). */
function joined<R>(d: Detailed<R>): Detailed<R> {
  return { value: d.value, cached: false, tier: null };
}

function valueOf<R>(d: Detailed<R>): R {
  return d.value;
}

export interface CachedModelOptions<R> {
  /** Seconds; default CACHE_MODEL_TTL. */
  ttl?: number;
  /**
   * How the model goes to Redis and comes back: L1 keeps the live object returned by `fn`; Redis keeps
   * `toCache(model)`; an L2 hit on another instance (or after L1 eviction) rebuilds with `fromCache`.
   */
  codec?: ValueCodec<R>;
  /** Keep models in this process only (a live object with no serialisable form). */
  l1Only?: boolean;
  /**
   * Train once across instances: a miss computes under a Redis lock held at most this long (ms, extended while
   * the function runs); instances that wait for it take the result from Redis instead of training again.
   */
  lockTtlMs?: number;
  system?: CacheSystem;
}

/**
 * Caches a model loader by product: key `<prefix>:model:{<product>}`. Extra arguments don't take part in the key.
 * With `codec` or `l1Only`, the L1 copy is the live object (not frozen).
 */
export function cachedModel<Rest extends unknown[], R>(
  fn: (product: string, ...rest: Rest) => Promise<R>,
  opts: CachedModelOptions<R> = {},
): CachedFunction<[product: string, ...rest: Rest], R> {
  return wrap(
    fn,
    {
      type: 'models',
      ttl: (sys) => opts.ttl ?? sys.config.ttl.models,
      codec: opts.codec,
      l1Only: opts.l1Only,
      freeze: !(opts.codec || opts.l1Only),
      system: opts.system,
      lockTtlMs: opts.lockTtlMs,
    },
    (sys, args) => sys.keys.model(args[0]),
  );
}

export interface CachedPredictionOptions {
  /** Seconds; default CACHE_PREDICTION_TTL. */
  ttl?: number;
  /**
   * The product's current model version (from the database). It becomes part of the key, so a retrain makes
   * every older prediction unreachable at once, on every instance.
   */
  version?: (product: string) => number | Promise<number>;
  system?: CacheSystem;
}

/** Caches a forecast by (product, days, params[, model version]). */
export function cachedPrediction<P, R>(
  fn: (product: string, days: number, params?: P) => Promise<R>,
  opts: CachedPredictionOptions = {},
): CachedFunction<[product: string, days: number, params?: P], R> {
  const versionOf = opts.version;
  return wrap(
    fn,
    { type: 'predictions', ttl: (sys) => opts.ttl ?? sys.config.ttl.predictions, freeze: true, system: opts.system },
    (sys, [product, days, params]) => {
      if (!versionOf) return sys.keys.prediction(product, days, params);
      const v = versionOf(product);
      return typeof v === 'number' ? sys.keys.prediction(product, days, params, v) : v.then((ver) => sys.keys.prediction(product, days, params, ver));
    },
  );
}

export interface CachedOptions<A extends unknown[]> {
  /** Seconds; default CACHE_DEFAULT_TTL (or CACHE_PRODUCTS_TTL for type 'products'). */
  ttl?: number;
  /** Custom key (encoded under the prefix); default: a content hash of the function's identity and arguments. */
  key?: (...args: A) => string;
  /** 'products' stores under `<prefix>:products_list`; default 'other'. */
  type?: 'products' | 'other';
  /** Identity for the default key (default: the function's name and source text). */
  name?: string;
  system?: CacheSystem;
}

/** Caches any async function's results for `ttl` seconds. */
export function cached<A extends unknown[], R>(fn: (...args: A) => Promise<R>, opts: CachedOptions<A> = {}): CachedFunction<A, R> {
  if (opts.ttl !== undefined && !(opts.ttl > 0)) throw new TypeError('cached(): ttl must be a positive number of seconds');
  const type: CacheType = opts.type ?? 'other';
  const identity = opts.name ?? `${fn.name}\u0000${fn.toString()}`;
  const userKey = opts.key;
  return wrap(fn, { type, ttl: (sys) => opts.ttl ?? sys.config.ttl[type], freeze: true, system: opts.system }, (sys, args) => {
    if (type === 'products') {
      if (userKey) return sys.keys.products(encodeSegment(userKey(...args)));
      return sys.keys.products(args.length ? sys.keys.hashed(identity, args).slice(sys.keys.root.length) : undefined);
    }
    if (userKey) return sys.keys.other(userKey(...args));
    return sys.keys.hashed(identity, args);
  });
}
