// Seeded randomness for everything in core/: xoshiro128** (32-bit state words, fast in JS), seeded through
// splitmix32 so that nearby seeds give unrelated streams. Doubles use 53 random bits.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box-Muller; no cached spare, so the state is just the four words). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Exponential with rate 1. */
  exponential(): number;
  /** The four state words, to serialise a generator mid-stream. */
  getState(): number[];
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A seeded generator. Any finite number is accepted as a seed (non-integers are hashed by their bits). */
export function createRng(seed: number, state?: readonly number[]): Rng {
  let a: number, b: number, c: number, d: number;
  if (state && state.length === 4) {
    [a, b, c, d] = state.map((v) => v >>> 0) as [number, number, number, number];
  } else {
    const sm = splitmix32(hashSeed(seed));
    a = sm();
    b = sm();
    c = sm();
    d = sm();
    if ((a | b | c | d) === 0) a = 1;
  }
  const u32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const next = (): number => ((u32() >>> 5) * 67108864 + (u32() >>> 6)) / 9007199254740992;
  return {
    next,
    normal() {
      const u = 1 - next(); // (0, 1]
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    int(n: number) {
      return Math.floor(next() * n);
    },
    uniform(lo: number, hi: number) {
      return lo + (hi - lo) * next();
    },
    exponential() {
      return -Math.log(1 - next());
    },
    getState() {
      return [a >>> 0, b >>> 0, c >>> 0, d >>> 0];
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Maps any finite number (integer or not, negative or not) to 32 bits. */
function hashSeed(seed: number): number {
  if (Number.isInteger(seed) && Math.abs(seed) < 2 ** 32) return seed >>> 0;
  const f = new Float64Array([seed]);
  const w = new Uint32Array(f.buffer);
  return mix32(w[0] ^ mix32(w[1]));
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A seed derived from a base seed and a path of integers (e.g. layer, epoch, step): independent streams without carrying state. */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = mix32(hashSeed(seed) ^ 0x5bd1e995);
  for (const p of parts) h = mix32(h ^ mix32((p >>> 0) + 0x9e3779b9));
  return h;
}

/** In-place Fisher-Yates shuffle. */
export function shuffle<T>(rng: Rng, items: T[] | Int32Array | Float64Array): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t as never;
  }
}

/**
 * Multinomial counts of `shots` draws over `probabilities` (normalised here; they need not sum to 1).
 * Exact and O(shots + outcomes): the sorted uniforms are generated directly as normalised cumulative sums of
 * exponentials, then swept against the cumulative distribution.
 */
export function multinomial(rng: Rng, shots: number, probabilities: ArrayLike<number>): Uint32Array {
  const m = probabilities.length;
  const counts = new Uint32Array(m);
  if (shots <= 0 || m === 0) return counts;
  let total = 0;
  for (let k = 0; k < m; k++) total += probabilities[k];
  if (!(total > 0)) throw new RangeError('multinomial: probabilities sum to zero');
  // Sorted uniforms U_(1..K) = S_k / S_{K+1}, S partial sums of K+1 exponentials.
  const s = new Float64Array(shots);
  let acc = 0;
  for (let t = 0; t < shots; t++) {
    acc += rng.exponential();
    s[t] = acc;
  }
  const scale = total / (acc + rng.exponential());
  let k = 0;
  let cum = probabilities[0];
  let last = m - 1;
  while (last > 0 && probabilities[last] <= 0) last--;
  for (let t = 0; t < shots; t++) {
    const u = s[t] * scale;
    while (u >= cum && k < last) cum += probabilities[++k];
    counts[k]++;
  }
  return counts;
}
