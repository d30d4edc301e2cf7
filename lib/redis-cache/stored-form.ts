/**
 * What a cache entry looks like in Redis: `@<expires at, epoch ms>@<encoded value>`.
 *
 * Why the expiry travels in the value: an L1 copy of a Redis value must not outlive it, so a reader needs the
 * remaining TTL. Asking Redis for it costs a second command (`PTTL`) on every read — on a miss-heavy load that was
 * a third of all commands, and useless on the misses. Written next to the value, the expiry comes with the one
 * `GET`. The writer's clock sets it and the reader's compares it: clock skew between hosts shifts an L1 copy's end
 * by that skew, and `CACHE_L1_TTL` bounds it anyway.
 *
 * An encoded value never starts with `@` (JSON text starts with `{ [ " t f n -` or a digit, tagged values with `~`),
 * so values without the envelope — written by an earlier version, or by a tool — are read as they are, with
 * `CACHE_L1_TTL` as the only bound on their L1 copies.
 */
const MARK = 64; // '@'

export function wrapStored(text: string, expiresAt: number): string {
  return '@' + expiresAt + '@' + text;
}

/** The expiry written with `raw` (epoch ms), or NaN when it has none. */
export function storedExpiry(raw: string): number {
  if (raw.charCodeAt(0) !== MARK) return NaN;
  const end = raw.indexOf('@', 1);
  return end < 0 ? NaN : Number(raw.slice(1, end));
}

/** The encoded value inside `raw`. */
export function storedPayload(raw: string): string {
  if (raw.charCodeAt(0) !== MARK) return raw;
  const end = raw.indexOf('@', 1);
  return end < 0 ? raw : raw.slice(end + 1);
}
