/**
 * Higher-order wrappers — the TypeScript form of the seed's `@cached_model` / `@cached_prediction` decorators.
 * Each builds a key and an entry plan (type, TTL, codec) and hands the rest to the core's get-or-compute
 * (core.ts): nothing about tiers, single flight or statistics is decided here.
 *
 * A wrapped function has the original's signature and adds `.detailed(...)` (value + whether it was cached and
 * from which tier) and `.key(...)` (the cache key it would use). The cache system is resolved at call time
 * (`opts.system` or the process-wide one), never at wrap time, so wrapping at module scope connects to nothing.
 * A key that cannot be computed (a throwing `key` or `version` function) makes the call go through uncached.
 */
import { NOT_IN_L1, entryPlan, type Detailed, type EntryPlan } from './entry-plan';
import { jsonCodec, validatedJsonCodec, liveCodec, localOnlyCodec, type EntryCodec, type ValueCodec } from './entry-codec';
import { encodeSegment, type CacheType } from './keys';
import { getCacheSystem } from './singleton';
import type { CacheSystem } from './system';
import { errorMessage } from './timeout';

export type { Detailed, ValueCodec };

export type CachedFunction<A extends unknown[], R> = ((...args: A) => Promise<R>) & {
  /** Like calling the function, but also says whether the answer was cached and from which tier. */
  detailed(...args: A): Promise<Detailed<R>>;
  /** The cache key these arguments map to. */
  key(...args: A): string;
};

type KeyOf<A> = (sys: CacheSystem, args: A) => string | Promise<string>;

/** A cache system, or a function returning the one to use at call time. */
export type SystemSource = CacheSystem | (() => CacheSystem);

function wrap<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  plan: EntryPlan<R>,
  keyOf: KeyOf<A>,
  source?: SystemSource,
): CachedFunction<A, R> {
  const systemOf = (): CacheSystem => (source === undefined ? getCacheSystem() : typeof source === 'function' ? source() : source);
  const uncached = (args: A): Promise<Detailed<R>> => fn(...args).then((value) => ({ value, cached: false, tier: null }));

  function keyFailed(sys: CacheSystem, args: A, err: unknown): Promise<Detailed<R>> {
    sys.log.warn({ type: plan.type, err: errorMessage(err) }, 'cache key could not be computed; calling through');
    return uncached(args);
  }

  function detailed(...args: A): Promise<Detailed<R>> {
    const sys = systemOf();
    if (!sys.enabled) return uncached(args);
    let key: string | Promise<string>;
    try {
      key = keyOf(sys, args);
    } catch (err) {
      return keyFailed(sys, args, err);
    }
    return typeof key === 'string' ? lookup(sys, key, args) : afterKey(sys, key, args);
  }

  function afterKey(sys: CacheSystem, key: Promise<string>, args: A): Promise<Detailed<R>> {
    return key.then(
      (k) => lookup(sys, k, args),
      (err: unknown) => keyFailed(sys, args, err),
    );
  }

  function lookup(sys: CacheSystem, key: string, args: A): Promise<Detailed<R>> {
    const answer = sys.core.getOrCompute(plan, key, () => fn(...args));
    return sys.grace.applies(plan as EntryPlan<unknown>) ? answer.catch((err: unknown) => staleOr(sys, key, args, err)) : answer;
  }

  /** A failed computation: the grace copy (stale) with a background refresh, or the error (grace.ts). */
  function staleOr(sys: CacheSystem, key: string, args: A, err: unknown): Promise<Detailed<R>> {
    const refresh = async () => {
      const started = performance.now();
      const value = await fn(...args);
      await sys.core.set(plan, key, value, { costMs: performance.now() - started });
    };
    return sys.grace.serveStale(plan, key, err, refresh);
  }

  const wrapped = function (...args: A): Promise<R> {
    const sys = systemOf();
    if (!sys.enabled) return fn(...args);
    let key: string | Promise<string>;
    try {
      key = keyOf(sys, args);
    } catch (err) {
      return keyFailed(sys, args, err).then(valueOf);
    }
    if (typeof key !== 'string') return afterKey(sys, key, args).then(valueOf);
    // Hot path: an L1 hit answers without any await.
    const inL1 = sys.core.fromL1(plan, key);
    if (inL1 !== NOT_IN_L1) return Promise.resolve(inL1);
    const k = key;
    const answer = sys.core.missL1(plan, k, () => fn(...args));
    return (sys.grace.applies(plan as EntryPlan<unknown>) ? answer.catch((err: unknown) => staleOr(sys, k, args, err)) : answer).then(valueOf);
  } as CachedFunction<A, R>;

  wrapped.detailed = detailed;
  wrapped.key = (...args: A) => {
    const k = keyOf(systemOf(), args);
    if (typeof k !== 'string') throw new TypeError('key() is synchronous: this wrapper computes its key asynchronously (async version)');
    return k;
  };
  Object.defineProperty(wrapped, 'name', { value: `cached(${fn.name || 'anonymous'})` });
  return wrapped;
}

function valueOf<R>(d: Detailed<R>): R {
  return d.value;
}

export interface CachedModelOptions<R> {
  /** Seconds; default: the system's model TTL (6 h). */
  ttl?: number;
  /**
   * How the model goes to Redis and comes back: L1 keeps the live object returned by `fn`; Redis keeps
   * `toCache(model)`; a Redis hit (another instance, or after L1 eviction) rebuilds with `fromCache`.
   */
  codec?: ValueCodec<R>;
  /** Keep models in this process only (a live object with no serialisable form). */
  l1Only?: boolean;
  /**
   * Train once across instances: a miss computes under a Redis lock held at most this long (ms, extended while
   * the function runs); instances that wait for it take the result from Redis instead of training again.
   */
  lockTtlMs?: number;
  /** The cache system, or what returns it at call time (default: the process-wide one). */
  system?: SystemSource;
}

/**
 * Caches a model loader by product: key `<prefix>:model:{<product>}`. Extra arguments don't take part in the key.
 * With `codec` or `l1Only`, the L1 copy is the live object (not frozen).
 */
export function cachedModel<Rest extends unknown[], R>(
  fn: (product: string, ...rest: Rest) => Promise<R>,
  opts: CachedModelOptions<R> = {},
): CachedFunction<[product: string, ...rest: Rest], R> {
  const codec = (opts.l1Only ? localOnlyCodec : opts.codec ? liveCodec(opts.codec, 'model') : jsonCodec) as EntryCodec<R>;
  const plan = entryPlan('models', codec, { ttl: opts.ttl, localOnly: opts.l1Only, lockTtlMs: opts.lockTtlMs });
  return wrap(fn, plan, (sys, args) => sys.keys.model(args[0]), opts.system);
}

export interface CachedPredictionOptions {
  /** Seconds; default: the system's prediction TTL (5 min). */
  ttl?: number;
  /**
   * The product's current model version (from the database). It becomes part of the key, so a retrain makes
   * every older prediction unreachable at once, on every instance.
   */
  version?: (product: string) => number | Promise<number>;
  /** Checks a value read from Redis (e.g. a zod schema's `parse`); a value it refuses is a miss. */
  validate?: (value: unknown) => unknown;
  /** The cache system, or what returns it at call time (default: the process-wide one). */
  system?: SystemSource;
}

/** Caches a forecast by (product, days, params[, model version]). */
export function cachedPrediction<P, R>(
  fn: (product: string, days: number, params?: P) => Promise<R>,
  opts: CachedPredictionOptions = {},
): CachedFunction<[product: string, days: number, params?: P], R> {
  const versionOf = opts.version;
  const plan = entryPlan('predictions', codecFor<R>(opts.validate), { ttl: opts.ttl });
  return wrap(
    fn,
    plan,
    (sys, [product, days, params]) => {
      if (!versionOf) return sys.keys.prediction(product, days, params);
      const v = versionOf(product);
      return typeof v === 'number' ? sys.keys.prediction(product, days, params, v) : v.then((ver) => sys.keys.prediction(product, days, params, ver));
    },
    opts.system,
  );
}

export interface CachedOptions<A extends unknown[]> {
  /** Seconds; default: the system's default TTL (or its product-list TTL for type 'products'). */
  ttl?: number;
  /** Custom key (encoded under the prefix); default: a content hash of the function's identity and arguments. */
  key?: (...args: A) => string;
  /** 'products' stores under `<prefix>:products_list`; default 'other'. */
  type?: 'products' | 'other';
  /** Identity for the default key (default: the function's name and source text). */
  name?: string;
  /** Checks a value read from Redis (e.g. a zod schema's `parse`); a value it refuses is a miss. */
  validate?: (value: unknown) => unknown;
  /** The cache system, or what returns it at call time (default: the process-wide one). */
  system?: SystemSource;
}

/** Caches any async function's results for `ttl` seconds. */
export function cached<A extends unknown[], R>(fn: (...args: A) => Promise<R>, opts: CachedOptions<A> = {}): CachedFunction<A, R> {
  if (opts.ttl !== undefined && !(opts.ttl > 0)) throw new TypeError('cached(): ttl must be a positive number of seconds');
  const type: CacheType = opts.type ?? 'other';
  const identity = opts.name ?? `${fn.name}\u0000${fn.toString()}`;
  const userKey = opts.key;
  const plan = entryPlan(type, codecFor<R>(opts.validate), { ttl: opts.ttl });
  return wrap(
    fn,
    plan,
    (sys, args) => {
      if (type === 'products') {
        if (userKey) return sys.keys.products(encodeSegment(userKey(...args)));
        return sys.keys.products(args.length ? sys.keys.hashed(identity, args).slice(sys.keys.root.length) : undefined);
      }
      if (userKey) return sys.keys.other(userKey(...args));
      return sys.keys.hashed(identity, args);
    },
    opts.system,
  );
}

/** Plain JSON, or JSON checked on its way in from Redis. */
function codecFor<R>(validate: ((value: unknown) => unknown) | undefined): EntryCodec<R> {
  return (validate ? validatedJsonCodec(validate) : jsonCodec) as EntryCodec<R>;
}
