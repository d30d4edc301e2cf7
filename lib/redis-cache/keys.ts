/**
 * The key scheme (docs/ARCHITECTURE.md, "Keys").
 *
 * ```
 * <prefix>:model:{<product>}                          a trained model (artifact)
 * <prefix>:prediction:{<product>}:<days>:<variant>     a forecast; variant = v<version>[:<params-hash>] | <params-hash> | default
 * <prefix>:products_list[:<args-hash>]                 the product list
 * <prefix>:<hash>  |  <prefix>:<encoded custom key>    any other cached function result
 * <prefix>:_meta:…                                     the library's own bookkeeping (stats, locks, pub/sub channel)
 * ```
 * Product names are user text. They are percent-encoded byte by byte (UTF-8), keeping only `A–Z a–z 0–9 . _ -`:
 * the encoding is injective (`%` itself is encoded), ASCII names stay readable in `redis-cli --scan`, and no
 * glob character (`* ? [ ] \`), separator (`:`) or hash-tag brace (`{ }`) survives — so a name can neither
 * collide with another nor widen a SCAN MATCH pattern, and `{<encoded>}` is exactly one Cluster hash tag per
 * product (all its keys share a slot). The empty name encodes as `~` (which no other name can produce).
 * Names are not Unicode-normalised: two different strings are two different products, as in the database.
 */
import { createHash } from 'node:crypto';

import { CACHE_TYPES, type CacheType } from './cache-types';

export { CACHE_TYPES, type CacheType };

/** How many types there are: the length of every per-type counter array. */
export const TYPE_COUNT = CACHE_TYPES.length;

/** Position of each type in CACHE_TYPES: the index into the per-type counter arrays. */
export const TYPE_INDEX = Object.fromEntries(CACHE_TYPES.map((t, i) => [t, i])) as Record<CacheType, number>;

/** A count of 0 for every type. */
export function zeroCounts(): Record<CacheType, number> {
  return Object.fromEntries(CACHE_TYPES.map((t) => [t, 0])) as Record<CacheType, number>;
}

/** A per-type record from an array in CACHE_TYPES order. */
export function byType<T>(values: readonly T[]): Record<CacheType, T> {
  return Object.fromEntries(CACHE_TYPES.map((t, i) => [t, values[i]])) as Record<CacheType, T>;
}

/** The sum of a per-type count. */
export function sumCounts(c: Record<CacheType, number>): number {
  return CACHE_TYPES.reduce((sum, t) => sum + c[t], 0);
}

/** An array of zeros, one per type. */
export function zeroArray(): number[] {
  return new Array<number>(TYPE_COUNT).fill(0);
}

const SAFE = /^[A-Za-z0-9._-]+$/;
const HEX = '0123456789ABCDEF';

/** Percent-encodes `text` (UTF-8 bytes) keeping only `A–Z a–z 0–9 . _ -`. */
export function encodeSegment(text: string): string {
  if (text === '') return '~';
  if (SAFE.test(text)) return text;
  // Fast path: the native encoder percent-encodes UTF-8 the same way; it leaves ! ' ( ) * ~ alone, we don't.
  try {
    return encodeURIComponent(text).replace(/[!'()*~]/g, (c) => '%' + HEX[c.charCodeAt(0) >> 4] + HEX[c.charCodeAt(0) & 15]);
  } catch {
    // Lone surrogate (not valid UTF-16): encode the bytes Node would write.
  }
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 128 && /[A-Za-z0-9._-]/.test(c) ? c : '%' + HEX[byte >> 4] + HEX[byte & 15];
  }
  return out;
}

/** Inverse of {@link encodeSegment} (for display of keys). */
export function decodeSegment(seg: string): string {
  if (seg === '~') return '';
  return decodeURIComponent(seg);
}

/** Order-independent JSON for hashing arguments: object keys sorted, Dates/typed arrays stable. */
export function stableStringify(value: unknown): string {
  return (
    JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
      const raw = this[key];
      if (typeof raw === 'bigint') return `${raw}n`;
      if (raw instanceof Date) return `Date(${raw.getTime()})`;
      if (raw === undefined) return null;
      if (typeof raw === 'number' && !Number.isFinite(raw)) return `Num(${raw})`;
      if (ArrayBuffer.isView(raw)) return `${raw.constructor.name}(${Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64')})`;
      if (raw instanceof Map)
        return ['Map', [...raw.entries()].map(([k, x]) => [stableStringify(k), x]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))];
      if (raw instanceof Set) return ['Set', [...raw].map((x) => stableStringify(x)).sort()];
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const sorted: Record<string, unknown> = {};
        for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
        return sorted;
      }
      return v;
    }) ?? 'undefined'
  );
}

/** A short content hash (hex, 32 chars = 128 bits of SHA-256): collisions are not a practical concern. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** Builds every key of one prefix. Pure string work: no Redis. */
export class KeyScheme {
  readonly prefix: string;
  /** `<prefix>:` — every cache key starts with it. */
  readonly root: string;
  /** `<prefix>:_meta:` — the library's own keys; never cleared as cached data, never counted. */
  readonly meta: string;

  constructor(prefix: string) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix)) throw new TypeError('cache prefix must be 1–64 characters of A–Z a–z 0–9 _ . -');
    this.prefix = prefix;
    this.root = prefix + ':';
    this.meta = prefix + ':_meta:';
  }

  /** `{<encoded product>}` — the product's Cluster hash tag. */
  productTag(product: string): string {
    return '{' + encodeSegment(product) + '}';
  }

  model(product: string): string {
    return this.root + 'model:' + this.productTag(product);
  }

  /**
   * A prediction key. `version` (the model version from the database) makes predictions of an older model
   * unreachable the moment a retrain returns; `params` (any JSON-able value) is hashed.
   */
  prediction(product: string, days: number, params?: unknown, version?: number): string {
    let variant = version === undefined ? '' : 'v' + version;
    if (params !== undefined && params !== null) variant += (variant ? ':' : '') + contentHash(stableStringify(params));
    return this.root + 'prediction:' + this.productTag(product) + ':' + days + ':' + (variant || 'default');
  }

  /** MATCH pattern of one product's predictions (glob-safe: the encoded name holds no glob character). */
  predictionPattern(product: string): string {
    return this.root + 'prediction:' + this.productTag(product) + ':*';
  }

  products(argsHash?: string): string {
    return this.root + 'products_list' + (argsHash ? ':' + argsHash : '');
  }

  /**
   * The set of one product's keys (`<prefix>:_meta:product:{<product>}`): same hash tag, so same Cluster slot as
   * the keys it lists. Lets a product be cleared without scanning the keyspace.
   */
  productIndex(product: string): string {
    return this.meta + 'product:' + this.productTag(product);
  }

  /** The set of product-list keys (`products_list` and its argument variants). */
  productsIndex(): string {
    return this.meta + 'products_keys';
  }

  /** The index set a key of `type` is recorded in, or null (models, predictions and product lists are indexed). */
  indexFor(key: string, type: CacheType): string | null {
    if (type === 'products') return this.productsIndex();
    if (type !== 'models' && type !== 'predictions') return null;
    const tag = productTagOf(key);
    return tag === null ? null : this.meta + 'product:' + tag;
  }

  /** True for the library's index sets (removed with the data they index). */
  isIndex(key: string): boolean {
    return key.startsWith(this.meta + 'product:') || key === this.productsIndex();
  }

  /** The key of a cross-instance lock (its own hash tag). */
  lockKey(name: string): string {
    return this.meta + 'lock:{' + encodeSegment(name) + '}';
  }

  /** Key of another cached result: a custom key (encoded) or a content hash. */
  other(customKey: string): string {
    const seg = encodeSegment(customKey);
    // Reserved names get their first character percent-encoded, which the normal encoding never does.
    if (seg === 'products_list' || seg === '_meta') {
      return this.root + '%' + HEX[seg.charCodeAt(0) >> 4] + HEX[seg.charCodeAt(0) & 15] + seg.slice(1);
    }
    return this.root + seg;
  }

  hashed(identity: string, args: unknown[]): string {
    return this.root + contentHash(identity + '\u0000' + stableStringify(args));
  }

  /** The cache type of a key of this scheme, or null for foreign/meta keys and grace copies (grace.ts). */
  typeOf(key: string): CacheType | null {
    if (!key.startsWith(this.root) || key.startsWith(this.meta) || key.endsWith(':grace')) return null;
    const rest = key.slice(this.root.length);
    if (rest.startsWith('model:')) return 'models';
    if (rest.startsWith('prediction:')) return 'predictions';
    if (rest === 'products_list' || rest.startsWith('products_list:')) return 'products';
    return 'other';
  }

  /** MATCH pattern per clear target (the prefix is validated glob-free). */
  pattern(target: 'all' | CacheType): string {
    switch (target) {
      case 'all':
        return this.root + '*';
      case 'models':
        return this.root + 'model:*';
      case 'predictions':
        return this.root + 'prediction:*';
      case 'products':
        return this.root + 'products_list*';
      case 'other':
        return this.root + '*';
    }
  }
}

/** The `{<encoded product>}` tag of a model or prediction key ({@link KeyScheme.productTag}), or null. */
export function productTagOf(key: string): string | null {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close < 0 ? null : key.slice(open, close + 1);
}

/**
 * The product a model or prediction key belongs to (its `{<encoded product>}` hash tag, decoded), and the horizon
 * of a prediction key; null for keys without a product tag. For reports (savings, grace events), off the hot path.
 */
export function productOfKey(key: string): { product: string; days: number | null } | null {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  if (open < 0 || close < 0) return null;
  let product: string;
  try {
    product = decodeSegment(key.slice(open + 1, close));
  } catch {
    return null; // not one of this scheme's tags
  }
  const days = key.slice(0, open).endsWith(':prediction:') ? Number.parseInt(key.slice(close + 2), 10) : NaN;
  return { product, days: Number.isInteger(days) ? days : null };
}
