/**
 * Small seeded pseudo-random number generator and the few distributions the module needs.
 * Used for the demo history's noise and for forecast intervals, so both are reproducible:
 * the same seed always gives the same numbers, on every machine (only 32-bit integer maths and IEEE doubles).
 */

/** FNV-1a over the UTF-16 code units of `parts` joined by NUL, as an unsigned 32-bit seed. */
export function hashSeed(...parts: (string | number)[]): number {
  return fnv1a(parts.join('\u0000'));
}

/**
 * FNV-1a of `text`, continuing from `state` (a previous result): `fnv1a(b, fnv1a(a)) === fnv1a(a + b)`, so a
 * loop over many seeds sharing a prefix hashes the prefix once.
 */
export function fnv1a(text: string, state = 0x811c9dc5): number {
  let h = state;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** sfc32 (Small Fast Counter): 128 bits of state, passes PractRand; seeded through splitmix32. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  // Monomorphic fields (a number and a flag, never null): this is on the forecast's hot path.
  private spareNormal = 0;
  private hasSpare = false;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spareNormal;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    this.hasSpare = true;
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Laplace(0, scale) by inversion. */
  laplace(scale: number): number {
    let u = this.uniform() - 0.5;
    while (u === -0.5) u = this.uniform() - 0.5;
    return -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  }

  /**
   * Poisson(lambda): Knuth's multiplication method, applied in chunks of at most 50 so `exp(-lambda)` never
   * underflows (a sum of independent Poissons is Poisson with the summed rate). Rates here are small (< 1000).
   */
  poisson(lambda: number): number {
    let total = 0;
    let remaining = lambda;
    while (remaining > 0) {
      const chunk = Math.min(remaining, 50);
      remaining -= chunk;
      const limit = Math.exp(-chunk);
      let k = 0;
      let p = this.uniform();
      while (p > limit) {
        k++;
        p *= this.uniform();
      }
      total += k;
    }
    return total;
  }
}
