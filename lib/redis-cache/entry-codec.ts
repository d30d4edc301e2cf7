/**
 * How one kind of entry is written to Redis and read back. Every L1 entry remembers the codec that produced its
 * value, so two APIs reading one key with different codecs can never take each other's value for their own: a
 * reader whose codec differs converts through the stored form (or, when that is impossible, reads Redis), and
 * owns the L1 slot from then on. That is what lets the seed's `ModelCache.getModel` (plain values) and the
 * service's `cachedModel` (live models rebuilt from an artifact) share one model entry safely.
 */
import { decode, deepFreeze, encode } from './codec';

export interface EntryCodec<T> {
  /** Readable name, for logs. */
  readonly name: string;
  /** To the text stored in Redis. Throws TypeError for a value that cannot be stored. */
  encode(value: T): string;
  /** From the text stored in Redis. Throws on a corrupt or foreign value (the read is then a miss). */
  decode(text: string): T;
  /**
   * Whether values stay as they are in L1 (a live object, e.g. a model with methods). Otherwise they are
   * deep-frozen, so one caller cannot change what another gets from L1.
   */
  readonly live: boolean;
}

/** Converts a value to what Redis stores and back (e.g. a live model ↔ its serialisable artifact). */
export interface ValueCodec<R> {
  toCache(value: R): unknown;
  fromCache(stored: unknown): R;
}

/** Plain values through the tagged-JSON codec (codec.ts): the default of every entry. */
export const jsonCodec: EntryCodec<unknown> = { name: 'json', encode, decode, live: false };

/**
 * JSON values checked on their way in from Redis: whatever `validate` refuses (it throws) — a value planted by
 * someone with write access to Redis, or left by another version of the service — is a miss, recomputed and
 * overwritten, never handed to the caller. Values this process computed are trusted and not re-checked.
 */
export function validatedJsonCodec<R>(validate: (value: unknown) => R, name = 'json+validated'): EntryCodec<R> {
  return { name, encode, decode: (text) => validate(decode(text)), live: false };
}

/** Live values through a {@link ValueCodec}: Redis keeps `toCache(value)`, a Redis hit rebuilds with `fromCache`. */
export function liveCodec<R>(codec: ValueCodec<R>, name = 'live'): EntryCodec<R> {
  return {
    name,
    encode: (value) => encode(codec.toCache(value)),
    decode: (text) => codec.fromCache(decode(text)),
    live: true,
  };
}

/** Values that never leave the process (no serialisable form): stored in L1 only. */
export const localOnlyCodec: EntryCodec<unknown> = {
  name: 'local-only',
  encode: () => {
    throw new TypeError('this entry is kept in process memory only');
  },
  decode: () => {
    throw new TypeError('this entry is kept in process memory only');
  },
  live: true,
};

/** Makes an L1 value safe to share: frozen unless the codec keeps live objects. */
export function shareable<T>(codec: EntryCodec<T>, value: T): T {
  return codec.live ? value : deepFreeze(value);
}

/**
 * `value`, produced by codec `from`, as codec `to` would have produced it — through the stored form. Undefined
 * when that is impossible (an L1-only value, or a stored form `to` refuses).
 */
export function convert<T>(from: EntryCodec<unknown>, to: EntryCodec<T>, value: unknown): T | undefined {
  try {
    return to.decode(from.encode(value));
  } catch {
    return undefined;
  }
}
