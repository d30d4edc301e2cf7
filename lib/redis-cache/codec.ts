/**
 * The value codec: JSON that round-trips exactly what the service caches — plain JSON values, `Date`,
 * typed arrays (`Float64Array`… — Prophet parameters), `Map`, `Set`, `BigInt`, and the numbers JSON loses
 * (`NaN`, `±Infinity`, `-0`).
 *
 * Wire format (why two forms): a value without any special type is stored as **plain JSON**, so the hot L2 read
 * is a bare `JSON.parse` with no reviver (the reviver costs 2–3× on big payloads) and other tools can read it.
 * A value that needed tags is stored as `~` + JSON with `{"$t":type,"v":…}` nodes; JSON text never starts with
 * `~`, so the first character tells the two apart. Plain objects that themselves have a `$t` key are escaped
 * (`{"$t":"Obj","v":[[k,v]…]}`), so no user data can be mistaken for a tag.
 *
 * Typed arrays are stored as base64 of their bytes (exact, compact, fast); byte order is the platform's
 * (little-endian on every platform Node supports in production).
 * `undefined` object fields are dropped, as in JSON; functions and symbols are not cacheable.
 */

const TAG = '$t';
const TAGGED_PREFIX = '~';

type TypedArrayCtor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

const TYPED: Record<string, TypedArrayCtor> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

/**
 * True when `v` is plain JSON data that `JSON.stringify` renders exactly: then the native serialiser runs without
 * a replacer (a replacer costs one JS call per node — about half the encode time of a forecast). Cycles and
 * very deep values return false and take the tagged path, which reports them.
 */
function isPlainJson(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (depth > 64) return false;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!isPlainJson(v[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false; // Date, typed arrays, Map, Set, classes
      if (Object.prototype.hasOwnProperty.call(v, TAG) || Object.prototype.hasOwnProperty.call(v, 'toJSON')) return false;
      for (const k in v) if (!isPlainJson((v as Record<string, unknown>)[k], depth + 1)) return false;
      return true;
    }
    default:
      return false; // bigint, function, symbol
  }
}

/** Encodes a value to the string stored in Redis. Throws `TypeError` for values that cannot be cached. */
export function encode(value: unknown): string {
  if (value !== undefined && isPlainJson(value, 0)) return JSON.stringify(value);
  let tagged = false;
  const json = JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key]; // before toJSON (a Date arrives here as a string in `v`)
    switch (typeof raw) {
      case 'number':
        if (Number.isFinite(raw) && !Object.is(raw, -0)) return raw;
        tagged = true;
        return { [TAG]: 'Num', v: Object.is(raw, -0) ? '-0' : String(raw) };
      case 'bigint':
        tagged = true;
        return { [TAG]: 'BigInt', v: raw.toString() };
      case 'function':
      case 'symbol':
        if (Array.isArray(this)) throw new TypeError(`cannot cache a ${typeof raw}`);
        return undefined;
      case 'object': {
        if (raw === null) return null;
        if (raw instanceof Date) {
          tagged = true;
          return { [TAG]: 'Date', v: Number.isNaN(raw.getTime()) ? null : raw.toISOString() };
        }
        if (ArrayBuffer.isView(raw) && !(raw instanceof DataView)) {
          tagged = true;
          const b = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
          return { [TAG]: raw.constructor.name, v: b.toString('base64') };
        }
        if (raw instanceof Map) {
          tagged = true;
          return { [TAG]: 'Map', v: [...raw.entries()] };
        }
        if (raw instanceof Set) {
          tagged = true;
          return { [TAG]: 'Set', v: [...raw.values()] };
        }
        if (!Array.isArray(raw) && Object.prototype.hasOwnProperty.call(raw, TAG) && v === raw) {
          tagged = true;
          return { [TAG]: 'Obj', v: Object.entries(raw as object) };
        }
        return v;
      }
      default:
        return v;
    }
  });
  if (json === undefined) throw new TypeError(`cannot cache ${typeof value === 'undefined' ? 'undefined' : typeof value}`);
  return tagged ? TAGGED_PREFIX + json : json;
}

function revive(_key: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  const t = o[TAG];
  if (typeof t !== 'string') return v;
  const p = o.v;
  switch (t) {
    case 'Date':
      return new Date(p === null ? NaN : (p as string));
    case 'Num':
      return p === '-0' ? -0 : Number(p);
    case 'BigInt':
      return BigInt(p as string);
    case 'Map':
      return new Map(p as [unknown, unknown][]);
    case 'Set':
      return new Set(p as unknown[]);
    case 'Obj':
      return Object.fromEntries(p as [string, unknown][]);
    default: {
      const Ctor = TYPED[t];
      if (!Ctor) throw new TypeError(`unknown codec tag ${t}`);
      const bytes = Buffer.from(p as string, 'base64');
      // Copy into a fresh, aligned buffer: Buffer's pool offset may not be a multiple of the element size.
      const ab = new ArrayBuffer(bytes.length);
      new Uint8Array(ab).set(bytes);
      return new Ctor(ab);
    }
  }
}

/** Decodes a string produced by {@link encode}. Throws on corrupt input (callers treat that as a miss). */
export function decode(text: string): unknown {
  return text.charCodeAt(0) === 126 /* ~ */ ? JSON.parse(text.slice(1), revive) : JSON.parse(text);
}

/**
 * Deep-freezes plain objects and arrays so one caller can't change the value another caller gets from L1.
 * Typed arrays, Maps and Sets can't be frozen by the language; they are shared as they are (documented).
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set) return value;
  Object.freeze(value);
  for (const k of Object.keys(value as object)) deepFreeze((value as Record<string, unknown>)[k]);
  return value;
}
