/**
 * What a cache entry looks like in Redis: `@<expires at, epoch ms>@<payload>`, the payload being the encoded value
 * or, for a large one, its compressed frame (compression.ts).
 *
 * Why the expiry travels in the value: an L1 copy of a Redis value must not outlive it, so a reader needs the
 * remaining TTL. Asking Redis for it costs a second command (`PTTL`) on every read — on a miss-heavy load that was
 * a third of all commands, and useless on the misses. Written next to the value, the expiry comes with the one
 * `GET`. The writer's clock sets it and the reader's compares it: clock skew between hosts shifts an L1 copy's end
 * by that skew, and `CACHE_L1_TTL` bounds it anyway.
 *
 * An encoded value never starts with `@` (JSON text starts with `{ [ " t f n -` or a digit, tagged values with `~`,
 * compressed frames with a NUL byte), so values without the envelope — written by an earlier version, or by a tool —
 * are read as they are, with `CACHE_L1_TTL` as the only bound on their L1 copies.
 *
 * Entries are read as bytes (a compressed frame is not text); the envelope is ASCII in both forms. An entry whose
 * payload is text is still written as a string, exactly as before compression existed.
 */
const MARK = 64; // '@'

export function wrapStored(payload: string, expiresAt: number): string;
export function wrapStored(payload: string | Buffer, expiresAt: number): string | Buffer;
export function wrapStored(payload: string | Buffer, expiresAt: number): string | Buffer {
  const head = '@' + expiresAt + '@';
  if (typeof payload === 'string') return head + payload;
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

/** Where the payload of `raw` starts: after the envelope, or 0 when there is none. */
function payloadStart(raw: string | Buffer): number {
  if (typeof raw === 'string') {
    if (raw.charCodeAt(0) !== MARK) return 0;
    return raw.indexOf('@', 1) + 1; // -1 + 1: no second '@', no envelope
  }
  if (raw[0] !== MARK) return 0;
  return raw.indexOf(MARK, 1) + 1;
}

/** The expiry written with `raw` (epoch ms), or NaN when it has none. */
export function storedExpiry(raw: string | Buffer): number {
  const start = payloadStart(raw);
  if (start === 0) return NaN;
  return Number(typeof raw === 'string' ? raw.slice(1, start - 1) : raw.toString('latin1', 1, start - 1));
}

/** The payload inside `raw` (for a Buffer, a view of it: no copy). */
export function storedPayload(raw: string): string;
export function storedPayload(raw: Buffer): Buffer;
export function storedPayload(raw: string | Buffer): string | Buffer {
  const start = payloadStart(raw);
  if (start === 0) return raw;
  return typeof raw === 'string' ? raw.slice(start) : raw.subarray(start);
}
